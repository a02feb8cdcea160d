// Three nodes on one PostgreSQL behind HAProxy (its configuration from deploy/haproxy-cfg.sh):
// students take two exams held by two nodes, every call through HAProxy; the node holding one
// of them is killed mid-exam; another takes it once the lease runs out, and every answer the
// students were told was saved is there; they finish.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"
#include "testkit/haproxy.h"
#include "testkit/poll.h"
#include "testkit/postgres_server.h"

namespace pupitre::testkit {
namespace {

using Clock = std::chrono::steady_clock;

// The command's standard output.
std::string Output(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

class ClusterTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 3;

  void SetUp() override {
    PostgresServer* pg = SharedPostgres();
    ASSERT_NE(pg, nullptr);
    db_ = pg->CreateDatabase(std::string("cluster_") +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string servers;
    for (int i = 0; i < kNodes; ++i) {
      const std::string name = "n" + std::to_string(i + 1);
      const std::string dir = dir_.path() + "/" + name;
      std::filesystem::create_directories(dir);
      // The first node seeds the demo data into the store; the others start on it.
      nodes_.push_back(std::make_unique<ChildServer>(dir, NodeConfig(name), /*demo=*/i == 0));
      ASSERT_TRUE(nodes_.back()->Start()) << nodes_.back()->log();
      servers += fmt::format(" {}=127.0.0.1:{}", name, nodes_.back()->port());
    }
    const std::string cfg =
        Output(fmt::format("bash {}/deploy/haproxy-cfg.sh --bind fd@3 --maxconn 4000{}", PUPITRE_SOURCE_DIR, servers));
    ASSERT_NE(cfg.find("backend by_exam"), std::string::npos) << cfg;
    proxy_ = std::make_unique<Haproxy>(dir_.path(), cfg);
    ASSERT_TRUE(proxy_->Start()) << proxy_->log();
  }

  std::string NodeConfig(const std::string& name) const {
    return fmt::format(
        "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nshutdown_grace_ms = 5000\n"
        "trusted_proxies = [\"127.0.0.1\"]\nproxy_protocol = true\n"
        "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n"
        "[store]\nbackend = \"postgres\"\npostgres = \"{}\"\n"
        "[cluster]\nnode = \"{}\"\nlease_ms = 2000\n"
        "[exam]\noutage_min_seconds = 1\n{}",
        db_, name, Extra());
  }
  // More configuration for every node.
  virtual std::string Extra() const { return ""; }

  // exam id -> the node (n1, n2, n3) holding it, from the store.
  std::map<std::string, std::string> Holders() const { return ExamHolders(db_); }

  // Sends until an answer other than a 503 or no answer (a node moving or gone), for at most
  // `limit`, a tenth of a second apart (as a page honouring Retry-After, faster: a page waits
  // the second it is told; hammering would meet the rate limits); returns the last answer.
  static HttpResult Patiently(const std::function<HttpResult()>& call,
                              std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto end = Clock::now() + limit;
    HttpResult r;
    do {
      r = call();
      if (r.status != 0 && r.status != 503) return r;
      PollPause(std::chrono::milliseconds(100));
    } while (Clock::now() < end);
    return r;
  }

  TempDir dir_;
  std::string db_;
  std::vector<std::unique_ptr<ChildServer>> nodes_;
  std::unique_ptr<Haproxy> proxy_;
};

TEST_F(ClusterTest, StudentsOnTwoNodesFinishTheirExamsAfterOneNodeDies) {
  HttpClient teacher(proxy_->port());
  auto login = Patiently([&] { return teacher.Login("teacher", "teacher-demo"); });
  ASSERT_EQ(login.status, 200) << login.body << "\nHAProxy:\n" << proxy_->log() << "\nn1:\n"
                               << nodes_[0]->log();
  // Exams until two are held by different nodes (the hash decides where each goes).
  std::map<std::string, std::string> holders;
  std::string exam_a, exam_b;
  for (int i = 0; i < 12 && exam_b.empty(); ++i) {
    const std::string id = "cluster-exam-" + std::to_string(i);
    auto imported = Patiently([&] { return teacher.Post("/api/exams", TestExamToml(id)); });
    ASSERT_EQ(imported.status, 201) << imported.body;
    auto published = Patiently([&] { return teacher.Post("/api/exams/" + id + "/publish"); });
    ASSERT_EQ(published.status, 200) << published.body;
    holders = Holders();
    ASSERT_TRUE(holders.count(id)) << "publishing through HAProxy made a node take " << id;
    if (exam_a.empty()) {
      exam_a = id;
    } else if (holders[id] != holders[exam_a]) {
      exam_b = id;
    }
  }
  ASSERT_FALSE(exam_b.empty()) << "every exam landed on one node";

  constexpr int kPerExam = 6;
  constexpr int kSaves = 12;
  struct Student {
    std::unique_ptr<HttpClient> client;
    std::string exam;
    int64_t attempt = 0;
    int64_t acked = 0;  // the last seq the server acknowledged
  };
  std::vector<Student> students;
  for (int i = 0; i < 2 * kPerExam; ++i) {
    Student s{std::make_unique<HttpClient>(proxy_->port()), i < kPerExam ? exam_a : exam_b, 0, 0};
    ASSERT_EQ(s.client->Login(StudentLogin(i + 1), "student-demo").status, 200);
    auto started = Patiently([&] { return s.client->Post("/api/exams/" + s.exam + "/start"); });
    ASSERT_EQ(started.status, 200) << started.body;
    s.attempt = started.json().at("attempt").at("id").as_int64();
    students.push_back(std::move(s));
  }
  auto save = [&](Student& s, int64_t seq) {
    return Patiently([&] {
      return s.client->Put(fmt::format("/api/attempts/{}/answers/short?exam={}", s.attempt, s.exam),
                           fmt::format(R"({{"seq":{},"value":"answer {}"}})", seq, seq));
    });
  };
  for (auto& s : students) {
    for (int64_t seq = 1; seq <= kSaves / 2; ++seq) {
      auto r = save(s, seq);
      ASSERT_EQ(r.status, 200) << r.body;
      s.acked = seq;
    }
  }

  // The node holding exam A dies; HAProxy sends A elsewhere; the students go on saving.
  const std::string dead = Holders()[exam_a];
  const std::string survivor = Holders()[exam_b];
  nodes_[dead[1] - '1']->Stop(SIGKILL);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (auto& s : students) {
    threads.emplace_back([&] {
      for (int64_t seq = s.acked + 1; seq <= kSaves; ++seq) {
        if (save(s, seq).status != 200) {
          failed.fetch_add(1);
          return;
        }
        s.acked = seq;
      }
      auto done = Patiently([&] {
        return s.client->Post(fmt::format("/api/attempts/{}/submit?exam={}", s.attempt, s.exam));
      });
      if (done.status != 200) failed.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0) << "students could not finish after the node died";
  const auto after = Holders();
  ASSERT_TRUE(after.count(exam_a));
  EXPECT_NE(after.at(exam_a), dead) << "another node took the dead node's exam";
  EXPECT_EQ(after.at(exam_b), survivor) << "the other exam did not move";
  // The operator sees it from any node: which node holds which exam.
  HttpClient admin(proxy_->port());
  ASSERT_EQ(Patiently([&] { return admin.Login("admin", "admin-demo"); }).status, 200);
  auto view = Patiently([&] { return admin.Get("/api/admin/cluster"); });
  ASSERT_EQ(view.status, 200) << view.body;
  const boost::json::value cluster = view.json();
  EXPECT_TRUE(cluster.at("clustered").as_bool());
  bool listed = false;
  for (const auto& l : cluster.at("leases").as_array()) {
    if (l.at("exam_id").as_string() != exam_a) continue;
    listed = true;
    const std::string holder(l.at("holder").as_string());
    EXPECT_EQ(holder.substr(0, holder.find('/')), after.at(exam_a));
    EXPECT_GE(l.at("token").as_int64(), 2) << "taken over once at least";
  }
  EXPECT_TRUE(listed) << view.body;

  // Every acknowledged answer is there, at its latest value, and every attempt is submitted.
  for (const std::string& exam : {exam_a, exam_b}) {
    auto all = Patiently([&] { return teacher.Get("/api/exams/" + exam + "/attempts"); });
    ASSERT_EQ(all.status, 200) << all.body;
    const boost::json::value body = all.json();
    std::map<int64_t, const boost::json::value*> by_id;
    for (const auto& a : body.at("attempts").as_array()) by_id[a.at("id").as_int64()] = &a;
    for (const auto& s : students) {
      if (s.exam != exam) continue;
      ASSERT_TRUE(by_id.count(s.attempt)) << "attempt " << s.attempt << " lost";
      const auto& a = *by_id[s.attempt];
      EXPECT_EQ(a.at("status").as_string(), "submitted");
      EXPECT_EQ(a.at("answers").at("short").at("seq").as_int64(), kSaves)
          << "attempt " << s.attempt << " of " << exam;
      // The students of the dead node's exam waited for the takeover: that time was given back.
      auto mine = s.client->Get(fmt::format("/api/attempts/{}?exam={}", s.attempt, s.exam));
      ASSERT_EQ(mine.status, 200) << mine.body;
      const auto given = mine.json().at("attempt").at("compensations").as_array().size();
      EXPECT_EQ(given, exam == exam_a ? 1u : 0u)
          << "attempt " << s.attempt << " of " << exam << ": " << mine.body << "\n"
          << nodes_[0]->log() << nodes_[1]->log() << nodes_[2]->log();
    }
  }
}

class ClusterRoomTest : public ClusterTest {
 protected:
  // Admission at one student a second; rooms taken over stay shut 3 s for those coming back.
  std::string Extra() const override {
    return "[waiting_room]\ninitial_rate = 1\nmin_rate = 1\nmax_rate = 1\nrestore_ms = 3000\n";
  }
};

TEST_F(ClusterRoomTest, AWaitingRoomIsRebuiltInItsOldOrderOnTheNodeThatTakesTheExam) {
  HttpClient teacher(proxy_->port()), op(proxy_->port());
  ASSERT_EQ(Patiently([&] { return teacher.Login("teacher", "teacher-demo"); }).status, 200);
  ASSERT_EQ(Patiently([&] { return op.Login("admin", "admin-demo"); }).status, 200);
  const std::string exam = "room-exam";
  ASSERT_EQ(Patiently([&] { return teacher.Post("/api/exams", TestExamToml(exam)); }).status, 201);
  ASSERT_EQ(Patiently([&] { return teacher.Post("/api/exams/" + exam + "/publish"); }).status, 200);
  // The operator pauses admission (through HAProxy: to the exam's node); four students queue.
  auto paused = Patiently(
      [&] { return op.Put("/api/admin/exams/" + exam + "/admission", R"({"paused":true})"); });
  ASSERT_EQ(paused.status, 200) << paused.body;
  const std::string holder = Holders()[exam];
  ASSERT_FALSE(holder.empty());
  struct Waiting {
    std::unique_ptr<HttpClient> client;
    std::string ticket;
    int64_t number = 0;
    int64_t attempt = 0;
  };
  std::vector<Waiting> queue(4);
  for (size_t i = 0; i < queue.size(); ++i) {
    queue[i].client = std::make_unique<HttpClient>(proxy_->port());
    ASSERT_EQ(queue[i].client->Login(StudentLogin(static_cast<int>(i) + 1), "student-demo").status,
              200);
    auto r = Patiently([&] { return queue[i].client->Post("/api/exams/" + exam + "/start"); });
    ASSERT_EQ(r.status, 202) << r.body;
    queue[i].ticket = std::string(r.json().at("waiting").at("ticket").as_string());
    queue[i].number = r.json().at("waiting").at("ticket_number").as_int64();
    EXPECT_EQ(queue[i].number, static_cast<int64_t>(i) + 1);
  }

  // Their node dies. They come back in the reverse order, each with their ticket, after a
  // newcomer; the node that takes the exam puts them back in their old places.
  nodes_[holder[1] - '1']->Stop(SIGKILL);
  auto back = [&](HttpClient& c, const std::string& ticket) {
    std::map<std::string, std::string> headers;
    if (!ticket.empty()) headers["X-Waiting-Ticket"] = ticket;
    return Patiently([&] {
      return c.Send(boost::beast::http::verb::post, "/api/exams/" + exam + "/start", "{}",
                    headers);
    });
  };
  Waiting newcomer;
  newcomer.client = std::make_unique<HttpClient>(proxy_->port());
  ASSERT_EQ(Patiently([&] { return newcomer.client->Login(StudentLogin(9), "student-demo"); })
                .status,
            200);
  auto fresh = back(*newcomer.client, "");
  ASSERT_EQ(fresh.status, 202) << fresh.body;
  EXPECT_TRUE(fresh.json().at("waiting").at("restoring").as_bool()) << fresh.body;
  newcomer.ticket = std::string(fresh.json().at("waiting").at("ticket").as_string());
  EXPECT_NE(Holders()[exam], holder) << "another node took the exam";
  for (size_t i = queue.size(); i-- > 0;) {
    auto r = back(*queue[i].client, queue[i].ticket);
    ASSERT_EQ(r.status, 202) << r.body;
    queue[i].ticket = std::string(r.json().at("waiting").at("ticket").as_string());
  }
  // The operator's pause, set on the dead node, holds on the new one; they lift it.
  auto still = Patiently([&] { return op.Get("/api/admin/exams/" + exam + "/admission"); });
  ASSERT_EQ(still.status, 200) << still.body;
  EXPECT_TRUE(still.json().at("paused").as_bool()) << "the failover lifted the operator's pause";
  ASSERT_EQ(Patiently([&] {
              return op.Put("/api/admin/exams/" + exam + "/admission", R"({"paused":false})");
            }).status,
            200);

  queue.push_back(std::move(newcomer));
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  size_t admitted = 0;
  while (admitted < queue.size() && Clock::now() < deadline) {
    for (auto& w : queue) {
      if (w.attempt != 0) continue;
      auto r = w.client->Send(boost::beast::http::verb::get, "/api/exams/" + exam + "/waiting-room",
                              "", {{"X-Waiting-Ticket", w.ticket}});
      if (r.status != 200) continue;
      const boost::json::value body = r.json();
      const auto& state = body.at("waiting");
      if (state.at("admitted").as_bool() && state.as_object().contains("attempt_id")) {
        w.attempt = state.at("attempt_id").as_int64();
        ++admitted;
      }
    }
    PollPause(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(admitted, queue.size()) << "not everyone got in";
  // The old order first (tickets 1 to 4), then the newcomer.
  for (size_t i = 1; i < queue.size(); ++i) {
    EXPECT_LT(queue[i - 1].attempt, queue[i].attempt)
        << "the student of place " << i + 1 << " got in before the one of place " << i;
  }
}

}  // namespace
}  // namespace pupitre::testkit
