#pragma once
// `pupitre load capacity`: how many students can start an exam within a given time, found by
// raising the rate of starts step by step until something breaks; what broke named (the
// server's CPU, its store's writer, connections, logins, the generator itself); and a wave plan
// for a larger cohort. Every figure it gives was measured: a step's students log in first (its
// starts are then measured alone), steps last as long as the time they claim, and no figure
// goes past what the server or this machine can hold at once.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "load/engine.h"
#include "load/scenario.h"
#include "load/server_figures.h"

namespace pupitre::load {

struct CapacityOptions {
  double start_rate = 50;  // students starting per second at the first step
  double factor = 1.5;     // each step multiplies the rate by this
  double step_s = 60;      // each step's starts are spread over this many seconds
  double within_s = 60;    // a student must be taking the exam this long after arriving
  double login_rate = 200;  // a step's students log in at this rate, before its starts
  double max_generator_cpu = 0.85;  // of its one core: past this the generator is the bound
  int64_t max_students = 100'000;  // stop before using more students than the server has
  int64_t cohort = 0;      // if > 0: propose a wave plan for this many students
};


// One step as played: the run, and the server's figures as its starts began and at its end,
// `window_s` apart.
struct StepOutcome {
  RunResult run;
  ServerFigures before;
  ServerFigures after;
  double window_s = 0;
};
// Plays one step's scenario. LiveSteps plays it against a server; tests give a fake one.
using StepRunner = std::function<Result<StepOutcome>(const Scenario&)>;
StepRunner LiveSteps(const EngineOptions& engine);

struct CapacityStep {
  double rate = 0;
  int64_t students = 0;
  double start_p99_ms = 0;
  double taking_p99_ms = 0;
  double taking_max_ms = 0;
  double login_p99_ms = 0;
  int64_t errors = 0;        // of the starts and after
  int64_t login_errors = 0;  // logins that failed before the starts (the step then says nothing)
  bool passed = false;
  std::string failed;  // the thresholds that broke
  // How busy each resource was during the starts: shares of what it can give (-1: not told).
  double server_cpu = -1;   // of all the server's cores
  double writer_busy = -1;  // of the store's one writer
  double generator_cpu = 0;  // of the generator's one core (the whole step)
  double send_lag_p99_ms = 0;
  std::string bound;  // when it failed: what broke (BoundOf)
};

struct CapacityReport {
  std::vector<CapacityStep> steps;
  double max_rate = 0;       // the highest rate that passed (0: none did)
  // Students that started within `cohort_within_s` at max_rate: the students of that step,
  // measured, never extrapolated; no more than the server or this machine can hold at once.
  int64_t max_cohort = 0;
  double cohort_within_s = 0;
  std::string bound;         // what stopped the search, in words
  int64_t connections_limit = 0;  // the server's, as told (0: not told)
  std::string wave_plan;     // for options.cohort, if asked
};

// Each step uses fresh students (first_student moves on): they log in at login_rate, then start
// over step_s at the step's rate (start_after_logins), each fetching the paper and saving
// answers. The scenario's thresholds apply, plus "errors = 0" and "taking.max <= within_s". The
// search stops at the first step that fails, whose logins fail, whose generator is the bound, or
// before a step that needs more students than max_students, or more connections at once than
// the server serves or `generator_files` (this process's open-file limit) allows.
Result<CapacityReport> FindCapacity(const Scenario& base, const CapacityOptions& options,
                                    const StepRunner& run_step, int64_t generator_files);

// What broke in a failed step, from its resources' shares and errors.
std::string BoundOf(const CapacityStep& step, const StepOutcome& outcome);

// "12000 students: 3 waves of 4000, 2 minutes apart" (or "one wave is enough").
std::string WavePlan(int64_t cohort, int64_t max_cohort, double within_s);

}  // namespace pupitre::load
