#pragma once
// An attempt's timeline, for the teacher who is told "I lost my answers": what the server saw
// and when. Admission (and the time waited), start, saves per minute (with the journal's
// resends after a reconnect, and replays of saves already held), the exam page's connection
// coming and going, quiet spells while the page was connected, time added, outages given back,
// the answer file, and the submission (by the student or by the deadline).
//
// Built from the attempt's state and its recorded events (store::AttemptEvent); pure.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "exam/exam.h"
#include "store/records.h"

namespace pupitre::exam {

// The kinds of attempt events recorded besides time added and outages (see ExamService).
inline constexpr std::string_view kAdmittedEvent = "admitted";         // {"waited_ms"}
// One per attempt and minute with saves, at its first save: {"minute_ms","saves","resent","replays"}.
inline constexpr std::string_view kSavesEvent = "saves";
inline constexpr std::string_view kPageConnectedEvent = "page_connected";
inline constexpr std::string_view kPageDisconnectedEvent = "page_disconnected";
// A page that connects and drops in a loop is recorded kMaxPageEvents times, then this line
// ({"after": kMaxPageEvents}) and nothing more of its connection.
inline constexpr std::string_view kPageEventsCappedEvent = "page_events_capped";
inline constexpr int32_t kMaxPageEvents = 120;

struct TimelineEntry {
  int64_t at_ms = 0;
  std::string kind;  // an event's kind, or "started", "quiet", "submitted"
  boost::json::object data;
};

// A connected page that sends nothing for this long is worth a line ("quiet").
inline constexpr Millis kQuietSpell = std::chrono::minutes(5);

// The timeline in time order. `events`: the attempt's recorded events (any order); `now_ms`
// closes a quiet spell still going on.
std::vector<TimelineEntry> BuildTimeline(const AttemptState& a,
                                         std::vector<store::AttemptEvent> events,
                                         int64_t now_ms);

// The timeline as CSV: time (UTC, ISO 8601), event, details in words (RFC 4180 quoting).
std::string TimelineCsv(const std::vector<TimelineEntry>& timeline);

}  // namespace pupitre::exam
