#include "live/live_classes.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/metrics.h"
#include "store/sqlite/sqlite_store.h"
#include "testkit/child_server.h"
#include "testkit/fake_clock.h"

namespace pupitre::live {
namespace {

// An engine that keeps meetings in memory and can be made to fail.
class FakeEngine final : public Engine {
 public:
  Result<int64_t> Create(const MeetingSpec& m) override {
    ++creates;
    if (down) return Error::Unavailable("down").Because("live_engine_down");
    last = m;
    return int64_t{4242};
  }
  Result<std::vector<Attendee>> Attendees(const std::string&) override {
    if (down) return Error::Unavailable("down").Because("live_engine_down");
    return in;
  }
  Status End(const std::string&, const std::string&) override {
    ++ends;
    return OkStatus();
  }
  Result<std::vector<Recording>> Recordings(const std::string&) override {
    return std::vector<Recording>{{"r1", 1, 2, true, "u1"}, {"r2", 3, 4, false, "u2"}};
  }
  std::string JoinUrl(const JoinSpec& j) const override {
    return "join:" + j.user_id + ":" + j.password + ":" + std::to_string(j.create_time);
  }
  bool down = false;
  int creates = 0, ends = 0;
  MeetingSpec last;
  std::vector<Attendee> in;
};

constexpr int64_t kTeacher = 1;
constexpr int64_t kStart = 1'800'000'000'000;

class LiveClassesTest : public ::testing::Test {
 protected:
  LiveClassesTest() : clock_(FromUnixMs(kStart - 3'600'000)) {
    backend_ = store::OpenSqlite(dir_.path()).value();
    writer_ = std::make_unique<store::Writer>(*backend_, metrics_, 64, 1000);
    space_ = std::make_unique<course::CourseSpace>(
        *writer_, clock_,
        [](const std::string& c, int64_t u) {
          if (c != "c1") return course::Role::kNone;
          return u == kTeacher ? course::Role::kTeacher
                 : u < 100     ? course::Role::kStudent
                               : course::Role::kNone;
        },
        [](const std::string& c) { return c == "c1"; });
    Make(0);
  }
  ~LiveClassesTest() override { writer_->Stop(); }

  void Make(int64_t cap) {
    LiveOptions o;
    o.max_participants = cap;
    o.join_rate = 100;
    o.password_key = "secret";
    live_ = std::make_unique<LiveClasses>(
        *writer_, clock_, *space_,
        [](const std::string&) { return std::vector<int64_t>{2, 3, 4}; }, &engine_, o);
  }

  int64_t Schedule() {
    course::Caller t{kTeacher, false};
    auto sec = space_->AddSection(t, "c1", "Week 1").value();
    auto item = space_->AddItem(t, "c1", sec.id, {"live", "Maths live", "", "", "", "", 0});
    EXPECT_TRUE(item.ok()) << item.error().message;
    EXPECT_TRUE(live_->SetRules(t, "c1", item->id, {kStart, 60, true}).ok());
    return item->id;
  }

  // Joins as `user`, opening the meeting when asked to, as the route does.
  Result<JoinOutcome> JoinAs(int64_t user, int64_t item) {
    auto j = live_->Join({user, false}, "c1", item, "Person");
    if (j.ok() && j->needs_meeting) {
      if (auto s = live_->OpenMeeting("c1", item); !s.ok()) return s.error();
      j = live_->Join({user, false}, "c1", item, "Person");
    }
    return j;
  }

