#pragma once
// The simulator's run, shared by the engine's files: one coroutine per simulated person on one
// Asio event loop, open model (each request has an intended send time fixed by the plan; latency
// is measured from it). engine.cc plays an exam morning with it, school.cc a school morning.
// Internal to load/.

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
#include <atomic>
#include <memory>
#include <vector>

#include "load/engine.h"
#include "load/page_sequence.h"
#include "load/server_figures.h"

namespace pupitre::load::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;


// Per-second figures, kept small: latency samples are capped per step and second.
struct SecondBucket {
  int64_t arrivals = 0;
  int64_t errors = 0;
  int64_t active = 0;
  int64_t waiting = 0;
  int64_t server_waiting = -1;  // the server's count, sampled from its /metrics (-1: not read)
  std::map<std::string, std::vector<float>> samples_ms;
};
constexpr size_t kSamplesPerSecond = 4000;

// CPU time (user and system) the calling thread has used: the generator's event loop.
inline double ThreadCpuSeconds() {
  rusage u{};
  if (getrusage(RUSAGE_THREAD, &u) != 0) return 0;
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// What the event loops of one run share (each loop a thread, its students dealt to it): the
// plan's clock, the gate of start_after_logins, and the figures the progress line adds up.
class Run;
struct Shared {
  Steady::time_point t0;  // the run's time 0, the same for every loop
  int64_t students = 0;
  std::vector<Run*> runs;  // every loop's, set before any plays
  std::vector<PagePhase> page;  // what each student's page asks for (load/page_sequence.h)
  // start_after_logins: logins done (or failed) so far; once all are, the starts' shift and
  // when they begin, then the gate opens and every loop is woken.
  std::atomic<int64_t> logged_in{0};
  std::atomic<int64_t> shift_ns{0};
  std::atomic<double> starts_began_s{-1};
  std::atomic<bool> gate_open{false};
};

class Run {
 public:
  // `mine`: this loop's students (their plans, and their place in the whole plan).
  Run(const Scenario& s, const EngineOptions& o, Shared& shared,
      std::vector<std::pair<StudentPlan, int>> mine)
      : s_(s), o_(o), shared_(shared), mine_(std::move(mine)),
        rng_(s.seed ^ 0x5eedULL ^ (mine_.empty() ? 0 : static_cast<uint64_t>(mine_.front().second) << 32)),
        t0_(shared.t0) {
    result_.scenario = s.name;
    result_.target = fmt::format("http://{}:{}", o.target.host, o.target.port);
    result_.time_scale = s.time_scale;
    result_.students = shared.students;  // this generator's (an agent plays a share)
  }

  // Plays this loop's students on the calling thread until they are all done.
  void Play() {
    const double cpu_at_start = ThreadCpuSeconds();
    remaining_ = static_cast<int64_t>(mine_.size());
    if (s_.kind == "school") {
      if (!PrepareSchool()) return;
      t0_ = Steady::now() + std::chrono::milliseconds(100);
      for (const auto& [p, index] : mine_) asio::co_spawn(ioc_, SchoolStudent(p), asio::detached);
    } else {
      for (const auto& [p, index] : mine_) asio::co_spawn(ioc_, Student(p, index), asio::detached);
    }
    asio::co_spawn(ioc_, Ticker(), asio::detached);
    if (o_.watch_server && !shared_.runs.empty() && shared_.runs.front() == this) {
      asio::co_spawn(ioc_, WatchServer(), asio::detached);
    }
    ioc_.run();
    result_.duration_s = Seconds(Steady::now());
    result_.generator_cpu_s = ThreadCpuSeconds() - cpu_at_start;
  }

  // The whole run from its loops' (each played): their figures added, histograms merged, the
  // timeline's seconds put together, then the verdict.
  static RunResult Merge(const Scenario& s, std::vector<std::unique_ptr<Run>>& runs) {
    RunResult out = std::move(runs.front()->result_);
    std::vector<SecondBucket> seconds = std::move(runs.front()->seconds_);
    for (size_t k = 1; k < runs.size(); ++k) {
      RunResult& r = runs[k]->result_;
      out.duration_s = std::max(out.duration_s, r.duration_s);
      out.finished += r.finished;
      for (const auto& [step, h] : r.steps) out.steps[step].Merge(h);
      for (const auto& [kind, n] : r.errors) out.errors[kind] += n;
      out.acknowledged_saves += r.acknowledged_saves;
      out.login_line_polls += r.login_line_polls;
      out.send_lag.Merge(r.send_lag);
      out.generator_cpu_s += r.generator_cpu_s;
      if (out.server_metrics_at_starts.empty()) out.server_metrics_at_starts = std::move(r.server_metrics_at_starts);
      std::vector<SecondBucket>& more = runs[k]->seconds_;
      if (seconds.size() < more.size()) seconds.resize(more.size());
      for (size_t i = 0; i < more.size(); ++i) {
        seconds[i].arrivals += more[i].arrivals;
        seconds[i].errors += more[i].errors;
        seconds[i].active += more[i].active;
        seconds[i].waiting += more[i].waiting;
        seconds[i].server_waiting = std::max(seconds[i].server_waiting, more[i].server_waiting);
        for (auto& [step, v] : more[i].samples_ms) {
          auto& into = seconds[i].samples_ms[step];
          into.insert(into.end(), v.begin(), v.end());
        }
      }
    }
    out.generator_threads = static_cast<int>(runs.size());
    out.starts_began_s = runs.front()->shared_.starts_began_s.load();
    // Students waiting at once: exact within a loop; across loops, the largest sum of the
    // loops' counts sampled at the same second (or one loop's own peak, if larger).
    for (const auto& run : runs) out.peak_waiting = std::max(out.peak_waiting, run->result_.peak_waiting);
    for (size_t i = 0; i < seconds.size(); ++i) {
      SecondSample sample;
      sample.t_s = static_cast<double>(i);
      sample.arrivals = seconds[i].arrivals;
      sample.errors = seconds[i].errors;
      sample.active = seconds[i].active;
      sample.waiting = seconds[i].waiting;
      sample.server_waiting = seconds[i].server_waiting;
      if (runs.size() > 1) out.peak_waiting = std::max(out.peak_waiting, sample.waiting);
      for (auto& [step, samples] : seconds[i].samples_ms) {
        auto& v = samples;  // a lambda may not capture a structured binding (clang 14)
        std::sort(v.begin(), v.end());
        auto pct = [&v](double q) {
          return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
        };
        sample.latency_ms[step] = {pct(0.5), pct(0.99)};
      }
      out.timeline.push_back(std::move(sample));
    }
    for (const auto& run : runs) out.server_peak_waiting = std::max(out.server_peak_waiting, run->result_.server_peak_waiting);
    out.verdict = Judge(s.thresholds, out);
    out.verdict.push_back(JudgeGenerator(s, out));
    return out;
  }

  // Opens this loop's gate (start_after_logins), from any thread.
  void Wake() {
    asio::post(ioc_, [this] { logins_done_.cancel(); });
  }

  const std::vector<LedgerEntry>& ledger() const { return ledger_; }

 private:
  struct Conn {
    explicit Conn(asio::any_io_executor ex) : stream(ex) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    bool open = false;
  };
  struct Reply {
    int status = 0;  // 0: no answer (connection failed)
    std::string body;
    int64_t retry_after_s = 0;  // the Retry-After header, if any
    std::string location;       // the Location header, if any
  };

  double Seconds(Steady::time_point t) const {
    return std::chrono::duration<double>(t - t0_).count();
  }
  Steady::time_point At(double s) const {
    return t0_ + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(s));
  }
  SecondBucket& Bucket(Steady::time_point t) {
    size_t i = static_cast<size_t>(std::max(0.0, Seconds(t)));
    if (seconds_.size() <= i) seconds_.resize(i + 1);
    return seconds_[i];
  }
  void Error(Steady::time_point t, const std::string& kind) {
    ++result_.errors[kind];
    ++Bucket(t).errors;
  }
  void Latency(const std::string& step, Steady::time_point intended, Steady::time_point done) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(done - intended).count();
    result_.steps[step].Record(us);
    auto& v = Bucket(done).samples_ms[step];
    if (v.size() < kSamplesPerSecond) v.push_back(static_cast<float>(us / 1000.0));
  }

  asio::awaitable<void> SleepUntil(Steady::time_point t) {
    if (Steady::now() >= t) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(t);
    co_await timer.async_wait(use_awaitable);
  }
  // Waits for a planned send and notes how late the generator's loop woke for it: a loop too
  // busy to keep its schedule measures itself, not the server (RunResult::send_lag). A student
  // already past the time (still waiting on the server's previous answer) is not the loop's
  // lateness: the latency, counted from the plan, holds it.
  asio::awaitable<void> SleepUntilPlanned(Steady::time_point t) {
    if (Steady::now() >= t) co_return;
    co_await SleepUntil(t);
    result_.send_lag.Record(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - t).count()));
  }
  // The server's /metrics as the starts begin (a capacity step reads it again at the end).
  asio::awaitable<void> ReadServerMetrics() {
    Conn c(co_await asio::this_coro::executor);
    Reply r = co_await Call(c, bhttp::verb::get, "/metrics", "");
    if (r.status == 200) result_.server_metrics_at_starts = std::move(r.body);
  }
  // With start_after_logins: counts a student's login done (or failed); once everyone's is, the
  // starts' clock begins a second later. Then waits for it, and returns how far the plan moves.
  asio::awaitable<Steady::duration> AfterEveryLogin() {
    if (!s_.start_after_logins) co_return Steady::duration::zero();
    if (shared_.logged_in.fetch_add(1) + 1 == shared_.students) {
      const auto planned = At(s_.login_spread_s / s_.time_scale);
      const auto shift = std::max(Steady::duration::zero(), Steady::now() + std::chrono::seconds(1) - planned);
      shared_.shift_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(shift).count();
      shared_.starts_began_s = Seconds(planned + shift);
      if (o_.read_server_metrics) asio::co_spawn(ioc_, ReadServerMetrics(), asio::detached);
      // Set before the wakes: a loop that checks it after need not wait; one that checked it
      // before is waiting when its wake (posted to it) runs.
      shared_.gate_open = true;
      for (Run* run : shared_.runs) run->Wake();
    } else if (!shared_.gate_open) {
      beast::error_code ec;
      co_await logins_done_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return std::chrono::duration_cast<Steady::duration>(std::chrono::nanoseconds(shared_.shift_ns.load()));
  }

  asio::awaitable<bool> Connect(Conn& c) {
    c.stream.close();
    c.buffer.clear();
    beast::error_code ec;
    auto& sock = c.stream.socket();
    tcp::endpoint to(asio::ip::make_address(o_.target.host), o_.target.port);
    sock.open(tcp::v4(), ec);
    if (!ec && o_.source_addresses > 1) {
      // Spread connections over N addresses, each on a /24 of its own (127.0.0.1, 127.0.1.1,
      // ...): each has its own ports, and the server's caps per address and per subnet see
      // students from many networks, as on an exam morning.
      auto from = asio::ip::make_address_v4(
          fmt::format("127.0.{}.1", next_source_++ % o_.source_addresses));
      sock.bind(tcp::endpoint(from, 0), ec);
    }
    if (ec) co_return false;
    c.stream.expires_after(std::chrono::seconds(30));
    co_await c.stream.async_connect(to, asio::redirect_error(use_awaitable, ec));
    c.open = !ec;
    co_return c.open;
  }

  // One request on the student's connection (reconnecting once if it was closed).
  // `headers`: more of them (then the body's Content-Type is among them, if any).
  using Headers = std::vector<std::pair<std::string, std::string>>;
  asio::awaitable<Reply> Call(Conn& c, bhttp::verb method, const std::string& target,
                              const std::string& token, const std::string& body = "",
                              const Headers& headers = {}) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, o_.target.host);
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) {
      if (headers.empty()) req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!c.open && !co_await Connect(c)) continue;
      beast::error_code ec;
      c.stream.expires_after(std::chrono::seconds(60));
      co_await bhttp::async_write(c.stream, req, asio::redirect_error(use_awaitable, ec));
      bhttp::response<bhttp::string_body> res;
      if (!ec) co_await bhttp::async_read(c.stream, c.buffer, res, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        c.open = false;
        continue;
      }
      if (!res.keep_alive()) c.open = false;
      const auto retry = res[bhttp::field::retry_after];
      int64_t retry_s = 0;
      std::from_chars(retry.data(), retry.data() + retry.size(), retry_s);
      co_return Reply{static_cast<int>(res.result_int()), std::move(res.body()), retry_s,
                      std::string(res[bhttp::field::location])};
    }
    co_return Reply{};
  }

  // Logs in as the page does: waits in the login line (202) and comes back with the ticket; when
  // the server is busy for a moment (503, 429), comes back after its Retry-After. Bounded.
  // Returns the session's token, or "" (the error counted).
  asio::awaitable<std::string> LogIn(Conn& c, const std::string& login,
                                     const std::string& password, bool remember) {
    // (Built before the co_await: GCC 12 cannot keep an initializer list across one.)
    json::object credentials;
    credentials["login"] = login;
    credentials["password"] = password;
    if (remember) credentials["remember"] = true;
    std::string login_body = json::serialize(credentials);
    Reply r = co_await Call(c, bhttp::verb::post, "/api/login", "", login_body);
    const auto give_up = Steady::now() + std::chrono::hours(1);
    for (int polls = 0; (r.status == 202 || r.status == 503 || r.status == 429) &&
                        polls < 5000 && Steady::now() < give_up;
         ++polls) {
      auto wait = std::chrono::milliseconds(1000 * std::max<int64_t>(1, r.retry_after_s));
      if (r.status == 202) {
        const json::value q = json::parse(r.body).at("login_queue");
        credentials["queue_ticket"] = q.at("ticket");
        login_body = json::serialize(credentials);
        wait = std::chrono::milliseconds(q.at("poll_after_ms").to_number<int64_t>());
        ++result_.login_line_polls;
      }
      co_await SleepUntil(Steady::now() + wait);
      r = co_await Call(c, bhttp::verb::post, "/api/login", "", login_body);
    }
    if (r.status != 200) {
      Error(Steady::now(), fmt::format("login: {}", r.status));
      co_return std::string();
    }
    co_return std::string(json::parse(r.body).at("token").as_string());
  }

  // Follows the waiting room's event stream at `path` until admitted. Returns the attempt id,
  // or 0 and why in `failure` (the connection, the HTTP status, or the stream ending without
  // admission).
  asio::awaitable<int64_t> AwaitAdmission(const std::string& path, const std::string& token,
                                          std::string& failure) {
    Conn c(co_await asio::this_coro::executor);
    if (!co_await Connect(c)) {
      failure = "wait: cannot connect";
      co_return 0;
    }
    std::string req = fmt::format(
        "GET {} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n", path,
        o_.target.host, token);
    beast::error_code ec;
    co_await asio::async_write(c.stream, asio::buffer(req), asio::redirect_error(use_awaitable, ec));
    std::string in;
    bool header_seen = false;
    char chunk[2048];
    while (!ec) {
      c.stream.expires_after(std::chrono::hours(6));
      size_t n = co_await c.stream.async_read_some(asio::buffer(chunk),
                                                   asio::redirect_error(use_awaitable, ec));
      in.append(chunk, n);
      if (!header_seen) {
        size_t end = in.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        // "HTTP/1.1 200 OK": anything but 200 is the server refusing the stream.
        if (in.compare(0, 13, "HTTP/1.1 200 ") != 0) {
          failure = fmt::format("wait: {}", in.size() > 12 ? in.substr(9, 3) : "bad reply");
          co_return 0;
        }
        header_seen = true;
        in.erase(0, end + 4);
      }
      size_t at;
      while ((at = in.find("\n\n")) != std::string::npos) {
        std::string block = in.substr(0, at);
        in.erase(0, at + 2);
        if (block.find("event: admitted") == std::string::npos) continue;
        size_t data = block.find("data: ");
        json::error_code jec;
        auto v = json::parse(block.substr(data + 6), jec);
        if (!jec) co_return v.at("attempt_id").as_int64();
      }
    }
    failure = header_seen ? "wait: stream ended before admission" : "wait: no reply";
    co_return 0;
  }

  // --- an exam morning's student (student.cc)
  // Plays the page's phases (Shared::page) at the planned login and start, then answers until
  // the planned submit.
  asio::awaitable<void> Student(StudentPlan plan, int index);
  // What one student's page holds while it plays (student.cc).
  struct Visit;
  // Sends one phase's requests; false: the student stops (the error counted).
  asio::awaitable<bool> PlayPhase(Conn& c, Visit& v, const PagePhase& phase);
  // Opens the event stream at `path`, closing the page's previous one (one at a time, as
  // notify.js): its connection is then read and discarded until it is closed. False: refused.
  // `label`: the path as errors name it (its ids left as {attempt}).
  asio::awaitable<bool> OpenStream(std::shared_ptr<Conn>& held, const std::string& path,
                                   const std::string& label, const std::string& token);
  asio::awaitable<void> Drain(std::shared_ptr<Conn> c);
  static void CloseStream(std::shared_ptr<Conn>& held);
  // Answers until the planned submit: a question at exponential think times; an essay typed
  // for typing_share of the time until the next one, saved as the page does meanwhile.
  asio::awaitable<void> Work(Conn& c, Visit& v, const StudentPlan& plan, int index,
                             Steady::duration shift);
  asio::awaitable<void> ReloadPage(Conn& c, Visit& v);
  // Sends what the page kept while offline, oldest first (as its journal does), and forgets it.
  asio::awaitable<void> ResendKept(Conn& c, Visit& v,
                                   std::vector<std::pair<std::string, std::string>>& kept);
  void Acked(int64_t attempt, const std::string& question, const std::string& body);
  std::string AnswerFor(const json::object& q, int64_t seq);

  double Exp(double mean_real_s) {
    std::exponential_distribution<double> d(1.0 / std::max(mean_real_s, 1e-6));
    return d(rng_);
  }

  // Whether any loop still has students playing (read from any loop's thread).
  bool AnyoneLeft() const {
    for (const Run* run : shared_.runs) {
      if (run->shown_remaining_.load() > 0) return true;
    }
    return false;
  }

  // Once a second while students play: the server's own count of students waiting, from its
  // /metrics, beside the simulator's (which counts a student until it reads "admitted").
  asio::awaitable<void> WatchServer() {
    Conn c(co_await asio::this_coro::executor);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto next = t0_;
    shown_remaining_ = remaining_;
    while (AnyoneLeft()) {
      Reply r = co_await Call(c, bhttp::verb::get, "/metrics", "");
      const int64_t waiting = r.status == 200 ? ParseServerFigures(r.body).waiting : -1;
      if (waiting >= 0) {
        SecondBucket& b = Bucket(Steady::now());
        b.server_waiting = std::max(b.server_waiting, waiting);
        result_.server_peak_waiting = std::max(result_.server_peak_waiting, waiting);
      }
      next = std::max(next + std::chrono::seconds(1), Steady::now());
      timer.expires_at(next);
      co_await timer.async_wait(use_awaitable);
    }
  }

  // Once a second: this loop's second of the timeline, and what the progress line shows (the
  // first loop prints the sum of every loop's, until all are done).
  asio::awaitable<void> Ticker() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto next = t0_;
    int64_t last_saves = 0;
    const bool prints = o_.progress && !shared_.runs.empty() && shared_.runs.front() == this;
    shown_remaining_ = remaining_;
    while (remaining_ > 0 || (prints && AnyoneLeft())) {
      next += std::chrono::seconds(1);
      timer.expires_at(next);
      co_await timer.async_wait(use_awaitable);
      SecondBucket& b = Bucket(next - std::chrono::milliseconds(1));
      b.active = active_;
      b.waiting = waiting_;
      auto it = result_.steps.find("save");
      shown_active_ = active_;
      shown_waiting_ = waiting_;
      shown_saves_ = it == result_.steps.end() ? 0 : it->second.count();
      shown_save_p99_us_ = it == result_.steps.end() ? 0 : it->second.Percentile(0.99);
      shown_errors_ = result_.total_errors();
      shown_finished_ = result_.finished;
      shown_remaining_ = remaining_;
      if (!prints) continue;
      int64_t active = 0, waiting = 0, saves = 0, p99_us = 0, errors = 0, finished = 0;
      for (const Run* run : shared_.runs) {
        active += run->shown_active_;
        waiting += run->shown_waiting_;
        saves += run->shown_saves_;
        p99_us = std::max<int64_t>(p99_us, run->shown_save_p99_us_);
        errors += run->shown_errors_;
        finished += run->shown_finished_;
      }
      std::fprintf(stderr,
                   "\r[%4.0fs] active %6lld  waiting %5lld  saves/s %6lld  save p99 %7.1f ms  "
                   "errors %lld  finished %lld/%lld   ",
                   Seconds(next), static_cast<long long>(active), static_cast<long long>(waiting),
                   static_cast<long long>(saves - last_saves), static_cast<double>(p99_us) / 1000.0,
                   static_cast<long long>(errors), static_cast<long long>(finished),
                   static_cast<long long>(result_.students));
      last_saves = saves;
    }
    if (prints) std::fprintf(stderr, "\n");
  }

  // --- the school morning (school.cc)
  // The set-up, before the clock starts: the course's 1 MB file and homework (made by the
  // teacher if missing), and "yesterday": the remembered students' sessions. False: it failed
  // (result_.errors says why).
  bool PrepareSchool();
  asio::awaitable<void> PrepareCourse(bool& ok);
  asio::awaitable<void> Yesterday(std::vector<int64_t>& numbers, size_t& next);
  asio::awaitable<void> SchoolStudent(StudentPlan plan);
  // Sends `bytes` as a tus upload (slowly: parts of slow_kib_per_s, one a second); returns its
  // id, or "" (the error counted).
  asio::awaitable<std::string> Upload(Conn& c, const std::string& token, const std::string& name,
                                      const std::string& bytes, bool slow);
  std::map<int64_t, std::string> remembered_;  // student number -> session token, from yesterday
  std::string file_url_;                       // the course's file every student downloads
  int64_t file_size_ = 0;
  int64_t homework_id_ = 0;

  const Scenario& s_;
  const EngineOptions& o_;
  Shared& shared_;
  std::vector<std::pair<StudentPlan, int>> mine_;
  asio::io_context ioc_{1};
  std::mt19937_64 rng_;
  Steady::time_point t0_;  // the run's time 0 (a school morning sets it after its set-up)
  RunResult result_;
  std::vector<SecondBucket> seconds_;
  std::vector<LedgerEntry> ledger_;
  int64_t remaining_ = 0;
  asio::steady_timer logins_done_{ioc_, Steady::time_point::max()};  // cancelled once all are
  // What the progress line shows of this loop (Ticker), read by the first loop's thread.
  std::atomic<int64_t> shown_active_{0}, shown_waiting_{0}, shown_saves_{0}, shown_save_p99_us_{0},
      shown_errors_{0}, shown_finished_{0}, shown_remaining_{0};
  int64_t active_ = 0;
  int64_t waiting_ = 0;
  uint64_t next_source_ = 0;
};


}  // namespace pupitre::load::detail
