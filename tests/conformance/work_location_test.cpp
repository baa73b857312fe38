// E8-E11 setManualLocation, setAutomaticLocation, clearAutomaticLocation and
// clearLocation (E8-E11), with the aggregation of R2.7 / R4.11, the
// 204 of R3.8.3 / R3.9.4 (graph-presence.md §9 B9) and D10.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

constexpr const char* kActionNames[] = {
    "setManualLocation", "setAutomaticLocation", "clearAutomaticLocation",
    "clearLocation"};

std::string action_path(std::string_view version, PathForm form,
                        std::string_view action) {
  return presence_path(version, form, options().user) + "/" +
         std::string(action);
}

Reply set_manual(const json& body, std::string_view version = "v1.0",
                 PathForm form = PathForm::Users) {
  return request("POST", action_path(version, form, "setManualLocation"),
                 body.dump());
}

Reply set_automatic(const json& body, std::string_view version = "v1.0",
                    PathForm form = PathForm::Users) {
  return request("POST", action_path(version, form, "setAutomaticLocation"),
                 body.dump());
}

Reply clear_automatic(std::string_view version = "v1.0",
                      PathForm form = PathForm::Users) {
  return request("POST", action_path(version, form, "clearAutomaticLocation"));
}

Reply clear_all(std::string_view version = "v1.0",
                PathForm form = PathForm::Users) {
  return request("POST", action_path(version, form, "clearLocation"));
}

json location(const std::string& type,
              const std::optional<std::string>& place = std::nullopt) {
  json body = {{"workLocationType", type}};
  if (place) body["placeId"] = *place;
  return body;
}

// R3.8.3, R3.9.4 (MOCK-CHOICE 204): no body and no Content-Type.
template <class R>
void check_no_content(const R& reply) {
  INFO(reply.describe());
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
  CHECK(reply.headers.find("Content-Type") == reply.headers.end());
  // RFC 9110 8.6: never a Content-Length on a 204 (the mock's own rule; real
  // Graph's front ends are not held to it here).
  if (options().target == "mock") {
    CHECK(reply.headers.find("Content-Length") == reply.headers.end());
  }
}

json expected(const char* source, const char* type,
              const json& place = nullptr) {
  return json{
      {"placeId", place}, {"source", source}, {"workLocationType", type}};
}

// The workLocation the v1.0 user form reads now (null on failure).
json work_location_of(const std::string& user) {
  json p = presence_state(user);
  return p.is_object() && p.contains("workLocation") ? p["workLocation"]
                                                     : json();
}

}  // namespace

TEST_CASE(
    "R3.8.3 R3.9.4 every location action answers 204 with no body on every "
    "path form and version") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      INFO(version << " " << to_string(form));
      check_no_content(set_manual(location("office", "b1"), version, form));
      check_no_content(set_automatic(location("remote"), version, form));
      check_no_content(clear_automatic(version, form));
      check_no_content(clear_all(version, form));
    }
  }
}

TEST_CASE(
    "R3.9.1 clear actions take no parameters: nothing, an empty body, {} or "
    "any object") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      for (const char* action : {"clearAutomaticLocation", "clearLocation"}) {
        INFO(version << " " << to_string(form) << " " << action);
        const std::string path = action_path(version, form, action);
        check_no_content(request("POST", path));
        check_no_content(request("POST", path, std::string()));
        check_no_content(request("POST", path, "{}"));
        check_no_content(request("POST", path, R"({"ignored": true})"));
      }
    }
  }
}

TEST_CASE(
    "R3.9.1 D1 a clear action's body that is not a JSON object is 400 "
    "BadRequest") {
  for (const char* action : {"clearAutomaticLocation", "clearLocation"}) {
    for (const char* body : {"[]", "3", "\"x\"", "{", "null"}) {
      INFO(action << " " << body);
      check_graph_error(
          request("POST", action_path("v1.0", PathForm::Users, action), body),
          400, "BadRequest");
    }
  }
}

