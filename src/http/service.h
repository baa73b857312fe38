// The state one running mock shares across requests: configuration, clock,
// time zones and the store. Built once by main (or a test); handlers get it
// by reference. Thread-safe as its members are.
#pragma once

#include <memory>

#include "config.h"
#include "core/time.h"
#include "store/store.h"
#include "tz/time_zone.h"

namespace gpm::http {

struct Service {
  Config config;
  std::unique_ptr<core::Clock> clock;
  // The same object as `clock` in manual mode; null in system mode.
  core::ManualClock* manual_clock = nullptr;
  std::unique_ptr<tz::TimeZoneDb> zones;
  std::unique_ptr<store::Store> store;
};

}  // namespace gpm::http
