// E3 setPresence (graph-presence.md §3.3) and its validation decisions
// (D1, D2, D23).
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

struct Pair {
  const char* availability;
  const char* activity;
};

constexpr Pair kSettable[] = {{"Available", "Available"},
                              {"Busy", "InACall"},
                              {"Busy", "InAConferenceCall"},
                              {"Away", "Away"},
                              {"DoNotDisturb", "Presenting"}};

// Pairs outside R3.3.1: the beta-only extras (B4, D11), calendar-driven
// states (R2.5, R4.8), mismatches and nonsense.
constexpr Pair kRejected[] = {{"Busy", "Busy"},
                              {"DoNotDisturb", "DoNotDisturb"},
                              {"BeRightBack", "BeRightBack"},
                              {"Offline", "OffWork"},
                              {"Busy", "InAMeeting"},
                              {"Available", "OutOfOffice"},
                              {"Available", "Away"},
                              {"Away", "Available"},
                              {"Offline", "Offline"},
                              {"Sleepy", "Dreaming"},
                              {"", ""}};

std::string set_path(std::string_view version, PathForm form) {
  return presence_path(version, form, options().user) + "/setPresence";
}

}  // namespace

TEST_CASE(
    "R3.3.1 R3.3.4 every accepted pair answers 200 with no body on every path "
    "form") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      for (const Pair& pair : kSettable) {
        INFO(version << " " << to_string(form) << " " << pair.availability
                     << "/" << pair.activity);
        check_action_ok(set_presence(version, form, options().user,
                                     options().app, pair.availability,
                                     pair.activity, "PT5M"));
      }
    }
  }
  check_action_ok(
      clear_presence("v1.0", PathForm::Users, options().user, options().app));
}

TEST_CASE(
    "R3.3.1 D1 D11 pairs outside the accepted five are 400 BadRequest naming "
    "the field") {
  for (auto version : kVersions) {
    for (const Pair& pair : kRejected) {
      INFO(version << " " << pair.availability << "/" << pair.activity);
      Reply r = set_presence(version, PathForm::Users, options().user,
                             options().app, pair.availability, pair.activity);
      std::string message = check_graph_error(r, 400, "BadRequest");
      CHECK((message.find("availability") != std::string::npos ||
             message.find("activity") != std::string::npos));
    }
  }
}

TEST_CASE(
    "R3.3 D1 expirationDuration outside PT5M..PT4H or not a duration is 400 "
    "BadRequest") {
  for (const char* bad : {"PT4M59S", "PT4H0M1S", "PT5H", "P1D", "PT0S", "-PT5M",
                          "5 minutes", "PT", "P", "garbage"}) {
    INFO(std::string(bad));
    Reply r = set_presence("v1.0", PathForm::Users, options().user,
                           options().app, "Available", "Available", bad);
    std::string message = check_graph_error(r, 400, "BadRequest");
    CHECK(message.find("expirationDuration") != std::string::npos);
  }
}

TEST_CASE("R3.3 expirationDuration bounds PT5M and PT4H are accepted") {
  for (const char* good : {"PT5M", "PT4H", "PT240M", "PT1H30M", "PT300S"}) {
    INFO(std::string(good));
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Available", "Available",
                                 good));
  }
  check_action_ok(
      clear_presence("v1.0", PathForm::Users, options().user, options().app));
}

TEST_CASE(
    "D23 the Python SDK duration form 1:00:00 is 400 asking for an ISO 8601 "
    "duration") {
  for (auto version : kVersions) {
    INFO(version);
    Reply r = set_presence(version, PathForm::Users, options().user,
                           options().app, "Available", "Available", "1:00:00");
    std::string message = check_graph_error(r, 400, "BadRequest");
    CHECK(message.find("ISO 8601") != std::string::npos);
  }
}

TEST_CASE(
    "D1 D2 missing or empty required fields and wrong JSON types are 400 "
    "BadRequest") {
  const std::string& app = options().app;
  const json cases[] = {
      json{{"availability", "Available"},
           {"activity", "Available"}},  // no sessionId
      json{{"sessionId", ""},
           {"availability", "Available"},
           {"activity", "Available"}},
      json{{"sessionId", nullptr},
           {"availability", "Available"},
           {"activity", "Available"}},
      json{{"sessionId", app}, {"activity", "Available"}},  // no availability
      json{{"sessionId", app}, {"availability", "Available"}},  // no activity
      json{{"sessionId", 42},
           {"availability", "Available"},
           {"activity", "Available"}},
      json{{"sessionId", app}, {"availability", 1}, {"activity", "Available"}},
      json{{"sessionId", app},
           {"availability", "Available"},
           {"activity", json::array()}},
      json{{"sessionId", app},
           {"availability", "Available"},
           {"activity", "Available"},
           {"expirationDuration", 300}},
      json::array(),
      json("setPresence"),
      json(17),
      json(nullptr),
      json::object(),
  };
  for (const json& body : cases) {
    INFO(body.dump());
    check_graph_error(
        request("POST", set_path("v1.0", PathForm::Users), body.dump()), 400,
        "BadRequest");
  }
  for (const char* malformed : {"{", "{\"sessionId\":}", "{'sessionId':'x'}",
                                "nul", "{}}", "\"", "{\"sessionId\":\"a\",}"}) {
    INFO(std::string(malformed));
    check_graph_error(request("POST", set_path("beta", PathForm::Users),
                              std::string(malformed)),
                      400, "BadRequest");
  }
  // An empty body is no setPresence request either (D18: only parameterless
  // actions take one).
  check_graph_error(
      request("POST", set_path("v1.0", PathForm::Users), std::string()), 400,
      "BadRequest");
}

