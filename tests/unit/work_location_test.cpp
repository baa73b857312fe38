// Unit tests for src/core/work_location and the work-location actions of
// core::UserPresence: aggregation of the layers (R2.7, R4.11), the clears
// (R3.9.2, R3.9.3), wire names (graph-presence.md §2.5), sequence number (D10).
#include "core/work_location.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/user_presence.h"
#include "test_instants.h"

namespace {

using gpm::core::aggregate_work_location;
using gpm::core::parse_work_location_type;
using gpm::core::UserPresence;
using gpm::core::WorkLocation;
using gpm::core::WorkLocationLayers;
using gpm::core::WorkLocationSignal;
using gpm::core::WorkLocationSource;
using gpm::core::WorkLocationType;
using gpm::testing::t0;
using std::chrono::minutes;
using Src = WorkLocationSource;
using Type = WorkLocationType;

WorkLocationSignal at(Type type, std::optional<std::string> place = {}) {
  return WorkLocationSignal{type, std::move(place)};
}

// "source/type/place" of an aggregate, place "-" when null.
std::string show(const WorkLocation& w) {
  return std::string(to_string(w.source)) + "/" +
         std::string(to_string(w.type)) + "/" + w.place_id.value_or("-");
}

std::string show(const WorkLocationLayers& layers) {
  return show(aggregate_work_location(layers));
}

}  // namespace

