#include "core/presence.h"

#include <array>
#include <utility>

#include "core/ascii.h"

namespace gpm::core {
namespace {

constexpr std::array<std::pair<Availability, std::string_view>, 9>
    kAvailabilityNames{{
        {Availability::Available, "Available"},
        {Availability::AvailableIdle, "AvailableIdle"},
        {Availability::Away, "Away"},
        {Availability::BeRightBack, "BeRightBack"},
        {Availability::Busy, "Busy"},
        {Availability::BusyIdle, "BusyIdle"},
        {Availability::DoNotDisturb, "DoNotDisturb"},
        {Availability::Offline, "Offline"},
        {Availability::PresenceUnknown, "PresenceUnknown"},
    }};

constexpr std::array<std::pair<Activity, std::string_view>, 17> kActivityNames{{
    {Activity::Available, "Available"},
    {Activity::AvailableInactive, "AvailableInactive"},
    {Activity::Away, "Away"},
    {Activity::BeRightBack, "BeRightBack"},
    {Activity::Busy, "Busy"},
    {Activity::DoNotDisturb, "DoNotDisturb"},
    {Activity::Focusing, "Focusing"},
    {Activity::InACall, "InACall"},
    {Activity::InAConferenceCall, "InAConferenceCall"},
    {Activity::Inactive, "Inactive"},
    {Activity::InAMeeting, "InAMeeting"},
    {Activity::Offline, "Offline"},
    {Activity::OffWork, "OffWork"},
    {Activity::OutOfOffice, "OutOfOffice"},
    {Activity::PresenceUnknown, "PresenceUnknown"},
    {Activity::Presenting, "Presenting"},
    {Activity::UrgentInterruptionsOnly, "UrgentInterruptionsOnly"},
}};

template <typename Enum, size_t N>
std::optional<Enum> parse_name(
    const std::array<std::pair<Enum, std::string_view>, N>& table,
    std::string_view s) {
  for (const auto& [value, name] : table) {
    if (iequals(name, s)) return value;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::string_view name_of(
    const std::array<std::pair<Enum, std::string_view>, N>& table, Enum e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "PresenceUnknown";
}

using A = Availability;
using C = Activity;

constexpr std::array<PresenceState, 5> kSessionPairs{{
    {A::Available, C::Available},
    {A::Busy, C::InACall},
    {A::Busy, C::InAConferenceCall},
    {A::Away, C::Away},
    {A::DoNotDisturb, C::Presenting},
}};

// graph-presence.md §9 B4: settable by the beta permutations table only.
constexpr std::array<PresenceState, 4> kBetaExtraSessionPairs{{
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
bool contains(const std::array<PresenceState, N>& pairs, PresenceState p) {
  for (const auto& q : pairs) {
    if (q == p) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(Availability a) {
  return name_of(kAvailabilityNames, a);
}
std::string_view to_string(Activity a) { return name_of(kActivityNames, a); }

std::optional<Availability> parse_availability(std::string_view s) {
  return parse_name(kAvailabilityNames, s);
}
std::optional<Activity> parse_activity(std::string_view s) {
  return parse_name(kActivityNames, s);
}

bool is_settable_session_pair(PresenceState p, bool beta_extra_pairs) {
  return contains(kSessionPairs, p) ||
         (beta_extra_pairs && contains(kBetaExtraSessionPairs, p));
}

bool is_settable_preferred_pair(PresenceState p) {
  return contains(kPreferredPairs, p);
}

int availability_rank(Availability a) {
  switch (a) {
    case A::DoNotDisturb:
      return 6;
    case A::Busy:
    case A::BusyIdle:
      return 5;
    case A::Available:
    case A::AvailableIdle:
      return 4;
    case A::BeRightBack:
      return 3;
    case A::Away:
      return 2;
    case A::PresenceUnknown:
      return 1;
    case A::Offline:
      return 0;
  }
  return 0;
}

}  // namespace gpm::core
