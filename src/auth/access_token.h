// Access tokens as strict auth mode judges them and as the mock mints them
// (R5.1-R5.5, D12, D21): RS256 JWTs signed with the mock's own key
// (or, when the user opts in, unsigned `alg: none` test tokens), for the
// Graph audience, inside their exp/nbf window on the tenant's clock (D20).
// Depends on core (time), graph (claims, base64url) and auth/signing_key.
// Thread-safe: pure functions over an immutable key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/signing_key.h"
#include "core/time.h"

namespace gpm::auth {

// The `aud` values Graph accepts: its URL (with or without a trailing
// slash) and its application id.
inline constexpr std::string_view kGraphAudience =
    "https://graph.microsoft.com";
inline constexpr std::string_view kGraphAppId =
    "00000003-0000-0000-c000-000000000000";
bool is_graph_audience(std::string_view aud);

// Why a token failed strict validation; each has its own 401 message (D21).
enum class TokenVerdict {
  Valid,
  Malformed,        // not a JWT, or a required claim missing or mistyped
  BadSignature,     // wrong or missing signature, unknown kid, other alg
  WrongAudience,    // `aud` is not Graph
  OutsideLifetime,  // expired (now >= exp) or not yet valid (now < nbf)
};

struct StrictCheck {
  // Accept `alg: none` tokens with an empty signature
  // (--accept-unsigned-tokens).
  bool accept_unsigned = false;
};

// Judges `token` at `now` (the tenant's clock; no skew allowed). Checks run
// in this order: structure, signature, audience, lifetime, then the claims
// strict mode needs (tid; appid or azp; scp or roles; oid with scp). The key
// is fetched only for a token that claims RS256.
TokenVerdict check_token(std::string_view token, const LazySigningKey& key,
                         const StrictCheck& options, core::TimePoint now);

// The 401 message of a verdict (D12, D21).
std::string verdict_message(TokenVerdict v);

// The access token format (Entra ID's `ver`): 1.0 (`iss`
// https://sts.windows.net/{tid}/, `appid`) or 2.0 (`iss` the v2.0
// authority, `azp`).
enum class TokenVersion { V1, V2 };

// What POST /_mock/token and the OAuth endpoints put in a token.
struct TokenRequest {
  TokenVersion version = TokenVersion::V1;
  // `iss`; empty: https://sts.windows.net/{tid}/.
  std::string issuer;
  std::string tenant;                   // tid
  std::optional<std::string> user;      // oid of a delegated token
  std::string app_id;                   // appid (and azp)
  std::optional<std::string> app_name;  // app_displayname
  // Exactly one of scopes (delegated, `scp`) and roles (application).
  std::optional<std::vector<std::string>> scopes;
  std::optional<std::vector<std::string>> roles;
  std::string audience = std::string(kGraphAudience);
  core::TimePoint issued_at;  // iat, and nbf unless not_before
  std::optional<core::TimePoint> not_before;
  core::Duration lifetime = std::chrono::hours(1);  // exp = iat + lifetime
};

// An RS256 JWT with the key's kid, shaped like an Entra ID access token for
// Graph: v1.0 by default (iss https://sts.windows.net/{tid}/, ver 1.0,
// appid), or v2.0 (the given iss, ver 2.0, azp); idtyp app for application
// tokens.
std::string mint_token(const SigningKey& key, const TokenRequest& request);

// Seconds since the Unix epoch (JWT NumericDate), rounded down.
long long to_unix_seconds(core::TimePoint t);

}  // namespace gpm::auth
