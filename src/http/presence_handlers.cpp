// The Graph presence operations (E1-E7): thin handlers that parse, call
// the store, and write the answer.
#include <nlohmann/json.hpp>

#include "graph/graph_error.h"
#include "graph/select.h"
#include "http/handlers.h"
#include "http/presence_target.h"

namespace gpm::http {
namespace {
namespace errors = graph::errors;

// D2 under --strict-session-id (any auth mode): the sessionId must be the
// application id of a JWT that names one.
void check_session_id(const Service& s, const RequestContext& ctx,
                      const std::string& session_id) {
  if (!s.config.strict_session_id || !ctx.claims.appid) return;
  if (iequals(session_id, *ctx.claims.appid)) return;
  throw errors::bad_request(
      "sessionId must be the application id of the token ('" +
      *ctx.claims.appid + "') under --strict-session-id; got '" + session_id +
      "'.");
}
}  // namespace

std::string caller_user(const Service& s, const RequestContext& ctx) {
  if (ctx.claims.oid && !ctx.claims.oid->empty()) {
    return store::to_lower_ascii(*ctx.claims.oid);
  }
  if (!s.config.me.empty()) return store::to_lower_ascii(s.config.me);
  return ctx.tenant->store.me().value_or("");
}

std::string target_user(const Service& s, const RequestContext& ctx,
                        const PresenceRoute& r) {
  if (r.form != graph::PresencePathForm::Me) return r.user;
  if (ctx.claims.is_app_only()) throw errors::me_requires_delegated();
  std::string me = caller_user(s, ctx);
  if (me.empty()) throw errors::me_not_configured();
  return me;
}

HttpResponse json_response(int status, std::string body,
                           std::string_view content_type) {
  HttpResponse res;
  res.status = status;
  res.body = std::move(body);
  res.set_header("Content-Type", std::string(content_type));
  return res;
}

HttpResponse empty_ok() { return HttpResponse{}; }

Reply handle_get_presence(Service& s, RequestContext& ctx,
                          const PresenceRoute& r) {
  std::string caller = caller_user(s, ctx);
  std::string id = target_user(s, ctx, r);
  JournalFacts facts;
  facts.user = target_key(r, id);
  return with_facts(facts, [&] {
    std::string out;
    bool found = ctx.tenant->store.observe_user(
        id, s.config.auto_create_users, ctx.now,
        [&](const store::User& u, const core::PresenceView& view) {
          facts.user = u.id;
          std::string context =
              graph::presence_context(r.version, r.form, u.id);
          if (ctx.select) {
            nlohmann::ordered_json body;
            body["@odata.context"] = context;
            body.update(graph::presence_json(u.id, view, caller == u.id));
            out = graph::dump(graph::apply_select(body, *ctx.select));
            return;
          }
          // The common read: written directly, no document tree.
          out.reserve(512);
          out += "{\"@odata.context\":";
          graph::append_json_string(out, context);
          out += ',';
          graph::append_presence_members(out, u.id, view, caller == u.id);
          out += '}';
        });
    if (!found) throw errors::user_not_found(id);
    HttpResponse res = json_response(200, std::move(out), kODataJson);
    res.set_header("OData-Version", "4.0");
    return res;
  });
}

Reply handle_set_presence(Service& s, RequestContext& ctx,
                          const PresenceRoute& r) {
  auto req = ctx.body_object ? graph::parse_set_presence_object(
                                   *ctx.body_object, s.config.beta_extra_pairs)
                             : graph::parse_set_presence(
                                   ctx.request.body, s.config.beta_extra_pairs);
  JournalFacts facts;
  facts.app = req.session_id;
  return with_facts(facts, [&] {
    check_session_id(s, ctx, req.session_id);
    with_target(s, ctx, r, facts, [&](store::User& u) {
      u.presence.set_presence(req.session_id, req.state, req.expiration,
                              ctx.now);
    });
    return empty_ok();
  });
}

Reply handle_clear_presence(Service& s, RequestContext& ctx,
                            const PresenceRoute& r) {
  std::string session_id =
      ctx.body_object ? graph::parse_clear_presence_object(*ctx.body_object)
                      : graph::parse_clear_presence(ctx.request.body);
  JournalFacts facts;
  facts.app = session_id;
  return with_facts(facts, [&] {
    check_session_id(s, ctx, session_id);
    bool cleared = false;
    with_target(s, ctx, r, facts, [&](store::User& u) {
      cleared = u.presence.clear_presence(session_id, ctx.now);
    });
    if (!cleared) throw errors::session_not_found(session_id);  // R3.4.3, D8
    return empty_ok();
  });
}

Reply handle_set_user_preferred_presence(Service& s, RequestContext& ctx,
                                         const PresenceRoute& r) {
  auto req = graph::parse_set_preferred(ctx.request.body);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts, [&](store::User& u) {
      u.presence.set_preferred(req.state, req.expiration, ctx.now);
    });
    return empty_ok();
  });
}

Reply handle_clear_user_preferred_presence(Service& s, RequestContext& ctx,
                                           const PresenceRoute& r) {
  graph::parse_clear_preferred(ctx.request.body);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts,
                [&](store::User& u) { u.presence.clear_preferred(ctx.now); });
    return empty_ok();
  });
}

Reply handle_set_status_message(Service& s, RequestContext& ctx,
                                const PresenceRoute& r) {
  auto message =
      graph::parse_set_status_message(ctx.request.body, ctx.now, *s.zones);
  JournalFacts facts;
  return with_facts(facts, [&] {
    with_target(s, ctx, r, facts, [&](store::User& u) {
      u.presence.set_status_message(message, ctx.now);
    });
    return empty_ok();
  });
}

HttpResponse handle_get_presences_by_user_id(Service& s, RequestContext& ctx,
                                             std::string_view version) {
  auto ids = graph::parse_get_presences_by_user_id(ctx.request.body);
  std::string caller = caller_user(s, ctx);
  std::string out;
  out.reserve(64 + ids.size() * 320);
  out += "{\"@odata.context\":";
  graph::append_json_string(out, graph::presence_collection_context(version));
  out += ",\"value\":[";
  bool first = true;
  ctx.tenant->store.observe_users(
      ids, s.config.auto_create_users, ctx.now,
      [&](const store::User& u, const core::PresenceView& view) {
        if (!first) out += ',';
        first = false;
        if (ctx.select) {
          out += graph::dump(graph::apply_select(
              graph::presence_json(u.id, view, caller == u.id), *ctx.select));
          return;
        }
        // Written directly, no document tree.
        out += '{';
        graph::append_presence_members(out, u.id, view, caller == u.id);
        out += '}';
      });
  out += "]}";
  HttpResponse res = json_response(200, std::move(out), kODataJson);
  res.set_header("OData-Version", "4.0");
  return res;
}

}  // namespace gpm::http
