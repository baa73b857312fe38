// Unit tests for src/graph/jwt: bearer tokens as the permissive auth mode
// reads them (D12, D25): JWT claims decoded without verification, anything
// else an opaque token with no claims.
#include "graph/jwt.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace {

using gpm::graph::decode_token;
using gpm::graph::TokenClaims;
using nlohmann::json;

// base64url without padding (RFC 4648 §5), written here independently of
// the code under test.
std::string b64url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (in.size() - i == 1) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (in.size() - i == 2) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

const std::string kHeader = b64url(R"({"alg":"RS256","typ":"JWT"})");

// A JWT with `payload` as its (raw) claims part and a dummy signature.
std::string jwt_raw(std::string_view payload) {
  return kHeader + "." + b64url(payload) + ".c2lnbmF0dXJl";
}
std::string jwt(const json& claims) { return jwt_raw(claims.dump()); }

constexpr std::string_view kOid = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
constexpr std::string_view kTid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr std::string_view kAppId = "22553876-f5ab-4529-bffb-cfe50aa89f87";

void check_opaque(const TokenClaims& c) {
  CHECK_FALSE(c.is_jwt);
  CHECK_FALSE(c.oid.has_value());
  CHECK_FALSE(c.tid.has_value());
  CHECK_FALSE(c.appid.has_value());
  CHECK_FALSE(c.has_scp);
  CHECK_FALSE(c.has_roles);
  CHECK_FALSE(c.is_app_only());
}

}  // namespace

