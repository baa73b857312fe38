// presence-stress: the concurrency proof. Many client threads
// send random presence writes and reads over real HTTP (keep-alive
// httplib::Client, tcp_nodelay) against a few shared users of one fresh
// tenant; afterwards
//   - every answer was a valid Graph answer (200 with the right shape, or
//     the documented 404 NotFound of a clearPresence whose session is gone,
//     R3.4.3, D8), never a 5xx nor a transport failure;
//   - the journal holds every request exactly once, with the status the
//     client saw;
//   - replaying the journaled writes in the order they took effect
//     (writeSequence) through a model gives, for every user, exactly the
//     sessions, preferred presence and status message the mock holds, and
//     predicts every clearPresence's 200 or 404.
// The mock must run with --clock manual (nothing fades or expires while the
// test runs) and a --journal-size of at least --requests.
//
//   presence-stress --base-url URL [--requests N] [--threads T] [--seed S]
//       [doctest options]
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using nlohmann::json;

struct Options {
  std::string base_url;
  int requests = 20000;
  int threads = 16;
  unsigned seed = 7;
};
Options g_opts;

const std::vector<std::string> kUsers = {
    "57e55000-0000-4000-8000-000000000001",
    "57e55000-0000-4000-8000-000000000002",
    "57e55000-0000-4000-8000-000000000003"};
const std::vector<std::string> kSessions = {
    "5e55104a-0000-4000-8000-00000000000a",
    "5e55104a-0000-4000-8000-00000000000b",
    "5e55104a-0000-4000-8000-00000000000c",
    "5e55104a-0000-4000-8000-00000000000d"};
// R3.3.1 (setPresence) and R3.5.1 (setUserPreferredPresence).
const std::vector<std::pair<std::string, std::string>> kSessionPairs = {
    {"Available", "Available"},
    {"Busy", "InACall"},
    {"Busy", "InAConferenceCall"},
    {"Away", "Away"},
    {"DoNotDisturb", "Presenting"}};
const std::vector<std::pair<std::string, std::string>> kPreferredPairs = {
    {"Available", "Available"},
    {"Busy", "Busy"},
    {"DoNotDisturb", "DoNotDisturb"},
    {"BeRightBack", "BeRightBack"},
    {"Away", "Away"},
    {"Offline", "OffWork"}};
const std::set<std::string> kAvailabilities = {
    "Available", "AvailableIdle", "Away",    "BeRightBack",    "Busy",
    "BusyIdle",  "DoNotDisturb",  "Offline", "PresenceUnknown"};

enum class Op { Set, Clear, SetPreferred, ClearPreferred, SetStatus, Get };
const char* kActions[] = {"setPresence",
                          "clearPresence",
                          "setUserPreferredPresence",
                          "clearUserPreferredPresence",
                          "setStatusMessage",
                          ""};

// What one client saw of one request.
struct Sent {
  std::string client_request_id;
  Op op;
  std::string user;
  int status = 0;
  std::string problem;  // why the answer was not a valid Graph answer
};

std::string tenant_path(const std::string& tenant, const std::string& rest) {
  return "/tenants/" + tenant + rest;
}

std::unique_ptr<httplib::Client> client() {
  auto c = std::make_unique<httplib::Client>(g_opts.base_url);
  c->set_tcp_nodelay(true);
  c->set_keep_alive(true);
  c->set_connection_timeout(10, 0);
  c->set_read_timeout(30, 0);
  c->set_write_timeout(30, 0);
  return c;
}

