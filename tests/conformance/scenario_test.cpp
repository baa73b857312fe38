// One end-to-end scenario, written the way a user's integration test would
// use the mock: seed a user, drive presence through Graph, move time, look at
// the state view and GET presence, ask the journal what the app sent, reset.
// It runs in its own tenant (D24) so it cannot disturb other cases, and must
// take well under 2 s of wall time: nothing in it waits (time moves only
// through /_mock/clock). Mock-only.
#include <chrono>

#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Scenario: seed a user, setPresence, advance PT7M, see the fade, count "
      "the calls in the journal, reset") {
    const auto started = std::chrono::steady_clock::now();
    const std::string tenant = unique_tenant("scenario");
    const std::string user = random_guid();
    const std::string app = random_guid();
    const std::string presence =
        in_tenant(tenant, "/v1.0/users/" + user + "/presence");

    // 1. Seed the user the test is about.
    json created = check_control_json(
        control("POST", in_tenant(tenant, "/_mock/users"),
                json{{"id", user},
                     {"userPrincipalName", "scenario@contoso.example"},
                     {"displayName", "Scenario User"}}),
        201);
    CHECK(created == json{{"created", {user}}});

    // 2. The app under test publishes Available for an hour through Graph.
    check_action_ok(request("POST", presence + "/setPresence",
                            json{{"sessionId", app},
                                 {"availability", "Available"},
                                 {"activity", "Available"},
                                 {"expirationDuration", "PT1H"}}
                                .dump(),
                            bearer(app_jwt(app))));
    Reply now = request("GET", presence);
    REQUIRE(now.json.has_value());
    CHECK(pair_in(*now.json) == "Available/Available");

    // 3. Seven minutes pass without a refresh: the session fades (R4.5).
    json clock = check_control_json(control(
        "POST", in_tenant(tenant, "/_mock/clock"), json{{"advance", "PT7M"}}));
    CHECK(clock.value("tenant", "") == tenant);
    json view = state_view(tenant, user);
    json session = session_in(view, app);
    INFO(view.dump());
    REQUIRE(session.is_object());
    CHECK(session.value("stage", "") == "inactive");
    CHECK(pair_in(session["current"]) == "Available/AvailableInactive");
    CHECK(pair_in(view["presence"]) == "Available/AvailableInactive");
    Reply faded = request("GET", presence);
    REQUIRE(faded.json.has_value());
    CHECK(pair_in(*faded.json) == "Available/AvailableInactive");
    CHECK(faded.json->value("sequenceNumber", "") ==
          view.value("sequenceNumber", ""));

    // 4. The app sent exactly one setPresence for this user.
    json counted = check_control_json(
        control("POST", in_tenant(tenant, "/_mock/journal/count"),
                json{{"method", "POST"},
                     {"path", "*/setPresence"},
                     {"user", user},
                     {"app", app}}));
    CHECK(counted == json{{"count", 1}});

    // 5. Reset the tenant: back to the fixtures, the seeded user is gone.
    CHECK(check_control_json(
              control("POST", in_tenant(tenant, "/_mock/reset"))) ==
          json{{"reset", tenant}});
    check_graph_error(request("GET", presence), 404, "ResourceNotFound");
    Reply fixture = get_presence_in(tenant, options().user);
    REQUIRE(fixture.json.has_value());
    CHECK(pair_in(*fixture.json) == "Offline/Offline");
    // The journal was cleared by the reset: only the two reads since remain.
    json journal =
        check_control_json(control("GET", in_tenant(tenant, "/_mock/journal")));
    CHECK(journal.value("total", -1) == 2);

    const auto elapsed = std::chrono::steady_clock::now() - started;
    INFO("wall time " << std::chrono::duration_cast<std::chrono::milliseconds>(
                             elapsed)
                             .count()
                      << " ms");
    CHECK(elapsed < 2s);
  }

}  // TEST_SUITE
