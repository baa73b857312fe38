// Internal to src/tz: zone names as the time-zone database reads them.
// Std and core only. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tz/time_zone.h"

namespace gpm::tz {

// A name that can only denote a file below the zoneinfo directory.
bool safe_iana_name(std::string_view n);

// Zones that need no zoneinfo file: UTC and its aliases, and the fixed
// offsets Etc/GMT-14 .. Etc/GMT+12 (POSIX signs: Etc/GMT+5 is UTC-5): the
// offset in seconds east of UTC.
std::optional<int32_t> builtin_offset(std::string_view n);

}  // namespace gpm::tz
