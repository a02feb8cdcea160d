// Students keep working while Pupitre is attacked (issue 11's benchmark).
//
// 300 students sit the demo exam and save an answer every 2 s. Meanwhile, from loopback
// addresses 127.0.0.2 to 127.0.0.250 (the students and the newcomers come from other networks,
// 127.0.1.x to 127.0.3.x), each attack runs alone, then all of them at once:
//   slowloris     5,000 connections sending a header line every 5 s, never finishing
//   slow POST     slowhttptest -B (bodies trickled in), 900 connections
//   slow read     slowhttptest -X (responses read a byte at a time), 900 connections
//   login flood   200 connections posting wrong passwords as fast as they are answered
//   GET flood     256 keep-alive connections asking for GET / as fast as they are answered
//   exhaustion    8,000 idle connections, re-opened as soon as the server closes them (the
//                 server runs with 8,000 open files here, so this fills its connection cap)
// Every phase is measured against the baseline of the same run (no attack): the students'
// save latency (p50, p99, max) and errors; a newcomer every 2 s who logs in, starts the exam
// and has the paper (solving the proof of work if the server asks for one); /metrics, asked
// every 500 ms on a new connection; the server's memory; and, once the attack stops, how long
// until the server is back to normal (connections back to the baseline's, nothing queued, a
// newcomer served).
//
// Usage: attack_bench [--attack-seconds 12] [--students 300] [--only NAME]
// Verdict per phase: save p99 < 200 ms with 0 errors, every newcomer in < 5 s, /metrics always
// answers, recovery < 5 s. Exits 1 if any phase fails. Bounded: every phase stops by itself.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_kit.h"
#include "guard/proof_of_work.h"
#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using pupitre::testkit::ChildServer;
using pupitre::testkit::HttpClient;
using pupitre::testkit::TempDir;

constexpr double kSaveP99BudgetMs = 200;
constexpr double kNewcomerBudgetS = 5;
constexpr double kRecoveryBudgetS = 5;

std::string AttackerAddress(uint64_t i) { return fmt::format("127.0.0.{}", 2 + i % 249); }

double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// A connection from `from` (a loopback source address) to the server.
asio::awaitable<void> ConnectFrom(beast::tcp_stream& s, const std::string& from, uint16_t port,
                                  std::chrono::seconds timeout = 10s) {
  s.socket().open(tcp::v4());
  s.socket().set_option(tcp::socket::reuse_address(true));
  s.socket().bind(tcp::endpoint(asio::ip::make_address(from), 0));
  s.expires_after(timeout);
  co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                           asio::use_awaitable);
}

using Response = bhttp::response<bhttp::string_body>;
using Headers = std::map<std::string, std::string>;

// (Headers are made by a function: GCC 12 miscompiles braced maps of literals in coroutines.)
Headers Header(std::string name, std::string value) {
  return Headers{{std::move(name), std::move(value)}};
}

