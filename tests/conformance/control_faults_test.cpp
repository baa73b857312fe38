// The fault-injection control plane (D24; docs/faults.md "Fault
// injection"): create, list, read and delete a tenant's fault rules, their
// reports and counters after Graph calls, the Retry-After verdicts, the
// latency document, validation (400 with the JSON path), 409 and 404, 405
// with Allow, and reset. What a faulted call looks like to a client is in
// faults_test.cpp. Each case runs in its own tenant. Mock-only.
#include <string>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

std::string faults(const std::string& tenant, const std::string& id = "") {
  return in_tenant(tenant,
                   id.empty() ? "/_mock/faults" : "/_mock/faults/" + id);
}

json list_faults(const std::string& tenant) {
  return check_control_json(control("GET", faults(tenant)));
}

json post_faults(const std::string& tenant, const json& body) {
  return check_control_json(control("POST", faults(tenant), body), 201);
}

json report_of(const std::string& tenant, const std::string& id) {
  return check_control_json(control("GET", faults(tenant, id)));
}

json get_latency(const std::string& tenant) {
  return check_control_json(
      control("GET", in_tenant(tenant, "/_mock/latency")));
}

// The ids of a GET /_mock/faults answer, in order.
std::vector<std::string> ids_of(const json& list) {
  std::vector<std::string> ids;
  if (!list.contains("rules") || !list["rules"].is_array()) return ids;
  for (const json& r : list["rules"]) ids.push_back(r.value("id", "?"));
  return ids;
}

// The 400 of a bad body: BadRequest whose message names `where`.
void check_refused(const Reply& r, const std::string& where) {
  std::string message = check_graph_error(r, 400, "BadRequest");
  CAPTURE(message);
  CHECK(message.find(where) != std::string::npos);
}

