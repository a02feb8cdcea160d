// Idle connections as a waiting room holds them. N students wait in a paused waiting room, each
// following its event stream; the server's resident memory per stream and the CPU that idle
// streams cost (the feed runs ten times a second, looking at the streams of rooms that moved,
// and at each stream every 5 s) are measured, then
// projected to 100,000 (DESIGN.md: 100,000 idle connections in < 2 GiB). The baseline, in the
// same run, is a second fresh server holding N plain idle keep-alive connections.
//
// Usage: idle_streams_bench [--streams 15000] [--idle-seconds 10]
// N is bounded by the file descriptors a process may open (each side holds N sockets).
#include <signal.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "bench_kit.h"
#include "testkit/child_server.h"
#include "testkit/http_client.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::use_awaitable;
using pupitre::bench::Call;
using pupitre::bench::Connect;
using pupitre::testkit::ChildServer;

namespace {

// Memory per connection is measured here, not the defences: every connection comes from
// 127.0.0.1, so the caps per address and subnet are lifted, and the bare ones (which never
// send a byte) are not cut at the first-byte timeout.
constexpr char kServerConfig[] =
    "[server]\nlisten = \"127.0.0.1:0\"\nmax_connections = 40000\nidle_timeout_ms = 600000\n"
    "max_connections_per_address = 0\nmax_connections_per_subnet = 0\n"
    "first_byte_timeout_ms = 600000\nanonymous_idle_timeout_ms = 600000\n"
    "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n";

struct Figures {
  double rss_before_mib = 0;
  double rss_after_mib = 0;
  double idle_cpu_percent = 0;
  int ready = 0;
  int failures = 0;
  double KibPerConnection(int n) const { return (rss_after_mib - rss_before_mib) * 1024 / n; }
  double Projected100k(int n) const {
    return rss_before_mib + KibPerConnection(n) * 100'000 / 1024;
  }
};

// Holds one connection open: a waiting room's event stream (reads its first place event) when
// `token` is set, else a bare connection that sends nothing. Ends when the socket is closed.
asio::awaitable<void> Hold(uint16_t port, std::string token,
                           std::shared_ptr<beast::tcp_stream> s, Figures& f) {
  try {
    co_await Connect(*s, port);
    if (token.empty()) {
      ++f.ready;
    } else {
      std::string req = "GET /api/exams/demo-exam/waiting-room/events HTTP/1.1\r\nHost: x\r\n"
                        "Authorization: Bearer " + token + "\r\n\r\n";
      co_await asio::async_write(*s, asio::buffer(req), use_awaitable);
      std::string in;
      char chunk[1024];
      while (in.find("event: place") == std::string::npos) {
        size_t n = co_await s->async_read_some(asio::buffer(chunk), use_awaitable);
        in.append(chunk, n);
      }
      ++f.ready;
    }
    s->expires_never();
    char sink[512];
    for (;;) co_await s->async_read_some(asio::buffer(sink), use_awaitable);
  } catch (const std::exception&) {
    // Closed by the bench at the end (or refused: then `ready` is short and the run fails).
  }
}

// Opens `n` held connections, waits until all are ready, then measures memory and idle CPU.
Figures Measure(ChildServer& server, const std::vector<std::string>& tokens, int n,
                double idle_seconds) {
  Figures f;
  const pid_t pid = server.pid();
  f.rss_before_mib = pupitre::bench::ProcStatusKib(pid, "VmRSS") / 1024.0;
  asio::io_context ioc(1);
  std::vector<std::shared_ptr<beast::tcp_stream>> sockets;
  for (int i = 0; i < n; ++i) {
    sockets.push_back(std::make_shared<beast::tcp_stream>(ioc));
    asio::co_spawn(ioc, Hold(server.port(), tokens.empty() ? "" : tokens[i], sockets.back(), f),
                   asio::detached);
  }
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer t(ioc);
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (f.ready < n && std::chrono::steady_clock::now() < give_up) {
          t.expires_after(std::chrono::milliseconds(100));
          co_await t.async_wait(use_awaitable);
        }
        // Let the server settle (its feed sweeps every 100 ms), then measure an idle window.
        t.expires_after(std::chrono::seconds(1));
        co_await t.async_wait(use_awaitable);
        f.rss_after_mib = pupitre::bench::ProcStatusKib(pid, "VmRSS") / 1024.0;
        const double cpu0 = pupitre::bench::ProcCpuSeconds(pid);
        t.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(idle_seconds)));
        co_await t.async_wait(use_awaitable);
        f.idle_cpu_percent = (pupitre::bench::ProcCpuSeconds(pid) - cpu0) / idle_seconds * 100;
        for (auto& s : sockets) s->close();
      },
      asio::detached);
  ioc.run();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int streams = 15000;
  double idle_seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--streams") streams = std::stoi(argv[i + 1]);
    if (a == "--idle-seconds") idle_seconds = std::stod(argv[i + 1]);
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  if (static_cast<rlim_t>(streams) + 200 > lim.rlim_cur) {
    std::fprintf(stderr, "idle_streams_bench: %d streams need %d open files; this process may open %llu\n",
                 streams, streams + 200, static_cast<unsigned long long>(lim.rlim_cur));
    return 2;
  }

  // The baseline: a fresh server, N bare connections that never send a request.
  pupitre::testkit::TempDir base_dir;
  ChildServer base(base_dir.path(), kServerConfig, /*demo=*/true);
  if (!base.Start()) {
    std::cerr << "server did not start:\n" << base.log();
    return 1;
  }
  const Figures plain = Measure(base, {}, streams, idle_seconds);
  base.Stop(SIGTERM);

  // The waiting room: one student is admitted, admission is paused, N queue and listen.
  pupitre::testkit::TempDir dir;
  ChildServer server(dir.path(), kServerConfig, /*demo=*/true);
  server.AddArgs({"--demo-students", std::to_string(streams + 1)});
  if (!server.Start()) {
    std::cerr << "server did not start:\n" << server.log();
    return 1;
  }
  {
    pupitre::testkit::HttpClient first(server.port()), admin(server.port());
    bool ok = first.Login(fmt::format("student{:04d}", streams + 1), "student-demo").status == 200 &&
              first.Post("/api/exams/demo-exam/start").status == 200 &&
              admin.Login("admin", "admin-demo").status == 200 &&
              admin.Put("/api/admin/exams/demo-exam/admission", R"({"paused":true})").status == 200;
    if (!ok) {
      std::cerr << "could not set up the paused waiting room\n" << server.log();
      return 1;
    }
  }
  std::vector<std::string> tokens(streams);
  int queue_failures = 0;
  {
    asio::io_context ioc(1);
    for (int k = 0; k < 32; ++k) {
      // Each asks to start once logged in, and must be given a place (202).
      auto queue = [](beast::tcp_stream& s, beast::flat_buffer& buf,
                      const std::string& token) -> asio::awaitable<bool> {
        auto r = co_await Call(s, buf, bhttp::verb::post, "/api/exams/demo-exam/start", token);
        co_return r.result_int() == 202;
      };
      asio::co_spawn(ioc,
                     pupitre::bench::LogInRange(server.port(), k, streams, 32, tokens,
                                                queue_failures, queue),
                     asio::detached);
    }
    ioc.run();
  }
  const Figures room = Measure(server, tokens, streams, idle_seconds);
  server.Stop(SIGTERM);

  std::printf("idle connections: %d on each of two fresh servers, %.0f s idle window\n", streams,
              idle_seconds);
  std::printf("  %-30s %8s %8s %10s %12s %16s\n", "", "RSS MiB", "after", "KiB each",
              "idle CPU %", "100k MiB (proj.)");
  auto row = [&](const char* name, const Figures& f) {
    std::printf("  %-30s %8.0f %8.0f %10.1f %12.1f %16.0f\n", name, f.rss_before_mib,
                f.rss_after_mib, f.KibPerConnection(streams), f.idle_cpu_percent,
                f.Projected100k(streams));
  };
  row("plain keep-alive (baseline)", plain);
  row("waiting-room event streams", room);
  std::printf("  ratio of memory per connection, stream / baseline: %.2f\n",
              room.KibPerConnection(streams) / std::max(plain.KibPerConnection(streams), 0.001));
  const bool ok = queue_failures == 0 && plain.ready == streams && room.ready == streams &&
                  room.Projected100k(streams) < 2048;
  if (queue_failures > 0) std::printf("  %d students were not queued\n", queue_failures);
  if (room.ready < streams) std::printf("  only %d of %d streams opened\n", room.ready, streams);
  std::printf("  verdict: %s (every stream open; 100,000 projected under 2 GiB)\n",
              ok ? "PASS" : "FAIL");
  return ok ? 0 : 3;
}
