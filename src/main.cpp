// Composition root: options -> clock -> time zones -> fixtures -> store ->
// server. Exit codes: 0 after SIGINT/SIGTERM or --help; 2 for bad options,
// a bad fixture file, or a port that cannot be bound.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "config.h"
#include "graph/fixtures.h"
#include "http/server.h"

namespace {

int serve(gpm::Config config) {
  using namespace gpm;
  http::Service service;
  service.config = std::move(config);
  const Config& c = service.config;
  if (c.clock == ClockMode::Manual) {
    auto manual = std::make_unique<core::ManualClock>(
        c.clock_start.value_or(std::chrono::system_clock::now()));
    service.manual_clock = manual.get();
    service.clock = std::move(manual);
  } else {
    service.clock = std::make_unique<core::SystemClock>();
  }
  service.zones = std::make_unique<tz::TimeZoneDb>(c.zoneinfo_dir);
  store::Snapshot snapshot;
  if (!c.fixtures.empty()) {
    try {
      snapshot = graph::load_fixture_file(c.fixtures, service.clock->now(),
                                          *service.zones);
    } catch (const graph::FixtureError& e) {
      std::cerr << "graph-presence-mock: bad fixture file: " << e.what()
                << "\n";
      return 2;
    }
  }
  service.store = std::make_unique<store::Store>(std::move(snapshot));

  // SIGINT/SIGTERM are taken by one thread with sigwait, so no handler runs
  // inside a worker; blocked before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::Server server(service);
  std::string error;
  int port = server.bind(c.host, c.port, error);
  if (port < 0) {
    std::cerr << "graph-presence-mock: " << error << "\n";
    return 2;
  }
  std::string shown_host =
      c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  std::cout << "listening on http://" << shown_host << ":" << port
            << std::endl;

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  bool ok = server.run();
  // run() may end without a signal (a listen failure): wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = gpm::parse_args(args);
  if (auto* exit = std::get_if<gpm::ExitRequest>(&parsed)) {
    (exit->code == 0 ? std::cout : std::cerr) << exit->text;
    return exit->code;
  }
  return serve(std::get<gpm::Config>(std::move(parsed)));
}
