#pragma once
// The exam service's "not found" errors, worded once for both of its files (exam_service.cc,
// attempts.cc). Internal to src/exam.

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "common/result.h"

namespace pupitre::exam {

inline Error NoSuchExam(const std::string& id) {
  return Error::NotFound(fmt::format("no exam '{}'", id)).Because("no_exam", {{"id", id}});
}

inline Error NoSuchCourse(const std::string& id) {
  return Error::NotFound(fmt::format("no course '{}'", id)).Because("no_course", {{"id", id}});
}

// Someone else's attempt is reported like a missing one: ids are not to be probed.
inline Error NoSuchAttempt(int64_t id) {
  return Error::NotFound(fmt::format("no attempt {}", id)).Because("no_attempt");
}

}  // namespace pupitre::exam
