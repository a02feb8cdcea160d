#pragma once
// What a student's page asks the server for on an exam morning, step by step, as Chromium does
// it: the simulator plays this list (Scenario::page = "full"), and the browser test
// tests/browser/page_sequence.test.mjs records a real Chromium session and fails when the page
// and this list differ, so that the two cannot drift apart silently.

#include <string>
#include <string_view>
#include <vector>

namespace pupitre::load {

// The page's designed save cadence while an answer keeps changing (web/journal.js,
// SAVE_INTERVAL_MS): a question is sent at most once a second, one save in flight, each with
// the whole answer so far. A student typing an essay thus sends about one save a second.
constexpr int kPageSaveIntervalMs = 1000;

// What the simulator does with a request beyond sending it.
enum class PageRole {
  kPlain,      // sent; anything but 2xx/304 is an error
  kStatic,     // a static file: skipped when the browser's cache is warm
  kLogIn,      // the login form (its line and Retry-After followed)
  kStart,      // the start: 200 with the attempt, or 202 and the waiting room's stream
  kWaiting,    // the waiting room's event stream, only when the start said 202
  kAttempt,    // the attempt (its id known once started)
  kPaper,      // the paper (its questions are what the student answers)
  kStream,     // an event stream, held open until the next page's (one at a time, as notify.js)
};

struct PageRequest {
  std::string method;
  std::string path;  // "{exam}" and "{attempt}" are replaced when played
  PageRole role = PageRole::kPlain;
};

// One thing the student does, and what the page then asks for.
struct PagePhase {
  std::string name;    // "open", "log in", "home", "exam", "start", "attempt"
  std::string action;  // what the student did, in words
  std::vector<PageRequest> requests;
  bool at_start = false;  // done at the student's planned start (the phases before: at login)
  // The latency step of the whole phase, from the student's action to its last answer ("page",
  // "home", "exam"); "": none (its requests have steps of their own: login, start, paper).
  std::string step = "";
};

// The static files `index_html` links, as it links them ("/static/app.css?v=..."), in
// document order.
std::vector<std::string> StaticFilesOf(std::string_view index_html);

// The exam morning's phases for a page whose index links `static_files`: the page and its
// files (a warm browser cache skips the files: they are immutable), the session check, the
// login, the student's home (its lists and its event stream), the exam's page, the start
// (and, if told to wait, the waiting room's stream), the attempt and its paper with the
// attempt's stream.
std::vector<PagePhase> ExamPageSequence(const std::vector<std::string>& static_files);

// The lean sequence of Scenario::page = "api": the login, the start (and the waiting room's
// stream), the paper. Lighter than a real morning: a figure of the API alone.
std::vector<PagePhase> ApiSequence();

// Connections a student holds while taking the exam with this sequence: theirs, and the page's
// event stream if it has one (a waiting student's stream replaces the page's).
int ConnectionsPerStudent(const std::vector<PagePhase>& phases);

// As JSON, for the browser test and for people: {"save_interval_ms":1000,"phases":[{"name",
// "action","at_start","requests":[{"method","path","role"}]}]}; a static file's query is kept.
std::string PageSequenceJson(const std::vector<PagePhase>& phases);

// The role's name in that JSON ("plain", "static", "login", ...).
std::string_view PageRoleName(PageRole role);

}  // namespace pupitre::load
