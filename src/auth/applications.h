// Client-credentials applications: the `applications` array of a fixture
// document (docs/fixtures.md), each with a client id, a secret and
// the application roles the OAuth token endpoint puts in its tokens.
// formats/applications_json reads them from the fixture document.
// Depends on core only.
// Thread-safe: pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpm::auth {

struct Application {
  std::string client_id;  // stored lower-case (a GUID)
  std::string client_secret;
  std::string display_name;  // may be empty
  std::vector<std::string> roles;
};

// The application with this client id (case-insensitive), if any.
const Application* find_application(const std::vector<Application>& apps,
                                    std::string_view client_id);

}  // namespace gpm::auth
