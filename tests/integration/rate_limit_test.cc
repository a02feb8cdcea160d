// Rate limits and the login defences, against the real binary. Clients come from several
// loopback addresses (127.0.0.2, 127.0.1.2, ...) as different machines would.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "testkit/child_server.h"
#include "testkit/haproxy.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"
#include "testkit/raw_socket.h"

#include <boost/beast/http/verb.hpp>

namespace pupitre::testkit {
namespace {

using namespace std::chrono_literals;

std::string LoginBody(const std::string& login, const std::string& password) {
  return R"({"login":")" + login + R"(","password":")" + password + R"("})";
}

double Metric(uint16_t port, const std::string& series) {
  HttpClient ops(port);
  return MetricValue(ops.Get("/metrics").body, series);
}

TEST(LoginThrottleTest, WrongPasswordsSlowDownThatAccountFromThatSubnetOnly) {
  TempDir dir;
  ChildServer server(dir.path(),
                     FastTestConfig() + "[limits]\nfailed_login_burst = 3\n"
                                        "failed_login_interval_s = 60\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient attacker(server.port(), "127.0.0.2");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(attacker.Login("student0001", "wrong-password").status, 401) << i;
  }
  auto refused = attacker.Login("student0001", "wrong-password");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.error_code(), "rate_limited");
  ASSERT_TRUE(refused.headers.count("retry-after"));
  EXPECT_GE(std::stoi(refused.headers["retry-after"]), 50);
  // Even the right password waits from that subnet: it is not even checked.
  EXPECT_EQ(HttpClient(server.port(), "127.0.0.3").Login("student0001", "student-demo").status,
            429);
  // The real student, on another network, is not locked out by the attacker.
  EXPECT_EQ(HttpClient(server.port(), "127.0.1.2").Login("student0001", "student-demo").status,
            200);
  // Another account from the attacker's address is not this account's business.
  EXPECT_EQ(attacker.Login("student0002", "student-demo").status, 200);
  EXPECT_EQ(Metric(server.port(), "pupitre_logins_throttled_total"), 2);
}

TEST(LoginThrottleTest, SprayingManyAccountsFromOneAddressMeetsTheAddressLimit) {
  TempDir dir;
  ChildServer server(dir.path(),
                     FastTestConfig() + "[limits]\nfailed_login_address_burst = 5\n"
                                        "failed_login_address_interval_s = 60\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient sprayer(server.port(), "127.0.0.9");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(sprayer.Login("student000" + std::to_string(i + 1), "password1").status, 401);
  }
  EXPECT_EQ(sprayer.Login("student0009", "password1").status, 429);
  EXPECT_EQ(HttpClient(server.port(), "127.0.0.10").Login("student0009", "student-demo").status,
            200)
      << "a neighbour's address is not punished";
}

TEST(LoginQueueTest, LoginsWhoseClientLeftAreNeverHashed) {
  TempDir dir;
  // One hashing thread and a costly hash (about a quarter of a second here): logins queue.
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "[auth]\nargon2_iterations = 12\nargon2_memory_kib = 19456\n"
                     "hashing_threads = 1\n",
                     /*demo=*/false);
  ASSERT_TRUE(server.Start()) << server.log();
  // Twenty clients send a login and give up at once, from twenty addresses.
  constexpr int kClients = 20;
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) {
    const int fd = ConnectLoopback(server.port(), "127.0.2." + std::to_string(i + 1));
    ASSERT_GE(fd, 0);
    const std::string body = LoginBody("nobody" + std::to_string(i), "a-wrong-password");
    ASSERT_TRUE(SendAll(fd, LoginRequestHeader(body.size()) + body));
    fds.push_back(fd);
  }
  for (int fd : fds) ::close(fd);
  // Every one of them leaves the queue, most without being hashed.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  double checked = 0, gone = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    HttpClient ops(server.port());
    const std::string m = ops.Get("/metrics").body;
    checked = MetricValue(m, R"(pupitre_login_queue_jobs_total{outcome="checked"})");
    gone = MetricValue(m, R"(pupitre_login_queue_jobs_total{outcome="gone"})");
    if (checked + gone >= kClients) break;
  }
  EXPECT_EQ(checked + gone, kClients) << "logins still queued after 60 s";
  EXPECT_GE(gone, kClients - 4) << "logins were hashed for clients that had gone: " << checked;
  // The queue is free again: a login that waits for its answer gets one.
  HttpClient late(server.port());
  EXPECT_EQ(late.Login("nobody", "a-wrong-password").status, 401);
}

