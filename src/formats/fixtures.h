// Fixture documents: the users, sessions, preferred presence, status
// messages and work locations a mock starts with (docs/fixtures.md), parsed
// into a store snapshot. Depends on core, store, tz and nlohmann_json.
// Thread-safe: pure.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/time.h"
#include "store/store.h"
#include "tz/time_zone.h"

namespace gpm::graph {

// A fixture that cannot be loaded. what() names the source and the JSON path
// of the first problem, e.g. "fixtures/x.json: $.users[1].id: not a GUID".
class FixtureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses a fixture document. `source` names it in errors; `now` is the
// instant sessions without `setAt` were set at.
store::Snapshot parse_fixtures(std::string_view text, std::string_view source,
                               core::TimePoint now,
                               const tz::TimeZoneDb& zones);

// The same for a parsed document (the control plane).
store::Snapshot parse_fixture_document(const nlohmann::json& doc,
                                       std::string_view source,
                                       core::TimePoint now,
                                       const tz::TimeZoneDb& zones);
// One user object of a fixture document; errors name `path` (e.g. "$").
store::User parse_fixture_user(const nlohmann::json& user,
                               std::string_view source, std::string_view path,
                               core::TimePoint now,
                               const tz::TimeZoneDb& zones);

// Reads the file at `path` into the shared fixture state tenants start from
// (the same users and the same errors as load_fixture_file, but streamed:
// users of the common shape go straight into compact records, and no
// document tree of the whole file is built).
// What load_fixture_base saw beside the users, for the other readers of
// the same file (the OAuth applications), so they need not parse it again.
struct FixtureExtras {
  // The raw JSON of a top-level "applications" value, when the streamed
  // read found one.
  std::optional<std::string> applications;
  // The file was read as one document (not the common shape): its other
  // keys were not captured here.
  bool whole_document = false;
};
std::shared_ptr<store::Base> load_fixture_base(const std::string& path,
                                               core::TimePoint now,
                                               const tz::TimeZoneDb& zones,
                                               FixtureExtras* extras = nullptr);

// Reads and parses the file at `path`.
store::Snapshot load_fixture_file(const std::string& path, core::TimePoint now,
                                  const tz::TimeZoneDb& zones);

}  // namespace gpm::graph
