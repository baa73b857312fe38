// The `resource` of a presence subscription: its grammar and its refusals.
//
// Implements change-notifications.md §3.1 (C6, C7; D27):
//   resource = ["/"] "communications/presences" ( "/" GUID / "?$filter=" filter
//   ) filter   = "id" 1*SP "in" *SP "(" *SP QID *( *SP "," *SP QID ) *SP ")"
//   QID      = "'" GUID "'"
// Literals match ignoring case; the query holds exactly one parameter,
// `$filter`, whose name and value are form-decoded first (`%XX`, `+` ->
// space); GUIDs are 8-4-4-4-12 hex compared ignoring case; duplicates count
// once; at most 650 distinct ids. Every refusal is 400 `BadRequest`; the
// texts are the spec's. Whether an id names a known user is the store's
// business: unknown_user_message() gives its text.
// Decisions where §3.1 is silent:
//   * a trailing "/" after the id, an empty id, an empty query or an empty
//     `&`-part are "another path / parameter": NotSupported;
//   * a malformed `%XX` escape in the filter value is InvalidFilter (the
//     filter cannot be read), in the parameter name NotSupported;
//   * only the space character is SP (a tab is outside the grammar).
// Pure C++20, std only. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gpm::core {

inline constexpr std::size_t kMaxWatchedUsers = 650;

enum class ResourceError {
  None,
  NotSupported,   // not a presence resource of the grammar
  InvalidFilter,  // a filter outside the grammar ("Invalid filter clause")
  NotAGuid,       // single-user id that is not a GUID
  TooManyIds,     // more than kMaxWatchedUsers distinct ids
};

struct PresenceResource {
  bool single_user = false;  // "communications/presences/{id}"
  // Distinct ids, first-appearance order, spelled as written (the first
  // spelling of each when a duplicate differs only in case).
  std::vector<std::string> user_ids;
};

struct ResourceParse {
  ResourceError error = ResourceError::None;
  PresenceResource value;        // meaningful when error == None
  std::string offending_id;      // NotAGuid: the id as written
  std::size_t distinct_ids = 0;  // TooManyIds: how many the filter names
  // The spec's text for `error` ("" when None); `resource` is the value as
  // the client sent it.
  std::string message(std::string_view resource) const;
};

ResourceParse parse_subscription_resource(std::string_view resource);

// 8-4-4-4-12 hexadecimal digits, either case, nothing else.
bool is_guid(std::string_view s);

// Application/x-www-form-urlencoded decoding (`+` -> space, `%XX`) into
// `out`; false on a `%` not followed by two hex digits.
bool form_decode(std::string_view in, std::string& out);

// §3.1's text for an id the tenant does not know (the first unknown one).
std::string unknown_user_message(std::string_view id,
                                 std::string_view resource);

}  // namespace gpm::core
