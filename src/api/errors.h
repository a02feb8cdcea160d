#pragma once
// The one place where a domain Error becomes an HTTP status and the JSON error shape
// {"error":{"code":"...","message":"...","problems":[{"line":N,"message":"..."}]}}.

#include <string>

#include "common/result.h"

namespace pupitre::api {

unsigned HttpStatusOf(ErrorCode code);
const char* CodeNameOf(ErrorCode code);
std::string ErrorBody(const Error& error);

}  // namespace pupitre::api
