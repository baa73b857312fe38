#include "http/router.h"

#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "auth/access_token.h"
#include "auth/permissions.h"
#include "graph/graph_error.h"
#include "graph/select.h"
#include "http/batch.h"
#include "http/handlers.h"
#include "http/identity.h"
#include "http/presence_target.h"
#include "store/faults.h"

namespace gpm::http {
namespace {

using graph::GraphError;
namespace errors = graph::errors;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  if (s.find('%') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw errors::bad_request("The request URI has an invalid percent "
                                "escape.");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// A client-request-id is echoed only when it is a short printable token;
// anything else is replaced by the request id (R6.2).
bool echoable(std::string_view v) {
  if (v.empty() || v.size() > 200) return false;
  for (char c : v) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

void add_common_headers(HttpResponse& res, const std::string& request_id,
                        const std::string& client_request_id,
                        core::TimePoint now) {
  res.set_header("request-id", request_id);
  res.set_header("client-request-id", client_request_id);
  res.set_header("Date", core::format_http_date(now));
}

HttpResponse error_response(const GraphError& e, const RequestContext& ctx) {
  HttpResponse res;
  res.status = e.status();
  res.body = graph::error_body(e.code(), e.message(), ctx.now, ctx.request_id,
                               ctx.client_request_id, e.inner_error());
  res.set_header("Content-Type", "application/json");
  for (const auto& [k, v] : e.headers()) res.set_header(k, v);
  if (!e.hint().empty()) res.set_header(graph::kHintHeader, e.hint());
  return res;
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

// D12: the bearer token, in every mode that requires one.
void authenticate(const Service& s, RequestContext& ctx) {
  const HttpRequest& req = ctx.request;
  auto [first, last] = req.headers.equal_range("Authorization");
  if (first == last) {
    if (s.config.auth == AuthMode::Off) return;
    throw with_token_hint(s, errors::token_empty());
  }
  bool single = std::next(first) == last;
  std::string_view v = first->second;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
    v.remove_suffix(1);
  }
  bool bearer = v.size() > 7 && iequals(v.substr(0, 7), "Bearer ");
  std::string_view token = bearer ? v.substr(7) : std::string_view();
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  bool valid = single && bearer && !token.empty() &&
               token.find_first_of(" \t") == std::string_view::npos;
  if (!valid) {
    if (s.config.auth == AuthMode::Off) return;
    if (v.empty()) throw with_token_hint(s, errors::token_empty());
    throw with_token_hint(s, errors::token_invalid());
  }
  ctx.claims = graph::decode_token(token);
  if (s.config.auth != AuthMode::Strict) return;
  auth::StrictCheck check;
  check.accept_unsigned = s.config.accept_unsigned_tokens;
  auth::TokenVerdict verdict =
      auth::check_token(token, *s.signing_key, check, ctx.now);
  if (verdict != auth::TokenVerdict::Valid) {
    throw with_token_hint(s,
                          errors::token_rejected(auth::verdict_message(verdict)));
  }
  // D24: a token of another tenant than the path names.
  if (ctx.tenant_prefixed && ctx.claims.tid &&
      store::to_lower_ascii(*ctx.claims.tid) != ctx.tenant->id) {
    throw with_token_hint(
        s, errors::token_rejected(
               "Access token validation failure. The token's tenant (tid) is "
               "not the tenant of the request path."));
  }
}

// Strict auth mode: the permission table of spec §5.1 with D6 for
// `operation` on the presence route `r` (null for getPresencesByUserId).
// /me with an application token is the 400 of D12 (in every mode; other
// modes meet it in the handler), answered here before any 403. Runs before
// throttling, so a refused request is not counted.
void authorize(const Service& s, const RequestContext& ctx,
               std::string_view operation, const PresenceRoute* r) {
  if (s.config.auth != AuthMode::Strict) return;
  if (r && r->form == graph::PresencePathForm::Me &&
      ctx.claims.is_app_only()) {
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
    own = r->form == graph::PresencePathForm::Me ||
          store::to_lower_ascii(r->user) == oid;
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

// Strips the "microsoft.graph." namespace OData allows on action names.
std::string_view action_name(std::string_view seg) {
  constexpr std::string_view kNs = "microsoft.graph.";
  if (seg.size() > kNs.size() && iequals(seg.substr(0, kNs.size()), kNs)) {
    seg.remove_prefix(kNs.size());
  }
  return seg;
}

using ActionHandler = HttpResponse (*)(Service&, RequestContext&,
                                       const PresenceRoute&);

struct ActionEntry {
  std::string_view name;
  ActionHandler handler;
};

// The presence actions of spec §1 (E3-E11), bound to every presence path.
constexpr std::array<ActionEntry, 9> kActions{{
    {"setPresence", handle_set_presence},
    {"clearPresence", handle_clear_presence},
    {"setUserPreferredPresence", handle_set_user_preferred_presence},
    {"clearUserPreferredPresence", handle_clear_user_preferred_presence},
    {"setStatusMessage", handle_set_status_message},
    {"setManualLocation", handle_set_manual_location},
    {"setAutomaticLocation", handle_set_automatic_location},
    {"clearAutomaticLocation", handle_clear_automatic_location},
    {"clearLocation", handle_clear_location},
}};

bool is_get(std::string_view m) { return m == "GET" || m == "HEAD"; }

void require_method(const RequestContext& ctx, bool get) {
  const std::string& m = ctx.request.method;
  if (get ? is_get(m) : m == "POST") return;
  throw errors::method_not_allowed(get ? "GET" : "POST");
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

// The default Graph code and message of an injected status (issue 5).
graph::GraphError fault_error(const store::FaultAction& a) {
  std::string code = a.code, message = a.message;
  switch (a.status) {
    case 429:
      if (code.empty()) code = "TooManyRequests";
      if (message.empty()) message = "Please retry again later.";
      break;
    case 503:
      if (code.empty()) code = "ServiceUnavailable";
      if (message.empty()) message = "The service is temporarily unavailable.";
      break;
    case 504:
      if (code.empty()) code = "GatewayTimeout";
      if (message.empty()) message = "The gateway timed out.";
      break;
    default:
      if (code.empty()) code = graph::default_code_for_status(a.status);
      if (message.empty()) message = graph::default_message_for_status(a.status);
  }
  graph::GraphError::Fields headers;
  if (a.retry_after) headers.emplace_back("Retry-After", *a.retry_after);
  return graph::GraphError(a.status, code, message, headers);
}

// The app a fault rule matches: the sessionId a set/clearPresence body
// names, else the token's app.
std::string fault_app(const RequestContext& ctx, std::string_view operation) {
  if (operation == "setPresence" || operation == "clearPresence") {
    auto body = nlohmann::json::parse(ctx.request.body, nullptr, false);
    if (body.is_object()) {
      auto it = body.find("sessionId");
      if (it != body.end() && it->is_string()) {
        return store::to_lower_ascii(it->get<std::string>());
      }
    }
  }
  return ctx.claims.appid ? store::to_lower_ascii(*ctx.claims.appid) : "";
}

void sleep_for(std::chrono::milliseconds d) {
  // Runs on the request's worker thread with no lock held, so it delays
  // only this request (README "Latency").
  if (d.count() > 0) std::this_thread::sleep_for(d);
}

// Throttling, then the tenant's fault rules and latency (issue 5), then
// `run` (the checks and the handler). A status fault answers instead of the
// handler, so state does not change; a connection fault is carried to the
// transport on the response.
template <typename Run>
HttpResponse admit_and_run(Service& s, RequestContext& ctx,
                           std::string_view operation, Run&& run) {
  throttle(ctx);
  // Most tenants have no fault rules: then the call's facts (which parse a
  // set/clearPresence body for its sessionId) are not gathered at all.
  if (ctx.tenant->faults.idle()) return run();
  store::FaultCall call;
  call.method = ctx.request.method;
  call.operation = std::string(operation);
  call.path = ctx.path;
  call.version = ctx.version;
  call.user = ctx.user.value_or(caller_user(s, ctx));
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
        HttpResponse res;
        res.connection_fault = kind == K::Close ? ConnectionFault::Close
                                                : ConnectionFault::Reset;
        return res;
      }
      case K::Truncate:
        break;
    }
  }
  HttpResponse res = run();
  if (d.action && kind == K::Truncate) {
    res.connection_fault = ConnectionFault::Truncate;
  }
  return res;
}

HttpResponse route_graph(Service& s, RequestContext& ctx,
                         const std::string& version,
                         const std::vector<std::string>& seg,
                         std::string_view query) {
  authenticate(s, ctx);
  // Resolve the presence path form: seg[i..] after the version root.
  PresenceRoute r{version, graph::PresencePathForm::Users, {}};
  size_t next = 0;  // index of the segment after the presence resource
  auto fail_at = [&](size_t i) -> HttpResponse {
    throw errors::unknown_segment(i < seg.size() ? seg[i] : seg.back());
  };
  if (seg.empty()) throw errors::unknown_segment(version);
  if (iequals(seg[0], "users")) {
    if (seg.size() < 3) fail_at(seg.size() - 1);
    if (!iequals(seg[2], "presence")) fail_at(2);
    r.user = seg[1];
    ctx.user = store::to_lower_ascii(r.user);
    next = 3;
  } else if (iequals(seg[0], "me")) {
    if (seg.size() < 2) fail_at(0);
    if (!iequals(seg[1], "presence")) fail_at(1);
    r.form = graph::PresencePathForm::Me;
    next = 2;
  } else if (iequals(seg[0], "communications")) {
    if (seg.size() < 2) fail_at(0);
    if (iequals(action_name(seg[1]), "getPresencesByUserId")) {
      if (seg.size() > 2) fail_at(2);
      require_method(ctx, false);
      authorize(s, ctx, "getPresencesByUserId", nullptr);
      return admit_and_run(s, ctx, "getPresencesByUserId", [&] {
        check_query(ctx, query, true);
        check_body_headers(ctx.request);
        return handle_get_presences_by_user_id(s, ctx, version);
      });
    }
    if (!iequals(seg[1], "presences")) fail_at(1);
    if (seg.size() < 3) fail_at(1);
    r.form = graph::PresencePathForm::Communications;
    r.user = seg[2];
    ctx.user = store::to_lower_ascii(r.user);
    next = 3;
  } else {
    fail_at(0);
  }
  if (seg.size() == next) {
    require_method(ctx, true);
    authorize(s, ctx, "getPresence", &r);
    return admit_and_run(s, ctx, "getPresence", [&] {
      check_query(ctx, query, true);
      return handle_get_presence(s, ctx, r);
    });
  }
  if (seg.size() > next + 1) fail_at(next + 1);
  std::string_view name = action_name(seg[next]);
  for (const ActionEntry& a : kActions) {
    if (iequals(name, a.name)) {
      require_method(ctx, false);
      authorize(s, ctx, a.name, &r);
      return admit_and_run(s, ctx, a.name, [&] {
        check_query(ctx, query, false);
        check_body_headers(ctx.request);
        return a.handler(s, ctx, r);
      });
    }
  }
  return fail_at(next);
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    // A trailing slash adds no segment; an empty inner one is kept so that
    // it is reported as an unknown segment.
    if (!(part.empty() && j == path.size())) {
      out.push_back(percent_decode(part));
    }
    i = j + 1;
  }
  return out;
}

std::vector<std::string> query_names(std::string_view query) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view pair = query.substr(i, j - i);
    std::string_view name = pair.substr(0, pair.find('='));
    if (!name.empty()) out.push_back(percent_decode(name));
    i = j + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> query_params(
    std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view pair = query.substr(i, j - i);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!name.empty()) out.emplace_back(percent_decode(name), percent_decode(value));
    i = j + 1;
  }
  return out;
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<uint64_t> dist;
  uint64_t a = dist(rng), b = dist(rng);
  // RFC 9562 version 4, variant 10.
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  // 8-4-4-4-12 hex of a then b, written by hand: every request makes one.
  static constexpr char kHexDigits[] = "0123456789abcdef";
  char buf[36];
  int n = 0;
  for (int k = 0; k < 32; ++k) {
    if (k == 8 || k == 12 || k == 16 || k == 20) buf[n++] = '-';
    uint64_t word = k < 16 ? a : b;
    buf[n++] = kHexDigits[(word >> ((15 - k % 16) * 4)) & 0xF];
  }
  return std::string(buf, sizeof buf);
}

namespace {

// The target split once: path segments (decoded), the tenant of a
// /tenants/{t} prefix and the raw path without it, and the query.
struct Target {
  std::vector<std::string> segments;  // after any tenant prefix
  std::optional<std::string> tenant;  // lower case
  std::string_view raw_path;          // after any tenant prefix
  std::string_view query;
};

Target parse_target(std::string_view target) {
  Target t;
  if (target.empty() || target[0] != '/') throw errors::unknown_path();
  size_t q = target.find('?');
  t.raw_path = target.substr(0, q);
  if (q != std::string_view::npos) t.query = target.substr(q + 1);
  t.segments = split_path(t.raw_path);
  if (t.segments.size() >= 2 && iequals(t.segments[0], "tenants")) {
    if (!store::is_valid_tenant_id(t.segments[1])) {
      throw errors::bad_request(
          "The tenant in /tenants/{tenant} must be 1 to 64 characters of "
          "letters, digits, '.', '_' and '-'.");
    }
    t.tenant = store::to_lower_ascii(t.segments[1]);
    t.segments.erase(t.segments.begin(), t.segments.begin() + 2);
    size_t third = t.raw_path.find('/', t.raw_path.find('/', 1) + 1);
    t.raw_path = third == std::string_view::npos ? std::string_view("/")
                                                 : t.raw_path.substr(third);
  }
  return t;
}

// D24: the prefix, else a JWT's `tid` on Graph routes, else "default".
std::string tenant_of(const Target& t, const HttpRequest& req) {
  if (t.tenant) return *t.tenant;
  if (is_identity_route(t.segments)) return identity_tenant(t.segments);
  bool control = !t.segments.empty() && t.segments[0] == "_mock";
  if (!control) {
    const std::string auth = req.header("Authorization");
    if (auth.size() > 7 && iequals(auth.substr(0, 7), "Bearer ")) {
      auto claims = graph::decode_token(std::string_view(auth).substr(7));
      if (claims.tid) {
        if (!store::is_valid_tenant_id(*claims.tid)) {
          throw errors::bad_request(
              "The token's tid must be 1 to 64 characters of letters, "
              "digits, '.', '_' and '-' to name a tenant.");
        }
        return store::to_lower_ascii(*claims.tid);
      }
    }
  }
  return store::TenantRegistry::kDefault;
}

}  // namespace

HttpResponse Router::handle(const HttpRequest& request,
                            const GraphError* refusal) const noexcept {
  auto started = std::chrono::steady_clock::now();
  try {
    std::string client = request.header("client-request-id");
    RequestContext ctx(request);
    ctx.request_id = new_request_id();
    ctx.client_request_id = echoable(client) ? client : ctx.request_id;
    HttpResponse res;
    bool graph_route = false;
    try {
      Target t = parse_target(request.target);
      // A read of the control plane answers for a tenant not yet seen as
      // a fresh one would, without creating it.
      bool control_read =
          !t.segments.empty() && t.segments[0] == "_mock" &&
          (request.method == "GET" || request.method == "HEAD");
      ctx.tenant = control_read
                       ? service_.tenants->find_or_fresh(tenant_of(t, request))
                       : service_.tenants->find_or_create(tenant_of(t, request));
      if (!ctx.tenant) {
        ctx.tenant = service_.tenants->find_or_create(
            store::TenantRegistry::kDefault);
        ctx.now = ctx.tenant->clock().now();
        throw GraphError(
            503, "ServiceUnavailable",
            "The mock holds its maximum of " +
                std::to_string(service_.tenants->max_tenants()) +
                " tenants (--max-tenants); reset or raise the limit.");
      }
      ctx.now = ctx.tenant->clock().now();
      ctx.tenant_prefixed = t.tenant.has_value();
      graph_route = (t.segments.empty() || t.segments[0] != "_mock") &&
                    !is_identity_route(t.segments);
      ctx.path = std::string(t.raw_path);
      if (refusal) throw *refusal;
      res = dispatch(ctx, t.segments, t.query);
    } catch (const GraphError& thrown) {
      // A refusal wins over whatever else the request would have met.
      const GraphError& e = refusal ? *refusal : thrown;
      if (!ctx.tenant) {
        ctx.tenant =
            service_.tenants->find_or_create(store::TenantRegistry::kDefault);
        ctx.now = ctx.tenant->clock().now();
        graph_route = true;
        ctx.path = request.target.substr(0, request.target.find('?'));
      }
      ctx.error_code = e.code();
      res = error_response(e, ctx);
    } catch (...) {
      if (!ctx.tenant) {
        // Failed before the tenant was chosen: answer and log under the
        // default one.
        ctx.tenant =
            service_.tenants->find_or_create(store::TenantRegistry::kDefault);
        ctx.now = ctx.tenant->clock().now();
      }
      ctx.error_code = "InternalServerError";
      res = error_response(errors::internal(), ctx);
    }
    add_common_headers(res, ctx.request_id, ctx.client_request_id, ctx.now);
    // Every GET route answers HEAD too, whoever wrote the Allow header.
    for (auto& [name, value] : res.headers) {
      if (iequals(name, "Allow")) value = graph::allow_with_head(value);
    }
    if (graph_route) journal(ctx, res);
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    service_.access_log->write({ctx.now, ctx.tenant->id, request.method,
                                request.target, res.status, ms,
                                ctx.request_id});
    return res;
  } catch (...) {
    // Out of memory or similar while writing the answer: a fixed reply.
    HttpResponse res;
    res.status = 500;
    res.close_connection = true;
    return res;
  }
}

void Router::journal(const RequestContext& ctx,
                     const HttpResponse& res) const noexcept {
  try {
    store::JournalEntry e;
    e.time = ctx.now;
    e.method = ctx.request.method;
    e.path = ctx.path;
    e.version = ctx.version;
    e.tenant = ctx.tenant->id;
    e.user = ctx.user;
    e.app = ctx.app ? ctx.app : ctx.claims.appid;
    e.status = res.status;
    e.error_code = ctx.error_code;
    e.request_id = ctx.request_id;
    e.client_request_id = ctx.client_request_id;
    e.fault = ctx.fault;
    e.write_sequence = ctx.write_sequence;
    const std::string& b = ctx.request.body;
    e.body_truncated = b.size() > store::kJournalBodyCap;
    e.body = b.substr(0, store::kJournalBodyCap);
    ctx.tenant->journal.record(std::move(e));
  } catch (...) {
    // The journal never fails a request.
  }
}

HttpResponse Router::reject(const HttpRequest& request,
                            const GraphError& error) const noexcept {
  try {
    std::string client = request.header("client-request-id");
    auto tenant =
        service_.tenants->find_or_create(store::TenantRegistry::kDefault);
    RequestContext ctx(request);
    ctx.now = tenant->clock().now();
    ctx.request_id = new_request_id();
    ctx.tenant = tenant;
    ctx.client_request_id = echoable(client) ? client : ctx.request_id;
    HttpResponse res = error_response(error, ctx);
    add_common_headers(res, ctx.request_id, ctx.client_request_id, ctx.now);
    return res;
  } catch (...) {
    HttpResponse res;
    res.status = error.status();
    res.close_connection = true;
    return res;
  }
}

namespace {

// --control-token: the control plane can read and rewrite every tenant, so
// when the mock is shared it needs the secret; GET /_mock/health stays open
// for readiness probes (scripts/wait-ready).
void check_control_token(const Service& s, const RequestContext& ctx,
                         const std::vector<std::string>& seg) {
  const std::string& token = s.config.control_token;
  if (token.empty()) return;
  if (seg.size() == 2 && seg[1] == "health" && ctx.request.method == "GET") {
    return;
  }
  if (!ctx.request.has_header(kControlTokenHeader) ||
      !constant_time_equals(ctx.request.header(kControlTokenHeader), token)) {
    throw GraphError(401, "Unauthorized",
                     std::string("The /_mock control plane needs the "
                                 "header ") +
                         std::string(kControlTokenHeader) +
                         " with the mock's --control-token.");
  }
}

}  // namespace

HttpResponse Router::dispatch(RequestContext& ctx,
                              const std::vector<std::string>& seg,
                              std::string_view query) const {
  if (seg.empty()) throw errors::unknown_path();
  if (seg[0] == "_mock") {
    check_control_token(service_, ctx, seg);
    if (ctx.request.method == "POST" || ctx.request.method == "PUT") {
      check_body_headers(ctx.request);
    }
    try {
      return handle_control(service_, ctx, {seg.begin() + 1, seg.end()},
                            query);
    } catch (const GraphError& e) {
      if (e.status() != 404 || e.code() != "UnknownPath") throw;
      throw e.with_hint(errors::unknown_control_path_hint());
    }
  }
  if (is_identity_route(seg)) {
    return handle_identity(service_, ctx, seg, query);
  }
  for (const char* version : {"v1.0", "beta"}) {
    if (!iequals(seg[0], version)) continue;
    ctx.version = version;
    if (seg.size() == 2 && iequals(seg[1], "$batch")) {
      // R6.10: the envelope is authenticated; its items are routed (and
      // counted) one by one through handle().
      authenticate(service_, ctx);
      require_method(ctx, false);
      check_query(ctx, query, false);
      check_body_headers(ctx.request);
      return handle_batch(*this, ctx, version);
    }
    return route_graph(service_, ctx, version, {seg.begin() + 1, seg.end()},
                       query);
  }
  throw errors::unknown_path();
}

HttpResponse transport_error_response(int status, core::TimePoint now,
                                      std::string_view client_request_id) {
  HttpResponse res;
  try {
    res.status = status;
    std::string request_id = new_request_id();
    std::string client = echoable(client_request_id)
                             ? std::string(client_request_id)
                             : request_id;
    res.body = graph::error_body(graph::default_code_for_status(status),
                                 graph::default_message_for_status(status),
                                 now, request_id, client);
    res.set_header("Content-Type", "application/json");
    add_common_headers(res, request_id, client, now);
  } catch (...) {
    res.body.clear();
  }
  return res;
}

}  // namespace gpm::http