TEST_SUITE("jwt") {
  TEST_CASE("D25 a delegated JWT gives oid, tid, appid and scp") {
    auto c = decode_token(jwt({{"aud", "https://graph.microsoft.com"},
                               {"oid", kOid},
                               {"tid", kTid},
                               {"appid", kAppId},
                               {"scp", "Presence.ReadWrite User.Read"}}));
    CHECK(c.is_jwt);
    CHECK(c.oid == std::string(kOid));
    CHECK(c.tid == std::string(kTid));
    CHECK(c.appid == std::string(kAppId));
    CHECK(c.has_scp);
    CHECK_FALSE(c.has_roles);
    CHECK_FALSE(c.is_app_only());
  }

  TEST_CASE(
      "D2 the app id comes from azp when appid is absent; appid wins "
      "when both are present") {
    auto azp = decode_token(jwt({{"azp", kAppId}, {"scp", "x"}}));
    CHECK(azp.appid == std::string(kAppId));
    auto both =
        decode_token(jwt({{"azp", "from-azp"}, {"appid", "from-appid"}}));
    CHECK(both.appid == std::string("from-appid"));
    // A non-string appid does not hide azp.
    auto typed = decode_token(jwt({{"appid", 5}, {"azp", "from-azp"}}));
    CHECK(typed.appid == std::string("from-azp"));
  }

  TEST_CASE("D12 roles and no scp is an application token") {
    auto c = decode_token(
        jwt({{"tid", kTid}, {"roles", {"Presence.ReadWrite.All"}}}));
    CHECK(c.is_jwt);
    CHECK(c.has_roles);
    CHECK_FALSE(c.has_scp);
    CHECK(c.is_app_only());
    CHECK_FALSE(c.oid.has_value());
  }

  TEST_CASE("D12 roles together with scp is not app-only") {
    auto c = decode_token(
        jwt({{"scp", "Presence.Read"}, {"roles", {"Presence.Read.All"}}}));
    CHECK(c.has_roles);
    CHECK(c.has_scp);
    CHECK_FALSE(c.is_app_only());
  }

  TEST_CASE("D12 empty or mistyped scp and roles count as absent") {
    auto empty_roles = decode_token(jwt({{"roles", json::array()}}));
    CHECK(empty_roles.is_jwt);
    CHECK_FALSE(empty_roles.has_roles);
    CHECK_FALSE(empty_roles.is_app_only());
    auto string_roles = decode_token(jwt({{"roles", "Presence.Read.All"}}));
    CHECK_FALSE(string_roles.has_roles);
    auto empty_scp =
        decode_token(jwt({{"scp", ""}, {"roles", {"Presence.Read.All"}}}));
    CHECK_FALSE(empty_scp.has_scp);
    CHECK(empty_scp.is_app_only());
    auto array_scp = decode_token(
        jwt({{"scp", {"Presence.Read"}}, {"roles", {"Presence.Read.All"}}}));
    CHECK_FALSE(array_scp.has_scp);
    CHECK(array_scp.is_app_only());
  }

  TEST_CASE("D25 claims of the wrong JSON type are ignored") {
    auto c = decode_token(
        jwt({{"oid", 42}, {"tid", nullptr}, {"appid", json::object()}}));
    CHECK(c.is_jwt);
    CHECK_FALSE(c.oid.has_value());
    CHECK_FALSE(c.tid.has_value());
    CHECK_FALSE(c.appid.has_value());
  }

  TEST_CASE("D12 a JWT with an empty claims object is a JWT with no claims") {
    auto c = decode_token(jwt(json::object()));
    CHECK(c.is_jwt);
    CHECK_FALSE(c.oid.has_value());
    CHECK_FALSE(c.is_app_only());
  }

  TEST_CASE("D12 opaque tokens have no claims") {
    for (std::string_view token : {"t", "EwBwA8l6BAAU", "abc.def", "a.b.c.d",
                                   "...", "", ".", "not a jwt at all"}) {
      CAPTURE(token);
      check_opaque(decode_token(token));
    }
  }

  TEST_CASE("D12 a token whose middle part is not base64url is opaque") {
    for (std::string_view payload :
         {"!!!!", "e30*", "ab cd", "A", "AAAAA", "e30=x"}) {
      CAPTURE(payload);
      check_opaque(decode_token(kHeader + "." + std::string(payload) + ".sig"));
    }
  }

  TEST_CASE("D12 a token whose payload is not a JSON object is opaque") {
    for (std::string_view payload :
         {"[\"oid\"]", "\"fa8bf3dc\"", "42", "null", "{\"oid\":", "not json",
          "", "{\"oid\":\"x\"} trailing"}) {
      CAPTURE(payload);
      check_opaque(decode_token(jwt_raw(payload)));
    }
  }

  TEST_CASE("D12 a deeply nested payload does not crash decoding") {
    std::string deep(50000, '[');
    deep += std::string(50000, ']');
    check_opaque(decode_token(jwt_raw(deep)));
    std::string nested_claim =
        "{\"oid\":\"x\",\"extra\":" + std::string(50000, '[') +
        std::string(50000, ']') + "}";
    auto c = decode_token(jwt_raw(nested_claim));
    CHECK(c.is_jwt);
    CHECK(c.oid == std::string("x"));
  }

  TEST_CASE(
      "base64url_decode accepts padding and both alphabets, refuses "
      "impossible lengths and foreign characters") {
    using gpm::graph::base64url_decode;
    CHECK(base64url_decode("") == std::string());
    CHECK(base64url_decode("TWFu") == std::string("Man"));
    CHECK(base64url_decode("TWE") == std::string("Ma"));
    CHECK(base64url_decode("TWE=") == std::string("Ma"));
    CHECK(base64url_decode("TQ") == std::string("M"));
    CHECK(base64url_decode("TQ==") == std::string("M"));
    CHECK(base64url_decode("-_8") == std::string("\xfb\xff"));
    CHECK(base64url_decode("+/8") == std::string("\xfb\xff"));
    CHECK_FALSE(base64url_decode("T").has_value());
    CHECK_FALSE(base64url_decode("TWFuT").has_value());
    CHECK_FALSE(base64url_decode("TW.u").has_value());
    CHECK_FALSE(base64url_decode("TW u").has_value());
    CHECK_FALSE(base64url_decode("TW\xc3\xa9u").has_value());
    // Round trip of every byte value.
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    CHECK(base64url_decode(b64url(all)) == all);
  }

  TEST_CASE(
      "D25 a payload written with standard base64 padding still "
      "decodes") {
    std::string payload = json{{"oid", kOid}}.dump();
    std::string encoded = b64url(payload);
    while (encoded.size() % 4 != 0) encoded += '=';
    auto c = decode_token(kHeader + "." + encoded + ".sig");
    CHECK(c.is_jwt);
    CHECK(c.oid == std::string(kOid));
  }
}
