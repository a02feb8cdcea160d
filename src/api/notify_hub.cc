#include "api/notify_hub.h"

#include <boost/json.hpp>

#include <algorithm>
#include <unordered_set>

namespace pupitre::api {

namespace json = boost::json;

notify::Audience NotifyHub::AudienceOf(const exam::Caller& caller) const {
  notify::Audience a;
  a.user_id = caller.user_id;
  a.is_admin = caller.is_admin;
  if (caller.is_admin) return a;  // concerned by every incident
  for (const auto& c : exams_.CoursesOf(caller)) a.courses.insert(c.id);
  for (const auto& e : exams_.ExamsFor(caller)) {
    // A teacher sees every exam, but is concerned by those they act on.
    if (!caller.is_teacher || exams_.Manages(caller, e->spec->id)) a.exams.insert(e->spec->id);
  }
  return a;
}

std::string NotifyHub::CurrentJson(const notify::Audience& audience) const {
  json::array list;
  for (const auto& i : incidents_.Current(kShowResolved)) {
    if (notify::Reaches(i.scope, audience)) list.push_back(notify::IncidentJson(i, false));
  }
  return json::serialize(json::object{{"incidents", std::move(list)}});
}

void NotifyHub::Attach(const exam::Caller& caller, std::shared_ptr<http::EventStream> stream,
                       std::function<void()> on_close) {
  Sub s{AudienceOf(caller), std::move(stream), std::move(on_close)};
  bool pushed = false;
  {
    // The list and the subscription under one lock: an incident posted meanwhile is either in
    // the list or pushed after it (Incident() takes the same lock). Push only queues.
    MutexLock lock(mu_);
    pushed = s.stream->Push("incidents", CurrentJson(s.audience));
    if (pushed) {
      subs_.push_back(std::move(s));
      metrics_.notify_streams.store(static_cast<int64_t>(subs_.size()), std::memory_order_relaxed);
    }
  }
  if (!pushed && s.on_close) s.on_close();
}

void NotifyHub::Incident(const notify::Incident& incident) {
  const std::string data = json::serialize(notify::IncidentJson(incident, false));
  uint64_t sent = 0;
  MutexLock lock(mu_);
  for (const Sub& s : subs_) {
    if (notify::Reaches(incident.scope, s.audience) && s.stream->Push("incident", data)) ++sent;
  }
  metrics_.incident_deliveries.fetch_add(sent, std::memory_order_relaxed);
}

void NotifyHub::AttemptsChanged(const std::string& exam_id, const std::vector<int64_t>& user_ids) {
  const std::string data = json::serialize(json::object{{"exam_id", exam_id}});
  const std::unordered_set<int64_t> users(user_ids.begin(), user_ids.end());
  MutexLock lock(mu_);
  for (const Sub& s : subs_) {
    const bool concerned = users.empty() ? s.audience.exams.count(exam_id) > 0
                                         : users.count(s.audience.user_id) > 0;
    if (concerned) s.stream->Push("attempt", data);
  }
}

void NotifyHub::Announcement(const std::string& course_id, const std::string& data) {
  MutexLock lock(mu_);
  for (const Sub& s : subs_) {
    if (course_id.empty() || s.audience.is_admin || s.audience.courses.count(course_id) > 0) {
      s.stream->Push("announcement", data);
    }
  }
}

void NotifyHub::Sweep() {
  std::vector<std::function<void()>> closed;
  {
    MutexLock lock(mu_);
    auto gone = std::stable_partition(subs_.begin(), subs_.end(),
                                      [](const Sub& s) { return !s.stream->closed(); });
    for (auto it = gone; it != subs_.end(); ++it) {
      if (it->on_close) closed.push_back(std::move(it->on_close));
    }
    subs_.erase(gone, subs_.end());
    metrics_.notify_streams.store(static_cast<int64_t>(subs_.size()), std::memory_order_relaxed);
  }
  for (auto& f : closed) f();  // outside the lock: they write
}

size_t NotifyHub::streams() const {
  MutexLock lock(mu_);
  return subs_.size();
}

}  // namespace pupitre::api
