// Unit tests for src/core/aggregate: fade (R4.5), expiry (R4.6, D3),
// ranking (R4.3, D4), preferred presence (R3.5.2, R3.5.3, D14) and
// Teams-client sessions (R4.1, D16), all at fixed instants.
#include "core/aggregate.h"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/iso_time.h"
#include "test_instants.h"

namespace {

using gpm::core::Activity;
using gpm::core::Availability;
using gpm::core::Duration;
using gpm::core::PreferredPresence;
using gpm::core::PresenceState;
using gpm::core::Session;
using gpm::core::SessionStage;
using gpm::core::TimePoint;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using A = Availability;
using C = Activity;

using gpm::testing::instant;
using gpm::testing::t0;

constexpr PresenceState kAvailable{A::Available, C::Available};
constexpr PresenceState kInactive{A::Available, C::AvailableInactive};
constexpr PresenceState kAway{A::Away, C::Away};
constexpr PresenceState kInACall{A::Busy, C::InACall};
constexpr PresenceState kConference{A::Busy, C::InAConferenceCall};
constexpr PresenceState kPresenting{A::DoNotDisturb, C::Presenting};
constexpr PresenceState kBeRightBack{A::BeRightBack, C::BeRightBack};
constexpr PresenceState kOffline{A::Offline, C::Offline};

std::string show(PresenceState p) {
  return std::string(to_string(p.availability)) + "/" +
         std::string(to_string(p.activity));
}

// An app session as setPresence creates it.
Session app(std::string id, PresenceState state, TimePoint set_at,
            Duration expiration = minutes(5)) {
  return Session{std::move(id), state, set_at, set_at + expiration, false};
}

// A synthetic Teams-client session (D16).
Session client(std::string id, PresenceState state, TimePoint set_at) {
  return Session{std::move(id), state, set_at, std::nullopt, true};
}

std::string agg(const std::vector<Session>& sessions, TimePoint now,
                const std::optional<PreferredPresence>& preferred = {}) {
  return show(gpm::core::aggregate(sessions, preferred, now));
}

std::string at(const Session& s, TimePoint now) {
  return show(gpm::core::session_at(s, now).state);
}

}  // namespace

