// Throttling (R6.6-R6.8, D15, D20, D24; docs/behaviour.md): turned on per
// tenant through PUT /_mock/throttling, Graph's limit of 1,500 requests per
// 30 s per application refuses the 1,501st with 429 TooManyRequests, the
// throttling body of R6.7 and a whole-second Retry-After, counted on the
// tenant's clock. Each case runs in its own tenant. Mock-only.
#include <cctype>
#include <initializer_list>
#include <regex>
#include <string>

#include "checks.h"

using namespace conformance;
using nlohmann::json;

namespace {

std::string throttling(const std::string& tenant) {
  return in_tenant(tenant, "/_mock/throttling");
}

json put_throttling(const std::string& tenant, const json& body) {
  return check_control_json(control("PUT", throttling(tenant), body));
}

json get_throttling(const std::string& tenant) {
  return check_control_json(control("GET", throttling(tenant)));
}

const json kOff = {{"mode", "off"}, {"limit", 1500}, {"window", "PT30S"}};

Reply get_in(const std::string& tenant, const Headers& headers = {}) {
  return get_presence_in(tenant, options().user, headers);
}

// R6.7: the throttling answer, Retry-After included; returns Retry-After
// in seconds (-1 when it is not a whole number of seconds, D15).
int check_throttled(const Reply& r) {
  INFO(r.describe());
  CHECK(check_graph_error(r, 429, "TooManyRequests") ==
        "Please retry again later.");
  REQUIRE(r.json.has_value());
  const json inner = (*r.json)["error"]["innerError"];
  const json expected = {
      {"error",
       {{"code", "TooManyRequests"},
        {"message", "Please retry again later."},
        {"innerError",
         {{"code", "429"},
          {"date", inner.value("date", "")},
          {"message", "Please retry after"},
          {"request-id", r.header("request-id")},
          {"client-request-id", r.header("client-request-id")},
          {"status", "429"}}}}}};
  CHECK(*r.json == expected);
  CHECK(r.header("Content-Type") == "application/json");
  const std::string retry_after = r.header("Retry-After");
  CAPTURE(retry_after);
  static const std::regex kWhole(R"([1-9][0-9]*)");
  if (!std::regex_match(retry_after, kWhole)) {
    FAIL_CHECK("Retry-After is not a whole number of seconds");
    return -1;
  }
  return std::stoi(retry_after);
}

// `n` GET presence calls; how many were answered 200.
int passes(const std::string& tenant, int n, const Headers& headers = {}) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += get_in(tenant, headers).status == 200;
  return ok;
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "R6.6 R6.7 D15 D20 with mode graph, requests 1..1500 in 30 s pass, "
      "the 1501st is 429 with Graph's body and a whole-second "
      "Retry-After, and the tenant clock moving by it releases") {
    const std::string t = unique_tenant("throttle-graph");
    CHECK(get_throttling(t) == kOff);
    CHECK(put_throttling(t, {{"mode", "graph"}}) ==
          json{{"mode", "graph"}, {"limit", 1500}, {"window", "PT30S"}});
    CHECK(get_throttling(t)["mode"] == "graph");
    CHECK(passes(t, 1500) == 1500);
    Reply refused = get_in(t);
    // The manual clock has not moved since the window opened.
    CHECK(check_throttled(refused) == 30);
    advance_in(t, "PT29S");
    CHECK(check_throttled(get_in(t)) == 1);
    advance_in(t, "PT1S");
    Reply released = get_in(t);
    INFO(released.describe());
    CHECK(released.status == 200);
  }

  TEST_CASE(
      "R6.6 each application (the token's appid or azp) is counted "
      "apart; tokens naming no app share one count") {
    const std::string t = unique_tenant("throttle-apps");
    put_throttling(t, {{"mode", "graph"}, {"limit", 3}});
    const std::string app_a = random_guid();
    const std::string app_b = random_guid();
    const Headers a = bearer(app_jwt(app_a));
    const Headers b = bearer(app_jwt(app_b));
    CHECK(passes(t, 3, a) == 3);
    check_throttled(get_in(t, a));
    // The same app by its azp, in another letter case, is the same count.
    std::string app_a_upper = app_a;
    for (char& c : app_a_upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const Headers a_azp = bearer(
        unsigned_jwt({{"scp", "Presence.Read.All"}, {"azp", app_a_upper}}));
    check_throttled(get_in(t, a_azp));
    CHECK(passes(t, 3, b) == 3);
    check_throttled(get_in(t, b));
    // Opaque tokens carry no app: they share the "anonymous" count.
    CHECK(passes(t, 3) == 3);
    check_throttled(get_in(t, bearer("another-opaque-token")));
  }

  TEST_CASE(
      "R6.6 D24 throttling is per tenant: another tenant keeps the "
      "command line's setting (off) and its own count") {
    const std::string t = unique_tenant("throttle-on");
    const std::string other = unique_tenant("throttle-other");
    put_throttling(t, {{"mode", "graph"}, {"limit", 1}});
    CHECK(passes(t, 1) == 1);
    check_throttled(get_in(t));
    CHECK(get_throttling(other) == kOff);
    CHECK(passes(other, 20) == 20);
  }

  TEST_CASE(
      "R6.6 D15 a smaller limit and window apply; every presence "
      "operation counts, a 400 too, but not /_mock, unknown paths, a 405 "
      "or a 401") {
    const std::string t = unique_tenant("throttle-small");
    const json set = {{"mode", "graph"}, {"limit", 4}, {"window", "PT10S"}};
    CHECK(put_throttling(t, set) == set);
    CHECK(get_throttling(t) == set);
    const std::string u = options().user;
    // 1: GET presence.
    CHECK(get_in(t).status == 200);
    // 2: a setPresence with a bad body is 400, and counts.
    Reply bad = request(
        "POST", in_tenant(t, "/v1.0/users/" + u + "/presence/setPresence"),
        json{{"availability", "Available"}}.dump());
    check_graph_error(bad, 400, "BadRequest");
    // Neither an unknown path, a wrong method, a missing token nor the
    // control plane counts.
    for (int i = 0; i < 5; ++i) {
      CHECK(request("GET", in_tenant(t, "/v1.0/users/" + u + "/calendar"))
                .status == 400);
      CHECK(request("DELETE", in_tenant(t, "/v1.0/users/" + u + "/presence"))
                .status == 405);
      CHECK(request("GET", in_tenant(t, "/v1.0/users/" + u + "/presence"),
                    std::nullopt, {}, Auth::None)
                .status == 401);
      CHECK(request("GET", in_tenant(t, "/v2/users")).status == 404);
      CHECK(control("GET", in_tenant(t, "/_mock/health")).status == 200);
    }
    // 3: getPresencesByUserId (beta), 4: an action.
    Reply many = request(
        "POST", in_tenant(t, "/beta/communications/getPresencesByUserId"),
        json{{"ids", json::array({u})}}.dump());
    CHECK(many.status == 200);
    check_action_ok(request(
        "POST",
        in_tenant(t,
                  "/v1.0/users/" + u + "/presence/clearUserPreferredPresence"),
        std::string("{}")));
    // 5: over the limit, whatever the operation.
    CHECK(
        check_throttled(request(
            "POST", in_tenant(t, "/v1.0/users/" + u + "/presence/setPresence"),
            json{{"sessionId", options().app},
                 {"availability", "Available"},
                 {"activity", "Available"}}
                .dump())) == 10);
    advance_in(t, "PT4.5S");
    CHECK(check_throttled(get_in(t)) == 6);  // 5.5 s left, rounded up
    advance_in(t, "PT5.5S");
    CHECK(passes(t, 4) == 4);
    check_throttled(get_in(t));
  }

  TEST_CASE(
      "R6.8 D24 a throttled call is journaled with its 429 and "
      "TooManyRequests") {
    const std::string t = unique_tenant("throttle-journal");
    put_throttling(t, {{"mode", "graph"}, {"limit", 1}});
    CHECK(passes(t, 1) == 1);
    Reply refused = get_in(t, Headers{{"client-request-id", "throttled-call"}});
    check_throttled(refused);
    json answer = check_control_json(
        control("GET", in_tenant(t, "/_mock/journal?status=429")));
    INFO(answer.dump());
    REQUIRE(answer.value("entries", json::array()).size() == 1);
    const json entry = answer["entries"][0];
    CHECK(entry.value("status", 0) == 429);
    CHECK(entry.value("errorCode", "") == "TooManyRequests");
    CHECK(entry.value("clientRequestId", "") == "throttled-call");
    CHECK(entry.value("requestId", "") == refused.header("request-id"));
    CHECK(
        check_control_json(control("POST", in_tenant(t, "/_mock/journal/count"),
                                   json{{"status", 200}}))["count"] == 1);
  }

  TEST_CASE(
      "Control: bad PUT /_mock/throttling bodies are 400 and change "
      "nothing; other methods are 405") {
    const std::string t = unique_tenant("throttle-bad");
    for (const json& body : std::initializer_list<json>{
             {{"mode", "fast"}},
             {{"mode", "Graph"}},
             {{"mode", 1}},
             {{"mode", nullptr}},
             {{"limit", 0}},
             {{"limit", -5}},
             {{"limit", 1000001}},
             {{"limit", "5"}},
             {{"limit", 1.5}},
             {{"limit", true}},
             {{"window", "PT0S"}},
             {{"window", "PT0.5S"}},
             {{"window", "P2D"}},
             {{"window", "1:00:00"}},
             {{"window", 30}},
             {{"mode", "graph"}, {"limit", 0}},
             {{"mode", "graph"}, {"colour", "red"}},
             json::array({"graph"}),
         }) {
      CAPTURE(body.dump());
      check_graph_error(control("PUT", throttling(t), body), 400, "BadRequest");
      CHECK(get_throttling(t) == kOff);
    }
    for (const char* raw : {"not json", "\"graph\"", ""}) {
      CAPTURE(raw);
      check_graph_error(
          request("PUT", throttling(t), std::string(raw), {}, Auth::None), 400,
          "BadRequest");
      CHECK(get_throttling(t) == kOff);
    }
    for (const char* method : {"POST", "DELETE", "PATCH"}) {
      CAPTURE(method);
      Reply r = control(method, throttling(t), json{{"mode", "graph"}});
      check_graph_error(r, 405, "MethodNotAllowed");
      CHECK(r.header("Allow") == "GET, HEAD, PUT");
    }
    check_graph_error(control("GET", throttling(t) + "/extra"), 404,
                      "UnknownPath");
    CHECK(get_throttling(t) == kOff);
  }

  TEST_CASE(
      "D24 a tenant's reset restores the command line's throttling "
      "(off) and forgets its windows") {
    const std::string t = unique_tenant("throttle-reset");
    put_throttling(t, {{"mode", "graph"}, {"limit", 2}, {"window", "PT1H"}});
    CHECK(passes(t, 2) == 2);
    check_throttled(get_in(t));
    check_control_json(control("POST", in_tenant(t, "/_mock/reset")));
    CHECK(get_throttling(t) == kOff);
    CHECK(passes(t, 10) == 10);
    // Turned on again, counting starts afresh.
    put_throttling(t, {{"mode", "graph"}, {"limit", 2}});
    CHECK(passes(t, 2) == 2);
    check_throttled(get_in(t));
    // A PUT restarts the count too.
    put_throttling(t, {{"limit", 3}});
    CHECK(get_throttling(t) ==
          json{{"mode", "graph"}, {"limit", 3}, {"window", "PT30S"}});
    CHECK(passes(t, 3) == 3);
    check_throttled(get_in(t));
  }

}  // TEST_SUITE
