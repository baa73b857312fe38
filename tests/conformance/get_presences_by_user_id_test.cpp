// E2 getPresencesByUserId (graph-presence.md §3.2) and D7.
#include <cctype>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

std::string path(std::string_view version) {
  return "/" + std::string(version) + "/communications/getPresencesByUserId";
}

std::vector<std::string> ids_of(const Reply& r) {
  std::vector<std::string> ids;
  if (!r.json || !r.json->is_object() || !r.json->contains("value") ||
      !(*r.json)["value"].is_array()) {
    return ids;
  }
  for (const json& p : (*r.json)["value"])
    ids.push_back(lower(p.value("id", "")));
  return ids;
}

}  // namespace

TEST_CASE(
    "R3.2.1 R3.2.4 getPresencesByUserId answers 200 with a value collection of "
    "presences") {
  const std::string& u = options().user;
  const std::string& other = options().other_user;
  for (auto version : kVersions) {
    INFO(version);
    Reply r = get_presences_by_user_id(version, json{{"ids", {u, other}}});
    INFO(r.describe());
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == kODataJson);
    REQUIRE(r.json.has_value());
    CHECK((*r.json).contains("@odata.context"));
    REQUIRE((*r.json)["value"].is_array());
    CHECK(ids_of(r) == std::vector<std::string>{lower(u), lower(other)});
    // Each entry is the full presence object the single GET returns.
    for (const json& p : (*r.json)["value"]) {
      json single = presence_state(p.value("id", ""));
      CHECK(p == single);
    }
  }
}

TEST_CASE(
    "R3.2.2 D7 ids missing, empty, not an array or not GUIDs is 400 "
    "BadRequest") {
  for (auto version : kVersions) {
    for (const json& body :
         {json::object(), json{{"ids", json::array()}}, json{{"ids", nullptr}},
          json{{"ids", options().user}}, json{{"ids", {1, 2}}},
          json{{"ids", {options().user, "not-a-guid"}}},
          json{{"ids", {"fa8bf3dc-eca7-46b7-bad1-db199b62afc"}}},
          json::array()}) {
      INFO(version << " " << body.dump());
      check_graph_error(request("POST", path(version), body.dump()), 400,
                        "BadRequest");
    }
  }
}

TEST_CASE("R3.2.3 D7 more than 650 ids is 400 BadRequest") {
  json ids = json::array();
  for (int i = 0; i < 651; ++i) ids.push_back(random_guid());
  check_graph_error(get_presences_by_user_id("v1.0", json{{"ids", ids}}), 400,
                    "BadRequest");
  check_graph_error(get_presences_by_user_id("beta", json{{"ids", ids}}), 400,
                    "BadRequest");
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R3.2.3 D7 exactly 650 ids is accepted and unknown ids are omitted") {
    begin_mock_case();
    json ids = json::array({options().other_user});
    for (int i = 0; i < 648; ++i) ids.push_back(random_guid());
    ids.push_back(options().user);
    REQUIRE(ids.size() == 650);
    Reply r = get_presences_by_user_id("v1.0", json{{"ids", ids}});
    INFO(r.describe());
    REQUIRE(r.status == 200);
    CHECK(ids_of(r) == std::vector<std::string>{lower(options().other_user),
                                                lower(options().user)});
  }

  TEST_CASE(
      "D7 duplicates are returned once, in the order of first occurrence") {
    begin_mock_case();
    const std::string& u = options().user;
    const std::string& other = options().other_user;
    std::string upper = u;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    Reply r = get_presences_by_user_id(
        "beta", json{{"ids", {other, u, other, upper, u}}});
    REQUIRE(r.status == 200);
    CHECK(ids_of(r) == std::vector<std::string>{lower(other), lower(u)});
  }

  TEST_CASE("D7 only unknown ids gives an empty value") {
    begin_mock_case();
    Reply r = get_presences_by_user_id(
        "v1.0", json{{"ids", {random_guid(), random_guid()}}});
    INFO(r.describe());
    REQUIRE(r.status == 200);
    REQUIRE(r.json.has_value());
    CHECK((*r.json)["value"] == json::array());
  }

  TEST_CASE(
      "R3.2.4 R6.5 the collection's @odata.context and the entries follow the "
      "live state") {
    begin_mock_case();
    check_action_ok(set_presence("v1.0", PathForm::Users, options().other_user,
                                 options().app, "Busy", "InAConferenceCall",
                                 "PT1H"));
    for (auto version : kVersions) {
      INFO(version);
      Reply r = get_presences_by_user_id(version,
                                         json{{"ids", {options().other_user}}});
      REQUIRE(r.json.has_value());
      CHECK((*r.json)["@odata.context"] ==
            "https://graph.microsoft.com/" + std::string(version) +
                "/$metadata#Collection(microsoft.graph.presence)");
      REQUIRE((*r.json)["value"].size() == 1);
      CHECK((*r.json)["value"][0]["availability"] == "Busy");
      CHECK((*r.json)["value"][0]["activity"] == "InAConferenceCall");
    }
  }

}  // TEST_SUITE