// Checks one answer against what Graph answers for the operation.
std::string judge(Op op, const std::string& user, const httplib::Result& res) {
  if (!res) return "transport failure: " + httplib::to_string(res.error());
  const int s = res->status;
  if (s >= 500) return "5xx: " + std::to_string(s) + " " + res->body;
  if (op == Op::Get) {
    if (s != 200) return "GET presence answered " + std::to_string(s);
    auto j = json::parse(res->body, nullptr, false);
    if (!j.is_object() || j.value("id", "") != user ||
        !j["availability"].is_string() || !j["activity"].is_string() ||
        !kAvailabilities.count(j["availability"].get<std::string>()) ||
        !j.contains("@odata.context") || !j["sequenceNumber"].is_string()) {
      return "GET presence body is not a presence: " + res->body;
    }
    return "";
  }
  if (s == 200) {
    if (!res->body.empty()) return "an action answered 200 with a body";
    return "";
  }
  if (op == Op::Clear && s == 404) {
    auto j = json::parse(res->body, nullptr, false);
    if (!j.is_object() || !j["error"].is_object() ||
        j["error"].value("code", "") != "NotFound" ||
        !j["error"]["innerError"].is_object()) {
      return "clearPresence 404 is not Graph's NotFound: " + res->body;
    }
    return "";
  }
  return "unexpected status " + std::to_string(s) + ": " + res->body;
}

// One client thread: a fixed, seeded sequence of random operations.
void run_client(const std::string& tenant, int index, int count,
                std::vector<Sent>& out) {
  std::mt19937 rng(g_opts.seed * 1000 + static_cast<unsigned>(index));
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  auto c = client();
  const httplib::Headers auth = {{"Authorization", "Bearer stress"}};
  for (int i = 0; i < count; ++i) {
    Sent sent;
    sent.client_request_id =
        "stress-" + std::to_string(index) + "-" + std::to_string(i);
    sent.user = kUsers[pick(kUsers.size())];
    // Writes outnumber reads; clears are frequent so that 404s happen.
    static constexpr Op kMix[] = {Op::Set,
                                  Op::Set,
                                  Op::Set,
                                  Op::Clear,
                                  Op::Clear,
                                  Op::SetPreferred,
                                  Op::ClearPreferred,
                                  Op::SetStatus,
                                  Op::Get};
    sent.op = kMix[pick(std::size(kMix))];
    httplib::Headers h = auth;
    h.emplace("client-request-id", sent.client_request_id);
    const std::string base =
        tenant_path(tenant, "/v1.0/users/" + sent.user + "/presence");
    json body;
    switch (sent.op) {
      case Op::Set: {
        auto [a, b] = kSessionPairs[pick(kSessionPairs.size())];
        body = {{"sessionId", kSessions[pick(kSessions.size())]},
                {"availability", a},
                {"activity", b}};
        if (pick(2) == 0) body["expirationDuration"] = "PT1H";
        break;
      }
      case Op::Clear:
        body = {{"sessionId", kSessions[pick(kSessions.size())]}};
        break;
      case Op::SetPreferred: {
        auto [a, b] = kPreferredPairs[pick(kPreferredPairs.size())];
        body = {{"availability", a}, {"activity", b}};
        if (pick(2) == 0) body["expirationDuration"] = "PT8H";
        break;
      }
      case Op::ClearPreferred:
        body = json::object();
        break;
      case Op::SetStatus:
        // An empty content clears the message (README).
        body = {{"statusMessage",
                 {{"message",
                   {{"content",
                     pick(5) == 0 ? std::string() : sent.client_request_id},
                    {"contentType", "text"}}}}}};
        break;
      case Op::Get:
        break;
    }
    httplib::Result res =
        sent.op == Op::Get
            ? c->Get(base.c_str(), h)
            : c->Post(
                  (base + "/" + kActions[static_cast<int>(sent.op)]).c_str(), h,
                  body.dump(), "application/json");
    sent.status = res ? res->status : 0;
    sent.problem = judge(sent.op, sent.user, res);
    out.push_back(std::move(sent));
  }
}

// The model of one user: what the writes leave behind while time stands.
struct Model {
  std::map<std::string, std::pair<std::string, std::string>> sessions;
  std::optional<std::pair<std::string, std::string>> preferred;
  std::optional<std::string> status_message;
};

json model_json(const Model& m) {
  json sessions = json::object();
  for (const auto& [id, pair] : m.sessions) {
    sessions[id] = {pair.first, pair.second};
  }
  return {
      {"sessions", sessions},
      {"preferred", m.preferred ? json{m.preferred->first, m.preferred->second}
                                : json(nullptr)},
      {"statusMessage",
       m.status_message ? json(*m.status_message) : json(nullptr)}};
}

