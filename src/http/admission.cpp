#include "http/admission.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "auth/access_token.h"
#include "auth/permissions.h"
#include "graph/graph_error.h"
#include "graph/select.h"
#include "http/presence_target.h"
#include "store/faults.h"

namespace gpm::http {
namespace {

using graph::GraphError;
namespace errors = graph::errors;

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
    v.remove_suffix(1);
  }
  return v;
}

std::string_view auth_mode_name(AuthMode m) {
  switch (m) {
    case AuthMode::Off:
      return "off";
    case AuthMode::Strict:
      return "strict";
    case AuthMode::Permissive:
      break;
  }
  return "permissive";
}

// A 401 of authenticate() with the hint naming the --auth mode.
GraphError with_token_hint(const Service& s, const GraphError& e) {
  return e.with_hint(errors::token_hint(auth_mode_name(s.config.auth)));
}

// Strict auth mode: the permission table of R5.1-R5.5 with D6 for
// `operation` on the presence route `r` (null for routes without one).
// /me with an application token is the 400 of D12 (in every mode; other
// modes meet it in the handler), answered here before any 403. Runs before
// throttling, so a refused request is not counted.
void authorize(const Service& s, const RequestContext& ctx,
               std::string_view operation, const PresenceRoute* r) {
  if (s.config.auth != AuthMode::Strict) return;
  if (r && r->form == graph::PresencePathForm::Me && ctx.claims.is_app_only()) {
    throw errors::me_requires_delegated();
  }
  auto op = auth::operation_named(operation);
  if (!op) return;
  auth::Caller caller;
  caller.application = ctx.claims.is_app_only();
  caller.scopes = ctx.claims.scopes;
  caller.roles = ctx.claims.roles;
  bool own = false;
  if (r && ctx.claims.oid) {
    const std::string oid = store::to_lower_ascii(*ctx.claims.oid);
    own = r->form == graph::PresencePathForm::Me || r->user_key == oid;
    if (!own && r->user.find('@') != std::string::npos) {
      // A path may name the user by userPrincipalName.
      ctx.tenant->store.read_user(
          r->user, [&](const store::User& u) { own = u.id == oid; });
    }
  }
  if (auto why = auth::denial(*op, ctx.version, caller, own)) {
    throw errors::forbidden(*why);
  }
}

// R6.6-R6.8: counts a request that reached a presence route against its
// application's window in its tenant, before its query or body is checked
// (so a 400 counts too); past the limit it is 429. The application is the
// token's appid/azp; requests without one share the key "anonymous".
void throttle(const RequestContext& ctx) {
  const std::string app = ctx.claims.appid
                              ? store::to_lower_ascii(*ctx.claims.appid)
                              : std::string("anonymous");
  store::Admission a = ctx.tenant->throttle.admit(app, ctx.now);
  if (!a.allowed) throw errors::too_many_requests(a.retry_after);
}

// D18: what a POST may carry.
void check_body_headers(const HttpRequest& req) {
  std::string encoding = req.header("Content-Encoding");
  if (!encoding.empty() && !iequals(encoding, "identity")) {
    // gzip is inflated by the transport, which then drops the header; one
    // that gets here was not (e.g. in a $batch item).
    throw errors::unsupported_media_type(
        "Content-Encoding '" + encoding +
        "' is not supported; send the body uncompressed or gzip-compressed.");
  }
  if (req.body.empty() && !req.body_unread) return;
  std::string type = req.header("Content-Type");
  if (!is_json_media_type(type)) {
    throw errors::unsupported_media_type(
        "The request body must be application/json; got '" +
        (type.empty() ? std::string("no Content-Type") : type) + "'.");
  }
}

// Query options: $select where `select_allowed` (reads of presence); every
// other `$` system option is refused rather than ignored.
void check_query(RequestContext& ctx, std::string_view query,
                 bool select_allowed) {
  for (const auto& [name, value] : query_params(query)) {
    if (name.empty() || name[0] != '$') continue;
    if (select_allowed && iequals(name, "$select")) {
      if (ctx.select) {
        throw errors::bad_request("The query option $select is given twice.");
      }
      ctx.select = graph::parse_presence_select(value);
      continue;
    }
    throw errors::bad_request("The query option '" + name +
                              "' is not supported on this resource.");
  }
}

// The error of a status fault: the rule's code and message, else Graph's.
graph::GraphError fault_error(const store::FaultAction& a) {
  graph::GraphError::Fields headers;
  if (a.retry_after) headers.emplace_back("Retry-After", *a.retry_after);
  return errors::injected_fault(a.status, a.code, a.message,
                                std::move(headers));
}

// The app a fault rule matches: the sessionId a set/clearPresence body
// names, else the token's app.
// The parsed object is kept for the handler (RequestContext::body_object).
std::string fault_app(RequestContext& ctx, std::string_view operation) {
  if (operation == "setPresence" || operation == "clearPresence") {
    auto body = nlohmann::json::parse(ctx.request.body, nullptr, false);
    if (body.is_object()) {
      ctx.body_object = std::move(body);
      auto it = ctx.body_object->find("sessionId");
      if (it != ctx.body_object->end() && it->is_string()) {
        return store::to_lower_ascii(it->get<std::string>());
      }
    }
  }
  return ctx.claims.appid ? store::to_lower_ascii(*ctx.claims.appid) : "";
}

void sleep_for(std::chrono::milliseconds d) {
  // Runs on the request's worker thread with no lock held, so it delays
  // only this request (docs/faults.md "Latency").
  if (d.count() > 0) std::this_thread::sleep_for(d);
}

