// OData $select on the presence resource: which properties a
// client asked for, validated against the presence type, and the answer cut
// down to them (plus `id` and @odata annotations, as Graph does).
// Depends on nlohmann_json and graph_error. Thread-safe: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gpm::graph {

// Parses a $select value ("availability,activity"): property names matched
// ignoring case, returned in their wire spelling; `*` selects all. Throws
// GraphError 400 naming an unknown or empty property.
std::vector<std::string> parse_presence_select(std::string_view value);

// `presence` with only the selected properties, `id` and @odata.* keys.
nlohmann::ordered_json apply_select(const nlohmann::ordered_json& presence,
                                    const std::vector<std::string>& selected);

}  // namespace gpm::graph
