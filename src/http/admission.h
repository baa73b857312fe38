// Admission: what a matched request goes through before its handler, in
// one ordered pipeline read from the route table row (http/route_table.h):
//   Graph plane   the bearer token (before the path is matched, D12), then
//                 permissions (strict auth, R5.1-R5.5, D6), throttling
//                 (R6.6-R6.8), fault rules and latency, the query options
//                 ($select where the row allows it), the body's media type
//                 (D18), and the handler;
//   /_mock/       --control-token and, for POST and PUT, the media type,
//                 before the path is matched;
//   identity      nothing: those endpoints answer in OAuth's shape.
// Each step throws the GraphError it answers with. Thread-safe: state lives
// in the tenant (throttle, fault engine).
#pragma once

#include <optional>
#include <string_view>

#include "graph/jwt.h"
#include "http/route_table.h"
#include "http/router.h"

namespace gpm::http {

// The Authorization header read once per request: the token as a
// well-formed `Bearer <token>` gives it, and its claims decoded once (the
// tenant choice of D24 reads `tid` before the path is matched).
struct BearerToken {
  bool present = false;  // an Authorization header was sent
  bool valid = false;    // exactly one, "Bearer <token>", no inner blanks
  bool empty = false;    // the (first) header's value is blank
  std::string_view token;
  std::optional<graph::TokenClaims> claims;  // of the first header's token
};
BearerToken read_bearer(const HttpRequest& req);

// D12: checks the bearer token in every mode that requires one and keeps
// its claims in ctx.claims.
void authenticate(const Service& s, RequestContext& ctx,
                  const BearerToken& bearer);

// The /_mock/ plane's checks before its path is matched.
void admit_control(const Service& s, const RequestContext& ctx,
                   const std::vector<std::string>& segments);

// The rest of the pipeline for a matched Graph row, then its handler.
// Returns the handler's reply; may throw FailedCall (route_table.h).
Reply admit_and_run(Service& s, RequestContext& ctx, const Route& row,
                    const RouteArgs& args);

}  // namespace gpm::http
