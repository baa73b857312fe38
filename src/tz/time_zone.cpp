#include "tz/time_zone.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ios>
#include <iterator>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "tz/zone_names.h"

namespace gpm::tz {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// RFC 8536 3.2: utoff SHOULD be in [-89999, 93599] (about -25h..+26h).
constexpr int32_t kMinUtoff = -89999;
constexpr int32_t kMaxUtoff = 93599;
// Every instant whose wall-clock time is L lies within this of L.
constexpr int64_t kSearchWindow = 2 * kSecondsPerDay;
constexpr std::uintmax_t kMaxFileSize = 1 << 20;

// ---------------------------------------------------------------------------
// Calendar helpers (proleptic Gregorian, seconds since the epoch, no leap
// seconds). Years are kept well inside std::chrono::year's range by callers.

int64_t days_from_civil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

int year_of(int64_t t) {
  using namespace std::chrono;
  auto dp = floor<days>(sys_seconds{seconds{t}});
  return static_cast<int>(year_month_day{dp}.year());
}

bool is_leap(int y) { return std::chrono::year{y}.is_leap(); }

unsigned days_in_month(int y, unsigned m) {
  using namespace std::chrono;
  return static_cast<unsigned>(
      year_month_day_last{year{y}, month_day_last{month{m}}}.day());
}

// 0 = Sunday.
unsigned weekday_of(int64_t days_since_epoch) {
  using namespace std::chrono;
  return weekday{sys_days{days{days_since_epoch}}}.c_encoding();
}

// ---------------------------------------------------------------------------
// POSIX TZ strings (the TZif footer), with the RFC 8536 3.3.1 extensions
// (transition times from -167 to 167 hours).

struct RuleDate {
  enum class Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;          // Jn: 1..365; n: 0..365; M: weekday 0..6
  unsigned month = 0;   // M only
  unsigned week = 0;    // M only, 1..5 (5 = last)
  int32_t time = 7200;  // local time of day of the change, seconds

  // Local seconds (wall clock before the change) of the change in `y`.
  int64_t local_seconds(int y) const {
    int64_t d = 0;
    switch (kind) {
      case Kind::kJulianNoLeap:
        d = days_from_civil(y, 1, 1) + (day - 1);
        if (is_leap(y) && day >= 60) ++d;
        break;
      case Kind::kZeroBasedDay:
        d = days_from_civil(y, 1, 1) + day;
        break;
      case Kind::kMonthWeekDay: {
        int64_t first = days_from_civil(y, month, 1);
        unsigned wd_first = weekday_of(first);
        unsigned dom = 1 + (static_cast<unsigned>(day) + 7 - wd_first) % 7;
        dom += (week - 1) * 7;
        unsigned dim = days_in_month(y, month);
        while (dom > dim) dom -= 7;
        d = first + (dom - 1);
        break;
      }
    }
    return d * kSecondsPerDay + time;
  }
};

struct PosixRule {
  int32_t std_off = 0;  // seconds east of UTC
  bool has_dst = false;
  int32_t dst_off = 0;
  RuleDate start, end;  // start: std -> dst; end: dst -> std

  struct Event {
    int64_t at;  // UTC seconds
    int order;   // at equal instants an end sorts before a start
    int32_t off_after;
  };

  void year_events(int y, std::vector<Event>& out) const {
    out.push_back({start.local_seconds(y) - std_off, 1, dst_off});
    out.push_back({end.local_seconds(y) - dst_off, 0, std_off});
  }

  std::vector<Event> events(int first_year, int last_year) const {
    std::vector<Event> ev;
    if (!has_dst) return ev;
    for (int y = first_year; y <= last_year; ++y) year_events(y, ev);
    std::sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) {
      return a.at != b.at ? a.at < b.at : a.order < b.order;
    });
    return ev;
  }

  int32_t offset_at(int64_t t) const {
    if (!has_dst) return std_off;
    int y = year_of(t);
    // Changes may sit up to a week past their year's end (167 h); two
    // years back is always settled.
    auto ev = events(y - 2, y + 1);
    int32_t off = std_off;
    for (const auto& e : ev) {
      if (e.at > t) break;
      off = e.off_after;
    }
    return off;
  }
};

class TzStringParser {
 public:
  explicit TzStringParser(std::string_view s) : s_(s) {}

