#pragma once
// How the domain's objects look in JSON: one function per shape, shared by every route file.

#include <boost/json/object.hpp>

#include <cstdint>

#include "auth/accounts.h"
#include "exam/exam_service.h"

namespace pupitre::api {

boost::json::object UserJson(const auth::Principal& p);
boost::json::object ExamJson(const exam::ExamEntry& e);
// The attempt as its student (or a teacher) reads it; the result only once it may be shown.
boost::json::object AttemptJson(const exam::AttemptView& v, bool is_teacher, int64_t now_ms);

}  // namespace pupitre::api
