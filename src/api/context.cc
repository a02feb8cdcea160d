#include "api/context.h"

#include <boost/json/serialize.hpp>

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

void Context::RateLimited(Millis retry_after, std::string_view message) {
  auto res =
      http::MakeJsonResponse(req, 429, ErrorBody(Error::RateLimited(std::string(message))));
  SetRetryAfter(res, retry_after);
  Send(std::move(res));
}

}  // namespace pupitre::api
