// JSON batching (spec R6.10-R6.13, D22): items run like direct calls, in
// dependsOn order, with 424 for dependants of a failed item; malformed
// batches are a 400 for the whole batch. Cases that need reset or the
// journal are mock-only.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

Reply batch(std::string_view version, const json& body,
            std::string_view tenant = "") {
  return request("POST",
                 in_tenant(tenant, "/" + std::string(version) + "/$batch"),
                 body.dump());
}

json item(const std::string& id, const std::string& method,
          const std::string& url, const std::optional<json>& body = {},
          const std::vector<std::string>& depends_on = {}) {
  json j = {{"id", id}, {"method", method}, {"url", url}};
  if (body) {
    j["body"] = *body;
    j["headers"] = {{"Content-Type", "application/json"}};
  }
  if (!depends_on.empty()) j["dependsOn"] = depends_on;
  return j;
}

// The responses of a 200 batch, by id.
std::map<std::string, json> responses_of(const Reply& r) {
  INFO(r.describe());
  REQUIRE(r.status == 200);
  CHECK(media_type(r.header("Content-Type")) == "application/json");
  REQUIRE(r.json.has_value());
  REQUIRE((*r.json)["responses"].is_array());
  std::map<std::string, json> out;
  for (const json& e : (*r.json)["responses"]) out[e.value("id", "")] = e;
  return out;
}

std::string presence_url(const std::string& user) {
  return "/users/" + user + "/presence";
}

