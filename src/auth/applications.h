// Client-credentials applications: the `applications` array of a fixture
// document (README "Fixture format"), each with a client id, a secret and
// the application roles the OAuth token endpoint puts in its tokens.
// Read once at start from the --fixtures file, apart from the users (its
// own parse, so the user loader can change freely).
// Depends on graph (FixtureError, JSON path errors) and nlohmann_json.
// Thread-safe: pure.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpm::auth {

struct Application {
  std::string client_id;      // stored lower-case (a GUID)
  std::string client_secret;
  std::string display_name;   // may be empty
  std::vector<std::string> roles;
};

// The `applications` of a parsed fixture document (none when absent).
// Throws graph::FixtureError naming `source` and the JSON path.
std::vector<Application> parse_applications(const nlohmann::json& doc,
                                            std::string_view source);
// Reads the file at `path` and parses its `applications`.
std::vector<Application> load_applications_file(const std::string& path);
// Parses the raw JSON of an `applications` value (what the streamed
// fixture read kept, graph::FixtureExtras).
std::vector<Application> parse_applications_text(std::string_view text,
                                                 std::string_view source);

// The application with this client id (case-insensitive), if any.
const Application* find_application(const std::vector<Application>& apps,
                                    std::string_view client_id);

}  // namespace gpm::auth
