// Which writes change the shared state nodes tell each other about (store/changes.h).
#include "store/changes.h"

#include <gtest/gtest.h>

namespace pupitre::store {
namespace {

TEST(ChangesOfTest, ExamDataIsNotSharedStateAndEverythingElseIsNamed) {
  std::vector<ChangeKey> keys;
  ChangesOf(op::SaveAnswer{1, "q", 1, "1", 1}, keys);
  ChangesOf(op::CreateAttempt{1, "e", 1, 1, 1, 1}, keys);
  ChangesOf(op::PutSession{{"h", 1, "c", 1, false, 1}}, keys);
  EXPECT_TRUE(keys.empty());
  ChangesOf(op::PutEnrolment{{"c1", 5, false, false}}, keys);
  ChangesOf(op::PutHandin{{7, 5, 1, 1, false, "", ""}}, keys);
  ChangesOf(op::SetPassword{5, "h"}, keys);
  ChangesOf(op::PutEnrolment{{"c1", 6, false, false}}, keys);
  Dedupe(keys);
  const std::vector<ChangeKey> want{{ChangeKind::kUser, "5"}, {ChangeKind::kCourse, "c1"},
                                    {ChangeKind::kHomework, "7"}};
  EXPECT_EQ(keys, want);
}

}  // namespace
}  // namespace pupitre::store
