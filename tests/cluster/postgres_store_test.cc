// The store conformance suite on PostgreSQL (a real server, started by this test process), and
// what only a server store has to show: it survives the server's restart and its crash.
#include <libpq-fe.h>

#include "conformance/store_backend_suite.h"
#include "store/postgres/postgres_store.h"
#include "testkit/postgres_server.h"

namespace pupitre::store {
namespace {

// One database per store directory: the same directory twice is the same store.
Result<std::unique_ptr<Backend>> OpenOnShared(const std::string& dir) {
  testkit::PostgresServer* pg = testkit::SharedPostgres();
  if (!pg) return Error::Unavailable("PostgreSQL did not start");
  return OpenPostgres(pg->CreateDatabase(dir.substr(dir.rfind('/') + 1)));
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendConformanceTest,
                         ::testing::Values(BackendKind{"postgres", OpenOnShared}),
                         [](const auto& info) { return info.param.name; });

TEST(PostgresStoreTest, AFailedConnectionIsNamedAndTheServerBackIsUsedAgain) {
  testkit::PostgresServer pg;
  ASSERT_TRUE(pg.Start()) << pg.log();
  auto b = OpenPostgres(pg.CreateDatabase("restart"));
  ASSERT_TRUE(b.ok()) << b.error().message;
  Backend& backend = **b;
  ASSERT_TRUE(backend.ApplyBatch(std::vector<WriteOp>{op::PutSetting{"before", "1"}}).ok());

  pg.Kill();  // a crash: what was committed must come back from its WAL
  Status down = backend.ApplyBatch(std::vector<WriteOp>{op::PutSetting{"during", "1"}});
  ASSERT_FALSE(down.ok()) << "a write with no server cannot be acknowledged";

  ASSERT_TRUE(pg.Start()) << pg.log();
  Status back = backend.ApplyBatch(std::vector<WriteOp>{op::PutSetting{"after", "1"}});
  ASSERT_TRUE(back.ok()) << "the backend connects again: " << back.error().message;
  auto s = backend.LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->settings.count("before"), 1u) << "a committed write survives the crash";
  EXPECT_EQ(s->settings.count("during"), 0u);
  EXPECT_EQ(s->settings.count("after"), 1u);
}

TEST(PostgresStoreTest, NoServerIsAClearError) {
  testkit::TempDir nowhere;
  auto b = OpenPostgres("host=" + nowhere.path() + " port=5432 user=pupitre dbname=none");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("cannot connect"), std::string::npos) << b.error().message;
}

TEST(PostgresStoreTest, ASchemaNewerThanThisProgramIsRefused) {
  testkit::PostgresServer* pg = testkit::SharedPostgres();
  ASSERT_NE(pg, nullptr);
  const std::string where = pg->CreateDatabase("newer");
  ASSERT_TRUE(OpenPostgres(where).ok());
  PGconn* c = PQconnectdb(where.c_str());
  PQclear(PQexec(c, "UPDATE pupitre_schema SET version = version + 1"));
  PQfinish(c);
  auto b = OpenPostgres(where);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("newer than this program"), std::string::npos)
      << b.error().message;
}

TEST(PostgresStoreTest, NodesStartingTogetherMigrateOnce) {
  testkit::PostgresServer* pg = testkit::SharedPostgres();
  ASSERT_NE(pg, nullptr);
  const std::string where = pg->CreateDatabase("together");
  std::vector<std::thread> nodes;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i) {
    nodes.emplace_back([&] {
      if (OpenPostgres(where).ok()) opened.fetch_add(1);
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(opened.load(), 4) << "every node opened the store (one migrated, the others waited)";
}

// The change log gives each change once, in a window that only closes over transactions that
// have ended: a transaction that began first but commits last is not skipped.
TEST(PostgresStoreTest, TheChangeLogGivesEachChangeOnceWhateverOrderTransactionsCommitIn) {
  testkit::PostgresServer* pg = testkit::SharedPostgres();
  ASSERT_NE(pg, nullptr);
  const std::string where = pg->CreateDatabase("change_log");
  auto b = OpenPostgres(where);
  ASSERT_TRUE(b.ok()) << b.error().message;
  Backend& backend = **b;
  ChangeLog* log = backend.change_log();
  ASSERT_NE(log, nullptr);
  auto mark = log->Mark();
  ASSERT_TRUE(mark.ok()) << mark.error().message;

  // A slow transaction of "another node" takes its id first and stays open.
  PGconn* slow = PQconnectdb(where.c_str());
  ASSERT_EQ(PQstatus(slow), CONNECTION_OK);
  PQclear(PQexec(slow, "BEGIN"));
  {
    PGresult* r = PQexec(slow, "INSERT INTO changes(kind, key) VALUES (1, '41')");
    ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
    PQclear(r);
  }
  // This node's batch commits after it began, before it ends.
  ASSERT_TRUE(backend.ApplyBatch(std::vector<WriteOp>{op::PutSetting{"k", "v"},
                                                      op::SaveAnswer{1, "q", 1, "1", 1}})
                  .ok());
  auto first = log->Since(*mark, std::chrono::milliseconds(0));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->keys.empty())
      << "the window waits for the open transaction, which may still commit changes";

  PQclear(PQexec(slow, "COMMIT"));
  PQfinish(slow);
  auto second = log->Since(first->next, std::chrono::milliseconds(0));
  ASSERT_TRUE(second.ok()) << second.error().message;
  std::vector<ChangeKey> got = second->keys;
  Dedupe(got);
  const std::vector<ChangeKey> want{{ChangeKind::kUser, "41"}, {ChangeKind::kSetting, "k"}};
  EXPECT_EQ(got, want) << "both, and no save: exam data is not in the log";
  auto third = log->Since(second->next, std::chrono::milliseconds(0));
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->keys.empty()) << "each change once";

  // A later batch, in the next window.
  ASSERT_TRUE(backend.ApplyBatch(std::vector<WriteOp>{op::PutCourse{{"c9", "Nine", ""}}}).ok());
  auto fourth = log->Since(third->next, std::chrono::milliseconds(0));
  ASSERT_TRUE(fourth.ok());
  ASSERT_EQ(fourth->keys.size(), 1u);
  EXPECT_EQ(fourth->keys[0].key, "c9");
}

}  // namespace
}  // namespace pupitre::store
