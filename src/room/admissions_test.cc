// Exam admission through the waiting rooms, without HTTP: who is admitted at once, who waits
// and where, what a ticket proves, and that every admission starts the student's attempt or is
// undone. Real exam service and accounts on a temporary SQLite store, a fake clock.
#include "room/admissions.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "auth/accounts.h"
#include "import/toml/exam_toml.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "exam/exam_service.h"
#include "guard/waiting_rooms.h"
#include "store/sqlite/sqlite_store.h"
#include "store/writer.h"
#include "testkit/child_server.h"
#include "testkit/fake_clock.h"
#include "testkit/domain.h"

namespace pupitre::room {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kOpensMs = 1'795'420'800'000;          // 2026-11-23T08:00:00Z
constexpr int64_t kClosesMs = kOpensMs + 240 * kMinute;  // 2026-11-23T12:00:00Z
constexpr int64_t kNowMs = kOpensMs + 60 * kMinute;      // the fake clock starts at 09:00
constexpr const char* kPassword = "password-1";
constexpr const char* kTicketKey =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

using testkit::Await;

constexpr const char* kExamId = "geo-final";
const std::string kExamToml = testkit::GeoExamToml();  // open from 08:00 to 12:00
// Published, but opening only at 14:00.
constexpr const char* kLaterId = "geo-later";
const std::string kLaterToml =
    testkit::GeoExamToml(kLaterId, "Geography, afternoon", "14:00", "16:00");
// Never published.
constexpr const char* kDraftId = "geo-draft";
const std::string kDraftToml = testkit::GeoExamToml(kDraftId, "Geography, draft");

class AdmissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sqlite = store::OpenSqlite(dir_.path());
    ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
    backend_ = std::move(*sqlite);
    writer_ = std::make_unique<store::Writer>(*backend_, metrics_, 256, 10'000);
    accounts_ = std::make_unique<auth::Accounts>(*writer_, *backend_, clock_, auth::HashCost{1, 64},
                                                 3'600'000, 3, metrics_);
    auto snapshot = backend_->LoadAll();
    ASSERT_TRUE(snapshot.ok());
    accounts_->Load(*snapshot);
    exams_ = std::make_unique<exam::ExamService>(*writer_, clock_, Millis(10'000), metrics_);
    // One admission per second: the first student goes in, the next one waits a second.
    guard::WaitingRoomOptions options;
    options.initial_rate = 1;
    options.min_rate = 1;
    rooms_ = std::make_unique<guard::WaitingRooms>(options, clock_, kTicketKey, clock_.Now(),
                                                   clock_.Now() - minutes(60));
    admissions_ = std::make_unique<Admissions>(*rooms_, *exams_, *accounts_, clock_);

    auto users =
        accounts_->CreateUsers({{"alice", "Alice Martin", auth::Role::kStudent, kPassword},
                                {"bob", "Bob Durand", auth::Role::kStudent, kPassword},
                                {"carol", "Carol Petit", auth::Role::kStudent, kPassword},
                                {"tess", "Tess Teacher", auth::Role::kTeacher, kPassword}});
    ASSERT_TRUE(users.ok()) << users.error().message;
    alice_ = {(*users)[0].id, false};
    bob_ = {(*users)[1].id, false};
    carol_ = {(*users)[2].id, false};
    teacher_ = {(*users)[3].id, true};

    ASSERT_TRUE(exams_->PutCourse({"geo-101", "Geography", ""}).ok());
    ASSERT_TRUE(exams_->Enrol("geo-101", {alice_.user_id, bob_.user_id, carol_.user_id}).ok());
    ASSERT_TRUE(exams_->AddTeachers("geo-101", {teacher_.user_id}).ok());
    for (const std::string& toml : {kExamToml, kLaterToml, kDraftToml}) {
      auto imported = Await<Result<std::shared_ptr<const exam::ExamEntry>>>(
          [&](auto done) { importers::ImportTomlExam(*exams_, teacher_, toml, done); });
      ASSERT_TRUE(imported.ok()) << imported.error().message;
    }
    for (const char* id : {kExamId, kLaterId}) {
      auto published = Await<Result<std::shared_ptr<const exam::ExamEntry>>>(
          [&](auto done) { exams_->Publish(teacher_, id, done); });
      ASSERT_TRUE(published.ok()) << published.error().message;
    }
  }

  void TearDown() override {
    if (writer_) writer_->Stop();  // completions still queued call into the services
    admissions_.reset();
    rooms_.reset();
    exams_.reset();
    accounts_.reset();
  }

  // Waits until everything queued so far is committed (and its callbacks have run).
  void Flush() { ASSERT_TRUE(writer_->WriteNow({store::op::Barrier{}}).ok()); }

  Result<Arrival> Arrive(const exam::Caller& who, const std::string& exam = kExamId,
                         std::string_view ticket = "") {
    return admissions_->Arrive(who, exam, ticket);
  }
  Result<exam::AttemptView> LetThrough(const exam::Caller& who, const std::string& exam = kExamId) {
    return Await<Result<exam::AttemptView>>(
        [&](auto done) { admissions_->LetThrough(teacher_, exam, who.user_id, done); });
  }
  std::optional<guard::Place> PlaceOf(const exam::Caller& who, const std::string& exam = kExamId) {
    return rooms_->FindPlace(guard::RoomKey(exam, -1), who.user_id);
  }

  // Alice goes in at once; Bob, right behind her, waits. Returns Bob's arrival.
  Arrival FillTheFirstSecond() {
    auto a = Arrive(alice_);
    EXPECT_TRUE(a.ok() && a->admitted) << "the first student should be admitted at once";
    auto b = Arrive(bob_);
    EXPECT_TRUE(b.ok()) << b.error().message;
    return b.ok() ? *b : Arrival{};
  }

  testkit::TempDir dir_;
  FakeClock clock_{FromUnixMs(kNowMs)};
  Metrics metrics_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<exam::ExamService> exams_;
  std::unique_ptr<guard::WaitingRooms> rooms_;
  std::unique_ptr<Admissions> admissions_;
  exam::Caller alice_, bob_, carol_, teacher_;
};

// ------------------------------------------------------------------ arriving

TEST_F(AdmissionsTest, ArrivingAtAnUnknownOrUnpublishedExamIsNotFound) {
  auto unknown = Arrive(alice_, "no-such-exam");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  auto draft = Arrive(alice_, kDraftId);
  ASSERT_FALSE(draft.ok());
  EXPECT_EQ(draft.error().code, ErrorCode::kNotFound) << draft.error().message;

  auto draft_by_teacher = Arrive(teacher_, kDraftId);
  ASSERT_FALSE(draft_by_teacher.ok()) << "a teacher sees drafts, but nobody starts one";
  EXPECT_EQ(draft_by_teacher.error().code, ErrorCode::kNotFound);

  EXPECT_TRUE(rooms_->ExamIds().empty()) << "a refused arrival made a room";
}

TEST_F(AdmissionsTest, ArrivingAfterTheWindowClosedIsAConflict) {
  clock_.Set(FromUnixMs(kClosesMs));
  auto r = Arrive(alice_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict) << r.error().message;
  EXPECT_FALSE(PlaceOf(alice_).has_value()) << "a student was queued for a closed exam";
}

TEST_F(AdmissionsTest, AStudentAlreadyHoldingAnAttemptIsAdmittedWithoutARoom) {
  auto started =
      Await<Result<exam::AttemptView>>([&](auto done) { exams_->Start(alice_, kExamId, done); });
  ASSERT_TRUE(started.ok()) << started.error().message;

  auto r = Arrive(alice_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->admitted);
  EXPECT_TRUE(r->entry.ticket.empty());
  EXPECT_TRUE(rooms_->ExamIds().empty()) << "the student was put in a room all the same";

  // Even once the window has closed: their attempt is theirs to come back to.
  clock_.Set(FromUnixMs(kClosesMs + kMinute));
  auto late = Arrive(alice_);
  ASSERT_TRUE(late.ok()) << late.error().message;
  EXPECT_TRUE(late->admitted);
}

TEST_F(AdmissionsTest, AtAVeryLowRateTheSecondStudentGetsAPlaceAndIsNotAdmitted) {
  Arrival bob = FillTheFirstSecond();
  EXPECT_FALSE(bob.admitted);
  EXPECT_FALSE(bob.entry.place.admitted);
  EXPECT_EQ(bob.entry.place.position, 1);
  EXPECT_FALSE(bob.entry.ticket.empty()) << "a waiting student needs a ticket";
  EXPECT_EQ(bob.room.key, kExamId) << "an exam without waves has one room, named after it";
  EXPECT_EQ(bob.room.opens, FromUnixMs(kOpensMs));
  EXPECT_FALSE(exams_->AttemptIdOf(kExamId, bob_.user_id).has_value())
      << "a waiting student has no attempt";

  // Asking again keeps the place.
  auto again = Arrive(bob_, kExamId, bob.entry.ticket);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->admitted);
  EXPECT_EQ(again->entry.place.position, 1);

  auto carol = Arrive(carol_);
  ASSERT_TRUE(carol.ok());
  EXPECT_EQ(carol->entry.place.position, 2);
}

TEST_F(AdmissionsTest, AdmitDueAdmitsTheWaitingStudentOnceTheRateAllowsAndStartsTheirAttempt) {
  FillTheFirstSecond();
  EXPECT_EQ(admissions_->AdmitDue(), 0u) << "admitted before the rate allowed";
  EXPECT_FALSE(exams_->AttemptIdOf(kExamId, bob_.user_id).has_value());

  clock_.Advance(seconds(1));
  EXPECT_EQ(admissions_->AdmitDue(), 1u);
  Flush();  // the attempt's id is told once its start is durable
  auto id = exams_->AttemptIdOf(kExamId, bob_.user_id);
  ASSERT_TRUE(id.has_value()) << "the admission did not start the attempt";
  auto attempt = exams_->GetAttempt(bob_, *id);
  ASSERT_TRUE(attempt.ok()) << attempt.error().message;
  EXPECT_EQ(attempt->state.status, exam::AttemptStatus::kInProgress);
  EXPECT_EQ(attempt->state.started_ms, kNowMs + 1000) << "the exam clock starts at admission";
  auto place = PlaceOf(bob_);
  ASSERT_TRUE(place.has_value());
  EXPECT_TRUE(place->admitted);
  EXPECT_FALSE(exams_->AttemptIdOf(kExamId, alice_.user_id).has_value())
      << "AdmitDue started an attempt for someone admitted at arrival (the route starts theirs)";
}

TEST_F(AdmissionsTest, AnAdmissionWhoseAttemptCannotStartIsUndone) {
  FillTheFirstSecond();
  clock_.Set(FromUnixMs(kClosesMs));  // the window closed while Bob waited
  clock_.Advance(seconds(1));
  EXPECT_EQ(admissions_->AdmitDue(), 1u);
  Flush();
  EXPECT_FALSE(exams_->AttemptIdOf(kExamId, bob_.user_id).has_value());
  auto place = PlaceOf(bob_);
  EXPECT_FALSE(place && place->admitted) << "the admission was kept although no attempt started";
}

// ------------------------------------------------------------------ tickets

TEST_F(AdmissionsTest, AForgedTicketIsForbidden) {
  Arrival bob = FillTheFirstSecond();
  ASSERT_FALSE(bob.entry.ticket.empty());

  auto forged = Arrive(bob_, kExamId, "v1." + std::to_string(bob_.user_id) + ".geo-final.1.0.00ff");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, ErrorCode::kForbidden);