TEST_CASE("R6 body key order is free and unknown keys are ignored") {
  json body =
      json::parse(R"({"futureField":{"nested":[1,2,3]},"activity":"Away",
      "expirationDuration":"PT5M","@odata.type":"#microsoft.graph.x","availability":"Away",
      "sessionId":")" +
                  options().app + "\"}");
  check_action_ok(
      request("POST", set_path("v1.0", PathForm::Users), body.dump()));
  check_action_ok(
      clear_presence("v1.0", PathForm::Users, options().user, options().app));
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R3.3.1 each accepted pair becomes the visible presence on every path "
      "form") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        for (const Pair& pair : kSettable) {
          INFO(version << " " << to_string(form) << " " << pair.availability
                       << "/" << pair.activity);
          begin_mock_case();
          check_action_ok(set_presence(version, form, options().user,
                                       options().app, pair.availability,
                                       pair.activity, "PT1H"));
          Reply r = get_presence(version, form, options().user);
          REQUIRE(r.json.has_value());
          CHECK((*r.json)["availability"] == pair.availability);
          CHECK((*r.json)["activity"] == pair.activity);
        }
      }
    }
  }

  TEST_CASE("R3.3.1 a rejected pair leaves the presence untouched") {
    begin_mock_case();
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "Busy", "InACall", "PT1H"));
    json before = presence_state(options().user);
    for (const Pair& pair : kRejected) {
      INFO(std::string(pair.availability) << "/" << pair.activity);
      CHECK(set_presence("v1.0", PathForm::Users, options().user, options().app,
                         pair.availability, pair.activity)
                .status == 400);
    }
    CHECK(presence_state(options().user) == before);
  }

  TEST_CASE("R2.5 R4.8 setPresence cannot produce InAMeeting or OutOfOffice") {
    begin_mock_case();
    for (const Pair& pair :
         {Pair{"Busy", "InAMeeting"}, Pair{"Available", "OutOfOffice"},
          Pair{"Busy", "OutOfOffice"}}) {
      INFO(std::string(pair.availability) << "/" << pair.activity);
      check_graph_error(
          set_presence("beta", PathForm::Users, options().user, options().app,
                       pair.availability, pair.activity),
          400, "BadRequest");
      CHECK(visible(options().user) == "Offline/Offline");
    }
  }

  TEST_CASE(
      "R3.3.2 R4.2 a second setPresence with the same sessionId updates that "
      "session") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT1H"));
    CHECK(visible(u) == "Busy/InACall");
    // Were this a second session, Busy would outrank Away (R4.3).
    check_action_ok(set_presence("beta", PathForm::Communications, u,
                                 options().app, "Away", "Away", "PT1H"));
    CHECK(visible(u) == "Away/Away");
    // One clear removes it: there was only one session.
    check_action_ok(clear_presence("v1.0", PathForm::Me, u, options().app));
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE("R3.3.3 each setPresence restarts the timeout clock") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Available", "Available", "PT1H"));
    REQUIRE(advance_clock("PT4M").status == 200);
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Available", "Available", "PT1H"));
    REQUIRE(advance_clock("PT4M").status == 200);  // t0+8m, refresh+4m
    CHECK(visible(u) == "Available/Available");
    REQUIRE(advance_clock("PT1M").status == 200);  // refresh+5m
    CHECK(visible(u) == "Available/AvailableInactive");
  }

  TEST_CASE("R3.3.3 each setPresence restarts the expiration clock") {
    begin_mock_case();
    const std::string& u = options().user;
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT5M"));
    REQUIRE(advance_clock("PT4M").status == 200);
    check_action_ok(set_presence("v1.0", PathForm::Users, u, options().app,
                                 "Busy", "InACall", "PT5M"));
    REQUIRE(advance_clock("PT4M59S").status ==
            200);  // t0+8m59s: would be gone without refresh
    CHECK(visible(u) == "Busy/InACall");
    REQUIRE(advance_clock("PT1S").status == 200);  // refresh+5m
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE("R3.3 expirationDuration null means the default PT5M (contract)") {
    begin_mock_case();
    const std::string& u = options().user;
    json body = {{"sessionId", options().app},
                 {"availability", "Busy"},
                 {"activity", "InACall"},
                 {"expirationDuration", nullptr}};
    check_action_ok(
        request("POST", set_path("v1.0", PathForm::Users), body.dump()));
    REQUIRE(advance_clock("PT4M59S").status == 200);
    CHECK(visible(u) == "Busy/InACall");
    REQUIRE(advance_clock("PT1S").status == 200);
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "D2 a sessionId that differs from the token's appid is accepted in the "
      "default mode") {
    begin_mock_case();
    const std::string other_app = random_guid();
    Reply r =
        set_presence("v1.0", PathForm::Users, options().user, other_app, "Away",
                     "Away", std::nullopt, bearer(app_jwt(options().app)));
    check_action_ok(r);
    CHECK(visible(options().user) == "Away/Away");
  }

}  // TEST_SUITE

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R2.2 availability and activity are read case-insensitively (contract) "
      "and emitted in PascalCase") {
    begin_mock_case();
    check_action_ok(set_presence("v1.0", PathForm::Users, options().user,
                                 options().app, "donotdisturb", "PRESENTING",
                                 "PT1H"));
    CHECK(visible(options().user) == "DoNotDisturb/Presenting");
    check_action_ok(set_preferred("beta", PathForm::Users, options().user,
                                  "berightback", "BeRightback"));
    CHECK(visible(options().user) == "BeRightBack/BeRightBack");
  }

}  // TEST_SUITE
