#include "store/tenants.h"

namespace gpm::store {

Tenant::Tenant(std::string tenant_id, std::shared_ptr<const Base> base,
               core::Clock& system, std::optional<core::TimePoint> start,
               size_t journal_size, ThrottleSettings throttle_settings,
               std::shared_ptr<const FaultSetup> fault_setup)
    : id(std::move(tenant_id)),
      store(std::move(base)),
      journal(journal_size),
      throttle(throttle_settings),
      system_clock(system),
      manual_start(start),
      fault_setup_(std::move(fault_setup)) {
  if (start) manual_clock = std::make_unique<core::ManualClock>(*start);
  load_faults();
}

void Tenant::reset() {
  store.reset();
  journal.clear();
  throttle.reset();
  faults.clear();
  load_faults();
  if (manual_clock) manual_clock->reset_to(*manual_start);
}

// Re-adding the rules re-seeds their generators, so a reset tenant replays
// the same fault sequence.
void Tenant::load_faults() {
  if (!fault_setup_) return;
  for (const FaultRule& r : fault_setup_->rules) faults.add(r);
  for (const auto& [op, spec] : fault_setup_->latency) {
    faults.set_latency(op, spec);
  }
}

TenantRegistry::TenantRegistry(std::shared_ptr<const Base> base,
                               core::Clock& system_clock,
                               std::optional<core::TimePoint> manual_start,
                               size_t max_tenants, size_t journal_size,
                               ThrottleSettings throttle_settings,
                               FaultSetup fault_setup)
    : base_(std::move(base)),
      system_clock_(system_clock),
      manual_start_(manual_start),
      max_tenants_(max_tenants),
      journal_size_(journal_size),
      throttle_settings_(throttle_settings),
      fault_setup_(std::make_shared<const FaultSetup>(std::move(fault_setup))) {
  tenants_.emplace(kDefault,
                   std::make_shared<Tenant>(kDefault, base_, system_clock_,
                                            manual_start_, journal_size_,
                                            throttle_settings_, fault_setup_));
}

std::shared_ptr<Tenant> TenantRegistry::find_or_create(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (auto it = tenants_.find(id); it != tenants_.end()) return it->second;
  if (tenants_.size() >= max_tenants_) return nullptr;
  auto t =
      std::make_shared<Tenant>(id, base_, system_clock_, manual_start_,
                               journal_size_, throttle_settings_, fault_setup_);
  tenants_.emplace(id, t);
  return t;
}

std::shared_ptr<Tenant> TenantRegistry::find_or_fresh(
    const std::string& id) const {
  {
    std::lock_guard lock(mutex_);
    if (auto it = tenants_.find(id); it != tenants_.end()) return it->second;
  }
  return std::make_shared<Tenant>(id, base_, system_clock_, manual_start_,
                                  journal_size_, throttle_settings_,
                                  fault_setup_);
}

std::vector<std::shared_ptr<Tenant>> TenantRegistry::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Tenant>> out;
  out.reserve(tenants_.size());
  for (const auto& [id, t] : tenants_) out.push_back(t);
  return out;
}

void TenantRegistry::reset_all() {
  std::lock_guard lock(mutex_);
  auto def = tenants_.at(kDefault);
  tenants_.clear();
  def->reset();
  tenants_.emplace(kDefault, std::move(def));
}

size_t TenantRegistry::size() const {
  std::lock_guard lock(mutex_);
  return tenants_.size();
}

bool is_valid_tenant_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace gpm::store
