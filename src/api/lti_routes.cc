// Pupitre as an LTI 1.3 tool of the school's LMS (lti/lti_messages.h): the platform's login
// initiation sent on to its authorization endpoint with a state and a nonce kept in this
// browser's cookie; the launch checked (the platform's signature, audience, times, the nonce
// once) and signed in like the school's sign-in (an account made at first launch, a teacher for
// the LMS's instructors) and sent to the exam of its link; a teacher's deep linking launch
// answered with a page of their exams, each a signed link back to the LMS; the tool's keys.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "api/json_io.h"
#include "api/services.h"
#include "api/sso_common.h"
#include "auth/crypto.h"
#include "common/clock.h"
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

constexpr std::string_view kStateCookie = "pupitre_lti";
constexpr size_t kMaxLinkedExams = 200;

bool LtiOff(Services& s, const ContextPtr& c) {
  if (s.lti != nullptr) return false;
  c->Fail(Error::NotFound("no LTI tool on this server").Because("lti_off"));
  return true;
}

// The launch is a cross-site POST from the LMS: the state cookie must be SameSite=None to come
// with it, which browsers take only with Secure (https). On plain http (a test on one machine)
// it is Lax, sent only when the LMS is on the same site.
std::string StateCookie(const Services& s, const ContextPtr& c, std::string_view value, int max_age) {
  const bool https = c->IsHttps(s.config.server.secure_cookies);
  return fmt::format("{}={}; Path=/lti; Max-Age={}; HttpOnly; {}", kStateCookie, value, max_age,
                     https ? "SameSite=None; Secure" : "SameSite=Lax");
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
           {StateCookie(s, c, start.state + "." + start.nonce, 600)});
}

