#include "exam/exam_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "import/toml/exam_toml.h"
#include "exam/results_csv.h"
#include "testkit/child_server.h"
#include "testkit/controlled_backend.h"
#include "testkit/fake_clock.h"
#include "testkit/domain.h"

namespace pupitre::exam {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr auto kWait = seconds(10);  // a bound on every wait, never a sleep
constexpr int64_t kMinute = 60'000;
constexpr int64_t kOpensMs = 1'795'420'800'000;         // 2026-11-23T08:00:00Z
constexpr int64_t kClosesMs = kOpensMs + 240 * kMinute;  // 2026-11-23T12:00:00Z
constexpr int64_t kStartMs = kOpensMs + 60 * kMinute;    // the fake clock starts at 09:00
constexpr int64_t kDurationMs = 30 * kMinute;
constexpr Millis kGrace{10'000};

constexpr const char* kExamId = "geo-final";
constexpr const char* kExamToml = R"toml(
[exam]
id = "geo-final"
title = "Geography final"
course = "geo-101"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 30

[[question]]
id = "capital"
type = "single"
text = "What is the capital of Australia?"
options = ["Sydney", "Canberra", "Perth"]
answer = 1

[[question]]
id = "explain"
type = "essay"
text = "Explain why."
points = 3
)toml";

const Caller kTeacher{100, true};
const Caller kAlice{1, false};
const Caller kBob{2, false};
const Caller kCarol{3, false};
const Caller kStranger{4, false};  // not enrolled in the course

boost::json::value Json(const char* text) { return boost::json::parse(text); }

using testkit::Await;  // waits (boundedly) for a callback's value

using testkit::TempDir;  // a fresh directory under /tmp, removed at the end

using testkit::ControlledBackend;  // the real SQLite backend inside, with fault switches

// Every batch that creates an attempt fails (disk full), or none.
void FailCreateAttempts(ControlledBackend& backend, bool on) {
  if (!on) return backend.FailWhen(nullptr);
  backend.FailWhen([](const store::WriteOp& op) {
    return std::holds_alternative<store::op::CreateAttempt>(op) ? "disk full (injected)" : "";
  });
}

class ExamServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenAll();
    ASSERT_TRUE(service_->PutCourse({"geo-101", "Geography", ""}).ok());
    ASSERT_TRUE(service_->Enrol("geo-101", {kAlice.user_id, kBob.user_id, kCarol.user_id}).ok());
    ASSERT_TRUE(service_->AddTeachers("geo-101", {kTeacher.user_id}).ok());
    auto imported = Import(kTeacher, kExamToml);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    auto published = Publish(kTeacher, kExamId);
    ASSERT_TRUE(published.ok()) << published.error().message;
  }

  void TearDown() override { CloseAll(); }

  // Opens the store in the temporary directory and builds a writer and a service on it.
  void OpenAll() {
    auto sqlite = store::OpenSqlite(dir_.path());
    ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
    backend_ = std::make_unique<ControlledBackend>(std::move(*sqlite));
    metrics_ = std::make_unique<Metrics>();
    writer_ = std::make_unique<store::Writer>(*backend_, *metrics_, 256, 10'000);
    service_ = std::make_unique<ExamService>(*writer_, clock_, kGrace, *metrics_);
  }

  // The writer stops first: completions still queued call into the service.
  void CloseAll() {
    if (writer_) writer_->Stop();
    service_.reset();
    writer_.reset();
    backend_.reset();
    metrics_.reset();
  }

  // What a restarted process does: a new store connection, writer and service, filled from
  // what was durable.
  std::vector<std::string> Restart() {
    CloseAll();
    OpenAll();
    auto snapshot = backend_->LoadAll();
    EXPECT_TRUE(snapshot.ok()) << snapshot.error().message;
    if (!snapshot.ok()) return {"LoadAll failed"};
    return service_->Load(*snapshot);
  }

  // Waits until everything queued so far is committed.
  void Flush() { ASSERT_TRUE(writer_->WriteNow({store::op::Barrier{}}).ok()); }

  Result<std::shared_ptr<const ExamEntry>> Import(const Caller& c, const std::string& toml) {
    return Await<Result<std::shared_ptr<const ExamEntry>>>(
        [&](auto done) { importers::ImportTomlExam(*service_, c, toml, done); });
  }
  Result<std::shared_ptr<const ExamEntry>> Publish(const Caller& c, const std::string& id) {
    return Await<Result<std::shared_ptr<const ExamEntry>>>(
        [&](auto done) { service_->Publish(c, id, done); });
  }
  Result<AttemptView> Start(const Caller& c) {
    return Await<Result<AttemptView>>([&](auto done) { service_->Start(c, kExamId, done); });
  }
  // Starts and returns the attempt id, or 0 (with a test failure).
  int64_t StartId(const Caller& c) {
    auto r = Start(c);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->state.id : 0;
  }
  Result<SaveAck> Save(const Caller& c, int64_t attempt, const std::string& q, int64_t seq,
                       const boost::json::value& answer) {
    return Await<Result<SaveAck>>(
        [&](auto done) { service_->Save(c, attempt, q, seq, answer, done); });
  }
  Result<AttemptView> Submit(const Caller& c, int64_t attempt) {
    return Await<Result<AttemptView>>([&](auto done) { service_->Submit(c, attempt, done); });
  }
  Status SetExtraTime(const Caller& c, int64_t user, Millis extra) {
    return Await<Status>(
        [&](auto done) { service_->SetExtraTime(c, kExamId, user, extra, done); });
  }
  Status Grade(const Caller& c, int64_t attempt, const std::string& q, double points) {
    return Await<Status>([&](auto done) { service_->GradeEssay(c, attempt, q, points, done); });
  }
  // The answer held for `q` in memory, as JSON text, or "" when there is none.
  std::string HeldAnswer(int64_t attempt, const std::string& q, int64_t* seq = nullptr) {
    auto v = service_->GetAttempt(kTeacher, attempt);
    EXPECT_TRUE(v.ok());
    if (!v.ok()) return "";
    auto it = v->state.answers.find(q);
    if (it == v->state.answers.end()) return "";
    if (seq) *seq = it->second.seq;
    return it->second.value_json;
  }

  TempDir dir_;
  FakeClock clock_{FromUnixMs(kStartMs)};
  std::unique_ptr<ControlledBackend> backend_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<ExamService> service_;
};

