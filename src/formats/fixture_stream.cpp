// The streamed read of a large fixture file (load_fixture_base): the
// common shape of a user goes straight into compact store records, anything
// else through the document parser of fixtures.cpp, so both give the same
// users and the same errors.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <nlohmann/json.hpp>

#include "core/iso_time.h"
#include "formats/fixtures.h"
#include "graph/graph_json.h"

namespace gpm::graph {
namespace {

using nlohmann::json;

// A strict reader for the common shape of a large fixture document, over
// its bytes in place: {"me":"…","users":[{"id","userPrincipalName",
// "displayName","sessions":[at most one session]},…]} with plain ASCII
// strings. Each call answers false for anything else (escapes, other keys,
// other types, invalid values), and the caller then takes the general path,
// so this reader never decides an error or a result the document parser
// would decide differently.
class FastReader {
  // Bytes a plain string holds as they are: printable ASCII but '"', '\\'.
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
    return t;
  }();

 public:
  explicit FastReader(std::string_view text) : t_(text) {}

  size_t pos() const { return p_; }
  void seek(size_t p) { p_ = p; }
  bool at_end() {
    ws();
    return p_ == t_.size();
  }
  void ws() {
    size_t p = p_;  // a local: the compiler need not store it per byte
    const char* d = t_.data();
    size_t n = t_.size();
    while (p < n &&
           (d[p] == ' ' || d[p] == '\n' || d[p] == '\r' || d[p] == '\t')) {
      ++p;
    }
    p_ = p;
  }
  bool peek(char c) {
    ws();
    return p_ < t_.size() && t_[p_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++p_;
    return true;
  }
  // A string of printable ASCII without escapes.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    size_t start = p_, p = p_;
    const char* d = t_.data();
    size_t n = t_.size();
    while (p < n && kPlain[static_cast<unsigned char>(d[p])]) ++p;
    p_ = p;
    if (p >= n || d[p] != '"') return false;  // an escape, or worse
    out = t_.substr(start, p - start);
    p_ = p + 1;
    return true;
  }
  bool key(std::string_view& out) { return string(out) && eat(':'); }
  bool boolean(bool& out) {
    ws();
    if (t_.substr(p_, 4) == "true") {
      p_ += 4;
      out = true;
      return true;
    }
    if (t_.substr(p_, 5) == "false") {
      p_ += 5;
      out = false;
      return true;
    }
    return false;
  }
  // The end of the JSON object starting at pos(), found by structure only
  // (the document parser then validates it); npos if there is none.
  size_t object_end() {
    if (!peek('{')) return std::string_view::npos;
    return value_end();
  }
  // Where the object or array at the current position ends (just past
  // its closing bracket); npos if there is none or it never closes.
  size_t array_end() {
    if (!peek('[')) return std::string_view::npos;
    return value_end();
  }

 private:
  size_t value_end() const {
    int depth = 0;
    for (size_t p = p_; p < t_.size(); ++p) {
      char c = t_[p];
      if (c == '"') {
        for (++p; p < t_.size() && t_[p] != '"'; ++p) {
          if (t_[p] == '\\') ++p;
        }
        if (p >= t_.size()) break;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return p + 1;
      }
    }
    return std::string_view::npos;
  }