// The same fields of a state view of GET /_mock/state.
json state_json(const json& user) {
  Model m;
  for (const auto& s : user["sessions"]) {
    m.sessions[s["sessionId"]] = {s["availability"], s["activity"]};
  }
  if (user["preferredPresence"].is_object()) {
    m.preferred = std::make_pair(
        user["preferredPresence"]["availability"].get<std::string>(),
        user["preferredPresence"]["activity"].get<std::string>());
  }
  if (user["statusMessage"].is_object()) {
    m.status_message =
        user["statusMessage"]["message"]["content"].get<std::string>();
  }
  return model_json(m);
}

}  // namespace

TEST_CASE(
    "Concurrency: random writes from many threads end in the state the "
    "journal's write order implies, with no 5xx") {
  REQUIRE(!g_opts.base_url.empty());
  auto c = client();
  const std::string tenant =
      "stress-" + std::to_string(std::random_device{}() % 1000000000u);
  // A fresh tenant with three users and nothing else.
  json users = json::array();
  for (const auto& id : kUsers) {
    users.push_back({{"id", id}, {"displayName", "Stress " + id.substr(35)}});
  }
  auto created = c->Post(tenant_path(tenant, "/_mock/users").c_str(),
                         json{{"users", users}}.dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto health = c->Get(tenant_path(tenant, "/_mock/clock").c_str());
  REQUIRE(health);
  REQUIRE(json::parse(health->body)["mode"] == "manual");

  const int threads = g_opts.threads;
  std::vector<std::vector<Sent>> per_thread(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  const auto started = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    int count = g_opts.requests / threads + (t < g_opts.requests % threads);
    per_thread[static_cast<size_t>(t)].reserve(static_cast<size_t>(count));
    pool.emplace_back(run_client, tenant, t, count,
                      std::ref(per_thread[static_cast<size_t>(t)]));
  }
  for (auto& th : pool) th.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();

  std::map<std::string, const Sent*> by_id;
  std::map<int, int> statuses;
  int problems = 0;
  for (const auto& list : per_thread) {
    for (const Sent& s : list) {
      by_id[s.client_request_id] = &s;
      ++statuses[s.status];
      if (!s.problem.empty() && ++problems <= 10) {
        FAIL_CHECK(s.client_request_id << ": " << s.problem);
      }
    }
  }
  MESSAGE("stress: " << by_id.size() << " requests from " << threads
                     << " threads in " << seconds << " s ("
                     << static_cast<int>(by_id.size() / seconds) << " req/s)");
  for (const auto& [status, n] : statuses) {
    MESSAGE("  status " << status << ": " << n);
  }
  CHECK(problems == 0);
  CHECK(statuses.count(0) == 0);
  CHECK(by_id.size() == static_cast<size_t>(g_opts.requests));

  // The journal: every request once, with the status its client saw.
  auto journal =
      c->Get(tenant_path(tenant, "/_mock/journal?limit=10000000").c_str());
  REQUIRE(journal);
  REQUIRE(journal->status == 200);
  json entries = json::parse(journal->body)["entries"];
  INFO("raise the mock's --journal-size to at least --requests");
  REQUIRE(entries.size() == by_id.size());
  std::vector<json> writes;
  std::set<std::string> seen;
  int status_mismatch = 0;
  for (auto& e : entries) {
    std::string id = e["clientRequestId"];
    auto it = by_id.find(id);
    if (it == by_id.end() || !seen.insert(id).second) {
      FAIL_CHECK("journal entry not sent or repeated: " << id);
      continue;
    }
    if (e["status"] != it->second->status && ++status_mismatch <= 5) {
      FAIL_CHECK(id << ": journal status " << e["status"] << ", client saw "
                    << it->second->status);
    }
    if (e["method"] == "POST") {
      if (!e["writeSequence"].is_number_unsigned()) {
        FAIL_CHECK(id << ": a write without writeSequence");
        continue;
      }
      if (e["bodyTruncated"] != false) FAIL_CHECK(id << ": body truncated");
      writes.push_back(e);
    }
  }
  CHECK(status_mismatch == 0);
  // How often the finishing order differs from the order of effect (for
  // the report; the replay must not depend on it).
  int out_of_order = 0;
  for (size_t i = 1; i < writes.size(); ++i) {
    if (writes[i]["writeSequence"] < writes[i - 1]["writeSequence"]) {
      ++out_of_order;
    }
  }
  std::stable_sort(writes.begin(), writes.end(),
                   [](const json& a, const json& b) {
                     return a["writeSequence"] < b["writeSequence"];
                   });
  MESSAGE("  writes " << writes.size()
                      << ", journaled out of effect order: " << out_of_order);
  for (size_t i = 1; i < writes.size(); ++i) {
    if (writes[i]["writeSequence"] == writes[i - 1]["writeSequence"]) {
      FAIL_CHECK("two writes share writeSequence "
                 << writes[i]["writeSequence"]);
    }
  }

  // Replay.
  std::map<std::string, Model> model;
  int wrong_clear = 0;
  for (const json& e : writes) {
    const std::string path = e["path"];
    const std::string user = e["user"];
    const std::string action = path.substr(path.rfind('/') + 1);
    const int status = e["status"];
    json body = json::parse(e["body"].get<std::string>());
    Model& m = model[user];
    if (action == "clearPresence") {
      bool exists = m.sessions.erase(body["sessionId"]) > 0;
      if ((exists ? 200 : 404) != status && ++wrong_clear <= 5) {
        FAIL_CHECK(e["clientRequestId"] << ": clearPresence answered " << status
                                        << ", the replay says "
                                        << (exists ? 200 : 404));
      }
      continue;
    }
    if (status != 200) {
      FAIL_CHECK(e["clientRequestId"] << ": a write answered " << status);
      continue;
    }
    if (action == "setPresence") {
      m.sessions[body["sessionId"]] = {body["availability"], body["activity"]};
    } else if (action == "setUserPreferredPresence") {
      m.preferred = std::make_pair(body["availability"].get<std::string>(),
                                   body["activity"].get<std::string>());
    } else if (action == "clearUserPreferredPresence") {
      m.preferred.reset();
    } else if (action == "setStatusMessage") {
      std::string content = body["statusMessage"]["message"]["content"];
      if (content.empty()) {
        m.status_message.reset();
      } else {
        m.status_message = content;
      }
    } else {
      FAIL_CHECK("unexpected action " << action);
    }
  }
  CHECK(wrong_clear == 0);

  auto state = c->Get(tenant_path(tenant, "/_mock/state").c_str());
  REQUIRE(state);
  REQUIRE(state->status == 200);
  // The tenant also holds the start fixtures' users; only ours were
  // written.
  std::map<std::string, json> got;
  const json state_doc = json::parse(state->body);
  for (const json& u : state_doc["users"]) {
    got[u["id"].get<std::string>()] = u;
  }
  for (const std::string& id : kUsers) {
    INFO("user " << id);
    REQUIRE(got.count(id) == 1);
    CHECK(state_json(got[id]) == model_json(model[id]));
  }
  // The mock still serves, and the tenant goes away cleanly.
  auto reset = c->Post(tenant_path(tenant, "/_mock/reset").c_str(), "", "");
  REQUIRE(reset);
  CHECK(reset->status == 200);
}

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  doctest::Context ctx;
  std::vector<const char*> rest{argc > 0 ? argv[0] : "presence-stress"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "presence-stress: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--base-url") {
      g_opts.base_url = value();
    } else if (a == "--requests") {
      g_opts.requests = std::stoi(value());
    } else if (a == "--threads") {
      g_opts.threads = std::stoi(value());
    } else if (a == "--seed") {
      g_opts.seed = static_cast<unsigned>(std::stoul(value()));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (g_opts.requests < 1 || g_opts.threads < 1) {
    std::cerr << "presence-stress: --requests and --threads must be >= 1\n";
    return 2;
  }
  ctx.applyCommandLine(static_cast<int>(rest.size()), rest.data());
  return ctx.run();
}