// ------------------------------------------------------------------ starting

TEST_F(ExamServiceTest, StartIsIdempotent) {
  auto first = Start(kAlice);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->state.user_id, kAlice.user_id);
  EXPECT_EQ(first->state.exam_id, kExamId);
  EXPECT_EQ(first->state.status, AttemptStatus::kInProgress);
  ASSERT_TRUE(first->spec);
  EXPECT_EQ(first->order.questions.size(), 2u);

  clock_.Advance(minutes(5));
  auto second = Start(kAlice);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->state.id, first->state.id) << "a second start must return the same attempt";
  EXPECT_EQ(second->state.started_ms, first->state.started_ms) << "the clock must not restart";
  EXPECT_EQ(second->state.seed, first->state.seed);
  EXPECT_EQ(service_->AttemptIdOf(kExamId, kAlice.user_id), first->state.id);
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 1) << "one attempt, counted once";

  auto other = Start(kBob);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->state.id, first->state.id);
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 2);
}

TEST_F(ExamServiceTest, StartOutsideTheWindowIsAConflict) {
  clock_.Set(FromUnixMs(kOpensMs - 1));
  auto early = Start(kAlice);
  ASSERT_FALSE(early.ok()) << "started before the window opened";
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);

  clock_.Set(FromUnixMs(kClosesMs));
  auto late = Start(kAlice);
  ASSERT_FALSE(late.ok()) << "started when the window had closed";
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);

  EXPECT_FALSE(service_->AttemptIdOf(kExamId, kAlice.user_id).has_value());
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 0);

  clock_.Set(FromUnixMs(kOpensMs));
  EXPECT_TRUE(Start(kAlice).ok()) << "the window's opening instant is inside it";
}

TEST_F(ExamServiceTest, StrangerCannotStart) {
  auto r = Start(kStranger);
  ASSERT_FALSE(r.ok()) << "a student outside the course started the exam";
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(ExamServiceTest, DeadlineIsStartPlusDurationCappedByClose) {
  auto a = Start(kAlice);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state.started_ms, kStartMs);
  EXPECT_EQ(a->state.deadline_ms, kStartMs + kDurationMs);

  clock_.Set(FromUnixMs(kClosesMs - 10 * kMinute));
  auto b = Start(kBob);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->state.deadline_ms, kClosesMs) << "no attempt may outlast the window";
}

TEST_F(ExamServiceTest, TimeAddedNowMovesRunningDeadlinesAndIsKeptEvenTwiceInOneMillisecond) {
  auto a = Start(kAlice);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(service_->AddTimeNow(kAlice, kExamId, {}, minutes(5)).ok()) << "students may not";
  EXPECT_FALSE(service_->AddTimeNow(kTeacher, kExamId, {}, Millis(0)).ok());
  // Two grants at the same instant (the fake clock does not move): both count, both are kept.
  ASSERT_EQ(*service_->AddTimeNow(kTeacher, kExamId, {}, minutes(5)), 1);
  ASSERT_EQ(*service_->AddTimeNow(kTeacher, kExamId, {kAlice.user_id}, minutes(5)), 1);
  EXPECT_EQ(*service_->AddTimeNow(kTeacher, kExamId, {kBob.user_id}, minutes(5)), 0)
      << "Bob has not started";
  auto v = service_->GetAttempt(kAlice, a->state.id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state.deadline_ms, a->state.deadline_ms + 10 * kMinute);
  ASSERT_EQ(v->state.time_added.size(), 2u);
  Restart();
  v = service_->GetAttempt(kAlice, a->state.id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state.deadline_ms, a->state.deadline_ms + 10 * kMinute);
  EXPECT_EQ(v->state.time_added.size(), 2u) << "both grants are in the store";
}

