// The connection defences against the real binary: timeouts that slow clients cannot stretch,
// caps per address, room made for newcomers, and the operator's own listener. Attackers come
// from their own loopback addresses (127.0.5.1, ...), as other machines would.
#include <gtest/gtest.h>

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"
#include "testkit/raw_socket.h"

namespace pupitre::testkit {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// True if the server closed `fd` (EOF or reset) before `limit`; reads and drops any answer.
bool ServerCloses(int fd, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  char buf[512];
  while (Clock::now() < deadline) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return errno == ECONNRESET;
    // n > 0: an answer, read and dropped; EAGAIN: still open, poll again.
  }
  return false;
}

// Waits up to `gap` for the server to answer or close `fd`: true if it did (the wait ends at
// once then). Paces a slow client by the event it is waiting for, not by sleeping.
bool ServerSpeaksWithin(int fd, std::chrono::milliseconds gap) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(gap.count())) > 0;
}

// Sends `bytes` one at a time, `gap` apart (the attacker's pace), until all are sent or the
// server closes the connection. Returns how many were sent.
size_t Trickle(int fd, const std::string& bytes, std::chrono::milliseconds gap) {
  size_t sent = 0;
  for (char b : bytes) {
    if (::send(fd, &b, 1, MSG_NOSIGNAL) != 1) break;
    ++sent;
    if (ServerSpeaksWithin(fd, gap)) break;  // closed (or answered) before the next byte
  }
  return sent;
}

