#include "core/aggregate.h"

#include "core/ascii.h"

namespace gpm::core {

bool same_session_id(std::string_view a, std::string_view b) {
  return iequals(a, b);
}

SessionAt session_at(const Session& s, TimePoint now) {
  SessionAt out{s.state, SessionStage::Active, s.expires_at};
  // D3: expiry wins over a fade step on the same instant, and is inclusive.
  if (s.expires_at && now >= *s.expires_at) {
    return {PresenceState{}, SessionStage::Expired, std::nullopt};
  }
  // R4.5: only app sessions set Available fade.
  if (s.is_client || s.state.availability != Availability::Available) {
    return out;
  }
  auto inactive_at = s.set_at + kFadeToInactive;
  auto away_at = s.set_at + kFadeToAway;
  auto earliest = [&](TimePoint t) {
    return s.expires_at && *s.expires_at < t ? *s.expires_at : t;
  };
  if (now < inactive_at) {
    out.next_change_at = earliest(inactive_at);
  } else if (now < away_at) {
    out.state = {Availability::Available, Activity::AvailableInactive};
    out.stage = SessionStage::Inactive;
    out.next_change_at = earliest(away_at);
  } else {
    out.state = {Availability::Away, Activity::Away};
    out.stage = SessionStage::Away;
  }
  return out;
}

bool preferred_live(const PreferredPresence& p, TimePoint now) {
  return now < p.expires_at;
}

bool status_message_live(const StatusMessage& m, TimePoint now) {
  return !m.expiry || now < m.expiry->at;
}

PresenceState aggregate(std::span<const Session> sessions,
                        const std::optional<PreferredPresence>& preferred,
                        TimePoint now) {
  const Session* winner = nullptr;
  PresenceState best;
  for (const Session& s : sessions) {
    SessionAt at = session_at(s, now);
    if (at.stage == SessionStage::Expired) continue;
    int rank = availability_rank(at.state.availability);
    int best_rank = availability_rank(best.availability);
    // D4: ties go to the session set most recently (by instant, then by
    // write order within the same instant), so the result never depends on
    // storage order.
    bool wins =
        winner == nullptr || rank > best_rank ||
        (rank == best_rank && (s.set_at > winner->set_at ||
                               (s.set_at == winner->set_at &&
                                (s.write_order > winner->write_order ||
                                 (s.write_order == winner->write_order &&
                                  s.session_id < winner->session_id)))));
    if (wins) {
      winner = &s;
      best = at.state;
    }
  }
  if (winner == nullptr) return PresenceState{};  // R4.4, D14
  if (preferred && preferred_live(*preferred, now)) return preferred->state;
  return best;
}

}  // namespace gpm::core
