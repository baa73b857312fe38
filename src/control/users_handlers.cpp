// Seeding through the control plane: users (create, replace, read, delete,
// in bulk too), synthetic Teams-client sessions (D16), calendar-driven
// states (R2.5, R4.8) and fixture documents loaded at run time.
#include "control/control.h"
#include "formats/fixtures.h"
#include "formats/state_json.h"
#include "graph/graph_error.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view kBody = "request body";

store::User parse_user(Service& s, const RequestContext& ctx, const json& j,
                       const std::string& path) {
  try {
    return graph::parse_fixture_user(j, kBody, path, ctx.now, *s.zones);
  } catch (const graph::FixtureError& e) {
    throw errors::bad_request(e.what());
  }
}

ordered_json view_of(const RequestContext& ctx, const std::string& id) {
  ordered_json view;
  bool found = ctx.tenant->store.read_user(id, [&](const store::User& u) {
    view = graph::state_view_json(u, ctx.now);
  });
  if (!found) throw errors::user_not_found(id);
  return view;
}

HttpResponse list_users(const RequestContext& ctx) {
  ordered_json users = ordered_json::array();
  ctx.tenant->store.read_all([&](const store::User& u) {
    users.push_back(graph::user_summary_json(u));
  });
  return control_json({{"users", std::move(users)}});
}

// POST /_mock/users: one user object, or {"users": [...]}.
HttpResponse create_users(Service& s, RequestContext& ctx) {
  json body = graph::parse_object_body(ctx.request.body, false);
  std::vector<store::User> users;
  if (body.contains("users") && !body.contains("id")) {
    const json& list = body["users"];
    if (!list.is_array()) {
      throw errors::bad_request("request body: $.users: must be an array");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      users.push_back(
          parse_user(s, ctx, list[i], "$.users[" + std::to_string(i) + "]"));
    }
  } else {
    users.push_back(parse_user(s, ctx, body, "$"));
  }
  std::vector<std::string> ids;
  for (const auto& u : users) ids.push_back(u.id);
  auto conflicts = ctx.tenant->store.insert_users(std::move(users));
  if (!conflicts.empty()) {
    std::string list;
    for (const auto& c : conflicts) list += (list.empty() ? "" : ", ") + c;
    throw errors::users_exist(list);
  }
  return control_json({{"created", ids}}, 201);
}

// PUT /_mock/users/{id}: creates or replaces.
HttpResponse put_user(Service& s, RequestContext& ctx, const std::string& id) {
  if (!store::is_guid(id)) {
    throw errors::bad_request("The user id '" + id + "' is not a GUID.");
  }
  json body = graph::parse_object_body(ctx.request.body, false);
  if (auto it = body.find("id"); it != body.end()) {
    if (!it->is_string() || store::to_lower_ascii(it->get<std::string>()) !=
                                store::to_lower_ascii(id)) {
      throw errors::bad_request(
          "request body: $.id: must equal the user id of the path");
    }
  } else {
    body["id"] = id;
  }
  bool created = ctx.tenant->store.put_user(parse_user(s, ctx, body, "$"));
  return control_json(view_of(ctx, id), created ? 201 : 200);
}

// POST /_mock/users/{id}/sessions: a synthetic Teams-client session (D16).
HttpResponse add_client_session(RequestContext& ctx, const std::string& id) {
  json body = graph::parse_object_body(ctx.request.body, false);
  auto text = [&](const char* key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string() ||
        it->get<std::string>().empty()) {
      throw errors::bad_request(std::string("The parameter '") + key +
                                "' is required and must be a non-empty "
                                "string.");
    }
    return it->get<std::string>();
  };
  core::Session session;
  session.session_id = text("sessionId");
  std::string a = text("availability");
  std::string b = text("activity");
  auto availability = core::parse_availability(a);
  auto activity = core::parse_activity(b);
  if (!availability || !activity) {
    throw errors::bad_request("The availability/activity pair '" + a + "/" + b +
                              "' is not in the presence vocabulary (spec "
                              "R2.1-R2.3).");
  }
  session.state = {*availability, *activity};
  session.set_at = ctx.now;
  session.is_client = true;
  bool found = ctx.tenant->store.with_user(id, false, [&](store::User& u) {
    u.presence.put_session(session, ctx.now);
  });
  if (!found) throw errors::user_not_found(id);
  return control_json(view_of(ctx, id), 201);
}