TEST_CASE(
    "R3.8.1 D1 set bodies: workLocationType required, one of four values, "
    "placeId a string") {
  for (const char* action : {"setManualLocation", "setAutomaticLocation"}) {
    const std::string path = action_path("beta", PathForm::Users, action);
    struct Bad {
      std::string body;
      const char* field;
    };
    for (const Bad& bad :
         {Bad{"{}", "workLocationType"},
          Bad{R"({"placeId": "b1"})", "workLocationType"},
          Bad{R"({"workLocationType": null})", "workLocationType"},
          Bad{R"({"workLocationType": "home"})", "workLocationType"},
          Bad{R"({"workLocationType": "unknownFutureValue"})",
              "workLocationType"},
          Bad{R"({"workLocationType": ""})", "workLocationType"},
          Bad{R"({"workLocationType": 1})", "workLocationType"},
          Bad{R"({"workLocationType": ["office"]})", "workLocationType"},
          Bad{R"({"workLocationType": "office", "placeId": 3})", "placeId"},
          Bad{R"({"workLocationType": "office", "placeId": {}})", "placeId"}}) {
      INFO(action << " " << bad.body);
      std::string message =
          check_graph_error(request("POST", path, bad.body), 400, "BadRequest");
      CHECK(message.find(bad.field) != std::string::npos);
    }
    for (const char* body : {"[]", "{", "\"office\""}) {
      INFO(action << " " << body);
      check_graph_error(request("POST", path, body), 400, "BadRequest");
    }
    // A set action needs a body.
    check_graph_error(request("POST", path), 400, "BadRequest");
  }
}

