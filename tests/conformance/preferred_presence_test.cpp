// E5 setUserPreferredPresence and E6 clearUserPreferredPresence (E5,
// E6), with R4.3, R4.4, R4.7, D5 and D14.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

struct Pair {
  const char* availability;
  const char* activity;
};

constexpr Pair kPreferred[] = {{"Available", "Available"},
                               {"Busy", "Busy"},
                               {"DoNotDisturb", "DoNotDisturb"},
                               {"BeRightBack", "BeRightBack"},
                               {"Away", "Away"},
                               {"Offline", "OffWork"}};

std::string preferred_path(std::string_view version, PathForm form) {
  return presence_path(version, form, options().user) +
         "/setUserPreferredPresence";
}

std::string clear_path(std::string_view version, PathForm form) {
  return presence_path(version, form, options().user) +
         "/clearUserPreferredPresence";
}

// Keeps a Busy/InACall session (which never fades) alive while the mock
// clock moves `hours` forward in steps of 3 h, then `tail` more.
void hold_session_for(int hours, const std::string& tail) {
  for (int h = 0; h < hours; h += 3) {
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Busy", "InACall", "PT4H"));
    REQUIRE(advance_clock("PT3H").status == 200);
  }
  check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                               options().app, "Busy", "InACall", "PT4H"));
  if (!tail.empty()) REQUIRE(advance_clock(tail).status == 200);
}

}  // namespace

TEST_CASE(
    "R3.5.1 R3.5.4 every accepted preferred pair answers 200 with no body on "
    "every path form") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      for (const Pair& pair : kPreferred) {
        INFO(version << " " << to_string(form) << " " << pair.availability
                     << "/" << pair.activity);
        check_action_ok(set_preferred(version, form, options().user,
                                      pair.availability, pair.activity,
                                      "PT1H"));
      }
      check_action_ok(clear_preferred(version, form, options().user));
    }
  }
}

TEST_CASE(
    "R3.5.1 D1 preferred pairs outside the accepted six are 400 BadRequest") {
  for (const Pair& pair :
       {Pair{"Busy", "InACall"}, Pair{"DoNotDisturb", "Presenting"},
        Pair{"Available", "AvailableInactive"}, Pair{"Offline", "Offline"},
        Pair{"Busy", "InAMeeting"}, Pair{"Away", "BeRightBack"},
        Pair{"Nope", "Nope"}}) {
    INFO(std::string(pair.availability) << "/" << pair.activity);
    check_graph_error(set_preferred("v1.0", PathForm::Users, options().user,
                                    pair.availability, pair.activity),
                      400, "BadRequest");
  }
  for (const json& body :
       {json::object(), json{{"availability", "Away"}},
        json{{"activity", "Away"}},
        json{{"availability", "Away"}, {"activity", 3}}, json::array()}) {
    INFO(body.dump());
    check_graph_error(
        request("POST", preferred_path("beta", PathForm::Users), body.dump()),
        400, "BadRequest");
  }
}

TEST_CASE(
    "D5 D23 preferred expirationDuration must be a positive ISO 8601 duration "
    "up to P30D") {
  for (const char* bad : {"PT0S", "P0D", "-PT1H", "P30DT1S", "P31D", "1:00:00",
                          "1 day, 0:00:00", "forever", ""}) {
    INFO(std::string(bad));
    Reply r = set_preferred("v1.0", PathForm::Users, options().user, "Away",
                            "Away", bad);
    std::string message = check_graph_error(r, 400, "BadRequest");
    CHECK(message.find("expirationDuration") != std::string::npos);
  }
  for (const char* good : {"PT1S", "PT8H", "P1D", "P30D", "P29DT23H59M59S"}) {
    INFO(std::string(good));
    check_action_ok(set_preferred("v1.0", PathForm::Users, options().user,
                                  "Away", "Away", good));
  }
  check_action_ok(clear_preferred("v1.0", PathForm::Users, options().user));
}

