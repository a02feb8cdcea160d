#pragma once
// Periodic work of a process (deadline sweeps, admission, purges), each task named and run on
// one event loop: `Every("sweep", 1s, fn)`. A task runs again `period` after its last run ended,
// so a slow run never piles up behind itself.
// Thread: not thread-safe. Every, Stop and runs on the loop's thread, or while the loop is not
// running; the tasks run on the loop's thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <list>
#include <memory>
#include <string>

#include "common/clock.h"

namespace pupitre {

class Scheduler {
 public:
  // REQUIRES: `loop` outlives the scheduler.
  explicit Scheduler(boost::asio::io_context& loop) : loop_(loop) {}
  ~Scheduler() { Stop(); }
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs `fn` every `period`, the first time one period from now. REQUIRES: period > 0.
  void Every(std::string name, Millis period, std::function<void()> fn);
  // Cancels every task: none runs after this.
  void Stop();

  // How many times task `name` has run (0 for an unknown name). On the loop's thread.
  uint64_t runs(const std::string& name) const;

 private:
  struct Task {
    std::string name;
    Millis period;
    std::function<void()> fn;
    boost::asio::steady_timer timer;
    uint64_t runs = 0;
  };
  void Arm(Task& t);

  boost::asio::io_context& loop_;
  std::list<Task> tasks_;  // stable addresses: timers' handlers refer to their task
  bool stopped_ = false;
};

}  // namespace pupitre
