#pragma once
// `pupitre load` and `pupitre load verify`: the command-line side of the simulator.

#include <string>

#include <vector>

#include "load/capacity.h"
#include "load/probe.h"

namespace pupitre::cli {

// Distributed generation: `agents` > 1 runs that many processes of this program, each a slice
// of the students on one clock, and merges their results; `slice` ("K/N") and `start_at_ms`
// make this process one such agent (EngineOptions::slice, start_at_unix_ms).
struct AgentArgs {
  int agents = 1;
  std::string slice;
  int64_t start_at_ms = 0;
};

// Runs a scenario (or, with `verify`, checks a ledger). Returns the process exit code:
// 0 pass, 1 a threshold failed or an acknowledged save is missing, 2 bad input.
// `threads`: the generator's event loops (EngineOptions::threads).
int RunLoad(bool verify, const std::string& scenario_path, const std::string& target_url,
            const std::string& out_dir, int source_addresses, int threads, bool quiet,
            const std::string& ledger_path, const std::string& exam_id,
            const std::string& teacher, const std::string& teacher_password,
            const AgentArgs& agents);

// `pupitre load merge`: the result files of agents of one morning (on one machine or several)
// merged exactly, judged on the scenario's thresholds, printed (and written to `out_dir`).
// Returns 0 pass, 1 a threshold failed, 2 a file is missing or not a result.
int RunMerge(const std::string& scenario_path, const std::string& out_dir,
             const std::vector<std::string>& files);

struct CapacityArgs {
  load::CapacityOptions options;
  int threads = 1;  // the generator's event loops
};

// `pupitre load capacity`: prints each step, the capacity found and a wave plan. Returns 0 when
// a capacity was found, 1 when even the first step failed, 2 on bad input.
int RunCapacity(const std::string& scenario_path, const std::string& target_url,
                int source_addresses, const CapacityArgs& args);

// `pupitre load page-sequence`: prints, as JSON, what each simulated student asks for with
// `page` ("full": the page's sequence with the static files the server's page links; "api").
// Returns 0, or 2 when the target cannot be read.
int RunPageSequence(const std::string& target_url, const std::string& page);

struct ProbeArgs {
  load::ProbeOptions options;
  std::vector<std::string> headers;  // "Name: value"
};

// `pupitre load probe`: prints requests/s and latency (mean, p50, p99) like wrk's summary.
int RunProbe(const std::string& target_url, ProbeArgs args);

}  // namespace pupitre::cli
