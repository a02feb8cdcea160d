#pragma once
// Test support: a small blocking HTTP/1.1 client with keep-alive, for one thread.

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pupitre::testkit {

// The target (path and query) of an absolute address ("http://host:port/a?b" -> "/a?b").
std::string TargetOf(const std::string& url);

struct HttpResult {
  int status = 0;  // 0: no response (connection failed or timed out)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names (the last of each)
  std::vector<std::string> set_cookies;        // every Set-Cookie, in order
  boost::json::value json() const;             // null when the body is not JSON
  // The error code of a JSON error body, or "".
  std::string error_code() const;
};

// The cookie `name` a response sets ("name=value", from its Set-Cookie headers), with its
// attributes ("; Path=/; ...") in `attributes`; "" when it sets none.
std::string CookieSet(const HttpResult& r, const std::string& name, std::string* attributes = nullptr);

class HttpClient {
 public:
  // `from`: the loopback source address to connect from (127.0.0.2 ...), as another client
  // machine would; "" for the system's choice.
  explicit HttpClient(uint16_t port, std::string from = "");
  ~HttpClient();

  // Sends one request; reconnects once if the kept-alive connection was closed.
  HttpResult Send(boost::beast::http::verb method, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {});
  HttpResult Get(const std::string& target) { return Send(boost::beast::http::verb::get, target); }
  HttpResult Post(const std::string& target, const std::string& body = "{}") {
    return Send(boost::beast::http::verb::post, target, body);
  }
  HttpResult Put(const std::string& target, const std::string& body) {
    return Send(boost::beast::http::verb::put, target, body);
  }

  struct Event {
    std::string name;
    std::string data;
  };
  // Opens a server-sent events stream on a new connection and collects its events until the
  // server closes it, `keep_going` returns false, or `limit` passes. Returns the status line's
  // code.
  int ReadEvents(const std::string& target, const std::map<std::string, std::string>& headers,
                 const std::function<bool(const Event&)>& keep_going,
                 std::chrono::seconds limit = std::chrono::seconds(60));

  // Logs in and uses the bearer token from then on. Returns the login response.
  HttpResult Login(const std::string& login, const std::string& password);
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string token_;
};

}  // namespace pupitre::testkit