TEST_CASE(
    "R3.6.1 R3.6.3 clearUserPreferredPresence takes {} or no body at all, on "
    "every path form") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      check_action_ok(request("POST", clear_path(version, form), "{}"));
      // D18: Content-Type application/json with a zero-length body.
      check_action_ok(
          request("POST", clear_path(version, form), std::string()));
      // No body and no Content-Type (the docs' own example, B8).
      check_action_ok(request("POST", clear_path(version, form)));
    }
  }
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R3.5.2 R4.3 an unexpired preferred presence outranks every session") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "DoNotDisturb", "Presenting", "PT1H"));
    for (const Pair& pair : kPreferred) {
      INFO(std::string(pair.availability) << "/" << pair.activity);
      check_action_ok(set_preferred("v1.0", PathForm::Users, u,
                                    pair.availability, pair.activity));
      CHECK(visible(u) == std::string(pair.availability) + "/" + pair.activity);
    }
  }

  TEST_CASE(
      "R3.5.2 the preferred presence shows on every path form and version") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        check_action_ok(set_presence(version, form, options().user,
                                     options().app, "Available", "Available",
                                     "PT1H"));
        check_action_ok(set_preferred(version, form, options().user,
                                      "BeRightBack", "BeRightBack"));
        Reply r = get_presence(version, form, options().user);
        REQUIRE(r.json.has_value());
        CHECK((*r.json)["availability"] == "BeRightBack");
        CHECK((*r.json)["activity"] == "BeRightBack");
      }
    }
  }

  TEST_CASE(
      "R3.5.3 R4.4 D14 without a session a preferred presence is not shown") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_preferred("v1.0", PathForm::Users, u, "Busy", "Busy"));
    CHECK(visible(u) == "Offline/Offline");
    // It takes effect as soon as a session exists ...
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Away", "Away", "PT5M"));
    CHECK(visible(u) == "Busy/Busy");
    // ... and stops showing when the only session expires (D14).
    REQUIRE(advance_clock("PT5M").status == 200);
    CHECK(visible(u) == "Offline/Offline");
    // A new session brings it back: the preferred presence itself is unexpired.
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Away", "Away", "PT5M"));
    CHECK(visible(u) == "Busy/Busy");
    // Clearing the last session hides it again (R4.4).
    check_action_ok(clear_presence("v1.0", PathForm::Users, u, options().app));
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "R3.6.2 clearUserPreferredPresence reverts to session aggregation") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                     options().app, "Busy", "InACall", "PT1H"));
        check_action_ok(set_preferred("v1.0", PathForm::Users, options().user,
                                      "Away", "Away"));
        CHECK(visible(options().user) == "Away/Away");
        check_action_ok(request("POST", clear_path(version, form)));
        CHECK(visible(options().user) == "Busy/InACall");
      }
    }
  }

  TEST_CASE(
      "R4.7 an explicit preferred expirationDuration ends it at exactly that "
      "duration") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT4H"));
    check_action_ok(set_preferred("v1.0", PathForm::Users, u, "DoNotDisturb",
                                  "DoNotDisturb", "PT1H"));
    REQUIRE(advance_clock("PT59M59S").status == 200);
    CHECK(visible(u) == "DoNotDisturb/DoNotDisturb");
    REQUIRE(advance_clock("PT1S").status == 200);
    CHECK(visible(u) == "Busy/InACall");
  }

  TEST_CASE("R4.7 D5 preferred Busy and DoNotDisturb last 1 day by default") {
    for (const Pair& pair :
         {Pair{"Busy", "Busy"}, Pair{"DoNotDisturb", "DoNotDisturb"}}) {
      INFO(std::string(pair.availability));
      begin_mock_case();
      const std::string& u = options().user;
      check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                   "Busy", "InACall", "PT4H"));
      check_action_ok(set_preferred("v1.0", PathForm::Users, u,
                                    pair.availability, pair.activity));
      hold_session_for(21, "PT2H59M59S");  // +23:59:59
      CHECK(visible(u) == std::string(pair.availability) + "/" + pair.activity);
      REQUIRE(advance_clock("PT1S").status == 200);  // +P1D
      CHECK(visible(u) == "Busy/InACall");
    }
  }

  TEST_CASE("R4.7 D5 other preferred states last 7 days by default") {
    for (const Pair& pair :
         {Pair{"Away", "Away"}, Pair{"Available", "Available"},
          Pair{"BeRightBack", "BeRightBack"}, Pair{"Offline", "OffWork"}}) {
      INFO(std::string(pair.availability));
      begin_mock_case();
      const std::string& u = options().user;
      check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                   "Busy", "InACall", "PT4H"));
      check_action_ok(set_preferred("v1.0", PathForm::Users, u,
                                    pair.availability, pair.activity));
      hold_session_for(
          24, "");  // +1 day: a Busy-style default would have ended here
      CHECK(visible(u) == std::string(pair.availability) + "/" + pair.activity);
      hold_session_for(141, "PT2H59M59S");  // +6d23:59:59
      CHECK(visible(u) == std::string(pair.availability) + "/" + pair.activity);
      REQUIRE(advance_clock("PT1S").status == 200);  // +P7D
      CHECK(visible(u) == "Busy/InACall");
    }
  }

  TEST_CASE(
      "R4.7 a new setUserPreferredPresence replaces the previous one and its "
      "expiry") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT4H"));
    check_action_ok(
        set_preferred("v1.0", PathForm::Users, u, "Away", "Away", "PT1H"));
    check_action_ok(set_preferred("v1.0", PathForm::Users, u, "BeRightBack",
                                  "BeRightBack", "PT2H"));
    REQUIRE(advance_clock("PT1H").status == 200);
    CHECK(visible(u) == "BeRightBack/BeRightBack");
    REQUIRE(advance_clock("PT1H").status == 200);
    CHECK(visible(u) == "Busy/InACall");
  }

}  // TEST_SUITE
