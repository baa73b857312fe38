// Unit tests for src/tz/time_zone (spec D17: expiryDateTime.timeZone is an
// IANA or Windows zone name; unknown zones are refused; UTC always works).
// Most cases read the system tzdata under /usr/share/zoneinfo (Debian
// package tzdata); the TZif-format cases write their own files to a
// temporary directory.
#include "tz/time_zone.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/iso_time.h"

namespace {

using gpm::tz::TimeZoneDb;
namespace core = gpm::core;
namespace fs = std::filesystem;

// The UTC instant of wall-clock `local` in `zone`, as "...Z", or "unknown".
std::string utc_of(const TimeZoneDb& db, std::string_view zone,
                   std::string_view local, int fraction_digits = 0) {
  auto parts = core::parse_iso_datetime(local);
  REQUIRE(parts.has_value());
  auto t = db.local_to_utc(zone, *parts);
  return t ? core::format_iso_instant(*t, fraction_digits) : "unknown";
}

const TimeZoneDb& system_db() {
  static const TimeZoneDb db;  // /usr/share/zoneinfo
  return db;
}

// --- A minimal TZif writer for the format tests -----------------------------

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void put64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

struct TzifSpec {
  char version = '2';            // '\0' for a version-1 file
  std::vector<int64_t> times;    // transition instants (UTC seconds)
  std::vector<uint8_t> type_of;  // type index per transition
  std::vector<std::pair<int32_t, bool>> types{{0, false}};  // utoff, isdst
  std::string footer;    // POSIX TZ string (v2+ only)
  uint32_t leapcnt = 0;  // leap-second records to emit
};

void put_header(std::string& out, char version, const TzifSpec& s,
                bool minimal) {
  out += "TZif";
  out.push_back(version);
  out.append(15, '\0');
  put32(out, 0);                        // isutcnt
  put32(out, 0);                        // isstdcnt
  put32(out, minimal ? 0 : s.leapcnt);  // leapcnt
  put32(out, minimal ? 0 : static_cast<uint32_t>(s.times.size()));
  put32(out, minimal ? 1 : static_cast<uint32_t>(s.types.size()));
  put32(out, 4);  // charcnt
}

void put_block(std::string& out, const TzifSpec& s, bool wide) {
  for (int64_t t : s.times) {
    if (wide) {
      put64(out, static_cast<uint64_t>(t));
    } else {
      put32(out, static_cast<uint32_t>(static_cast<int32_t>(t)));
    }
  }
  for (uint8_t i : s.type_of) out.push_back(static_cast<char>(i));
  for (const auto& [utoff, isdst] : s.types) {
    put32(out, static_cast<uint32_t>(utoff));
    out.push_back(isdst ? '\1' : '\0');
    out.push_back('\0');  // desigidx
  }
  out.append("ABC", 4);  // designations, NUL included
  for (uint32_t i = 0; i < s.leapcnt; ++i) {
    if (wide) {
      put64(out, 78796800);  // 1972-07-01
    } else {
      put32(out, 78796800);
    }
    put32(out, i + 1);
  }
}

std::string tzif(const TzifSpec& s) {
  std::string out;
  if (s.version == '\0') {
    put_header(out, '\0', s, false);
    put_block(out, s, false);
    return out;
  }
  // Version 2+: a minimal 32-bit block (as `zic -b slim` writes), then the
  // real 64-bit block and the footer.
  put_header(out, s.version, s, true);
  out.append(6, '\0');
  out.append("ABC", 4);
  put_header(out, s.version, s, false);
  put_block(out, s, true);
  out += "\n" + s.footer + "\n";
  return out;
}

// A scratch zoneinfo tree, removed at scope exit.
class TempZoneinfo {
 public:
  TempZoneinfo() {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("gpm_tz_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    fs::create_directories(root_ / "zoneinfo");
  }
  ~TempZoneinfo() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  TempZoneinfo(const TempZoneinfo&) = delete;
  TempZoneinfo& operator=(const TempZoneinfo&) = delete;

  std::string dir() const { return (root_ / "zoneinfo").string(); }
  fs::path root() const { return root_; }

  // Writes `bytes` at `rel`, relative to the zoneinfo dir.
  void write(const std::string& rel, const std::string& bytes) const {
    fs::path p = root_ / "zoneinfo" / rel;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << bytes;
  }

 private:
  fs::path root_;
};

constexpr int32_t kHour = 3600;
// 2020-03-08T07:00:00Z and 2020-11-01T06:00:00Z: the US changes of 2020.
constexpr int64_t kUs2020Start = 1583650800;
constexpr int64_t kUs2020End = 1604210400;

// US Eastern rules for 2020 in the table, then the footer.
TzifSpec eastern_spec() {
  TzifSpec s;
  s.types = {{-5 * kHour, false}, {-4 * kHour, true}};
  s.times = {kUs2020Start, kUs2020End};
  s.type_of = {1, 0};
  s.footer = "EST5EDT,M3.2.0,M11.1.0";
  return s;
}

}  // namespace

TEST_SUITE("time_zone") {
  // --- UTC ----------------------------------------------------------------

  TEST_CASE("D17 UTC is always accepted, even with no zoneinfo files") {
    TimeZoneDb db("/nonexistent/zoneinfo/dir");
    for (std::string_view name : {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "utc",
                                  "Coordinated Universal Time"}) {
      CAPTURE(name);
      CHECK(db.is_known(name));
      CHECK(utc_of(db, name, "2026-03-10T17:05:33") == "2026-03-10T17:05:33Z");
    }
    // Zones that need a file are unknown there.
    CHECK_FALSE(db.is_known("America/Los_Angeles"));
    CHECK_FALSE(db.is_known("Pacific Standard Time"));
    CHECK(utc_of(db, "Europe/Paris", "2026-01-15T12:00") == "unknown");
  }

  TEST_CASE("D17 fixed-offset Windows zones work without zoneinfo files") {
    TimeZoneDb db("/nonexistent/zoneinfo/dir");
    CHECK(utc_of(db, "UTC-11", "2026-01-15T12:00") == "2026-01-15T23:00:00Z");
    CHECK(utc_of(db, "UTC+12", "2026-01-15T12:00") == "2026-01-15T00:00:00Z");
    CHECK(utc_of(db, "Dateline Standard Time", "2026-01-15T12:00") ==
          "2026-01-16T00:00:00Z");
    // POSIX sign convention: Etc/GMT-14 is UTC+14.
    CHECK(utc_of(db, "Etc/GMT-14", "2026-01-15T12:00") ==
          "2026-01-14T22:00:00Z");
    CHECK_FALSE(db.is_known("Etc/GMT+13"));
    CHECK_FALSE(db.is_known("Etc/GMT-15"));
    CHECK_FALSE(db.is_known("Etc/GMT+05"));
  }

  // --- IANA and Windows names against the system tzdata -------------------

  TEST_CASE("D17 America/Los_Angeles in winter is UTC-8") {
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-01-15T12:00") ==
          "2026-01-15T20:00:00Z");
  }

