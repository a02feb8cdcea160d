#include "live/bbb_engine.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace pupitre::live {

namespace {

constexpr size_t kMaxAnswerBytes = 4 << 20;  // a long list of recordings still fits

size_t Collect(char* data, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() + size * n > kMaxAnswerBytes) return 0;  // too long: the transfer fails
  s->append(data, size * n);
  return size * n;
}

Error Down(std::string_view why) {
  return Error::Unavailable(fmt::format("the video server does not answer: {}", why))
      .Because("live_engine_down");
}

}  // namespace

BbbEngine::BbbEngine(BbbOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<Answer> BbbEngine::Call(std::string_view call, const Params& params) {
  const std::string url = SignedUrl(options_.api_url, options_.algo, options_.secret, call, params);
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Down("no HTTP client");
  std::string body;
  char why[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, why);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<int64_t>(options_.timeout_ms, 3'000)));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // timeouts without signals, in threads
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  const CURLcode rc = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status != 200) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    const std::string reason =
        rc != CURLE_OK ? (why[0] ? std::string(why) : curl_easy_strerror(rc))
                       : fmt::format("HTTP status {}", status);
    spdlog::warn("live: {} call to the video server failed: {}", call, reason);
    return Down(reason);
  }
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
