#include "auth/access_token.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "graph/jwt.h"

namespace gpm::auth {
namespace {

using nlohmann::json;

struct Parts {
  json header, payload;
  std::string_view signing_input;  // header.payload
  std::string signature;           // raw bytes
};

std::optional<Parts> split(std::string_view token) {
  size_t a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos ||
      token.find('.', b + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = graph::base64url_decode(token.substr(0, a));
  auto payload = graph::base64url_decode(token.substr(a + 1, b - a - 1));
  auto signature = graph::base64url_decode(token.substr(b + 1));
  if (!header || !payload || !signature) return std::nullopt;
  Parts p;
  p.header = json::parse(*header, nullptr, false);
  p.payload = json::parse(*payload, nullptr, false);
  if (!p.header.is_object() || !p.payload.is_object()) return std::nullopt;
  p.signing_input = token.substr(0, b);
  p.signature = std::move(*signature);
  return p;
}

bool nonempty_string(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() &&
         !it->get_ref<const std::string&>().empty();
}

std::optional<double> numeric_date(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

bool audience_ok(const json& payload) {
  auto it = payload.find("aud");
  if (it == payload.end()) return false;
  if (it->is_string())
    return is_graph_audience(it->get_ref<const std::string&>());
  if (it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string() && is_graph_audience(a.get_ref<const std::string&>())) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

bool is_graph_audience(std::string_view aud) {
  if (aud == kGraphAppId) return true;
  if (!aud.empty() && aud.back() == '/') aud.remove_suffix(1);
  return aud == kGraphAudience;
}

long long to_unix_seconds(core::TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

TokenVerdict check_token(std::string_view token, const LazySigningKey& key,
                         const StrictCheck& options, core::TimePoint now) {
  auto parts = split(token);
  if (!parts) return TokenVerdict::Malformed;
  auto alg = parts->header.find("alg");
  if (alg == parts->header.end() || !alg->is_string()) {
    return TokenVerdict::Malformed;
  }
  const std::string& algorithm = alg->get_ref<const std::string&>();
  if (algorithm == "none") {
    if (!options.accept_unsigned || !parts->signature.empty()) {
      return TokenVerdict::BadSignature;
    }
  } else if (algorithm == "RS256") {
    const SigningKey& k = key.get();
    auto kid = parts->header.find("kid");
    if (kid != parts->header.end() &&
        !(kid->is_string() && kid->get_ref<const std::string&>() == k.kid())) {
      return TokenVerdict::BadSignature;
    }
    if (!k.verify(parts->signing_input, parts->signature)) {
      return TokenVerdict::BadSignature;
    }
  } else {
    return TokenVerdict::BadSignature;
  }
  const json& c = parts->payload;
  if (!audience_ok(c)) return TokenVerdict::WrongAudience;
  auto exp = numeric_date(c, "exp");
  if (!exp) return TokenVerdict::Malformed;
  double t = std::chrono::duration<double>(now.time_since_epoch()).count();
  if (t >= *exp) return TokenVerdict::OutsideLifetime;
  if (c.contains("nbf")) {
    auto nbf = numeric_date(c, "nbf");
    if (!nbf) return TokenVerdict::Malformed;
    if (t < *nbf) return TokenVerdict::OutsideLifetime;
  }
  if (!nonempty_string(c, "tid")) return TokenVerdict::Malformed;
  if (!nonempty_string(c, "appid") && !nonempty_string(c, "azp")) {
    return TokenVerdict::Malformed;
  }
  bool delegated = nonempty_string(c, "scp");
  auto roles = c.find("roles");
  bool application = roles != c.end() && roles->is_array() && !roles->empty();
  if (c.contains("scp") && !delegated) return TokenVerdict::Malformed;
  if (roles != c.end() && !roles->is_array()) return TokenVerdict::Malformed;
  if (!delegated && !application) return TokenVerdict::Malformed;
  if (delegated && !nonempty_string(c, "oid")) return TokenVerdict::Malformed;
  return TokenVerdict::Valid;
}

std::string verdict_message(TokenVerdict v) {
  switch (v) {
    case TokenVerdict::BadSignature:
      return "Signature validation failed.";
    case TokenVerdict::WrongAudience:
      return "Invalid audience.";
    case TokenVerdict::OutsideLifetime:
      return "Access token has expired or is not yet valid.";
    case TokenVerdict::Valid:
    case TokenVerdict::Malformed:
      break;
  }
  return "Access token validation failure.";
}

std::string mint_token(const SigningKey& key, const TokenRequest& r) {
  nlohmann::ordered_json header;
  header["typ"] = "JWT";
  header["alg"] = "RS256";
  header["kid"] = key.kid();
  long long iat = to_unix_seconds(r.issued_at);
  long long nbf = r.not_before ? to_unix_seconds(*r.not_before) : iat;
  long long exp =
      iat +
      std::chrono::duration_cast<std::chrono::seconds>(r.lifetime).count();
  nlohmann::ordered_json p;
  p["aud"] = r.audience;
  bool v2 = r.version == TokenVersion::V2;
  p["iss"] = !r.issuer.empty() ? r.issuer
                               : "https://sts.windows.net/" + r.tenant + "/";
  p["iat"] = iat;
  p["nbf"] = nbf;
  p["exp"] = exp;
  if (r.app_name) p["app_displayname"] = *r.app_name;
  p[v2 ? "azp" : "appid"] = r.app_id;
  p[v2 ? "azpacr" : "appidacr"] = "1";
  if (r.roles) {
    p["idtyp"] = "app";
    p["roles"] = *r.roles;
    p["sub"] = r.app_id;
  }
  if (r.user) {
    p["oid"] = *r.user;
    p["sub"] = *r.user;
  }
  if (r.scopes) {
    std::string scp;
    for (const auto& s : *r.scopes) scp += (scp.empty() ? "" : " ") + s;
    p["scp"] = scp;
  }
  p["tid"] = r.tenant;
  p["ver"] = v2 ? "2.0" : "1.0";
  std::string input =
      base64url_encode(header.dump()) + "." + base64url_encode(p.dump());
  std::string sig = key.sign(input);
  return input + "." + base64url_encode(sig);
}

}  // namespace gpm::auth
