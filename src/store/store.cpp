#include "store/store.h"

namespace gpm::store {

bool is_guid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                 (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Store::Store(Snapshot initial) : initial_(std::move(initial)) {
  std::lock_guard lock(mutex_);
  load_locked(initial_);
}

void Store::load_locked(const Snapshot& s) {
  users_.clear();
  upn_.clear();
  users_.reserve(s.users.size());
  for (const User& u : s.users) {
    std::string key = to_lower_ascii(u.id);
    if (!u.user_principal_name.empty()) {
      upn_[to_lower_ascii(u.user_principal_name)] = key;
    }
    users_.insert_or_assign(std::move(key), u);
  }
  me_ = s.me ? std::optional(to_lower_ascii(*s.me)) : std::nullopt;
}

void Store::reset() {
  std::lock_guard lock(mutex_);
  load_locked(initial_);
}

User* Store::find_locked(std::string_view id_or_upn, bool create_if_missing) {
  std::string key = to_lower_ascii(id_or_upn);
  if (auto it = users_.find(key); it != users_.end()) return &it->second;
  if (auto it = upn_.find(key); it != upn_.end()) {
    if (auto u = users_.find(it->second); u != users_.end()) return &u->second;
  }
  if (!create_if_missing || !is_guid(key)) return nullptr;
  User u;
  u.id = key;
  auto [it, inserted] = users_.emplace(key, std::move(u));
  return &it->second;
}

bool Store::with_user(std::string_view id_or_upn, bool create_if_missing,
                      const std::function<void(User&)>& fn) {
  std::lock_guard lock(mutex_);
  User* u = find_locked(id_or_upn, create_if_missing);
  if (u == nullptr) return false;
  fn(*u);
  return true;
}

void Store::with_users(const std::vector<std::string>& ids,
                       bool create_if_missing,
                       const std::function<void(User&)>& fn) {
  std::lock_guard lock(mutex_);
  for (const auto& id : ids) {
    if (User* u = find_locked(id, create_if_missing)) fn(*u);
  }
}

std::optional<std::string> Store::me() const {
  std::lock_guard lock(mutex_);
  return me_;
}

size_t Store::user_count() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

}  // namespace gpm::store
