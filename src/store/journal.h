// The request journal of one tenant: a bounded ring of the Graph requests it
// received, for tests that verify what their app sent (docs/control-plane.md).
// Depends on core. Thread-safe: every member locks `mutex_`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace gpm::store {

inline constexpr size_t kJournalBodyCap = 4096;

struct JournalEntry {
  core::TimePoint time;  // on the tenant's clock (D20)
  std::string method;
  std::string path;     // raw, without query and tenant prefix
  std::string version;  // "v1.0", "beta" or "" when the path had none
  std::string tenant;
  std::optional<std::string> user;  // the resolved user id
  std::optional<std::string> app;   // sessionId of the body, else token app
  int status = 0;
  std::optional<std::string> error_code;
  std::string request_id;
  std::string client_request_id;
  std::string body;  // at most kJournalBodyCap bytes
  bool body_truncated = false;
  // What fault injection did, e.g. "f1: status 429".
  std::optional<std::string> fault;
  // For requests that changed (or tried to change) a user: the mock-wide
  // order in which their changes took effect, taken under the store lock.
  // Entries are kept in the order requests finished, which for concurrent
  // writes can differ; replaying writes in this order gives the state.
  std::optional<uint64_t> write_sequence;
};

// Every present field must match. `path` is a glob ('*' = any run),
// matched ignoring ASCII case; `since` is inclusive, `until` exclusive.
struct JournalFilter {
  std::optional<std::string> method;
  std::optional<std::string> path;
  std::optional<std::string> user;
  std::optional<std::string> app;
  std::optional<int> status;
  std::optional<core::TimePoint> since;
  std::optional<core::TimePoint> until;

  bool matches(const JournalEntry& e) const;
};

// '*' matches any run of characters; everything else itself, ignoring ASCII
// case. Linear-time, no recursion.
bool glob_match(std::string_view pattern, std::string_view text);

class Journal {
 public:
  // capacity 0: records nothing.
  explicit Journal(size_t capacity) : capacity_(capacity) {}

  void record(JournalEntry e);
  // Matching entries, oldest first, at most `limit`; `total` gets the number
  // of all matches.
  std::vector<JournalEntry> query(const JournalFilter& f, size_t limit,
                                  size_t& total) const;
  size_t count(const JournalFilter& f) const;
  // Removes every entry; returns how many there were.
  size_t clear();
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<JournalEntry> entries_;  // Guarded by mutex_
};

}  // namespace gpm::store
