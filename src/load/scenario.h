#pragma once
// A scenario: what an exam morning looks like, written in TOML (docs/load.md, scenarios/).
// Times in a scenario are scenario time; `time_scale` replays them faster (10 = ten scenario
// seconds per real second).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "load/result.h"

namespace pupitre::load {

// A threshold like "save.p99 < 200ms", "errors = 0" or "finished >= 100%".
struct Threshold {
  std::string text;    // as written
  std::string metric;  // "save.p99", "start.max", "errors", "finished"...
  std::string op;      // "<", "<=", "=", ">=", ">"
  double value = 0;    // in ms for latencies, a count for errors, a fraction for finished
};

struct Scenario {
  std::string name;
  // "exam": an exam morning (below); "school": the course space's morning (students arrive
  // over `login_spread_s`, most with yesterday's remembered session, open their course,
  // download its file, some hand in a homework; see docs/load.md).
  std::string kind = "exam";
  std::string exam = "demo-exam";
  int64_t students = 100;
  int64_t first_student = 1;
  std::string login_format = "student{:04d}";  // fmt pattern, given the student's number
  std::string password = "student-demo";
  double time_scale = 1;

  // Logins: spread uniformly over the `login_spread_s` before the exam start (0: everyone
  // logs in at the start, a login storm).
  double login_spread_s = 1800;
  // Starts: spread uniformly over `start_spread_s` after the exam start.
  double start_spread_s = 60;
  double late_share = 0;   // this share arrives `late_s` later than planned
  double late_s = 600;
  double work_s = 3600;    // how long each student works before submitting
  double think_s = 60;     // mean time between two answers (exponential)
  // The share of the time between two answers an essay is being typed; meanwhile the page sends
  // a save a second (its designed cadence: kPageSaveIntervalMs, real seconds whatever the
  // time scale), one at a time, each with the whole text so far.
  double typing_share = 0.5;
  // "full": each student does what the page does (docs/load.md): the page and its files,
  // the session, the login, the home's lists and event stream, the exam's page, the start, the
  // attempt, the paper and the attempt's stream (load/page_sequence.h). "api": the lean
  // sequence of login, start and paper only (lighter than a real morning: an API figure).
  std::string page = "full";
  // This share of students come with the browser's cache warm (they opened the site before):
  // the page is fetched again but its static files are not (they are immutable).
  double warm_cache_share = 0;
  double reload_share = 0;        // reload the page once, at a random moment
  double network_loss_share = 0;  // lose the network once for `network_loss_s`
  double network_loss_s = 60;
  // The school morning's ("kind = school").
  std::string course = "demo-course";
  double remembered_share = 0.9;  // these logged in yesterday with "remember this device"
  double handin_share = 0.3;      // these hand in a homework
  int64_t handin_kib = 500;
  int64_t file_kib = 1024;        // the course's file everyone downloads
  double slow_share = 0.1;        // these hand in over a slow line
  int64_t slow_kib_per_s = 32;
  std::string teacher_login = "teacher";  // prepares the course's file and homework if missing
  std::string teacher_password = "teacher-demo";
  std::vector<Threshold> thresholds;
  // The starts' schedule begins once every student's login is done (a second later): starts are
  // then measured alone, whatever the logins cost (a capacity search's steps).
  bool start_after_logins = false;
  // The generator must send on schedule: a run whose sends were later than planned by more
  // than this at p99 fails its verdict (the simulator was measuring itself).
  double max_send_lag_ms = 100;
  uint64_t seed = 1;  // the schedule is reproducible for a given seed
};

// Parses a scenario; every problem names its line.
Result<Scenario> ParseScenario(std::string_view toml_text);
Result<Scenario> LoadScenarioFile(const std::string& path);

// Parses one threshold ("save.p99 < 200ms"); the error says what is wrong.
Result<Threshold> ParseThreshold(std::string_view text);

// Judges every threshold against a finished run.
std::vector<Judgement> Judge(const std::vector<Threshold>& thresholds, const RunResult& r);
// Whether the generator kept its schedule (send lag p99 within s.max_send_lag_ms), with its own
// CPU: the judgement every run's verdict ends with.
Judgement JudgeGenerator(const Scenario& s, const RunResult& r);

// When each student does what, in real seconds from the run's start.
struct StudentPlan {
  int64_t number = 0;   // the login number
  double login_at = 0;
  double start_at = 0;
  double submit_at = 0;
  double reload_at = -1;        // < 0: never
  double network_loss_at = -1;  // < 0: never
  double network_loss_for = 0;
  bool warm_cache = false;      // the page's static files are in the browser's cache
};

// The whole morning's schedule (open model: fixed in advance, whatever the server does).
// Real times: scenario times divided by time_scale, shifted so the first event is at 0.
std::vector<StudentPlan> PlanMorning(const Scenario& s);

}  // namespace pupitre::load
