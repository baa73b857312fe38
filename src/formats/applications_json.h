// The `applications` array of a fixture document (docs/fixtures.md):
// client-credentials applications with their id, secret and roles, read
// into auth::Application. Read once at start from the --fixtures file, apart
// from the users (its own parse, so the user loader can change freely).
// Depends on auth, formats and nlohmann_json. Thread-safe: pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "auth/applications.h"

namespace gpm::formats {

// The `applications` of a parsed fixture document (none when absent).
// Throws graph::FixtureError naming `source` and the JSON path.
std::vector<auth::Application> parse_applications(const nlohmann::json& doc,
                                                  std::string_view source);
// Reads the file at `path` and parses its `applications`.
std::vector<auth::Application> load_applications_file(const std::string& path);
// Parses the raw JSON of an `applications` value (what the streamed
// fixture read kept, graph::FixtureExtras).
std::vector<auth::Application> parse_applications_text(std::string_view text,
                                                       std::string_view source);

}  // namespace gpm::formats
