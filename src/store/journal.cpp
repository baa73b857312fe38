#include "store/journal.h"

#include "store/store.h"

namespace gpm::store {
bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point: the last '*' seen.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (p < pattern.size() &&
               core::ascii_lower(pattern[p]) == core::ascii_lower(text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool JournalFilter::matches(const JournalEntry& e) const {
  auto same = [](const std::optional<std::string>& want,
                 const std::optional<std::string>& have) {
    return !want || (have && to_lower_ascii(*want) == to_lower_ascii(*have));
  };
  if (method && to_lower_ascii(*method) != to_lower_ascii(e.method)) {
    return false;
  }
  if (path && !glob_match(*path, e.path)) return false;
  if (!same(user, e.user) || !same(app, e.app)) return false;
  if (status && *status != e.status) return false;
  if (since && e.time < *since) return false;
  if (until && e.time >= *until) return false;
  return true;
}

void Journal::record(JournalEntry e) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(e));
}

std::vector<JournalEntry> Journal::query(const JournalFilter& f, size_t limit,
                                         size_t& total) const {
  std::lock_guard lock(mutex_);
  std::vector<JournalEntry> out;
  total = 0;
  for (const JournalEntry& e : entries_) {
    if (!f.matches(e)) continue;
    if (out.size() < limit) out.push_back(e);
    ++total;
  }
  return out;
}

size_t Journal::count(const JournalFilter& f) const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const JournalEntry& e : entries_) n += f.matches(e) ? 1 : 0;
  return n;
}

size_t Journal::clear() {
  std::lock_guard lock(mutex_);
  size_t n = entries_.size();
  entries_.clear();
  return n;
}

size_t Journal::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace gpm::store
