#include "api/sso_common.h"

#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

namespace pupitre::api::sso_common {

namespace bhttp = boost::beast::http;

void Redirect(const ContextPtr& c, const std::string& location,
              const std::vector<std::string>& cookies) {
  http::Response res{bhttp::status::found, c->req.version()};
  res.set(bhttp::field::location, location);
  res.set(bhttp::field::cache_control, "no-store");
  for (const std::string& cookie : cookies) res.insert(bhttp::field::set_cookie, cookie);
  res.keep_alive(c->req.keep_alive());
  c->Send(std::move(res));
}

void BackToLogin(const ContextPtr& c, const std::string& reason,
                 const std::vector<std::string>& cookies) {
  Redirect(c, "/?sso_error=" + (reason.empty() ? std::string("sso_failed") : reason) + "#/login",
           cookies);
}

std::string SignInCookie(const Services& s, const ContextPtr& c, std::string_view name,
                         std::string_view path, std::string_view value, int max_age) {
  return fmt::format("{}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{}", name, value, path,
                     max_age, c->IsHttps(s.config.server.secure_cookies) ? "; Secure" : "");
}

std::shared_ptr<InFlight> InFlight::Try(std::atomic<int>& n, int most) {
  if (n.fetch_add(1, std::memory_order_relaxed) >= most) {
    n.fetch_sub(1, std::memory_order_relaxed);
    return nullptr;
  }
  return std::make_shared<InFlight>(n);
}

boost::json::object Offered(const Services& s) {
  return {{"cas", !s.config.sso.cas_url.empty()}, {"oidc", !s.config.sso.oidc_issuer.empty()}};
}

SignInSteps SsoSteps(const Services& s) {
  const auto& o = s.config.sso;
  SignInSteps steps;
  steps.mapping = {o.login_attribute,  o.name_attribute, o.role_attribute, o.teacher_values,
                   o.admin_values,     o.required_attribute, o.allowed_values};
  steps.create_accounts = o.create_accounts;
  return steps;
}

void SignIn(Services& s, const ContextPtr& c, Result<sso::Identity> who, const char* protocol,
            std::shared_ptr<InFlight> counted, SignInSteps steps) {
  Result<sso::Account> account =
      who.ok() ? sso::MapIdentity(*who, steps.mapping) : Result<sso::Account>(who.error());
  if (!account.ok()) {
    spdlog::warn("sso: a {} sign-in failed: {}", protocol, account.error().message);
    return c->Later([c, reason = account.error().reason, cookies = std::move(steps.cookies)] {
      BackToLogin(c, reason, cookies);
    });
  }
  std::vector<std::string> logout_names = std::move(steps.logout_names);
  auto shared = std::make_shared<SignInSteps>(std::move(steps));
  s.accounts.LoginTrusted(
      account->login, account->display_name, account->role, shared->create_accounts,
      [&s, c, counted = std::move(counted), shared](Result<auth::NewSession> r) {
        if (r.ok() && shared->remember) shared->remember(*r);
        c->Later([&s, c, r = std::move(r), shared] {
          std::vector<std::string> cookies = shared->cookies;
          if (!r.ok()) return BackToLogin(c, r.error().reason, cookies);
          c->responder.MarkLoggedIn();
          cookies.push_back(SessionCookie(s, c, *r));
          if (shared->answer) return shared->answer(c, *r, std::move(cookies));
          Redirect(c, "/", cookies);
        });
      },
      std::move(logout_names));
}

void EndNamedSessions(Services& s, const std::string& name,
                      std::function<void(Result<size_t>)> done) {
  Result<std::vector<std::string>> sessions = s.accounts.NamedSessions(name);
  if (!sessions.ok()) {
    spdlog::warn("sso: a single logout could not read its sessions: {}", sessions.error().message);
    return done(sessions.take_error());
  }
  const size_t count = sessions->size();
  EndSessions(s, std::move(*sessions), [count, done = std::move(done)](Status st) {
    if (!st.ok()) return done(st.take_error());
    done(count);
  });
}

void EndSessions(Services& s, std::vector<std::string> token_hashes, std::function<void(Status)> done) {
  if (token_hashes.empty()) return done(OkStatus());
  // All queued at once (the writer commits them together); each ended whatever happens to the
  // others (a session may have ended already); `done` once the last is told.
  struct Pending {
    std::mutex mu;
    size_t left;
    Status first = OkStatus();
    std::function<void(Status)> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = token_hashes.size();
  pending->done = std::move(done);
  for (const std::string& hash : token_hashes) {
    s.accounts.Logout(hash, [pending](Status st) {
      std::unique_lock lock(pending->mu);
      if (!st.ok() && pending->first.ok()) pending->first = st;
      if (--pending->left > 0) return;
      const Status first = pending->first;
      lock.unlock();
      pending->done(first);
    });
  }
}

}  // namespace pupitre::api::sso_common
