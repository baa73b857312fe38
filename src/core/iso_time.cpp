#include "core/iso_time.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

namespace gpm::core {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads up to `max_digits` digits at s[i]; fails on none or on more.
std::optional<int64_t> read_number(std::string_view s, size_t& i,
                                   size_t max_digits) {
  size_t start = i;
  int64_t v = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (i - start == max_digits) return std::nullopt;
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start) return std::nullopt;
  return v;
}

// Reads ".ddd": returns nanoseconds; ignores digits past the ninth.
std::optional<long> read_fraction(std::string_view s, size_t& i) {
  if (i >= s.size() || (s[i] != '.' && s[i] != ',')) return 0L;
  ++i;
  size_t start = i;
  long nanos = 0;
  int n = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (n < 9) {
      nanos = nanos * 10 + (s[i] - '0');
      ++n;
    }
    ++i;
  }
  if (i == start) return std::nullopt;
  for (; n < 9; ++n) nanos *= 10;
  return nanos;
}

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

namespace {

// parse_iso_duration, noting in `too_big` a well-formed text whose value
// does not fit (then the result is nullopt).
std::optional<Duration> parse_duration(std::string_view s, bool& too_big) {
  // Nine digits per component; the total is checked against overflow below.
  constexpr size_t kMaxDigits = 9;
  too_big = false;
  auto malformed = [&]() -> std::optional<Duration> {
    too_big = false;
    return std::nullopt;
  };
  if (s.empty() || upper(s[0]) != 'P') return malformed();
  size_t i = 1;
  nanoseconds total{0};
  bool in_time = false;
  bool any = false;
  bool any_time = false;
  // Order of the designators that may still come, to refuse "PT1M1H".
  int last_rank = 0;
  while (i < s.size()) {
    if (upper(s[i]) == 'T') {
      if (in_time) return malformed();
      in_time = true;
      ++i;
      continue;
    }
    size_t digits_start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == digits_start) return malformed();
    // More digits than a component holds: keep reading the shape, so that
    // only a well-formed text is called too big.
    if (i - digits_start > kMaxDigits) too_big = true;
    size_t number_end = i;
    i = digits_start;
    auto n =
        too_big ? std::optional<int64_t>(0) : read_number(s, i, kMaxDigits);
    i = number_end;
    size_t before_fraction = i;
    auto frac = read_fraction(s, i);
    bool has_fraction = i != before_fraction;
    if (!frac || i >= s.size()) return malformed();
    char unit = upper(s[i++]);
    int rank = 0;
    nanoseconds unit_len{0};
    if (!in_time) {
      if (unit == 'W') {
        rank = 1, unit_len = days(7);
      } else if (unit == 'D') {
        rank = 2, unit_len = days(1);
      } else {
        return malformed();  // Y and M (months) have no fixed length
      }
    } else {
      if (unit == 'H') {
        rank = 3, unit_len = hours(1);
      } else if (unit == 'M') {
        rank = 4, unit_len = minutes(1);
      } else if (unit == 'S') {
        rank = 5, unit_len = seconds(1);
      } else {
        return malformed();
      }
      any_time = true;
    }
    if (rank <= last_rank) return malformed();
    // Only the last component may carry a fraction.
    if (has_fraction && i != s.size()) return malformed();
    last_rank = rank;
    // Refuse what a nanosecond count cannot hold (about 292 years).
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    if (too_big || *n > (kMax - total.count()) / unit_len.count() - 1) {
      too_big = true;
      any = true;
      continue;
    }
    total += unit_len * *n;
    total += nanoseconds(static_cast<int64_t>(static_cast<long double>(*frac) *
                                              unit_len.count() / 1e9L));
    any = true;
  }
  if (!any || (in_time && !any_time)) return malformed();
  if (too_big) return std::nullopt;
  return std::chrono::duration_cast<Duration>(total);
}

}  // namespace

std::optional<Duration> parse_iso_duration(std::string_view s) {
  bool too_big = false;
  return parse_duration(s, too_big);
}

