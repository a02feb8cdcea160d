#include "load/probe.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

namespace pupitre::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Steady = std::chrono::steady_clock;

namespace {

asio::awaitable<void> Loop(const Target& t, const ProbeOptions& o, Steady::time_point end,
                           ProbeResult& r) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  beast::flat_buffer buffer;
  beast::error_code ec;
  co_await stream.async_connect({asio::ip::make_address(t.host), t.port},
                                asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    ++r.failed;
    co_return;
  }
  // The request is the same every time: serialised once, like wrk does.
  std::string req = "GET " + o.path + " HTTP/1.1\r\nHost: " + t.host + "\r\n";
  for (const auto& [k, v] : o.headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  while (Steady::now() < end) {
    const auto t0 = Steady::now();
    co_await asio::async_write(stream, asio::buffer(req), asio::redirect_error(asio::use_awaitable, ec));
    bhttp::response<bhttp::string_body> res;
    if (!ec) co_await bhttp::async_read(stream, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      ++r.failed;
      co_return;
    }
    r.latency.Record(std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - t0).count());
    if (res.result_int() / 100 == 2) ++r.ok; else ++r.failed;
  }
}

}  // namespace

Result<ProbeResult> Probe(const Target& target, const ProbeOptions& o) {
  if (o.connections < 1 || o.seconds <= 0) return Error::Invalid("probe needs connections and time");
  asio::io_context ioc(1);
  ProbeResult r;
  const auto start = Steady::now();
  const auto end = start + std::chrono::duration_cast<Steady::duration>(
                               std::chrono::duration<double>(o.seconds));
  // No per-request timer (it would cost as much as the request): one watchdog for the run,
  // cancelled when the last connection is done.
  asio::steady_timer watchdog(ioc);
  watchdog.expires_at(end + std::chrono::seconds(10));
  watchdog.async_wait([&](beast::error_code ec) {
    if (!ec) ioc.stop();
  });
  int live = o.connections;
  for (int i = 0; i < o.connections; ++i) {
    asio::co_spawn(ioc, Loop(target, o, end, r), [&](std::exception_ptr) {
      if (--live == 0) watchdog.cancel();
    });
  }
  ioc.run();
  r.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  return r;
}

}  // namespace pupitre::load
