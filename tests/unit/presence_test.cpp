// Unit tests for src/core/presence: the wire vocabulary (R2.1-R2.3), the
// settable pairs of setPresence (R3.3.1, D11) and setUserPreferredPresence
// (R3.5.1), and the aggregation rank (D4).
#include "core/presence.h"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace {

using gpm::core::Activity;
using gpm::core::Availability;
using gpm::core::PresenceState;
using A = Availability;
using C = Activity;

// Every enumerator with the wire string the spec gives for it.
constexpr std::array<std::pair<Availability, std::string_view>, 9>
    kAllAvailabilities{{
        {A::Available, "Available"},
        {A::AvailableIdle, "AvailableIdle"},
        {A::Away, "Away"},
        {A::BeRightBack, "BeRightBack"},
        {A::Busy, "Busy"},
        {A::BusyIdle, "BusyIdle"},
        {A::DoNotDisturb, "DoNotDisturb"},
        {A::Offline, "Offline"},
        {A::PresenceUnknown, "PresenceUnknown"},
    }};

constexpr std::array<std::pair<Activity, std::string_view>, 17> kAllActivities{{
    {C::Available, "Available"},
    {C::AvailableInactive, "AvailableInactive"},
    {C::Away, "Away"},
    {C::BeRightBack, "BeRightBack"},
    {C::Busy, "Busy"},
    {C::DoNotDisturb, "DoNotDisturb"},
    {C::Focusing, "Focusing"},
    {C::InACall, "InACall"},
    {C::InAConferenceCall, "InAConferenceCall"},
    {C::Inactive, "Inactive"},
    {C::InAMeeting, "InAMeeting"},
    {C::Offline, "Offline"},
    {C::OffWork, "OffWork"},
    {C::OutOfOffice, "OutOfOffice"},
    {C::PresenceUnknown, "PresenceUnknown"},
    {C::Presenting, "Presenting"},
    {C::UrgentInterruptionsOnly, "UrgentInterruptionsOnly"},
}};

