// POST /_mock/token (docs/auth.md): mints an RS256 access token signed
// with the mock's key for a tenant, user, app and scopes or roles, so tests
// of strict auth mode need no hand-made JWTs. Times are on the clock of the
// token's tenant (D20).
#include "auth/access_token.h"
#include "control/control.h"
#include "core/ascii.h"
#include "core/iso_time.h"
#include "graph/graph_error.h"
#include "graph/graph_json.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr core::Duration kMaxLifetime = std::chrono::hours(24 * 30);

std::optional<std::string> text(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw errors::bad_request(std::string("'") + key +
                              "' must be a non-empty string.");
  }
  return it->get<std::string>();
}

std::vector<std::string> names(const json& v, const char* key) {
  std::vector<std::string> out;
  auto add = [&](std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      size_t k = s.find(' ', i);
      if (k == std::string_view::npos) k = s.size();
      if (k > i) out.emplace_back(s.substr(i, k - i));
      i = k + 1;
    }
  };
  if (v.is_string()) {
    add(v.get_ref<const std::string&>());
  } else if (v.is_array()) {
    for (const auto& e : v) {
      if (!e.is_string() || e.get_ref<const std::string&>().empty() ||
          e.get_ref<const std::string&>().find(' ') != std::string::npos) {
        throw errors::bad_request(std::string("'") + key +
                                  "' must hold permission names such as "
                                  "Presence.Read.All.");
      }
      out.push_back(e.get<std::string>());
    }
  } else {
    throw errors::bad_request(std::string("'") + key +
                              "' must be an array of permission names (or "
                              "one space-separated string).");
  }
  if (out.empty()) {
    throw errors::bad_request(std::string("'") + key +
                              "' must name at least one permission.");
  }
  return out;
}

}  // namespace

HttpResponse token(Service& s, RequestContext& ctx, const RouteArgs&) {
  json body = graph::parse_object_body(ctx.request.body, false);
  static constexpr std::string_view kKeys[] = {
      "tenant", "userId",   "oid",      "appId",    "scopes",
      "roles",  "lifetime", "audience", "notBefore"};
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (auto k : kKeys) known = known || k == key;
    if (!known) {
      throw errors::bad_request(
          "Unknown property '" + key +
          "'; a token request takes tenant, userId (or oid), appId, scopes "
          "or roles, lifetime, audience and notBefore.");
    }
  }
  auth::TokenRequest t;
  std::string tenant = text(body, "tenant").value_or(ctx.tenant->id);
  if (!store::is_valid_tenant_id(tenant)) {
    throw errors::bad_request(
        "'tenant' must be 1 to 64 characters of letters, digits, '.', '_' "
        "and '-'.");
  }
  t.tenant = store::to_lower_ascii(tenant);
  auto user = text(body, "userId");
  auto oid = text(body, "oid");
  if (user && oid && !core::iequals(*user, *oid)) {
    throw errors::bad_request(
        "Give 'userId' or 'oid' (they are the same "
        "claim), not two different values.");
  }
  if (!user) user = oid;
  auto app = text(body, "appId");
  if (!app) {
    throw errors::bad_request(
        "'appId' is required: the application id (appid claim) the token is "
        "issued to.");
  }
  t.app_id = *app;
  bool has_scopes = body.contains("scopes") && !body["scopes"].is_null();
  bool has_roles = body.contains("roles") && !body["roles"].is_null();
  if (has_scopes == has_roles) {
    throw errors::bad_request(
        "Give exactly one of 'scopes' (a delegated token for userId) or "
        "'roles' (an application token).");
  }
  if (has_scopes) {
    if (!user) {
      throw errors::bad_request(
          "A delegated token ('scopes') needs 'userId': the signed-in user "
          "(oid claim).");
    }
    t.scopes = names(body["scopes"], "scopes");
    t.user = store::to_lower_ascii(*user);
  } else {
    t.roles = names(body["roles"], "roles");
    if (user) t.user = store::to_lower_ascii(*user);
  }
  if (auto aud = text(body, "audience")) t.audience = *aud;
  if (auto lifetime = text(body, "lifetime")) {
    auto d = core::parse_iso_duration(*lifetime);
    if (!d || *d < std::chrono::seconds(1) || *d > kMaxLifetime) {
      throw errors::bad_request(
          "'lifetime' must be an ISO 8601 duration from PT1S to P30D such as "
          "PT1H.");
    }
    t.lifetime = *d;
  }
  // The token's tenant keeps its own clock (D20): iat/exp are read from it.
  std::shared_ptr<store::Tenant> owner =
      t.tenant == ctx.tenant->id ? ctx.tenant
                                 : s.tenants->find_or_create(t.tenant);
  if (!owner) {
    throw errors::too_many_tenants(s.tenants->max_tenants());
  }
  t.issued_at = owner == ctx.tenant ? ctx.now : owner->clock().now();
  if (auto nbf = text(body, "notBefore")) {
    auto p = core::parse_iso_datetime(*nbf);
    if (!p) {
      throw errors::bad_request(
          "'notBefore' must be an ISO 8601 instant such as "
          "2026-01-01T00:10:00Z.");
    }
    t.not_before = core::to_time_point_utc(*p);
  }
  std::string token = auth::mint_token(s.signing_key->get(), t);
  long long iat = auth::to_unix_seconds(t.issued_at);
  long long lifetime =
      std::chrono::duration_cast<std::chrono::seconds>(t.lifetime).count();
  ordered_json j;
  j["access_token"] = token;
  j["token_type"] = "Bearer";
  j["expires_in"] = lifetime;
  j["expires_on"] = iat + lifetime;
  j["not_before"] = t.not_before ? auth::to_unix_seconds(*t.not_before) : iat;
  j["tenant"] = t.tenant;
  return control_json(j);
}

}  // namespace gpm::control
