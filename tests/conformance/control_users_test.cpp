// Seeding users through the control plane (docs/control-plane.md):
// list, create (one or many), conflicts, invalid documents named by JSON
// path, get, put, delete; synthetic Teams-client sessions (D16, R2.5, R4.8);
// out-of-office settings; POST /_mock/fixtures replace and merge. Each case
// works in its own tenant (D24) so nothing leaks into the fixture tenant.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

json users_list(const std::string& tenant) {
  json list =
      check_control_json(control("GET", in_tenant(tenant, "/_mock/users")));
  REQUIRE(list.is_object());
  REQUIRE(list.contains("users"));
  REQUIRE(list["users"].is_array());
  return list["users"];
}

std::vector<std::string> listed_ids(const std::string& tenant) {
  std::vector<std::string> ids;
  for (const json& u : users_list(tenant)) ids.push_back(u.value("id", ""));
  return ids;
}

bool listed(const std::string& tenant, const std::string& id) {
  std::vector<std::string> ids = listed_ids(tenant);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string error_message(const Reply& r) {
  if (!r.json || !r.json->is_object() || !r.json->contains("error")) return "";
  return (*r.json)["error"].value("message", "");
}

json presence_body(const std::string& tenant, const std::string& user,
                   std::string_view version = "v1.0") {
  Reply r = request(
      "GET", in_tenant(tenant, presence_path(version, PathForm::Users, user)));
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json.has_value());
  return *r.json;
}

Reply add_client_session(const std::string& tenant, const std::string& user,
                         const std::string& session,
                         const std::string& availability,
                         const std::string& activity) {
  return control("POST",
                 in_tenant(tenant, "/_mock/users/" + user + "/sessions"),
                 json{{"sessionId", session},
                      {"availability", availability},
                      {"activity", activity}});
}

}  // namespace

