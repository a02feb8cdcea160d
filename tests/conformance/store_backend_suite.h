#pragma once
// What every store backend must do: one suite, instantiated over each backend (SQLite in the
// unit tests, src/store/backend_conformance_test.cc; PostgreSQL in the cluster tests,
// tests/cluster/postgres_store_test.cc), so that the backends cannot drift apart.
// Include it in one test file per binary, then INSTANTIATE_TEST_SUITE_P(..., BackendConformanceTest,
// ::testing::Values(BackendKind{...})).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "store/id_blocks.h"
#include "store/store.h"
#include "testkit/child_server.h"

namespace pupitre::store {

// Opens a backend on the store kept in `dir` (the same dir twice: the same store, e.g. two
// nodes).
struct BackendKind {
  std::string name;
  std::function<Result<std::unique_ptr<Backend>>(const std::string& dir)> open;
};

class BackendConformanceTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  void SetUp() override { backend_ = Open(); }
  std::unique_ptr<Backend> Open() {
    auto b = GetParam().open(dir_.path());
    EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
    return b.ok() ? std::move(*b) : nullptr;
  }
  Status Apply(std::vector<WriteOp> ops) { return backend_->ApplyBatch(ops); }

  // Two exams, one attempt each, with an answer and a grade; a user, a session, a setting.
  void Fill() {
    ASSERT_TRUE(Apply({op::PutUser{{1, "ada", "Ada", "student", "hash"}},
                       op::PutUser{{2, "bob", "Bob", "teacher", "hash"}},
                       op::PutSession{{"h1", 1, "csrf", 9'000'000'000'000, true, 42}},
                       op::PutCourse{{"c1", "Course", ""}}, op::PutEnrolment{{"c1", 1, false, false}},
                       op::PutEnrolment{{"c1", 2, /*teaches=*/true, false}},
                       op::PutEnrolment{{"c1", 3, false, /*assists=*/true}},
                       op::PutExam{{"e1", "toml-1", 2, true, 10, false, 0, "toml", "{}"}},
                       op::PutExam{{"e2", "toml-2", 2, true, 10, false, 0}},
                       op::PutExtraTime{{"e1", 1, 60'000}},
                       op::CreateAttempt{10, "e1", 1, 77, 100, 200},
                       op::CreateAttempt{11, "e2", 1, 78, 100, 200},
                       op::SaveAnswer{10, "q", 1, "\"one\"", 101},
                       op::SaveAnswer{11, "q", 1, "\"other\"", 101},
                       op::SubmitAttempt{10, 150, false},
                       op::SetManualGrade{10, "essay", 2.5},
                       op::SetGradeComment{10, "essay", "Well argued."},
                       op::SetGradeComment{10, "", "First draft"},
                       op::SetGradeComment{10, "", "Good work overall."},  // replaces it
                       op::SetGradeComment{10, "q", "x"},
                       op::SetGradeComment{10, "q", ""},  // removed
                       op::SetPassword{1, "hash-2"},
                       op::SetDisabled{1, true}, op::SetDisabled{2, true},
                       op::SetDisabled{2, false},  // enabled again
                       op::AddAttemptEvent{11, {300, "outage_compensation", "{\"added_ms\":7}"}},
                       op::AddAttemptEvent{11, {200, "outage_compensation", "{\"added_ms\":5}"}},
                       // Replayed: the same attempt, time and kind is one event.
                       op::AddAttemptEvent{11, {200, "outage_compensation", "{\"added_ms\":5}"}},
                       op::PutSetting{"k", "v"}})
                    .ok());
  }

  testkit::TempDir dir_;
  std::unique_ptr<Backend> backend_;
};

TEST_P(BackendConformanceTest, EveryKindOfWriteIsReadBackByAFullLoad) {
  Fill();
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->users.size(), 2u);
  EXPECT_EQ(s->users[0].login, "ada");
  EXPECT_EQ(s->users[0].password_hash, "hash-2") << "a changed password";
  EXPECT_EQ(s->disabled_users, (std::vector<int64_t>{1})) << "disabled, then enabled again";
  ASSERT_EQ(s->sessions.size(), 1u);
  EXPECT_EQ(s->sessions[0].csrf_token, "csrf");
  EXPECT_TRUE(s->sessions[0].remembered);
  EXPECT_EQ(s->sessions[0].issued_ms, 42);
  ASSERT_EQ(s->courses.size(), 1u);
  ASSERT_EQ(s->enrolments.size(), 3u);
  for (const auto& e : s->enrolments) {
    EXPECT_EQ(e.teaches, e.user_id == 2) << "who teaches the course is kept";
    EXPECT_EQ(e.assists, e.user_id == 3) << "who assists is kept";
  }
  ASSERT_EQ(s->exams.size(), 2u);
  EXPECT_EQ(s->exams[0].source, "toml-1");
  EXPECT_EQ(s->exams[0].source_format, "toml");
  EXPECT_EQ(s->exams[0].spec_json, "{}");
  ASSERT_EQ(s->extra_times.size(), 1u);
  EXPECT_EQ(s->extra_times[0].extra_ms, 60'000);
  ASSERT_EQ(s->attempts.size(), 2u);
  const AttemptRecord& a = s->attempts[0];
  EXPECT_EQ(a.id, 10);
  EXPECT_EQ(a.seed, 77u);
  EXPECT_EQ(a.status, AttemptStatus::kSubmitted);
  EXPECT_EQ(a.submitted_ms, 150);
  EXPECT_EQ(a.answers.at("q").value_json, "\"one\"");
  EXPECT_DOUBLE_EQ(a.manual_points.at("essay"), 2.5);
  EXPECT_EQ(a.comments, (std::map<std::string, std::string>{{"", "Good work overall."},
                                                            {"essay", "Well argued."}}))
      << "the comments, the last of each, a removed one gone";
  EXPECT_EQ(s->settings.at("k"), "v");
  const AttemptRecord& b = s->attempts[1];
  ASSERT_EQ(b.events.size(), 2u) << "events of attempt 11, a replay counted once";
  EXPECT_EQ(b.events[0].at_ms, 200) << "in time order";
  EXPECT_EQ(b.events[1].data_json, "{\"added_ms\":7}");
  EXPECT_TRUE(a.events.empty());
  auto one = backend_->LoadAttemptEvents(11);
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->size(), 2u) << "one attempt's events, read alone";
  EXPECT_EQ((*one)[0].at_ms, 200);
  EXPECT_EQ((*one)[1].kind, "outage_compensation");
  auto none = backend_->LoadAttemptEvents(10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(BackendConformanceTest, CourseContentAndUploadsAreKeptAsTheyAreNow) {
  ItemRecord page{5, "c1", 1, 0, "page", "Read me", "# Hello", "", "", "", 0, 100, false};
  ItemRecord file{6, "c1", 1, 1, "file", "Slides", "", std::string(64, 'a'), "s.pdf",
                  "application/pdf", 1234, 100, false};
  ASSERT_TRUE(Apply({op::PutSection{{1, "c1", 0, "Week 1", false}},
                     op::PutSection{{2, "c1", 1, "Week 2", false}}, op::PutItem{page},
                     op::PutItem{file}, op::PutUpload{{"u1", 1, 500, "essay.pdf", 7}},
                     op::PutUpload{{"u2", 1, 600, "x.pdf", 8}}})
                  .ok());
  page.title = "Read me first";
  file.deleted = true;
  ASSERT_TRUE(Apply({op::PutSection{{2, "c1", 1, "Week 2", true}}, op::PutItem{page},
                     op::PutItem{file}, op::DeleteUpload{"u1"}})
                  .ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->sections.size(), 2u);
  EXPECT_EQ(s->sections[0].title, "Week 1");
  EXPECT_TRUE(s->sections[1].deleted) << "a deleted section is kept, flagged";
  ASSERT_EQ(s->items.size(), 2u);
  EXPECT_EQ(s->items[0].title, "Read me first");
  EXPECT_EQ(s->items[0].body, "# Hello");
  EXPECT_EQ(s->items[1].blob, std::string(64, 'a'));
  EXPECT_EQ(s->items[1].size, 1234);
  EXPECT_EQ(s->items[1].content_type, "application/pdf");
  EXPECT_TRUE(s->items[1].deleted);
  ASSERT_EQ(s->uploads.size(), 1u);
  EXPECT_EQ(s->uploads[0].id, "u2");
  EXPECT_EQ(s->uploads[0].length, 600);
  EXPECT_EQ(s->uploads[0].file_name, "x.pdf");
}

TEST_P(BackendConformanceTest, HomeworkHandinsGradesAndExtraTimeAreKeptAsTheyAreNow) {
  ASSERT_TRUE(Apply({op::PutHomework{{7, "c1", 1000, 2000, 20, 3, 0, "pdf,txt", true}},
                     op::PutHandin{{7, 1, 1, 900, false, "first", "aa 3 a.pdf\n"}},
                     op::PutHandinGrade{{7, 1, true, 12.5, "Good", 0}},
                     op::PutHomeworkExtra{{7, 1, 60'000}}})
                  .ok());
  ASSERT_TRUE(Apply({op::PutHandin{{7, 1, 2, 1500, true, "second", "bb 4 b.txt\n"}},
                     op::PutHandinGrade{{7, 1, false, 0, "Redo", 3000}}})
                  .ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->homeworks.size(), 1u);
  EXPECT_EQ(s->homeworks[0].cutoff_ms, 2000);
  EXPECT_DOUBLE_EQ(s->homeworks[0].max_points, 20);
  EXPECT_EQ(s->homeworks[0].allowed, "pdf,txt");
  ASSERT_EQ(s->handins.size(), 1u) << "a replacement replaces";
  EXPECT_EQ(s->handins[0].version, 2);
  EXPECT_TRUE(s->handins[0].late);
  EXPECT_EQ(s->handins[0].files, "bb 4 b.txt\n");
  ASSERT_EQ(s->handin_grades.size(), 1u);
  EXPECT_FALSE(s->handin_grades[0].has_points);
  EXPECT_EQ(s->handin_grades[0].comment, "Redo");
  EXPECT_EQ(s->handin_grades[0].returned_ms, 3000);
  ASSERT_EQ(s->homework_extras.size(), 1u);
  EXPECT_EQ(s->homework_extras[0].extra_ms, 60'000);
}

TEST_P(BackendConformanceTest, LiveClassesAndTheirAttendanceAreKeptAsTheyAreNow) {
  ASSERT_TRUE(Apply({op::PutLiveClass{{9, "c1", 5000, 45, true, 0}},
                     op::PutLiveAttendance{{9, 4, 5100, 5100, 1}},
                     op::PutLiveAttendance{{9, 2, 5200, 5200, 1}}})
                  .ok());
  ASSERT_TRUE(Apply({op::PutLiveClass{{9, "c1", 5000, 45, true, 9000}},
                     op::PutLiveAttendance{{9, 4, 5100, 6000, 2}}})
                  .ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->live_classes.size(), 1u);
  EXPECT_EQ(s->live_classes[0].course_id, "c1");
  EXPECT_EQ(s->live_classes[0].duration_min, 45);
  EXPECT_TRUE(s->live_classes[0].record);
  EXPECT_EQ(s->live_classes[0].ended_ms, 9000);
  ASSERT_EQ(s->live_attendance.size(), 2u);
  EXPECT_EQ(s->live_attendance[0].user_id, 2) << "ordered by class, then person";
  EXPECT_EQ(s->live_attendance[1].last_ms, 6000);
  EXPECT_EQ(s->live_attendance[1].joins, 2);
  EXPECT_EQ(s->live_attendance[1].first_ms, 5100);
}

TEST_P(BackendConformanceTest, IncidentVersionsAreKeptInOrderAndAReplayIsOne) {
  IncidentUpdate posted{7, 1, 1000, 3, "warning", "exam", "e1", "Slow saves", "Enregistrements lents",
                        false};
  IncidentUpdate resolved = posted;
  resolved.version = 2;
  resolved.at_ms = 2000;
  resolved.resolved = true;
  IncidentUpdate other{2, 1, 1500, 3, "info", "all", "", "Hello", "", false};
  ASSERT_TRUE(Apply({op::AddIncidentUpdate{resolved}, op::AddIncidentUpdate{posted},
                     op::AddIncidentUpdate{other}, op::AddIncidentUpdate{posted}})
                  .ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->incident_updates.size(), 3u) << "a replayed version is one version";
  EXPECT_EQ(s->incident_updates[0].incident_id, 2) << "ordered by incident, then version";
  const IncidentUpdate& a = s->incident_updates[1];
  EXPECT_EQ(a.incident_id, 7);
  EXPECT_EQ(a.version, 1);
  EXPECT_EQ(a.author_id, 3);
  EXPECT_EQ(a.severity, "warning");
  EXPECT_EQ(a.scope_kind, "exam");
  EXPECT_EQ(a.scope_id, "e1");
  EXPECT_EQ(a.text_en, "Slow saves");
  EXPECT_EQ(a.text_fr, "Enregistrements lents");
  EXPECT_FALSE(a.resolved);
  EXPECT_TRUE(s->incident_updates[2].resolved);
  EXPECT_EQ(s->incident_updates[2].at_ms, 2000);
  auto exam_only = backend_->Load(Scope::Exam("e1"));
  ASSERT_TRUE(exam_only.ok());
  EXPECT_TRUE(exam_only->incident_updates.empty()) << "incidents are not exam data";
}

TEST_P(BackendConformanceTest, ABatchIsAllOrNothing) {
  Fill();
  // The second user reuses id 1: the batch fails, and its first write is not kept either.
  Status st = Apply({op::PutUser{{3, "cy", "Cy", "student", "hash"}},
                     op::PutUser{{1, "dup", "Dup", "student", "hash"}}});
  EXPECT_FALSE(st.ok()) << "a second user with id 1 was accepted";
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->users.size(), 2u) << "half a failed batch was committed";
}

TEST_P(BackendConformanceTest, AnOlderSequenceNumberNeverOverwritesANewerAnswer) {
  Fill();
  ASSERT_TRUE(Apply({op::SaveAnswer{11, "q", 5, "\"five\"", 105}}).ok());
  ASSERT_TRUE(Apply({op::SaveAnswer{11, "q", 3, "\"three\"", 106}}).ok());
  auto s = backend_->Load(Scope::Exam("e2"));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_EQ(s->attempts[0].answers.at("q").seq, 5);
  EXPECT_EQ(s->attempts[0].answers.at("q").value_json, "\"five\"");
}

TEST_P(BackendConformanceTest, ASecondSubmitChangesNothing) {
  Fill();
  ASSERT_TRUE(Apply({op::SubmitAttempt{10, 999, true}}).ok());
  auto s = backend_->Load(Scope::Exam("e1"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->attempts[0].submitted_ms, 150);
  EXPECT_FALSE(s->attempts[0].auto_submitted);
}

TEST_P(BackendConformanceTest, AnExamsScopeReadsThatExamAndItsAttemptsOnly) {
  Fill();
  auto s = backend_->Load(Scope::Exam("e2"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->exams.size(), 1u);
  EXPECT_EQ(s->exams[0].id, "e2");
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_EQ(s->attempts[0].id, 11);
  EXPECT_EQ(s->attempts[0].answers.at("q").value_json, "\"other\"");
  EXPECT_TRUE(s->attempts[0].manual_points.empty()) << "another exam's grade came along";
  EXPECT_TRUE(s->extra_times.empty()) << "another exam's extra time came along";
  EXPECT_TRUE(s->users.empty() && s->sessions.empty() && s->settings.empty())
      << "an exam's scope read accounts or settings";
  EXPECT_TRUE(s->courses.empty() && s->enrolments.empty())
      << "an exam's scope read courses and their people (the change feed brings them)";
}

TEST_P(BackendConformanceTest, SessionsUsersAndSettingsAreFoundOneByOne) {
  Fill();
  auto session = backend_->FindSession("h1");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(session->has_value());
  EXPECT_EQ((*session)->user_id, 1);
  EXPECT_FALSE(backend_->FindSession("nope")->has_value());
  auto user = backend_->FindUserByLogin("bob");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->id, 2);
  EXPECT_EQ(backend_->GetSetting("k")->value_or(""), "v");
  ASSERT_TRUE(Apply({op::PutSetting{"k", "w"}}).ok());
  EXPECT_EQ(backend_->GetSetting("k")->value_or(""), "w");
  ASSERT_TRUE(Apply({op::DeleteSetting{"k"}, op::DeleteSession{"h1"}}).ok());
  EXPECT_FALSE(backend_->GetSetting("k")->has_value());
  EXPECT_FALSE(backend_->FindSession("h1")->has_value());
}

TEST_P(BackendConformanceTest, SingleLogoutNamesFindTheirSessionsAndGoWithThem) {
  Fill();  // session h1
  ASSERT_TRUE(Apply({op::PutSession{{"h2", 2, "c2", 9'000'000'000'000, false, 50}},
                     op::PutSession{{"h3", 2, "c3", 9'000'000'000'000, false, 60}},
                     op::NameSession{"ST-1", "h1"}, op::NameSession{"sub:bob", "h2"},
                     op::NameSession{"sub:bob", "h3"}, op::NameSession{"sub:bob", "h3"},
                     // A session that ended before it was named is not named.
                     op::NameSession{"ST-9", "gone"}})
                  .ok());
  auto one = backend_->FindNamedSessions("ST-1", 10);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<std::string>{"h1"});
  EXPECT_EQ(*backend_->FindNamedSessions("sub:bob", 10), (std::vector<std::string>{"h3", "h2"}))
      << "the newest first, each once";
  EXPECT_EQ(*backend_->FindNamedSessions("sub:bob", 1), std::vector<std::string>{"h3"});
  EXPECT_TRUE(backend_->FindNamedSessions("ST-9", 10)->empty());
  EXPECT_TRUE(backend_->FindNamedSessions("st-1", 10)->empty()) << "names are exact";
  // A session rewritten (its expiry shortened) keeps its names; a session ended loses them.
  ASSERT_TRUE(Apply({op::PutSession{{"h2", 2, "c2", 5'000, false, 50}}}).ok());
  ASSERT_TRUE(Apply({op::DeleteSession{"h3"}}).ok());
  EXPECT_EQ(*backend_->FindNamedSessions("sub:bob", 10), std::vector<std::string>{"h2"});
  // Stored again under the same token (it cannot be, but if it were) it is not named by the
  // names of its ended self.
  ASSERT_TRUE(Apply({op::PutSession{{"h3", 2, "c3", 9'000'000'000'000, false, 70}}}).ok());
  EXPECT_EQ(*backend_->FindNamedSessions("sub:bob", 10), std::vector<std::string>{"h2"});
  // Reopened, the store still has them.
  backend_.reset();
  backend_ = Open();
  ASSERT_TRUE(backend_);
  EXPECT_EQ(*backend_->FindNamedSessions("ST-1", 10), std::vector<std::string>{"h1"});
}

TEST_P(BackendConformanceTest, IdBlocksNeverOverlapEvenBetweenTwoProcesses) {
  Fill();  // attempts 10 and 11 exist
  auto other = Open();  // a second process on the same store
  ASSERT_TRUE(other);
  std::set<int64_t> seen;
  for (int i = 0; i < 20; ++i) {
    Backend& b = i % 2 ? *other : *backend_;
    auto first = b.AllocateIds("attempt", 100);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_GT(*first, 11) << "a block began at or before an attempt already stored";
    for (int64_t id = *first; id < *first + 100; ++id) {
      EXPECT_TRUE(seen.insert(id).second) << "id " << id << " was given twice";
    }
  }
  auto users = backend_->AllocateIds("user", 1);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(*users, 3) << "the first block of users starts after the largest user id";
  EXPECT_FALSE(backend_->AllocateIds("nonsense", 1).ok());
  for (const IdKind& kind : kIdKinds) {
    auto first = backend_->AllocateIds(kind.name, kind.block);
    EXPECT_TRUE(first.ok()) << kind.name << ": " << (first.ok() ? "" : first.error().message);
  }
}

TEST_P(BackendConformanceTest, WhatWasCommittedIsThereAfterReopening) {
  Fill();
  backend_.reset();
  backend_ = Open();
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->attempts.size(), 2u);
  EXPECT_EQ(s->settings.at("k"), "v");
}

TEST_P(BackendConformanceTest, WritesOfOneKindToOneRowInOneBatchLandInOrder) {
  // A batch may hold several writes of one row (a backend sending a kind's writes together must
  // still apply them as if one by one): the last replacing write wins, the highest answer wins.
  std::vector<WriteOp> ops;
  for (int i = 0; i < 3; ++i) {
    ops.push_back(op::PutSetting{"k", "v" + std::to_string(i)});
    ops.push_back(op::PutSetting{"other" + std::to_string(i), "x"});
  }
  ops.push_back(op::CreateAttempt{10, "e1", 1, 77, 100, 200});
  ops.push_back(op::CreateAttempt{10, "e1", 1, 99, 100, 200});  // replayed: the first stays
  ops.push_back(op::SaveAnswer{10, "q", 2, "\"two\"", 101});
  ops.push_back(op::SaveAnswer{10, "r", 1, "\"r\"", 101});
  ops.push_back(op::SaveAnswer{10, "q", 1, "\"one\"", 102});  // older: ignored
  ops.push_back(op::SaveAnswer{10, "q", 3, "\"three\"", 103});
  ASSERT_TRUE(Apply(ops).ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->settings.at("k"), "v2");
  EXPECT_EQ(s->settings.size(), 4u);
  ASSERT_EQ(s->attempts.size(), 1u);
  EXPECT_EQ(s->attempts[0].seed, 77u);
  EXPECT_EQ(s->attempts[0].answers.at("q").value_json, "\"three\"");
  EXPECT_EQ(s->attempts[0].answers.at("r").seq, 1);
}

TEST_P(BackendConformanceTest, ABigBatchOfSavesIsKeptWhole) {
  // More writes than one statement may carry (a backend cuts them): all of them are there.
  std::vector<WriteOp> ops;
  for (int a = 0; a < 50; ++a) ops.push_back(op::CreateAttempt{100 + a, "e1", a, 1, 0, 9});
  for (int q = 0; q < 120; ++q) {
    for (int a = 0; a < 50; ++a) {
      ops.push_back(op::SaveAnswer{100 + a, "q" + std::to_string(q), 1,
                                   "\"" + std::to_string(a * 1000 + q) + "\"", 5});
    }
  }
  ASSERT_TRUE(Apply(ops).ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->attempts.size(), 50u);
  size_t answers = 0;
  for (const auto& a : s->attempts) answers += a.answers.size();
  EXPECT_EQ(answers, 6000u);
  EXPECT_EQ(s->attempts[7].answers.at("q119").value_json, "\"7119\"");
}

TEST_P(BackendConformanceTest, TextIsKeptByteForByte) {
  const std::string odd = "quote ' double \" backslash \\ dollar $1 unicode \u00e9\u4e2d\U0001f600 tab\t";
  ASSERT_TRUE(Apply({op::PutSetting{odd, odd}, op::PutCourse{{"c-\u00e9", odd, std::string(100'000, 'x')}}}).ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->settings.at(odd), odd);
  ASSERT_EQ(s->courses.size(), 1u);
  EXPECT_EQ(s->courses[0].title, odd);
  EXPECT_EQ(s->courses[0].description.size(), 100'000u);
  EXPECT_EQ(backend_->GetSetting(odd)->value_or(""), odd);
}

TEST_P(BackendConformanceTest, GradesKeepTheirFractions) {
  ASSERT_TRUE(Apply({op::CreateAttempt{10, "e1", 1, 77, 100, 200},
                     op::SetManualGrade{10, "a", 0.1}, op::SetManualGrade{10, "b", 2.0 / 3.0}})
                  .ok());
  auto s = backend_->LoadAll();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->attempts[0].manual_points.at("a"), 0.1);
  EXPECT_EQ(s->attempts[0].manual_points.at("b"), 2.0 / 3.0);
}

TEST_P(BackendConformanceTest, AKeptValueIsNotReplacedByASecondFirstValue) {
  ASSERT_TRUE(Apply({op::AddSetting{"key", "first"}}).ok());
  ASSERT_TRUE(Apply({op::AddSetting{"key", "second"}, op::AddSetting{"other", "x"}}).ok());
  EXPECT_EQ(backend_->GetSetting("key")->value_or(""), "first");
  EXPECT_EQ(backend_->GetSetting("other")->value_or(""), "x");
}

// What a node reads of another's changes: each named thing as it is now, whole.
TEST_P(BackendConformanceTest, ChangedThingsAreReadAsTheyAreNow) {
  Fill();
  ASSERT_TRUE(Apply({op::PutSection{{5, "c1", 1, "Week 1", false}},
                     op::PutItem{{7, "c1", 5, 1, "page", "Old", "old", "", "", "", 0, 1, false}},
                     op::PutItem{{7, "c1", 5, 1, "page", "New", "new", "", "", "", 0, 2, false}},
                     op::PutItem{{8, "c1", 5, 2, "page", "Gone", "", "", "", "", 0, 2, true}},
                     op::PutHomework{{7, "c1", 1000, 0, 10, 1, 0, "pdf", true}},
                     op::PutHandin{{7, 1, 1, 900, false, "mine", ""}},
                     op::PutHandin{{7, 3, 2, 950, true, "theirs", ""}},
                     op::PutHandinGrade{{7, 1, true, 8.5, "good", 0}},
                     op::PutAnnouncement{{3, "c1", 2, 50, "Hello", "*hi*"}},
                     op::PutAnnouncementRead{{1, "c1", 3}},
                     op::PutLiveClass{{9, "c1", 100, 60, false, 0}},
                     op::PutLiveAttendance{{9, 1, 110, 120, 2}},
                     op::AddIncidentUpdate{{4, 1, 10, 2, "info", "all", "", "en", "fr", false}},
                     op::AddIncidentUpdate{{4, 2, 20, 2, "info", "all", "", "en2", "fr2", true}},
                     op::DeleteSession{"h1"}})
                  .ok());
  std::vector<ChangeKey> keys{{ChangeKind::kUser, "1"},       {ChangeKind::kUser, "2"},
                              {ChangeKind::kSession, "h1"},   {ChangeKind::kCourse, "c1"},
                              {ChangeKind::kExam, "e1"},      {ChangeKind::kSection, "5"},
                              {ChangeKind::kItem, "7"},       {ChangeKind::kItem, "8"},
                              {ChangeKind::kHomework, "7"},   {ChangeKind::kAnnouncement, "3"},
                              {ChangeKind::kReads, "1"},      {ChangeKind::kLive, "9"},
                              {ChangeKind::kIncident, "4"},   {ChangeKind::kSetting, "k"},
                              {ChangeKind::kSetting, "gone"}, {ChangeKind::kUser, "404"}};
  auto c = backend_->ReadChanged(keys);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->keys, keys.size());
  const Snapshot& now = c->now;
  ASSERT_EQ(now.users.size(), 2u) << "user 404 does not exist";
  EXPECT_EQ(now.users[0].password_hash, "hash-2");
  const std::vector<std::pair<int64_t, bool>> disabled{{1, true}, {2, false}, {404, false}};
  EXPECT_EQ(c->users_disabled, disabled);
  EXPECT_EQ(c->ended_sessions, std::vector<std::string>{"h1"});
  ASSERT_EQ(now.courses.size(), 1u);
  EXPECT_EQ(c->courses, std::vector<std::string>{"c1"});
  EXPECT_EQ(now.enrolments.size(), 3u) << "every enrolment of the course";
  ASSERT_EQ(now.exams.size(), 1u);
  EXPECT_EQ(now.exams[0].source, "toml-1");
  ASSERT_EQ(now.sections.size(), 1u);
  ASSERT_EQ(now.items.size(), 2u);
  EXPECT_EQ(now.items[0].title, "New");
  EXPECT_TRUE(now.items[1].deleted) << "a deleted item is read as deleted, so that it leaves";
  ASSERT_EQ(now.homeworks.size(), 1u);
  EXPECT_EQ(now.handins.size(), 2u) << "every hand-in of the homework";
  ASSERT_EQ(now.handin_grades.size(), 1u);
  EXPECT_EQ(now.handin_grades[0].points, 8.5);
  ASSERT_EQ(now.announcements.size(), 1u);
  ASSERT_EQ(now.announcement_reads.size(), 1u);
  EXPECT_EQ(now.announcement_reads[0].last_id, 3);
  EXPECT_EQ(now.live_classes.size(), 1u);
  EXPECT_EQ(now.live_attendance.size(), 1u);
  ASSERT_EQ(now.incident_updates.size(), 2u);
  EXPECT_EQ(now.incident_updates[1].version, 2);
  EXPECT_EQ(now.settings.at("k"), "v");
  EXPECT_EQ(c->erased_settings, std::vector<std::string>{"gone"});
}


}  // namespace pupitre::store
