#include "live/bbb_engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "outbound/http_call.h"

namespace pupitre::live {

namespace {

constexpr size_t kMaxAnswerBytes = 4 << 20;  // a long list of recordings still fits

Error Down(std::string_view why) {
  return Error::Unavailable(fmt::format("the video server does not answer: {}", why))
      .Because("live_engine_down");
}

}  // namespace

BbbEngine::BbbEngine(BbbOptions options) : options_(std::move(options)) {}

Result<Answer> BbbEngine::Call(std::string_view call, const Params& params) {
  const std::string url = SignedUrl(options_.api_url, options_.algo, options_.secret, call, params);
  outbound::HttpRequest request;
  request.url = url;
  request.timeout_ms = options_.timeout_ms;
  request.max_reply_bytes = kMaxAnswerBytes;
  auto reply = outbound::Call(request);
  if (!reply.ok() || reply->status != 200) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    const std::string reason =
        reply.ok() ? fmt::format("HTTP status {}", reply->status) : reply.error().message;
    spdlog::warn("live: {} call to the video server failed: {}", call, reason);
    return Down(reason);
  }
  const std::string& body = reply->body;
  auto answer = ParseAnswer(body);
  if (!answer.ok()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("live: {} answer unreadable: {}", call, answer.error().message);
    return Down(answer.error().message);
  }
  return answer;
}

Result<int64_t> BbbEngine::Create(const MeetingSpec& m) {
  Params p{{"name", m.name},
           {"meetingID", m.meeting_id},
           {"attendeePW", m.attendee_pw},
           {"moderatorPW", m.moderator_pw},
           {"record", m.record ? "true" : "false"},
           {"autoStartRecording", "false"},
           {"allowStartStopRecording", m.record ? "true" : "false"},
           {"duration", std::to_string(m.duration_min)}};
  if (!m.welcome.empty()) p.emplace_back("welcome", m.welcome);
  auto a = Call("create", p);
  if (!a.ok()) return a.error();
  if (!a->success) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("live: the video server refused to create {}: {} ({})", m.meeting_id,
                 a->message_key, a->message);
    return Down(fmt::format("it refused the class ({})", a->message_key));
  }
  return a->create_time;
}

Result<std::vector<Attendee>> BbbEngine::Attendees(const std::string& meeting_id) {
  auto a = Call("getMeetingInfo", {{"meetingID", meeting_id}});
  if (!a.ok()) return a.error();
  if (!a->success) return std::vector<Attendee>{};  // "notFound": not running
  return std::move(a->attendees);
}

Status BbbEngine::End(const std::string& meeting_id, const std::string& moderator_pw) {
  auto a = Call("end", {{"meetingID", meeting_id}, {"password", moderator_pw}});
  if (!a.ok()) return a.error();
  // Ending a meeting that is not running (everyone left) is no failure.
  if (!a->success && a->message_key != "notFound") {
    return Down(fmt::format("it refused to end the class ({})", a->message_key));
  }
  return OkStatus();
}

Result<std::vector<Recording>> BbbEngine::Recordings(const std::string& meeting_id) {
  auto a = Call("getRecordings", {{"meetingID", meeting_id}});
  if (!a.ok()) return a.error();
  if (!a->success) return Down(fmt::format("it refused the recordings ({})", a->message_key));
  return std::move(a->recordings);
}

std::string BbbEngine::JoinUrl(const JoinSpec& j) const {
  Params p{{"fullName", j.full_name},
           {"meetingID", j.meeting_id},
           {"password", j.password},
           {"userID", j.user_id},
           {"redirect", "true"}};
  if (j.create_time > 0) p.emplace_back("createTime", std::to_string(j.create_time));
  return SignedUrl(options_.api_url, options_.algo, options_.secret, "join", p);
}

}  // namespace pupitre::live