// A socket that sends nothing more gets a timeout of its recv() calls of 200 ms, so that
// ServerCloses polls.
int Connect(uint16_t port, const std::string& from) {
  const int fd = ConnectLoopback(port, from);
  if (fd >= 0) {
    timeval tv{0, 200'000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  return fd;
}

TEST(ConnectionDefenceTest, AHeaderSentAByteAtATimeIsCutAtTheHeaderTimeout) {
  TempDir dir;
  ChildServer slow(dir.path(),
                   "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nheader_timeout_ms = 500\n"
                   "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n");
  ASSERT_TRUE(slow.Start()) << slow.log();
  const int fd = Connect(slow.port(), "127.0.5.1");
  ASSERT_GE(fd, 0);
  // Slowloris: a never-ending header, a byte every 100 ms (the idle timeout is 75 s).
  std::string endless = "GET / HTTP/1.1\r\nHost: x\r\nX-A: ";
  endless += std::string(200, 'a');
  const size_t sent = Trickle(fd, endless, 100ms);
  EXPECT_LT(sent, endless.size()) << "the server kept a header open for 20 s";
  EXPECT_TRUE(ServerCloses(fd, 2s));
  ::close(fd);
  // The server is fine.
  EXPECT_EQ(HttpClient(slow.port()).Get("/healthz").status, 200);
}

TEST(ConnectionDefenceTest, AConnectionThatNeverSpeaksIsClosedSoon) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nfirst_byte_timeout_ms = 300\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n");
  ASSERT_TRUE(server.Start()) << server.log();
  const int fd = Connect(server.port(), "127.0.5.2");
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(ServerCloses(fd, 5s)) << "a silent connection was kept past 5 s";
  ::close(fd);
}

TEST(ConnectionDefenceTest, AnonymousConnectionsAreKeptIdleShorterThanLoggedInOnes) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "anonymous_idle_timeout_ms = 300\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  char buf[2048];
  const int anonymous = Connect(server.port(), "127.0.5.5");
  ASSERT_TRUE(SendAll(anonymous, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_GT(::recv(anonymous, buf, sizeof buf, 0), 0);
  EXPECT_TRUE(ServerCloses(anonymous, 5s)) << "an anonymous keep-alive was kept past 5 s";
  ::close(anonymous);
  const int student = Connect(server.port(), "127.0.5.6");
  const std::string body = R"({"login":"student0001","password":"student-demo"})";
  ASSERT_TRUE(SendAll(student, LoginRequestHeader(body.size()) + body));
  timeval tv{5, 0};
  ::setsockopt(student, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const ssize_t n = ::recv(student, buf, sizeof buf, 0);
  ASSERT_GT(n, 12);
  ASSERT_EQ(std::string(buf, 12), "HTTP/1.1 200");
  tv = {0, 200'000};
  ::setsockopt(student, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_FALSE(ServerCloses(student, 1500ms))
      << "a logged-in student's connection was closed at the anonymous idle timeout";
  ::close(student);
}

TEST(ConnectionDefenceTest, ABodyIsGivenTimeForItsSizeButNotForATrickle) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nread_timeout_ms = 300\n"
                     "min_body_bytes_per_s = 500\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  // 3,000 bytes at about 2,000 a second: longer than read_timeout_ms, but above the minimum
  // rate (300 ms + 3,000 bytes at 500 a second = 6.3 s allowed), so it is read to its end (and
  // answered: here, a login that fails).
  std::string body = R"({"login":"nobody","password":")" + std::string(2900, 'p') + R"("})";
  const int fd = Connect(server.port(), "127.0.5.3");
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, LoginRequestHeader(body.size())));
  for (size_t at = 0; at < body.size(); at += 200) {
    ASSERT_TRUE(SendAll(fd, body.substr(at, 200))) << "cut at byte " << at;
    // The server must neither answer nor close before the body is complete.
    if (at + 200 < body.size()) {
      ASSERT_FALSE(ServerSpeaksWithin(fd, 100ms)) << "answered or cut at byte " << at;
    }
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 12) << "no answer to a body sent at 2,000 bytes a second";
  EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 400") << std::string(buf, n);  // too long a password
  ::close(fd);
  // A trickle of 10 bytes a second is cut at 6.3 s, before its first 100 bytes are sent (10 s).
  const int slow = Connect(server.port(), "127.0.5.4");
  ASSERT_GE(slow, 0);
  ASSERT_TRUE(SendAll(slow, LoginRequestHeader(body.size())));
  const size_t sent = Trickle(slow, body.substr(0, 100), 100ms);
  EXPECT_LT(sent, 100u) << "a body trickling at 10 bytes a second was kept for 10 s";
  ::close(slow);
}

TEST(ConnectionDefenceTest, OneAddressCannotHoldMoreThanItsShare) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "max_connections_per_address = 20\nmax_connections_per_subnet = 30\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n");
  ASSERT_TRUE(server.Start()) << server.log();
  std::vector<int> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(Connect(server.port(), "127.0.7.1"));
    ASSERT_GE(held.back(), 0);
  }
  // Everything the server accepted before is counted: one request on the last one proves it.
  ASSERT_TRUE(SendAll(held.back(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  char buf[512];
  ASSERT_GT(::recv(held.back(), buf, sizeof buf, 0), 0);
  const int extra = Connect(server.port(), "127.0.7.1");
  ASSERT_GE(extra, 0);  // the kernel accepts it; the server closes it at once
  EXPECT_TRUE(ServerCloses(extra, 3s)) << "a 21st connection from one address was kept";
  ::close(extra);
  // A neighbour has the rest of the subnet's share (30), and then no more.
  std::vector<int> neighbour;
  for (int i = 0; i < 10; ++i) neighbour.push_back(Connect(server.port(), "127.0.7.2"));
  ASSERT_TRUE(SendAll(neighbour.back(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_GT(::recv(neighbour.back(), buf, sizeof buf, 0), 0);
  const int over = Connect(server.port(), "127.0.7.3");
  EXPECT_TRUE(ServerCloses(over, 3s)) << "the subnet's cap did not hold";
  ::close(over);
  // Another network connects as usual.
  EXPECT_EQ(HttpClient(server.port(), "127.0.8.1").Get("/healthz").status, 200);
  const std::string m = HttpClient(server.port(), "127.0.8.1").Get("/metrics").body;
  EXPECT_GE(MetricValue(m, "pupitre_connections_rejected_address_total"), 2);
  for (int fd : held) ::close(fd);
  for (int fd : neighbour) ::close(fd);
}

TEST(ConnectionDefenceTest, BehindAProxyTheClientItNamesHasItsOwnShare) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "trusted_proxies = [\"127.0.0.1\"]\nproxy_protocol = true\n"
                     "max_connections_per_address = 2\nmax_connections_per_subnet = 3\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n");
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string probe = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  char buf[512];
  // The proxy's connections for one client: two are served (and, answered, are counted)...
  std::vector<int> held;
  for (uint16_t i = 0; i < 2; ++i) {
    held.push_back(Connect(server.port(), "127.0.0.1"));
    ASSERT_TRUE(SendAll(held.back(), ProxyV2("198.51.100.7", 40000 + i) + probe));
    ASSERT_GT(::recv(held.back(), buf, sizeof buf, 0), 0) << i;
  }
  // ... a third for the same client is closed unanswered, though the proxy itself is not capped.
  const int third = Connect(server.port(), "127.0.0.1");
  ASSERT_TRUE(SendAll(third, ProxyV2("198.51.100.7", 40002) + probe));
  EXPECT_TRUE(ServerCloses(third, 3s)) << "a client behind the proxy held more than its share";
  ::close(third);
  // Its network's share (3) holds too; another network behind the same proxy is served.
  const int neighbour = Connect(server.port(), "127.0.0.1");
  ASSERT_TRUE(SendAll(neighbour, ProxyV2("198.51.100.8", 40003) + probe));
  ASSERT_GT(::recv(neighbour, buf, sizeof buf, 0), 0);
  const int crowded = Connect(server.port(), "127.0.0.1");
  ASSERT_TRUE(SendAll(crowded, ProxyV2("198.51.100.9", 40004) + probe));
  EXPECT_TRUE(ServerCloses(crowded, 3s));
  ::close(crowded);
  const int other = Connect(server.port(), "127.0.0.1");
  ASSERT_TRUE(SendAll(other, ProxyV2("203.0.113.5", 40005) + probe));
  EXPECT_GT(::recv(other, buf, sizeof buf, 0), 0) << "another network was refused";
  ::close(other);
  ::close(neighbour);
  for (int fd : held) ::close(fd);
}

TEST(ConnectionDefenceTest, AtTheCapTheOldestSilentConnectionMakesRoomForAStudent) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nmax_connections = 30\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  // Thirty sockets that never send a request, from many addresses: the cap is full.
  std::vector<int> flood;
  for (int i = 0; i < 30; ++i) {
    flood.push_back(Connect(server.port(), "127.0.9." + std::to_string(i + 1)));
    ASSERT_GE(flood.back(), 0);
  }
  // A student still gets in, and logs in; the oldest silent socket was closed for them.
  HttpClient student(server.port(), "127.0.10.1");
  EXPECT_EQ(student.Login("student0001", "student-demo").status, 200);
  EXPECT_TRUE(ServerCloses(flood.front(), 3s)) << "the oldest silent connection is still open";
  EXPECT_EQ(student.Get("/api/me").status, 200);
  const std::string m = student.Get("/metrics").body;
  EXPECT_GE(MetricValue(m, "pupitre_connections_evicted_total"), 1);
  for (int fd : flood) ::close(fd);
}

TEST(ConnectionDefenceTest, TheOperatorListenerAnswersWhenThePublicOneIsFull) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nops_listen = \"127.0.0.1:0\"\n"
                     "threads = 2\nmax_connections = 10\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n");
  ASSERT_TRUE(server.Start()) << server.log();
  // The operator's port is in the log.
  uint16_t ops_port = 0;
  const auto deadline = Clock::now() + 10s;
  const std::string marker = "/metrics) on http://127.0.0.1:";
  while (ops_port == 0 && Clock::now() < deadline) {
    const std::string log = server.log();
    const size_t at = log.find(marker);
    if (at != std::string::npos) ops_port = std::stoi(log.substr(at + marker.size()));
  }
  ASSERT_NE(ops_port, 0) << server.log();
  // Ten connections that each made a request (so none may be evicted) fill the public cap.
  std::vector<int> busy;
  char buf[512];
  for (int i = 0; i < 10; ++i) {
    busy.push_back(Connect(server.port(), "127.0.11." + std::to_string(i + 1)));
    ASSERT_TRUE(SendAll(busy.back(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_GT(::recv(busy.back(), buf, sizeof buf, 0), 0);
  }
  const int refused = Connect(server.port(), "127.0.12.1");
  EXPECT_TRUE(ServerCloses(refused, 3s)) << "the public cap did not hold";
  ::close(refused);
  HttpClient ops(ops_port);
  auto metrics = ops.Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_GE(MetricValue(metrics.body, "pupitre_connections_rejected_total"), 1);
  EXPECT_EQ(ops.Get("/readyz").status, 200);
  EXPECT_EQ(ops.Get("/").status, 404) << "the operator's listener serves pages";
  for (int fd : busy) ::close(fd);
}

}  // namespace
}  // namespace pupitre::testkit