TEST_F(ExamServiceTest, ExtraTimeExtendsTheDeadline) {
  ASSERT_TRUE(SetExtraTime(kTeacher, kBob.user_id, minutes(15)).ok());
  EXPECT_EQ(service_->ExtraTimeOf(kExamId, kBob.user_id), minutes(15));
  EXPECT_EQ(service_->ExtraTimeOf(kExamId, kAlice.user_id), Millis(0));

  auto b = Start(kBob);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->state.deadline_ms, kStartMs + kDurationMs + 15 * kMinute);
  auto a = Start(kAlice);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state.deadline_ms, kStartMs + kDurationMs) << "extra time is per student";

  // Extra time is capped by the window too.
  ASSERT_TRUE(SetExtraTime(kTeacher, kCarol.user_id, minutes(60)).ok());
  clock_.Set(FromUnixMs(kClosesMs - 40 * kMinute));
  auto c = Start(kCarol);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state.deadline_ms, kClosesMs);
}

TEST_F(ExamServiceTest, ExtraTimeRules) {
  Status student = SetExtraTime(kAlice, kBob.user_id, minutes(5));
  ASSERT_FALSE(student.ok());
  EXPECT_EQ(student.error().code, ErrorCode::kForbidden);
  Status negative = SetExtraTime(kTeacher, kBob.user_id, Millis(-1));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalid);
  ASSERT_TRUE(Start(kAlice).ok());
  Status after_start = SetExtraTime(kTeacher, kAlice.user_id, minutes(5));
  ASSERT_FALSE(after_start.ok()) << "extra time given after the start would not apply";
  EXPECT_EQ(after_start.error().code, ErrorCode::kConflict);
}

// ------------------------------------------------------------------ saving

