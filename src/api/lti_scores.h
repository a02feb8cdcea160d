#pragma once
// Scores back to the LMS's gradebook (LTI Assignment and Grade Services): where each student's
// score goes, kept at their launch, and the teacher's sending (lti_score_routes.cc).

#include <cstdint>

#include "api/services.h"
#include "lti/lti_messages.h"

namespace pupitre::api {

// Keeps, off the launch's way, the line item (gradebook column) of the link `l` and who the
// student is at the platform, for the exam the link names; only for an exam of this server and
// a line item on the platform's own hosts (its issuer's or its token endpoint's).
void RememberLineItem(Services& s, const lti::Launch& l, int64_t user_id);

}  // namespace pupitre::api
