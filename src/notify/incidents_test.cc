#include "notify/incidents.h"

#include <gtest/gtest.h>

#include <memory>

#include "store/sqlite/sqlite_store.h"
#include "testkit/child_server.h"
#include "testkit/fake_clock.h"

namespace pupitre::notify {
namespace {

constexpr int64_t kNineMs = 1'795'424'400'000;  // 2026-11-23T09:00:00Z

class IncidentBookTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  // Opens the book on the store kept in dir_ (again: as a restarted server would).
  void Reopen() {
    book_.reset();
    writer_.reset();
    backend_.reset();
    auto b = store::OpenSqlite(dir_.path());
    ASSERT_TRUE(b.ok()) << b.error().message;
    backend_ = std::move(*b);
    writer_ = std::make_unique<store::Writer>(*backend_, metrics_, 64, 1000);
    book_ = std::make_unique<IncidentBook>(*writer_, clock_);
    auto snapshot = backend_->LoadAll();
    ASSERT_TRUE(snapshot.ok());
    book_->Load(snapshot->incident_updates);
  }
  static IncidentDraft Draft(std::string en, std::string fr = "") {
    return {Severity::kWarning, {ScopeKind::kExam, "geo-final"}, std::move(en), std::move(fr)};
  }

  testkit::TempDir dir_;
  FakeClock clock_{FromUnixMs(kNineMs)};
  Metrics metrics_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<IncidentBook> book_;
};

TEST_F(IncidentBookTest, PostedUpdatedAndResolvedVersionsOutliveARestart) {
  auto posted = book_->Post(Draft("Saves are slow", "Les enregistrements sont lents"), 3);
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  EXPECT_EQ(posted->id, 1);
  clock_.Advance(std::chrono::minutes(2));
  IncidentChange text;
  text.text_en = "Saves are back to normal speed";
  text.severity = Severity::kInfo;
  ASSERT_TRUE(book_->Update(posted->id, text, 4).ok());
  clock_.Advance(std::chrono::minutes(1));
  IncidentChange resolve;
  resolve.resolve = true;
  ASSERT_TRUE(book_->Update(posted->id, resolve, 4).ok());

  Reopen();
  auto i = book_->Find(1);
  ASSERT_TRUE(i.has_value()) << "the incident was lost by the restart";
  ASSERT_EQ(i->versions.size(), 3u) << "every version is kept";
  EXPECT_EQ(i->versions[0].text_en, "Saves are slow");
  EXPECT_EQ(i->versions[0].severity, Severity::kWarning);
  EXPECT_EQ(i->versions[1].text_en, "Saves are back to normal speed");
  EXPECT_EQ(i->versions[1].text_fr, "Les enregistrements sont lents") << "an update keeps the other text";
  EXPECT_EQ(i->versions[1].author_id, 4);
  EXPECT_TRUE(i->resolved());
  EXPECT_EQ(i->posted_ms(), kNineMs);
  EXPECT_EQ(i->now().at_ms, kNineMs + 3 * 60'000);
  auto next = book_->Post(Draft("Another"), 3);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, 2) << "ids go on after a restart";
}

TEST_F(IncidentBookTest, AResolvedIncidentIsClosedAndBadTextsAreRefused) {
  auto posted = book_->Post(Draft("Saves are slow"), 3);
  ASSERT_TRUE(posted.ok());
  IncidentChange resolve;
  resolve.resolve = true;
  ASSERT_TRUE(book_->Update(posted->id, resolve, 3).ok());
  auto again = book_->Update(posted->id, resolve, 3);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(book_->Update(99, resolve, 3).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(book_->Post(Draft(""), 3).error().code, ErrorCode::kInvalid) << "no text";
  EXPECT_EQ(book_->Post(Draft(std::string(IncidentBook::kMaxText + 1, 'a')), 3).error().code,
            ErrorCode::kInvalid);
  EXPECT_EQ(book_->Post(Draft("bad \xC3"), 3).error().code, ErrorCode::kInvalid) << "not UTF-8";
  EXPECT_EQ(book_->Post(Draft("bell \a"), 3).error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(book_->Post(Draft("two\nlines"), 3).ok()) << "line breaks are text";
  IncidentDraft everyone_with_id = Draft("x");
  everyone_with_id.scope = {ScopeKind::kAll, "geo-final"};
  EXPECT_EQ(book_->Post(everyone_with_id, 3).error().code, ErrorCode::kInvalid);
  IncidentDraft exam_without_id = Draft("x");
  exam_without_id.scope = {ScopeKind::kExam, ""};
  EXPECT_EQ(book_->Post(exam_without_id, 3).error().code, ErrorCode::kInvalid);
}

TEST_F(IncidentBookTest, CurrentHoldsTheOpenOnesAndTheRecentlyResolved) {
  auto old = book_->Post(Draft("old"), 3);
  auto open = book_->Post(Draft("open"), 3);
  ASSERT_TRUE(old.ok() && open.ok());
  IncidentChange resolve;
  resolve.resolve = true;
  ASSERT_TRUE(book_->Update(old->id, resolve, 3).ok());
  EXPECT_EQ(book_->Current(std::chrono::minutes(10)).size(), 2u);
  clock_.Advance(std::chrono::minutes(11));
  auto current = book_->Current(std::chrono::minutes(10));
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].id, open->id);
  auto history = book_->History(10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].id, open->id) << "newest first";
}

TEST_F(IncidentBookTest, OpenIncidentsAreBounded) {
  for (size_t i = 0; i < IncidentBook::kMaxOpen; ++i) ASSERT_TRUE(book_->Post(Draft("x"), 3).ok());
  auto one_more = book_->Post(Draft("x"), 3);
  ASSERT_FALSE(one_more.ok());
  EXPECT_EQ(one_more.error().code, ErrorCode::kConflict);
}

TEST(IncidentScopeTest, ReachesEveryoneOrTheCourseOrExamOfThePage) {
  Audience student{1, false, {"geo-101"}, {"geo-final"}};
  Audience other{2, false, {"bio-101"}, {"bio-final"}};
  Audience admin{3, true, {}, {}};
  IncidentScope all{ScopeKind::kAll, ""};
  IncidentScope course{ScopeKind::kCourse, "geo-101"};
  IncidentScope exam{ScopeKind::kExam, "geo-final"};
  EXPECT_TRUE(Reaches(all, other));
  EXPECT_TRUE(Reaches(course, student));
  EXPECT_FALSE(Reaches(course, other));
  EXPECT_TRUE(Reaches(exam, student));
  EXPECT_FALSE(Reaches(exam, other));
  EXPECT_TRUE(Reaches(exam, admin));
}

}  // namespace
}  // namespace pupitre::notify
