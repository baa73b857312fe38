#include "store/user_table.h"

#include <algorithm>
#include <array>

#include "core/guid.h"

namespace gpm::store {

Base::Base(core::TimePoint at) : loaded_at(at) {}

Base::Base(Snapshot s) {
  reserve(s.users.size());
  for (User& u : s.users) {
    u.id = to_lower_ascii(u.id);
    uint32_t i = find(u.id);
    if (i != npos && records_[i].whole != npos) {
      // The last one wins, its UPN too.
      records_[i].upn_hash =
          static_cast<uint32_t>(hash_text(u.user_principal_name));
      whole_[records_[i].whole] = std::move(u);
      add_upn(upn_of(records_[i]), records_[i].upn_hash, i);
      continue;
    }
    add(std::move(u));
  }
  if (s.me) me = to_lower_ascii(*s.me);
}

std::optional<Base::Guid> Base::parse_guid(std::string_view s) {
  Guid g;
  if (!core::guid_bits(s, g.hi, g.lo)) return std::nullopt;
  return g;
}

uint64_t Base::hash_guid(const Guid& g) {
  uint64_t h = g.hi * 0x9E3779B97F4A7C15ULL ^ g.lo;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

uint64_t Base::hash_text(std::string_view s) {
  uint32_t h = 2166136261u;  // FNV-1a over the lower-case bytes
  for (char c : s) {
    h ^= static_cast<unsigned char>(core::ascii_lower(c));
    h *= 16777619u;
  }
  return h;
}

uint64_t Base::hash_id(std::string_view id) const {
  if (auto g = parse_guid(id)) return hash_guid(*g);
  return hash_text(id);
}

std::string_view Base::upn_of(const Record& r) const {
  if (r.whole != npos) return whole_[r.whole].user_principal_name;
  return std::string_view(arena_).substr(r.upn_off, r.upn_len);
}

uint32_t Base::append(std::string_view text) {
  uint32_t off = static_cast<uint32_t>(arena_.size());
  arena_.append(text);
  return off;
}

void Base::reserve(size_t users) { records_.reserve(users); }

void Base::rehash(size_t slots) {
  std::vector<uint32_t> ids(slots, 0), upns(slots, 0);
  by_id_.swap(ids);
  by_upn_.swap(upns);
  for (uint32_t i = 0; i < records_.size(); ++i) {
    const Record& r = records_[i];
    insert_slot(by_id_,
                r.whole == npos ? hash_guid(r.id) : hash_id(whole_[r.whole].id),
                i);
    add_upn(upn_of(r), r.upn_hash, i);
  }
}

void Base::grow_if_needed() {
  // At most half full, so probes stay short.
  if ((records_.size() + 1) * 2 > by_id_.size()) {
    rehash(std::max<size_t>(by_id_.size() * 2, 16));
  }
}

void Base::insert_slot(std::vector<uint32_t>& table, uint64_t h, uint32_t i) {
  size_t mask = table.size() - 1;
  size_t k = h & mask;
  while (table[k] != 0) k = (k + 1) & mask;
  table[k] = i + 1;
}

bool Base::add_record(Record r, std::string_view id, std::string_view upn) {
  if (find(id) != npos) return false;
  grow_if_needed();
  uint32_t i = static_cast<uint32_t>(records_.size());
  records_.push_back(r);
  insert_slot(by_id_, hash_id(id), i);
  records_[i].upn_hash = static_cast<uint32_t>(hash_text(upn));
  add_upn(upn, records_[i].upn_hash, i);
  return true;
}

void Base::add_upn(std::string_view upn, uint64_t h, uint32_t i) {
  // A UPN given twice names its last user, as the map this replaces did.
  if (upn.empty()) return;
  size_t mask = by_upn_.size() - 1;
  size_t k = h & mask;
  for (; by_upn_[k] != 0; k = (k + 1) & mask) {
    if (core::iequals(upn_of(records_[by_upn_[k] - 1]), upn)) break;
  }
  by_upn_[k] = i + 1;
}

bool Base::add_compact(std::string_view id, std::string_view upn,
                       std::string_view display_name,
                       const core::Session* session) {
  auto g = parse_guid(id);
  if (!g || upn.size() > 0xFFFF || display_name.size() > 0xFFFF) {
    return false;
  }
  Record r;
  r.id = *g;
  r.upn_off = append(upn);
  r.upn_len = static_cast<uint16_t>(upn.size());
  r.name_off = append(display_name);
  r.name_len = static_cast<uint16_t>(display_name.size());
  if (session) {
    const std::string& sid = session->session_id;
    if (sid.size() > 0xFFFF) return false;
    if (sid != last_sid_ || last_sid_.empty()) {
      last_sid_off_ = append(sid);
      last_sid_ = sid;
    }
    r.sid_off = last_sid_off_;
    r.sid_len = static_cast<uint16_t>(sid.size());
    r.has_session = true;
    r.is_client = session->is_client;
    r.availability = static_cast<uint8_t>(session->state.availability);
    r.activity = static_cast<uint8_t>(session->state.activity);
    r.set_at = session->set_at.time_since_epoch().count();
    r.has_expiry = session->expires_at.has_value();
    if (r.has_expiry)
      r.expires_at = session->expires_at->time_since_epoch().count();
  }
  // The id is a GUID: found and hashed by its bits alone.
  if (find_guid(r.id) != npos) return false;
  grow_if_needed();
  uint32_t i = static_cast<uint32_t>(records_.size());
  records_.push_back(r);
  insert_slot(by_id_, hash_guid(r.id), i);
  records_[i].upn_hash = static_cast<uint32_t>(hash_text(upn));
  add_upn(upn, records_[i].upn_hash, i);
  return true;
}

bool Base::add(User u) {
  u.id = to_lower_ascii(u.id);
  if (find(u.id) != npos) return false;
  Record r;
  r.whole = static_cast<uint32_t>(whole_.size());
  std::string id = u.id, upn = u.user_principal_name;
  whole_.push_back(std::move(u));
  if (!add_record(r, id, upn)) {
    whole_.pop_back();
    return false;
  }
  return true;
}

uint32_t Base::find(std::string_view id) const {
  if (by_id_.empty()) return npos;
  auto g = parse_guid(id);
  if (g) return find_guid(*g, id);
  size_t mask = by_id_.size() - 1;
  for (size_t k = hash_text(id) & mask; by_id_[k] != 0; k = (k + 1) & mask) {
    const Record& r = records_[by_id_[k] - 1];
    if (r.whole != npos && whole_[r.whole].id == id) return by_id_[k] - 1;
  }
  return npos;
}

uint32_t Base::find_guid(const Guid& g, std::string_view text) const {
  if (by_id_.empty()) return npos;
  size_t mask = by_id_.size() - 1;
  for (size_t k = hash_guid(g) & mask; by_id_[k] != 0; k = (k + 1) & mask) {
    const Record& r = records_[by_id_[k] - 1];
    bool same = r.whole == npos
                    ? r.id == g
                    : (text.empty() ? parse_guid(whole_[r.whole].id) == g
                                    : whole_[r.whole].id == text);
    if (same) return by_id_[k] - 1;
  }
  return npos;
}

uint32_t Base::find_upn(std::string_view upn) const {
  return upn.empty() ? npos : find_upn_hashed(upn, hash_text(upn));
}

uint32_t Base::find_upn_hashed(std::string_view upn, uint64_t h) const {
  if (by_upn_.empty()) return npos;
  size_t mask = by_upn_.size() - 1;
  for (size_t k = h & mask; by_upn_[k] != 0; k = (k + 1) & mask) {
    if (core::iequals(upn_of(records_[by_upn_[k] - 1]), upn)) {
      return by_upn_[k] - 1;
    }
  }
  return npos;
}

std::string Base::id_of(uint32_t i) const {
  const Record& r = records_[i];
  if (r.whole != npos) return whole_[r.whole].id;
  char buf[37];
  static constexpr char kHex[] = "0123456789abcdef";
  int n = 0;
  for (int k = 0; k < 32; ++k) {
    if (k == 8 || k == 12 || k == 16 || k == 20) buf[n++] = '-';
    uint64_t word = k < 16 ? r.id.hi : r.id.lo;
    int shift = (15 - (k % 16)) * 4;
    buf[n++] = kHex[(word >> shift) & 0xF];
  }
  return std::string(buf, 36);
}

const User& Base::get(uint32_t i, User& scratch) const {
  const Record& r = records_[i];
  if (r.whole != npos) return whole_[r.whole];
  std::string_view arena(arena_);
  scratch.id = id_of(i);
  scratch.user_principal_name.assign(arena.substr(r.upn_off, r.upn_len));
  scratch.display_name.assign(arena.substr(r.name_off, r.name_len));
  scratch.presence = core::UserPresence();
  if (r.has_session) {
    core::Session s;
    s.session_id.assign(arena.substr(r.sid_off, r.sid_len));
    s.state = {static_cast<core::Availability>(r.availability),
               static_cast<core::Activity>(r.activity)};
    s.set_at = core::TimePoint(core::Duration(r.set_at));
    if (r.has_expiry)
      s.expires_at = core::TimePoint(core::Duration(r.expires_at));
    s.is_client = r.is_client;
    scratch.presence.put_session(std::move(s), loaded_at);
  }
  return scratch;
}

}  // namespace gpm::store
