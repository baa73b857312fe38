#include "store/throttle.h"

#include <algorithm>
#include <cstdint>

namespace gpm::store {
namespace {

// Closed windows are dropped once this many apps have one, so a client that
// invents app ids cannot grow the map without bound.
constexpr size_t kPruneAt = 4096;

}  // namespace

Throttle::Throttle(ThrottleSettings initial)
    : initial_(initial), settings_(initial) {}

Admission Throttle::admit(const std::string& app_key, core::TimePoint now) {
  std::lock_guard lock(mutex_);
  if (settings_.mode == ThrottleMode::Off) return {};
  if (windows_.size() >= kPruneAt && !windows_.contains(app_key)) {
    std::erase_if(windows_, [&](const auto& entry) {
      return now >= entry.second.start + settings_.window;
    });
  }
  Window& w = windows_[app_key];
  if (w.count == 0 || now >= w.start + settings_.window) {
    w.start = now;
    w.count = 0;
  }
  // R6.8: a refused request counts as well.
  if (w.count < SIZE_MAX) ++w.count;
  if (w.count <= settings_.limit) return {};
  core::Duration left = w.start + settings_.window - now;
  auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  // A system clock that stepped back can leave more than one window.
  seconds =
      std::clamp(seconds, std::chrono::seconds(1),
                 std::chrono::ceil<std::chrono::seconds>(settings_.window));
  return {false, seconds};
}

ThrottleSettings Throttle::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void Throttle::set(const ThrottleSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  windows_.clear();
}

void Throttle::reset() { set(initial_); }

std::vector<Throttle::WindowState> Throttle::windows() const {
  std::lock_guard lock(mutex_);
  std::vector<WindowState> out;
  out.reserve(windows_.size());
  for (const auto& [app, w] : windows_) out.push_back({app, w.start, w.count});
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.app < b.app; });
  return out;
}

void Throttle::restore(const ThrottleSettings& settings,
                       const std::vector<WindowState>& windows) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
  windows_.clear();
  for (const WindowState& w : windows) windows_[w.app] = {w.start, w.count};
}

}  // namespace gpm::store
