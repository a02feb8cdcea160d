#pragma once
// The Safe Exam Browser check of a student's request of an exam that requires it
// (guard/safe_exam_browser.h), for the route files of that exam and its attempts.

#include <string>

#include "api/services.h"

namespace pupitre::api {

// Answers 403 `seb_required` (with what to do) and returns true when `exam_id` requires SEB and
// this student request does not come from a SEB with the teacher's keys; false otherwise.
// Teachers and admins are never asked.
bool RefusedBySeb(Services& s, const ContextPtr& c, const std::string& exam_id);

// The URL of this request as the browser asked it (scheme, Host, target): what SEB hashes.
std::string AbsoluteUrl(const Services& s, const Context& c);

}  // namespace pupitre::api
