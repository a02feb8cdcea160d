#pragma once
// What the route files reach: the domain services and the process's shared pieces. Built once
// by Api; every route block receives it by reference.

#include <boost/asio/thread_pool.hpp>

#include <atomic>

#include "api/live_feed.h"
#include "api/notify_hub.h"
#include "api/room_feed.h"
#include "api/router.h"
#include "api/static_files.h"
#include "auth/accounts.h"
#include "cluster/ownership.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "config/config.h"
#include "course/course_space.h"
#include "course/announcements.h"
#include "course/homework.h"
#include "course/uploads.h"
#include "exam/answer_file.h"
#include "exam/exam_service.h"
#include "guard/admission.h"
#include "guard/course_door.h"
#include "guard/limits.h"
#include "guard/login_line.h"
#include "guard/proof_of_work.h"
#include "guard/safe_exam_browser.h"
#include "common/settings.h"
#include "common/time_zone.h"
#include "guard/work_queue.h"
#include "live/live_classes.h"
#include "notify/incidents.h"
#include "room/admissions.h"
#include "store/blob/blob_store.h"

namespace pupitre::sso {
class OidcRelyingParty;
}  // namespace pupitre::sso
namespace pupitre::lti {
class LtiTool;
}  // namespace pupitre::lti

namespace pupitre::bank {
class QuestionBank;
}  // namespace pupitre::bank

namespace pupitre::api {

struct Services {
  const Config& config;
  auth::Accounts& accounts;
  exam::ExamService& exams;
  guard::AdmissionController& guard;
  room::Admissions& admissions;
  RoomFeed& room_feed;
  LiveFeed& live_feed;
  const StaticFiles& files;
  Metrics& metrics;
  boost::asio::thread_pool& workers;  // blocking work: hashing, waits for durability
  guard::WorkQueue& hashing;          // logins waiting for a password check (on `workers`)
  guard::LoginThrottle& login_throttle;  // failed logins, per account and subnet, per address
  guard::LoginLine& login_line;          // logins beyond what hashing can do now: a place
  const Clock& clock;
  const std::atomic<bool>& ready;     // /readyz
  guard::AttackMode& attack;          // under-attack mode: the switch and the meter
  const guard::ProofOfWork& proof;    // its challenges and passes
  SettingsStore& settings;            // operator settings that outlive a restart
  notify::IncidentBook& incidents;    // what operators and teachers tell people
  NotifyHub& hub;                     // the open pages' event streams: how they are told
  guard::SafeExamBrowser& seb;        // exams that require Safe Exam Browser, and their keys
  const exam::AnswerFileKeys& answer_files;  // the exams' keys for encrypted answer files
  const TimeZone zone;                // the school's ([school] time_zone): times as people read them
  course::CourseSpace& courses;       // courses' sections and items
  course::Homeworks& homeworks;       // homework rules, hand-ins, grades
  course::Announcements& announcements;  // courses' and everyone's, and what each person read
  course::Uploads& uploads;           // uploads in progress, whose
  store::BlobStore& blobs;            // files: uploads' bytes and stored files
  live::LiveClasses& live;            // live classes: schedules, seats, attendance
  boost::asio::thread_pool& live_calls;  // calls to the video engine (they may block)
  guard::CourseDoor& door;            // the course space's door: a line when the platform is full
  cluster::Ownership* ownership;      // in a cluster: the exams this node holds (else nullptr)
  boost::asio::thread_pool& sso_calls;  // ticket checks, which wait on the provider (not `workers`)
  std::atomic<int>& sso_in_flight;      // sign-ins being checked now (bounded)
  std::atomic<int>& sso_logouts_in_flight;  // single logouts being looked up now (bounded apart)
  sso::OidcRelyingParty* oidc;          // OpenID Connect sign-in (nullptr: none)
  lti::LtiTool* lti;                    // launches from the school's LMS (nullptr: none)
  boost::asio::thread_pool& lti_calls;  // scores to the LMS (they wait on it), links kept
  bank::QuestionBank& bank;             // courses' question banks
};

// A route's handler as the route files write it: a function of the services and the request.
using RouteHandler = void (*)(Services& s, const ContextPtr& c);
inline RouteFn Bind(Services& s, RouteHandler f) {
  return [&s, f](const ContextPtr& c) { f(s, c); };
}

// The session cookie of a new session: it lives as long as the session. A remembered one
// outlives the browser (Max-Age); an ordinary one ends with it, or with the session.
std::string SessionCookie(Services& s, const ContextPtr& c, const auth::NewSession& session);

// The route blocks, one per domain (each in its own *_routes.cc file).
void RegisterOpsRoutes(Router& router, Services& s);      // health, readiness, metrics
void RegisterPageRoutes(Router& router, Services& s);     // the web interface's files
void RegisterAccountRoutes(Router& router, Services& s);  // login, logout, me, courses
void RegisterExamRoutes(Router& router, Services& s);     // exams: teachers' and students' views
void RegisterRoomRoutes(Router& router, Services& s);     // starting, waiting rooms, admission
void RegisterAttemptRoutes(Router& router, Services& s);  // an attempt: read, save, submit, grade
void RegisterAttackRoutes(Router& router, Services& s);   // under attack: passes, the switch
void RegisterIncidentRoutes(Router& router, Services& s);  // incidents, every page's stream
void RegisterSebRoutes(Router& router, Services& s);       // Safe Exam Browser requirements
void RegisterOutageRoutes(Router& router, Services& s);    // outages the operator answers
void RegisterAdminRoutes(Router& router, Services& s);     // accounts and course members
void RegisterCourseRoutes(Router& router, Services& s);    // the course space: sections, items
void RegisterUploadRoutes(Router& router, Services& s);    // resumable uploads (tus 1.0)
void RegisterHomeworkRoutes(Router& router, Services& s);  // hand-ins, receipts, grading
void RegisterAnnouncementRoutes(Router& router, Services& s);  // posted, pushed, read
void RegisterCalendarRoutes(Router& router, Services& s);  // due times and exams; .ics feeds
void RegisterLiveRoutes(Router& router, Services& s);      // live classes: join, end, attendance
void RegisterSsoRoutes(Router& router, Services& s);       // sign-in through the school's CAS
void RegisterOidcRoutes(Router& router, Services& s);      // ... through OpenID Connect
void RegisterLtiRoutes(Router& router, Services& s);       // LTI 1.3: launches from the LMS
void RegisterLtiScoreRoutes(Router& router, Services& s);  // ... and scores back to it
void RegisterBankRoutes(Router& router, Services& s);      // courses' question banks, exams from them

}  // namespace pupitre::api
