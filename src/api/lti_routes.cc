// Pupitre as an LTI 1.3 tool of the school's LMS (lti/lti_messages.h): the platform's login
// initiation sent on to its authorization endpoint with a state and a nonce kept in this
// browser's cookie; the launch checked (the platform's signature, audience, times, the nonce
// once) and signed in like the school's sign-in (an account made at first launch, a teacher for
// the LMS's instructors) and sent to the exam of its link; a teacher's deep linking launch
// answered with a page of their exams, each a signed link back to the LMS; the tool's keys.

#include <sodium.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <boost/url/parse_query.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "api/json_io.h"
#include "api/services.h"
#include "api/lti_scores.h"
#include "api/sso_common.h"
#include "auth/crypto.h"
#include "common/clock.h"
#include "common/net.h"
#include "common/text.h"
#include "exam/exam.h"
#include "exam/exam_errors.h"
#include "exam/exam_service.h"
#include "lti/lti_messages.h"
#include "lti/lti_tool.h"
#include "sso/oidc.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;
using sso_common::BackToLogin;
using sso_common::InFlight;
using sso_common::Redirect;

namespace {

// A launch's state cookie is named after its state (pupitre_lti_STATE), its value the nonce:
// several LTI links opened at once from one course page each keep their own.
constexpr std::string_view kStateCookiePrefix = "pupitre_lti_";
constexpr size_t kMaxLinkedExams = 200;

bool LtiOff(Services& s, const ContextPtr& c) {
  if (s.lti != nullptr) return false;
  c->Fail(Error::NotFound("no LTI tool on this server").Because("lti_off"));
  return true;
}

// The launch is a cross-site POST from the LMS: the state cookie must be SameSite=None to come
// with it, which browsers take only with Secure (https). On plain http (a test on one machine)
// it is Lax, sent only when the LMS is on the same site.
std::string StateCookie(const Services& s, const ContextPtr& c, std::string_view state,
                        std::string_view nonce, int max_age) {
  const bool https = c->IsHttps(s.config.server.secure_cookies);
  return fmt::format("{}{}={}; Path=/lti; Max-Age={}; HttpOnly; {}", kStateCookiePrefix, state,
                     nonce, max_age, https ? "SameSite=None; Secure" : "SameSite=Lax");
}

// The fields of a GET's query or a form POST's body.
std::map<std::string, std::string> Fields(const ContextPtr& c) {
  std::map<std::string, std::string> out;
  boost::urls::encoding_opts form;
  form.space_as_plus = true;  // "+" is a space in both (application/x-www-form-urlencoded)
  auto add = [&out, form](boost::urls::params_encoded_view params) {
    for (const auto& p : params) {
      if (out.size() == 32) break;
      std::string key = p.key.decode(form);
      if (!out.contains(key)) out.emplace(std::move(key), p.has_value ? p.value.decode(form) : "");
    }
  };
  if (c->req.method() == verb::post) {
    if (auto q = boost::urls::parse_query(c->req.body())) add(*q);
  } else if (auto url = boost::urls::parse_origin_form(c->req.target())) {
    add(url->encoded_params());
  }
  return out;
}

bool IsToken(std::string_view s) {
  return s.size() == 43 && std::all_of(s.begin(), s.end(), [](char ch) {
           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
         });
}

// GET or POST /lti/login: the platform's third-party login initiation.
void LtiLogin(Services& s, const ContextPtr& c) {
  if (LtiOff(s, c)) return;
  auto login = lti::ReadLoginInitiation(Fields(c), s.lti->platform());
  if (!login.ok()) return c->Fail(login.error());
  const sso::SignInStart start = sso::NewSignIn();
  Redirect(c, lti::AuthRequestUrl(s.lti->platform(), *login, s.lti->LaunchUrl(), start.state, start.nonce),
           {StateCookie(s, c, start.state, start.nonce, 600)});
}

// The login of the platform's user `sub`: "lti-" and the sub when it is already a login in
// lower case (Moodle's are numbers), else "lti-" and a hash of it (logins are matched ignoring
// case; a platform's ids are not: two ids must never make one login). Never the launch's email:
// a learner may change their own in most LMSs, and would then open someone else's account.
std::string LtiLogin(const std::string& sub) {
  const bool plain = sub.size() <= 59 && std::all_of(sub.begin(), sub.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
  });
  if (plain && !sub.empty()) return "lti-" + sub;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(sub.data()), sub.size());
  std::string hex;
  for (size_t i = 0; i < 12; ++i) hex += fmt::format("{:02x}", digest[i]);
  return "lti-" + hex;
}

