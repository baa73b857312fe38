// The state one running mock shares across requests: configuration, the
// real clock, time zones, the tenants (each with its store, journal and
// manual clock) and the access log. Built once by make_service (main, tests);
// handlers get it by reference. Thread-safe as its members are.
#pragma once

#include <chrono>
#include <memory>

#include "config.h"
#include "core/time.h"
#include "http/access_log.h"
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
  std::chrono::steady_clock::time_point started =
      std::chrono::steady_clock::now();
};

// Builds a service over `fixtures` with the options of `config`; the manual
// clock starts at config.clock_start, else the real time now. Every tenant
// starts with (and resets to) `faults` (the --faults file).
std::unique_ptr<Service> make_service(Config config, store::Snapshot fixtures,
                                      store::FaultSetup faults = {});
// The same over a fixture state already built (load_fixture_base).
std::unique_ptr<Service> make_service(Config config,
                                      std::shared_ptr<const store::Base> base,
                                      store::FaultSetup faults = {});

}  // namespace gpm::http
