// Internal to src/control: the pieces of the /_mock/ plane that live in
// separate files (users, journal, throttling, faults) and what they share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "control/control_plane.h"

namespace gpm::control {

using http::is_get;

// 200/201 with a JSON body, Content-Type application/json.
HttpResponse control_json(const nlohmann::ordered_json& j, int status = 200);

// Most fault rules one tenant holds (each call tries them in turn).
inline constexpr size_t kMaxFaultRules = 1000;

// Parses a fixture document from the request body into the tenant's store,
// replacing or merging (400 naming the JSON path on any error).
void load_fixture_body(Service& s, RequestContext& ctx, bool replace);

// The tenant's users as a fixture document now.
nlohmann::ordered_json snapshot_json(const RequestContext& ctx);

}  // namespace gpm::control
