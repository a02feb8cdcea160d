#pragma once
// Pacing for polling loops in tests: each loop is bounded by a deadline and asks again until what
// it waits for holds; the pause only spaces the questions out (it synchronises nothing).

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace pupitre::testkit {

inline void PollPause(std::chrono::milliseconds d) {
  std::mutex m;
  std::condition_variable cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, d);
}

}  // namespace pupitre::testkit
