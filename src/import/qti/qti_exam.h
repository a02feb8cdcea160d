#pragma once
// A draft exam made of a teacher's uploaded questions: QTI (a content package, a ZIP, or one or
// more items, XML), or a Moodle question bank (Moodle XML, whose root is <quiz>, or GIFT text).
// The draft gets its window from the teacher later (its settings); until then it opens at the
// next whole hour a day from now, for two hours, with 60 minutes to answer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"
#include "import/moodle/question_bank.h"

namespace pupitre::importers {

inline constexpr std::string_view kQtiFormat = "qti";

struct QtiExamOptions {
  std::string id;      // the exam's id (exam::IsValidExamId)
  std::string title;   // "" : the package's title, else the id
  std::string course;  // "" : none
  // Import the questions that can be, leaving out the items reported (the teacher saw them and
  // chose to); false: any problem refuses the whole upload.
  bool partial = false;
  int64_t now_ms = 0;
};

struct QtiExam {
  exam::ExamSpec spec;
  std::string format;                 // "qti", "moodle_xml" or "gift": what the upload was
  std::vector<BankProblem> left_out;  // items not imported (with `partial`)
  std::vector<BankProblem> notes;     // imported with something left out
};

// The questions of an upload (the format told by its bytes), with each one's category in its bank
// and the upload's title ("" : none). Fails kInvalid with reason package_* (ReadQtiPackage),
// bad_upload, exam_file_problems (unless `partial`: the problems are then in made.problems) or
// no_questions.
struct QuestionUpload {
  ExamQuestions made;
  std::string title;
  std::string format;  // "qti", "moodle_xml" or "gift"
};
Result<QuestionUpload> ReadQuestionUpload(std::string_view upload, bool partial);

// When a draft made at `now_ms` opens until the teacher says otherwise: the next whole hour a
// day from now.
int64_t DraftOpensMs(int64_t now_ms);

// Fails kInvalid with reason bad_exam_id, bad_title, package_* (ReadQtiPackage),
// exam_file_problems (the problems, each reason "bank" with format, bank_line and detail) or
// no_questions.
Result<QtiExam> MakeQtiExam(std::string_view upload, const QtiExamOptions& options);

}  // namespace pupitre::importers