HttpResponse remove_session(RequestContext& ctx, const std::string& id,
                            const std::string& session_id) {
  bool removed = false;
  bool found = ctx.tenant->store.with_user(id, false, [&](store::User& u) {
    removed = u.presence.remove_session(session_id, ctx.now);
  });
  if (!found) throw errors::user_not_found(id);
  if (!removed) throw errors::session_not_found(session_id);
  return control_json(view_of(ctx, id));
}

// PUT /_mock/users/{id}/outOfOfficeSettings (R2.5, R4.8).
HttpResponse put_out_of_office(RequestContext& ctx, const std::string& id) {
  json body = graph::parse_object_body(ctx.request.body, false);
  core::OutOfOfficeSettings oof;
  auto flag = body.find("isOutOfOffice");
  if (flag == body.end() || !flag->is_boolean()) {
    throw errors::bad_request(
        "The parameter 'isOutOfOffice' is required and must be a boolean.");
  }
  oof.is_out_of_office = flag->get<bool>();
  if (auto msg = body.find("message"); msg != body.end() && !msg->is_null()) {
    if (!msg->is_string()) {
      throw errors::bad_request(
          "The parameter 'message' must be a string or null.");
    }
    oof.message = msg->get<std::string>();
  }
  bool found = ctx.tenant->store.with_user(id, false, [&](store::User& u) {
    u.presence.set_out_of_office(oof, ctx.now);
  });
  if (!found) throw errors::user_not_found(id);
  return control_json(view_of(ctx, id));
}

}  // namespace

void load_fixture_body(Service& s, RequestContext& ctx, bool replace) {
  json doc = graph::parse_object_body(ctx.request.body, false);
  store::Snapshot snap;
  try {
    snap = graph::parse_fixture_document(doc, kBody, ctx.now, *s.zones);
  } catch (const graph::FixtureError& e) {
    throw errors::bad_request(e.what());
  }
  if (replace) {
    ctx.tenant->store.replace_all(std::move(snap));
  } else {
    ctx.tenant->store.merge(std::move(snap));
  }
}

HttpResponse fixtures(Service& s, RequestContext& ctx, const RouteArgs& a) {
  std::string_view query = a.query;
  std::string mode = "replace";
  for (const auto& [k, v] : http::query_params(query)) {
    if (k != "mode") {
      throw errors::bad_request("Unknown query parameter '" + k +
                                "'; only 'mode' (replace or merge) is "
                                "accepted.");
    }
    mode = v;
  }
  if (mode != "replace" && mode != "merge") {
    throw errors::bad_request("The mode '" + mode +
                              "' is not known; use replace or merge.");
  }
  load_fixture_body(s, ctx, mode == "replace");
  return control_json(
      {{"mode", mode}, {"users", ctx.tenant->store.user_count()}});
}

HttpResponse users(Service& s, RequestContext& ctx, const RouteArgs&) {
  if (is_get(ctx.request.method)) return list_users(ctx);
  return create_users(s, ctx);
}

HttpResponse user(Service& s, RequestContext& ctx, const RouteArgs& a) {
  const std::string& id = a.params[0];
  const std::string& m = ctx.request.method;
  if (is_get(m)) return control_json(view_of(ctx, id));
  if (m == "PUT") return put_user(s, ctx, id);
  if (!ctx.tenant->store.delete_user(id)) throw errors::user_not_found(id);
  return control_json({{"deleted", store::to_lower_ascii(id)}});
}

HttpResponse user_sessions(Service&, RequestContext& ctx, const RouteArgs& a) {
  return add_client_session(ctx, a.params[0]);
}

HttpResponse user_session(Service&, RequestContext& ctx, const RouteArgs& a) {
  return remove_session(ctx, a.params[0], a.params[1]);
}

HttpResponse user_out_of_office(Service&, RequestContext& ctx,
                                const RouteArgs& a) {
  return put_out_of_office(ctx, a.params[0]);
}

}  // namespace gpm::control
