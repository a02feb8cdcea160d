#include "store/writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testkit/controlled_backend.h"

namespace pupitre::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr auto kWait = std::chrono::seconds(10);  // a bound on every wait, never a sleep

// A write that the fake backend can tell apart: a SaveAnswer whose attempt id is `n`.
WriteOp Op(int64_t n) { return op::SaveAnswer{n, "q", 1, "null", 0}; }

int64_t IdOf(const WriteOp& op) {
  if (const auto* s = std::get_if<op::SaveAnswer>(&op)) return s->attempt_id;
  return -1;
}

// The testkit's backend in memory, read in the ids of these tests' writes: a batch holding a
// "bad" write fails as a whole and commits nothing; the first batch can be held until released.
class FakeBackend {
 public:
  FakeBackend() {
    backend_.FailWhen([this](const WriteOp& op) {
      std::lock_guard lock(mu_);
      const int64_t id = IdOf(op);
      return bad_.count(id) ? "write " + std::to_string(id) + " is bad" : std::string();
    });
  }
  operator Backend&() { return backend_; }  // NOLINT: used where a Backend is

  // REQUIRES: called before the first write.
  void HoldFirstBatch() { entered_ = backend_.HoldNextBatch(); }
  // Waits until the held first batch is inside ApplyBatch.
  bool WaitEntered() { return entered_.wait_for(kWait) == std::future_status::ready; }
  void Release() { backend_.Release(); }
  void MarkBad(int64_t id) {
    std::lock_guard lock(mu_);
    bad_.insert(id);
  }
  bool Committed(int64_t id) const {
    return backend_.Committed([id](const WriteOp& op) { return IdOf(op) == id; });
  }
  std::vector<std::vector<int64_t>> batches() const {
    std::vector<std::vector<int64_t>> out;
    for (const auto& batch : backend_.batches()) {
      out.emplace_back();
      for (const auto& op : batch) out.back().push_back(IdOf(op));
    }
    return out;
  }

 private:
  testkit::ControlledBackend backend_;
  mutable std::mutex mu_;
  std::set<int64_t> bad_;
  std::future<void> entered_;
};

// What the completions saw, in the order they ran.
class Completions {
 public:
  Writer::Done For(int64_t id) {
    return [this, id](const Status& s) {
      std::lock_guard lock(mu_);
      order_.push_back(id);
      if (!s.ok()) errors_[id] = s.error();
      committed_when_done_[id] = backend_ ? backend_->Committed(id) : false;
    };
  }
  void Watch(const FakeBackend* b) { backend_ = b; }
  std::vector<int64_t> order() const {
    std::lock_guard lock(mu_);
    return order_;
  }
  std::map<int64_t, Error> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }
  std::map<int64_t, bool> committed_when_done() const {
    std::lock_guard lock(mu_);
    return committed_when_done_;
  }

 private:
  mutable std::mutex mu_;
  const FakeBackend* backend_ = nullptr;
  std::vector<int64_t> order_;
  std::map<int64_t, Error> errors_;
  std::map<int64_t, bool> committed_when_done_;
};

TEST(WriterTest, CompletionRunsOnlyAfterItsBatchCommitted) {
  FakeBackend backend;
  Metrics metrics;
  Completions done;
  done.Watch(&backend);
  {
    Writer writer(backend, metrics, 16, 1000);
    for (int64_t i = 1; i <= 50; ++i) ASSERT_TRUE(writer.Submit(Op(i), done.For(i)).ok());
    writer.Stop();
  }
  std::vector<int64_t> expected;
  for (int64_t i = 1; i <= 50; ++i) expected.push_back(i);
  EXPECT_EQ(done.order(), expected) << "completions must run once each, in submission order";
  for (const auto& [id, committed] : done.committed_when_done()) {
    EXPECT_TRUE(committed) << "write " << id << " was acknowledged before ApplyBatch returned";
  }
  EXPECT_TRUE(done.errors().empty());
  size_t total = 0;
  for (const auto& b : backend.batches()) {
    EXPECT_LE(b.size(), 16u) << "a batch must not exceed max_batch";
    total += b.size();
  }
  EXPECT_EQ(total, 50u);
}

