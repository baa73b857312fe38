// Composition root: options -> time zones -> fixtures and faults -> service
// (tenants, clocks, journal, log) -> server. Exit codes: 0 after
// SIGINT/SIGTERM or --help, or for a healthy --check URL (1: unhealthy); 2
// for bad options, a bad fixture, faults or state file, or a port that
// cannot be bound.
#include <httplib.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "app/config.h"
#include "app/state_file.h"
#include "core/ascii.h"
#include "formats/applications_json.h"
#include "formats/faults_json.h"
#include "formats/fixtures.h"
#include "http/server.h"
#include "net/tls_context.h"

namespace {

int serve(gpm::Config config) {
  using namespace gpm;
  // The instant fixture sessions without `setAt` were set at: the start of
  // the manual clock, else now.
  core::TimePoint load_at =
      config.clock == ClockMode::Manual && config.clock_start
          ? *config.clock_start
          : std::chrono::system_clock::now();
  if (config.clock == ClockMode::Manual) config.clock_start = load_at;
  std::shared_ptr<store::Base> fixtures =
      std::make_shared<store::Base>(load_at);
  if (auto problem = zoneinfo_dir_problem(config.zoneinfo_dir)) {
    std::cerr << "graph-presence-mock: " << *problem << "\n";
    return 2;
  }
  tz::TimeZoneDb zones(config.zoneinfo_dir);
  graph::FixtureExtras extras;
  if (!config.fixtures.empty()) {
    try {
      fixtures =
          graph::load_fixture_base(config.fixtures, load_at, zones, &extras);
    } catch (const graph::FixtureError& e) {
      std::cerr << "graph-presence-mock: bad fixture file: " << e.what()
                << "\n";
      return 2;
    }
  }
  // --me names a user of the fixtures, as a fixture file's own "me" must;
  // with --auto-create-users a GUID is enough (its first /me creates it).
  if (!config.me.empty()) {
    const std::string me = core::to_lower_ascii(config.me);
    const bool creatable = config.auto_create_users && store::is_guid(me);
    if (fixtures->find(me) == store::Base::npos && !creatable) {
      std::cerr << "graph-presence-mock: --me " << config.me
                << " names no user of the fixtures"
                << (config.fixtures.empty() ? " (no --fixtures given)" : "")
                << "; give the id of a fixture user, or add "
                   "--auto-create-users with a GUID\n";
      return 2;
    }
  }
  store::FaultSetup faults;
  if (!config.faults.empty()) {
    try {
      faults = graph::load_faults_file(config.faults);
    } catch (const graph::FaultsError& e) {
      std::cerr << "graph-presence-mock: bad faults file: " << e.what() << "\n";
      return 2;
    }
  }
  std::vector<auth::Application> applications;
  if (!config.fixtures.empty()) {
    try {
      // The streamed read kept the applications' JSON; a file read as one
      // document is parsed again here (it is not of the large, common shape).
      if (extras.applications) {
        applications = formats::parse_applications_text(*extras.applications,
                                                        config.fixtures);
      } else if (extras.whole_document) {
        applications = formats::load_applications_file(config.fixtures);
      }
    } catch (const graph::FixtureError& e) {
      std::cerr << "graph-presence-mock: bad fixture file: " << e.what()
                << "\n";
      return 2;
    }
  }
  std::unique_ptr<http::Service> service;
  try {
    service = http::make_service(std::move(config), std::move(fixtures),
                                 std::move(faults));
  } catch (const auth::SigningKeyError& e) {
    std::cerr << "graph-presence-mock: bad --signing-key: " << e.what() << "\n";
    return 2;
  }
  service->applications = std::move(applications);
  const Config& c = service->config;
  if (!c.state_file.empty()) {
    try {
      http::restore_state_file(*service, c.state_file);
    } catch (const graph::FixtureError& e) {
      std::cerr << "graph-presence-mock: bad state file: " << e.what() << "\n";
      return 2;
    }
  }

  // SIGINT/SIGTERM are taken by one thread with sigwait, so no handler runs
  // inside a worker; blocked before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // TLS material only when HTTPS is asked for: a plain start-up loads and
  // generates nothing.
  std::unique_ptr<net::TlsContext> tls;
  std::string error;
  if (c.tls || c.https_port) {
    tls = c.tls_cert.empty()
              ? net::TlsContext::generated(error)
              : net::TlsContext::from_files(c.tls_cert, c.tls_key, error);
    if (!tls) {
      std::cerr << "graph-presence-mock: " << error << "\n";
      return 2;
    }
  }

  http::Server server(*service);
  int port = server.bind(c.host, c.port, error, c.tls ? tls.get() : nullptr);
  int https_port = -1;
  if (port >= 0 && c.https_port) {
    https_port = server.bind(c.host, *c.https_port, error, tls.get());
  }
  if (port < 0 || (c.https_port && https_port < 0)) {
    std::cerr << "graph-presence-mock: " << error << "\n";
    return 2;
  }
  service->https_port = https_port;
  std::string shown_host =
      c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  std::string url = (c.tls ? "https://" : "http://") + shown_host + ":" +
                    std::to_string(port);
  // The certificate and the ready file first, so that whoever reads the
  // line finds them.
  if (!c.tls_cert_out.empty() &&
      !net::write_certificate_file(c.tls_cert_out, tls->certificate_pem(),
                                   error)) {
    std::cerr << "graph-presence-mock: cannot write --tls-cert-out: " << error
              << "\n";
    return 2;
  }
  if (!c.ready_file.empty() &&
      !http::write_file_atomically(c.ready_file, url + "\n", error)) {
    std::cerr << "graph-presence-mock: cannot write --ready-file: " << error
              << "\n";
    return 2;
  }
  if (!is_loopback_host(c.host)) {
    std::cerr << "graph-presence-mock: warning: " << c.host
              << " is not a loopback address: anyone who can reach this "
                 "port can read and change the mock's state"
              << (c.control_token.empty()
                      ? "; consider --control-token for /_mock/"
                      : "")
              << "\n";
  }
  std::cout << "listening on " << url << std::endl;
  if (https_port >= 0) {
    std::cout << "listening on https://" << shown_host << ":" << https_port
              << std::endl;
  }

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  bool ok = server.run();
  // run() may end without a signal (a listen failure): wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!c.state_file.empty() &&
      !http::save_state_file(*service, c.state_file, error)) {
    std::cerr << "graph-presence-mock: cannot save --state-file: " << error
              << "\n";
    return 1;
  }
  if (server.left_requests_running()) {
    // A request outlived the drain bound (a long injected delay): its thread
    // still uses the service, so end here without destroying anything.
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(ok ? 0 : 1);
  }
  return ok ? 0 : 1;
}

