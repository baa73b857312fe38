// The test-control plane under /_mock/ (docs/control-plane.md): health,
// the per-tenant virtual clock (D20), reset (D24), tenants, the state view
// and snapshots. Never part of the Graph surface; no token needed.
#include <algorithm>

#include "control/control.h"
#include "core/iso_time.h"
#include "formats/state_json.h"
#include "graph/graph_error.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::ordered_json;

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
    const core::TimePoint kLast =
        core::to_time_point_utc({2200, 12, 31, 23, 59, 59, 0, 0});
    if (*d > kLast - clock->now()) {
      throw errors::bad_request(
          "'advance' would move the clock past "
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
      throw errors::bad_request(
          "The clock never moves backwards; 'now' is "
          "before the current time " +
          graph::control_instant(ctx.now) + ".");
    }
  }
  return control_json(clock_json(ctx, clock->now()));
}

HttpResponse health_json(Service& s, const RequestContext& ctx) {
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

HttpResponse tenants_json(Service& s) {
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

HttpResponse state_json(const RequestContext& ctx,
                        const std::vector<std::string>& params) {
  if (params.size() == 1) {
    ordered_json view;
    bool found =
        ctx.tenant->store.read_user(params[0], [&](const store::User& u) {
          view = graph::state_view_json(u, ctx.now);
        });
    if (!found) throw errors::user_not_found(params[0]);
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

HttpResponse health(Service& s, RequestContext& ctx, const RouteArgs&) {
  return health_json(s, ctx);
}

HttpResponse routes(Service&, RequestContext&, const RouteArgs& a) {
  ordered_json list = ordered_json::array();
  for (const auto& e : a.table->entries()) {
    const http::Route& r = *e.route;
    ordered_json methods = ordered_json::array();
    for (auto [bit, name] :
         {std::pair{http::kGet, "GET"}, std::pair{http::kGet, "HEAD"},
          std::pair{http::kPost, "POST"}, std::pair{http::kPut, "PUT"},
          std::pair{http::kDelete, "DELETE"}}) {
      if (r.methods & bit) methods.push_back(name);
    }
    ordered_json j;
    j["methods"] = std::move(methods);
    j["path"] = e.path;
    j["plane"] = http::to_string(r.plane);
    j["operation"] = r.operation;
    j["auth"] = (r.flags & http::kAuth) != 0;
    j["throttled"] = (r.flags & http::kThrottled) != 0;
    j["journaled"] = (r.flags & http::kJournaled) != 0;
    j["select"] = (r.flags & http::kSelect) != 0;
    j["body"] = (r.flags & http::kBody) != 0;
    list.push_back(std::move(j));
  }
  return control_json({{"routes", std::move(list)}});
}

HttpResponse clock(Service&, RequestContext& ctx, const RouteArgs&) {
  if (is_get(ctx.request.method)) return control_json(clock_json(ctx, ctx.now));
  return set_clock(ctx);
}

HttpResponse reset(Service& s, RequestContext& ctx, const RouteArgs&) {
  // D24: a prefixed reset resets one tenant, an unprefixed one all.
  if (ctx.tenant_prefixed) {
    ctx.tenant->reset();
    return control_json({{"reset", ctx.tenant->id}});
  }
  s.tenants->reset_all();
  return control_json({{"reset", "all"}});
}

HttpResponse tenants(Service& s, RequestContext&, const RouteArgs&) {
  return tenants_json(s);
}

HttpResponse state(Service&, RequestContext& ctx, const RouteArgs& a) {
  return state_json(ctx, a.params);
}

HttpResponse snapshot(Service& s, RequestContext& ctx, const RouteArgs&) {
  if (is_get(ctx.request.method)) return control_json(snapshot_json(ctx));
  load_fixture_body(s, ctx, true);
  return control_json(
      {{"mode", "replace"}, {"users", ctx.tenant->store.user_count()}});
}

}  // namespace gpm::control