  std::string_view t_;
  size_t p_ = 0;
};

struct FastSession {
  std::optional<std::string_view> session_id, availability, activity, set_at,
      duration, expires_at;
  std::optional<bool> teams_client;
};

template <typename T>
bool set_once(std::optional<T>& slot, T value) {
  if (slot) return false;  // a repeated key: the general path decides
  slot = value;
  return true;
}

bool read_session(FastReader& r, FastSession& s) {
  if (!r.eat('{')) return false;
  if (r.eat('}')) return true;
  do {
    std::string_view k, v;
    if (!r.key(k)) return false;
    if (k == "teamsClient") {
      bool b;
      if (!r.boolean(b) || !set_once(s.teams_client, b)) return false;
      continue;
    }
    if (!r.string(v)) return false;
    std::optional<std::string_view>* slot =
        k == "sessionId"            ? &s.session_id
        : k == "availability"       ? &s.availability
        : k == "activity"           ? &s.activity
        : k == "setAt"              ? &s.set_at
        : k == "expirationDuration" ? &s.duration
        : k == "expiresAt"          ? &s.expires_at
                                    : nullptr;
    if (slot == nullptr || !set_once(*slot, v)) return false;
  } while (r.eat(','));
  return r.eat('}');
}

std::optional<core::TimePoint> instant(std::string_view text) {
  auto p = core::parse_iso_datetime(text);
  if (!p) return std::nullopt;
  return core::to_time_point_utc(*p);
}

// The session Parser::parse_session would build, or nullopt where it would
// fail (or where this reader leaves the decision to it).
std::optional<core::Session> build_session(const FastSession& f,
                                           core::TimePoint now) {
  core::Session s;
  if (!f.session_id || f.session_id->empty()) return std::nullopt;
  s.session_id = std::string(*f.session_id);
  s.is_client = f.teams_client.value_or(false);
  if (!f.availability || !f.activity) return std::nullopt;
  auto a = core::parse_availability(*f.availability);
  auto b = core::parse_activity(*f.activity);
  if (!a || !b) return std::nullopt;
  s.state = {*a, *b};
  if (!s.is_client && !core::is_settable_session_pair(s.state, true)) {
    return std::nullopt;
  }
  s.set_at = now;
  if (f.set_at && !f.set_at->empty()) {
    auto at = instant(*f.set_at);
    if (!at) return std::nullopt;
    s.set_at = *at;
  }
  if (s.is_client) {
    if (f.duration || f.expires_at) return std::nullopt;
    return s;
  }
  if (f.duration && f.expires_at) return std::nullopt;
  core::Duration d = core::kDefaultSessionExpiration;
  if (f.duration && !f.duration->empty()) {
    auto parsed = core::parse_iso_duration(*f.duration);
    if (!parsed || *parsed < core::kMinSessionExpiration ||
        *parsed > core::kMaxSessionExpiration) {
      return std::nullopt;
    }
    d = *parsed;
  }
  s.expires_at = s.set_at + d;
  if (f.expires_at && !f.expires_at->empty()) {
    auto at = instant(*f.expires_at);
    if (!at) return std::nullopt;
    s.expires_at = *at;
  }
  return s;
}

// One user object of the common shape into `base`; false (with `base`
// unchanged, but the reader moved) when the general path must decide.
bool read_user(FastReader& r, store::Base& base, core::TimePoint now) {
  std::optional<std::string_view> id, upn, name;
  std::optional<FastSession> session;
  bool sessions_seen = false;
  if (!r.eat('{')) return false;
  if (r.eat('}')) return false;  // no id
  do {
    std::string_view k, v;
    if (!r.key(k)) return false;
    if (k == "sessions") {
      if (sessions_seen || !r.eat('[')) return false;
      sessions_seen = true;
      if (r.eat(']')) continue;
      FastSession s;
      if (!read_session(r, s) || !r.eat(']')) return false;
      session = s;
      continue;
    }
    if (!r.string(v)) return false;
    std::optional<std::string_view>* slot = k == "id"                  ? &id
                                            : k == "userPrincipalName" ? &upn
                                            : k == "displayName"       ? &name
                                                                 : nullptr;
    if (slot == nullptr || !set_once(*slot, v)) return false;
  } while (r.eat(','));
  if (!r.eat('}')) return false;
  if (!id) return false;  // add_compact refuses what is not a GUID
  std::optional<core::Session> built;
  if (session) {
    built = build_session(*session, now);
    if (!built) return false;
  }
  return base.add_compact(*id, upn.value_or(""), name.value_or(""),
                          built ? &*built : nullptr);
}

// A file mapped read-only for the duration of the load.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                       MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        ::madvise(p, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
        data_ = static_cast<const char*>(p);
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool ok() const { return data_ != nullptr; }
  // Drops the pages before `offset` from memory once read, in steps of
  // 16 MiB, so the file never sits resident whole (they are read again from
  // the file should the general path need them).
  void release_before(size_t offset) {
    constexpr size_t kStep = size_t{16} << 20;
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t upto = offset / page * page;
    if (upto < released_ + kStep) return;
    ::madvise(const_cast<char*>(data_) + released_, upto - released_,
              MADV_DONTNEED);
    released_ = upto;
  }
  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;
};

}  // namespace

