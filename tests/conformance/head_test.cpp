// HEAD (RFC 9110 9.3.2): every GET route answers HEAD as it answers GET,
// without the body; every Allow header that lists GET lists HEAD (D13); and
// no header the HTTP library adds on its own (Accept-Ranges) reaches an
// answer. Mock-only: it walks the /_mock control plane too.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

// GET routes of each kind: Graph, control plane, identity.
std::vector<std::string> get_routes(const std::string& tenant,
                                    const std::string& user) {
  return {
      in_tenant(tenant, "/v1.0/users/" + user + "/presence"),
      in_tenant(tenant, "/beta/communications/presences/" + user),
      in_tenant(tenant, "/_mock/health"),
      in_tenant(tenant, "/_mock/clock"),
      in_tenant(tenant, "/_mock/state/" + user),
      in_tenant(tenant, "/_mock/journal"),
      "/" + tenant + "/v2.0/.well-known/openid-configuration",
  };
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "HEAD on a GET route answers as GET: same status and headers, no body") {
    const std::string t = unique_tenant("head");
    const std::string user = random_guid();
    seed_users(t, json{{"id", user}});
    for (const std::string& path : get_routes(t, user)) {
      CAPTURE(path);
      Reply get = request("GET", path);
      Reply head = request("HEAD", path);
      INFO(get.describe());
      INFO(head.describe());
      CHECK(get.status == 200);
      CHECK(head.status == get.status);
      CHECK(!get.body.empty());
      CHECK(head.body.empty());
      CHECK(head.header("Content-Type") == get.header("Content-Type"));
      CHECK(head.has_header("request-id"));
    }
  }

  TEST_CASE(
      "HEAD on an unknown user is the same 404 as GET, without the body") {
    const std::string path = "/v1.0/users/" + random_guid() + "/presence";
    Reply get = request("GET", path);
    Reply head = request("HEAD", path);
    check_graph_error(get, 404, "ResourceNotFound");
    CHECK(head.status == 404);
    CHECK(head.body.empty());
  }

  TEST_CASE("D13 every Allow header that lists GET lists HEAD right after it") {
    const std::string t = unique_tenant("allow");
    const std::string user = random_guid();
    seed_users(t, json{{"id", user}});
    struct Row {
      const char* method;
      std::string path;
      const char* allow;
    };
    const Row rows[] = {
        {"POST", in_tenant(t, "/v1.0/users/" + user + "/presence"),
         "GET, HEAD"},
        {"DELETE", in_tenant(t, "/beta/me/presence"), "GET, HEAD"},
        {"POST", in_tenant(t, "/_mock/health"), "GET, HEAD"},
        {"DELETE", in_tenant(t, "/_mock/throttling"), "GET, HEAD, PUT"},
        {"PATCH", in_tenant(t, "/_mock/users"), "GET, HEAD, POST"},
        {"POST", in_tenant(t, "/_mock/journal"), "GET, HEAD, DELETE"},
        {"POST", "/" + t + "/v2.0/.well-known/openid-configuration",
         "GET, HEAD"},
        // Routes without GET are left alone.
        {"GET", in_tenant(t, "/v1.0/users/" + user + "/presence/setPresence"),
         "POST"},
    };
    for (const Row& row : rows) {
      CAPTURE(row.method);
      CAPTURE(row.path);
      Reply r = request(row.method, row.path, std::string("{}"));
      INFO(r.describe());
      CHECK(r.status == 405);
      CHECK(r.header("Allow") == row.allow);
    }
  }

  TEST_CASE(
      "No header of the HTTP library leaks: no Accept-Ranges on any answer") {
    const std::string t = unique_tenant("ranges");
    const std::string user = random_guid();
    seed_users(t, json{{"id", user}});
    std::vector<Reply> replies;
    for (const std::string& path : get_routes(t, user)) {
      replies.push_back(request("GET", path));
      replies.push_back(request("HEAD", path));
    }
    replies.push_back(
        request("GET", "/v1.0/users/" + random_guid() + "/presence"));  // 404
    replies.push_back(request("GET", "/nowhere"));  // 404 UnknownPath
    replies.push_back(request(
        "POST", in_tenant(t, "/v1.0/users/" + user + "/presence/setPresence"),
        json{{"sessionId", options().app},
             {"availability", "Away"},
             {"activity", "Away"}}
            .dump()));  // 200, no body
    replies.push_back(request("GET",
                              in_tenant(t, "/v1.0/users/" + user + "/presence"),
                              std::nullopt, Headers{{"Range", "bytes=0-3"}}));
    for (const Reply& r : replies) {
      INFO(r.describe());
      CHECK(r.status != 0);
      CHECK_FALSE(r.has_header("Accept-Ranges"));
    }
  }

}  // TEST_SUITE
