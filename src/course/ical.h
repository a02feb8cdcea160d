#pragma once
// iCalendar (RFC 5545) for a person's calendar feed: homework due times and exam windows, read
// by phone and desktop calendars from a private address. Pure.

#include <cstdint>
#include <string>
#include <vector>

namespace pupitre::course {

struct CalendarEvent {
  std::string uid;      // stable across reads (the calendar updates the event, not a copy)
  int64_t start_ms = 0;
  int64_t end_ms = 0;   // > start_ms
  std::string summary;
  std::string description;
  std::string url;      // may be empty
};

// A VCALENDAR with one VEVENT per event: times in UTC, text escaped, lines folded at 75 octets
// (never inside a UTF-8 character), CRLF line ends. `stamp_ms`: when it was made (DTSTAMP).
std::string ICalendar(const std::string& name, const std::vector<CalendarEvent>& events,
                      int64_t stamp_ms);

}  // namespace pupitre::course
