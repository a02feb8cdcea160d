#pragma once
// The JSON API: routes, authentication and CSRF checks, and the translation between HTTP and
// the domain services. No SQL and no business rules here. Documented in docs/api.md.

#include <boost/asio/thread_pool.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "common/metrics.h"
#include "config/config.h"
#include "exam/exam_service.h"
#include "guard/admission.h"
#include "api/live_feed.h"
#include "api/room_feed.h"
#include "api/static_files.h"
#include "guard/waiting_rooms.h"
#include "http/server.h"

namespace pupitre::api {

struct Context;

class Api {
 public:
  // REQUIRES: every argument outlives the Api. `workers` runs slow work (password hashing);
  // `guard` decides which requests run now, wait or are refused.
  Api(const Config& config, auth::Accounts& accounts, exam::ExamService& exams,
      guard::AdmissionController& guard, guard::WaitingRooms& rooms, RoomFeed& feed,
      Metrics& metrics, boost::asio::thread_pool& workers, const Clock& clock);

  // The server's handler and per-route body limit.
  void Handle(http::Request&& req, const http::RequestInfo& info, http::Responder responder);
  uint64_t BodyLimit(const http::RequestHeader& header) const;

  // Pushes what is due to the teachers' live views. Call every 100 ms or so.
  void PublishLive() { live_.Publish(); }

  // /readyz answers 503 until set, and again once shutdown begins.
  void SetReady(bool ready) { ready_ = ready; }

 private:
  enum class Access { kPublic, kUser, kTeacher, kStudent, kAdmin };
  // How a route is admitted: never queued (health probes), or by the guard in a class.
  // How a route is classified (see Classify): kCritical is for routes whose first parameter is
  // an attempt id, kPaper for an exam's paper; both are critical only for the student whose
  // attempt is in progress.
  enum class Admission {
    kExempt, kCritical, kPaper, kExamStart, kStatus, kInteractive, kLogin, kBackground
  };
  using Fn = void (Api::*)(const std::shared_ptr<Context>&);
  struct Route {
    boost::beast::http::verb method;
    std::vector<std::string> segments;  // "*" matches one segment, captured in order
    std::string name;                   // the metrics label
    Access access;
    Admission admission;
    bool large_body;
    Fn fn;
    std::shared_ptr<RouteStats> stats;  // its request counters and latency
  };
  guard::Priority Classify(const Route& r, const Context& c) const;
  void Dispatch(const Route& r, const std::shared_ptr<Context>& c);
  const Route* Match(boost::beast::http::verb method, std::string_view path,
                     std::vector<std::string>* params, bool* path_matched) const;

  void Healthz(const std::shared_ptr<Context>& c);
  void Readyz(const std::shared_ptr<Context>& c);
  void MetricsText(const std::shared_ptr<Context>& c);
  void Home(const std::shared_ptr<Context>& c);
  void Static(const std::shared_ptr<Context>& c);
  void ServeFile(const std::shared_ptr<Context>& c, const StaticFile& f, bool immutable);
  void Login(const std::shared_ptr<Context>& c);
  void Logout(const std::shared_ptr<Context>& c);
  void Me(const std::shared_ptr<Context>& c);
  void Courses(const std::shared_ptr<Context>& c);
  void ListExams(const std::shared_ptr<Context>& c);
  void ImportExam(const std::shared_ptr<Context>& c);
  void GetExam(const std::shared_ptr<Context>& c);
  void Publish(const std::shared_ptr<Context>& c);
  void Settings(const std::shared_ptr<Context>& c);
  void LiveEvents(const std::shared_ptr<Context>& c);
  void ExtraTime(const std::shared_ptr<Context>& c);
  void Release(const std::shared_ptr<Context>& c);
  void Live(const std::shared_ptr<Context>& c);
  void ExamAttempts(const std::shared_ptr<Context>& c);
  void ResultsCsv(const std::shared_ptr<Context>& c);
  void Paper(const std::shared_ptr<Context>& c);
  void Start(const std::shared_ptr<Context>& c);
  void WaitingRoomStatus(const std::shared_ptr<Context>& c);
  void WaitingRoomEvents(const std::shared_ptr<Context>& c);
  void ListAdmission(const std::shared_ptr<Context>& c);
  void GetAdmission(const std::shared_ptr<Context>& c);
  void SetAdmission(const std::shared_ptr<Context>& c);
  void LetThrough(const std::shared_ptr<Context>& c);
  void ExtendWindow(const std::shared_ptr<Context>& c);
  void StartAttempt(const std::shared_ptr<Context>& c, const std::string& exam_id);
  // The waiting room a student belongs to for an exam: their wave's, opening at its start.
  struct RoomRef {
    std::string key;
    TimePoint opens;
    exam::WaveAssignment wave;
  };
  RoomRef RoomOf(const exam::ExamEntry& e, int64_t user_id) const;
  // The caller's room for the exam of the route, checking any X-Waiting-Ticket they sent.
  Result<RoomRef> CallersRoom(const Context& c) const;
  // The ticket sent in X-Waiting-Ticket, if any; kForbidden if forged or not the caller's.
  Result<std::optional<guard::Ticket>> CallersTicket(const Context& c, const RoomRef& room) const;
  // A place as the waiting page reads it: with the room's opening, wave, and "restoring".
  boost::json::value RoomPlaceJson(const guard::RoomEntry& entry, const RoomRef& room) const;
  void GetAttempt(const std::shared_ptr<Context>& c);
  void SaveAnswer(const std::shared_ptr<Context>& c);
  void Submit(const std::shared_ptr<Context>& c);
  void Grade(const std::shared_ptr<Context>& c);

  const Config& config_;
  auth::Accounts& accounts_;
  exam::ExamService& exams_;
  guard::AdmissionController& guard_;
  guard::WaitingRooms& rooms_;
  RoomFeed& feed_;
  Metrics& metrics_;
  boost::asio::thread_pool& workers_;
  const Clock& clock_;
  StaticFiles files_;
  LiveFeed live_;
  // Requests that match no route (404, 405), counted together whatever their method.
  std::unique_ptr<RouteStats> unmatched_;
  // Critical requests in flight per user (striped by user id): a page has one or two; past
  // kCriticalPerUser, a user's requests lose the critical class (they are queued and may be
  // refused like any other), so a script flooding its own attempt cannot bypass the guard.
  static constexpr int32_t kCriticalPerUser = 8;
  static constexpr size_t kCriticalStripes = 1 << 16;
  std::unique_ptr<std::atomic<int32_t>[]> critical_in_flight_;
  std::atomic<int32_t>& CriticalSlot(int64_t user_id) const {
    return critical_in_flight_[static_cast<uint64_t>(user_id) % kCriticalStripes];
  }
  std::vector<Route> routes_;
  std::atomic<bool> ready_{false};
};

}  // namespace pupitre::api
