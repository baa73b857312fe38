// Unit tests for src/core/user_presence: the Graph actions on one user's
// presence (R3.3-R3.7), what a read shows (R4.4, R4.9, D14) and the sequence
// number (R4.10, D10), all at fixed instants.
#include "core/user_presence.h"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/iso_time.h"
#include "test_instants.h"

namespace {

using gpm::core::Activity;
using gpm::core::Availability;
using gpm::core::OutOfOfficeSettings;
using gpm::core::PresenceState;
using gpm::core::PresenceView;
using gpm::core::Session;
using gpm::core::StatusMessage;
using gpm::core::StatusMessageExpiry;
using gpm::core::TimePoint;
using gpm::core::UserPresence;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using A = Availability;
using C = Activity;

using gpm::testing::instant;
using gpm::testing::t0;

constexpr std::string_view kApp = "22553876-f5ab-4529-bffb-cfe50aa89f87";
constexpr std::string_view kAppUpper = "22553876-F5AB-4529-BFFB-CFE50AA89F87";
constexpr std::string_view kOtherApp = "0bf30f3b-4a52-48df-9a82-234910c4a086";

constexpr PresenceState kAvailable{A::Available, C::Available};
constexpr PresenceState kInACall{A::Busy, C::InACall};
constexpr PresenceState kConference{A::Busy, C::InAConferenceCall};
constexpr PresenceState kPresenting{A::DoNotDisturb, C::Presenting};
constexpr PresenceState kAway{A::Away, C::Away};
constexpr PresenceState kDoNotDisturb{A::DoNotDisturb, C::DoNotDisturb};

std::string show(PresenceState p) {
  return std::string(to_string(p.availability)) + "/" +
         std::string(to_string(p.activity));
}

std::string state_at(UserPresence& u, TimePoint now) {
  return show(u.view(now).state);
}

uint64_t seq_at(UserPresence& u, TimePoint now) { return u.view(now).sequence; }

StatusMessage message(std::string content, TimePoint published_at) {
  return StatusMessage{std::move(content), "text", std::nullopt, published_at};
}

StatusMessage message_until(std::string content, TimePoint published_at,
                            TimePoint expires_at) {
  return StatusMessage{
      std::move(content), "text",
      StatusMessageExpiry{gpm::core::format_inner_error_date(expires_at), "UTC",
                          expires_at},
      published_at};
}

std::string content_at(UserPresence& u, TimePoint now) {
  auto v = u.view(now);
  return v.status_message ? v.status_message->content : "(none)";
}

}  // namespace

