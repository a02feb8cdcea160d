#pragma once
// Reading request bodies and path captures: each failure is a client error with a message that
// names what is wrong.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre::api {

// Parses a JSON object body (nesting at most 16 deep), or fails with a message for the client.
Result<boost::json::object> ParseObject(const std::string& body);
// A required string / integer member.
Result<std::string> GetString(const boost::json::object& o, std::string_view key);
Result<int64_t> GetInt(const boost::json::object& o, std::string_view key);
// A positive decimal id (a path capture); nothing if it is not one.
std::optional<int64_t> ParseId(std::string_view s);
// Whole numbers as integers: Boost.JSON would write 11.0 as 1.1E1. Never Infinity or NaN (not
// JSON): those become null.
boost::json::value Number(double d);

}  // namespace pupitre::api
