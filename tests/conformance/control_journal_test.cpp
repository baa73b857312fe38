// The request journal (docs/control-plane.md "Journal"; D24): what is recorded
// (Graph requests only), every field, the filters of GET /_mock/journal and
// POST /_mock/journal/count, DELETE, the 4096-byte body cap and per-tenant
// journals. Mock-only.
#include <algorithm>
#include <chrono>

#include "checks.h"

using namespace conformance;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json journal(const std::string& tenant, const std::string& query = "") {
  return check_control_json(
      control("GET", in_tenant(tenant, "/_mock/journal") + query));
}

long long count(const std::string& tenant, const json& filter) {
  json answer = check_control_json(
      control("POST", in_tenant(tenant, "/_mock/journal/count"), filter));
  INFO(answer.dump());
  REQUIRE(answer.is_object());
  CHECK(answer.size() == 1);
  REQUIRE(answer.contains("count"));
  return answer["count"].get<long long>();
}

std::vector<std::string> request_ids(const json& answer) {
  std::vector<std::string> ids;
  for (const json& e : answer.value("entries", json::array())) {
    ids.push_back(e.value("requestId", ""));
  }
  return ids;
}

// Six Graph calls at known instants, for the filter cases.
struct Recorded {
  std::string tenant;
  std::string u1, u2;  // u1 is named by userPrincipalName in call 1
  std::string app_a = "aaaaaaaa-0000-4000-8000-000000000001";
  std::string app_b = "bbbbbbbb-0000-4000-8000-000000000002";
  std::string app_c = "cccccccc-0000-4000-8000-000000000003";
  TimePoint t0;
  std::vector<Reply> replies;  // in call order
  std::vector<std::string> bodies;
  std::vector<std::string> rid;  // request-id of each reply
};

