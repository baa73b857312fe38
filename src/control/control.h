// Internal to src/control: the pieces of the /_mock/ plane that live in
// separate files (users, journal, throttling, faults) and what they share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "http/handlers.h"

namespace gpm::control {

using http::HttpResponse;
using http::RequestContext;
using http::Service;

// 200/201 with a JSON body, Content-Type application/json.
HttpResponse control_json(const nlohmann::ordered_json& j, int status = 200);

// /_mock/users... (`rest` after "users") and POST /_mock/fixtures.
HttpResponse handle_users(Service& s, RequestContext& ctx,
                          const std::vector<std::string>& rest);
HttpResponse handle_fixtures(Service& s, RequestContext& ctx,
                             std::string_view query);
// /_mock/journal... (`rest` after "journal").
HttpResponse handle_journal(Service& s, RequestContext& ctx,
                            const std::vector<std::string>& rest,
                            std::string_view query);

// GET/PUT /_mock/throttling: the tenant's throttling settings (R6.6).
HttpResponse handle_throttling(Service& s, RequestContext& ctx);

// Most fault rules one tenant holds (each call tries them in turn).
inline constexpr size_t kMaxFaultRules = 1000;

// /_mock/faults and /_mock/faults/{id} (`rest` from "faults"): the tenant's
// fault rules with their reports (issue 5).
HttpResponse handle_faults(Service& s, RequestContext& ctx,
                           const std::vector<std::string>& rest);
// GET/PUT /_mock/latency: the tenant's latency document.
HttpResponse handle_latency(Service& s, RequestContext& ctx);

// POST /_mock/token: a signed access token (README "Tokens").
HttpResponse handle_token(Service& s, RequestContext& ctx);

// Parses a fixture document from the request body into the tenant's store,
// replacing or merging (400 naming the JSON path on any error).
void load_fixture_body(Service& s, RequestContext& ctx, bool replace);

// The tenant's users as a fixture document now.
nlohmann::ordered_json snapshot_json(const RequestContext& ctx);

}  // namespace gpm::control
