#include "testkit/http_client.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>

#include <optional>

namespace pupitre::testkit {

std::string CookieSet(const HttpResult& r, const std::string& name, std::string* attributes) {
  for (const std::string& c : r.set_cookies) {
    if (c.rfind(name + "=", 0) != 0) continue;
    const size_t semi = c.find(';');
    if (attributes != nullptr) *attributes = semi == std::string::npos ? "" : c.substr(semi);
    return c.substr(0, semi);
  }
  return "";
}

std::string TargetOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

boost::json::value HttpResult::json() const {
  boost::json::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

std::string HttpResult::error_code() const {
  auto v = json();
  if (!v.is_object()) return "";
  auto* e = v.as_object().if_contains("error");
  if (!e || !e->is_object()) return "";
  auto* c = e->as_object().if_contains("code");
  return c && c->is_string() ? std::string(c->as_string()) : "";
}

struct HttpClient::Impl {
  uint16_t port;
  std::string from;  // the source address ("": the system's choice)
  asio::io_context ioc;
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;

  bool Connect() {
    socket.emplace(ioc);
    beast::error_code ec;
    if (!from.empty()) {
      socket->open(tcp::v4(), ec);
      if (!ec) socket->bind(tcp::endpoint(asio::ip::make_address(from), 0), ec);
    }
    if (!ec) socket->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) {
      socket.reset();
      return false;
    }
    timeval tv{30, 0};  // no test request may hang forever
    setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    socket->set_option(tcp::no_delay(true));
    buffer.clear();
    return true;
  }
};

HttpClient::HttpClient(uint16_t port, std::string from) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->from = std::move(from);
}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::Send(bhttp::verb method, const std::string& target, const std::string& body,
                            const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.keep_alive(true);
  if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == bhttp::verb::post || method == bhttp::verb::put) {
    req.body() = body;
    if (req[bhttp::field::content_type].empty()) {
      req.set(bhttp::field::content_type, "application/json");
    }
    req.prepare_payload();
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->socket && !impl_->Connect()) return {};
    beast::error_code ec;
    bhttp::write(*impl_->socket, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(method == bhttp::verb::head);  // a HEAD's answer has no body, whatever its length
    if (!ec) bhttp::read(*impl_->socket, impl_->buffer, parser, ec);
    if (ec) {
      impl_->socket.reset();
      continue;  // a closed keep-alive connection: once more on a new one
    }
    auto res = parser.release();
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.headers[name] = std::string(f.value());
      if (name == "set-cookie") out.set_cookies.emplace_back(f.value());
    }
    if (!res.keep_alive()) impl_->socket.reset();
    return out;
  }
  return {};
}

int HttpClient::ReadEvents(const std::string& target,
                           const std::map<std::string, std::string>& headers,
                           const std::function<bool(const Event&)>& keep_going,
                           std::chrono::seconds limit) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port), ec);
  if (ec) return 0;
  timeval tv{static_cast<time_t>(limit.count()), 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token_.empty()) req += "Authorization: Bearer " + token_ + "\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  asio::write(socket, asio::buffer(req), ec);
  if (ec) return 0;
  std::string in;
  int status = 0;
  size_t body_at = std::string::npos;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    size_t n = socket.read_some(asio::buffer(buf), ec);
    if (ec) break;
    in.append(buf, n);
    if (body_at == std::string::npos) {
      body_at = in.find("\r\n\r\n");
      if (body_at == std::string::npos) continue;
      status = std::stoi(in.substr(9, 3));
      in.erase(0, body_at + 4);
      if (status != 200) return status;
    }
    size_t end;
    while ((end = in.find("\n\n")) != std::string::npos) {
      std::string block = in.substr(0, end);
      in.erase(0, end + 2);
      Event e;
      size_t pos = 0;
      while (pos < block.size()) {
        size_t nl = block.find('\n', pos);
        std::string line = block.substr(pos, nl == std::string::npos ? nl : nl - pos);
        pos = nl == std::string::npos ? block.size() : nl + 1;
        if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data = line.substr(6);
      }
      if (e.name.empty()) continue;  // a heartbeat comment
      if (!keep_going(e)) return status;
    }
  }
  return status;
}

HttpResult HttpClient::Login(const std::string& login, const std::string& password) {
  boost::json::object o{{"login", login}, {"password", password}};
  HttpResult r = Post("/api/login", boost::json::serialize(o));
  if (r.status == 200) {
    auto v = r.json();
    token_ = std::string(v.as_object().at("token").as_string());
  }
  return r;
}

}  // namespace pupitre::testkit