// The identity a launch vouches for, for the school's sign-in mapping.
sso::Identity IdentityOf(const lti::Launch& l) {
  sso::Identity who;
  who.user = LtiLogin(l.sub);
  std::string name = l.name;
  if (name.empty()) name = l.given_name + (l.given_name.empty() ? "" : " ") + l.family_name;
  if (!name.empty()) who.attributes["name"] = {name};
  if (!l.email.empty()) who.attributes["email"] = {l.email};
  who.attributes["lti_role"] = {l.IsInstructor() ? "teacher" : "student"};
  return who;
}

struct Words {
  const char* lang;
  const char* title;
  const char* heading;  // {} : the course
  const char* intro;
  const char* points;   // {} : the points
  const char* none;
  const char* cancel;
};
constexpr Words kEnglish{"en", "Choose an exam", "Add a Pupitre exam to {}",
                         "Each exam becomes a link in the course: students who open it land on "
                         "the exam; its scores can go to the gradebook.",
                         "{} points", "You have no exam yet: make one in Pupitre first.", "Cancel"};
constexpr Words kFrench{"fr", "Choisir un examen", "Ajouter un examen Pupitre à {}",
                        "Chaque examen devient un lien du cours : les élèves qui l\u2019ouvrent "
                        "arrivent sur l\u2019examen ; ses notes peuvent aller au carnet de notes.",
                        "{} points", "Vous n\u2019avez pas encore d\u2019examen : créez-en un dans Pupitre d\u2019abord.",
                        "Annuler"};

// scheme://host[:port] of an address the platform gave, rebuilt from its parts (it goes into a
// header); "'none'" when it does not parse.
std::string Origin(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u || !IsHttpsOrLoopback(url) || u->encoded_host().empty()) return "'none'";
  std::string origin = std::string(u->scheme()) + "://" + std::string(u->encoded_host());
  if (u->has_port()) origin += ":" + std::string(u->port());
  for (char ch : origin) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && std::string_view(":/.-_[]").find(ch) == std::string_view::npos) {
      return "'none'";
    }
  }
  return origin;
}

// The deep linking page: one form per exam the teacher manages, each POSTing a signed answer
// naming that exam to the LMS's return address; and one naming none (cancel). Signed here, on
// a sign-in thread (an RSA signature each).
std::string DeepLinkingPage(Services& s, const lti::Launch& request, const auth::Principal& who,
                            int64_t now_s) {
  const Words& w = request.locale.rfind("fr", 0) == 0 ? kFrench : kEnglish;
  const exam::Caller caller{who.user_id, who.role != auth::Role::kStudent, who.role == auth::Role::kAdmin};
  auto form = [&](const std::vector<lti::LinkItem>& items, const std::string& label,
                  const std::string& detail) {
    const Result<std::string> jwt = s.lti->key().Sign(lti::DeepLinkingResponse(
        s.lti->platform(), request, items, sso::NewSignIn().nonce, now_s));
    if (!jwt.ok()) return std::string();  // not offered rather than offered unsigned
    return fmt::format(
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"JWT\" value=\"{}\">"
        "<button type=\"submit\">{}</button> {}</form>\n",
        HtmlEscape(request.deep_link_return_url), *jwt, HtmlEscape(label), HtmlEscape(detail));
  };
  std::string list;
  size_t count = 0;
  for (const auto& entry : s.exams.ExamsFor(caller)) {
    if (count == kMaxLinkedExams) break;
    const exam::ExamSpec& spec = *entry->spec;
    if (!s.exams.Manages(caller, spec.id)) continue;
    lti::LinkItem item{spec.title, s.lti->LaunchUrl(), spec.id, spec.MaxPoints()};
    list += "<li>" + form({item}, spec.title, fmt::format(fmt::runtime(w.points), spec.MaxPoints())) + "</li>";
    ++count;
  }
  const std::string course = request.context_title.empty() ? "LMS" : request.context_title;
  return fmt::format(
      "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width\"><title>{}</title></head><body>\n<h1>{}</h1>\n<p>{}</p>\n"
      "{}\n{}</body></html>\n",
      w.lang, w.title, HtmlEscape(fmt::format(fmt::runtime(w.heading), course)), w.intro,
      count == 0 ? fmt::format("<p>{}</p>", w.none) : "<ul>\n" + list + "</ul>",
      form({}, w.cancel, ""));
}

void SendPage(const ContextPtr& c, const std::string& html, const std::string& return_url,
              std::vector<std::string> cookies) {
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("Content-Security-Policy",
          fmt::format("default-src 'none'; form-action {}; base-uri 'none'", Origin(return_url)));
  for (const std::string& cookie : cookies) res.insert(bhttp::field::set_cookie, cookie);
  res.body() = html;
  res.prepare_payload();
  res.keep_alive(c->req.keep_alive());
  c->Send(std::move(res));
}

