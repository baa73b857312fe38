// Unit tests for src/store/faults (docs/faults.md): every schedule, the match
// fields, $batch items taking status rules only, the first firing rule
// winning, exhaustion, the Retry-After check on injected monotonic instants
// (D20) and seeded latency; and src/graph/faults_json: the rule, latency
// and file formats (docs/faults.md) with their JSON-path errors.
#include "store/faults.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/faults_json.h"

namespace {

using gpm::store::FaultAction;
using gpm::store::FaultActionKind;
using gpm::store::FaultCall;
using gpm::store::FaultEngine;
using gpm::store::FaultRule;
using gpm::store::LatencySpec;
using gpm::store::ScheduleKind;
using nlohmann::json;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

const std::chrono::steady_clock::time_point kStart{};

FaultCall set_presence_call(std::chrono::steady_clock::duration at = 0s) {
  FaultCall c;
  c.method = "POST";
  c.operation = "setPresence";
  c.path =
      "/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence/"
      "setPresence";
  c.version = "v1.0";
  c.user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
  c.app = "22553876-f5ab-4529-bffb-cfe50aa89f87";
  c.real_now = kStart + at;
  return c;
}

FaultCall get_presence_call() {
  FaultCall c = set_presence_call();
  c.method = "GET";
  c.operation = "getPresence";
  c.path = "/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence";
  c.app = "";
  return c;
}

FaultRule status_rule(ScheduleKind kind, uint64_t count, int status = 503) {
  FaultRule r;
  r.schedule.kind = kind;
  r.schedule.count = count;
  r.action.kind = FaultActionKind::Status;
  r.action.status = status;
  return r;
}

// "x" for each call the engine faulted, "." for each it let through.
std::string outcomes(FaultEngine& e, int calls,
                     const FaultCall& call = set_presence_call()) {
  std::string out;
  for (int i = 0; i < calls; ++i) out += e.decide(call).action ? 'x' : '.';
  return out;
}

FaultRule probability_rule(double p, uint64_t seed) {
  FaultRule r = status_rule(ScheduleKind::Probability, 1);
  r.schedule.probability = p;
  r.schedule.seed = seed;
  return r;
}

// Compared as unordered JSON: the key order of a report is not the contract.
json plain(const nlohmann::ordered_json& j) { return json::parse(j.dump()); }

// The rule of `text` (one rule object) as the control plane parses it.
FaultRule rule_of(const std::string& text) {
  return gpm::graph::parse_fault_rule(json::parse(text), "body", "$");
}

// what() of the FaultsError parsing `text` as a rule throws ("" if none).
std::string rule_error(const std::string& text) {
  try {
    gpm::graph::parse_fault_rules(json::parse(text), "body");
  } catch (const gpm::graph::FaultsError& e) {
    return e.what();
  }
  return "";
}

std::string file_error(const std::string& text) {
  try {
    gpm::graph::parse_faults_document(text, "faults.json");
  } catch (const gpm::graph::FaultsError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("faults") {
  TEST_CASE(
      "faults: next N fires on the first N matching calls, then the "
      "rule is exhausted and matches nothing") {
    FaultEngine e;
    std::string id = e.add(status_rule(ScheduleKind::Next, 2, 429));
    CHECK(id == "f1");
    FaultCall call = set_presence_call();
    auto first = e.decide(call);
    REQUIRE(first.action.has_value());
    CHECK(first.action->status == 429);
    CHECK(first.rule_id == "f1");
    CHECK(outcomes(e, 4) == "x...");
    FaultRule r = e.get("f1").value();
    CHECK(r.matched == 2);
    CHECK(r.fired == 2);
    CHECK(r.exhausted);
  }

  TEST_CASE("faults: nth N fires only on the N-th matching call") {
    FaultEngine e;
    e.add(status_rule(ScheduleKind::Nth, 3));
    CHECK(outcomes(e, 6) == "..x...");
    FaultRule r = e.get("f1").value();
    CHECK(r.matched == 3);
    CHECK(r.fired == 1);
    CHECK(r.exhausted);
  }

  TEST_CASE("faults: every K fires on calls K, 2K, ...; a limit exhausts it") {
    FaultEngine e;
    e.add(status_rule(ScheduleKind::EveryKth, 3));
    CHECK(outcomes(e, 10) == "..x..x..x.");
    CHECK_FALSE(e.get("f1")->exhausted);
    FaultEngine limited;
    FaultRule r = status_rule(ScheduleKind::EveryKth, 2);
    r.schedule.limit = 2;
    limited.add(r);
    CHECK(outcomes(limited, 8) == ".x.x....");
    FaultRule after = limited.get("f1").value();
    CHECK(after.fired == 2);
    CHECK(after.matched == 4);
    CHECK(after.exhausted);
  }

  TEST_CASE(
      "faults: a seeded probability gives the same sequence twice, and "
      "again after the rule is added anew; another seed another") {
    FaultEngine a, b, c;
    a.add(probability_rule(0.5, 42));
    b.add(probability_rule(0.5, 42));
    c.add(probability_rule(0.5, 43));
    std::string seq = outcomes(a, 64);
    CHECK(seq == outcomes(b, 64));
    CHECK(seq != outcomes(c, 64));
    // Both outcomes occur at p = 0.5 over 64 calls.
    CHECK(seq.find('x') != std::string::npos);
    CHECK(seq.find('.') != std::string::npos);
    a.clear();
    a.add(probability_rule(0.5, 42));
    CHECK(outcomes(a, 64) == seq);
  }

  TEST_CASE("faults: probability 0 never fires, 1 always; a limit exhausts") {
    FaultEngine never, always;
    never.add(probability_rule(0, 1));
    CHECK(outcomes(never, 20) == std::string(20, '.'));
    CHECK(never.get("f1")->matched == 20);
    FaultRule r = probability_rule(1, 1);
    r.schedule.limit = 3;
    always.add(r);
    CHECK(outcomes(always, 5) == "xxx..");
    CHECK(always.get("f1")->exhausted);
  }

  TEST_CASE(
      "faults: every present match field must match, ignoring case; "
      "path is a glob; a call that does not match is not counted") {
    struct Row {
      const char* name;
      void (*set)(gpm::store::FaultMatch&);
      bool matches;
    };
    const Row rows[] = {
        {"no fields", [](auto&) {}, true},
        {"method", [](auto& m) { m.method = "post"; }, true},
        {"other method", [](auto& m) { m.method = "GET"; }, false},
        {"operation", [](auto& m) { m.operation = "SETPRESENCE"; }, true},
        {"other operation", [](auto& m) { m.operation = "clearPresence"; },
         false},
        {"path glob", [](auto& m) { m.path = "*/PRESENCE/setPresence"; }, true},
        {"path glob middle",
         [](auto& m) { m.path = "/v1.0/users/*/presence*"; }, true},
        {"other path", [](auto& m) { m.path = "*/clearPresence"; }, false},
        {"version", [](auto& m) { m.version = "V1.0"; }, true},
        {"other version", [](auto& m) { m.version = "beta"; }, false},
        {"user",
         [](auto& m) { m.user = "FA8BF3DC-ECA7-46B7-BAD1-DB199B62AFC3"; },
         true},
        {"other user",
         [](auto& m) { m.user = "66825e03-7ef5-42da-9069-724602c31f6b"; },
         false},
        {"app", [](auto& m) { m.app = "22553876-F5AB-4529-BFFB-CFE50AA89F87"; },
         true},
        {"other app", [](auto& m) { m.app = "someone-else"; }, false},
        {"all but one",
         [](auto& m) {
           m.method = "POST";
           m.operation = "setPresence";
           m.version = "beta";
         },
         false},
    };
    for (const Row& row : rows) {
      CAPTURE(row.name);
      FaultEngine e;
      FaultRule r = status_rule(ScheduleKind::Next, 1);
      row.set(r.match);
      e.add(r);
      CHECK(e.decide(set_presence_call()).action.has_value() == row.matches);
      CHECK(e.get("f1")->matched == (row.matches ? 1u : 0u));
    }
  }

  TEST_CASE(
      "faults: $batch items take status rules only: other actions do "
      "not match them at all") {
    FaultEngine e;
    FaultRule delay = status_rule(ScheduleKind::Next, 5);
    delay.action.kind = FaultActionKind::Delay;
    delay.action.delay = 100ms;
    FaultRule reset = status_rule(ScheduleKind::Next, 5);
    reset.action.kind = FaultActionKind::Reset;
    e.add(delay);
    e.add(reset);
    e.add(status_rule(ScheduleKind::Next, 5, 500));
    FaultCall item = set_presence_call();
    item.in_batch = true;
    auto d = e.decide(item);
    REQUIRE(d.action.has_value());
    CHECK(d.action->kind == FaultActionKind::Status);
    CHECK(d.rule_id == "f3");
    CHECK(e.get("f1")->matched == 0);
    CHECK(e.get("f2")->matched == 0);
    // A direct call takes the first rule.
    auto direct = e.decide(set_presence_call());
    REQUIRE(direct.action.has_value());
    CHECK(direct.action->kind == FaultActionKind::Delay);
    CHECK(direct.action->delay == 100ms);
  }

  TEST_CASE(
      "faults: the first rule that fires wins; rules after it do not "
      "see the call, rules before it that did not fire count it") {
    FaultEngine e;
    e.add(status_rule(ScheduleKind::Nth, 2, 500));   // f1
    e.add(status_rule(ScheduleKind::Next, 5, 503));  // f2
    e.add(status_rule(ScheduleKind::Next, 5, 504));  // f3
    auto one = e.decide(set_presence_call());
    CHECK(one.rule_id == "f2");
    auto two = e.decide(set_presence_call());
    CHECK(two.rule_id == "f1");
    REQUIRE(two.action.has_value());
    CHECK(two.action->status == 500);
    CHECK(e.get("f1")->matched == 2);
    CHECK(e.get("f2")->matched == 1);
    CHECK(e.get("f3")->matched == 0);
    // f1 is exhausted now: f2 takes the next call again.
    CHECK(e.decide(set_presence_call()).rule_id == "f2");
  }

  TEST_CASE("faults: an exhausted rule lets the next one match") {
    FaultEngine e;
    e.add(status_rule(ScheduleKind::Next, 1, 429));
    e.add(status_rule(ScheduleKind::Next, 1, 503));
    CHECK(e.decide(set_presence_call()).action->status == 429);
    CHECK(e.decide(set_presence_call()).action->status == 503);
    CHECK_FALSE(e.decide(set_presence_call()).action.has_value());
    CHECK(e.get("f1")->matched == 1);
  }

  TEST_CASE(
      "faults: D20 the Retry-After check judges the next matching "
      "call on real elapsed time, the one after the last firing too") {
    FaultEngine e;
    FaultRule r = status_rule(ScheduleKind::Next, 2, 429);
    r.match.operation = "setPresence";
    r.action.retry_after = "2.5";
    r.check_retry_after = true;
    e.add(r);
    CHECK(e.decide(set_presence_call(0s)).action.has_value());
    // A call that does not match settles nothing.
    e.decide(get_presence_call());
    // 1 s later: too early; it fires again.
    CHECK(e.decide(set_presence_call(1s)).action.has_value());
    // 2.5 s after that: waited, and the rule (exhausted) lets it through.
    CHECK_FALSE(e.decide(set_presence_call(3500ms)).action.has_value());
    // Nothing pending any more.
    e.decide(set_presence_call(3600ms));
    FaultRule after = e.get("f1").value();
    CHECK(after.retry_too_early == 1);
    CHECK(after.retry_waited == 1);
    CHECK(after.matched == 2);
    CHECK(after.exhausted);
  }

  TEST_CASE(
      "faults: a call just short of Retry-After is too early; whole "
      "seconds work; without checkRetryAfter nothing is counted") {
    FaultEngine e;
    FaultRule r = status_rule(ScheduleKind::EveryKth, 2, 503);
    r.match.method = "POST";
    r.action.retry_after = "7";
    r.check_retry_after = true;
    e.add(r);
    FaultRule plain = r;
    plain.id = "plain";
    plain.check_retry_after = false;
    plain.match.method = "GET";
    e.add(plain);
    e.decide(set_presence_call(0s));        // matched 1
    e.decide(set_presence_call(1s));        // fires at 1 s
    e.decide(set_presence_call(8s - 1ms));  // too early
    e.decide(set_presence_call(9s));        // fires at 9 s
    e.decide(set_presence_call(16s));       // waited (exactly 7 s)
    FaultRule after = e.get("f1").value();
    CHECK(after.retry_too_early == 1);
    CHECK(after.retry_waited == 1);
    FaultCall get = get_presence_call();
    for (int i = 0; i < 4; ++i) e.decide(get);
    FaultRule p = e.get("plain").value();
    CHECK(p.fired == 2);
    CHECK(p.retry_waited + p.retry_too_early == 0);
  }

  TEST_CASE("faults: an HTTP-date Retry-After is not checked") {
    FaultEngine e;
    FaultRule r = status_rule(ScheduleKind::Next, 1, 503);
    r.action.retry_after = "Thu, 01 Jan 2026 00:07:00 GMT";
    r.check_retry_after = true;
    e.add(r);
    e.decide(set_presence_call(0s));
    e.decide(set_presence_call(1s));
    FaultRule after = e.get("f1").value();
    CHECK(after.retry_waited + after.retry_too_early == 0);
  }

  TEST_CASE(
      "faults: ids: generated f1, f2, ... skipping ids in use; get, "
      "remove, list in order; clear starts again at f1") {
    FaultEngine e;
    FaultRule named = status_rule(ScheduleKind::Next, 1);
    named.id = "f2";
    CHECK(e.add(status_rule(ScheduleKind::Next, 1)) == "f1");
    CHECK(e.add(named) == "f2");
    CHECK(e.add(status_rule(ScheduleKind::Next, 1)) == "f3");
    std::vector<std::string> ids;
    for (const auto& r : e.list()) ids.push_back(r.id);
    CHECK(ids == std::vector<std::string>{"f1", "f2", "f3"});
    CHECK(e.remove("f2"));
    CHECK_FALSE(e.remove("f2"));
    CHECK_FALSE(e.get("f2").has_value());
    CHECK(e.list().size() == 2);
    e.set_latency("", LatencySpec{10ms, 10ms, 0});
    e.clear();
    CHECK(e.list().empty());
    CHECK(e.latency().empty());
    CHECK(e.add(status_rule(ScheduleKind::Next, 1)) == "f1");
  }

  TEST_CASE("faults: add() starts a rule's counters afresh") {
    FaultEngine e;
    FaultRule r = status_rule(ScheduleKind::Next, 1);
    r.matched = 9;
    r.fired = 9;
    r.exhausted = true;
    e.add(r);
    CHECK(e.decide(set_presence_call()).action.has_value());
    CHECK(e.get("f1")->fired == 1);
  }

  TEST_CASE(
      "faults: latency: none is 0; fixed; a seeded range repeats and "
      "stays inside [min, max]; per operation wins over global") {
    FaultEngine e;
    CHECK(e.decide(set_presence_call()).latency == 0ms);
    e.set_latency("", LatencySpec{200ms, 200ms, 0});
    CHECK(e.decide(set_presence_call()).latency == 200ms);
    FaultEngine a, b, c;
    a.set_latency("", LatencySpec{100ms, 500ms, 7});
    b.set_latency("", LatencySpec{100ms, 500ms, 7});
    c.set_latency("", LatencySpec{100ms, 500ms, 8});
    std::vector<milliseconds> sa, sb, sc;
    for (int i = 0; i < 50; ++i) {
      sa.push_back(a.decide(set_presence_call()).latency);
      sb.push_back(b.decide(get_presence_call()).latency);
      sc.push_back(c.decide(set_presence_call()).latency);
    }
    CHECK(sa == sb);
    CHECK(sa != sc);
    for (auto d : sa) {
      CHECK(d >= 100ms);
      CHECK(d <= 500ms);
    }
    // Setting a spec again re-seeds it.
    a.set_latency("", LatencySpec{100ms, 500ms, 7});
    CHECK(a.decide(set_presence_call()).latency == sa[0]);

    e.set_latency("setPresence", LatencySpec{300ms, 300ms, 0});
    CHECK(e.decide(set_presence_call()).latency == 300ms);
    CHECK(e.decide(get_presence_call()).latency == 200ms);
    auto listed = e.latency();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].first == "");
    CHECK(listed[1].first == "setPresence");
    e.set_latency("SETPRESENCE", std::nullopt);
    CHECK(e.decide(set_presence_call()).latency == 200ms);
    e.set_latency("", std::nullopt);
    CHECK(e.latency().empty());
  }

  TEST_CASE("faults: latency comes with a fired action too") {
    FaultEngine e;
    e.add(status_rule(ScheduleKind::Next, 1));
    e.set_latency("", LatencySpec{50ms, 50ms, 0});
    auto d = e.decide(set_presence_call());
    CHECK(d.action.has_value());
    CHECK(d.latency == 50ms);
  }
}

TEST_SUITE("faults_json") {
  TEST_CASE(
      "faults: a full rule parses, and its report is the rule as "
      "given plus the counters") {
    const json given = json::parse(R"({
      "id": "throttle-me",
      "match": {"method": "POST", "operation": "setPresence",
                "path": "*/setPresence", "version": "v1.0",
                "user": "fa8bf3dc-eca7-46b7-bad1-db199b62afc3", "app": "a1"},
      "schedule": {"every": 3, "limit": 2},
      "action": {"status": 429, "code": "Slow", "message": "Slow down",
                 "retryAfter": 2.5},
      "checkRetryAfter": true})");
    FaultRule r = gpm::graph::parse_fault_rule(given, "body", "$");
    CHECK(r.id == "throttle-me");
    CHECK(r.match.method == "POST");
    CHECK(r.match.operation == "setPresence");
    CHECK(r.match.path == "*/setPresence");
    CHECK(r.match.app == "a1");
    CHECK(r.schedule.kind == ScheduleKind::EveryKth);
    CHECK(r.schedule.count == 3);
    CHECK(r.schedule.limit == 2u);
    CHECK(r.action.kind == FaultActionKind::Status);
    CHECK(r.action.status == 429);
    CHECK(r.action.code == "Slow");
    CHECK(r.action.message == "Slow down");
    CHECK(r.action.retry_after == "2.5");
    CHECK(r.check_retry_after);
    json report = plain(gpm::graph::fault_rule_json(r));
    json expected = given;
    expected["matched"] = 0;
    expected["fired"] = 0;
    expected["exhausted"] = false;
    expected["retryAfterCheck"] = {{"waited", 0}, {"tooEarly", 0}};
    CHECK(report == expected);
  }

