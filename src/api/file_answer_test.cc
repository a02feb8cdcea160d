#include "api/file_answer.h"

#include <gtest/gtest.h>

namespace pupitre::api {
namespace {

namespace bhttp = boost::beast::http;

constexpr int64_t kMtime = 1'764'000'000;  // Mon, 24 Nov 2025 16:00:00 GMT

FileFacts Facts() {
  return {1000, kMtime, "\"abc123\"", "application/pdf", "Cours 1 – été.pdf", false};
}

FileAnswer Plan(std::vector<std::pair<bhttp::field, std::string>> fields,
                bhttp::verb method = bhttp::verb::get) {
  http::Request req{method, "/f", 11};
  for (auto& [f, v] : fields) req.set(f, v);
  return PlanFileAnswer(req, Facts());
}

TEST(FileAnswerTest, WholeFileWithValidators) {
  FileAnswer a = Plan({});
  EXPECT_EQ(a.header.result(), bhttp::status::ok);
  EXPECT_EQ(a.offset, 0u);
  EXPECT_EQ(a.length, 1000u);
  EXPECT_EQ(a.header[bhttp::field::content_length], "1000");
  EXPECT_EQ(a.header[bhttp::field::etag], "\"abc123\"");
  EXPECT_EQ(a.header[bhttp::field::last_modified], "Mon, 24 Nov 2025 16:00:00 GMT");
  EXPECT_EQ(a.header[bhttp::field::accept_ranges], "bytes");
  EXPECT_EQ(a.header[bhttp::field::content_type], "application/pdf");
  EXPECT_EQ(a.header[bhttp::field::content_disposition],
            "inline; filename=\"Cours 1 _ _t_.pdf\"; "
            "filename*=UTF-8''Cours%201%20%E2%80%93%20%C3%A9t%C3%A9.pdf");
  EXPECT_EQ(a.header["X-Content-Type-Options"], "nosniff");
}

TEST(FileAnswerTest, HeadSaysTheLengthAndSendsNothing) {
  FileAnswer a = Plan({}, bhttp::verb::head);
  EXPECT_EQ(a.header[bhttp::field::content_length], "1000");
  EXPECT_EQ(a.length, 0u);
}

TEST(FileAnswerTest, Ranges) {
  FileAnswer a = Plan({{bhttp::field::range, "bytes=100-199"}});
  EXPECT_EQ(a.header.result(), bhttp::status::partial_content);
  EXPECT_EQ(a.header[bhttp::field::content_range], "bytes 100-199/1000");
  EXPECT_EQ(a.offset, 100u);
  EXPECT_EQ(a.length, 100u);
  a = Plan({{bhttp::field::range, "bytes=990-"}});
  EXPECT_EQ(a.header[bhttp::field::content_range], "bytes 990-999/1000");
  EXPECT_EQ(a.length, 10u);
  a = Plan({{bhttp::field::range, "bytes=-5"}});
  EXPECT_EQ(a.header[bhttp::field::content_range], "bytes 995-999/1000");
  a = Plan({{bhttp::field::range, "bytes=900-5000"}});
  EXPECT_EQ(a.header[bhttp::field::content_range], "bytes 900-999/1000");
  EXPECT_EQ(a.length, 100u);
  a = Plan({{bhttp::field::range, "bytes=1000-"}});
  EXPECT_EQ(a.header.result(), bhttp::status::range_not_satisfiable);
  EXPECT_EQ(a.header[bhttp::field::content_range], "bytes */1000");
  EXPECT_EQ(a.length, 0u);
  // Several ranges, other units, nonsense: the whole file.
  for (const char* r : {"bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=x-", "bytes=-"}) {
    a = Plan({{bhttp::field::range, r}});
    EXPECT_EQ(a.header.result(), bhttp::status::ok) << r;
    EXPECT_EQ(a.length, 1000u) << r;
  }
}

TEST(FileAnswerTest, IfRangeHonoursTheRangeOnlyForTheSameFile) {
  FileAnswer a = Plan({{bhttp::field::range, "bytes=0-9"}, {bhttp::field::if_range, "\"abc123\""}});
  EXPECT_EQ(a.header.result(), bhttp::status::partial_content);
  a = Plan({{bhttp::field::range, "bytes=0-9"}, {bhttp::field::if_range, "\"other\""}});
  EXPECT_EQ(a.header.result(), bhttp::status::ok);
  EXPECT_EQ(a.length, 1000u);
  a = Plan({{bhttp::field::range, "bytes=0-9"}, {bhttp::field::if_range, HttpDate(kMtime)}});
  EXPECT_EQ(a.header.result(), bhttp::status::partial_content);
  a = Plan({{bhttp::field::range, "bytes=0-9"}, {bhttp::field::if_range, HttpDate(kMtime - 1)}});
  EXPECT_EQ(a.header.result(), bhttp::status::ok);
}

TEST(FileAnswerTest, ConditionalRequests) {
  EXPECT_EQ(Plan({{bhttp::field::if_none_match, "\"abc123\""}}).header.result(),
            bhttp::status::not_modified);
  EXPECT_EQ(Plan({{bhttp::field::if_none_match, "W/\"abc123\", \"x\""}}).header.result(),
            bhttp::status::not_modified);
  EXPECT_EQ(Plan({{bhttp::field::if_none_match, "\"x\""}}).header.result(), bhttp::status::ok);
  EXPECT_EQ(Plan({{bhttp::field::if_modified_since, HttpDate(kMtime)}}).header.result(),
            bhttp::status::not_modified);
  EXPECT_EQ(Plan({{bhttp::field::if_modified_since, HttpDate(kMtime - 60)}}).header.result(),
            bhttp::status::ok);
  // If-None-Match wins over If-Modified-Since.
  EXPECT_EQ(Plan({{bhttp::field::if_none_match, "\"x\""},
                  {bhttp::field::if_modified_since, HttpDate(kMtime)}})
                .header.result(),
            bhttp::status::ok);
  EXPECT_EQ(Plan({{bhttp::field::if_match, "\"x\""}}).header.result(),
            bhttp::status::precondition_failed);
  EXPECT_EQ(Plan({{bhttp::field::if_match, "\"abc123\""}}).header.result(), bhttp::status::ok);
  EXPECT_EQ(Plan({{bhttp::field::if_unmodified_since, HttpDate(kMtime - 1)}}).header.result(),
            bhttp::status::precondition_failed);
  FileAnswer a = Plan({{bhttp::field::if_none_match, "\"abc123\""}});
  EXPECT_EQ(a.length, 0u);
  EXPECT_EQ(a.header[bhttp::field::etag], "\"abc123\"");
}

TEST(FileAnswerTest, DatesAndTypes) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate(HttpDate(kMtime)), kMtime);
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("garbage"));
  EXPECT_EQ(MediaTypeOf("a.PDF").type, "application/pdf");
  EXPECT_TRUE(MediaTypeOf("clip.mp4").inline_ok);
  EXPECT_FALSE(MediaTypeOf("page.html").inline_ok);
  EXPECT_EQ(MediaTypeOf("page.html").type, "application/octet-stream");
  EXPECT_FALSE(MediaTypeOf("drawing.svg").inline_ok);
  EXPECT_EQ(MediaTypeOf("noext").type, "application/octet-stream");
}

}  // namespace
}  // namespace pupitre::api
