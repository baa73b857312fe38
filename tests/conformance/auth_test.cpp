// Authentication on the wire: D12 (401 bodies, /me with an app token), D25
// (who /me is), R5.2, R5.4.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

// One request of each kind the API serves, for "every route" checks.
struct Route {
  const char* method;
  std::string path;
  std::optional<std::string> body;
};

std::vector<Route> routes(std::string_view version, PathForm form,
                          const std::string& user) {
  const std::string p = presence_path(version, form, user);
  const std::string app = options().app;
  return {
      {"GET", p, std::nullopt},
      {"POST", p + "/setPresence",
       json{{"sessionId", app}, {"availability", "Away"}, {"activity", "Away"}}
           .dump()},
      {"POST", p + "/clearPresence", json{{"sessionId", app}}.dump()},
      {"POST", p + "/setUserPreferredPresence",
       json{{"availability", "Away"}, {"activity", "Away"}}.dump()},
      {"POST", p + "/clearUserPreferredPresence", std::string("{}")},
      {"POST", p + "/setStatusMessage",
       json{{"statusMessage",
             {{"message", {{"content", "x"}, {"contentType", "text"}}}}}}
           .dump()},
  };
}

}  // namespace

TEST_CASE(
    "R5.4 D12 a request without Authorization is 401 with WWW-Authenticate: "
    "Bearer") {
  for (auto version : kVersions) {
    std::vector<Route> all = routes(version, PathForm::Users, options().user);
    all.push_back(
        {"POST",
         "/" + std::string(version) + "/communications/getPresencesByUserId",
         json{{"ids", {options().user}}}.dump()});
    for (const Route& route : all) {
      INFO(route.method << " " << route.path);
      Reply r = request(route.method, route.path, route.body, {}, Auth::None);
      check_graph_error(r, 401);
      CHECK(lower(r.header("WWW-Authenticate")).rfind("bearer", 0) == 0);
    }
  }
}

TEST_CASE(
    "R5.4 D12 an Authorization header that is not Bearer <token> is 401") {
  for (const char* value :
       {"Basic xyz", "Bearer ", "Bearer", "Token conformance-token"}) {
    INFO("Authorization: " << value);
    Reply r =
        request("GET", presence_path("v1.0", PathForm::Users, options().user),
                std::nullopt, Headers{{"Authorization", value}});
    check_graph_error(r, 401);
    CHECK(lower(r.header("WWW-Authenticate")).rfind("bearer", 0) == 0);
  }
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "D12 a missing Authorization header is InvalidAuthenticationToken "
      "'Access token is empty.'") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        for (const Route& route : routes(version, form, options().user)) {
          INFO(route.method << " " << route.path);
          Reply r =
              request(route.method, route.path, route.body, {}, Auth::None);
          CHECK(check_graph_error(r, 401, "InvalidAuthenticationToken") ==
                "Access token is empty.");
          CHECK(r.header("WWW-Authenticate") == "Bearer");
        }
      }
    }
  }

  TEST_CASE(
      "D12 'Basic xyz' and 'Bearer ' are InvalidAuthenticationToken 'Access "
      "token validation failure.'") {
    for (const char* value :
         {"Basic xyz", "Bearer ", "Bearer", "Negotiate abc"}) {
      for (auto version : kVersions) {
        INFO("Authorization: '" << value << "' " << version);
        Reply r =
            request("POST",
                    presence_path(version, PathForm::Users, options().user) +
                        "/setPresence",
                    json{{"sessionId", options().app},
                         {"availability", "Away"},
                         {"activity", "Away"}}
                        .dump(),
                    Headers{{"Authorization", value}});
        CHECK(check_graph_error(r, 401, "InvalidAuthenticationToken") ==
              "Access token validation failure.");
        CHECK(r.header("WWW-Authenticate") == "Bearer");
      }
    }
    // The exact bytes "Bearer " (trailing space) through a raw socket, since a
    // client library may trim it.
    RawReply raw = raw_exchange(
        "GET /v1.0/users/" + options().user + "/presence HTTP/1.1\r\n" +
        host_header() + "Authorization: Bearer \r\nConnection: close\r\n\r\n");
    CHECK(check_graph_error(raw, 401, "InvalidAuthenticationToken") ==
          "Access token validation failure.");
  }

  TEST_CASE(
      "D12 R5.2 /me with an application token is 400 '/me request is only "
      "valid with delegated authentication flow.'") {
    begin_mock_case();
    const Headers app = bearer(app_jwt(options().app));
    for (auto version : kVersions) {
      for (const Route& route : routes(version, PathForm::Me, options().user)) {
        INFO(route.method << " " << route.path);
        Reply r = request(route.method, route.path, route.body, app);
        CHECK(check_graph_error(r, 400, "BadRequest") ==
              "/me request is only valid with delegated authentication flow.");
      }
    }
    // The same token is fine on the user form (permissive auth mode, D6) and
    // nothing was written above.
    CHECK(get_presence("v1.0", PathForm::Users, options().user, app).status ==
          200);
    CHECK(visible(options().user) == "Offline/Offline");
  }

  TEST_CASE("D25 /me is the oid of a delegated JWT") {
    begin_mock_case();
    const std::string& other = options().other_user;
    const Headers as_other = bearer(delegated_jwt(other, options().app));
    const std::string other_before = visible(other);
    for (auto version : kVersions) {
      INFO(version);
      Reply r = get_presence(version, PathForm::Me, other, as_other);
      check_presence_body(r, other);
    }
    check_action_ok(set_presence("beta", PathForm::Me, other, options().app,
                                 "DoNotDisturb", "Presenting", "PT1H",
                                 as_other));
    CHECK(visible(other) == "DoNotDisturb/Presenting");
    CHECK(visible(options().user) == "Offline/Offline");
    check_action_ok(
        clear_presence("v1.0", PathForm::Me, other, options().app, as_other));
    CHECK(visible(other) == other_before);
  }

  TEST_CASE("D25 with an opaque token /me is the fixtures' me user") {
    begin_mock_case();
    Reply r = get_presence("v1.0", PathForm::Me, options().user);
    check_presence_body(r, "fa8bf3dc-eca7-46b7-bad1-db199b62afc3");
    check_action_ok(set_presence("v1.0", PathForm::Me, options().user,
                                 options().app, "Away", "Away"));
    CHECK(visible("fa8bf3dc-eca7-46b7-bad1-db199b62afc3") == "Away/Away");
  }

  TEST_CASE(
      "D25 a delegated JWT naming an unknown oid makes /me 404 "
      "ResourceNotFound (D9)") {
    begin_mock_case();
    Reply r = get_presence("v1.0", PathForm::Me, "",
                           bearer(delegated_jwt(random_guid(), options().app)));
    check_graph_error(r, 404, "ResourceNotFound");
  }

  TEST_CASE("Contract: the control plane needs no token") {
    Reply r = request("GET", "/_mock/clock", std::nullopt, {}, Auth::None);
    INFO(r.describe());
    CHECK(r.status == 200);
    Reply reset_reply =
        request("POST", "/_mock/reset", std::string("{}"), {}, Auth::None);
    CHECK(reset_reply.status == 200);
  }

}  // TEST_SUITE