  std::optional<PosixRule> parse() {
    PosixRule r;
    if (!name()) return std::nullopt;
    auto so = hms(24, true);
    if (!so) return std::nullopt;
    r.std_off = -*so;  // POSIX offsets are positive west of Greenwich
    if (done()) return valid(r);
    if (!name()) return std::nullopt;
    r.has_dst = true;
    r.dst_off = r.std_off + 3600;
    if (!done() && peek() != ',') {
      auto dof = hms(24, true);
      if (!dof) return std::nullopt;
      r.dst_off = -*dof;
    }
    // Without a rule POSIX leaves the dates implementation-defined; TZif
    // footers always carry one, so refuse the string.
    if (!eat(',')) return std::nullopt;
    auto st = date();
    if (!st || !eat(',')) return std::nullopt;
    auto en = date();
    if (!en || !done()) return std::nullopt;
    r.start = *st;
    r.end = *en;
    return valid(r);
  }

 private:
  static std::optional<PosixRule> valid(const PosixRule& r) {
    auto in_range = [](int32_t o) { return o >= kMinUtoff && o <= kMaxUtoff; };
    if (!in_range(r.std_off) || (r.has_dst && !in_range(r.dst_off))) {
      return std::nullopt;
    }
    return r;
  }

  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c || done()) return false;
    ++i_;
    return true;
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  static bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  // std or dst designation: 3+ letters, or <...> of letters, digits, +, -.
  bool name() {
    size_t start = i_;
    if (eat('<')) {
      while (!done() && (is_alpha(peek()) || is_digit(peek()) ||
                         peek() == '+' || peek() == '-')) {
        ++i_;
      }
      size_t len = i_ - start - 1;
      return eat('>') && len >= 3;
    }
    while (!done() && is_alpha(peek())) ++i_;
    return i_ - start >= 3;
  }

  std::optional<int> number(int max) {
    size_t start = i_;
    int v = 0;
    while (!done() && is_digit(peek())) {
      v = v * 10 + (peek() - '0');
      if (v > max) return std::nullopt;
      ++i_;
    }
    if (i_ == start) return std::nullopt;
    return v;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::optional<int32_t> hms(int max_hours, bool allow_sign) {
    int sign = 1;
    if (allow_sign) {
      if (eat('-')) {
        sign = -1;
      } else {
        eat('+');
      }
    }
    auto h = number(max_hours);
    if (!h) return std::nullopt;
    int m = 0, sec = 0;
    if (eat(':')) {
      auto mv = number(59);
      if (!mv) return std::nullopt;
      m = *mv;
      if (eat(':')) {
        auto sv = number(59);
        if (!sv) return std::nullopt;
        sec = *sv;
      }
    }
    return sign * (*h * 3600 + m * 60 + sec);
  }

  std::optional<RuleDate> date() {
    RuleDate d;
    if (eat('J')) {
      auto n = number(365);
      if (!n || *n < 1) return std::nullopt;
      d.kind = RuleDate::Kind::kJulianNoLeap;
      d.day = *n;
    } else if (eat('M')) {
      auto m = number(12);
      if (!m || *m < 1 || !eat('.')) return std::nullopt;
      auto w = number(5);
      if (!w || *w < 1 || !eat('.')) return std::nullopt;
      auto wd = number(6);
      if (!wd) return std::nullopt;
      d.kind = RuleDate::Kind::kMonthWeekDay;
      d.month = static_cast<unsigned>(*m);
      d.week = static_cast<unsigned>(*w);
      d.day = *wd;
    } else {
      auto n = number(365);
      if (!n) return std::nullopt;
      d.kind = RuleDate::Kind::kZeroBasedDay;
      d.day = *n;
    }
    if (eat('/')) {
      auto t = hms(167, true);
      if (!t) return std::nullopt;
      d.time = *t;
    }
    return d;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------
// A zone: the offset (seconds east of UTC) in force at any UTC instant.

struct TimeZoneDb::Zone {
  int32_t initial_off = 0;          // before the first transition
  std::vector<int64_t> trans;       // strictly increasing, UTC seconds
  std::vector<int32_t> off_after;   // offset from trans[i] on
  std::optional<PosixRule> footer;  // after the last transition

  bool footer_applies(int64_t t) const {
    return footer && (trans.empty() || t > trans.back());
  }

  int32_t offset_at(int64_t t) const {
    if (footer_applies(t)) return footer->offset_at(t);
    auto it = std::upper_bound(trans.begin(), trans.end(), t);
    if (it == trans.begin()) return initial_off;
    return off_after[static_cast<size_t>(std::distance(trans.begin(), it)) - 1];
  }

  // Instants in (a, b] at which the offset may change.
  std::vector<int64_t> change_candidates(int64_t a, int64_t b) const {
    std::vector<int64_t> out;
    for (auto it = std::upper_bound(trans.begin(), trans.end(), a);
         it != trans.end() && *it <= b; ++it) {
      out.push_back(*it);
    }
    if (footer) {
      int64_t from = a;
      if (!trans.empty() && trans.back() >= a) {
        if (trans.back() >= b) return out;
        from = trans.back();
        out.push_back(trans.back() + 1);  // table -> footer hand-over
      }
      for (const auto& e : footer->events(year_of(from) - 1, year_of(b) + 1)) {
        if (e.at > from && e.at <= b) out.push_back(e.at);
      }
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    return out;
  }

  // UTC seconds of local wall-clock seconds `local` (see local_to_utc).
  int64_t local_to_utc(int64_t local) const {
    struct Segment {
      int64_t begin;  // first instant (the window start for the first one)
      int32_t off;
    };
    const int64_t a = local - kSearchWindow;
    const int64_t b = local + kSearchWindow;
    std::vector<Segment> segs{{a, offset_at(a)}};
    for (int64_t t : change_candidates(a, b)) {
      int32_t o = offset_at(t);
      if (o != segs.back().off) segs.push_back({t, o});
    }
    // Every offset is under kSearchWindow, so candidates never fall outside
    // [a, b]; the first segment is open to the left, the last to the right.
    for (size_t k = 0; k < segs.size(); ++k) {
      int64_t t = local - segs[k].off;
      bool after_begin = k == 0 || t >= segs[k].begin;
      bool before_end = k + 1 == segs.size() || t < segs[k + 1].begin;
      if (after_begin && before_end) return t;  // earliest match first
    }
    // A gap: the wall clock jumped over `local` at some transition.
    for (size_t k = 1; k < segs.size(); ++k) {
      int64_t at = segs[k].begin;
      if (at + segs[k - 1].off <= local && local < at + segs[k].off) {
        return local - segs[k - 1].off;
      }
    }
    return local - segs.front().off;  // not reached for consistent data
  }
};

namespace {

using Zone = TimeZoneDb::Zone;

std::shared_ptr<const Zone> fixed_zone(int32_t off) {
  auto z = std::make_shared<Zone>();
  z->initial_off = off;
  return z;
}

// ---------------------------------------------------------------------------
// TZif (RFC 8536).

class Reader {
 public:
  explicit Reader(std::string_view data) : d_(data) {}
  bool has(uint64_t n) const { return n <= d_.size() - pos_; }
  size_t pos() const { return pos_; }
  void skip(uint64_t n) { pos_ += static_cast<size_t>(n); }
  uint8_t u8() { return static_cast<uint8_t>(d_[pos_++]); }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  int64_t i64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | u8();
    return static_cast<int64_t>(v);
  }
  std::string_view rest() const { return d_.substr(pos_); }

 private:
  std::string_view d_;
  size_t pos_ = 0;
};

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0,
           charcnt = 0;

  uint64_t block_size(uint64_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * uint64_t{6} + charcnt +
           leapcnt * (time_size + 4) + isstdcnt + isutcnt;
  }
};

std::optional<Header> read_header(Reader& r) {
  if (!r.has(44)) return std::nullopt;
  Header h;
  const char magic[] = {'T', 'Z', 'i', 'f'};
  for (char c : magic) {
    if (static_cast<char>(r.u8()) != c) return std::nullopt;
  }
  h.version = static_cast<char>(r.u8());
  r.skip(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  return h;
}

std::shared_ptr<const Zone> parse_tzif(std::string_view data) {
  Reader r(data);
  auto h = read_header(r);
  if (!h) return nullptr;
  if (h->version != 0 && (h->version < '2' || h->version > '9')) {
    return nullptr;
  }
  uint64_t time_size = 4;
  if (h->version != 0) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    if (!r.has(h->block_size(4))) return nullptr;
    r.skip(h->block_size(4));
    h = read_header(r);
    if (!h) return nullptr;
    time_size = 8;
  }
  if (h->typecnt == 0 || h->charcnt == 0 ||
      (h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
      (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)) {
    return nullptr;
  }
  // Leap-second ("right/") files count time differently; not supported.
  if (h->leapcnt != 0) return nullptr;
  if (!r.has(h->block_size(time_size))) return nullptr;

  auto z = std::make_shared<Zone>();
  z->trans.reserve(h->timecnt);
  for (uint32_t i = 0; i < h->timecnt; ++i) {
    int64_t t = time_size == 8 ? r.i64() : int64_t{r.i32()};
    if (!z->trans.empty() && t <= z->trans.back()) return nullptr;
    z->trans.push_back(t);
  }
  std::vector<uint8_t> idx(h->timecnt);
  for (auto& v : idx) {
    v = r.u8();
    if (v >= h->typecnt) return nullptr;
  }
  std::vector<int32_t> utoff(h->typecnt);
  for (auto& o : utoff) {
    o = r.i32();
    uint8_t isdst = r.u8();
    uint8_t desigidx = r.u8();
    if (o < kMinUtoff || o > kMaxUtoff || isdst > 1 || desigidx >= h->charcnt) {
      return nullptr;
    }
  }
  r.skip(h->charcnt);
  r.skip(uint64_t{h->isstdcnt} + h->isutcnt);  // leapcnt is 0

  z->initial_off = utoff[0];
  z->off_after.reserve(idx.size());
  for (uint8_t v : idx) z->off_after.push_back(utoff[v]);

  if (time_size == 8) {
    // Footer: "\n" TZ-string "\n". An empty or unusable string leaves the
    // last transition's type in force.
    std::string_view rest = r.rest();
    if (rest.empty() || rest.front() != '\n') return nullptr;
    rest.remove_prefix(1);
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return nullptr;
    if (nl != 0) z->footer = TzStringParser(rest.substr(0, nl)).parse();
  }
  return z;
}

std::shared_ptr<const Zone> load_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || ec) return nullptr;
  auto size = fs::file_size(path, ec);
  if (ec || size > kMaxFileSize) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.gcount() != static_cast<std::streamsize>(data.size())) return nullptr;
  return parse_tzif(data);
}

