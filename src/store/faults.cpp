#include "store/faults.h"

#include <algorithm>
#include <charconv>

#include "core/ascii.h"
#include "store/journal.h"

namespace gpm::store {
namespace {

using core::iequals;

bool field_matches(const std::optional<std::string>& want,
                   const std::string& have) {
  return !want || iequals(*want, have);
}

// "7" or "2.5": the seconds; an HTTP date (or anything else): nullopt.
std::optional<double> numeric_seconds(const std::string& v) {
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d,
                                   std::chars_format::fixed);
  if (ec != std::errc() || end != v.data() + v.size() || d < 0) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

std::string FaultEngine::add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  auto in_use = [&](const std::string& id) {
    return std::any_of(rules_.begin(), rules_.end(),
                       [&](const Slot& s) { return s.rule.id == id; });
  };
  if (rule.id.empty()) {
    do {
      rule.id = "f" + std::to_string(next_id_++);
    } while (in_use(rule.id));
  }
  rule.matched = 0;
  rule.fired = 0;
  rule.exhausted = false;
  rule.retry_waited = 0;
  rule.retry_too_early = 0;
  Slot slot{std::move(rule), std::mt19937_64(), std::nullopt, 0};
  slot.rng.seed(slot.rule.schedule.seed);
  rules_.push_back(std::move(slot));
  return rules_.back().rule.id;
}

void FaultEngine::restore(FaultRule rule) {
  std::lock_guard lock(mutex_);
  Slot slot{std::move(rule), std::mt19937_64(), std::nullopt, 0};
  slot.rng.seed(slot.rule.schedule.seed);
  // A Probability rule draws once per matching call while live, and each
  // such call counted as matched.
  if (slot.rule.schedule.kind == ScheduleKind::Probability) {
    slot.rng.discard(slot.rule.matched);
  }
  rules_.push_back(std::move(slot));
}

uint64_t FaultEngine::next_id() const {
  std::lock_guard lock(mutex_);
  return next_id_;
}

void FaultEngine::set_next_id(uint64_t n) {
  std::lock_guard lock(mutex_);
  next_id_ = n < 1 ? 1 : n;
}

bool FaultEngine::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(rules_.begin(), rules_.end(),
                         [&](const Slot& s) { return s.rule.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  return true;
}

void FaultEngine::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  next_id_ = 1;
  global_latency_.reset();
  op_latency_.clear();
}

std::vector<FaultRule> FaultEngine::list() const {
  std::lock_guard lock(mutex_);
  std::vector<FaultRule> out;
  out.reserve(rules_.size());
  for (const Slot& s : rules_) out.push_back(s.rule);
  return out;
}

std::optional<FaultRule> FaultEngine::get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const Slot& s : rules_) {
    if (s.rule.id == id) return s.rule;
  }
  return std::nullopt;
}

