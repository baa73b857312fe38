// The identity platform's two protocol versions on the mock: each OpenID
// discovery document names a token endpoint that answers, and its `issuer`
// is the `iss` of the tokens that endpoint issues; both endpoints' tokens
// pass strict auth. Needs the strict-auth mock of strict_auth_test.cpp
// (`--auth strict ... --fixtures fixtures/default.json`).
#include <cctype>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

// The application fixtures/default.json registers for client credentials.
const char* const kClientId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const char* const kClientSecret = "mock-client-secret";
const char* const kGraphEncoded = "https%3A%2F%2Fgraph.microsoft.com";

const Headers& form_type() {
  static const Headers h{{"Content-Type", "application/x-www-form-urlencoded"}};
  return h;
}

std::string base_url() {
  std::string base = options().base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string client_form() {
  return "grant_type=client_credentials&client_id=" + std::string(kClientId) +
         "&client_secret=" + kClientSecret;
}

// The payload of a JWT as JSON (null when it is not one).
json jwt_payload(const std::string& token) {
  size_t a = token.find('.');
  size_t b = token.find('.', a + 1);
  if (a == std::string::npos || b == std::string::npos) return nullptr;
  std::string in = token.substr(a + 1, b - a - 1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    if (v < 0) return nullptr;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return json::parse(out, nullptr, false);
}

json discovery(const std::string& path) {
  Reply r = request("GET", path, std::nullopt, {}, Auth::None);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json);
  return *r.json;
}

// POSTs `form` to the full URL a discovery document named; the reply.
Reply post_token(const std::string& endpoint, const std::string& form,
                 const Headers& headers = form_type()) {
  REQUIRE(endpoint.rfind(base_url(), 0) == 0);
  return request("POST", endpoint.substr(base_url().size()), form, headers,
                 Auth::None);
}

std::string access_token(const Reply& r) {
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json);
  REQUIRE((*r.json)["access_token"].is_string());
  return (*r.json)["access_token"].get<std::string>();
}

// The token passes strict auth: GET presence of a fixture user answers 200.
void check_strict_accepts(const std::string& tenant, const std::string& token) {
  Reply r = request(
      "GET",
      in_tenant(tenant, "/v1.0/users/" + options().other_user + "/presence"),
      std::nullopt, bearer(token));
  INFO(r.describe());
  CHECK(r.status == 200);
}

}  // namespace

