#pragma once
// The notification seam: every event stream an open page holds (the waiting room's, the live
// view's, and the plain one of every other page, `/api/events`) is attached here with who it
// belongs to, and what concerns everyone reaches it through here: incidents, and "your attempt
// changed" (time added). The waiting room and the live view keep their own events on the same
// streams. Thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/mutex.h"
#include "exam/exam_service.h"
#include "http/server.h"
#include "notify/incidents.h"

namespace pupitre::api {

class NotifyHub {
 public:
  // How long a resolved incident is still shown (as resolved) to pages that open.
  static constexpr Millis kShowResolved = std::chrono::minutes(10);

  // REQUIRES: every argument outlives the hub.
  NotifyHub(const notify::IncidentBook& incidents, const exam::ExamService& exams,
            Metrics& metrics)
      : incidents_(incidents), exams_(exams), metrics_(metrics) {}

  // Attaches a page's stream: it gets an "incidents" event now (those that concern the caller),
  // then every incident event and attempt change that concerns them, until it closes.
  // `on_close` runs once the stream is found closed (by Sweep), if given.
  void Attach(const exam::Caller& caller, std::shared_ptr<http::EventStream> stream,
              std::function<void()> on_close = {});

  // An incident was posted or changed: an "incident" event to every page it concerns.
  void Incident(const notify::Incident& incident);
  // Attempts of `exam_id` changed (time was added): an "attempt" event to the pages of
  // `user_ids` (empty: of everyone concerned by the exam), which read their attempt again.
  void AttemptsChanged(const std::string& exam_id, const std::vector<int64_t>& user_ids);

  // An announcement was posted to a course's people (`course_id`), or to everyone (""): an
  // "announcement" event with `data` to each of their open pages.
  void Announcement(const std::string& course_id, const std::string& data);

  // Forgets the streams that closed. Call about once a second.
  void Sweep();
  size_t streams() const;

  // Who a caller's pages belong to (their courses and exams).
  notify::Audience AudienceOf(const exam::Caller& caller) const;
  // The JSON of the incidents that concern `audience` now (the "incidents" event's data).
  std::string CurrentJson(const notify::Audience& audience) const;

 private:
  struct Sub {
    notify::Audience audience;
    std::shared_ptr<http::EventStream> stream;
    std::function<void()> on_close;
  };
  const notify::IncidentBook& incidents_;
  const exam::ExamService& exams_;
  Metrics& metrics_;
  mutable Mutex mu_;
  std::vector<Sub> subs_ GUARDED_BY(mu_);
};

}  // namespace pupitre::api
