// The Microsoft identity platform endpoints the Azure identity libraries
// call when their authority host is the mock (docs/auth.md):
//   POST /{tenant}/oauth2/v2.0/token                 client credentials
//   POST /{tenant}/oauth2/token                      the same, v1.0 form
//   GET  /{tenant}/v2.0/.well-known/openid-configuration
//   GET  /{tenant}/.well-known/openid-configuration
//   GET  /{tenant}/discovery/v2.0/keys, /{tenant}/discovery/keys  (JWKS)
//   GET  /common/discovery/instance                   instance discovery
// The one deliberate exception to the Graph error envelope: these answer
// errors in the OAuth 2.0 format ({"error","error_description",...},
// RFC 6749 §5.2), which is what identity libraries parse.
// Thread-safe as the service is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace gpm::http {

// Whether the decoded path segments name one of the endpoints above (the
// route table's identity rows).
bool is_identity_route(const std::vector<std::string>& segments);
// The mock tenant (D24) an identity route's {tenant} stands for: itself,
// or `default` for common, organizations and consumers.
std::string identity_tenant(const std::vector<std::string>& segments);

// One handler per endpoint above, as the route table calls them.
HttpResponse handle_oauth_token(Service& s, RequestContext& ctx,
                                const RouteArgs& a);
HttpResponse handle_oauth_token_v1(Service& s, RequestContext& ctx,
                                   const RouteArgs& a);
HttpResponse handle_openid_configuration(Service& s, RequestContext& ctx,
                                         const RouteArgs& a);
HttpResponse handle_openid_configuration_v1(Service& s, RequestContext& ctx,
                                            const RouteArgs& a);
HttpResponse handle_keys(Service& s, RequestContext& ctx, const RouteArgs& a);
HttpResponse handle_instance_discovery(Service& s, RequestContext& ctx,
                                       const RouteArgs& a);

// "http(s)://<Host>" of the request, for URLs the mock names in documents:
// https under --tls, or when the Host header names the --https-port.
std::string request_origin(const Service& s, const HttpRequest& req);

}  // namespace gpm::http
