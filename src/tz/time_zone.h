// Time-zone names -> UTC instants, for `expiryDateTime` {dateTime, timeZone}
// (spec D17): turns a wall-clock time in an IANA zone ("Europe/Paris") or a
// Windows zone ("W. Europe Standard Time", resolved through a built-in copy
// of the CLDR windowsZones territory-"001" table) into a UTC instant. Zone
// rules come from the TZif files (RFC 8536, v1 to v4, including the POSIX TZ
// footer for instants past the last transition) under a zoneinfo directory,
// read lazily and cached; "UTC" and its aliases, and the fixed "Etc/GMT+-N"
// zones, are built in and work without any zoneinfo files. Depends on
// core/time.h and core/iso_time.h and the std library only. Thread-safe: a
// TimeZoneDb may be shared by any number of threads (the cache is guarded by
// a mutex; cached zones are immutable). The public functions never throw.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/iso_time.h"
#include "core/time.h"

namespace gpm::tz {

class TimeZoneDb {
 public:
  explicit TimeZoneDb(std::string zoneinfo_dir = "/usr/share/zoneinfo");
  ~TimeZoneDb();
  TimeZoneDb(const TimeZoneDb&) = delete;
  TimeZoneDb& operator=(const TimeZoneDb&) = delete;

  // The UTC instant of wall-clock time `local` (its offset_minutes is
  // ignored) in zone `zone`; nullopt if the zone is unknown (or if `local`
  // is not a valid date-time, or the instant does not fit a TimePoint,
  // roughly years 1678..2261).
  // Gaps (spring forward): use the offset in force before the transition
  // (02:30 in a 02:00->03:00 gap is 03:30 after the change).
  // Overlaps (fall back): the earlier instant.
  std::optional<core::TimePoint> local_to_utc(
      std::string_view zone, const core::DateTimeParts& local) const;

  // Whether `zone` names a zone local_to_utc can use.
  bool is_known(std::string_view zone) const;

  struct Zone;  // parsed rules of one zone (defined in time_zone.cpp)

 private:
  std::shared_ptr<const Zone> find(std::string_view zone) const;

  std::string dir_;
  mutable std::mutex mu_;
  // Keyed by IANA name; only successfully loaded zones are cached (so the
  // cache stays bounded by the files in dir_ whatever names clients send).
  mutable std::map<std::string, std::shared_ptr<const Zone>, std::less<>>
      cache_;
};

// One row of the built-in Windows -> IANA table.
struct WindowsZoneMapping {
  std::string_view windows;  // Windows zone id, e.g. "Pacific Standard Time"
  std::string_view iana;     // canonical IANA name, e.g. "America/Los_Angeles"
};

// The whole built-in table (CLDR windowsZones, territory "001").
std::span<const WindowsZoneMapping> windows_zone_mappings();

// The IANA name for Windows zone id `windows_name` (matched
// case-insensitively); nullopt if it is not a Windows zone id.
std::optional<std::string_view> windows_to_iana(std::string_view windows_name);

}  // namespace gpm::tz
