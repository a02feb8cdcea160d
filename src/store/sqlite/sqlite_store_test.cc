#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "testkit/child_server.h"
#include "store/sqlite/sqlite_store.h"

namespace pupitre::store {
namespace {

using ::testing::HasSubstr;

using testkit::TempDir;  // a fresh directory under /tmp, removed at the end

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> Open() {
    auto r = OpenSqlite(dir_.path());
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(*r) : nullptr;
  }
  Snapshot LoadFresh() {
    auto b = Open();
    if (!b) return {};
    auto s = b->LoadAll();
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(*s) : Snapshot{};
  }
  static void Apply(Backend& b, std::vector<WriteOp> ops) {
    Status s = b.ApplyBatch(ops);
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  TempDir dir_;
};

constexpr uint64_t kBigSeed = 0xF00DFACECAFEBEEFULL;  // above INT64_MAX: must survive the trip

TEST_F(SqliteStoreTest, EveryOpTypeSurvivesAReopen) {
  {
    auto b = Open();
    ASSERT_TRUE(b);
    Apply(*b, {
                  op::PutUser{{1, "alice", "Alice", "student", "hash-a"}},
                  op::PutUser{{2, "tom", "Tom", "teacher", "hash-t"}},
                  op::PutSession{{"tok-1", 1, "csrf-1", 1000}},
                  op::PutSession{{"tok-2", 2, "csrf-2", 2000}},
                  op::DeleteSession{"tok-2"},
                  op::PutCourse{{"geo-101", "Geography", "Maps and more"}},
                  op::PutEnrolment{{"geo-101", 1, false, false}},
                  op::PutEnrolment{{"geo-101", 1, false, false}},  // replayed: kept once
                  op::PutExam{{"geo-final", "[exam]\nid = \"geo-final\"\n", 2, true, 555, false}},
                  op::PutExtraTime{{"geo-final", 1, 600'000}},
                  op::CreateAttempt{7, "geo-final", 1, kBigSeed, 10'000, 1'810'000},
                  op::SaveAnswer{7, "q1", 1, "2", 11'000},
                  op::SaveAnswer{7, "q2", 4, "\"Canberra\"", 12'000},
                  op::SubmitAttempt{7, 20'000, false},
                  op::SetManualGrade{7, "essay", 2.5},
                  op::Barrier{},
              });
  }
  Snapshot s = LoadFresh();

  ASSERT_EQ(s.users.size(), 2u);
  EXPECT_EQ(s.users[0].id, 1);
  EXPECT_EQ(s.users[0].login, "alice");
  EXPECT_EQ(s.users[0].display_name, "Alice");
  EXPECT_EQ(s.users[0].role, "student");
  EXPECT_EQ(s.users[0].password_hash, "hash-a");
  EXPECT_EQ(s.users[1].role, "teacher");

  ASSERT_EQ(s.sessions.size(), 1u) << "the deleted session must be gone";
  EXPECT_EQ(s.sessions[0].token_hash, "tok-1");
  EXPECT_EQ(s.sessions[0].user_id, 1);
  EXPECT_EQ(s.sessions[0].csrf_token, "csrf-1");
  EXPECT_EQ(s.sessions[0].expires_ms, 1000);

  ASSERT_EQ(s.courses.size(), 1u);
  EXPECT_EQ(s.courses[0].id, "geo-101");
  EXPECT_EQ(s.courses[0].title, "Geography");
  EXPECT_EQ(s.courses[0].description, "Maps and more");

  ASSERT_EQ(s.enrolments.size(), 1u);
  EXPECT_EQ(s.enrolments[0].course_id, "geo-101");
  EXPECT_EQ(s.enrolments[0].user_id, 1);

  ASSERT_EQ(s.exams.size(), 1u);
  EXPECT_EQ(s.exams[0].id, "geo-final");
  EXPECT_EQ(s.exams[0].source, "[exam]\nid = \"geo-final\"\n");
  EXPECT_EQ(s.exams[0].owner_id, 2);
  EXPECT_TRUE(s.exams[0].published);
  EXPECT_EQ(s.exams[0].published_ms, 555);
  EXPECT_FALSE(s.exams[0].results_released);

  ASSERT_EQ(s.extra_times.size(), 1u);
  EXPECT_EQ(s.extra_times[0].exam_id, "geo-final");
  EXPECT_EQ(s.extra_times[0].user_id, 1);
  EXPECT_EQ(s.extra_times[0].extra_ms, 600'000);

  ASSERT_EQ(s.attempts.size(), 1u);
  const store::AttemptRecord& a = s.attempts[0];
  EXPECT_EQ(a.id, 7);
  EXPECT_EQ(a.exam_id, "geo-final");
  EXPECT_EQ(a.user_id, 1);
  EXPECT_EQ(a.seed, kBigSeed);
  EXPECT_EQ(a.started_ms, 10'000);
  EXPECT_EQ(a.deadline_ms, 1'810'000);
  EXPECT_EQ(a.status, store::AttemptStatus::kSubmitted);
  EXPECT_EQ(a.submitted_ms, 20'000);
  EXPECT_FALSE(a.auto_submitted);
  ASSERT_EQ(a.answers.size(), 2u);
  EXPECT_EQ(a.answers.at("q1").seq, 1);
  EXPECT_EQ(a.answers.at("q1").value_json, "2");
  EXPECT_EQ(a.answers.at("q1").saved_at_ms, 11'000);
  EXPECT_EQ(a.answers.at("q2").seq, 4);
  EXPECT_EQ(a.answers.at("q2").value_json, "\"Canberra\"");
  ASSERT_EQ(a.manual_points.size(), 1u);
  EXPECT_DOUBLE_EQ(a.manual_points.at("essay"), 2.5);
}

TEST_F(SqliteStoreTest, ReplacingWritesKeepTheLastValue) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::PutCourse{{"c", "Old", ""}}, op::PutExtraTime{{"e", 1, 5}},
             op::PutExam{{"e", "old", 1, false, 0, false}}, op::SetManualGrade{3, "q", 1.0}});
  Apply(*b, {op::PutCourse{{"c", "New", "d"}}, op::PutExtraTime{{"e", 1, 9}},
             op::PutExam{{"e", "new", 1, true, 42, true}},
             op::CreateAttempt{3, "e", 1, 1, 0, 100}, op::SetManualGrade{3, "q", 0.5}});
  auto s = b->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->courses.size(), 1u);
  EXPECT_EQ(s->courses[0].title, "New");
  ASSERT_EQ(s->extra_times.size(), 1u);
  EXPECT_EQ(s->extra_times[0].extra_ms, 9);
  ASSERT_EQ(s->exams.size(), 1u);
  EXPECT_EQ(s->exams[0].source, "new");
  EXPECT_TRUE(s->exams[0].results_released);
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_DOUBLE_EQ(s->attempts[0].manual_points.at("q"), 0.5);
}

TEST_F(SqliteStoreTest, OlderSaveDoesNotOverwriteANewerOne) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::CreateAttempt{1, "e", 1, 1, 0, 100}});
  Apply(*b, {op::SaveAnswer{1, "q", 5, "\"five\"", 500}});
  Apply(*b, {op::SaveAnswer{1, "q", 3, "\"three\"", 300}});  // arrives late
  Apply(*b, {op::SaveAnswer{1, "q", 5, "\"replay\"", 501}});  // same seq: a replay
  auto s = b->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->attempts.size(), 1u);
  const store::AnswerRecord& held = s->attempts[0].answers.at("q");
  EXPECT_EQ(held.seq, 5);
  EXPECT_EQ(held.value_json, "\"five\"") << "an older or equal seq must not overwrite";
  EXPECT_EQ(held.saved_at_ms, 500);

  Apply(*b, {op::SaveAnswer{1, "q", 6, "\"six\"", 600}});
  s = b->LoadAll();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->attempts[0].answers.at("q").value_json, "\"six\"") << "a newer seq must win";
}

TEST_F(SqliteStoreTest, OutOfOrderSavesInOneBatchKeepTheHighestSeq) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::CreateAttempt{1, "e", 1, 1, 0, 100}, op::SaveAnswer{1, "q", 2, "2", 2},
             op::SaveAnswer{1, "q", 9, "9", 9}, op::SaveAnswer{1, "q", 4, "4", 4}});
  auto s = b->LoadAll();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->attempts[0].answers.at("q").seq, 9);
  EXPECT_EQ(s->attempts[0].answers.at("q").value_json, "9");
}