const json kAnyGet = {{"match", {{"operation", "getPresence"}}},
                      {"action", {{"status", 503}}}};

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "faults: D24 rules are created, listed in order, read, deleted and "
      "cleared per tenant") {
    const std::string t = unique_tenant("faults-crud");
    CHECK(list_faults(t) == json{{"rules", json::array()}});
    // One rule, without an id: f1.
    CHECK(post_faults(t, kAnyGet) == json{{"created", {"f1"}}});
    // Several at once, ids given or not.
    json many = {{"rules",
                  {{{"id", "slow-set"},
                    {"match", {{"operation", "setPresence"}}},
                    {"action", {{"delay", "PT0.5S"}}}},
                   {{"schedule", {{"nth", 3}}},
                    {"action", {{"connection", "reset"}}}}}}};
    CHECK(post_faults(t, many) == json{{"created", {"slow-set", "f2"}}});
    json list = list_faults(t);
    CHECK(ids_of(list) == std::vector<std::string>{"f1", "slow-set", "f2"});
    CHECK(report_of(t, "slow-set") ==
          json{{"id", "slow-set"},
               {"match", {{"operation", "setPresence"}}},
               {"schedule", {{"next", 1}}},
               {"action", {{"delay", "PT0.5S"}}},
               {"matched", 0},
               {"fired", 0},
               {"exhausted", false}});
    CHECK(list["rules"][1] == report_of(t, "slow-set"));
    // Another tenant sees none of them.
    CHECK(list_faults(unique_tenant("faults-crud-other")) ==
          json{{"rules", json::array()}});

    CHECK(check_control_json(control("DELETE", faults(t, "f1"))) ==
          json{{"deleted", "f1"}});
    check_graph_error(control("GET", faults(t, "f1")), 404, "NotFound");
    check_graph_error(control("DELETE", faults(t, "f1")), 404, "NotFound");
    CHECK(ids_of(list_faults(t)) == std::vector<std::string>{"slow-set", "f2"});
    CHECK(check_control_json(control("DELETE", faults(t))) ==
          json{{"cleared", 2}});
    CHECK(list_faults(t) == json{{"rules", json::array()}});
    CHECK(check_control_json(control("DELETE", faults(t))) ==
          json{{"cleared", 0}});
  }

  TEST_CASE(
      "faults: a report is the rule as given plus its counters; "
      "retryAfterCheck only with checkRetryAfter") {
    const std::string t = unique_tenant("faults-report");
    const json rule = {
        {"id", "r1"},
        {"match",
         {{"method", "POST"},
          {"operation", "setPresence"},
          {"path", "*/presence/setPresence"},
          {"version", "v1.0"},
          {"user", options().user},
          {"app", options().app}}},
        {"schedule", {{"probability", 0.25}, {"seed", 42}, {"limit", 3}}},
        {"action",
         {{"status", 429},
          {"code", "Throttled"},
          {"message", "Slow down."},
          {"retryAfter", 2.5}}},
        {"checkRetryAfter", true}};
    post_faults(t, rule);
    json expected = rule;
    expected["matched"] = 0;
    expected["fired"] = 0;
    expected["exhausted"] = false;
    expected["retryAfterCheck"] = {{"waited", 0}, {"tooEarly", 0}};
    CHECK(report_of(t, "r1") == expected);
    // An HTTP-date Retry-After reads back as given.
    const json dated = {
        {"id", "r2"},
        {"match", json::object()},
        {"schedule", {{"every", 2}}},
        {"action",
         {{"status", 503}, {"retryAfter", "Thu, 01 Jan 2026 00:07:00 GMT"}}}};
    post_faults(t, dated);
    json expected_dated = dated;
    expected_dated["matched"] = 0;
    expected_dated["fired"] = 0;
    expected_dated["exhausted"] = false;
    CHECK(report_of(t, "r2") == expected_dated);
  }

  TEST_CASE(
      "faults: reports count matching calls and firings; an exhausted "
      "rule stops matching; rules on other operations see nothing") {
    const std::string t = unique_tenant("faults-counters");
    post_faults(t, {{"rules",
                     {{{"id", "twice"},
                       {"match", {{"operation", "getPresence"}}},
                       {"schedule", {{"next", 2}}},
                       {"action", {{"status", 503}}}},
                      {{"id", "third"},
                       {"match", {{"path", "*/users/*/presence"}}},
                       {"schedule", {{"nth", 3}}},
                       {"action", {{"status", 500}}}},
                      {{"id", "other"},
                       {"match", {{"operation", "clearPresence"}}},
                       {"action", {{"status", 500}}}}}}});
    std::vector<int> statuses;
    for (int i = 0; i < 5; ++i) {
      statuses.push_back(get_presence_in(t, options().user).status);
    }
    // Calls 1-2: "twice" fires, so "third" does not see them; calls 3-5 go to
    // "third", which fires on its 3rd matching call (call 5).
    CHECK(statuses == std::vector<int>{503, 503, 200, 200, 500});
    json twice = report_of(t, "twice");
    CHECK(twice["matched"] == 2);
    CHECK(twice["fired"] == 2);
    CHECK(twice["exhausted"] == true);
    json third = report_of(t, "third");
    CHECK(third["matched"] == 3);
    CHECK(third["fired"] == 1);
    CHECK(third["exhausted"] == true);
    json other = report_of(t, "other");
    CHECK(other["matched"] == 0);
    CHECK(other["fired"] == 0);
    CHECK(other["exhausted"] == false);
    // The control plane is not a Graph call: reading reports counts nothing.
    CHECK(report_of(t, "other")["matched"] == 0);
  }

  TEST_CASE(
      "faults: D20 the Retry-After check: a client that came back at "
      "once is too early; one told to wait 0 s waited") {
    const std::string t = unique_tenant("faults-retry-check");
    post_faults(t, {{"rules",
                     {{{"id", "long"},
                       {"match", {{"operation", "getPresence"}}},
                       {"action", {{"status", 429}, {"retryAfter", 60}}},
                       {"checkRetryAfter", true}},
                      {{"id", "zero"},
                       {"match", {{"operation", "setPresence"}}},
                       {"action", {{"status", 503}, {"retryAfter", 0}}},
                       {"checkRetryAfter", true}}}}});
    CHECK(get_presence_in(t, options().user).status == 429);
    CHECK(get_presence_in(t, options().user).status == 200);
    CHECK(report_of(t, "long")["retryAfterCheck"] ==
          json{{"waited", 0}, {"tooEarly", 1}});
    CHECK(set_presence_in(t, options().user, options().app, "Busy", "InACall")
              .status == 503);
    CHECK(set_presence_in(t, options().user, options().app, "Busy", "InACall")
              .status == 200);
    CHECK(report_of(t, "zero")["retryAfterCheck"] ==
          json{{"waited", 1}, {"tooEarly", 0}});
  }

  TEST_CASE(
      "faults: bad rules are 400 naming the JSON path, and a POST of "
      "several creates none when one is bad") {
    const std::string t = unique_tenant("faults-400");
    struct Row {
      json body;
      const char* where;
    };
    const Row rows[] = {
        {json{{"match", {{"operation", "setPresence"}}}}, "$.action"},
        {json{{"action", {{"status", 302}}}}, "$.action.status"},
        {json{{"action", {{"status", 503}, {"retryAfter", "soon"}}}},
         "$.action.retryAfter"},
        {json{{"action", {{"delay", "PT2M"}}}}, "$.action.delay"},
        {json{{"action", {{"connection", "hangup"}}}}, "$.action.connection"},
        {json{{"match", {{"operation", "getPresences"}}},
              {"action", {{"status", 503}}}},
         "$.match.operation"},
        {json{{"schedule", {{"every", 0}}}, {"action", {{"status", 503}}}},
         "$.schedule.every"},
        {json{{"schedule", {{"probability", 2}}},
              {"action", {{"status", 503}}}},
         "$.schedule.probability"},
        {json{{"action", {{"status", 503}}}, {"checkRetryAfter", true}},
         "$.checkRetryAfter"},
        {json{{"action", {{"status", 503}}}, {"fired", 3}}, "$.fired"},
        {json{{"rules", {kAnyGet, {{"action", {{"status", 99}}}}}}},
         "$.rules[1].action.status"},
        {json{{"rules",
               {{{"id", "x"}, {"action", {{"status", 503}}}},
                {{"id", "x"}, {"action", {{"status", 503}}}}}}},
         "$.rules[1].id"},
    };
    for (const Row& row : rows) {
      CAPTURE(row.body.dump());
      check_refused(control("POST", faults(t), row.body), row.where);
    }
    CHECK(list_faults(t) == json{{"rules", json::array()}});
    // Not a JSON object at all.
    check_graph_error(control("POST", faults(t), json::array()), 400,
                      "BadRequest");
  }

  TEST_CASE(
      "faults: an id already in use is 409 Conflict, and then none of "
      "the rules of that POST is created") {
    const std::string t = unique_tenant("faults-409");
    post_faults(t, {{"id", "taken"}, {"action", {{"status", 503}}}});
    json body = {{"rules",
                  {{{"id", "fresh"}, {"action", {{"status", 500}}}},
                   {{"id", "taken"}, {"action", {{"status", 500}}}}}}};
    std::string message =
        check_graph_error(control("POST", faults(t), body), 409, "Conflict");
    CHECK(message.find("taken") != std::string::npos);
    CHECK(ids_of(list_faults(t)) == std::vector<std::string>{"taken"});
    // A generated id skips one in use.
    post_faults(t, {{"id", "f1"}, {"action", {{"status", 503}}}});
    CHECK(post_faults(t, kAnyGet) == json{{"created", {"f2"}}});
  }

  TEST_CASE("faults: other methods are 405 with Allow; deeper paths 404") {
    const std::string t = unique_tenant("faults-405");
    post_faults(t, {{"id", "a"}, {"action", {{"status", 503}}}});
    struct Row {
      const char* method;
      std::string path;
      const char* allow;
    };
    const Row rows[] = {
        {"PUT", faults(t), "GET, HEAD, POST, DELETE"},
        {"PATCH", faults(t), "GET, HEAD, POST, DELETE"},
        {"POST", faults(t, "a"), "GET, HEAD, DELETE"},
        {"PUT", faults(t, "a"), "GET, HEAD, DELETE"},
        {"POST", in_tenant(t, "/_mock/latency"), "GET, HEAD, PUT"},
        {"DELETE", in_tenant(t, "/_mock/latency"), "GET, HEAD, PUT"},
    };
    for (const Row& row : rows) {
      CAPTURE(row.method);
      CAPTURE(row.path);
      Reply r = control(row.method, row.path, json::object());
      check_graph_error(r, 405);
      CHECK(r.header("Allow") == row.allow);
    }
    check_graph_error(control("GET", faults(t, "a") + "/b"), 404,
                      "UnknownPath");
    check_graph_error(control("GET", in_tenant(t, "/_mock/latency/x")), 404,
                      "UnknownPath");
  }

  TEST_CASE(
      "faults: the latency document: none at first; PUT replaces only "
      "the keys given, null clears; bad documents are 400 with the path") {
    const std::string t = unique_tenant("faults-latency");
    const json none = {{"global", nullptr}, {"operations", json::object()}};
    CHECK(get_latency(t) == none);
    json first = {{"global", {{"fixed", "PT0.2S"}}},
                  {"operations",
                   {{"setPresence",
                     {{"min", "PT0.1S"}, {"max", "PT0.5S"}, {"seed", 7}}}}}};
    CHECK(check_control_json(
              control("PUT", in_tenant(t, "/_mock/latency"), first)) == first);
    CHECK(get_latency(t) == first);
    // Only the keys given change; operation names in any case.
    json second = {{"operations", {{"CLEARPRESENCE", {{"fixed", "PT1S"}}}}}};
    json expected = first;
    expected["operations"]["clearPresence"] = {{"fixed", "PT1S"}};
    CHECK(check_control_json(control("PUT", in_tenant(t, "/_mock/latency"),
                                     second)) == expected);
    json clear = {
        {"global", nullptr},
        {"operations", {{"setPresence", nullptr}, {"clearPresence", nullptr}}}};
    CHECK(check_control_json(
              control("PUT", in_tenant(t, "/_mock/latency"), clear)) == none);

    struct Row {
      json body;
      const char* where;
    };
    const Row rows[] = {
        {json{{"global", {{"fixed", "PT61S"}}}}, "$.global.fixed"},
        {json{{"global", {{"min", "PT2S"}, {"max", "PT1S"}}}}, "$.global.max"},
        {json{{"global", {{"min", "PT1S"}}}}, "$.global"},
        {json{{"operations", {{"listPresence", {{"fixed", "PT1S"}}}}}},
         "$.operations.listPresence"},
        {json{{"perUser", nullptr}}, "$.perUser"},
    };
    for (const Row& row : rows) {
      CAPTURE(row.body.dump());
      check_refused(control("PUT", in_tenant(t, "/_mock/latency"), row.body),
                    row.where);
    }
    // A bad document changes nothing, even its valid keys.
    json half = {{"global", {{"fixed", "PT1S"}}},
                 {"operations", {{"x", nullptr}}}};
    check_refused(control("PUT", in_tenant(t, "/_mock/latency"), half),
                  "$.operations.x");
    CHECK(get_latency(t) == none);
  }

  TEST_CASE(
      "faults: D24 a tenant's reset drops the rules and latency added "
      "at run time (the mock here runs without --faults)") {
    const std::string t = unique_tenant("faults-reset");
    post_faults(t, kAnyGet);
    check_control_json(control("PUT", in_tenant(t, "/_mock/latency"),
                               json{{"global", {{"fixed", "PT0.1S"}}}}));
    check_control_json(control("POST", in_tenant(t, "/_mock/reset")));
    CHECK(list_faults(t) == json{{"rules", json::array()}});
    CHECK(get_latency(t) ==
          json{{"global", nullptr}, {"operations", json::object()}});
  }

}  // TEST_SUITE
