// Unit tests for src/http/router: requests handed to http::Router::handle
// directly (no socket), over a service with a manual clock at
// 2026-01-01T00:00:00Z and a small snapshot. Covers the route table
// (E1-E11), auth (D12, D25), the error catalogue on the wire
// (R6.1, D8, D9, D13, D18), the common headers (R6.2, D20), content types
// (R6.3) and the no-leak rule: no internal text on the wire.
#include "http/router.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "app/service.h"
#include "core/iso_time.h"
#include "graph/graph_error.h"
#include "store/store.h"
#include "store/tenants.h"
#include "test_instants.h"

namespace {

using gpm::AuthMode;
using gpm::ClockMode;
using gpm::Config;
using gpm::core::TimePoint;
using gpm::http::HttpRequest;
using gpm::http::HttpResponse;
using gpm::http::Router;
using gpm::http::Service;
using nlohmann::json;
using std::chrono::minutes;

using gpm::testing::instant;
using gpm::testing::t0;

const std::string kAdele = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";  // me
const std::string kAlex = "66825e03-7ef5-42da-9069-724602c31f6b";
const std::string kUnknown = "0b0b0b0b-0000-4000-8000-000000000001";
const std::string kApp = "22553876-f5ab-4529-bffb-cfe50aa89f87";

constexpr std::string_view kODataJson =
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8";

// Adele (me, no sessions) and Alex (a Teams client, Away/Away).
gpm::store::Snapshot snapshot(bool with_me = true) {
  gpm::store::Snapshot s;
  gpm::store::User adele;
  adele.id = kAdele;
  adele.user_principal_name = "adele@contoso.example";
  s.users.push_back(std::move(adele));
  gpm::store::User alex;
  alex.id = kAlex;
  alex.user_principal_name = "alex@contoso.example";
  gpm::core::Session teams;
  teams.session_id = "teams-desktop";
  teams.state = {gpm::core::Availability::Away, gpm::core::Activity::Away};
  teams.set_at = t0;
  teams.is_client = true;
  alex.presence.put_session(teams, t0);
  s.users.push_back(std::move(alex));
  if (with_me) s.me = kAdele;
  return s;
}

Config manual_config() {
  Config c;
  c.clock = ClockMode::Manual;
  c.clock_start = t0;
  c.quiet = true;  // no access log on the test's stderr
  return c;
}

// base64url without padding, for JWTs written in the test.
std::string b64url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::string jwt(const json& claims) {
  return b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(claims.dump()) +
         ".sig";
}

// A request with a bearer token, built fluently.
struct Req {
  HttpRequest r;
  Req(std::string method, std::string target) {
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers.emplace("Authorization", "Bearer t");
  }
  Req& body(std::string b, std::string type = "application/json") {
    r.body = std::move(b);
    return header("Content-Type", std::move(type));
  }
  Req& header(const std::string& name, std::string value) {
    r.headers.erase(name);
    r.headers.emplace(name, std::move(value));
    return *this;
  }
  Req& without(const std::string& name) {
    r.headers.erase(name);
    return *this;
  }
};

// One mock: a service and its router.
struct Mock {
  std::unique_ptr<Service> service;
  std::unique_ptr<Router> router;

  explicit Mock(Config c = manual_config(), gpm::store::Snapshot s = snapshot())
      : service(gpm::http::make_service(std::move(c), std::move(s))),
        router(std::make_unique<Router>(*service)) {}

