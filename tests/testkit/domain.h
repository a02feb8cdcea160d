#pragma once
// Test support for the domain services without HTTP: waiting on their callbacks, and the small
// geography exam most of those tests share.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "common/result.h"

namespace pupitre::testkit {

// A bound on every wait of a test, never a sleep.
inline constexpr auto kCallbackWait = std::chrono::seconds(10);

// Calls `call` with a callback and waits (at most kCallbackWait) for the value it is given.
template <typename T>
T Await(const std::function<void(std::function<void(T)>)>& call) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  call([p](T v) { p->set_value(std::move(v)); });
  if (f.wait_for(kCallbackWait) != std::future_status::ready) {
    ADD_FAILURE() << "the callback never ran";
    return T(Error::Internal("timed out"));
  }
  return f.get();
}

// A one-question exam of course geo-101 (answer: option 1), open on 2026-11-23 from `opens` to
// `closes` (HH:MM, UTC), 30 minutes long.
inline std::string GeoExamToml(const std::string& id = "geo-final",
                               const std::string& title = "Geography final",
                               const std::string& opens = "08:00",
                               const std::string& closes = "12:00") {
  return "\n[exam]\nid = \"" + id + "\"\ntitle = \"" + title +
         "\"\ncourse = \"geo-101\"\nopens = 2026-11-23T" + opens +
         ":00Z\ncloses = 2026-11-23T" + closes +
         ":00Z\nduration_minutes = 30\n\n[[question]]\nid = \"capital\"\ntype = \"single\"\n"
         "text = \"What is the capital of Australia?\"\n"
         "options = [\"Sydney\", \"Canberra\", \"Perth\"]\nanswer = 1\n";
}

}  // namespace pupitre::testkit
