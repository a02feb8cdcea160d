// What the other nodes changed, brought into this node (see change_feed.h).
#include "cluster/change_feed.h"

#include <spdlog/spdlog.h>

namespace pupitre::cluster {

ChangeFeed::ChangeFeed(store::Backend& backend, Apply apply, Metrics& metrics,
                       std::chrono::milliseconds wait)
    : backend_(backend),
      log_(*backend.change_log()),
      apply_(std::move(apply)),
      metrics_(metrics),
      wait_(wait) {}

ChangeFeed::~ChangeFeed() { Stop(); }

void ChangeFeed::Start(std::string mark) {
  thread_ = std::thread([this, mark = std::move(mark)]() mutable { Run(std::move(mark)); });
}

void ChangeFeed::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeFeed::Run(std::string mark) {
  auto last_warning = std::chrono::steady_clock::time_point{};
  auto warn = [&](const Error& e) {
    metrics_.change_errors.fetch_add(1, std::memory_order_relaxed);
    // One line a minute at most: a store that is down for long must not flood the log.
    if (const auto now = std::chrono::steady_clock::now(); now - last_warning > std::chrono::minutes(1)) {
      last_warning = now;
      spdlog::warn("cluster: the change log cannot be read (retried; what other nodes changed "
                   "reaches this one late): {}", e.message);
    }
  };
  while (!stop_) {
    auto window = log_.Since(mark, wait_);
    if (!window.ok()) {
      warn(window.error());
      continue;  // Since waited before failing: no spin
    }
    if (!window->keys.empty()) {
      store::Dedupe(window->keys);
      auto changed = backend_.ReadChanged(window->keys);
      if (!changed.ok()) {
        warn(changed.error());
        continue;  // the same window again, from the same mark
      }
      apply_(*changed);
      metrics_.changes_applied.fetch_add(changed->keys, std::memory_order_relaxed);
    }
    mark = std::move(window->next);
  }
}

}  // namespace pupitre::cluster
