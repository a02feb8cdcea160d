#include "api/context.h"

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "api/errors.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;

void Context::ReleaseGuard(MonoPoint now) {
  if (guard) {
    guard->Release(std::chrono::duration_cast<Millis>(now - admitted_at), guard_class);
    guard = nullptr;
  }
  EndCritical();
}

void Context::Send(http::Response&& res) {
  const MonoPoint now = clock.Monotonic();
  ReleaseGuard(now);
  stats->Record(res.result_int(), std::chrono::duration<double>(now - start).count());
  responder.Send(std::move(res));
}

void Context::SendFile(http::Response&& header, http::FileBody file) {
  const MonoPoint now = clock.Monotonic();
  ReleaseGuard(now);
  stats->Record(header.result_int(), std::chrono::duration<double>(now - start).count());
  responder.SendFile(std::move(header), std::move(file));
}

std::shared_ptr<http::EventStream> Context::OpenStream() {
  const MonoPoint now = clock.Monotonic();
  ReleaseGuard(now);
  stats->Record(200, std::chrono::duration<double>(now - start).count());
  http::Response header{bhttp::status::ok, req.version()};
  return responder.OpenStream(std::move(header));
}

void Context::Json(unsigned status, const boost::json::value& v) {
  Send(http::MakeJsonResponse(req, status, boost::json::serialize(v)));
}

void Context::Fail(const Error& e) {
  Send(http::MakeJsonResponse(req, HttpStatusOf(e.code), ErrorBody(e)));
}

bool Context::IsHttps(bool secure_cookies) const {
  return secure_cookies || (info.trusted_peer && req["X-Forwarded-Proto"] == "https");
}

std::string Context::CookieAttributes(bool secure_cookies) const {
  return IsHttps(secure_cookies) ? "; Path=/; HttpOnly; Secure; SameSite=Strict" : "; Path=/; HttpOnly; SameSite=Strict";
}

std::string_view CookieOf(const http::Request& req, std::string_view name) {
  std::string_view header = req[bhttp::field::cookie];
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

namespace {
void SetRetryAfter(http::Response& res, Millis retry_after) {
  const int64_t seconds = std::max<int64_t>(1, (retry_after.count() + 999) / 1000);
  res.set(bhttp::field::retry_after, std::to_string(seconds));
}
}  // namespace

void Context::Unavailable(Millis retry_after, std::string_view message) {
  auto res =
      http::MakeJsonResponse(req, 503, ErrorBody(Error::Unavailable(std::string(message))));
  SetRetryAfter(res, retry_after);
  Send(std::move(res));
}

void Context::Unavailable(Millis retry_after, const Error& e) {
  auto res = http::MakeJsonResponse(req, 503, ErrorBody(e));
  SetRetryAfter(res, retry_after);
  Send(std::move(res));
}

void Context::RateLimited(Millis retry_after, std::string_view message) {
  auto res =
      http::MakeJsonResponse(req, 429, ErrorBody(Error::RateLimited(std::string(message))));
  SetRetryAfter(res, retry_after);
  Send(std::move(res));
}

std::string Context::query(std::string_view key) const {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return "";
  auto it = url->params().find(key);
  return it == url->params().end() ? "" : std::string((*it).value);
}

}  // namespace pupitre::api
