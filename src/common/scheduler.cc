#include "common/scheduler.h"

#include <boost/asio/post.hpp>

#include <cassert>

namespace pupitre {

void Scheduler::Every(std::string name, Millis period, std::function<void()> fn) {
  assert(period.count() > 0);
  tasks_.push_back(Task{std::move(name), period, std::move(fn),
                        boost::asio::steady_timer(loop_), 0});
  Arm(tasks_.back());
}

void Scheduler::Arm(Task& t) {
  t.timer.expires_after(t.period);
  t.timer.async_wait([this, &t](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    ++t.runs;
    t.fn();
    Arm(t);
  });
}

void Scheduler::Stop() {
  stopped_ = true;
  for (Task& t : tasks_) t.timer.cancel();
}

uint64_t Scheduler::runs(const std::string& name) const {
  for (const Task& t : tasks_) {
    if (t.name == name) return t.runs;
  }
  return 0;
}

}  // namespace pupitre
