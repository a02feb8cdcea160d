#include "load/fetch.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace pupitre::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Result<std::string> FetchText(const Target& t, bhttp::verb method, const std::string& target,
                              const std::string& token, const std::string& body) {
  try {
    asio::io_context ioc;
    asio::ip::tcp::socket sock(ioc);
    sock.connect({asio::ip::make_address(t.host), t.port});
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, t.host);
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    bhttp::write(sock, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ULL << 31);
    bhttp::read(sock, buf, parser);
    auto res = parser.release();
    if (res.result_int() != 200) {
      return Error::Unavailable(fmt::format("{} answered {}: {}", target, res.result_int(),
                                            res.body().substr(0, 200)));
    }
    return std::move(res.body());
  } catch (const std::exception& e) {
    return Error::Unavailable(fmt::format("{}: {}", target, e.what()));
  }
}

}  // namespace pupitre::load
