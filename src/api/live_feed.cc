#include "api/live_feed.h"

#include <boost/json.hpp>

#include <algorithm>

namespace pupitre::api {

namespace json = boost::json;

json::array LiveFeed::LatestSubmissions(const exam::Caller& caller,
                                        const std::string& exam_id) const {
  json::array latest;
  auto all = exams_.AttemptsOf(caller, exam_id);
  if (!all.ok()) return latest;
  std::vector<const exam::AttemptView*> done;
  for (const auto& v : *all) {
    if (v.state.status == exam::AttemptStatus::kSubmitted) done.push_back(&v);
  }
  std::sort(done.begin(), done.end(), [](auto* a, auto* b) {
    return a->state.submitted_ms > b->state.submitted_ms;
  });
  if (done.size() > kRecent) done.resize(kRecent);
  for (const auto* v : done) {
    auto user = accounts_.FindById(v->state.user_id);
    latest.push_back(json::object{{"attempt_id", v->state.id},
                                  {"login", user ? user->login : ""},
                                  {"name", user ? user->display_name : ""},
                                  {"submitted_ms", v->state.submitted_ms},
                                  {"auto_submitted", v->state.auto_submitted}});
  }
  return latest;
}

std::string LiveFeed::Compose(const exam::LiveCounts& live, const json::array& latest) {
  return json::serialize(json::object{{"enrolled", live.enrolled},
                                      {"started", live.started},
                                      {"in_progress", live.in_progress},
                                      {"submitted", live.submitted},
                                      {"saves_last_minute", live.saves_last_minute},
                                      {"latest_submissions", latest}});
}

Result<std::string> LiveFeed::LiveJson(const exam::Caller& caller,
                                       const std::string& exam_id) const {
  auto live = exams_.Live(caller, exam_id);
  if (!live.ok()) return live.take_error();
  return Compose(*live, LatestSubmissions(caller, exam_id));
}

bool LiveFeed::Update(Sub& s, int64_t now_ms) {
  if (s.stream->closed()) return false;
  if (now_ms - s.checked_ms < 1000) return true;
  s.checked_ms = now_ms;
  auto live = exams_.Live(s.caller, s.exam_id);
  if (!live.ok()) {
    s.stream->Close();
    return false;
  }
  // The latest submissions copy every attempt: only when the number submitted moved.
  if (live->submitted != s.latest_for) {
    s.latest = LatestSubmissions(s.caller, s.exam_id);
    s.latest_for = live->submitted;
  }
  std::string body = Compose(*live, s.latest);
  if (body == s.last && now_ms - s.sent_ms < 15'000) return true;
  s.sent_ms = now_ms;
  s.last = std::move(body);
  return s.stream->Push("live", s.last);
}

void LiveFeed::Subscribe(const std::string& exam_id, const exam::Caller& caller,
                         std::shared_ptr<http::EventStream> stream) {
  Sub s;
  s.exam_id = exam_id;
  s.caller = caller;
  s.stream = std::move(stream);
  if (!Update(s, ToUnixMs(clock_.Now()))) return;
  std::lock_guard lock(mu_);
  subs_.push_back(std::move(s));
}

void LiveFeed::Publish() {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  std::lock_guard lock(mu_);
  subs_.erase(std::remove_if(subs_.begin(), subs_.end(),
                             [&](Sub& s) { return !Update(s, now_ms); }),
              subs_.end());
}

}  // namespace pupitre::api
