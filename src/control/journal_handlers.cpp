// The request journal through the control plane (docs/control-plane.md):
// query, count and clear what a tenant received.
#include <charconv>

#include "control/control.h"
#include "core/iso_time.h"
#include "formats/state_json.h"
#include "graph/graph_error.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr size_t kDefaultLimit = 1000;

core::TimePoint instant(const std::string& key, const std::string& v) {
  auto p = core::parse_iso_datetime(v);
  if (!p) {
    throw errors::bad_request("'" + key +
                              "' must be an ISO 8601 instant such as "
                              "2026-01-01T00:00:00Z.");
  }
  return core::to_time_point_utc(*p);
}

int number(const std::string& key, const std::string& v, int lo, int hi) {
  int n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) {
    throw errors::bad_request("'" + key + "' must be a number from " +
                              std::to_string(lo) + " to " + std::to_string(hi) +
                              ".");
  }
  return n;
}

// Applies one filter key; false if `key` is not a filter key.
bool apply(store::JournalFilter& f, const std::string& key,
           const std::string& v) {
  if (key == "method") {
    f.method = v;
  } else if (key == "path") {
    f.path = v;
  } else if (key == "user") {
    f.user = v;
  } else if (key == "app") {
    f.app = v;
  } else if (key == "status") {
    f.status = number(key, v, 100, 599);
  } else if (key == "since") {
    f.since = instant(key, v);
  } else if (key == "until") {
    f.until = instant(key, v);
  } else {
    return false;
  }
  return true;
}

[[noreturn]] void unknown_key(const std::string& key) {
  throw errors::bad_request(
      "Unknown journal filter '" + key +
      "'; use method, path, user, app, status, since, until (and limit on "
      "GET).");
}

ordered_json entry_json(const store::JournalEntry& e) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
  };
  ordered_json j;
  j["time"] = graph::control_instant(e.time);
  j["method"] = e.method;
  j["path"] = e.path;
  j["version"] =
      e.version.empty() ? ordered_json(nullptr) : ordered_json(e.version);
  j["tenant"] = e.tenant;
  j["user"] = opt(e.user);
  j["app"] = opt(e.app);
  j["status"] = e.status;
  j["errorCode"] = opt(e.error_code);
  j["requestId"] = e.request_id;
  j["clientRequestId"] = e.client_request_id;
  j["body"] = e.body;
  j["bodyTruncated"] = e.body_truncated;
  j["fault"] = opt(e.fault);
  j["writeSequence"] = e.write_sequence ? ordered_json(*e.write_sequence)
                                        : ordered_json(nullptr);
  return j;
}

HttpResponse query(const RequestContext& ctx, std::string_view q) {
  store::JournalFilter f;
  size_t limit = kDefaultLimit;
  for (const auto& [k, v] : http::query_params(q)) {
    if (k == "limit") {
      limit = static_cast<size_t>(number(k, v, 0, 10000000));
    } else if (!apply(f, k, v)) {
      unknown_key(k);
    }
  }
  size_t total = 0;
  auto entries = ctx.tenant->journal.query(f, limit, total);
  ordered_json list = ordered_json::array();
  for (const auto& e : entries) list.push_back(entry_json(e));
  ordered_json j;
  j["total"] = total;
  j["entries"] = std::move(list);
  return control_json(j);
}

HttpResponse count(const RequestContext& ctx) {
  json body = graph::parse_object_body(ctx.request.body, true);
  store::JournalFilter f;
  for (const auto& [k, v] : body.items()) {
    std::string text;
    if (k == "status" ? v.is_number_integer() : v.is_string()) {
      text = k == "status" ? std::to_string(v.get<int64_t>())
                           : v.get<std::string>();
    } else {
      throw errors::bad_request("The filter '" + k + "' must be a " +
                                (k == "status" ? "number." : "string."));
    }
    if (!apply(f, k, text)) unknown_key(k);
  }
  return control_json({{"count", ctx.tenant->journal.count(f)}});
}

}  // namespace

HttpResponse journal(Service&, RequestContext& ctx, const RouteArgs& a) {
  if (is_get(ctx.request.method)) return query(ctx, a.query);
  return control_json({{"cleared", ctx.tenant->journal.clear()}});
}

HttpResponse journal_count(Service&, RequestContext& ctx, const RouteArgs&) {
  return count(ctx);
}

}  // namespace gpm::control
