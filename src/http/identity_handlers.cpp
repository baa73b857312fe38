// The identity platform endpoints of http/identity.h: enough of Microsoft
// Entra ID's OAuth 2.0 and OpenID Connect surface for a client-credentials
// flow (MSAL, @azure/identity) to run against the mock.
#include <nlohmann/json.hpp>

#include "auth/access_token.h"
#include "core/iso_time.h"
#include "core/percent.h"
#include "graph/graph_error.h"
#include "graph/jwt.h"
#include "http/handlers.h"
#include "http/identity.h"

namespace gpm::http {
namespace {

using nlohmann::ordered_json;

bool is_meta_tenant(std::string_view t) {
  return iequals(t, "common") || iequals(t, "organizations") ||
         iequals(t, "consumers");
}

HttpResponse json_reply(int status, const ordered_json& j) {
  HttpResponse res =
      json_response(status, graph::dump(j), "application/json; charset=utf-8");
  res.set_header("Cache-Control", "no-store, no-cache");
  res.set_header("Pragma", "no-cache");
  return res;
}

// RFC 6749 §5.2, with the fields Entra ID adds that MSAL reads.
HttpResponse oauth_error(const RequestContext& ctx, int status,
                         std::string_view error, std::string description,
                         long long aadsts = 0) {
  ordered_json j;
  j["error"] = error;
  j["error_description"] =
      aadsts ? "AADSTS" + std::to_string(aadsts) + ": " + description
             : description;
  if (aadsts) j["error_codes"] = {aadsts};
  j["timestamp"] = core::format_iso_instant(ctx.now);
  j["trace_id"] = ctx.request_id;
  j["correlation_id"] = ctx.client_request_id;
  HttpResponse res = json_reply(status, j);
  if (status == 401) res.set_header("WWW-Authenticate", "Basic");
  return res;
}

// application/x-www-form-urlencoded: '+' is a space; a bad escape: nullopt.
std::optional<std::string> form_decode(std::string_view s) {
  return core::percent_decode(s, true);
}

using Form = std::vector<std::pair<std::string, std::string>>;

std::optional<Form> parse_form(std::string_view body) {
  Form out;
  size_t i = 0;
  while (i < body.size()) {
    size_t j = body.find('&', i);
    if (j == std::string_view::npos) j = body.size();
    std::string_view pair = body.substr(i, j - i);
    size_t eq = pair.find('=');
    auto name = form_decode(pair.substr(0, eq));
    auto value =
        form_decode(eq == std::string_view::npos ? std::string_view()
                                                 : pair.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    if (!name->empty()) out.emplace_back(std::move(*name), std::move(*value));
    i = j + 1;
  }
  return out;
}

const std::string* form_value(const Form& f, std::string_view name) {
  for (const auto& [k, v] : f) {
    if (k == name) return &v;
  }
  return nullptr;
}

// The Graph resource a scope names ("https://graph.microsoft.com/.default"
// or its app-id form), or false.
bool is_graph_default_scope(std::string_view scope) {
  constexpr std::string_view kSuffix = "/.default";
  if (scope.size() <= kSuffix.size() ||
      scope.substr(scope.size() - kSuffix.size()) != kSuffix) {
    return false;
  }
  return auth::is_graph_audience(
      scope.substr(0, scope.size() - kSuffix.size()));
}

// The Graph resource a v1.0 `resource` names: Graph's URL (with or without
// the trailing slash) or its app id.
bool is_graph_resource(std::string_view resource) {
  return auth::is_graph_audience(resource);
}

// "https://sts.windows.net/{tid}/": what the v1.0 endpoint's tokens carry
// as `iss`, and so the v1.0 discovery document's issuer.
std::string v1_issuer(const std::string& tid) {
  return "https://sts.windows.net/" + tid + "/";
}

// "{origin}/{tid}/v2.0": the v2.0 endpoint's tokens' `iss` and the v2.0
// discovery document's issuer.
std::string v2_issuer(const Service& s, const HttpRequest& req,
                      const std::string& tid) {
  return request_origin(s, req) + "/" + tid + "/v2.0";
}

// `v1`: POST /{tenant}/oauth2/token (resource=...), else the v2.0 endpoint
// (scope=.../.default).
HttpResponse token(Service& s, RequestContext& ctx,
                   const std::string& tenant_segment, bool v1) {
  const HttpRequest& req = ctx.request;
  if (req.method != "POST") {
    HttpResponse res = oauth_error(ctx, 405, "invalid_request",
                                   "The token endpoint takes POST only.");
    res.set_header("Allow", "POST");
    return res;
  }
  if (is_meta_tenant(tenant_segment)) {
    return oauth_error(ctx, 400, "invalid_request",
                       "Use a tenant-specific endpoint for the client "
                       "credentials flow, not /" +
                           tenant_segment + ".",
                       90002);
  }
  if (req.body_unread || !is_form_media_type(req.header("Content-Type"))) {
    return oauth_error(ctx, 400, "invalid_request",
                       "The request body must be "
                       "application/x-www-form-urlencoded.",
                       900144);
  }
  auto form = parse_form(req.body);
  if (!form) {
    return oauth_error(ctx, 400, "invalid_request",
                       "The request body has a malformed percent escape.",
                       900144);
  }
  const std::string* grant = form_value(*form, "grant_type");
  if (!grant) {
    return oauth_error(ctx, 400, "invalid_request",
                       "The request body must contain the following "
                       "parameter: 'grant_type'.",
                       900144);
  }
  if (*grant != "client_credentials") {
    return oauth_error(ctx, 400, "unsupported_grant_type",
                       "The mock issues tokens for the client_credentials "
                       "grant only; got '" +
                           *grant + "'.",
                       70003);
  }
  // Client authentication: client_secret_post or client_secret_basic.
  std::optional<std::string> client_id, secret;
  if (const std::string* v = form_value(*form, "client_id")) client_id = *v;
  if (const std::string* v = form_value(*form, "client_secret")) secret = *v;
  std::string basic = req.header("Authorization");
  if (basic.size() > 6 && iequals(basic.substr(0, 6), "Basic ")) {
    auto decoded = graph::base64url_decode(std::string_view(basic).substr(6));
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    auto id = colon != std::string::npos
                  ? form_decode(std::string_view(*decoded).substr(0, colon))
                  : std::nullopt;
    auto pw = colon != std::string::npos
                  ? form_decode(std::string_view(*decoded).substr(colon + 1))
                  : std::nullopt;
    if (!id || !pw) {
      return oauth_error(ctx, 401, "invalid_client",
                         "The Authorization header is not valid HTTP Basic "
                         "client authentication.",
                         7000215);
    }
    client_id = *id;
    secret = *pw;
  }
  if (!client_id || client_id->empty()) {
    return oauth_error(ctx, 400, "invalid_request",
                       "The request body must contain the following "
                       "parameter: 'client_id'.",
                       900144);
  }
  const auth::Application* app =
      auth::find_application(s.applications, *client_id);
  if (!app) {
    return oauth_error(ctx, 400, "unauthorized_client",
                       "Application with identifier '" + *client_id +
                           "' was not found in the directory '" +
                           tenant_segment +
                           "'. Register it under \"applications\" in the "
                           "fixture document.",
                       700016);
  }
  if (!secret) {
    return oauth_error(ctx, 401, "invalid_client",
                       "The request body must contain the following "
                       "parameter: 'client_assertion' or 'client_secret'.",
                       7000218);
  }
  if (*secret != app->client_secret) {
    return oauth_error(ctx, 401, "invalid_client",
                       "Invalid client secret provided. Ensure the secret "
                       "being sent in the request is the client secret "
                       "value, not the client secret ID, for a secret added "
                       "to app '" +
                           app->client_id + "'.",
                       7000215);
  }
  // v1.0 names the resource (`resource=https://graph.microsoft.com`); a
  // v1.0 request with no `resource` but a v2.0-style `scope` is judged by
  // the scope, as some libraries send it that way. With a resource the
  // scope is not read (Entra's v1.0 endpoint ignores it).
  const std::string* resource = v1 ? form_value(*form, "resource") : nullptr;
  if (resource && !is_graph_resource(*resource)) {
    return oauth_error(ctx, 400, "invalid_resource",
                       "The resource principal named '" + *resource +
                           "' was not found in the tenant. The mock issues "
                           "tokens for Microsoft Graph only: "
                           "resource=https://graph.microsoft.com.",
                       500011);
  }
  if (v1 && !resource && !form_value(*form, "scope")) {
    return oauth_error(ctx, 400, "invalid_request",
                       "The request body must contain the following "
                       "parameter: 'resource'.",
                       900144);
  }
  const std::string* scope = resource ? nullptr : form_value(*form, "scope");
  int graph_scopes = resource ? 1 : 0;
  std::string bad;
  if (scope) {
    size_t i = 0;
    while (i < scope->size()) {
      size_t k = scope->find(' ', i);
      if (k == std::string::npos) k = scope->size();
      std::string_view one = std::string_view(*scope).substr(i, k - i);
      i = k + 1;
      if (one.empty() || one == "openid" || one == "profile" ||
          one == "offline_access") {
        continue;
      }
      if (is_graph_default_scope(one)) {
        ++graph_scopes;
      } else if (bad.empty()) {
        bad = std::string(one);
      }
    }
  }
  if (graph_scopes == 0 || !bad.empty()) {
    return oauth_error(
        ctx, 400, "invalid_scope",
        "The provided value for the input parameter 'scope' "
        "is not valid. The mock issues tokens for Microsoft "
        "Graph only: scope=https://graph.microsoft.com/"
        ".default" +
            (bad.empty() ? std::string() : " (got '" + bad + "')") + ".",
        1002012);
  }
  auth::TokenRequest t;
  t.tenant = identity_tenant({tenant_segment, "oauth2"});
  t.app_id = app->client_id;
  if (!app->display_name.empty()) t.app_name = app->display_name;
  t.roles = app->roles;
  t.issued_at = ctx.now;
  if (!v1) {
    t.version = auth::TokenVersion::V2;
    t.issuer = v2_issuer(s, req, t.tenant);
  }
  std::string access = auth::mint_token(s.signing_key->get(), t);
  long long seconds =
      std::chrono::duration_cast<std::chrono::seconds>(t.lifetime).count();
  ordered_json j;
  j["token_type"] = "Bearer";
  if (v1) {
    // The v1.0 endpoint writes its numbers as strings and names the
    // resource and the token's window.
    long long iat = auth::to_unix_seconds(t.issued_at);
    j["expires_in"] = std::to_string(seconds);
    j["ext_expires_in"] = std::to_string(seconds);
    j["expires_on"] = std::to_string(iat + seconds);
    j["not_before"] = std::to_string(iat);
    j["resource"] = resource ? *resource : std::string(auth::kGraphAudience);
  } else {
    j["expires_in"] = seconds;
    j["ext_expires_in"] = seconds;
  }
  j["access_token"] = access;
  return json_reply(200, j);
}

ordered_json openid_configuration(const Service& s, const RequestContext& ctx,
                                  const std::string& tenant, bool v2) {
  std::string base = request_origin(s, ctx.request) + "/" + tenant;
  ordered_json j;
  j["token_endpoint"] = base + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token");
  j["token_endpoint_auth_methods_supported"] = {"client_secret_post",
                                                "client_secret_basic"};
  j["jwks_uri"] = base + (v2 ? "/discovery/v2.0/keys" : "/discovery/keys");
  j["response_modes_supported"] = {"query", "fragment", "form_post"};
  j["subject_types_supported"] = {"pairwise"};
  j["id_token_signing_alg_values_supported"] = {"RS256"};
  j["response_types_supported"] = {"code", "id_token", "code id_token",
                                   "id_token token"};
  j["scopes_supported"] = {"openid", "profile", "email", "offline_access"};
  j["grant_types_supported"] = {"client_credentials"};
  // The `iss` of the tokens this form's token endpoint issues; for common,
  // organizations and consumers Entra's placeholder, as there is no one
  // tenant to name.
  std::string tid =
      is_meta_tenant(tenant) ? "{tenantid}" : identity_tenant({tenant, ""});
  j["issuer"] = v2 ? v2_issuer(s, ctx.request, tid) : v1_issuer(tid);
  j["request_uri_parameter_supported"] = false;
  j["authorization_endpoint"] =
      base + (v2 ? "/oauth2/v2.0/authorize" : "/oauth2/authorize");
  j["end_session_endpoint"] =
      base + (v2 ? "/oauth2/v2.0/logout" : "/oauth2/logout");
  j["http_logout_supported"] = true;
  j["frontchannel_logout_supported"] = true;
  j["claims_supported"] = {"sub", "iss",   "aud", "exp", "iat", "nbf",  "tid",
                           "oid", "appid", "azp", "ver", "scp", "roles"};
  j["tenant_region_scope"] = nullptr;
  j["cloud_instance_name"] = "microsoftonline.com";
  j["msgraph_host"] = "graph.microsoft.com";
  return j;
}

std::string host_of(const HttpRequest& req) {
  std::string host = req.header("Host");
  return host.empty() ? std::string("127.0.0.1") : host;
}

}  // namespace

std::string request_origin(const Service& s, const HttpRequest& req) {
  std::string host = host_of(req);
  bool https = s.config.tls;
  if (!https && s.https_port > 0) {
    // The port after the last ':' that follows any [IPv6] literal.
    size_t bracket = host.rfind(']');
    size_t colon = host.rfind(':');
    if (colon != std::string::npos &&
        (bracket == std::string::npos || colon > bracket)) {
      https = host.substr(colon + 1) == std::to_string(s.https_port);
    }
  }
  return (https ? "https://" : "http://") + host;
}

bool is_identity_route(const std::vector<std::string>& segments) {
  return mock_route_table().plane_of(segments) == Plane::Identity;
}

std::string identity_tenant(const std::vector<std::string>& segments) {
  if (segments.empty() || is_meta_tenant(segments[0])) {
    return store::TenantRegistry::kDefault;
  }
  return store::to_lower_ascii(segments[0]);
}

namespace {

// The discovery documents take GET (and HEAD) only; OAuth's error shape.
std::optional<HttpResponse> get_only(const RequestContext& ctx) {
  if (is_get(ctx.request.method)) return std::nullopt;
  HttpResponse res =
      oauth_error(ctx, 405, "invalid_request", "This endpoint takes GET only.");
  res.set_header("Allow", "GET, HEAD");
  return res;
}

}  // namespace

HttpResponse handle_oauth_token(Service& s, RequestContext& ctx,
                                const RouteArgs& a) {
  return token(s, ctx, a.params[0], false);
}

HttpResponse handle_oauth_token_v1(Service& s, RequestContext& ctx,
                                   const RouteArgs& a) {
  return token(s, ctx, a.params[0], true);
}

HttpResponse handle_openid_configuration(Service& s, RequestContext& ctx,
                                         const RouteArgs& a) {
  if (auto refused = get_only(ctx)) return *refused;
  return json_reply(200, openid_configuration(s, ctx, a.params[0], true));
}

HttpResponse handle_openid_configuration_v1(Service& s, RequestContext& ctx,
                                            const RouteArgs& a) {
  if (auto refused = get_only(ctx)) return *refused;
  return json_reply(200, openid_configuration(s, ctx, a.params[0], false));
}

HttpResponse handle_keys(Service& s, RequestContext& ctx, const RouteArgs&) {
  if (auto refused = get_only(ctx)) return *refused;
  ordered_json j;
  j["keys"] = ordered_json::array({s.signing_key->get().public_jwk()});
  return json_reply(200, j);
}

HttpResponse handle_instance_discovery(Service& s, RequestContext& ctx,
                                       const RouteArgs&) {
  if (auto refused = get_only(ctx)) return *refused;
  // What Entra answers for an authority it knows: the host is its own
  // only alias. MSAL asks this unless instance discovery is off.
  std::string origin = request_origin(s, ctx.request);
  ordered_json j;
  j["tenant_discovery_endpoint"] =
      origin + "/{tenant}/v2.0/.well-known/openid-configuration";
  j["api-version"] = "1.1";
  std::string host = host_of(ctx.request);
  j["metadata"] = {{{"preferred_network", host},
                    {"preferred_cache", host},
                    {"aliases", {host}}}};
  return json_reply(200, j);
}

}  // namespace gpm::http