TEST(WriterTest, WritesQueuedDuringACommitGoInTheNextBatch) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 1000, 1000);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  for (int64_t i = 1; i <= 100; ++i) ASSERT_TRUE(writer.Submit(Op(i), done.For(i)).ok());
  EXPECT_EQ(metrics.writer_queue_depth.load(), 100);
  backend.Release();
  writer.Stop();

  auto batches = backend.batches();
  ASSERT_EQ(batches.size(), 2u) << "the 100 writes queued during a commit must share one batch";
  EXPECT_THAT(batches[0], ElementsAre(0));
  EXPECT_EQ(batches[1].size(), 100u);
  EXPECT_EQ(done.order().size(), 101u);
  EXPECT_EQ(metrics.writer_batch_size.count(), 2u);
  EXPECT_EQ(metrics.writer_queue_depth.load(), 0);
}

TEST(WriterTest, BatchesAreCutAtMaxBatch) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 30, 1000);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  for (int64_t i = 1; i <= 100; ++i) ASSERT_TRUE(writer.Submit(Op(i), done.For(i)).ok());
  backend.Release();
  writer.Stop();

  std::vector<size_t> sizes;
  for (const auto& b : backend.batches()) sizes.push_back(b.size());
  EXPECT_THAT(sizes, ElementsAre(1, 30, 30, 30, 10));
  EXPECT_EQ(done.order().size(), 101u);
}

TEST(WriterTest, FailedBatchIsRetriedOneByOneAndOnlyTheBadWriteFails) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  backend.MarkBad(3);
  Metrics metrics;
  Completions done;
  done.Watch(&backend);
  Writer writer(backend, metrics, 1000, 1000);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  for (int64_t i = 1; i <= 5; ++i) ASSERT_TRUE(writer.Submit(Op(i), done.For(i)).ok());
  backend.Release();
  writer.Stop();

  auto batches = backend.batches();
  ASSERT_EQ(batches.size(), 7u) << "held batch, failed batch of 5, then 5 single retries";
  EXPECT_THAT(batches[1], ElementsAre(1, 2, 3, 4, 5));
  for (size_t i = 2; i < batches.size(); ++i) EXPECT_EQ(batches[i].size(), 1u);

  auto errors = done.errors();
  ASSERT_EQ(errors.size(), 1u) << "only the bad write may see an error";
  ASSERT_TRUE(errors.count(3));
  EXPECT_EQ(errors.at(3).code, ErrorCode::kInternal);
  EXPECT_THAT(errors.at(3).message, HasSubstr("write 3 is bad"));
  EXPECT_EQ(done.order(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  for (int64_t id : {1, 2, 4, 5}) {
    EXPECT_TRUE(backend.Committed(id)) << "good write " << id << " must be committed";
    EXPECT_TRUE(done.committed_when_done().at(id));
  }
  EXPECT_FALSE(backend.Committed(3));
  EXPECT_EQ(metrics.writer_failures.load(), 1u);
}

TEST(WriterTest, FullQueueIsRefusedWithoutCallingDone) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 1000, 2);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());  // write 0 has left the queue
  ASSERT_TRUE(writer.Submit(Op(1), done.For(1)).ok());
  ASSERT_TRUE(writer.Submit(Op(2), done.For(2)).ok());
  Status refused = writer.Submit(Op(3), done.For(3));
  ASSERT_FALSE(refused.ok()) << "a third write waiting exceeds a capacity of 2";
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(metrics.writer_rejected.load(), 1u);
  backend.Release();
  writer.Stop();

  EXPECT_EQ(done.order(), (std::vector<int64_t>{0, 1, 2})) << "a refused write's done must not run";
  EXPECT_FALSE(backend.Committed(3));
}

TEST(WriterTest, SavesHaveAReserveThatOtherWritesCannotTake) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 1000, /*queue_capacity=*/2, /*critical_reserve=*/2);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  const WriteOp other = op::SetManualGrade{9, "q", 1.0};
  ASSERT_TRUE(writer.Submit(other, [](const Status&) {}).ok());
  ASSERT_TRUE(writer.Submit(other, [](const Status&) {}).ok());
  EXPECT_FALSE(writer.Submit(other, [](const Status&) {}).ok()) << "past the capacity";
  // Saves still fit, in the reserve, and only there.
  EXPECT_TRUE(writer.Submit(Op(1), done.For(1)).ok());
  EXPECT_TRUE(writer.Submit(Op(2), done.For(2)).ok());
  EXPECT_FALSE(writer.Submit(Op(3), done.For(3)).ok()) << "past the reserve";
  backend.Release();
  writer.Stop();
  EXPECT_EQ(done.order(), (std::vector<int64_t>{0, 1, 2}));
}