// The identity a launch vouches for, for the school's sign-in mapping.
sso::Identity IdentityOf(const lti::Launch& l) {
  sso::Identity who;
  who.user = "lti-" + l.sub;
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

std::string Origin(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  return url.substr(0, path);
}

// The deep linking page: one form per exam the teacher manages, each POSTing a signed answer
// naming that exam to the LMS's return address; and one naming none (cancel). Signed here, on
// a sign-in thread (an RSA signature each).
std::string DeepLinkingPage(Services& s, const lti::Launch& request, const auth::Principal& who,
                            int64_t now_s) {
  const Words& w = request.locale.rfind("fr", 0) == 0 ? kFrench : kEnglish;
  const exam::Caller caller{who.user_id, true, who.role == auth::Role::kAdmin};
  auto form = [&](const std::vector<lti::LinkItem>& items, const std::string& label,
                  const std::string& detail) {
    const std::string jwt = s.lti->key().Sign(lti::DeepLinkingResponse(
        s.lti->platform(), request, items, sso::NewSignIn().nonce, now_s));
    return fmt::format(
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"JWT\" value=\"{}\">"
        "<button type=\"submit\">{}</button> {}</form>\n",
        HtmlEscape(request.deep_link_return_url), jwt, HtmlEscape(label), HtmlEscape(detail));
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

// Where a student's score for an exam goes (AGS): the line item of the link they came by, and
// who they are at the platform. Kept in the store's settings, written once per student and exam
// (and again if their link changes), off the launch's way.
std::string AgsKey(const std::string& exam_id, int64_t user_id) {
  return fmt::format("lti.ags.{}.{}", exam_id, user_id);
}

void RememberLineItem(Services& s, const lti::Launch& l, int64_t user_id) {
  const auto exam = l.custom.find("exam");
  const bool scores = std::find(l.ags_scopes.begin(), l.ags_scopes.end(), lti::kScopeScore) !=
                      l.ags_scopes.end();
  if (exam == l.custom.end() || !exam::IsValidExamId(exam->second) || l.ags_lineitem.empty() ||
      !scores || s.config.lti.token_url.empty()) {
    return;
  }
  std::string key = AgsKey(exam->second, user_id);
  std::string value = json::serialize(json::object{{"lineitem", l.ags_lineitem}, {"sub", l.sub}});
  boost::asio::post(s.sso_calls, [&s, key = std::move(key), value = std::move(value)] {
    if (s.settings.Get(key) == value) return;
    if (Status st = s.settings.Put(key, value); !st.ok()) {
      spdlog::warn("lti: where {}'s score goes was not kept: {}", key, st.error().message);
    }
  });
}

// GET /api/exams/ID/lti-scores: whether scores can go to the LMS, for how many students.
void LtiScoresState(Services& s, const ContextPtr& c) {
  if (!s.exams.Manages(c->caller(), c->param(0))) return c->Fail(exam::NoSuchExam(c->param(0)));
  auto all = s.exams.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  int64_t linked = 0;
  if (s.lti != nullptr) {
    for (const auto& v : *all) linked += s.settings.Get(AgsKey(c->param(0), v.state.user_id)) ? 1 : 0;
  }
  c->Json(200, {{"lti", s.lti != nullptr && !s.config.lti.token_url.empty()}, {"students", linked}});
}

// POST /api/exams/ID/lti-scores: each finished attempt of a student who came from the LMS has its
// score sent to their link's gradebook column (AGS); attempts running or with essays to grade
// are left out and named, as in the Moodle export.
void SendLtiScores(Services& s, const ContextPtr& c) {
  if (LtiOff(s, c)) return;
  if (s.config.lti.token_url.empty()) {
    return c->Fail(Error::Conflict("no lti.token_url: scores do not go back to the LMS").Because("lti_off"));
  }
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  if (!s.exams.Manages(c->caller(), c->param(0))) return c->Fail(exam::NoSuchExam(c->param(0)));
  auto all = s.exams.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  boost::asio::post(s.sso_calls, [&s, c, entry = *e, all = std::move(*all)] {
    const exam::ExamSpec& spec = *entry->spec;
    int64_t sent = 0, not_from_lms = 0;
    json::array left_out, failed;
    for (const auto& v : all) {
      const std::optional<std::string> where = s.settings.Get(AgsKey(spec.id, v.state.user_id));
      if (!where) {
        ++not_from_lms;
        continue;
      }
      const auto user = s.accounts.FindById(v.state.user_id);
      const std::string login = user ? user->login : std::to_string(v.state.user_id);
      const exam::Score score = exam::GradeAttempt(v.state, spec);
      if (v.state.status != exam::AttemptStatus::kSubmitted || score.ungraded_essays > 0) {
        left_out.push_back(json::object{{"login", login},
                                        {"why", score.ungraded_essays > 0 ? "essays" : "running"}});
        continue;
      }
      boost::system::error_code ec;
      const json::value link = json::parse(*where, ec);
      if (ec || !link.is_object()) continue;
      const auto comment = v.state.comments.find("");
      const int64_t now_ms = ToUnixMs(s.clock.Now());
      lti::Score out{std::string(link.at("sub").as_string()), score.total(), spec.MaxPoints(),
                     comment == v.state.comments.end() ? "" : comment->second, now_ms, true};
      Status st = s.lti->SendScore(std::string(link.at("lineitem").as_string()), out, now_ms / 1000);
      if (st.ok()) {
        ++sent;
      } else if (failed.size() < 50) {
        failed.push_back(json::object{{"login", login}, {"message", st.error().message}});
      }
    }
    json::object answer{{"sent", sent}, {"not_from_lms", not_from_lms},
                        {"left_out", std::move(left_out)}, {"failed", std::move(failed)}};
    c->Later([c, answer = std::move(answer)] { c->Json(200, answer); });
  });
}

// POST /lti/launch (id_token, state): the platform's launch, by the browser.
void LtiLaunch(Services& s, const ContextPtr& c) {
  if (LtiOff(s, c)) return;
  std::vector<std::string> cleared{StateCookie(s, c, "", 0)};
  const std::map<std::string, std::string> fields = Fields(c);
  if (const auto e = fields.find("error"); e != fields.end()) {
    spdlog::info("lti: the platform sent {} back", e->second.substr(0, 64));
    return BackToLogin(c, "sso_refused", cleared);
  }
  const std::string cookie(CookieOf(c->req, kStateCookie));
  const size_t dot = cookie.find('.');
  const std::string state = cookie.substr(0, dot);
  const std::string nonce = dot == std::string::npos ? "" : cookie.substr(dot + 1);
  const auto sent_state = fields.find("state");
  if (!IsToken(state) || !IsToken(nonce) || sent_state == fields.end() ||
      !auth::ConstantTimeEquals(sent_state->second, state)) {
    return BackToLogin(c, "sso_state", cleared);
  }
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
    steps.mapping.login_attribute = s.config.lti.login_claim;
    steps.mapping.name_attribute = "name";
    steps.mapping.role_attribute = "lti_role";
    steps.mapping.teacher_values = {"teacher"};
    steps.create_accounts = s.config.lti.create_accounts;
    steps.cookies = cleared;
    steps.answer = [&s, l, now_s](const ContextPtr& c, const auth::NewSession& session,
                                  std::vector<std::string> cookies) {
      if (l->kind == lti::Launch::Kind::kDeepLinking) {
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
  router.Add({verb::get, "/api/exams/*/lti-scores", "exam_lti_scores", Access::kTeacher,
              A::kInteractive, Bind(s, LtiScoresState)});
  router.Add({verb::post, "/api/exams/*/lti-scores", "exam_lti_scores_send", Access::kTeacher,
              A::kInteractive, Bind(s, SendLtiScores)});
}

}  // namespace pupitre::api
