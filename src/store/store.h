// The users of one tenant and their presence: a copy-on-write overlay over
// the shared fixture state (Base, store/user_table.h). A user is copied
// only when first changed, so many tenants over one large fixture cost
// little until they write (D24). Depends on core only. Thread-safe: every
// public member locks `mutex_`; callbacks run under that lock and must not
// call back into the store.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/user_table.h"

namespace gpm::store {

class Store {
 public:
  explicit Store(std::shared_ptr<const Base> base);

  // Restores the base state: every change of this store is dropped.
  void reset();

  // Runs `fn` on the user named by `id_or_upn` (object id or
  // userPrincipalName, any case) for a change. When no such user exists and
  // `create_if_missing` is set and the name is a GUID, creates the user
  // (D9's auto-create mode). Returns false if there was no user.
  bool with_user(std::string_view id_or_upn, bool create_if_missing,
                 const std::function<void(User&)>& fn);
  // The same for many names under one lock (one consistent instant).
  void with_users(const std::vector<std::string>& ids, bool create_if_missing,
                  const std::function<void(User&)>& fn);
  // What a client reads of a user now (GET presence): the user and its
  // view. A base user is copied only if the read moves its state (an expiry
  // to drop, a sequence number to move). Returns false if there was no user.
  using ViewFn = std::function<void(const User&, const core::PresenceView&)>;
  bool observe_user(std::string_view id_or_upn, bool create_if_missing,
                    core::TimePoint now, const ViewFn& fn);
  void observe_users(const std::vector<std::string>& ids,
                     bool create_if_missing, core::TimePoint now,
                     const ViewFn& fn);
  // Reads a user without copying it out of the base. Returns false if none.
  bool read_user(std::string_view id_or_upn,
                 const std::function<void(const User&)>& fn) const;
  // Every user, in id order.
  void read_all(const std::function<void(const User&)>& fn) const;

  // Control plane. Inserts all of `users` or, if any id exists already (or
  // repeats), none; returns the conflicting ids.
  std::vector<std::string> insert_users(std::vector<User> users);
  // Creates or replaces; true if it created.
  bool put_user(User user);
  bool delete_user(std::string_view id);
  // The store's users become exactly those of `s` (`me` too, if given).
  void replace_all(Snapshot s);
  // Users of `s` replace same-id users; others stay.
  void merge(Snapshot s);

  // The `me` user, if any.
  std::optional<std::string> me() const;
  size_t user_count() const;

 private:
  // The user's id if it exists (overlay or base, not deleted).
  std::optional<std::string> resolve_locked(std::string_view id_or_upn) const;
  // The user `id` if visible; base users are rebuilt into `scratch`.
  const User* find_const_locked(const std::string& id, User& scratch) const;
  bool base_has(const std::string& id) const;
  User* find_for_write_locked(std::string_view id_or_upn,
                              bool create_if_missing);
  void put_locked(User user);
  bool observe_locked(std::string_view id_or_upn, bool create_if_missing,
                      core::TimePoint now, const ViewFn& fn);

  const std::shared_ptr<const Base> base_;
  mutable std::mutex mutex_;
  // Users this store changed, created or replaced. Guarded by mutex_.
  std::unordered_map<std::string, User> overlay_;
  // lower UPN -> id for overlay users. Guarded by mutex_.
  std::unordered_map<std::string, std::string> overlay_upn_;
  // Base ids deleted or replaced wholesale. Guarded by mutex_.
  std::unordered_set<std::string> hidden_;
  bool hide_all_base_ = false;                             // Guarded by mutex_
  std::optional<std::optional<std::string>> me_override_;  // Guarded by mutex_
};

}  // namespace gpm::store
