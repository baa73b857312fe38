// JSON views of stored state for the test-control plane: the side-effect
// free state view of a user (docs/control-plane.md) and the fixture document a
// snapshot exports (docs/fixtures.md). Depends on core, store and
// nlohmann_json. Thread-safe: pure functions of their arguments.
#pragma once

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "store/store.h"

namespace gpm::graph {

// {"id","userPrincipalName","displayName"}, names null when unset.
nlohmann::ordered_json user_summary_json(const store::User& u);

// What a user is at `now`, without changing anything: sessions with their
// stage, next stage and expiry, preferred presence, status message, work
// location (as read, and its layers), the sequence number and presence a
// client would read.
nlohmann::ordered_json state_view_json(const store::User& u,
                                       core::TimePoint now);

// The user as a fixture user object at `now` (live items only), which
// parse_fixture_user reads back to the same state.
nlohmann::ordered_json fixture_user_json(const store::User& u,
                                         core::TimePoint now);

// The next instants at which the user's presence changes on its own.
struct Transition {
  core::TimePoint at;
  std::string kind;        // fade, expiry, preferredPresenceExpiry, ...
  std::string session_id;  // fade and expiry only
  std::string to;          // fade only: "Available/AvailableInactive"
};
std::vector<Transition> next_transitions(const store::User& u,
                                         core::TimePoint now);

// "2026-01-01T00:07:00.000Z", as the control plane writes instants.
std::string control_instant(core::TimePoint t);

}  // namespace gpm::graph
