#pragma once
// A BigBlueButton server reached through its API over HTTP(S), with libcurl: each call signed
// with the shared secret (live/bbb_api.h), bounded by a timeout, its failures counted.

#include <atomic>
#include <memory>
#include <string>

#include "live/engine.h"

namespace pupitre::live {

struct BbbOptions {
  std::string api_url;  // ends with '/'
  std::string secret;
  ChecksumAlgo algo = ChecksumAlgo::kSha256;
  int64_t timeout_ms = 5'000;
};

class BbbEngine final : public Engine {
 public:
  explicit BbbEngine(BbbOptions options);

  Result<int64_t> Create(const MeetingSpec& m) override;
  Result<std::vector<Attendee>> Attendees(const std::string& meeting_id) override;
  Status End(const std::string& meeting_id, const std::string& moderator_pw) override;
  Result<std::vector<Recording>> Recordings(const std::string& meeting_id) override;
  std::string JoinUrl(const JoinSpec& j) const override;

  // Calls that failed (no answer, an HTTP error, a refusal other than "not found").
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  // Sends a call; returns its answer, or kUnavailable ("live_engine_down") when the server did
  // not give one.
  Result<Answer> Call(std::string_view call, const Params& params);

  const BbbOptions options_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace pupitre::live
