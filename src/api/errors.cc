#include "api/errors.h"

#include <boost/json.hpp>

namespace pupitre::api {

unsigned HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kInvalid: return 422;
    case ErrorCode::kDeadlinePassed: return 409;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

const char* CodeNameOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return "bad_request";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kDeadlinePassed: return "deadline_passed";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string ErrorBody(const Error& error) {
  boost::json::object e;
  e["code"] = CodeNameOf(error.code);
  e["message"] = error.message;
  if (!error.problems.empty()) {
    boost::json::array problems;
    for (const auto& p : error.problems) {
      boost::json::object problem{{"line", p.line}, {"message", p.message}};
      if (!p.reason.empty()) {
        problem["reason"] = p.reason;
        boost::json::object params;
        for (const auto& [k, v] : p.params) params[k] = v;
        problem["params"] = std::move(params);
      }
      problems.push_back(std::move(problem));
    }
    e["problems"] = std::move(problems);
  }
  if (!error.reason.empty()) {
    e["reason"] = error.reason;
    boost::json::object params;
    for (const auto& [k, v] : error.params) params[k] = v;
    e["params"] = std::move(params);
  }
  return boost::json::serialize(boost::json::object{{"error", std::move(e)}});
}

}  // namespace pupitre::api
