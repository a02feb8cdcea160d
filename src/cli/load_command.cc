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
            const std::string& out_dir, int source_addresses, int threads, bool quiet,
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
  options.threads = threads;
  options.watch_server = true;  // the server's count of waiting students beside ours
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
  std::cout << fmt::format("scenario {}: {} students against {} in {}\n", r.scenario,
                           r.students, r.target, load::DurationText(r));
  std::cout << fmt::format("  {:<8} {:>8} {:>10} {:>10} {:>10} {:>10}\n", "step", "count",
                           "p50 ms", "p99 ms", "p99.9 ms", "max ms");
  for (const auto& [step, h] : r.steps) {
    std::cout << fmt::format("  {:<8} {:>8} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f}\n", step,
                             h.count(), h.Percentile(0.5) / 1000.0, h.Percentile(0.99) / 1000.0,
                             h.Percentile(0.999) / 1000.0, h.max() / 1000.0);
  }
  std::cout << fmt::format("  finished {}/{}, acknowledged saves {}, peak waiting {}\n",
                           r.finished, r.students, r.acknowledged_saves, load::WaitingText(r));
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
  engine.threads = args.threads;
  rlimit files{};
  const int64_t generator_files =
      getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY ? static_cast<int64_t>(files.rlim_cur) : 0;
  auto report = load::FindCapacity(*scenario, args.options, load::LiveSteps(engine), generator_files);
  if (!report.ok()) {
    std::cerr << "pupitre load capacity: " << report.error().message << "\n";
    return 2;
  }
  const auto share = [](double v) { return v < 0 ? std::string("-") : fmt::format("{:.0f}%", v * 100); };
  std::cout << fmt::format("{:>9} {:>8} {:>9} {:>9} {:>10} {:>9} {:>6} {:>7} {:>7} {:>7}  {}\n",
                           "starts/s", "students", "login p99", "start p99", "taking p99", "taking max",
                           "errors", "srv CPU", "writer", "gen CPU", "verdict");
  for (const auto& st : report->steps) {
    std::cout << fmt::format("{:>9.1f} {:>8} {:>9.1f} {:>9.1f} {:>10.1f} {:>9.1f} {:>6} {:>7} {:>7} {:>7}  {}\n",
                             st.rate, st.students, st.login_p99_ms, st.start_p99_ms,
                             st.taking_p99_ms, st.taking_max_ms, st.errors + st.login_errors,
                             share(st.server_cpu), share(st.writer_busy), share(st.generator_cpu),
                             st.passed ? "pass" : "FAIL: " + st.bound + (st.failed.empty() ? "" : " [" + st.failed + "]"));
  }
  if (report->max_rate <= 0) {
    std::cout << "capacity: even the first step failed (" << report->bound << "); lower --start-rate\n";
    return 1;
  }
  std::cout << fmt::format(
      "capacity: {:.1f} starts/s held; {} students arriving over {:.0f} s were each taking the exam "
      "within {:.0f} s (measured, not extrapolated)\n",
      report->max_rate, report->max_cohort, report->cohort_within_s, args.options.within_s);
  std::cout << "bound: " << (report->bound.empty() ? "none reached" : report->bound) << "\n";
  if (report->connections_limit > 0) {
    std::cout << fmt::format("the server serves at most {} connections at once\n", report->connections_limit);
  }
  if (!report->wave_plan.empty()) std::cout << "wave plan: " << report->wave_plan << "\n";
  return 0;
}

int RunPageSequence(const std::string& target_url, const std::string& page) {
  auto target = load::ParseTarget(target_url);
  if (!target.ok()) {
    std::cerr << "pupitre load page-sequence: " << target.error().message << "\n";
    return 2;
  }
  load::Scenario s;
  s.page = page;
  auto phases = load::ExamPageFor(s, *target);
  if (!phases.ok()) {
    std::cerr << "pupitre load page-sequence: " << phases.error().message << "\n";
    return 2;
  }
  std::cout << load::PageSequenceJson(*phases) << "\n";
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