TEST(RateLimitTest, AnonymousRequestsAreLimitedPerAddressAndLoggedInOnesPerAccount) {
  TempDir dir;
  ChildServer server(dir.path(),
                     FastTestConfig() + "[limits]\nanonymous_rate = 0.01\nanonymous_burst = 5\n"
                                        "anonymous_subnet_rate = 0.01\n"
                                        "anonymous_subnet_burst = 8\n"
                                        "account_rate = 0.01\naccount_burst = 6\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient a(server.port(), "127.0.3.1");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.Get("/").status, 200) << i;
  auto refused = a.Get("/");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.error_code(), "rate_limited");
  EXPECT_TRUE(refused.headers.count("retry-after"));
  // Its neighbours share the subnet's budget (8): three more, then refused.
  HttpClient b(server.port(), "127.0.3.2");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(b.Get("/").status, 200) << i;
  EXPECT_EQ(b.Get("/").status, 429);
  // Another subnet is not affected; health and metrics never are.
  EXPECT_EQ(HttpClient(server.port(), "127.0.4.1").Get("/").status, 200);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(a.Get("/healthz").status, 200);
  // Nor the page's static files (served from memory, asked for once a version by a browser): a
  // school behind one address opening the page at 9:00 asks for ten of them a student.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(a.Get("/static/core.js").status, 200) << i;
  // A logged-in student on the limited address is counted on their account, not the address;
  // logging in is not an anonymous request either.
  ASSERT_EQ(a.Login("student0001", "student-demo").status, 200);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a.Get("/api/me").status, 200) << i;
  EXPECT_EQ(a.Get("/api/me").status, 429);
  EXPECT_GE(Metric(server.port(), "pupitre_rate_limited_total"), 3);
}

TEST(RateLimitTest, AnonymousPagesWaitBehindEverythingLoggedIn) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient anonymous(server.port());
  ASSERT_EQ(anonymous.Get("/").status, 200);
  HttpClient student(server.port());
  ASSERT_EQ(student.Login("student0001", "student-demo").status, 200);
  ASSERT_EQ(student.Get("/").status, 200);
  const std::string m = HttpClient(server.port()).Get("/metrics").body;
  EXPECT_EQ(MetricValue(m, R"(pupitre_guard_admitted_total{class="background"})"), 1);
  EXPECT_EQ(MetricValue(m, R"(pupitre_guard_admitted_total{class="status"})"), 1);
}

}  // namespace
}  // namespace pupitre::testkit

namespace pupitre::testkit {
namespace {

// One wrong-password login on a new connection from 127.0.0.1, with `preamble` before it.
// Returns the status code ("" if the connection was closed without an answer).
std::string WrongLogin(uint16_t port, const std::string& preamble, const std::string& from = "") {
  const int fd = ConnectLoopback(port, from);
  if (fd < 0) return "connect failed";
  const std::string body = R"({"login":"student0001","password":"wrong-password"})";
  SendAll(fd, preamble + LoginRequestHeader(body.size()) + body);
  char buf[512];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  return n >= 12 ? std::string(buf + 9, 3) : "";
}

TEST(BehindAProxyTest, PROXYv2FromATrustedProxyNamesTheClient) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "trusted_proxies = [\"127.0.0.1\"]\nproxy_protocol = true\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n"
                     "[limits]\nfailed_login_address_burst = 2\n"
                     "failed_login_address_interval_s = 60\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  // Two failures from the client the proxy names, then that client waits...
  EXPECT_EQ(WrongLogin(server.port(), ProxyV2("198.51.100.7", 40000)), "401");
  EXPECT_EQ(WrongLogin(server.port(), ProxyV2("198.51.100.7", 40001)), "401");
  EXPECT_EQ(WrongLogin(server.port(), ProxyV2("198.51.100.7", 40002)), "429");
  // ... but not another client behind the same proxy.
  EXPECT_EQ(WrongLogin(server.port(), ProxyV2("203.0.113.9", 40003)), "401");
  // A trusted peer that does not speak PROXY v2 is cut off, not believed.
  EXPECT_EQ(WrongLogin(server.port(), ""), "");
  // Anyone else speaks plain HTTP, and is known by their own address.
  EXPECT_EQ(WrongLogin(server.port(), "", "127.0.0.2"), "401");
}

TEST(BehindAProxyTest, ARealHaproxyWithSendProxyV2GivesEachClientItsOwnLimits) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "trusted_proxies = [\"127.0.0.1\"]\nproxy_protocol = true\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n"
                     "[limits]\nfailed_login_address_burst = 2\n"
                     "failed_login_address_interval_s = 60\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  Haproxy proxy(dir.path(), server.port(), "send-proxy-v2");
  ASSERT_TRUE(proxy.Start()) << "haproxy did not start (scripts/install-deps.sh installs it):\n"
                             << proxy.log();
  // Two machines behind the proxy: 127.0.0.2 fails twice and waits; 127.0.0.3 does not.
  HttpClient a(proxy.port(), "127.0.0.2");
  EXPECT_EQ(a.Login("student0001", "wrong-password").status, 401);
  EXPECT_EQ(a.Login("student0001", "wrong-password").status, 401);
  EXPECT_EQ(a.Login("student0001", "wrong-password").status, 429);
  HttpClient b(proxy.port(), "127.0.0.3");
  EXPECT_EQ(b.Login("student0001", "student-demo").status, 200) << "a neighbour was punished";
  EXPECT_EQ(b.Get("/api/me").status, 200);
}

