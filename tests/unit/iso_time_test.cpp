// Unit tests for src/core/iso_time: ISO 8601 durations (R3.3, D5, D23),
// ISO 8601 date-times (R3.7.3, D17) and the wire time formats (innerError
// date R6.1, the HTTP `Date` header).
#include "core/iso_time.h"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <string>
#include <string_view>

namespace {

using gpm::core::DateTimeParts;
using gpm::core::Duration;
using gpm::core::TimePoint;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Durations are compared as text so a failure prints both sides.
std::string ns(Duration d) {
  return std::to_string(std::chrono::duration_cast<nanoseconds>(d).count()) +
         "ns";
}

std::string parsed(std::string_view s) {
  auto d = gpm::core::parse_iso_duration(s);
  return d ? ns(*d) : "refused";
}

// Nanoseconds since the Unix epoch.
long long epoch_ns(TimePoint t) {
  return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

constexpr long long kNsPerSecond = 1'000'000'000;
// 2026-01-01T00:00:00Z.
constexpr long long k2026 = 1'767'225'600;

TimePoint instant(std::string_view iso) {
  auto p = gpm::core::parse_iso_datetime(iso);
  REQUIRE(p.has_value());
  return gpm::core::to_time_point_utc(*p);
}

}  // namespace

TEST_SUITE("iso_time") {
  TEST_CASE("R3.3 D23 ISO 8601 durations parse to their length") {
    struct Row {
      std::string_view text;
      Duration expected;
    };
    const std::array<Row, 14> kRows{{
        {"PT5M", minutes(5)},
        {"PT1H30M", minutes(90)},
        {"P1D", days(1)},
        {"P1W", days(7)},
        {"PT0.5S", milliseconds(500)},
        {"PT4H", hours(4)},
        {"PT8H", hours(8)},
        {"PT1H", hours(1)},
        {"P30D", days(30)},
        {"P1DT12H", hours(36)},
        {"PT90S", seconds(90)},
        {"PT1H0M0S", hours(1)},
        {"PT0,5S", milliseconds(500)},
        {"P2W3DT4H5M6S", days(17) + hours(4) + minutes(5) + seconds(6)},
    }};
    for (const auto& row : kRows) {
      CAPTURE(row.text);
      CHECK(parsed(row.text) == ns(row.expected));
    }
  }

  TEST_CASE("D23 lower-case designators are accepted as .NET XmlConvert does") {
    CHECK(parsed("pt5m") == ns(minutes(5)));
    CHECK(parsed("p1d") == ns(days(1)));
    CHECK(parsed("pt1h30m") == ns(minutes(90)));
    CHECK(parsed("Pt4H") == ns(hours(4)));
  }

  TEST_CASE("D23 a fraction on the last component scales with its unit") {
    CHECK(parsed("PT1.5M") == ns(seconds(90)));
    CHECK(parsed("PT0.25H") == ns(minutes(15)));
    CHECK(parsed("P0.5D") == ns(hours(12)));
    CHECK(parsed("PT1H0.5M") == ns(minutes(60) + seconds(30)));
    CHECK(parsed("PT0.000000001S") == ns(nanoseconds(1)));
  }

  TEST_CASE("D23 malformed durations are refused") {
    constexpr std::array<std::string_view, 24> kMalformed{{
        "",
        "P",
        "PT",
        "1:00:00",         // Python timedelta (R8.1, D23)
        "1 day, 0:00:00",  // Python timedelta of a day
        "0:05:00",
        "-PT5M",
        "+PT5M",
        "P1Y",  // years and months have no fixed length
        "P1M",
        "P1Y2M",
        "PT1M1H",  // components out of order
        "P1DT1H1D",
        "PT5M5M",     // repeated component
        "PT5",        // number without unit
        "5M",         // no P
        "PT1.5H30M",  // fraction on a component that is not the last
        "P1DT",       // T with no time component
        "PT1HT5M",    // two T
        "PT5M ",
        " PT5M",
        "PT.5S",  // fraction without integer part
        "PT5.S",
        "PT5X",
    }};
    for (auto s : kMalformed) {
      CAPTURE(s);
      CHECK(parsed(s) == "refused");
    }
  }

  TEST_CASE("D5 a duration too long to represent is refused, not wrapped") {
    // 5,124,096 hours (~584 years) does not fit a nanosecond Duration; a
    // wrapped product (~25 minutes) would fall inside PT5M..PT4H.
    CHECK(parsed("PT5124096H") == "refused");
    CHECK(parsed("P213504D") == "refused");
    CHECK(parsed("P999999999W") == "refused");
  }

  TEST_CASE("D23 format_iso_duration writes the canonical form") {
    struct Row {
      Duration d;
      std::string_view expected;
    };
    const std::array<Row, 10> kRows{{
        {minutes(5), "PT5M"},
        {minutes(90), "PT1H30M"},
        {hours(4), "PT4H"},
        {days(1), "P1D"},
        {days(7), "P7D"},
        {days(1) + hours(1), "P1DT1H"},
        {seconds(0), "PT0S"},
        {milliseconds(500), "PT0.5S"},
        {minutes(1) + milliseconds(1500), "PT1M1.5S"},
        {nanoseconds(1), "PT0.000000001S"},
    }};
    for (const auto& row : kRows) {
      CAPTURE(row.expected);
      CHECK(gpm::core::format_iso_duration(row.d) == row.expected);
    }
  }

  TEST_CASE("D23 formatting then parsing a duration gives it back") {
    const std::array<Duration, 6> kDurations{{
        minutes(5),
        hours(4),
        days(30),
        days(1) + hours(2) + minutes(3) + seconds(4) + milliseconds(5),
        milliseconds(1),
        seconds(59),
    }};
    for (auto d : kDurations) {
      std::string text = gpm::core::format_iso_duration(d);
      CAPTURE(text);
      CHECK(parsed(text) == ns(d));
    }
  }

  TEST_CASE("R3.7.3 a UTC date-time with Z parses into its parts") {
    auto p = gpm::core::parse_iso_datetime("2026-01-01T00:00:00Z");
    REQUIRE(p.has_value());
    CHECK(p->year == 2026);
    CHECK(p->month == 1);
    CHECK(p->day == 1);
    CHECK(p->hour == 0);
    CHECK(p->minute == 0);
    CHECK(p->second == 0);
    CHECK(p->nanos == 0);
    REQUIRE(p->offset_minutes.has_value());
    CHECK(*p->offset_minutes == 0);
    CHECK(epoch_ns(gpm::core::to_time_point_utc(*p)) == k2026 * kNsPerSecond);
  }

  TEST_CASE(
      "R2.3 D17 a date-time without zone has no offset and reads as "
      "UTC") {
    auto p = gpm::core::parse_iso_datetime("2022-10-18T17:05:33.2079781");
    REQUIRE(p.has_value());
    CHECK(p->year == 2022);
    CHECK(p->month == 10);
    CHECK(p->day == 18);
    CHECK(p->hour == 17);
    CHECK(p->minute == 5);
    CHECK(p->second == 33);
    CHECK(p->nanos == 207'978'100);
    CHECK_FALSE(p->offset_minutes.has_value());
    CHECK(gpm::core::format_iso_instant(gpm::core::to_time_point_utc(*p), 7) ==
          "2022-10-18T17:05:33.2079781Z");
  }

  TEST_CASE("R3.7.3 offsets are applied when converting to UTC") {
    struct Row {
      std::string_view text;
      int offset_minutes;
    };
    const std::array<Row, 5> kRows{{
        {"2026-01-01T02:00:00+02:00", 120},
        {"2025-12-31T19:00:00-05:00", -300},
        {"2026-01-01T05:30:00+05:30", 330},
        {"2026-01-01T00:00:00+00:00", 0},
        {"2025-12-31T14:00-10:00", -600},
    }};
    for (const auto& row : kRows) {
      CAPTURE(row.text);
      auto p = gpm::core::parse_iso_datetime(row.text);
      REQUIRE(p.has_value());
      REQUIRE(p->offset_minutes.has_value());
      CHECK(*p->offset_minutes == row.offset_minutes);
      CHECK(epoch_ns(gpm::core::to_time_point_utc(*p)) == k2026 * kNsPerSecond);
    }
  }

  TEST_CASE("R3.7.3 fractions of a second are kept to the nanosecond") {
    struct Row {
      std::string_view text;
      long nanos;
    };
    const std::array<Row, 5> kRows{{
        {"2026-01-01T00:00:00.5Z", 500'000'000},
        {"2026-01-01T00:00:00.123Z", 123'000'000},
        {"2026-01-01T00:00:00.000000001Z", 1},
        {"2026-01-01T00:00:00.1234567891Z", 123'456'789},  // 10th digit ignored
        {"2026-01-01T00:00:00,25Z", 250'000'000},
    }};
    for (const auto& row : kRows) {
      CAPTURE(row.text);
      auto p = gpm::core::parse_iso_datetime(row.text);
      REQUIRE(p.has_value());
      CHECK(p->nanos == row.nanos);
      CHECK(epoch_ns(gpm::core::to_time_point_utc(*p)) ==
            k2026 * kNsPerSecond + row.nanos);
    }
  }

  TEST_CASE("R3.7.3 a date-time without seconds has second zero") {
    auto p = gpm::core::parse_iso_datetime("2026-01-01T10:30");
    REQUIRE(p.has_value());
    CHECK(p->hour == 10);
    CHECK(p->minute == 30);
    CHECK(p->second == 0);
    CHECK(p->nanos == 0);
    CHECK(epoch_ns(gpm::core::to_time_point_utc(*p)) ==
          (k2026 + 10 * 3600 + 30 * 60) * kNsPerSecond);
    auto z = gpm::core::parse_iso_datetime("2026-01-01T10:30Z");
    REQUIRE(z.has_value());
    CHECK(z->offset_minutes == 0);
  }

  TEST_CASE("R3.7.3 a space or lower-case t may separate date and time") {
    auto space = gpm::core::parse_iso_datetime("2026-01-01 00:00:00Z");
    auto lower = gpm::core::parse_iso_datetime("2026-01-01t00:00:00z");
    REQUIRE(space.has_value());
    REQUIRE(lower.has_value());
    CHECK(epoch_ns(gpm::core::to_time_point_utc(*space)) ==
          k2026 * kNsPerSecond);
    CHECK(epoch_ns(gpm::core::to_time_point_utc(*lower)) ==
          k2026 * kNsPerSecond);
  }

  TEST_CASE("R3.7.3 February 29 is valid only in leap years") {
    CHECK(gpm::core::parse_iso_datetime("2028-02-29T00:00:00").has_value());
    CHECK(gpm::core::parse_iso_datetime("2000-02-29T00:00:00").has_value());
    CHECK_FALSE(gpm::core::parse_iso_datetime("2026-02-29T00:00:00"));
    CHECK_FALSE(gpm::core::parse_iso_datetime("1900-02-29T00:00:00"));
  }

  TEST_CASE("D1 years a TimePoint cannot hold are refused, not wrapped") {
    CHECK(gpm::core::parse_iso_datetime("1700-01-01T00:00:00Z").has_value());
    CHECK(gpm::core::parse_iso_datetime("2200-12-31T23:59:59Z").has_value());
    CHECK_FALSE(gpm::core::parse_iso_datetime("1699-12-31T23:59:59Z"));
    CHECK_FALSE(gpm::core::parse_iso_datetime("2201-01-01T00:00:00Z"));
    CHECK_FALSE(gpm::core::parse_iso_datetime("9999-12-31T23:59:59Z"));
    CHECK_FALSE(gpm::core::parse_iso_datetime("0001-01-01T00:00:00Z"));
  }

  TEST_CASE("D1 invalid or malformed date-times are refused") {
    constexpr std::array<std::string_view, 24> kInvalid{{
        "",
        "2026-02-30T00:00:00",  // Feb 30
        "2026-04-31T00:00:00",  // April has 30 days
        "2026-13-01T00:00:00",  // month 13
        "2026-00-01T00:00:00",  // month 0
        "2026-01-00T00:00:00",  // day 0
        "2026-01-32T00:00:00",
        "2026-01-01T24:00:00",  // hour 24
        "2026-01-01T23:60:00",  // minute 60
        "2026-01-01T23:59:60",  // second 60
        "0000-01-01T00:00:00",
        "2026-01-01",  // date only
        "2026-1-01T00:00:00",
        "26-01-01T00:00:00",
        "2026-01-01T0:00:00",
        "2026-01-01T00",
        "2026-01-01T00:00:00.",
        "2026-01-01T00:00:00+02",
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+02:60",
        "2026-01-01T00:00:00Zjunk",
        "2026-01-01T00:00:00 ",
        "2026/01/01T00:00:00",
        "2026-01-01X00:00:00",
    }};
    for (auto s : kInvalid) {
      CAPTURE(s);
      CHECK_FALSE(gpm::core::parse_iso_datetime(s).has_value());
    }
  }

  TEST_CASE("D20 to_time_point_utc counts from the Unix epoch") {
    DateTimeParts epoch;
    CHECK(epoch_ns(gpm::core::to_time_point_utc(epoch)) == 0);
    DateTimeParts p;
    p.year = 2026;
    p.month = 1;
    p.day = 1;
    p.hour = 0;
    p.minute = 7;
    p.offset_minutes = -60;  // 00:07 at UTC-1 is 01:07 UTC
    CHECK(epoch_ns(gpm::core::to_time_point_utc(p)) ==
          (k2026 + 3600 + 7 * 60) * kNsPerSecond);
    DateTimeParts before;
    before.year = 1969;
    before.month = 12;
    before.day = 31;
    before.hour = 23;
    before.minute = 59;
    before.second = 59;
    CHECK(epoch_ns(gpm::core::to_time_point_utc(before)) == -kNsPerSecond);
  }

  TEST_CASE("R6.1 format_iso_instant writes UTC with Z and optional fraction") {
    TimePoint t = instant("2026-01-01T00:07:00Z");
    CHECK(gpm::core::format_iso_instant(t) == "2026-01-01T00:07:00Z");
    CHECK(gpm::core::format_iso_instant(t + milliseconds(500), 3) ==
          "2026-01-01T00:07:00.500Z");
    CHECK(gpm::core::format_iso_instant(t + milliseconds(500)) ==
          "2026-01-01T00:07:00Z");
    CHECK(gpm::core::format_iso_instant(t + nanoseconds(1), 9) ==
          "2026-01-01T00:07:00.000000001Z");
    CHECK(gpm::core::format_iso_instant(t, 7) ==
          "2026-01-01T00:07:00.0000000Z");
    CHECK(gpm::core::format_iso_instant(instant("2024-02-29T23:59:59Z")) ==
          "2024-02-29T23:59:59Z");
    CHECK(gpm::core::format_iso_instant(instant("2026-01-01T02:00:00+02:00")) ==
          "2026-01-01T00:00:00Z");
  }

  TEST_CASE("R6.1 R8.3 format_inner_error_date has no zone and no fraction") {
    TimePoint t = instant("2026-01-01T00:07:00Z");
    CHECK(gpm::core::format_inner_error_date(t) == "2026-01-01T00:07:00");
    CHECK(gpm::core::format_inner_error_date(t + milliseconds(999)) ==
          "2026-01-01T00:07:00");
    CHECK(gpm::core::format_inner_error_date(instant("2026-12-31T23:59:59Z")) ==
          "2026-12-31T23:59:59");
  }

  TEST_CASE("D20 format_http_date writes RFC 1123 with the right weekday") {
    struct Row {
      std::string_view iso;
      std::string_view expected;
    };
    const std::array<Row, 7> kRows{{
        {"2026-01-01T00:00:00Z", "Thu, 01 Jan 2026 00:00:00 GMT"},
        {"2026-01-01T00:07:00Z", "Thu, 01 Jan 2026 00:07:00 GMT"},
        {"2024-02-29T12:34:56Z", "Thu, 29 Feb 2024 12:34:56 GMT"},
        {"2026-03-01T09:05:03Z", "Sun, 01 Mar 2026 09:05:03 GMT"},
        {"2025-12-31T23:59:59Z", "Wed, 31 Dec 2025 23:59:59 GMT"},
        {"2026-06-15T08:00:00+02:00", "Mon, 15 Jun 2026 06:00:00 GMT"},
        {"1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 GMT"},
    }};
    for (const auto& row : kRows) {
      CAPTURE(row.iso);
      CHECK(gpm::core::format_http_date(instant(row.iso)) == row.expected);
    }
  }

  TEST_CASE("D20 format_http_date drops fractions instead of rounding up") {
    TimePoint t = instant("2025-12-31T23:59:59.999Z");
    CHECK(gpm::core::format_http_date(t) == "Wed, 31 Dec 2025 23:59:59 GMT");
    CHECK(gpm::core::format_iso_instant(t) == "2025-12-31T23:59:59Z");
  }

  TEST_CASE(
      "D23 a well-formed duration too long to hold is out of range, "
      "not malformed") {
    using gpm::core::diagnose_iso_duration;
    using P = gpm::core::IsoTextProblem;
    for (const char* text : {"P99999999D", "PT9999999999S", "P1234567890W",
                             "P200000DT1H", "p99999999d"}) {
      CAPTURE(text);
      CHECK(parsed(text) == "refused");
      CHECK(diagnose_iso_duration(text) == P::OutOfRange);
    }
    for (const char* text : {"1:00:00", "P", "PT", "P1Y", "PT1M1H", "P-1D",
                             "P99999999X", "P99999999D5"}) {
      CAPTURE(text);
      CHECK(diagnose_iso_duration(text) == P::Malformed);
    }
    CHECK(diagnose_iso_duration("PT5M") == P::None);
    CHECK(diagnose_iso_duration("P106750D") == P::None);  // ~292 years fit
  }

  TEST_CASE(
      "D23 a well-formed date-time outside 1700..2200 is out of range, "
      "not malformed") {
    using gpm::core::diagnose_iso_datetime;
    using P = gpm::core::IsoTextProblem;
    for (const char* text :
         {"10000-01-01T00:00:00", "2300-01-01T00:00:00Z", "1600-02-29T12:00:00",
          "0000-01-01T00:00:00", "99999-12-31T23:59:59.5+01:00"}) {
      CAPTURE(text);
      CHECK_FALSE(gpm::core::parse_iso_datetime(text).has_value());
      CHECK(diagnose_iso_datetime(text) == P::OutOfRange);
    }
    for (const char* text :
         {"2026-13-01T00:00:00", "2026-02-30T00:00:00", "10000-13-01T00:00:00",
          "2026-01-01", "soon", "2026-01-01T25:00:00", "202-01-01T00:00:00"}) {
      CAPTURE(text);
      CHECK(diagnose_iso_datetime(text) == P::Malformed);
    }
    CHECK(diagnose_iso_datetime("2026-01-01T00:00:00Z") == P::None);
  }
}
