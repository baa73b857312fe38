// Shared by the unit tests: fixed instants, never the real clock.
#pragma once

#include <string_view>

#include "core/iso_time.h"
#include "core/time.h"

namespace gpm::testing {

// The instant an ISO 8601 text names. Used to build constants outside any
// test case: .value() throws on a typo.
inline core::TimePoint instant(std::string_view iso) {
  return core::to_time_point_utc(core::parse_iso_datetime(iso).value());
}

// The start of every test's timeline (and of the manual clock in scripts).
inline const core::TimePoint t0 = instant("2026-01-01T00:00:00Z");

}  // namespace gpm::testing
