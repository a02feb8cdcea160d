#include "common/time_zone.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace pupitre {

Result<TimeZone> TimeZone::Named(std::string_view name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone(zone, std::string(name));
  } catch (const std::runtime_error&) {
    return Error::Invalid(fmt::format(
        "\"{}\" is not a time zone of the IANA database (e.g. \"Europe/Paris\", \"UTC\")", name));
  }
}

int TimeZone::OffsetMinutes(int64_t unix_ms) const {
  const date::sys_seconds at{std::chrono::seconds(unix_ms / 1000)};
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::minutes>(zone_->get_info(at).offset).count());
}

std::string TimeZone::Iso8601(int64_t unix_ms) const {
  // Whole seconds, rounded down (also before 1970).
  int64_t s = unix_ms / 1000;
  if (unix_ms % 1000 < 0) --s;
  const date::sys_seconds at{std::chrono::seconds(s)};
  const int offset = OffsetMinutes(s * 1000);
  const auto local = at + std::chrono::minutes(offset);
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> hms{local - day};
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(ymd.year()),
                                unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                                hms.minutes().count(), hms.seconds().count());
  if (offset == 0) return out + "Z";
  const int a = std::abs(offset);
  return out + fmt::format("{}{:02}:{:02}", offset < 0 ? '-' : '+', a / 60, a % 60);
}

}  // namespace pupitre