  // A genuine ticket with its place number changed.
  std::string tampered = bob.entry.ticket;
  const size_t dot = tampered.find(".geo-final.") + std::string(".geo-final.").size();
  tampered[dot] = tampered[dot] == '1' ? '2' : '1';
  auto changed = Arrive(bob_, kExamId, tampered);
  ASSERT_FALSE(changed.ok()) << "a ticket with a changed place number was accepted";
  EXPECT_EQ(changed.error().code, ErrorCode::kForbidden);

  auto standing = admissions_->StandingOf(bob_, kExamId, "garbage");
  ASSERT_FALSE(standing.ok());
  EXPECT_EQ(standing.error().code, ErrorCode::kForbidden);
}

TEST_F(AdmissionsTest, AnotherStudentsGenuineTicketIsForbidden) {
  Arrival bob = FillTheFirstSecond();
  ASSERT_FALSE(bob.entry.ticket.empty());

  auto r = Arrive(carol_, kExamId, bob.entry.ticket);
  ASSERT_FALSE(r.ok()) << "Carol took Bob's place with his ticket";
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_FALSE(PlaceOf(carol_).has_value()) << "a refused arrival was queued";

  auto standing = admissions_->StandingOf(carol_, kExamId, bob.entry.ticket);
  ASSERT_FALSE(standing.ok());
  EXPECT_EQ(standing.error().code, ErrorCode::kForbidden);

  // Bob's own ticket is fine.
  auto own = Arrive(bob_, kExamId, bob.entry.ticket);
  ASSERT_TRUE(own.ok()) << own.error().message;
}

