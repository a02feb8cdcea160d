#pragma once
// Pushes an exam's live figures (started, submitted, saving now, the latest submissions) to the
// teachers watching it, over server-sent events: the live view never needs reloading.
// Thread-safe.

#include <boost/json/array.hpp>

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

  // The JSON of the live view: the counts and the latest submissions (at most kRecent), or
  // the reason the caller may not see it.
  Result<std::string> LiveJson(const exam::Caller& caller, const std::string& exam_id) const;

  static constexpr size_t kRecent = 20;

 private:
  struct Sub {
    std::string exam_id;
    exam::Caller caller;
    std::shared_ptr<http::EventStream> stream;
    int64_t checked_ms = 0;
    int64_t sent_ms = 0;
    std::string last;
    boost::json::array latest;  // the latest submissions, computed when
    int64_t latest_for = -1;    // the number submitted was this
  };
  bool Update(Sub& s, int64_t now_ms);  // false when the subscription is over
  boost::json::array LatestSubmissions(const exam::Caller& caller,
                                       const std::string& exam_id) const;
  static std::string Compose(const exam::LiveCounts& live, const boost::json::array& latest);

  exam::ExamService& exams_;
  const auth::Accounts& accounts_;
  const Clock& clock_;
  std::mutex mu_;
  std::vector<Sub> subs_;
};

}  // namespace pupitre::api
