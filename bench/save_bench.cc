// Durable answer saves through the HTTP API, at several concurrencies, against a fresh server.
// Each connection is one student with their own attempt, saving in a closed loop (send, wait
// for the 200, send again). The baseline, measured in the same run at the same concurrency, is
// GET /healthz: what the HTTP path costs with no durable write behind it.
//
// With --store postgres, the server's store is a PostgreSQL server started for the run
// (testkit::PostgresServer, on this machine): run it after the default (SQLite) in the same
// run to compare the two.
//
// Usage: save_bench [--seconds S] [--concurrency 16,64,256] [--store sqlite|postgres] [--json FILE]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/postgres_server.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using pupitre::testkit::ChildServer;
using pupitre::testkit::HttpClient;

namespace {

struct Student {
  std::string token;
  int64_t attempt = 0;
};

struct RunResult {
  uint64_t ok = 0;
  uint64_t errors = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
  double rate() const { return ok / seconds; }
  double pct(double p) {
    if (latencies_ms.empty()) return 0;
    std::sort(latencies_ms.begin(), latencies_ms.end());
    size_t i = std::min(latencies_ms.size() - 1, static_cast<size_t>(p * latencies_ms.size()));
    return latencies_ms[i];
  }
};

// One connection's closed loop until `end`.
asio::awaitable<void> Loop(uint16_t port, Student s, bool saves, Clock::time_point end,
                           RunResult& out) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                asio::use_awaitable);
  beast::flat_buffer buffer;
  // Questions of the demo exam: numeric, short text, essay, true/false.
  const char* questions[] = {"water-boiling", "largest-planet", "printing-press", "great-wall"};
  int64_t seq = 0;
  while (Clock::now() < end) {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    req.set(bhttp::field::host, "127.0.0.1");
    if (saves) {
      ++seq;
      const char* q = questions[seq % 4];
      std::string value = seq % 4 == 0 ? std::to_string(seq)
                          : seq % 4 == 3 ? (seq % 2 ? "true" : "false")
                                                   : fmt::format("\"answer {}\"", seq);
      req.method(bhttp::verb::put);
      req.target(fmt::format("/api/attempts/{}/answers/{}", s.attempt, q));
      req.set(bhttp::field::authorization, "Bearer " + s.token);
      req.set(bhttp::field::content_type, "application/json");
      req.body() = fmt::format(R"({{"seq":{},"value":{}}})", seq, value);
      req.prepare_payload();
    } else {
      req.method(bhttp::verb::get);
      req.target("/healthz");
    }
    auto t0 = Clock::now();
    stream.expires_after(std::chrono::seconds(30));
    co_await bhttp::async_write(stream, req, asio::use_awaitable);
    bhttp::response<bhttp::string_body> res;
    co_await bhttp::async_read(stream, buffer, res, asio::use_awaitable);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (res.result_int() == 200) {
      ++out.ok;
      out.latencies_ms.push_back(ms);
    } else {
      ++out.errors;
    }
  }
}

