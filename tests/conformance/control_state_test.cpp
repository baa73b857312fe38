// The side-effect-free state view (docs/control-plane.md):
// GET /_mock/state and /_mock/state/{id}; session stages on the clock
// (R4.5, R4.6); reading it moves no sequenceNumber (D10) and journals
// nothing; preferredPresence.applies (D14). Mock-only, one tenant per case.
#include <algorithm>
#include <chrono>

#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json state_of(const std::string& tenant) {
  return check_control_json(control("GET", in_tenant(tenant, "/_mock/state")));
}

json presence_body(const std::string& tenant, const std::string& user) {
  Reply r = get_presence_in(tenant, user);
  INFO(r.describe());
  REQUIRE(r.status == 200);
  REQUIRE(r.json.has_value());
  return *r.json;
}

long long journal_total(const std::string& tenant) {
  json j =
      check_control_json(control("GET", in_tenant(tenant, "/_mock/journal")));
  REQUIRE(j.contains("total"));
  return j["total"].get<long long>();
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Control: GET /_mock/state answers the tenant, its now and every user's "
      "state view sorted by id") {
    begin_mock_case();
    const std::string t = unique_tenant("state-all");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}, {"displayName", "Viewed"}});
    advance_in(t, "PT3M");
    json state = state_of(t);
    INFO(state.dump());
    REQUIRE(state.is_object());
    CHECK(state.size() == 3);
    CHECK(state.value("tenant", "") == t);
    CHECK(state.value("now", "") == format_instant(require_now(t)));
    REQUIRE(state.contains("users"));
    REQUIRE(state["users"].is_array());
    std::vector<std::string> ids;
    for (const json& view : state["users"]) {
      check_state_view_shape(view);
      ids.push_back(view.value("id", ""));
      // Each entry is what /_mock/state/{id} answers.
      CHECK(view == state_view(t, view.value("id", "")));
    }
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    json users =
        check_control_json(control("GET", in_tenant(t, "/_mock/users")));
    CHECK(ids.size() == users["users"].size());
    CHECK(std::count(ids.begin(), ids.end(), id) == 1);
    // The default tenant's view names the default tenant.
    CHECK(state_of("").value("tenant", "") == "default");
  }

  TEST_CASE(
      "Control: GET /_mock/state/{id} of an unknown user is 404 "
      "ResourceNotFound") {
    begin_mock_case();
    const std::string t = unique_tenant("state-404");
    check_graph_error(
        control("GET", in_tenant(t, "/_mock/state/" + random_guid())), 404,
        "ResourceNotFound");
  }

  TEST_CASE(
      "R4.5 R4.6 Control: an Available PT1H session's stage, current, "
      "nextStageAt and expiresAt at t0, t0+5m, t0+10m") {
    begin_mock_case();
    const std::string t = unique_tenant("state-stages");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    advance_in(t, "PT1M");  // t0 is not the tenant's start
    const TimePoint t0 = require_now(t);
    CHECK(
        set_presence_in(t, id, options().app, "Available", "Available", "PT1H")
            .status == 200);

    struct Step {
      const char* advance;  // from the previous step
      const char* stage;
      const char* current;
      std::optional<TimePoint> next;
    };
    const Step steps[] = {
        {nullptr, "active", "Available/Available", t0 + 5min},
        {"PT5M", "inactive", "Available/AvailableInactive", t0 + 10min},
        {"PT5M", "away", "Away/Away", std::nullopt},
    };
    for (const Step& step : steps) {
      if (step.advance != nullptr) advance_in(t, step.advance);
      INFO("at " << format_instant(require_now(t)));
      json view = state_view(t, id);
      check_state_view_shape(view);
      json s = session_in(view, options().app);
      INFO(view.dump());
      REQUIRE(s.is_object());
      CHECK(s.value("kind", "") == "app");
      CHECK(pair_in(s) == "Available/Available");  // as set
      CHECK(s.value("setAt", "") == format_instant(t0));
      CHECK(s.value("stage", "") == step.stage);
      CHECK(pair_in(s["current"]) == step.current);
      if (step.next) {
        CHECK(s["nextStageAt"] == format_instant(*step.next));
      } else {
        CHECK(s["nextStageAt"].is_null());
      }
      CHECK(s["expiresAt"] == format_instant(t0 + 1h));
      CHECK(pair_in(view["presence"]) == step.current);
      CHECK(pair_in(presence_body(t, id)) == step.current);
    }
    // At expiry the session is gone from the view (live sessions only).
    advance_in(t, "PT50M");
    json view = state_view(t, id);
    CHECK(view["sessions"] == json::array());
    CHECK(pair_in(view["presence"]) == "Offline/Offline");
  }

  TEST_CASE(
      "Control: state view sessions are sorted by sessionId and hold the "
      "aggregate GET presence shows") {
    begin_mock_case();
    const std::string t = unique_tenant("state-sorted");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    const std::string apps[] = {"f0000000-0000-4000-8000-000000000000",
                                "a0000000-0000-4000-8000-000000000000",
                                "c0000000-0000-4000-8000-000000000000"};
    CHECK(set_presence_in(t, id, apps[0], "Away", "Away", "PT1H").status ==
          200);
    CHECK(set_presence_in(t, id, apps[1], "Busy", "InAConferenceCall", "PT2H")
              .status == 200);
    CHECK(set_presence_in(t, id, apps[2], "Available", "Available", "PT30M")
              .status == 200);
    json view = state_view(t, id);
    INFO(view.dump());
    REQUIRE(view["sessions"].size() == 3);
    std::vector<std::string> order;
    for (const json& s : view["sessions"])
      order.push_back(s.value("sessionId", ""));
    CHECK(std::is_sorted(order.begin(), order.end()));
    CHECK(pair_in(view["presence"]) == "Busy/InAConferenceCall");
    json p = presence_body(t, id);
    CHECK(pair_in(p) == pair_in(view["presence"]));
    CHECK(p.value("sequenceNumber", "") == view.value("sequenceNumber", ""));
    // Non-Available sessions do not fade: no next stage.
    CHECK(session_in(view, apps[1])["nextStageAt"].is_null());
    CHECK(session_in(view, apps[1]).value("stage", "") == "active");
  }

  TEST_CASE(
      "D10 Control: reading /_mock/state moves no sequenceNumber and journals "
      "nothing") {
    begin_mock_case();
    const std::string t = unique_tenant("state-pure");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    CHECK(
        set_presence_in(t, id, options().app, "Available", "Available", "PT1H")
            .status == 200);
    const std::string s0 = presence_body(t, id).value("sequenceNumber", "");
    REQUIRE_FALSE(s0.empty());
    const long long journaled = journal_total(t);

    // Nothing changed: the view shows GET presence's number, read after read.
    for (int i = 0; i < 3; ++i) {
      CHECK(state_view(t, id).value("sequenceNumber", "") == s0);
      CHECK(state_of(t)["users"].size() > 0);
    }
    CHECK(presence_body(t, id).value("sequenceNumber", "") == s0);

    // A fade no client has read yet: the view already shows the number GET
    // presence will show, however often it is read, and GET then agrees.
    advance_in(t, "PT5M");
    const std::string s1 = state_view(t, id).value("sequenceNumber", "");
    CHECK(s1 > s0);
    for (int i = 0; i < 3; ++i) {
      CHECK(state_view(t, id).value("sequenceNumber", "") == s1);
      json all = state_of(t);
      for (const json& v : all["users"]) {
        if (v.value("id", "") == id) CHECK(v.value("sequenceNumber", "") == s1);
      }
    }
    json p = presence_body(t, id);
    CHECK(pair_in(p) == "Available/AvailableInactive");
    CHECK(p.value("sequenceNumber", "") == s1);
    CHECK(state_view(t, id).value("sequenceNumber", "") == s1);
    // Two GET presence calls were journaled since; the state reads were not.
    CHECK(journal_total(t) == journaled + 2);
  }

  TEST_CASE(
      "D14 Control: preferredPresence.applies is false without a live session "
      "and true with one") {
    begin_mock_case();
    const std::string t = unique_tenant("state-preferred");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    const TimePoint t0 = require_now(t);
    Reply set =
        request("POST",
                in_tenant(t, presence_path("v1.0", PathForm::Users, id) +
                                 "/setUserPreferredPresence"),
                json{{"availability", "Busy"}, {"activity", "Busy"}}.dump());
    INFO(set.describe());
    CHECK(set.status == 200);

    json view = state_view(t, id);
    INFO(view.dump());
    REQUIRE(view["preferredPresence"].is_object());
    json pref = view["preferredPresence"];
    CHECK(pref.size() == 5);
    CHECK(pair_in(pref) == "Busy/Busy");
    CHECK(pref.value("setAt", "") == format_instant(t0));
    CHECK(pref.value("expiresAt", "") ==
          format_instant(t0 + std::chrono::days{1}));  // R4.7
    CHECK(pref["applies"] == false);
    CHECK(pair_in(view["presence"]) == "Offline/Offline");
    CHECK(pair_in(presence_body(t, id)) == "Offline/Offline");

    CHECK(
        set_presence_in(t, id, options().app, "Available", "Available", "PT5M")
            .status == 200);
    view = state_view(t, id);
    CHECK(view["preferredPresence"]["applies"] == true);
    CHECK(pair_in(view["presence"]) == "Busy/Busy");
    CHECK(pair_in(presence_body(t, id)) == "Busy/Busy");

    advance_in(t, "PT5M");  // the only session expires
    view = state_view(t, id);
    CHECK(view["preferredPresence"]["applies"] == false);
    CHECK(pair_in(view["presence"]) == "Offline/Offline");
  }

  TEST_CASE(
      "Control: the state view shows a status message with its expiry and "
      "publishedDateTime") {
    begin_mock_case();
    const std::string t = unique_tenant("state-status");
    const std::string id = random_guid();
    seed_users(t, json{{"id", id}});
    const TimePoint t0 = require_now(t);
    const json message = {
        {"message", {{"content", "Lunch"}, {"contentType", "text"}}},
        {"expiryDateTime",
         {{"dateTime", format_local(t0 + 2h)}, {"timeZone", "UTC"}}}};
    Reply set =
        request("POST",
                in_tenant(t, presence_path("v1.0", PathForm::Users, id) +
                                 "/setStatusMessage"),
                json{{"statusMessage", message}}.dump());
    INFO(set.describe());
    CHECK(set.status == 200);
    json view = state_view(t, id);
    INFO(view.dump());
    REQUIRE(view["statusMessage"].is_object());
    json sm = view["statusMessage"];
    CHECK(sm["message"] == message["message"]);
    REQUIRE(sm["expiryDateTime"].is_object());
    CHECK(sm["expiryDateTime"].value("timeZone", "") == "UTC");
    std::optional<TimePoint> expiry =
        parse_instant(sm["expiryDateTime"].value("dateTime", ""));
    REQUIRE(expiry.has_value());
    CHECK(*expiry == t0 + 2h);
    std::optional<TimePoint> published =
        parse_instant(sm.value("publishedDateTime", ""));
    REQUIRE(published.has_value());
    CHECK(*published == t0);
    // Gone from the view once it expires (R4.9, D17).
    advance_in(t, "PT2H");
    CHECK(state_view(t, id)["statusMessage"].is_null());
  }

}  // TEST_SUITE
