// The state one running mock shares across requests: configuration, the
// real clock, time zones, the tenants (each with its store, journal and
// manual clock) and the access log. Built once by make_service (main, tests);
// handlers get it by reference. Thread-safe as its members are.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "app/access_log.h"
#include "app/config.h"
#include "auth/applications.h"
#include "auth/signing_key.h"
#include "core/time.h"
#include "store/store.h"
#include "store/tenants.h"
#include "tz/time_zone.h"

namespace gpm::http {

struct Service {
  Config config;
  core::SystemClock system_clock;
  std::unique_ptr<tz::TimeZoneDb> zones;
  // The fixture state every tenant starts from.
  std::shared_ptr<const store::Base> base;
  std::unique_ptr<store::TenantRegistry> tenants;
  std::unique_ptr<AccessLog> access_log;
  // Signs and verifies tokens (strict auth, /_mock/token, OAuth); made on
  // first use unless --signing-key gave one. Never null.
  std::unique_ptr<auth::LazySigningKey> signing_key;
  // Client-credentials apps of the fixture document (OAuth endpoint).
  std::vector<auth::Application> applications;
  // The bound --https-port (-1: none), so that documents naming the mock's
  // own URLs (OpenID discovery) say https for requests that came through
  // it. Set once before the server runs.
  int https_port = -1;
  std::chrono::steady_clock::time_point started =
      std::chrono::steady_clock::now();
  // Counts presence writes as they take effect (under the store lock), so
  // the journal can say in which order concurrent writes happened.
  std::atomic<uint64_t> write_sequence{0};
};

// Builds a service over `fixtures` with the options of `config`; the manual
// clock starts at config.clock_start, else the real time now. Every tenant
// starts with (and resets to) `faults` (the --faults file). Loads
// config.signing_key when set (throws auth::SigningKeyError).
std::unique_ptr<Service> make_service(Config config, store::Snapshot fixtures,
                                      store::FaultSetup faults = {});
// The same over a fixture state already built (load_fixture_base).
std::unique_ptr<Service> make_service(Config config,
                                      std::shared_ptr<const store::Base> base,
                                      store::FaultSetup faults = {});

}  // namespace gpm::http
