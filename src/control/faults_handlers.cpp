// Fault rules and latency through the control plane (docs/faults.md):
// list, create, read and delete the addressed tenant's
// rules with their counters, and read or change its latency. Reset restores
// the --faults file's rules and latency (D24).
#include "control/control.h"
#include "formats/faults_json.h"
#include "graph/graph_error.h"
#include "graph/graph_json.h"

namespace gpm::control {
namespace {

namespace errors = graph::errors;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view kBody = "request body";

HttpResponse list_rules(const store::FaultEngine& faults) {
  ordered_json rules = ordered_json::array();
  for (const auto& r : faults.list())
    rules.push_back(graph::fault_rule_json(r));
  return control_json({{"rules", std::move(rules)}});
}

// All or nothing: every rule is checked, and no id may be in use, before
// the first is added. Two control calls racing to add the same id to one
// tenant could both pass the check; tests do not do that.
HttpResponse create_rules(store::FaultEngine& faults, const std::string& body) {
  json doc = graph::parse_object_body(body, false);
  std::vector<store::FaultRule> rules;
  try {
    rules = graph::parse_fault_rules(doc, kBody);
  } catch (const graph::FaultsError& e) {
    throw errors::bad_request(e.what());
  }
  if (faults.list().size() + rules.size() > kMaxFaultRules) {
    throw errors::bad_request("A tenant holds at most " +
                              std::to_string(kMaxFaultRules) +
                              " fault rules; delete some first.");
  }
  std::string taken;
  for (const auto& r : rules) {
    if (!r.id.empty() && faults.get(r.id)) {
      taken += (taken.empty() ? "" : ", ") + r.id;
    }
  }
  if (!taken.empty()) {
    throw errors::fault_rule_ids_taken(taken);
  }
  ordered_json created = ordered_json::array();
  for (auto& r : rules) created.push_back(faults.add(std::move(r)));
  return control_json({{"created", std::move(created)}}, 201);
}

// Removes the rules one by one, so the latency (which FaultEngine::clear
// drops too) stays.
HttpResponse clear_rules(store::FaultEngine& faults) {
  size_t n = 0;
  for (const auto& r : faults.list()) n += faults.remove(r.id);
  return control_json({{"cleared", n}});
}

}  // namespace

HttpResponse faults(Service&, RequestContext& ctx, const RouteArgs&) {
  const std::string& m = ctx.request.method;
  store::FaultEngine& engine = ctx.tenant->faults;
  if (is_get(m)) return list_rules(engine);
  if (m == "POST") return create_rules(engine, ctx.request.body);
  return clear_rules(engine);
}

HttpResponse fault(Service&, RequestContext& ctx, const RouteArgs& a) {
  const std::string& id = a.params[0];
  store::FaultEngine& engine = ctx.tenant->faults;
  if (is_get(ctx.request.method)) {
    auto r = engine.get(id);
    if (!r) throw errors::fault_rule_not_found(id);
    return control_json(graph::fault_rule_json(*r));
  }
  if (!engine.remove(id)) throw errors::fault_rule_not_found(id);
  return control_json({{"deleted", id}});
}

HttpResponse latency(Service&, RequestContext& ctx, const RouteArgs&) {
  store::FaultEngine& faults = ctx.tenant->faults;
  if (is_get(ctx.request.method)) {
    return control_json(graph::latency_json(faults.latency()));
  }
  json doc = graph::parse_object_body(ctx.request.body, false);
  graph::LatencyUpdates updates;
  try {
    updates = graph::parse_latency_document(doc, kBody, "$");
  } catch (const graph::FaultsError& e) {
    throw errors::bad_request(e.what());
  }
  for (auto& [op, spec] : updates) faults.set_latency(op, spec);
  return control_json(graph::latency_json(faults.latency()));
}

}  // namespace gpm::control