TEST_F(AdmissionsTest, ATicketForAnotherExamIsForbidden) {
  Arrival bob = FillTheFirstSecond();
  ASSERT_FALSE(bob.entry.ticket.empty());
  auto r = Arrive(bob_, kLaterId, bob.entry.ticket);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
}

// ------------------------------------------------------------------ standing

TEST_F(AdmissionsTest, StandingOfReportsThePlaceThenTheAttemptId) {
  auto nowhere = admissions_->StandingOf(bob_, kExamId, "");
  ASSERT_TRUE(nowhere.ok()) << nowhere.error().message;
  EXPECT_FALSE(nowhere->attempt_id.has_value());
  EXPECT_FALSE(nowhere->entry.has_value()) << "a student who never arrived has a place";

  Arrival bob = FillTheFirstSecond();
  auto waiting = admissions_->StandingOf(bob_, kExamId, bob.entry.ticket);
  ASSERT_TRUE(waiting.ok()) << waiting.error().message;
  EXPECT_FALSE(waiting->attempt_id.has_value());
  ASSERT_TRUE(waiting->entry.has_value());
  EXPECT_FALSE(waiting->entry->place.admitted);
  EXPECT_EQ(waiting->entry->place.position, 1);
  EXPECT_EQ(waiting->room.key, kExamId);

  clock_.Advance(seconds(1));
  ASSERT_EQ(admissions_->AdmitDue(), 1u);
  Flush();
  auto admitted = admissions_->StandingOf(bob_, kExamId, "");
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  ASSERT_TRUE(admitted->attempt_id.has_value());
  EXPECT_EQ(*admitted->attempt_id, exams_->AttemptIdOf(kExamId, bob_.user_id).value_or(-1));
  EXPECT_FALSE(admitted->entry.has_value()) << "a place is reported next to an attempt";
}

