// One presence session of a user (spec R4.1, R4.2) and the other pieces of
// per-user state: preferred presence (R3.5) and the status message (R4.9).
// Pure data, std only. Not synchronised: the owner guards it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/presence.h"
#include "core/time.h"

namespace gpm::core {

// The lifetimes the docs give (R3.3, R4.5, R4.6, R3.5, D5).
inline constexpr Duration kMinSessionExpiration = std::chrono::minutes(5);
inline constexpr Duration kMaxSessionExpiration = std::chrono::hours(4);
inline constexpr Duration kDefaultSessionExpiration = std::chrono::minutes(5);
inline constexpr Duration kFadeToInactive = std::chrono::minutes(5);
inline constexpr Duration kFadeToAway = std::chrono::minutes(10);
inline constexpr Duration kMaxPreferredExpiration = std::chrono::days(30);

struct Session {
  // The application (client) id the caller passed as `sessionId`; matched
  // case-insensitively (see same_session_id).
  std::string session_id;
  PresenceState state;  // as set
  TimePoint set_at;     // the last setPresence (R3.3.3)
  // nullopt only for a synthetic Teams-client session (D16).
  std::optional<TimePoint> expires_at;
  // A Teams-client session (D16): never fades and never expires on its own.
  bool is_client = false;
  // Order of writes within the user (set by UserPresence): breaks D4 ties
  // between sessions set at the same instant, as under a frozen clock.
  uint64_t write_order = 0;
};

// Where a session stands at an instant (R4.5, R4.6, D3).
enum class SessionStage { Active, Inactive, Away, Expired };

struct SessionAt {
  PresenceState state;  // what the session contributes now
  SessionStage stage = SessionStage::Active;
  // The next instant at which the session changes on its own (fade or
  // expiry), if any.
  std::optional<TimePoint> next_change_at;
};

struct PreferredPresence {
  PresenceState state;
  TimePoint set_at;
  TimePoint expires_at;
};

struct StatusMessageExpiry {
  std::string date_time;  // as the caller wrote it (no offset)
  std::string time_zone;  // as the caller wrote it
  TimePoint at;           // the instant it denotes
};

struct StatusMessage {
  std::string content;
  std::string content_type = "text";
  std::optional<StatusMessageExpiry> expiry;  // absent: never expires
  TimePoint published_at;
};

// Out-of-office as a mailbox would set it (graph-presence.md §2.4); no Graph
// action writes it.
struct OutOfOfficeSettings {
  std::optional<std::string> message;
  bool is_out_of_office = false;
  friend bool operator==(const OutOfOfficeSettings&,
                         const OutOfOfficeSettings&) = default;
};

// Session ids are application ids (GUIDs): matched ignoring ASCII case.
bool same_session_id(std::string_view a, std::string_view b);

}  // namespace gpm::core
