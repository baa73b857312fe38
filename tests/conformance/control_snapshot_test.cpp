// Snapshots (docs/control-plane.md): GET /_mock/snapshot is the
// tenant's state as a fixture document; POST /_mock/snapshot (or
// POST /_mock/fixtures) loads it back: sessions, their set instants,
// preferred presence, status message and sequenceNumbers come back, so GET
// presence reads the same, also after time moves. Mock-only.
#include <chrono>

#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json snapshot_of(const std::string& tenant) {
  return check_control_json(
      control("GET", in_tenant(tenant, "/_mock/snapshot")));
}

json presence_of(const std::string& tenant, const std::string& user) {
  Reply r = get_presence_in(tenant, user);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json.has_value());
  return *r.json;
}

// The users of the tenant's state view, without the "tenant" key.
json users_of(const std::string& tenant) {
  json state =
      check_control_json(control("GET", in_tenant(tenant, "/_mock/state")));
  return state.value("users", json());
}

struct Seeded {
  std::string tenant;
  std::string user;
  std::string app_available = "a0a0a0a0-0000-4000-8000-00000000000a";
  std::string app_busy = "b0b0b0b0-0000-4000-8000-00000000000b";
};

// A user with an Available app session (fades), a Busy one (expires), a
// Teams-client session, a preferred presence and a status message, set at
// different instants.
Seeded seed_rich_user(const std::string& stem) {
  Seeded s;
  s.tenant = unique_tenant(stem);
  s.user = random_guid();
  const std::string& t = s.tenant;
  seed_users(t, json{{"id", s.user},
                     {"userPrincipalName", "snap@contoso.example"},
                     {"displayName", "Snap Shot"}});
  check_control_json(
      control("POST", in_tenant(t, "/_mock/users/" + s.user + "/sessions"),
              json{{"sessionId", "teams-desktop"},
                   {"availability", "Away"},
                   {"activity", "Away"}}),
      201);
  check_control_json(control(
      "PUT", in_tenant(t, "/_mock/users/" + s.user + "/outOfOfficeSettings"),
      json{{"message", "Away this week"}, {"isOutOfOffice", true}}));
  CHECK(set_presence_in(t, s.user, s.app_busy, "Busy", "InACall", "PT20M")
            .status == 200);
  advance_in(t, "PT2M");
  CHECK(set_presence_in(t, s.user, s.app_available, "Available", "Available",
                        "PT1H")
            .status == 200);
  const std::string path = presence_path("v1.0", PathForm::Users, s.user);
  // Expires at +10m, while the snapshot's users are compared below.
  CHECK(request("POST", in_tenant(t, path + "/setUserPreferredPresence"),
                json{{"availability", "DoNotDisturb"},
                     {"activity", "DoNotDisturb"},
                     {"expirationDuration", "PT8M"}}
                    .dump())
            .status == 200);
  CHECK(request("POST", in_tenant(t, path + "/setStatusMessage"),
                json{{"statusMessage",
                      {{"message",
                        {{"content", "Snapshot me"}, {"contentType", "text"}}},
                       {"expiryDateTime",
                        {{"dateTime", format_local(require_now(t) + 3h)},
                         {"timeZone", "UTC"}}}}}}
                    .dump())
            .status == 200);
  advance_in(t, "PT1M");
  return s;
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Control: GET /_mock/snapshot is a fixture document of the tenant's "
      "state now") {
    begin_mock_case();
    Seeded s = seed_rich_user("snapshot-shape");
    json snap = snapshot_of(s.tenant);
    INFO(snap.dump());
    REQUIRE(snap.is_object());
    REQUIRE(snap.contains("users"));
    REQUIRE(snap["users"].is_array());
    for (auto it = snap.begin(); it != snap.end(); ++it) {
      CHECK_MESSAGE((it.key() == "me" || it.key() == "users"), it.key());
    }
    CHECK(snap.value("me", "") == options().user);  // the fixtures' me
    json user;
    for (const json& u : snap["users"]) {
      if (u.value("id", "") == s.user) user = u;
    }
    REQUIRE(user.is_object());
    CHECK(user.value("userPrincipalName", "") == "snap@contoso.example");
    CHECK(user.value("displayName", "") == "Snap Shot");
    CHECK(user["sequenceNumber"] ==
          state_view(s.tenant, s.user)["sequenceNumber"]);
    REQUIRE(user["sessions"].is_array());
    CHECK(user["sessions"].size() == 3);
    for (const json& session : user["sessions"]) {
      INFO(session.dump());
      if (session.value("teamsClient", false)) {
        CHECK(session.value("sessionId", "") == "teams-desktop");
        continue;
      }
      CHECK(session.contains("setAt"));
      CHECK(session.contains("expiresAt"));
    }
    REQUIRE(user["preferredPresence"].is_object());
    CHECK(pair_in(user["preferredPresence"]) == "DoNotDisturb/DoNotDisturb");
    CHECK(user["preferredPresence"].contains("setAt"));
    CHECK(user["preferredPresence"].contains("expiresAt"));
    REQUIRE(user["statusMessage"].is_object());
    CHECK(user["statusMessage"]["message"] ==
          json{{"content", "Snapshot me"}, {"contentType", "text"}});
    CHECK(user["statusMessage"].contains("publishedDateTime"));
    CHECK(user["outOfOfficeSettings"] ==
          json{{"message", "Away this week"}, {"isOutOfOffice", true}});
  }

  TEST_CASE(
      "Control: POST /_mock/snapshot restores the snapshot's sessions and "
      "sequenceNumbers; GET presence then reads the same, also as time moves") {
    begin_mock_case();
    Seeded s = seed_rich_user("snapshot-roundtrip");
    const std::string& t = s.tenant;
    const json before_presence = presence_of(t, s.user);
    const json before_users = users_of(t);
    const json snap = snapshot_of(t);

    // Spoil the tenant, then load the snapshot back.
    check_action_ok(clear_presence_in(t, s.user, s.app_available));
    check_action_ok(
        request("POST",
                in_tenant(t, presence_path("v1.0", PathForm::Users, s.user) +
                                 "/clearUserPreferredPresence"),
                "{}"));
    check_control_json(
        control("DELETE", in_tenant(t, "/_mock/users/" + options().user)));
    CHECK(presence_of(t, s.user) != before_presence);
    json answer = check_control_json(
        control("POST", in_tenant(t, "/_mock/snapshot"), snap));
    CHECK(answer == json{{"mode", "replace"}, {"users", snap["users"].size()}});
    CHECK(presence_of(t, s.user) ==
          before_presence);  // sequenceNumber included
    CHECK(users_of(t) == before_users);

    // Load it into a second, fresh tenant at the same instant as well: both
    // tenants now evolve identically (fade at +5m, Busy expiry, +10m away).
    const std::string copy = unique_tenant("snapshot-copy");
    {
      const TimePoint now = require_now(t);
      check_control_json(control("POST", in_tenant(copy, "/_mock/clock"),
                                 json{{"now", format_instant(now)}}));
    }
    CHECK(check_control_json(control("POST", in_tenant(copy, "/_mock/snapshot"),
                                     snap)) == answer);
    CHECK(presence_of(copy, s.user) == before_presence);
    for (const char* step : {"PT2M", "PT3M", "PT5M", "PT15M"}) {
      advance_in(t, step);
      advance_in(copy, step);
      INFO("after another " << step);
      json original = presence_of(t, s.user);
      CHECK(presence_of(copy, s.user) == original);
      CHECK(users_of(copy) == users_of(t));
    }
    // +28m: the Available session (set at +2m) is away, Busy (PT20M from 0)
    // expired, the preferred presence (PT8M from +2m) too.
    json view = state_view(copy, s.user);
    CHECK(view["preferredPresence"].is_null());
    CHECK(session_in(view, s.app_busy).is_null());
    CHECK(session_in(view, s.app_available).value("stage", "") == "away");
  }

  TEST_CASE(
      "Control: a snapshot also loads through POST /_mock/fixtures, and a bad "
      "one is 400") {
    begin_mock_case();
    Seeded s = seed_rich_user("snapshot-fixtures");
    const json snap = snapshot_of(s.tenant);
    const json before_users = users_of(s.tenant);
    const std::string copy = unique_tenant("snapshot-fixtures-copy");
    check_control_json(
        control("POST", in_tenant(copy, "/_mock/clock"),
                json{{"now", format_instant(require_now(s.tenant))}}));
    check_control_json(
        control("POST", in_tenant(copy, "/_mock/fixtures?mode=replace"), snap));
    CHECK(users_of(copy) == before_users);
    CHECK(snapshot_of(copy) == snap);

    json broken = snap;
    broken["users"][0]["sessions"] = json{
        {{"sessionId", "x"}, {"availability", "Nope"}, {"activity", "Nope"}}};
    check_graph_error(
        control("POST", in_tenant(copy, "/_mock/snapshot"), broken), 400,
        "BadRequest");
    check_graph_error(
        control("POST", in_tenant(copy, "/_mock/snapshot"), json::array()), 400,
        "BadRequest");
    CHECK(users_of(copy) == before_users);
  }

}  // TEST_SUITE
