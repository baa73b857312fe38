// The test-control plane under /_mock/ (README "Control plane"): health,
// the per-tenant virtual clock (D20), reset (D24), tenants, the state view
// and snapshots. Never part of the Graph surface; no token needed.
#include <algorithm>

#include "control/control.h"
#include "core/iso_time.h"
#include "graph/graph_error.h"
#include "formats/state_json.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::ordered_json;

bool is_get(const std::string& m) { return m == "GET" || m == "HEAD"; }

ordered_json clock_json(const RequestContext& ctx, core::TimePoint now) {
  constexpr size_t kMaxTransitions = 100;
  std::vector<std::pair<std::string, graph::Transition>> all;
  ctx.tenant->store.read_all([&](const store::User& u) {
    for (auto& t : graph::next_transitions(u, now)) all.emplace_back(u.id, t);
  });
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second.at != b.second.at ? a.second.at < b.second.at
                                      : a.first < b.first;
  });
  if (all.size() > kMaxTransitions) all.resize(kMaxTransitions);
  ordered_json list = ordered_json::array();
  for (const auto& [user, t] : all) {
    ordered_json e;
    e["at"] = graph::control_instant(t.at);
    e["userId"] = user;
    e["kind"] = t.kind;
    if (!t.session_id.empty()) e["sessionId"] = t.session_id;
    if (!t.to.empty()) e["to"] = t.to;
    list.push_back(std::move(e));
  }
  ordered_json j;
  j["now"] = graph::control_instant(now);
  j["mode"] = ctx.tenant->manual_clock ? "manual" : "system";
  j["tenant"] = ctx.tenant->id;
  j["nextTransitions"] = std::move(list);
  return j;
}

// POST /_mock/clock {"advance": "PT7M"} | {"now": "2026-01-01T00:00:00Z"}.
HttpResponse set_clock(RequestContext& ctx) {
  auto body = graph::parse_object_body(ctx.request.body, false);
  core::ManualClock* clock = ctx.tenant->manual_clock.get();
  if (clock == nullptr) {
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
    // A nanosecond TimePoint ends in 2262; keep the clock where every
    // instant can still be written and parsed.
    const core::TimePoint kLast = core::to_time_point_utc(
        {2200, 12, 31, 23, 59, 59, 0, 0});
    if (*d > kLast - clock->now()) {
      throw errors::bad_request("'advance' would move the clock past "
                                "2200-12-31T23:59:59Z, the latest instant "
                                "the mock keeps.");
    }
    clock->advance(*d);
  } else {
    auto p = now->is_string()
                 ? core::parse_iso_datetime(now->get<std::string>())
                 : std::nullopt;
    if (!p) {
      throw errors::bad_request(
          "'now' must be an ISO 8601 instant such as 2026-01-01T00:00:00Z.");
    }
    if (!clock->set(core::to_time_point_utc(*p))) {
      throw errors::bad_request("The clock never moves backwards; 'now' is "
                                "before the current time " +
                                graph::control_instant(ctx.now) + ".");
    }
  }
  return control_json(clock_json(ctx, clock->now()));
}

HttpResponse health(Service& s, const RequestContext& ctx) {
  double uptime = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - s.started)
                      .count();
  ordered_json j;
  j["status"] = "ok";
  j["version"] = GPM_VERSION;
  j["uptimeSeconds"] = uptime;
  j["clockMode"] = s.tenants->manual() ? "manual" : "system";
  j["tenants"] = s.tenants->size();
  j["users"] = ctx.tenant->store.user_count();
  return control_json(j);
}

HttpResponse tenants(Service& s) {
  ordered_json list = ordered_json::array();
  for (const auto& t : s.tenants->all()) {
    ordered_json e;
    e["id"] = t->id;
    e["users"] = t->store.user_count();
    e["now"] = graph::control_instant(t->clock().now());
    e["journalEntries"] = t->journal.size();
    list.push_back(std::move(e));
  }
  ordered_json j;
  j["maxTenants"] = s.tenants->max_tenants();
  j["tenants"] = std::move(list);
  return control_json(j);
}

