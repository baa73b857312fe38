// Unit tests for src/auth: the RS256 signing key (lazy, RFC 7638 kid),
// strict token checks (D12, D21: signature, audience, lifetime, required
// claims; unsigned tokens only when accepted), the permission table of
// R5.1-R5.5 with D6, client-credentials applications of the fixture document,
// and the strict-auth options of the command line.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "app/config.h"
#include "auth/access_token.h"
#include "auth/applications.h"
#include "auth/permissions.h"
#include "auth/signing_key.h"
#include "core/iso_time.h"
#include "formats/applications_json.h"
#include "formats/fixtures.h"
#include "graph/jwt.h"

namespace {

using namespace gpm::auth;
using gpm::core::TimePoint;
using gpm::formats::load_applications_file;
using gpm::formats::parse_applications;
using nlohmann::json;
using std::chrono::seconds;

TimePoint at(std::string_view iso) {
  return gpm::core::to_time_point_utc(
      gpm::core::parse_iso_datetime(iso).value());
}

// One key for the whole file: generating RSA-2048 costs 0.1-0.25 s.
const LazySigningKey& shared_key() {
  static LazySigningKey key;
  return key;
}

const TimePoint kT0 = at("2026-01-01T00:00:00Z");

TokenRequest delegated_request() {
  TokenRequest r;
  r.tenant = "contoso";
  r.user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
  r.app_id = "22553876-f5ab-4529-bffb-cfe50aa89f87";
  r.scopes = std::vector<std::string>{"Presence.Read"};
  r.issued_at = kT0;
  return r;
}

std::string b64(std::string_view s) { return base64url_encode(s); }

std::string unsigned_token(const json& payload) {
  return b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(payload.dump()) + ".";
}

json good_claims() {
  return {{"aud", "https://graph.microsoft.com"},
          {"tid", "contoso"},
          {"oid", "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"},
          {"appid", "22553876-f5ab-4529-bffb-cfe50aa89f87"},
          {"scp", "Presence.Read"},
          {"nbf", 1767225600},
          {"exp", 1767229200}};  // kT0 .. kT0 + 1 h
}

TokenVerdict judge(const std::string& token, TimePoint now = kT0,
                   bool accept_unsigned = false) {
  StrictCheck c;
  c.accept_unsigned = accept_unsigned;
  return check_token(token, shared_key(), c, now);
}

std::string flip_last_signature_char(std::string t) {
  char& c = t[t.rfind('.') + 3];
  c = c == 'A' ? 'B' : 'A';
  return t;
}

}  // namespace

