#include "app/service.h"

namespace gpm::http {

std::unique_ptr<Service> make_service(Config config, store::Snapshot fixtures,
                                      store::FaultSetup faults) {
  return make_service(std::move(config),
                      std::make_shared<const store::Base>(std::move(fixtures)),
                      std::move(faults));
}

std::unique_ptr<Service> make_service(Config config,
                                      std::shared_ptr<const store::Base> base,
                                      store::FaultSetup faults) {
  auto s = std::make_unique<Service>();
  s->config = std::move(config);
  const Config& c = s->config;
  s->zones = std::make_unique<tz::TimeZoneDb>(c.zoneinfo_dir);
  s->base = std::move(base);
  std::optional<core::TimePoint> manual_start;
  if (c.clock == ClockMode::Manual) {
    manual_start = c.clock_start.value_or(s->system_clock.now());
  }
  store::ThrottleSettings throttle{c.throttling == ThrottlingMode::Graph
                                       ? store::ThrottleMode::Graph
                                       : store::ThrottleMode::Off,
                                   c.throttle_limit, c.throttle_window};
  s->tenants = std::make_unique<store::TenantRegistry>(
      s->base, s->system_clock, manual_start, c.max_tenants, c.journal_size,
      throttle, std::move(faults));
  s->signing_key = c.signing_key.empty()
                       ? std::make_unique<auth::LazySigningKey>()
                       : std::make_unique<auth::LazySigningKey>(
                             auth::SigningKey::load_pem_file(c.signing_key));
  s->access_log =
      std::make_unique<AccessLog>(c.quiet ? LogFormat::Off : c.log_format);
  return s;
}

}  // namespace gpm::http
