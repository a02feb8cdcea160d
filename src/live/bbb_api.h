#pragma once
// BigBlueButton's API as its documentation specifies it, without the network: the signed
// address of a call (the checksum is the hash of the call's name, its query string and the
// shared secret), and the XML answers read into plain structs.
//
// Pure functions; the engine (live/bbb_engine.h) sends the calls.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace pupitre::live {

// The hash a server accepts for checksums ([live] checksum).
enum class ChecksumAlgo { kSha1, kSha256, kSha384, kSha512 };
std::optional<ChecksumAlgo> ParseChecksumAlgo(std::string_view name);

// A call's parameters, in the order they are sent.
using Params = std::vector<std::pair<std::string, std::string>>;

// The query string: each name and value percent-encoded (RFC 3986: letters, digits and "-._~"
// are kept, a space is %20), joined with '&'.
std::string QueryString(const Params& params);

// The checksum of a call: hex(hash(call + query + secret)), in lower case.
std::string Checksum(ChecksumAlgo algo, std::string_view call, std::string_view query,
                     std::string_view secret);

// The call's whole address: `api_base` (ending with '/') + call + '?' + query + "&checksum=…".
std::string SignedUrl(std::string_view api_base, ChecksumAlgo algo, std::string_view secret,
                      std::string_view call, const Params& params);

// One person in a meeting, as getMeetingInfo lists them.
struct Attendee {
  std::string user_id;  // what the join call gave as userID
  std::string full_name;
  std::string role;     // "MODERATOR" or "VIEWER"
};

// One recording, as getRecordings lists it.
struct Recording {
  std::string record_id;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  bool published = false;
  std::string playback_url;  // the first playback format's address
};

// An answer of the API. `success` is returncode SUCCESS; otherwise messageKey and message say
// why (e.g. "checksumError", "notFound").
struct Answer {
  bool success = false;
  std::string message_key;
  std::string message;
  int64_t create_time = 0;   // create, getMeetingInfo
  bool running = false;      // isMeetingRunning, getMeetingInfo
  std::vector<Attendee> attendees;    // getMeetingInfo
  std::vector<Recording> recordings;  // getRecordings
};

// Reads an answer; kInvalid when the text is not the API's XML.
Result<Answer> ParseAnswer(std::string_view xml);

}  // namespace pupitre::live
