// Connection handling: idle keep-alive connections must not hold
// up new clients, and stay usable while they wait. Mock-only: the figures
// are the mock's defaults (--threads 64, --keep-alive-timeout 5).
// Works over http:// and https:// base URLs (RawConnection speaks TLS).
#include <memory>
#include <vector>

#include "checks.h"

using namespace conformance;
using namespace std::chrono_literals;

namespace {

std::string health_request() {
  return "GET /_mock/health HTTP/1.1\r\n" + host_header() + "\r\n";
}

}  // namespace

TEST_SUITE("mock-only") {
  TEST_CASE(
      "120 idle keep-alive connections do not delay a new "
      "client, and each stays usable") {
    // More idle connections than the default 64 worker threads: a design
    // where each idle connection holds a worker would make the new client
    // wait for the keep-alive timeout (5 s).
    constexpr int kIdle = 120;
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < kIdle; ++i) {
      auto conn = std::make_unique<RawConnection>();
      REQUIRE_MESSAGE(conn->connected(), conn->error());
      REQUIRE(conn->send_all(health_request()));
      RawReply r = conn->read_reply(5000ms);
      INFO("idle connection " << i << ": " << r.describe());
      REQUIRE(r.status == 200);
      auto connection = r.headers.find("Connection");
      REQUIRE((connection == r.headers.end() ||
               lower(connection->second) != "close"));
      idle.push_back(std::move(conn));
    }

    // A new client: connect (and handshake over TLS), one GET presence,
    // the whole answer.
    const auto started = std::chrono::steady_clock::now();
    RawReply fresh = raw_exchange(
        "GET " + presence_path("v1.0", PathForm::Users, options().user) +
            " HTTP/1.1\r\n" + host_header() + "Authorization: Bearer " +
            options().token + "\r\nConnection: close\r\n\r\n",
        3000ms);
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - started)
                          .count();
    INFO(fresh.describe());
    MESSAGE("new client's GET with "
            << kIdle << " idle connections open: " << ms << " ms");
    CHECK(fresh.status == 200);
    // Generous for a shared, noisy machine; the failure this guards against
    // is a wait for idle connections to time out (5 s).
    CHECK(ms < 1000.0);

    // The idle connections were neither answered nor closed meanwhile:
    // they were still open and idle when the new client was served...
    int quiet = 0;
    for (auto& conn : idle) quiet += conn->readable(0ms) ? 0 : 1;
    CHECK(quiet == kIdle);
    // ...and each one still serves its next request.
    int served = 0;
    for (auto& conn : idle) {
      if (!conn->send_all(health_request())) continue;
      served += conn->read_reply(5000ms).status == 200 ? 1 : 0;
    }
    CHECK(served == kIdle);
  }
}