// ------------------------------------------------------------------ letting through

TEST_F(AdmissionsTest, LetThroughAdmitsAtOnceAndStartsTheAttempt) {
  Arrival bob = FillTheFirstSecond();
  ASSERT_FALSE(bob.admitted);

  auto r = LetThrough(bob_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->state.user_id, bob_.user_id);
  EXPECT_EQ(r->state.status, exam::AttemptStatus::kInProgress);
  EXPECT_EQ(r->state.started_ms, kNowMs);
  EXPECT_EQ(exams_->AttemptIdOf(kExamId, bob_.user_id).value_or(-1), r->state.id);
  auto place = PlaceOf(bob_);
  ASSERT_TRUE(place.has_value());
  EXPECT_TRUE(place->admitted);

  // A student who never arrived may be let through too.
  auto carol = LetThrough(carol_);
  ASSERT_TRUE(carol.ok()) << carol.error().message;
  EXPECT_TRUE(exams_->AttemptIdOf(kExamId, carol_.user_id).has_value());

  // Bob's slot in the queue is skipped when reached: nobody is admitted twice.
  clock_.Advance(seconds(5));
  EXPECT_EQ(admissions_->AdmitDue(), 0u);
}

TEST_F(AdmissionsTest, LetThroughBeforeTheWindowOpensIsUndoneAndReportsTheError) {
  auto r = LetThrough(alice_, kLaterId);
  ASSERT_FALSE(r.ok()) << "an attempt started before the window opened";
  EXPECT_EQ(r.error().code, ErrorCode::kConflict) << r.error().message;
  EXPECT_FALSE(exams_->AttemptIdOf(kLaterId, alice_.user_id).has_value());
  auto place = PlaceOf(alice_, kLaterId);
  EXPECT_FALSE(place && place->admitted) << "the admission was not undone";

  // The student may simply ask again: they wait for the doors.
  auto again = Arrive(alice_, kLaterId);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->admitted);
  EXPECT_TRUE(again->entry.place.before_opening);
}

TEST_F(AdmissionsTest, LetThroughAfterTheWindowClosedIsUndoneAndReportsTheError) {
  Arrival bob = FillTheFirstSecond();
  ASSERT_FALSE(bob.admitted);
  clock_.Set(FromUnixMs(kClosesMs));
  auto r = LetThrough(bob_);
  ASSERT_FALSE(r.ok()) << "an attempt started after the window closed";
  EXPECT_EQ(r.error().code, ErrorCode::kConflict) << r.error().message;
  EXPECT_FALSE(exams_->AttemptIdOf(kExamId, bob_.user_id).has_value());
  auto place = PlaceOf(bob_);
  EXPECT_FALSE(place && place->admitted) << "the admission was not undone";
}

TEST_F(AdmissionsTest, LetThroughOnAnUnknownExamReportsNotFound) {
  auto r = LetThrough(bob_, "no-such-exam");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(rooms_->ExamIds().empty());
}

}  // namespace
}  // namespace pupitre::room