TEST_SUITE("user_presence") {
  TEST_CASE("R4.4 a new user is Offline/Offline with no status message") {
    UserPresence u;
    auto v = u.view(t0);
    CHECK(show(v.state) == "Offline/Offline");
    CHECK_FALSE(v.status_message.has_value());
    CHECK_FALSE(v.out_of_office.is_out_of_office);
    CHECK(u.sessions().empty());
  }

  TEST_CASE("R3.3.2 setPresence creates the caller's session") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    REQUIRE(u.sessions().size() == 1);
    CHECK(u.sessions()[0].session_id == kApp);
    CHECK(u.sessions()[0].set_at == t0);
    CHECK(u.sessions()[0].expires_at == t0 + hours(1));
    CHECK_FALSE(u.sessions()[0].is_client);
    CHECK(state_at(u, t0) == "Busy/InACall");
  }

  TEST_CASE(
      "R3.3.2 the same sessionId updates its session instead of adding "
      "one") {
    UserPresence u;
    u.set_presence(kApp, kPresenting, hours(1), t0);
    u.set_presence(kApp, kAvailable, hours(1), t0 + minutes(1));
    REQUIRE(u.sessions().size() == 1);
    // Were the DoNotDisturb session kept beside it, it would win (D4).
    CHECK(state_at(u, t0 + minutes(1)) == "Available/Available");
  }

  TEST_CASE("R4.2 a sessionId differing only in case is the same session") {
    UserPresence u;
    u.set_presence(kApp, kPresenting, hours(1), t0);
    u.set_presence(kAppUpper, kConference, hours(1), t0 + minutes(1));
    CHECK(u.sessions().size() == 1);
    CHECK(state_at(u, t0 + minutes(1)) == "Busy/InAConferenceCall");
  }

  TEST_CASE("R4.1 different sessionIds are different sessions") {
    UserPresence u;
    u.set_presence(kApp, kAvailable, hours(1), t0);
    u.set_presence(kOtherApp, kInACall, hours(1), t0);
    CHECK(u.sessions().size() == 2);
    CHECK(state_at(u, t0) == "Busy/InACall");
  }

  TEST_CASE(
      "R3.4.2 clearing the last session leaves the user "
      "Offline/Offline") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    REQUIRE(state_at(u, t0) == "Busy/InACall");
    CHECK(u.clear_presence(kApp, t0 + minutes(1)));
    CHECK(u.sessions().empty());
    CHECK(state_at(u, t0 + minutes(1)) == "Offline/Offline");
  }

  TEST_CASE("R3.4.2 clearing one session leaves the others") {
    UserPresence u;
    u.set_presence(kApp, kPresenting, hours(1), t0);
    u.set_presence(kOtherApp, kAvailable, hours(1), t0);
    REQUIRE(state_at(u, t0) == "DoNotDisturb/Presenting");
    CHECK(u.clear_presence(kApp, t0 + minutes(1)));
    REQUIRE(u.sessions().size() == 1);
    CHECK(u.sessions()[0].session_id == kOtherApp);
    CHECK(state_at(u, t0 + minutes(1)) == "Available/Available");
  }

  TEST_CASE(
      "R3.4.3 clearing an unknown session returns false and changes "
      "nothing") {
    UserPresence u;
    CHECK_FALSE(u.clear_presence(kApp, t0));
    u.set_presence(kApp, kInACall, hours(1), t0);
    uint64_t before = seq_at(u, t0);
    CHECK_FALSE(u.clear_presence(kOtherApp, t0 + minutes(1)));
    CHECK(u.sessions().size() == 1);
    CHECK(state_at(u, t0 + minutes(1)) == "Busy/InACall");
    CHECK(seq_at(u, t0 + minutes(1)) == before);
  }

  TEST_CASE("R3.4.3 clearing the same session twice fails the second time") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    CHECK(u.clear_presence(kApp, t0 + minutes(1)));
    CHECK_FALSE(u.clear_presence(kApp, t0 + minutes(2)));
  }

  TEST_CASE(
      "R3.4.3 D3 clearing a session at or after its expiry returns "
      "false") {
    SUBCASE("just before expiry the session is still there") {
      UserPresence u;
      u.set_presence(kApp, kAvailable, minutes(5), t0);
      CHECK(u.clear_presence(kApp, t0 + minutes(5) - milliseconds(1)));
    }
    SUBCASE("at exactly t0+expiration it is gone") {
      UserPresence u;
      u.set_presence(kApp, kAvailable, minutes(5), t0);
      CHECK_FALSE(u.clear_presence(kApp, t0 + minutes(5)));
    }
    SUBCASE("long after expiry it is gone") {
      UserPresence u;
      u.set_presence(kApp, kInACall, hours(4), t0);
      CHECK_FALSE(u.clear_presence(kApp, t0 + days(1)));
      CHECK(state_at(u, t0 + days(1)) == "Offline/Offline");
    }
  }

  TEST_CASE("R3.4.1 R4.2 clearPresence matches the sessionId ignoring case") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    CHECK(u.clear_presence(kAppUpper, t0 + minutes(1)));
    CHECK(u.sessions().empty());
    CHECK(state_at(u, t0 + minutes(1)) == "Offline/Offline");
  }

  TEST_CASE("R4.6 expired sessions are dropped when observed") {
    UserPresence u;
    u.set_presence(kApp, kInACall, minutes(5), t0);
    u.set_presence(kOtherApp, kAway, hours(1), t0);
    CHECK(state_at(u, t0 + minutes(5)) == "Away/Away");
    REQUIRE(u.sessions().size() == 1);
    CHECK(u.sessions()[0].session_id == kOtherApp);
  }

  TEST_CASE("R3.3.3 a refresh before the first fade restarts the fade clock") {
    UserPresence u;
    u.set_presence(kApp, kAvailable, hours(1), t0);
    u.set_presence(kApp, kAvailable, hours(1), t0 + minutes(4));
    // Unrefreshed, t0+5min would be AvailableInactive and t0+10min Away.
    CHECK(state_at(u, t0 + minutes(9) - milliseconds(1)) ==
          "Available/Available");
    CHECK(state_at(u, t0 + minutes(9)) == "Available/AvailableInactive");
    CHECK(state_at(u, t0 + minutes(14) - milliseconds(1)) ==
          "Available/AvailableInactive");
    CHECK(state_at(u, t0 + minutes(14)) == "Away/Away");
  }

  TEST_CASE(
      "R3.3.3 a refresh after a fade makes the session Available "
      "again") {
    UserPresence u;
    u.set_presence(kApp, kAvailable, hours(1), t0);
    REQUIRE(state_at(u, t0 + minutes(12)) == "Away/Away");
    u.set_presence(kApp, kAvailable, hours(1), t0 + minutes(12));
    CHECK(state_at(u, t0 + minutes(12)) == "Available/Available");
    CHECK(state_at(u, t0 + minutes(17) - milliseconds(1)) ==
          "Available/Available");
    CHECK(state_at(u, t0 + minutes(17)) == "Available/AvailableInactive");
  }

  TEST_CASE("R3.3.3 a refresh restarts the expiration clock") {
    UserPresence u;
    u.set_presence(kApp, kInACall, minutes(5), t0);
    u.set_presence(kApp, kInACall, minutes(5), t0 + minutes(4));
    CHECK(state_at(u, t0 + minutes(5)) == "Busy/InACall");
    CHECK(state_at(u, t0 + minutes(9) - milliseconds(1)) == "Busy/InACall");
    CHECK(state_at(u, t0 + minutes(9)) == "Offline/Offline");
  }

  TEST_CASE("R3.3.3 a refresh's expirationDuration replaces the earlier one") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(4), t0);
    u.set_presence(kApp, kInACall, minutes(5), t0 + minutes(1));
    CHECK(state_at(u, t0 + minutes(6) - milliseconds(1)) == "Busy/InACall");
    CHECK(state_at(u, t0 + minutes(6)) == "Offline/Offline");
  }

  TEST_CASE(
      "R3.5.2 R3.5.3 a preferred presence shows only while a session "
      "lives") {
    UserPresence u;
    u.set_preferred(kDoNotDisturb, days(1), t0);
    CHECK(state_at(u, t0) == "Offline/Offline");
    u.set_presence(kApp, kAvailable, hours(1), t0 + minutes(1));
    CHECK(state_at(u, t0 + minutes(1)) == "DoNotDisturb/DoNotDisturb");
    CHECK(u.clear_presence(kApp, t0 + minutes(2)));
    CHECK(state_at(u, t0 + minutes(2)) == "Offline/Offline");
    // Still set: a new session shows it again.
    u.set_presence(kApp, kAvailable, minutes(5), t0 + minutes(3));
    CHECK(state_at(u, t0 + minutes(3)) == "DoNotDisturb/DoNotDisturb");
    // D14: once that session expires the user is Offline again.
    CHECK(state_at(u, t0 + minutes(8)) == "Offline/Offline");
  }

  TEST_CASE("R3.6.2 clearing the preferred presence reverts to the sessions") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    u.set_preferred({A::Offline, C::OffWork}, days(7), t0);
    CHECK(state_at(u, t0) == "Offline/OffWork");
    u.clear_preferred(t0 + minutes(1));
    CHECK_FALSE(u.preferred().has_value());
    CHECK(state_at(u, t0 + minutes(1)) == "Busy/InACall");
  }

  TEST_CASE("R4.7 a preferred presence ends at exactly its expiry") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(4), t0);
    u.set_preferred(kAvailable, hours(1), t0);
    CHECK(state_at(u, t0 + hours(1) - milliseconds(1)) ==
          "Available/Available");
    CHECK(state_at(u, t0 + hours(1)) == "Busy/InACall");
    CHECK_FALSE(u.preferred().has_value());
  }

  TEST_CASE(
      "D10 reads that find nothing changed return the same sequence "
      "number") {
    UserPresence u;
    uint64_t fresh = seq_at(u, t0);
    CHECK(seq_at(u, t0) == fresh);
    CHECK(seq_at(u, t0 + days(100)) == fresh);

    u.set_presence(kApp, kInACall, hours(4), t0);
    uint64_t s = seq_at(u, t0);
    CHECK(s > fresh);
    CHECK(seq_at(u, t0 + minutes(1)) == s);
    CHECK(seq_at(u, t0 + minutes(30)) == s);
    CHECK(seq_at(u, t0 + hours(4) - milliseconds(1)) == s);
    CHECK(u.sequence() == s);
  }

  TEST_CASE(
      "D10 each visible write moves the sequence number strictly "
      "upward") {
    UserPresence u;
    uint64_t last = seq_at(u, t0);
    TimePoint now = t0;
    auto moved = [&](std::string_view what) {
      CAPTURE(what);
      uint64_t s = seq_at(u, now);
      CHECK(s > last);
      CHECK(u.sequence() == s);
      last = s;
    };
    u.set_presence(kApp, kAvailable, hours(1), now);
    moved("setPresence Available");
    now += minutes(1);
    u.set_presence(kApp, kInACall, hours(1), now);
    moved("setPresence Busy on the same session");
    u.set_presence(kOtherApp, kPresenting, hours(1), now);
    moved("a second, higher-ranked session");
    u.set_preferred(kAway, days(1), now);
    moved("preferred presence");
    u.set_status_message(message("in a meeting", now), now);
    moved("status message");
    u.set_out_of_office({"on leave", true}, now);
    moved("out of office");
    u.clear_preferred(now);
    moved("clear preferred presence");
    CHECK(u.clear_presence(kOtherApp, now));
    moved("clear the winning session");
    u.set_status_message(std::nullopt, now);
    moved("remove status message");
    CHECK(u.clear_presence(kApp, now));
    moved("clear the last session");
  }

  TEST_CASE(
      "D10 a time-driven fade observed by a read moves the sequence "
      "number") {
    UserPresence u;
    u.set_presence(kApp, kAvailable, hours(1), t0);
    uint64_t active = seq_at(u, t0);
    CHECK(seq_at(u, t0 + minutes(5) - milliseconds(1)) == active);
    uint64_t inactive = seq_at(u, t0 + minutes(5));
    CHECK(inactive > active);
    CHECK(seq_at(u, t0 + minutes(7)) == inactive);
    uint64_t away = seq_at(u, t0 + minutes(10));
    CHECK(away > inactive);
    CHECK(seq_at(u, t0 + minutes(30)) == away);
    uint64_t expired = seq_at(u, t0 + hours(1));
    CHECK(expired > away);
    CHECK(state_at(u, t0 + hours(1)) == "Offline/Offline");
    CHECK(seq_at(u, t0 + hours(2)) == expired);
  }

  TEST_CASE("D10 a status message expiry moves the sequence number") {
    UserPresence u;
    u.set_status_message(message_until("back soon", t0, t0 + hours(1)), t0);
    uint64_t shown = seq_at(u, t0 + hours(1) - milliseconds(1));
    CHECK(content_at(u, t0 + hours(1) - milliseconds(1)) == "back soon");
    uint64_t gone = seq_at(u, t0 + hours(1));
    CHECK(gone > shown);
    CHECK(content_at(u, t0 + hours(1)) == "(none)");
    CHECK(seq_at(u, t0 + hours(2)) == gone);
  }

  TEST_CASE("D10 a preferred presence expiry moves the sequence number") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(4), t0);
    u.set_preferred(kAvailable, hours(1), t0);
    uint64_t preferred = seq_at(u, t0 + hours(1) - milliseconds(1));
    uint64_t after = seq_at(u, t0 + hours(1));
    CHECK(after > preferred);
    CHECK(state_at(u, t0 + hours(1)) == "Busy/InACall");
    CHECK(seq_at(u, t0 + hours(2)) == after);
  }

  TEST_CASE(
      "D10 a write that changes nothing visible keeps the sequence "
      "number") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    uint64_t s = seq_at(u, t0);

    SUBCASE("a refresh with the same state at the same instant") {
      u.set_presence(kApp, kInACall, hours(1), t0);
      CHECK(seq_at(u, t0) == s);
    }
    SUBCASE("a later refresh of a state that does not fade") {
      u.set_presence(kApp, kInACall, hours(1), t0 + minutes(30));
      CHECK(seq_at(u, t0 + minutes(30)) == s);
    }
    SUBCASE("a lower-ranked second session") {
      u.set_presence(kOtherApp, kAway, hours(1), t0 + minutes(1));
      CHECK(seq_at(u, t0 + minutes(1)) == s);
      CHECK(state_at(u, t0 + minutes(1)) == "Busy/InACall");
    }
    SUBCASE("clearing an absent preferred presence") {
      u.clear_preferred(t0 + minutes(1));
      CHECK(seq_at(u, t0 + minutes(1)) == s);
    }
    SUBCASE("removing an absent status message") {
      u.set_status_message(std::nullopt, t0 + minutes(1));
      CHECK(seq_at(u, t0 + minutes(1)) == s);
    }
    SUBCASE("the same out-of-office settings again") {
      u.set_out_of_office({}, t0 + minutes(1));
      CHECK(seq_at(u, t0 + minutes(1)) == s);
    }
    SUBCASE("a failed clearPresence") {
      CHECK_FALSE(u.clear_presence(kOtherApp, t0 + minutes(1)));
      CHECK(seq_at(u, t0 + minutes(1)) == s);
    }
    SUBCASE("a preferred presence equal to what the sessions show") {
      u.set_presence(kApp, kAway, hours(1), t0 + minutes(1));
      uint64_t away = seq_at(u, t0 + minutes(1));
      CHECK(away > s);
      u.set_preferred(kAway, days(1), t0 + minutes(2));
      CHECK(seq_at(u, t0 + minutes(2)) == away);
    }
  }

  TEST_CASE(
      "D10 D14 a preferred presence that is hidden moves nothing when "
      "set or when it expires") {
    UserPresence u;
    uint64_t s = seq_at(u, t0);
    u.set_preferred(kDoNotDisturb, hours(1), t0);
    CHECK(seq_at(u, t0) == s);
    CHECK(seq_at(u, t0 + hours(1)) == s);
    CHECK_FALSE(u.preferred().has_value());
  }

  TEST_CASE("R3.7.1 setStatusMessage replaces the previous message") {
    UserPresence u;
    u.set_status_message(message("first", t0), t0);
    uint64_t s1 = seq_at(u, t0);
    CHECK(content_at(u, t0) == "first");
    u.set_status_message(message("second", t0 + minutes(1)), t0 + minutes(1));
    CHECK(content_at(u, t0 + minutes(1)) == "second");
    CHECK(seq_at(u, t0 + minutes(1)) > s1);
    auto v = u.view(t0 + minutes(1));
    REQUIRE(v.status_message.has_value());
    CHECK(v.status_message->published_at == t0 + minutes(1));
    CHECK(v.status_message->content_type == "text");
  }

  TEST_CASE("R3.7.1 setting no status message removes it") {
    UserPresence u;
    u.set_status_message(message("first", t0), t0);
    uint64_t s1 = seq_at(u, t0);
    u.set_status_message(std::nullopt, t0 + minutes(1));
    CHECK(content_at(u, t0 + minutes(1)) == "(none)");
    CHECK(seq_at(u, t0 + minutes(1)) > s1);
  }

  TEST_CASE("R3.7.3 a status message without expiry never expires") {
    UserPresence u;
    u.set_status_message(message("forever", t0), t0);
    CHECK(content_at(u, t0 + days(3650)) == "forever");
  }

  TEST_CASE("R3.7.3 D17 a status message is shown until exactly its expiry") {
    UserPresence u;
    u.set_status_message(message_until("brb", t0, t0 + minutes(30)), t0);
    CHECK(content_at(u, t0 + minutes(30) - milliseconds(1)) == "brb");
    CHECK(content_at(u, t0 + minutes(30)) == "(none)");
  }

  TEST_CASE(
      "R3.7.3 a replaced status message keeps the expiry as last "
      "written, even for the same instant") {
    // A rewrite that only changes how the expiry is written (same instant,
    // same published_at as under a frozen --clock manual) shows the new
    // strings and moves the sequence number (D10).
    UserPresence u;
    TimePoint ten = t0 + hours(10);
    u.set_status_message(
        StatusMessage{"hi", "text",
                      StatusMessageExpiry{"2026-01-01T10:00:00", "UTC", ten},
                      t0},
        t0);
    uint64_t s1 = seq_at(u, t0);
    u.set_status_message(
        StatusMessage{"hi", "text",
                      StatusMessageExpiry{"2026-01-01T02:00:00",
                                          "Pacific Standard Time", ten},
                      t0},
        t0);
    auto v = u.view(t0);
    REQUIRE(v.status_message.has_value());
    REQUIRE(v.status_message->expiry.has_value());
    CHECK(v.status_message->expiry->time_zone == "Pacific Standard Time");
    CHECK(v.status_message->expiry->date_time == "2026-01-01T02:00:00");
    CHECK(v.sequence > s1);
  }

  TEST_CASE("R4.9 a status message is shown without any session") {
    UserPresence u;
    u.set_status_message(message("on holiday", t0), t0);
    auto v = u.view(t0);
    CHECK(show(v.state) == "Offline/Offline");
    REQUIRE(v.status_message.has_value());
    CHECK(v.status_message->content == "on holiday");
  }

  TEST_CASE(
      "R4.9 the status message survives sessions coming, clearing and "
      "expiring") {
    UserPresence u;
    u.set_status_message(message("hello", t0), t0);
    u.set_presence(kApp, kInACall, hours(1), t0);
    CHECK(content_at(u, t0) == "hello");
    CHECK(u.clear_presence(kApp, t0 + minutes(1)));
    CHECK(content_at(u, t0 + minutes(1)) == "hello");
    u.set_presence(kApp, kAvailable, minutes(5), t0 + minutes(2));
    CHECK(state_at(u, t0 + minutes(7)) == "Offline/Offline");
    CHECK(content_at(u, t0 + minutes(7)) == "hello");
  }

  TEST_CASE(
      "R4.9 a status message expiring leaves the presence state "
      "alone") {
    UserPresence u;
    u.set_presence(kApp, kInACall, hours(1), t0);
    u.set_status_message(message_until("call", t0, t0 + minutes(10)), t0);
    CHECK(state_at(u, t0 + minutes(10) - milliseconds(1)) == "Busy/InACall");
    CHECK(state_at(u, t0 + minutes(10)) == "Busy/InACall");
    CHECK(content_at(u, t0 + minutes(10)) == "(none)");
    CHECK(u.sessions().size() == 1);
  }

  TEST_CASE("2.4 out-of-office settings are shown as set") {
    UserPresence u;
    u.set_out_of_office({"away until Monday", true}, t0);
    auto v = u.view(t0);
    CHECK(v.out_of_office.is_out_of_office);
    REQUIRE(v.out_of_office.message.has_value());
    CHECK(*v.out_of_office.message == "away until Monday");
  }

  TEST_CASE("D16 put_session adds a Teams-client session that never expires") {
    UserPresence u;
    u.put_session(Session{"teams-desktop",
                          {A::BeRightBack, C::BeRightBack},
                          t0,
                          std::nullopt,
                          true},
                  t0);
    CHECK(state_at(u, t0 + days(365)) == "BeRightBack/BeRightBack");
    CHECK(u.sessions().size() == 1);
  }
  TEST_CASE(
      "D4 sessions set at the same instant: the later write wins the tie") {
    // Under a frozen --clock manual every write shares one instant.
    UserPresence u;
    u.set_presence("app-a", kInACall, hours(1), t0);
    u.set_presence("app-b", kConference, hours(1), t0);
    CHECK(state_at(u, t0) == "Busy/InAConferenceCall");
    u.set_presence("app-a", kInACall, hours(1), t0);
    CHECK(state_at(u, t0) == "Busy/InACall");
  }

  TEST_CASE(
      "D10 peek_if_stable is peek(now) exactly when stable_at(now), "
      "through fades, expiry and observation") {
    UserPresence u;
    u.set_presence(kApp, kInACall, minutes(30), t0);
    u.set_presence("other", {A::Away, C::Away}, hours(1), t0 + minutes(1));
    for (auto d : {minutes(0), minutes(2), minutes(6), minutes(6), minutes(12),
                   minutes(31), minutes(31), minutes(120)}) {
      CAPTURE(d.count());
      auto v = u.peek_if_stable(t0 + d);
      CHECK(v.has_value() == u.stable_at(t0 + d));
      if (v) {
        PresenceView p = u.peek(t0 + d);
        CHECK(*v == p);
        CHECK(v->sequence == p.sequence);
      }
      u.view(t0 + d);  // observe: what was unstable is stable now
      CHECK(u.peek_if_stable(t0 + d).has_value());
    }
  }
}