IsoTextProblem diagnose_iso_duration(std::string_view s) {
  bool too_big = false;
  if (parse_duration(s, too_big)) return IsoTextProblem::None;
  return too_big ? IsoTextProblem::OutOfRange : IsoTextProblem::Malformed;
}

std::string format_iso_duration(Duration d) {
  auto ns = std::chrono::duration_cast<nanoseconds>(d);
  if (ns.count() == 0) return "PT0S";
  std::string out = "P";
  auto dd = std::chrono::duration_cast<days>(ns);
  ns -= dd;
  if (dd.count()) out += std::to_string(dd.count()) + "D";
  auto hh = std::chrono::duration_cast<hours>(ns);
  ns -= hh;
  auto mm = std::chrono::duration_cast<minutes>(ns);
  ns -= mm;
  auto ss = std::chrono::duration_cast<seconds>(ns);
  ns -= ss;
  if (hh.count() || mm.count() || ss.count() || ns.count()) {
    out += "T";
    if (hh.count()) out += std::to_string(hh.count()) + "H";
    if (mm.count()) out += std::to_string(mm.count()) + "M";
    if (ss.count() || ns.count()) {
      out += std::to_string(ss.count());
      if (ns.count()) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%09lld",
                      static_cast<long long>(ns.count()));
        std::string f = buf;
        while (f.back() == '0') f.pop_back();
        out += f;
      }
      out += "S";
    }
  }
  return out;
}

namespace {

// parse_iso_datetime, noting in `too_big` a well-formed text whose year a
// TimePoint cannot hold (then the result is nullopt).
std::optional<DateTimeParts> parse_datetime(std::string_view s, bool& too_big) {
  too_big = false;
  DateTimeParts p;
  size_t i = 0;
  auto expect = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  auto fixed = [&](size_t digits) -> std::optional<int64_t> {
    size_t start = i;
    auto v = read_number(s, i, digits);
    if (!v || i - start != digits) return std::nullopt;
    return v;
  };
  // The year: four digits, or more (a year past 9999 is well formed but
  // out of range).
  size_t year_digits = 0;
  while (year_digits < s.size() && is_digit(s[year_digits])) ++year_digits;
  bool long_year = year_digits > 4;
  std::optional<int64_t> y =
      long_year ? std::optional<int64_t>(99999) : fixed(4);
  if (long_year) i = year_digits;
  if (!y || !expect('-')) return std::nullopt;
  auto mo = fixed(2);
  if (!mo || !expect('-')) return std::nullopt;
  auto d = fixed(2);
  if (!d) return std::nullopt;
  if (!(expect('T') || expect('t') || expect(' '))) return std::nullopt;
  auto h = fixed(2);
  if (!h || !expect(':')) return std::nullopt;
  auto mi = fixed(2);
  if (!mi) return std::nullopt;
  int64_t sec = 0;
  long nanos = 0;
  if (expect(':')) {
    auto sv = fixed(2);
    if (!sv) return std::nullopt;
    sec = *sv;
    auto f = read_fraction(s, i);
    if (!f) return std::nullopt;
    nanos = *f;
  }
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
      p.offset_minutes = 0;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      ++i;
      auto oh = fixed(2);
      if (!oh) return std::nullopt;
      expect(':');
      auto om = fixed(2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      p.offset_minutes = sign * static_cast<int>(*oh * 60 + *om);
    }
  }
  if (i != s.size()) return std::nullopt;
  using namespace std::chrono;
  // Years outside 1700..2200 are refused: a nanosecond TimePoint holds
  // only about 1678..2262. The day of the month is checked in a leap year
  // then, so that 29 February is not called malformed.
  bool year_in_range = *y >= 1700 && *y <= 2200;
  year_month_day ymd{year(year_in_range ? static_cast<int>(*y) : 2000),
                     month(static_cast<unsigned>(*mo)),
                     day(static_cast<unsigned>(*d))};
  if (!ymd.ok() || *h > 23 || *mi > 59 || sec > 59) return std::nullopt;
  if (!year_in_range) {
    too_big = true;
    return std::nullopt;
  }
  p.year = static_cast<int>(*y);
  p.month = static_cast<unsigned>(*mo);
  p.day = static_cast<unsigned>(*d);
  p.hour = static_cast<unsigned>(*h);
  p.minute = static_cast<unsigned>(*mi);
  p.second = static_cast<unsigned>(sec);
  p.nanos = nanos;
  return p;
}

}  // namespace