  HttpResponse operator()(const Req& req) const {
    return router->handle(req.r);
  }
  HttpResponse get(std::string target) const {
    return (*this)(Req("GET", target));
  }
  HttpResponse post(std::string target, std::string json_body = "") const {
    Req req("POST", std::move(target));
    if (!json_body.empty()) req.body(std::move(json_body));
    return (*this)(req);
  }
  gpm::core::ManualClock& clock() const {
    return *service->tenants->find_or_create("default")->manual_clock;
  }
};

std::string presence(std::string_view version, std::string_view user) {
  return "/" + std::string(version) + "/users/" + std::string(user) +
         "/presence";
}

std::string set_body(std::string_view availability = "Available",
                     std::string_view activity = "Available") {
  return json{{"sessionId", kApp},
              {"availability", availability},
              {"activity", activity},
              {"expirationDuration", "PT1H"}}
      .dump();
}
const std::string kClearBody = json{{"sessionId", kApp}}.dump();
const std::string kPreferredBody =
    R"({"availability":"DoNotDisturb","activity":"DoNotDisturb"})";
const std::string kStatusBody =
    R"({"statusMessage":{"message":{"content":"Hi","contentType":"text"}}})";

// The parsed body of a response (discarded JSON if it is not JSON).
json body_of(const HttpResponse& res) {
  return json::parse(res.body, nullptr, false);
}

// Checks `res` is a Graph error envelope (R6.1) with `status` and `code`;
// returns error.message.
std::string check_error(const HttpResponse& res, int status,
                        std::string_view code) {
  CHECK(res.status == status);
  CHECK(res.header("Content-Type") == "application/json");
  json j = body_of(res);
  REQUIRE(j.is_object());
  CHECK(j.size() == 1);
  REQUIRE(j.contains("error"));
  const json& e = j["error"];
  CHECK(e["code"] == code);
  REQUIRE(e["message"].is_string());
  CHECK(e["innerError"]["request-id"] == res.header("request-id"));
  CHECK(e["innerError"]["client-request-id"] ==
        res.header("client-request-id"));
  CHECK(e["innerError"]["date"].is_string());
  return e["message"].get<std::string>();
}

// A 4xx Graph error envelope of any status and code (hostile inputs).
void check_client_error(const HttpResponse& res) {
  CHECK(res.status >= 400);
  CHECK(res.status < 500);
  CHECK(res.header("Content-Type") == "application/json");
  json j = body_of(res);
  REQUIRE(j.is_object());
  CHECK(j["error"]["code"].is_string());
  CHECK(j["error"]["message"].is_string());
  CHECK(j["error"]["innerError"]["request-id"] == res.header("request-id"));
}

// Checks a successful action: 200, no body, no Content-Type (R3.3.4).
void check_action_ok(const HttpResponse& res) {
  CAPTURE(res.body);
  CHECK(res.status == 200);
  CHECK(res.body.empty());
  CHECK(res.header("Content-Type").empty());
}

json state_of(const Mock& m, std::string_view user) {
  HttpResponse res = m.get(presence("v1.0", user));
  REQUIRE(res.status == 200);
  json j = body_of(res);
  return {{"availability", j["availability"]}, {"activity", j["activity"]}};
}

json pair(std::string_view availability, std::string_view activity) {
  return {{"availability", availability}, {"activity", activity}};
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A clock that answers `ok_calls` times, then throws with internal text.
class FailingClock final : public gpm::core::Clock {
 public:
  TimePoint now() const override {
    if (ok_calls_ == 0) {
      throw std::runtime_error(
          "secret: /srv/gpm/src/store/store.cpp:42 tenant map corrupted");
    }
    --ok_calls_;
    return t0;
  }
  void allow(int n) { ok_calls_ = n; }

 private:
  mutable int ok_calls_ = 0;
};

}  // namespace

TEST_SUITE("router") {
  // --- the seed example and the actions -------------------------------------

  TEST_CASE(
      "README seed example: setPresence, clearPresence 200, then "
      "clearPresence again 404 NotFound (R3.4.3, D8), in v1.0 and "
      "beta") {
    Mock m;
    for (std::string_view version : {"v1.0", "beta"}) {
      CAPTURE(version);
      std::string base = presence(version, kAdele);
      check_action_ok(m.post(base + "/setPresence", set_body()));
      CHECK(state_of(m, kAdele) == pair("Available", "Available"));
      check_action_ok(m.post(base + "/clearPresence", kClearBody));
      CHECK(state_of(m, kAdele) == pair("Offline", "Offline"));
      std::string message = check_error(
          m.post(base + "/clearPresence", kClearBody), 404, "NotFound");
      CHECK(contains(message, kApp));
    }
  }

  TEST_CASE(
      "R3.3.4 every successful action is 200 with no body and no "
      "Content-Type") {
    Mock m;
    std::string base = presence("v1.0", kAdele);
    check_action_ok(m.post(base + "/setPresence", set_body()));
    check_action_ok(m.post(base + "/setUserPreferredPresence", kPreferredBody));
    check_action_ok(m.post(base + "/clearUserPreferredPresence", "{}"));
    check_action_ok(m.post(base + "/setStatusMessage", kStatusBody));
    check_action_ok(m.post(base + "/clearPresence", kClearBody));
  }

  TEST_CASE(
      "R6.3 a JSON success has the OData content type and "
      "OData-Version 4.0") {
    Mock m;
    HttpResponse res = m.get(presence("v1.0", kAlex));
    CHECK(res.status == 200);
    CHECK(res.header("Content-Type") == kODataJson);
    CHECK(res.header("OData-Version") == "4.0");
    res = m.post("/v1.0/communications/getPresencesByUserId",
                 json{{"ids", {kAlex}}}.dump());
    CHECK(res.status == 200);
    CHECK(res.header("Content-Type") == kODataJson);
    CHECK(res.header("OData-Version") == "4.0");
  }

  TEST_CASE(
      "R6.5 GET presence is the presence resource with its "
      "@odata.context") {
    Mock m;
    json j = body_of(m.get(presence("v1.0", kAlex)));
    json expected = {{"@odata.context",
                      "https://graph.microsoft.com/v1.0/$metadata#users('" +
                          kAlex + "')/presence/$entity"},
                     {"id", kAlex},
                     {"availability", "Away"},
                     {"activity", "Away"},
                     {"statusMessage", nullptr},
                     {"outOfOfficeSettings",
                      {{"message", nullptr}, {"isOutOfOffice", false}}},
                     {"sequenceNumber", j["sequenceNumber"]},
                     {"workLocation",
                      {{"placeId", nullptr},
                       {"source", "none"},
                       {"workLocationType", "unspecified"}}}};
    CHECK(j == expected);
    REQUIRE(j["sequenceNumber"].is_string());
    std::string seq = j["sequenceNumber"].get<std::string>();
    CHECK(seq.size() == 11);
    CHECK(seq[0] == 'A');
  }

  TEST_CASE("R6.5 @odata.context names the path form and the version") {
    Mock m;
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"/v1.0/users/" + kAlex + "/presence",
         "https://graph.microsoft.com/v1.0/$metadata#users('" + kAlex +
             "')/presence/$entity"},
        {"/beta/users/" + kAlex + "/presence",
         "https://graph.microsoft.com/beta/$metadata#users('" + kAlex +
             "')/presence/$entity"},
        {"/v1.0/me/presence",
         "https://graph.microsoft.com/v1.0/$metadata#users('" + kAdele +
             "')/presence/$entity"},
        {"/beta/communications/presences/" + kAlex,
         "https://graph.microsoft.com/beta/$metadata#communications/"
         "presences/$entity"},
    };
    for (const auto& [target, context] : rows) {
      CAPTURE(target);
      HttpResponse res = m.get(target);
      REQUIRE(res.status == 200);
      CHECK(body_of(res)["@odata.context"] == context);
    }
  }

  TEST_CASE(
      "E1-E11 every action is served under /users/{id}/presence, "
      "/me/presence and /communications/presences/{id}") {
    const std::vector<std::string> forms = {
        "/v1.0/users/" + kAdele + "/presence",
        "/v1.0/me/presence",
        "/v1.0/communications/presences/" + kAdele,
        "/beta/users/" + kAdele + "/presence",
        "/beta/me/presence",
        "/beta/communications/presences/" + kAdele};
    for (const std::string& base : forms) {
      CAPTURE(base);
      Mock m;
      check_action_ok(
          m.post(base + "/setPresence", set_body("Busy", "InACall")));
      CHECK(state_of(m, kAdele) == pair("Busy", "InACall"));
      check_action_ok(
          m.post(base + "/setUserPreferredPresence", kPreferredBody));
      CHECK(state_of(m, kAdele) == pair("DoNotDisturb", "DoNotDisturb"));
      check_action_ok(m.post(base + "/clearUserPreferredPresence"));
      CHECK(state_of(m, kAdele) == pair("Busy", "InACall"));
      check_action_ok(m.post(base + "/setStatusMessage", kStatusBody));
      CHECK(body_of(m.get(base))["statusMessage"]["message"]["content"] ==
            "Hi");
      check_action_ok(m.post(base + "/clearPresence", kClearBody));
      CHECK(state_of(m, kAdele) == pair("Offline", "Offline"));
    }
  }

  TEST_CASE(
      "README a user is named by id in any case or by "
      "userPrincipalName") {
    Mock m;
    for (std::string_view user :
         {"66825E03-7EF5-42DA-9069-724602C31F6B", "alex@contoso.example",
          "ALEX@contoso.EXAMPLE"}) {
      CAPTURE(user);
      HttpResponse res = m.get(presence("v1.0", user));
      REQUIRE(res.status == 200);
      CHECK(body_of(res)["id"] == kAlex);
    }
    check_action_ok(
        m.post(presence("v1.0", "adele@contoso.example") + "/setPresence",
               set_body("Away", "Away")));
    CHECK(state_of(m, kAdele) == pair("Away", "Away"));
  }

  TEST_CASE(
      "README segments match ignoring case, actions may be "
      "microsoft.graph.-qualified, a trailing slash is ignored") {
    Mock m;
    check_action_ok(m.post("/V1.0/USERS/" + kAdele + "/PRESENCE/SETPRESENCE",
                           set_body("Away", "Away")));
    CHECK(state_of(m, kAdele) == pair("Away", "Away"));
    check_action_ok(m.post(
        "/Beta/Users/" + kAdele + "/Presence/microsoft.graph.setPresence",
        set_body("Busy", "InACall")));
    CHECK(state_of(m, kAdele) == pair("Busy", "InACall"));
    check_action_ok(m.post(
        "/v1.0/users/" + kAdele + "/presence/Microsoft.Graph.SetPresence/",
        set_body("DoNotDisturb", "Presenting")));
    CHECK(state_of(m, kAdele) == pair("DoNotDisturb", "Presenting"));
    HttpResponse res = m.get("/v1.0/users/" + kAlex + "/presence/");
    CHECK(res.status == 200);
    CHECK(body_of(res)["id"] == kAlex);
    res = m.get("/v1.0/Communications/Presences/" + kAlex + "/");
    CHECK(res.status == 200);
    CHECK(m.post("/v1.0/communications/microsoft.graph.getPresencesByUserId",
                 json{{"ids", {kAlex}}}.dump())
              .status == 200);
    check_action_ok(
        m.post("/v1.0/me/presence/microsoft.graph.clearPresence", kClearBody));
    // The namespace alone is not an action.
    check_error(m.post("/v1.0/me/presence/microsoft.graph.", kClearBody), 400,
                "BadRequest");
  }

  TEST_CASE(
      "R3.2 D7 getPresencesByUserId answers known ids once, in "
      "first-seen order, as a collection") {
    Mock m;
    HttpResponse res = m.post(
        "/beta/communications/getPresencesByUserId",
        json{{"ids",
              {kAlex, kUnknown, "FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3", kAlex}}}
            .dump());
    REQUIRE(res.status == 200);
    json j = body_of(res);
    CHECK(j["@odata.context"] ==
          "https://graph.microsoft.com/beta/$metadata#Collection(microsoft."
          "graph.presence)");
    REQUIRE(j["value"].size() == 2);
    CHECK(j["value"][0]["id"] == kAlex);
    CHECK(j["value"][0]["availability"] == "Away");
    CHECK(j["value"][1]["id"] == kAdele);
  }

  TEST_CASE(
      "D7 getPresencesByUserId with a bad ids list is 400 and with GET "
      "is 405 Allow: POST") {
    Mock m;
    for (std::string_view body :
         {R"({})", R"({"ids":[]})", R"({"ids":["nope"]})", "[]"}) {
      CAPTURE(body);
      check_error(m.post("/v1.0/communications/getPresencesByUserId",
                         std::string(body)),
                  400, "BadRequest");
    }
    HttpResponse res = m.get("/v1.0/communications/getPresencesByUserId");
    check_error(res, 405, "MethodNotAllowed");
    CHECK(res.header("Allow") == "POST");
  }

  TEST_CASE(
      "D9 an unknown user is 404 ResourceNotFound on every per-user "
      "route") {
    Mock m;
    std::string base = presence("v1.0", kUnknown);
    const std::vector<std::pair<std::string, std::string>> rows = {
        {base + "/setPresence", set_body()},
        {base + "/clearPresence", kClearBody},
        {base + "/setUserPreferredPresence", kPreferredBody},
        {base + "/clearUserPreferredPresence", ""},
        {base + "/setStatusMessage", kStatusBody},
        {"/v1.0/communications/presences/" + kUnknown + "/setPresence",
         set_body()},
    };
    for (const auto& [target, body] : rows) {
      CAPTURE(target);
      std::string message =
          check_error(m.post(target, body), 404, "ResourceNotFound");
      CHECK(contains(message, kUnknown));
    }
    check_error(m.get(base), 404, "ResourceNotFound");
    check_error(m.get("/beta/communications/presences/" + kUnknown), 404,
                "ResourceNotFound");
    check_error(m.get(presence("v1.0", "nobody@contoso.example")), 404,
                "ResourceNotFound");
  }

  TEST_CASE(
      "D9 with auto-create-users an unknown GUID user is created "
      "Offline on first touch; a non-GUID name still is 404") {
    Config c = manual_config();
    c.auto_create_users = true;
    Mock m(c);
    HttpResponse res = m.get(presence("v1.0", kUnknown));
    REQUIRE(res.status == 200);
    CHECK(body_of(res)["id"] == kUnknown);
    CHECK(state_of(m, kUnknown) == pair("Offline", "Offline"));
    check_error(m.get(presence("v1.0", "nobody@contoso.example")), 404,
                "ResourceNotFound");
  }

  TEST_CASE(
      "D1 D2 D11 D17 D23 invalid bodies reach the wire as 400 "
      "BadRequest naming the field") {
    Mock m;
    std::string base = presence("v1.0", kAdele);
    const std::vector<std::tuple<std::string, std::string, std::string>> rows =
        {
            {"/setPresence", R"({"availability":"Available",
                                 "activity":"Available"})",
             "sessionId"},
            {"/clearPresence", R"({"sessionId":""})", "sessionId"},
            {"/setPresence", set_body("Busy", "Busy"), "Busy/Busy"},
            {"/setPresence",
             R"({"sessionId":"a","availability":"Available",
                 "activity":"Available","expirationDuration":"1:00:00"})",
             "ISO 8601"},
            {"/setUserPreferredPresence",
             R"({"availability":"Away","activity":"Away",
                 "expirationDuration":"P31D"})",
             "expirationDuration"},
            {"/setStatusMessage",
             R"({"statusMessage":{"message":{"content":"x"},
                 "expiryDateTime":{"dateTime":"2026-01-01T10:00:00",
                                   "timeZone":"Nowhere/Land"}}})",
             "Nowhere/Land"},
            {"/setStatusMessage",
             R"({"statusMessage":{"message":{"content":"x",
                 "contentType":"html"}}})",
             "contentType"},
            {"/setPresence", "", "JSON object"},
            {"/setPresence", "{not json", "not valid JSON"},
        };
    for (const auto& [action, body, named] : rows) {
      CAPTURE(action);
      CAPTURE(body);
      std::string message =
          check_error(m.post(base + action, body), 400, "BadRequest");
      CHECK(contains(message, named));
    }
  }

  TEST_CASE("D11 the beta extra pairs are accepted under beta_extra_pairs") {
    Config c = manual_config();
    c.beta_extra_pairs = true;
    Mock m(c);
    check_action_ok(m.post(presence("beta", kAdele) + "/setPresence",
                           set_body("Offline", "OffWork")));
    CHECK(state_of(m, kAdele) == pair("Offline", "OffWork"));
  }

  // --- auth ------------------------------------------------------------------

  TEST_CASE(
      "D12 a missing Authorization header is 401 'Access token is "
      "empty.' with WWW-Authenticate: Bearer") {
    Mock m;
    for (const char* target :
         {"/v1.0/me/presence", "/beta/users/x/presence", "/v1.0/groups",
          "/v1.0/communications/getPresencesByUserId"}) {
      CAPTURE(target);
      HttpResponse res = m(Req("GET", target).without("Authorization"));
      CHECK(check_error(res, 401, "InvalidAuthenticationToken") ==
            "Access token is empty.");
      CHECK(res.header("WWW-Authenticate") == "Bearer");
    }
  }

  TEST_CASE(
      "D12 a malformed Authorization header is 401 'Access token "
      "validation failure.' with WWW-Authenticate: Bearer") {
    Mock m;
    for (const char* value :
         {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer  ", "Token abc",
          "Bearer a b", "Bearer\tabc", "t"}) {
      CAPTURE(value);
      HttpResponse res =
          m(Req("GET", "/v1.0/me/presence").header("Authorization", value));
      CHECK(check_error(res, 401, "InvalidAuthenticationToken") ==
            "Access token validation failure.");
      CHECK(res.header("WWW-Authenticate") == "Bearer");
    }
    // Two Authorization headers are not one bearer token either.
    Req twice("GET", "/v1.0/me/presence");
    twice.r.headers.emplace("Authorization", "Bearer u");
    HttpResponse res = m(twice);
    CHECK(check_error(res, 401, "InvalidAuthenticationToken") ==
          "Access token validation failure.");
    // An empty header value is an empty token.
    res = m(Req("GET", "/v1.0/me/presence").header("Authorization", ""));
    CHECK(check_error(res, 401, "InvalidAuthenticationToken") ==
          "Access token is empty.");
  }

  TEST_CASE(
      "D12 the Bearer scheme matches ignoring case and any non-empty "
      "token is accepted in permissive mode") {
    Mock m;
    for (const char* value :
         {"bearer t", "BEARER opaque-token", "Bearer  spaced", " Bearer x "}) {
      CAPTURE(value);
      HttpResponse res =
          m(Req("GET", "/v1.0/me/presence").header("Authorization", value));
      CHECK(res.status == 200);
    }
  }

  TEST_CASE(
      "D12 with AuthMode::Off no token is needed and a malformed one "
      "is ignored") {
    Config c = manual_config();
    c.auth = AuthMode::Off;
    Mock m(c);
    HttpResponse res =
        m(Req("GET", "/v1.0/me/presence").without("Authorization"));
    CHECK(res.status == 200);
    CHECK(res.header("WWW-Authenticate").empty());
    res = m(Req("POST", presence("v1.0", kAdele) + "/setPresence")
                .without("Authorization")
                .body(set_body()));
    check_action_ok(res);
    res = m(Req("GET", "/v1.0/me/presence").header("Authorization", "Basic x"));
    CHECK(res.status == 200);
  }

  TEST_CASE(
      "D12 /me with an application token is 400 BadRequest, on GET and "
      "on actions") {
    Mock m;
    std::string app_token =
        "Bearer " +
        jwt({{"appid", kApp}, {"roles", {"Presence.ReadWrite.All"}}});
    for (auto [method, target] :
         {std::pair{"GET", "/v1.0/me/presence"},
          std::pair{"POST", "/beta/me/presence/setPresence"}}) {
      CAPTURE(target);
      Req req(method, target);
      req.header("Authorization", app_token);
      if (std::string_view(method) == "POST") req.body(set_body());
      CHECK(check_error(m(req), 400, "BadRequest") ==
            "/me request is only valid with delegated authentication flow.");
    }
    // The same token may address a user by id.
    Req by_id("GET", presence("v1.0", kAlex));
    by_id.header("Authorization", app_token);
    CHECK(m(by_id).status == 200);
  }

  TEST_CASE("D25 /me is the token's oid, else --me, else the fixtures' me") {
    Mock m;
    Req with_oid("GET", "/v1.0/me/presence");
    with_oid.header(
        "Authorization",
        "Bearer " + jwt({{"oid", kAlex}, {"scp", "Presence.Read"}}));
    CHECK(body_of(m(with_oid))["id"] == kAlex);
    CHECK(body_of(m.get("/v1.0/me/presence"))["id"] == kAdele);

    Config c = manual_config();
    c.me = kAlex;
    Mock overridden(c);
    CHECK(body_of(overridden.get("/v1.0/me/presence"))["id"] == kAlex);

    Mock nobody(manual_config(), snapshot(false));
    CHECK(check_error(nobody.get("/v1.0/me/presence"), 400, "BadRequest") ==
          "/me request is only valid with delegated authentication flow.");
  }

  TEST_CASE(
      "R2.6 only the user themself sees the status message's expiry "
      "and published time") {
    Mock m;
    check_action_ok(m.post(
        "/v1.0/me/presence/setStatusMessage",
        R"({"statusMessage":{"message":{"content":"Out","contentType":"text"},
            "expiryDateTime":{"dateTime":"2026-01-02T17:00:00",
                              "timeZone":"UTC"}}})"));
    json self = body_of(m.get("/v1.0/me/presence"))["statusMessage"];
    CHECK(self ==
          json{{"message", {{"content", "Out"}, {"contentType", "text"}}},
               {"expiryDateTime",
                {{"dateTime", "2026-01-02T17:00:00"}, {"timeZone", "UTC"}}},
               {"publishedDateTime", "2026-01-01T00:00:00.0000000Z"}});
    // The caller is the fixtures' me (an opaque token): by id it is self too.
    CHECK(body_of(m.get(presence("v1.0", kAdele)))["statusMessage"] == self);
    Req other("GET", presence("v1.0", kAdele));
    other.header("Authorization", "Bearer " + jwt({{"oid", kAlex}}));
    CHECK(body_of(m(other))["statusMessage"] ==
          json{{"message", {{"content", "Out"}, {"contentType", "text"}}}});
    json many = body_of(
        m(Req("POST", "/v1.0/communications/getPresencesByUserId")
              .header("Authorization", "Bearer " + jwt({{"oid", kAlex}}))
              .body(json{{"ids", {kAdele}}}.dump())));
    CHECK(many["value"][0]["statusMessage"] ==
          json{{"message", {{"content", "Out"}, {"contentType", "text"}}}});
  }

  // --- D13
  // ---------------------------------------------------------------------

  TEST_CASE(
      "D13 a wrong method on a presence is 405 with Allow: GET, HEAD, "
      "on an action 405 with Allow: POST") {
    Mock m;
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
      CAPTURE(method);
      HttpResponse res = m(Req(method, presence("v1.0", kAlex)));
      check_error(res, 405, "MethodNotAllowed");
      CHECK(res.header("Allow") == "GET, HEAD");
      res = m(Req(method, "/beta/communications/presences/" + kAlex));
      check_error(res, 405, "MethodNotAllowed");
      CHECK(res.header("Allow") == "GET, HEAD");
    }
    for (const char* method : {"GET", "PUT", "DELETE", "HEAD"}) {
      CAPTURE(method);
      HttpResponse res =
          m(Req(method, presence("v1.0", kAlex) + "/setPresence"));
      check_error(res, 405, "MethodNotAllowed");
      CHECK(res.header("Allow") == "POST");
    }
    // HEAD is a GET.
    CHECK(m(Req("HEAD", presence("v1.0", kAlex))).status == 200);
  }

  TEST_CASE(
      "D13 an unknown segment under /v1.0 or /beta is 400 'Resource "
      "not found for the segment'") {
    Mock m;
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"/v1.0", "v1.0"},
        {"/beta/", "beta"},
        {"/v1.0/groups", "groups"},
        {"/v1.0/users", "users"},
        {"/v1.0/users/" + kAlex, kAlex},
        {"/v1.0/users/" + kAlex + "/calendar", "calendar"},
        {"/v1.0/users/" + kAlex + "/presence/setFoo", "setFoo"},
        {"/v1.0/users/" + kAlex + "/presence/setPresence/extra", "extra"},
        {"/v1.0/me", "me"},
        {"/v1.0/me/photo", "photo"},
        {"/beta/communications", "communications"},
        {"/beta/communications/calls", "calls"},
        {"/v1.0/communications/presences", "presences"},
        {"/v1.0/communications/getPresencesByUserId/x", "x"},
        {"/v1.0//users", ""},
        {"/v1.0/%24batch/x", "$batch"},
    };
    for (const auto& [target, segment] : rows) {
      CAPTURE(target);
      CHECK(check_error(m.get(target), 400, "BadRequest") ==
            "Resource not found for the segment '" + segment + "'.");
    }
  }

  TEST_CASE(
      "D13 any other path is 404 UnknownPath, with or without a "
      "token") {
    Mock m;
    for (const char* target :
         {"/", "/v2.0/users/x/presence", "/favicon.ico", "/v1.0x/me/presence",
          "*", "", "users/x/presence", "/_mock/nothing", "/_mock"}) {
      CAPTURE(target);
      check_error(m.get(target), 404, "UnknownPath");
      check_error(m(Req("GET", target).without("Authorization")), 404,
                  "UnknownPath");
    }
  }

  TEST_CASE(
      "README a $ query option other than $select on reads is 400 "
      "BadRequest naming it; other query parameters are ignored") {
    Mock m;
    for (const std::string& target :
         {presence("v1.0", kAlex) + "?a=1&$expand=x",
          presence("beta", kAlex) + "?%24filter=x",
          presence("v1.0", kAlex) + "?$select=availability&$top=1",
          std::string("/v1.0/me/presence?$filter=x")}) {
      CAPTURE(target);
      std::string message = check_error(m.get(target), 400, "BadRequest");
      CHECK(contains(message, "'$"));
    }
    // $select is for reads only.
    check_error(m.post(presence("v1.0", kAdele) + "/setPresence?$select=id",
                       set_body()),
                400, "BadRequest");
    check_error(
        m.post(presence("v1.0", kAdele) + "/setPresence?$top=1", set_body()),
        400, "BadRequest");
    CHECK(m.get(presence("v1.0", kAlex) + "?foo=bar&baz").status == 200);
    CHECK(m.get(presence("v1.0", kAlex) + "?").status == 200);
  }

  TEST_CASE(
      "D11 the four extra beta pairs are refused by default and "
      "accepted with --beta-extra-pairs, in both versions") {
    Config on = manual_config();
    on.beta_extra_pairs = true;
    Mock strict, lenient(on);
    const std::pair<const char*, const char*> extra[] = {
        {"Busy", "Busy"},
        {"DoNotDisturb", "DoNotDisturb"},
        {"BeRightBack", "BeRightBack"},
        {"Offline", "OffWork"}};
    for (const char* version : {"v1.0", "beta"}) {
      for (const auto& [a, b] : extra) {
        CAPTURE(version);
        CAPTURE(a);
        std::string target = presence(version, kAdele) + "/setPresence";
        check_error(strict.post(target, set_body(a, b)), 400, "BadRequest");
        check_action_ok(lenient.post(target, set_body(a, b)));
        json now = json::parse(lenient.get(presence(version, kAdele)).body);
        CHECK(now["availability"] == a);
        CHECK(now["activity"] == b);
      }
    }
  }

  TEST_CASE(
      "$select answers only the named properties plus id; an unknown "
      "property is Graph's 400") {
    Mock m;
    for (const std::string& target :
         {presence("v1.0", kAlex) + "?$select=availability,Activity",
          presence("beta", kAlex) + "?%24select=activity,availability"}) {
      CAPTURE(target);
      HttpResponse res = m.get(target);
      REQUIRE(res.status == 200);
      json body = json::parse(res.body);
      body.erase("@odata.context");
      CHECK(body == json{{"id", kAlex},
                         {"availability", "Away"},
                         {"activity", "Away"}});
    }
    HttpResponse all = m.get(presence("v1.0", kAlex) + "?$select=*");
    CHECK(json::parse(all.body).contains("workLocation"));
    CHECK(check_error(m.get(presence("v1.0", kAlex) + "?$select=foo"), 400,
                      "BadRequest") ==
          "Could not find a property named 'foo' on type "
          "'microsoft.graph.presence'.");
    check_error(m.get(presence("v1.0", kAlex) + "?$select="), 400,
                "BadRequest");
    check_error(m.get(presence("v1.0", kAlex) + "?$select=id&$select=activity"),
                400, "BadRequest");
    HttpResponse many =
        m.post("/v1.0/communications/getPresencesByUserId?$select=activity",
               json{{"ids", {kAlex}}}.dump());
    REQUIRE(many.status == 200);
    CHECK(json::parse(many.body)["value"] ==
          json::array({json{{"id", kAlex}, {"activity", "Away"}}}));
  }

  // --- D18
  // ---------------------------------------------------------------------

  TEST_CASE(
      "D18 a body that is not application/json is 415 "
      "UnsupportedMediaType") {
    Mock m;
    std::string target = presence("v1.0", kAdele) + "/setPresence";
    for (const char* type :
         {"text/plain", "application/x-www-form-urlencoded",
          "application/jsonx", "application/json-patch+json", "json", ""}) {
      CAPTURE(type);
      check_error(m(Req("POST", target).body(set_body(), type)), 415,
                  "UnsupportedMediaType");
    }
    Req untyped("POST", target);
    untyped.r.body = set_body();  // no Content-Type at all
    check_error(m(untyped), 415, "UnsupportedMediaType");
    check_error(m(Req("POST", "/v1.0/communications/getPresencesByUserId")
                      .body(json{{"ids", {kAlex}}}.dump(), "text/json")),
                415, "UnsupportedMediaType");
  }

  TEST_CASE(
      "D18 application/json with parameters and in any case is "
      "accepted") {
    Mock m;
    std::string target = presence("v1.0", kAdele) + "/setPresence";
    for (const char* type :
         {"application/json; charset=utf-8", "APPLICATION/JSON",
          "Application/Json;odata.metadata=minimal", " application/json "}) {
      CAPTURE(type);
      check_action_ok(m(Req("POST", target).body(set_body(), type)));
    }
  }

  TEST_CASE(
      "D18 a Content-Encoding the transport did not decode (gzip is "
      "decoded before routing) is 415, even on an empty body") {
    Mock m;
    std::string target = presence("v1.0", kAdele) + "/setPresence";
    for (const char* encoding : {"gzip", "br", "deflate", "gzip, identity"}) {
      CAPTURE(encoding);
      check_error(m(Req("POST", target)
                        .body(set_body())
                        .header("Content-Encoding", encoding)),
                  415, "UnsupportedMediaType");
      check_error(m(Req("POST", presence("v1.0", kAdele) +
                                    "/clearUserPreferredPresence")
                        .header("Content-Encoding", encoding)),
                  415, "UnsupportedMediaType");
    }
    check_action_ok(m(Req("POST", target)
                          .body(set_body())
                          .header("Content-Encoding", "identity")));
  }

  TEST_CASE(
      "D18 a body the transport left unread is 415 without being "
      "parsed") {
    Mock m;
    for (const char* action : {"/setPresence", "/clearUserPreferredPresence"}) {
      CAPTURE(action);
      Req req("POST", presence("v1.0", kAdele) + action);
      req.header("Content-Type", "text/plain");
      req.r.body_unread = true;
      check_error(m(req), 415, "UnsupportedMediaType");
    }
  }

  TEST_CASE(
      "D18 R3.6.1 an empty POST is fine where the action takes no "
      "parameters, and 400 where it does") {
    Mock m;
    check_action_ok(m(
        Req("POST", presence("v1.0", kAdele) + "/clearUserPreferredPresence")));
    check_action_ok(
        m(Req("POST", presence("v1.0", kAdele) + "/clearUserPreferredPresence")
              .body("", "application/json")));
    check_error(m(Req("POST", presence("v1.0", kAdele) + "/setPresence")), 400,
                "BadRequest");
  }

  // --- common headers
  // -----------------------------------------------------------

  TEST_CASE("R6.2 every response carries a fresh GUID request-id") {
    Mock m;
    std::vector<HttpResponse> responses = {
        m.get(presence("v1.0", kAlex)), m.get(presence("v1.0", kAlex)),
        m.post(presence("v1.0", kAdele) + "/setPresence", set_body()),
        m.get("/nowhere"), m.get("/_mock/clock")};
    std::vector<std::string> ids;
    for (const HttpResponse& res : responses) {
      std::string id = res.header("request-id");
      CAPTURE(id);
      CHECK(gpm::store::is_guid(id));
      CHECK(id[14] == '4');  // version 4
      ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  }

  TEST_CASE(
      "R6.2 client-request-id is echoed when it is a short printable "
      "token, else it is the request-id") {
    Mock m;
    const std::string long_ok(200, 'x');
    for (const std::string& id :
         {std::string("e70c5c1b-8b47-68c0-3171-3d22f5e0bd54"),
          std::string("abc"), long_ok}) {
      CAPTURE(id);
      HttpResponse res = m(
          Req("GET", presence("v1.0", kAlex)).header("client-request-id", id));
      CHECK(res.header("client-request-id") == id);
      res = m(Req("GET", "/v1.0/nope").header("client-request-id", id));
      CHECK(res.header("client-request-id") == id);
      CHECK(body_of(res)["error"]["innerError"]["client-request-id"] == id);
    }
    for (const std::string& id :
         {std::string(201, 'x'), std::string("a b"), std::string("a\tb"),
          std::string("caf\xc3\xa9"), std::string("\x01"), std::string("")}) {
      CAPTURE(id);
      HttpResponse res =
          m(Req("GET", "/v1.0/nope").header("client-request-id", id));
      CHECK(res.header("client-request-id") == res.header("request-id"));
      CHECK(body_of(res)["error"]["innerError"]["client-request-id"] ==
            res.header("request-id"));
    }
    HttpResponse res = m.get(presence("v1.0", kAlex));
    CHECK(res.header("client-request-id") == res.header("request-id"));
  }

  TEST_CASE(
      "D20 the Date header and innerError.date come from the manual "
      "clock") {
    Mock m;
    HttpResponse res = m.get(presence("v1.0", kAlex));
    CHECK(res.header("Date") == "Thu, 01 Jan 2026 00:00:00 GMT");
    HttpResponse moved = m(Req("POST", "/_mock/clock")
                               .without("Authorization")
                               .body(R"({"advance":"PT7M5S"})"));
    REQUIRE(moved.status == 200);
    CHECK(body_of(moved)["now"] == "2026-01-01T00:07:05.000Z");
    res = m.get("/v1.0/nope");
    CHECK(res.header("Date") == "Thu, 01 Jan 2026 00:07:05 GMT");
    CHECK(body_of(res)["error"]["innerError"]["date"] == "2026-01-01T00:07:05");
    m.clock().advance(std::chrono::hours(24 * 31));
    CHECK(m.get(presence("v1.0", kAlex)).header("Date") ==
          "Sun, 01 Feb 2026 00:07:05 GMT");
  }

  TEST_CASE(
      "R4.5 D20 presence fades as the manual clock moves, and only "
      "then") {
    Mock m;
    check_action_ok(
        m.post(presence("v1.0", kAdele) + "/setPresence", set_body()));
    CHECK(state_of(m, kAdele) == pair("Available", "Available"));
    m.clock().advance(minutes(5));
    CHECK(state_of(m, kAdele) == pair("Available", "AvailableInactive"));
    m.clock().advance(minutes(5));
    CHECK(state_of(m, kAdele) == pair("Away", "Away"));
    m.clock().advance(minutes(50));
    CHECK(state_of(m, kAdele) == pair("Offline", "Offline"));
    // D8: an expired session cannot be cleared.
    check_error(m.post(presence("v1.0", kAdele) + "/clearPresence", kClearBody),
                404, "NotFound");
  }

  TEST_CASE(
      "README the control plane needs no token; reset restores the "
      "snapshot") {
    Mock m;
    check_action_ok(m.post(presence("v1.0", kAlex) + "/setPresence",
                           set_body("DoNotDisturb", "Presenting")));
    CHECK(state_of(m, kAlex) == pair("DoNotDisturb", "Presenting"));
    HttpResponse res = m(Req("POST", "/_mock/reset").without("Authorization"));
    CHECK(res.status == 200);
    CHECK(state_of(m, kAlex) == pair("Away", "Away"));
    res = m(Req("GET", "/_mock/clock").without("Authorization"));
    CHECK(res.status == 200);
    CHECK(body_of(res)["mode"] == "manual");
    res = m(Req("DELETE", "/_mock/clock").without("Authorization"));
    check_error(res, 405, "MethodNotAllowed");
    CHECK(res.header("Allow") == "GET, HEAD, POST");
    res = m(Req("GET", "/_mock/reset").without("Authorization"));
    check_error(res, 405, "MethodNotAllowed");
    CHECK(res.header("Allow") == "POST");
  }

  TEST_CASE(
      "README the manual clock never moves backwards: a 'now' in the "
      "past is 400 and the clock stays") {
    Mock m;
    HttpResponse res = m(
        Req("POST", "/_mock/clock").body(R"({"now":"2025-12-31T23:59:59Z"})"));
    check_error(res, 400, "BadRequest");
    CHECK(m.clock().now() == t0);
    for (const char* body :
         {R"({"advance":"1:00:00"})", R"({"advance":5})", R"({})",
          R"({"advance":"PT1M","now":"2026-01-02T00:00:00Z"})",
          R"({"now":"tomorrow"})"}) {
      CAPTURE(body);
      check_error(m(Req("POST", "/_mock/clock").body(body)), 400, "BadRequest");
      CHECK(m.clock().now() == t0);
    }
  }

  TEST_CASE(
      "D20 an advance past the clock's range is refused, not "
      "wrapped into the past") {
    // 100,000 days from 2026 is past 2262, the end of a nanosecond
    // system_clock; the clock must not wrap around to before its start.
    Mock m;
    HttpResponse res =
        m(Req("POST", "/_mock/clock").body(R"({"advance":"P100000D"})"));
    CAPTURE(res.body);
    CHECK(res.status == 400);
    CHECK(m.clock().now() >= t0);
    CHECK(m.get(presence("v1.0", kAlex)).header("Date") ==
          "Thu, 01 Jan 2026 00:00:00 GMT");
  }

  // --- no leaks, hostile input
  // ---------------------------------------------------

  TEST_CASE(
      "no internal text: hostile targets get a 4xx Graph envelope: bad "
      "escapes, invalid UTF-8, NULs, long paths") {
    Mock m;
    std::string long_segment(10000, 'a');
    std::string many_segments;
    for (int i = 0; i < 5000; ++i) many_segments += "/a";
    const std::vector<std::string> targets = {
        "/v1.0/users/%zz/presence",
        "/v1.0/users/%/presence",
        "/v1.0/users/%4/presence",
        "/v1.0/users/abc%",
        "/v1.0/users/abc%4",
        "/v1.0/users/%ff%fe/presence",
        "/v1.0/users/%c3%28/presence",
        "/v1.0/\xff\xfe",
        "/v1.0/users/\xc3\x28/presence",
        "/v1.0/users/%00/presence",
        std::string("/v1.0/users/a\0b/presence", 24),
        "/v1.0/users/" + long_segment + "/presence",
        "/v1.0" + many_segments,
        many_segments,
        "/v1.0/users/x/presence?$sel%zz=1",
        "/_mock/%zz",
        "/tenants/%zz/v1.0/me/presence",
        "/tenants/" + long_segment + "/v1.0/me/presence",
        "/v1.0/users/..%2F..%2Fetc%2Fpasswd/presence",
    };
    for (const std::string& target : targets) {
      CAPTURE(target.substr(0, 80));
      check_client_error(m.get(target));
      check_client_error(m.post(target, "{}"));
    }
    // Invalid UTF-8 in a user name is replaced in the message, not thrown.
    HttpResponse res = m.get("/v1.0/users/%ff%fe/presence");
    std::string message = check_error(res, 404, "ResourceNotFound");
    CHECK(contains(message, "\xEF\xBF\xBD"));
  }

  TEST_CASE(
      "no internal text: D1 hostile bodies get a 400 Graph envelope: "
      "deep nesting, huge numbers, invalid UTF-8, NULs") {
    Mock m;
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    std::string set = presence("v1.0", kAdele) + "/setPresence";
    std::string many = "/v1.0/communications/getPresencesByUserId";
    const std::vector<std::pair<std::string, std::string>> rows = {
        {set, R"({"sessionId":"a","availability":"Available",
                  "activity":"Available","expirationDuration":)" +
                  deep + "}"},
        {many, R"({"ids":)" + deep + "}"},
        {many, R"({"ids":[)" + deep + "]}"},
        {set, deep},
        {set, std::string(1000000, '{')},
        {set, R"({"sessionId":"a","availability":"Available",
                  "activity":"Available","expirationDuration":1e999})"},
        {set, R"({"sessionId":123456789012345678901234567890,
                  "availability":"Available","activity":"Available"})"},
        {set, R"({"sessionId":"a","availability":"Available",
                  "activity":"Available",
                  "expirationDuration":"PT99999999999999999999H"})"},
        {many, R"({"ids":[1e400]})"},
        {set, "\xff\xfe{}"},
        {set, std::string("{\"sessionId\":\"a\0b\"}", 19)},
        {set,
         "{\"sessionId\":\"a\",\"availability\":\"\xff\","
         "\"activity\":\"Available\"}"},
    };
    for (const auto& [target, body] : rows) {
      CAPTURE(body.substr(0, 60));
      check_error(m.post(target, body), 400, "BadRequest");
    }
    // A string of invalid UTF-8 makes the body invalid JSON (RFC 8259).
    CHECK(check_error(m.post(presence("v1.0", kAdele) + "/clearPresence",
                             "{\"sessionId\":\"\xc3\x28\"}"),
                      400,
                      "BadRequest") == "The request body is not valid JSON.");
  }

  TEST_CASE(
      "no internal text: the 400 for malformed JSON carries no parser "
      "text") {
    Mock m;
    for (const char* body : {"{\"a\":", "{'a':1}", "[1,2", "{\"a\":tru}"}) {
      CAPTURE(body);
      HttpResponse res =
          m.post(presence("v1.0", kAdele) + "/setPresence", body);
      CHECK(check_error(res, 400, "BadRequest") ==
            "The request body is not valid JSON.");
      CHECK_FALSE(contains(res.body, "json.exception"));
      CHECK_FALSE(contains(res.body, "parse_error"));
      CHECK_FALSE(contains(res.body, "syntax error"));
    }
  }

  TEST_CASE(
      "no internal text: an unexpected exception inside a handler is a "
      "500 with the fixed message and no internal text on the wire") {
    Mock m(manual_config());
    // Replace the tenants with ones on a clock that fails on demand (system
    // mode, so the tenant reads this clock).
    FailingClock clock;
    m.service->tenants = std::make_unique<gpm::store::TenantRegistry>(
        m.service->base, clock, std::nullopt, 10, 100);
    // The request's own clock reading succeeds; the handler's second
    // reading (GET /_mock/tenants reads each tenant's clock) throws.
    clock.allow(1);
    HttpResponse res =
        m(Req("GET", "/_mock/tenants").header("client-request-id", "probe-1"));
    CHECK(check_error(res, 500, "InternalServerError") ==
          "An internal server error occurred.");
    CHECK(res.header("client-request-id") == "probe-1");
    CHECK(gpm::store::is_guid(res.header("request-id")));
    CHECK(res.header("Date") == "Thu, 01 Jan 2026 00:00:00 GMT");
    CHECK_FALSE(contains(res.body, "secret"));
    CHECK_FALSE(contains(res.body, "store.cpp"));
    for (const auto& [name, value] : res.headers) {
      CAPTURE(name);
      CHECK_FALSE(contains(value, "secret"));
      CHECK_FALSE(contains(value, "store.cpp"));
    }
  }

  TEST_CASE(
      "no internal text: a clock failure before routing is a 500 "
      "envelope too, never an exception out of handle()") {
    Mock m(manual_config());
    FailingClock clock;
    m.service->tenants = std::make_unique<gpm::store::TenantRegistry>(
        m.service->base, clock, std::nullopt, 10, 100);
    clock.allow(0);
    for (const char* target :
         {"/v1.0/me/presence", "/v1.0/nope", "/_mock/clock"}) {
      CAPTURE(target);
      HttpResponse res = m.get(target);
      CHECK(check_error(res, 500, "InternalServerError") ==
            "An internal server error occurred.");
      CHECK_FALSE(contains(res.body, "secret"));
      for (const auto& [name, value] : res.headers) {
        CHECK_FALSE(contains(value, "secret"));
      }
    }
  }

  TEST_CASE(
      "D19 reject() writes a transport refusal in the Graph envelope "
      "with the common headers") {
    Mock m;
    Req req("POST", presence("v1.0", kAdele) + "/setPresence");
    req.header("client-request-id", "big-body");
    HttpResponse res =
        m.router->reject(req.r, gpm::graph::errors::payload_too_large(1048576));
    CHECK(contains(check_error(res, 413, "RequestEntityTooLarge"), "1048576"));
    CHECK(res.header("client-request-id") == "big-body");
    CHECK(res.header("Date") == "Thu, 01 Jan 2026 00:00:00 GMT");
    res = m.router->reject(req.r, gpm::graph::errors::internal());
    CHECK(check_error(res, 500, "InternalServerError") ==
          "An internal server error occurred.");
  }

  TEST_CASE(
      "transport_error_response writes the HTTP layer's refusals in "
      "the Graph envelope") {
    const std::vector<std::pair<int, std::string>> rows = {
        {400, "BadRequest"},
        {414, "RequestUriTooLong"},
        {416, "RequestedRangeNotSatisfiable"},
        {500, "InternalServerError"}};
    for (const auto& [status, code] : rows) {
      CAPTURE(status);
      HttpResponse res = gpm::http::transport_error_response(
          status, instant("2026-01-01T00:07:00Z"), "cid-1");
      check_error(res, status, code);
      CHECK(res.header("client-request-id") == "cid-1");
      CHECK(res.header("Date") == "Thu, 01 Jan 2026 00:07:00 GMT");
      CHECK(body_of(res)["error"]["innerError"]["date"] ==
            "2026-01-01T00:07:00");
    }
    HttpResponse res =
        gpm::http::transport_error_response(400, t0, std::string(300, 'x'));
    CHECK(res.header("client-request-id") == res.header("request-id"));
    CHECK(gpm::http::transport_error_response(500, t0, "")
              .body.find("An internal server error occurred.") !=
          std::string::npos);
  }

  // --- split_path and query_names
  // ---------------------------------------------

  TEST_CASE(
      "split_path: segments percent-decoded, a trailing slash adds "
      "none, inner empty segments are kept") {
    using V = std::vector<std::string>;
    using gpm::http::split_path;
    CHECK(split_path("") == V{});
    CHECK(split_path("/") == V{});
    CHECK(split_path("/a") == V{"a"});
    CHECK(split_path("/a/b") == V{"a", "b"});
    CHECK(split_path("/a/b/") == V{"a", "b"});
    CHECK(split_path("a/b") == V{"a", "b"});
    CHECK(split_path("/a//b") == V{"a", "", "b"});
    CHECK(split_path("//") == V{""});
    CHECK(split_path("/a%2Fb/c") == V{"a/b", "c"});
    CHECK(split_path("/%41%62c") == V{"Abc"});
    CHECK(split_path("/a%20b") == V{"a b"});
    CHECK(split_path("/a+b") == V{"a+b"});
    CHECK(split_path("/%24batch") == V{"$batch"});
    CHECK(split_path("/%00") == V{std::string(1, '\0')});
    CHECK(split_path("/%ff") == V{"\xff"});
  }

  TEST_CASE("split_path: a bad percent escape is a 400 GraphError") {
    for (std::string_view path :
         {"/%", "/%4", "/%zz", "/%4g", "/a%", "/%%41", "/%g0"}) {
      CAPTURE(path);
      try {
        gpm::http::split_path(path);
        FAIL_CHECK("no error");
      } catch (const gpm::graph::GraphError& e) {
        CHECK(e.status() == 400);
        CHECK(e.code() == "BadRequest");
      }
    }
  }

  TEST_CASE(
      "query_names: decoded names in order, values and empty names "
      "dropped") {
    using V = std::vector<std::string>;
    using gpm::http::query_names;
    CHECK(query_names("") == V{});
    CHECK(query_names("a=1&b=2") == V{"a", "b"});
    CHECK(query_names("$select=id") == V{"$select"});
    CHECK(query_names("%24top=1") == V{"$top"});
    CHECK(query_names("a&&b") == V{"a", "b"});
    CHECK(query_names("=x&&=") == V{});
    CHECK(query_names("flag") == V{"flag"});
    CHECK(query_names("a=1=2") == V{"a"});
    CHECK(query_names("a%3Db=1") == V{"a=b"});
    CHECK_THROWS_AS(query_names("a%zz=1"), gpm::graph::GraphError);
    // Values are not decoded: a bad escape there is not the name's problem.
    CHECK(query_names("a=%zz") == V{"a"});
  }

  TEST_CASE("query_params: decoded pairs, '+' stays '+'") {
    using P = std::vector<std::pair<std::string, std::string>>;
    using gpm::http::query_params;
    CHECK(query_params("") == P{});
    CHECK(query_params("mode=merge") == P{{"mode", "merge"}});
    CHECK(query_params("a=1&b&c=x%20y") ==
          P{{"a", "1"}, {"b", ""}, {"c", "x y"}});
    CHECK(query_params("a+b=c+d") == P{{"a+b", "c+d"}});
    CHECK(query_params("=1&x=") == P{{"x", ""}});
    CHECK_THROWS_AS(query_params("a=%zz"), gpm::graph::GraphError);
  }

  // --- x-mock-hint ---------------------------------------------------------

  TEST_CASE(
      "x-mock-hint: a 401 names the active --auth mode; its body is "
      "Graph's") {
    Mock m;
    HttpResponse res =
        m(Req("GET", presence("v1.0", kAlex)).without("Authorization"));
    CHECK(check_error(res, 401, "InvalidAuthenticationToken") ==
          "Access token is empty.");
    CHECK(res.header("x-mock-hint").find("--auth permissive") !=
          std::string::npos);
    CHECK(res.body.find("--auth") == std::string::npos);
    res = m(Req("GET", presence("v1.0", kAlex))
                .header("Authorization", "Bearer a b"));
    check_error(res, 401, "InvalidAuthenticationToken");
    CHECK(res.header("x-mock-hint").find("/_mock/token") != std::string::npos);
    Config strict = manual_config();
    strict.auth = gpm::AuthMode::Strict;
    Mock s(strict);
    res = s(Req("GET", presence("v1.0", kAlex))
                .header("Authorization", "Bearer opaque"));
    check_error(res, 401, "InvalidAuthenticationToken");
    CHECK(res.header("x-mock-hint").find("--auth strict") != std::string::npos);
  }

  TEST_CASE(
      "x-mock-hint: an unknown user, an unknown /_mock path, invalid "
      "JSON and /me without a me each get their hint") {
    Mock m;
    HttpResponse res = m.get(presence("v1.0", "no-such-user"));
    check_error(res, 404, "ResourceNotFound");
    CHECK(res.header("x-mock-hint").find("POST /_mock/users") !=
          std::string::npos);
    res = m(Req("GET", "/_mock/nope").without("Authorization"));
    check_error(res, 404, "UnknownPath");
    CHECK(res.header("x-mock-hint") ==
          "This is not a control endpoint of the mock; see GET /_mock/routes "
          "for the list.");
    res = m(Req("POST", presence("v1.0", kAlex) + "/setPresence")
                .body("{\"sessionId\": x}"));
    CHECK(check_error(res, 400, "BadRequest") ==
          "The request body is not valid JSON.");
    CHECK(res.header("x-mock-hint") ==
          "The JSON parser stopped at byte 15 of the 16-byte body.");
    Mock no_me(manual_config(), snapshot(false));
    res = no_me.get("/v1.0/me/presence");
    check_error(res, 400, "BadRequest");
    CHECK(res.header("x-mock-hint").find("--me") != std::string::npos);
    // A Graph path outside every root has no hint (nothing mock-specific).
    CHECK_FALSE(m.get("/nowhere").header("x-mock-hint").size() > 0);
  }

  TEST_CASE(
      "D13 an Allow header a handler writes itself gets HEAD beside "
      "GET too") {
    Mock m;
    HttpResponse res =
        m(Req("POST", "/common/v2.0/.well-known/openid-configuration")
              .body("{}"));
    CHECK(res.status == 405);
    CHECK(res.header("Allow") == "GET, HEAD");
  }
}

