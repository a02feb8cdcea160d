// Scores back to the LMS's gradebook (LTI 1.3 Assignment and Grade Services, lti/lti_tool.h):
// each student's link kept in the store's settings at their launch; the teacher's "send the
// scores", one exam at a time, on a thread of its own (a slow LMS never holds the sign-ins).

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "api/lti_scores.h"
#include "common/clock.h"
#include "common/net.h"
#include "exam/exam.h"
#include "exam/exam_errors.h"
#include "exam/exam_service.h"
#include "lti/lti_tool.h"

namespace pupitre::api {

namespace json = boost::json;
using boost::beast::http::verb;

namespace {

std::string AgsKey(const std::string& exam_id, int64_t user_id) {
  return fmt::format("lti.ags.{}.{}", exam_id, user_id);
}

// scheme://host[:port] of `url` ("" when it does not parse).
std::string OriginOf(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return "";
  return std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port());
}

bool OnPlatform(const Services& s, const std::string& url) {
  const std::string origin = OriginOf(url);
  return !origin.empty() && IsHttpsOrLoopback(url) &&
         (origin == OriginOf(s.config.lti.issuer) || origin == OriginOf(s.config.lti.token_url));
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

// The JSON string at `key` of a kept link ("" when it is not one).
std::string StringOf(const json::value& v, std::string_view key) {
  const json::value* x = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return x != nullptr && x->is_string() ? std::string(x->get_string()) : "";
}

// POST /api/exams/ID/lti-scores: each finished attempt of a student who came from the LMS has its
// score sent to their link's gradebook column; attempts running or with essays to grade are left
// out and named, as in the Moodle export.
void SendLtiScores(Services& s, const ContextPtr& c) {
  if (s.lti == nullptr || s.config.lti.token_url.empty()) {
    return c->Fail(Error::Conflict("no [lti] token_url: scores do not go back to the LMS").Because("lti_off"));
  }
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  if (!s.exams.Manages(c->caller(), c->param(0))) return c->Fail(exam::NoSuchExam(c->param(0)));
  auto all = s.exams.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  const std::string exam_id = c->param(0);
  if (!s.lti->BeginScores(exam_id)) {
    return c->Fail(Error::Conflict("the scores of this exam are being sent already").Because("lti_scores_busy"));
  }
  boost::asio::post(s.lti_calls, [&s, c, exam_id, entry = *e, all = std::move(*all)] {
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
      const std::string lineitem = ec ? "" : StringOf(link, "lineitem");
      const std::string sub = ec ? "" : StringOf(link, "sub");
      if (lineitem.empty() || sub.empty()) continue;
      const auto comment = v.state.comments.find("");
      const int64_t now_ms = ToUnixMs(s.clock.Now());
      lti::Score out{sub, score.total(), spec.MaxPoints(),
                     comment == v.state.comments.end() ? "" : comment->second, now_ms, true};
      Status st = s.lti->SendScore(lineitem, out, now_ms / 1000);
      if (st.ok()) {
        ++sent;
      } else if (failed.size() < 50) {
        failed.push_back(json::object{{"login", login}, {"message", st.error().message}});
      }
    }
    s.lti->EndScores(exam_id);
    json::object answer{{"sent", sent}, {"not_from_lms", not_from_lms},
                        {"left_out", std::move(left_out)}, {"failed", std::move(failed)}};
    c->Later([c, answer = std::move(answer)] { c->Json(200, answer); });
  });
}

}  // namespace

void RememberLineItem(Services& s, const lti::Launch& l, int64_t user_id) {
  const auto exam = l.custom.find("exam");
  const bool scores = std::find(l.ags_scopes.begin(), l.ags_scopes.end(), lti::kScopeScore) !=
                      l.ags_scopes.end();
  if (exam == l.custom.end() || !exam::IsValidExamId(exam->second) || l.ags_lineitem.empty() ||
      !scores || s.config.lti.token_url.empty()) {
    return;
  }
  if (!OnPlatform(s, l.ags_lineitem)) {
    spdlog::warn("lti: a launch named a line item off the platform's hosts: no score goes there");
    return;
  }
  if (!s.exams.GetExam(exam::Caller{0, true, true}, exam->second).ok()) return;
  std::string key = AgsKey(exam->second, user_id);
  std::string value = json::serialize(json::object{{"lineitem", l.ags_lineitem}, {"sub", l.sub}});
  boost::asio::post(s.lti_calls, [&s, key = std::move(key), value = std::move(value)] {
    if (s.settings.Get(key) == value) return;
    if (Status st = s.settings.Put(key, value); !st.ok()) {
      spdlog::warn("lti: where {}'s score goes was not kept: {}", key, st.error().message);
    }
  });
}

void RegisterLtiScoreRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/exams/*/lti-scores", "exam_lti_scores", Access::kTeacher,
              A::kInteractive, Bind(s, LtiScoresState)});
  router.Add({verb::post, "/api/exams/*/lti-scores", "exam_lti_scores_send", Access::kTeacher,
              A::kInteractive, Bind(s, SendLtiScores)});
}

}  // namespace pupitre::api