TEST_CASE(
    "D13 GET and other methods on a location action are 405 with Allow: POST") {
  for (auto version : kVersions) {
    for (PathForm form : kPathForms) {
      for (const char* action : kActionNames) {
        for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
          INFO(method << " " << version << " " << to_string(form) << " "
                      << action);
          std::optional<std::string> body;
          if (std::string(method) != "GET") body = "{}";
          Reply r = request(method, action_path(version, form, action), body);
          check_graph_error(r, 405, "MethodNotAllowed");
          CHECK(r.header("Allow") == "POST");
        }
      }
    }
  }
}

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R2.7 R4.11 GET presence shows the set work location on every path form "
      "and version") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        check_no_content(
            set_manual(location("office", "building-1"), version, form));
        const json want = expected("manual", "office", "building-1");
        for (auto read_version : kVersions) {
          for (PathForm read_form : kPathForms) {
            Reply r = get_presence(read_version, read_form, options().user);
            REQUIRE(r.json.has_value());
            CHECK((*r.json)["workLocation"] == want);
          }
        }
        Reply many =
            get_presences_by_user_id(version, json{{"ids", {options().user}}});
        REQUIRE(many.json.has_value());
        REQUIRE((*many.json)["value"].size() == 1);
        CHECK((*many.json)["value"][0]["workLocation"] == want);
      }
    }
  }

  TEST_CASE(
      "R3.8.1 values are matched ignoring case and written in camelCase; "
      "placeId is optional") {
    begin_mock_case();
    const std::string& u = options().user;
    check_no_content(set_manual(location("TIMEOFF")));
    CHECK(work_location_of(u) == expected("manual", "timeOff"));
    check_no_content(
        set_manual(json{{"workLocationType", "Remote"}, {"placeId", nullptr}}));
    CHECK(work_location_of(u) == expected("manual", "remote"));
    // Unknown keys are ignored.
    check_no_content(set_manual(
        json{{"workLocationType", "office"}, {"placeId", "b7"}, {"x", 1}}));
    CHECK(work_location_of(u) == expected("manual", "office", "b7"));
    // A new value replaces the layer whole: the place does not stay behind.
    check_no_content(set_manual(location("office")));
    CHECK(work_location_of(u) == expected("manual", "office"));
  }

  TEST_CASE("R2.7 R3.8.2 manual beats automatic, whichever is set first") {
    begin_mock_case();
    const std::string& u = options().user;
    CHECK(work_location_of(u) == expected("none", "unspecified"));
    check_no_content(set_automatic(location("remote", "home")));
    CHECK(work_location_of(u) == expected("automatic", "remote", "home"));
    check_no_content(set_manual(location("office", "b1")));
    CHECK(work_location_of(u) == expected("manual", "office", "b1"));
    // setAutomaticLocation never clears the manual layer.
    check_no_content(set_automatic(location("timeOff")));
    CHECK(work_location_of(u) == expected("manual", "office", "b1"));
  }

  TEST_CASE(
      "R2.7 a manual 'unspecified' does not hide a specific automatic value") {
    begin_mock_case();
    const std::string& u = options().user;
    check_no_content(set_manual(location("unspecified")));
    CHECK(work_location_of(u) == expected("manual", "unspecified"));
    check_no_content(set_automatic(location("office", "b2")));
    CHECK(work_location_of(u) == expected("automatic", "office", "b2"));
  }

  TEST_CASE(
      "R3.9.2 clearAutomaticLocation keeps the manual value and removes the "
      "automatic one") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        const std::string& u = options().user;
        check_no_content(set_manual(location("office", "b1")));
        check_no_content(set_automatic(location("remote")));
        check_no_content(clear_automatic(version, form));
        CHECK(work_location_of(u) == expected("manual", "office", "b1"));
        // The automatic value is gone: clearing manual too leaves nothing.
        check_no_content(set_manual(location("unspecified")));
        CHECK(work_location_of(u) == expected("manual", "unspecified"));
        check_no_content(set_automatic(location("remote")));
        check_no_content(clear_automatic(version, form));
        CHECK(work_location_of(u) == expected("manual", "unspecified"));
      }
    }
    begin_mock_case();
    check_no_content(set_automatic(location("remote")));
    check_no_content(clear_automatic());
    CHECK(work_location_of(options().user) == expected("none", "unspecified"));
  }

  TEST_CASE(
      "R3.9.3 clearLocation clears both the manual and the automatic value") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        const std::string& u = options().user;
        check_no_content(set_manual(location("office", "b1")));
        check_no_content(set_automatic(location("remote")));
        check_no_content(clear_all(version, form));
        CHECK(work_location_of(u) == expected("none", "unspecified"));
        // Neither layer comes back on its own.
        check_no_content(clear_automatic());
        CHECK(work_location_of(u) == expected("none", "unspecified"));
      }
    }
  }

  TEST_CASE(
      "D10 a changed work location moves sequenceNumber; an unchanged one does "
      "not") {
    begin_mock_case();
    const std::string& u = options().user;
    auto seq = [&]() {
      return presence_state(u).value("sequenceNumber", std::string());
    };
    const std::string s0 = seq();
    check_no_content(set_manual(location("office", "b1")));
    const std::string s1 = seq();
    CHECK(s1 > s0);
    // The same value again, or an automatic value the manual one hides.
    check_no_content(set_manual(location("office", "b1")));
    check_no_content(set_automatic(location("remote")));
    CHECK(seq() == s1);
    check_no_content(clear_automatic());
    CHECK(seq() == s1);
    check_no_content(clear_all());
    const std::string s2 = seq();
    CHECK(s2 > s1);
    check_no_content(clear_all());
    CHECK(seq() == s2);
  }

  TEST_CASE(
      "R5.1 permissive mode accepts an application token on the location "
      "actions") {
    // Real Graph allows delegated tokens only (R3.8.3); strict mode will
    // refuse application tokens.
    begin_mock_case();
    const Headers app = bearer(app_jwt(options().app));
    Reply r = request("POST",
                      action_path("v1.0", PathForm::Users, "setManualLocation"),
                      location("remote").dump(), app);
    check_no_content(r);
    CHECK(work_location_of(options().user) == expected("manual", "remote"));
    check_no_content(
        request("POST", action_path("v1.0", PathForm::Users, "clearLocation"),
                std::nullopt, app));
    // /me still needs a delegated token (R5.2).
    check_graph_error(
        request("POST", action_path("v1.0", PathForm::Me, "clearLocation"),
                std::nullopt, app),
        400, "BadRequest");
  }

  TEST_CASE("D9 a location action on an unknown user is 404 ResourceNotFound") {
    begin_mock_case();
    const std::string nobody = random_guid();
    for (const char* action : kActionNames) {
      INFO(action);
      Reply r = request(
          "POST", presence_path("v1.0", PathForm::Users, nobody) + "/" + action,
          location("office").dump());
      check_graph_error(r, 404, "ResourceNotFound");
    }
  }

  TEST_CASE(
      "R4.11 the state view shows the work location and its layers, and "
      "changes nothing") {
    begin_mock_case();
    const std::string& u = options().user;
    check_no_content(set_manual(location("office", "b1")));
    check_no_content(set_automatic(location("remote")));
    const std::string seq =
        presence_state(u).value("sequenceNumber", std::string());
    json view = state_view("", u);
    check_state_view_shape(view);
    json want = expected("manual", "office", "b1");
    want["layers"] = {
        {"manual", {{"workLocationType", "office"}, {"placeId", "b1"}}},
        {"automatic", {{"workLocationType", "remote"}, {"placeId", nullptr}}},
        {"scheduled", nullptr}};
    CHECK(view["workLocation"] == want);
    CHECK(presence_state(u).value("sequenceNumber", std::string()) == seq);
  }

  TEST_CASE(
      "R4.11 a snapshot carries both layers and loads back to the same "
      "presence") {
    begin_mock_case();
    const std::string t = unique_tenant("work-location");
    const std::string user = random_guid();
    seed_users(t, json{{"id", user}});
    const std::string path =
        in_tenant(t, presence_path("v1.0", PathForm::Users, user));
    check_no_content(request("POST", path + "/setAutomaticLocation",
                             location("remote", "home").dump()));
    check_no_content(request("POST", path + "/setManualLocation",
                             location("timeOff").dump()));
    json snap =
        check_control_json(control("GET", in_tenant(t, "/_mock/snapshot")));
    REQUIRE(snap["users"].is_array());
    json saved;
    for (const json& entry : snap["users"]) {
      if (entry.value("id", "") == user) saved = entry;
    }
    REQUIRE(saved.is_object());
    CHECK(saved["workLocation"] ==
          json{{"manual",
                {{"workLocationType", "timeOff"}, {"placeId", nullptr}}},
               {"automatic",
                {{"workLocationType", "remote"}, {"placeId", "home"}}}});
    json before = *get_presence_in(t, user).json;
    // Spoil it, then load the snapshot back.
    check_no_content(request("POST", path + "/clearLocation"));
    CHECK((*get_presence_in(t, user).json)["workLocation"] ==
          expected("none", "unspecified"));
    check_control_json(control("POST", in_tenant(t, "/_mock/snapshot"), snap));
    json after = *get_presence_in(t, user).json;
    CHECK(after["workLocation"] == expected("manual", "timeOff"));
    CHECK(after == before);
    // The manual layer was restored as a layer: clearing it shows automatic.
    check_no_content(request("POST", path + "/setManualLocation",
                             location("unspecified").dump()));
    CHECK((*get_presence_in(t, user).json)["workLocation"] ==
          expected("automatic", "remote", "home"));
  }

  TEST_CASE(
      "R4.11 fixture users take workLocation; a bad one is 400 naming its JSON "
      "path") {
    begin_mock_case();
    const std::string t = unique_tenant("work-location-fixture");
    const std::string user = random_guid();
    json body = {
        {"id", user},
        {"workLocation",
         {{"automatic", {{"workLocationType", "Office"}, {"placeId", "b9"}}}}}};
    check_control_json(
        control("PUT", in_tenant(t, "/_mock/users/" + user), body), 201);
    CHECK((*get_presence_in(t, user).json)["workLocation"] ==
          expected("automatic", "office", "b9"));
    for (const json& bad :
         {json{{"manual", {{"workLocationType", "unknownFutureValue"}}}},
          json{{"manual", {{"placeId", "b1"}}}},
          json{{"automatic", {{"workLocationType", "office"}, {"extra", 1}}}},
          json{{"scheduled", {{"workLocationType", "office"}}}},
          json::array()}) {
      INFO(bad.dump());
      std::string message =
          check_graph_error(control("PUT", in_tenant(t, "/_mock/users/" + user),
                                    json{{"id", user}, {"workLocation", bad}}),
                            400, "BadRequest");
      CHECK(message.find("workLocation") != std::string::npos);
    }
    // The refused writes changed nothing.
    CHECK((*get_presence_in(t, user).json)["workLocation"] ==
          expected("automatic", "office", "b9"));
  }

}  // TEST_SUITE