HttpResponse state(const RequestContext& ctx,
                   const std::vector<std::string>& rest) {
  if (rest.size() == 2) {
    ordered_json view;
    bool found = ctx.tenant->store.read_user(rest[1], [&](const store::User& u) {
      view = graph::state_view_json(u, ctx.now);
    });
    if (!found) throw errors::user_not_found(rest[1]);
    return control_json(view);
  }
  ordered_json users = ordered_json::array();
  ctx.tenant->store.read_all([&](const store::User& u) {
    users.push_back(graph::state_view_json(u, ctx.now));
  });
  ordered_json j;
  j["tenant"] = ctx.tenant->id;
  j["now"] = graph::control_instant(ctx.now);
  j["users"] = std::move(users);
  return control_json(j);
}

}  // namespace

HttpResponse control_json(const ordered_json& j, int status) {
  return http::json_response(status, graph::dump(j), "application/json");
}

ordered_json snapshot_json(const RequestContext& ctx) {
  ordered_json doc;
  if (auto me = ctx.tenant->store.me()) doc["me"] = *me;
  ordered_json users = ordered_json::array();
  ctx.tenant->store.read_all([&](const store::User& u) {
    users.push_back(graph::fixture_user_json(u, ctx.now));
  });
  doc["users"] = std::move(users);
  return doc;
}

}  // namespace gpm::control

namespace gpm::http {

HttpResponse handle_control(Service& s, RequestContext& ctx,
                            const std::vector<std::string>& rest,
                            std::string_view query) {
  using namespace control;
  namespace errors = graph::errors;
  const std::string& m = ctx.request.method;
  const std::string first = rest.empty() ? std::string() : rest[0];
  auto only = [&](size_t n) {
    if (rest.size() != n) throw errors::unknown_path();
  };
  if (first == "health") {
    only(1);
    if (!is_get(m)) throw errors::method_not_allowed("GET");
    return health(s, ctx);
  }
  if (first == "clock") {
    only(1);
    if (is_get(m)) return control_json(clock_json(ctx, ctx.now));
    if (m == "POST") return set_clock(ctx);
    throw errors::method_not_allowed("GET, POST");
  }
  if (first == "reset") {
    only(1);
    if (m != "POST") throw errors::method_not_allowed("POST");
    // D24: a prefixed reset resets one tenant, an unprefixed one all.
    if (ctx.tenant_prefixed) {
      ctx.tenant->reset();
      return control_json({{"reset", ctx.tenant->id}});
    }
    s.tenants->reset_all();
    return control_json({{"reset", "all"}});
  }
  if (first == "tenants") {
    only(1);
    if (!is_get(m)) throw errors::method_not_allowed("GET");
    return tenants(s);
  }
  if (first == "state") {
    if (rest.size() > 2) throw errors::unknown_path();
    if (!is_get(m)) throw errors::method_not_allowed("GET");
    return state(ctx, rest);
  }
  if (first == "snapshot") {
    only(1);
    if (is_get(m)) return control_json(snapshot_json(ctx));
    if (m == "POST") {
      load_fixture_body(s, ctx, true);
      return control_json({{"mode", "replace"},
                           {"users", ctx.tenant->store.user_count()}});
    }
    throw errors::method_not_allowed("GET, POST");
  }
  if (first == "users") return handle_users(s, ctx, rest);
  if (first == "fixtures") {
    only(1);
    if (m != "POST") throw errors::method_not_allowed("POST");
    return handle_fixtures(s, ctx, query);
  }
  if (first == "journal") return handle_journal(s, ctx, rest, query);
  if (first == "throttling") {
    only(1);
    return handle_throttling(s, ctx);
  }
  if (first == "faults") return handle_faults(s, ctx, rest);
  if (first == "token") {
    only(1);
    if (m != "POST") throw errors::method_not_allowed("POST");
    return handle_token(s, ctx);
  }
  if (first == "latency") {
    only(1);
    return handle_latency(s, ctx);
  }
  throw errors::unknown_path();
}

}  // namespace gpm::http