TEST_F(ExamServiceTest, ReplayedSaveIsNotAppliedAgain) {
  int64_t id = StartId(kAlice);
  auto first = Save(kAlice, id, "capital", 1, Json("1"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->applied);
  EXPECT_EQ(first->seq, 1);
  EXPECT_EQ(metrics_->answers_saved.load(), 1u);

  auto replay = Save(kAlice, id, "capital", 1, Json("2"));
  ASSERT_TRUE(replay.ok()) << "a replay is a success: " << replay.error().message;
  EXPECT_FALSE(replay->applied);
  EXPECT_EQ(replay->seq, 1);
  int64_t held_seq = 0;
  EXPECT_EQ(HeldAnswer(id, "capital", &held_seq), "1") << "a replay must change nothing";
  EXPECT_EQ(held_seq, 1);
  EXPECT_EQ(metrics_->answers_saved.load(), 1u);
}

TEST_F(ExamServiceTest, OlderSaveDoesNotGoBackInTime) {
  int64_t id = StartId(kAlice);
  ASSERT_TRUE(Save(kAlice, id, "capital", 5, Json("1")).ok());
  auto older = Save(kAlice, id, "capital", 3, Json("0"));
  ASSERT_TRUE(older.ok()) << older.error().message;
  EXPECT_FALSE(older->applied);
  EXPECT_EQ(older->seq, 5) << "the ack must tell the sequence number actually held";
  int64_t held_seq = 0;
  EXPECT_EQ(HeldAnswer(id, "capital", &held_seq), "1");
  EXPECT_EQ(held_seq, 5);

  auto newer = Save(kAlice, id, "capital", 6, Json("2"));
  ASSERT_TRUE(newer.ok());
  EXPECT_TRUE(newer->applied);
  EXPECT_EQ(HeldAnswer(id, "capital"), "2");
}

TEST_F(ExamServiceTest, BadSavesAreRefused) {
  int64_t id = StartId(kAlice);
  auto unknown = Save(kAlice, id, "nope", 1, Json("1"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto malformed = Save(kAlice, id, "capital", 1, Json("\"Canberra\""));
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalid);
  auto zero_seq = Save(kAlice, id, "capital", 0, Json("1"));
  ASSERT_FALSE(zero_seq.ok());
  EXPECT_EQ(zero_seq.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(HeldAnswer(id, "capital"), "");
}

TEST_F(ExamServiceTest, SaveWithinGraceIsAcceptedAfterItIsRefused) {
  int64_t id = StartId(kAlice);
  const int64_t deadline = kStartMs + kDurationMs;

  clock_.Set(FromUnixMs(deadline + 1));
  auto late_in_grace = Save(kAlice, id, "capital", 1, Json("0"));
  EXPECT_TRUE(late_in_grace.ok()) << "a save in flight at the deadline is within the grace";

  clock_.Set(FromUnixMs(deadline + kGrace.count()));
  auto grace_end = Save(kAlice, id, "capital", 2, Json("1"));
  EXPECT_TRUE(grace_end.ok()) << "the last instant of the grace still counts";

  clock_.Set(FromUnixMs(deadline + kGrace.count() + 1));
  auto too_late = Save(kAlice, id, "capital", 3, Json("2"));
  ASSERT_FALSE(too_late.ok()) << "a save after deadline + grace was accepted";
  EXPECT_EQ(too_late.error().code, ErrorCode::kDeadlinePassed);
  EXPECT_EQ(HeldAnswer(id, "capital"), "1");
}

TEST_F(ExamServiceTest, NobodyElseCanSaveIntoOrReadAnAttempt) {
  int64_t id = StartId(kAlice);
  ASSERT_TRUE(Save(kAlice, id, "capital", 1, Json("1")).ok());
  ASSERT_TRUE(Start(kBob).ok());

  auto save = Save(kBob, id, "capital", 2, Json("0"));
  ASSERT_FALSE(save.ok()) << "Bob saved into Alice's attempt";
  EXPECT_EQ(save.error().code, ErrorCode::kNotFound);
  auto read = service_->GetAttempt(kBob, id);
  ASSERT_FALSE(read.ok()) << "Bob read Alice's attempt";
  EXPECT_EQ(read.error().code, ErrorCode::kNotFound);
  auto submit = Submit(kBob, id);
  ASSERT_FALSE(submit.ok()) << "Bob submitted Alice's attempt";
  EXPECT_EQ(submit.error().code, ErrorCode::kNotFound);

  EXPECT_EQ(HeldAnswer(id, "capital"), "1");
  auto own = service_->GetAttempt(kAlice, id);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->state.status, AttemptStatus::kInProgress);
  EXPECT_TRUE(service_->GetAttempt(kTeacher, id).ok()) << "teachers see every attempt";

  auto missing = service_->GetAttempt(kAlice, id + 1000);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// ------------------------------------------------------------------ submitting

TEST_F(ExamServiceTest, SaveAfterSubmitIsAConflict) {
  int64_t id = StartId(kAlice);
  ASSERT_TRUE(Save(kAlice, id, "capital", 1, Json("1")).ok());
  clock_.Advance(minutes(3));
  auto submitted = Submit(kAlice, id);
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(submitted->state.status, AttemptStatus::kSubmitted);
  EXPECT_EQ(submitted->state.submitted_ms, kStartMs + 3 * kMinute);
  EXPECT_FALSE(submitted->state.auto_submitted);
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 0);
  EXPECT_EQ(metrics_->attempts_submitted.load(), 1u);

  auto save = Save(kAlice, id, "capital", 2, Json("0"));
  ASSERT_FALSE(save.ok()) << "a save after submission was accepted";
  EXPECT_EQ(save.error().code, ErrorCode::kConflict);
  EXPECT_EQ(HeldAnswer(id, "capital"), "1");

  clock_.Advance(minutes(1));
  auto again = Submit(kAlice, id);
  ASSERT_TRUE(again.ok()) << "submitting twice is idempotent";
  EXPECT_EQ(again->state.submitted_ms, kStartMs + 3 * kMinute);
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 0) << "a second submit must not count again";
}

TEST_F(ExamServiceTest, AutoSubmitTakesExactlyTheAttemptsPastDeadlineAndGrace) {
  const int64_t alice = StartId(kAlice);  // deadline 09:30
  clock_.Advance(minutes(10));
  const int64_t bob = StartId(kBob);  // deadline 09:40
  const int64_t carol = StartId(kCarol);
  ASSERT_TRUE(Submit(kCarol, carol).ok());
  ASSERT_EQ(metrics_->attempts_in_progress.load(), 2);

  clock_.Set(FromUnixMs(kStartMs + kDurationMs + kGrace.count()));
  EXPECT_EQ(service_->AutoSubmitDue(), 0) << "still within Alice's grace";

  clock_.Advance(Millis(1));
  EXPECT_EQ(service_->AutoSubmitDue(), 1) << "only Alice is past her deadline and grace";
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 1);
  EXPECT_EQ(service_->AutoSubmitDue(), 0) << "an attempt is auto-submitted once";

  auto a = service_->GetAttempt(kAlice, alice);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state.status, AttemptStatus::kSubmitted);
  EXPECT_TRUE(a->state.auto_submitted);
  EXPECT_EQ(a->state.submitted_ms, kStartMs + kDurationMs) << "submitted as of its deadline";
  auto b = service_->GetAttempt(kBob, bob);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->state.status, AttemptStatus::kInProgress);
  auto c = service_->GetAttempt(kCarol, carol);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->state.auto_submitted) << "a submitted attempt is left alone";

  clock_.Set(FromUnixMs(kStartMs + 10 * kMinute + kDurationMs + kGrace.count() + 1));
  EXPECT_EQ(service_->AutoSubmitDue(), 1);
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 0);
  Flush();
  EXPECT_EQ(metrics_->attempts_submitted.load(), 3u);

  auto live = service_->Live(kTeacher, kExamId);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->enrolled, 3);
  EXPECT_EQ(live->started, 3);
  EXPECT_EQ(live->submitted, 3);
  EXPECT_EQ(live->in_progress, 0);
}

