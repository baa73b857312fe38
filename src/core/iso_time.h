// ISO 8601 durations and date-times as Graph writes them, and the other
// time formats on the wire (RFC 1123 `Date` header, innerError.date).
// Pure C++20, std only; no clock reads. Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace gpm::core {

// Parses an ISO 8601 duration: P[nW][nD][T[nH][nM][n[.fffffffff]S]]
// (e.g. "PT5M", "PT1H30M", "P1D", "PT0.5S"). Years and months are refused
// (their length is not fixed), as are signs, empty parts ("P", "PT"), and
// the `H:MM:SS` form a Python timedelta prints (D23). Units are
// case-sensitive as in ISO 8601 except that lower-case letters are accepted
// too (.NET's XmlConvert does so).
std::optional<Duration> parse_iso_duration(std::string_view s);

// Why a text is refused, for the message (D23): OutOfRange for a text of
// the right shape whose value cannot be held (a duration component of more
// than nine digits or a total past about 292 years; a date-time whose year
// is outside 1700..2200, including years of five digits or more); Malformed
// for anything else.
enum class IsoTextProblem { None, Malformed, OutOfRange };
IsoTextProblem diagnose_iso_duration(std::string_view s);

// Canonical ISO 8601 form, e.g. 90 min -> "PT1H30M", 1 day -> "P1D".
std::string format_iso_duration(Duration d);

// A calendar date-time as written, before any zone is applied.
struct DateTimeParts {
  int year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  long nanos = 0;                     // fraction of the second
  std::optional<int> offset_minutes;  // set when the text had Z or +-HH:MM
};

// Parses YYYY-MM-DDTHH:MM[:SS[.f{1,9}]][Z|+HH:MM|-HH:MM] (a space may stand
// for T; digits beyond nanoseconds are ignored). Validates ranges, including
// the day of the month; years outside 1700..2200 are refused (they do not
// fit a TimePoint).
std::optional<DateTimeParts> parse_iso_datetime(std::string_view s);
IsoTextProblem diagnose_iso_datetime(std::string_view s);

// The instant of `p` read as UTC, applying its offset when it has one.
TimePoint to_time_point_utc(const DateTimeParts& p);

// "2026-01-01T00:07:00Z"; with fraction digits when the instant has them
// (`fraction_digits` 0..9, trailing precision kept).
std::string format_iso_instant(TimePoint t, int fraction_digits = 0);
// innerError.date style: "2026-01-01T00:07:00" (UTC, no zone, no fraction).
std::string format_inner_error_date(TimePoint t);
// RFC 1123 `Date` header: "Thu, 01 Jan 2026 00:07:00 GMT".
std::string format_http_date(TimePoint t);

}  // namespace gpm::core
