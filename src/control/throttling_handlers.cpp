// Throttling through the control plane (docs/behaviour.md; R6.6-R6.8):
// read and change the addressed tenant's settings, so a test can turn Graph's
// limits on for its own tenant without a special server. Reset restores the
// command line's settings (D24).
#include "control/control.h"
#include "core/iso_time.h"
#include "graph/graph_error.h"
#include "graph/graph_json.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::json;
using nlohmann::ordered_json;

ordered_json settings_json(const store::ThrottleSettings& t) {
  ordered_json j;
  j["mode"] = t.mode == store::ThrottleMode::Graph ? "graph" : "off";
  j["limit"] = t.limit;
  j["window"] = core::format_iso_duration(t.window);
  return j;
}

// PUT /_mock/throttling {"mode","limit","window"}: each key optional, an
// absent one keeps its value; anything invalid changes nothing.
store::ThrottleSettings parse_settings(const json& body,
                                       store::ThrottleSettings t) {
  for (const auto& [key, value] : body.items()) {
    if (key == "mode") {
      std::string mode = value.is_string() ? value.get<std::string>() : "";
      if (mode == "off") {
        t.mode = store::ThrottleMode::Off;
      } else if (mode == "graph") {
        t.mode = store::ThrottleMode::Graph;
      } else {
        throw errors::bad_request("'mode' must be \"off\" or \"graph\".");
      }
    } else if (key == "limit") {
      if (!value.is_number_integer() || value.get<long long>() < 1 ||
          value.get<long long>() > kMaxThrottleLimit) {
        throw errors::bad_request("'limit' must be an integer from 1 to " +
                                  std::to_string(kMaxThrottleLimit) + ".");
      }
      t.limit = value.get<size_t>();
    } else if (key == "window") {
      auto d = value.is_string()
                   ? core::parse_iso_duration(value.get<std::string>())
                   : std::nullopt;
      if (!d || *d < kMinThrottleWindow || *d > kMaxThrottleWindow) {
        throw errors::bad_request(
            "'window' must be an ISO 8601 duration from PT1S to P1D, such "
            "as PT30S.");
      }
      t.window = *d;
    } else {
      throw errors::bad_request("Unknown key '" + key +
                                "'; expected mode, limit or window.");
    }
  }
  return t;
}

}  // namespace

HttpResponse throttling(Service&, RequestContext& ctx, const RouteArgs&) {
  store::Throttle& throttle = ctx.tenant->throttle;
  if (is_get(ctx.request.method)) {
    return control_json(settings_json(throttle.settings()));
  }
  json body = graph::parse_object_body(ctx.request.body, false);
  store::ThrottleSettings t = parse_settings(body, throttle.settings());
  throttle.set(t);
  return control_json(settings_json(t));
}

}  // namespace gpm::control
