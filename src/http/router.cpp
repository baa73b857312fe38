#include "http/router.h"

#include <chrono>
#include <random>

#include "core/percent.h"
#include "graph/graph_error.h"
#include "http/admission.h"
#include "http/identity.h"

namespace gpm::http {
namespace {

using graph::GraphError;
namespace errors = graph::errors;

// What a handler learned of its call overrides what the router knew before
// it (the path's user becomes the store's id of that user).
void merge(JournalFacts& into, JournalFacts&& from) {
  if (from.user) into.user = std::move(from.user);
  if (from.app) into.app = std::move(from.app);
  if (from.write_sequence) into.write_sequence = from.write_sequence;
}

std::string percent_decode(std::string_view s) {
  auto out = core::percent_decode(s);
  if (!out) {
    throw errors::bad_request("The request URI has an invalid percent escape.");
  }
  return std::move(*out);
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
    if (!name.empty())
      out.emplace_back(percent_decode(name), percent_decode(value));
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
std::string tenant_of(const Target& t, Plane plane, const BearerToken& bearer) {
  if (t.tenant) return *t.tenant;
  if (plane == Plane::Identity) return identity_tenant(t.segments);
  if (plane == Plane::Graph && bearer.claims && bearer.claims->tid) {
    const std::string& tid = *bearer.claims->tid;
    if (!store::is_valid_tenant_id(tid)) {
      throw errors::bad_request(
          "The token's tid must be 1 to 64 characters of letters, "
          "digits, '.', '_' and '-' to name a tenant.");
    }
    return store::to_lower_ascii(tid);
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
    JournalFacts facts;
    bool graph_route = false;
    try {
      Target t = parse_target(request.target);
      Plane plane = routes_.plane_of(t.segments);
      BearerToken bearer;
      if (plane == Plane::Graph) bearer = read_bearer(request);
      // A read of the control plane or of the identity documents (OpenID
      // discovery, keys) answers for a tenant not yet seen as a fresh one
      // would, without creating it.
      bool control_read =
          (plane == Plane::Control || plane == Plane::Identity) &&
          is_get(request.method);
      std::string tenant = tenant_of(t, plane, bearer);
      ctx.tenant = control_read ? service_.tenants->find_or_fresh(tenant)
                                : service_.tenants->find_or_create(tenant);
      if (!ctx.tenant) {
        ctx.tenant =
            service_.tenants->find_or_create(store::TenantRegistry::kDefault);
        ctx.now = ctx.tenant->clock().now();
        throw errors::too_many_tenants(service_.tenants->max_tenants());
      }
      ctx.now = ctx.tenant->clock().now();
      ctx.tenant_prefixed = t.tenant.has_value();
      graph_route = plane == Plane::Graph;
      ctx.path = std::string(t.raw_path);
      if (refusal) throw *refusal;
      res = dispatch(ctx, plane, t.segments, t.query, bearer, facts);
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
    if (graph_route) journal(ctx, res, facts);
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

void Router::journal(const RequestContext& ctx, const HttpResponse& res,
                     const JournalFacts& facts) const noexcept {
  try {
    store::JournalEntry e;
    e.time = ctx.now;
    e.method = ctx.request.method;
    e.path = ctx.path;
    e.version = ctx.version;
    e.tenant = ctx.tenant->id;
    e.user = facts.user;
    e.app = facts.app ? facts.app : ctx.claims.appid;
    e.status = res.status;
    e.error_code = ctx.error_code;
    e.request_id = ctx.request_id;
    e.client_request_id = ctx.client_request_id;
    e.fault = ctx.fault;
    e.write_sequence = facts.write_sequence;
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

Router::Router(Service& service) : Router(service, mock_route_table()) {}

HttpResponse Router::dispatch(RequestContext& ctx, Plane plane,
                              const std::vector<std::string>& seg,
                              std::string_view query, const BearerToken& bearer,
                              JournalFacts& facts) const {
  if (seg.empty()) throw errors::unknown_path();
  if (plane == Plane::Control) admit_control(service_, ctx, seg);
  RouteMatch m = routes_.match(ctx.request.method, seg, plane);
  if (plane == Plane::Graph && m.kind != RouteMatch::Kind::UnknownPath) {
    // Under a version root the token is checked before the path (D12).
    ctx.version = std::string(m.args.version);
    authenticate(service_, ctx, bearer);
    if (!m.args.presence.user_key.empty()) {
      facts.user = m.args.presence.user_key;
    }
  }
  switch (m.kind) {
    case RouteMatch::Kind::UnknownPath:
      if (plane == Plane::Control) {
        throw errors::unknown_path().with_hint(
            errors::unknown_control_path_hint());
      }
      throw errors::unknown_path();
    case RouteMatch::Kind::UnknownSegment:
      throw errors::unknown_segment(m.segment);
    case RouteMatch::Kind::MethodNotAllowed:
      throw errors::method_not_allowed(allow_list(m.allow));
    case RouteMatch::Kind::Found:
      break;
  }
  m.args.segments = &seg;
  m.args.query = query;
  m.args.table = &routes_;
  m.args.router = this;
  try {
    Reply reply = admit_and_run(service_, ctx, *m.route, m.args);
    merge(facts, std::move(reply.facts));
    return std::move(reply.response);
  } catch (FailedCall& failed) {
    merge(facts, std::move(failed.facts));
    throw std::move(failed.error);
  }
}

HttpResponse transport_error_response(int status, core::TimePoint now,
                                      std::string_view client_request_id) {
  HttpResponse res;
  // What the library refused may lie unread on the connection (the headers
  // and body after a bad request line, a body too large): kept open, the
  // connection would read them as the next request.
  res.close_connection = true;
  try {
    res.status = status;
    std::string request_id = new_request_id();
    std::string client = echoable(client_request_id)
                             ? std::string(client_request_id)
                             : request_id;
    res.body = graph::error_body(graph::default_code_for_status(status),
                                 graph::default_message_for_status(status), now,
                                 request_id, client);
    res.set_header("Content-Type", "application/json");
    add_common_headers(res, request_id, client, now);
  } catch (...) {
    res.body.clear();
  }
  return res;
}

}  // namespace gpm::http
