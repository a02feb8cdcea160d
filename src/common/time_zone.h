#pragma once
// A time zone of the IANA database (the system's, /usr/share/zoneinfo, through Howard Hinnant's
// date library, Debian's libhowardhinnant-date-dev): the school's zone, for writing times as
// people there read them. Thread-safe: a TimeZone is immutable and the database is loaded once.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace date {
class time_zone;
}

namespace pupitre {

class TimeZone {
 public:
  // The zone named `name` ("Europe/Paris", "UTC"); kInvalid when the database has none such.
  // Loads the database on first use (reads files: call at start-up, not on an event loop).
  static Result<TimeZone> Named(std::string_view name);

  const std::string& name() const { return name_; }
  // The zone's offset from UTC at `unix_ms`, in minutes (Paris in winter: 60).
  int OffsetMinutes(int64_t unix_ms) const;
  // ISO 8601 with the zone's offset at that instant, to the second: "2026-11-23T10:00:00+01:00"
  // ("...Z" for an offset of 0). REQUIRES: unix_ms within years 1970-9999.
  std::string Iso8601(int64_t unix_ms) const;

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const date::time_zone* zone_;  // owned by the database, which lives as long as the process
  std::string name_;
};

}  // namespace pupitre