// --check URL: GET URL/_mock/health (URL may carry a path prefix); 0 on a
// 200 within the timeouts, else 1 with one line on stderr. HTTPS is not
// verified: the question is whether the mock answers, not who it is.
int check_health(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  const auto scheme_end = url.find("://");
  const auto path_start =
      url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  const std::string prefix =
      path_start == std::string::npos ? "" : url.substr(path_start);
  httplib::Client client(origin);
  if (!client.is_valid()) {
    std::cerr << "graph-presence-mock: --check " << url
              << ": not an http:// or https:// URL\n";
    return 1;
  }
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(2));
  client.set_write_timeout(std::chrono::seconds(2));
  client.enable_server_certificate_verification(false);
  auto res = client.Get(prefix + "/_mock/health");
  if (!res) {
    std::cerr << "graph-presence-mock: --check " << url << ": "
              << httplib::to_string(res.error()) << "\n";
    return 1;
  }
  if (res->status != 200) {
    std::cerr << "graph-presence-mock: --check " << url << ": HTTP "
              << res->status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A client that hangs up mid-answer must not end the server.
  signal(SIGPIPE, SIG_IGN);
  // glibc gives each worker thread an arena of its own (up to 8 per core);
  // memory freed by another worker then fragments them and the resident
  // size creeps up under long load (scripts/soak: +5 MB in 10 min with
  // two arenas, flat with one). MALLOC_ARENA_MAX in the environment wins.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 1);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (auto url = gpm::check_url(args)) return check_health(*url);
  auto parsed = gpm::parse_args(args);
  if (auto* exit = std::get_if<gpm::ExitRequest>(&parsed)) {
    (exit->code == 0 ? std::cout : std::cerr) << exit->text;
    return exit->code;
  }
  return serve(std::get<gpm::Config>(std::move(parsed)));
}
