#include "store/writer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

namespace pupitre::store {

Writer::Writer(Backend& backend, Metrics& metrics, size_t max_batch, size_t queue_capacity)
    : backend_(backend), metrics_(metrics), max_batch_(max_batch), queue_capacity_(queue_capacity) {
  thread_ = std::thread([this] { Run(); });
}

Writer::~Writer() { Stop(); }

Status Writer::Submit(WriteOp op, Done done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error::Unavailable("the server is shutting down");
    if (queue_.size() >= queue_capacity_) {
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

Status Writer::WriteNow(std::vector<WriteOp> ops) {
  if (ops.empty()) return OkStatus();
  // Queue all but the last with no completion; the last one's completion tells us the batch
  // holding everything is committed (the queue is FIFO). A failure of any is reported.
  auto result = std::make_shared<std::promise<Status>>();
  auto failed = std::make_shared<std::atomic<bool>>(false);
  auto first_error = std::make_shared<Error>();
  std::unique_lock lock(mu_);
  if (stopping_) return Error::Unavailable("the writer is stopped");
  // Bypasses the capacity check: the caller is the operator, and waits.
  for (size_t i = 0; i < ops.size(); ++i) {
    bool last = i + 1 == ops.size();
    queue_.push_back(Item{std::move(ops[i]), [=](const Status& s) {
                            if (!s.ok() && !failed->exchange(true)) *first_error = s.error();
                            if (last) {
                              result->set_value(failed->load() ? Status(*first_error)
                                                               : OkStatus());
                            }
                          }});
  }
  lock.unlock();
  cv_.notify_one();
  return result->get_future().get();
}

void Writer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
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
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
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
  // One bad write must not fail its neighbours: apply each alone to find which fail.
  spdlog::warn("group commit of {} writes failed ({}); retrying one by one", batch.size(),
               s.error().message);
  for (size_t i = 0; i < batch.size(); ++i) {
    Status one = backend_.ApplyBatch(std::span<const WriteOp>(&ops[i], 1));
    if (!one.ok()) {
      metrics_.writer_failures.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("write failed: {}", one.error().message);
    }
    if (batch[i].done) batch[i].done(one);
  }
}

}  // namespace pupitre::store
