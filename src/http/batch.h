// JSON batching (spec R6.10-R6.13, D22): POST /{version}/$batch runs up to
// 20 requests, each through Router::handle exactly as a direct call (so each
// is authenticated, journaled and throttled on its own), in dependsOn order,
// and answers their statuses, headers and bodies in one response.
// Thread-safe as the router is.
#pragma once

#include <string_view>

#include "http/router.h"

namespace gpm::http {

inline constexpr size_t kMaxBatchRequests = 20;

// The whole $batch exchange for an authenticated POST. Throws GraphError 400
// for a malformed batch (not JSON, not {"requests": [...]}, more than 20
// items, an item without id/method/url, duplicate ids, unknown or circular
// dependsOn).
HttpResponse handle_batch(const Router& router, const RequestContext& ctx,
                          std::string_view version);

}  // namespace gpm::http
