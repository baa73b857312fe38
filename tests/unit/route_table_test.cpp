// Unit tests for src/http/route_table and the mock's table (src/app/
// routes.cpp): one row per endpoint decides the plane, the handler, the 404
// (which Graph segment it names) and the 405 (which methods Allow lists);
// GET /_mock/routes lists every row.
#include "http/route_table.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/service.h"
#include "http/router.h"

namespace {

using gpm::http::mock_route_table;
using gpm::http::Plane;
using gpm::http::RouteMatch;
using K = RouteMatch::Kind;
using Segs = std::vector<std::string>;

RouteMatch match(std::string_view method, Segs segs) {
  return mock_route_table().match(method, segs);
}

}  // namespace

TEST_SUITE("route table") {
  TEST_CASE(
      "each presence action is one row served on all three path forms "
      "and both versions") {
    for (Segs p :
         {Segs{"v1.0", "users", "a", "presence", "setPresence"},
          Segs{"BETA", "Me", "presence", "microsoft.graph.setPresence"},
          Segs{"v1.0", "communications", "presences", "a", "SETPRESENCE"}}) {
      CAPTURE(p[1]);
      RouteMatch m = match("POST", p);
      REQUIRE(m.kind == K::Found);
      CHECK(m.route->operation == "setPresence");
      CHECK(m.args.has_presence);
    }
    RouteMatch m =
        match("POST", {"beta", "users", "Ada@x", "presence", "clearPresence"});
    REQUIRE(m.kind == K::Found);
    CHECK(m.args.version == "beta");
    CHECK(m.args.presence.user == "Ada@x");
  }

  TEST_CASE(
      "a Graph path that leads nowhere names the first segment no row "
      "takes, or the last one given") {
    struct Case {
      Segs path;
      std::string segment;
    };
    const Case cases[] = {
        {{"v1.0"}, "v1.0"},
        {{"V1.0", "users"}, "users"},
        {{"v1.0", "users", "a"}, "a"},
        {{"v1.0", "users", "a", "presences"}, "presences"},
        {{"v1.0", "users", "a", "presence", "nap"}, "nap"},
        {{"v1.0", "users", "a", "presence", "setPresence", "x"}, "x"},
        {{"v1.0", "communications", "getPresencesByUserId", "x"}, "x"},
        {{"v1.0", "communications", "presences"}, "presences"},
        {{"v1.0", "$batch", "x"}, "$batch"},
        {{"beta", "groups"}, "groups"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.segment);
      RouteMatch m = match("GET", c.path);
      CHECK(m.kind == K::UnknownSegment);
      CHECK(m.segment == c.segment);
    }
    CHECK(match("GET", {"v2.0", "me", "presence"}).kind == K::UnknownPath);
  }

  TEST_CASE("the user of a path is known once the path reached its presence") {
    CHECK(match("GET", {"v1.0", "users", "a", "presence", "nap"})
              .args.presence.user == "a");
    CHECK(match("GET", {"v1.0", "users", "a"}).args.presence.user.empty());
  }

  TEST_CASE("405 lists the methods of the row; GET serves HEAD") {
    RouteMatch m = match("GET", {"v1.0", "me", "presence", "setPresence"});
    CHECK(m.kind == K::MethodNotAllowed);
    CHECK(gpm::http::allow_list(m.allow) == "POST");
    m = match("PATCH", {"_mock", "users", "a"});
    CHECK(m.kind == K::MethodNotAllowed);
    CHECK(gpm::http::allow_list(m.allow) == "GET, PUT, DELETE");
    CHECK(match("HEAD", {"_mock", "clock"}).kind == K::Found);
  }

  TEST_CASE("/_mock/ paths match exactly; identity paths need a tenant") {
    CHECK(match("GET", {"_mock", "Health"}).kind == K::UnknownPath);
    CHECK(match("GET", {"_mock", "state", "a", "b"}).kind == K::UnknownPath);
    RouteMatch m = match("DELETE", {"_mock", "users", "a", "sessions", "s1"});
    REQUIRE(m.kind == K::Found);
    CHECK(m.args.params == std::vector<std::string>{"a", "s1"});
    const auto& t = mock_route_table();
    CHECK(t.plane_of({"contoso", "oauth2", "v2.0", "token"}) ==
          Plane::Identity);
    CHECK(t.plane_of({"bad tenant", "oauth2", "v2.0", "token"}) ==
          Plane::Graph);
    // Identity rows answer every method themselves (OAuth's error shape).
    CHECK(match("DELETE", {"common", "discovery", "keys"}).kind == K::Found);
  }

  TEST_CASE("every row has an operation, unique within its plane") {
    std::set<std::pair<Plane, std::string>> seen;
    for (const auto& e : mock_route_table().entries()) {
      CHECK_FALSE(e.route->operation.empty());
      seen.insert({e.route->plane, e.path});
    }
    CHECK(seen.size() == mock_route_table().entries().size());
  }

  TEST_CASE(
      "GET /_mock/routes lists every row with its methods, plane, "
      "operation and flags") {
    gpm::Config config;
    config.quiet = true;  // no access log on the test's output
    auto service = gpm::http::make_service(config, gpm::store::Snapshot{});
    gpm::http::Router router(*service);
    gpm::http::HttpRequest req;
    req.method = "GET";
    req.target = "/_mock/routes";
    auto res = router.handle(req);
    REQUIRE(res.status == 200);
    auto j = nlohmann::json::parse(res.body);
    const auto& routes = j.at("routes");
    CHECK(routes.size() == mock_route_table().entries().size());
    nlohmann::json clear;
    for (const auto& r : routes) {
      if (r["path"] == "/v1.0/users/{id}/presence/clearPresence") clear = r;
    }
    CHECK(clear == nlohmann::json::parse(R"({
      "methods": ["POST"], "path": "/v1.0/users/{id}/presence/clearPresence",
      "plane": "graph", "operation": "clearPresence", "auth": true,
      "throttled": true, "journaled": true, "select": false, "body": true})"));
  }
}
