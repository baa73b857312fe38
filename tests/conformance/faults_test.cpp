// Fault injection as a client sees it: injected statuses answer
// instead of the handler (state unchanged), delays run the real handler,
// connection faults break the exchange, $batch items take status faults
// only, and every faulted call is journaled with what was injected.
// Mock-only; each case uses its own tenant.
#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

std::string presence_of(const std::string& user) {
  return "/v1.0/users/" + user + "/presence";
}

void add_rule(const std::string& tenant, const json& rule) {
  Reply r = control("POST", in_tenant(tenant, "/_mock/faults"), rule);
  INFO(r.describe());
  REQUIRE(r.status == 201);
}

json rule_report(const std::string& tenant, const std::string& id) {
  return check_control_json(
      control("GET", in_tenant(tenant, "/_mock/faults/" + id)));
}

Reply set_in(const std::string& tenant, const char* availability = "Busy",
             const char* activity = "InACall") {
  return set_presence_in(tenant, options().user, options().app, availability,
                         activity, "PT1H");
}

std::string raw_get(const std::string& tenant, const std::string& user) {
  return "GET " + in_tenant(tenant, presence_of(user)) + " HTTP/1.1\r\n" +
         host_header() + "Authorization: Bearer t\r\n\r\n";
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Faults: two 429s with Retry-After, then success, for the matching call; "
      "state unchanged by the faulted calls") {
    const std::string t = unique_tenant("faults-next");
    add_rule(t, json{{"id", "twice"},
                     {"match", {{"operation", "setPresence"}}},
                     {"schedule", {{"next", 2}}},
                     {"action", {{"status", 429}, {"retryAfter", 7}}}});
    for (int i = 0; i < 2; ++i) {
      INFO("call " << i + 1);
      Reply r = set_in(t);
      check_graph_error(r, 429, "TooManyRequests");
      CHECK(r.header("Retry-After") == "7");
      // The handler did not run: the user is still Offline.
      CHECK(pair_in(*get_presence_in(t, options().user).json) ==
            "Offline/Offline");
    }
    check_action_ok(set_in(t));
    CHECK(pair_in(*get_presence_in(t, options().user).json) == "Busy/InACall");
    json report = rule_report(t, "twice");
    CHECK(report["fired"] == 2);
    // An exhausted rule matches nothing more, so the third call is not counted.
    CHECK(report["matched"] == 2);
    CHECK(report["exhausted"] == true);
    // GET presence never matched the rule.
    check_action_ok(set_in(t));
  }

  TEST_CASE("Faults: the N-th matching call only, and every K-th") {
    const std::string t = unique_tenant("faults-nth");
    add_rule(t, json{{"id", "third"},
                     {"match", {{"method", "GET"}}},
                     {"schedule", {{"nth", 3}}},
                     {"action", {{"status", 503}}}});
    std::vector<int> got;
    for (int i = 0; i < 5; ++i)
      got.push_back(get_presence_in(t, options().user).status);
    CHECK(got == std::vector<int>{200, 200, 503, 200, 200});
    const std::string k = unique_tenant("faults-every");
    add_rule(k, json{{"id", "every2"},
                     {"match", {{"operation", "getPresence"}}},
                     {"schedule", {{"every", 2}, {"limit", 2}}},
                     {"action", {{"status", 504}}}});
    got.clear();
    for (int i = 0; i < 6; ++i)
      got.push_back(get_presence_in(k, options().user).status);
    CHECK(got == std::vector<int>{200, 504, 200, 504, 200, 200});
    Reply r = [&] {
      add_rule(k, json{{"id", "gw"}, {"action", {{"status", 504}}}});
      return get_presence_in(k, options().user);
    }();
    check_graph_error(r, 504, "GatewayTimeout");
  }

  TEST_CASE(
      "Faults: match.path is the path without the tenant prefix, as the "
      "journal writes it") {
    const std::string t = unique_tenant("faults-path");
    add_rule(t,
             json{{"id", "p"},
                  {"match",
                   {{"path", "/v1.0/users/" + options().user + "/presence"}}},
                  {"action", {{"status", 503}}}});
    check_graph_error(get_presence_in(t, options().user), 503,
                      "ServiceUnavailable");
    CHECK(rule_report(t, "p")["fired"] == 1);
  }

  TEST_CASE(
      "Faults: a seeded probability rule gives the same outcome sequence "
      "twice") {
    auto run = [](std::uint64_t seed) {
      const std::string t = unique_tenant("faults-prob");
      add_rule(t, json{{"id", "p"},
                       {"match", {{"operation", "getPresence"}}},
                       {"schedule", {{"probability", 0.5}, {"seed", seed}}},
                       {"action", {{"status", 500}}}});
      std::string outcome;
      for (int i = 0; i < 40; ++i) {
        outcome += get_presence_in(t, options().user).status == 500 ? 'x' : '.';
      }
      return outcome;
    };
    std::string a = run(42), b = run(42), c = run(43);
    CHECK(a == b);
    CHECK(a != c);
    // Roughly half fail: neither never nor always.
    CHECK(a.find('x') != std::string::npos);
    CHECK(a.find('.') != std::string::npos);
  }

  TEST_CASE(
      "Faults: a connection reset is a transport error for the client, and the "
      "mock keeps serving") {
    const std::string t = unique_tenant("faults-reset");
    add_rule(t, json{{"id", "rst"},
                     {"match", {{"operation", "getPresence"}}},
                     {"action", {{"connection", "reset"}}}});
    RawReply r = raw_exchange(raw_get(t, options().user));
    INFO(r.describe() << " error: " << r.error);
    CHECK(r.status == 0);
    CHECK(r.error.find("reset") != std::string::npos);
    Reply ok = get_presence_in(t, options().user);
    CHECK(ok.status == 200);
  }

  TEST_CASE("Faults: close answers nothing and does not run the handler") {
    const std::string t = unique_tenant("faults-close");
    add_rule(t, json{{"id", "c"},
                     {"match", {{"operation", "setPresence"}}},
                     {"action", {{"connection", "close"}}}});
    json body = {{"sessionId", options().app},
                 {"availability", "Busy"},
                 {"activity", "InACall"}};
    std::string req = "POST " + in_tenant(t, presence_of(options().user)) +
                      "/setPresence HTTP/1.1\r\n" + host_header() +
                      "Authorization: Bearer t\r\nContent-Type: "
                      "application/json\r\nContent-Length: " +
                      std::to_string(body.dump().size()) + "\r\n\r\n" +
                      body.dump();
    RawReply r = raw_exchange(req);
    INFO(r.describe() << " error: " << r.error);
    CHECK(r.status == 0);
    CHECK(r.error.find("closed") != std::string::npos);
    CHECK(pair_in(*get_presence_in(t, options().user).json) ==
          "Offline/Offline");
  }

  TEST_CASE("Faults: truncate runs the handler and cuts its body short") {
    const std::string t = unique_tenant("faults-truncate");
    check_action_ok(set_in(t, "Away", "Away"));
    add_rule(t, json{{"id", "cut"},
                     {"match", {{"operation", "getPresence"}}},
                     {"action", {{"connection", "truncate"}}}});
    RawReply r = raw_exchange(raw_get(t, options().user));
    // The headers announce the whole body; fewer bytes arrive.
    INFO(r.describe() << " error: " << r.error);
    CHECK(r.status == 200);
    CHECK(r.error.find("shorter than Content-Length") != std::string::npos);
    CHECK_FALSE(r.json.has_value());
    CHECK(rule_report(t, "cut")["fired"] == 1);
  }

  TEST_CASE("Faults: a delay runs the real handler after waiting") {
    const std::string t = unique_tenant("faults-delay");
    add_rule(t, json{{"id", "slow"},
                     {"match", {{"operation", "setPresence"}}},
                     {"action", {{"delay", "PT0.2S"}}}});
    auto start = std::chrono::steady_clock::now();
    check_action_ok(set_in(t));
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds(200));
    CHECK(pair_in(*get_presence_in(t, options().user).json) == "Busy/InACall");
  }

  TEST_CASE(
      "Faults: per-operation latency delays only that operation; the global "
      "one all others") {
    const std::string t = unique_tenant("faults-latency");
    Reply put = control(
        "PUT", in_tenant(t, "/_mock/latency"),
        json{{"operations", {{"getPresence", {{"fixed", "PT0.25S"}}}}}});
    INFO(put.describe());
    REQUIRE(put.status == 200);
    auto timed = [](auto&& call) {
      auto start = std::chrono::steady_clock::now();
      call();
      return std::chrono::steady_clock::now() - start;
    };
    CHECK(timed([&] {
            CHECK(get_presence_in(t, options().user).status == 200);
          }) >= std::chrono::milliseconds(250));
    // Not delayed: setPresence has no latency of its own and there is no
    // global one. (A functional bound, not a benchmark.)
    CHECK(timed([&] { check_action_ok(set_in(t)); }) <
          std::chrono::milliseconds(250));
    // The state is the real handler's: the delayed GET ran it.
    CHECK(pair_in(*get_presence_in(t, options().user).json) == "Busy/InACall");
  }

  TEST_CASE("Faults: $batch items take status faults only") {
    const std::string t = unique_tenant("faults-batch");
    add_rule(t, json{{"id", "s"},
                     {"match", {{"operation", "getPresence"}}},
                     {"schedule", {{"next", 1}}},
                     {"action", {{"status", 503}, {"retryAfter", 2.5}}}});
    add_rule(t, json{{"id", "r"},
                     {"match", {{"operation", "getPresence"}}},
                     {"action", {{"connection", "reset"}}}});
    json batch = {{"requests",
                   {json{{"id", "1"},
                         {"method", "GET"},
                         {"url", "/users/" + options().user + "/presence"}},
                    json{{"id", "2"},
                         {"method", "GET"},
                         {"url", "/users/" + options().user + "/presence"}}}}};
    Reply r = request("POST", in_tenant(t, "/v1.0/$batch"), batch.dump());
    INFO(r.describe());
    REQUIRE(r.status == 200);
    std::map<std::string, json> by_id;
    for (const json& e : (*r.json)["responses"]) by_id[e["id"]] = e;
    CHECK(by_id["1"]["status"] == 503);
    CHECK(by_id["1"]["headers"]["Retry-After"] == "2.5");
    CHECK(by_id["2"]["status"] == 200);  // the reset rule does not apply
    CHECK(rule_report(t, "r")["fired"] == 0);
  }

  TEST_CASE("Faults: every faulted call is journaled with what was injected") {
    const std::string t = unique_tenant("faults-journal");
    add_rule(t, json{{"id", "j"},
                     {"match", {{"operation", "clearPresence"}}},
                     {"action", {{"status", 500}}}});
    Reply r = clear_presence_in(t, options().user, options().app);
    check_graph_error(r, 500, "InternalServerError");
    json j = check_control_json(
        control("GET", in_tenant(t, "/_mock/journal?path=*/clearPresence")));
    REQUIRE(j["entries"].size() == 1);
    CHECK(j["entries"][0]["status"] == 500);
    CHECK(j["entries"][0]["fault"] == "j: status 500");
    get_presence_in(t, options().user);
    json all = check_control_json(
        control("GET", in_tenant(t, "/_mock/journal?method=GET")));
    CHECK(all["entries"][0]["fault"].is_null());
  }

  TEST_CASE(
      "Faults: the Retry-After check records a client that retried too early, "
      "in real time") {
    const std::string t = unique_tenant("faults-retry");
    add_rule(t, json{{"id", "ra"},
                     {"match", {{"operation", "getPresence"}}},
                     {"schedule", {{"next", 1}}},
                     {"action", {{"status", 429}, {"retryAfter", 30}}},
                     {"checkRetryAfter", true}});
    check_graph_error(get_presence_in(t, options().user), 429,
                      "TooManyRequests");
    CHECK(get_presence_in(t, options().user).status ==
          200);  // at once: too early
    json report = rule_report(t, "ra");
    CHECK(report["retryAfterCheck"]["tooEarly"] == 1);
    CHECK(report["retryAfterCheck"]["waited"] == 0);
  }

}  // TEST_SUITE