TEST_F(SqliteStoreTest, SecondSubmitKeepsTheFirstSubmissionTime) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::CreateAttempt{1, "e", 1, 1, 0, 100}});
  Apply(*b, {op::SubmitAttempt{1, 50, false}});
  Apply(*b, {op::SubmitAttempt{1, 90, true}});
  auto s = b->LoadAll();
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_EQ(s->attempts[0].status, store::AttemptStatus::kSubmitted);
  EXPECT_EQ(s->attempts[0].submitted_ms, 50);
  EXPECT_FALSE(s->attempts[0].auto_submitted) << "the second submit must change nothing";
}

TEST_F(SqliteStoreTest, ReplayedCreateAttemptKeepsTheFirst) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::CreateAttempt{1, "e", 1, 11, 100, 200}});
  Apply(*b, {op::CreateAttempt{1, "e", 1, 22, 300, 400}});
  auto s = b->LoadAll();
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_EQ(s->attempts[0].seed, 11u);
  EXPECT_EQ(s->attempts[0].started_ms, 100);
}

TEST_F(SqliteStoreTest, FailingBatchCommitsNothingAndTheStoreStaysUsable) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::PutUser{{1, "alice", "Alice", "student", "h"}}});
  // The second user reuses id 1: the plain insert fails, and the course before it is rolled back.
  Status s = b->ApplyBatch(std::vector<WriteOp>{op::PutCourse{{"c", "C", ""}},
                                                op::PutUser{{1, "bob", "Bob", "student", "h"}}});
  ASSERT_FALSE(s.ok()) << "reusing a user id must fail loudly";
  EXPECT_EQ(s.error().code, ErrorCode::kInternal);
  Status bad_role = b->ApplyBatch(std::vector<WriteOp>{
      op::PutUser{{2, "carol", "Carol", "dean", "h"}}});
  EXPECT_FALSE(bad_role.ok()) << "the role is checked by the schema";
  Apply(*b, {op::PutUser{{3, "dave", "Dave", "student", "h"}}});
  auto snap = b->LoadAll();
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(snap->courses.empty()) << "a failed batch must be all or nothing";
  ASSERT_EQ(snap->users.size(), 2u);
  EXPECT_EQ(snap->users[0].login, "alice");
  EXPECT_EQ(snap->users[1].login, "dave");
}