TEST_SUITE("mock-only") {
  // ---- list / create --------------------------------------------------------

  TEST_CASE(
      "Control: GET /_mock/users lists every user sorted by id with id, "
      "userPrincipalName and displayName (null when unset)") {
    begin_mock_case();
    const std::string t = unique_tenant("users-list");
    const std::string bare = random_guid();
    const std::string named = random_guid();
    seed_users(t, json{{"users",
                        {{{"id", bare}},
                         {{"id", named},
                          {"userPrincipalName", "named@contoso.example"},
                          {"displayName", "Named User"}}}}});
    json users = users_list(t);
    std::vector<std::string> ids;
    for (const json& u : users) {
      INFO(u.dump());
      REQUIRE(u.is_object());
      CHECK(u.size() == 3);
      CHECK(u.contains("userPrincipalName"));
      CHECK(u.contains("displayName"));
      ids.push_back(u.value("id", ""));
      if (u.value("id", "") == bare) {
        CHECK(u["userPrincipalName"].is_null());
        CHECK(u["displayName"].is_null());
      }
      if (u.value("id", "") == named) {
        CHECK(u["userPrincipalName"] == "named@contoso.example");
        CHECK(u["displayName"] == "Named User");
      }
    }
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    CHECK(std::count(ids.begin(), ids.end(), bare) == 1);
    CHECK(std::count(ids.begin(), ids.end(), named) == 1);
    CHECK(std::count(ids.begin(), ids.end(), options().user) ==
          1);  // from fixtures
  }

  TEST_CASE(
      "Control: POST /_mock/users creates one user (201 {created:[id]}), who "
      "is then Offline/Offline in GET presence") {
    begin_mock_case();
    const std::string t = unique_tenant("users-create");
    const std::string id = random_guid();
    check_graph_error(get_presence_in(t, id), 404, "ResourceNotFound");
    json created = check_control_json(
        control("POST", in_tenant(t, "/_mock/users"),
                json{{"id", id}, {"userPrincipalName", "one@contoso.example"}}),
        201);
    CHECK(created == json{{"created", {id}}});
    json p = presence_body(t, id);
    CHECK(pair_in(p) == "Offline/Offline");
    // Paths may name the user by userPrincipalName too.
    json by_upn = presence_body(t, "one@contoso.example");
    CHECK(lower(by_upn.value("id", "")) == id);
    // Created in this tenant only (D24).
    check_graph_error(get_presence_in("", id), 404, "ResourceNotFound");
  }

  TEST_CASE(
      "Control: POST /_mock/users {users:[...]} creates several users at once, "
      "with their sessions") {
    begin_mock_case();
    const std::string t = unique_tenant("users-bulk");
    const std::string a = random_guid(), b = random_guid(), c = random_guid();
    json body = {{"users",
                  {{{"id", a}},
                   {{"id", b},
                    {"sessions",
                     {{{"sessionId", "teams-desktop"},
                       {"teamsClient", true},
                       {"availability", "Busy"},
                       {"activity", "InAMeeting"}}}}},
                   {{"id", c},
                    {"sessions",
                     {{{"sessionId", options().app},
                       {"availability", "DoNotDisturb"},
                       {"activity", "Presenting"},
                       {"expirationDuration", "PT1H"}}}}}}}};
    json created = check_control_json(
        control("POST", in_tenant(t, "/_mock/users"), body), 201);
    REQUIRE(created.contains("created"));
    REQUIRE(created["created"].is_array());
    std::set<std::string> got;
    for (const json& id : created["created"]) got.insert(id.get<std::string>());
    CHECK(got == std::set<std::string>{a, b, c});
    CHECK(created["created"].size() == 3);
    CHECK(pair_in(presence_body(t, a)) == "Offline/Offline");
    CHECK(pair_in(presence_body(t, b)) == "Busy/InAMeeting");
    CHECK(pair_in(presence_body(t, c)) == "DoNotDisturb/Presenting");
  }

  TEST_CASE(
      "Control: creating a user that exists (or naming one twice) is 409 "
      "Conflict and creates nothing") {
    begin_mock_case();
    const std::string t = unique_tenant("users-409");
    const std::string fresh = random_guid();
    // One new user beside a fixture user.
    Reply r =
        control("POST", in_tenant(t, "/_mock/users"),
                json{{"users", {{{"id", fresh}}, {{"id", options().user}}}}});
    check_graph_error(r, 409, "Conflict");
    CHECK_FALSE(listed(t, fresh));
    check_graph_error(get_presence_in(t, fresh), 404, "ResourceNotFound");
    // A single user that exists.
    check_graph_error(control("POST", in_tenant(t, "/_mock/users"),
                              json{{"id", options().user}}),
                      409, "Conflict");
    // The same new id twice in one body.
    const std::string twice = random_guid();
    check_graph_error(
        control("POST", in_tenant(t, "/_mock/users"),
                json{{"users", {{{"id", twice}}, {{"id", twice}}}}}),
        409, "Conflict");
    CHECK_FALSE(listed(t, twice));
    // Ids match ignoring case.
    const std::string seeded = random_guid();
    seed_users(t, json{{"id", seeded}});
    std::string upper = seeded;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](char ch) {
      return static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    });
    check_graph_error(
        control("POST", in_tenant(t, "/_mock/users"), json{{"id", upper}}), 409,
        "Conflict");
  }

  TEST_CASE(
      "Control: an invalid user body is 400 BadRequest naming the JSON path, "
      "and creates nothing") {
    begin_mock_case();
    const std::string t = unique_tenant("users-400");
    const std::string valid = random_guid();
    struct Case {
      json body;
      const char* path_named;  // must appear in error.message
    };
    const Case cases[] = {
        {json{{"id", "not-a-guid"}}, "$.id"},
        {json{{"displayName", "No Id"}}, "$.id"},
        {json{{"users", {{{"id", valid}}, {{"id", "x"}}}}}, "$.users[1].id"},
        {json{{"users",
               {{{"id", valid}}, {{"id", random_guid()}, {"bogusKey", 1}}}}},
         "$.users[1]"},
        {json{{"id", random_guid()},
              {"sessions",
               {{{"sessionId", options().app},
                 {"availability", "Busy"},
                 {"activity", "Available"}}}}},
         "$.sessions[0]"},
        {json{{"id", random_guid()},
              {"sessions",
               {{{"sessionId", options().app},
                 {"availability", "Available"},
                 {"activity", "Available"},
                 {"expirationDuration", "PT5H"}}}}},
         "$.sessions[0]"},
        {json{{"id", random_guid()}, {"displayName", 42}}, "$.displayName"},
        {json{{"users", "not-an-array"}}, "$.users"},
    };
    for (const Case& c : cases) {
      INFO(c.body.dump());
      Reply r = control("POST", in_tenant(t, "/_mock/users"), c.body);
      check_graph_error(r, 400, "BadRequest");
      CHECK(error_message(r).find(c.path_named) != std::string::npos);
    }
    CHECK_FALSE(listed(t, valid));
    // Not JSON, and JSON that is not an object.
    for (const char* text : {"{\"id\":", "[1,2]", "\"user\""}) {
      INFO(text);
      check_graph_error(request("POST", in_tenant(t, "/_mock/users"),
                                std::string(text), {}, Auth::None),
                        400, "BadRequest");
    }
  }

  // ---- get / put / delete
  // ------------------------------------------------------

  TEST_CASE(
      "Control: GET /_mock/users/{id} answers the state view; an unknown user "
      "is 404 ResourceNotFound") {
    begin_mock_case();
    const std::string t = unique_tenant("users-get");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id},
                       {"userPrincipalName", "get@contoso.example"},
                       {"displayName", "Get Me"}});
    json view =
        check_control_json(control("GET", in_tenant(t, "/_mock/users/" + id)));
    check_state_view_shape(view);
    CHECK(view.value("id", "") == id);
    CHECK(view.value("userPrincipalName", "") == "get@contoso.example");
    CHECK(view.value("displayName", "") == "Get Me");
    CHECK(pair_in(view.value("presence", json())) == "Offline/Offline");
    CHECK(view["sessions"] == json::array());
    CHECK(view["preferredPresence"].is_null());
    CHECK(view["statusMessage"].is_null());
    // It is the same view /_mock/state/{id} shows.
    CHECK(view == state_view(t, id));
    check_graph_error(
        control("GET", in_tenant(t, "/_mock/users/" + random_guid())), 404,
        "ResourceNotFound");
  }

  TEST_CASE(
      "Control: PUT /_mock/users/{id} creates (201) then replaces (200) the "
      "whole user, answering the state view") {
    begin_mock_case();
    const std::string t = unique_tenant("users-put");
    const std::string id = random_guid();
    Reply first = control("PUT", in_tenant(t, "/_mock/users/" + id),
                          json{{"userPrincipalName", "put@contoso.example"},
                               {"displayName", "First"},
                               {"sessions",
                                {{{"sessionId", "teams-web"},
                                  {"teamsClient", true},
                                  {"availability", "Busy"},
                                  {"activity", "InAMeeting"}}}}});
    json created = check_control_json(first, 201);
    check_state_view_shape(created);
    CHECK(created.value("id", "") == id);
    CHECK(created.value("displayName", "") == "First");
    CHECK(pair_in(created.value("presence", json())) == "Busy/InAMeeting");
    CHECK(pair_in(presence_body(t, id)) == "Busy/InAMeeting");

    // Replaced as a whole: the session and the userPrincipalName are gone.
    Reply second = control("PUT", in_tenant(t, "/_mock/users/" + id),
                           json{{"id", id}, {"displayName", "Second"}});
    json replaced = check_control_json(second, 200);
    check_state_view_shape(replaced);
    CHECK(replaced.value("displayName", "") == "Second");
    CHECK(replaced["userPrincipalName"].is_null());
    CHECK(replaced["sessions"] == json::array());
    CHECK(pair_in(replaced.value("presence", json())) == "Offline/Offline");
    CHECK(pair_in(presence_body(t, id)) == "Offline/Offline");
    CHECK(replaced == state_view(t, id));
    // Replacing a fixture user works the same way.
    json fixture = check_control_json(
        control("PUT", in_tenant(t, "/_mock/users/" + options().user),
                json{{"displayName", "X"}}),
        200);
    CHECK(fixture.value("displayName", "") == "X");
  }

  TEST_CASE(
      "Control: PUT /_mock/users/{id} with a different id in the body is 400 "
      "and changes nothing") {
    begin_mock_case();
    const std::string t = unique_tenant("users-put-400");
    const std::string id = random_guid();
    Reply r = control("PUT", in_tenant(t, "/_mock/users/" + id),
                      json{{"id", random_guid()}, {"displayName", "Mismatch"}});
    check_graph_error(r, 400, "BadRequest");
    CHECK_FALSE(listed(t, id));
    json before = state_view(t, options().user);
    check_graph_error(
        control("PUT", in_tenant(t, "/_mock/users/" + options().user),
                json{{"id", random_guid()}, {"displayName", "Mismatch"}}),
        400, "BadRequest");
    check_graph_error(
        control("PUT", in_tenant(t, "/_mock/users/" + options().user),
                json{{"sessions", "nope"}}),
        400, "BadRequest");
    CHECK(state_view(t, options().user) == before);
  }

  TEST_CASE(
      "Control: DELETE /_mock/users/{id} answers {deleted:id}; the user is "
      "then 404 everywhere and a second DELETE is 404 ResourceNotFound") {
    begin_mock_case();
    const std::string t = unique_tenant("users-delete");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    CHECK(set_presence_in(t, id, options().app, "Busy", "InACall", "PT1H")
              .status == 200);
    json deleted = check_control_json(
        control("DELETE", in_tenant(t, "/_mock/users/" + id)));
    CHECK(deleted == json{{"deleted", id}});
    CHECK_FALSE(listed(t, id));
    check_graph_error(get_presence_in(t, id), 404, "ResourceNotFound");
    check_graph_error(control("GET", in_tenant(t, "/_mock/users/" + id)), 404,
                      "ResourceNotFound");
    check_graph_error(control("GET", in_tenant(t, "/_mock/state/" + id)), 404,
                      "ResourceNotFound");
    check_graph_error(control("DELETE", in_tenant(t, "/_mock/users/" + id)),
                      404, "ResourceNotFound");
    // A deleted fixture user is gone from this tenant only.
    CHECK(check_control_json(control(
              "DELETE", in_tenant(t, "/_mock/users/" + options().user))) ==
          json{{"deleted", options().user}});
    check_graph_error(get_presence_in(t, options().user), 404,
                      "ResourceNotFound");
    CHECK(get_presence_in("", options().user).status == 200);
  }

  // ---- synthetic Teams-client sessions (D16)
  // -------------------------------------

  TEST_CASE(
      "D16 R2.5 R4.8 a synthetic Teams-client session shows calendar states "
      "such as Busy/InAMeeting in GET presence") {
    begin_mock_case();
    const std::string t = unique_tenant("client-session");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    json view = check_control_json(
        add_client_session(t, id, "teams-desktop", "Busy", "InAMeeting"), 201);
    check_state_view_shape(view);
    json s = session_in(view, "teams-desktop");
    INFO(view.dump());
    REQUIRE(s.is_object());
    CHECK(s.value("kind", "") == "teamsClient");
    CHECK(pair_in(s) == "Busy/InAMeeting");
    CHECK(pair_in(s["current"]) == "Busy/InAMeeting");
    CHECK(s["nextStageAt"].is_null());
    CHECK(s["expiresAt"].is_null());
    CHECK(pair_in(view["presence"]) == "Busy/InAMeeting");
    for (auto version : kVersions) {
      INFO(version);
      CHECK(pair_in(presence_body(t, id, version)) == "Busy/InAMeeting");
    }
    // Out-of-office activities, which setPresence refuses (R4.8), too.
    for (const char* availability : {"Away", "Available"}) {
      INFO(availability);
      const std::string other = random_guid();
      seed_users(t, json{{"id", other}});
      check_control_json(add_client_session(t, other, "teams-web", availability,
                                            "OutOfOffice"),
                         201);
      CHECK(pair_in(presence_body(t, other)) ==
            std::string(availability) + "/OutOfOffice");
    }
  }

  TEST_CASE(
      "D16 a synthetic Teams-client session never fades or expires, even "
      "across PT5H") {
    begin_mock_case();
    const std::string t = unique_tenant("client-forever");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    check_control_json(
        add_client_session(t, id, "teams-mobile", "Available", "Available"),
        201);
    const std::string seq = presence_body(t, id).value("sequenceNumber", "");
    for (const char* step :
         {"PT5M", "PT5M", "PT50M", "PT4H"}) {  // +5m, +10m, +1h, +5h
      advance_in(t, step);
      INFO("after another " << step);
      json p = presence_body(t, id);
      CHECK(pair_in(p) == "Available/Available");
      CHECK(p.value("sequenceNumber", "") ==
            seq);  // nothing a client reads changed
      json s = session_in(state_view(t, id), "teams-mobile");
      REQUIRE(s.is_object());
      CHECK(s.value("stage", "") == "active");
      CHECK(pair_in(s["current"]) == "Available/Available");
      CHECK(s["nextStageAt"].is_null());
      CHECK(s["expiresAt"].is_null());
    }
    // An app session beside it expires; the client session stays.
    CHECK(set_presence_in(t, id, options().app, "Busy", "InACall", "PT5M")
              .status == 200);
    CHECK(pair_in(presence_body(t, id)) == "Busy/InACall");
    advance_in(t, "PT5M");
    CHECK(pair_in(presence_body(t, id)) == "Available/Available");
  }

  TEST_CASE(
      "D16 posting a client session with the same sessionId replaces it") {
    begin_mock_case();
    const std::string t = unique_tenant("client-replace");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    check_control_json(
        add_client_session(t, id, "teams-desktop", "Busy", "InAMeeting"), 201);
    json view =
        check_control_json(add_client_session(t, id, "teams-desktop",
                                              "DoNotDisturb", "Presenting"),
                           201);
    REQUIRE(view.contains("sessions"));
    CHECK(view["sessions"].size() == 1);
    CHECK(pair_in(session_in(view, "teams-desktop")) ==
          "DoNotDisturb/Presenting");
    CHECK(pair_in(presence_body(t, id)) == "DoNotDisturb/Presenting");
    // A second client session is another session, aggregated (D4).
    view = check_control_json(
        add_client_session(t, id, "teams-web", "Away", "Away"), 201);
    CHECK(view["sessions"].size() == 2);
    CHECK(pair_in(presence_body(t, id)) == "DoNotDisturb/Presenting");
  }

  TEST_CASE(
      "Control: a bad client-session body is 400 BadRequest; an unknown user "
      "is 404 ResourceNotFound") {
    begin_mock_case();
    const std::string t = unique_tenant("client-400");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    const json bad[] = {
        json{{"availability", "Busy"},
             {"activity", "InAMeeting"}},  // no sessionId
        json{{"sessionId", ""},
             {"availability", "Busy"},
             {"activity", "InAMeeting"}},  // empty
        json{{"sessionId", "s"},
             {"availability", "Sleepy"},
             {"activity", "InAMeeting"}},
        json{{"sessionId", "s"},
             {"availability", "Busy"},
             {"activity", "Napping"}},
        json{{"sessionId", "s"}, {"availability", "Busy"}},
        json{{"sessionId", 7},
             {"availability", "Busy"},
             {"activity", "InAMeeting"}},
    };
    for (const json& body : bad) {
      INFO(body.dump());
      check_graph_error(
          control("POST", in_tenant(t, "/_mock/users/" + id + "/sessions"),
                  body),
          400, "BadRequest");
    }
    CHECK(state_view(t, id)["sessions"] == json::array());
    check_graph_error(
        add_client_session(t, random_guid(), "s", "Busy", "InAMeeting"), 404,
        "ResourceNotFound");
  }

  TEST_CASE(
      "Control: DELETE /_mock/users/{id}/sessions/{sessionId} removes a client "
      "or an app session; none is 404 NotFound") {
    begin_mock_case();
    const std::string t = unique_tenant("session-delete");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    check_control_json(
        add_client_session(t, id, "teams-desktop", "Away", "Away"), 201);
    CHECK(set_presence_in(t, id, options().app, "Busy", "InACall", "PT1H")
              .status == 200);
    CHECK(pair_in(presence_body(t, id)) == "Busy/InACall");

    json view = check_control_json(control(
        "DELETE",
        in_tenant(t, "/_mock/users/" + id + "/sessions/" + options().app)));
    check_state_view_shape(view);
    CHECK(session_in(view, options().app).is_null());
    CHECK(session_in(view, "teams-desktop").is_object());
    CHECK(pair_in(view["presence"]) == "Away/Away");
    CHECK(pair_in(presence_body(t, id)) == "Away/Away");
    // The app's session is really gone: clearPresence now finds nothing (D8).
    check_graph_error(clear_presence_in(t, id, options().app), 404, "NotFound");

    view = check_control_json(control(
        "DELETE",
        in_tenant(t, "/_mock/users/" + id + "/sessions/teams-desktop")));
    CHECK(view["sessions"] == json::array());
    CHECK(pair_in(presence_body(t, id)) == "Offline/Offline");

    check_graph_error(
        control("DELETE",
                in_tenant(t, "/_mock/users/" + id + "/sessions/teams-desktop")),
        404, "NotFound");
    check_graph_error(
        control("DELETE", in_tenant(t, "/_mock/users/" + random_guid() +
                                           "/sessions/teams-desktop")),
        404, "ResourceNotFound");
  }

  // ---- out-of-office settings
  // -----------------------------------------------------

  TEST_CASE(
      "Control D10: PUT /_mock/users/{id}/outOfOfficeSettings shows in GET "
      "presence and moves sequenceNumber") {
    begin_mock_case();
    const std::string t = unique_tenant("oof");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    const std::string before = presence_body(t, id).value("sequenceNumber", "");
    const json oof = {{"message", "Back Monday"}, {"isOutOfOffice", true}};
    json view = check_control_json(control(
        "PUT", in_tenant(t, "/_mock/users/" + id + "/outOfOfficeSettings"),
        oof));
    check_state_view_shape(view);
    CHECK(view["outOfOfficeSettings"] == oof);
    json p = presence_body(t, id);
    INFO(p.dump());
    REQUIRE(p.contains("outOfOfficeSettings"));
    CHECK(p["outOfOfficeSettings"] == oof);
    const std::string after = p.value("sequenceNumber", "");
    CHECK(after > before);
    CHECK(view.value("sequenceNumber", "") == after);

    const json cleared = {{"message", nullptr}, {"isOutOfOffice", false}};
    check_control_json(control(
        "PUT", in_tenant(t, "/_mock/users/" + id + "/outOfOfficeSettings"),
        cleared));
    CHECK(presence_body(t, id)["outOfOfficeSettings"] == cleared);

    for (const json& bad :
         {json{{"message", "x"}, {"isOutOfOffice", "yes"}},
          json{{"message", 3}, {"isOutOfOffice", true}}, json::array()}) {
      INFO(bad.dump());
      check_graph_error(
          control("PUT",
                  in_tenant(t, "/_mock/users/" + id + "/outOfOfficeSettings"),
                  bad),
          400, "BadRequest");
    }
    CHECK(presence_body(t, id)["outOfOfficeSettings"] == cleared);
    check_graph_error(control("PUT",
                              in_tenant(t, "/_mock/users/" + random_guid() +
                                               "/outOfOfficeSettings"),
                              oof),
                      404, "ResourceNotFound");
  }

  // ---- POST /_mock/fixtures
  // -----------------------------------------------------------

  TEST_CASE(
      "Control: POST /_mock/fixtures (replace, the default) makes the tenant's "
      "users exactly the document's") {
    begin_mock_case();
    for (const char* query : {"", "?mode=replace"}) {
      INFO("query '" << query << "'");
      const std::string t = unique_tenant("fixtures-replace");
      const std::string a = random_guid(), b = random_guid();
      json doc = {{"me", a},
                  {"users",
                   {{{"id", a}},
                    {{"id", b},
                     {"sessions",
                      {{{"sessionId", "teams-desktop"},
                        {"teamsClient", true},
                        {"availability", "Busy"},
                        {"activity", "InAMeeting"}}}}}}}};
      json answer = check_control_json(control(
          "POST", in_tenant(t, std::string("/_mock/fixtures") + query), doc));
      CHECK(answer == json{{"mode", "replace"}, {"users", 2}});
      std::vector<std::string> expected = {a, b};
      std::sort(expected.begin(), expected.end());
      CHECK(listed_ids(t) == expected);
      CHECK(pair_in(presence_body(t, b)) == "Busy/InAMeeting");
      check_graph_error(get_presence_in(t, options().user), 404,
                        "ResourceNotFound");
      // "me" came from the document.
      Reply me = request("GET", in_tenant(t, "/v1.0/me/presence"));
      INFO(me.describe());
      REQUIRE(me.status == 200);
      CHECK(lower(me.json->value("id", "")) == a);
      // The default tenant is untouched.
      CHECK(get_presence_in("", options().user).status == 200);
    }
  }

  TEST_CASE(
      "Control: POST /_mock/fixtures?mode=merge replaces same-id users and "
      "keeps the others") {
    begin_mock_case();
    const std::string t = unique_tenant("fixtures-merge");
    const std::string added = random_guid();
    std::vector<std::string> before_ids = listed_ids(t);
    json untouched_before = state_view(t, options().other_user);
    json doc = {{"users",
                 {{{"id", options().user},
                   {"displayName", "Merged"},
                   {"sessions",
                    {{{"sessionId", "teams-desktop"},
                      {"teamsClient", true},
                      {"availability", "Busy"},
                      {"activity", "InAMeeting"}}}}},
                  {{"id", added}}}}};
    json answer = check_control_json(
        control("POST", in_tenant(t, "/_mock/fixtures?mode=merge"), doc));
    CHECK(answer == json{{"mode", "merge"}, {"users", before_ids.size() + 1}});
    before_ids.push_back(added);
    std::sort(before_ids.begin(), before_ids.end());
    CHECK(listed_ids(t) == before_ids);
    json merged = state_view(t, options().user);
    CHECK(merged.value("displayName", "") == "Merged");
    CHECK(merged["userPrincipalName"].is_null());  // replaced as a whole
    CHECK(pair_in(presence_body(t, options().user)) == "Busy/InAMeeting");
    CHECK(state_view(t, options().other_user) == untouched_before);
    CHECK(pair_in(presence_body(t, added)) == "Offline/Offline");
  }

  TEST_CASE(
      "Control: POST /_mock/fixtures with a bad mode or an invalid document is "
      "400 and changes nothing") {
    begin_mock_case();
    const std::string t = unique_tenant("fixtures-400");
    json before =
        check_control_json(control("GET", in_tenant(t, "/_mock/state")));
    const json doc = {{"users", {{{"id", random_guid()}}}}};
    for (const char* query : {"?mode=append", "?mode=", "?mode=REPLACEX"}) {
      INFO(query);
      check_graph_error(
          control("POST", in_tenant(t, std::string("/_mock/fixtures") + query),
                  doc),
          400, "BadRequest");
    }
    Reply invalid =
        control("POST", in_tenant(t, "/_mock/fixtures"),
                json{{"users", {{{"id", random_guid()}}, {{"id", "nope"}}}}});
    check_graph_error(invalid, 400, "BadRequest");
    CHECK(error_message(invalid).find("$.users[1].id") != std::string::npos);
    check_graph_error(control("POST", in_tenant(t, "/_mock/fixtures"),
                              json{{"users", json::array()}, {"typo", true}}),
                      400, "BadRequest");
    check_graph_error(
        control("POST", in_tenant(t, "/_mock/fixtures"),
                json{{"me", "not-a-guid"}, {"users", json::array()}}),
        400, "BadRequest");
    CHECK(check_control_json(control("GET", in_tenant(t, "/_mock/state"))) ==
          before);
  }

  TEST_CASE(
      "D24 Control: POST /_mock/fixtures does not change what reset restores") {
    begin_mock_case();
    const std::string t = unique_tenant("fixtures-reset");
    json fixture_state =
        check_control_json(control("GET", in_tenant(t, "/_mock/state")));
    check_control_json(control("POST", in_tenant(t, "/_mock/fixtures"),
                               json{{"users", {{{"id", random_guid()}}}}}));
    CHECK(listed_ids(t).size() == 1);
    json reset_answer =
        check_control_json(control("POST", in_tenant(t, "/_mock/reset")));
    CHECK(reset_answer == json{{"reset", t}});
    CHECK(check_control_json(control("GET", in_tenant(t, "/_mock/state"))) ==
          fixture_state);
  }

}  // TEST_SUITE
