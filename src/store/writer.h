#pragma once
// The group-commit writer: one thread that takes every write waiting, applies them in one
// transaction, commits (fsync), and only then calls each write's completion. Batching gives
// throughput; nothing is acknowledged before it is durable.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/metrics.h"
#include "store/store.h"

namespace pupitre::store {

class Writer {
 public:
  // Called once, on the writer thread, after the write committed (ok) or failed. Must be quick:
  // post the real work elsewhere.
  using Done = std::function<void(const Status&)>;

  // REQUIRES: `backend` and `metrics` outlive the writer. Answer saves and submits may use
  // `critical_reserve` places beyond `queue_capacity`, that other writes cannot take: with a
  // reserve of one per connection (each has at most one request in flight), they always fit.
  Writer(Backend& backend, Metrics& metrics, size_t max_batch, size_t queue_capacity,
         size_t critical_reserve = 0);
  ~Writer();  // Stop()s.

  // Queues a write. Fails with kUnavailable, without calling `done`, when the queue is full
  // (for this kind of write, see the reserve above) or the writer is stopping. Thread-safe.
  Status Submit(WriteOp op, Done done);
  // Queues writes that commit together, all or none (one transaction, never split between
  // batches); `done` runs once, after the last. Fails as Submit, queueing none, when they do not
  // all fit. REQUIRES: `ops` is not empty.
  Status SubmitAll(std::vector<WriteOp> ops, Done done);

  // Applies `ops` in one transaction and waits for it. For the CLI and start-up, not the hot path.
  Status WriteNow(std::vector<WriteOp> ops);

  // Commits everything queued, then stops the thread. Idempotent. Thread-safe.
  void Stop();

 private:
  struct Item {
    WriteOp op;
    Done done;
    // On the first item of a WriteNow: how many items, this one included, form one transaction
    // (never split between batches, retried together). 1 for a lone write.
    size_t group = 1;
  };
  // Queues `ops` as one group, `done` on the last; `capacity` false: beyond the queue's capacity.
  Status Enqueue(std::vector<WriteOp> ops, Done done, bool capacity);
  void Run();
  void Commit(std::vector<Item>& batch, std::vector<WriteOp>& ops);

  Backend& backend_;
  Metrics& metrics_;
  const size_t max_batch_;
  const size_t queue_capacity_;
  const size_t critical_reserve_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::mutex join_mu_;  // Stop()'s join: one caller joins, the others wait for it
  std::thread thread_;
};

}  // namespace pupitre::store