std::shared_ptr<store::Base> load_fixture_base(const std::string& path,
                                               core::TimePoint now,
                                               const tz::TimeZoneDb& zones,
                                               FixtureExtras* extras) {
  FixtureExtras ignored;
  if (extras == nullptr) extras = &ignored;
  *extras = FixtureExtras{};
  MappedFile file(path);
  auto whole = [&](std::string_view text) {
    *extras = FixtureExtras{};
    extras->whole_document = true;
    // The document parser: every error exactly as load_fixture_file gives
    // it (a malformed document reports its first bad byte before any value
    // is judged).
    auto base =
        std::make_shared<store::Base>(parse_fixtures(text, path, now, zones));
    base->loaded_at = now;
    return base;
  };
  if (!file.ok()) {
    extras->whole_document = true;
    return std::make_shared<store::Base>(load_fixture_file(path, now, zones));
  }
  std::string_view text = file.text();
  auto base = std::make_shared<store::Base>(now);
  // Records are reserved for the most users the bytes could hold; memory
  // not written is never resident.
  base->reserve(text.size() / 48 + 1);
  FastReader r(text);
  std::optional<std::string_view> me;
  bool users_seen = false;
  try {
    if (!r.eat('{')) return whole(text);
    if (!r.eat('}')) {
      do {
        std::string_view k;
        if (!r.key(k)) return whole(text);
        if (k == "me") {
          std::string_view v;
          if (me || !r.string(v)) return whole(text);
          me = v;
        } else if (k == "users") {
          if (users_seen || !r.eat('[')) return whole(text);
          users_seen = true;
          if (r.eat(']')) continue;
          size_t i = 0;
          do {
            r.ws();
            size_t start = r.pos();
            if (!read_user(r, *base, now)) {
              // The general path for this one user.
              r.seek(start);
              size_t end = r.object_end();
              if (end == std::string_view::npos) return whole(text);
              json j =
                  json::parse(text.substr(start, end - start), nullptr, false);
              if (j.is_discarded()) return whole(text);
              store::User u = parse_fixture_user(
                  j, path, "$.users[" + std::to_string(i) + "]", now, zones);
              if (!base->add(std::move(u))) return whole(text);
              r.seek(end);
            }
            ++i;
            file.release_before(r.pos());
          } while (r.eat(','));
          if (!r.eat(']')) return whole(text);
        } else if (k == "applications" && !extras->applications) {
          // Kept raw for the OAuth applications reader (src/auth).
          r.ws();
          size_t start = r.pos();
          size_t end = r.array_end();
          if (end == std::string_view::npos) return whole(text);
          extras->applications = std::string(text.substr(start, end - start));
          r.seek(end);
        } else {
          return whole(text);
        }
      } while (r.eat(','));
      if (!r.eat('}')) return whole(text);
    }
    if (!r.at_end()) return whole(text);
    if (me) {
      if (!users_seen) return whole(text);
      std::string id = store::to_lower_ascii(*me);
      if (base->find(id) == store::Base::npos) return whole(text);
      base->me = id;
    }
  } catch (const FixtureError&) {
    return whole(text);  // the same error, in the order the parser finds it
  }
  return base;
}

}  // namespace gpm::graph
