#pragma once
// What every parser of Moodle's questions (import/moodle) must give, whatever the bytes: each
// problem and question at a line of the input, and every exam question made of them whole (a
// valid unique id, a text, choices with their right answers among them, credit that fits, a
// finite numeric answer and tolerance, feedback for each answer, units and images that fit).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "import/moodle/question_bank.h"

// Every exam question an importer made is whole (see above), whatever the input.
inline void CheckExamQuestions(const pupitre::importers::ExamQuestions& made) {
  using namespace pupitre;
  std::set<std::string> ids;
  for (const exam::Question& q : made.questions) {
    FUZZ_CHECK(!q.id.empty() && q.id.size() <= 64);
    for (char c : q.id) FUZZ_CHECK(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    FUZZ_CHECK(ids.insert(q.id).second);
    FUZZ_CHECK(!q.text.empty());
    switch (q.type) {
      case exam::QuestionType::kSingle:
      case exam::QuestionType::kMultiple:
        FUZZ_CHECK(q.options.size() >= 2);
        FUZZ_CHECK(!q.correct_options.empty());
        // One right option, unless the credit says what each gives (then one or more full).
        FUZZ_CHECK(q.type != exam::QuestionType::kSingle || q.correct_options.size() == 1 ||
                   !q.credit.empty());
        FUZZ_CHECK(q.credit.empty() || q.credit.size() == q.options.size());
        for (double c : q.credit) FUZZ_CHECK(c >= -1 && c <= 1);
        for (int i : q.correct_options) {
          FUZZ_CHECK(i >= 0 && static_cast<size_t>(i) < q.options.size());
        }
        FUZZ_CHECK(q.option_feedback.empty() || q.option_feedback.size() == q.options.size());
        break;
      case exam::QuestionType::kNumeric:
        FUZZ_CHECK(std::isfinite(q.numeric_answer) && std::isfinite(q.numeric_tolerance));
        FUZZ_CHECK(q.numeric_tolerance >= 0);
        break;
      case exam::QuestionType::kShortText:
        FUZZ_CHECK(!q.accepted.empty());
        FUZZ_CHECK(q.credit.empty() || q.credit.size() == q.accepted.size());
        break;
      case exam::QuestionType::kMatching:
        FUZZ_CHECK(q.options.size() >= 2 && q.match_key.size() == q.options.size());
        for (int k : q.match_key) FUZZ_CHECK(k >= 0 && static_cast<size_t>(k) < q.match_choices.size());
        FUZZ_CHECK(q.credit.empty() || q.credit.size() == q.options.size());
        break;
      case exam::QuestionType::kOrdering: {
        // Every item once in the key; never kept in its right order.
        FUZZ_CHECK(q.options.size() >= 2 && q.order_key.size() == q.options.size());
        std::vector<int> sorted = q.order_key;
        std::sort(sorted.begin(), sorted.end());
        for (size_t k = 0; k < sorted.size(); ++k) FUZZ_CHECK(sorted[k] == static_cast<int>(k));
        FUZZ_CHECK(!std::is_sorted(q.order_key.begin(), q.order_key.end()));
        break;
      }
      default:
        break;
    }
    // A description is worth nothing; every question something, at most 10000.
    FUZZ_CHECK(q.type == exam::QuestionType::kDescription ? q.points == 0
                                                          : q.points > 0 && q.points <= 10'000);
    FUZZ_CHECK(exam::AnswerFeedbackProblem(q).empty());
    FUZZ_CHECK(exam::GapsProblem(q).empty());
    FUZZ_CHECK(exam::UnitsProblem(q).empty());
    FUZZ_CHECK(exam::ImagesProblem(q, /*stored_or_bytes=*/true).empty());
  }
}

inline void CheckBank(std::string_view text, const pupitre::importers::QuestionBank& file) {
  using namespace pupitre;
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (const auto& p : file.problems) FUZZ_CHECK(p.line >= 1 && p.line <= lines);
  for (const auto& q : file.questions) FUZZ_CHECK(q.line >= 1 && q.line <= lines);
  CheckExamQuestions(importers::ToExamQuestions(file));
}
