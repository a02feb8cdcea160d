#pragma once
// A course's question bank: the questions its teachers keep (imported from GIFT, Moodle XML or
// QTI), filed by category, from which exams are made: questions chosen for everyone, and
// categories drawn from at random for each student (an exam group, exam/exam.h).
//
// Kept in the store's settings (common/settings.h), one key a question,
// "bank/<course>/<question id>", its value the question's canonical JSON (exam/exam_json.h)
// with the bank's own members: nodes sharing a store share the banks, and a question added or
// removed is one write. An exam made from the bank copies its questions: changing the bank later
// changes no exam. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "common/result.h"
#include "common/settings.h"
#include "exam/exam.h"

namespace pupitre::bank {

struct BankQuestion {
  exam::Question question;  // its id unique in the course's bank; group always ""
  std::string category;     // "" : none; "Geography/Capitals" (BankCategory's form)
  std::string format;       // what it came from: "gift", "moodle_xml", "qti"
  int64_t added_ms = 0;
  int64_t author_id = 0;
};

// A category as a bank files it: Moodle's path less its context and top levels
// ("$course$/top/Geography/Capitals" → "Geography/Capitals"), each level trimmed, empty levels
// dropped, at most 200 bytes.
std::string BankCategory(std::string_view category);

// What an exam made from the bank holds.
struct ExamRecipe {
  std::string id;
  std::string title;
  int64_t opens_ms = 0;
  int64_t closes_ms = 0;
  int64_t duration_ms = 0;
  std::vector<std::string> questions;  // asked of everyone, in this order
  struct Draw {
    std::string category;  // the category's questions not chosen above
    int pick = 1;          // asked of each student, drawn for them
  };
  std::vector<Draw> draws;
};

class QuestionBank {
 public:
  // At most this many questions in one course's bank (too_many_questions).
  static constexpr size_t kMaxQuestions = 5000;

  // REQUIRES: `settings` outlives the bank.
  explicit QuestionBank(SettingsStore& settings) : settings_(settings) {}

  // The course's questions by category, then id. A question whose stored form does not read
  // is left out and named in `damaged` (when given).
  std::vector<BankQuestion> List(const std::string& course_id,
                                 std::vector<std::string>* damaged = nullptr) const;

  // Adds `questions` to the course's bank in one write: a question whose id is taken gets -2,
  // -3... Returns the ids given, in order. Fails kInvalid (too_many_questions) past
  // kMaxQuestions, or as the store does (nothing added).
  Result<std::vector<std::string>> Add(const std::string& course_id,
                                       std::vector<BankQuestion> questions);

  // Replaces question `id` with `with` (a teacher's corrected version), in place: it keeps the
  // id, the date it was added and, when `with` has none, its category. Returns the question as
  // stored. Fails kNotFound (not_in_bank), or as the store does (nothing changed).
  Result<BankQuestion> Replace(const std::string& course_id, const std::string& id, BankQuestion with);
  // Removes the questions `ids` in one write. Fails kNotFound (not_in_bank) when one is not in
  // the bank (nothing removed).
  Status Remove(const std::string& course_id, const std::vector<std::string>& ids);

  // A draft exam of the course's bank questions: the recipe's chosen questions, then each draw
  // a group of the category's other questions (its id from the category). Fails kInvalid:
  // not_in_bank (a chosen id), empty_category, group_pick (more than the category holds),
  // group_points_differ (a draw's questions are not all worth the same), nothing_chosen,
  // question_repeated, group_repeated (a category drawn from twice).
  Result<exam::ExamSpec> MakeExam(const std::string& course_id, const ExamRecipe& recipe) const;

 private:
  SettingsStore& settings_;
  // Adds and removes one at a time on this node: the ids given are free when written.
  Mutex write_mu_;
};

}  // namespace pupitre::bank
