#include "api/attack_gate.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <stdexcept>

#include "api/errors.h"
#include "common/text.h"
#include "guard/signing.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;

namespace {

std::string Between(const std::string& s, std::string_view open, std::string_view close) {
  const size_t a = s.find(open);
  const size_t b = a == std::string::npos ? a : s.find(close, a + open.size());
  if (b == std::string::npos) throw std::logic_error("challenge.html lacks " + std::string(open));
  return s.substr(a + open.size(), b - a - open.size());
}

}  // namespace

AttackGate::AttackGate(const guard::ProofOfWork& proof, guard::AttackMode& mode,
                       Metrics& metrics, const StaticFiles& files)
    : proof_(proof), mode_(mode), metrics_(metrics) {
  const StaticFile* page = files.Find("challenge.html");
  const StaticFile* script = files.Find("pow.js");
  if (!page || !script) throw std::logic_error("web/challenge.html and web/pow.js are embedded");
  std::string html = page->body;
  ReplaceAll(html, "{{script}}", script->body);
  ReplaceAll(html, "{{bits}}", std::to_string(proof_.bits()));
  const size_t slot = html.find("{{challenge}}");
  page_head_ = html.substr(0, slot);
  page_tail_ = html.substr(slot + 13);
  // Exactly this inline style and script may run: nothing injected into the page could.
  csp_ = fmt::format(
      "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; connect-src 'self'; "
      "img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      guard::Sha256Base64(script->body), guard::Sha256Base64(Between(html, "<style>", "</style>")));
}

bool AttackGate::Gated(const Route& route, const Context& c) {
  // Only anonymous requests for pages, their files, and logins.
  return route.access == Access::kPublic && !c.who &&
         (route.admission == Admission::kStatus || route.admission == Admission::kLogin);
}

void AttackGate::Note(const Route& route, const Context& c) {
  if (Gated(route, c)) mode_.Note();
}

bool AttackGate::Pass(const Route& route, const ContextPtr& c) {
  if (!mode_.Engaged() || !Gated(route, *c)) return true;
  const TimePoint now = c->clock.Now();
  if (proof_.Valid(CookieOf(c->req, kPassCookie), c->client_ip, now)) return true;
  metrics_.proof_challenged.fetch_add(1, std::memory_order_relaxed);
  const std::string challenge = proof_.Challenge(c->client_ip, now);
  // A browser navigating to a page gets the page that solves the challenge.
  const bool navigation = c->req.method() == bhttp::verb::get &&
                          c->req[bhttp::field::accept].find("text/html") != std::string_view::npos;
  if (navigation) {
    ChallengePage(c, challenge);
    return false;
  }
  boost::json::object error{{"code", "proof_of_work_required"},
                            {"message", "Pupitre is under attack: prove this is a browser first"},
                            {"challenge", challenge},
                            {"bits", proof_.bits()}};
  auto res = http::MakeJsonResponse(c->req, 403,
                                    boost::json::serialize(boost::json::object{{"error", error}}));
  res.set(bhttp::field::cache_control, "no-store");
  c->Send(std::move(res));
  return false;
}

void AttackGate::ChallengePage(const ContextPtr& c, const std::string& challenge) const {
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("Content-Security-Policy", csp_);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.keep_alive(c->req.keep_alive());
  if (c->req.method() != bhttp::verb::head) res.body() = page_head_ + challenge + page_tail_;
  c->Send(std::move(res));
}

}  // namespace pupitre::api
