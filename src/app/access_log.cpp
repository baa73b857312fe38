#include "app/access_log.h"

#include <nlohmann/json.hpp>

#include "core/iso_time.h"

namespace gpm::http {

void AccessLog::write(const AccessLogLine& l) noexcept {
  if (format_ == LogFormat::Off) return;
  try {
    std::string line;
    if (format_ == LogFormat::Json) {
      nlohmann::ordered_json j;
      j["time"] = core::format_iso_instant(l.time, 3);
      j["tenant"] = l.tenant;
      j["method"] = l.method;
      j["path"] = l.path;
      j["status"] = l.status;
      j["durationMs"] = l.duration_ms;
      j["requestId"] = l.request_id;
      line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.3fms", l.duration_ms);
      // Paths are written as received; control bytes become '?'.
      std::string path(l.path);
      for (char& c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
      }
      line = core::format_iso_instant(l.time, 3) + " " + std::string(l.tenant) +
             " " + std::string(l.method) + " " + path + " " +
             std::to_string(l.status) + " " + ms + " " +
             std::string(l.request_id);
    }
    line += '\n';
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  } catch (...) {
    // A log line is never worth a failed request.
  }
}

}  // namespace gpm::http
