#include "load/engine.h"
#include "load/run.h"

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

Result<RunResult> RunMorning(const Scenario& scenario, const EngineOptions& options) {
  if (!options.ledger_path.empty()) {
    std::ofstream probe(options.ledger_path);
    if (!probe) return Error::Invalid("cannot write the ledger at " + options.ledger_path);
  }
  Run run(scenario, options);
  RunResult r = run.Go();
  if (!options.ledger_path.empty()) {
    std::ofstream out(options.ledger_path);
    for (const auto& e : run.ledger()) {
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
