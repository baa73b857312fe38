// Deterministic fault injection for one tenant: rules that match
// Graph calls and, on their schedule, answer with an error status, delay the
// real handler, or break the connection; and an optional latency added to
// every call. Every decision is reproducible: counting schedules are
// deterministic, and probability schedules draw from a per-rule generator
// seeded by the rule, so the same seed and the same request sequence give
// the same failures.
// Depends on core and std only. Thread-safe: every member locks `mutex_`
// (never held while a caller sleeps).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"

namespace gpm::store {

// What a rule matches; every present field must match (strings ignoring
// ASCII case; `path` is a glob as in the journal, see glob_match).
struct FaultMatch {
  std::optional<std::string> method;     // "POST"
  std::optional<std::string> operation;  // "setPresence", "getPresence", ...
  std::optional<std::string> path;       // "*/clearPresence"
  std::optional<std::string> version;    // "v1.0" | "beta"
  std::optional<std::string> user;       // user id as the path names it
  std::optional<std::string> app;        // body sessionId, else token appid
};

enum class ScheduleKind {
  Next,         // the next `count` matching calls
  Nth,          // only the `count`-th matching call
  EveryKth,     // every `count`-th matching call (k, 2k, ...), `limit` times
  Probability,  // each matching call with `probability`, `limit` times
};

struct FaultSchedule {
  ScheduleKind kind = ScheduleKind::Next;
  uint64_t count = 1;  // N for Next and Nth, K for EveryKth
  // For EveryKth and Probability: how many times the rule may fire at
  // most; nullopt = unlimited.
  std::optional<uint64_t> limit;
  double probability = 0;  // Probability only, in [0, 1]
  uint64_t seed = 0;       // Probability only
};

enum class FaultActionKind {
  Status,    // answer `status` with a Graph error body instead of the handler
  Delay,     // wait `delay`, then run the real handler
  Close,     // close the connection without answering (handler not run)
  Reset,     // reset the connection (TCP RST) without answering
  Truncate,  // run the handler, send only part of its body, then close
};

struct FaultAction {
  FaultActionKind kind = FaultActionKind::Status;
  int status = 503;     // Status only: 400..599
  std::string code;     // Status only; empty: the default for `status`
  std::string message;  // Status only; empty: the default for `status`
  // Status only: the Retry-After header value as it is sent ("7", "2.5",
  // or an HTTP date); nullopt: none.
  std::optional<std::string> retry_after;
  std::chrono::milliseconds delay{0};  // Delay only
};

struct FaultRule {
  std::string id;  // assigned by add() when empty
  FaultMatch match;
  FaultSchedule schedule;
  FaultAction action;
  // Record whether the client waited at least Retry-After (real elapsed
  // time, D20) before its next matching call after each firing (the call
  // after the last firing is judged too, though the rule is exhausted by
  // then). Numeric Retry-After only: an HTTP date is not checked.
  bool check_retry_after = false;

  // Reported state (ignored by add()).
  uint64_t matched = 0;          // matching calls seen
  uint64_t fired = 0;            // times the action ran
  bool exhausted = false;        // fired its count: matches nothing any more
  uint64_t retry_waited = 0;     // next call came after >= Retry-After
  uint64_t retry_too_early = 0;  // next call came sooner
};

// The facts of one call that rules match on.
struct FaultCall {
  std::string method, operation, path, version, user, app;
  bool in_batch = false;  // $batch items take Status rules only
  // Real (monotonic) time of the call, for the Retry-After check.
  std::chrono::steady_clock::time_point real_now;
};

// What to do with one call: at most one rule fires (the first one added
// whose schedule fires), plus the latency.
struct FaultDecision {
  std::optional<FaultAction> action;
  std::string rule_id;                   // of the firing rule, if any
  std::chrono::milliseconds latency{0};  // to add before the handler
};

// Latency added to calls: a fixed delay or a uniform range drawn from a
// seeded generator, globally or per operation (per operation wins).
struct LatencySpec {
  std::chrono::milliseconds min{0};
  std::chrono::milliseconds max{0};  // == min: fixed
  uint64_t seed = 0;
};

class FaultEngine {
 public:
  // Adds a rule with fresh counters and a generator seeded by its schedule;
  // returns its id ("f1", "f2", ... when none was given, skipping ids in
  // use). REQUIRES: a valid rule (validated by the control plane / file
  // loader) whose id, if given, is not in use.
  std::string add(FaultRule rule);
  // Puts back a rule saved with its reported state (--state-file): like
  // add(), but keeps the counters and moves a Probability generator past
  // the draws its matched calls made, so the rule goes on where it left off.
  // A pending Retry-After check is not carried over (it times real time).
  // REQUIRES: a valid rule whose id is set and not in use.
  void restore(FaultRule rule);
  // The n of the next generated id "f<n>" (kept by --state-file).
  uint64_t next_id() const;
  void set_next_id(uint64_t n);
  bool remove(const std::string& id);
  void clear();  // rules and latency; generated ids start again at "f1"

  std::vector<FaultRule> list() const;
  std::optional<FaultRule> get(const std::string& id) const;

  // Latency: global (operation empty) or for one operation; nullopt clears.
  void set_latency(const std::string& operation,
                   std::optional<LatencySpec> spec);
  // {operation ("" = global), spec}, global first.
  std::vector<std::pair<std::string, LatencySpec>> latency() const;
  // The same with how many values each range has drawn (--state-file);
  // restore_latency() sets a spec and moves its generator past `draws`.
  struct LatencyState {
    std::string operation;
    LatencySpec spec;
    uint64_t draws = 0;
  };
  std::vector<LatencyState> latency_state() const;
  void restore_latency(const std::string& operation, LatencySpec spec,
                       uint64_t draws);

  // Decides for one call and updates counters, schedules and retry checks.
  // Rules are tried in the order added; only rules up to and including the
  // first one that fires see the call (count it as matched, draw for it,
  // settle a pending Retry-After check), so a later rule's schedule is not
  // moved by calls an earlier rule took.
  FaultDecision decide(const FaultCall& call);
  // True when there are no rules and no latency: decide() would change
  // nothing and answer nothing, so a caller may skip gathering the call.
  bool idle() const;

 private:
  struct Slot {
    FaultRule rule;
    std::mt19937_64 rng;  // Probability draws, seeded by rule.schedule.seed
    // Set when the rule fired with a numeric Retry-After and
    // check_retry_after: the real time it fired and the seconds it asked for.
    std::optional<std::chrono::steady_clock::time_point> retry_since;
    double retry_seconds = 0;
  };
  struct Latency {
    LatencySpec spec;
    std::mt19937_64 rng;  // seeded by spec.seed when set
    uint64_t draws = 0;   // values drawn from rng
  };

  // The call's facts fit the rule (exhaustion aside).
  static bool matches(const FaultRule& rule, const FaultCall& call);
  static bool fires(Slot& slot);
  static std::chrono::milliseconds draw(Latency& l);

  mutable std::mutex mutex_;
  std::vector<Slot> rules_;                // Guarded by mutex_
  uint64_t next_id_ = 1;                   // Guarded by mutex_
  std::optional<Latency> global_latency_;  // Guarded by mutex_
  // By operation name as given to set_latency, looked up ignoring case.
  std::vector<std::pair<std::string, Latency>>
      op_latency_;  // Guarded by mutex_
};

}  // namespace gpm::store
