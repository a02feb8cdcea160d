// The page's sequence as the simulator plays it: the static files are those the page links, in
// its order; phases and roles as the browser test compares them with Chromium's.
#include "load/page_sequence.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace pupitre::load {
namespace {

TEST(PageSequenceTest, TheStaticFilesAreThoseThePageLinksInItsOrder) {
  const std::string html = R"(<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css?v=7">
<script defer src="/static/core.js?v=7"></script>
<p>See "/static/not-a-link.js" in the text</p>
<a href="/elsewhere">x</a>
<script defer src="/static/main.js?v=7"></script>)";
  EXPECT_EQ(StaticFilesOf(html),
            (std::vector<std::string>{"/static/app.css?v=7", "/static/core.js?v=7", "/static/main.js?v=7"}));
  EXPECT_TRUE(StaticFilesOf("").empty());
  EXPECT_TRUE(StaticFilesOf("src=\"/static/cut").empty()) << "an attribute never closed is not a file";
}

TEST(PageSequenceTest, TheMorningsPhasesHoldThePagesRequests) {
  const auto phases = ExamPageSequence({"/static/a.js?v=1", "/static/b.js?v=1"});
  std::vector<std::string> names;
  for (const auto& p : phases) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"open", "log in", "home", "exam", "start", "attempt"}));
  // The page, its files, the session; the files are the ones a warm cache skips.
  ASSERT_EQ(phases[0].requests.size(), 4u);
  EXPECT_EQ(phases[0].requests[0].path, "/");
  EXPECT_EQ(phases[0].requests[1].role, PageRole::kStatic);
  EXPECT_EQ(phases[0].requests[3].path, "/api/session");
  // Only the exam's phase waits for the planned start; the page's own phases have a step each.
  for (const auto& p : phases) EXPECT_EQ(p.at_start, p.name == "exam") << p.name;
  EXPECT_EQ(phases[0].step, "page");
  EXPECT_EQ(phases[2].step, "home");
  EXPECT_EQ(phases[3].step, "exam");
  EXPECT_EQ(phases[1].step, "") << "the login has its own step";
  EXPECT_EQ(ConnectionsPerStudent(phases), 2) << "the student's connection and the page's stream";
  EXPECT_EQ(ConnectionsPerStudent(ApiSequence()), 1);

  const auto json = boost::json::parse(PageSequenceJson(phases));
  EXPECT_EQ(json.at("save_interval_ms").as_int64(), kPageSaveIntervalMs);
  const auto& attempt = json.at("phases").as_array().back().at("requests").as_array();
  EXPECT_EQ(attempt.back().at("role").as_string(), "stream");
  EXPECT_EQ(attempt.back().at("path").as_string(), "/api/attempts/{attempt}/events?exam={exam}");
}

}  // namespace
}  // namespace pupitre::load
