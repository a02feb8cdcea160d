// The route table matches a request target once: literal and "*" segments, captures in order,
// the query ignored, HEAD served by GET, 404 told apart from 405.
#include "api/router.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "common/metrics.h"

namespace pupitre::api {
namespace {

using boost::beast::http::verb;

void Nothing(const ContextPtr&) {}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(metrics_) {
    me_ = Add({verb::get, "/api/me", "me", Access::kUser, Admission::kInteractive, Nothing});
    exam_ =
        Add({verb::get, "/api/exams/*", "exam", Access::kUser, Admission::kInteractive, Nothing});
    publish_ = Add({verb::post, "/api/exams/*/publish", "publish", Access::kTeacher,
                    Admission::kInteractive, Nothing});
    save_ = Add({verb::put, "/api/attempts/*/answers/*", "save", Access::kStudent,
                 Admission::kCritical, Nothing});
    import_ = Add({verb::post, "/api/exams", "import", Access::kTeacher, Admission::kBackground,
                   Nothing, Body::kUpload});
    health_ = Add({verb::get, "/healthz", "health", Access::kPublic, Admission::kExempt, Nothing});
  }

  int32_t Add(RouteSpec spec) {
    router_.Add(std::move(spec));
    return static_cast<int32_t>(router_.size()) - 1;
  }

  std::array<std::string, kMaxParams> CapturesOf(verb method, std::string_view target) {
    std::array<std::string, kMaxParams> params;
    auto m = router_.Find(method, target);
    EXPECT_GE(m.route, 0) << target << " matched nothing";
    if (m.route >= 0) router_.Capture(m.route, target, params);
    return params;
  }

