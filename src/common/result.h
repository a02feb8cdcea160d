#pragma once
// Result<T>: the value of an operation that can fail in an expected way (bad input, I/O, a
// conflict). One error taxonomy for the whole program; src/api maps it to HTTP in one place.

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pupitre {

// What kind of failure happened. The HTTP mapping lives in api/errors.cc.
enum class ErrorCode {
  kBadRequest,       // malformed input (400)
  kUnauthenticated,  // no or bad credentials (401)
  kForbidden,        // authenticated but not allowed (403)
  kNotFound,         // no such thing, or not visible to the caller (404)
  kConflict,         // state does not allow it (409)
  kTooLarge,         // body over the route's limit (413)
  kInvalid,          // well-formed but fails validation (422)
  kDeadlinePassed,   // the attempt's time is over (409 with its own code)
  kRateLimited,      // too many requests from this client (429, with Retry-After)
  kUnavailable,      // temporarily cannot serve (503)
  kInternal,         // a bug or a broken store (500)
};

// One validation problem tied to a place in the input (1-based line; 0 when unknown).
// Like an Error, a problem may name its reason and values for the pages to say it in the reader's
// language (web/i18n.js "problem.*"); `message` stays the English sentence (CLI, logs).
struct Problem {
  Problem() = default;
  Problem(int l, std::string m, std::string r = "",
          std::vector<std::pair<std::string, std::string>> p = {})
      : line(l), message(std::move(m)), reason(std::move(r)), params(std::move(p)) {}
  int line = 0;
  std::string message;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> params;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<Problem> problems;  // filled by importers: every problem found, not just the first
  // A stable name for what went wrong, for the pages to say it in the reader's language
  // (web/i18n.js "reason.*"), with the values its sentence needs; empty: the code says it all.
  std::string reason;
  std::vector<std::pair<std::string, std::string>> params;

  // Names the reason (and its values) of this error: Error::Invalid("...").Because("x", {...}).
  Error&& Because(std::string why, std::vector<std::pair<std::string, std::string>> values = {}) && {
    reason = std::move(why);
    params = std::move(values);
    return std::move(*this);
  }

  static Error Make(ErrorCode c, std::string m, std::vector<Problem> p = {}) {
    Error e;
    e.code = c;
    e.message = std::move(m);
    e.problems = std::move(p);
    return e;
  }
  static Error BadRequest(std::string m) { return Make(ErrorCode::kBadRequest, std::move(m)); }
  static Error Unauthenticated(std::string m) {
    return Make(ErrorCode::kUnauthenticated, std::move(m));
  }
  static Error Forbidden(std::string m) { return Make(ErrorCode::kForbidden, std::move(m)); }
  static Error NotFound(std::string m) { return Make(ErrorCode::kNotFound, std::move(m)); }
  static Error Conflict(std::string m) { return Make(ErrorCode::kConflict, std::move(m)); }
  static Error Invalid(std::string m, std::vector<Problem> p = {}) {
    return Make(ErrorCode::kInvalid, std::move(m), std::move(p));
  }
  static Error DeadlinePassed(std::string m) {
    return Make(ErrorCode::kDeadlinePassed, std::move(m));
  }
  static Error RateLimited(std::string m) { return Make(ErrorCode::kRateLimited, std::move(m)); }
  static Error Unavailable(std::string m) { return Make(ErrorCode::kUnavailable, std::move(m)); }
  static Error Internal(std::string m) { return Make(ErrorCode::kInternal, std::move(m)); }
};

// Holds either a T or an Error. Accessing the wrong side is a bug and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation that returns nothing but can fail.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace pupitre