asio::awaitable<Response> Request(beast::tcp_stream& s, beast::flat_buffer& buf, bhttp::verb m,
                                  std::string target, std::string body = "",
                                  std::map<std::string, std::string> headers = {},
                                  std::chrono::seconds timeout = 30s) {
  bhttp::request<bhttp::string_body> req{m, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  s.expires_after(timeout);
  co_await bhttp::async_write(s, req, asio::use_awaitable);
  Response res;
  co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
  co_return res;
}

// ------------------------------------------------------------------ what a phase measures
struct Measure {
  std::mutex mu;
  std::vector<double> save_ms;
  uint64_t save_errors = 0;
  std::vector<double> newcomer_s;
  int newcomer_failures = 0;
  std::vector<double> metrics_ms;
  int metrics_failures = 0;
  int64_t max_rss_kib = 0;
  bool recording = false;
};

struct Student {
  std::string token;
  int64_t attempt = 0;
  std::string from;
};

// Questions of the demo exam: numeric, short text, essay, true/false (outside the coroutine:
// GCC 12 cannot keep a local array in a coroutine frame).
constexpr std::array<const char*, 4> kQuestions = {"water-boiling", "largest-planet",
                                                   "printing-press", "great-wall"};

// A student saving an answer every 2 s (staggered) until `stop`, on one kept-alive connection.
asio::awaitable<void> SaveLoop(uint16_t port, Student st, int index, Measure& m,
                               const std::atomic<bool>& stop) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  std::optional<beast::tcp_stream> s;
  beast::flat_buffer buf;
  int64_t seq = 0;
  auto next = SteadyClock::now() + std::chrono::milliseconds(index * 2000 / 300);
  while (!stop.load()) {
    timer.expires_at(next);
    co_await timer.async_wait(asio::use_awaitable);
    next += 2s;
    ++seq;
    const int q = static_cast<int>(seq % 4);
    const std::string value = q == 0   ? std::to_string(seq)
                              : q == 3 ? (seq % 2 ? "true" : "false")
                                       : fmt::format("\"answer {}\"", seq);
    const auto t0 = SteadyClock::now();
    bool ok = false;
    try {
      if (!s) {
        s.emplace(ex);
        buf.clear();
        co_await ConnectFrom(*s, st.from, port);
      }
      auto res = co_await Request(
          *s, buf, bhttp::verb::put,
          fmt::format("/api/attempts/{}/answers/{}", st.attempt, kQuestions[q]),
          fmt::format(R"({{"seq":{},"value":{}}})", seq, value),
          Header("Authorization", "Bearer " + st.token), 10s);
      ok = res.result_int() == 200;
      if (!res.keep_alive()) s.reset();
    } catch (const std::exception&) {
      s.reset();
    }
    const double ms = Ms(SteadyClock::now() - t0);
    std::lock_guard lock(m.mu);
    if (!m.recording) continue;
    if (ok) {
      m.save_ms.push_back(ms);
    } else {
      ++m.save_errors;
    }
  }
}

