#pragma once
// How the domain's objects look in JSON: one function per shape, shared by every route file.

#include <boost/json/object.hpp>

#include <boost/json/array.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "api/context.h"
#include "auth/accounts.h"
#include "exam/exam_service.h"
#include "import/qti/qti_exam.h"

namespace pupitre::api {

boost::json::object UserJson(const auth::Principal& p);
boost::json::object ExamJson(const exam::ExamEntry& e);
// The attempt as its student (or a teacher) reads it; the result only once it may be shown.
boost::json::object AttemptJson(const exam::AttemptView& v, bool is_teacher, int64_t now_ms);
// What an upload could not import, or imported without something: [{"line", "message"}].
boost::json::array ProblemsJson(const std::vector<importers::BankProblem>& problems);

// Answers `c` with {"exam"} (with `status`) once the service calls back with the exam (from the
// writer's thread), or with its error.
std::function<void(Result<std::shared_ptr<const exam::ExamEntry>>)> AnswerExam(
    const ContextPtr& c, unsigned status = 200);

}  // namespace pupitre::api
