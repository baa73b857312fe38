// Bearer tokens as the permissive auth mode reads them: a JWT's claims are
// decoded without verifying its signature (D12, D25); any other non-empty
// token is an opaque token with no claims.
// Depends on nlohmann_json. Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpm::graph {

struct TokenClaims {
  bool is_jwt = false;
  std::optional<std::string> oid;    // the signed-in user (D25)
  std::optional<std::string> tid;    // the tenant (D24, later)
  std::optional<std::string> appid;  // `appid` or else `azp`
  bool has_scp = false;              // delegated permissions present
  bool has_roles = false;            // application permissions present
  std::vector<std::string> scopes;   // `scp`, split at spaces
  std::vector<std::string> roles;    // `roles` (its string members)
  // An application token: `roles` and no `scp` (D12).
  bool is_app_only() const { return is_jwt && has_roles && !has_scp; }
};

// Reads the claims of `token` if it is a JWT (three base64url parts whose
// middle one is a JSON object); otherwise an opaque token.
TokenClaims decode_token(std::string_view token);

// base64url without padding, as JWTs use it (padding accepted on input).
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace gpm::graph
