// Unit tests for src/store/throttle: Graph's fixed throttling window per
// application (R6.6-R6.8), Retry-After in whole seconds (D15), on instants
// passed in (D20), and the run-time settings with their reset (D24).
#include "store/throttle.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "test_instants.h"

namespace {

using gpm::store::Admission;
using gpm::store::Throttle;
using gpm::store::ThrottleMode;
using gpm::store::ThrottleSettings;
using gpm::testing::t0;
using namespace std::chrono_literals;

ThrottleSettings graph(size_t limit = 1500, gpm::core::Duration window = 30s) {
  return {ThrottleMode::Graph, limit, window};
}

// Admits `n` requests of `app` at `now`; true when every one passed.
bool admit_all(Throttle& t, const std::string& app, size_t n,
               gpm::core::TimePoint now) {
  bool all = true;
  for (size_t i = 0; i < n; ++i) all = t.admit(app, now).allowed && all;
  return all;
}

}  // namespace

TEST_SUITE("throttle") {
  TEST_CASE("R6.6 off by default: nothing is ever refused") {
    Throttle t;
    CHECK(t.settings() == ThrottleSettings{});
    CHECK(t.settings().mode == ThrottleMode::Off);
    CHECK(t.settings().limit == 1500);
    CHECK(t.settings().window == 30s);
    CHECK(admit_all(t, "app", 5000, t0));
  }

  TEST_CASE(
      "R6.6 exactly the (limit+1)-th request in the window is "
      "refused, and every later one in it") {
    Throttle t(graph());
    CHECK(admit_all(t, "app", 1500, t0));
    Admission refused = t.admit("app", t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 30s);
    CHECK_FALSE(t.admit("app", t0 + 10s).allowed);
  }

  TEST_CASE(
      "R6.6 the window starts at the app's first counted request, "
      "not at a fixed grid") {
    Throttle t(graph(2, 30s));
    const auto start = t0 + 7s + 250ms;
    CHECK(t.admit("app", start).allowed);
    CHECK(t.admit("app", start + 29s).allowed);
    Admission a = t.admit("app", start + 29s + 500ms);
    CHECK_FALSE(a.allowed);
    CHECK(a.retry_after == 1s);  // 0.5 s left, rounded up
    // The window ends at start + 30 s, not at t0 + 30 s.
    CHECK_FALSE(t.admit("app", t0 + 37s).allowed);
    CHECK(t.admit("app", start + 30s).allowed);
  }

  TEST_CASE(
      "D15 Retry-After is the whole seconds left until the window "
      "ends, rounded up, at least 1") {
    Throttle t(graph(1, 30s));
    CHECK(t.admit("app", t0).allowed);
    const struct {
      gpm::core::Duration at;
      std::chrono::seconds retry_after;
    } rows[] = {
        {0s, 30s},  {1ms, 30s}, {1s, 29s},     {1500ms, 29s},
        {10s, 20s}, {29s, 1s},  {29999ms, 1s}, {29999999999ns, 1s},
    };
    for (const auto& row : rows) {
      CAPTURE(row.at.count());
      Admission a = t.admit("app", t0 + row.at);
      CHECK_FALSE(a.allowed);
      CHECK(a.retry_after == row.retry_after);
    }
  }

  TEST_CASE(
      "R6.6 the window releases at exactly start + window, and the "
      "next window counts from there") {
    Throttle t(graph(3, 30s));
    CHECK(admit_all(t, "app", 3, t0));
    CHECK_FALSE(t.admit("app", t0 + 30s - 1ns).allowed);
    // A new window opens at t0 + 30 s with this request as its first.
    CHECK(admit_all(t, "app", 3, t0 + 30s));
    Admission a = t.admit("app", t0 + 31s);
    CHECK_FALSE(a.allowed);
    CHECK(a.retry_after == 29s);
    CHECK(t.admit("app", t0 + 60s).allowed);
  }

  TEST_CASE(
      "R6.6 a window that passes unused opens afresh at the next "
      "request") {
    Throttle t(graph(1, 30s));
    CHECK(t.admit("app", t0).allowed);
    CHECK(t.admit("app", t0 + 95s).allowed);
    Admission a = t.admit("app", t0 + 100s);
    CHECK_FALSE(a.allowed);
    CHECK(a.retry_after == 25s);  // the window opened at t0 + 95 s
  }

  TEST_CASE(
      "R6.8 refused requests count too, which a fixed window does "
      "not let a client see") {
    Throttle t(graph(2, 30s));
    CHECK(admit_all(t, "app", 2, t0));
    for (int i = 0; i < 100; ++i) CHECK_FALSE(t.admit("app", t0 + 1s).allowed);
    // However many were refused, the window still ends on time.
    CHECK(t.admit("app", t0 + 30s).allowed);
  }

  TEST_CASE("R6.6 each application is counted apart") {
    Throttle t(graph(2, 30s));
    CHECK(admit_all(t, "a", 2, t0));
    CHECK_FALSE(t.admit("a", t0).allowed);
    CHECK(admit_all(t, "b", 2, t0 + 10s));
    Admission b = t.admit("b", t0 + 10s);
    CHECK_FALSE(b.allowed);
    CHECK(b.retry_after == 30s);  // b's window opened 10 s after a's
    CHECK(t.admit("a", t0 + 30s).allowed);
    CHECK_FALSE(t.admit("b", t0 + 30s).allowed);
    CHECK(t.admit("c", t0 + 30s).allowed);
  }

  TEST_CASE(
      "set() changes limit and window at run time and restarts "
      "counting; reset() restores the initial settings") {
    Throttle t(graph(1, 30s));
    CHECK(t.admit("app", t0).allowed);
    CHECK_FALSE(t.admit("app", t0).allowed);
    t.set(graph(3, 10s));
    CHECK(t.settings() == graph(3, 10s));
    CHECK(admit_all(t, "app", 3, t0 + 1s));
    Admission a = t.admit("app", t0 + 1s);
    CHECK_FALSE(a.allowed);
    CHECK(a.retry_after == 10s);
    t.set({ThrottleMode::Off, 3, 10s});
    CHECK(admit_all(t, "app", 100, t0 + 2s));
    t.reset();
    CHECK(t.settings() == graph(1, 30s));
    CHECK(t.admit("app", t0 + 3s).allowed);
    CHECK_FALSE(t.admit("app", t0 + 3s).allowed);
  }

  TEST_CASE(
      "--state-file: restore() puts back settings and open windows, "
      "so counting goes on where it was") {
    Throttle t(graph(3, 30s));
    CHECK(admit_all(t, "a", 2, t0));
    CHECK(admit_all(t, "b", 1, t0 + 5s));
    auto windows = t.windows();
    REQUIRE(windows.size() == 2);
    CHECK(windows[0].app == "a");
    CHECK(windows[0].count == 2);
    CHECK(windows[1].start == t0 + 5s);
    Throttle back;  // off by default
    back.restore(t.settings(), windows);
    CHECK(back.settings() == graph(3, 30s));
    CHECK(back.admit("a", t0 + 1s).allowed);  // the third of "a"
    Admission a = back.admit("a", t0 + 1s);
    CHECK_FALSE(a.allowed);
    CHECK(a.retry_after == 29s);
    CHECK(admit_all(back, "b", 2, t0 + 6s));
    CHECK_FALSE(back.admit("b", t0 + 6s).allowed);
  }

  TEST_CASE(
      "D15 Retry-After never exceeds the window when the clock "
      "stepped back") {
    Throttle t(graph(1, 30s));
    CHECK(t.admit("app", t0).allowed);
    Admission a = t.admit("app", t0 - 1h);
    CHECK_FALSE(a.allowed);
    CHECK(a.retry_after == 30s);
  }

  TEST_CASE(
      "many distinct apps: closed windows are dropped and counting "
      "stays right") {
    Throttle t(graph(1, 30s));
    for (int i = 0; i < 5000; ++i) {
      CHECK(t.admit("app-" + std::to_string(i), t0).allowed);
    }
    CHECK_FALSE(t.admit("app-0", t0 + 29s).allowed);
    for (int i = 0; i < 5000; ++i) {
      CHECK(t.admit("late-" + std::to_string(i), t0 + 30s).allowed);
    }
    CHECK(t.admit("app-0", t0 + 31s).allowed);
    CHECK_FALSE(t.admit("late-0", t0 + 31s).allowed);
  }
}
