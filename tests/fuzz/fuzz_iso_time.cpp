// libFuzzer target: the ISO 8601 duration and date-time parsers
// (src/core/iso_time). Neither may crash or overflow (UBSan), and what they
// accept must survive a round trip through the formatters: a parsed
// duration printed and parsed again is the same duration; a parsed instant
// printed with nanoseconds and parsed again is the same instant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/iso_time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gpm::core;
  std::string_view s(reinterpret_cast<const char*>(data), size);
  if (auto d = parse_iso_duration(s)) {
    auto again = parse_iso_duration(format_iso_duration(*d));
    if (!again || *again != *d) __builtin_trap();
  }
  if (auto p = parse_iso_datetime(s)) {
    if (p->month < 1 || p->month > 12 || p->day < 1 || p->day > 31 ||
        p->hour > 23 || p->minute > 59 || p->second > 60 || p->nanos < 0 ||
        p->nanos > 999999999) {
      __builtin_trap();
    }
    TimePoint t = to_time_point_utc(*p);
    auto back = parse_iso_datetime(format_iso_instant(t, 9));
    if (!back || to_time_point_utc(*back) != t) __builtin_trap();
    format_inner_error_date(t);
    format_http_date(t);
  }
  return 0;
}
