// The 9 a.m. flash crowd: N already logged-in students start one exam within T seconds
// (open model: each arrives at its planned time whether or not the server keeps up; latency
// is measured from that planned time). Each student starts, waits in the waiting room if told
// to (following its server-sent events, as the page does), fetches the paper and saves one
// answer. The baseline, in the same run, is the same arrival schedule of GET /healthz on new
// connections: what the platform costs over bare HTTP.
//
// With --cluster, the same crowd meets two nodes on PostgreSQL behind HAProxy (configured by
// deploy/haproxy-cfg.sh), the students split between two exams held by different nodes: half of
// them go straight to the node holding their exam, the other half through HAProxy (two HAProxy
// processes, as two front ends: one process cannot hold 10,000 proxied connections within this
// machine's open-file limit), one crowd after the other in the same run: the ratio is what
// HAProxy in the path costs. `--students 20000` is 10,000 each way.
//
// Usage: flash_crowd_bench [--students 10000] [--seconds 10] [--cluster] [--json FILE]
#include <signal.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench_kit.h"
#include "testkit/child_server.h"
#include "testkit/haproxy.h"
#include "testkit/http_client.h"
#include "testkit/postgres_server.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;
using asio::use_awaitable;
using pupitre::testkit::ChildServer;
using pupitre::testkit::HttpClient;
using pupitre::testkit::HttpResult;
using pupitre::bench::Call;
using pupitre::bench::Connect;
using pupitre::bench::LogInRange;

