#include "exam/ordering.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

#include "exam/exam.h"
#include "exam/exam_json.h"

namespace pupitre::exam {
namespace {

Question FourInOrder(OrderingGrading grading) {
  Question q;
  q.id = "rivers";
  q.type = QuestionType::kOrdering;
  q.text = "From the longest";
  q.options = {"Loire", "Seine", "Rhone", "Garonne"};
  q.order_key = {0, 1, 2, 3};
  q.points = 12;
  q.ordering_grading = grading;
  return q;
}

// Each of Moodle's grading types, worked by hand on three orders of four items (qtype_ordering's
// grade_response): one pair swapped, the order reversed, and a middle pair swapped.
TEST(OrderingShareTest, EachGradingEarnsWhatMoodlesWould) {
  using G = OrderingGrading;
  const std::vector<int> swapped{1, 0, 2, 3}, reversed{3, 2, 1, 0}, middle{0, 2, 1, 3};
  struct Case {
    G grading;
    double swapped, reversed, middle;
  };
  const Case cases[] = {
      {G::kAbsolutePosition, 2.0 / 4, 0, 2.0 / 4},
      {G::kRelativeNextExcludingLast, 1.0 / 3, 0, 0},
      {G::kRelativeNextIncludingLast, 2.0 / 4, 0, 1.0 / 4},
      {G::kRelativeOnePreviousAndNext, 3.0 / 8, 0, 2.0 / 8},
      {G::kRelativeAllPreviousAndNext, 10.0 / 12, 0, 10.0 / 12},
      {G::kLongestOrderedSubset, 3.0 / 4, 0, 3.0 / 4},
      {G::kLongestContiguousSubset, 3.0 / 4, 0, 2.0 / 4},
      {G::kRelativeToCorrect, 10.0 / 12, 4.0 / 12, 10.0 / 12},
  };
  for (const Case& c : cases) {
    const Question q = FourInOrder(c.grading);
    const char* name = OrderingGradingName(c.grading).data();
    EXPECT_DOUBLE_EQ(OrderingShare(q, {0, 1, 2, 3}), 1.0) << name << ": the right order";
    EXPECT_DOUBLE_EQ(OrderingShare(q, swapped), c.swapped) << name;
    EXPECT_DOUBLE_EQ(OrderingShare(q, reversed), c.reversed) << name;
    EXPECT_DOUBLE_EQ(OrderingShare(q, middle), c.middle) << name;
    // Through GradeAnswer: the points, and all or nothing over any grading.
    EXPECT_DOUBLE_EQ(*GradeAnswer(q, boost::json::parse("[1, 0, 2, 3]")), 12 * c.swapped) << name;
    Question whole = q;
    whole.all_or_nothing = true;
    EXPECT_DOUBLE_EQ(*GradeAnswer(whole, boost::json::parse("[1, 0, 2, 3]")), 0) << name;
    EXPECT_DOUBLE_EQ(*GradeAnswer(whole, boost::json::parse("[0, 1, 2, 3]")), 12) << name;
    // Its name reads back to it, and it is kept in the stored question.
    EXPECT_EQ(ParseOrderingGrading(OrderingGradingName(c.grading)), c.grading);
    auto back = FromCanonicalQuestion(ToCanonicalQuestion(q));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->ordering_grading, c.grading) << name;
  }
  EXPECT_FALSE(ParseOrderingGrading("ABSOLUTE_POSITION")) << "names are Pupitre's, lower case";
}

// Not a whole order (an answer that was not validated, a damaged key) earns nothing.
TEST(OrderingShareTest, WhatIsNotAnOrderEarnsNothing) {
  const Question q = FourInOrder(OrderingGrading::kRelativeToCorrect);
  EXPECT_DOUBLE_EQ(OrderingShare(q, {0, 1, 2}), 0);
  EXPECT_DOUBLE_EQ(OrderingShare(q, {0, 0, 2, 3}), 0);
  EXPECT_DOUBLE_EQ(OrderingShare(q, {0, 1, 2, 7}), 0);
  EXPECT_DOUBLE_EQ(OrderingShare(q, {-1, 1, 2, 3}), 0);
  // A stored grading Pupitre does not know is refused, not read as another.
  boost::json::object stored = ToCanonicalQuestion(q);
  stored["ordering_grading"] = "by_luck";
  EXPECT_FALSE(FromCanonicalQuestion(stored).ok());
}

}  // namespace
}  // namespace pupitre::exam