TEST_SUITE("aggregate") {
  TEST_CASE("R4.4 a user with no sessions is Offline/Offline") {
    CHECK(agg({}, t0) == "Offline/Offline");
  }

  TEST_CASE(
      "R4.5 an Available session stays Available until just before "
      "t0+5min") {
    std::vector<Session> s{app("app", kAvailable, t0, hours(1))};
    CHECK(agg(s, t0) == "Available/Available");
    CHECK(agg(s, t0 + minutes(5) - milliseconds(1)) == "Available/Available");
    CHECK(
        gpm::core::session_at(s[0], t0 + minutes(5) - milliseconds(1)).stage ==
        SessionStage::Active);
  }

  TEST_CASE(
      "R4.5 an Available session fades to AvailableInactive at exactly "
      "t0+5min") {
    std::vector<Session> s{app("app", kAvailable, t0, hours(1))};
    CHECK(agg(s, t0 + minutes(5)) == "Available/AvailableInactive");
    CHECK(gpm::core::session_at(s[0], t0 + minutes(5)).stage ==
          SessionStage::Inactive);
  }

  TEST_CASE(
      "R4.5 the session is still AvailableInactive just before "
      "t0+10min") {
    std::vector<Session> s{app("app", kAvailable, t0, hours(1))};
    CHECK(agg(s, t0 + minutes(10) - milliseconds(1)) ==
          "Available/AvailableInactive");
  }

  TEST_CASE(
      "R4.5 the session becomes Away/Away at exactly t0+10min and stays "
      "Away until it expires") {
    std::vector<Session> s{app("app", kAvailable, t0, hours(1))};
    CHECK(agg(s, t0 + minutes(10)) == "Away/Away");
    CHECK(gpm::core::session_at(s[0], t0 + minutes(10)).stage ==
          SessionStage::Away);
    CHECK(agg(s, t0 + hours(1) - milliseconds(1)) == "Away/Away");
  }

  TEST_CASE(
      "D3 with the default PT5M the session is gone at exactly t0+5min, "
      "expiry winning over the fade") {
    std::vector<Session> s{app("app", kAvailable, t0, minutes(5))};
    CHECK(agg(s, t0 + minutes(5) - milliseconds(1)) == "Available/Available");
    CHECK(agg(s, t0 + minutes(5)) == "Offline/Offline");
    CHECK(gpm::core::session_at(s[0], t0 + minutes(5)).stage ==
          SessionStage::Expired);
  }

  TEST_CASE("R4.6 a session expires at exactly t0+expirationDuration") {
    struct Row {
      PresenceState state;
      Duration expiration;
      std::string_view before;  // just before expiry
    };
    const std::array<Row, 6> kRows{{
        {kAvailable, hours(1), "Away/Away"},
        {kAvailable, minutes(7), "Available/AvailableInactive"},
        {kInACall, hours(1), "Busy/InACall"},
        {kConference, hours(4), "Busy/InAConferenceCall"},
        {kPresenting, minutes(5), "DoNotDisturb/Presenting"},
        {kAway, minutes(30), "Away/Away"},
    }};
    for (const auto& row : kRows) {
      CAPTURE(show(row.state));
      CAPTURE(gpm::core::format_iso_duration(row.expiration));
      std::vector<Session> s{app("app", row.state, t0, row.expiration)};
      CHECK(agg(s, t0 + row.expiration - milliseconds(1)) == row.before);
      CHECK(agg(s, t0 + row.expiration) == "Offline/Offline");
      CHECK(agg(s, t0 + row.expiration + days(1)) == "Offline/Offline");
    }
  }

  TEST_CASE("R4.5 sessions that are not Available do not fade") {
    const std::array<PresenceState, 6> kStates{{
        kInACall,
        kConference,
        kPresenting,
        kAway,
        kBeRightBack,
        {A::DoNotDisturb, C::DoNotDisturb},
    }};
    for (const auto& state : kStates) {
      CAPTURE(show(state));
      Session s = app("app", state, t0, hours(4));
      for (auto offset : {minutes(5), minutes(10), minutes(239)}) {
        CHECK(at(s, t0 + offset) == show(state));
        CHECK(gpm::core::session_at(s, t0 + offset).stage ==
              SessionStage::Active);
      }
    }
  }

  TEST_CASE("R4.5 session_at reports the next instant it changes on its own") {
    Session s = app("app", kAvailable, t0, hours(1));
    CHECK(gpm::core::session_at(s, t0).next_change_at == t0 + minutes(5));
    CHECK(gpm::core::session_at(s, t0 + minutes(5)).next_change_at ==
          t0 + minutes(10));
    CHECK(gpm::core::session_at(s, t0 + minutes(10)).next_change_at ==
          t0 + hours(1));
    CHECK_FALSE(
        gpm::core::session_at(s, t0 + hours(1)).next_change_at.has_value());
    // D3: with PT5M the next change is the expiry, at the fade instant.
    Session short_lived = app("app", kAvailable, t0, minutes(5));
    CHECK(gpm::core::session_at(short_lived, t0).next_change_at ==
          t0 + minutes(5));
    // A session that expires before it would turn Away.
    Session seven = app("app", kAvailable, t0, minutes(7));
    CHECK(gpm::core::session_at(seven, t0 + minutes(6)).next_change_at ==
          t0 + minutes(7));
    Session busy = app("app", kInACall, t0, hours(2));
    CHECK(gpm::core::session_at(busy, t0 + minutes(30)).next_change_at ==
          t0 + hours(2));
  }

  TEST_CASE("R4.1 D16 Teams-client sessions never fade or expire") {
    Session available = client("teams-desktop", kAvailable, t0);
    Session busy = client("teams-mobile", kInACall, t0);
    const std::array<Duration, 5> kOffsets{
        {minutes(0), minutes(5), minutes(10), hours(4), days(365)}};
    for (Duration offset : kOffsets) {
      CAPTURE(gpm::core::format_iso_duration(offset));
      CHECK(at(available, t0 + offset) == "Available/Available");
      CHECK(at(busy, t0 + offset) == "Busy/InACall");
      auto s = gpm::core::session_at(available, t0 + offset);
      CHECK(s.stage == SessionStage::Active);
      CHECK_FALSE(s.next_change_at.has_value());
    }
    std::vector<Session> only_client{available};
    CHECK(agg(only_client, t0 + days(365)) == "Available/Available");
  }

  TEST_CASE(
      "D4 every ordered pair of live sessions ranks DoNotDisturb > Busy "
      "> Available (incl. AvailableInactive) > BeRightBack > Away") {
    // Evaluated at `now`; each kind is a session whose state at `now` is
    // `shown`. The second session of a pair is always set after the first
    // one, except that a faded session is necessarily older than an
    // unfaded Available one.
    const TimePoint now = t0 + hours(1);
    struct Kind {
      std::string_view name;
      PresenceState set;
      PresenceState shown;
      int rank;
      TimePoint first_set_at;
      TimePoint second_set_at;
    };
    const std::array<Kind, 7> kKinds{{
        {"DoNotDisturb", kPresenting, kPresenting, 5, now - minutes(30),
         now - minutes(20)},
        {"Busy", kInACall, kInACall, 4, now - minutes(30), now - minutes(20)},
        {"Available", kAvailable, kAvailable, 3, now - minutes(2),
         now - minutes(1)},
        {"AvailableInactive (faded)", kAvailable, kInactive, 3,
         now - minutes(8), now - minutes(7)},
        {"BeRightBack", kBeRightBack, kBeRightBack, 2, now - minutes(30),
         now - minutes(20)},
        {"Away", kAway, kAway, 1, now - minutes(30), now - minutes(20)},
        {"Away (faded from Available)", kAvailable, kAway, 1, now - minutes(40),
         now - minutes(35)},
    }};
    int pairs = 0;
    for (const auto& first : kKinds) {
      for (const auto& second : kKinds) {
        if (&first == &second) continue;
        CAPTURE(first.name);
        CAPTURE(second.name);
        Session s1 = app("first", first.set, first.first_set_at, hours(4));
        Session s2 = app("second", second.set, second.second_set_at, hours(4));
        REQUIRE(at(s1, now) == show(first.shown));
        REQUIRE(at(s2, now) == show(second.shown));
        PresenceState expected;
        if (first.rank != second.rank) {
          expected = first.rank > second.rank ? first.shown : second.shown;
        } else {
          expected = s1.set_at > s2.set_at ? first.shown : second.shown;
        }
        // Storage order must not matter.
        CHECK(agg({s1, s2}, now) == show(expected));
        CHECK(agg({s2, s1}, now) == show(expected));
        ++pairs;
      }
    }
    CHECK(pairs == 42);
  }

  TEST_CASE("D4 ranking holds across many sessions at once") {
    const TimePoint now = t0 + minutes(30);
    std::vector<Session> s{
        app("away", kAway, t0, hours(1)),
        app("brb", kBeRightBack, t0, hours(1)),
        app("avail", kAvailable, now - minutes(1), hours(1)),
        app("busy", kInACall, t0, hours(1)),
    };
    CHECK(agg(s, now) == "Busy/InACall");
    s.push_back(app("dnd", kPresenting, t0, hours(1)));
    CHECK(agg(s, now) == "DoNotDisturb/Presenting");
    // Once DoNotDisturb and Busy expire, Available wins.
    s[3].expires_at = now;
    s[4].expires_at = now;
    CHECK(agg(s, now) == "Available/Available");
  }

  TEST_CASE(
      "D4 ties go to the session set most recently, whatever the "
      "storage order") {
    const TimePoint now = t0 + minutes(30);
    SUBCASE("two Busy sessions") {
      Session older = app("a", kInACall, t0, hours(1));
      Session newer = app("b", kConference, t0 + minutes(1), hours(1));
      CHECK(agg({older, newer}, now) == "Busy/InAConferenceCall");
      CHECK(agg({newer, older}, now) == "Busy/InAConferenceCall");
      newer.set_at = t0 - minutes(1);
      CHECK(agg({older, newer}, now) == "Busy/InACall");
      CHECK(agg({newer, older}, now) == "Busy/InACall");
    }
    SUBCASE("two DoNotDisturb sessions") {
      Session older = app("a", kPresenting, t0, hours(1));
      Session newer = app("b", {A::DoNotDisturb, C::DoNotDisturb},
                          t0 + minutes(2), hours(1));
      CHECK(agg({older, newer}, now) == "DoNotDisturb/DoNotDisturb");
      CHECK(agg({newer, older}, now) == "DoNotDisturb/DoNotDisturb");
    }
    SUBCASE("an older Teams client Available and a newer faded app session") {
      // Same rank (Available incl. AvailableInactive): recency decides,
      // not which activity looks "more available".
      Session teams = client("teams", kAvailable, t0 - hours(2));
      Session faded = app("app", kAvailable, now - minutes(6), hours(1));
      CHECK(agg({teams, faded}, now) == "Available/AvailableInactive");
      CHECK(agg({faded, teams}, now) == "Available/AvailableInactive");
      teams.set_at = now - minutes(1);
      CHECK(agg({teams, faded}, now) == "Available/Available");
      CHECK(agg({faded, teams}, now) == "Available/Available");
    }
    SUBCASE("equal set times are decided the same way in either order") {
      Session a = app("a", kInACall, t0, hours(1));
      Session b = app("b", kConference, t0, hours(1));
      CHECK(agg({a, b}, now) == agg({b, a}, now));
    }
  }

  TEST_CASE("D4 the winning session supplies both availability and activity") {
    const TimePoint now = t0 + minutes(1);
    std::vector<Session> s{
        app("busy", kConference, t0, hours(1)),
        app("dnd", kPresenting, t0 - minutes(1), hours(1)),
    };
    // Not DoNotDisturb/InAConferenceCall, nor Busy/Presenting.
    CHECK(agg(s, now) == "DoNotDisturb/Presenting");
    std::vector<Session> t{
        app("avail", kAvailable, t0, hours(1)),
        app("busy", kConference, t0 - minutes(1), hours(1)),
    };
    CHECK(agg(t, now) == "Busy/InAConferenceCall");
  }

  TEST_CASE("R4.6 an expired session no longer ranks, however high") {
    std::vector<Session> s{
        app("dnd", kPresenting, t0, minutes(5)),
        app("away", kAway, t0, hours(1)),
    };
    CHECK(agg(s, t0 + minutes(5) - milliseconds(1)) ==
          "DoNotDisturb/Presenting");
    CHECK(agg(s, t0 + minutes(5)) == "Away/Away");
  }

  TEST_CASE("R4.3 a live preferred presence outranks every session") {
    constexpr std::array<PresenceState, 6> kPreferred{{
        kAvailable,
        {A::Busy, C::Busy},
        {A::DoNotDisturb, C::DoNotDisturb},
        kBeRightBack,
        kAway,
        {A::Offline, C::OffWork},
    }};
    const TimePoint now = t0 + minutes(7);
    const std::array<Session, 5> kSessions{{
        app("dnd", kPresenting, t0, hours(1)),
        app("busy", kInACall, t0, hours(1)),
        app("avail", kAvailable, now, hours(1)),
        app("faded", kAvailable, t0, hours(1)),
        client("teams", kBeRightBack, t0),
    }};
    for (const auto& p : kPreferred) {
      for (const auto& s : kSessions) {
        CAPTURE(show(p));
        CAPTURE(s.session_id);
        PreferredPresence preferred{p, t0, t0 + days(1)};
        CHECK(agg({s}, now, preferred) == show(p));
      }
      PreferredPresence preferred{p, t0, t0 + days(1)};
      std::vector<Session> all(kSessions.begin(), kSessions.end());
      CHECK(agg(all, now, preferred) == show(p));
    }
  }

  TEST_CASE(
      "R3.5.3 D14 a preferred presence is hidden when there is no "
      "session") {
    PreferredPresence preferred{
        {A::DoNotDisturb, C::DoNotDisturb}, t0, t0 + days(1)};
    CHECK(agg({}, t0, preferred) == "Offline/Offline");
    CHECK(agg({}, t0 + hours(1), preferred) == "Offline/Offline");
  }

  TEST_CASE(
      "D14 a preferred presence is hidden when the only sessions have "
      "expired") {
    PreferredPresence preferred{{A::Busy, C::Busy}, t0, t0 + days(1)};
    std::vector<Session> s{
        app("a", kAvailable, t0, minutes(5)),
        app("b", kInACall, t0, minutes(30)),
    };
    CHECK(agg(s, t0 + minutes(30) - milliseconds(1), preferred) == "Busy/Busy");
    CHECK(agg(s, t0 + minutes(30), preferred) == "Offline/Offline");
    // One live session is enough, even a faded one.
    s.push_back(app("c", kAvailable, t0 + minutes(20), hours(1)));
    CHECK(agg(s, t0 + minutes(40), preferred) == "Busy/Busy");
  }

  TEST_CASE("R3.5.3 a Teams-client session keeps a preferred presence shown") {
    PreferredPresence preferred{{A::Offline, C::OffWork}, t0, t0 + days(7)};
    std::vector<Session> s{client("teams", kAvailable, t0)};
    CHECK(agg(s, t0 + days(3), preferred) == "Offline/OffWork");
  }

  TEST_CASE(
      "R4.7 a preferred presence applies until just before its expiry "
      "and not at it") {
    PreferredPresence preferred{
        {A::DoNotDisturb, C::DoNotDisturb}, t0, t0 + hours(1)};
    std::vector<Session> s{app("app", kInACall, t0, hours(4))};
    CHECK(
        gpm::core::preferred_live(preferred, t0 + hours(1) - milliseconds(1)));
    CHECK_FALSE(gpm::core::preferred_live(preferred, t0 + hours(1)));
    CHECK(agg(s, t0 + hours(1) - milliseconds(1), preferred) ==
          "DoNotDisturb/DoNotDisturb");
    CHECK(agg(s, t0 + hours(1), preferred) == "Busy/InACall");
  }

  TEST_CASE("R3.6.2 without a preferred presence the sessions aggregate") {
    std::vector<Session> s{app("app", kInACall, t0, hours(1))};
    CHECK(agg(s, t0, std::nullopt) == "Busy/InACall");
  }

  TEST_CASE("D17 a status message is live until exactly its expiry") {
    gpm::core::StatusMessage forever{"hi", "text", std::nullopt, t0};
    CHECK(gpm::core::status_message_live(forever, t0 + days(3650)));
    gpm::core::StatusMessage hour{
        "hi", "text",
        gpm::core::StatusMessageExpiry{"2026-01-01T01:00:00", "UTC",
                                       t0 + hours(1)},
        t0};
    CHECK(
        gpm::core::status_message_live(hour, t0 + hours(1) - milliseconds(1)));
    CHECK_FALSE(gpm::core::status_message_live(hour, t0 + hours(1)));
  }

  TEST_CASE("R4.2 session ids match ignoring ASCII case only") {
    CHECK(gpm::core::same_session_id("22553876-F5AB-4529-BFFB-CFE50AA89F87",
                                     "22553876-f5ab-4529-bffb-cfe50aa89f87"));
    CHECK_FALSE(gpm::core::same_session_id("abc", "abd"));
    CHECK_FALSE(gpm::core::same_session_id("abc", "abc "));
    CHECK_FALSE(gpm::core::same_session_id("abc", "ab"));
    CHECK(gpm::core::same_session_id("", ""));
  }
}
