#include "cli/load_command.h"

#include <sys/resource.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "load/engine.h"
#include "common/file_limit.h"
#include "load/result.h"
#include "load/scenario.h"

namespace pupitre::cli {

int RunLoad(bool verify, const std::string& scenario_path, const std::string& target_url,
            const std::string& out_dir, int source_addresses, bool quiet,
            const std::string& ledger_path, const std::string& exam_id,
            const std::string& teacher, const std::string& teacher_password) {
  auto target = load::ParseTarget(target_url);
  if (!target.ok()) {
    std::cerr << "pupitre load: " << target.error().message << "\n";
    return 2;
  }
  if (verify) {
    auto report = load::Verify(ledger_path, *target, exam_id, teacher, teacher_password);
    if (!report.ok()) {
      std::cerr << "pupitre load verify: " << report.error().message << "\n";
      return 2;
    }
    for (const auto& p : report->problems) std::cout << p << "\n";
    std::cout << fmt::format("{} acknowledged answers checked, {} missing or older\n",
                             report->checked, report->problems.size());
    return report->problems.empty() ? 0 : 1;
  }
  if (scenario_path.empty()) {
    std::cerr << "pupitre load: --scenario is required\n";
    return 2;
  }
  auto scenario = load::LoadScenarioFile(scenario_path);
  if (!scenario.ok()) {
    std::cerr << "pupitre load: " << scenario.error().message << "\n";
    for (const auto& p : scenario.error().problems) {
      std::cerr << scenario_path << ":" << p.line << ": " << p.message << "\n";
    }
    return 2;
  }
  RaiseFileLimit();
  load::EngineOptions options;
  options.target = *target;
  options.source_addresses = source_addresses;
  options.progress = !quiet;
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      std::cerr << "pupitre load: cannot create " << out_dir << ": " << ec.message() << "\n";
      return 2;
    }
    options.ledger_path = out_dir + "/ledger.jsonl";
  }
  auto result = load::RunMorning(*scenario, options);
  if (!result.ok()) {
    std::cerr << "pupitre load: " << result.error().message << "\n";
    return 2;
  }
  const load::RunResult& r = *result;
  std::cout << fmt::format("scenario {}: {} students against {} in {:.1f} s\n", r.scenario,
                           r.students, r.target, r.duration_s);
  std::cout << fmt::format("  {:<8} {:>8} {:>10} {:>10} {:>10} {:>10}\n", "step", "count",
                           "p50 ms", "p99 ms", "p99.9 ms", "max ms");
  for (const auto& [step, h] : r.steps) {
    std::cout << fmt::format("  {:<8} {:>8} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f}\n", step,
                             h.count(), h.Percentile(0.5) / 1000.0, h.Percentile(0.99) / 1000.0,
                             h.Percentile(0.999) / 1000.0, h.max() / 1000.0);
  }
  std::cout << fmt::format("  finished {}/{}, acknowledged saves {}, peak waiting {}\n",
                           r.finished, r.students, r.acknowledged_saves, r.peak_waiting);
  for (const auto& [kind, n] : r.errors) std::cout << fmt::format("  error {}: {}\n", kind, n);
  for (const auto& j : r.verdict) {
    std::cout << fmt::format("  [{}] {} ({})\n", j.passed ? "pass" : "FAIL", j.text, j.observed);
  }
  std::cout << "verdict: " << (r.passed() ? "PASS" : "FAIL") << "\n";
  if (!out_dir.empty()) {
    std::ofstream(out_dir + "/result.json") << load::ResultJson(r) << "\n";
    std::ofstream(out_dir + "/report.html") << load::ReportHtml(r);
    std::cout << "wrote " << out_dir << "/result.json, report.html, ledger.jsonl\n";
  }
  return r.passed() ? 0 : 1;
}

int RunCapacity(const std::string& scenario_path, const std::string& target_url,
                int source_addresses, const CapacityArgs& args) {
  auto target = load::ParseTarget(target_url);
  if (!target.ok()) {
    std::cerr << "pupitre load capacity: " << target.error().message << "\n";
    return 2;
  }
  auto scenario = load::LoadScenarioFile(scenario_path);
  if (!scenario.ok()) {
    std::cerr << "pupitre load capacity: " << scenario.error().message << "\n";
    for (const auto& p : scenario.error().problems) {
      std::cerr << scenario_path << ":" << p.line << ": " << p.message << "\n";
    }
    return 2;
  }
  RaiseFileLimit();
  load::EngineOptions engine;
  engine.target = *target;
  engine.source_addresses = source_addresses;
  auto report = load::FindCapacity(*scenario, engine, args.options);
  if (!report.ok()) {
    std::cerr << "pupitre load capacity: " << report.error().message << "\n";
    return 2;
  }
  std::cout << fmt::format("{:>10} {:>9} {:>13} {:>15} {:>14} {:>7}  {}\n", "starts/s",
                           "students", "start p99 ms", "taking p99 ms", "taking max ms",
                           "errors", "verdict");
  for (const auto& st : report->steps) {
    std::cout << fmt::format("{:>10.1f} {:>9} {:>13.1f} {:>15.1f} {:>14.1f} {:>7}  {}\n",
                             st.rate, st.students, st.start_p99_ms, st.taking_p99_ms,
                             st.taking_max_ms, st.errors,
                             st.passed ? "pass" : "FAIL: " + st.failed);
  }
  if (report->max_rate <= 0) {
    std::cout << "capacity: even the first step failed; lower --start-rate\n";
    return 1;
  }
  std::cout << fmt::format(
      "capacity: {:.1f} starts/s held; about {} students can start within {:.0f} s\n",
      report->max_rate, report->max_cohort, args.options.within_s);
  if (!report->wave_plan.empty()) std::cout << "wave plan: " << report->wave_plan << "\n";
  return 0;
}

int RunProbe(const std::string& target_url, ProbeArgs args) {
  auto target = load::ParseTarget(target_url);
  if (!target.ok()) {
    std::cerr << "pupitre load probe: " << target.error().message << "\n";
    return 2;
  }
  for (const auto& h : args.headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos) {
      std::cerr << "pupitre load probe: a header is \"Name: value\", not \"" << h << "\"\n";
      return 2;
    }
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    args.options.headers[h.substr(0, colon)] = value;
  }
  auto r = load::Probe(*target, args.options);
  if (!r.ok()) {
    std::cerr << "pupitre load probe: " << r.error().message << "\n";
    return 2;
  }
  std::cout << fmt::format("Requests/sec: {:.2f}\nLatency mean ms: {:.3f}\nLatency p50 ms: {:.3f}\n"
                           "Latency p99 ms: {:.3f}\nFailed: {}\n",
                           r->rate(), r->latency.mean() / 1000.0,
                           r->latency.Percentile(0.5) / 1000.0,
                           r->latency.Percentile(0.99) / 1000.0, r->failed);
  return r->failed == 0 ? 0 : 1;
}

}  // namespace pupitre::cli