TEST_SUITE("strict-auth") {
  TEST_CASE(
      "OpenID v2.0: the issuer is the iss of the v2.0 endpoint's tokens, which "
      "strict auth accepts") {
    const std::string t = unique_tenant("openid");
    json doc = discovery("/" + t + "/v2.0/.well-known/openid-configuration");
    CHECK(doc["issuer"] == base_url() + "/" + t + "/v2.0");
    std::string token = access_token(
        post_token(doc["token_endpoint"].get<std::string>(),
                   client_form() + "&scope=" + kGraphEncoded + "%2F.default"));
    json claims = jwt_payload(token);
    INFO(claims.dump());
    CHECK(claims["iss"] == doc["issuer"]);
    CHECK(claims["ver"] == "2.0");
    CHECK(claims["azp"] == kClientId);
    CHECK(claims["tid"] == t);
    check_strict_accepts(t, token);
  }

  TEST_CASE(
      "OpenID v1.0: the token endpoint it names answers, and its issuer is the "
      "iss of that endpoint's tokens") {
    const std::string t = unique_tenant("openid");
    // Mixed case in the path: the tenant and the issuer are lower case.
    std::string upper = t;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    json doc = discovery("/" + upper + "/.well-known/openid-configuration");
    CHECK(doc["issuer"] == "https://sts.windows.net/" + t + "/");
    CHECK(doc["token_endpoint"] == base_url() + "/" + upper + "/oauth2/token");
    Reply r = post_token(doc["token_endpoint"].get<std::string>(),
                         client_form() + "&resource=" + kGraphEncoded);
    std::string token = access_token(r);
    // The v1.0 answer: numbers as strings, the resource and the window named.
    CHECK((*r.json)["token_type"] == "Bearer");
    CHECK((*r.json)["expires_in"] == "3600");
    CHECK((*r.json)["resource"] == "https://graph.microsoft.com");
    REQUIRE((*r.json)["expires_on"].is_string());
    REQUIRE((*r.json)["not_before"].is_string());
    CHECK(std::stoll((*r.json)["expires_on"].get<std::string>()) -
              std::stoll((*r.json)["not_before"].get<std::string>()) ==
          3600);
    json claims = jwt_payload(token);
    INFO(claims.dump());
    CHECK(claims["iss"] == doc["issuer"]);
    CHECK(claims["ver"] == "1.0");
    CHECK(claims["appid"] == kClientId);
    CHECK(claims["aud"] == "https://graph.microsoft.com");
    check_strict_accepts(t, token);
  }

  TEST_CASE(
      "OpenID v1.0: the token endpoint takes Basic client authentication, the "
      "app id as resource, or a v2.0 scope") {
    const std::string t = unique_tenant("openid");
    const std::string endpoint = base_url() + "/" + t + "/oauth2/token";
    std::string basic = base64url(std::string(kClientId) + ":" + kClientSecret);
    for (char& ch : basic) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (basic.size() % 4) basic += '=';
    Headers with_basic = form_type();
    with_basic.emplace("Authorization", "Basic " + basic);
    Reply by_app_id = post_token(endpoint,
                                 "grant_type=client_credentials&resource="
                                 "00000003-0000-0000-c000-000000000000",
                                 with_basic);
    check_strict_accepts(t, access_token(by_app_id));
    CHECK((*by_app_id.json)["resource"] ==
          "00000003-0000-0000-c000-000000000000");
    Reply by_scope = post_token(
        endpoint, client_form() + "&scope=" + kGraphEncoded + "%2F.default");
    std::string token = access_token(by_scope);
    CHECK(jwt_payload(token)["iss"] == "https://sts.windows.net/" + t + "/");
    check_strict_accepts(t, token);
  }

  TEST_CASE(
      "OpenID v1.0: the token endpoint answers errors in the OAuth 2.0 format, "
      "as the v2.0 one") {
    const std::string t = unique_tenant("openid");
    const std::string endpoint = base_url() + "/" + t + "/oauth2/token";
    const std::string resource = std::string("&resource=") + kGraphEncoded;
    struct Case {
      std::string body;
      int status;
      const char* error;
    };
    const Case cases[] = {
        {"grant_type=client_credentials&client_id=" + std::string(kClientId) +
             "&client_secret=wrong" + resource,
         401, "invalid_client"},
        {"grant_type=client_credentials&client_id=" + std::string(kClientId) +
             resource,
         401, "invalid_client"},
        {"grant_type=client_credentials&client_id=" + random_guid() +
             "&client_secret=x" + resource,
         400, "unauthorized_client"},
        {"grant_type=password&client_id=" + std::string(kClientId) +
             "&client_secret=" + kClientSecret + resource,
         400, "unsupported_grant_type"},
        {"client_id=" + std::string(kClientId) +
             "&client_secret=" + kClientSecret + resource,
         400, "invalid_request"},
        // Neither resource nor scope.
        {client_form(), 400, "invalid_request"},
        {client_form() + "&resource=https%3A%2F%2Foutlook.office.com", 400,
         "invalid_resource"},
        {client_form() + "&scope=https%3A%2F%2Foutlook.office.com%2F.default",
         400, "invalid_scope"},
    };
    for (const Case& c : cases) {
      INFO(c.body);
      Reply r = post_token(endpoint, c.body);
      INFO(r.describe());
      CHECK(r.status == c.status);
      REQUIRE(r.json);
      CHECK((*r.json)["error"] == c.error);
      CHECK((*r.json)["error_description"].is_string());
      CHECK((*r.json)["error_codes"].is_array());
      CHECK_FALSE(r.json->contains("access_token"));
    }
    Reply get =
        request("GET", "/" + t + "/oauth2/token", std::nullopt, {}, Auth::None);
    INFO(get.describe());
    CHECK(get.status == 405);
    CHECK(get.header("Allow") == "POST");
    Reply common = post_token(base_url() + "/common/oauth2/token",
                              client_form() + resource);
    INFO(common.describe());
    CHECK(common.status == 400);
    REQUIRE(common.json);
    CHECK((*common.json)["error"] == "invalid_request");
  }

  TEST_CASE(
      "OpenID: the common authority's documents name the tenant placeholder as "
      "issuer") {
    json v2 = discovery("/common/v2.0/.well-known/openid-configuration");
    CHECK(v2["issuer"] == base_url() + "/{tenantid}/v2.0");
    json v1 = discovery("/organizations/.well-known/openid-configuration");
    CHECK(v1["issuer"] == "https://sts.windows.net/{tenantid}/");
  }

}  // TEST_SUITE