TEST_SUITE("router: control token") {
  Config token_config() {
    Config c = manual_config();
    c.control_token = "s3cret-token";
    return c;
  }

  TEST_CASE(
      "Security --control-token: /_mock/ without the header, or with a wrong "
      "one, is 401 and does nothing") {
    Mock m(token_config());
    for (const std::string& value :
         {std::string(), std::string("wrong"), std::string("s3cret-token "),
          std::string("s3cret-toke"), std::string("S3CRET-TOKEN")}) {
      CAPTURE(value);
      Req req("POST", "/_mock/clock");
      req.body(R"({"advance":"PT1H"})");
      if (!value.empty()) req.header("X-Mock-Control-Token", value);
      HttpResponse res = m(req);
      std::string message = check_error(res, 401, "Unauthorized");
      CHECK(contains(message, "X-Mock-Control-Token"));
      CHECK_FALSE(contains(message, "s3cret"));
      CHECK(m.clock().now() == t0);  // nothing moved
    }
    CHECK(m.get("/_mock/state").status == 401);
    CHECK(m.get("/tenants/other/_mock/users").status == 401);
    CHECK(m.post("/_mock/reset").status == 401);
  }

  TEST_CASE(
      "Security --control-token: the right header opens /_mock/; GET and "
      "HEAD /_mock/health and Graph routes need none") {
    Mock m(token_config());
    Req req("POST", "/_mock/clock");
    req.body(R"({"advance":"PT1H"})")
        .header("x-mock-control-token", "s3cret-token");
    CHECK(m(req).status == 200);
    CHECK(m.clock().now() == t0 + std::chrono::hours(1));
    CHECK(m.get("/_mock/health").status == 200);
    CHECK(m(Req("HEAD", "/_mock/health")).status == 200);
    CHECK(m(Req("HEAD", "/_mock/state")).status == 401);
    CHECK(m.get(presence("v1.0", kAdele)).status == 200);
  }

  TEST_CASE("Security without --control-token the control plane is open") {
    Mock m;
    CHECK(m.get("/_mock/state").status == 200);
  }

  TEST_CASE("Security constant_time_equals compares whole strings") {
    using gpm::http::constant_time_equals;
    CHECK(constant_time_equals("", ""));
    CHECK(constant_time_equals("abc", "abc"));
    CHECK_FALSE(constant_time_equals("abc", "abd"));
    CHECK_FALSE(constant_time_equals("abc", "ab"));
    CHECK_FALSE(constant_time_equals("ab", "abc"));
    CHECK_FALSE(constant_time_equals("", "a"));
    CHECK_FALSE(constant_time_equals(std::string("a\0b", 3), "a"));
  }
}

