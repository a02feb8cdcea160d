#pragma once
// Pushes an exam's live figures (started, submitted, saving now, the latest submissions) to the
// teachers watching it, over server-sent events: the live view never needs reloading.
// Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "exam/exam_service.h"
#include "http/server.h"

namespace pupitre::api {

class LiveFeed {
 public:
  // REQUIRES: every argument outlives the feed.
  LiveFeed(exam::ExamService& exams, const auth::Accounts& accounts, const Clock& clock)
      : exams_(exams), accounts_(accounts), clock_(clock) {}

  // Sends a "live" event now, then whenever the figures change (checked once a second), and
  // at least every 15 s so that the page knows the stream is alive.
  void Subscribe(const std::string& exam_id, const exam::Caller& caller,
                 std::shared_ptr<http::EventStream> stream);

  // Sends what is due. Call every 100 ms or so.
  void Publish();

  // The JSON of the live view: the counts and the latest submissions (at most `recent`).
  std::string LiveJson(const exam::Caller& caller, const std::string& exam_id,
                       size_t recent) const;

 private:
  struct Sub {
    std::string exam_id;
    exam::Caller caller;
    std::shared_ptr<http::EventStream> stream;
    int64_t checked_ms = 0;
    int64_t sent_ms = 0;
    std::string last;
  };
  bool Update(Sub& s, int64_t now_ms);  // false when the subscription is over

  exam::ExamService& exams_;
  const auth::Accounts& accounts_;
  const Clock& clock_;
  std::mutex mu_;
  std::vector<Sub> subs_;
};

}  // namespace pupitre::api
