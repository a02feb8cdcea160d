#pragma once
// `pupitre load capacity`: how many students can start an exam within a given time, found by
// raising the arrival rate step by step until a threshold breaks; and a wave plan for a larger
// cohort.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "load/engine.h"
#include "load/scenario.h"

namespace pupitre::load {

struct CapacityOptions {
  double start_rate = 50;  // students starting per second at the first step
  double factor = 1.5;     // each step multiplies the rate by this
  double step_s = 10;      // each step's starts are spread over this many seconds
  double within_s = 60;    // a student must be taking the exam this long after arriving
  int64_t max_students = 100'000;  // stop before using more students than the server has
  int64_t cohort = 0;      // if > 0: propose a wave plan for this many students
};

struct CapacityStep {
  double rate = 0;
  int64_t students = 0;
  double start_p99_ms = 0;
  double taking_p99_ms = 0;
  double taking_max_ms = 0;
  int64_t errors = 0;
  bool passed = false;
  std::string failed;  // the thresholds that broke
};

struct CapacityReport {
  std::vector<CapacityStep> steps;
  double max_rate = 0;       // the highest rate that passed (0: none did)
  int64_t max_cohort = 0;    // max_rate x within_s: students that start within the time
  std::string wave_plan;     // for options.cohort, if asked
};

// Each step uses fresh students (first_student moves on), logged in before the step, then
// starting over step_s at the step's rate, each fetching the paper and saving one answer. The
// scenario's thresholds apply, plus "errors = 0" and "taking.max <= within_s".
Result<CapacityReport> FindCapacity(const Scenario& base, const EngineOptions& engine,
                                    const CapacityOptions& options);

// "12000 students: 3 waves of 4000, 2 minutes apart" (or "one wave is enough").
std::string WavePlan(int64_t cohort, int64_t max_cohort, double within_s);

}  // namespace pupitre::load
