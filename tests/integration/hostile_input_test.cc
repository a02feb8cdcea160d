// Hostile input against the real binary: nothing a user sends may crash the server.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"
#include "testkit/raw_socket.h"

namespace pupitre::testkit {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(HostileInputTest, AnExamFileNestedFortyThousandDeepIsRefusedAndTheServerStaysUp) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient teacher(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  for (const std::string& file :
       {"[exam]\n" + Repeat("a.", 40'000) + "b = 1\n",    // dotted keys (~80 KB)
        "[" + Repeat("t.", 100'000) + "u]\nx = 1\n"}) {   // a table header (~200 KB)
    auto r = teacher.Post("/api/exams", file);
    EXPECT_EQ(r.status, 422) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("nested deeper"), std::string::npos) << r.body.substr(0, 300);
  }
  HttpClient probe(server.port());
  EXPECT_EQ(probe.Get("/healthz").status, 200) << "the server did not survive:\n" << server.log();
}

// Sends raw bytes on a fresh connection and returns everything the server answers until it
// closes the connection, or until nothing more comes for 5 s (bounded).
// A TCP connection to 127.0.0.1:`port` whose reads and writes give up after 5 s, or -1.
std::string RawExchange(uint16_t port, const std::string& bytes) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return "connect failed";
  std::string out;
  {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t k = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (k <= 0) break;  // the server may close early (e.g. a body over the limit)
      sent += static_cast<size_t>(k);
    }
    char buf[4096];
    for (;;) {
      const ssize_t k = ::recv(fd, buf, sizeof buf, 0);
      if (k <= 0) break;
      out.append(buf, static_cast<size_t>(k));
    }
  }
  ::close(fd);
  return out;
}

class FramingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ChildServer>(dir_.path(), FastTestConfig(), /*demo=*/true);
    ASSERT_TRUE(server_->Start()) << server_->log();
  }
  TempDir dir_;
  std::unique_ptr<ChildServer> server_;
};

TEST_F(FramingTest, ATransferEncodingOtherThanExactlyChunkedIs400AndTheConnectionCloses) {
  for (const char* te : {"chunked, identity", "identity", "xchunked", "gzip, chunked"}) {
    SCOPED_TRACE(te);
    // A smuggled second request hides in the "body": it must never be answered.
    const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string request = std::string("POST /api/login HTTP/1.1\r\nHost: x\r\n") +
                                "Transfer-Encoding: " + te + "\r\n\r\n" + "0\r\n\r\n" +
                                smuggled;
    const std::string answer = RawExchange(server_->port(), request);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
    EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos)
        << "the smuggled request was answered: " << answer;
  }
  // Framed twice (Content-Length and chunked): refused too.
  const std::string both = RawExchange(
      server_->port(),
      "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(both.rfind("HTTP/1.1 400", 0), 0u) << both;
  // Exactly chunked still works.
  const std::string ok = RawExchange(
      server_->port(),
      "POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Content-Type: application/json\r\nConnection: close\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 400", 0), 0u) << "a chunked {} is a login without fields: " << ok;
  EXPECT_NE(ok.find("must be a string"), std::string::npos) << "the chunked body was not read: " << ok;
}