namespace {

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Samples {
  std::vector<double> v;
  double Pct(double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  }
  double Max() { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
};

struct Results {
  Samples start_ms;       // planned arrival -> first answer to POST start (200 or 202)
  Samples taking_ms;      // planned arrival -> paper in hand (taking the exam)
  Samples save_ms;        // one save's round trip
  Samples healthz_ms;     // baseline
  int immediate = 0;      // admitted at once
  int queued = 0;         // given a place
  int64_t peak_position = 0;
  int errors = 0;
  std::vector<std::string> error_samples;
  void Error(std::string what) {
    ++errors;
    if (error_samples.size() < 5) error_samples.push_back(std::move(what));
  }
};

// Waits for the "admitted" event on the waiting room's stream; returns the attempt id.
asio::awaitable<int64_t> AwaitAdmission(uint16_t port, const std::string& token,
                                        Results& r, const std::string& exam) {
  beast::tcp_stream s(co_await asio::this_coro::executor);
  co_await Connect(s, port);
  std::string req = "GET /api/exams/" + exam + "/waiting-room/events HTTP/1.1\r\nHost: x\r\n"
                    "Authorization: Bearer " + token + "\r\n\r\n";
  co_await asio::async_write(s, asio::buffer(req), use_awaitable);
  std::string in;
  char chunk[2048];
  for (;;) {
    s.expires_after(std::chrono::seconds(120));
    size_t n = co_await s.async_read_some(asio::buffer(chunk), use_awaitable);
    in.append(chunk, n);
    size_t at;
    while ((at = in.find("\n\n")) != std::string::npos) {
      std::string block = in.substr(0, at);
      in.erase(0, at + 2);
      size_t data = block.find("data: ");
      if (data == std::string::npos) continue;
      auto v = boost::json::parse(block.substr(data + 6));
      if (block.find("event: admitted") != std::string::npos) {
        co_return v.at("attempt_id").as_int64();
      }
      if (block.find("event: place") != std::string::npos) {
        r.peak_position = std::max(r.peak_position, v.at("position").as_int64());
      }
    }
  }
}

asio::awaitable<void> Student(uint16_t port, std::string token, Steady::time_point planned,
                              Results& r, std::string exam = "demo-exam") {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_at(planned);
  co_await t.async_wait(use_awaitable);
  try {
    beast::tcp_stream s(co_await asio::this_coro::executor);
    beast::flat_buffer buf;
    co_await Connect(s, port);
    auto start = co_await Call(s, buf, bhttp::verb::post, "/api/exams/" + exam + "/start", token);
    r.start_ms.v.push_back(Ms(Steady::now() - planned));
    int64_t attempt = 0;
    if (start.result_int() == 200) {
      ++r.immediate;
      attempt = boost::json::parse(start.body()).at("attempt").at("id").as_int64();
    } else if (start.result_int() == 202) {
      ++r.queued;
      auto w = boost::json::parse(start.body()).at("waiting");
      r.peak_position = std::max(r.peak_position, w.at("position").as_int64());
      attempt = co_await AwaitAdmission(port, token, r, exam);
    } else {
      r.Error(fmt::format("start: {} {}", start.result_int(), start.body().substr(0, 120)));
      co_return;
    }
    auto paper = co_await Call(s, buf, bhttp::verb::get, "/api/exams/" + exam + "/paper", token);
    if (paper.result_int() != 200) {
      r.Error(fmt::format("paper: {}", paper.result_int()));
      co_return;
    }
    r.taking_ms.v.push_back(Ms(Steady::now() - planned));
    auto t0 = Steady::now();
    auto save = co_await Call(s, buf, bhttp::verb::put,
                              fmt::format("/api/attempts/{}/answers/great-wall?exam={}", attempt, exam), token,
                              R"({"seq":1,"value":false})");
    if (save.result_int() != 200) {
      r.Error(fmt::format("save: {} {}", save.result_int(), save.body().substr(0, 120)));
      co_return;
    }
    r.save_ms.v.push_back(Ms(Steady::now() - t0));
  } catch (const std::exception& e) {
    r.Error(std::string("exception: ") + e.what());
  }
}

asio::awaitable<void> Healthz(uint16_t port, Steady::time_point planned, Results& r) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_at(planned);
  co_await t.async_wait(use_awaitable);
  try {
    beast::tcp_stream s(co_await asio::this_coro::executor);
    beast::flat_buffer buf;
    co_await Connect(s, port);
    auto res = co_await Call(s, buf, bhttp::verb::get, "/healthz", "");
    if (res.result_int() == 200) r.healthz_ms.v.push_back(Ms(Steady::now() - planned));
  } catch (const std::exception&) {
  }
}

// One crowd of `tokens` (each with its exam and port) arriving within `seconds`.
Results Crowd(const std::vector<std::string>& tokens, const std::vector<std::string>& exams,
              const std::vector<uint16_t>& ports, double seconds) {
  Results r;
  asio::io_context ioc(1);
  const auto t0 = Steady::now() + std::chrono::milliseconds(200);
  const size_t n = tokens.size();
  for (size_t i = 0; i < n; ++i) {
    const auto at = t0 + std::chrono::duration_cast<Steady::duration>(
                             std::chrono::duration<double>(seconds * i / n));
    asio::co_spawn(ioc, Student(ports[i], tokens[i], at, r, exams[i]), asio::detached);
  }
  ioc.run();
  return r;
}

int RunCluster(int students, double seconds) {
  if (students > 20000) {
    std::cerr << "--cluster: at most 20000 students (10,000 each way: the generator holds a "
                 "connection per student, and a process may open 20,000 files here)\n";
    return 2;
  }
  pupitre::testkit::TempDir dir;
  pupitre::testkit::PostgresServer pg;
  if (!pg.Start()) {
    std::cerr << "PostgreSQL did not start:\n" << pg.log();
    return 1;
  }
  const std::string db = pg.CreateDatabase("crowd");
  std::vector<std::unique_ptr<ChildServer>> nodes;
  std::string servers;
  for (int i = 0; i < 2; ++i) {
    const std::string name = fmt::format("n{}", i + 1);
    std::filesystem::create_directories(dir.path() + "/" + name);
    nodes.push_back(std::make_unique<ChildServer>(
        dir.path() + "/" + name,
        fmt::format("[server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 19000\n"
                    "trusted_proxies = [\"127.0.0.2\"]\nproxy_protocol = true\n"
                    "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n"
                    "[store]\nbackend = \"postgres\"\npostgres = \"{}\"\n"
                    "[cluster]\nnode = \"{}\"\n",
                    db, name),
        /*demo=*/i == 0));
    if (i == 0) nodes.back()->AddArgs({"--demo-students", std::to_string(students)});
    if (!nodes.back()->Start()) {
      std::cerr << "node " << name << " did not start:\n" << nodes.back()->log();
      return 1;
    }
    servers += fmt::format(" {}=127.0.0.1:{}", name, nodes.back()->port());
  }
  std::string cfg;
  if (FILE* p = ::popen(fmt::format("bash {}/deploy/haproxy-cfg.sh --bind fd@3 --maxconn 9000 --source 127.0.0.2{}",
                                    PUPITRE_SOURCE_DIR, servers).c_str(), "r")) {
    char b[4096];
    for (size_t k; (k = std::fread(b, 1, sizeof b, p)) > 0;) cfg.append(b, k);
    ::pclose(p);
  }
  // Two HAProxy processes, as two front ends of one site: HAProxy holds two descriptors per
  // connection, and one process may open 20,000 files here, so one tops out near 9,900
  // connections. Students alternate between them.
  std::filesystem::create_directories(dir.path() + "/front2");
  pupitre::testkit::Haproxy proxy(dir.path(), cfg), proxy2(dir.path() + "/front2", cfg);
  for (auto* front : {&proxy, &proxy2}) {
    if (!front->Start()) {
      std::cerr << "HAProxy did not start:\n" << front->log();
      return 1;
    }
  }
  // A second exam, a copy of the demo's, on the other node (the hash decides: try ids).
  HttpClient teacher(proxy.port());
  if (teacher.Login("teacher", "teacher-demo").status != 200) return 1;
  // A node claims an exam on its first request (503 while another still holds it).
  auto patiently = [&](auto call) {
    HttpResult r;
    for (int k = 0; k < 50; ++k) {
      r = call();
      if (r.status != 503 && r.status != 0) break;
    }
    return r;
  };
  if (patiently([&] { return teacher.Get("/api/exams/demo-exam"); }).status != 200) return 1;
  std::string other;
  for (int k = 0; k < 16 && other.empty(); ++k) {
    const std::string id = fmt::format("crowd-exam-{}", k);
    const std::string body = fmt::format(R"({{"id":"{}","title":"Crowd exam {}"}})", id, k);
    auto copied = patiently([&] { return teacher.Post("/api/exams/demo-exam/duplicate", body); });
    if (copied.status != 201) {
      std::cerr << "copying the demo exam: " << copied.status << " " << copied.body << "\n";
      continue;
    }
    auto published = patiently([&] { return teacher.Post("/api/exams/" + id + "/publish"); });
    if (published.status != 200) {
      std::cerr << "publishing " << id << ": " << published.status << " " << published.body << "\n";
    }
    const auto held = pupitre::testkit::ExamHolders(db);
    if (held.count(id) && held.count("demo-exam") && held.at(id) != held.at("demo-exam")) other = id;
  }
  if (other.empty()) {
    std::cerr << "no copy of the demo exam landed on the other node\n";
    return 1;
  }
  const auto held = pupitre::testkit::ExamHolders(db);
  auto port_of = [&](const std::string& exam) {
    return nodes[held.at(exam) == "n1" ? 0 : 1]->port();
  };
  std::vector<std::string> tokens(students);
  int failures = 0;
  {
    asio::io_context ioc(1);
    for (int k = 0; k < 32; ++k) {
      asio::co_spawn(ioc, LogInRange(proxy.port(), k, students, 32, tokens, failures), asio::detached);
    }
    ioc.run();
  }
  if (failures > 0) {
    std::cerr << failures << " logins failed\n";
    return 1;
  }
  // Half straight to the exams' nodes, then half through HAProxy; each half split in two exams.
  const int half = students / 2;
  Results phase[2];
  for (int p = 0; p < 2; ++p) {
    std::vector<std::string> t, e;
    std::vector<uint16_t> ports;
    for (int i = p * half; i < (p + 1) * half; ++i) {
      t.push_back(tokens[i]);
      e.push_back(i % 2 ? other : "demo-exam");
      ports.push_back(p == 0 ? port_of(e.back()) : (i % 4 < 2 ? proxy : proxy2).port());
    }
    phase[p] = Crowd(t, e, ports, seconds);
  }
  std::printf("flash crowd on 2 nodes (PostgreSQL, exams demo-exam on %s and %s on %s): "
              "%d students within %.0f s each way\n",
              held.at("demo-exam").c_str(), other.c_str(), held.at(other).c_str(), half, seconds);
  std::printf("  %-30s %8s %8s %9s %9s %9s %9s\n", "way in", "errors", "queued", "start p99",
              "paper p50", "paper p99", "save p99");
  const char* names[2] = {"straight to the exam's node", "through HAProxy (2 fronts)"};
  for (int p = 0; p < 2; ++p) {
    Results& r = phase[p];
    std::printf("  %-30s %8d %8d %9.1f %9.1f %9.1f %9.1f\n", names[p], r.errors, r.queued,
                r.start_ms.Pct(0.99), r.taking_ms.Pct(0.5), r.taking_ms.Pct(0.99), r.save_ms.Pct(0.99));
    for (const auto& e : r.error_samples) std::printf("    error: %s\n", e.c_str());
  }
  std::printf("  HAProxy / straight, paper p50: %.2f, p99: %.2f\n",
              phase[1].taking_ms.Pct(0.5) / std::max(phase[0].taking_ms.Pct(0.5), 0.001),
              phase[1].taking_ms.Pct(0.99) / std::max(phase[0].taking_ms.Pct(0.99), 0.001));
  const bool ok = phase[0].errors == 0 && phase[1].errors == 0;
  std::printf("  verdict: %s (0 errors both ways)\n", ok ? "PASS" : "FAIL");
  for (auto& n : nodes) n->Stop(SIGTERM);
  return ok ? 0 : 3;
}
}  // namespace

