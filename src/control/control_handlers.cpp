// The test-control plane under /_mock/ (README "Control plane"): the
// virtual clock and reset. Never part of the Graph surface; no token needed.
#include <nlohmann/json.hpp>

#include "core/iso_time.h"
#include "graph/graph_error.h"
#include "http/handlers.h"

namespace gpm::http {
namespace {

namespace errors = graph::errors;
using nlohmann::ordered_json;

HttpResponse control_json(const ordered_json& j) {
  return json_response(200, graph::dump(j), "application/json");
}

ordered_json clock_json(const Service& s, core::TimePoint now) {
  return {{"now", core::format_iso_instant(now, 3)},
          {"mode", s.manual_clock ? "manual" : "system"}};
}

// POST /_mock/clock {"advance": "PT7M"} | {"now": "2026-01-01T00:00:00Z"}.
HttpResponse set_clock(Service& s, RequestContext& ctx) {
  auto body = graph::parse_object_body(ctx.request.body, false);
  if (s.manual_clock == nullptr) {
    throw errors::bad_request(
        "The clock is the system clock; start the mock with --clock manual "
        "to move time.");
  }
  auto advance = body.find("advance");
  auto now = body.find("now");
  if ((advance == body.end()) == (now == body.end())) {
    throw errors::bad_request(
        "Give exactly one of 'advance' (an ISO 8601 duration such as PT7M) "
        "or 'now' (an ISO 8601 instant such as 2026-01-01T00:00:00Z).");
  }
  if (advance != body.end()) {
    auto d = advance->is_string()
                 ? core::parse_iso_duration(advance->get<std::string>())
                 : std::nullopt;
    if (!d) {
      throw errors::bad_request(
          "'advance' must be an ISO 8601 duration such as PT7M or P1D.");
    }
    s.manual_clock->advance(*d);
  } else {
    auto p = now->is_string()
                 ? core::parse_iso_datetime(now->get<std::string>())
                 : std::nullopt;
    if (!p) {
      throw errors::bad_request(
          "'now' must be an ISO 8601 instant such as 2026-01-01T00:00:00Z.");
    }
    if (!s.manual_clock->set(core::to_time_point_utc(*p))) {
      throw errors::bad_request("The clock never moves backwards; 'now' is "
                                "before the current time " +
                                core::format_iso_instant(ctx.now, 3) + ".");
    }
  }
  return control_json(clock_json(s, s.clock->now()));
}

}  // namespace

HttpResponse handle_control(Service& s, RequestContext& ctx,
                            const std::vector<std::string>& rest) {
  const std::string& m = ctx.request.method;
  bool get = m == "GET" || m == "HEAD";
  if (rest.size() == 1 && rest[0] == "clock") {
    if (get) return control_json(clock_json(s, ctx.now));
    if (m == "POST") return set_clock(s, ctx);
    throw errors::method_not_allowed("GET, POST");
  }
  if (rest.size() == 1 && rest[0] == "reset") {
    if (m != "POST") throw errors::method_not_allowed("POST");
    s.store->reset();
    return control_json({{"reset", true}});
  }
  throw errors::unknown_path();
}

}  // namespace gpm::http