// What the page does at 9:00 for a student who was not logged in: the login (with the proof of
// work first, if the server is under attack), the start (and the waiting room, if any), the
// paper. Seconds from the first byte to the paper, or nothing if it failed.
asio::awaitable<std::optional<double>> Newcomer(uint16_t port, int account, std::string from) {
  auto ex = co_await asio::this_coro::executor;
  const auto t0 = SteadyClock::now();
  const auto deadline = t0 + 20s;
  try {
    beast::tcp_stream s(ex);
    beast::flat_buffer buf;
    co_await ConnectFrom(s, from, port, 20s);
    const std::string login =
        fmt::format(R"({{"login":"student{:04d}","password":"student-demo"}})", account);
    std::map<std::string, std::string> headers;
    Response res = co_await Request(s, buf, bhttp::verb::post, "/api/login", login, headers, 20s);
    if (res.result_int() == 403) {
      // Under attack: solve the challenge, as the page does, and log in with the pass.
      auto v = boost::json::parse(res.body());
      const std::string challenge(v.at("error").at("challenge").as_string());
      const int bits = static_cast<int>(v.at("error").at("bits").as_int64());
      std::string nonce;
      for (uint64_t n = 0;; ++n) {
        nonce = std::to_string(n);
        if (pupitre::guard::ProofBits(challenge, nonce) >= bits) break;
      }
      Response pass = co_await Request(
          s, buf, bhttp::verb::post, "/api/proof",
          fmt::format(R"({{"challenge":"{}","nonce":"{}"}})", challenge, nonce), {}, 20s);
      if (pass.result_int() != 200) co_return std::nullopt;
      const std::string cookie(pass[bhttp::field::set_cookie]);
      headers["Cookie"] = cookie.substr(0, cookie.find(';'));
      res = co_await Request(s, buf, bhttp::verb::post, "/api/login", login, headers, 20s);
    }
    // Refused for a moment (503 with Retry-After): the page retries by itself.
    while (res.result_int() == 503 && SteadyClock::now() < deadline) {
      asio::steady_timer wait(ex, std::chrono::seconds(std::max(1, std::atoi(std::string(res[bhttp::field::retry_after]).c_str()))));
      co_await wait.async_wait(asio::use_awaitable);
      res = co_await Request(s, buf, bhttp::verb::post, "/api/login", login, headers, 20s);
    }
    if (res.result_int() != 200) co_return std::nullopt;
    const std::string token(boost::json::parse(res.body()).at("token").as_string());
    std::map<std::string, std::string> auth = Header("Authorization", "Bearer " + token);
    res = co_await Request(s, buf, bhttp::verb::post, "/api/exams/demo-exam/start", "{}", auth);
    if (res.result_int() == 202) {
      // Waiting room: follow the place until admitted.
      auth["X-Waiting-Ticket"] = std::string(
          boost::json::parse(res.body()).at("waiting").at("ticket").as_string());
      bool admitted = false;
      while (!admitted && SteadyClock::now() < deadline) {
        asio::steady_timer wait(ex, 250ms);
        co_await wait.async_wait(asio::use_awaitable);
        res = co_await Request(s, buf, bhttp::verb::get, "/api/exams/demo-exam/waiting-room", "",
                               auth);
        auto v = boost::json::parse(res.body());
        admitted = res.result_int() == 200 && v.at("waiting").as_object().contains("admitted") &&
                   v.at("waiting").at("admitted").as_bool();
      }
      if (!admitted) co_return std::nullopt;
    } else if (res.result_int() != 200) {
      co_return std::nullopt;
    }
    res = co_await Request(s, buf, bhttp::verb::get, "/api/exams/demo-exam/paper", "", auth);
    if (res.result_int() != 200) co_return std::nullopt;
  } catch (const std::exception&) {
    co_return std::nullopt;
  }
  co_return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// ------------------------------------------------------------------ attacks
struct AttackStats {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> refused{0};     // 429, 403 (proof asked), 503
  std::atomic<uint64_t> challenged{0};  // answered with the challenge page
};

// Slowloris (`trickle`: a header that never ends, one more line every 5 s) or connection
// exhaustion (nothing sent at all); either way, reconnect as soon as the server closes it.
asio::awaitable<void> Occupy(uint16_t port, uint64_t i, bool trickle,
                             const std::atomic<bool>& stop, AttackStats& st) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  while (!stop.load()) {
    try {
      beast::tcp_stream s(ex);
      co_await ConnectFrom(s, AttackerAddress(i), port);
      st.connections.fetch_add(1);
      s.expires_never();
      if (trickle) {
        co_await asio::async_write(s.socket(), asio::buffer(std::string_view(
                                       "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")),
                                   asio::use_awaitable);
        while (!stop.load()) {
          timer.expires_after(5s);
          co_await timer.async_wait(asio::use_awaitable);
          co_await asio::async_write(s.socket(), asio::buffer(std::string_view("X-a: b\r\n")),
                                     asio::use_awaitable);
        }
      } else {
        char byte;
        // Returns when the server closes the connection (or the bench ends it).
        co_await s.socket().async_read_some(asio::buffer(&byte, 1), asio::use_awaitable);
      }
    } catch (const std::exception&) {
      // Closed by the server (or refused): come back, as the tools do.
    }
    timer.expires_after(trickle ? 200ms : 100ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// A closed loop of requests (GET / or wrong-password logins), as fast as they are answered.
asio::awaitable<void> Flood(uint16_t port, uint64_t i, bool logins,
                            const std::atomic<bool>& stop, AttackStats& st) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  std::mt19937 rng(static_cast<uint32_t>(i));
  while (!stop.load()) {
    try {
      beast::tcp_stream s(ex);
      beast::flat_buffer buf;
      co_await ConnectFrom(s, AttackerAddress(i), port);
      st.connections.fetch_add(1);
      while (!stop.load()) {
        Response res;
        if (logins) {
          res = co_await Request(
              s, buf, bhttp::verb::post, "/api/login",
              fmt::format(R"({{"login":"student{:04d}","password":"wrong-password"}})",
                          500 + rng() % 500),
              {}, 30s);
        } else {
          res = co_await Request(s, buf, bhttp::verb::get, "/", "",
                                 Header("Accept", "text/html"), 30s);
        }
        st.requests.fetch_add(1);
        const unsigned code = res.result_int();
        if (code == 200 &&
            res["Content-Security-Policy"].find("sha256-") != std::string_view::npos) {
          st.challenged.fetch_add(1);
        }
        if (code == 429 || code == 403 || code == 503) {
          st.refused.fetch_add(1);
          if (logins) {  // an attacker would not wait, but it must not spin either
            timer.expires_after(10ms);
            co_await timer.async_wait(asio::use_awaitable);
          }
        }
        if (!res.keep_alive()) break;
      }
    } catch (const std::exception&) {
    }
    timer.expires_after(50ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// slowhttptest as a child process for `seconds`; returns its pid.
pid_t SlowHttpTest(const std::vector<std::string>& args) {
  std::vector<std::string> keep = args;  // posix_spawn copies what argv points to
  std::vector<char*> argv;
  for (auto& a : keep) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// The share of slowhttptest's probe samples that found the service available.
std::string ServiceAvailable(const std::string& csv) {
  std::ifstream in(csv);
  std::string line;
  int yes = 0, all = 0;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const size_t comma = line.rfind(',');
    if (comma == std::string::npos) continue;
    ++all;
    if (std::atoi(line.c_str() + comma + 1) > 0) ++yes;
  }
  return all ? fmt::format("{}% of {} s", 100 * yes / all, all) : "no report";
}

struct Attack {
  std::string name;
  bool slowloris = false, slow_post = false, slow_read = false, logins = false, get = false,
       exhaust = false;
};

// ------------------------------------------------------------------ the run
class Bench {
 public:
  Bench(ChildServer& server, int attack_seconds, std::string tmp)
      : server_(server), port_(server.port()), attack_seconds_(attack_seconds), tmp_(std::move(tmp)) {}

  bool Setup(int students) {
    // Students log in and start, 20 at a time (argon2id at its default cost: ~40 a second).
    std::vector<Student> all(students);
    std::atomic<int> failures{0};
    asio::io_context io;
    for (int w = 0; w < 20; ++w) {
      asio::co_spawn(io, [&, w]() -> asio::awaitable<void> {
        for (int i = w; i < students; i += 20) {
          Student& st = all[i];
          st.from = fmt::format("127.0.{}.{}", 1 + i / 200, 1 + i % 200);
          try {
            beast::tcp_stream s(co_await asio::this_coro::executor);
            beast::flat_buffer buf;
            co_await ConnectFrom(s, st.from, port_);
            auto res = co_await Request(
                s, buf, bhttp::verb::post, "/api/login",
                fmt::format(R"({{"login":"student{:04d}","password":"student-demo"}})", i + 1));
            st.token = std::string(boost::json::parse(res.body()).at("token").as_string());
            res = co_await Request(s, buf, bhttp::verb::post, "/api/exams/demo-exam/start", "{}",
                                   Header("Authorization", "Bearer " + st.token));
            st.attempt = boost::json::parse(res.body()).at("attempt").at("id").as_int64();
          } catch (const std::exception&) {
            failures.fetch_add(1);
          }
        }
      }, asio::detached);
    }
    io.run();
    if (failures.load() > 0) {
      fmt::print("setup: {} of {} students could not log in and start\n", failures.load(), students);
      return false;
    }
    students_ = std::move(all);
    return true;
  }

  // Runs the students and the probes for the whole benchmark on their own thread.
  void StartStudents() {
    for (size_t i = 0; i < students_.size(); ++i) {
      asio::co_spawn(measure_io_, SaveLoop(port_, students_[i], static_cast<int>(i), m_, stop_students_),
                     asio::detached);
    }
    asio::co_spawn(measure_io_, Probes(), asio::detached);
    measure_thread_ = std::thread([this] { measure_io_.run(); });
  }

  void StopStudents() {
    stop_students_ = true;
    measure_thread_.join();
  }

  struct PhaseResult {
    std::string name;
    size_t saves = 0;
    uint64_t save_errors = 0;
    double p50 = 0, p99 = 0, max = 0;
    size_t newcomers = 0;
    int newcomer_failures = 0;
    double newcomer_max_s = 0;
    size_t metrics = 0;
    int metrics_failures = 0;
    double metrics_max_ms = 0;
    int64_t rss_mib = 0;
    double recovery_s = 0;
    std::string attackers;
    bool pass() const {
      return save_errors == 0 && p99 < kSaveP99BudgetMs && newcomer_failures == 0 &&
             newcomer_max_s < kNewcomerBudgetS && metrics_failures == 0 &&
             recovery_s < kRecoveryBudgetS;
    }
  };

  PhaseResult Run(const Attack& a) {
    Record(true);
    std::atomic<bool> stop{false};
    AttackStats stats;
    auto io = std::make_unique<asio::io_context>();
    asio::io_context& attack_io = *io;
    std::vector<pid_t> tools;
    const std::string url = fmt::format("http://127.0.0.1:{}", port_);
    const std::string seconds = std::to_string(attack_seconds_);
    if (a.slow_post) {
      tools.push_back(SlowHttpTest({"slowhttptest", "-B", "-c", "900", "-r", "300", "-i", "5",
                                    "-s", "65536", "-l", seconds, "-g", "-o", tmp_ + "/slow-post",
                                    "-u", url + "/api/login"}));
    }
    if (a.slow_read) {
      tools.push_back(SlowHttpTest({"slowhttptest", "-X", "-c", "900", "-r", "300", "-w", "1",
                                    "-y", "16", "-n", "2", "-z", "1", "-k", "2", "-l", seconds,
                                    "-g", "-o", tmp_ + "/slow-read", "-u",
                                    url + "/static/app.css"}));
    }
    uint64_t k = 0;
    if (a.slowloris) {
      for (int i = 0; i < 5000; ++i) asio::co_spawn(attack_io, Occupy(port_, k++, true, stop, stats), asio::detached);
    }
    if (a.exhaust) {
      for (int i = 0; i < 8000; ++i) asio::co_spawn(attack_io, Occupy(port_, k++, false, stop, stats), asio::detached);
    }
    if (a.logins) {
      for (int i = 0; i < 200; ++i) asio::co_spawn(attack_io, Flood(port_, k++, true, stop, stats), asio::detached);
    }
    if (a.get) {
      for (int i = 0; i < 256; ++i) asio::co_spawn(attack_io, Flood(port_, k++, false, stop, stats), asio::detached);
    }
    auto end = std::make_unique<asio::steady_timer>(attack_io, std::chrono::seconds(attack_seconds_));
    end->async_wait([&](auto) {
      stop = true;
      attack_io.stop();  // every attacker's socket is closed with its coroutine frame
    });
    std::thread attackers([&] { attack_io.run(); });
    // Newcomers every 2 s while the attack lasts.
    const auto times = NewcomersUntil(SteadyClock::now() + std::chrono::seconds(attack_seconds_));
    attackers.join();
    for (pid_t p : tools) {
      if (p > 0) {
        kill(p, SIGTERM);
        waitpid(p, nullptr, 0);
      }
    }
    end.reset();
    io.reset();  // every attacker's coroutine frame, and with it its socket, is gone
    PhaseResult r = Collect(a.name, times);
    r.recovery_s = Recover();
    r.attackers = fmt::format("{} connections, {} requests answered ({} refused, {} given the "
                              "proof-of-work page)",
                              stats.connections.load(), stats.requests.load(),
                              stats.refused.load(), stats.challenged.load());
    if (a.slow_post) r.attackers += ", slow POST service available " + ServiceAvailable(tmp_ + "/slow-post.csv");
    if (a.slow_read) r.attackers += ", slow read service available " + ServiceAvailable(tmp_ + "/slow-read.csv");
    return r;
  }

  PhaseResult Baseline(int seconds) {
    Record(true);
    const auto times = NewcomersUntil(SteadyClock::now() + std::chrono::seconds(seconds));
    PhaseResult r = Collect("baseline (no attack)", times);
    baseline_connections_ = OpenConnections();
    return r;
  }

 private:
  void Record(bool on) {
    std::lock_guard lock(m_.mu);
    m_.recording = on;
    m_.save_ms.clear();
    m_.save_errors = 0;
    m_.newcomer_s.clear();
    m_.metrics_ms.clear();
    m_.metrics_failures = 0;
    m_.max_rss_kib = 0;
  }

  // A newcomer every 2 s until `end` (on the calling thread): how long each took, or nothing.
  std::vector<std::optional<double>> NewcomersUntil(SteadyClock::time_point end) {
    std::vector<std::optional<double>> times;
    while (SteadyClock::now() + 1s < end) {
      const auto next = SteadyClock::now() + 2s;
      times.push_back(RunNewcomer());
      std::this_thread::sleep_until(std::max(next, SteadyClock::now()));  // pacing, not sync
    }
    return times;
  }

  PhaseResult Collect(const std::string& name, const std::vector<std::optional<double>>& times) {
    std::lock_guard lock(m_.mu);
    PhaseResult r;
    r.name = name;
    for (const auto& t : times) {
      ++r.newcomers;
      if (!t) {
        ++r.newcomer_failures;
      } else {
        r.newcomer_max_s = std::max(r.newcomer_max_s, *t);
      }
    }
    r.saves = m_.save_ms.size();
    r.save_errors = m_.save_errors;
    r.p50 = Percentile(m_.save_ms, 0.5);
    r.p99 = Percentile(m_.save_ms, 0.99);
    r.max = m_.save_ms.empty() ? 0 : *std::max_element(m_.save_ms.begin(), m_.save_ms.end());
    r.metrics = m_.metrics_ms.size();
    r.metrics_failures = m_.metrics_failures;
    r.metrics_max_ms = m_.metrics_ms.empty() ? 0 : *std::max_element(m_.metrics_ms.begin(), m_.metrics_ms.end());
    r.rss_mib = m_.max_rss_kib / 1024;
    m_.recording = false;
    return r;
  }

  // /metrics every 500 ms on a new connection, and the server's memory.
  asio::awaitable<void> Probes() {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex);
    while (!stop_students_.load()) {
      timer.expires_after(500ms);
      co_await timer.async_wait(asio::use_awaitable);
      const auto t0 = SteadyClock::now();
      bool ok = false;
      try {
        beast::tcp_stream s(ex);
        beast::flat_buffer buf;
        co_await ConnectFrom(s, "127.0.4.1", port_, 5s);
        auto res = co_await Request(s, buf, bhttp::verb::get, "/metrics", "", {}, 5s);
        ok = res.result_int() == 200;
      } catch (const std::exception&) {
      }
      const double ms = Ms(SteadyClock::now() - t0);
      const int64_t rss = pupitre::bench::ProcStatusKib(server_.pid(), "VmRSS");
      std::lock_guard lock(m_.mu);
      if (!m_.recording) continue;
      if (ok) m_.metrics_ms.push_back(ms); else ++m_.metrics_failures;
      m_.max_rss_kib = std::max(m_.max_rss_kib, rss);
    }
  }

  std::optional<double> RunNewcomer() {
    asio::io_context io;
    std::optional<double> out;
    const int account = next_newcomer_++;
    asio::co_spawn(io, Newcomer(port_, account, fmt::format("127.0.3.{}", 1 + account % 250)),
                   [&](std::exception_ptr, std::optional<double> t) { out = t; });
    io.run();
    return out;
  }

  double OpenConnections() {
    HttpClient ops(port_, "127.0.4.2");
    return pupitre::testkit::MetricValue(ops.Get("/metrics").body, "pupitre_open_connections");
  }

  // Seconds after the attack until connections are back to the baseline's, nothing waits in
  // the guard, and a newcomer is served within budget. Bounded at 30 s.
  double Recover() {
    const auto t0 = SteadyClock::now();
    while (SteadyClock::now() - t0 < 30s) {
      HttpClient ops(port_, "127.0.4.3");
      const std::string text = ops.Get("/metrics").body;
      double queued = 0;
      for (const char* c : {"critical", "exam_start", "status", "interactive", "login", "background"}) {
        queued += pupitre::testkit::MetricValue(text, fmt::format("pupitre_guard_queued{{class=\"{}\"}}", c));
      }
      queued += pupitre::testkit::MetricValue(text, "pupitre_login_queue_queued");
      const double open = pupitre::testkit::MetricValue(text, "pupitre_open_connections");
      if (open <= baseline_connections_ + 50 && queued == 0) {
        auto t = RunNewcomer();
        if (t && *t < kNewcomerBudgetS) return std::chrono::duration<double>(SteadyClock::now() - t0).count();
      }
    }
    return 30;
  }

  ChildServer& server_;
  uint16_t port_;
  int attack_seconds_;
  std::string tmp_;
  std::vector<Student> students_;
  Measure m_;
  asio::io_context measure_io_;
  std::thread measure_thread_;
  std::atomic<bool> stop_students_{false};
  int next_newcomer_ = 1001;  // the login flood uses 500-999
  double baseline_connections_ = 0;
};

void Print(const Bench::PhaseResult& r, const Bench::PhaseResult& base) {
  fmt::print("{:<24} saves {:>5} errors {:>3}  p50 {:6.1f} ms  p99 {:7.1f} ms ({:5.1f}x)  max {:7.1f} ms\n",
             r.name, r.saves, r.save_errors, r.p50, r.p99, base.p99 > 0 ? r.p99 / base.p99 : 0, r.max);
  fmt::print("{:<24} newcomers {}/{} in, slowest {:.2f} s; /metrics {}/{} answered, slowest {:.0f} ms; "
             "server RSS max {} MiB ({:+d} vs baseline); recovered in {:.1f} s: {}\n",
             "", r.newcomers - r.newcomer_failures, r.newcomers, r.newcomer_max_s,
             r.metrics, r.metrics + r.metrics_failures, r.metrics_max_ms, r.rss_mib,
             static_cast<int>(r.rss_mib - base.rss_mib), r.recovery_s, r.pass() ? "PASS" : "FAIL");
  if (!r.attackers.empty()) fmt::print("{:<24} attackers: {}\n", "", r.attackers);
}

}  // namespace

int main(int argc, char** argv) {
  int attack_seconds = 12, students = 300;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--attack-seconds") attack_seconds = std::atoi(argv[i + 1]);
    else if (flag == "--students") students = std::atoi(argv[i + 1]);
    else if (flag == "--only") only = argv[i + 1];
  }
  signal(SIGPIPE, SIG_IGN);
  // Thousands of attacking sockets: take every descriptor this process may have.
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  TempDir dir;
  // Argon2id at its default cost, as in production; waiting rooms that admit at once (the
  // attack, not the room, is under test); everything else default, under-attack mode "auto".
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\n"
                     "[waiting_room]\ninitial_rate = 1000\nmax_rate = 1000\n",
                     /*demo=*/true);
  server.AddArgs({"--demo-students", "2000"});
  server.LimitOpenFiles(8000);
  if (!server.Start()) {
    fmt::print("the server did not start:\n{}\n", server.log());
    return 1;
  }
  Bench bench(server, attack_seconds, dir.path());
  if (!bench.Setup(students)) return 1;
  bench.StartStudents();
  fmt::print("{} students saving every 2 s; attacks of {} s from 127.0.0.2-250; budgets: save p99 "
             "< {:.0f} ms with 0 errors, newcomer login+start+paper < {:.0f} s, /metrics answers, "
             "recovery < {:.0f} s\n",
             students, attack_seconds, kSaveP99BudgetMs, kNewcomerBudgetS, kRecoveryBudgetS);
  const auto base = bench.Baseline(10);
  Print(base, base);
  std::vector<Attack> attacks = {
      {"slowloris 5,000", true},
      {"slow POST", false, true},
      {"slow read", false, false, true},
      {"login flood", false, false, false, true},
      {"GET flood", false, false, false, false, true},
      {"connection exhaustion", false, false, false, false, false, true},
      {"all at once", true, true, true, true, true, true},
  };
  bool all_pass = base.pass();
  for (const Attack& a : attacks) {
    if (!only.empty() && a.name.find(only) == std::string::npos) continue;
    auto r = bench.Run(a);
    Print(r, base);
    all_pass = all_pass && r.pass();
  }
  bench.StopStudents();
  server.Stop(SIGTERM);
  fmt::print("attack verdict: {}\n", all_pass ? "PASS" : "FAIL");
  return all_pass ? 0 : 1;
}
