// The engine through HTTP (graph-presence.md §4): aggregation of sessions
// (R4.1-R4.4, D4), fade and expiry on the mock clock (R4.5, R4.6, D3), and
// sequenceNumber (R4.10, D10). All mock-only: they need reset and the clock.
#include <atomic>
#include <thread>
#include <vector>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

struct Pair {
  const char* availability;
  const char* activity;
};

std::string sequence_number(const std::string& user) {
  json state = presence_state(user);
  if (!state.is_object() || !state.contains("sequenceNumber") ||
      !state["sequenceNumber"].is_string()) {
    return "";
  }
  return state["sequenceNumber"].get<std::string>();
}

void set(const std::string& session, const Pair& pair,
         const char* duration = "PT1H") {
  check_action_ok(set_presence("v1.0", PathForm::Users, options().user, session,
                               pair.availability, pair.activity, duration));
}

void advance(const char* duration) {
  Reply r = advance_clock(duration);
  INFO(r.describe());
  REQUIRE(r.status == 200);
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE("R4.4 a user without sessions is Offline/Offline") {
    begin_mock_case();
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        Reply r = get_presence(version, form, options().user);
        REQUIRE(r.json.has_value());
        CHECK((*r.json)["availability"] == "Offline");
        CHECK((*r.json)["activity"] == "Offline");
      }
    }
  }

  TEST_CASE(
      "R4.1 R4.3 D4 sessions aggregate: DoNotDisturb > Busy > Available > "
      "Away, whatever the order") {
    const Pair ranked[] = {{"DoNotDisturb", "Presenting"},
                           {"Busy", "InACall"},
                           {"Available", "Available"},
                           {"Away", "Away"}};
    for (std::size_t hi = 0; hi < 4; ++hi) {
      for (std::size_t lo = hi + 1; lo < 4; ++lo) {
        for (bool high_first : {true, false}) {
          const Pair& a = high_first ? ranked[hi] : ranked[lo];
          const Pair& b = high_first ? ranked[lo] : ranked[hi];
          INFO(std::string(a.availability) << " then " << b.availability);
          begin_mock_case();
          set(options().app, a);
          set(random_guid(), b);
          CHECK(visible(options().user) ==
                std::string(ranked[hi].availability) + "/" +
                    ranked[hi].activity);
        }
      }
    }
  }

  TEST_CASE(
      "R4.1 R4.2 concurrent setPresence calls from many apps each keep their "
      "own session") {
    begin_mock_case();
    constexpr int kApps = 16;
    constexpr int kRounds = 10;
    std::vector<std::string> apps;
    for (int i = 0; i < kApps; ++i) apps.push_back(random_guid());
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    // doctest assertions are not thread-safe: threads only count failures.
    for (int i = 0; i < kApps; ++i) {
      threads.emplace_back([&, i] {
        for (int round = 0; round < kRounds; ++round) {
          Reply set = set_presence("v1.0", PathForm::Users, options().user,
                                   apps[i], "Away", "Away", "PT1H");
          Reply get = get_presence("beta", PathForm::Users, options().user);
          if (set.status != 200 || get.status != 200) ++failures;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(failures.load() == 0);
    CHECK(visible(options().user) == "Away/Away");
    for (const std::string& app : apps) {
      INFO(app);
      check_action_ok(
          clear_presence("v1.0", PathForm::Users, options().user, app));
    }
    CHECK(visible(options().user) == "Offline/Offline");
  }

  TEST_CASE(
      "D4 the winning session supplies both availability and activity; ties go "
      "to the latest") {
    begin_mock_case();
    const std::string second = random_guid();
    // The manual clock is frozen: move it so "most recently" is well defined.
    set(options().app, {"Busy", "InACall"});
    advance("PT1S");
    set(second, {"Busy", "InAConferenceCall"});
    CHECK(visible(options().user) == "Busy/InAConferenceCall");
    advance("PT1S");
    set(options().app, {"Busy", "InACall"});  // refreshed: now the latest
    CHECK(visible(options().user) == "Busy/InACall");
    check_action_ok(
        clear_presence("v1.0", PathForm::Users, options().user, options().app));
    CHECK(visible(options().user) == "Busy/InAConferenceCall");
  }

  TEST_CASE(
      "D4 a faded Available/AvailableInactive session still outranks Away") {
    begin_mock_case();
    set(options().app, {"Available", "Available"});
    advance("PT5M");
    set(random_guid(), {"Away", "Away"});
    CHECK(visible(options().user) == "Available/AvailableInactive");
  }

  TEST_CASE("R4.5 an Available session fades at exactly +5 min and +10 min") {
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        begin_mock_case();
        check_action_ok(set_presence(version, form, options().user,
                                     options().app, "Available", "Available",
                                     "PT1H"));
        auto seen = [&] {
          Reply r = get_presence(version, form, options().user);
          if (!r.json) return std::string("?");
          return (*r.json).value("availability", "") + "/" +
                 (*r.json).value("activity", "");
        };
        advance("PT4M59S");
        CHECK(seen() == "Available/Available");
        advance("PT1S");  // t0+5m
        CHECK(seen() == "Available/AvailableInactive");
        advance("PT4M59S");
        CHECK(seen() == "Available/AvailableInactive");
        advance("PT1S");  // t0+10m
        CHECK(seen() == "Away/Away");
        advance("PT49M59S");  // t0+59m59s: still there, still Away
        CHECK(seen() == "Away/Away");
        advance("PT1S");  // t0+1h: expired (R4.6)
        CHECK(seen() == "Offline/Offline");
      }
    }
  }

  TEST_CASE("R4.5 sessions that are not Available never fade") {
    for (const Pair& pair :
         {Pair{"Busy", "InACall"}, Pair{"Busy", "InAConferenceCall"},
          Pair{"DoNotDisturb", "Presenting"}, Pair{"Away", "Away"}}) {
      INFO(std::string(pair.availability) << "/" << pair.activity);
      begin_mock_case();
      set(options().app, pair, "PT4H");
      const std::string expected =
          std::string(pair.availability) + "/" + pair.activity;
      advance("PT5M");
      CHECK(visible(options().user) == expected);
      advance("PT5M");
      CHECK(visible(options().user) == expected);
      advance("PT3H49M59S");
      CHECK(visible(options().user) == expected);
    }
  }

  TEST_CASE("R4.6 a session expires at exactly its expirationDuration") {
    for (const char* duration : {"PT5M", "PT30M", "PT3H"}) {
      INFO(std::string(duration));
      begin_mock_case();
      set(options().app, {"Busy", "InACall"}, duration);
      set(random_guid(), {"Away", "Away"}, "PT4H");
      advance(duration);
      // The Busy session is gone; the Away one (no fade) is left.
      CHECK(visible(options().user) == "Away/Away");
    }
    for (const char* duration : {"PT30M", "PT4H"}) {
      INFO(std::string(duration));
      begin_mock_case();
      set(options().app, {"DoNotDisturb", "Presenting"}, duration);
      advance(duration == std::string("PT4H") ? "PT3H59M59S" : "PT29M59S");
      CHECK(visible(options().user) == "DoNotDisturb/Presenting");
      advance("PT1S");
      CHECK(visible(options().user) == "Offline/Offline");
    }
  }

  TEST_CASE(
      "D3 with the default PT5M an Available session expires instead of "
      "fading") {
    for (auto version : kVersions) {
      INFO(version);
      begin_mock_case();
      check_action_ok(set_presence(version, PathForm::Users, options().user,
                                   options().app, "Available",
                                   "Available"));  // no expirationDuration
      advance("PT4M59S");
      CHECK(visible(options().user) == "Available/Available");
      advance("PT1S");
      CHECK(visible(options().user) == "Offline/Offline");
    }
  }

  TEST_CASE(
      "D10 R4.10 sequenceNumber is fixed-width and unchanged on plain "
      "re-reads") {
    begin_mock_case();
    const std::string first = sequence_number(options().user);
    static const std::regex kSeq(R"(A\d{10})");
    CHECK(std::regex_match(first, kSeq));
    for (auto version : kVersions) {
      for (PathForm form : kPathForms) {
        INFO(version << " " << to_string(form));
        Reply r = get_presence(version, form, options().user);
        REQUIRE(r.json.has_value());
        CHECK((*r.json)["sequenceNumber"] == first);
      }
    }
    // Time passing with nothing to change changes nothing.
    advance("PT1H");
    CHECK(sequence_number(options().user) == first);
  }

  TEST_CASE(
      "D10 R4.10 sequenceNumber increases after every visible change, by write "
      "or by time") {
    begin_mock_case();
    const std::string& u = options().user;
    std::string last = sequence_number(u);
    REQUIRE_FALSE(last.empty());
    auto increased = [&](const char* what) {
      INFO(what);
      std::string now = sequence_number(u);
      CHECK(now.size() == last.size());
      CHECK(now > last);
      CHECK(sequence_number(u) == now);  // and stable on re-read
      last = now;
    };
    set(options().app, {"Available", "Available"}, "PT30M");
    increased("setPresence");
    advance("PT5M");
    increased("fade to AvailableInactive");
    advance("PT5M");
    increased("fade to Away");
    check_action_ok(set_status_message(
        "v1.0", PathForm::Users, u,
        {{"message", {{"content", "hi"}, {"contentType", "text"}}}}));
    increased("setStatusMessage");
    check_action_ok(
        set_preferred("v1.0", PathForm::Users, u, "Busy", "Busy", "PT10M"));
    increased("setUserPreferredPresence");
    advance("PT10M");
    increased("preferred presence expiry");
    set(options().app, {"Busy", "InACall"}, "PT5M");
    increased("setPresence Busy");
    advance("PT5M");
    increased("session expiry");
    // The other user's counter is their own business.
    const std::string other_before = sequence_number(options().other_user);
    check_action_ok(set_presence("v1.0", PathForm::Users, options().other_user,
                                 options().app, "DoNotDisturb", "Presenting",
                                 "PT1H"));
    CHECK(sequence_number(u) == last);
    CHECK(sequence_number(options().other_user) > other_before);
  }

  TEST_CASE("D10 sequenceNumber increases when a status message runs out") {
    begin_mock_case();
    auto now = clock_now();
    REQUIRE(now.has_value());
    const TimePoint expiry = std::chrono::floor<std::chrono::seconds>(*now) +
                             std::chrono::minutes(10);
    check_action_ok(set_status_message(
        "v1.0", PathForm::Users, options().user,
        {{"message", {{"content", "brief"}, {"contentType", "text"}}},
         {"expiryDateTime",
          {{"dateTime", format_local(expiry)}, {"timeZone", "UTC"}}}}));
    const std::string before = sequence_number(options().user);
    advance("PT11M");
    CHECK(sequence_number(options().user) > before);
  }

}  // TEST_SUITE