TEST_SUITE("router: journal write order") {
  TEST_CASE(
      "Journal writeSequence numbers every write in the order it took effect; "
      "reads have none") {
    Mock m;
    const std::string p = presence("v1.0", kAdele);
    CHECK(m.post(p + "/setPresence",
                 R"({"sessionId":")" + kApp +
                     R"(","availability":"Busy","activity":"InACall"})")
              .status == 200);
    CHECK(m.get(p).status == 200);
    CHECK(m.post(p + "/clearPresence", R"({"sessionId":")" + kApp + R"("})")
              .status == 200);
    // A clear of a session that is gone is a write that found nothing (404).
    CHECK(m.post(p + "/clearPresence", R"({"sessionId":")" + kApp + R"("})")
              .status == 404);
    CHECK(m.post(p + "/setPresence", "{}").status ==
          400);  // refused before the store
    json entries = body_of(m.get("/_mock/journal"))["entries"];
    REQUIRE(entries.size() == 5);
    REQUIRE(entries[0]["writeSequence"].is_number_unsigned());
    CHECK(entries[1]["writeSequence"].is_null());
    REQUIRE(entries[2]["writeSequence"].is_number_unsigned());
    REQUIRE(entries[3]["writeSequence"].is_number_unsigned());
    CHECK(entries[4]["writeSequence"].is_null());
    CHECK(entries[0]["writeSequence"].get<uint64_t>() <
          entries[2]["writeSequence"].get<uint64_t>());
    CHECK(entries[2]["writeSequence"].get<uint64_t>() <
          entries[3]["writeSequence"].get<uint64_t>());
  }
  TEST_CASE(
      "Journal user and app: the store's id of a user named by UPN in any "
      "case, the "
      "path's id lower-cased when there is no such user, and the body's "
      "sessionId also "
      "when the call fails after reading it") {
    Mock m;
    CHECK(m.get(presence("v1.0", "ADELE@Contoso.Example")).status == 200);
    CHECK(m.get(presence("v1.0", "NoSuch@X.Example")).status == 404);
    // A write that reached the user, then found no such session (D8).
    CHECK(m.post(presence("v1.0", "Adele@contoso.example") + "/clearPresence",
                 R"({"sessionId":"Gone-App"})")
              .status == 404);
    // A write for a user that is not there (D9): no write took effect.
    CHECK(
        m.post(
             presence("v1.0", "Ghost") + "/setPresence",
             R"({"sessionId":"Some-App","availability":"Busy","activity":"InACall"})")
            .status == 404);
    // Refused before the token was read: no user.
    CHECK(m(Req("GET", presence("v1.0", kAdele)).without("Authorization"))
              .status == 401);
    json entries = body_of(m.get("/_mock/journal"))["entries"];
    REQUIRE(entries.size() == 5);
    CHECK(entries[0]["user"] == kAdele);
    CHECK(entries[0]["app"].is_null());
    CHECK(entries[1]["user"] == "nosuch@x.example");
    CHECK(entries[2]["user"] == kAdele);
    CHECK(entries[2]["app"] == "Gone-App");
    CHECK(entries[2]["writeSequence"].is_number_unsigned());
    CHECK(entries[3]["user"] == "ghost");
    CHECK(entries[3]["app"] == "Some-App");
    CHECK(entries[3]["writeSequence"].is_null());
    CHECK(entries[4]["user"].is_null());
    CHECK(entries[4]["status"] == 401);
  }
}
