#pragma once
// Pacing for polling loops in tests: each loop is bounded by a deadline and asks again until what
// it waits for holds; the pause only spaces the questions out (it synchronises nothing).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace pupitre::testkit {

inline void PollPause(std::chrono::milliseconds d) {
  std::mutex m;
  std::condition_variable cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, d);
}

// Whether `holds` came true within `within` (asked again and again until then, and once more).
inline bool Eventually(const std::function<bool()>& holds,
                       std::chrono::seconds within = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + within;
  do {
    if (holds()) return true;
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < end);
  return holds();
}

}  // namespace pupitre::testkit
