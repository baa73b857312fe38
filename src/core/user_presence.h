// The presence state of one user and the operations the Graph actions
// perform on it: setPresence (R3.3), clearPresence (R3.4),
// set/clearUserPreferredPresence (R3.5, R3.6), setStatusMessage (R3.7), the
// work-location actions (R3.8, R3.9), and the sequence number that moves
// whenever what a client reads changes (D10).
// Pure C++20, std only; every call takes the instant it happens at.
// Not synchronised: the store guards each instance.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/aggregate.h"
#include "core/session.h"
#include "core/work_location.h"

namespace gpm::core {

// What a client reads at an instant.
struct PresenceView {
  PresenceState state;
  std::optional<StatusMessage> status_message;  // only while live
  OutOfOfficeSettings out_of_office;
  WorkLocation work_location;  // aggregated (R2.7)
  uint64_t sequence = 0;
  friend bool operator==(const PresenceView& a, const PresenceView& b) {
    return a.state == b.state && a.out_of_office == b.out_of_office &&
           a.work_location == b.work_location &&
           same_message(a.status_message, b.status_message);
  }

 private:
  static bool same_message(const std::optional<StatusMessage>& a,
                           const std::optional<StatusMessage>& b);
};

class UserPresence {
 public:
  UserPresence() = default;

  // R3.3.2, R3.3.3: creates or refreshes the caller's session.
  // REQUIRES: expiration within [kMinSessionExpiration, kMaxSessionExpiration].
  void set_presence(std::string_view session_id, PresenceState state,
                    Duration expiration, TimePoint now);
  // R3.4.2: false when no live session has that id (R3.4.3: 404).
  bool clear_presence(std::string_view session_id, TimePoint now);
  // REQUIRES: 0 < expiration <= kMaxPreferredExpiration (D5).
  void set_preferred(PresenceState state, Duration expiration, TimePoint now);
  void clear_preferred(TimePoint now);
  // Replaces the status message; nullopt removes it.
  void set_status_message(std::optional<StatusMessage> message, TimePoint now);
  void set_out_of_office(OutOfOfficeSettings settings, TimePoint now);
  // R3.8.2: each replaces its own layer and leaves the others alone.
  void set_manual_location(WorkLocationSignal signal, TimePoint now);
  void set_automatic_location(WorkLocationSignal signal, TimePoint now);
  // R3.9.2, R3.9.3 (see core/work_location.h).
  void clear_automatic_location(TimePoint now);
  void clear_location(TimePoint now);

  // Adds a session exactly as given (fixtures, the control plane). A session
  // with the same id is replaced.
  void put_session(Session s, TimePoint now);
  void put_preferred(PreferredPresence p, TimePoint now);

  // What a client reads now. Moves the sequence number if the view differs
  // from the last one observed (D10), hence not const.
  PresenceView view(TimePoint now);

  // What view(now) would return, without observing: nothing changes. The
  // sequence number is the one view(now) would give.
  PresenceView peek(TimePoint now) const;
  // True when view(now) would change nothing stored (no expiry to drop, no
  // sequence number to move), so a shared copy may be read as is.
  bool stable_at(TimePoint now) const;
  // peek(now) when stable_at(now), computed once; nullopt otherwise.
  std::optional<PresenceView> peek_if_stable(TimePoint now) const;

  // Removes the session `session_id`, app or Teams client (control plane);
  // false if there is no live one.
  bool remove_session(std::string_view session_id, TimePoint now);
  // Restores a sequence number from a snapshot.
  // REQUIRES: nothing observed since construction except fixture writes.
  void restore_sequence(uint64_t sequence) { sequence_ = sequence; }

  // Stored state, possibly including items that have expired since the last
  // observation (callers filter with `now`).
  const std::vector<Session>& sessions() const { return sessions_; }
  const std::optional<PreferredPresence>& preferred() const {
    return preferred_;
  }
  const std::optional<StatusMessage>& status_message() const {
    return status_message_;
  }
  const OutOfOfficeSettings& out_of_office() const { return out_of_office_; }
  const WorkLocationLayers& work_location() const { return work_location_; }
  uint64_t sequence() const { return sequence_; }

 private:
  // Drops what has expired by `now` and moves the sequence number if the
  // visible presence changed since the last observation.
  void observe(TimePoint now);
  // Every change is observed before (so what expired before `now` is
  // dropped and the sequence reflects the old view) and after (so a
  // visible change moves the sequence number once): D10.
  template <typename Fn>
  auto change(TimePoint now, Fn&& fn) {
    observe(now);
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      observe(now);
    } else {
      auto result = fn();
      observe(now);
      return result;
    }
  }
  // A session, the preferred presence or the status message has expired
  // by `now` but is still stored.
  bool has_expired_items(TimePoint now) const;
  PresenceView compute(TimePoint now) const;

  std::vector<Session> sessions_;
  std::optional<PreferredPresence> preferred_;
  std::optional<StatusMessage> status_message_;
  OutOfOfficeSettings out_of_office_;
  WorkLocationLayers work_location_;
  uint64_t sequence_ = 1;
  uint64_t writes_ = 0;  // session writes so far (Session::write_order)
  PresenceView last_seen_;
};

}  // namespace gpm::core
