// The Graph wire format of the presence family: request bodies of the
// actions parsed into core types (with D1's 400 for anything invalid), and
// the presence resource as Graph sends it (graph-presence.md §2.1, R2.6, R6.5).
// Depends on core, tz and nlohmann_json. Thread-safe: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "core/user_presence.h"
#include "graph/graph_error.h"
#include "tz/time_zone.h"

namespace gpm::graph {

// The JSON object in `body`; an empty body is `{}` when `allow_empty`.
// Throws GraphError (400) for anything that is not a JSON object.
nlohmann::json parse_object_body(std::string_view body, bool allow_empty);

struct SetPresenceRequest {
  std::string session_id;
  core::PresenceState state;
  core::Duration expiration = core::kDefaultSessionExpiration;
};
// R3.3, D1, D2, D11, D23.
SetPresenceRequest parse_set_presence(std::string_view body,
                                      bool beta_extra_pairs);
// The same for a body parsed already (a JSON object).
SetPresenceRequest parse_set_presence_object(const nlohmann::json& object,
                                             bool beta_extra_pairs);
// R3.4.1, D2: the session id.
std::string parse_clear_presence(std::string_view body);
std::string parse_clear_presence_object(const nlohmann::json& object);

struct SetPreferredRequest {
  core::PresenceState state;
  core::Duration expiration{};
};
// R3.5, D5.
SetPreferredRequest parse_set_preferred(std::string_view body);
// The same for a parsed body (fixtures).
SetPreferredRequest parse_preferred_presence(const nlohmann::json& body);
// R3.6.1: `{}` or nothing; any JSON object is accepted.
void parse_clear_preferred(std::string_view body);

// R3.7, R2.6, D17. nullopt: the caller cleared the message (an
// empty `content`).
std::optional<core::StatusMessage> parse_set_status_message(
    std::string_view body, core::TimePoint now, const tz::TimeZoneDb& zones);
// The same for the parsed `statusMessage` value (null or absent: 400).
std::optional<core::StatusMessage> parse_status_message(
    const nlohmann::json* status_message, core::TimePoint now,
    const tz::TimeZoneDb& zones);

// R3.8.1: {"workLocationType" (required, matched ignoring case; not
// unknownFutureValue), "placeId" (optional string or null)}.
core::WorkLocationSignal parse_set_location(std::string_view body);
// The same for a parsed object (fixtures).
core::WorkLocationSignal parse_work_location_signal(const nlohmann::json& j);
// R3.9.1: no parameters: `{}` (any JSON object) or nothing.
void parse_clear_location(std::string_view body);

// R3.2, D7: the ids, de-duplicated (case-insensitively) in first-seen order.
inline constexpr size_t kMaxPresenceIds = 650;
std::vector<std::string> parse_get_presences_by_user_id(std::string_view body);

// Which path form a presence was read through (R6.5 @odata.context).
enum class PresencePathForm { Users, Me, Communications };

// "https://graph.microsoft.com/{version}/$metadata#..." for one presence.
std::string presence_context(std::string_view version, PresencePathForm form,
                             std::string_view user_id);
// ... and for the getPresencesByUserId collection.
std::string presence_collection_context(std::string_view version);

// "A" followed by ten digits (D10, R4.10): string order is version order.
std::string format_sequence_number(uint64_t sequence);
// The inverse: "A0000000042" -> 42; nullopt for anything else.
std::optional<uint64_t> parse_sequence_number(std::string_view s);

// The presence resource. `is_self`: the caller is this user, so
// the status message's expiry and published time are shown (R2.6).
nlohmann::ordered_json presence_json(std::string_view user_id,
                                     const core::PresenceView& view,
                                     bool is_self);

// The members of presence_json(user_id, view, is_self), appended to `out`
// as dump() writes them (no braces): the same bytes without building a
// document tree, for the hot read paths.
void append_presence_members(std::string& out, std::string_view user_id,
                             const core::PresenceView& view, bool is_self);
// `text` as a JSON string, exactly as dump() writes it.
void append_json_string(std::string& out, std::string_view text);

// presenceStatusMessage: the message, and with `with_times` its
// expiryDateTime (null when none) and publishedDateTime (R2.6 hides both
// from other users).
nlohmann::ordered_json status_message_json(const core::StatusMessage& m,
                                           bool with_times);
// outOfOfficeSettings (graph-presence.md §2.4): {"message" (null when none),
// "isOutOfOffice"}.
nlohmann::ordered_json out_of_office_json(const core::OutOfOfficeSettings& o);

// userWorkLocation: {"placeId", "source", "workLocationType"}.
nlohmann::ordered_json work_location_json(const core::WorkLocation& w);

// Dumps JSON for the wire; invalid UTF-8 is replaced, never thrown.
std::string dump(const nlohmann::ordered_json& j);

}  // namespace gpm::graph
