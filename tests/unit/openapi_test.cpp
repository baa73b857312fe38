// The OpenAPI description of GET /_mock/openapi.json: built from the route
// table, every row and method described, and a row without schemas found.
#include "control/openapi.h"

#include <doctest/doctest.h>

#include <functional>
#include <set>
#include <string>

#include "http/route_table.h"

namespace {

using gpm::control::openapi_document;
using gpm::control::openapi_missing_schemas;
using gpm::http::mock_route_table;

gpm::http::HttpResponse no_handler(gpm::http::Service&,
                                   gpm::http::RequestContext&,
                                   const gpm::http::RouteArgs&) {
  return {};
}

}  // namespace

TEST_CASE("OpenAPI: every route of the route table has its schemas") {
  auto missing = openapi_missing_schemas(mock_route_table());
  std::string list;
  for (const auto& m : missing) list += m + "\n";
  INFO("rows without schemas:\n" << list);
  CHECK(missing.empty());
}

TEST_CASE("OpenAPI: a row without schemas is reported and marked") {
  gpm::http::RouteTable table{
      {gpm::http::kGet, "/_mock/health", gpm::http::Plane::Control, "health",
       no_handler},
      {gpm::http::kGet | gpm::http::kPut, "/_mock/nothing/{id}",
       gpm::http::Plane::Control, "noSuchOperation", no_handler},
  };
  auto missing = openapi_missing_schemas(table);
  REQUIRE(missing.size() == 2);
  CHECK(missing[0] == "GET /_mock/nothing/{id} (noSuchOperation)");
  CHECK(missing[1] == "PUT /_mock/nothing/{id} (noSuchOperation)");
  auto doc = openapi_document(table);
  const auto& get = doc["paths"]["/_mock/nothing/{id}"]["get"];
  CHECK(get["x-undocumented"] == true);
  CHECK(get["parameters"][0]["name"] == "id");
  CHECK_FALSE(doc["paths"]["/_mock/health"]["get"].contains("x-undocumented"));
}

TEST_CASE(
    "OpenAPI: the document lists every concrete path and method of "
    "the table, with unique operation ids") {
  auto doc = openapi_document(mock_route_table());
  CHECK(doc["openapi"] == "3.1.0");
  std::set<std::string> ids;
  size_t operations = 0;
  for (const auto& e : mock_route_table().entries()) {
    INFO(e.path);
    REQUIRE(doc["paths"].contains(e.path));
    const auto& item = doc["paths"][e.path];
    for (auto [bit, name] : {std::pair{gpm::http::kGet, "get"},
                             std::pair{gpm::http::kPost, "post"},
                             std::pair{gpm::http::kPut, "put"},
                             std::pair{gpm::http::kDelete, "delete"}}) {
      CHECK((item.contains(name)) == ((e.route->methods & bit) != 0));
      if (!item.contains(name)) continue;
      ++operations;
      const auto& op = item[name];
      CHECK(op["x-operation"] == std::string(e.route->operation));
      CHECK(op["responses"].contains("default"));
      CHECK(ids.insert(op["operationId"].get<std::string>()).second);
    }
    CHECK(item.contains("head") == ((e.route->methods & gpm::http::kGet) != 0));
  }
  CHECK(doc["paths"].size() == mock_route_table().entries().size());
  CHECK(operations > 40);
}

TEST_CASE(
    "OpenAPI: failures are the Graph error envelope, OAuth's on the "
    "identity plane") {
  auto doc = openapi_document(mock_route_table());
  const auto& envelope = doc["components"]["schemas"]["GraphError"];
  CHECK(envelope["required"] == nlohmann::ordered_json::array({"error"}));
  CHECK(envelope["properties"]["error"]["required"] ==
        nlohmann::ordered_json::array({"code", "message", "innerError"}));
  auto schema_ref = [&](const std::string& path, const char* method) {
    return doc["paths"][path][method]["responses"]["default"]["content"]
              ["application/json"]["schema"]["$ref"];
  };
  CHECK(schema_ref("/v1.0/me/presence", "get") ==
        "#/components/schemas/GraphError");
  CHECK(schema_ref("/_mock/clock", "post") ==
        "#/components/schemas/GraphError");
  CHECK(doc["paths"]["/{tenant}/oauth2/v2.0/token"]["post"]["responses"]
           ["default"]["content"]["application/json"]["schema"]["anyOf"][0]
           ["$ref"] == "#/components/schemas/OAuthError");
}

TEST_CASE("OpenAPI: every $ref of the document resolves") {
  auto doc = openapi_document(mock_route_table());
  std::vector<std::string> broken;
  std::function<void(const nlohmann::ordered_json&)> walk =
      [&](const nlohmann::ordered_json& j) {
        if (j.is_object()) {
          for (const auto& [k, v] : j.items()) {
            if (k == "$ref" && v.is_string()) {
              std::string r = v.get<std::string>();
              REQUIRE(r.rfind("#/", 0) == 0);
              nlohmann::ordered_json::json_pointer p(r.substr(1));
              if (!doc.contains(p)) broken.push_back(r);
            } else {
              walk(v);
            }
          }
        } else if (j.is_array()) {
          for (const auto& v : j) walk(v);
        }
      };
  walk(doc);
  std::string list;
  for (const auto& b : broken) list += b + " ";
  INFO(list);
  CHECK(broken.empty());
}
