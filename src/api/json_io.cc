#include "api/json_io.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace pupitre::api {

namespace json = boost::json;

Result<json::object> ParseObject(const std::string& body) {
  json::error_code ec;
  json::parse_options opt;
  opt.max_depth = 16;
  json::value v = json::parse(body, ec, {}, opt);
  if (ec) return Error::BadRequest("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return Error::BadRequest("the body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::string> GetString(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return Error::BadRequest(fmt::format("'{}' must be a string", key));
  return std::string(v->as_string());
}

Result<int64_t> GetInt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !(v->is_int64() || v->is_uint64())) {
    return Error::BadRequest(fmt::format("'{}' must be an integer", key));
  }
  if (v->is_uint64()) {
    if (v->as_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      return Error::BadRequest(fmt::format("'{}' is too large", key));
    }
    return static_cast<int64_t>(v->as_uint64());
  }
  return v->as_int64();
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

json::value Number(double d) {
  if (!std::isfinite(d)) return nullptr;  // JSON has no Infinity or NaN
  // The range first: converting a double beyond int64's range is undefined behaviour.
  if (d > -1e15 && d < 1e15 && d == static_cast<double>(static_cast<int64_t>(d))) {
    return static_cast<int64_t>(d);
  }
  return d;
}

}  // namespace pupitre::api
