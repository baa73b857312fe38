// One access-log line per request on stderr (or a given FILE), as text or
// JSON (`--log-format`), or nothing (`--quiet`).
// Thread-safe: each line is written with one fwrite under a mutex.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "app/config.h"
#include "core/time.h"

namespace gpm::http {

struct AccessLogLine {
  core::TimePoint time;  // on the request's tenant clock
  std::string_view tenant;
  std::string_view method;
  std::string_view path;
  int status = 0;
  double duration_ms = 0;
  std::string_view request_id;
};

class AccessLog {
 public:
  explicit AccessLog(LogFormat format, std::FILE* out = stderr)
      : format_(format), out_(out) {}
  // Never throws.
  void write(const AccessLogLine& line) noexcept;

 private:
  const LogFormat format_;
  std::FILE* const out_;
  std::mutex mutex_;
};

}  // namespace gpm::http