TEST_F(FramingTest, AnUploadIsHeldToItsRoutesLimitWhateverItsFraming) {
  HttpClient teacher(server_->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  // 1.5 MB with a Content-Length: within the import route's 2 MiB (Beast's own 1 MB default
  // used to refuse it before the route's limit was known).
  const std::string big = "# " + std::string(1'500'000, 'x') + "\n[exam]\n";
  auto r = teacher.Post("/api/exams", big);
  EXPECT_EQ(r.status, 422) << "refused before it was read: " << r.body.substr(0, 200);
  // Over the route's limit: said as soon as the framing tells (the body is not sent, so that
  // nothing unread makes the connection reset before the answer is read). With a
  // Content-Length...
  const std::string auth = "Authorization: Bearer " + teacher.token() + "\r\n";
  const std::string by_length = RawExchange(
      server_->port(), "POST /api/exams HTTP/1.1\r\nHost: x\r\n" + auth +
                           "Content-Length: 3000000\r\n\r\n");
  EXPECT_EQ(by_length.rfind("HTTP/1.1 413", 0), 0u) << by_length.substr(0, 300);
  // ...and chunked, which used to have no limit at all: one chunk of 3 MiB announced.
  const std::string by_chunk = RawExchange(
      server_->port(), "POST /api/exams HTTP/1.1\r\nHost: x\r\n" + auth +
                           "Transfer-Encoding: chunked\r\n\r\n300000\r\n");
  EXPECT_EQ(by_chunk.rfind("HTTP/1.1 413", 0), 0u) << by_chunk.substr(0, 300);
}

// How many lines of `log` hold `needle`.
size_t CountLines(const std::string& log, const std::string& needle) {
  size_t n = 0;
  for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
  return n;
}

TEST(ConnectionFloodTest, TheConnectionCapStaysBelowTheOpenFileLimitSoAcceptNeverSpins) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  server.LimitOpenFiles(256);  // max_connections stays at its default, 20,000
  ASSERT_TRUE(server.Start()) << server.log();
  EXPECT_NE(server.log().find("capped at"), std::string::npos) << "log:\n" << server.log();
  // Far more connections than descriptors: the old server hit EMFILE and retried at once,
  // pinning a core and writing a million log lines in seconds.
  std::vector<int> held;
  for (int i = 0; i < 600; ++i) {
    const int fd = ConnectLoopback(server.port());
    if (fd < 0) break;  // the backlog is full: enough
    held.push_back(fd);
  }
  ASSERT_GT(held.size(), 300u) << "could not even open the connections";
  // The flood ends: each connection says it is done, and waits (5 s at most) until the server
  // closes its side, which frees its descriptor. Connections refused at the cap are closed
  // already; those still in the backlog are accepted, read to their end and closed.
  size_t never_closed = 0;
  for (int fd : held) {
    ::shutdown(fd, SHUT_WR);
    char buf[256];
    ssize_t k;
    while ((k = ::recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    if (k < 0) ++never_closed;  // timed out: the server never got to it
    ::close(fd);
  }
  EXPECT_EQ(never_closed, 0u) << "connections the server left open after the flood";
  // Every descriptor is back: a newcomer is served at once.
  HttpClient newcomer(server.port());
  EXPECT_EQ(newcomer.Get("/healthz").status, 200)
      << "the server did not recover:\n" << server.log().substr(0, 2000);
  const std::string log = server.log();
  EXPECT_LT(CountLines(log, "accept failed"), 10u)
      << "accept() failures flood the log: " << log.size() << " bytes";
  EXPECT_LT(log.size(), 100'000u) << "the log grew by " << log.size() << " bytes";
}

}  // namespace
}  // namespace pupitre::testkit

namespace pupitre::testkit {
namespace {

// Replaces the first "closes = ..." line of an exam file.
std::string WithCloses(std::string toml, const std::string& closes) {
  const size_t at = toml.find("closes = ");
  const size_t nl = toml.find('\n', at);
  return toml.replace(at, nl - at, "closes = " + closes);
}

TEST(HostileNumbersTest, InstantsOutsideYears1970To9999AndHugeDurationsAre422) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient teacher(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  // 2300 is past what a nanosecond clock holds (2262): it once gave negative deadlines. It is
  // accepted now (milliseconds hold it); year 10000 and 1969 are not dates Pupitre takes.
  auto far = teacher.Post("/api/exams", WithCloses(TestExamToml("far-exam"), "2300-01-01T00:00:00Z"));
  EXPECT_EQ(far.status, 201) << far.body.substr(0, 300);
  auto before = teacher.Post("/api/exams", [] {
    std::string t = TestExamToml("old-exam");
    const size_t at = t.find("opens = ");
    return t.replace(at, t.find('\n', at) - at, "opens = 1969-12-31T00:00:00Z");
  }());
  EXPECT_EQ(before.status, 422) << before.body.substr(0, 300);
  EXPECT_NE(before.body.find("1970 to 9999"), std::string::npos) << before.body.substr(0, 300);
  // Through the API: settings and the operator's window.
  using boost::beast::http::verb;
  auto settings = teacher.Put("/api/exams/far-exam/settings",
                              R"({"closes_ms":9223372036854775807})");
  EXPECT_EQ(settings.status, 422) << settings.body;
  HttpClient op(server.port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto window = op.Put("/api/admin/exams/far-exam/window", R"({"closes_ms":9223372036854775807})");
  EXPECT_EQ(window.status, 422) << window.body;
  EXPECT_NE(window.body.find("1970 to 9999"), std::string::npos) << window.body;
  // Extra time in minutes that would overflow milliseconds (and wrap to 0).
  auto extra = teacher.Put("/api/exams/far-exam/extra-time",
                           R"({"login":"student0001","minutes":153722867280912930})");
  EXPECT_EQ(extra.status, 422) << extra.body;
  auto fine = teacher.Put("/api/exams/far-exam/extra-time",
                          R"({"login":"student0001","minutes":30})");
  EXPECT_EQ(fine.status, 200) << fine.body;
  // A student of the far exam sees its close where the file put it.
  ASSERT_EQ(teacher.Post("/api/exams/far-exam/publish").status, 200);
  HttpClient student(server.port());
  ASSERT_EQ(student.Login("student0002", "student-demo").status, 200);
  auto exam = student.Get("/api/exams/far-exam");
  ASSERT_EQ(exam.status, 200) << exam.body;
  EXPECT_EQ(exam.json().at("exam").at("closes_ms").as_int64(), 10'413'792'000'000);
}

}  // namespace
}  // namespace pupitre::testkit
