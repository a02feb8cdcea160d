// Under-attack mode: the pass a solved challenge buys, and the operator's switch.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "api/attack_gate.h"
#include "api/json_io.h"
#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
using bhttp::verb;

namespace {

void Redeem(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto challenge = GetString(*body, "challenge");
  auto nonce = GetString(*body, "nonce");
  if (!challenge.ok()) return c->Fail(challenge.error());
  if (!nonce.ok()) return c->Fail(nonce.error());
  auto pass = s.proof.Redeem(*challenge, *nonce, c->client_ip, s.clock.Now());
  if (!pass.ok()) {
    s.metrics.proof_failed.fetch_add(1, std::memory_order_relaxed);
    return c->Fail(pass.error());
  }
  s.metrics.proof_solved.fetch_add(1, std::memory_order_relaxed);
  auto res = http::MakeJsonResponse(c->req, 200, R"({"status":"pass"})");
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(s.proof.pass_ttl());
  res.set(bhttp::field::set_cookie,
          fmt::format("{}={}{}; Max-Age={}", kPassCookie, *pass,
                      c->CookieAttributes(s.config.server.secure_cookies), seconds.count()));
  res.set(bhttp::field::cache_control, "no-store");
  c->Send(std::move(res));
}

void AttackStatus(Services& s, const ContextPtr& c) {
  const guard::AttackMode::Status st = s.attack.status();
  c->Json(200, {{"mode", guard::AttackMode::SwitchName(st.mode)},
                {"engaged", st.engaged},
                {"anonymous_rate", st.anonymous_rate},
                {"auto_anonymous_rate", st.auto_rate},
                {"pow_bits", s.proof.bits()}});
}

void SetAttackMode(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto text = GetString(*body, "mode");
  if (!text.ok()) return c->Fail(text.error());
  auto mode = guard::AttackMode::ParseSwitch(*text);
  if (!mode.ok()) return c->Fail(mode.error());
  // Durable before it is answered (it waits for a commit): on the worker pool.
  boost::asio::post(s.workers, [&s, c, mode = *mode] {
    pupitre::Status st = s.settings.Put(std::string(guard::AttackMode::kSetting),
                               std::string(guard::AttackMode::SwitchName(mode)));
    if (st.ok()) s.attack.Set(mode);
    c->Later([&s, c, st] {
      if (!st.ok()) return c->Fail(st.error());
      AttackStatus(s, c);
    });
  });
}

}  // namespace

std::optional<std::string> StoredAttackMode(const SettingsStore& settings) {
  return settings.Get(std::string(guard::AttackMode::kSetting));
}

void RegisterAttackRoutes(Router& router, Services& s) {
  using A = Admission;
  // Interactive, not status: the gate asks for a pass on the status and login classes only.
  router.Add({verb::post, "/api/proof", "proof", Access::kPublic, A::kInteractive,
              Bind(s, Redeem)});
  router.Add({verb::get, "/api/admin/attack", "attack", Access::kAdmin, A::kStatus,
              Bind(s, AttackStatus)});
  router.Add({verb::put, "/api/admin/attack", "attack_set", Access::kAdmin, A::kStatus,
              Bind(s, SetAttackMode)});
}

}  // namespace pupitre::api
