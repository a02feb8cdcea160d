#pragma once
// How a stored file is answered over HTTP (RFC 9110): validators (a strong ETag, Last-Modified),
// conditional requests (If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since), one
// byte range (Range, If-Range), and the headers that keep a file people uploaded from acting as
// a page of this site (nosniff, a sandbox, attachment unless it is safe to show inline).
// Pure: it decides; the route opens the file and sends the part it names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/server.h"

namespace pupitre::api {

struct FileFacts {
  uint64_t size = 0;
  int64_t mtime_s = 0;       // Last-Modified (Unix seconds)
  std::string etag;          // a strong entity tag, quotes included: "\"abc\""
  std::string content_type;  // as stored (api/media_types.h chose it from the name)
  std::string file_name;     // for Content-Disposition (UTF-8)
  bool download = false;     // attachment even when the type could be shown inline
};

struct FileAnswer {
  http::Response header;  // status and fields, Content-Length included; no body
  uint64_t offset = 0;    // the part of the file to send after it
  uint64_t length = 0;
};

FileAnswer PlanFileAnswer(const http::Request& req, const FileFacts& facts);

// The media type of a file from its name (a fixed list; application/octet-stream otherwise),
// and whether a browser may show it inline from this site without risk.
struct MediaType {
  std::string type;
  bool inline_ok = false;
};
MediaType MediaTypeOf(std::string_view file_name);

// An HTTP-date (IMF-fixdate) for Unix seconds, and back (nothing if it is not one).
std::string HttpDate(int64_t unix_s);
std::optional<int64_t> ParseHttpDate(std::string_view s);

}  // namespace pupitre::api