void FaultEngine::set_latency(const std::string& operation,
                              std::optional<LatencySpec> spec) {
  std::lock_guard lock(mutex_);
  std::optional<Latency> l;
  if (spec) l = Latency{*spec, std::mt19937_64(spec->seed)};
  if (operation.empty()) {
    global_latency_ = std::move(l);
    return;
  }
  auto it =
      std::find_if(op_latency_.begin(), op_latency_.end(),
                   [&](const auto& e) { return iequals(e.first, operation); });
  if (!l) {
    if (it != op_latency_.end()) op_latency_.erase(it);
  } else if (it != op_latency_.end()) {
    it->second = std::move(*l);
  } else {
    op_latency_.emplace_back(operation, std::move(*l));
    std::sort(op_latency_.begin(), op_latency_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
}

std::vector<std::pair<std::string, LatencySpec>> FaultEngine::latency() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, LatencySpec>> out;
  if (global_latency_) out.emplace_back("", global_latency_->spec);
  for (const auto& [op, l] : op_latency_) out.emplace_back(op, l.spec);
  return out;
}

std::vector<FaultEngine::LatencyState> FaultEngine::latency_state() const {
  std::lock_guard lock(mutex_);
  std::vector<LatencyState> out;
  if (global_latency_) {
    out.push_back({"", global_latency_->spec, global_latency_->draws});
  }
  for (const auto& [op, l] : op_latency_) out.push_back({op, l.spec, l.draws});
  return out;
}

void FaultEngine::restore_latency(const std::string& operation,
                                  LatencySpec spec, uint64_t draws) {
  set_latency(operation, spec);
  std::lock_guard lock(mutex_);
  Latency* l = nullptr;
  if (operation.empty()) {
    l = global_latency_ ? &*global_latency_ : nullptr;
  } else {
    for (auto& [op, v] : op_latency_) {
      if (iequals(op, operation)) l = &v;
    }
  }
  if (l) {
    l->rng.discard(draws);
    l->draws = draws;
  }
}

bool FaultEngine::matches(const FaultRule& rule, const FaultCall& call) {
  if (call.in_batch && rule.action.kind != FaultActionKind::Status) {
    return false;
  }
  const FaultMatch& m = rule.match;
  return field_matches(m.method, call.method) &&
         field_matches(m.operation, call.operation) &&
         field_matches(m.version, call.version) &&
         field_matches(m.user, call.user) && field_matches(m.app, call.app) &&
         (!m.path || glob_match(*m.path, call.path));
}

// Called once per matching call of a live rule, after `matched` counted it.
bool FaultEngine::fires(Slot& slot) {
  FaultRule& r = slot.rule;
  const FaultSchedule& s = r.schedule;
  bool fire = false;
  switch (s.kind) {
    case ScheduleKind::Next:
      fire = true;
      break;
    case ScheduleKind::Nth:
      fire = r.matched == s.count;
      break;
    case ScheduleKind::EveryKth:
      fire = s.count > 0 && r.matched % s.count == 0;
      break;
    case ScheduleKind::Probability: {
      // Every matching call draws once, fired or not, so the outcome of the
      // n-th matching call depends only on the seed and n. The top 53 bits
      // as a double in [0, 1): the same on every platform, unlike
      // std::uniform_real_distribution.
      double u = static_cast<double>(slot.rng() >> 11) * 0x1.0p-53;
      fire = u < s.probability;
      break;
    }
  }
  if (!fire) return false;
  ++r.fired;
  switch (s.kind) {
    case ScheduleKind::Next:
      r.exhausted = r.fired >= s.count;
      break;
    case ScheduleKind::Nth:
      r.exhausted = true;
      break;
    case ScheduleKind::EveryKth:
    case ScheduleKind::Probability:
      r.exhausted = s.limit && r.fired >= *s.limit;
      break;
  }
  return true;
}

std::chrono::milliseconds FaultEngine::draw(Latency& l) {
  const auto lo = l.spec.min.count();
  const auto hi = l.spec.max.count();
  if (hi <= lo) return l.spec.min;
  // Inclusive range; the modulo bias of a 64-bit draw over at most 60,001
  // values is far below anything a test could see.
  auto span = static_cast<uint64_t>(hi - lo) + 1;
  ++l.draws;
  return std::chrono::milliseconds(lo + static_cast<int64_t>(l.rng() % span));
}

bool FaultEngine::idle() const {
  std::lock_guard lock(mutex_);
  return rules_.empty() && !global_latency_ && op_latency_.empty();
}

FaultDecision FaultEngine::decide(const FaultCall& call) {
  std::lock_guard lock(mutex_);
  FaultDecision d;
  for (Slot& slot : rules_) {
    FaultRule& r = slot.rule;
    if (!matches(r, call)) continue;
    // An exhausted rule matches nothing, but its last firing's Retry-After
    // is still judged on the next call it would have matched: that retry
    // is the one a client most needs to time right.
    if (!r.exhausted) ++r.matched;
    if (slot.retry_since) {
      // D20: real elapsed time, whatever the tenant's clock says.
      std::chrono::duration<double> waited = call.real_now - *slot.retry_since;
      if (waited.count() >= slot.retry_seconds) {
        ++r.retry_waited;
      } else {
        ++r.retry_too_early;
      }
      slot.retry_since.reset();
    }
    if (r.exhausted || !fires(slot)) continue;
    if (r.check_retry_after && r.action.kind == FaultActionKind::Status &&
        r.action.retry_after) {
      // An HTTP-date Retry-After is not checked: the wait it asks for
      // depends on the client's clock, not on an interval we sent.
      if (auto secs = numeric_seconds(*r.action.retry_after)) {
        slot.retry_since = call.real_now;
        slot.retry_seconds = *secs;
      }
    }
    d.action = r.action;
    d.rule_id = r.id;
    break;
  }
  auto op = std::find_if(
      op_latency_.begin(), op_latency_.end(),
      [&](const auto& e) { return iequals(e.first, call.operation); });
  if (op != op_latency_.end()) {
    d.latency = draw(op->second);
  } else if (global_latency_) {
    d.latency = draw(*global_latency_);
  }
  return d;
}

}  // namespace gpm::store