TEST_F(SqliteStoreTest, ReopeningDoesNotRunMigrationsAgain) {
  {
    auto b = Open();
    ASSERT_TRUE(b);
    Apply(*b, {op::PutCourse{{"c", "Kept", ""}}});
  }
  for (int i = 0; i < 2; ++i) {
    auto b = Open();
    ASSERT_TRUE(b) << "reopening an existing store must not fail (migrations re-run?)";
    auto s = b->LoadAll();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->courses.size(), 1u);
    EXPECT_EQ(s->courses[0].title, "Kept");
  }
  // The schema version is recorded, once.
  sqlite3* db = nullptr;
  const std::string path = dir_.path() + "/pupitre.db";
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), store::LatestSchemaVersion());
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  { ASSERT_TRUE(Open()); }
  sqlite3* db = nullptr;
  const std::string path = dir_.path() + "/pupitre.db";
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto r = OpenSqlite(dir_.path());
  ASSERT_FALSE(r.ok()) << "a store written by a newer program must not be opened";
  EXPECT_THAT(r.error().message, HasSubstr("99"));
}

TEST_F(SqliteStoreTest, DataDirThatIsAFileFails) {
  const std::string file = dir_.path() + "/not-a-dir";
  std::ofstream(file) << "x";
  auto r = OpenSqlite(file);
  EXPECT_FALSE(r.ok());
}

TEST_F(SqliteStoreTest, FindUserByLogin) {
  auto b = Open();
  ASSERT_TRUE(b);
  Apply(*b, {op::PutUser{{4, "alice", "Alice A.", "admin", "hash"}},
             op::PutUser{{5, "bob", "Bob", "student", "hash-b"}}});
  auto found = b->FindUserByLogin("alice");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, 4);
  EXPECT_EQ((*found)->display_name, "Alice A.");
  EXPECT_EQ((*found)->role, "admin");
  EXPECT_EQ((*found)->password_hash, "hash");

  auto missing = b->FindUserByLogin("carol");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto wrong_case = b->FindUserByLogin("ALICE");
  ASSERT_TRUE(wrong_case.ok());
  EXPECT_FALSE(wrong_case->has_value()) << "logins are matched exactly";

  // A user added after the reader connection was opened is seen too.
  Apply(*b, {op::PutUser{{6, "carol", "Carol", "teacher", "h"}}});
  auto later = b->FindUserByLogin("carol");
  ASSERT_TRUE(later.ok());
  ASSERT_TRUE(later->has_value());
  EXPECT_EQ((*later)->id, 6);
}

}  // namespace
}  // namespace pupitre::store