TEST_F(ExamServiceTest, LiveSavesCountOnlyThisExamsSavesOfTheLastMinute) {
  // A second exam of the same course, taken by Bob while Alice takes the first.
  std::string other = kExamToml;
  other.replace(other.find("geo-final"), 9, "geo-resit");
  ASSERT_TRUE(Import(kTeacher, other).ok());
  ASSERT_TRUE(Publish(kTeacher, "geo-resit").ok());
  const int64_t alice = StartId(kAlice);
  auto bob = Await<Result<AttemptView>>([&](auto done) { service_->Start(kBob, "geo-resit", done); });
  ASSERT_TRUE(bob.ok()) << bob.error().message;
  ASSERT_TRUE(Save(kAlice, alice, "capital", 1, Json("1")).ok());
  for (int seq = 1; seq <= 3; ++seq) {
    ASSERT_TRUE(Save(kBob, bob->state.id, "capital", seq, Json("2")).ok());
  }
  auto live = service_->Live(kTeacher, kExamId);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->saves_last_minute, 1) << "another exam's saves were counted";
  auto resit = service_->Live(kTeacher, "geo-resit");
  ASSERT_TRUE(resit.ok());
  EXPECT_EQ(resit->saves_last_minute, 3);

  clock_.Set(FromUnixMs(kStartMs + kMinute + 1'000));
  live = service_->Live(kTeacher, kExamId);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->saves_last_minute, 0) << "a save older than a minute was counted";
}

// ------------------------------------------------------------------ paper and grading

TEST_F(ExamServiceTest, PaperOnlyAfterStarting) {
  auto before = service_->PaperFor(kAlice, kExamId);
  ASSERT_FALSE(before.ok()) << "the paper was shown before the start";
  EXPECT_EQ(before.error().code, ErrorCode::kForbidden);

  auto stranger = service_->PaperFor(kStranger, kExamId);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(Start(kAlice).ok());
  auto after = service_->PaperFor(kAlice, kExamId);
  ASSERT_TRUE(after.ok()) << after.error().message;
  ASSERT_TRUE(after->json);
  EXPECT_THAT(*after->json, HasSubstr("capital of Australia"));
  EXPECT_THAT(*after->json, Not(HasSubstr("\"answer\"")));
  EXPECT_FALSE(after->etag.empty());

  EXPECT_TRUE(service_->PaperFor(kTeacher, kExamId).ok()) << "teachers need no attempt";
  EXPECT_FALSE(service_->PaperFor(kBob, kExamId).ok()) << "Alice's start is not Bob's";
}

