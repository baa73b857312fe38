// The permissions of graph-presence.md §5.1 with D6: which delegated scopes or
// application roles let a caller run a presence operation on a user, and
// the 403 message when they do not. Used in strict auth mode only.
// Std only. Thread-safe: pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpm::auth {

enum class Operation {
  GetPresence,                 // E1
  GetPresencesByUserId,        // E2
  SetPresence,                 // E3
  ClearPresence,               // E4
  SetUserPreferredPresence,    // E5
  ClearUserPreferredPresence,  // E6
  SetStatusMessage,            // E7
  LocationAction,              // E8-E11
};

// The operation an action or route name stands for (the names of
// http/router.cpp's route table); nullopt for an unknown name.
std::optional<Operation> operation_named(std::string_view name);

struct Caller {
  bool application = false;         // roles and no scp (D12)
  std::vector<std::string> scopes;  // delegated `scp`
  std::vector<std::string> roles;   // application `roles`
};

// Nothing when `caller` may run `op` in `version` ("v1.0" or "beta") on a
// user that is (`own_user`) or is not the signed-in user; else the message
// of the 403 Forbidden (R5.1, R5.5, D6). `own_user` is ignored for
// application callers and for E2. Permission names compare ignoring case,
// as Entra ID treats them.
std::optional<std::string> denial(Operation op, std::string_view version,
                                  const Caller& caller, bool own_user);

}  // namespace gpm::auth
