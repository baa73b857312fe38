// Presence vocabulary: the availability and activity values of the Graph
// presence resource (spec R2.1-R2.3) and their wire strings.
// Pure C++20, std only. Thread-safe: only constant tables.
#pragma once

#include <optional>
#include <string_view>

namespace gpm::core {

// Enumerators spell the Graph wire value exactly (spec R2.1, R2.3).
enum class Availability {
  Available,
  AvailableIdle,
  Away,
  BeRightBack,
  Busy,
  BusyIdle,
  DoNotDisturb,
  Offline,
  PresenceUnknown,
};

// Union of R2.2 and R2.3 (AvailableInactive, Focusing).
enum class Activity {
  Available,
  AvailableInactive,
  Away,
  BeRightBack,
  Busy,
  DoNotDisturb,
  Focusing,
  InACall,
  InAConferenceCall,
  Inactive,
  InAMeeting,
  Offline,
  OffWork,
  OutOfOffice,
  PresenceUnknown,
  Presenting,
  UrgentInterruptionsOnly,
};

// The pair a client reads as `availability` / `activity`.
struct PresenceState {
  Availability availability = Availability::Offline;
  Activity activity = Activity::Offline;
  friend bool operator==(const PresenceState&, const PresenceState&) = default;
};

// PascalCase wire string, e.g. "DoNotDisturb".
std::string_view to_string(Availability a);
std::string_view to_string(Activity a);

// Case-insensitive parse of a wire string ("available" and "Available" both
// parse); nullopt for anything outside the vocabulary.
std::optional<Availability> parse_availability(std::string_view s);
std::optional<Activity> parse_activity(std::string_view s);

// Which (availability, activity) pairs each action accepts.
// setPresence: the five pairs of R3.3.1 (D11); with `beta_extra_pairs` also
// the four pairs of graph-presence.md §9 B4.
bool is_settable_session_pair(PresenceState p, bool beta_extra_pairs);
// setUserPreferredPresence: the six pairs of R3.5.1.
bool is_settable_preferred_pair(PresenceState p);

// Aggregation rank of an availability (D4): higher wins.
// DoNotDisturb > Busy(Idle) > Available(Idle) > BeRightBack > Away >
// PresenceUnknown > Offline.
int availability_rank(Availability a);

}  // namespace gpm::core