Recorded record_six_calls(const std::string& stem) {
  Recorded rec;
  rec.tenant = unique_tenant(stem);
  rec.u1 = random_guid();
  rec.u2 = random_guid();
  const std::string& t = rec.tenant;
  seed_users(
      t,
      json{{"users",
            {{{"id", rec.u1}, {"userPrincipalName", "journal@contoso.example"}},
             {{"id", rec.u2}}}}});
  rec.t0 = require_now(t);
  auto post = [&](const std::string& path, const json& body,
                  const Headers& headers = {}) {
    rec.bodies.push_back(body.dump());
    rec.replies.push_back(
        request("POST", in_tenant(t, path), body.dump(), headers));
  };
  // 1. t0: v1.0 setPresence by userPrincipalName, app A.
  post("/v1.0/users/journal@contoso.example/presence/setPresence",
       json{{"sessionId", rec.app_a},
            {"availability", "Busy"},
            {"activity", "InACall"},
            {"expirationDuration", "PT1H"}},
       Headers{{"client-request-id", "journal-call-1"}});
  advance_in(t, "PT1M");
  // 2. t0+1m: beta setPresence for u2, app B.
  post("/beta/users/" + rec.u2 + "/presence/setPresence",
       json{{"sessionId", rec.app_b},
            {"availability", "Away"},
            {"activity", "Away"},
            {"expirationDuration", "PT1H"}});
  advance_in(t, "PT1M");
  // 3. t0+2m: clearPresence u1, app A (200).
  post("/v1.0/users/" + rec.u1 + "/presence/clearPresence",
       json{{"sessionId", rec.app_a}});
  advance_in(t, "PT1M");
  // 4. t0+3m: the same again: 404 NotFound.
  post("/v1.0/users/" + rec.u1 + "/presence/clearPresence",
       json{{"sessionId", rec.app_a}});
  // 5. t0+3m: GET presence of u2 with an application token for app C.
  rec.bodies.emplace_back();
  rec.replies.push_back(
      request("GET", in_tenant(t, "/v1.0/users/" + rec.u2 + "/presence"),
              std::nullopt, bearer(app_jwt(rec.app_c))));
  // 6. t0+3m: GET with a query option ($expand is refused: 400).
  rec.bodies.emplace_back();
  rec.replies.push_back(
      request("GET", in_tenant(t, "/v1.0/users/" + rec.u2 +
                                      "/presence?$expand=availability")));
  const int expected_status[] = {200, 200, 200, 404, 200, 400};
  for (std::size_t i = 0; i < rec.replies.size(); ++i) {
    INFO("call " << i + 1 << ": " << rec.replies[i].describe());
    CHECK(rec.replies[i].status == expected_status[i]);
    CHECK(rec.replies[i].has_header("request-id"));
    rec.rid.push_back(rec.replies[i].header("request-id"));
  }
  return rec;
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "Control: the journal records every Graph request, oldest first, with "
      "all its fields, and no /_mock request") {
    begin_mock_case();
    Recorded rec = record_six_calls("journal-fields");
    const std::string& t = rec.tenant;
    // Plenty of control traffic, none of which is journaled.
    control("GET", in_tenant(t, "/_mock/state"));
    control("GET", in_tenant(t, "/_mock/health"));
    control("GET", in_tenant(t, "/_mock/nothing"));
    control("POST", in_tenant(t, "/_mock/journal/count"), json::object());

    json all = journal(t);
    INFO(all.dump());
    REQUIRE(all.is_object());
    CHECK(all.size() == 2);
    CHECK(all.value("total", -1) == 6);
    REQUIRE(all["entries"].is_array());
    REQUIRE(all["entries"].size() == 6);
    CHECK(request_ids(all) == rec.rid);

    struct Expect {
      TimePoint time;
      const char* method;
      std::string path;
      const char* version;
      std::string user;
      json app;
      int status;
      json error_code;
    };
    const Expect expect[] = {
        {rec.t0, "POST",
         "/v1.0/users/journal@contoso.example/presence/setPresence", "v1.0",
         rec.u1, rec.app_a, 200, nullptr},
        {rec.t0 + 1min, "POST",
         "/beta/users/" + rec.u2 + "/presence/setPresence", "beta", rec.u2,
         rec.app_b, 200, nullptr},
        {rec.t0 + 2min, "POST",
         "/v1.0/users/" + rec.u1 + "/presence/clearPresence", "v1.0", rec.u1,
         rec.app_a, 200, nullptr},
        {rec.t0 + 3min, "POST",
         "/v1.0/users/" + rec.u1 + "/presence/clearPresence", "v1.0", rec.u1,
         rec.app_a, 404, "NotFound"},
        {rec.t0 + 3min, "GET", "/v1.0/users/" + rec.u2 + "/presence", "v1.0",
         rec.u2, rec.app_c, 200, nullptr},
        {rec.t0 + 3min, "GET", "/v1.0/users/" + rec.u2 + "/presence", "v1.0",
         rec.u2, nullptr, 400, "BadRequest"},
    };
    for (std::size_t i = 0; i < 6; ++i) {
      const json& e = all["entries"][i];
      INFO("entry " << i + 1 << ": " << e.dump());
      REQUIRE(e.is_object());
      CHECK(e.size() == 15);
      CHECK(e["fault"].is_null());  // no fault rule in this tenant
      // The four writes (a 404 clearPresence included) carry their order of
      // effect; the two GETs none.
      if (expect[i].method == std::string("POST")) {
        CHECK(e["writeSequence"].is_number_unsigned());
        if (i > 0)
          CHECK(e["writeSequence"] > all["entries"][i - 1]["writeSequence"]);
      } else {
        CHECK(e["writeSequence"].is_null());
      }
      CHECK(e.value("time", "") == format_instant(expect[i].time));
      CHECK(e.value("method", "") == expect[i].method);
      CHECK(e.value("path", "") ==
            expect[i].path);  // no tenant prefix, no query
      CHECK(e.value("version", "") == expect[i].version);
      CHECK(e.value("tenant", "") == t);
      CHECK(lower(e.value("user", "")) == expect[i].user);
      CHECK(e["app"] == expect[i].app);
      CHECK(e["status"] == expect[i].status);
      CHECK(e["errorCode"] == expect[i].error_code);
      CHECK(e.value("requestId", "") == rec.rid[i]);
      CHECK(e.value("clientRequestId", "") ==
            rec.replies[i].header("client-request-id"));
      if (rec.bodies[i].empty()) {
        CHECK((e["body"].is_null() || e["body"] == ""));
      } else {
        CHECK(e["body"] == rec.bodies[i]);
      }
      CHECK(e["bodyTruncated"] == false);
    }
    CHECK(all["entries"][0].value("clientRequestId", "") == "journal-call-1");
  }

  TEST_CASE(
      "Control: GET /_mock/journal filters by method, path glob, user, app, "
      "status, since/until and limit") {
    begin_mock_case();
    Recorded rec = record_six_calls("journal-filters");
    const std::string& t = rec.tenant;
    const std::vector<std::string>& r = rec.rid;
    struct Case {
      std::string query;
      std::vector<std::string> ids;
    };
    const Case cases[] = {
        {"?method=POST", {r[0], r[1], r[2], r[3]}},
        {"?method=GET", {r[4], r[5]}},
        {"?path=*/clearPresence", {r[2], r[3]}},
        {"?path=*/CLEARPRESENCE", {r[2], r[3]}},  // case-insensitive
        {"?path=/beta/*", {r[1]}},
        {"?path=/v1.0/users/" + rec.u2 + "/presence",
         {r[4], r[5]}},  // whole path, no query
        {"?path=*setPresence", {r[0], r[1]}},
        {"?path=/v1.0/*/presence/*", {r[0], r[2], r[3]}},
        {"?user=" + rec.u1, {r[0], r[2], r[3]}},
        {"?user=" + rec.u2, {r[1], r[4], r[5]}},
        {"?app=" + rec.app_a, {r[0], r[2], r[3]}},
        {"?app=" + rec.app_b, {r[1]}},
        {"?app=" + rec.app_c, {r[4]}},
        {"?status=404", {r[3]}},
        {"?status=400", {r[5]}},
        {"?status=200", {r[0], r[1], r[2], r[4]}},
        {"?since=" + format_instant(rec.t0 + 1min),
         {r[1], r[2], r[3], r[4], r[5]}},                     // inclusive
        {"?until=" + format_instant(rec.t0 + 1min), {r[0]}},  // exclusive
        {"?since=" + format_instant(rec.t0 + 1min) +
             "&until=" + format_instant(rec.t0 + 3min),
         {r[1], r[2]}},
        {"?method=POST&user=" + rec.u1 + "&status=200", {r[0], r[2]}},
        {"?user=" + random_guid(), {}},
    };
    for (const Case& c : cases) {
      INFO(c.query);
      json answer = journal(t, c.query);
      INFO(answer.dump());
      CHECK(answer.value("total", -1) == static_cast<long long>(c.ids.size()));
      CHECK(request_ids(answer) == c.ids);
    }
    // limit keeps the oldest; total still counts every match.
    json limited = journal(t, "?limit=2");
    CHECK(limited.value("total", -1) == 6);
    CHECK(request_ids(limited) == std::vector<std::string>{r[0], r[1]});
    limited = journal(t, "?method=POST&limit=1");
    CHECK(limited.value("total", -1) == 4);
    CHECK(request_ids(limited) == std::vector<std::string>{r[0]});
  }

  TEST_CASE("Control: a bad journal query parameter is 400 BadRequest") {
    begin_mock_case();
    const std::string t = unique_tenant("journal-400");
    for (const char* query :
         {"?limit=abc", "?limit=-1", "?status=abc", "?status=20x",
          "?since=yesterday", "?until=2026-13-45T00:00:00Z"}) {
      INFO(query);
      check_graph_error(control("GET", in_tenant(t, "/_mock/journal") + query),
                        400, "BadRequest");
    }
  }

  TEST_CASE("Control: POST /_mock/journal/count counts with the same filters") {
    begin_mock_case();
    Recorded rec = record_six_calls("journal-count");
    const std::string& t = rec.tenant;
    CHECK(count(t, json::object()) == 6);
    CHECK(count(t, json{{"method", "POST"}}) == 4);
    CHECK(count(t, json{{"path", "*/clearPresence"}, {"status", 404}}) == 1);
    CHECK(count(t, json{{"user", rec.u1}, {"app", rec.app_a}}) == 3);
    CHECK(count(t, json{{"user", rec.u2}, {"app", rec.app_a}}) == 0);
    CHECK(count(t, json{{"path", "*/setPresence"},
                        {"user", rec.u1},
                        {"app", rec.app_a}}) == 1);
    CHECK(count(t, json{{"since", format_instant(rec.t0 + 1min)},
                        {"until", format_instant(rec.t0 + 3min)}}) == 2);
    CHECK(count(t, json{{"status", 200}}) == 4);
    for (const json& bad : {json{{"status", "404"}}, json{{"since", "nope"}},
                            json{{"method", 3}}, json::array()}) {
      INFO(bad.dump());
      check_graph_error(
          control("POST", in_tenant(t, "/_mock/journal/count"), bad), 400,
          "BadRequest");
    }
    check_graph_error(request("POST", in_tenant(t, "/_mock/journal/count"),
                              std::string("{"), {}, Auth::None),
                      400, "BadRequest");
  }

  TEST_CASE(
      "Control: DELETE /_mock/journal clears it and answers how many entries "
      "it removed") {
    begin_mock_case();
    Recorded rec = record_six_calls("journal-clear");
    const std::string& t = rec.tenant;
    CHECK(
        check_control_json(control("DELETE", in_tenant(t, "/_mock/journal"))) ==
        json{{"cleared", 6}});
    CHECK(journal(t) == json{{"total", 0}, {"entries", json::array()}});
    CHECK(count(t, json::object()) == 0);
    CHECK(
        check_control_json(control("DELETE", in_tenant(t, "/_mock/journal"))) ==
        json{{"cleared", 0}});
    // Recording goes on after a clear; the state itself is untouched.
    Reply after = get_presence_in(t, rec.u2);
    CHECK(pair_in(*after.json) == "Away/Away");
    CHECK(request_ids(journal(t)) ==
          std::vector<std::string>{after.header("request-id")});
  }

  TEST_CASE(
      "Control: journal bodies are capped at 4096 bytes, with bodyTruncated") {
    begin_mock_case();
    const std::string t = unique_tenant("journal-cap");
    // A setPresence body of exactly `size` bytes (unknown keys are ignored).
    auto body_of = [](std::size_t size) {
      json body = {{"sessionId", options().app},
                   {"availability", "Available"},
                   {"activity", "Available"},
                   {"expirationDuration", "PT1H"},
                   {"padding", ""}};
      const std::size_t base = body.dump().size();
      REQUIRE(size >= base);
      body["padding"] = std::string(size - base, 'x');
      std::string text = body.dump();
      REQUIRE(text.size() == size);
      return text;
    };
    for (std::size_t size : {std::size_t{4095}, std::size_t{4096},
                             std::size_t{4097}, std::size_t{20000}}) {
      INFO("body of " << size << " bytes");
      CHECK(
          check_control_json(control("DELETE", in_tenant(t, "/_mock/journal")))
              .is_object());
      const std::string text = body_of(size);
      Reply r = request(
          "POST",
          in_tenant(t, presence_path("v1.0", PathForm::Users, options().user) +
                           "/setPresence"),
          text);
      INFO(r.describe());
      CHECK(r.status == 200);
      json all = journal(t);
      REQUIRE(all["entries"].size() == 1);
      const json& e = all["entries"][0];
      REQUIRE(e["body"].is_string());
      const std::string recorded = e["body"].get<std::string>();
      CHECK(recorded.size() == std::min<std::size_t>(size, 4096));
      CHECK(recorded == text.substr(0, 4096));
      CHECK(e["bodyTruncated"] == (size > 4096));
      CHECK(e["app"] ==
            options().app);  // read from the whole body, not the recorded part
    }
  }

  TEST_CASE(
      "D24 each tenant has its own journal; a JWT tid journals into its "
      "tenant") {
    begin_mock_case();
    const std::string a = unique_tenant("journal-a");
    const std::string b = unique_tenant("journal-b");
    Reply in_a = set_presence_in(a, options().user, options().app, "Busy",
                                 "InACall", "PT1H");
    CHECK(in_a.status == 200);
    json ja = journal(a);
    CHECK(request_ids(ja) ==
          std::vector<std::string>{in_a.header("request-id")});
    CHECK(journal(b) == json{{"total", 0}, {"entries", json::array()}});
    CHECK(journal("") == json{{"total", 0}, {"entries", json::array()}});

    // No prefix, a token whose tid is b: journaled in b, with b as tenant.
    Reply by_tid = get_presence("v1.0", PathForm::Users, options().user,
                                bearer(unsigned_jwt({{"tid", b}})));
    CHECK(by_tid.status == 200);
    json jb = journal(b);
    INFO(jb.dump());
    CHECK(request_ids(jb) ==
          std::vector<std::string>{by_tid.header("request-id")});
    REQUIRE(jb["entries"].size() == 1);
    CHECK(jb["entries"][0].value("tenant", "") == b);
    CHECK(jb["entries"][0].value("path", "") ==
          "/v1.0/users/" + options().user + "/presence");
    CHECK(journal("").value("total", -1) == 0);
    CHECK(journal(a).value("total", -1) == 1);
  }

  TEST_CASE(
      "Control: journal app is the body's sessionId, else the token's appid or "
      "azp; user is the resolved id, also for /me") {
    begin_mock_case();
    const std::string t = unique_tenant("journal-app");
    const std::string body_app = random_guid(), token_app = random_guid(),
                      azp_app = random_guid();
    const std::string u = options().user;  // the fixtures' me
    // setPresence: the body's sessionId wins over the token's appid.
    check_action_ok(set_presence_in(t, u, body_app, "Busy", "InACall", "PT1H",
                                    bearer(app_jwt(token_app))));
    // GET with a delegated token carrying azp only, through /me.
    Reply me =
        request("GET", in_tenant(t, "/beta/me/presence"), std::nullopt,
                bearer(unsigned_jwt(
                    {{"scp", "Presence.Read"}, {"oid", u}, {"azp", azp_app}})));
    CHECK(me.status == 200);
    // An opaque token names no app.
    CHECK(request("GET", in_tenant(t, "/v1.0/communications/presences/" + u))
              .status == 200);
    json all = journal(t);
    INFO(all.dump());
    REQUIRE(all["entries"].size() == 3);
    CHECK(all["entries"][0]["app"] == body_app);
    CHECK(all["entries"][1]["app"] == azp_app);
    CHECK(all["entries"][1]["user"] == u);
    CHECK(all["entries"][1]["version"] == "beta");
    CHECK(all["entries"][1]["path"] == "/beta/me/presence");
    CHECK(all["entries"][2]["app"].is_null());
    CHECK(all["entries"][2]["user"] == u);
  }

  TEST_CASE(
      "Control: GET /_mock/journal returns at most 1000 entries by default, "
      "the oldest, while total counts all") {
    begin_mock_case();
    const std::string t = unique_tenant("journal-limit");
    std::string first_id;
    for (int i = 0; i < 1001; ++i) {
      Reply r = get_presence_in(t, options().user);
      REQUIRE(r.status == 200);
      if (i == 0) first_id = r.header("request-id");
    }
    json all = journal(t);
    CHECK(all.value("total", -1) == 1001);
    REQUIRE(all["entries"].size() == 1000);
    CHECK(all["entries"][0].value("requestId", "") == first_id);
    CHECK(journal(t, "?limit=1001")["entries"].size() == 1001);
  }

  TEST_CASE(
      "Control: requests outside /v1.0 and /beta are journaled too, with "
      "version null") {
    begin_mock_case();
    Reply r = request("GET", "/not-graph/at-all");
    check_graph_error(r, 404, "UnknownPath");
    json all = journal("");
    INFO(all.dump());
    REQUIRE(all["entries"].size() == 1);
    const json& e = all["entries"][0];
    CHECK(e.value("path", "") == "/not-graph/at-all");
    CHECK(e["version"].is_null());
    CHECK(e["user"].is_null());
    CHECK(e["status"] == 404);
    CHECK(e["errorCode"] == "UnknownPath");
    CHECK(e.value("tenant", "") == "default");
  }

}  // TEST_SUITE
