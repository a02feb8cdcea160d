#include "store/writer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

namespace pupitre::store {

Writer::Writer(Backend& backend, Metrics& metrics, size_t max_batch, size_t queue_capacity,
               size_t critical_reserve)
    : backend_(backend),
      metrics_(metrics),
      max_batch_(max_batch),
      queue_capacity_(queue_capacity),
      critical_reserve_(critical_reserve) {
  thread_ = std::thread([this] { Run(); });
}

Writer::~Writer() { Stop(); }

Status Writer::Submit(WriteOp op, Done done) {
  const bool critical =
      std::holds_alternative<op::SaveAnswer>(op) || std::holds_alternative<op::SubmitAttempt>(op);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error::Unavailable("the server is shutting down");
    if (queue_.size() >= queue_capacity_ + (critical ? critical_reserve_ : 0)) {
      metrics_.writer_rejected.fetch_add(1, std::memory_order_relaxed);
      return Error::Unavailable("too many writes waiting; retry shortly");
    }
    queue_.push_back(Item{std::move(op), std::move(done)});
    metrics_.writer_queue_depth.store(static_cast<int64_t>(queue_.size()),
                                      std::memory_order_relaxed);
  }
  cv_.notify_one();
  return OkStatus();
}

Status Writer::SubmitAll(std::vector<WriteOp> ops, Done done) {
  return Enqueue(std::move(ops), std::move(done), /*capacity=*/true);
}

Status Writer::WriteNow(std::vector<WriteOp> ops) {
  if (ops.empty()) return OkStatus();
  auto result = std::make_shared<std::promise<Status>>();
  // Bypasses the capacity check: the caller is the operator, and waits.
  Status queued = Enqueue(std::move(ops), [result](const Status& s) { result->set_value(s); },
                          /*capacity=*/false);
  if (!queued.ok()) return queued;
  return result->get_future().get();
}

Status Writer::Enqueue(std::vector<WriteOp> ops, Done done, bool capacity) {
  // The ops form one group: taken into one batch whatever its size, and applied together again
  // if that batch fails, so that they commit all or none. The last one's completion reports.
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error::Unavailable("the server is shutting down");
    if (capacity && queue_.size() + ops.size() > queue_capacity_) {
      metrics_.writer_rejected.fetch_add(1, std::memory_order_relaxed);
      return Error::Unavailable("too many writes waiting; retry shortly");
    }
    const size_t first = queue_.size();
    for (size_t i = 0; i < ops.size(); ++i) {
      queue_.push_back(Item{std::move(ops[i]), i + 1 == ops.size() ? std::move(done) : Done()});
    }
    queue_[first].group = ops.size();
    metrics_.writer_queue_depth.store(static_cast<int64_t>(queue_.size()),
                                      std::memory_order_relaxed);
  }
  cv_.notify_one();
  return OkStatus();
}

void Writer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  // Two threads joining the same thread is undefined (it hangs with glibc): the second caller
  // waits here for the first's join, which also means the queue is drained when it returns.
  std::lock_guard join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void Writer::Run() {
  std::vector<Item> batch;
  std::vector<WriteOp> ops;
  batch.reserve(max_batch_);
  ops.reserve(max_batch_);
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        // A group is taken whole, even past max_batch: it must be one transaction.
        for (size_t n = queue_.front().group; n > 0; --n) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      metrics_.writer_queue_depth.store(static_cast<int64_t>(queue_.size()),
                                        std::memory_order_relaxed);
    }
    Commit(batch, ops);
    batch.clear();
  }
}

void Writer::Commit(std::vector<Item>& batch, std::vector<WriteOp>& ops) {
  ops.clear();
  for (auto& item : batch) ops.push_back(std::move(item.op));
  auto start = std::chrono::steady_clock::now();
  Status s = backend_.ApplyBatch(ops);
  metrics_.writer_commit_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  metrics_.writer_batch_size.Observe(static_cast<double>(batch.size()));
  if (s.ok()) {
    for (auto& item : batch) {
      if (item.done) item.done(s);
    }
    return;
  }
  // One bad write must not fail its neighbours: apply each alone (a group as one) to find
  // which fail.
  spdlog::warn("group commit of {} writes failed ({}); retrying one by one", batch.size(),
               s.error().message);
  for (size_t i = 0; i < batch.size();) {
    const size_t n = batch[i].group;
    Status one = backend_.ApplyBatch(std::span<const WriteOp>(&ops[i], n));
    if (!one.ok()) {
      metrics_.writer_failures.fetch_add(n, std::memory_order_relaxed);
      spdlog::error("write failed: {}", one.error().message);
    }
    for (size_t k = i; k < i + n; ++k) {
      if (batch[k].done) batch[k].done(one);
    }
    i += n;
  }
}

}  // namespace pupitre::store