  TEST_CASE("D17 America/Los_Angeles in summer is UTC-7") {
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-07-15T12:00") ==
          "2026-07-15T19:00:00Z");
  }

  TEST_CASE("D17 Pacific Standard Time in winter is UTC-8") {
    CHECK(utc_of(system_db(), "Pacific Standard Time", "2026-01-15T12:00") ==
          "2026-01-15T20:00:00Z");
  }

  TEST_CASE("D17 Pacific Standard Time observes daylight time in summer") {
    CHECK(utc_of(system_db(), "Pacific Standard Time", "2026-07-15T12:00") ==
          "2026-07-15T19:00:00Z");
  }

  TEST_CASE("D17 the spec's Graph example keeps its seven fraction digits") {
    // 2026-03-10 is after the US change of 2026-03-08: PDT, UTC-7.
    CHECK(utc_of(system_db(), "Pacific Standard Time",
                 "2026-03-10T17:05:33.2079781",
                 7) == "2026-03-11T00:05:33.2079781Z");
  }

  TEST_CASE("D17 W. Europe Standard Time is UTC+1 in winter, UTC+2 in summer") {
    CHECK(utc_of(system_db(), "W. Europe Standard Time", "2026-01-15T12:00") ==
          "2026-01-15T11:00:00Z");
    CHECK(utc_of(system_db(), "W. Europe Standard Time", "2026-07-15T12:00") ==
          "2026-07-15T10:00:00Z");
    CHECK(utc_of(system_db(), "Europe/Paris", "2026-07-15T12:00") ==
          "2026-07-15T10:00:00Z");
  }

  TEST_CASE("D17 GMT Standard Time is British time, not plain GMT") {
    CHECK(utc_of(system_db(), "GMT Standard Time", "2026-01-15T12:00") ==
          "2026-01-15T12:00:00Z");
    CHECK(utc_of(system_db(), "GMT Standard Time", "2026-07-15T12:00") ==
          "2026-07-15T11:00:00Z");
  }

  TEST_CASE("D17 zones without daylight time and with fractional offsets") {
    CHECK(utc_of(system_db(), "Tokyo Standard Time", "2026-07-15T12:00") ==
          "2026-07-15T03:00:00Z");
    CHECK(utc_of(system_db(), "India Standard Time", "2026-01-15T12:00") ==
          "2026-01-15T06:30:00Z");
    CHECK(utc_of(system_db(), "Nepal Standard Time", "2026-01-15T12:00") ==
          "2026-01-15T06:15:00Z");
    CHECK(utc_of(system_db(), "Asia/Kolkata", "2026-01-15T12:00") ==
          "2026-01-15T06:30:00Z");
  }

  TEST_CASE("D17 southern-hemisphere daylight time is in January") {
    CHECK(utc_of(system_db(), "AUS Eastern Standard Time",
                 "2026-01-15T12:00") == "2026-01-15T01:00:00Z");
    CHECK(utc_of(system_db(), "Australia/Sydney", "2026-07-15T12:00") ==
          "2026-07-15T02:00:00Z");
  }

  TEST_CASE("D17 Windows zone names are matched case-insensitively") {
    const auto& db = system_db();
    for (std::string_view name :
         {"pacific standard time", "PACIFIC STANDARD TIME",
          "Pacific standard Time"}) {
      CAPTURE(name);
      CHECK(db.is_known(name));
      CHECK(utc_of(db, name, "2026-01-15T12:00") == "2026-01-15T20:00:00Z");
    }
    CHECK(utc_of(db, "w. europe standard time", "2026-07-15T12:00") ==
          "2026-07-15T10:00:00Z");
    CHECK(gpm::tz::windows_to_iana("tokyo STANDARD time") == "Asia/Tokyo");
  }

  TEST_CASE("D17 every built-in Windows zone resolves to an installed zone") {
    auto table = gpm::tz::windows_zone_mappings();
    CHECK(table.size() >= 135);
    for (const auto& m : table) {
      CAPTURE(m.windows);
      CAPTURE(m.iana);
      CHECK(system_db().is_known(m.windows));
      CHECK(gpm::tz::windows_to_iana(m.windows) == m.iana);
    }
  }

  // --- Gaps and overlaps ---------------------------------------------------

  TEST_CASE("D17 a time in the spring-forward gap uses the offset before it") {
    // Los Angeles skips 02:00-03:00 on 2026-03-08; 02:30 PST = 10:30Z.
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-03-08T02:30") ==
          "2026-03-08T10:30:00Z");
    // Paris skips 02:00-03:00 on 2026-03-29; 02:30 CET = 01:30Z.
    CHECK(utc_of(system_db(), "Romance Standard Time", "2026-03-29T02:30") ==
          "2026-03-29T01:30:00Z");
    // Just outside the gap, both sides are plain.
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-03-08T01:59:59") ==
          "2026-03-08T09:59:59Z");
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-03-08T03:00") ==
          "2026-03-08T10:00:00Z");
  }

  TEST_CASE("D17 a time in the fall-back overlap is the earlier instant") {
    // Los Angeles repeats 01:00-02:00 on 2026-11-01: 01:30 PDT = 08:30Z.
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-11-01T01:30") ==
          "2026-11-01T08:30:00Z");
    // London repeats 01:00-02:00 on 2026-10-25: 01:30 BST = 00:30Z.
    CHECK(utc_of(system_db(), "Europe/London", "2026-10-25T01:30") ==
          "2026-10-25T00:30:00Z");
    // After the overlap, standard time.
    CHECK(utc_of(system_db(), "America/Los_Angeles", "2026-11-01T02:00") ==
          "2026-11-01T10:00:00Z");
  }

  // --- Beyond the transition table -----------------------------------------

  TEST_CASE("D17 a date in 2090 follows the zone's footer rule") {
    const auto& db = system_db();
    CHECK(utc_of(db, "America/Los_Angeles", "2090-01-15T12:00") ==
          "2090-01-15T20:00:00Z");
    CHECK(utc_of(db, "America/Los_Angeles", "2090-07-15T12:00") ==
          "2090-07-15T19:00:00Z");
    // Second Sunday of March 2090 is the 12th: 02:30 is in the gap.
    CHECK(utc_of(db, "America/Los_Angeles", "2090-03-12T02:30") ==
          "2090-03-12T10:30:00Z");
    CHECK(utc_of(db, "America/Los_Angeles", "2090-03-11T12:00") ==
          "2090-03-11T20:00:00Z");
    CHECK(utc_of(db, "AUS Eastern Standard Time", "2090-01-15T12:00") ==
          "2090-01-15T01:00:00Z");
    CHECK(utc_of(db, "Australia/Sydney", "2090-07-15T12:00") ==
          "2090-07-15T02:00:00Z");
  }

  // --- Unknown and unsafe names -------------------------------------------

  TEST_CASE("D17 unknown zone names are unknown") {
    const auto& db = system_db();
    for (std::string_view name :
         {"Mars/Olympus", "../etc/passwd", "", "Pacific Standard Tim",
          "/etc/localtime", "/usr/share/zoneinfo/Europe/Paris",
          "America/../Europe/Paris", "Europe//Paris", "Europe/Paris/",
          "Europe/Paris ", " UTC", "America", "zone.tab", "localtime",
          "Pacific Standard Time (Mars)"}) {
      CAPTURE(name);
      CHECK_FALSE(db.is_known(name));
      CHECK(utc_of(db, name, "2026-01-15T12:00") == "unknown");
    }
  }

  TEST_CASE("D17 a zone name cannot reach a file outside the zoneinfo dir") {
    TempZoneinfo tmp;
    tmp.write("Inside/Zone", tzif(eastern_spec()));
    fs::create_directories(tmp.root() / "outside");
    {
      std::ofstream out(tmp.root() / "outside" / "Zone", std::ios::binary);
      out << tzif(eastern_spec());
    }
    TimeZoneDb db(tmp.dir());
    CHECK(db.is_known("Inside/Zone"));
    CHECK_FALSE(db.is_known("../outside/Zone"));
    CHECK_FALSE(db.is_known("Inside/../../outside/Zone"));
    CHECK_FALSE(db.is_known((tmp.root() / "outside" / "Zone").string()));
  }

  // --- Input handling ------------------------------------------------------

  TEST_CASE("D17 the offset written with the dateTime is ignored") {
    auto parts = core::parse_iso_datetime("2026-01-15T12:00:00+05:00");
    REQUIRE(parts.has_value());
    auto t = system_db().local_to_utc("Europe/Paris", *parts);
    REQUIRE(t.has_value());
    CHECK(core::format_iso_instant(*t) == "2026-01-15T11:00:00Z");
  }

  TEST_CASE("invalid wall-clock parts and unrepresentable years give nullopt") {
    core::DateTimeParts bad;
    bad.year = 2026;
    bad.month = 13;
    CHECK_FALSE(system_db().local_to_utc("UTC", bad).has_value());
    bad.month = 2;
    bad.day = 30;
    CHECK_FALSE(system_db().local_to_utc("UTC", bad).has_value());
    // TimePoint counts nanoseconds in 64 bits: about 1678..2261 (the
    // parser refuses such years already; the db must not rely on it).
    core::DateTimeParts far;
    far.year = 2300;
    CHECK_FALSE(system_db().local_to_utc("UTC", far).has_value());
    CHECK(utc_of(system_db(), "UTC", "2200-01-01T00:00") ==
          "2200-01-01T00:00:00Z");
  }

  TEST_CASE("a shared TimeZoneDb gives the same answers from many threads") {
    TimeZoneDb db;  // fresh cache: the threads race to load the zones
    const std::pair<const char*, const char*> cases[] = {
        {"Europe/Berlin", "2026-07-15T10:00:00Z"},
        {"W. Europe Standard Time", "2026-07-15T10:00:00Z"},
        {"Asia/Tokyo", "2026-07-15T03:00:00Z"},
        {"America/Los_Angeles", "2026-07-15T19:00:00Z"}};
    auto parts = core::parse_iso_datetime("2026-07-15T12:00");
    REQUIRE(parts.has_value());
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        for (int k = 0; k < 200; ++k) {
          const auto& [zone, want] = cases[(i + k) % 4];
          auto t = db.local_to_utc(zone, *parts);
          if (!t || core::format_iso_instant(*t) != want) ++wrong;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(wrong.load() == 0);
  }

  // --- TZif parsing, on synthetic files -----------------------------------

  TEST_CASE("TZif v2: table before its last transition, footer after it") {
    TempZoneinfo tmp;
    tmp.write("Test/Eastern", tzif(eastern_spec()));
    TimeZoneDb db(tmp.dir());
    // Before the first transition: time type 0 (EST), even in summer.
    CHECK(utc_of(db, "Test/Eastern", "2019-07-01T12:00") ==
          "2019-07-01T17:00:00Z");
    // From the table.
    CHECK(utc_of(db, "Test/Eastern", "2020-07-01T12:00") ==
          "2020-07-01T16:00:00Z");
    CHECK(utc_of(db, "Test/Eastern", "2020-12-01T12:00") ==
          "2020-12-01T17:00:00Z");
    // From the footer.
    CHECK(utc_of(db, "Test/Eastern", "2025-07-01T12:00") ==
          "2025-07-01T16:00:00Z");
    CHECK(utc_of(db, "Test/Eastern", "2025-12-01T12:00") ==
          "2025-12-01T17:00:00Z");
    // Footer gap (2025-03-09) and overlap (2025-11-02).
    CHECK(utc_of(db, "Test/Eastern", "2025-03-09T02:30") ==
          "2025-03-09T07:30:00Z");
    CHECK(utc_of(db, "Test/Eastern", "2025-11-02T01:30") ==
          "2025-11-02T05:30:00Z");
  }

  TEST_CASE("TZif v2 without a footer keeps the last transition's type") {
    TempZoneinfo tmp;
    TzifSpec s = eastern_spec();
    s.footer.clear();
    tmp.write("Test/NoFooter", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(utc_of(db, "Test/NoFooter", "2025-07-01T12:00") ==
          "2025-07-01T17:00:00Z");
  }

  TEST_CASE("TZif v1 files use the 32-bit data") {
    TempZoneinfo tmp;
    TzifSpec s = eastern_spec();
    s.version = '\0';
    tmp.write("Test/V1", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(utc_of(db, "Test/V1", "2020-07-01T12:00") == "2020-07-01T16:00:00Z");
    CHECK(utc_of(db, "Test/V1", "2020-12-01T12:00") == "2020-12-01T17:00:00Z");
  }

  TEST_CASE("POSIX footers: quoted names, minutes and an explicit DST offset") {
    TempZoneinfo tmp;
    TzifSpec s;
    s.types = {{37800, false}};
    s.footer = "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0";
    tmp.write("Test/LordHowe", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(utc_of(db, "Test/LordHowe", "2030-01-15T12:00") ==
          "2030-01-15T01:00:00Z");
    CHECK(utc_of(db, "Test/LordHowe", "2030-07-15T12:00") ==
          "2030-07-15T01:30:00Z");
  }

  TEST_CASE("POSIX footers: Jn skips February 29, n counts it") {
    TempZoneinfo tmp;
    TzifSpec s;
    s.footer = "AAA0BBB,J60/0,J300/0";  // DST from March 1
    tmp.write("Test/Julian", tzif(s));
    s.footer = "AAA0BBB,59/0,J300/0";  // DST from day 59: Feb 29 in 2028
    tmp.write("Test/ZeroBased", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(utc_of(db, "Test/Julian", "2028-02-29T12:00") ==
          "2028-02-29T12:00:00Z");
    CHECK(utc_of(db, "Test/Julian", "2028-03-01T12:00") ==
          "2028-03-01T11:00:00Z");
    CHECK(utc_of(db, "Test/ZeroBased", "2028-02-29T12:00") ==
          "2028-02-29T11:00:00Z");
    CHECK(utc_of(db, "Test/ZeroBased", "2028-02-28T12:00") ==
          "2028-02-28T12:00:00Z");
  }

  TEST_CASE("POSIX footers: a rule ending as it starts is DST all year") {
    TempZoneinfo tmp;
    TzifSpec s;
    s.types = {{-5 * kHour, false}};
    s.footer = "EST5EDT,0/0,J365/25";  // RFC 8536's permanent-DST example
    tmp.write("Test/AllYear", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(utc_of(db, "Test/AllYear", "2030-01-01T00:30") ==
          "2030-01-01T04:30:00Z");
    CHECK(utc_of(db, "Test/AllYear", "2030-07-01T12:00") ==
          "2030-07-01T16:00:00Z");
    CHECK(utc_of(db, "Test/AllYear", "2030-12-31T23:30") ==
          "2031-01-01T03:30:00Z");
  }

  TEST_CASE("after its last transition a zone follows its footer") {
    // An inconsistent file: the table's last type is EDT, the footer says
    // EST only. RFC 8536 lets the footer govern after the last transition.
    TempZoneinfo tmp;
    TzifSpec s = eastern_spec();
    s.times = {kUs2020Start};
    s.type_of = {1};
    s.footer = "EST5";
    tmp.write("Test/Disagree", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(utc_of(db, "Test/Disagree", "2020-03-08T12:00") ==
          "2020-03-08T17:00:00Z");
    CHECK(utc_of(db, "Test/Disagree", "2020-07-01T12:00") ==
          "2020-07-01T17:00:00Z");
  }

  TEST_CASE("a malformed footer leaves the last transition's type in force") {
    TempZoneinfo tmp;
    TzifSpec s = eastern_spec();
    s.footer = "EST5EDT,M13.2.0,M11.1.0";  // no month 13
    tmp.write("Test/BadFooter", tzif(s));
    TimeZoneDb db(tmp.dir());
    CHECK(db.is_known("Test/BadFooter"));
    CHECK(utc_of(db, "Test/BadFooter", "2025-07-01T12:00") ==
          "2025-07-01T17:00:00Z");
  }

  TEST_CASE("D17 missing, truncated or corrupt TZif files are unknown zones") {
    TempZoneinfo tmp;
    std::string good = tzif(eastern_spec());
    tmp.write("Test/Good", good);
    tmp.write("Test/Truncated", good.substr(0, good.size() - 30));
    tmp.write("Test/NoFooterNewline", good.substr(0, good.size() - 1));
    std::string bad_magic = good;
    bad_magic[0] = 'X';
    tmp.write("Test/BadMagic", bad_magic);
    TzifSpec bad_index = eastern_spec();
    bad_index.type_of = {1, 2};  // only types 0 and 1 exist
    tmp.write("Test/BadIndex", tzif(bad_index));
    TzifSpec unsorted = eastern_spec();
    std::swap(unsorted.times[0], unsorted.times[1]);
    tmp.write("Test/Unsorted", tzif(unsorted));
    TzifSpec leap = eastern_spec();
    leap.leapcnt = 1;
    tmp.write("Test/LeapSeconds", tzif(leap));
    leap.version = '\0';
    tmp.write("Test/LeapSecondsV1", tzif(leap));
    tmp.write("Test/Text", "Europe/Paris\n");
    tmp.write("Test/Empty", "");
    TimeZoneDb db(tmp.dir());
    CHECK(db.is_known("Test/Good"));
    for (std::string_view name :
         {"Test/Missing", "Test/Truncated", "Test/NoFooterNewline",
          "Test/BadMagic", "Test/BadIndex", "Test/Unsorted", "Test/LeapSeconds",
          "Test/LeapSecondsV1", "Test/Text", "Test/Empty", "Test"}) {
      CAPTURE(name);
      CHECK_FALSE(db.is_known(name));
      CHECK(utc_of(db, name, "2026-01-15T12:00") == "unknown");
    }
  }
}