TEST(BehindAProxyTest, XForwardedForIsBelievedFromTrustedProxiesOnly) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "trusted_proxies = [\"127.0.0.1\"]\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n"
                     "[limits]\nanonymous_rate = 0.01\nanonymous_burst = 2\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  using boost::beast::http::verb;
  HttpClient proxy(server.port(), "127.0.0.1");
  auto get = [&](HttpClient& c, const std::string& xff) {
    return c.Send(verb::get, "/", "", {{"X-Forwarded-For", xff}}).status;
  };
  EXPECT_EQ(get(proxy, "198.51.100.7"), 200);
  EXPECT_EQ(get(proxy, "198.51.100.7"), 200);
  EXPECT_EQ(get(proxy, "198.51.100.7"), 429) << "the named client's budget";
  EXPECT_EQ(get(proxy, "203.0.113.9"), 200) << "another client behind the proxy";
  // A client writing the header itself changes nothing: it is not a trusted proxy.
  HttpClient liar(server.port(), "127.0.0.2");
  EXPECT_EQ(get(liar, "192.0.2.1"), 200);
  EXPECT_EQ(get(liar, "192.0.2.2"), 200);
  EXPECT_EQ(get(liar, "192.0.2.3"), 429);
}

}  // namespace
}  // namespace pupitre::testkit

namespace pupitre::testkit {
namespace {

TEST(LoginCsrfTest, ALoginIsJsonFromThisSiteOnlyAndTheCookieIsSecureWhenConfigured) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nsecure_cookies = true\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  using boost::beast::http::verb;
  const std::string body = R"({"login":"student0001","password":"student-demo"})";
  HttpClient c(server.port());
  // What a form on another site can send without a preflight: refused, whatever its body.
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x"}) {
    auto r = c.Send(verb::post, "/api/login", body, {{"Content-Type", type}});
    EXPECT_EQ(r.status, 400) << type << ": " << r.body;
    EXPECT_EQ(r.headers.count("set-cookie"), 0u) << type;
  }
  // JSON from another origin (a page elsewhere using fetch with CORS) is refused too.
  auto foreign = c.Send(verb::post, "/api/login", body,
                        {{"Origin", "https://evil.example"}, {"Host", "127.0.0.1"}});
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  // This site's own page: accepted, and the cookie is Secure.
  const std::string self = "127.0.0.1:" + std::to_string(server.port());
  auto ok = c.Send(verb::post, "/api/login", body,
                   {{"Origin", "http://" + self}, {"Host", self},
                    {"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.headers["set-cookie"].find("; Secure"), std::string::npos) << ok.headers["set-cookie"];
  EXPECT_NE(ok.headers["set-cookie"].find("HttpOnly"), std::string::npos);
}

}  // namespace
}  // namespace pupitre::testkit
