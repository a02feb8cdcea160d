#include "exam/timeline.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "exam/results_csv.h"

namespace pupitre::exam {

namespace json = boost::json;

namespace {

int64_t IntOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

std::string Iso(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

// "3 min 20 s", "45 s".
std::string Span(int64_t ms) {
  const int64_t s = (ms + 500) / 1000;
  if (s < 60) return fmt::format("{} s", s);
  if (s % 60 == 0) return fmt::format("{} min", s / 60);
  return fmt::format("{} min {} s", s / 60, s % 60);
}

std::string Details(const TimelineEntry& e) {
  const json::object& d = e.data;
  if (e.kind == kAdmittedEvent) return "let in from the waiting room after " + Span(IntOf(d, "waited_ms"));
  if (e.kind == "started") return "deadline " + Iso(IntOf(d, "deadline_ms"));
  if (e.kind == kSavesEvent) {
    std::string s = fmt::format("{} answer saves received in this minute", IntOf(d, "saves"));
    if (IntOf(d, "resent") > 0) {
      s += fmt::format("; {} resent by the page's journal after it was offline", IntOf(d, "resent"));
    }
    if (IntOf(d, "replays") > 0) {
      s += fmt::format("; {} were already held (their answer had been lost on the way back)",
                       IntOf(d, "replays"));
    }
    return s;
  }
  if (e.kind == kPageConnectedEvent) return "the exam page connected";
  if (e.kind == kPageDisconnectedEvent) return "the exam page's connection dropped";
  if (e.kind == kPageEventsCappedEvent) {
    return fmt::format("the page's connection came and went {} times: from here on it is not "
                       "recorded one by one", IntOf(d, "after"));
  }
  if (e.kind == "quiet") {
    return "the page was connected and sent no answer for " + Span(IntOf(d, "for_ms"));
  }
  if (e.kind == "extra_time") return Span(IntOf(d, "added_ms")) + " added by a teacher";
  if (e.kind == "outage_compensation") {
    return fmt::format("{} given back: the platform was down from {} to {}",
                       Span(IntOf(d, "added_ms")), Iso(IntOf(d, "from_ms")),
                       Iso(IntOf(d, "to_ms")));
  }
  if (e.kind == "answer_file") {
    return fmt::format("encrypted answer file uploaded by {}: {} answers kept, {} already held, {} "
                       "written after the deadline (not kept), {} refused",
                       d.contains("by_teacher") && d.at("by_teacher").as_bool() ? "a teacher"
                                                                                : "the student",
                       IntOf(d, "applied"), IntOf(d, "replays"), IntOf(d, "late"),
                       IntOf(d, "refused"));
  }
  if (e.kind == "submitted") {
    return d.contains("auto") && d.at("auto").as_bool() ? "submitted by the deadline"
                                                         : "submitted by the student";
  }
  return json::serialize(d);
}

}  // namespace

std::vector<TimelineEntry> BuildTimeline(const AttemptState& a,
                                         std::vector<store::AttemptEvent> events,
                                         int64_t now_ms) {
  std::vector<TimelineEntry> out;
  out.push_back({a.started_ms, "started", json::object{{"deadline_ms", a.deadline_ms}}});
  for (auto& ev : events) {
    json::object data;
    boost::system::error_code ec;
    json::value v = json::parse(ev.data_json, ec);
    if (!ec && v.is_object()) data = std::move(v.as_object());
    out.push_back({ev.at_ms, std::move(ev.kind), std::move(data)});
  }
  if (a.status == AttemptStatus::kSubmitted) {
    out.push_back({a.submitted_ms, "submitted", json::object{{"auto", a.auto_submitted}}});
  }
  // Time order; at the same time, the admission before the start (it led to it).
  std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& x, const TimelineEntry& y) {
    if (x.at_ms != y.at_ms) return x.at_ms < y.at_ms;
    return x.kind == kAdmittedEvent && y.kind != kAdmittedEvent;
  });
  // Quiet spells: the page was connected and nothing came for kQuietSpell or more.
  std::vector<TimelineEntry> quiet;
  bool connected = false;
  int64_t last = 0;  // the last sign of life while connected
  auto close_spell = [&](int64_t at) {
    if (connected && at - last >= kQuietSpell.count()) {
      quiet.push_back({last, "quiet", json::object{{"for_ms", at - last}, {"until_ms", at}}});
    }
  };
  for (const auto& e : out) {
    if (e.kind == kPageConnectedEvent) {
      if (!connected) last = e.at_ms;
      connected = true;
    } else if (e.kind == kSavesEvent) {
      close_spell(e.at_ms);
      const int64_t minute = e.data.contains("minute_ms") ? IntOf(e.data, "minute_ms") : e.at_ms;
      last = std::max(last, minute + 60'000);  // the end of the minute it counts
    } else if (e.kind == kPageDisconnectedEvent || e.kind == kPageEventsCappedEvent ||
               e.kind == "submitted") {
      close_spell(e.at_ms);
      connected = false;
    }
  }
  if (a.status == AttemptStatus::kInProgress) close_spell(std::min(now_ms, a.deadline_ms));
  if (!quiet.empty()) {
    out.insert(out.end(), quiet.begin(), quiet.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const TimelineEntry& x, const TimelineEntry& y) { return x.at_ms < y.at_ms; });
  }
  return out;
}

std::string TimelineCsv(const std::vector<TimelineEntry>& timeline) {
  std::string out = "time_utc,event,details\r\n";
  for (const auto& e : timeline) {
    out += Iso(e.at_ms) + "," + CsvField(e.kind) + "," + CsvField(Details(e)) + "\r\n";
  }
  return out;
}

}  // namespace pupitre::exam