// POST /lti/launch (id_token, state): the platform's launch, by the browser.
void LtiLaunch(Services& s, const ContextPtr& c) {
  if (LtiOff(s, c)) return;
  const std::map<std::string, std::string> fields = Fields(c);
  const auto sent_state = fields.find("state");
  const std::string state = sent_state == fields.end() ? "" : sent_state->second;
  if (!IsToken(state)) return BackToLogin(c, "sso_state");
  std::vector<std::string> cleared{StateCookie(s, c, state, "", 0)};  // used once
  if (const auto e = fields.find("error"); e != fields.end()) {
    spdlog::info("lti: the platform sent {} back", PrintableAscii(e->second, 64));
    return BackToLogin(c, "sso_refused", cleared);
  }
  // The cookie of this state exists only in the browser whose login it is.
  const std::string nonce(CookieOf(c->req, std::string(kStateCookiePrefix) + state));
  if (!IsToken(nonce)) return BackToLogin(c, "sso_state", cleared);
  const auto id_token = fields.find("id_token");
  if (id_token == fields.end()) return BackToLogin(c, "lti_bad_launch", cleared);
  auto counted = InFlight::Try(s.sso_in_flight);
  if (counted == nullptr) return BackToLogin(c, "sso_busy", cleared);
  const int64_t now_s = ToUnixMs(s.clock.Now()) / 1000;
  boost::asio::post(s.sso_calls, [&s, c, token = id_token->second, nonce, now_s, counted, cleared] {
    Result<lti::Launch> launch = s.lti->CheckLaunch(token, nonce, now_s);
    if (launch.ok() && launch->kind == lti::Launch::Kind::kDeepLinking && !launch->IsInstructor()) {
      launch = Error::Forbidden("only the course's teachers choose its exams").Because("lti_for_teachers");
    }
    if (!launch.ok()) {
      spdlog::warn("lti: a launch was refused: {}", launch.error().message);
      return c->Later([c, reason = launch.error().reason, cleared] { BackToLogin(c, reason, cleared); });
    }
    auto l = std::make_shared<lti::Launch>(std::move(*launch));
    sso_common::SignInSteps steps;
    steps.remember = [&s, l](const auth::NewSession& session) {
      RememberLineItem(s, *l, session.principal.user_id);
    };
    steps.mapping.name_attribute = "name";
    steps.mapping.role_attribute = "lti_role";
    steps.mapping.teacher_values = {"teacher"};
    steps.create_accounts = s.config.lti.create_accounts;
    steps.cookies = cleared;
    steps.answer = [&s, l, now_s](const ContextPtr& c, const auth::NewSession& session,
                                  std::vector<std::string> cookies) {
      if (l->kind == lti::Launch::Kind::kDeepLinking) {
        // An account that is a student here (made by a learner's launch, or set so by an
        // operator) chooses no exam, whatever the LMS says of them.
        if (session.principal.role == auth::Role::kStudent) {
          return BackToLogin(c, "lti_for_teachers", cookies);
        }
        return boost::asio::post(s.sso_calls, [&s, c, l, who = session.principal, now_s,
                                               cookies = std::move(cookies)]() mutable {
          std::string page = DeepLinkingPage(s, *l, who, now_s);
          c->Later([c, l, page = std::move(page), cookies = std::move(cookies)] {
            SendPage(c, page, l->deep_link_return_url, cookies);
          });
        });
      }
      const auto exam = l->custom.find("exam");
      const bool teacher = session.principal.role != auth::Role::kStudent;
      std::string home = "/";
      if (exam != l->custom.end() && exam::IsValidExamId(exam->second)) {
        home = (teacher ? "/#/teacher/exam/" : "/#/exam/") + exam->second;
      }
      Redirect(c, home, cookies);
    };
    sso_common::SignIn(s, c, IdentityOf(*l), "LTI", counted, std::move(steps));
  });
}

// GET /lti/jwks: the tool's public key, with which the platform checks what the tool signs.
void LtiKeys(Services& s, const ContextPtr& c) {
  if (LtiOff(s, c)) return;
  c->Json(200, {{"keys", json::array{s.lti->key().PublicJwk()}}});
}

}  // namespace

void RegisterLtiRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/lti/login", "lti_login", Access::kPublic, A::kLogin, Bind(s, LtiLogin)});
  router.Add({verb::post, "/lti/login", "lti_login_post", Access::kPublic, A::kLogin, Bind(s, LtiLogin)});
  router.Add({verb::post, "/lti/launch", "lti_launch", Access::kPublic, A::kLogin, Bind(s, LtiLaunch)});
  router.Add({verb::get, "/lti/jwks", "lti_jwks", Access::kPublic, A::kStatus, Bind(s, LtiKeys)});

}

}  // namespace pupitre::api
