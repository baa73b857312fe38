// Graph's throttling limits (spec R6.6-R6.8) for one tenant: a fixed window
// per application that opens at the app's first counted request; the first
// `limit` requests in [start, start + window) pass, every later one in that
// window is refused with the whole seconds left until it closes (D15). The
// first request at or after start + window opens a new window. Refused
// requests count too (R6.8); with a fixed window that changes nothing a
// client can see. Time is passed in (the tenant's clock, D20).
// Depends on core. Thread-safe: every member locks `mutex_`.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/time.h"

namespace gpm::store {

enum class ThrottleMode { Off, Graph };

struct ThrottleSettings {
  // `Off`: nothing is counted and everything passes.
  ThrottleMode mode = ThrottleMode::Off;
  // Requests per window and application (R6.6: 1,500 per 30 s).
  // REQUIRES: >= 1.
  size_t limit = 1500;
  // REQUIRES: > 0.
  core::Duration window = std::chrono::seconds(30);

  bool operator==(const ThrottleSettings&) const = default;
};

// What admit() decided.
struct Admission {
  bool allowed = true;
  // When refused: whole seconds until the window closes, at least 1 (D15).
  std::chrono::seconds retry_after{0};
};

class Throttle {
 public:
  // `initial`: the settings reset() restores (the command line's).
  explicit Throttle(ThrottleSettings initial = {});

  // Counts one request of `app_key` at `now` and says whether it passes.
  // Always allowed (and not counted) when the mode is Off.
  Admission admit(const std::string& app_key, core::TimePoint now);

  ThrottleSettings settings() const;
  // New settings; every window is dropped, so counting starts afresh.
  void set(const ThrottleSettings& settings);
  // Back to the initial settings with no windows (D24 reset).
  void reset();

  // The open windows, for --state-file: one per application seen.
  struct WindowState {
    std::string app;
    core::TimePoint start;
    size_t count = 0;
  };
  std::vector<WindowState> windows() const;
  // Settings and windows as saved (--state-file): counting goes on from
  // where it was.
  void restore(const ThrottleSettings& settings,
               const std::vector<WindowState>& windows);

 private:
  struct Window {
    core::TimePoint start;
    size_t count = 0;  // requests seen in this window, refused ones included
  };

  const ThrottleSettings initial_;
  mutable std::mutex mutex_;
  ThrottleSettings settings_;                        // Guarded by mutex_
  std::unordered_map<std::string, Window> windows_;  // Guarded by mutex_
};

}  // namespace gpm::store