TEST_SUITE("auth") {
  TEST_CASE(
      "signing key: RS256 signatures verify, and fail for other data or "
      "another key") {
    const SigningKey& k = shared_key().get();
    std::string sig = k.sign("header.payload");
    CHECK(sig.size() == 256);  // RSA-2048
    CHECK(k.verify("header.payload", sig));
    CHECK_FALSE(k.verify("header.payloae", sig));
    std::string bad = sig;
    bad[10] = static_cast<char>(bad[10] ^ 1);
    CHECK_FALSE(k.verify("header.payload", bad));
    CHECK_FALSE(k.verify("header.payload", ""));
  }

  TEST_CASE(
      "signing key: kid is the RFC 7638 SHA-256 thumbprint of the public JWK") {
    const SigningKey& k = shared_key().get();
    auto jwk = k.public_jwk();
    CHECK(jwk["kty"] == "RSA");
    CHECK(jwk["alg"] == "RS256");
    CHECK(jwk["use"] == "sig");
    CHECK(jwk["e"] == "AQAB");  // 65537
    CHECK(jwk["kid"] == k.kid());
    std::string canonical = R"({"e":")" + jwk["e"].get<std::string>() +
                            R"(","kty":"RSA","n":")" +
                            jwk["n"].get<std::string>() + R"("})";
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(canonical.data()),
           canonical.size(), d);
    CHECK(k.kid() ==
          b64(std::string_view(reinterpret_cast<const char*>(d), sizeof d)));
    CHECK(k.kid().size() == 43);
  }

  TEST_CASE(
      "signing key: the lazy key is made once, on first use, whatever the "
      "number of threads") {
    LazySigningKey lazy;
    CHECK_FALSE(lazy.ready());
    std::vector<std::string> kids(4);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < kids.size(); ++i) {
      threads.emplace_back([&, i] { kids[i] = lazy.get().kid(); });
    }
    for (auto& t : threads) t.join();
    CHECK(lazy.ready());
    CHECK(std::set<std::string>(kids.begin(), kids.end()).size() == 1);
    CHECK(kids[0] != shared_key().get().kid());
  }

  TEST_CASE(
      "signing key: a PEM key round-trips; junk, short and non-RSA keys are "
      "refused") {
    // An RSA key written as PKCS#8 PEM by OpenSSL itself.
    EVP_PKEY* pkey = EVP_RSA_gen(2048);
    REQUIRE(pkey != nullptr);
    BIO* bio = BIO_new(BIO_s_mem());
    REQUIRE(PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr,
                                     nullptr) == 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(len));
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    auto a = SigningKey::from_pem(pem, "a.pem");
    auto b = SigningKey::from_pem(pem, "b.pem");
    CHECK(a->kid() ==
          b->kid());  // stable across loads: the point of --signing-key
    CHECK(b->verify("x", a->sign("x")));
    LazySigningKey loaded(a);
    CHECK(loaded.ready());
    CHECK(loaded.get().kid() == a->kid());

    CHECK_THROWS_AS(SigningKey::from_pem("not a key", "junk.pem"),
                    SigningKeyError);
    EVP_PKEY* small = EVP_RSA_gen(1024);
    EVP_PKEY* ec = EVP_EC_gen("P-256");
    for (EVP_PKEY* k : {small, ec}) {
      REQUIRE(k != nullptr);
      BIO* out = BIO_new(BIO_s_mem());
      PEM_write_bio_PrivateKey(out, k, nullptr, nullptr, 0, nullptr, nullptr);
      char* p = nullptr;
      long n = BIO_get_mem_data(out, &p);
      std::string text(p, static_cast<size_t>(n));
      BIO_free(out);
      EVP_PKEY_free(k);
      try {
        SigningKey::from_pem(text, "weak.pem");
        FAIL("accepted a key that is not RSA-2048+");
      } catch (const SigningKeyError& e) {
        CHECK(std::string(e.what()).find("weak.pem") == 0);
        CHECK(std::string(e.what()).find("BEGIN") == std::string::npos);
      }
    }
    CHECK_THROWS_AS(SigningKey::load_pem_file("/nonexistent/key.pem"),
                    SigningKeyError);
  }

  TEST_CASE(
      "D21 a minted token is valid from iat up to, not including, exp on the "
      "given clock") {
    std::string token = mint_token(shared_key().get(), delegated_request());
    CHECK(judge(token, kT0) == TokenVerdict::Valid);
    CHECK(judge(token, kT0 + std::chrono::minutes(59) + seconds(59)) ==
          TokenVerdict::Valid);
    CHECK(judge(token, kT0 + std::chrono::hours(1)) ==
          TokenVerdict::OutsideLifetime);
    CHECK(judge(token, kT0 - seconds(1)) ==
          TokenVerdict::OutsideLifetime);  // nbf = iat
    CHECK(verdict_message(TokenVerdict::OutsideLifetime) ==
          "Access token has expired or is not yet valid.");
  }

  TEST_CASE(
      "OpenID a v2.0 token carries the given iss, ver 2.0 and azp, and strict "
      "mode accepts it") {
    TokenRequest app;
    app.version = gpm::auth::TokenVersion::V2;
    app.issuer = "https://127.0.0.1:8443/contoso/v2.0";
    app.tenant = "contoso";
    app.app_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    app.roles = std::vector<std::string>{"Presence.Read.All"};
    app.issued_at = kT0;
    std::string token = mint_token(shared_key().get(), app);
    json payload = json::parse(*gpm::graph::base64url_decode(token.substr(
        token.find('.') + 1, token.rfind('.') - token.find('.') - 1)));
    CHECK(payload["iss"] == "https://127.0.0.1:8443/contoso/v2.0");
    CHECK(payload["ver"] == "2.0");
    CHECK(payload["azp"] == "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    CHECK_FALSE(payload.contains("appid"));
    CHECK(gpm::graph::decode_token(token).appid ==
          "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    CHECK(judge(token) == TokenVerdict::Valid);
  }

  TEST_CASE(
      "D21 a minted token carries the claims strict mode and D24/D25 read") {
    TokenRequest r = delegated_request();
    r.scopes = std::vector<std::string>{"Presence.Read", "Presence.ReadWrite"};
    r.lifetime = std::chrono::minutes(30);
    std::string token = mint_token(shared_key().get(), r);
    auto claims = gpm::graph::decode_token(token);
    CHECK(claims.is_jwt);
    CHECK(claims.tid == "contoso");
    CHECK(claims.oid == "fa8bf3dc-eca7-46b7-bad1-db199b62afc3");
    CHECK(claims.appid == "22553876-f5ab-4529-bffb-cfe50aa89f87");
    CHECK(claims.scopes ==
          std::vector<std::string>{"Presence.Read", "Presence.ReadWrite"});
    CHECK_FALSE(claims.is_app_only());
    json payload = json::parse(*gpm::graph::base64url_decode(token.substr(
        token.find('.') + 1, token.rfind('.') - token.find('.') - 1)));
    CHECK(payload["exp"].get<long long>() - payload["iat"].get<long long>() ==
          1800);
    CHECK(payload["iss"] == "https://sts.windows.net/contoso/");
    json header = json::parse(
        *gpm::graph::base64url_decode(token.substr(0, token.find('.'))));
    CHECK(header["kid"] == shared_key().get().kid());
    CHECK(header["alg"] == "RS256");

    TokenRequest app;
    app.tenant = "contoso";
    app.app_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    app.roles = std::vector<std::string>{"Presence.Read.All"};
    app.issued_at = kT0;
    auto app_claims =
        gpm::graph::decode_token(mint_token(shared_key().get(), app));
    CHECK(app_claims.is_app_only());
    CHECK(app_claims.roles == std::vector<std::string>{"Presence.Read.All"});
    CHECK_FALSE(app_claims.oid.has_value());
    CHECK(judge(mint_token(shared_key().get(), app)) == TokenVerdict::Valid);
  }

  TEST_CASE(
      "D21 a changed signature, a changed payload, another key's signature or "
      "kid: BadSignature") {
    std::string token = mint_token(shared_key().get(), delegated_request());
    CHECK(judge(flip_last_signature_char(token)) == TokenVerdict::BadSignature);
    json forged = good_claims();
    forged["oid"] = "66825e03-7ef5-42da-9069-724602c31f6b";
    std::string altered = token.substr(0, token.find('.')) + "." +
                          b64(forged.dump()) + token.substr(token.rfind('.'));
    CHECK(judge(altered) == TokenVerdict::BadSignature);
    LazySigningKey other;
    std::string foreign = mint_token(other.get(), delegated_request());
    CHECK(judge(foreign) == TokenVerdict::BadSignature);
    // Our signature under a header naming another kid.
    std::string header = b64(R"({"alg":"RS256","kid":"someone-else"})");
    std::string input = header + "." + b64(good_claims().dump());
    CHECK(judge(input + "." + b64(shared_key().get().sign(input))) ==
          TokenVerdict::BadSignature);
    // Without a kid the signature alone decides.
    std::string bare =
        b64(R"({"alg":"RS256"})") + "." + b64(good_claims().dump());
    CHECK(judge(bare + "." + b64(shared_key().get().sign(bare))) ==
          TokenVerdict::Valid);
    // Other algorithms are never accepted.
    std::string hs = b64(R"({"alg":"HS256"})") + "." +
                     b64(good_claims().dump()) + "." + b64("x");
    CHECK(judge(hs) == TokenVerdict::BadSignature);
    CHECK(verdict_message(TokenVerdict::BadSignature) ==
          "Signature validation failed.");
  }

  TEST_CASE(
      "D21 --accept-unsigned-tokens: alg none passes only when accepted, and "
      "only unsigned") {
    std::string none = unsigned_token(good_claims());
    CHECK(judge(none, kT0, false) == TokenVerdict::BadSignature);
    CHECK(judge(none, kT0, true) == TokenVerdict::Valid);
    CHECK(judge(none + "c2ln", kT0, true) == TokenVerdict::BadSignature);
    // The other checks still apply to unsigned tokens.
    CHECK(judge(none, kT0 + std::chrono::hours(1), true) ==
          TokenVerdict::OutsideLifetime);
  }

  TEST_CASE(
      "D21 audience: Graph's URL with or without slash and its app id; "
      "anything else is WrongAudience") {
    for (const char* aud :
         {"https://graph.microsoft.com", "https://graph.microsoft.com/",
          "00000003-0000-0000-c000-000000000000"}) {
      CAPTURE(aud);
      json c = good_claims();
      c["aud"] = aud;
      CHECK(judge(unsigned_token(c), kT0, true) == TokenVerdict::Valid);
    }
    for (const json& aud :
         {json("https://graph.microsoft.com//"), json("api://x"),
          json("HTTPS://GRAPH.MICROSOFT.COM"), json(""), json(7)}) {
      CAPTURE(aud.dump());
      json c = good_claims();
      c["aud"] = aud;
      CHECK(judge(unsigned_token(c), kT0, true) == TokenVerdict::WrongAudience);
    }
    json c = good_claims();
    c.erase("aud");
    CHECK(judge(unsigned_token(c), kT0, true) == TokenVerdict::WrongAudience);
    CHECK(verdict_message(TokenVerdict::WrongAudience) == "Invalid audience.");
  }

  TEST_CASE(
      "D12 a token that is not a JWT or lacks a claim strict mode needs is "
      "Malformed") {
    CHECK(judge("opaque") == TokenVerdict::Malformed);
    CHECK(judge("a.b.c") == TokenVerdict::Malformed);
    CHECK(judge(b64("{}") + "." + b64(good_claims().dump()) + ".") ==
          TokenVerdict::Malformed);
    const char* required[] = {"tid", "appid", "exp", "oid", "scp"};
    for (const char* claim : required) {
      CAPTURE(claim);
      json c = good_claims();
      c.erase(claim);
      CHECK(judge(unsigned_token(c), kT0, true) == TokenVerdict::Malformed);
    }
    json azp = good_claims();
    azp.erase("appid");
    azp["azp"] = "22553876-f5ab-4529-bffb-cfe50aa89f87";
    CHECK(judge(unsigned_token(azp), kT0, true) == TokenVerdict::Valid);
    json roles = good_claims();
    roles["roles"] = "Presence.Read.All";  // must be an array
    CHECK(judge(unsigned_token(roles), kT0, true) == TokenVerdict::Malformed);
    json text_exp = good_claims();
    text_exp["exp"] = "1767229200";
    CHECK(judge(unsigned_token(text_exp), kT0, true) ==
          TokenVerdict::Malformed);
    CHECK(verdict_message(TokenVerdict::Malformed) ==
          "Access token validation failure.");
  }

  TEST_CASE("R5.1 D6 the permission table, delegated") {
    Caller read{false, {"Presence.Read"}, {}};
    Caller read_all{false, {"presence.read.all"}, {}};  // names ignore case
    Caller write{false, {"Presence.ReadWrite"}, {}};
    Caller none{false, {"User.Read"}, {}};
    const Operation writes[] = {Operation::SetPresence,
                                Operation::ClearPresence,
                                Operation::SetUserPreferredPresence,
                                Operation::ClearUserPreferredPresence,
                                Operation::SetStatusMessage,
                                Operation::LocationAction};
    for (auto v : {"v1.0", "beta"}) {
      CAPTURE(v);
      CHECK_FALSE(denial(Operation::GetPresence, v, read, true));
      CHECK(denial(Operation::GetPresence, v, read, false));
      CHECK_FALSE(denial(Operation::GetPresence, v, read_all, false));
      CHECK_FALSE(denial(Operation::GetPresence, v, write, true));
      CHECK(denial(Operation::GetPresence, v, write, false));
      CHECK(denial(Operation::GetPresence, v, none, true));
      CHECK(denial(Operation::GetPresencesByUserId, v, read, true));
      CHECK_FALSE(denial(Operation::GetPresencesByUserId, v, read_all, false));
      for (Operation op : writes) {
        CHECK_FALSE(denial(op, v, write, true));
        CHECK(denial(op, v, write, false));  // D6
        CHECK(denial(op, v, read_all, true));
        CHECK(denial(op, v, read, true));
      }
    }
    CHECK(*denial(Operation::GetPresence, "v1.0", none, true) ==
          "Missing scope permissions on the request. API requires one of "
          "'Presence.Read,Presence.Read.All'. Scopes on the request "
          "'User.Read'.");
  }

  TEST_CASE("R3.2.5 R3.8.3 the permission table, application") {
    Caller read_all{true, {}, {"Presence.Read.All"}};
    Caller write_all{true, {}, {"Presence.ReadWrite.All"}};
    Caller none{true, {}, {"User.Read.All"}};
    for (auto v : {"v1.0", "beta"}) {
      CAPTURE(v);
      for (bool own : {true, false}) {
        CHECK_FALSE(denial(Operation::GetPresence, v, read_all, own));
        CHECK_FALSE(denial(Operation::GetPresence, v, write_all, own));
        CHECK(denial(Operation::GetPresence, v, none, own));
        for (Operation op : {Operation::SetPresence, Operation::ClearPresence,
                             Operation::SetUserPreferredPresence,
                             Operation::ClearUserPreferredPresence,
                             Operation::SetStatusMessage}) {
          CHECK_FALSE(denial(op, v, write_all, own));
          CHECK(denial(op, v, read_all, own));
        }
        CHECK(denial(Operation::LocationAction, v, write_all, own));
      }
      CHECK_FALSE(denial(Operation::GetPresencesByUserId, v, read_all, false));
    }
    CHECK_FALSE(
        denial(Operation::GetPresencesByUserId, "v1.0", write_all, false));
    CHECK(denial(Operation::GetPresencesByUserId, "beta", write_all, false));
    CHECK(operation_named("SETPRESENCE") == Operation::SetPresence);
    CHECK(operation_named("clearLocation") == Operation::LocationAction);
    CHECK_FALSE(operation_named("nope"));
  }

  TEST_CASE(
      "fixtures: applications parse with roles; errors name the JSON path") {
    json doc = json::parse(R"({"users":[],"applications":[
      {"clientId":"7C9E6679-7425-40DE-944B-E07FC1F90AE7","clientSecret":"s",
       "displayName":"Sync","roles":["Presence.Read.All"]},
      {"clientId":"other","clientSecret":"t"}]})");
    auto apps = parse_applications(doc, "f.json");
    REQUIRE(apps.size() == 2);
    CHECK(apps[0].client_id == "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    CHECK(apps[0].roles == std::vector<std::string>{"Presence.Read.All"});
    CHECK(apps[1].roles.empty());
    CHECK(find_application(apps, "7C9E6679-7425-40de-944b-e07fc1f90ae7") ==
          &apps[0]);
    CHECK(find_application(apps, "nobody") == nullptr);
    struct Bad {
      const char* doc;
      const char* message;
    };
    const Bad bad[] = {
        {R"({"applications":{}})", "f.json: $.applications: must be an array"},
        {R"({"applications":[{"clientSecret":"s"}]})",
         "f.json: $.applications[0].clientId: is required"},
        {R"({"applications":[{"clientId":"a"}]})",
         "f.json: $.applications[0].clientSecret: is required"},
        {R"({"applications":[{"clientId":"a","clientSecret":"s","roles":[1]}]})",
         "f.json: $.applications[0].roles[0]: must be a non-empty string"},
        {R"({"applications":[{"clientId":"a","clientSecret":"s","scopes":[]}]})",
         "f.json: $.applications[0].scopes: unknown key"},
        {R"({"applications":[{"clientId":"a","clientSecret":"s"},{"clientId":"A","clientSecret":"t"}]})",
         "f.json: $.applications[1].clientId: duplicate client id"},
    };
    for (const Bad& b : bad) {
      CAPTURE(b.doc);
      try {
        parse_applications(json::parse(b.doc), "f.json");
        FAIL("accepted");
      } catch (const gpm::graph::FixtureError& e) {
        CHECK(std::string(e.what()) == b.message);
      }
    }
  }

  TEST_CASE(
      "README fixtures/default.json registers one client-credentials app") {
    auto apps =
        load_applications_file(GPM_SOURCE_ROOT "/fixtures/default.json");
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].client_id == "7c9e6679-7425-40de-944b-e07fc1f90ae7");
    CHECK(apps[0].client_secret == "mock-client-secret");
    CHECK(apps[0].roles == std::vector<std::string>{"Presence.Read.All",
                                                    "Presence.ReadWrite.All"});
  }

  TEST_CASE(
      "README --auth strict, --accept-unsigned-tokens, --strict-session-id, "
      "--signing-key and their GPM_* variables") {
    auto none = [](const char*) -> std::optional<std::string> {
      return std::nullopt;
    };
    auto parsed =
        gpm::parse_args({"--auth", "strict", "--accept-unsigned-tokens",
                         "--strict-session-id", "--signing-key", "/k.pem"},
                        none);
    REQUIRE(std::holds_alternative<gpm::Config>(parsed));
    const auto& c = std::get<gpm::Config>(parsed);
    CHECK(c.auth == gpm::AuthMode::Strict);
    CHECK(c.accept_unsigned_tokens);
    CHECK(c.strict_session_id);
    CHECK(c.signing_key == "/k.pem");
    auto defaults = std::get<gpm::Config>(gpm::parse_args({}, none));
    CHECK(defaults.auth == gpm::AuthMode::Permissive);
    CHECK_FALSE(defaults.accept_unsigned_tokens);
    CHECK_FALSE(defaults.strict_session_id);
    CHECK(defaults.signing_key.empty());
    auto env = [](const char* name) -> std::optional<std::string> {
      std::string n = name;
      if (n == "GPM_AUTH") return "strict";
      if (n == "GPM_ACCEPT_UNSIGNED_TOKENS") return "true";
      if (n == "GPM_STRICT_SESSION_ID") return "yes";
      if (n == "GPM_SIGNING_KEY") return "/env.pem";
      return std::nullopt;
    };
    auto from_env = std::get<gpm::Config>(gpm::parse_args({}, env));
    CHECK(from_env.auth == gpm::AuthMode::Strict);
    CHECK(from_env.accept_unsigned_tokens);
    CHECK(from_env.strict_session_id);
    CHECK(from_env.signing_key == "/env.pem");
    auto bad = gpm::parse_args({"--auth", "strictest"}, none);
    REQUIRE(std::holds_alternative<gpm::ExitRequest>(bad));
    CHECK(std::get<gpm::ExitRequest>(bad).code == 2);
    const std::string usage = gpm::usage_text();
    for (const char* option :
         {"strict", "--accept-unsigned-tokens", "GPM_ACCEPT_UNSIGNED_TOKENS",
          "--strict-session-id", "GPM_STRICT_SESSION_ID", "--signing-key",
          "GPM_SIGNING_KEY"}) {
      CAPTURE(option);
      CHECK(usage.find(option) != std::string::npos);
    }
  }

}  // TEST_SUITE

