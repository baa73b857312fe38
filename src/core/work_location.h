// A user's work location (R2.7, R3.8, R3.9, R4.11): three layers
// of signals (manual, automatic, scheduled) and the one value a client reads,
// aggregated from them. Pure C++20, std only; no dates are modelled (a clear
// applies to the layer as a whole). Not synchronised: the owner guards it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gpm::core {

// Enumerators spell the camelCase wire values of the CSDL enums.
// `unknownFutureValue` is deliberately absent: it is never stored or written.
enum class WorkLocationType { unspecified, office, remote, timeOff };
enum class WorkLocationSource { none, manual, scheduled, automatic };

// One layer's value: what setManualLocation / setAutomaticLocation carry.
struct WorkLocationSignal {
  WorkLocationType type = WorkLocationType::unspecified;
  std::optional<std::string> place_id;
  friend bool operator==(const WorkLocationSignal&,
                         const WorkLocationSignal&) = default;
};

// What a client reads (userWorkLocation).
struct WorkLocation {
  WorkLocationSource source = WorkLocationSource::none;
  WorkLocationType type = WorkLocationType::unspecified;
  std::optional<std::string> place_id;
  friend bool operator==(const WorkLocation&, const WorkLocation&) = default;
};

// The stored layers; an empty optional is a layer without a value.
struct WorkLocationLayers {
  std::optional<WorkLocationSignal> manual;
  std::optional<WorkLocationSignal> automatic;
  // Working hours and location from the calendar: nothing writes it yet, but
  // aggregation already ranks it (R2.7, R3.9.2).
  std::optional<WorkLocationSignal> scheduled;
  bool empty() const { return !manual && !automatic && !scheduled; }
  friend bool operator==(const WorkLocationLayers&,
                         const WorkLocationLayers&) = default;
};

// R2.7: manual > automatic > scheduled. A layer holding `unspecified` says
// nothing about where the user is, so a lower layer with a specific type
// (office, remote, timeOff) wins over it; when no layer is specific, the
// highest layer holding a value supplies it. No value anywhere: source none,
// type unspecified, no place. One value per layer, so "the more precise
// signal within a layer" never has two candidates to choose from.
WorkLocation aggregate_work_location(const WorkLocationLayers& layers);

// R3.9.2: removes the automatic layer only.
void clear_automatic_location(WorkLocationLayers& layers);
// R3.9.3: removes the manual and automatic layers ("for the current date":
// dates are not modelled, so the whole layers go); scheduled stays.
void clear_location(WorkLocationLayers& layers);

// camelCase wire strings, e.g. "timeOff", "automatic".
std::string_view to_string(WorkLocationType t);
std::string_view to_string(WorkLocationSource s);

// Case-insensitive parse of unspecified, office, remote, timeOff; nullopt
// for anything else, `unknownFutureValue` included.
std::optional<WorkLocationType> parse_work_location_type(std::string_view s);

}  // namespace gpm::core
