// The store conformance suite on PostgreSQL (a real server, started by this test process), and
// what only a server store has to show: it survives the server's restart and its crash.
#include <libpq-fe.h>
#include <unistd.h>

#include "conformance/store_backend_suite.h"
#include "store/postgres/pg_blob_store.h"
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

// Two nodes' blob stores on one PostgreSQL, each with its own disk: an upload goes on from
// either; a file stored by one is opened by the other, byte for byte.
TEST(PostgresBlobStoreTest, UploadsAndFilesAreSharedByNodesWithTheirOwnDisks) {
  testkit::PostgresServer* pg = testkit::SharedPostgres();
  ASSERT_NE(pg, nullptr);
  const std::string where = pg->CreateDatabase("blobs");
  ASSERT_TRUE(OpenPostgres(where).ok());  // the schema
  testkit::TempDir disk1, disk2;
  auto open = [&](const testkit::TempDir& d) {
    auto local = OpenDiskBlobStore(d.path());
    EXPECT_TRUE(local.ok());
    auto shared = OpenPostgresBlobStore(where, std::move(*local));
    EXPECT_TRUE(shared.ok()) << shared.error().message;
    return std::move(*shared);
  };
  auto one = open(disk1), two = open(disk2);

  std::string bytes(2'500'000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) % 256);
  auto id = one->CreateUpload(bytes.size());
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_EQ(*one->Append(*id, 0, bytes.substr(0, 1'000'000), bytes.size()), 1'000'000u);
  EXPECT_EQ(*two->UploadOffset(*id), 1'000'000u) << "the other node sees the durable length";
  auto stale = two->Append(*id, 0, "x", bytes.size());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().reason, "upload_offset");
  EXPECT_FALSE(two->Append(*id, 1'000'000, bytes.substr(1'000'000) + "!", bytes.size()).ok())
      << "never beyond the upload's length";
  ASSERT_EQ(*two->Append(*id, 1'000'000, bytes.substr(1'000'000), bytes.size()), bytes.size());
  auto ref = two->Adopt(*id);
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->size, bytes.size());
  EXPECT_EQ(one->UploadOffset(*id).error().code, ErrorCode::kNotFound) << "adopted: gone";

  auto opened = one->Open(ref->sha256);  // not on node 1's disk yet: fetched
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::string back((*opened)->size(), '\0');
  ASSERT_EQ(::pread((*opened)->fd(), back.data(), back.size(), 0),
            static_cast<ssize_t>(back.size()));
  EXPECT_TRUE(back == bytes);
  auto small = one->Put("a receipt");
  ASSERT_TRUE(small.ok());
  EXPECT_TRUE(two->Open(small->sha256).ok());
  EXPECT_EQ(two->Open(std::string(64, 'a')).error().code, ErrorCode::kNotFound);

  auto dropped = one->CreateUpload(10);
  ASSERT_TRUE(dropped.ok());
  ASSERT_TRUE(two->DropUpload(*dropped).ok());
  EXPECT_EQ(one->UploadOffset(*dropped).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace pupitre::store
