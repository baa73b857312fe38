// libFuzzer target: the JSON body parsers of src/graph/graph_json. The first
// byte picks the parser, the rest is the body. A parser may only answer or
// throw GraphError (a 400 on the wire, D1); any other exception would be a
// 500 and ends the run as a crash. What a parser accepts must also be
// writable back as Graph JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/iso_time.h"
#include "graph/graph_error.h"
#include "graph/graph_json.h"
#include "tz/time_zone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gpm::tz::TimeZoneDb zones;
  static const gpm::core::TimePoint now = gpm::core::to_time_point_utc(
      *gpm::core::parse_iso_datetime("2026-01-01T00:00:00Z"));
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  namespace g = gpm::graph;
  try {
    switch (data[0] % 10) {
      case 0:
        g::parse_object_body(body, (data[0] & 0x80) != 0);
        break;
      case 1: {
        auto r = g::parse_set_presence(body, (data[0] & 0x80) != 0);
        if (r.session_id.empty()) __builtin_trap();  // D2
        if (r.expiration.count() <= 0) __builtin_trap();
        break;
      }
      case 2:
        if (g::parse_clear_presence(body).empty()) __builtin_trap();  // D2
        break;
      case 3:
        g::parse_set_preferred(body);
        break;
      case 4:
        g::parse_clear_preferred(body);
        break;
      case 5: {
        auto m = g::parse_set_status_message(body, now, zones);
        if (m) g::dump(g::status_message_json(*m, true));
        break;
      }
      case 6:
        g::parse_set_location(body);
        break;
      case 7:
        g::parse_clear_location(body);
        break;
      case 8: {
        auto ids = g::parse_get_presences_by_user_id(body);
        if (ids.empty() || ids.size() > g::kMaxPresenceIds) __builtin_trap();
        break;
      }
      case 9: {
        auto n = g::parse_sequence_number(body);
        if (n && g::format_sequence_number(*n) != body) __builtin_trap();
        break;
      }
    }
  } catch (const gpm::graph::GraphError& e) {
    if (e.status() != 400) __builtin_trap();
  }
  return 0;
}