  TEST_CASE(
      "faults: defaults: schedule next 1; code and message empty (the "
      "status's default); operation names in any case") {
    FaultRule r = rule_of(R"({"match":{"operation":"GETPRESENCE"},
                              "action":{"status":503}})");
    CHECK(r.schedule.kind == ScheduleKind::Next);
    CHECK(r.schedule.count == 1);
    CHECK(r.action.code.empty());
    CHECK(r.action.message.empty());
    CHECK_FALSE(r.action.retry_after.has_value());
    CHECK(r.match.operation == "getPresence");
    json report = plain(gpm::graph::fault_rule_json(r));
    CHECK(report == json::parse(R"({"id":"","match":{"operation":"getPresence"},
        "schedule":{"next":1},"action":{"status":503},"matched":0,"fired":0,
        "exhausted":false})"));
  }

  TEST_CASE("faults: every schedule and action form reads back as given") {
    const char* const forms[] = {
        R"({"schedule":{"next":2},"action":{"status":500}})",
        R"({"schedule":{"nth":4},"action":{"delay":"PT0.2S"}})",
        R"({"schedule":{"every":2},"action":{"connection":"close"}})",
        R"({"schedule":{"probability":0.25,"seed":7,"limit":3},
            "action":{"connection":"reset"}})",
        R"({"schedule":{"next":1},"action":{"connection":"truncate"}})",
        R"({"action":{"status":503,"retryAfter":7}})",
        R"({"action":{"status":503,"retryAfter":0.125}})",
        R"({"action":{"status":503,
                      "retryAfter":"Thu, 01 Jan 2026 00:07:00 GMT"}})",
        R"({"action":{"delay":"PT1M"}})",
    };
    for (const char* text : forms) {
      CAPTURE(text);
      json given = json::parse(text);
      json report = plain(gpm::graph::fault_rule_json(rule_of(text)));
      for (const char* key : {"schedule", "action"}) {
        if (given.contains(key)) CHECK(report[key] == given[key]);
      }
    }
    CHECK(rule_of(R"({"action":{"status":503,"retryAfter":7}})")
              .action.retry_after == "7");
    CHECK(rule_of(R"({"action":{"delay":"PT0.2S"}})").action.delay == 200ms);
    // A seed is optional (0).
    CHECK(rule_of(R"({"schedule":{"probability":1},"action":{"status":500}})")
              .schedule.seed == 0);
  }

  TEST_CASE(
      "faults: bad rules are refused with the JSON path of the first "
      "problem") {
    const std::pair<const char*, const char*> rows[] = {
        {R"([])", "body: $: must be an object"},
        {R"({})", "body: $.action: is required"},
        {R"({"action":{"status":503},"extra":1})",
         "body: $.extra: unknown key"},
        {R"({"id":"a b","action":{"status":503}})", "body: $.id: must be 1-64"},
        {R"({"id":"","action":{"status":503}})", "body: $.id: must be 1-64"},
        {R"({"match":[],"action":{"status":503}})",
         "body: $.match: must be an object"},
        {R"({"match":{"operation":"getPresences"},"action":{"status":503}})",
         "body: $.match.operation: must be one of getPresence,"},
        {R"({"match":{"version":"v2"},"action":{"status":503}})",
         "body: $.match.version: must be"},
        {R"({"match":{"method":"PO ST"},"action":{"status":503}})",
         "body: $.match.method: must be an HTTP method"},
        {R"({"match":{"user":""},"action":{"status":503}})",
         "body: $.match.user: must be a non-empty string"},
        {R"({"match":{"tenant":"x"},"action":{"status":503}})",
         "body: $.match.tenant: unknown key"},
        {R"({"schedule":{},"action":{"status":503}})",
         "body: $.schedule: needs one of next, nth, every, probability"},
        {R"({"schedule":{"next":1,"nth":2},"action":{"status":503}})",
         "body: $.schedule: give only one of"},
        {R"({"schedule":{"next":0},"action":{"status":503}})",
         "body: $.schedule.next: must be an integer from 1"},
        {R"({"schedule":{"nth":1.5},"action":{"status":503}})",
         "body: $.schedule.nth: must be an integer from 1"},
        {R"({"schedule":{"next":2,"limit":1},"action":{"status":503}})",
         "body: $.schedule.limit: only 'every' and 'probability'"},
        {R"({"schedule":{"every":2,"limit":0},"action":{"status":503}})",
         "body: $.schedule.limit: must be an integer from 1"},
        {R"({"schedule":{"every":2,"seed":1},"action":{"status":503}})",
         "body: $.schedule.seed: only 'probability'"},
        {R"({"schedule":{"probability":1.5},"action":{"status":503}})",
         "body: $.schedule.probability: must be a number from 0 to 1"},
        {R"({"schedule":{"probability":0.5,"seed":-1},"action":{"status":503}})",
         "body: $.schedule.seed: must be an integer from 0"},
        {R"({"action":{}})", "body: $.action: needs one of status, delay"},
        {R"({"action":{"status":503,"delay":"PT1S"}})",
         "body: $.action: give only one of"},
        {R"({"action":{"status":399}})",
         "body: $.action.status: must be an HTTP status from 400 to 599"},
        {R"({"action":{"status":"503"}})", "body: $.action.status: must be"},
        {R"({"action":{"status":503,"code":""}})",
         "body: $.action.code: must be a non-empty string"},
        {R"({"action":{"status":503,"message":5}})",
         "body: $.action.message: must be a non-empty string"},
        {R"({"action":{"status":503,"retryAfter":-1}})",
         "body: $.action.retryAfter: must be seconds from 0 to 86400"},
        {R"({"action":{"status":503,"retryAfter":86401}})",
         "body: $.action.retryAfter: must be seconds"},
        {R"({"action":{"status":503,"retryAfter":"7"}})",
         "body: $.action.retryAfter: must be seconds"},
        // 1 Jan 2026 is a Thursday.
        {R"({"action":{"status":503,"retryAfter":"Fri, 01 Jan 2026 00:07:00 GMT"}})",
         "body: $.action.retryAfter: must be seconds"},
        {R"({"action":{"status":503,"retryAfter":"Thu, 32 Jan 2026 00:07:00 GMT"}})",
         "body: $.action.retryAfter: must be seconds"},
        {R"({"action":{"status":503,"extra":1}})",
         "body: $.action.extra: unknown key"},
        {R"({"action":{"delay":"PT61S"}})",
         "body: $.action.delay: must be an ISO 8601 duration from PT0S to "
         "PT60S"},
        {R"({"action":{"delay":"1:00"}})", "body: $.action.delay: must be"},
        {R"({"action":{"delay":"PT1S","status":503}})",
         "body: $.action: give only one of"},
        {R"({"action":{"connection":"drop"}})",
         "body: $.action.connection: must be \"close\", \"reset\" or "
         "\"truncate\""},
        {R"({"action":{"connection":"close","code":"X"}})",
         "body: $.action.code: unknown key"},
        {R"({"action":{"status":503},"checkRetryAfter":"yes"})",
         "body: $.checkRetryAfter: must be a boolean"},
        {R"({"action":{"status":503},"checkRetryAfter":true})",
         "body: $.checkRetryAfter: needs a status action with retryAfter"},
        {R"({"rules":{}})", "body: $.rules: must be an array"},
        {R"({"rules":[],"x":1})", "body: $.x: unknown key"},
        {R"({"rules":[{"action":{"status":503}},{"action":{"status":1}}]})",
         "body: $.rules[1].action.status: must be"},
        {R"({"rules":[{"id":"a","action":{"status":503}},
                      {"id":"a","action":{"status":503}}]})",
         "body: $.rules[1].id: duplicate rule id"},
    };
    for (const auto& [text, expected] : rows) {
      CAPTURE(text);
      std::string got = rule_error(text);
      CAPTURE(got);
      CHECK(got.rfind(expected, 0) == 0);
    }
  }

  TEST_CASE("faults: POST bodies: one rule, or {\"rules\":[...]} in order") {
    auto one = gpm::graph::parse_fault_rules(
        json::parse(R"({"action":{"status":503}})"), "body");
    CHECK(one.size() == 1);
    auto many = gpm::graph::parse_fault_rules(
        json::parse(R"({"rules":[{"id":"b","action":{"status":500}},
                                 {"action":{"delay":"PT1S"}}]})"),
        "body");
    REQUIRE(many.size() == 2);
    CHECK(many[0].id == "b");
    CHECK(many[1].action.kind == FaultActionKind::Delay);
    CHECK(gpm::graph::parse_fault_rules(json::parse(R"({"rules":[]})"), "body")
              .empty());
  }

  TEST_CASE(
      "faults: latency documents: fixed, ranges, null clears, only the "
      "keys given; errors name the path") {
    auto u = gpm::graph::parse_latency_document(
        json::parse(R"({"global":{"fixed":"PT0.2S"},
                        "operations":{"setpresence":{"min":"PT0.1S",
                          "max":"PT0.5S","seed":7},"getPresence":null}})"),
        "body", "$");
    REQUIRE(u.size() == 3);
    CHECK(u[0].first == "");
    CHECK(u[0].second->min == 200ms);
    CHECK(u[0].second->max == 200ms);
    CHECK(u[1].first == "getPresence");
    CHECK_FALSE(u[1].second.has_value());
    CHECK(u[2].first == "setPresence");
    CHECK(u[2].second->min == 100ms);
    CHECK(u[2].second->max == 500ms);
    CHECK(u[2].second->seed == 7);
    CHECK(gpm::graph::parse_latency_document(json::object(), "body", "$")
              .empty());

    const std::pair<const char*, const char*> rows[] = {
        {R"({"local":null})", "body: $.local: unknown key"},
        {R"({"global":5})", "body: $.global: must be an object"},
        {R"({"global":{"fixed":"PT61S"}})", "body: $.global.fixed: must be"},
        {R"({"global":{"fixed":"PT1S","seed":1}})",
         "body: $.global.seed: unknown key"},
        {R"({"global":{"min":"PT1S"}})", "body: $.global: needs 'fixed'"},
        {R"({"global":{"min":"PT2S","max":"PT1S"}})",
         "body: $.global.max: must not be below 'min'"},
        {R"({"global":{"min":"PT1S","max":"PT2S","seed":"7"}})",
         "body: $.global.seed: must be an integer"},
        {R"({"operations":[]})", "body: $.operations: must be an object"},
        {R"({"operations":{"listPresence":null}})",
         "body: $.operations.listPresence: must be one of"},
        {R"({"operations":{"setPresence":null,"SETPRESENCE":null}})",
         "body: $.operations.setPresence: names setPresence twice"},
    };
    for (const auto& [text, expected] : rows) {
      CAPTURE(text);
      std::string got;
      try {
        gpm::graph::parse_latency_document(json::parse(text), "body", "$");
      } catch (const gpm::graph::FaultsError& e) {
        got = e.what();
      }
      CAPTURE(got);
      CHECK(got.rfind(expected, 0) == 0);
    }
  }

  TEST_CASE("faults: latency_json writes the engine's latency back") {
    FaultEngine e;
    CHECK(plain(gpm::graph::latency_json(e.latency())) ==
          json::parse(R"({"global":null,"operations":{}})"));
    e.set_latency("", LatencySpec{200ms, 200ms, 0});
    e.set_latency("setPresence", LatencySpec{100ms, 1500ms, 9});
    CHECK(plain(gpm::graph::latency_json(e.latency())) == json::parse(R"({
        "global":{"fixed":"PT0.2S"},
        "operations":{"setPresence":{"min":"PT0.1S","max":"PT1.5S","seed":9}}})"));
  }

  TEST_CASE(
      "faults: --faults files: rules and latency; errors name the file "
      "and the JSON path") {
    auto setup = gpm::graph::parse_faults_document(
        R"({"rules":[{"action":{"status":429}},{"id":"x","action":{"status":503}}],
            "latency":{"global":{"fixed":"PT0.1S"},"operations":{"setPresence":null}}})",
        "faults.json");
    CHECK(setup.rules.size() == 2);
    CHECK(setup.rules[1].id == "x");
    // A null spec in a file sets nothing.
    REQUIRE(setup.latency.size() == 1);
    CHECK(setup.latency[0].first == "");
    CHECK(setup.latency[0].second.min == 100ms);
    CHECK(gpm::graph::parse_faults_document("{}", "f").rules.empty());

    CHECK(file_error("{") == "faults.json: $: invalid JSON at byte 2");
    CHECK(file_error("[]") == "faults.json: $: must be an object");
    CHECK(file_error(R"({"rule":[]})") == "faults.json: $.rule: unknown key");
    CHECK(file_error(R"({"rules":[{"action":{"status":200}}]})")
              .rfind("faults.json: $.rules[0].action.status: must be", 0) == 0);
    CHECK(file_error(R"({"latency":{"global":{"fixed":"P1D"}}})")
              .rfind("faults.json: $.latency.global.fixed: must be", 0) == 0);
    std::string missing;
    try {
      gpm::graph::load_faults_file("/nonexistent/faults.json");
    } catch (const gpm::graph::FaultsError& e) {
      missing = e.what();
    }
    CHECK(missing == "/nonexistent/faults.json: cannot be read");
  }

  TEST_CASE(
      "faults: D24 a tenant starts with the --faults setup and a reset "
      "restores it with fresh counters and generators") {
    gpm::store::FaultSetup setup;
    setup.rules.push_back(probability_rule(0.5, 3));
    setup.latency.emplace_back("", LatencySpec{100ms, 900ms, 5});
    gpm::core::SystemClock clock;
    gpm::store::TenantRegistry registry(
        std::make_shared<const gpm::store::Base>(gpm::store::Snapshot{}), clock,
        std::nullopt, 10, 0, {}, setup);
    auto t = registry.find_or_create("t1");
    REQUIRE(t);
    std::string seq;
    std::vector<milliseconds> waits;
    for (int i = 0; i < 32; ++i) {
      auto d = t->faults.decide(set_presence_call());
      seq += d.action ? 'x' : '.';
      waits.push_back(d.latency);
    }
    t->faults.add(status_rule(ScheduleKind::Next, 1));
    t->faults.set_latency("", std::nullopt);
    t->reset();
    REQUIRE(t->faults.list().size() == 1);
    CHECK(t->faults.list()[0].matched == 0);
    std::string again;
    std::vector<milliseconds> waits_again;
    for (int i = 0; i < 32; ++i) {
      auto d = t->faults.decide(set_presence_call());
      again += d.action ? 'x' : '.';
      waits_again.push_back(d.latency);
    }
    CHECK(again == seq);
    CHECK(waits_again == waits);
    // Every tenant starts from the same setup.
    auto other = registry.find_or_create("t2");
    REQUIRE(other);
    CHECK(other->faults.list().size() == 1);
    CHECK(other->faults.latency().size() == 1);
  }
}

