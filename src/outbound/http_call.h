#pragma once
// Calls this server makes to others (the video server, the school's identity provider): one
// blocking HTTP(S) request with a deadline, a bounded reply, no redirects followed. Call from a
// worker thread, never from an event loop.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace pupitre::outbound {

struct HttpRequest {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;             // http:// or https:// only
  std::string body;            // POST: sent as is, with content_type
  std::string content_type = "application/x-www-form-urlencoded";
  std::string authorization;   // the Authorization header's value ("" : none)
  int64_t timeout_ms = 5'000;  // the whole exchange
  size_t max_reply_bytes = size_t{4} << 20;
};

struct HttpReply {
  long status = 0;
  std::string body;
};

// The reply, whatever its status; fails (kUnavailable, reason "peer_down") when the server
// cannot be reached or does not answer in time, or the reply exceeds max_reply_bytes.
Result<HttpReply> Call(const HttpRequest& request);

}  // namespace pupitre::outbound
