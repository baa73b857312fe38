// The fault rules, their reports and the latency document written back as
// JSON (GET /_mock/faults, /_mock/latency, the state file); the reading
// side is faults_json.cpp.
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/iso_time.h"
#include "formats/faults_json.h"

namespace gpm::graph {
namespace {

using nlohmann::ordered_json;

ordered_json spec_json(const store::LatencySpec& s) {
  ordered_json j;
  if (s.min == s.max) {
    j["fixed"] = core::format_iso_duration(s.min);
  } else {
    j["min"] = core::format_iso_duration(s.min);
    j["max"] = core::format_iso_duration(s.max);
    j["seed"] = s.seed;
  }
  return j;
}

}  // namespace

ordered_json fault_rule_json(const store::FaultRule& r) {
  using store::FaultActionKind;
  using store::ScheduleKind;
  ordered_json j;
  j["id"] = r.id;
  ordered_json m = ordered_json::object();
  const store::FaultMatch& fm = r.match;
  if (fm.method) m["method"] = *fm.method;
  if (fm.operation) m["operation"] = *fm.operation;
  if (fm.path) m["path"] = *fm.path;
  if (fm.version) m["version"] = *fm.version;
  if (fm.user) m["user"] = *fm.user;
  if (fm.app) m["app"] = *fm.app;
  j["match"] = std::move(m);
  ordered_json s;
  const store::FaultSchedule& fs = r.schedule;
  switch (fs.kind) {
    case ScheduleKind::Next:
      s["next"] = fs.count;
      break;
    case ScheduleKind::Nth:
      s["nth"] = fs.count;
      break;
    case ScheduleKind::EveryKth:
      s["every"] = fs.count;
      break;
    case ScheduleKind::Probability:
      s["probability"] = fs.probability;
      s["seed"] = fs.seed;
      break;
  }
  if (fs.limit) s["limit"] = *fs.limit;
  j["schedule"] = std::move(s);
  ordered_json a;
  const store::FaultAction& fa = r.action;
  switch (fa.kind) {
    case FaultActionKind::Status:
      a["status"] = fa.status;
      if (!fa.code.empty()) a["code"] = fa.code;
      if (!fa.message.empty()) a["message"] = fa.message;
      if (fa.retry_after) {
        const std::string& v = *fa.retry_after;
        double d = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d,
                                         std::chars_format::fixed);
        if (ec != std::errc() || end != v.data() + v.size()) {
          a["retryAfter"] = v;  // an HTTP date
        } else if (v.find('.') == std::string::npos) {
          a["retryAfter"] = static_cast<uint64_t>(d);
        } else {
          a["retryAfter"] = d;
        }
      }
      break;
    case FaultActionKind::Delay:
      a["delay"] = core::format_iso_duration(fa.delay);
      break;
    case FaultActionKind::Close:
      a["connection"] = "close";
      break;
    case FaultActionKind::Reset:
      a["connection"] = "reset";
      break;
    case FaultActionKind::Truncate:
      a["connection"] = "truncate";
      break;
  }
  j["action"] = std::move(a);
  if (r.check_retry_after) j["checkRetryAfter"] = true;
  j["matched"] = r.matched;
  j["fired"] = r.fired;
  j["exhausted"] = r.exhausted;
  if (r.check_retry_after) {
    j["retryAfterCheck"] = {{"waited", r.retry_waited},
                            {"tooEarly", r.retry_too_early}};
  }
  return j;
}

ordered_json latency_json(
    const std::vector<std::pair<std::string, store::LatencySpec>>& latency) {
  ordered_json j;
  j["global"] = nullptr;
  ordered_json ops = ordered_json::object();
  for (const auto& [op, spec] : latency) {
    if (op.empty()) {
      j["global"] = spec_json(spec);
    } else {
      ops[op] = spec_json(spec);
    }
  }
  j["operations"] = std::move(ops);
  return j;
}

ordered_json faults_state_json(const store::FaultEngine& f) {
  ordered_json j;
  j["nextId"] = f.next_id();
  ordered_json rules = ordered_json::array();
  for (const store::FaultRule& r : f.list())
    rules.push_back(fault_rule_json(r));
  j["rules"] = std::move(rules);
  auto state = f.latency_state();
  std::vector<std::pair<std::string, store::LatencySpec>> specs;
  ordered_json draws = ordered_json::object();
  for (const auto& l : state) {
    specs.emplace_back(l.operation, l.spec);
    if (l.draws) draws[l.operation] = l.draws;
  }
  ordered_json latency = latency_json(specs);
  latency["draws"] = std::move(draws);
  j["latency"] = std::move(latency);
  return j;
}

}  // namespace gpm::graph
