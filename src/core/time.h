// Time vocabulary for the whole mock: the instant type and the clock
// interface every time-dependent rule reads (spec D20).
// Pure C++20, std only. SystemClock and ManualClock are thread-safe.
#pragma once

#include <atomic>
#include <chrono>

namespace gpm::core {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

// The one source of "now". A request reads its clock exactly once (D20).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// Real time (`--clock system`).
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Frozen virtual time (`--clock manual`) that moves only when told, never
// backwards.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start)
      : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(Duration(now_.load())); }

  // Moves to `t` if `t` is not before now; returns false (and changes
  // nothing) otherwise.
  bool set(TimePoint t) {
    auto want = t.time_since_epoch().count();
    auto cur = now_.load();
    while (want >= cur) {
      if (now_.compare_exchange_weak(cur, want)) return true;
    }
    return false;
  }
  // REQUIRES: d >= 0.
  void advance(Duration d) { now_ += d.count(); }
  // Puts the clock at `t` even if that is backwards (a reset, D24).
  void reset_to(TimePoint t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<Duration::rep> now_;  // ticks since the epoch
};

}  // namespace gpm::core
