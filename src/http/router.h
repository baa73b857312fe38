// The one entry point every request goes through, whatever carried it (a
// socket, a $batch item, a fuzz input): parses the raw target, chooses the
// tenant, matches the route table (http/route_table.h), runs the admission
// pipeline (http/admission.h) and the row's handler, journals the call, and
// writes every failure in the Graph error envelope with request-id,
// client-request-id and Date (R6.1, R6.2, D12, D13, D18-D20).
// Depends on graph, store, core. Thread-safe: handle() may run concurrently.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/service.h"
#include "core/time.h"
#include "graph/graph_error.h"
#include "graph/jwt.h"
#include "http/request.h"
#include "http/route_table.h"
#include "store/tenants.h"

namespace gpm::http {

// What one request knows about itself while it is handled.
struct RequestContext {
  explicit RequestContext(const HttpRequest& r) : request(r) {}

  const HttpRequest& request;
  core::TimePoint now;  // the request's one reading of its tenant's clock
  std::string request_id;
  std::string client_request_id;
  graph::TokenClaims claims;  // of the bearer token, when there is one
  std::shared_ptr<store::Tenant> tenant;  // D24
  bool tenant_prefixed = false;           // named by /tenants/{t}
  // $select of GET presence and getPresencesByUserId, when given.
  std::optional<std::vector<std::string>> select;
  // The raw path without query and tenant prefix (journal, fault rules).
  std::string path;
  // The Graph error code answered, if the request failed (journal).
  std::optional<std::string> error_code;
  // What fault injection did to the call ("f1: status 429"), for the
  // journal.
  std::optional<std::string> fault;
  // The Graph version the path names (journal, fault rules, permissions).
  std::string version;
  // The body as a JSON object, once something parsed it (fault rules read a
  // set/clearPresence body's sessionId), so the handler need not parse it
  // again; empty when not parsed or not an object.
  std::optional<nlohmann::json> body_object;
};

inline constexpr std::string_view kODataJson =
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8";

// The header that carries --control-token on /_mock/ requests.
inline constexpr std::string_view kControlTokenHeader = "X-Mock-Control-Token";

struct BearerToken;

class Router {
 public:
  // Serves the mock's own table (mock_route_table()).
  explicit Router(Service& service);
  // REQUIRES: `routes` outlives the router.
  Router(Service& service, const RouteTable& routes)
      : service_(service), routes_(routes) {}

  // Never throws; internal failures become a 500 with a fixed message.
  // With `refusal`, the request is answered with that error instead of
  // being dispatched, but otherwise handled alike (tenant, headers,
  // journal, access log): for what the transport or $batch refuses.
  HttpResponse handle(
      const HttpRequest& request,
      const graph::GraphError* refusal = nullptr) const noexcept;
  // The Graph error response for `error` without journaling, for a request
  // httplib could not hand over whole (an exception in its own code).
  HttpResponse reject(const HttpRequest& request,
                      const graph::GraphError& error) const noexcept;

 private:
  // Fills `facts` with what the journal records of the call: the path's
  // user once the token passed, then what the handler returned (or failed
  // with, FailedCall).
  HttpResponse dispatch(RequestContext& ctx, Plane plane,
                        const std::vector<std::string>& segments,
                        std::string_view query, const BearerToken& bearer,
                        JournalFacts& facts) const;
  void journal(const RequestContext& ctx, const HttpResponse& res,
               const JournalFacts& facts) const noexcept;
  Service& service_;
  const RouteTable& routes_;
};

// Splits the path of a raw target into percent-decoded segments (a trailing
// slash adds no segment). Throws GraphError 400 on a bad escape.
std::vector<std::string> split_path(std::string_view path);
// Decoded query parameter names of a raw query string.
std::vector<std::string> query_names(std::string_view query);
// Decoded (name, value) pairs of a raw query string ('+' stays '+').
std::vector<std::pair<std::string, std::string>> query_params(
    std::string_view query);

// A new random request id (GUID form).
std::string new_request_id();

// A Graph error response for status `status` when the HTTP library itself
// refused the request (bad request line, URI too long, ...), closing the
// connection after it. Never throws.
HttpResponse transport_error_response(int status, core::TimePoint now,
                                      std::string_view client_request_id);

}  // namespace gpm::http
