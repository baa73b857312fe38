// Tenants (D24): each has its own store, journal, throttling windows
// (R6.6), fault rules and latency (docs/faults.md) and, in manual mode, its own
// frozen clock (D20), all starting from the same shared fixture state, start
// instant, throttling settings and --faults file.
// Depends on core and store. Thread-safe: the registry locks `mutex_`; a
// Tenant's members are thread-safe themselves.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/faults.h"
#include "store/journal.h"
#include "store/store.h"
#include "store/throttle.h"

namespace gpm::store {

// The fault rules and latency every tenant starts with and resets to (the
// --faults file).
struct FaultSetup {
  std::vector<FaultRule> rules;
  // {operation ("" = global), spec}, as FaultEngine::latency() lists them.
  std::vector<std::pair<std::string, LatencySpec>> latency;
};

struct Tenant {
  // `fault_setup`: null for none.
  Tenant(std::string tenant_id, std::shared_ptr<const Base> base,
         core::Clock& system_clock, std::optional<core::TimePoint> manual_start,
         size_t journal_size, ThrottleSettings throttle_settings = {},
         std::shared_ptr<const FaultSetup> fault_setup = nullptr);

  // Back to the fixture state: store, journal, manual clock (D24), the
  // command line's throttling settings with no open window, and the
  // --faults file's rules and latency with fresh counters and generators.
  void reset();
  core::Clock& clock() { return manual_clock ? *manual_clock : system_clock; }

  const std::string id;
  Store store;
  Journal journal;
  // R6.6-R6.8; Off unless --throttling or /_mock/throttling turned it on.
  Throttle throttle;
  // Fault injection; empty unless --faults or /_mock/faults added rules.
  FaultEngine faults;
  core::Clock& system_clock;
  // Set in manual mode (D20); null with the system clock.
  std::unique_ptr<core::ManualClock> manual_clock;
  const std::optional<core::TimePoint> manual_start;

 private:
  void load_faults();

  const std::shared_ptr<const FaultSetup> fault_setup_;
};

class TenantRegistry {
 public:
  static constexpr const char* kDefault = "default";

  // `manual_start`: set for --clock manual, the instant every tenant's clock
  // starts at. `max_tenants` counts the default tenant too. Every tenant
  // starts with (and resets to) `throttle_settings` and `fault_setup`.
  TenantRegistry(std::shared_ptr<const Base> base, core::Clock& system_clock,
                 std::optional<core::TimePoint> manual_start,
                 size_t max_tenants, size_t journal_size,
                 ThrottleSettings throttle_settings = {},
                 FaultSetup fault_setup = {});

  // The tenant `id` (lower case), created from the fixtures when first seen;
  // null when creating it would pass max_tenants.
  std::shared_ptr<Tenant> find_or_create(const std::string& id);
  // The tenant `id` if it exists, else a fresh one made as find_or_create
  // would make it but not kept (not counted against max_tenants, not listed
  // by all()): what a read-only request answers from without creating it.
  std::shared_ptr<Tenant> find_or_fresh(const std::string& id) const;
  // Every tenant, by id.
  std::vector<std::shared_ptr<Tenant>> all() const;
  // D24: every tenant back to the fixtures; all but the default one dropped.
  void reset_all();

  size_t size() const;
  size_t max_tenants() const { return max_tenants_; }
  bool manual() const { return manual_start_.has_value(); }

 private:
  const std::shared_ptr<const Base> base_;
  core::Clock& system_clock_;
  const std::optional<core::TimePoint> manual_start_;
  const size_t max_tenants_;
  const size_t journal_size_;
  const ThrottleSettings throttle_settings_;
  const std::shared_ptr<const FaultSetup> fault_setup_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Tenant>> tenants_;  // Guarded by mutex_
};

// Tenant ids: 1-64 characters of [A-Za-z0-9._-].
bool is_valid_tenant_id(std::string_view id);

}  // namespace gpm::store
