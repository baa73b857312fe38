// E1 Get presence and the presence resource (graph-presence.md §2).
#include <cctype>
#include <set>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

const std::set<std::string> kAvailabilities = {
    "Available", "AvailableIdle", "Away",    "BeRightBack",    "Busy",
    "BusyIdle",  "DoNotDisturb",  "Offline", "PresenceUnknown"};
const std::set<std::string> kActivities = {"Available",
                                           "Away",
                                           "BeRightBack",
                                           "Busy",
                                           "DoNotDisturb",
                                           "InACall",
                                           "InAConferenceCall",
                                           "Inactive",
                                           "InAMeeting",
                                           "Offline",
                                           "OffWork",
                                           "OutOfOffice",
                                           "PresenceUnknown",
                                           "Presenting",
                                           "UrgentInterruptionsOnly",
                                           "AvailableInactive",
                                           "Focusing"};

}  // namespace

TEST_CASE(
    "R3.1.1 GET presence answers 200 on all three path forms in v1.0 and "
    "beta") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      Reply r = get_presence(version, form, options().user);
      check_presence_body(r, options().user);
    }
  }
}

TEST_CASE(
    "R3.1.1 the three path forms and both versions read the same presence") {
  json reference = presence_state(options().user);
  REQUIRE(reference.is_object());
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      Reply r = get_presence(version, form, options().user);
      REQUIRE(r.json.has_value());
      json body = *r.json;
      body.erase("@odata.context");
      CHECK(body == reference);
    }
  }
}

TEST_CASE(
    "R3.1.2 GET presence needs no body and no Content-Type; R6.4 Accept: "
    "application/json is fine") {
  Reply r =
      request("GET", presence_path("v1.0", PathForm::Users, options().user),
              std::nullopt, Headers{{"Accept", "application/json"}});
  check_presence_body(r, options().user);
}

