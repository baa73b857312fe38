// Internal to the presence handlers: who the caller is and which user a
// presence route addresses (D12, D25), and running an action on that user
// (D9). Thread-safe as the store is.
#pragma once

#include <string>

#include "graph/graph_error.h"
#include "http/handlers.h"

namespace gpm::http {

// D25: the user the caller is: the token's `oid`, else --me, else the
// fixtures' `me`. Empty when none is known.
std::string caller_user(const Service& s, const RequestContext& ctx);

// The store key of the presence a route addresses (D12, D25 for /me).
std::string target_user(const Service& s, const RequestContext& ctx,
                        const PresenceRoute& r);

// The user a presence route addresses, as the journal and fault rules key
// it: the path's id lower-cased once by the route table, or for /me the
// caller (already lower-case, see caller_user()).
inline std::string target_key(const PresenceRoute& r, const std::string& id) {
  return r.form == graph::PresencePathForm::Me ? id : r.user_key;
}

// Runs `fn` on the addressed user under the store lock; 404 (D9) if none.
// Records in `facts` the user (the store's id once found) and the write
// sequence the change took.
template <typename Fn>
void with_target(Service& s, RequestContext& ctx, const PresenceRoute& r,
                 JournalFacts& facts, Fn&& fn) {
  std::string id = target_user(s, ctx, r);
  facts.user = target_key(r, id);
  bool found = ctx.tenant->store.with_user(
      id, s.config.auto_create_users, [&](store::User& u) {
        facts.user = u.id;
        facts.write_sequence = ++s.write_sequence;
        fn(u);
      });
  if (!found) throw graph::errors::user_not_found(id);
}

}  // namespace gpm::http