int main(int argc, char** argv) {
  int students = 10000;
  double seconds = 10;
  std::string json_path;
  bool cluster = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cluster") {
      cluster = true;
      continue;
    }
    if (i + 1 >= argc) break;
    if (a == "--students") students = std::stoi(argv[i + 1]);
    if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    if (a == "--json") json_path = argv[i + 1];
    ++i;
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  if (cluster) return RunCluster(students, seconds);

  pupitre::testkit::TempDir dir;
  // Cheap password hashing: logins happen before the measured minute, as on the real morning.
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 40000\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n",
                     /*demo=*/true);
  server.AddArgs({"--demo-students", std::to_string(students)});
  if (!server.Start()) {
    std::cerr << "server did not start:\n" << server.log();
    return 1;
  }
  const uint16_t port = server.port();

  std::vector<std::string> tokens(students);
  int login_failures = 0;
  {
    asio::io_context ioc(1);
    const int parallel = 32;
    for (int k = 0; k < parallel; ++k) {
      asio::co_spawn(ioc, LogInRange(port, k, students, parallel, tokens, login_failures),
                     asio::detached);
    }
    auto t0 = Steady::now();
    ioc.run();
    std::printf("logged in %d students in %.1f s (%d failures)\n", students,
                Ms(Steady::now() - t0) / 1000, login_failures);
  }
  if (login_failures > 0) return 1;

  auto schedule = [&](int i, Steady::time_point t0) {
    return t0 + std::chrono::duration_cast<Steady::duration>(
                    std::chrono::duration<double>(seconds * i / students));
  };
  Results r;
  {
    asio::io_context ioc(1);
    auto t0 = Steady::now() + std::chrono::milliseconds(200);
    for (int i = 0; i < students; ++i) asio::co_spawn(ioc, Healthz(port, schedule(i, t0), r), asio::detached);
    ioc.run();
  }
  {
    asio::io_context ioc(1);
    auto t0 = Steady::now() + std::chrono::milliseconds(200);
    for (int i = 0; i < students; ++i) {
      asio::co_spawn(ioc, Student(port, tokens[i], schedule(i, t0), r), asio::detached);
    }
    ioc.run();
  }
  const int64_t rss_kib = pupitre::bench::ProcStatusKib(server.pid(), "VmHWM");
  const double base_p99 = r.healthz_ms.Pct(0.99);
  std::printf("flash crowd: %d students starting within %.0f s\n", students, seconds);
  std::printf("  errors: %d   admitted at once: %d   queued: %d   peak place in queue: %lld\n",
              r.errors, r.immediate, r.queued, static_cast<long long>(r.peak_position));
  std::printf("  %-34s %9s %9s %9s %14s\n", "from planned arrival", "p50 ms", "p99 ms", "max ms",
              "p99 / healthz");
  std::printf("  %-34s %9.1f %9.1f %9.1f %14s\n", "healthz (baseline, same schedule)",
              r.healthz_ms.Pct(0.5), base_p99, r.healthz_ms.Max(), "1.00");
  std::printf("  %-34s %9.1f %9.1f %9.1f %14.2f\n", "first answer to start (200/202)",
              r.start_ms.Pct(0.5), r.start_ms.Pct(0.99), r.start_ms.Max(),
              r.start_ms.Pct(0.99) / std::max(base_p99, 0.001));
  std::printf("  %-34s %9.1f %9.1f %9.1f %14s\n", "taking the exam (paper in hand)",
              r.taking_ms.Pct(0.5), r.taking_ms.Pct(0.99), r.taking_ms.Max(), "-");
  std::printf("  %-34s %9.1f %9.1f %9.1f %14s\n", "one answer save (round trip)",
              r.save_ms.Pct(0.5), r.save_ms.Pct(0.99), r.save_ms.Max(), "-");
  std::printf("  server peak resident memory: %.0f MiB\n", rss_kib / 1024.0);
  for (const auto& e : r.error_samples) std::printf("  error: %s\n", e.c_str());
  const bool ok = r.errors == 0 && static_cast<int>(r.taking_ms.v.size()) == students &&
                  r.taking_ms.Max() <= 30'000;
  std::printf("  verdict: %s (0 errors, everyone taking the exam within 30 s)\n",
              ok ? "PASS" : "FAIL");
  if (!json_path.empty()) {
    std::ofstream(json_path) << boost::json::serialize(boost::json::object{
        {"students", students}, {"seconds", seconds}, {"errors", r.errors},
        {"queued", r.queued}, {"peak_position", r.peak_position},
        {"start_p99_ms", r.start_ms.Pct(0.99)}, {"taking_max_ms", r.taking_ms.Max()},
        {"save_p99_ms", r.save_ms.Pct(0.99)}, {"peak_rss_kib", rss_kib}}) << "\n";
  }
  server.Stop(SIGTERM);
  return ok ? 0 : 3;
}
