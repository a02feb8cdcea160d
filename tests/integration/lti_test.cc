// Pupitre as an LTI 1.3 tool, against a platform that follows 1EdTech's messages step by step
// (tests/standins/lti_platform.py, PyJWT): the login initiation, the authorization request, the
// launch checked (signature, audience, expiry, nonce, deployment; a replay refused), a learner
// sent to the exam of the link and their score sent back to the link's gradebook column (AGS,
// with the tool's signed client assertion), an instructor's deep linking answered with signed
// links the platform accepts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"
#include "testkit/jwt_signer.h"
#include "testkit/lti_platform.h"
#include "testkit/poll.h"
#include "testkit/sockets.h"

namespace pupitre::testkit {
namespace {

namespace bhttp = boost::beast::http;

std::string Encode(const std::string& s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// The value of the hidden field `name` in a page's form ("" if none).
std::string FieldOf(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t from = at + marker.size();
  return html.substr(from, html.find('"', from) - from);
}

// The launch's state cookie a response sets ("pupitre_lti_STATE=NONCE"), "" if none.
std::string StateCookieOf(const HttpResult& r) {
  for (const std::string& c : r.set_cookies) {
    if (c.rfind("pupitre_lti_", 0) == 0) return c.substr(0, c.find(';'));
  }
  return "";
}

struct LaunchResult {
  HttpResult answer;     // the tool's answer to the launch
  std::string form;      // what the browser posted (id_token, state)
  std::string cookie;    // the tool's state cookie it posted with
};

class LtiTest : public ::testing::Test {
 protected:
  // The platform must know the tool's address before either starts: a port is picked free, and
  // may be taken before the tool listens (by the platform itself, or a test beside this one):
  // then another port, with a fresh platform and data directory.
  void SetUp() override {
    for (int attempt = 1;; ++attempt) {
      port_ = FreePort();
      ASSERT_NE(port_, 0);
      const std::string tool = fmt::format("http://127.0.0.1:{}", port_);
      const std::string dir = fmt::format("{}/try-{}", server_dir_.path(), attempt);
      std::filesystem::create_directories(dir);
      platform_log_ = fmt::format("{}/platform-{}.log", platform_dir_.path(), attempt);
      platform_ = std::make_unique<LtiPlatform>(tool, platform_log_);
      ASSERT_TRUE(platform_->Start()) << "the LTI platform did not start";
      const std::string key_file = dir + "/lti-key.pem";
      std::ofstream(key_file) << JwtSigner("tool").PrivatePem();
      std::string config = FastTestConfig(port_);
      config += platform_->ToolConfig(key_file);
      server_ = std::make_unique<ChildServer>(dir, config, /*demo=*/true);
      if (server_->Start()) return;
      const bool taken = server_->log().find("Address already in use") != std::string::npos;
      ASSERT_TRUE(taken && attempt < 5) << "server did not start:\n" << server_->log();
      server_.reset();
      platform_.reset();
    }
  }

  // A whole launch from the platform's page, as a browser follows it.
  LaunchResult Launch(HttpClient& browser, const std::string& query) {
    HttpClient lms(platform_->port());
    const HttpResult link = lms.Get("/launch?" + query);
    EXPECT_EQ(link.status, 302);
    const HttpResult login = browser.Get(TargetOf(link.headers.at("location")));
    EXPECT_EQ(login.status, 302) << login.body;
    LaunchResult out;
    out.cookie = StateCookieOf(login);
    const auto to_platform = login.headers.find("location");
    if (to_platform == login.headers.end()) return out;
    EXPECT_EQ(to_platform->second.rfind(platform_->url() + "/auth?", 0), 0u) << to_platform->second;
    const HttpResult auth = lms.Get(TargetOf(to_platform->second));
    EXPECT_EQ(auth.status, 200) << auth.body << PlatformLog();
    out.form = "id_token=" + Encode(FieldOf(auth.body, "id_token")) +
               "&state=" + Encode(FieldOf(auth.body, "state"));
    out.answer = Post(browser, out.form, out.cookie);
    return out;
  }

  HttpResult Post(HttpClient& browser, const std::string& form, const std::string& cookie) {
    std::map<std::string, std::string> headers{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (!cookie.empty()) headers["Cookie"] = cookie;
    return browser.Send(bhttp::verb::post, "/lti/launch", form, headers);
  }

  std::string PlatformLog() const {
    std::ifstream in(platform_log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  HttpResult Me(HttpClient& c, const std::string& cookie) {
    return c.Send(bhttp::verb::get, "/api/me", "", {{"Cookie", cookie}});
  }

  // An exam open now, in no course (every student may take it), imported by `teacher`.
  void ImportExam(HttpClient& teacher, const std::string& id) {
    std::string toml = TestExamToml(id);
    const std::string course = "course = \"demo-course\"\n";
    toml.erase(toml.find(course), course.size());
    ASSERT_EQ(teacher.Post("/api/exams", toml).status, 201);
    ASSERT_EQ(teacher.Post("/api/exams/" + id + "/publish").status, 200);
  }

  TempDir platform_dir_, server_dir_;
  std::string platform_log_;
  uint16_t port_ = 0;
  std::unique_ptr<LtiPlatform> platform_;
  std::unique_ptr<ChildServer> server_;
};

TEST_F(LtiTest, ALearnersLaunchOpensTheExamOfTheLinkOnce) {
  HttpClient teacher(server_->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  ImportExam(teacher, "lti-exam");

  HttpClient browser(port_);
  const LaunchResult r = Launch(browser, "user=7&role=learner&kind=resource&exam=lti-exam");
  ASSERT_EQ(r.answer.status, 302) << r.answer.body << server_->log();
  EXPECT_EQ(r.answer.headers.at("location"), "/#/exam/lti-exam") << server_->log();
  const std::string session = CookieSet(r.answer, "pupitre_session");
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(StateCookieOf(r.answer), r.cookie.substr(0, r.cookie.find('=') + 1)) << "the state is spent";
  EXPECT_EQ(r.cookie.rfind("pupitre_lti_", 0), 0u);
  const HttpResult me = Me(browser, session);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("user").at("login").as_string(), "lti-7");
  EXPECT_EQ(me.json().at("user").at("name").as_string(), "Rose Tyler");
  EXPECT_EQ(me.json().at("user").at("role").as_string(), "student");
  // The exam is theirs to start.
  HttpClient student(port_);
  student.set_token(session.substr(session.find('=') + 1));
  EXPECT_EQ(student.Get("/api/exams/lti-exam").status, 200);

  // They answer one question right and hand in; the teacher sends the scores to the LMS's
  // gradebook column of the link (AGS): the platform receives the score for its user 7.
  const HttpResult started = student.Post("/api/exams/lti-exam/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  ASSERT_EQ(student.Put(fmt::format("/api/attempts/{}/answers/single", attempt), R"({"seq":1,"value":1})").status, 200);
  ASSERT_EQ(student.Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  HttpResult state = teacher.Get("/api/exams/lti-exam/lti-scores");
  for (int i = 0; i < 100 && state.json().at("students").as_int64() == 0; ++i) {
    PollPause(std::chrono::milliseconds(50));  // the link is kept off the launch's way
    state = teacher.Get("/api/exams/lti-exam/lti-scores");
  }
  EXPECT_TRUE(state.json().at("lti").as_bool());
  EXPECT_EQ(state.json().at("students").as_int64(), 1);
  const HttpResult sent = teacher.Post("/api/exams/lti-exam/lti-scores");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.json().at("sent").as_int64(), 1) << sent.body << PlatformLog();
  EXPECT_EQ(sent.json().at("failed").as_array().size(), 0u) << sent.body;
  const boost::json::value recorded = platform_->Recorded();
  ASSERT_EQ(recorded.at("scores").as_array().size(), 1u) << boost::json::serialize(recorded);
  const auto& score = recorded.at("scores").at(0);
  EXPECT_EQ(score.at("userId").as_string(), "7");
  EXPECT_EQ(score.at("exam").as_string(), "lti-exam") << "the link's line item";
  EXPECT_EQ(score.at("scoreGiven").to_number<double>(), 1);
  EXPECT_EQ(score.at("scoreMaximum").to_number<double>(), 9) << "the exam's points";
  EXPECT_EQ(score.at("gradingProgress").as_string(), "FullyGraded");
  // Sent again (a teacher's second click): the platform takes the same score again, with the
  // access token it gave (no new assertion: one jti).
  EXPECT_EQ(teacher.Post("/api/exams/lti-exam/lti-scores").json().at("sent").as_int64(), 1);
  EXPECT_EQ(platform_->Recorded().at("scores").as_array().size(), 2u);

  // The same launch posted again (a replay, even with the browser's cookie): refused.
  HttpClient replay(port_);
  const HttpResult again = Post(replay, r.form, r.cookie);
  EXPECT_EQ(again.headers.at("location"), "/?sso_error=lti_replay#/login");
  EXPECT_EQ(CookieSet(again, "pupitre_session"), "");
  // Without the browser's state cookie (someone else's launch sent to this browser): refused.
  EXPECT_EQ(Post(replay, r.form, "").headers.at("location"), "/?sso_error=sso_state#/login");
}

TEST_F(LtiTest, TwoLinksOpenedAtOnceFromOneCoursePageEachKeepTheirState) {
  // The browser follows two links' logins before either launch comes back: both states live
  // side by side (one cookie each), and each launch completes.
  HttpClient lms(platform_->port());
  HttpClient browser(port_);
  std::vector<std::string> cookies, forms;
  for (const char* exam : {"x", "y"}) {
    const HttpResult link = lms.Get(std::string("/launch?user=7&kind=resource&exam=") + exam);
    const HttpResult login = browser.Get(TargetOf(link.headers.at("location")));
    cookies.push_back(StateCookieOf(login));
    const HttpResult auth = lms.Get(TargetOf(login.headers.at("location")));
    forms.push_back("id_token=" + Encode(FieldOf(auth.body, "id_token")) +
                    "&state=" + Encode(FieldOf(auth.body, "state")));
  }
  ASSERT_NE(cookies[0], cookies[1]);
  const std::string jar = cookies[0] + "; " + cookies[1];
  EXPECT_EQ(Post(browser, forms[1], jar).headers.at("location"), "/#/exam/y");
  EXPECT_EQ(Post(browser, forms[0], jar).headers.at("location"), "/#/exam/x");
}

TEST_F(LtiTest, LaunchesThatLieAreRefusedWithWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"expired", "sso_bad_token"},      {"wrong_aud", "sso_bad_token"},
      {"wrong_key", "sso_bad_token"},    {"alg_none", "sso_bad_token"},
      {"wrong_nonce", "sso_bad_token"},  {"wrong_deployment", "lti_bad_launch"}};
  for (const auto& [tamper, reason] : cases) {
    HttpClient browser(port_);
    const LaunchResult r = Launch(browser, std::string("user=8&kind=resource&exam=x&tamper=") + tamper);
    ASSERT_EQ(r.answer.status, 302) << tamper;
    EXPECT_EQ(r.answer.headers.at("location"), fmt::format("/?sso_error={}#/login", reason)) << tamper;
    EXPECT_EQ(CookieSet(r.answer, "pupitre_session"), "") << tamper;
  }
  // A login initiation from a platform not registered here.
  HttpClient browser(port_);
  const HttpResult other = browser.Get(
      "/lti/login?iss=https%3A%2F%2Fother.lms&login_hint=1&target_link_uri=http%3A%2F%2Fx%2F");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.json().at("error").at("reason").as_string(), "lti_unknown_platform");
  const HttpResult incomplete = browser.Get("/lti/login?iss=x");
  EXPECT_EQ(incomplete.status, 400);
  EXPECT_EQ(incomplete.json().at("error").at("reason").as_string(), "lti_bad_login");
  EXPECT_TRUE(platform_->Recorded().at("refused").as_array().empty())
      << "the tool's requests were all as the specification asks: "
      << boost::json::serialize(platform_->Recorded());
}

TEST_F(LtiTest, AnInstructorsDeepLinkingOffersTheirExamsAsSignedLinks) {
  // A first launch makes the instructor's account (a teacher); they make an exam.
  HttpClient browser(port_);
  const LaunchResult first = Launch(browser, "user=1&role=instructor&kind=resource");
  ASSERT_EQ(first.answer.status, 302);
  EXPECT_EQ(first.answer.headers.at("location"), "/");
  const std::string session = CookieSet(first.answer, "pupitre_session");
  HttpClient teacher(port_);
  teacher.set_token(session.substr(session.find('=') + 1));
  ASSERT_EQ(teacher.Get("/api/me").json().at("user").at("role").as_string(), "teacher");
  ImportExam(teacher, "dl-exam");

  const LaunchResult deep = Launch(browser, "user=1&role=instructor&kind=deep");
  ASSERT_EQ(deep.answer.status, 200) << deep.answer.body << server_->log();
  EXPECT_NE(deep.answer.body.find("Add a Pupitre exam to History 2nde B"), std::string::npos);
  EXPECT_NE(deep.answer.body.find("Integration test exam"), std::string::npos);
  EXPECT_NE(deep.answer.headers.at("content-security-policy").find("form-action " + platform_->url()),
            std::string::npos);
  // The page's first form: the exam's signed link, posted by the browser to the platform.
  const std::string action = platform_->url() + "/deep_link_return";
  ASSERT_NE(deep.answer.body.find("action=\"" + action + "\""), std::string::npos);
  HttpClient lms(platform_->port());
  const HttpResult added = lms.Send(bhttp::verb::post, "/deep_link_return",
                                    "JWT=" + Encode(FieldOf(deep.answer.body, "JWT")),
                                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(added.status, 200) << added.body;
  const boost::json::value recorded = platform_->Recorded();
  const auto& item = recorded.at("links").at(0).at(0);
  EXPECT_EQ(item.at("type").as_string(), "ltiResourceLink");
  EXPECT_EQ(item.at("custom").at("exam").as_string(), "dl-exam");
  EXPECT_EQ(item.at("url").as_string(), fmt::format("http://127.0.0.1:{}/lti/launch", port_));
  EXPECT_GT(item.at("lineItem").at("scoreMaximum").to_number<double>(), 0);

  // A learner's deep linking launch: only teachers choose.
  HttpClient pupil(port_);
  const LaunchResult refused = Launch(pupil, "user=7&role=learner&kind=deep");
  EXPECT_EQ(refused.answer.headers.at("location"), "/?sso_error=lti_for_teachers#/login");
}

}  // namespace
}  // namespace pupitre::testkit
