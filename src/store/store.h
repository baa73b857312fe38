// The users of one tenant and their presence, shared by every request.
// Depends on core only. Thread-safe: every public member locks `mutex_`; the
// callbacks passed to with_user/with_users run under that lock and must not
// call back into the store.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/user_presence.h"

namespace gpm::store {

struct User {
  std::string id;  // object id, a GUID in lower case
  std::string user_principal_name;
  std::string display_name;
  core::UserPresence presence;
};

// The whole state of a tenant: what fixtures load and reset restores.
struct Snapshot {
  std::vector<User> users;
  std::optional<std::string> me;  // the fixtures' `me` user id, if any
};

// True for the 8-4-4-4-12 hex form, any case, no braces.
bool is_guid(std::string_view s);
std::string to_lower_ascii(std::string_view s);

class Store {
 public:
  explicit Store(Snapshot initial);

  // Restores the state given at construction.
  void reset();

  // Runs `fn` on the user named by `id_or_upn` (object id, any case, or
  // userPrincipalName, any case) under the store's lock. When no such user
  // exists and `create_if_missing` is set and the name is a GUID, creates
  // the user (D9's auto-create mode). Returns false if there was no user.
  bool with_user(std::string_view id_or_upn, bool create_if_missing,
                 const std::function<void(User&)>& fn);

  // Runs `fn` once per name in `ids` that resolves (as with_user), all under
  // one lock, so the answer is one consistent instant.
  void with_users(const std::vector<std::string>& ids, bool create_if_missing,
                  const std::function<void(User&)>& fn);

  // The `me` user of the fixtures, if they name one.
  std::optional<std::string> me() const;
  size_t user_count() const;

 private:
  User* find_locked(std::string_view id_or_upn, bool create_if_missing);
  void load_locked(const Snapshot& s);

  const Snapshot initial_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, User> users_;       // Guarded by mutex_
  std::unordered_map<std::string, std::string> upn_;  // lower UPN -> id
  std::optional<std::string> me_;                     // Guarded by mutex_
};

}  // namespace gpm::store
