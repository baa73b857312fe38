// Fault rules and latency as JSON (docs/faults.md): the
// --faults file and the bodies of /_mock/faults and /_mock/latency parsed
// into store types, and the rule reports and latency document written back.
// Depends on core, store and nlohmann_json. Thread-safe: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/faults.h"
#include "store/tenants.h"

namespace gpm::graph {

// A rule, latency document or faults file that cannot be used. what() names
// the source and the JSON path of the first problem, e.g.
// "faults.json: $.rules[0].schedule.nth: must be an integer from 1".
class FaultsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The Graph operations a rule's match.operation and the latency document
// may name, as written there.
inline constexpr std::string_view kFaultOperations[] = {
    "getPresence",
    "getPresencesByUserId",
    "setPresence",
    "clearPresence",
    "setUserPreferredPresence",
    "clearUserPreferredPresence",
    "setStatusMessage",
    "setManualLocation",
    "setAutomaticLocation",
    "clearAutomaticLocation",
    "clearLocation"};

// Longest delay an action or a latency spec may ask for.
inline constexpr std::chrono::seconds kMaxFaultDelay{60};

// One rule object; errors name `source` and `path` (e.g. "$.rules[2]").
// Operation names are taken in any letter case and kept in the list's.
store::FaultRule parse_fault_rule(const nlohmann::json& j,
                                  std::string_view source,
                                  const std::string& path);

// A POST /_mock/faults body: one rule, or {"rules":[rule, ...]}. Given ids
// are unique among them.
std::vector<store::FaultRule> parse_fault_rules(const nlohmann::json& body,
                                                std::string_view source);

// A latency document {"global"?: spec|null, "operations"?: {name:
// spec|null}}: one entry per key given, {"" for global or the operation,
// the spec or nullopt (null: clear)}.
using LatencyUpdates =
    std::vector<std::pair<std::string, std::optional<store::LatencySpec>>>;
LatencyUpdates parse_latency_document(const nlohmann::json& doc,
                                      std::string_view source,
                                      const std::string& path);

// A faults file {"rules"?: [...], "latency"?: latency document}.
store::FaultSetup parse_faults_document(std::string_view text,
                                        std::string_view source);
// Reads and parses the file at `path` (which names it in errors).
store::FaultSetup load_faults_file(const std::string& path);

// The rule as it was given (canonical durations, defaults filled in for
// the schedule) plus {"id","matched","fired","exhausted"} and, with
// checkRetryAfter, "retryAfterCheck": {"waited","tooEarly"}.
nlohmann::ordered_json fault_rule_json(const store::FaultRule& r);

// {"global": spec|null, "operations": {name: spec}} from
// FaultEngine::latency(); a spec is {"fixed"} or {"min","max","seed"}.
nlohmann::ordered_json latency_json(
    const std::vector<std::pair<std::string, store::LatencySpec>>& latency);

// A tenant's rules with their reported state, the next generated id and
// the latency with its draws, as --state-file keeps them:
// {"nextId": n, "rules": [fault_rule_json, ...], "latency": latency_json
// plus "draws": {"" or operation: n}}.
nlohmann::ordered_json faults_state_json(const store::FaultEngine& f);
// Puts a faults_state_json document back into `f` (its rules and latency
// replaced), counters included. Checks everything before changing `f`;
// throws FaultsError naming `source` and the JSON path under `path`.
void restore_faults_state(const nlohmann::json& j, std::string_view source,
                          const std::string& path, store::FaultEngine& f);

}  // namespace gpm::graph