#include "app/service.h"
#include "http/identity.h"

TEST_SUITE("auth") {
  TEST_CASE(
      "OAuth discovery URLs say https under --tls or for the --https-port, "
      "else http") {
    auto s = gpm::http::make_service(gpm::Config{}, gpm::store::Snapshot{});
    auto origin = [&](const char* host) {
      gpm::http::HttpRequest r;
      r.headers.emplace("Host", host);
      return gpm::http::request_origin(*s, r);
    };
    CHECK(origin("127.0.0.1:8080") == "http://127.0.0.1:8080");
    s->https_port = 8443;
    CHECK(origin("127.0.0.1:8443") == "https://127.0.0.1:8443");
    CHECK(origin("[::1]:8443") == "https://[::1]:8443");
    CHECK(origin("127.0.0.1:8080") == "http://127.0.0.1:8080");
    CHECK(origin("[::1]") == "http://[::1]");
    s->config.tls = true;
    CHECK(origin("localhost:8080") == "https://localhost:8080");
    CHECK(gpm::http::is_identity_route({"contoso", "oauth2", "v2.0", "token"}));
    CHECK(gpm::http::is_identity_route(
        {"Contoso", "V2.0", ".well-known", "openid-configuration"}));
    CHECK_FALSE(gpm::http::is_identity_route({"v1.0", "users"}));
    CHECK_FALSE(gpm::http::is_identity_route(
        {"bad tenant", "oauth2", "v2.0", "token"}));
    CHECK(gpm::http::identity_tenant({"Contoso", "oauth2"}) == "contoso");
    CHECK(gpm::http::identity_tenant({"common", "discovery", "instance"}) ==
          "default");
  }

}  // TEST_SUITE
