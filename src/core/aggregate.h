// The presence a client reads, computed from a user's sessions and preferred
// presence at an instant: fade (R4.5), expiry (R4.6, D3), ranking (R4.3, D4),
// preferred presence on top while a session lives (R3.5.2, D14), and
// Offline/Offline without sessions (R4.4).
// Pure functions, std only; time is passed in. Thread-safe.
#pragma once

#include <optional>
#include <span>

#include "core/session.h"

namespace gpm::core {

// The state session `s` contributes at `now`.
SessionAt session_at(const Session& s, TimePoint now);

// True while `p` applies on its own terms (before its expiry).
bool preferred_live(const PreferredPresence& p, TimePoint now);
// True while the status message is shown (before its expiry, R3.7.3, D17).
bool status_message_live(const StatusMessage& m, TimePoint now);

// The aggregated availability/activity at `now`.
PresenceState aggregate(std::span<const Session> sessions,
                        const std::optional<PreferredPresence>& preferred,
                        TimePoint now);

}  // namespace gpm::core
