// libFuzzer target: fixture loading (src/graph/fixtures), as --fixtures,
// POST /_mock/fixtures and POST /_mock/snapshot read a document. A bad
// document may only be refused with FixtureError (exit 2 at start, a 400 on
// the control plane); anything else is a crash. A document that loads must
// load again from the snapshot the mock would write of it.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/iso_time.h"
#include "formats/fixtures.h"
#include "formats/state_json.h"
#include "tz/time_zone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gpm::tz::TimeZoneDb zones;
  static const gpm::core::TimePoint now = gpm::core::to_time_point_utc(
      *gpm::core::parse_iso_datetime("2026-01-01T00:00:00Z"));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto snap = gpm::graph::parse_fixtures(text, "fuzz", now, zones);
    for (const auto& u : snap.users) {
      if (u.id.empty()) __builtin_trap();
      // The snapshot's round trip (GET then POST /_mock/snapshot).
      auto again = gpm::graph::parse_fixture_user(
          nlohmann::json::parse(gpm::graph::fixture_user_json(u, now).dump()),
          "snapshot", "$", now, zones);
      if (gpm::graph::state_view_json(again, now) !=
          gpm::graph::state_view_json(u, now)) {
        __builtin_trap();
      }
    }
  } catch (const gpm::graph::FixtureError&) {
  }
  return 0;
}
