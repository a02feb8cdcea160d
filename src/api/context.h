#pragma once
// One request on its way through the API: the request, its route's captures, who sent it, and
// how to answer. Created by Api::Handle; shared by the middleware and the route's handler, which
// answer exactly once through Send, Json, Fail or OpenStream.
// Thread: a context lives on its connection's event loop; Later/Here bring work back there.

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "auth/accounts.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/result.h"
#include "exam/exam_service.h"
#include "guard/admission.h"
#include "http/server.h"

namespace pupitre::api {

// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "pupitre_session";

// A route captures at most this many path segments ("*").
constexpr size_t kMaxParams = 4;

struct Context {
  http::Request req;
  http::RequestInfo info;
  http::Responder responder;
  const Clock& clock;
  std::array<std::string, kMaxParams> params;  // the route's "*" segments, in order
  std::string client_ip;                       // set by the client-address step
  std::optional<auth::Principal> who;          // set by authentication (non-public routes)
  bool adopt_tried = false;  // in a cluster: its session was looked for in the store once
  bool by_cookie = false;                      // authenticated by cookie: CSRF applies
  RouteStats* stats = nullptr;                 // the route's metrics
  guard::AdmissionController* guard = nullptr;  // set once admitted: Send releases the slot
  guard::Priority guard_class = guard::Priority::kInteractive;  // the class it was admitted in
  std::atomic<int32_t>* critical = nullptr;     // the user's count, while admitted as critical
  MonoPoint start;
  MonoPoint admitted_at;

  Context(http::Request&& r, const http::RequestInfo& i, http::Responder resp, const Clock& c)
      : req(std::move(r)), info(i), responder(std::move(resp)), clock(c), start(c.Monotonic()) {}
  ~Context() { EndCritical(); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  void Send(http::Response&& res);
  // Answers with `header` (Content-Length set) and a part of an open file (api/file_answer.h).
  void SendFile(http::Response&& header, http::FileBody file);
  // Answers with an event stream; the guard's slot is released (a stream is not work).
  std::shared_ptr<http::EventStream> OpenStream();
  void Json(unsigned status, const boost::json::value& v);
  void Fail(const Error& e);
  // 503 with Retry-After in whole seconds (at least 1).
  void Unavailable(Millis retry_after, std::string_view message);
  // 503 with Retry-After, for an error that names its reason.
  void Unavailable(Millis retry_after, const Error& e);
  // 429 with Retry-After in whole seconds (at least 1).
  void RateLimited(Millis retry_after, std::string_view message);
  // Gives the guard's slot back before answering: the rest of this request's work is bounded
  // by a queue of its own (hashing), and waiting there is not the guard's latency.
  void LeaveGuard() { ReleaseGuard(clock.Monotonic()); }
  // The client closed its connection: nobody will read the answer.
  bool client_gone() const { return responder.client_gone(); }

  // Runs `f` on the connection's event loop: completions from the writer thread come back here
  // so that the writer only commits.
  template <typename F>
  void Later(F&& f) {
    boost::asio::post(responder.executor(), std::forward<F>(f));
  }
  // Runs `f` on the connection's event loop: at once if already there.
  template <typename F>
  void Here(F&& f) {
    boost::asio::dispatch(responder.executor(), std::forward<F>(f));
  }
  const std::string& param(size_t i) const { return params.at(i); }
  // The value of `?key=` in the request's target, decoded ("" when absent or malformed).
  std::string query(std::string_view key) const;
  // REQUIRES: `who` is set (a route that is not public).
  exam::Caller caller() const {
    return exam::Caller{who->user_id, who->role != auth::Role::kStudent,
                        who->role == auth::Role::kAdmin};
  }
  // The attributes of a cookie this server sets: Secure when the configuration says the public
  // side is TLS ([server] secure_cookies), or a trusted proxy says this request came over https.
  std::string CookieAttributes(bool secure_cookies) const;
  // Whether the public side of this request is https: the configuration says so, or a trusted
  // proxy does (X-Forwarded-Proto).
  bool IsHttps(bool secure_cookies) const;

  // The ticket a waiting page sends back (empty: none).
  std::string_view waiting_ticket() const { return req["X-Waiting-Ticket"]; }

 private:
  void ReleaseGuard(MonoPoint now);
  void EndCritical() {
    if (critical) critical->fetch_sub(1, std::memory_order_relaxed);
    critical = nullptr;
  }
};

using ContextPtr = std::shared_ptr<Context>;

// The value of cookie `name` in `req` (empty: none).
std::string_view CookieOf(const http::Request& req, std::string_view name);

}  // namespace pupitre::api