TEST_SUITE("work_location") {
  TEST_CASE(
      "R2.7 no value in any layer reads source none, unspecified, no place") {
    WorkLocation w = aggregate_work_location(WorkLocationLayers{});
    CHECK(w.source == Src::none);
    CHECK(w.type == Type::unspecified);
    CHECK_FALSE(w.place_id.has_value());
    CHECK(WorkLocationLayers{}.empty());
  }

  TEST_CASE("R2.7 manual beats automatic beats scheduled") {
    struct Row {
      std::optional<WorkLocationSignal> manual, automatic, scheduled;
      const char* expected;
    };
    const Row rows[] = {
        {at(Type::office, "b1"), {}, {}, "manual/office/b1"},
        {{}, at(Type::remote), {}, "automatic/remote/-"},
        {{}, {}, at(Type::timeOff), "scheduled/timeOff/-"},
        {at(Type::remote), at(Type::office, "b1"), {}, "manual/remote/-"},
        {at(Type::remote), {}, at(Type::office), "manual/remote/-"},
        {{}, at(Type::office), at(Type::remote, "home"), "automatic/office/-"},
        {at(Type::timeOff), at(Type::office), at(Type::remote),
         "manual/timeOff/-"},
    };
    for (const Row& row : rows) {
      INFO(row.expected);
      CHECK(show(WorkLocationLayers{row.manual, row.automatic,
                                    row.scheduled}) == row.expected);
    }
  }

  TEST_CASE(
      "R2.7 a layer holding unspecified does not win over a lower specific "
      "layer") {
    CHECK(show(WorkLocationLayers{
              at(Type::unspecified, "x"), at(Type::office, "b2"), {}}) ==
          "automatic/office/b2");
    CHECK(show(WorkLocationLayers{at(Type::unspecified), at(Type::unspecified),
                                  at(Type::remote)}) == "scheduled/remote/-");
    // Nothing specific anywhere: the highest layer holding a value answers.
    CHECK(show(WorkLocationLayers{
              {}, at(Type::unspecified, "p"), at(Type::unspecified)}) ==
          "automatic/unspecified/p");
    CHECK(show(WorkLocationLayers{at(Type::unspecified), {}, {}}) ==
          "manual/unspecified/-");
  }

  TEST_CASE("R3.9.2 clearAutomaticLocation removes only the automatic layer") {
    WorkLocationLayers layers{at(Type::office, "b1"), at(Type::remote),
                              at(Type::timeOff)};
    gpm::core::clear_automatic_location(layers);
    CHECK(layers.manual == at(Type::office, "b1"));
    CHECK_FALSE(layers.automatic.has_value());
    CHECK(layers.scheduled == at(Type::timeOff));
    CHECK(show(layers) == "manual/office/b1");
    // Without a manual value the scheduled one shows, else none.
    WorkLocationLayers only_auto{{}, at(Type::remote), at(Type::office)};
    gpm::core::clear_automatic_location(only_auto);
    CHECK(show(only_auto) == "scheduled/office/-");
    WorkLocationLayers bare{{}, at(Type::remote), {}};
    gpm::core::clear_automatic_location(bare);
    CHECK(show(bare) == "none/unspecified/-");
    CHECK(bare.empty());
  }

  TEST_CASE(
      "R3.9.3 clearLocation removes manual and automatic, never scheduled") {
    WorkLocationLayers layers{at(Type::office, "b1"), at(Type::remote),
                              at(Type::timeOff)};
    gpm::core::clear_location(layers);
    CHECK_FALSE(layers.manual.has_value());
    CHECK_FALSE(layers.automatic.has_value());
    CHECK(show(layers) == "scheduled/timeOff/-");
    WorkLocationLayers two{at(Type::office), at(Type::remote), {}};
    gpm::core::clear_location(two);
    CHECK(two.empty());
    CHECK(show(two) == "none/unspecified/-");
  }

  TEST_CASE("location wire names are camelCase and parsed ignoring case") {
    CHECK(to_string(Type::unspecified) == "unspecified");
    CHECK(to_string(Type::office) == "office");
    CHECK(to_string(Type::remote) == "remote");
    CHECK(to_string(Type::timeOff) == "timeOff");
    CHECK(to_string(Src::none) == "none");
    CHECK(to_string(Src::manual) == "manual");
    CHECK(to_string(Src::automatic) == "automatic");
    CHECK(to_string(Src::scheduled) == "scheduled");
    CHECK(parse_work_location_type("timeOff") == Type::timeOff);
    CHECK(parse_work_location_type("TIMEOFF") == Type::timeOff);
    CHECK(parse_work_location_type("Office") == Type::office);
    CHECK(parse_work_location_type("unspecified") == Type::unspecified);
    for (const char* bad :
         {"unknownFutureValue", "", "home", "time off", "offices"}) {
      INFO(bad);
      CHECK_FALSE(parse_work_location_type(bad).has_value());
    }
  }

  TEST_CASE(
      "R3.8.2 UserPresence: manual and automatic are separate layers, a write "
      "replaces its own") {
    UserPresence u;
    CHECK(show(u.view(t0).work_location) == "none/unspecified/-");
    u.set_automatic_location(at(Type::remote, "home"), t0);
    CHECK(show(u.view(t0).work_location) == "automatic/remote/home");
    u.set_manual_location(at(Type::office, "b1"), t0);
    CHECK(show(u.view(t0).work_location) == "manual/office/b1");
    // A new manual value replaces the old one whole: no place carried over.
    u.set_manual_location(at(Type::office), t0);
    CHECK(show(u.view(t0).work_location) == "manual/office/-");
    // setAutomaticLocation never clears the manual layer.
    u.set_automatic_location(at(Type::timeOff), t0);
    CHECK(show(u.view(t0).work_location) == "manual/office/-");
    CHECK(u.work_location().automatic == at(Type::timeOff));
    u.clear_automatic_location(t0);
    CHECK(show(u.view(t0).work_location) == "manual/office/-");
    CHECK_FALSE(u.work_location().automatic.has_value());
    u.set_automatic_location(at(Type::remote), t0);
    u.clear_location(t0);
    CHECK(show(u.view(t0).work_location) == "none/unspecified/-");
    CHECK(u.work_location().empty());
  }

  TEST_CASE(
      "D10 the sequence number moves exactly when the work location read "
      "changes") {
    UserPresence u;
    uint64_t s0 = u.view(t0).sequence;
    u.set_manual_location(at(Type::office, "b1"), t0);
    uint64_t s1 = u.view(t0).sequence;
    CHECK(s1 == s0 + 1);
    // The same value again, or a hidden automatic value: nothing read changes.
    u.set_manual_location(at(Type::office, "b1"), t0 + minutes(1));
    u.set_automatic_location(at(Type::remote), t0 + minutes(2));
    CHECK(u.view(t0 + minutes(2)).sequence == s1);
    // Only the place changes: that is a change.
    u.set_manual_location(at(Type::office, "b2"), t0 + minutes(3));
    uint64_t s2 = u.view(t0 + minutes(3)).sequence;
    CHECK(s2 == s1 + 1);
    // Clearing the automatic layer under a manual value shows nothing new.
    u.clear_automatic_location(t0 + minutes(4));
    CHECK(u.view(t0 + minutes(4)).sequence == s2);
    u.clear_location(t0 + minutes(5));
    CHECK(u.view(t0 + minutes(5)).sequence == s2 + 1);
    // Clearing nothing moves nothing.
    u.clear_location(t0 + minutes(6));
    CHECK(u.view(t0 + minutes(6)).sequence == s2 + 1);
    CHECK(u.peek(t0 + minutes(6)).sequence == s2 + 1);
  }

}  // TEST_SUITE
