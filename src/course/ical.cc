#include "course/ical.h"

#include <fmt/format.h>

#include <ctime>

namespace pupitre::course {
namespace {

std::string UtcStamp(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma escaped; newlines as \n.
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r' && (static_cast<unsigned char>(c) >= 0x20 || c == '\t')) {
      out.push_back(c);
    }
  }
  return out;
}

// One content line, folded: at most 75 octets a line, continuation lines start with a space.
void Line(std::string& out, std::string_view line) {
  size_t width = 75;
  while (line.size() > width) {
    size_t cut = width;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    width = 74;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
}

}  // namespace

std::string ICalendar(const std::string& name, const std::vector<CalendarEvent>& events,
                      int64_t stamp_ms) {
  std::string out;
  Line(out, "BEGIN:VCALENDAR");
  Line(out, "VERSION:2.0");
  Line(out, "PRODID:-//Pupitre//Course calendar//EN");
  Line(out, "CALSCALE:GREGORIAN");
  Line(out, "METHOD:PUBLISH");
  Line(out, "X-WR-CALNAME:" + Escape(name));
  const std::string stamp = UtcStamp(stamp_ms);
  for (const auto& e : events) {
    Line(out, "BEGIN:VEVENT");
    Line(out, "UID:" + Escape(e.uid));
    Line(out, "DTSTAMP:" + stamp);
    Line(out, "DTSTART:" + UtcStamp(e.start_ms));
    Line(out, "DTEND:" + UtcStamp(e.end_ms));
    Line(out, "SUMMARY:" + Escape(e.summary));
    if (!e.description.empty()) Line(out, "DESCRIPTION:" + Escape(e.description));
    if (!e.url.empty()) Line(out, "URL:" + e.url);
    Line(out, "END:VEVENT");
  }
  Line(out, "END:VCALENDAR");
  return out;
}

}  // namespace pupitre::course
