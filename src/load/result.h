#pragma once
// What one run of the simulator measured, and how it is written out: a JSON result for tools
// and a self-contained HTML report (inline SVG plots, no script, no external file) for people.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "load/histogram.h"

namespace pupitre::load {

// The steps a simulated student goes through, as named in results and thresholds.
// "login", "start", "paper", "save", "submit", "wait" (time in the waiting room).

// One second of the run.
struct SecondSample {
  double t_s = 0;           // seconds since the run started (in real, not scenario, time)
  int64_t active = 0;       // students logged in and not yet finished
  int64_t arrivals = 0;     // students who arrived (first request) during this second
  int64_t errors = 0;       // failed requests during this second
  int64_t waiting = 0;      // students in a waiting room at the end of this second
  int64_t server_waiting = -1;  // the server's count (its /metrics) during this second (-1: not read)
  // Latency of the requests completed during this second, by step: p50 and p99 in ms.
  std::map<std::string, std::pair<double, double>> latency_ms;
};

// One threshold of the scenario, judged. `text` is as written, e.g. "save.p99 < 200ms".
struct Judgement {
  std::string text;
  bool passed = false;
  std::string observed;  // e.g. "save.p99 = 37.2 ms"
};

struct RunResult {
  std::string scenario;  // the scenario's name
  std::string target;    // the URL measured
  double duration_s = 0;
  double time_scale = 1;  // scenario seconds per real second
  int64_t students = 0;
  int64_t finished = 0;   // submitted their exam
  std::map<std::string, LogHistogram> steps;    // latency by step (µs, from intended send)
  std::map<std::string, int64_t> errors;        // failed requests by kind, e.g. "save: 503"
  int64_t acknowledged_saves = 0;
  // Students waiting at once, as the simulator counts them (from the 202 until it reads the
  // "admitted" event) and as the server does (queued until admitted, sampled once a second from
  // its /metrics; -1: not read): the two differ by the time an admission takes to reach a page.
  int64_t peak_waiting = 0;
  int64_t server_peak_waiting = -1;
  int64_t login_line_polls = 0;  // logins sent again with a ticket from the login line (202)
  // The generator's own figures: how late each planned send left (µs; open model: the plan is
  // fixed, so lateness is the simulator's, not the server's), and the CPU its loop used.
  LogHistogram send_lag;
  double generator_cpu_s = 0;  // of all its threads
  int generator_threads = 1;   // its event loops
  // With start_after_logins: when the starts began (seconds from the run's start), and the
  // server's /metrics text then, if asked (EngineOptions::read_server_metrics; not in the JSON).
  double starts_began_s = -1;
  std::string server_metrics_at_starts;
  std::vector<SecondSample> timeline;
  std::vector<Judgement> verdict;

  bool passed() const {
    for (const auto& j : verdict) {
      if (!j.passed) return false;
    }
    return true;
  }
  int64_t total_errors() const {
    int64_t n = 0;
    for (const auto& [k, v] : errors) n += v;
    return n;
  }
};

// The run's length as people should read it: real seconds and, when the scenario's time was
// scaled, the scenario seconds they stand for.
std::string DurationText(const RunResult& r);

// The peak of waiting students as people should read it: the simulator's, and the server's
// beside it when it was read.
std::string WaitingText(const RunResult& r);

// The result as JSON: every field above; histograms as count, min, mean, p50, p90, p99,
// p99.9 and max in milliseconds.
std::string ResultJson(const RunResult& r);

// Reads back what ResultJson wrote, histograms from their buckets (the verdict's texts too). An
// error names what is missing or wrong.
Result<RunResult> ParseResultJson(std::string_view text);

// The results of several generators of one morning (agents, each playing a share of the
// students on one clock: `pupitre load --slice`) as one: histograms merged bucket by bucket
// (exact, not averaged), counts and errors added, timelines added second by second, the peak of
// waiting students the largest sum at one second (or one agent's own peak, if larger), the
// duration the longest. A second's latency line (p50, p99 in the plots) is the worst agent's:
// those are not mergeable. The verdict is left to the caller (Judge).
RunResult MergeResults(std::vector<RunResult> parts);

// A self-contained HTML page: the verdict first (pass/fail per threshold), a table of step
// latencies, then SVG plots over time of active students and arrivals, latency percentiles
// (p50/p99 per step), errors, and waiting-room length. Escapes every text it shows.
std::string ReportHtml(const RunResult& r);

}  // namespace pupitre::load
