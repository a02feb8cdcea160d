#pragma once
// The exam-morning simulator's engine: plays a Scenario against a running Pupitre, one
// coroutine per simulated student on one Asio event loop (no thread per user), open model
// (every request has an intended send time fixed by the plan; latency is measured from it, so
// a slow server cannot hide behind a slow client).

#include <cstdint>
#include <string>

#include "common/result.h"
#include "load/page_sequence.h"
#include "load/result.h"
#include "load/scenario.h"

namespace pupitre::load {

struct Target {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
};

// Parses "http://HOST:PORT" (an IP address; no TLS, no path).
Result<Target> ParseTarget(const std::string& url);

struct EngineOptions {
  Target target;
  // Connect from 127.0.0.1 .. 127.0.0.N in turn (loopback targets): N x 28k ephemeral ports.
  int source_addresses = 1;
  bool progress = true;     // a live line on stderr, once a second
  std::string ledger_path;  // where to write every acknowledged save (JSON lines); "" = none
  // Event loops, one thread each, the students dealt among them (a school morning keeps one):
  // the generator gets as many cores as it is given, so that it is not what is measured.
  int threads = 1;
  // With the scenario's start_after_logins: read the server's /metrics as the starts begin
  // (RunResult::server_metrics_at_starts).
  bool read_server_metrics = false;
  // Read the server's /metrics once a second to put its count of waiting students beside the
  // simulator's (RunResult::server_peak_waiting, SecondSample::server_waiting).
  bool watch_server = false;
  // An agent of several (distributed generation): this process plays the students whose place
  // in the plan is `slice` modulo `slices` (0-based), on a clock shared with the other agents:
  // the plan's time 0 is `start_at_unix_ms` (0: a moment after the run starts). Their
  // result files merge exactly (MergeResults; `pupitre load merge`).
  int slice = 0;
  int slices = 1;
  int64_t start_at_unix_ms = 0;
};

// Plays the whole morning and judges the scenario's thresholds. Fails only if the run could
// not happen at all (bad target, cannot write the ledger); server errors are results.
Result<RunResult> RunMorning(const Scenario& scenario, const EngineOptions& options);

// What each student of an exam morning asks for: the page's sequence with the static files the
// server's page links now (page = "full"), or the lean one (page = "api").
Result<std::vector<PagePhase>> ExamPageFor(const Scenario& scenario, const Target& target);

// One acknowledged save, as written in the ledger.
struct LedgerEntry {
  int64_t attempt_id = 0;
  std::string question_id;
  int64_t seq = 0;
  std::string value_json;
};

struct VerifyReport {
  int64_t checked = 0;                // ledger entries, latest per (attempt, question)
  std::vector<std::string> problems;  // one line per missing or older answer
};

// Compares the ledger with what the server holds (the teacher's view of every attempt).
Result<VerifyReport> Verify(const std::string& ledger_path, const Target& target,
                            const std::string& exam_id, const std::string& login,
                            const std::string& password);

}  // namespace pupitre::load
