#include "auth/permissions.h"

#include <array>

#include "core/ascii.h"

namespace gpm::auth {
namespace {

using core::iequals;

constexpr std::string_view kRead = "Presence.Read";
constexpr std::string_view kReadAll = "Presence.Read.All";
constexpr std::string_view kReadWrite = "Presence.ReadWrite";
constexpr std::string_view kReadWriteAll = "Presence.ReadWrite.All";

bool holds_any(const std::vector<std::string>& granted,
               std::initializer_list<std::string_view> wanted) {
  for (const auto& g : granted) {
    for (auto w : wanted) {
      if (iequals(g, w)) return true;
    }
  }
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string join(std::initializer_list<std::string_view> v) {
  std::string out;
  for (auto s : v) out += (out.empty() ? "" : ",") + std::string(s);
  return out;
}

// The wording real Graph is seen to use for a missing permission (R5.6
// OBSERVED; the code is what clients key on).
std::string missing(const Caller& c,
                    std::initializer_list<std::string_view> wanted) {
  if (c.application) {
    return "Missing role permissions on the request. API requires one of '" +
           join(wanted) + "'. Roles on the request '" + join(c.roles) + "'.";
  }
  return "Missing scope permissions on the request. API requires one of '" +
         join(wanted) + "'. Scopes on the request '" + join(c.scopes) + "'.";
}

}  // namespace

std::optional<Operation> operation_named(std::string_view name) {
  struct Entry {
    std::string_view name;
    Operation op;
  };
  static constexpr std::array<Entry, 11> kTable{{
      {"getPresence", Operation::GetPresence},
      {"getPresencesByUserId", Operation::GetPresencesByUserId},
      {"setPresence", Operation::SetPresence},
      {"clearPresence", Operation::ClearPresence},
      {"setUserPreferredPresence", Operation::SetUserPreferredPresence},
      {"clearUserPreferredPresence", Operation::ClearUserPreferredPresence},
      {"setStatusMessage", Operation::SetStatusMessage},
      {"setManualLocation", Operation::LocationAction},
      {"setAutomaticLocation", Operation::LocationAction},
      {"clearAutomaticLocation", Operation::LocationAction},
      {"clearLocation", Operation::LocationAction},
  }};
  for (const Entry& e : kTable) {
    if (iequals(e.name, name)) return e.op;
  }
  return std::nullopt;
}

std::optional<std::string> denial(Operation op, std::string_view version,
                                  const Caller& c, bool own_user) {
  if (c.application) {
    switch (op) {
      case Operation::GetPresence:
        if (holds_any(c.roles, {kReadAll, kReadWriteAll})) return std::nullopt;
        return missing(c, {kReadAll, kReadWriteAll});
      case Operation::GetPresencesByUserId:
        // Beta lists Presence.Read.All only (graph-presence.md §5.1, S9).
        if (version == "beta") {
          if (holds_any(c.roles, {kReadAll})) return std::nullopt;
          return missing(c, {kReadAll});
        }
        if (holds_any(c.roles, {kReadAll, kReadWriteAll})) return std::nullopt;
        return missing(c, {kReadAll, kReadWriteAll});
      case Operation::LocationAction:
        return std::string(
            "This API does not support application permissions; call it with "
            "a delegated token (Presence.ReadWrite).");
      default:
        if (holds_any(c.roles, {kReadWriteAll})) return std::nullopt;
        return missing(c, {kReadWriteAll});
    }
  }
  switch (op) {
    case Operation::GetPresence:
      // R5.1: Presence.Read covers the signed-in user only. The write
      // scopes include reading (as their Entra descriptions say).
      if (holds_any(c.scopes, {kReadAll, kReadWriteAll})) return std::nullopt;
      if (own_user) {
        if (holds_any(c.scopes, {kRead, kReadWrite})) return std::nullopt;
        return missing(c, {kRead, kReadAll});
      }
      if (holds_any(c.scopes, {kRead, kReadWrite})) {
        return std::string(
            "Presence.Read covers only the signed-in user's presence; reading "
            "another user's presence requires Presence.Read.All.");
      }
      return missing(c, {kReadAll});
    case Operation::GetPresencesByUserId:
      if (holds_any(c.scopes, {kReadAll, kReadWriteAll})) return std::nullopt;
      return missing(c, {kReadAll});
    default:
      if (!holds_any(c.scopes, {kReadWrite, kReadWriteAll})) {
        return missing(c, {kReadWrite});
      }
      // D6: a delegated token writes only its own user.
      if (!own_user) {
        return std::string(
            "A delegated token may change only the signed-in user's "
            "presence.");
      }
      return std::nullopt;
  }
}

}  // namespace gpm::auth
