// The control plane's health endpoint and its generic answers:
// GET /_mock/health, no token on /_mock, 405 with Allow for a
// wrong method, 404 UnknownPath for an unknown /_mock path, 400 for a bad
// tenant prefix. Mock-only.
#include <regex>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

std::size_t listed_users(std::string_view tenant) {
  json list =
      check_control_json(control("GET", in_tenant(tenant, "/_mock/users")));
  REQUIRE(list.contains("users"));
  REQUIRE(list["users"].is_array());
  return list["users"].size();
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Control: GET /_mock/health needs no token and answers status, version, "
      "uptime, clock mode, tenants, users") {
    begin_mock_case();
    Reply r = control("GET", "/_mock/health");
    json health = check_control_json(r);
    INFO(health.dump());
    REQUIRE(health.is_object());
    CHECK(health.size() == 6);
    CHECK(health.value("status", "") == "ok");
    REQUIRE(health.contains("version"));
    REQUIRE(health["version"].is_string());
    static const std::regex kVersion(R"(\d+\.\d+\.\d+.*)");
    CHECK(std::regex_match(health["version"].get<std::string>(), kVersion));
    REQUIRE(health.contains("uptimeSeconds"));
    REQUIRE(health["uptimeSeconds"].is_number());
    CHECK(health["uptimeSeconds"].get<double>() >= 0);
    // The suite moves time with /_mock/clock, so its server runs --clock
    // manual.
    CHECK(health.value("clockMode", "") == "manual");
    REQUIRE(health.contains("tenants"));
    REQUIRE(health["tenants"].is_number_integer());
    CHECK(health["tenants"] == 1);  // a global reset drops every other tenant
    REQUIRE(health.contains("users"));
    REQUIRE(health["users"].is_number_integer());
    CHECK(health["users"].get<std::size_t>() == listed_users(""));
  }

  TEST_CASE(
      "Control D24: health counts tenants and the users of the addressed "
      "tenant only") {
    begin_mock_case();
    json before = check_control_json(control("GET", "/_mock/health"));
    REQUIRE(before.contains("tenants"));
    REQUIRE(before.contains("users"));
    const int tenants = before["tenants"].get<int>();
    const std::size_t fixture_users = before["users"].get<std::size_t>();

    const std::string t = unique_tenant("health");
    // First sight of the tenant, through Graph.
    Reply seen = get_presence_in(t, options().user);
    INFO(seen.describe());
    CHECK(seen.status == 200);
    json in_t =
        check_control_json(control("GET", in_tenant(t, "/_mock/health")));
    CHECK(in_t.value("tenants", -1) == tenants + 1);
    CHECK(in_t.value("users", std::size_t{0}) ==
          fixture_users);  // starts from fixtures

    seed_users(
        t, json{{"users", {{{"id", random_guid()}}, {{"id", random_guid()}}}}});
    in_t = check_control_json(control("GET", in_tenant(t, "/_mock/health")));
    CHECK(in_t.value("users", std::size_t{0}) == fixture_users + 2);
    json in_default = check_control_json(control("GET", "/_mock/health"));
    CHECK(in_default.value("users", std::size_t{0}) == fixture_users);
    CHECK(in_default.value("tenants", -1) == tenants + 1);
  }

  TEST_CASE(
      "Control: a wrong method on a control endpoint is 405 MethodNotAllowed "
      "with Allow") {
    begin_mock_case();
    const std::string user = options().user;
    struct Case {
      const char* method;
      std::string path;
      const char* allowed;  // a method Allow must name
    };
    const Case cases[] = {
        {"POST", "/_mock/health", "GET"},
        {"DELETE", "/_mock/clock", "POST"},
        {"GET", "/_mock/reset", "POST"},
        {"PUT", "/_mock/tenants", "GET"},
        {"PATCH", "/_mock/users", "POST"},
        {"PATCH", "/_mock/users/" + user, "PUT"},
        {"GET", "/_mock/users/" + user + "/sessions", "POST"},
        {"GET", "/_mock/users/" + user + "/outOfOfficeSettings", "PUT"},
        {"GET", "/_mock/fixtures", "POST"},
        {"POST", "/_mock/state", "GET"},
        {"PUT", "/_mock/snapshot", "GET"},
        {"PUT", "/_mock/journal", "GET"},
        {"GET", "/_mock/journal/count", "POST"},
    };
    for (const Case& c : cases) {
      for (const std::string& tenant :
           {std::string(), unique_tenant("methods")}) {
        const std::string path = in_tenant(tenant, c.path);
        INFO(c.method << " " << path);
        std::optional<json> body;
        if (std::string(c.method) != "GET") body = json::object();
        Reply r = control(c.method, path, body);
        check_graph_error(r, 405, "MethodNotAllowed");
        CHECK(r.has_header("Allow"));
        CHECK(r.header("Allow").find(c.allowed) != std::string::npos);
      }
    }
  }

  TEST_CASE(
      "Control: an unknown /_mock path is 404 UnknownPath, with or without a "
      "tenant prefix") {
    begin_mock_case();
    for (const std::string& path :
         {std::string("/_mock/nothing-here"), std::string("/_mock/users/x/y/z"),
          "/tenants/" + unique_tenant("unknown") + "/_mock/nothing-here"}) {
      INFO(path);
      check_graph_error(control("GET", path), 404, "UnknownPath");
    }
  }

  TEST_CASE("Control: control endpoints ignore the Authorization header") {
    begin_mock_case();
    // No token, a malformed one, and a JWT: all are answered the same.
    json none = check_control_json(control("GET", "/_mock/clock"));
    for (const std::string& auth :
         {std::string("Basic Zm9vOmJhcg=="), std::string("Bearer "),
          "Bearer " + unsigned_jwt({{"tid", unique_tenant("ignored")}})}) {
      INFO(auth);
      Reply r = request("GET", "/_mock/clock", std::nullopt,
                        Headers{{"Authorization", auth}}, Auth::None);
      CHECK(check_control_json(r) == none);
    }
  }

}  // TEST_SUITE
