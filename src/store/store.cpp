#include "store/store.h"

#include <algorithm>

namespace gpm::store {

Store::Store(std::shared_ptr<const Base> base) : base_(std::move(base)) {}

void Store::reset() {
  std::lock_guard lock(mutex_);
  overlay_.clear();
  overlay_upn_.clear();
  hidden_.clear();
  hide_all_base_ = false;
  me_override_.reset();
}

std::optional<std::string> Store::resolve_locked(
    std::string_view id_or_upn) const {
  std::string key = to_lower_ascii(id_or_upn);
  if (overlay_.count(key)) return key;
  auto base_visible = [&](const std::string& id) {
    return !hide_all_base_ && !hidden_.count(id) && base_has(id);
  };
  if (base_visible(key)) return key;
  if (auto it = overlay_upn_.find(key); it != overlay_upn_.end()) {
    auto u = overlay_.find(it->second);
    if (u != overlay_.end() &&
        to_lower_ascii(u->second.user_principal_name) == key) {
      return it->second;
    }
  }
  if (uint32_t i = base_->find_upn(key); i != Base::npos) {
    // The base user may since have been replaced with another UPN.
    std::string id = base_->id_of(i);
    if (base_visible(id) && !overlay_.count(id)) return id;
  }
  return std::nullopt;
}

bool Store::base_has(const std::string& id) const {
  return base_->find(id) != Base::npos;
}

const User* Store::find_const_locked(const std::string& id,
                                     User& scratch) const {
  if (auto it = overlay_.find(id); it != overlay_.end()) return &it->second;
  if (hide_all_base_ || hidden_.count(id)) return nullptr;
  uint32_t i = base_->find(id);
  return i == Base::npos ? nullptr : &base_->get(i, scratch);
}

User* Store::find_for_write_locked(std::string_view id_or_upn,
                                   bool create_if_missing) {
  if (auto id = resolve_locked(id_or_upn)) {
    if (auto it = overlay_.find(*id); it != overlay_.end()) return &it->second;
    // Copy on first write.
    User scratch;
    User copy = base_->get(base_->find(*id), scratch);
    put_locked(std::move(copy));
    return &overlay_.at(*id);
  }
  std::string key = to_lower_ascii(id_or_upn);
  if (!create_if_missing || !is_guid(key)) return nullptr;
  User u;
  u.id = key;
  put_locked(std::move(u));
  return &overlay_.at(key);
}

void Store::put_locked(User user) {
  user.id = to_lower_ascii(user.id);
  if (auto old = overlay_.find(user.id); old != overlay_.end()) {
    overlay_upn_.erase(to_lower_ascii(old->second.user_principal_name));
  }
  if (!user.user_principal_name.empty()) {
    overlay_upn_[to_lower_ascii(user.user_principal_name)] = user.id;
  }
  std::string id = user.id;
  overlay_.insert_or_assign(std::move(id), std::move(user));
}

bool Store::with_user(std::string_view id_or_upn, bool create_if_missing,
                      const std::function<void(User&)>& fn) {
  std::lock_guard lock(mutex_);
  User* u = find_for_write_locked(id_or_upn, create_if_missing);
  if (u == nullptr) return false;
  fn(*u);
  return true;
}

void Store::with_users(const std::vector<std::string>& ids,
                       bool create_if_missing,
                       const std::function<void(User&)>& fn) {
  std::lock_guard lock(mutex_);
  for (const auto& id : ids) {
    if (User* u = find_for_write_locked(id, create_if_missing)) fn(*u);
  }
}

bool Store::observe_locked(std::string_view id_or_upn, bool create_if_missing,
                           core::TimePoint now, const ViewFn& fn) {
  // The common reads first, each found in one lookup: a user this store
  // holds, or a base user by id whose read changes nothing. The
  // order is resolve_locked's: overlay id, then base id.
  std::string key = to_lower_ascii(id_or_upn);
  if (!overlay_.empty()) {
    if (auto it = overlay_.find(key); it != overlay_.end()) {
      core::PresenceView v = it->second.presence.view(now);
      fn(it->second, v);
      return true;
    }
  }
  if (!hide_all_base_ && (hidden_.empty() || !hidden_.count(key))) {
    if (uint32_t i = base_->find(key); i != Base::npos) {
      User scratch;
      const User& shared = base_->get(i, scratch);
      if (auto v = shared.presence.peek_if_stable(now)) {
        fn(shared, *v);
        return true;
      }
    }
  }
  auto id = resolve_locked(id_or_upn);
  if (id && !overlay_.count(*id)) {
    User scratch;
    const User& shared = base_->get(base_->find(*id), scratch);
    if (shared.presence.stable_at(now)) {
      fn(shared, shared.presence.peek(now));
      return true;
    }
  }
  User* u = find_for_write_locked(id_or_upn, create_if_missing);
  if (u == nullptr) return false;
  core::PresenceView v = u->presence.view(now);
  fn(*u, v);
  return true;
}

bool Store::observe_user(std::string_view id_or_upn, bool create_if_missing,
                         core::TimePoint now, const ViewFn& fn) {
  std::lock_guard lock(mutex_);
  return observe_locked(id_or_upn, create_if_missing, now, fn);
}

void Store::observe_users(const std::vector<std::string>& ids,
                          bool create_if_missing, core::TimePoint now,
                          const ViewFn& fn) {
  std::lock_guard lock(mutex_);
  for (const auto& id : ids) observe_locked(id, create_if_missing, now, fn);
}

bool Store::read_user(std::string_view id_or_upn,
                      const std::function<void(const User&)>& fn) const {
  std::lock_guard lock(mutex_);
  auto id = resolve_locked(id_or_upn);
  if (!id) return false;
  User scratch;
  fn(*find_const_locked(*id, scratch));
  return true;
}

void Store::read_all(const std::function<void(const User&)>& fn) const {
  std::lock_guard lock(mutex_);
  // (id, overlay user or null for base index) in id order.
  std::vector<std::pair<std::string, const User*>> all;
  std::vector<uint32_t> base_index;
  all.reserve(overlay_.size() + (hide_all_base_ ? 0 : base_->size()));
  for (const auto& [id, u] : overlay_) all.emplace_back(id, &u);
  if (!hide_all_base_) {
    for (uint32_t i = 0; i < base_->size(); ++i) {
      std::string id = base_->id_of(i);
      if (!overlay_.count(id) && !hidden_.count(id)) {
        all.emplace_back(std::move(id), nullptr);
        base_index.push_back(i);
      }
    }
  }
  // Base entries carry their index in the pointer's stead.
  size_t b = 0;
  std::vector<std::pair<std::string, std::pair<const User*, uint32_t>>> keyed;
  keyed.reserve(all.size());
  for (auto& [id, u] : all) {
    keyed.push_back({std::move(id), {u, u ? Base::npos : base_index[b++]}});
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& c) { return a.first < c.first; });
  User scratch;
  for (const auto& [id, where] : keyed) {
    fn(where.first ? *where.first : base_->get(where.second, scratch));
  }
}

