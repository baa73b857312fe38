#include "core/work_location.h"

#include <array>
#include <utility>

#include "core/ascii.h"

namespace gpm::core {
namespace {

constexpr std::array<std::pair<WorkLocationType, std::string_view>, 4>
    kTypeNames{{
        {WorkLocationType::unspecified, "unspecified"},
        {WorkLocationType::office, "office"},
        {WorkLocationType::remote, "remote"},
        {WorkLocationType::timeOff, "timeOff"},
    }};

WorkLocation from(WorkLocationSource source, const WorkLocationSignal& s) {
  return WorkLocation{source, s.type, s.place_id};
}

}  // namespace

WorkLocation aggregate_work_location(const WorkLocationLayers& layers) {
  const std::array<
      std::pair<WorkLocationSource, const std::optional<WorkLocationSignal>*>,
      3>
      ranked{{{WorkLocationSource::manual, &layers.manual},
              {WorkLocationSource::automatic, &layers.automatic},
              {WorkLocationSource::scheduled, &layers.scheduled}}};
  // The first specific value in rank order wins ...
  for (const auto& [source, layer] : ranked) {
    if (*layer && (*layer)->type != WorkLocationType::unspecified) {
      return from(source, **layer);
    }
  }
  // ... else the first value at all, which is `unspecified`.
  for (const auto& [source, layer] : ranked) {
    if (*layer) return from(source, **layer);
  }
  return WorkLocation{};
}

void clear_automatic_location(WorkLocationLayers& layers) {
  layers.automatic.reset();
}

void clear_location(WorkLocationLayers& layers) {
  layers.manual.reset();
  layers.automatic.reset();
}

std::string_view to_string(WorkLocationType t) {
  for (const auto& [value, name] : kTypeNames) {
    if (value == t) return name;
  }
  return "unspecified";
}

std::string_view to_string(WorkLocationSource s) {
  switch (s) {
    case WorkLocationSource::none:
      return "none";
    case WorkLocationSource::manual:
      return "manual";
    case WorkLocationSource::scheduled:
      return "scheduled";
    case WorkLocationSource::automatic:
      return "automatic";
  }
  return "none";
}

std::optional<WorkLocationType> parse_work_location_type(std::string_view s) {
  for (const auto& [value, name] : kTypeNames) {
    if (iequals(name, s)) return value;
  }
  return std::nullopt;
}

}  // namespace gpm::core
