// Exam leases in PostgreSQL between two nodes sharing a store: one holder at a time, takeover
// only after expiry (or a release), and the fence: a node that lost an exam cannot write for it.
#include <gtest/gtest.h>

#include "store/postgres/postgres_store.h"
#include "testkit/postgres_server.h"

namespace pupitre::store {
namespace {

class ExamLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testkit::PostgresServer* pg = testkit::SharedPostgres();
    ASSERT_NE(pg, nullptr);
    const std::string where =
        pg->CreateDatabase(std::string("leases_") +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto a = OpenPostgres(where);
    auto b = OpenPostgres(where);
    ASSERT_TRUE(a.ok() && b.ok());
    a_ = std::move(*a);
    b_ = std::move(*b);
    // Leases are taken only on exams the store has.
    ASSERT_TRUE(Write(*a_, {op::PutExam{{"e1", "", 1, true, 0, false, 0, "toml", "{}"}},
                            op::PutExam{{"e2", "", 1, true, 0, false, 0, "toml", "{}"}}})
                    .ok());
    a_->leases()->FenceAs("node-a");
    b_->leases()->FenceAs("node-b");
  }
  static Status Write(Backend& node, std::vector<WriteOp> ops) { return node.ApplyBatch(ops); }

  std::unique_ptr<Backend> a_, b_;
};

TEST_F(ExamLeaseTest, OneHolderAtATimeAndTheTokenGrowsOnTakeover) {
  auto first = a_->leases()->Acquire("e1", "node-a", 10'000);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->holder, "node-a");
  EXPECT_GT(first->expires_ms, first->now_ms);
  auto refused = b_->leases()->Acquire("e1", "node-b", 10'000);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->holder, "node-a") << "a live lease is not taken";
  auto again = a_->leases()->Acquire("e1", "node-a", 10'000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->token, first->token) << "the holder extending its lease keeps the token";

  // Node A stops renewing: its lease runs out (a negative time: already past, no waiting).
  ASSERT_TRUE(a_->leases()->Acquire("e1", "node-a", -1'000).ok());
  auto taken = b_->leases()->Acquire("e1", "node-b", 10'000);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->holder, "node-b");
  EXPECT_EQ(taken->token, first->token + 1);
  EXPECT_EQ(taken->previous_holder, "node-a") << "the taker learns whose lease ran out";
  EXPECT_LE(taken->previous_expires_ms, taken->now_ms);
  auto renewed = a_->leases()->Renew("node-a", 10'000);
  ASSERT_TRUE(renewed.ok());
  EXPECT_TRUE(renewed->empty()) << "node A learns it lost e1";
}

TEST_F(ExamLeaseTest, ANodeWhoseLeaseWasTakenCannotWriteForThatExam) {
  ASSERT_TRUE(a_->leases()->Acquire("e1", "node-a", 10'000).ok());
  ASSERT_TRUE(Write(*a_, {op::CreateAttempt{10, "e1", 1, 7, 0, 9},
                          op::SaveAnswer{10, "q", 1, "\"a\"", 1}})
                  .ok());
  Status stranger = Write(*b_, {op::SaveAnswer{10, "q", 2, "\"b\"", 2}});
  ASSERT_FALSE(stranger.ok()) << "node B does not hold e1";
  EXPECT_EQ(stranger.error().code, ErrorCode::kUnavailable);

  ASSERT_TRUE(a_->leases()->Acquire("e1", "node-a", -1'000).ok());  // A's lease runs out
  ASSERT_TRUE(b_->leases()->Acquire("e1", "node-b", 10'000).ok());
  Status fenced = Write(*a_, {op::SaveAnswer{10, "q", 3, "\"late\"", 3}});
  ASSERT_FALSE(fenced.ok()) << "the old holder's write must be refused";
  EXPECT_NE(fenced.error().message.find("node-b"), std::string::npos) << fenced.error().message;
  ASSERT_TRUE(Write(*b_, {op::SaveAnswer{10, "q", 2, "\"b\"", 2}}).ok());

  // Writes for no exam, and an exam no node holds yet (a new import), still pass; an attempt
  // of an exam this node has not taken, or one the store does not know, does not.
  ASSERT_TRUE(Write(*a_, {op::PutSetting{"k", "v"},
                          op::PutExam{{"e3", "", 1, false, 0, false, 0, "toml", "{}"}}})
                  .ok());
  EXPECT_FALSE(Write(*a_, {op::CreateAttempt{11, "e2", 1, 7, 0, 9}}).ok())
      << "an attempt of an exam nobody took";
  EXPECT_FALSE(Write(*a_, {op::SaveAnswer{999, "q", 1, "\"x\"", 1}}).ok())
      << "an answer to an attempt the store does not have";
  auto s = b_->Load(Scope::Exam("e1"));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_EQ(s->attempts[0].answers.at("q").value_json, "\"b\"");
}

TEST_F(ExamLeaseTest, AnExamTheStoreDoesNotHaveIsNotLeased) {
  auto made_up = a_->leases()->Acquire("no-such-exam", "node-a", 10'000);
  ASSERT_FALSE(made_up.ok());
  EXPECT_EQ(made_up.error().code, ErrorCode::kNotFound);
  auto all = a_->leases()->List();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty()) << "a made-up exam id leaves no lease row behind";
}

TEST_F(ExamLeaseTest, AHolderAskedForItsExamReleasesItAndTheOtherTakesItAtOnce) {
  ASSERT_TRUE(a_->leases()->Acquire("e2", "node-a", 10'000).ok());
  ASSERT_TRUE(b_->leases()->Want("e2", "node-b").ok());
  auto mine = a_->leases()->Renew("node-a", 10'000);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].wanted_by, "node-b") << "the holder hears that another node wants it";
  ASSERT_TRUE(a_->leases()->Release("e2", "node-a").ok());
  auto taken = b_->leases()->Acquire("e2", "node-b", 10'000);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->holder, "node-b") << "a released exam is taken without waiting for expiry";
  EXPECT_EQ(taken->wanted_by, "");
  auto all = a_->leases()->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].holder, "node-b");
}

}  // namespace
}  // namespace pupitre::store
