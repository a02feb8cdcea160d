#pragma once
// A gaps question's answers: their shape and what they earn (grading.cc asks these of kGaps).
// Internal to exam/.

#include <boost/json/value.hpp>

#include "common/result.h"
#include "exam/exam.h"

namespace pupitre::exam {

inline constexpr size_t kMaxGapAnswerBytes = 1'000;

// One entry per gap: a menu's choice index, a typed gap's string, or null.
Status ValidateGapsAnswer(const Question& q, const boost::json::value& answer);
// points * the sum over the gaps of (weight / total weight) * what the gap's answer earns; with
// all_or_nothing, the points only when every gap earns its whole share.
double GradeGaps(const Question& q, const boost::json::value& answer);

}  // namespace pupitre::exam