std::vector<std::string> Store::insert_users(std::vector<User> users) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> conflicts;
  std::unordered_set<std::string> seen;
  for (const User& u : users) {
    std::string id = to_lower_ascii(u.id);
    if (resolve_locked(id) || !seen.insert(id).second) conflicts.push_back(id);
  }
  if (!conflicts.empty()) return conflicts;
  for (User& u : users) {
    hidden_.insert(to_lower_ascii(u.id));
    put_locked(std::move(u));
  }
  return conflicts;
}

bool Store::put_user(User user) {
  std::lock_guard lock(mutex_);
  std::string id = to_lower_ascii(user.id);
  bool created = !resolve_locked(id).has_value();
  hidden_.insert(id);
  put_locked(std::move(user));
  return created;
}

bool Store::delete_user(std::string_view id_or_upn) {
  std::lock_guard lock(mutex_);
  auto id = resolve_locked(id_or_upn);
  if (!id) return false;
  if (auto it = overlay_.find(*id); it != overlay_.end()) {
    overlay_upn_.erase(to_lower_ascii(it->second.user_principal_name));
    overlay_.erase(it);
  }
  hidden_.insert(*id);
  return true;
}

void Store::replace_all(Snapshot s) {
  std::lock_guard lock(mutex_);
  overlay_.clear();
  overlay_upn_.clear();
  hidden_.clear();
  hide_all_base_ = true;
  for (User& u : s.users) put_locked(std::move(u));
  me_override_ = s.me ? std::optional(to_lower_ascii(*s.me)) : std::nullopt;
}

void Store::merge(Snapshot s) {
  std::lock_guard lock(mutex_);
  for (User& u : s.users) {
    hidden_.insert(to_lower_ascii(u.id));
    put_locked(std::move(u));
  }
  if (s.me) me_override_ = to_lower_ascii(*s.me);
}

std::optional<std::string> Store::me() const {
  std::lock_guard lock(mutex_);
  if (me_override_) return *me_override_;
  return base_->me;
}

size_t Store::user_count() const {
  std::lock_guard lock(mutex_);
  // |overlay ∪ visible base| without walking the base.
  size_t n = overlay_.size();
  if (hide_all_base_) return n;
  size_t hidden_base = 0;
  for (const auto& id : hidden_) hidden_base += base_has(id) ? 1 : 0;
  n += base_->size() - hidden_base;
  for (const auto& [id, u] : overlay_) {
    if (base_has(id) && !hidden_.count(id)) --n;  // a copied user
  }
  return n;
}

}  // namespace gpm::store
