#pragma once
// What the benchmarks that drive a child server over many connections share: an awaitable
// HTTP call and connect on a Beast stream, and the server's memory read from /proc.
#include <sys/types.h>
#include <unistd.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace pupitre::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// One request on `s` (kept alive), with a bearer token if not empty.
inline asio::awaitable<bhttp::response<bhttp::string_body>> Call(
    beast::tcp_stream& s, beast::flat_buffer& buf, bhttp::verb m, std::string target,
    const std::string& token, std::string body = "") {
  bhttp::request<bhttp::string_body> req{m, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.prepare_payload();
  s.expires_after(std::chrono::seconds(60));
  co_await bhttp::async_write(s, req, asio::use_awaitable);
  bhttp::response<bhttp::string_body> res;
  co_await bhttp::async_read(s, buf, res, asio::use_awaitable);
  co_return res;
}

inline asio::awaitable<void> Connect(beast::tcp_stream& s, uint16_t port) {
  s.expires_after(std::chrono::seconds(30));
  co_await s.async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
}

// Logs demo students in (student0001...; every `step`-th from `from` to `to`, 0-based) on one
// keep-alive connection and keeps their tokens. `then`, if given, runs for each on the same
// connection once logged in (e.g. asks to start an exam); false counts as a failure.
using AfterLogIn = std::function<asio::awaitable<bool>(beast::tcp_stream&, beast::flat_buffer&,
                                                      const std::string& token)>;
inline asio::awaitable<void> LogInRange(uint16_t port, int from, int to, int step,
                                        std::vector<std::string>& tokens, int& failures,
                                        AfterLogIn then = {}) {
  beast::tcp_stream s(co_await asio::this_coro::executor);
  beast::flat_buffer buf;
  co_await Connect(s, port);
  for (int i = from; i < to; i += step) {
    auto res = co_await Call(
        s, buf, bhttp::verb::post, "/api/login", "",
        fmt::format(R"({{"login":"student{:04d}","password":"student-demo"}})", i + 1));
    if (res.result_int() != 200) {
      ++failures;
      continue;
    }
    tokens[i] = std::string(boost::json::parse(res.body()).at("token").as_string());
    if (then && !co_await then(s, buf, tokens[i])) ++failures;
  }
}

// A field of /proc/PID/status in KiB: "VmRSS" (now) or "VmHWM" (peak).
inline int64_t ProcStatusKib(pid_t pid, const std::string& field) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return 0;
}

// CPU time (user + system) the process has used so far, in seconds.
inline double ProcCpuSeconds(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  std::string rest = text.substr(text.rfind(')') + 2);
  std::istringstream fields(rest);
  std::string f;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoll(f);
    if (i == 15) stime = std::stoll(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace pupitre::bench