TEST_F(ExamServiceTest, EssayIsGradedOnlyAfterSubmitAndWithinItsPoints) {
  int64_t id = StartId(kAlice);
  ASSERT_TRUE(Save(kAlice, id, "explain", 1, Json("\"Because of the treaty.\"")).ok());

  Status early = Grade(kTeacher, id, "explain", 2);
  ASSERT_FALSE(early.ok()) << "graded an attempt still in progress";
  EXPECT_EQ(early.error().code, ErrorCode::kConflict);

  ASSERT_TRUE(Submit(kAlice, id).ok());
  Status by_student = Grade(kAlice, id, "explain", 3);
  ASSERT_FALSE(by_student.ok());
  EXPECT_EQ(by_student.error().code, ErrorCode::kForbidden);
  for (double bad : {-0.5, 3.5}) {
    Status s = Grade(kTeacher, id, "explain", bad);
    ASSERT_FALSE(s.ok()) << bad << " points accepted for a 3-point essay";
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  }
  Status not_essay = Grade(kTeacher, id, "capital", 1);
  ASSERT_FALSE(not_essay.ok());
  EXPECT_EQ(not_essay.error().code, ErrorCode::kConflict);
  Status no_question = Grade(kTeacher, id, "nope", 1);
  ASSERT_FALSE(no_question.ok());
  EXPECT_EQ(no_question.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(Grade(kTeacher, id, "explain", 0).ok()) << "0 is a valid grade";
  ASSERT_TRUE(Grade(kTeacher, id, "explain", 3).ok()) << "full marks are a valid grade";
  auto all = service_->AttemptsOf(kTeacher, kExamId);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_DOUBLE_EQ((*all)[0].state.manual_points.at("explain"), 3.0);
}

TEST_F(ExamServiceTest, CommentsAreTheTeachersOnASubmittedAttemptAndSurviveARestart) {
  const int64_t id = StartId(kAlice);
  auto comment = [&](const Caller& c, const std::string& q, std::string text) {
    return Await<Status>([&](auto done) { service_->SetComment(c, id, q, text, done); });
  };
  EXPECT_EQ(comment(kTeacher, "capital", "Right.").error().code, ErrorCode::kConflict)
      << "a comment on an attempt still being taken";
  ASSERT_TRUE(Submit(kAlice, id).ok());
  EXPECT_EQ(comment(kAlice, "capital", "I agree").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(comment(kTeacher, "nope", "?").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(comment(kTeacher, "", std::string(ExamService::kMaxCommentBytes + 1, 'a')).error().code,
            ErrorCode::kInvalid);
  EXPECT_EQ(comment(kTeacher, "", "bell\a").error().code, ErrorCode::kInvalid);
  ASSERT_TRUE(comment(kTeacher, "capital", "Canberra was chosen as a compromise.").ok());
  ASSERT_TRUE(comment(kTeacher, "", "Good work.\nKeep going.").ok());
  ASSERT_TRUE(comment(kTeacher, "explain", "to be removed").ok());
  ASSERT_TRUE(comment(kTeacher, "explain", "").ok());

  Restart();
  auto a = service_->GetAttempt(kAlice, id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->state.comments,
            (std::map<std::string, std::string>{{"", "Good work.\nKeep going."},
                                                {"capital", "Canberra was chosen as a compromise."}}));
}

TEST_F(ExamServiceTest, AGradebookShowsEachStudentInEachPublishedExamOfTheCourse) {
  const int64_t alice = StartId(kAlice);
  ASSERT_TRUE(Save(kAlice, alice, "capital", 1, Json("1")).ok());
  ASSERT_TRUE(Save(kAlice, alice, "explain", 1, Json("\"Because.\"")).ok());
  ASSERT_TRUE(Submit(kAlice, alice).ok());
  StartId(kBob);  // still taking it
  // A draft of the same course is not in the gradebook.
  std::string draft = kExamToml;
  draft.replace(draft.find("geo-final"), 9, "geo-draft");
  ASSERT_TRUE(Import(kTeacher, draft).ok());

  auto g = service_->GradebookOf(kTeacher, "geo-101");
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(g->exams.size(), 1u);
  EXPECT_EQ(g->exams[0]->spec->id, kExamId);
  ASSERT_EQ(g->students, (std::vector<int64_t>{kAlice.user_id, kBob.user_id, kCarol.user_id}))
      << "the teacher is not a student of the course";
  const GradebookCell& a = g->cells[0][0];
  EXPECT_TRUE(a.taken && a.submitted);
  EXPECT_DOUBLE_EQ(a.points, 1);
  EXPECT_EQ(a.ungraded_essays, 1);
  EXPECT_TRUE(g->cells[1][0].taken);
  EXPECT_FALSE(g->cells[1][0].submitted);
  EXPECT_FALSE(g->cells[2][0].taken) << "Carol has not started";

  const std::string csv = GradebookCsv(*g, [](int64_t id) -> std::optional<Person> {
    return Person{"u" + std::to_string(id), "User " + std::to_string(id)};
  });
  EXPECT_EQ(csv, "login,name,Geography final (max 4)\nu1,User 1,1\nu2,User 2,0\nu3,User 3,\n");

  EXPECT_EQ(service_->GradebookOf(kAlice, "geo-101").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_->GradebookOf(Caller{200, true}, "geo-101").error().code, ErrorCode::kNotFound)
      << "a teacher of another course read this one's gradebook";
  EXPECT_TRUE(service_->GradebookOf(Caller{300, true, true}, "geo-101").ok()) << "an operator";
  EXPECT_EQ(service_->GradebookOf(kTeacher, "nope").error().code, ErrorCode::kNotFound);
}

TEST_F(ExamServiceTest, ADuplicateIsANewDraftWithTheSamePaper) {
  auto dup = [&](const Caller& c, const std::string& id, const std::string& title) {
    return Await<Result<std::shared_ptr<const ExamEntry>>>(
        [&](auto done) { service_->Duplicate(c, kExamId, id, title, done); });
  };
  auto copy = dup(kTeacher, "geo-resit", "Geography resit");
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_FALSE((*copy)->state.published) << "a copy of a published exam is a draft";
  EXPECT_EQ((*copy)->spec->title, "Geography resit");
  EXPECT_EQ((*copy)->spec->questions.size(), 2u);
  EXPECT_EQ((*copy)->spec->course_id, "geo-101");
  EXPECT_EQ(dup(kTeacher, "geo-resit", "Again").error().reason, "exam_exists");
  EXPECT_EQ(dup(kTeacher, "Geo Resit", "Bad id").error().reason, "bad_exam_id");
  EXPECT_EQ(dup(kTeacher, "geo-2", "").error().reason, "bad_title");
  EXPECT_EQ(dup(kAlice, "geo-3", "Mine").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(dup(Caller{200, true}, "geo-4", "Not mine").error().code, ErrorCode::kNotFound);

  Restart();
  auto e = service_->GetExam(kTeacher, "geo-resit");
  ASSERT_TRUE(e.ok()) << "the copy was not kept";
  EXPECT_EQ((*e)->spec->title, "Geography resit");
}

// ------------------------------------------------------------------ restart

TEST_F(ExamServiceTest, EverythingAcknowledgedSurvivesARestart) {
  const int64_t alice = StartId(kAlice);
  ASSERT_TRUE(Save(kAlice, alice, "capital", 2, Json("1")).ok());
  ASSERT_TRUE(Save(kAlice, alice, "explain", 1, Json("\"It is central.\"")).ok());
  ASSERT_TRUE(Save(kAlice, alice, "capital", 1, Json("0")).ok());  // stale: must not win
  ASSERT_TRUE(Submit(kAlice, alice).ok());
  ASSERT_TRUE(Grade(kTeacher, alice, "explain", 2.5).ok());

  ASSERT_TRUE(SetExtraTime(kTeacher, kCarol.user_id, minutes(20)).ok());
  clock_.Advance(minutes(1));
  const int64_t bob = StartId(kBob);
  ASSERT_TRUE(Save(kBob, bob, "capital", 7, Json("2")).ok());
  clock_.Advance(minutes(40));  // Bob is past his deadline and grace
  ASSERT_EQ(service_->AutoSubmitDue(), 1);
  const int64_t carol = StartId(kCarol);
  ASSERT_TRUE(Save(kCarol, carol, "capital", 1, Json("1")).ok());
  const auto alice_before = service_->GetAttempt(kTeacher, alice);
  const auto bob_before = service_->GetAttempt(kTeacher, bob);
  const auto carol_before = service_->GetAttempt(kTeacher, carol);
  ASSERT_TRUE(alice_before.ok() && bob_before.ok() && carol_before.ok());

  auto warnings = Restart();
  EXPECT_TRUE(warnings.empty()) << warnings.front();

  auto a = service_->GetAttempt(kAlice, alice);
  ASSERT_TRUE(a.ok()) << "Alice's attempt was lost in the restart";
  EXPECT_EQ(a->state.status, AttemptStatus::kSubmitted);
  EXPECT_EQ(a->state.submitted_ms, alice_before->state.submitted_ms);
  EXPECT_EQ(a->state.deadline_ms, alice_before->state.deadline_ms);
  EXPECT_EQ(a->state.seed, alice_before->state.seed);
  ASSERT_EQ(a->state.answers.size(), 2u);
  EXPECT_EQ(a->state.answers.at("capital").seq, 2);
  EXPECT_EQ(a->state.answers.at("capital").value_json, "1");
  EXPECT_EQ(a->state.answers.at("explain").value_json, "\"It is central.\"");
  EXPECT_DOUBLE_EQ(a->state.manual_points.at("explain"), 2.5);

  auto b = service_->GetAttempt(kBob, bob);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->state.status, AttemptStatus::kSubmitted);
  EXPECT_TRUE(b->state.auto_submitted) << "the auto-submission must be durable";
  EXPECT_EQ(b->state.submitted_ms, bob_before->state.deadline_ms);
  EXPECT_EQ(b->state.answers.at("capital").seq, 7);

  auto c = service_->GetAttempt(kCarol, carol);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state.status, AttemptStatus::kInProgress);
  EXPECT_EQ(c->state.deadline_ms, carol_before->state.deadline_ms);
  EXPECT_EQ(c->state.answers.at("capital").value_json, "1");
  EXPECT_EQ(service_->ExtraTimeOf(kExamId, kCarol.user_id), minutes(20));
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 1) << "only Carol is still taking the exam";

  // The rest of the state is back too, and the service carries on from it.
  EXPECT_TRUE(service_->IsEnrolled("geo-101", kAlice.user_id));
  EXPECT_FALSE(service_->IsEnrolled("geo-101", kStranger.user_id));
  EXPECT_EQ(service_->ExamsFor(kAlice).size(), 1u);
  EXPECT_TRUE(service_->PaperFor(kCarol, kExamId).ok());
  auto again = Start(kCarol);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state.id, carol) << "a start after a restart must find the attempt";
  ASSERT_TRUE(service_->Enrol("geo-101", {5}).ok());
  const int64_t dave = StartId(Caller{5, false});
  EXPECT_GT(dave, std::max({alice, bob, carol})) << "attempt ids must not be reused";
  auto late = Save(kAlice, alice, "capital", 3, Json("2"));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
}

