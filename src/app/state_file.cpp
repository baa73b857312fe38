#include "app/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/iso_time.h"
#include "formats/faults_json.h"
#include "formats/fixtures.h"
#include "formats/json_document.h"
#include "formats/state_json.h"
#include "graph/graph_json.h"

namespace gpm::http {

bool write_file_atomically(const std::string& path, const std::string& text,
                           std::string& error) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = tmp + ": " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The keys a tenant document holds beside the fixture document's own ("me",
// "users"). "subscriptions" is kept free for change-notification
// subscriptions once they exist.
constexpr const char* kClockKey = "clock";
constexpr const char* kThrottlingKey = "throttling";
constexpr const char* kFaultsKey = "faults";

ordered_json throttling_json(const store::Throttle& t) {
  store::ThrottleSettings st = t.settings();
  ordered_json j;
  j["mode"] = st.mode == store::ThrottleMode::Graph ? "graph" : "off";
  j["limit"] = st.limit;
  j["window"] = core::format_iso_duration(st.window);
  ordered_json windows = ordered_json::array();
  for (const auto& w : t.windows()) {
    windows.push_back({{"app", w.app},
                       {"start", graph::control_instant(w.start)},
                       {"count", w.count}});
  }
  j["windows"] = std::move(windows);
  return j;
}

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw graph::FixtureError(where + ": " + what);
}

core::TimePoint instant_at(const json& j, const std::string& where) {
  auto p = j.is_string() ? core::parse_iso_datetime(j.get<std::string>())
                         : std::nullopt;
  if (!p) bad(where, "must be an ISO 8601 instant");
  return core::to_time_point_utc(*p);
}

void restore_throttling(const json& j, const std::string& where,
                        store::Throttle& t) {
  if (!j.is_object()) bad(where, "must be an object");
  store::ThrottleSettings st;
  std::vector<store::Throttle::WindowState> windows;
  for (const auto& [k, v] : j.items()) {
    const std::string at = where + "." + k;
    if (k == "mode") {
      if (v == "graph") {
        st.mode = store::ThrottleMode::Graph;
      } else if (v == "off") {
        st.mode = store::ThrottleMode::Off;
      } else {
        bad(at, "must be \"off\" or \"graph\"");
      }
    } else if (k == "limit") {
      if (!v.is_number_unsigned() || v.get<uint64_t>() < 1) {
        bad(at, "must be an integer from 1");
      }
      st.limit = v.get<size_t>();
    } else if (k == "window") {
      auto d = v.is_string() ? core::parse_iso_duration(v.get<std::string>())
                             : std::nullopt;
      if (!d || *d <= core::Duration::zero()) {
        bad(at, "must be an ISO 8601 duration such as PT30S");
      }
      st.window = *d;
    } else if (k == "windows") {
      if (!v.is_array()) bad(at, "must be an array");
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string w = at + "[" + std::to_string(i) + "]";
        const json& e = v[i];
        if (!e.is_object() || !e.contains("app") || !e["app"].is_string() ||
            !e.contains("count") || !e["count"].is_number_unsigned() ||
            !e.contains("start")) {
          bad(w, "must be {\"app\", \"start\", \"count\"}");
        }
        windows.push_back({e["app"].get<std::string>(),
                           instant_at(e["start"], w + ".start"),
                           e["count"].get<size_t>()});
      }
    } else {
      bad(at, "unknown key");
    }
  }
  t.restore(st, windows);
}

}  // namespace

void restore_state_file(Service& s, const std::string& path) {
  auto text = formats::read_file(path);
  if (!text) {
    // Nothing saved yet only when there is no such file: one that exists
    // but cannot be read (permissions) would be overwritten at the save.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return;
    std::string why = fd < 0 ? std::strerror(errno) : "read failed";
    if (fd >= 0) ::close(fd);
    throw graph::FixtureError(path + ": cannot be read (" + why + ")");
  }
  nlohmann::json doc =
      formats::parse_document<graph::FixtureError>(*text, path);
  if (!doc.is_object() || !doc.contains("tenants") ||
      !doc["tenants"].is_object()) {
    throw graph::FixtureError(path + ": $.tenants: must be an object");
  }
  for (auto item : doc["tenants"].items()) {
    // Named, not a structured binding: clang 14 (the fuzz build) cannot
    // capture a structured binding in the lambda below.
    const std::string& id = item.key();
    json& tenant_doc = item.value();
    if (!store::is_valid_tenant_id(id)) {
      throw graph::FixtureError(path + ": $.tenants." + id +
                                ": not a valid tenant id");
    }
    auto t = s.tenants->find_or_create(store::to_lower_ascii(id));
    if (!t) {
      throw graph::FixtureError(path + ": $.tenants: more than --max-tenants");
    }
    const std::string where = path + ": $.tenants." + id;
    // Files written before these keys existed hold only the fixture
    // document: each key that is absent leaves what the command line set.
    json clock, throttling, faults;
    if (tenant_doc.is_object()) {
      auto take = [&](const char* key, json& out) {
        if (auto it = tenant_doc.find(key); it != tenant_doc.end()) {
          out = std::move(*it);
          tenant_doc.erase(key);
        }
      };
      take(kClockKey, clock);
      take(kThrottlingKey, throttling);
      take(kFaultsKey, faults);
    }
    // The manual clock first, so the document is read at the saved instant.
    // Under the system clock a saved manual position means nothing.
    if (!clock.is_null() && t->manual_clock) {
      t->manual_clock->reset_to(instant_at(clock, where + "." + kClockKey));
    }
    auto snap = graph::parse_fixture_document(
        tenant_doc, path + " (tenant " + id + ")", t->clock().now(), *s.zones);
    t->store.replace_all(std::move(snap));
    if (!throttling.is_null()) {
      restore_throttling(throttling, where + "." + kThrottlingKey, t->throttle);
    }
    if (!faults.is_null()) {
      try {
        graph::restore_faults_state(
            faults, path, "$.tenants." + id + "." + kFaultsKey, t->faults);
      } catch (const graph::FaultsError& e) {
        throw graph::FixtureError(e.what());
      }
    }
  }
}

bool save_state_file(Service& s, const std::string& path, std::string& error) {
  nlohmann::ordered_json doc;
  doc["tenants"] = nlohmann::ordered_json::object();
  for (const auto& t : s.tenants->all()) {
    core::TimePoint now = t->clock().now();
    nlohmann::ordered_json tenant_doc;
    if (auto me = t->store.me()) tenant_doc["me"] = *me;
    nlohmann::ordered_json users = nlohmann::ordered_json::array();
    t->store.read_all([&](const store::User& u) {
      users.push_back(graph::fixture_user_json(u, now));
    });
    tenant_doc["users"] = std::move(users);
    if (t->manual_clock) tenant_doc[kClockKey] = graph::control_instant(now);
    tenant_doc[kThrottlingKey] = throttling_json(t->throttle);
    tenant_doc[kFaultsKey] = graph::faults_state_json(t->faults);
    doc["tenants"][t->id] = std::move(tenant_doc);
  }
  return write_file_atomically(path, graph::dump(doc) + "\n", error);
}

}  // namespace gpm::http