  Metrics metrics_;
  Router router_;
  int32_t me_ = -1, exam_ = -1, publish_ = -1, save_ = -1, import_ = -1, health_ = -1;
};

TEST_F(RouterTest, ALiteralPathFindsItsRoute) {
  auto m = router_.Find(verb::get, "/api/me");
  EXPECT_EQ(m.route, me_);
  EXPECT_TRUE(m.path_matched);
  EXPECT_EQ(router_.Find(verb::get, "/healthz").route, health_);
  EXPECT_EQ(router_.Find(verb::post, "/api/exams").route, import_);
}

TEST_F(RouterTest, AStarMatchesExactlyOneSegment) {
  EXPECT_EQ(router_.Find(verb::get, "/api/exams/geo-final").route, exam_);
  EXPECT_EQ(router_.Find(verb::post, "/api/exams/geo-final/publish").route, publish_);
  EXPECT_EQ(router_.Find(verb::get, "/api/exams").route, -1)
      << "a star must not match zero segments";
  auto deeper = router_.Find(verb::get, "/api/exams/geo-final/extra/more");
  EXPECT_EQ(deeper.route, -1) << "a star must not match two segments";
  EXPECT_FALSE(deeper.path_matched);
}

TEST_F(RouterTest, ALiteralSegmentMustBeEqual) {
  EXPECT_EQ(router_.Find(verb::post, "/api/exams/geo-final/publisher").route, -1);
  EXPECT_EQ(router_.Find(verb::get, "/api/mine").route, -1);
  EXPECT_EQ(router_.Find(verb::get, "/API/me").route, -1) << "segments are case-sensitive";
}

TEST_F(RouterTest, CapturesComeInTheOrderOfTheirStars) {
  auto params = CapturesOf(verb::put, "/api/attempts/42/answers/capital");
  EXPECT_EQ(params[0], "42");
  EXPECT_EQ(params[1], "capital");
  EXPECT_EQ(params[2], "");
  EXPECT_EQ(CapturesOf(verb::post, "/api/exams/geo-final/publish")[0], "geo-final");
}

TEST_F(RouterTest, TheQueryStringIsIgnoredForMatchingAndCapturing) {
  EXPECT_EQ(router_.Find(verb::get, "/api/me?lang=fr").route, me_);
  auto target = "/api/attempts/7/answers/q1?seq=3&x=/a/b";
  EXPECT_EQ(router_.Find(verb::put, target).route, save_)
      << "slashes in the query must not count as segments";
  auto params = CapturesOf(verb::put, target);
  EXPECT_EQ(params[0], "7");
  EXPECT_EQ(params[1], "q1") << "the query leaked into the last capture";
}

TEST_F(RouterTest, HeadIsServedByTheGetRoute) {
  EXPECT_EQ(router_.Find(verb::head, "/api/me").route, me_);
  EXPECT_EQ(router_.Find(verb::head, "/api/exams/x").route, exam_);
  auto post_only = router_.Find(verb::head, "/api/exams/x/publish");
  EXPECT_EQ(post_only.route, -1) << "HEAD is GET's, not POST's";
  EXPECT_TRUE(post_only.path_matched);
}

TEST_F(RouterTest, AnotherMethodOnAKnownPathIsToldApartFromAnUnknownPath) {
  auto wrong_method = router_.Find(verb::delete_, "/api/me");
  EXPECT_EQ(wrong_method.route, -1);
  EXPECT_TRUE(wrong_method.path_matched) << "a known path under another method is a 405";

  auto unknown = router_.Find(verb::get, "/api/nothing-here");
  EXPECT_EQ(unknown.route, -1);
  EXPECT_FALSE(unknown.path_matched) << "an unknown path is a 404";
}

TEST_F(RouterTest, TheSameStarPathUnderTwoMethodsFindsEach) {
  router_.Add({verb::delete_, "/api/exams/*", "exam_delete", Access::kTeacher,
               Admission::kInteractive, Nothing});
  const int32_t del = static_cast<int32_t>(router_.size()) - 1;
  EXPECT_EQ(router_.Find(verb::get, "/api/exams/a").route, exam_);
  EXPECT_EQ(router_.Find(verb::delete_, "/api/exams/a").route, del);
  auto put = router_.Find(verb::put, "/api/exams/a");
  EXPECT_EQ(put.route, -1);
  EXPECT_TRUE(put.path_matched);
}

TEST_F(RouterTest, APathDeeperThanEightSegmentsMatchesNothing) {
  router_.Add(
      {verb::get, "/a/b/c/d/e/f/g/*", "eight", Access::kPublic, Admission::kInteractive, Nothing});
  const int32_t eight = static_cast<int32_t>(router_.size()) - 1;
  EXPECT_EQ(router_.Find(verb::get, "/a/b/c/d/e/f/g/h").route, eight)
      << "eight segments are still within bounds";
  auto nine = router_.Find(verb::get, "/a/b/c/d/e/f/g/h/i");
  EXPECT_EQ(nine.route, -1);
  EXPECT_FALSE(nine.path_matched);
  std::string very_deep;
  for (int i = 0; i < 1000; ++i) very_deep += "/x";
  EXPECT_EQ(router_.Find(verb::get, very_deep).route, -1);
  EXPECT_FALSE(router_.Find(verb::get, very_deep).path_matched);
}

TEST_F(RouterTest, EmptySegmentsAreSkipped) {
  EXPECT_EQ(router_.Find(verb::get, "//api//me/").route, me_);
  EXPECT_EQ(router_.Find(verb::get, "/api/me/").route, me_);
  auto target = "/api//attempts/9///answers/essay/";
  EXPECT_EQ(router_.Find(verb::put, target).route, save_);
  auto params = CapturesOf(verb::put, target);
  EXPECT_EQ(params[0], "9");
  EXPECT_EQ(params[1], "essay");
}

TEST_F(RouterTest, TheRootAndTheEmptyTargetMatchNoRouteUnlessOneIsAdded) {
  EXPECT_EQ(router_.Find(verb::get, "/").route, -1);
  EXPECT_EQ(router_.Find(verb::get, "").route, -1);
  router_.Add({verb::get, "/", "root", Access::kPublic, Admission::kBackground, Nothing});
  const int32_t root = static_cast<int32_t>(router_.size()) - 1;
  EXPECT_EQ(router_.Find(verb::get, "/").route, root);
  EXPECT_EQ(router_.Find(verb::get, "/?x=1").route, root);
}

TEST_F(RouterTest, ARouteKeepsItsNameAccessAdmissionAndBody) {
  const Route& save = router_.route(save_);
  EXPECT_EQ(save.name, "save");
  EXPECT_EQ(save.method, verb::put);
  EXPECT_EQ(save.access, Access::kStudent);
  EXPECT_EQ(save.admission, Admission::kCritical);
  EXPECT_EQ(save.body, Body::kSmall) << "the default body is small";
  EXPECT_EQ(save.segments, (std::vector<std::string>{"api", "attempts", "*", "answers", "*"}));
  EXPECT_NE(save.stats, nullptr);
  EXPECT_TRUE(static_cast<bool>(save.fn));

  const Route& import = router_.route(import_);
  EXPECT_EQ(import.name, "import");
  EXPECT_EQ(import.access, Access::kTeacher);
  EXPECT_EQ(import.admission, Admission::kBackground);
  EXPECT_EQ(import.body, Body::kUpload);

  const Route& health = router_.route(health_);
  EXPECT_EQ(health.access, Access::kPublic);
  EXPECT_EQ(health.admission, Admission::kExempt);
}

TEST_F(RouterTest, ARouteRecordsItsRequestsUnderItsNameAndMethod) {
  router_.route(publish_).stats->Record(200, 0.001);
  router_.unmatched().Record(404, 0.001);
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find("route=\"publish\",method=\"POST\",status=\"200\""), std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",method=\"any\",status=\"404\""), std::string::npos)
      << text;
}

TEST(RouterPathOfTest, DropsTheQueryOnly) {
  EXPECT_EQ(PathOf("/api/me?x=1"), "/api/me");
  EXPECT_EQ(PathOf("/api/me"), "/api/me");
  EXPECT_EQ(PathOf("/api/me?"), "/api/me");
  EXPECT_EQ(PathOf("?a=b"), "");
  EXPECT_EQ(PathOf("/a?b?c"), "/a");
}

}  // namespace
}  // namespace pupitre::api