// ------------------------------------------------------------------ failures of the store

TEST_F(ExamServiceTest, FailedStartIsUndone) {
  FailCreateAttempts(*backend_, true);
  auto failed = Start(kAlice);
  ASSERT_FALSE(failed.ok()) << "a start that is not durable must not be acknowledged";
  EXPECT_FALSE(service_->AttemptIdOf(kExamId, kAlice.user_id).has_value());
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 0);
  auto paper = service_->PaperFor(kAlice, kExamId);
  ASSERT_FALSE(paper.ok()) << "the paper was shown for a start that failed";
  EXPECT_EQ(paper.error().code, ErrorCode::kForbidden);

  FailCreateAttempts(*backend_, false);
  EXPECT_TRUE(Start(kAlice).ok()) << "a retry after the store recovered must work";
}

TEST_F(ExamServiceTest, RepeatedStartWhileTheFirstFailsGetsAnError) {
  // A double click: the second start arrives while the first is being committed, and that
  // commit fails. The second must get an error, not a crash or a phantom attempt.
  FailCreateAttempts(*backend_, true);
  auto entered = backend_->HoldNextBatch();
  auto first = std::make_shared<std::promise<Result<AttemptView>>>();
  service_->Start(kAlice, kExamId, [first](Result<AttemptView> r) { first->set_value(r); });
  ASSERT_EQ(entered.wait_for(kWait), std::future_status::ready);
  auto second = std::make_shared<std::promise<Result<AttemptView>>>();
  service_->Start(kAlice, kExamId, [second](Result<AttemptView> r) { second->set_value(r); });
  backend_->Release();

  auto first_future = first->get_future();
  auto second_future = second->get_future();
  ASSERT_EQ(first_future.wait_for(kWait), std::future_status::ready);
  ASSERT_EQ(second_future.wait_for(kWait), std::future_status::ready);
  EXPECT_FALSE(first_future.get().ok());
  auto r = second_future.get();
  EXPECT_FALSE(r.ok()) << "the second start was acknowledged for an attempt that never existed";
  EXPECT_FALSE(service_->AttemptIdOf(kExamId, kAlice.user_id).has_value());
  EXPECT_EQ(metrics_->attempts_in_progress.load(), 0);

  FailCreateAttempts(*backend_, false);
  EXPECT_TRUE(Start(kAlice).ok());
}