TEST_SUITE("faults: state file") {
  // --state-file: a rule saved part-way goes on where it left off.
  TEST_CASE(
      "A rule restored from faults_state_json keeps its counters, id "
      "counter and random sequence; latency goes on drawing") {
    FaultEngine original;
    FaultRule coin = probability_rule(0.5, 7);
    coin.match.operation = "setPresence";
    original.add(coin);
    FaultRule next2 = status_rule(ScheduleKind::Next, 2);
    next2.match.operation = "getPresence";
    original.add(next2);
    LatencySpec range;
    range.min = milliseconds(1);
    range.max = milliseconds(1000);
    range.seed = 9;
    original.set_latency("", range);
    // 10 calls to the probability rule, one to the next-2 rule.
    std::string head = outcomes(original, 10);
    CHECK(original.decide(get_presence_call()).action);
    nlohmann::ordered_json saved = gpm::graph::faults_state_json(original);

    FaultEngine restored;
    restored.add(
        status_rule(ScheduleKind::Next, 1));  // replaced by the restore
    gpm::graph::restore_faults_state(json::parse(saved.dump()), "state.json",
                                     "$.faults", restored);
    CHECK(plain(gpm::graph::faults_state_json(restored)) == plain(saved));
    CHECK(restored.next_id() == original.next_id());
    // Both engines now answer the same calls the same way.
    for (int i = 0; i < 32; ++i) {
      auto a = original.decide(set_presence_call());
      auto b = restored.decide(set_presence_call());
      CHECK(a.action.has_value() == b.action.has_value());
      CHECK(a.latency == b.latency);
    }
    // The next-2 rule fired once before the save: once more, then exhausted.
    CHECK(restored.decide(get_presence_call()).action);
    CHECK_FALSE(restored.decide(get_presence_call()).action);
    auto r = restored.get("f2");
    REQUIRE(r);
    CHECK(r->fired == 2);
    CHECK(r->exhausted);
    CHECK(head.size() == 10);
  }

  TEST_CASE("A saved faults document with a bad counter names its JSON path") {
    FaultEngine e;
    json doc = json::parse(
        R"({"rules":[{"id":"a","action":{"status":503},"fired":-1}]})");
    std::string what;
    try {
      gpm::graph::restore_faults_state(doc, "state.json", "$.faults", e);
    } catch (const gpm::graph::FaultsError& err) {
      what = err.what();
    }
    CHECK(what ==
          "state.json: $.faults.rules[0].fired: must be an integer from 0");
    CHECK(e.list().empty());
  }
}

