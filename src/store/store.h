// The users of one tenant and their presence. A tenant starts as a shared,
// immutable fixture state (Base) and copies a user only when it first
// changes it, so many tenants over one large fixture cost little until they
// write (D24). Depends on core only. Thread-safe: every public member locks
// `mutex_`; callbacks run under that lock and must not call back into the
// store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/ascii.h"
#include "core/user_presence.h"

namespace gpm::store {

struct User {
  std::string id;  // object id, a GUID in lower case
  std::string user_principal_name;
  std::string display_name;
  core::UserPresence presence;
};

// A tenant's users as a fixture document describes them.
struct Snapshot {
  std::vector<User> users;
  std::optional<std::string> me;  // the fixtures' `me` user id, if any
};

// An immutable, indexed fixture state that tenants share. Built once, then
// only read. Large fixtures are mostly users with a name or two and at most
// one session: those are kept compact (the GUID as 16 bytes, strings in one
// arena, the session as plain fields) and rebuilt into a User when read, by
// replaying the one put_session the fixture loader made at `loaded_at`;
// every other user is kept whole. About 110 bytes per compact user against
// over a kilobyte for a whole one (issue 8: a million users in < 300 MB).
class Base {
 public:
  static constexpr uint32_t npos = 0xFFFFFFFFu;

  // `loaded_at`: the instant the fixture loader put sessions at.
  explicit Base(core::TimePoint loaded_at = {});
  // Every user of `s` kept whole.
  explicit Base(Snapshot s);

  // Building (before the Base is shared). Each returns false, adding
  // nothing, when the id is already present.
  // REQUIRES: `id` is a GUID; `session`, if any, is what the fixture loader
  // passed to put_session(session, loaded_at) on a fresh user, and nothing
  // else was set on that user.
  bool add_compact(std::string_view id, std::string_view upn,
                   std::string_view display_name, const core::Session* session);
  bool add(User u);
  // Room for `users` records (untouched memory costs no residence).
  void reserve(size_t users);

  size_t size() const { return records_.size(); }
  // The index of the user whose lower-case id is `id`, or npos.
  uint32_t find(std::string_view id) const;
  // The index of the user whose lower-case userPrincipalName is `upn`.
  uint32_t find_upn(std::string_view upn) const;
  // The lower-case id of user `i`.
  std::string id_of(uint32_t i) const;
  // User `i`: a reference to the stored user, or one rebuilt into `scratch`.
  const User& get(uint32_t i, User& scratch) const;

  std::optional<std::string> me;
  core::TimePoint loaded_at;

 private:
  struct Guid {
    uint64_t hi = 0, lo = 0;
    friend bool operator==(const Guid&, const Guid&) = default;
  };
  struct Record {
    Guid id;                      // compact records only
    uint32_t whole = npos;        // index into whole_, or npos if compact
    uint32_t upn_off = 0, name_off = 0, sid_off = 0;
    uint16_t upn_len = 0, name_len = 0, sid_len = 0;
    uint32_t upn_hash = 0;  // hash_text of the UPN, for rehashing
    bool has_session = false, is_client = false, has_expiry = false;
    uint8_t availability = 0, activity = 0;
    int64_t set_at = 0, expires_at = 0;  // ticks
  };
  static std::optional<Guid> parse_guid(std::string_view s);
  static uint64_t hash_guid(const Guid& g);
  static uint64_t hash_text(std::string_view s);
  uint64_t hash_id(std::string_view id) const;
  std::string_view upn_of(const Record& r) const;
  uint32_t append(std::string_view text);
  void insert_slot(std::vector<uint32_t>& table, uint64_t h, uint32_t i);
  void grow_if_needed();
  void rehash(size_t slots);
  // `text`: the id as looked up (lower case), or empty to compare bits.
  uint32_t find_guid(const Guid& g, std::string_view text = {}) const;
  uint32_t find_upn_hashed(std::string_view upn, uint64_t h) const;
  void add_upn(std::string_view upn, uint64_t h, uint32_t i);
  bool add_record(Record r, std::string_view id, std::string_view upn);

  std::vector<Record> records_;
  std::vector<User> whole_;
  std::string arena_;
  std::string last_sid_;   // the session id appended last (shared)
  uint32_t last_sid_off_ = 0;
  // Open addressing, linear probing: record index + 1, 0 = empty.
  std::vector<uint32_t> by_id_, by_upn_;
};

// True for the 8-4-4-4-12 hex form, any case, no braces.
bool is_guid(std::string_view s);
using core::to_lower_ascii;

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
  bool hide_all_base_ = false;            // Guarded by mutex_
  std::optional<std::optional<std::string>> me_override_;  // Guarded by mutex_
};

}  // namespace gpm::store
