// The compact user table: an immutable, indexed fixture state that tenants
// share (D24), built once by the fixture loader and then only read. Most
// users of a large fixture are kept as compact records (the GUID as 16
// bytes, strings in one arena, one session as plain fields); the rest whole.
// Depends on core only. Thread-safe for reads once built; building is
// single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.h"
#include "core/guid.h"
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
// over a kilobyte for a whole one (a million users in < 300 MB).
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
    Guid id;                // compact records only
    uint32_t whole = npos;  // index into whole_, or npos if compact
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
  std::string last_sid_;  // the session id appended last (shared)
  uint32_t last_sid_off_ = 0;
  // Open addressing, linear probing: record index + 1, 0 = empty.
  std::vector<uint32_t> by_id_, by_upn_;
};

using core::is_guid;
using core::to_lower_ascii;

}  // namespace gpm::store
