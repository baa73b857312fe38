// E4 clearPresence (graph-presence.md §3.4) and D8.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

TEST_CASE(
    "R3.4.3 clearPresence of a missing session is 404 on every path form") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      check_graph_error(
          clear_presence(version, form, options().user, random_guid()), 404);
    }
  }
}

TEST_CASE(
    "R3.4.2 R3.4.3 clearPresence of an existing session is 200 with no body, "
    "then 404") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      check_action_ok(set_presence(version, form, options().user, options().app,
                                   "Away", "Away"));
      check_action_ok(
          clear_presence(version, form, options().user, options().app));
      check_graph_error(
          clear_presence(version, form, options().user, options().app), 404);
    }
  }
}

TEST_CASE(
    "R3.4.1 D2 clearPresence without a usable sessionId is 400 BadRequest") {
  const std::string path =
      presence_path("v1.0", PathForm::Users, options().user) + "/clearPresence";
  for (const json& body :
       {json::object(), json{{"sessionId", ""}}, json{{"sessionId", nullptr}},
        json{{"sessionId", 7}}, json{{"sessionid_typo", options().app}}}) {
    INFO(body.dump());
    check_graph_error(request("POST", path, body.dump()), 400, "BadRequest");
  }
  check_graph_error(request("POST", path, std::string()), 400, "BadRequest");
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Seed example: clearPresence for app 22553876 on user fa8bf3dc is 200, "
      "Offline/Offline, then 404 NotFound") {
    const std::string user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
    for (std::string version : {"beta", "v1.0"}) {
      INFO(version);
      begin_mock_case();
      const std::string base = "/" + version + "/users/" + user + "/presence";
      const Headers auth = {{"Authorization", "Bearer " + options().token}};
      check_action_ok(
          request("POST", base + "/setPresence",
                  R"({"sessionId":"22553876-f5ab-4529-bffb-cfe50aa89f87",)"
                  R"("availability":"Available","activity":"Available",)"
                  R"("expirationDuration":"PT1H"})",
                  auth));
      CHECK(visible(user) == "Available/Available");
      check_action_ok(request(
          "POST", base + "/clearPresence",
          R"({"sessionId":"22553876-f5ab-4529-bffb-cfe50aa89f87"})", auth));
      Reply get = request("GET", base, std::nullopt, auth);
      REQUIRE(get.json.has_value());
      CHECK((*get.json)["availability"] == "Offline");
      CHECK((*get.json)["activity"] == "Offline");
      Reply again = request(
          "POST", base + "/clearPresence",
          R"({"sessionId":"22553876-f5ab-4529-bffb-cfe50aa89f87"})", auth);
      check_graph_error(again, 404, "NotFound");
    }
  }

  TEST_CASE(
      "D8 R3.4.3 the missing-session 404 has error.code NotFound on every path "
      "form") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        check_graph_error(
            clear_presence(version, form, options().user, options().app), 404,
            "NotFound");
      }
    }
  }

  TEST_CASE(
      "R3.4.2 clearing the only session makes the user Offline/Offline on "
      "every path form") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        check_action_ok(set_presence(version, form, options().user,
                                     options().app, "DoNotDisturb",
                                     "Presenting", "PT1H"));
        CHECK(visible(options().user) == "DoNotDisturb/Presenting");
        check_action_ok(
            clear_presence(version, form, options().user, options().app));
        Reply r = get_presence(version, form, options().user);
        REQUIRE(r.json.has_value());
        CHECK((*r.json)["availability"] == "Offline");
        CHECK((*r.json)["activity"] == "Offline");
      }
    }
  }

  TEST_CASE(
      "R3.4.2 clearing one app's session leaves the other app's session in "
      "charge") {
    begin_mock_case();
    const std::string& u = options().user;
    const std::string second = random_guid();
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT1H"));
    check_action_ok(set_presence("v1.0", PathForm::Users, u, second, "Away",
                                 "Away", "PT1H"));
    CHECK(visible(u) == "Busy/InACall");
    check_action_ok(clear_presence("v1.0", PathForm::Users, u, options().app));
    CHECK(visible(u) == "Away/Away");
    check_graph_error(clear_presence("beta", PathForm::Users, u, options().app),
                      404, "NotFound");
    check_action_ok(clear_presence("beta", PathForm::Users, u, second));
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "R3.4.3 an expired session is missing too: clearPresence after expiry is "
      "404 NotFound") {
    begin_mock_case();
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Away", "Away", "PT5M"));
    REQUIRE(advance_clock("PT5M").status == 200);
    check_graph_error(
        clear_presence("v1.0", PathForm::Users, options().user, options().app),
        404, "NotFound");
  }

  TEST_CASE(
      "R3.4.2 sessions are per user: clearing on one user leaves the other "
      "user's session") {
    begin_mock_case();
    // The other user may have sessions of their own in the fixtures.
    const std::string other_before = visible(options().other_user);
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Busy", "InACall", "PT1H"));
    check_action_ok(set_presence("v1.0", PathForm::Users, options().other_user,
                                 options().app, "DoNotDisturb", "Presenting",
                                 "PT1H"));
    CHECK(visible(options().other_user) == "DoNotDisturb/Presenting");
    check_action_ok(clear_presence("v1.0", PathForm::Users,
                                   options().other_user, options().app));
    CHECK(visible(options().user) == "Busy/InACall");
    CHECK(visible(options().other_user) == other_before);
  }

}  // TEST_SUITE
