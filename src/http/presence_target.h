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

// Runs `fn` on the addressed user under the store lock; 404 (D9) if none.
// Records the user for the journal.
template <typename Fn>
void with_target(Service& s, RequestContext& ctx, const PresenceRoute& r,
                 Fn&& fn) {
  std::string id = target_user(s, ctx, r);
  ctx.user = store::to_lower_ascii(id);
  bool found = ctx.tenant->store.with_user(id, s.config.auto_create_users,
                                           [&](store::User& u) {
                                             ctx.user = u.id;
                                             ctx.write_sequence =
                                                 ++s.write_sequence;
                                             fn(u);
                                           });
  if (!found) throw graph::errors::user_not_found(id);
}

}  // namespace gpm::http
