// The mock's machine-readable description: an OpenAPI 3.1 document of every
// route of the route table (Graph, identity and control planes), built from
// the table's rows joined with the schemas of control/openapi_schemas.cpp,
// and served at GET /_mock/openapi.json. Thread-safe: pure functions over
// immutable data.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "http/route_table.h"

namespace gpm::control {

// The OpenAPI 3.1 document of `table`'s rows. A row whose operation and
// method have no schema entry is still listed, with only the error answer
// and "x-undocumented": true (openapi_missing_schemas names it).
nlohmann::ordered_json openapi_document(const http::RouteTable& table);

// "METHOD path (operation)" of every row and method of `table` without a
// schema entry; empty when the description is complete.
std::vector<std::string> openapi_missing_schemas(const http::RouteTable& table);

// The schema data, a JSON text (openapi_schemas.cpp).
std::string_view openapi_schema_data();

}  // namespace gpm::control