json set_body(const std::string& app, const char* availability,
              const char* activity) {
  return {{"sessionId", app},
          {"availability", availability},
          {"activity", activity},
          {"expirationDuration", "PT1H"}};
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R6.10 R6.12 D22 a batch sets, reads, clears and reads presence in "
      "dependsOn order") {
    for (auto version : kVersions) {
      INFO(version);
      begin_mock_case();
      const std::string u = options().user, app = options().app;
      json body = {{"requests",
                    {item("4", "GET", presence_url(u), {}, {"3"}),
                     item("3", "POST", presence_url(u) + "/clearPresence",
                          json{{"sessionId", app}}, {"2"}),
                     item("2", "GET", presence_url(u), {}, {"1"}),
                     item("1", "POST", presence_url(u) + "/setPresence",
                          set_body(app, "Busy", "InACall"))}}};
      auto r = responses_of(batch(version, body));
      REQUIRE(r.size() == 4);
      // Actions answer 200 with no body key (D22) and no Content-Type.
      for (const char* id : {"1", "3"}) {
        CHECK(r[id]["status"] == 200);
        CHECK_FALSE(r[id].contains("body"));
        CHECK_FALSE(r[id]["headers"].contains("Content-Type"));
      }
      // Reads carry parsed JSON objects and the exact "Content-Type" key.
      CHECK(r["2"]["status"] == 200);
      CHECK(r["2"]["headers"]["Content-Type"] == kODataJson);
      REQUIRE(r["2"]["body"].is_object());
      CHECK(pair_in(r["2"]["body"]) == "Busy/InACall");
      CHECK(r["4"]["body"]["availability"] == "Offline");
      CHECK(r["4"]["body"]["activity"] == "Offline");
      CHECK(visible(u) == "Offline/Offline");
    }
  }

  TEST_CASE("R6.12 an item whose dependency failed gets 424 and does not run") {
    begin_mock_case();
    const std::string u = options().user, app = options().app;
    json body = {{"requests",
                  {item("a", "POST", presence_url(u) + "/clearPresence",
                        json{{"sessionId", app}}),
                   item("b", "POST", presence_url(u) + "/setPresence",
                        set_body(app, "Busy", "InACall"), {"a"}),
                   item("c", "GET", presence_url(u), {}, {"b"})}}};
    auto r = responses_of(batch("v1.0", body));
    CHECK(r["a"]["status"] == 404);
    CHECK(r["a"]["body"]["error"]["code"] == "NotFound");
    CHECK(r["a"]["headers"]["Content-Type"] == "application/json");
    CHECK(r["b"]["status"] == 424);
    CHECK(r["b"]["body"]["error"]["code"] == "FailedDependency");
    CHECK(r["c"]["status"] == 424);
    json failed = check_control_json(
        control("POST", "/_mock/journal/count", json{{"status", 424}}));
    CHECK(failed["count"] == 2);
    // b never ran: no session was set.
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "R6.11 items without dependsOn are independent: one failing item does "
      "not fail the others") {
    begin_mock_case();
    const std::string u = options().user, app = options().app;
    json body = {{"requests",
                  {item("1", "POST", presence_url(u) + "/setPresence",
                        json{{"sessionId", app},
                             {"availability", "Nope"},
                             {"activity", "Available"}}),
                   item("2", "POST", presence_url(u) + "/setPresence",
                        set_body(app, "Away", "Away"))}}};
    auto r = responses_of(batch("v1.0", body));
    CHECK(r["1"]["status"] == 400);
    CHECK(r["1"]["body"]["error"]["code"] == "BadRequest");
    CHECK(r["2"]["status"] == 200);
    CHECK(visible(u) == "Away/Away");
  }

  TEST_CASE(
      "R6.10 R6.11 a malformed batch is 400 for the whole batch and runs "
      "nothing") {
    begin_mock_case();
    const std::string u = options().user, app = options().app;
    const json set = item("1", "POST", presence_url(u) + "/setPresence",
                          set_body(app, "Busy", "InACall"));
    json twenty_one = json::array();
    for (int i = 0; i < 21; ++i) {
      twenty_one.push_back(item(std::to_string(i), "GET", presence_url(u)));
    }
    json dup_case = {set, item("x", "GET", presence_url(u))};
    dup_case[1]["id"] = "1";
    struct Bad {
      const char* why;
      std::string body;
    } cases[] = {
        {"21 items", json{{"requests", twenty_one}}.dump()},
        {"no items", json{{"requests", json::array()}}.dump()},
        {"not JSON", "{"},
        {"no requests key", json{{"items", json::array({set})}}.dump()},
        {"duplicate ids", json{{"requests", dup_case}}.dump()},
        {"an item without url",
         json{{"requests", {json{{"id", "1"}, {"method", "GET"}}, set}}}
             .dump()},
        {"dependsOn an unknown id",
         json{{"requests", {set, item("2", "GET", presence_url(u), {}, {"9"})}}}
             .dump()},
        {"a dependsOn cycle",
         json{{"requests",
               {item("1", "GET", presence_url(u), {}, {"2"}),
                item("2", "GET", presence_url(u), {}, {"1"})}}}
             .dump()},
    };
    for (const Bad& c : cases) {
      INFO(c.why);
      check_graph_error(request("POST", "/v1.0/$batch", c.body), 400,
                        "BadRequest");
    }
    // Upper/lower case ids collide too (R6.11).
    json mixed = {{"requests",
                   {item("abc", "GET", presence_url(u)),
                    item("ABC", "GET", presence_url(u))}}};
    check_graph_error(batch("v1.0", mixed), 400, "BadRequest");
    // Nothing ran: the set item of the rejected batches left no session.
    CHECK(visible(u) == "Offline/Offline");
  }

  TEST_CASE(
      "R6.11 per-item 400s: an over-long url, an absolute url, a nested batch, "
      "a body without Content-Type") {
    begin_mock_case();
    const std::string u = options().user;
    json no_type = item("4", "POST", presence_url(u) + "/clearPresence",
                        json{{"sessionId", options().app}});
    no_type.erase("headers");
    json body = {
        {"requests",
         {item("1", "GET", "/users/" + std::string(9000, 'a') + "/presence"),
          item("2", "GET",
               "https://graph.microsoft.com/v1.0" + presence_url(u)),
          item("3", "POST", "/$batch", json{{"requests", json::array()}}),
          no_type, item("5", "GET", presence_url(u))}}};
    auto r = responses_of(batch("v1.0", body));
    for (const char* id : {"1", "2", "3", "4"}) {
      INFO(id);
      CHECK(r[id]["status"] == 400);
      CHECK(r[id]["body"]["error"]["code"] == "BadRequest");
    }
    CHECK(r["5"]["status"] == 200);
    // R6.13: every item is journaled, refused ones too, beside the envelope.
    json journal = check_control_json(control("GET", "/_mock/journal"));
    CHECK(journal["total"] == 6);
    json refused = check_control_json(
        control("POST", "/_mock/journal/count", json{{"status", 400}}));
    CHECK(refused["count"] == 4);
  }

  TEST_CASE(
      "R6.11 an item url may repeat the batch's version root, as the "
      "JavaScript SDK writes it; another version is refused") {
    begin_mock_case();
    const std::string u = options().user;
    json body = {{"requests",
                  {item("1", "GET", "/v1.0" + presence_url(u)),
                   item("2", "GET", "v1.0" + presence_url(u)),
                   item("3", "GET", "/beta" + presence_url(u))}}};
    auto r = responses_of(batch("v1.0", body));
    CHECK(r["1"]["status"] == 200);
    CHECK(r["1"]["body"]["id"] == u);
    CHECK(r["2"]["status"] == 200);
    CHECK(r["3"]["status"] == 400);
    CHECK(r["3"]["body"]["error"]["code"] == "BadRequest");
  }

  TEST_CASE(
      "R6.10 items use the batch's token; a batch without one is 401 as a "
      "whole") {
    begin_mock_case();
    json body = {
        {"requests", {item("1", "GET", presence_url(options().user))}}};
    check_graph_error(
        request("POST", "/v1.0/$batch", body.dump(), {}, Auth::None), 401,
        "InvalidAuthenticationToken");
    auto r = responses_of(batch("v1.0", body));
    CHECK(r["1"]["status"] == 200);
    // An item may bring its own headers; /me with an app token is refused.
    json me = item("2", "GET", "/me/presence");
    me["headers"] = {{"Authorization", "Bearer " + app_jwt(options().app)}};
    auto r2 = responses_of(batch("v1.0", json{{"requests", {me}}}));
    CHECK(r2["2"]["status"] == 400);
  }

  TEST_CASE(
      "R6.13 D24 each item is journaled on its own, in the batch's tenant") {
    begin_mock_case();
    const std::string t = unique_tenant("batch");
    const std::string u = options().user, app = options().app;
    json body = {{"requests",
                  {item("1", "POST", presence_url(u) + "/setPresence",
                        set_body(app, "Busy", "InACall")),
                   item("2", "GET", presence_url(u), {}, {"1"})}}};
    auto r = responses_of(batch("v1.0", body, t));
    CHECK(r["2"]["body"]["availability"] == "Busy");
    json count = check_control_json(control(
        "POST", in_tenant(t, "/_mock/journal/count"),
        json{{"path", "*/setPresence"}, {"app", app}, {"status", 200}}));
    CHECK(count["count"] == 1);
    json all =
        check_control_json(control("GET", in_tenant(t, "/_mock/journal")));
    // Two items and the envelope.
    CHECK(all["total"] == 3);
    // Default tenant untouched.
    CHECK(visible(u) == "Offline/Offline");
  }

}  // TEST_SUITE