  testkit::TempDir dir_;
  FakeClock clock_;
  Metrics metrics_;
  FakeEngine engine_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<course::CourseSpace> space_;
  std::unique_ptr<LiveClasses> live_;
};

TEST_F(LiveClassesTest, StudentsJoinFromItsOpeningUntilItEndsAndAttendanceIsKept) {
  const int64_t id = Schedule();
  EXPECT_EQ(live_->Join({2, false}, "c1", id, "Ana").error().reason, "live_not_open");
  EXPECT_EQ(live_->Join({500, false}, "c1", id, "X").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(live_->SetRules({2, false}, "c1", id, {kStart, 60, false}).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(LiveClasses::CheckRules({kStart, 2, false}).error().reason, "live_duration");

  clock_.Advance(std::chrono::minutes(50));  // 10 minutes before: open
  auto j = JoinAs(2, id);
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(engine_.creates, 1);
  EXPECT_TRUE(engine_.last.record);
  EXPECT_EQ(engine_.last.name, "Maths live");
  EXPECT_NE(engine_.last.attendee_pw, engine_.last.moderator_pw);
  EXPECT_EQ(j->url, "join:2:" + engine_.last.attendee_pw + ":4242") << "a viewer's way in";
  auto t = JoinAs(kTeacher, id);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->url, "join:1:" + engine_.last.moderator_pw + ":4242") << "the teacher moderates";
  ASSERT_TRUE(JoinAs(2, id).ok());
  EXPECT_EQ(engine_.creates, 1) << "the meeting is not created for every join";

  auto rows = live_->AttendanceOf({kTeacher, false}, "c1", id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  ASSERT_TRUE((*rows)[0].attended.has_value());
  EXPECT_EQ((*rows)[0].attended->joins, 2);
  EXPECT_FALSE((*rows)[1].attended.has_value()) << "student 3 is absent";
  EXPECT_EQ(live_->AttendanceOf({2, false}, "c1", id).error().code, ErrorCode::kForbidden);

  auto recs = live_->Recordings({2, false}, "c1", id);
  ASSERT_TRUE(recs.ok());
  EXPECT_EQ(recs->size(), 1u) << "students see published recordings only";
  EXPECT_EQ(live_->Recordings({kTeacher, false}, "c1", id)->size(), 2u);

  ASSERT_TRUE(live_->End({kTeacher, false}, "c1", id).ok());
  EXPECT_EQ(engine_.ends, 1);
  EXPECT_EQ(live_->Join({3, false}, "c1", id, "B").error().reason, "live_ended");

  // All of it outlives a restart.
  LiveClasses again(*writer_, clock_, *space_, [](const std::string&) {
    return std::vector<int64_t>{2, 3, 4};
  }, &engine_, LiveOptions{});
  ASSERT_TRUE(writer_->WriteNow({store::op::Barrier{}}).ok());
  again.Load(*backend_->LoadAll());
  EXPECT_EQ(again.RulesOf(id)->duration_min, 60);
  auto v = again.ViewOf({2, false}, "c1", id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->phase, Phase::kEnded);
  ASSERT_TRUE(v->mine.has_value());
  EXPECT_EQ(v->mine->joins, 2);
}

TEST_F(LiveClassesTest, BeyondTheEnginesCapacityStudentsWaitAndGoInAsSeatsFree) {
  Make(2);
  const int64_t id = Schedule();
  clock_.Advance(std::chrono::minutes(60));
  ASSERT_FALSE(JoinAs(2, id)->url.empty());
  ASSERT_FALSE(JoinAs(3, id)->url.empty());
  auto third = JoinAs(4, id);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->url.empty());
  ASSERT_TRUE(third->place.has_value());
  EXPECT_EQ(third->place->position, 1);
  EXPECT_EQ(live_->AdmitDue(), 0u) << "no seat is free";
  EXPECT_EQ(live_->Stats().waiting, 1);
  EXPECT_EQ(live_->ViewOf({4, false}, "c1", id)->place->position, 1);

  // The engine shows student 2 in and student 3 never came: after the hold, 3's seat frees.
  engine_.in = {{"2", "Ana", "VIEWER"}};
  clock_.Advance(std::chrono::minutes(3));
  live_->Refresh();
  EXPECT_EQ(live_->Stats().seats_used, 1);
  EXPECT_EQ(live_->AdmitDue(), 1u);
  auto in = JoinAs(4, id);
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->url.empty()) << "admitted: a way in";
  EXPECT_EQ(live_->Stats().waiting, 0);
}

TEST_F(LiveClassesTest, AnEngineDownIsSaidAtOnceAndTriedAgainLater) {
  const int64_t id = Schedule();
  clock_.Advance(std::chrono::minutes(60));
  engine_.down = true;
  auto j = JoinAs(2, id);
  EXPECT_EQ(j.error().reason, "live_engine_down");
  EXPECT_FALSE(live_->Stats().engine_up);
  EXPECT_EQ(JoinAs(3, id).error().reason, "live_engine_down");
  EXPECT_EQ(engine_.creates, 1) << "within the back-off, the engine is not called again";
  engine_.down = false;
  clock_.Advance(std::chrono::seconds(11));
  EXPECT_TRUE(JoinAs(2, id).ok());
  EXPECT_EQ(engine_.creates, 2);
}

TEST_F(LiveClassesTest, WaysInGivenWhileTheEngineWasDownStopHoldingSeats) {
  Make(2);
  const int64_t id = Schedule();
  clock_.Advance(std::chrono::minutes(60));
  engine_.down = true;
  EXPECT_FALSE(JoinAs(2, id).ok());
  EXPECT_FALSE(JoinAs(3, id).ok());
  EXPECT_EQ(live_->Stats().seats_used, 2) << "held while they may still come";
  clock_.Advance(std::chrono::minutes(3));
  live_->Refresh();
  EXPECT_EQ(live_->Stats().seats_used, 0) << "nobody came: the seats are free again";
}

TEST_F(LiveClassesTest, WithoutAnEngineClassesAreScheduledAndJoinsSaySo) {
  live_ = std::make_unique<LiveClasses>(*writer_, clock_, *space_,
                                        [](const std::string&) { return std::vector<int64_t>{}; },
                                        nullptr, LiveOptions{});
  const int64_t id = Schedule();
  clock_.Advance(std::chrono::minutes(60));
  EXPECT_EQ(live_->Join({2, false}, "c1", id, "A").error().reason, "live_not_configured");
  EXPECT_FALSE(live_->ViewOf({2, false}, "c1", id)->engine);
}

}  // namespace
}  // namespace pupitre::live
