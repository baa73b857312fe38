// libFuzzer target: the router, the one entry point every request goes
// through (docs/architecture.md), fed a raw method, target, headers and body.
// Input: "METHOD\nTARGET\nName: value\n...\n\nBODY". A service with a manual
// clock and two users (as tests/unit/router_test.cpp builds one) is made
// once; every input ends with a reset so each run starts alike.
// Properties checked on every answer (a crash otherwise): never a 500 (a bad
// request is the client's fault, never the mock's), every error is the Graph
// envelope (R6.1), and no internal text reaches the wire.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "app/service.h"
#include "core/iso_time.h"
#include "http/router.h"
#include "store/store.h"

namespace {

using gpm::http::HttpRequest;
using gpm::http::HttpResponse;

gpm::store::Snapshot snapshot(gpm::core::TimePoint t0) {
  gpm::store::Snapshot s;
  gpm::store::User adele;
  adele.id = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
  adele.user_principal_name = "adele@contoso.example";
  s.users.push_back(std::move(adele));
  gpm::store::User alex;
  alex.id = "66825e03-7ef5-42da-9069-724602c31f6b";
  alex.user_principal_name = "alex@contoso.example";
  gpm::core::Session teams;
  teams.session_id = "teams-desktop";
  teams.state = {gpm::core::Availability::Away, gpm::core::Activity::Away};
  teams.set_at = t0;
  teams.is_client = true;
  alex.presence.put_session(teams, t0);
  s.users.push_back(std::move(alex));
  s.me = s.users[0].id;
  return s;
}

struct Mock {
  std::unique_ptr<gpm::http::Service> service;
  std::unique_ptr<gpm::http::Router> router;
  Mock() {
    gpm::Config c;
    c.clock = gpm::ClockMode::Manual;
    auto start = gpm::core::parse_iso_datetime("2026-01-01T00:00:00Z");
    c.clock_start = gpm::core::to_time_point_utc(*start);
    c.quiet = true;
    c.max_tenants = 8;  // bounded state across runs
    c.journal_size = 64;
    service = gpm::http::make_service(c, snapshot(*c.clock_start));
    router = std::make_unique<gpm::http::Router>(*service);
  }
};

std::string_view next_line(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return line;
}

[[noreturn]] void fail() { __builtin_trap(); }

void check_answer(const HttpRequest& req, const HttpResponse& res) {
  if (res.status == 500) fail();
  if (res.status < 100 || res.status > 599) fail();
  // Internal text; an error message may quote the client's own input (a
  // path segment, a parameter), so only text the request did not carry
  // counts.
  std::string sent = req.method + req.target + req.body;
  for (const auto& [k, v] : req.headers) sent += k + v;
  for (std::string_view leak :
       {"what()", "std::", "exception", ".cpp", "/usr/include", "nlohmann"}) {
    if (res.body.find(leak) != std::string::npos &&
        sent.find(leak) == std::string::npos) {
      fail();
    }
  }
  if (res.status < 400) return;
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) fail();
  const auto& e = j["error"];
  if (!e.contains("code") || !e["code"].is_string() ||
      e["code"].get<std::string>().empty() || !e.contains("message") ||
      !e["message"].is_string() || !e.contains("innerError")) {
    fail();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Mock mock;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  HttpRequest req;
  req.method = std::string(next_line(in));
  req.target = std::string(next_line(in));
  while (!in.empty()) {
    std::string_view line = next_line(in);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos
                                 ? std::string_view()
                                 : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.emplace(std::string(name), std::string(value));
  }
  req.body = std::string(in);
  check_answer(req, mock.router->handle(req));
  HttpRequest reset;
  reset.method = "POST";
  reset.target = "/_mock/reset";
  if (mock.router->handle(reset).status != 200) fail();
  return 0;
}
