#pragma once
// One blocking HTTP/1.1 request to the server under test, outside a run: logins and reads of
// `verify`, the server's /metrics around a capacity step.

#include <boost/beast/http/verb.hpp>

#include <string>

#include "common/result.h"
#include "load/engine.h"

namespace pupitre::load {

// The body of a 200 answer; kUnavailable for anything else (another status, no connection),
// the message naming the target and what came back.
Result<std::string> FetchText(const Target& target, boost::beast::http::verb method,
                              const std::string& path, const std::string& token = "",
                              const std::string& json_body = "");

}  // namespace pupitre::load