RunResult Run(uint16_t port, const std::vector<Student>& students, size_t concurrency, bool saves,
              double seconds) {
  asio::io_context ioc(1);
  RunResult r;
  r.latencies_ms.reserve(1 << 20);
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  for (size_t i = 0; i < concurrency; ++i) {
    asio::co_spawn(ioc, Loop(port, students[i], saves, end, r),
                   [&r](std::exception_ptr e) { if (e) ++r.errors; });
  }
  ioc.run();
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

// Sum and count of the writer's batch-size histogram, from /metrics.
std::pair<double, double> BatchStats(uint16_t port) {
  HttpClient c(port);
  auto m = c.Get("/metrics").body;
  auto value = [&](const std::string& name) {
    size_t at = m.find("\n" + name + " ");
    return at == std::string::npos ? 0.0 : std::stod(m.substr(at + name.size() + 2));
  };
  return {value("pupitre_writer_batch_size_sum"), value("pupitre_writer_batch_size_count")};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  std::vector<size_t> levels = {16, 64, 256};
  std::string json_path;
  std::string store = "sqlite";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds") seconds = std::stod(argv[i + 1]);
    if (a == "--json") json_path = argv[i + 1];
    if (a == "--store") store = argv[i + 1];
    if (a == "--concurrency") {
      levels.clear();
      std::stringstream ss(argv[i + 1]);
      for (std::string x; std::getline(ss, x, ',');) levels.push_back(std::stoul(x));
    }
  }
  size_t max_level = *std::max_element(levels.begin(), levels.end());
  if (max_level > 2000) {
    std::cerr << "at most 2000 connections (one demo student each)\n";
    return 2;
  }

  pupitre::testkit::TempDir dir;
  std::string config = pupitre::testkit::FastTestConfig();
  std::unique_ptr<pupitre::testkit::PostgresServer> pg;
  if (store == "postgres") {
    pg = std::make_unique<pupitre::testkit::PostgresServer>();
    if (!pg->Start()) {
      std::cerr << "PostgreSQL did not start:\n" << pg->log();
      return 1;
    }
    config += fmt::format("[store]\nbackend = \"postgres\"\npostgres = \"{}\"\n",
                          pg->CreateDatabase("save_bench"));
  } else if (store != "sqlite") {
    std::cerr << "--store: sqlite or postgres\n";
    return 2;
  }
  std::printf("store: %s\n", store.c_str());
  ChildServer server(dir.path(), config, /*demo=*/true);
  if (!server.Start()) {
    std::cerr << "server did not start:\n" << server.log();
    return 1;
  }
  std::vector<Student> students;
  for (size_t i = 1; i <= max_level; ++i) {
    HttpClient c(server.port());
    auto login = c.Login(fmt::format("student{:04d}", i), "student-demo");
    if (login.status != 200) return 1;
    auto start = c.Post("/api/exams/demo-exam/start");
    Student s;
    s.token = std::string(login.json().at("token").as_string());
    if (start.status == 200) {
      s.attempt = start.json().at("attempt").at("id").as_int64();
    } else if (start.status == 202) {
      // Set-up went faster than the waiting room admits: wait for the admission (bounded).
      for (int tries = 0; tries < 600 && s.attempt == 0; ++tries) {
        auto w = c.Get("/api/exams/demo-exam/waiting-room");
        auto v = w.json();
        if (w.status == 200 && v.at("waiting").as_object().contains("attempt_id")) {
          s.attempt = v.at("waiting").at("attempt_id").as_int64();
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
    }
    if (s.attempt == 0) {
      std::cerr << "student " << i << " could not start the exam: " << start.body << "\n";
      return 1;
    }
    students.push_back(s);
  }
  std::printf("%-12s %8s %12s %10s %10s %10s %12s %14s\n", "concurrency", "route", "req/s",
              "p50 ms", "p99 ms", "errors", "mean batch", "ratio vs base");
  boost::json::array rows;
  for (size_t level : levels) {
    RunResult base = Run(server.port(), students, level, false, seconds);
    auto [sum0, count0] = BatchStats(server.port());
    RunResult saves = Run(server.port(), students, level, true, seconds);
    auto [sum1, count1] = BatchStats(server.port());
    double batch = count1 > count0 ? (sum1 - sum0) / (count1 - count0) : 0;
    std::printf("%-12zu %8s %12.0f %10.2f %10.2f %10llu %12s %14s\n", level, "healthz",
                base.rate(), base.pct(0.5), base.pct(0.99), (unsigned long long)base.errors, "-",
                "1.00");
    std::printf("%-12zu %8s %12.0f %10.2f %10.2f %10llu %12.1f %14.2f\n", level, "save",
                saves.rate(), saves.pct(0.5), saves.pct(0.99), (unsigned long long)saves.errors,
                batch, saves.rate() / base.rate());
    std::fflush(stdout);
    rows.push_back(boost::json::object{{"concurrency", level},
                                       {"healthz_rps", base.rate()},
                                       {"save_rps", saves.rate()},
                                       {"save_p50_ms", saves.pct(0.5)},
                                       {"save_p99_ms", saves.pct(0.99)},
                                       {"save_errors", saves.errors},
                                       {"mean_batch", batch}});
  }
  if (!json_path.empty()) std::ofstream(json_path) << boost::json::serialize(rows) << "\n";
  server.Stop(SIGTERM);
  return 0;
}