TEST(WriterTest, StopDrainsQueuedWritesAndRefusesNewOnes) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 4, 100'000);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  for (int64_t i = 1; i <= 10; ++i) ASSERT_TRUE(writer.Submit(Op(i), done.For(i)).ok());

  auto stopped = std::async(std::launch::async, [&] { writer.Stop(); });
  // Stop is under way once Submit starts refusing; writes accepted until then must be kept too.
  int64_t next = 11;
  const auto give_up = std::chrono::steady_clock::now() + kWait;
  for (;;) {
    Status s = writer.Submit(Op(next), done.For(next));
    if (!s.ok()) {
      EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
      break;
    }
    ++next;
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "Stop never started refusing";
    std::this_thread::yield();
  }
  backend.Release();
  ASSERT_EQ(stopped.wait_for(kWait), std::future_status::ready);

  std::vector<int64_t> expected;
  for (int64_t i = 0; i < next; ++i) expected.push_back(i);
  EXPECT_EQ(done.order(), expected) << "Stop must commit every write queued before it";
  for (int64_t i = 0; i < next; ++i) EXPECT_TRUE(backend.Committed(i)) << "write " << i;
  EXPECT_FALSE(backend.Committed(next));

  Status after = writer.Submit(Op(999), done.For(999));
  EXPECT_FALSE(after.ok());
  writer.Stop();  // idempotent
}

TEST(WriterTest, ConcurrentStopsBothReturnAfterTheDrain) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 4, 1000);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  for (int64_t i = 1; i <= 5; ++i) ASSERT_TRUE(writer.Submit(Op(i), done.For(i)).ok());
  std::promise<void> a_started, b_started;
  auto a = std::async(std::launch::async, [&] {
    a_started.set_value();
    writer.Stop();
    return done.order().size();
  });
  auto b = std::async(std::launch::async, [&] {
    b_started.set_value();
    writer.Stop();
    return done.order().size();
  });
  a_started.get_future().wait();
  b_started.get_future().wait();
  // Both Stop calls are racing towards the join while the writer is held.
  for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  backend.Release();
  ASSERT_EQ(a.wait_for(kWait), std::future_status::ready);
  ASSERT_EQ(b.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(a.get(), 6u) << "a Stop call returned before everything queued was committed";
  EXPECT_EQ(b.get(), 6u) << "a Stop call returned before everything queued was committed";
}

TEST(WriterTest, WriteNowReturnsOnceCommitted) {
  FakeBackend backend;
  Metrics metrics;
  Writer writer(backend, metrics, 1000, 1000);
  Status s = writer.WriteNow({Op(1), Op(2), Op(3)});
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (int64_t id : {1, 2, 3}) EXPECT_TRUE(backend.Committed(id)) << "write " << id;
  EXPECT_TRUE(writer.WriteNow({}).ok());
}

TEST(WriterTest, WriteNowReportsAFailure) {
  FakeBackend backend;
  backend.MarkBad(2);
  Metrics metrics;
  Writer writer(backend, metrics, 1000, 1000);
  Status s = writer.WriteNow({Op(1), Op(2), Op(3)});
  ASSERT_FALSE(s.ok()) << "a failed write must fail WriteNow";
  EXPECT_THAT(s.error().message, HasSubstr("write 2 is bad"));
}

TEST(WriterTest, WriteNowIsAllOrNothing) {
  // The contract: "Applies `ops` in one transaction". A failure must not leave its
  // neighbours committed (Accounts::CreateUsers relies on it: all users or none).
  FakeBackend backend;
  backend.MarkBad(2);
  Metrics metrics;
  Writer writer(backend, metrics, 1000, 1000);
  ASSERT_FALSE(writer.WriteNow({Op(1), Op(2), Op(3)}).ok());
  EXPECT_FALSE(backend.Committed(1)) << "WriteNow failed but committed part of its writes";
  EXPECT_FALSE(backend.Committed(3)) << "WriteNow failed but committed part of its writes";
}

