// The per-tenant manual clock and reset (docs/control-plane.md;
// D20, D24): GET/POST /_mock/clock with nextTransitions, bad
// moves, each tenant's own clock, reset of every tenant vs one tenant.
// Mock-only.
#include <algorithm>
#include <chrono>

#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json clock_of(const std::string& tenant) {
  return check_control_json(control("GET", in_tenant(tenant, "/_mock/clock")));
}

// The transitions of one user, in the order the server listed them.
json transitions_of(const json& clock, const std::string& user) {
  json out = json::array();
  for (const json& tr : clock.value("nextTransitions", json::array())) {
    if (tr.value("userId", "") == user) out.push_back(tr);
  }
  return out;
}

json journal(const std::string& tenant) {
  return check_control_json(
      control("GET", in_tenant(tenant, "/_mock/journal")));
}

json tenant_entry(const std::string& id) {
  json list = check_control_json(control("GET", "/_mock/tenants"));
  for (const json& e : list.value("tenants", json::array())) {
    if (e.value("id", "") == id) return e;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Control D20: GET /_mock/clock answers now, mode, tenant and "
      "nextTransitions") {
    begin_mock_case();
    const std::string t = unique_tenant("clock-shape");
    json clock = clock_of(t);
    INFO(clock.dump());
    REQUIRE(clock.is_object());
    CHECK(clock.size() == 4);
    REQUIRE(clock.contains("now"));
    REQUIRE(clock["now"].is_string());
    std::optional<TimePoint> now =
        parse_instant(clock["now"].get<std::string>());
    REQUIRE(now.has_value());
    CHECK(clock["now"] == format_instant(*now));  // three fraction digits and Z
    CHECK(clock.value("mode", "") == "manual");
    CHECK(clock.value("tenant", "") == t);
    REQUIRE(clock.contains("nextTransitions"));
    REQUIRE(clock["nextTransitions"].is_array());
    CHECK(clock["nextTransitions"].size() <= 100);
    CHECK(clock_of("").value("tenant", "") == "default");
  }

  TEST_CASE(
      "R4.5 R4.6 R4.7 R4.9 Control: nextTransitions lists fades, expiries and "
      "preferred/status expiries, sorted by time") {
    begin_mock_case();
    const std::string t = unique_tenant("clock-transitions");
    const std::string id = random_guid();
    const std::string available_app = "a1111111-1111-4111-8111-111111111111";
    const std::string busy_app = "b2222222-2222-4222-8222-222222222222";
    seed_users(t, json{{"id", id}});
    const TimePoint t0 = require_now(t);
    CHECK(set_presence_in(t, id, busy_app, "Busy", "InACall", "PT30M").status ==
          200);
    CHECK(
        set_presence_in(t, id, available_app, "Available", "Available", "PT1H")
            .status == 200);
    const std::string user_path = presence_path("v1.0", PathForm::Users, id);
    CHECK(request("POST", in_tenant(t, user_path + "/setUserPreferredPresence"),
                  json{{"availability", "Away"},
                       {"activity", "Away"},
                       {"expirationDuration", "PT2H"}}
                      .dump())
              .status == 200);
    CHECK(request("POST", in_tenant(t, user_path + "/setStatusMessage"),
                  json{{"statusMessage",
                        {{"message",
                          {{"content", "Back soon"}, {"contentType", "text"}}},
                         {"expiryDateTime",
                          {{"dateTime", format_local(t0 + 90min)},
                           {"timeZone", "UTC"}}}}}}
                      .dump())
              .status == 200);

    const json expected = {
        {{"at", format_instant(t0 + 5min)},
         {"userId", id},
         {"kind", "fade"},
         {"sessionId", available_app},
         {"to", "Available/AvailableInactive"}},
        {{"at", format_instant(t0 + 10min)},
         {"userId", id},
         {"kind", "fade"},
         {"sessionId", available_app},
         {"to", "Away/Away"}},
        {{"at", format_instant(t0 + 30min)},
         {"userId", id},
         {"kind", "expiry"},
         {"sessionId", busy_app}},
        {{"at", format_instant(t0 + 60min)},
         {"userId", id},
         {"kind", "expiry"},
         {"sessionId", available_app}},
        {{"at", format_instant(t0 + 90min)},
         {"userId", id},
         {"kind", "statusMessageExpiry"}},
        {{"at", format_instant(t0 + 120min)},
         {"userId", id},
         {"kind", "preferredPresenceExpiry"}},
    };
    json clock = clock_of(t);
    INFO(clock.dump());
    CHECK(transitions_of(clock, id) == expected);
    std::vector<std::string> ats;
    for (const json& tr : clock["nextTransitions"])
      ats.push_back(tr.value("at", ""));
    CHECK(std::is_sorted(ats.begin(),
                         ats.end()));  // fixed-width instants sort as text

    // POST answers the same body as GET; past transitions drop off.
    json moved = check_control_json(control(
        "POST", in_tenant(t, "/_mock/clock"), json{{"advance", "PT6M"}}));
    CHECK(moved == clock_of(t));
    CHECK(moved.value("now", "") == format_instant(t0 + 6min));
    json rest = transitions_of(moved, id);
    CHECK(rest ==
          json(std::vector<json>(expected.begin() + 1, expected.end())));
  }

  TEST_CASE(
      "Control: POST /_mock/clock {now} sets the clock; backwards and bad "
      "bodies are 400 and move nothing") {
    begin_mock_case();
    const std::string t = unique_tenant("clock-set");
    const TimePoint start = require_now(t);
    json set =
        check_control_json(control("POST", in_tenant(t, "/_mock/clock"),
                                   json{{"now", format_instant(start + 26h)}}));
    CHECK(set.value("now", "") == format_instant(start + 26h));
    CHECK(require_now(t) == start + 26h);
    // Setting the same instant again is not backwards.
    CHECK(control("POST", in_tenant(t, "/_mock/clock"),
                  json{{"now", format_instant(start + 26h)}})
              .status == 200);

    const json bad[] = {
        json{{"now", format_instant(start + 25h)}},  // backwards
        json{{"now", "yesterday"}},
        json{{"advance", "banana"}},
        json{{"advance", "1:00:00"}},
        json{{"advance", "-PT1M"}},
        json{{"advance", 60}},
        json::object(),
        json::array(),
    };
    for (const json& body : bad) {
      INFO(body.dump());
      check_graph_error(control("POST", in_tenant(t, "/_mock/clock"), body),
                        400, "BadRequest");
    }
    check_graph_error(request("POST", in_tenant(t, "/_mock/clock"),
                              std::string("{\"advance\":"), {}, Auth::None),
                      400, "BadRequest");
    CHECK(require_now(t) == start + 26h);
  }

  TEST_CASE(
      "D20 D24 each tenant has its own manual clock: advancing one moves no "
      "other") {
    begin_mock_case();
    const std::string a = unique_tenant("clock-a");
    const std::string b = unique_tenant("clock-b");
    const TimePoint start = require_now(a);
    CHECK(require_now(b) == start);  // all start at --clock-start
    const TimePoint default_before = require_now("");
    for (const std::string& t : {a, b}) {
      CHECK(set_presence_in(t, options().user, options().app, "Available",
                            "Available", "PT1H")
                .status == 200);
    }
    advance_in(a, "PT10M");
    CHECK(require_now(a) == start + 10min);
    CHECK(require_now(b) == start);
    CHECK(require_now("") == default_before);
    CHECK(pair_in(*get_presence_in(a, options().user).json) == "Away/Away");
    CHECK(pair_in(*get_presence_in(b, options().user).json) ==
          "Available/Available");
    // The tenant's clock drives its error dates too (D20).
    Reply late = get_presence_in(a, random_guid());
    check_graph_error(late, 404, "ResourceNotFound");
    std::optional<TimePoint> date =
        parse_instant((*late.json)["error"]["innerError"].value("date", ""));
    REQUIRE(date.has_value());
    CHECK(*date == start + 10min);
    Reply early = get_presence_in(b, random_guid());
    check_graph_error(early, 404, "ResourceNotFound");
    date =
        parse_instant((*early.json)["error"]["innerError"].value("date", ""));
    REQUIRE(date.has_value());
    CHECK(*date == start);
  }

  TEST_CASE(
      "D24 POST /_mock/reset resets every tenant: clocks to the start, state "
      "to the fixtures, journals cleared") {
    begin_mock_case();
    const std::string t = unique_tenant("reset-all");
    const TimePoint start = require_now(t);
    const json fixture_state =
        check_control_json(control("GET", in_tenant(t, "/_mock/state")));
    const json default_fixture_users =
        check_control_json(control("GET", "/_mock/state"))
            .value("users", json());
    const std::string seeded = random_guid();
    for (const std::string& tenant : {t, std::string()}) {
      seed_users(tenant, json{{"id", seeded}});
      CHECK(set_presence_in(tenant, options().user, options().app, "Busy",
                            "InACall", "PT1H")
                .status == 200);
      advance_in(tenant, "PT3H");
      CHECK(journal(tenant).value("total", 0) > 0);
    }
    REQUIRE(tenant_entry(t).is_object());

    json answer = check_control_json(control("POST", "/_mock/reset"));
    CHECK(answer == json{{"reset", "all"}});
    // Every tenant but default is dropped...
    json list = check_control_json(control("GET", "/_mock/tenants"));
    INFO(list.dump());
    REQUIRE(list["tenants"].is_array());
    CHECK(list["tenants"].size() == 1);
    CHECK(tenant_entry("default").value("journalEntries", -1) == 0);
    // ...and starts again from the fixtures, at the start instant, when next
    // seen.
    CHECK(require_now(t) == start);
    CHECK(require_now("") == start);
    CHECK(check_control_json(control("GET", in_tenant(t, "/_mock/state"))) ==
          fixture_state);
    CHECK(check_control_json(control("GET", "/_mock/state"))
              .value("users", json()) == default_fixture_users);
    for (const std::string& tenant : {t, std::string()}) {
      INFO("tenant '" << tenant << "'");
      CHECK(journal(tenant) == json{{"total", 0}, {"entries", json::array()}});
      check_graph_error(get_presence_in(tenant, seeded), 404,
                        "ResourceNotFound");
    }
  }

  TEST_CASE(
      "D24 POST /tenants/{t}/_mock/reset resets only that tenant: its clock, "
      "state and journal") {
    begin_mock_case();
    const std::string a = unique_tenant("reset-one-a");
    const std::string b = unique_tenant("reset-one-b");
    const TimePoint start = require_now(a);
    const json fixture_state =
        check_control_json(control("GET", in_tenant(a, "/_mock/state")));
    const std::string seeded = random_guid();
    for (const std::string& tenant : {a, b, std::string()}) {
      seed_users(tenant, json{{"id", seeded}});
      CHECK(set_presence_in(tenant, seeded, options().app, "Busy", "InACall",
                            "PT4H")
                .status == 200);
      advance_in(tenant, "PT1H");
    }
    const json b_state =
        check_control_json(control("GET", in_tenant(b, "/_mock/state")));
    const json b_journal = journal(b);
    const json default_state =
        check_control_json(control("GET", "/_mock/state"));

    json answer =
        check_control_json(control("POST", in_tenant(a, "/_mock/reset")));
    CHECK(answer == json{{"reset", a}});
    CHECK(require_now(a) == start);
    CHECK(check_control_json(control("GET", in_tenant(a, "/_mock/state"))) ==
          fixture_state);
    CHECK(journal(a) == json{{"total", 0}, {"entries", json::array()}});
    check_graph_error(get_presence_in(a, seeded), 404, "ResourceNotFound");

    // The others are untouched.
    CHECK(require_now(b) == start + 1h);
    CHECK(check_control_json(control("GET", in_tenant(b, "/_mock/state"))) ==
          b_state);
    CHECK(journal(b) == b_journal);
    CHECK(require_now("") == start + 1h);
    CHECK(check_control_json(control("GET", "/_mock/state")) == default_state);
    CHECK(pair_in(*get_presence_in(b, seeded).json) == "Busy/InACall");

    // The prefixed form works for the default tenant too.
    CHECK(check_control_json(
              control("POST", in_tenant("default", "/_mock/reset"))) ==
          json{{"reset", "default"}});
    CHECK(require_now("") == start);
    CHECK(require_now(b) == start + 1h);
  }

}  // TEST_SUITE
