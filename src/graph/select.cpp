#include "graph/select.h"

#include <algorithm>
#include <array>

#include "core/ascii.h"
#include "graph/graph_error.h"

namespace gpm::graph {
namespace {

using core::iequals;

// The properties of microsoft.graph.presence (graph-presence.md §2.1).
constexpr std::array<std::string_view, 7> kPresenceProperties{
    "id",
    "availability",
    "activity",
    "statusMessage",
    "sequenceNumber",
    "outOfOfficeSettings",
    "workLocation"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string> parse_presence_select(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= value.size()) {
    size_t j = value.find(',', i);
    if (j == std::string_view::npos) j = value.size();
    std::string_view name = trim(value.substr(i, j - i));
    if (name.empty()) {
      throw errors::bad_request(
          "The query option $select must list property names separated by "
          "commas, such as $select=availability,activity.");
    }
    if (name == "*") {
      out.assign(kPresenceProperties.begin(), kPresenceProperties.end());
    } else {
      auto it =
          std::find_if(kPresenceProperties.begin(), kPresenceProperties.end(),
                       [&](std::string_view p) { return iequals(p, name); });
      if (it == kPresenceProperties.end()) {
        std::string shown(name.substr(0, 100));
        throw errors::bad_request("Could not find a property named '" + shown +
                                  "' on type 'microsoft.graph.presence'.");
      }
      if (std::find(out.begin(), out.end(), *it) == out.end()) {
        out.emplace_back(*it);
      }
    }
    i = j + 1;
  }
  return out;
}

nlohmann::ordered_json apply_select(const nlohmann::ordered_json& presence,
                                    const std::vector<std::string>& selected) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, value] : presence.items()) {
    bool keep =
        key == "id" || key.rfind("@odata.", 0) == 0 ||
        std::find(selected.begin(), selected.end(), key) != selected.end();
    if (keep) out[key] = value;
  }
  return out;
}

}  // namespace gpm::graph
