// What the web interface relies on, over real HTTP: a draft's settings (window, duration,
// layout) changed by its teacher and kept across a restart; the teacher's live view, with the
// latest submissions, pushed as server-sent events; the embedded pages, with versioned caching.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <future>
#include <regex>
#include <set>
#include <thread>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using boost::beast::http::verb;
using namespace std::chrono_literals;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The demo server of DemoServerTest (the test exam published and open), plus a draft.
class WebTest : public DemoServerTest {
 protected:
  static constexpr const char* kDraft = "/api/exams/draft-exam";

  void ImportDraft() {
    auto r = teacher_->Post("/api/exams", TestExamToml("draft-exam"));
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // The exam as GET /api/exams/ID shows it to `c` (null when that fails).
  static boost::json::value ExamOf(HttpClient& c, const std::string& path) {
    auto r = c.Get(path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (r.status != 200) return nullptr;
    return r.json().at("exam");
  }

  // What a settings change may touch, and what it must not, from an exam's JSON (as JSON text,
  // for readable failures).
  static std::string SettingsOf(const boost::json::value& exam) {
    boost::json::object out;
    if (!exam.is_object()) return "not an exam";
    for (const char* key :
         {"opens_ms", "closes_ms", "duration_ms", "one_per_page", "question_count", "published"}) {
      if (const auto* v = exam.as_object().if_contains(key)) out[key] = *v;
    }
    return boost::json::serialize(out);
  }

  static void Submit(HttpClient& c, int64_t attempt) {
    auto r = c.Post(fmt::format("/api/attempts/{}/submit", attempt));
    EXPECT_EQ(r.status, 200) << "submitting attempt " << attempt << ": " << r.body;
  }
};

// ---------------------------------------------------------------- draft settings

TEST_F(WebTest, DraftSettingsChangeAndSurviveARestart) {
  ImportDraft();
  // Not whole seconds, so that nothing may be rounded on the way.
  const int64_t opens = NowMs() + 2 * 3'600'000 + 123;
  const int64_t closes = opens + 3 * 3'600'000 + 456;
  auto put = teacher_->Put(
      std::string(kDraft) + "/settings",
      fmt::format(R"({{"opens_ms":{},"closes_ms":{},"duration_minutes":75,"one_per_page":true}})",
                  opens, closes));
  ASSERT_EQ(put.status, 200) << put.body;
  const auto answered = put.json().at("exam");
  EXPECT_EQ(answered.at("opens_ms").as_int64(), opens) << put.body;
  EXPECT_EQ(answered.at("closes_ms").as_int64(), closes) << put.body;
  EXPECT_EQ(answered.at("duration_ms").as_int64(), 75 * 60'000) << put.body;
  EXPECT_TRUE(answered.at("one_per_page").as_bool()) << put.body;
  EXPECT_EQ(answered.at("question_count").as_int64(), 6) << "the questions were lost";
  EXPECT_FALSE(answered.at("published").as_bool()) << "a settings change published the draft";

  EXPECT_EQ(SettingsOf(ExamOf(*teacher_, kDraft)), SettingsOf(answered))
      << "GET disagrees with the PUT's answer";

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  ChildServer again(dir_.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient t(again.port());
  ASSERT_EQ(t.Login("teacher", "teacher-demo").status, 200);
  EXPECT_EQ(SettingsOf(ExamOf(t, kDraft)), SettingsOf(answered))
      << "the change did not survive a restart";
}

TEST_F(WebTest, SettingsLeftOutOfTheBodyAreKept) {
  ImportDraft();
  const auto before = ExamOf(*teacher_, kDraft);
  ASSERT_TRUE(before.is_object());
  ASSERT_FALSE(before.at("one_per_page").as_bool()) << "the test exam has one_per_page unset";
  auto put = teacher_->Put(std::string(kDraft) + "/settings", R"({"one_per_page":true})");
  ASSERT_EQ(put.status, 200) << put.body;
  const auto after = put.json().at("exam");
  EXPECT_TRUE(after.at("one_per_page").as_bool());
  for (const char* key : {"opens_ms", "closes_ms", "duration_ms"}) {
    EXPECT_EQ(after.at(key), before.at(key)) << key << " changed, though it was not sent";
  }
}

TEST_F(WebTest, PublishedExamSettingsAreFrozen) {
  const auto before = ExamOf(*teacher_, "/api/exams/test-exam");
  auto put = teacher_->Put("/api/exams/test-exam/settings", R"({"duration_minutes":5})");
  EXPECT_EQ(put.status, 409) << put.body;
  EXPECT_EQ(put.error_code(), "conflict") << put.body;
  EXPECT_EQ(SettingsOf(ExamOf(*teacher_, "/api/exams/test-exam")), SettingsOf(before))
      << "a refused change was applied";
}

TEST_F(WebTest, AnImpossibleWindowIsRefused) {
  ImportDraft();
  const auto before = ExamOf(*teacher_, kDraft);
  ASSERT_TRUE(before.is_object());
  const int64_t opens = before.at("opens_ms").as_int64();
  for (const std::string& body : {
           fmt::format(R"({{"opens_ms":{0},"closes_ms":{0}}})", opens + 3'600'000),
           fmt::format(R"({{"closes_ms":{}}})", opens - 60'000),  // before the kept opening
           fmt::format(R"({{"opens_ms":{}}})", before.at("closes_ms").as_int64()),
           // Beyond year 9999: must not wrap around into some other date.
           std::string(R"({"closes_ms":1000000000000000000})"),
       }) {
    auto put = teacher_->Put(std::string(kDraft) + "/settings", body);
    EXPECT_EQ(put.status, 422) << body << " -> " << put.body;
    EXPECT_EQ(put.error_code(), "invalid") << put.body;
    EXPECT_NE(put.body.find("closes"), std::string::npos)
        << "the error does not say what is wrong with the window: " << put.body;
  }
  auto zero = teacher_->Put(std::string(kDraft) + "/settings", R"({"duration_minutes":0})");
  EXPECT_EQ(zero.status, 422) << zero.body;
  EXPECT_EQ(SettingsOf(ExamOf(*teacher_, kDraft)), SettingsOf(before))
      << "a refused change was applied";
}

TEST_F(WebTest, MistypedSettingsAreABadRequestAndChangeNothing) {
  ImportDraft();
  const auto before = ExamOf(*teacher_, kDraft);
  const int64_t later = NowMs() + 3'600'000;
  for (const std::string& body : {
           std::string(R"({"opens_ms":"tomorrow"})"),
           std::string(R"({"closes_ms":1.9e12})"),
           std::string(R"({"duration_minutes":90.5})"),
           std::string(R"({"duration_minutes":"90"})"),
           std::string(R"({"one_per_page":"yes"})"),
           std::string(R"({"one_per_page":1})"),
           // A good field does not go through beside a bad one.
           fmt::format(R"({{"opens_ms":{},"one_per_page":null}})", later),
           std::string("[75]"),
           std::string("{\"duration_minutes\":"),
       }) {
    auto put = teacher_->Put(std::string(kDraft) + "/settings", body);
    EXPECT_EQ(put.status, 400) << body << " -> " << put.body;
    EXPECT_EQ(put.error_code(), "bad_request") << body << " -> " << put.body;
  }
  EXPECT_EQ(SettingsOf(ExamOf(*teacher_, kDraft)), SettingsOf(before))
      << "a refused change was applied";
}

TEST_F(WebTest, OnlyTeachersChangeSettingsOfExamsThatExist) {
  ImportDraft();
  auto student = Student(1);
  auto by_student = student->Put(std::string(kDraft) + "/settings", R"({"duration_minutes":5})");
  EXPECT_EQ(by_student.status, 403) << by_student.body;
  auto missing = teacher_->Put("/api/exams/no-such-exam/settings", R"({"duration_minutes":5})");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(ExamOf(*teacher_, kDraft).at("duration_ms").as_int64(), 30 * 60'000);
}

// ---------------------------------------------------------------- live view

TEST_F(WebTest, LiveViewListsTheLatestSubmissionsNewestFirst) {
  auto first = Student(21);
  auto second = Student(22);
  auto unfinished = Student(23);
  const int64_t a1 = StartExam(*first);
  const int64_t a2 = StartExam(*second);
  StartExam(*unfinished);
  Submit(*first, a1);
  Submit(*second, a2);

  auto live = teacher_->Get("/api/exams/test-exam/live");
  ASSERT_EQ(live.status, 200) << live.body;
  const auto body = live.json();
  EXPECT_EQ(body.at("submitted").as_int64(), 2);
  EXPECT_EQ(body.at("in_progress").as_int64(), 1);
  const auto& latest = body.at("latest_submissions").as_array();
  ASSERT_EQ(latest.size(), 2u) << "only submitted attempts are listed: " << live.body;
  EXPECT_GE(latest[0].at("submitted_ms").as_int64(), latest[1].at("submitted_ms").as_int64())
      << "not newest first: " << live.body;
  std::set<int64_t> ids;
  for (const auto& s : latest) ids.insert(s.at("attempt_id").as_int64());
  EXPECT_EQ(ids, (std::set<int64_t>{a1, a2})) << live.body;
  if (latest[0].at("submitted_ms") != latest[1].at("submitted_ms")) {
    EXPECT_EQ(latest[0].at("attempt_id").as_int64(), a2) << "the later submission is not first";
  }
  for (const auto& s : latest) {
    const bool is_first = s.at("attempt_id").as_int64() == a1;
    EXPECT_EQ(s.at("login").as_string(), StudentLogin(is_first ? 21 : 22)) << live.body;
    EXPECT_EQ(s.at("name").as_string(), is_first ? "Student 0021" : "Student 0022") << live.body;
    EXPECT_FALSE(s.at("auto_submitted").as_bool()) << live.body;
  }
}

TEST_F(WebTest, LiveEventsPushASubmissionToTheWatchingTeacher) {
  auto student = Student(5);
  const int64_t attempt = StartExam(*student);
  ASSERT_GT(attempt, 0);

  // The watcher runs on its own thread and connection; it reports through these.
  HttpClient watcher_client(server_->port());
  ASSERT_EQ(watcher_client.Login("teacher", "teacher-demo").status, 200);
  std::promise<int64_t> first_submitted;  // from the first event; -1 if none came
  std::promise<void> done;
  std::string showing;  // the event that showed the submission
  std::chrono::steady_clock::time_point shown_at;
  std::string problem;
  int status = 0;
  std::thread watcher([&] {
    int64_t before = -1;
    status = watcher_client.ReadEvents(
        "/api/exams/test-exam/live/events", {}, [&](const HttpClient::Event& e) {
          if (e.name != "live") return true;
          boost::json::error_code ec;
          const auto data = boost::json::parse(e.data, ec);
          const auto* submitted =
              ec || !data.is_object() ? nullptr : data.as_object().if_contains("submitted");
          if (!submitted || !submitted->is_int64()) {
            problem = "an event without a count of submissions: " + e.data;
            return false;
          }
          if (before < 0) {
            before = submitted->as_int64();
            first_submitted.set_value(before);
            return true;
          }
          if (submitted->as_int64() <= before) return true;
          showing = e.data;
          shown_at = std::chrono::steady_clock::now();
          return false;
        });
    if (before < 0) first_submitted.set_value(-1);
    done.set_value();
  });
  auto first = first_submitted.get_future();
  auto finished = done.get_future();
  // Bounded waits, so that a missing event fails the test instead of hanging it; stopping the
  // server closes the stream and so ends the watcher.
  const bool opened = first.wait_for(20s) == std::future_status::ready && first.get() == 0;
  const int64_t submit_from = NowMs();
  if (opened) Submit(*student, attempt);
  const int64_t submit_to = NowMs();
  const auto submitted_at = std::chrono::steady_clock::now();
  const bool pushed = opened && finished.wait_for(20s) == std::future_status::ready;
  if (!pushed) server_->Stop(SIGKILL);
  watcher.join();

  EXPECT_EQ(status, 200);
  ASSERT_TRUE(opened) << "no first event with nothing submitted yet. " << problem;
  ASSERT_TRUE(pushed) << "the submission was never pushed";
  ASSERT_FALSE(showing.empty()) << problem;
  // Changes are looked for once a second; the keep-alive resend every 15 s does not count.
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(shown_at - submitted_at);
  EXPECT_LT(delay, 5s) << "the submission was pushed only after " << delay.count() << " ms";
  const auto data = boost::json::parse(showing);
  EXPECT_EQ(data.at("submitted").as_int64(), 1) << showing;
  EXPECT_EQ(data.at("in_progress").as_int64(), 0) << showing;
  const auto& latest = data.at("latest_submissions").as_array();
  ASSERT_EQ(latest.size(), 1u) << showing;
  EXPECT_EQ(latest[0].at("attempt_id").as_int64(), attempt) << showing;
  EXPECT_EQ(latest[0].at("login").as_string(), StudentLogin(5)) << showing;
  EXPECT_EQ(latest[0].at("name").as_string(), "Student 0005") << showing;
  EXPECT_FALSE(latest[0].at("auto_submitted").as_bool()) << showing;
  const int64_t at = latest[0].at("submitted_ms").as_int64();
  EXPECT_TRUE(at >= submit_from - 1000 && at <= submit_to + 1000)
      << "submitted_ms " << at << " is not when the student submitted (" << submit_from << " to "
      << submit_to << ")";
}

TEST_F(WebTest, OnlyTeachersWatchTheLiveEvents) {
  auto student = Student(6);
  const auto never = [](const HttpClient::Event&) { return false; };
  EXPECT_EQ(student->ReadEvents("/api/exams/test-exam/live/events", {}, never), 403);
  EXPECT_EQ(student->Get("/api/exams/test-exam/live").status, 403);
  EXPECT_EQ(teacher_->ReadEvents("/api/exams/no-such-exam/live/events", {}, never), 404);
}

// ---------------------------------------------------------------- pages and static files

struct PageLink {
  std::string file;     // e.g. "core.js"
  std::string version;  // what follows ?v=
};

std::vector<PageLink> StaticLinks(const std::string& html) {
  static const std::regex kLink(R"re(/static/([A-Za-z0-9_.-]+)\?v=([^"'&\s>]*))re");
  std::vector<PageLink> out;
  for (std::sregex_iterator it(html.begin(), html.end(), kLink), end; it != end; ++it) {
    out.push_back({(*it)[1], (*it)[2]});
  }
  return out;
}

std::string ExpectedContentType(const std::string& file) {
  if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (file.ends_with(".css")) return "text/css; charset=utf-8";
  if (file.ends_with(".svg")) return "image/svg+xml";
  return "text/html; charset=utf-8";
}

constexpr const char* kImmutable = "public, max-age=31536000, immutable";

TEST_F(WebTest, HomePageNamesEveryFileWithOneVersionAndEachIsCachedForAYear) {
  HttpClient browser(server_->port());
  auto home = browser.Get("/");
  ASSERT_EQ(home.status, 200) << home.body;
  EXPECT_EQ(home.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(home.headers["cache-control"], "no-cache") << "the page must be revalidated";
  EXPECT_FALSE(home.headers["etag"].empty());
  EXPECT_EQ(home.body.find("{{version}}"), std::string::npos) << "a placeholder was left";

  const std::vector<PageLink> links = StaticLinks(home.body);
  ASSERT_FALSE(links.empty()) << "the page names no /static/ file:\n" << home.body;
  const std::regex kVersion("[0-9a-f]{12}");
  const std::string version = links[0].version;
  EXPECT_TRUE(std::regex_match(version, kVersion)) << "version '" << version << "'";
  for (const PageLink& link : links) {
    SCOPED_TRACE(link.file);
    EXPECT_EQ(link.version, version) << "two versions in one page";
    auto f = browser.Get("/static/" + link.file + "?v=" + link.version);
    ASSERT_EQ(f.status, 200) << "the page names a file that is not served";
    EXPECT_FALSE(f.body.empty());
    EXPECT_EQ(f.headers["content-type"], ExpectedContentType(link.file));
    EXPECT_EQ(f.headers["cache-control"], kImmutable);
    EXPECT_EQ(f.headers["x-content-type-options"], "nosniff");
  }
}

TEST_F(WebTest, StaticFilesWithoutTheRightVersionAreRevalidated) {
  HttpClient browser(server_->port());
  const auto links = StaticLinks(browser.Get("/").body);
  ASSERT_FALSE(links.empty());
  const std::string base = "/static/" + links[0].file;
  const std::string& version = links[0].version;
  const std::string other =
      version.front() == '0' ? "1" + version.substr(1) : "0" + version.substr(1);
  for (const std::string& target : {base, base + "?v=" + other, base + "?v=",
                                    base + "?v=0" + version, base + "?w=" + version}) {
    auto r = browser.Get(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.headers["cache-control"], "no-cache")
        << target << ": cached for a year under a URL that is not this release's";
  }
}

TEST_F(WebTest, AMatchingEtagAnswers304WithNoBody) {
  HttpClient browser(server_->port());
  auto home = browser.Get("/");
  ASSERT_EQ(home.status, 200);
  const auto links = StaticLinks(home.body);
  ASSERT_FALSE(links.empty());
  const std::string file = "/static/" + links[0].file + "?v=" + links[0].version;
  auto f = browser.Get(file);
  ASSERT_EQ(f.status, 200);
  EXPECT_NE(f.headers["etag"], home.headers["etag"]) << "two files, one ETag";
  for (const auto& [target, etag] :
       {std::pair{std::string("/"), home.headers["etag"]}, std::pair{file, f.headers["etag"]}}) {
    auto again = browser.Send(verb::get, target, "", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304) << target;
    EXPECT_TRUE(again.body.empty()) << target << ": a 304 with a body";
    EXPECT_EQ(again.headers["etag"], etag) << target;
  }
  auto stale = browser.Send(verb::get, "/", "", {{"If-None-Match", "\"0000000000000000\""}});
  EXPECT_EQ(stale.status, 200) << "another ETag must get the page";
  EXPECT_EQ(stale.body, home.body);
}

// Inflates a gzip body; empty when it is not valid gzip.
std::string Gunzip(const std::string& in) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return {};
  std::string out(in.size() * 20 + 1024, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

TEST_F(WebTest, FilesAreSentCompressedToBrowsersThatAcceptGzip) {
  HttpClient browser(server_->port());
  auto home = browser.Get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(home.headers["content-encoding"].empty()) << "not asked for gzip";
  auto zipped = browser.Send(verb::get, "/", "", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.headers["content-encoding"], "gzip");
  EXPECT_EQ(zipped.headers["vary"], "Accept-Encoding");
  EXPECT_EQ(zipped.headers["etag"], home.headers["etag"]);
  EXPECT_EQ(Gunzip(zipped.body), home.body);
  for (const auto& link : StaticLinks(home.body)) {
    const std::string target = "/static/" + link.file + "?v=" + link.version;
    auto plain = browser.Get(target);
    auto z = browser.Send(verb::get, target, "", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(z.headers["content-encoding"], "gzip") << target;
    EXPECT_LT(z.body.size(), plain.body.size()) << target;
    EXPECT_EQ(Gunzip(z.body), plain.body) << target;
  }
}

TEST_F(WebTest, OnlyTheWebFilesAreServed) {
  HttpClient browser(server_->port());
  for (const char* target : {"/static/nope.js", "/static/index.html", "/static/",
                             "/static/../pupitre.toml", "/static/%2e%2e%2fpupitre.toml"}) {
    auto r = browser.Get(target);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(r.error_code(), "not_found") << target << ": not a JSON error: " << r.body;
  }
}

}  // namespace
}  // namespace pupitre::testkit
