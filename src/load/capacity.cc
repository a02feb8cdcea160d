#include "load/capacity.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace pupitre::load {

std::string WavePlan(int64_t cohort, int64_t max_cohort, double within_s) {
  if (max_cohort <= 0) return "no wave size is safe: even the first step failed";
  if (cohort <= max_cohort) {
    return fmt::format("{} students: one wave is enough (capacity {} within {:.0f} s)", cohort,
                       max_cohort, within_s);
  }
  const int64_t waves = (cohort + max_cohort - 1) / max_cohort;
  const int64_t size = (cohort + waves - 1) / waves;
  // Each wave gets the time to start plus half as much again, in whole minutes.
  const int64_t minutes = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(within_s * 1.5 / 60)));
  return fmt::format("{} students: {} waves of {}, {} minute{} apart", cohort, waves, size,
                     minutes, minutes == 1 ? "" : "s");
}

Result<CapacityReport> FindCapacity(const Scenario& base, const EngineOptions& engine,
                                    const CapacityOptions& o) {
  if (o.start_rate <= 0 || o.factor <= 1 || o.step_s <= 0 || o.within_s <= 0) {
    return Error::Invalid("capacity needs a start rate > 0, a factor > 1, a step and a time > 0");
  }
  auto within = ParseThreshold(fmt::format("taking.max <= {}ms", o.within_s * 1000));
  auto no_errors = ParseThreshold("errors = 0");
  CapacityReport report;
  int64_t next_student = base.first_student;
  const int64_t last_student = base.first_student + o.max_students - 1;
  for (double rate = o.start_rate;; rate *= o.factor) {
    Scenario s = base;
    s.students = std::max<int64_t>(1, static_cast<int64_t>(std::llround(rate * o.step_s)));
    if (next_student + s.students - 1 > last_student) {
      std::fprintf(stderr, "capacity: the next step needs %lld more students than the server has\n",
                   static_cast<long long>(next_student + s.students - 1 - last_student));
      break;
    }
    s.first_student = next_student;
    next_student += s.students;
    s.time_scale = 1;
    s.login_spread_s = 2;  // logged in just before: the step measures starts
    s.start_spread_s = o.step_s;
    s.late_share = 0;
    s.work_s = 2;
    s.think_s = 1;
    s.reload_share = 0;
    s.network_loss_share = 0;
    s.thresholds.push_back(*within);
    s.thresholds.push_back(*no_errors);
    EngineOptions quiet = engine;
    quiet.progress = false;
    quiet.ledger_path.clear();
    std::fprintf(stderr, "capacity: %.1f starts/s (%lld students)...\n", rate,
                 static_cast<long long>(s.students));
    auto r = RunMorning(s, quiet);
    if (!r.ok()) return r.take_error();
    CapacityStep step;
    step.rate = rate;
    step.students = s.students;
    step.errors = r->total_errors();
    step.passed = r->passed();
    auto pct = [&](const char* name, double q) {
      auto it = r->steps.find(name);
      return it == r->steps.end() ? 0.0 : it->second.Percentile(q) / 1000.0;
    };
    step.start_p99_ms = pct("start", 0.99);
    step.taking_p99_ms = pct("taking", 0.99);
    step.taking_max_ms = pct("taking", 1.0);
    for (const auto& j : r->verdict) {
      if (!j.passed) step.failed += (step.failed.empty() ? "" : "; ") + j.observed;
    }
    report.steps.push_back(step);
    if (!step.passed) break;
    report.max_rate = rate;
  }
  report.max_cohort = static_cast<int64_t>(std::floor(report.max_rate * o.within_s));
  if (o.cohort > 0) report.wave_plan = WavePlan(o.cohort, report.max_cohort, o.within_s);
  return report;
}

}  // namespace pupitre::load
