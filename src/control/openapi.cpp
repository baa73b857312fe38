#include "control/openapi.h"

#include <cctype>
#include <map>
#include <utility>

#include "control/control.h"
#include "control/control_plane.h"

namespace gpm::control {
namespace {

using nlohmann::ordered_json;

constexpr std::pair<uint8_t, std::string_view> kMethods[] = {
    {http::kGet, "GET"},
    {http::kPost, "POST"},
    {http::kPut, "PUT"},
    {http::kDelete, "DELETE"},
};

const ordered_json& data() {
  static const ordered_json d = ordered_json::parse(openapi_schema_data());
  return d;
}

// The schema entry of `operation` and `method`, or null.
const ordered_json* entry_of(std::string_view operation,
                             std::string_view method) {
  const ordered_json& ops = data()["operations"];
  auto op = ops.find(std::string(operation));
  if (op == ops.end()) return nullptr;
  auto m = op->find(std::string(method));
  return m == op->end() ? nullptr : &*m;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

ordered_json schema_ref(std::string_view component) {
  return {{"$ref", "#/components/schemas/" + std::string(component)}};
}

// A schema given as a component name or inline.
ordered_json schema_of(const ordered_json& v) {
  return v.is_string() ? schema_ref(v.get<std::string>()) : v;
}

ordered_json common_headers() {
  ordered_json h;
  for (const char* name : {"request-id", "client-request-id", "Date"}) {
    h[name] = {{"$ref", std::string("#/components/headers/") + name}};
  }
  return h;
}

// Every plane answers JSON (the Graph plane with OData's parameters).
constexpr std::string_view kJson = "application/json";

// Every failure: the Graph error envelope, or OAuth's on the identity plane.
ordered_json error_response(http::Plane plane) {
  ordered_json r;
  r["description"] =
      plane == http::Plane::Identity
          ? "An OAuth error (RFC 6749 section 5.2); the Graph 404 when "
            "{tenant} is not a tenant name (1 to 64 letters, digits, '.', "
            "'_', '-')."
          : "A Graph error: 400 bad input, 401 token, 403 permission, 404 "
            "unknown user or path, 405 method (with Allow), 409 conflict, "
            "413 body too large, 415 media type, 429 throttled, 503 tenant "
            "limit; an injected fault may answer any status.";
  r["headers"] = common_headers();
  if (plane == http::Plane::Identity) {
    // A {tenant} that is no tenant name makes the path no identity route:
    // it is answered as any unknown path, in the Graph envelope.
    r["content"][kJson]["schema"]["anyOf"] = {schema_ref("OAuthError"),
                                              schema_ref("GraphError")};
  } else {
    r["content"][kJson]["schema"] = schema_ref("GraphError");
  }
  return r;
}

ordered_json success_response(const std::string& status,
                              const ordered_json& schema, bool head) {
  ordered_json r;
  r["description"] = schema.is_null() || head
                         ? (status == "204" ? "No content." : "Done; no body.")
                         : "Success.";
  r["headers"] = common_headers();
  if (!schema.is_null() && !head) {
    r["content"][kJson]["schema"] = schema_of(schema);
  }
  return r;
}

ordered_json path_parameter(std::string_view name, http::Plane plane) {
  ordered_json p;
  p["name"] = name;
  p["in"] = "path";
  p["required"] = true;
  if (plane == http::Plane::Identity && name == "tenant") {
    p["description"] =
        "A tenant id or domain, or common, organizations or consumers.";
    p["schema"] = {{"type", "string"},
                   {"pattern", "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}};
  } else {
    p["description"] =
        name == "id" ? "A user id (GUID) or userPrincipalName" : "An id";
    p["schema"] = {{"type", "string"}, {"minLength", 1}};
  }
  return p;
}

ordered_json query_parameter(const ordered_json& q) {
  if (!q.is_string()) {
    ordered_json p = q;
    p["in"] = "query";
    return p;
  }
  ordered_json p;
  p["name"] = q;
  p["in"] = "query";
  p["schema"] = {{"type", "string"}};
  if (q == "$select") {
    p["description"] =
        "Comma-separated presence properties; any other $ option is a 400.";
  }
  return p;
}

ordered_json security(http::Plane plane, uint8_t flags) {
  if (plane == http::Plane::Control) {
    return ordered_json::array(
        {ordered_json::object(), {{"controlToken", ordered_json::array()}}});
  }
  if (flags & http::kAuth) {
    return ordered_json::array({{{"bearer", ordered_json::array()}}});
  }
  return ordered_json::array();
}

// "getPresence_v1_0_users_id_presence": the operation, then the method when
// the row has several, then the path when the row has several concrete paths.
std::string operation_id(const http::Route& r, std::string_view method,
                         const std::string& path, bool many_paths) {
  std::string id(r.operation);
  int methods = 0;
  for (auto [bit, name] : kMethods) methods += (r.methods & bit) ? 1 : 0;
  if (methods > 1) id += "_" + lower(method);
  if (many_paths) {
    std::string tail;
    for (char c : path) {
      bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
      if (word) {
        tail.push_back(c);
      } else if (!tail.empty() && tail.back() != '_') {
        tail.push_back('_');
      }
    }
    while (!tail.empty() && tail.back() == '_') tail.pop_back();
    id += "_" + tail;
  }
  return id;
}

ordered_json operation(const http::RouteTable::Entry& e,
                       std::string_view method, bool head, bool many_paths) {
  const http::Route& r = *e.route;
  const ordered_json* spec = entry_of(r.operation, method);
  ordered_json op;
  op["operationId"] =
      operation_id(r, head ? "HEAD" : method, e.path, many_paths);
  if (spec && spec->contains("summary")) op["summary"] = (*spec)["summary"];
  op["tags"] = {std::string(http::to_string(r.plane))};
  op["x-operation"] = r.operation;
  ordered_json params = ordered_json::array();
  size_t i = 0;
  while ((i = e.path.find('{', i)) != std::string::npos) {
    size_t j = e.path.find('}', i);
    params.push_back(path_parameter(
        std::string_view(e.path).substr(i + 1, j - i - 1), r.plane));
    i = j;
  }
  if (spec && spec->contains("query")) {
    for (const auto& q : (*spec)["query"]) params.push_back(query_parameter(q));
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (spec && !head && spec->contains("body")) {
    op["requestBody"]["required"] = !spec->value("bodyOptional", false);
    op["requestBody"]["content"]["application/json"]["schema"] =
        (*spec)["body"];
  }
  if (spec && !head && spec->contains("form")) {
    op["requestBody"]["required"] = true;
    op["requestBody"]["content"]["application/x-www-form-urlencoded"]
      ["schema"] = schema_of((*spec)["form"]);
  }
  ordered_json responses;
  if (spec) {
    for (const auto& [status, schema] : (*spec)["ok"].items()) {
      responses[status] = success_response(status, schema, head);
    }
  } else {
    op["x-undocumented"] = true;
  }
  responses["default"] = error_response(r.plane);
  if (head) {
    responses["default"].erase("content");
  }
  op["responses"] = std::move(responses);
  op["security"] = security(r.plane, r.flags);
  return op;
}

}  // namespace

ordered_json openapi_document(const http::RouteTable& table) {
  ordered_json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {
      {"title", "graph-presence-mock"},
      {"version", GPM_VERSION},
      {"description",
       "An offline, stateful emulator of the Microsoft Graph presence API: "
       "the Graph surface it emulates (v1.0 and beta), the identity "
       "platform's token and discovery endpoints, and the /_mock/ control "
       "plane. Every path is also served under /tenants/{tenant} (before "
       "/v1.0, /beta or /_mock), addressing that tenant's state. Every GET "
       "answers HEAD alike. Built from the mock's route table."},
  };
  doc["jsonSchemaDialect"] = "https://spec.openapis.org/oas/3.1/dialect/base";
  ordered_json tags = ordered_json::array();
  tags.push_back({{"name", "graph"},
                  {"description", "The Microsoft Graph presence API."}});
  tags.push_back({{"name", "identity"},
                  {"description",
                   "The identity platform's OAuth and discovery "
                   "endpoints, in OAuth's error shape."}});
  tags.push_back({{"name", "control"},
                  {"description", "The test-control plane under /_mock/."}});
  doc["tags"] = std::move(tags);
  std::map<std::string_view, int> paths_of;  // operation -> concrete paths
  for (const auto& e : table.entries()) ++paths_of[e.route->operation];
  ordered_json paths = ordered_json::object();
  for (const auto& e : table.entries()) {
    const http::Route& r = *e.route;
    bool many = paths_of[r.operation] > 1;
    ordered_json& item = paths[e.path];
    for (auto [bit, name] : kMethods) {
      if (!(r.methods & bit)) continue;
      item[lower(name)] = operation(e, name, false, many);
      if (bit == http::kGet) item["head"] = operation(e, name, true, many);
    }
  }
  doc["paths"] = std::move(paths);
  ordered_json components = data()["components"];
  doc["components"] = std::move(components);
  return doc;
}

std::vector<std::string> openapi_missing_schemas(
    const http::RouteTable& table) {
  std::vector<std::string> out;
  for (const auto& e : table.entries()) {
    for (auto [bit, name] : kMethods) {
      if (!(e.route->methods & bit)) continue;
      if (!entry_of(e.route->operation, name)) {
        out.push_back(std::string(name) + " " + e.path + " (" +
                      std::string(e.route->operation) + ")");
      }
    }
  }
  return out;
}

HttpResponse openapi(Service&, RequestContext&, const RouteArgs& a) {
  return control_json(openapi_document(*a.table));
}

}  // namespace gpm::control