TEST(WriterTest, WriteNowLargerThanMaxBatchIsOneTransaction) {
  FakeBackend backend;
  Metrics metrics;
  Writer writer(backend, metrics, 2, 1000);
  ASSERT_TRUE(writer.WriteNow({Op(1), Op(2), Op(3), Op(4), Op(5)}).ok());
  auto batches = backend.batches();
  ASSERT_EQ(batches.size(), 1u) << "WriteNow's writes were split over several transactions";
  EXPECT_THAT(batches[0], ElementsAre(1, 2, 3, 4, 5));
}

TEST(WriterTest, WriteNowFailureDoesNotFailItsNeighbours) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  backend.MarkBad(12);
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, 1000, 1000);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  ASSERT_TRUE(writer.Submit(Op(1), done.For(1)).ok());
  auto now = std::async(std::launch::async, [&] { return writer.WriteNow({Op(11), Op(12)}); });
  // Wait (bounded) until WriteNow's two writes are queued behind write 1, so that they are sure
  // to share the next batch with their neighbours.
  const auto give_up = std::chrono::steady_clock::now() + kWait;
  while (metrics.writer_queue_depth.load() != 3) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "WriteNow never queued its writes";
    std::this_thread::yield();
  }
  ASSERT_TRUE(writer.Submit(Op(2), done.For(2)).ok());
  backend.Release();
  ASSERT_EQ(now.wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(now.get().ok());
  writer.Stop();
  EXPECT_TRUE(done.errors().empty()) << "writes batched with a failed WriteNow must succeed";
  EXPECT_TRUE(backend.Committed(1));
  EXPECT_TRUE(backend.Committed(2));
  EXPECT_FALSE(backend.Committed(11));
}

TEST(WriterTest, WriteNowOnAStoppedWriterFails) {
  FakeBackend backend;
  Metrics metrics;
  Writer writer(backend, metrics, 1000, 1000);
  writer.Stop();
  Status s = writer.WriteNow({Op(1)});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(backend.Committed(1));
}

TEST(WriterTest, SubmitAllCommitsItsWritesTogetherAndTellsOnce) {
  FakeBackend backend;
  backend.HoldFirstBatch();
  backend.MarkBad(22);
  Metrics metrics;
  Completions done;
  Writer writer(backend, metrics, /*max_batch=*/2, /*queue_capacity=*/6);
  ASSERT_TRUE(writer.Submit(Op(0), done.For(0)).ok());
  ASSERT_TRUE(backend.WaitEntered());
  // Three writes in a writer cutting batches at two: one transaction all the same.
  ASSERT_TRUE(writer.SubmitAll({Op(11), Op(12), Op(13)}, done.For(1)).ok());
  // A group with a bad write: none of it commits, its neighbours do.
  ASSERT_TRUE(writer.SubmitAll({Op(21), Op(22)}, done.For(2)).ok());
  // Two more than the queue's room (6, five taken): refused whole.
  Status refused = writer.SubmitAll({Op(31), Op(32)}, done.For(3));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(writer.Submit(Op(4), done.For(4)).ok()) << "one still fits";
  backend.Release();
  writer.Stop();

  EXPECT_EQ(done.order(), (std::vector<int64_t>{0, 1, 2, 4})) << "each group told once";
  const auto errors = done.errors();
  EXPECT_EQ(errors.count(1), 0u);
  ASSERT_EQ(errors.count(2), 1u);
  EXPECT_THAT(errors.at(2).message, HasSubstr("write 22 is bad"));
  EXPECT_EQ(errors.count(4), 0u);
  for (int64_t id : {11, 12, 13, 4}) EXPECT_TRUE(backend.Committed(id)) << id;
  for (int64_t id : {21, 22, 31, 32}) EXPECT_FALSE(backend.Committed(id)) << id;
  bool together = false;
  for (const auto& batch : backend.batches()) {
    if (std::find(batch.begin(), batch.end(), 11) == batch.end()) continue;
    together = std::find(batch.begin(), batch.end(), 12) != batch.end() &&
               std::find(batch.begin(), batch.end(), 13) != batch.end();
  }
  EXPECT_TRUE(together) << "a group was split between transactions";
}

}  // namespace
}  // namespace pupitre::store