TEST_CASE(
    "R3.1.3 the presence body carries the documented properties and "
    "vocabularies") {
  for (auto version : kVersions) {
    INFO(version);
    Reply r = get_presence(version, PathForm::Users, options().user);
    check_presence_body(r, options().user);
    const json& p = *r.json;
    CHECK(kAvailabilities.count(p.value("availability", "")) ==
          1);                                                // R2.1, R2.3
    CHECK(kActivities.count(p.value("activity", "")) == 1);  // R2.2, R2.3
    REQUIRE(p.contains("outOfOfficeSettings"));              // §2.4
    REQUIRE(p["outOfOfficeSettings"].is_object());
    CHECK(p["outOfOfficeSettings"].contains("isOutOfOffice"));
    CHECK(p["outOfOfficeSettings"]["isOutOfOffice"].is_boolean());
    REQUIRE(p.contains("sequenceNumber"));  // R4.10
    CHECK(p["sequenceNumber"].is_string());
  }
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R3.1.3 the mock's idle presence body matches the contract field for "
      "field") {
    begin_mock_case();
    Reply r = get_presence("v1.0", PathForm::Users, options().user);
    check_presence_body(r, options().user);
    const json& p = *r.json;
    CHECK(p["availability"] == "Offline");
    CHECK(p["activity"] == "Offline");
    CHECK(p["outOfOfficeSettings"] ==
          json{{"message", nullptr}, {"isOutOfOffice", false}});
    CHECK(p["workLocation"] == json{{"placeId", nullptr},
                                    {"source", "none"},
                                    {"workLocationType", "unspecified"}});
    CHECK((!p.contains("statusMessage") || p["statusMessage"].is_null()));
    REQUIRE(p["sequenceNumber"].is_string());
    static const std::regex kSeq(R"(A\d{10})");
    CHECK(std::regex_match(p["sequenceNumber"].get<std::string>(), kSeq));
  }

  TEST_CASE("R6.5 @odata.context names the version and the path form") {
    begin_mock_case();
    const std::string& u = options().user;
    for (auto version : kVersions) {
      const std::string meta =
          "https://graph.microsoft.com/" + std::string(version) + "/$metadata#";
      INFO(version);
      Reply users = get_presence(version, PathForm::Users, u);
      REQUIRE(users.json.has_value());
      CHECK((*users.json)["@odata.context"] ==
            meta + "users('" + u + "')/presence/$entity");
      Reply comms = get_presence(version, PathForm::Communications, u);
      REQUIRE(comms.json.has_value());
      CHECK((*comms.json)["@odata.context"] ==
            meta + "communications/presences/$entity");
      Reply me = get_presence(version, PathForm::Me, u);
      REQUIRE(me.json.has_value());
      REQUIRE((*me.json)["@odata.context"].is_string());
      CHECK((*me.json)["@odata.context"].get<std::string>().rfind(meta, 0) ==
            0);
    }
  }

  TEST_CASE(
      "R3.1.1 the user id in the path matches case-insensitively (contract)") {
    begin_mock_case();
    std::string upper = options().user;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (PathForm form : {PathForm::Users, PathForm::Communications}) {
      INFO(to_string(form));
      Reply r = get_presence("v1.0", form, upper);
      check_presence_body(r, options().user);
    }
  }

  TEST_CASE(
      "R1 path segments and action names match case-insensitively, "
      "namespace-qualified actions too (contract)") {
    begin_mock_case();
    const std::string& u = options().user;
    Reply g = request("GET", "/V1.0/Users/" + u + "/Presence");
    CHECK(g.status == 200);
    json body = {{"sessionId", options().app},
                 {"availability", "Busy"},
                 {"activity", "InACall"}};
    Reply s = request("POST", "/v1.0/users/" + u + "/presence/SETPRESENCE",
                      body.dump());
    check_action_ok(s);
    CHECK(visible(u) == "Busy/InACall");
    Reply q = request(
        "POST", "/beta/users/" + u + "/presence/microsoft.graph.clearPresence",
        json{{"sessionId", options().app}}.dump());
    check_action_ok(q);
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "D9 an unknown user is 404 ResourceNotFound on every per-user route") {
    begin_mock_case();
    const std::string nobody = "00000000-0000-4000-8000-00000000dead";
    for (auto version : kVersions) {
      for (PathForm form : {PathForm::Users, PathForm::Communications}) {
        INFO(version << " " << to_string(form));
        std::string base = presence_path(version, form, nobody);
        check_graph_error(request("GET", base), 404, "ResourceNotFound");
        check_graph_error(request("POST", base + "/setPresence",
                                  json{{"sessionId", options().app},
                                       {"availability", "Available"},
                                       {"activity", "Available"}}
                                      .dump()),
                          404, "ResourceNotFound");
        check_graph_error(request("POST", base + "/clearPresence",
                                  json{{"sessionId", options().app}}.dump()),
                          404, "ResourceNotFound");
        check_graph_error(
            request(
                "POST", base + "/setUserPreferredPresence",
                json{{"availability", "Away"}, {"activity", "Away"}}.dump()),
            404, "ResourceNotFound");
        check_graph_error(
            request("POST", base + "/clearUserPreferredPresence", "{}"), 404,
            "ResourceNotFound");
        check_graph_error(
            request("POST", base + "/setStatusMessage",
                    json{{"statusMessage",
                          {{"message",
                            {{"content", "x"}, {"contentType", "text"}}}}}}
                        .dump()),
            404, "ResourceNotFound");
      }
    }
  }

}  // TEST_SUITE

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R3.1.1 {id} may be the userPrincipalName; the body names the object id "
      "(contract)") {
    begin_mock_case();
    // fixtures/default.json: the me user is adele@contoso.example.
    for (PathForm form : {PathForm::Users, PathForm::Communications}) {
      INFO(to_string(form));
      Reply r = get_presence("beta", form, "adele@contoso.example");
      check_presence_body(r, "fa8bf3dc-eca7-46b7-bad1-db199b62afc3");
    }
    check_action_ok(set_presence("v1.0", PathForm::Users,
                                 "Adele@Contoso.Example", options().app, "Away",
                                 "Away"));
    CHECK(visible("fa8bf3dc-eca7-46b7-bad1-db199b62afc3") == "Away/Away");
  }

}  // TEST_SUITE
