#pragma once
// What the other nodes changed of the shared state, brought into this node's memory. A thread
// reads the store's change log (store/changes.h) as its commits are announced (or every
// `wait` at the latest: a lost notification delays, never loses, a change), reads the changed
// things as they are now, and hands them to `apply`, which puts them in the services. Its
// own node's changes come back too: reading them again is harmless, and it mends a race where
// a read of another node's older value landed after this node's newer one.

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "common/metrics.h"
#include "common/mutex.h"
#include "store/store.h"

namespace pupitre::cluster {

class ChangeFeed {
 public:
  using Apply = std::function<void(const store::Changed&)>;
  // REQUIRES: `backend` has a change log; what is given outlives this.
  ChangeFeed(store::Backend& backend, Apply apply, Metrics& metrics,
             std::chrono::milliseconds wait = std::chrono::milliseconds(1000));
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Starts reading everything committed from `mark` on (ChangeLog::Mark, taken before the
  // node loaded the store).
  void Start(std::string mark);
  // Stops the thread (within one wait).
  void Stop();

 private:
  void Run(std::string mark);
  store::Backend& backend_;
  store::ChangeLog& log_;
  const Apply apply_;
  Metrics& metrics_;
  const std::chrono::milliseconds wait_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace pupitre::cluster