std::optional<DateTimeParts> parse_iso_datetime(std::string_view s) {
  bool too_big = false;
  return parse_datetime(s, too_big);
}

IsoTextProblem diagnose_iso_datetime(std::string_view s) {
  bool too_big = false;
  if (parse_datetime(s, too_big)) return IsoTextProblem::None;
  return too_big ? IsoTextProblem::OutOfRange : IsoTextProblem::Malformed;
}

TimePoint to_time_point_utc(const DateTimeParts& p) {
  using namespace std::chrono;
  sys_days day_point{year_month_day{year(p.year), month(p.month), day(p.day)}};
  auto t = time_point_cast<nanoseconds>(day_point) + hours(p.hour) +
           minutes(p.minute) + seconds(p.second) + nanoseconds(p.nanos) -
           minutes(p.offset_minutes.value_or(0));
  return time_point_cast<Duration>(t);
}

namespace {

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
  int64_t nanos;
  unsigned weekday;  // 0 = Sunday
};

Civil to_civil(TimePoint t) {
  using namespace std::chrono;
  auto ns = time_point_cast<nanoseconds>(t);
  auto dp = floor<days>(ns);
  year_month_day ymd{dp};
  hh_mm_ss<nanoseconds> tod{ns - dp};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(tod.hours().count()),
               static_cast<unsigned>(tod.minutes().count()),
               static_cast<unsigned>(tod.seconds().count()),
               tod.subseconds().count(),
               weekday{dp}.c_encoding()};
}

}  // namespace

std::string format_iso_instant(TimePoint t, int fraction_digits) {
  Civil c = to_civil(t);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u",
                        c.year, c.month, c.day, c.hour, c.minute, c.second);
  std::string out(buf, static_cast<size_t>(n));
  if (fraction_digits > 0) {
    if (fraction_digits > 9) fraction_digits = 9;
    char frac[16];
    std::snprintf(frac, sizeof frac, "%09lld", static_cast<long long>(c.nanos));
    out += '.';
    out.append(frac, static_cast<size_t>(fraction_digits));
  }
  out += 'Z';
  return out;
}

std::string format_inner_error_date(TimePoint t) {
  std::string s = format_iso_instant(t, 0);
  s.pop_back();  // no zone designator, as Graph writes it (R6.1)
  return s;
}

std::string format_http_date(TimePoint t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  Civil c = to_civil(t);
  if (c.year < 0 || c.year > 9999) {
    char buf[64];
    int n =
        std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02u:%02u:%02u GMT",
                      kDays[c.weekday], c.day, kMonths[c.month - 1], c.year,
                      c.hour, c.minute, c.second);
    return std::string(buf, static_cast<size_t>(n));
  }
  // Every request writes one (the Date header): no printf.
  char buf[29];
  auto two = [](char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::memcpy(buf, kDays[c.weekday], 3);
  buf[3] = ',';
  buf[4] = ' ';
  two(buf + 5, c.day);
  buf[7] = ' ';
  std::memcpy(buf + 8, kMonths[c.month - 1], 3);
  buf[11] = ' ';
  auto y = static_cast<unsigned>(c.year);
  two(buf + 12, y / 100);
  two(buf + 14, y % 100);
  buf[16] = ' ';
  two(buf + 17, c.hour);
  buf[19] = ':';
  two(buf + 20, c.minute);
  buf[22] = ':';
  two(buf + 23, c.second);
  std::memcpy(buf + 25, " GMT", 4);
  return std::string(buf, sizeof buf);
}

}  // namespace gpm::core