// Fault rules and latency, then `run` (the checks and the handler). A
// status fault answers instead of the handler, so state does not change; a
// connection fault is carried to the transport on the response.
template <typename Run>
Reply inject_faults(Service& s, RequestContext& ctx, std::string_view operation,
                    const std::string& path_user, Run&& run) {
  // Most tenants have no fault rules: then the call's facts (which parse a
  // set/clearPresence body for its sessionId) are not gathered at all.
  if (ctx.tenant->faults.idle()) return run();
  store::FaultCall call;
  call.method = ctx.request.method;
  call.operation = std::string(operation);
  call.path = ctx.path;
  call.version = ctx.version;
  call.user = path_user.empty() ? caller_user(s, ctx) : path_user;
  call.app = fault_app(ctx, operation);
  call.in_batch = ctx.request.batch_item;
  call.real_now = std::chrono::steady_clock::now();
  store::FaultDecision d = ctx.tenant->faults.decide(call);
  sleep_for(d.latency);
  using K = store::FaultActionKind;
  K kind = d.action ? d.action->kind : K::Delay;
  if (d.action) {
    static constexpr const char* kNames[] = {"status", "delay", "close",
                                             "reset", "truncate"};
    std::string what = kNames[static_cast<int>(kind)];
    if (kind == K::Status) what += " " + std::to_string(d.action->status);
    ctx.fault = d.rule_id + ": " + what;
    switch (kind) {
      case K::Status:
        throw fault_error(*d.action);
      case K::Delay:
        sleep_for(d.action->delay);
        break;
      case K::Close:
      case K::Reset: {
        Reply reply;
        reply.response.connection_fault =
            kind == K::Close ? ConnectionFault::Close : ConnectionFault::Reset;
        return reply;
      }
      case K::Truncate:
        break;
    }
  }
  Reply reply = run();
  if (d.action && kind == K::Truncate) {
    reply.response.connection_fault = ConnectionFault::Truncate;
  }
  return reply;
}

}  // namespace

BearerToken read_bearer(const HttpRequest& req) {
  BearerToken b;
  auto [first, last] = req.headers.equal_range("Authorization");
  if (first == last) return b;
  b.present = true;
  std::string_view raw = first->second;
  std::string_view v = trim(raw);
  b.empty = v.empty();
  bool bearer = v.size() > 7 && iequals(v.substr(0, 7), "Bearer ");
  std::string_view token = bearer ? v.substr(7) : std::string_view();
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  b.valid = std::next(first) == last && bearer && !token.empty() &&
            token.find_first_of(" \t") == std::string_view::npos;
  b.token = token;
  // D24 reads the tenant of a header written exactly "Bearer ..." even when
  // the token is then refused; the payload is the same either way.
  if (raw.size() > 7 && iequals(raw.substr(0, 7), "Bearer ")) {
    b.claims = graph::decode_token(token);
  } else if (b.valid) {
    b.claims = graph::decode_token(token);
  }
  return b;
}

void authenticate(const Service& s, RequestContext& ctx,
                  const BearerToken& bearer) {
  if (!bearer.present) {
    if (s.config.auth == AuthMode::Off) return;
    throw with_token_hint(s, errors::token_empty());
  }
  if (!bearer.valid) {
    if (s.config.auth == AuthMode::Off) return;
    if (bearer.empty) throw with_token_hint(s, errors::token_empty());
    throw with_token_hint(s, errors::token_invalid());
  }
  ctx.claims = *bearer.claims;
  if (s.config.auth != AuthMode::Strict) return;
  auth::StrictCheck check;
  check.accept_unsigned = s.config.accept_unsigned_tokens;
  auth::TokenVerdict verdict =
      auth::check_token(bearer.token, *s.signing_key, check, ctx.now);
  if (verdict != auth::TokenVerdict::Valid) {
    throw with_token_hint(
        s, errors::token_rejected(auth::verdict_message(verdict)));
  }
  // D24: a token of another tenant than the path names.
  if (ctx.tenant_prefixed && ctx.claims.tid &&
      store::to_lower_ascii(*ctx.claims.tid) != ctx.tenant->id) {
    throw with_token_hint(s, errors::token_tenant_mismatch());
  }
}

void admit_control(const Service& s, const RequestContext& ctx,
                   const std::vector<std::string>& seg) {
  // --control-token: the control plane can read and rewrite every tenant,
  // so when the mock is shared it needs the secret; GET (and HEAD)
  // /_mock/health stay open for readiness probes (scripts/wait-ready).
  const std::string& token = s.config.control_token;
  bool open_probe =
      seg.size() == 2 && seg[1] == "health" && is_get(ctx.request.method);
  if (!token.empty() && !open_probe &&
      (!ctx.request.has_header(kControlTokenHeader) ||
       !constant_time_equals(ctx.request.header(kControlTokenHeader), token))) {
    throw errors::control_token_required(kControlTokenHeader);
  }
  if (ctx.request.method == "POST" || ctx.request.method == "PUT") {
    check_body_headers(ctx.request);
  }
}

Reply admit_and_run(Service& s, RequestContext& ctx, const Route& row,
                    const RouteArgs& args) {
  auto run = [&] {
    check_query(ctx, args.query, (row.flags & kSelect) != 0);
    if (row.flags & kBody) check_body_headers(ctx.request);
    return row.handler(s, ctx, args);
  };
  if (row.plane != Plane::Graph) return row.handler(s, ctx, args);
  if (row.flags & kAuth) {
    authorize(s, ctx, row.operation,
              args.has_presence ? &args.presence : nullptr);
  }
  if (!(row.flags & kThrottled)) return run();
  throttle(ctx);
  return inject_faults(s, ctx, row.operation, args.presence.user_key, run);
}

}  // namespace gpm::http
