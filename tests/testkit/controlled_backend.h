#pragma once
// The one test double of store::Backend: in memory, or wrapping a real backend, with switches
// for fault tests. Every batch is recorded; a batch holding a write that `FailWhen` picks fails
// whole and commits nothing; the next batch can be held inside ApplyBatch until released.
// Thread-safe.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace pupitre::testkit {

class ControlledBackend final : public store::Backend {
 public:
  // `inner`: where committed batches go and what look-ups read (nothing: an empty store that
  // keeps nothing).
  explicit ControlledBackend(std::unique_ptr<store::Backend> inner = nullptr)
      : inner_(std::move(inner)) {}

  Status ApplyBatch(std::span<const store::WriteOp> ops) override {
    std::optional<std::shared_future<void>> hold;
    std::string refusal;
    {
      std::lock_guard lock(mu_);
      if (hold_next_) {
        hold_next_ = false;
        hold = release_.get_future().share();
        entered_.set_value();
      }
      batches_.emplace_back(ops.begin(), ops.end());
      for (const auto& op : ops) {
        if (fails_ && refusal.empty()) refusal = fails_(op);
      }
    }
    if (hold && hold->wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "the held batch was never released";
    }
    if (!refusal.empty()) return Error::Internal(refusal);
    if (inner_) {
      if (auto s = inner_->ApplyBatch(ops); !s.ok()) return s;
    }
    // Last thing before returning: whatever runs after this saw ApplyBatch return.
    std::lock_guard lock(mu_);
    committed_.insert(committed_.end(), ops.begin(), ops.end());
    return OkStatus();
  }
  Result<store::Snapshot> Load(const store::Scope& scope) override {
    return inner_ ? inner_->Load(scope) : store::Snapshot{};
  }
  Result<std::optional<store::UserRecord>> FindUserByLogin(const std::string& login) override {
    return inner_ ? inner_->FindUserByLogin(login) : std::optional<store::UserRecord>();
  }
  Result<std::optional<store::SessionRecord>> FindSession(const std::string& hash) override {
    return inner_ ? inner_->FindSession(hash) : std::optional<store::SessionRecord>();
  }
  Result<std::vector<std::string>> FindNamedSessions(const std::string& name,
                                                     size_t limit) override {
    return inner_ ? inner_->FindNamedSessions(name, limit) : std::vector<std::string>();
  }
  Result<std::vector<store::AttemptEvent>> LoadAttemptEvents(int64_t attempt_id) override {
    return inner_ ? inner_->LoadAttemptEvents(attempt_id) : std::vector<store::AttemptEvent>();
  }
  Result<store::Changed> ReadChanged(std::span<const store::ChangeKey> keys) override {
    return inner_ ? inner_->ReadChanged(keys) : store::Changed{};
  }
  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    return inner_ ? inner_->GetSetting(key) : std::optional<std::string>();
  }
  Result<int64_t> AllocateIds(std::string_view kind, int64_t count) override {
    if (inner_) return inner_->AllocateIds(kind, count);
    std::lock_guard lock(mu_);
    const int64_t first = next_id_;
    next_id_ += count;
    return first;
  }

  // Batches holding a write for which `fails` says why (a non-empty reason) fail whole, with
  // that reason, from now on (nullptr: none).
  using Refusal = std::function<std::string(const store::WriteOp&)>;
  void FailWhen(Refusal fails) {
    std::lock_guard lock(mu_);
    fails_ = std::move(fails);
  }
  // The next batch waits in ApplyBatch until Release(); the future is ready once it waits.
  std::future<void> HoldNextBatch() {
    std::lock_guard lock(mu_);
    hold_next_ = true;
    return entered_.get_future();
  }
  void Release() { release_.set_value(); }

  // Every batch seen, in order, committed or not.
  std::vector<std::vector<store::WriteOp>> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  // Whether a committed write satisfies `pred`.
  bool Committed(const std::function<bool(const store::WriteOp&)>& pred) const {
    std::lock_guard lock(mu_);
    for (const auto& op : committed_) {
      if (pred(op)) return true;
    }
    return false;
  }

 private:
  static constexpr auto kWait = std::chrono::seconds(10);  // a bound on every wait
  std::unique_ptr<store::Backend> inner_;
  mutable std::mutex mu_;
  Refusal fails_;
  bool hold_next_ = false;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::vector<std::vector<store::WriteOp>> batches_;
  std::vector<store::WriteOp> committed_;
  int64_t next_id_ = 1;
};

}  // namespace pupitre::testkit