TEST_SUITE("tenants") {
  TEST_CASE(
      "D24 find_or_fresh answers an unseen tenant as a fresh one, "
      "without keeping it or counting it against max_tenants") {
    gpm::store::FaultSetup setup;
    setup.rules.push_back(status_rule(ScheduleKind::Next, 1));
    gpm::core::SystemClock clock;
    gpm::store::TenantRegistry registry(
        std::make_shared<const gpm::store::Base>(gpm::store::Snapshot{}), clock,
        std::nullopt, 1, 0, {}, setup);
    auto fresh = registry.find_or_fresh("unseen");
    REQUIRE(fresh);
    CHECK(fresh->id == "unseen");
    CHECK(fresh->faults.list().size() == 1);
    CHECK(registry.size() == 1);
    CHECK(registry.all().size() == 1);
    // The limit (1: default only) still refuses creating it.
    CHECK_FALSE(registry.find_or_create("unseen"));
    // An existing tenant is itself, not a copy.
    CHECK(registry.find_or_fresh("default") ==
          registry.find_or_create("default"));
  }
}

TEST_SUITE("faults: fuzz regressions") {
  // The twin of the fixture loader's out_of_range crash (1e999 is
  // nlohmann's out_of_range, not a parse_error): --faults must exit 2.
  TEST_CASE(
      "faults: a number out of range (1e999) in a --faults file is a "
      "FaultsError naming the file") {
    CHECK(file_error(R"({"rules":[{"action":{"status":1e999}}]})") ==
          "faults.json: $: invalid JSON: a number is out of range");
  }
}