// Local wall-clock seconds of `p` (as if it were UTC); nullopt if invalid.
std::optional<int64_t> local_seconds(const core::DateTimeParts& p) {
  if (p.year < -30000 || p.year > 30000 || p.month < 1 || p.month > 12 ||
      p.day < 1 || p.day > days_in_month(p.year, p.month) || p.hour > 23 ||
      p.minute > 59 || p.second > 60 || p.nanos < 0 || p.nanos > 999'999'999) {
    return std::nullopt;
  }
  return days_from_civil(p.year, p.month, p.day) * kSecondsPerDay +
         int64_t{p.hour} * 3600 + int64_t{p.minute} * 60 + p.second;
}

}  // namespace

TimeZoneDb::TimeZoneDb(std::string zoneinfo_dir)
    : dir_(std::move(zoneinfo_dir)) {}

TimeZoneDb::~TimeZoneDb() = default;

std::shared_ptr<const TimeZoneDb::Zone> TimeZoneDb::find(
    std::string_view zone) const {
  std::string_view iana = zone;
  if (auto w = windows_to_iana(zone)) iana = *w;
  if (!safe_iana_name(iana)) return nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(iana);
    if (it != cache_.end()) return it->second;
  }
  std::shared_ptr<const Zone> z;
  if (auto off = builtin_offset(iana)) {
    z = fixed_zone(*off);
  } else {
    z = load_file(dir_ + "/" + std::string(iana));
  }
  if (!z) return nullptr;
  std::lock_guard lock(mu_);
  return cache_.try_emplace(std::string(iana), std::move(z)).first->second;
}

bool TimeZoneDb::is_known(std::string_view zone) const {
  try {
    return find(zone) != nullptr;
  } catch (...) {
    return false;
  }
}

std::optional<core::TimePoint> TimeZoneDb::local_to_utc(
    std::string_view zone, const core::DateTimeParts& local) const {
  try {
    auto z = find(zone);
    if (!z) return std::nullopt;
    auto l = local_seconds(local);
    if (!l) return std::nullopt;
    int64_t utc = z->local_to_utc(*l);
    using std::chrono::nanoseconds;
    using std::chrono::seconds;
    // Keep one second of slack each side for the fraction.
    constexpr int64_t kMax =
        std::chrono::duration_cast<seconds>(core::Duration::max()).count() - 1;
    constexpr int64_t kMin =
        std::chrono::duration_cast<seconds>(core::Duration::min()).count() + 1;
    if (utc > kMax || utc < kMin) return std::nullopt;
    return core::TimePoint(
        std::chrono::duration_cast<core::Duration>(seconds(utc)) +
        std::chrono::duration_cast<core::Duration>(nanoseconds(local.nanos)));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace gpm::tz
