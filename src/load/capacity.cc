#include "load/capacity.h"
#include "load/page_sequence.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "load/fetch.h"

namespace pupitre::load {

namespace {

constexpr double kBusy = 0.85;        // a resource this busy is saturated
constexpr int64_t kFilesKept = 64;    // the generator's descriptors that are not connections

double Share(double used, double available) { return available > 0 ? used / available : -1; }

std::string Percent(double share) {
  return share < 0 ? "not told" : fmt::format("{:.0f}%", share * 100);
}

}  // namespace

StepRunner LiveSteps(const EngineOptions& engine) {
  return [engine](const Scenario& s) -> Result<StepOutcome> {
    EngineOptions quiet = engine;
    quiet.progress = false;
    quiet.ledger_path.clear();
    quiet.read_server_metrics = true;
    auto run = RunMorning(s, quiet);
    if (!run.ok()) return run.take_error();
    StepOutcome out;
    auto end = FetchText(engine.target, boost::beast::http::verb::get, "/metrics");
    if (end.ok()) out.after = ParseServerFigures(*end);
    out.before = ParseServerFigures(run->server_metrics_at_starts);
    out.window_s = run->starts_began_s >= 0 ? run->duration_s - run->starts_began_s : run->duration_s;
    out.run = std::move(*run);
    return out;
  };
}

std::string BoundOf(const CapacityStep& step, const StepOutcome& o) {
  const int64_t refused = o.before.told && o.after.told
                              ? o.after.connections_refused - o.before.connections_refused
                              : 0;
  if (refused > 0) {
    return fmt::format("connections: the server refused {} (server.max_connections, or a cap per "
                       "address: spread the clients with --source-addresses)", refused);
  }
  if (step.server_cpu >= kBusy) {
    return fmt::format("the server's CPU: {} of its {:g} cores during the starts",
                       Percent(step.server_cpu), o.after.cores);
  }
  if (step.writer_busy >= kBusy) {
    return fmt::format("the store's writer: committing {} of the time during the starts",
                       Percent(step.writer_busy));
  }
  if (o.run.peak_waiting > 0) {
    return fmt::format("admission: students waited in the waiting room, which admitted {:.1f} starts/s "
                       "at the end (its [waiting_room] rate, adapted to the server's load)",
                       o.after.admission_rate);
  }
  return fmt::format("latency: thresholds broke with no resource saturated (the server's CPU {}, "
                     "its writer {}, the generator {})",
                     Percent(step.server_cpu), Percent(step.writer_busy), Percent(step.generator_cpu));
}

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

Result<CapacityReport> FindCapacity(const Scenario& base, const CapacityOptions& o,
                                    const StepRunner& run_step, int64_t generator_files) {
  if (o.start_rate <= 0 || o.factor <= 1 || o.step_s <= 0 || o.within_s <= 0 || o.login_rate <= 0) {
    return Error::Invalid("capacity needs a start rate > 0, a factor > 1, a login rate > 0, a step "
                          "and a time > 0");
  }
  auto within = ParseThreshold(fmt::format("taking.max <= {}ms", o.within_s * 1000));
  auto no_errors = ParseThreshold("errors = 0");
  CapacityReport report;
  int64_t next_student = base.first_student;
  const int64_t last_student = base.first_student + o.max_students - 1;
  // Every student of a step is connected at once (logged in, then waiting for the starts): no
  // step may need more connections than this machine can open or the server serves.
  const int64_t generator_limit =
      generator_files > 0 ? std::max<int64_t>(1, generator_files - kFilesKept) : std::numeric_limits<int64_t>::max();
  // Each student holds their connection and, with the full page, its event stream.
  const int64_t each = ConnectionsPerStudent(base.page == "api" ? ApiSequence() : ExamPageSequence({}));
  for (double rate = o.start_rate;; rate *= o.factor) {
    const int64_t students = std::max<int64_t>(1, static_cast<int64_t>(std::llround(rate * o.step_s)));
    if (next_student + students - 1 > last_student) {
      report.bound = fmt::format("students: the next step needs {}, more than the {} left of "
                                 "--max-students (the server's students)",
                                 students, last_student - next_student + 1);
      break;
    }
    if (students * each > generator_limit) {
      report.bound = fmt::format("this machine's open files: the next step's {} students would "
                                 "hold {} connections at once, past the {} it can open (run "
                                 "several generators, or raise the limit)",
                                 students, students * each, generator_limit);
      break;
    }
    if (report.connections_limit > 0 && students * each > report.connections_limit) {
      report.bound = fmt::format("connections: the next step's {} students would hold {} "
                                 "connections at once, past the {} the server serves "
                                 "(server.max_connections, kept below its open-file limit)",
                                 students, students * each, report.connections_limit);
      break;
    }
    Scenario s = base;
    s.students = students;
    s.first_student = next_student;
    next_student += students;
    s.time_scale = 1;
    s.login_spread_s = static_cast<double>(students) / o.login_rate;
    s.start_after_logins = true;  // the step measures starts, whatever logins cost
    s.start_spread_s = o.step_s;
    s.late_share = 0;
    s.work_s = 2;
    s.think_s = 1;
    s.reload_share = 0;
    s.network_loss_share = 0;
    s.thresholds.push_back(*within);
    s.thresholds.push_back(*no_errors);
    std::fprintf(stderr, "capacity: %.1f starts/s (%lld students, logged in first at %.0f/s)...\n",
                 rate, static_cast<long long>(students), o.login_rate);
    auto outcome = run_step(s);
    if (!outcome.ok()) return outcome.take_error();
    const RunResult& r = outcome->run;
    for (const ServerFigures* f : {&outcome->before, &outcome->after}) {
      if (f->connections_limit > 0) report.connections_limit = f->connections_limit;
    }

    CapacityStep step;
    step.rate = rate;
    step.students = students;
    auto pct = [&](const char* name, double q) {
      auto it = r.steps.find(name);
      return it == r.steps.end() ? 0.0 : static_cast<double>(it->second.Percentile(q)) / 1000.0;
    };
    step.start_p99_ms = pct("start", 0.99);
    step.taking_p99_ms = pct("taking", 0.99);
    step.taking_max_ms = pct("taking", 1.0);
    step.login_p99_ms = pct("login", 0.99);
    for (const auto& [kind, n] : r.errors) {
      (kind.starts_with("login") ? step.login_errors : step.errors) += n;
    }
    const ServerFigures& b = outcome->before;
    const ServerFigures& a = outcome->after;
    if (b.told && a.told && outcome->window_s > 0) {
      step.server_cpu = Share(a.cpu_s - b.cpu_s, outcome->window_s * std::max(1.0, a.cores));
      step.writer_busy = Share(a.writer_busy_s - b.writer_busy_s, outcome->window_s);
    }
    step.generator_cpu =
        r.duration_s > 0 ? r.generator_cpu_s / (r.duration_s * std::max(1, r.generator_threads)) : 0;
    step.send_lag_p99_ms = static_cast<double>(r.send_lag.Percentile(0.99)) / 1000.0;
    for (const auto& j : r.verdict) {
      if (!j.passed) step.failed += (step.failed.empty() ? "" : "; ") + j.observed;
    }

    if (step.login_errors > 0) {
      step.bound = fmt::format("logins: {} failed before the starts (the login capacity broke, not "
                               "the starts: lower --login-rate, or measure logins on their own)",
                               step.login_errors);
    } else if (step.generator_cpu >= o.max_generator_cpu || !JudgeGenerator(s, r).passed) {
      step.bound = fmt::format("the generator: {} of its cores, sends {:.1f} ms late at p99 (the step "
                               "measured the simulator as much as the server: run several "
                               "generators)", Percent(step.generator_cpu), step.send_lag_p99_ms);
    } else if (!r.passed()) {
      step.bound = BoundOf(step, *outcome);
    } else {
      step.passed = true;
    }
    report.steps.push_back(step);
    if (!step.passed) {
      report.bound = step.bound;
      break;
    }
    report.max_rate = rate;
    report.max_cohort = students;
    report.cohort_within_s = o.step_s;
  }
  if (report.connections_limit > 0 && report.max_cohort * each > report.connections_limit) {
    report.max_cohort = report.connections_limit / each;  // never more than can be connected at once
  }
  if (o.cohort > 0) {
    report.wave_plan = WavePlan(o.cohort, report.max_cohort, std::max(o.step_s, o.within_s));
  }
  return report;
}

}  // namespace pupitre::load