TEST_F(ExamServiceTest, AnAdmissionIsRecordedOnlyForAnAttemptThatExists) {
  FailCreateAttempts(*backend_, true);
  auto failed = Await<Result<AttemptView>>(
      [&](auto done) { service_->Start(kAlice, kExamId, done, Millis(4'000)); });
  ASSERT_FALSE(failed.ok());
  FailCreateAttempts(*backend_, false);
  auto ok = Await<Result<AttemptView>>(
      [&](auto done) { service_->Start(kAlice, kExamId, done, Millis(6'000)); });
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  Flush();
  const int64_t id = ok->state.id;
  auto events = backend_->LoadAttemptEvents(id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->at(0).kind, "admitted");
  EXPECT_NE(events->at(0).data_json.find("6000"), std::string::npos) << "the successful start's wait";
  // The failed start's id, if another one: nothing was recorded under it.
  for (int64_t other = 1; other < id; ++other) {
    auto none = backend_->LoadAttemptEvents(other);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty()) << other;
  }
}

TEST_F(ExamServiceTest, APageInAReconnectLoopIsRecordedABoundedNumberOfTimes) {
  const int64_t id = StartId(kAlice);
  for (int i = 0; i < 2 * kMaxPageEvents + 50; ++i) {
    clock_.Advance(Millis(700));
    service_->NotePage(id, i % 2 == 0);
  }
  service_->NotePage(999'999, true);  // no such attempt: nothing
  Flush();
  auto events = backend_->LoadAttemptEvents(id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kMaxPageEvents) + 1);
  EXPECT_EQ(events->front().kind, "page_connected");
  EXPECT_EQ(events->back().kind, "page_events_capped");
  EXPECT_NE(events->back().data_json.find(std::to_string(kMaxPageEvents)), std::string::npos);
}

// ------------------------------------------------------------------ teachers' side

TEST_F(ExamServiceTest, OnlyTeachersImportAndPublishedPapersAreFrozen) {
  auto by_student = Import(kAlice, kExamToml);
  ASSERT_FALSE(by_student.ok());
  EXPECT_EQ(by_student.error().code, ErrorCode::kForbidden);
  auto replace = Import(kTeacher, kExamToml);
  ASSERT_FALSE(replace.ok()) << "a published exam was replaced";
  EXPECT_EQ(replace.error().code, ErrorCode::kConflict);

  std::string other = kExamToml;
  other.replace(other.find("geo-final"), 9, "geo-other");
  other.replace(other.find("geo-101"), 7, "no-such");
  auto no_course = Import(kTeacher, other);
  ASSERT_FALSE(no_course.ok()) << "an exam of an unknown course was imported";
  EXPECT_EQ(no_course.error().code, ErrorCode::kInvalid);
}

}  // namespace
}  // namespace pupitre::exam

namespace pupitre::exam {
namespace {

TEST_F(ExamServiceTest, EveryTeacherOfACourseManagesItsExamsAfterARestart) {
  // Teachers added in descending id order: their list must be sorted again on load.
  const Caller later{300, true}, earlier{200, true}, outsider{250, true};
  ASSERT_TRUE(service_->AddTeachers("geo-101", {later.user_id}).ok());
  ASSERT_TRUE(service_->AddTeachers("geo-101", {earlier.user_id}).ok());
  EXPECT_TRUE(service_->Manages(later, kExamId));
  EXPECT_TRUE(service_->Manages(earlier, kExamId));
  Restart();
  EXPECT_TRUE(service_->Manages(later, kExamId));
  EXPECT_TRUE(service_->Manages(earlier, kExamId));
  EXPECT_TRUE(service_->Manages(kTeacher, kExamId)) << "its owner";
  EXPECT_FALSE(service_->Manages(outsider, kExamId));
  EXPECT_FALSE(service_->IsEnrolled("geo-101", earlier.user_id)) << "teaching is not enrolment";
  EXPECT_TRUE(service_->Manages(Caller{999, true, /*is_admin=*/true}, kExamId));
}

}  // namespace
}  // namespace pupitre::exam
