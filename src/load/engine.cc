#include "load/engine.h"
#include "load/fetch.h"
#include "load/page_sequence.h"
#include "load/run.h"

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace pupitre::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

Result<Target> ParseTarget(const std::string& url) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) return Error::Invalid("target must start with http://");
  std::string rest = url.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  Target t;
  t.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  if (colon != std::string::npos) {
    try {
      int port = std::stoi(rest.substr(colon + 1));
      if (port <= 0 || port > 65535) throw std::out_of_range("port");
      t.port = static_cast<uint16_t>(port);
    } catch (const std::exception&) {
      return Error::Invalid("target has a bad port: " + url);
    }
  } else {
    t.port = 80;
  }
  boost::system::error_code ec;
  asio::ip::make_address(t.host, ec);
  if (ec) return Error::Invalid("target host must be an IP address: " + t.host);
  return t;
}

using detail::Run;

Result<std::vector<PagePhase>> ExamPageFor(const Scenario& scenario, const Target& target) {
  if (scenario.page == "api") return ApiSequence();
  // The static files are those the server's page links now (the simulator asks for what a
  // browser opening it would).
  auto index = FetchText(target, bhttp::verb::get, "/");
  if (!index.ok()) return Error::Invalid("cannot read the page the students open: " + index.error().message);
  return ExamPageSequence(StaticFilesOf(*index));
}

Result<RunResult> RunMorning(const Scenario& scenario, const EngineOptions& options) {
  if (!options.ledger_path.empty()) {
    std::ofstream probe(options.ledger_path);
    if (!probe) return Error::Invalid("cannot write the ledger at " + options.ledger_path);
  }
  if (options.slices > 1 && (scenario.kind != "exam" || scenario.start_after_logins)) {
    return Error::Invalid("a school morning, or start_after_logins, needs every student in one "
                          "generator: it cannot be played in slices");
  }
  if (options.slices < 1 || options.slice < 0 || options.slice >= options.slices) {
    return Error::Invalid("a slice is K/N with 1 <= K <= N");
  }
  // This generator's share of the plan (all of it unless it is one agent of several), each
  // student with their place in the whole plan.
  std::vector<std::pair<StudentPlan, int>> plans;
  {
    const auto all = PlanMorning(scenario);
    for (size_t i = 0; i < all.size(); ++i) {
      if (static_cast<int>(i % static_cast<size_t>(options.slices)) == options.slice) {
        plans.emplace_back(all[i], static_cast<int>(i));
      }
    }
  }
  // One event loop a thread, the students dealt among them in turn (a school morning, whose
  // set-up is one, keeps one loop).
  const size_t loops = scenario.kind == "school"
                           ? 1
                           : std::clamp<size_t>(static_cast<size_t>(std::max(1, options.threads)), 1,
                                                std::max<size_t>(1, plans.size()));
  std::vector<std::vector<std::pair<StudentPlan, int>>> dealt(loops);
  for (size_t i = 0; i < plans.size(); ++i) dealt[i % loops].push_back(plans[i]);
  detail::Shared shared;
  if (scenario.kind == "exam") {
    auto page = ExamPageFor(scenario, options.target);
    if (!page.ok()) return page.error();
    shared.page = std::move(*page);
    // Every student's connections are held at once at the exam's height: this process must be
    // able to open them (or the run would measure its own limit).
    const int64_t students = static_cast<int64_t>(plans.size());
    const int64_t needed = students * ConnectionsPerStudent(shared.page) + 64;
    if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
                        needed > static_cast<int64_t>(files.rlim_cur)) {
      return Error::Invalid(fmt::format(
          "{} students hold up to {} connections at once ({} each, page = \"{}\"), past the {} "
          "files this process may open: share them among agents (--agents N), or raise the limit",
          students, needed - 64, ConnectionsPerStudent(shared.page), scenario.page, files.rlim_cur));
    }
  }
  // The plan's time 0: a moment from now, or the instant the agents agreed on.
  shared.t0 = Steady::now() + std::chrono::milliseconds(100);
  if (options.start_at_unix_ms > 0) {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
    if (options.start_at_unix_ms < now_ms - 1000) {
      return Error::Invalid(fmt::format("--start-at is {} ms in the past", now_ms - options.start_at_unix_ms));
    }
    shared.t0 = Steady::now() + std::chrono::milliseconds(options.start_at_unix_ms - now_ms);
  }
  shared.students = static_cast<int64_t>(plans.size());
  std::vector<std::unique_ptr<Run>> runs;
  for (auto& mine : dealt) runs.push_back(std::make_unique<Run>(scenario, options, shared, std::move(mine)));
  for (auto& run : runs) shared.runs.push_back(run.get());
  std::vector<std::thread> threads;
  for (size_t k = 1; k < runs.size(); ++k) threads.emplace_back([&runs, k] { runs[k]->Play(); });
  runs.front()->Play();
  for (auto& t : threads) t.join();
  std::vector<LedgerEntry> ledger;
  for (const auto& run : runs) ledger.insert(ledger.end(), run->ledger().begin(), run->ledger().end());
  RunResult r = Run::Merge(scenario, runs);
  if (!options.ledger_path.empty()) {
    std::ofstream out(options.ledger_path);
    for (const auto& e : ledger) {
      out << json::serialize(json::object{{"attempt_id", e.attempt_id},
                                          {"question_id", e.question_id},
                                          {"seq", e.seq},
                                          {"value", json::parse(e.value_json)}})
          << "\n";
    }
  }
  return r;
}

}  // namespace pupitre::load