std::string show(PresenceState p) {
  return std::string(to_string(p.availability)) + "/" +
         std::string(to_string(p.activity));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The accepted pairs as the spec lists them.
constexpr std::array<PresenceState, 5> kSessionPairs{{
    {A::Available, C::Available},
    {A::Busy, C::InACall},
    {A::Busy, C::InAConferenceCall},
    {A::Away, C::Away},
    {A::DoNotDisturb, C::Presenting},
}};

constexpr std::array<PresenceState, 4> kBetaExtraPairs{{
    {A::Busy, C::Busy},
    {A::DoNotDisturb, C::DoNotDisturb},
    {A::BeRightBack, C::BeRightBack},
    {A::Offline, C::OffWork},
}};

constexpr std::array<PresenceState, 6> kPreferredPairs{{
    {A::Available, C::Available},
    {A::Busy, C::Busy},
    {A::DoNotDisturb, C::DoNotDisturb},
    {A::BeRightBack, C::BeRightBack},
    {A::Away, C::Away},
    {A::Offline, C::OffWork},
}};

template <size_t N>
bool listed(const std::array<PresenceState, N>& pairs, PresenceState p) {
  for (const auto& q : pairs) {
    if (q == p) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("presence") {
  TEST_CASE("R2.1 every availability prints its PascalCase wire string") {
    for (const auto& [value, name] : kAllAvailabilities) {
      CAPTURE(name);
      CHECK(gpm::core::to_string(value) == name);
    }
  }

  TEST_CASE("R2.2 R2.3 every activity prints its PascalCase wire string") {
    for (const auto& [value, name] : kAllActivities) {
      CAPTURE(name);
      CHECK(gpm::core::to_string(value) == name);
    }
  }

  TEST_CASE("R2.1 every availability wire string parses back to its value") {
    for (const auto& [value, name] : kAllAvailabilities) {
      CAPTURE(name);
      auto parsed = gpm::core::parse_availability(name);
      REQUIRE(parsed.has_value());
      CHECK(*parsed == value);
      CHECK(gpm::core::parse_availability(gpm::core::to_string(value)) ==
            value);
    }
  }

  TEST_CASE("R2.2 R2.3 every activity wire string parses back to its value") {
    for (const auto& [value, name] : kAllActivities) {
      CAPTURE(name);
      auto parsed = gpm::core::parse_activity(name);
      REQUIRE(parsed.has_value());
      CHECK(*parsed == value);
      CHECK(gpm::core::parse_activity(gpm::core::to_string(value)) == value);
    }
  }

  TEST_CASE("R2.2 wire strings are distinct, so parsing is unambiguous") {
    for (size_t i = 0; i < kAllActivities.size(); ++i) {
      for (size_t j = i + 1; j < kAllActivities.size(); ++j) {
        CHECK(gpm::core::to_string(kAllActivities[i].first) !=
              gpm::core::to_string(kAllActivities[j].first));
      }
    }
    for (size_t i = 0; i < kAllAvailabilities.size(); ++i) {
      for (size_t j = i + 1; j < kAllAvailabilities.size(); ++j) {
        CHECK(gpm::core::to_string(kAllAvailabilities[i].first) !=
              gpm::core::to_string(kAllAvailabilities[j].first));
      }
    }
  }

  TEST_CASE("R2.2 availability and activity parse ignoring ASCII case") {
    for (const auto& [value, name] : kAllAvailabilities) {
      CAPTURE(name);
      CHECK(gpm::core::parse_availability(lower(name)) == value);
      CHECK(gpm::core::parse_availability(upper(name)) == value);
    }
    for (const auto& [value, name] : kAllActivities) {
      CAPTURE(name);
      CHECK(gpm::core::parse_activity(lower(name)) == value);
      CHECK(gpm::core::parse_activity(upper(name)) == value);
    }
    // camelCase as in the swapped SDK docstrings (graph-presence.md §9 B1).
    CHECK(gpm::core::parse_availability("doNotDisturb") == A::DoNotDisturb);
    CHECK(gpm::core::parse_activity("inACall") == C::InACall);
    CHECK(gpm::core::parse_activity("bErIgHtBaCk") == C::BeRightBack);
  }

  TEST_CASE("R2.1 strings outside the availability vocabulary do not parse") {
    // Activities that are not availabilities, near misses, padding.
    constexpr std::array<std::string_view, 12> kUnknown{{
        "",
        "Availabl",
        "Available ",
        " Available",
        "Available-",
        "AvailableInactive",
        "InACall",
        "Presenting",
        "OffWork",
        "Focusing",
        "Idle",
        "Do Not Disturb",
    }};
    for (auto s : kUnknown) {
      CAPTURE(s);
      CHECK_FALSE(gpm::core::parse_availability(s).has_value());
    }
    CHECK_FALSE(
        gpm::core::parse_availability(std::string_view("Available\0", 10))
            .has_value());
  }

  TEST_CASE("R2.2 strings outside the activity vocabulary do not parse") {
    constexpr std::array<std::string_view, 10> kUnknown{{
        "",
        "AvailableIdle",
        "BusyIdle",
        "InAMeetin",
        "InAMeetingX",
        "In A Meeting",
        "OutOfOffice ",
        "Offline\t",
        "Unknown",
        "Inactive1",
    }};
    for (auto s : kUnknown) {
      CAPTURE(s);
      CHECK_FALSE(gpm::core::parse_activity(s).has_value());
    }
  }

  TEST_CASE(
      "R3.3.1 D11 setPresence accepts exactly the five documented "
      "pairs") {
    int accepted = 0;
    for (const auto& [a, an] : kAllAvailabilities) {
      for (const auto& [c, cn] : kAllActivities) {
        PresenceState p{a, c};
        CAPTURE(show(p));
        bool ok = gpm::core::is_settable_session_pair(p, false);
        CHECK(ok == listed(kSessionPairs, p));
        accepted += ok ? 1 : 0;
      }
    }
    CHECK(accepted == 5);
  }

  TEST_CASE("D11 the four extra beta pairs are accepted only with the option") {
    for (const auto& p : kBetaExtraPairs) {
      CAPTURE(show(p));
      CHECK_FALSE(gpm::core::is_settable_session_pair(p, false));
      CHECK(gpm::core::is_settable_session_pair(p, true));
    }
  }

  TEST_CASE("D11 with the beta option setPresence accepts exactly nine pairs") {
    int accepted = 0;
    for (const auto& [a, an] : kAllAvailabilities) {
      for (const auto& [c, cn] : kAllActivities) {
        PresenceState p{a, c};
        CAPTURE(show(p));
        bool ok = gpm::core::is_settable_session_pair(p, true);
        CHECK(ok == (listed(kSessionPairs, p) || listed(kBetaExtraPairs, p)));
        accepted += ok ? 1 : 0;
      }
    }
    CHECK(accepted == 9);
  }

  TEST_CASE(
      "R2.5 R4.8 calendar-driven pairs are never settable by "
      "setPresence") {
    constexpr std::array<PresenceState, 5> kCalendar{{
        {A::Busy, C::InAMeeting},
        {A::Available, C::OutOfOffice},
        {A::Busy, C::OutOfOffice},
        {A::DoNotDisturb, C::Focusing},
        {A::PresenceUnknown, C::PresenceUnknown},
    }};
    for (const auto& p : kCalendar) {
      CAPTURE(show(p));
      CHECK_FALSE(gpm::core::is_settable_session_pair(p, false));
      CHECK_FALSE(gpm::core::is_settable_session_pair(p, true));
    }
  }

  TEST_CASE("R3.5.1 setUserPreferredPresence accepts exactly the six pairs") {
    int accepted = 0;
    for (const auto& [a, an] : kAllAvailabilities) {
      for (const auto& [c, cn] : kAllActivities) {
        PresenceState p{a, c};
        CAPTURE(show(p));
        bool ok = gpm::core::is_settable_preferred_pair(p);
        CHECK(ok == listed(kPreferredPairs, p));
        accepted += ok ? 1 : 0;
      }
    }
    CHECK(accepted == 6);
  }

  TEST_CASE("R3.5.1 setPresence-only pairs are not preferred pairs") {
    CHECK_FALSE(gpm::core::is_settable_preferred_pair({A::Busy, C::InACall}));
    CHECK_FALSE(
        gpm::core::is_settable_preferred_pair({A::Busy, C::InAConferenceCall}));
    CHECK_FALSE(gpm::core::is_settable_preferred_pair(
        {A::DoNotDisturb, C::Presenting}));
  }

  TEST_CASE(
      "D4 availability_rank orders DoNotDisturb > Busy > Available > "
      "BeRightBack > Away > Offline") {
    constexpr std::array<Availability, 6> kOrder{{
        A::DoNotDisturb,
        A::Busy,
        A::Available,
        A::BeRightBack,
        A::Away,
        A::Offline,
    }};
    for (size_t i = 0; i + 1 < kOrder.size(); ++i) {
      CAPTURE(gpm::core::to_string(kOrder[i]));
      CHECK(gpm::core::availability_rank(kOrder[i]) >
            gpm::core::availability_rank(kOrder[i + 1]));
    }
  }

  TEST_CASE(
      "D4 idle variants rank with their base availability and "
      "PresenceUnknown sits between Away and Offline") {
    using gpm::core::availability_rank;
    CHECK(availability_rank(A::BusyIdle) == availability_rank(A::Busy));
    CHECK(availability_rank(A::AvailableIdle) ==
          availability_rank(A::Available));
    CHECK(availability_rank(A::PresenceUnknown) < availability_rank(A::Away));
    CHECK(availability_rank(A::PresenceUnknown) >
          availability_rank(A::Offline));
  }

  TEST_CASE("R4.4 a default PresenceState is Offline/Offline") {
    PresenceState p;
    CHECK(show(p) == "Offline/Offline");
  }
}
