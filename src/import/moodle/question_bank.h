#pragma once
// Moodle's questions as its formats hold them (GIFT: gift.h; Moodle XML: moodle_xml.h), and the
// exam questions they make. A question becomes an exam question where the exam model grades it
// as Moodle does (weights become its credit); what the model cannot say the same way yet is
// reported with its line and why, never dropped silently.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"

namespace pupitre::importers {

enum class MoodleKind {
  kDescription,
  kEssay,
  kTrueFalse,
  kMultipleChoice,
  kShortAnswer,
  kNumerical,
  kOrdering,  // Moodle XML's "ordering": the answers in their right order
  kMatching,
  kGaps  // Moodle XML's "select missing words" and "drag and drop into text": `gaps`
};

struct MoodleAnswer {
  // Plain text (the parsers make an HTML question's answers and their feedback plain).
  std::string text;        // a choice, an accepted answer, a matching's question
  std::string match;       // matching: the answer its question goes to
  double fraction = 0;     // the credit it gives: -1 to 1
  bool equals = false;     // GIFT: written with = (a choice list with one is a single choice)
  std::string feedback;
  double number = 0;       // numerical: the answer, and how far from it is still right
  double tolerance = 0;
  // XML multichoice: a choice showing pictures, its HTML as written and its embedded files
  // (name -> base64), made text and images by ToExamQuestions; "" : `text` alone.
  std::string html;
  std::map<std::string, std::string> files;
};

struct MoodleQuestion {
  int line = 0;              // where it starts in its file (1-based)
  std::string category;      // the category in effect ("" : none)
  std::string title;         // "" : none
  std::string text;          // a missing word's blank is "_____"
  std::string format = "moodle";  // "moodle", "html", "plain" or "markdown"
  MoodleKind kind = MoodleKind::kDescription;
  bool missing_word = false;  // GIFT: the answers were in the middle of the text
  bool case_sensitive = false;  // a short answer's case matters (XML <usecase>1)
  bool single = false;        // a choice list of one answer (XML <single>; GIFT: an = answer)
  // XML <shuffleanswers>: a choice's answers, a matching's items shuffled when the exam shuffles
  // options (false: never).
  bool shuffle = true;
  exam::OptionNumbering numbering = exam::OptionNumbering::kNone;  // XML <answernumbering>
  double points = 1;          // XML <defaultgrade>
  std::vector<MoodleAnswer> answers;
  bool truth = false;             // true/false: the right answer
  std::string wrong_feedback;     // true/false: shown to who answered wrong
  std::string right_feedback;     // and right
  std::string general_feedback;
  // Files embedded in the question's text (Moodle XML <file name encoding="base64">): name →
  // base64, for the text's <img src="@@PLUGINFILE@@/name">.
  std::map<std::string, std::string> files;
  // numerical: its units (the answers in the one of multiplier 1) and the penalty for an answer
  // without one (Moodle's <unitpenalty> when <unitgradingtype> is 1, of the response's grade,
  // or 2, of the question's).
  std::vector<exam::Question::Unit> units;
  double unit_penalty = 0;
  bool unit_penalty_of_max = false;
  std::string unsupported;        // what of it the exam model has no place for ("" : nothing)
  bool all_or_nothing = false;  // ordering: Moodle's ALL_OR_NOTHING grading
  exam::OrderingGrading ordering_grading = exam::OrderingGrading::kAbsolutePosition;  // or another
  // Its HTML has mathematics (MathML), written as linear text (a note says so); the parser that
  // finds some it cannot write says why in `unsupported`.
  bool math = false;
  // A feedback of it showed pictures: each written as what it shows, in brackets (a note says so).
  bool feedback_pictures = false;
  // kGaps: one per place, the text marking the n-th [[n]] (renumbered in the text's order).
  std::vector<exam::Gap> gaps;
  // What the import changed that the teacher is told of ("" : nothing).
  std::string note;
  // A variant of a calculated question (calculated.h): its dataset item number, from 1, and
  // the question's number among the file's calculated ones, from 1 (its variants follow each
  // other). 0: not a variant.
  int variant = 0;
  int draw = 0;
};

// The note of a question whose mathematics is written as linear text.
inline constexpr const char* kMathNote =
    "its mathematics (MathML) is written as linear text, such as x³ − 5x + 87 or (x + 1)/2: "
    "check it reads well";

struct BankProblem {
  int line = 0;
  std::string message;
};

struct QuestionBank {
  std::vector<MoodleQuestion> questions;
  std::vector<BankProblem> problems;  // what does not parse (nothing made of it)
};

// The exam questions the bank's make, in order, with ids from their titles (or q1, q2... by
// place), unique; and what could not become a question, with its line and why.
struct ExamQuestions {
  std::vector<exam::Question> questions;
  std::vector<exam::QuestionGroup> groups;  // random draws the questions name (QTI selection)
  // Each question's category in its bank ("" : none; GIFT's $CATEGORY, Moodle XML's category
  // questions), in the order of `questions`; a [[group]] may draw from one.
  std::vector<std::string> categories;
  // Each question's own category within that one, in the order of `questions` ("" : none): a
  // calculated question's variants are filed in one of their own, named by its title, from
  // which an exam draws one (a bank files them under the file's category, else the teacher's).
  std::vector<std::string> subcategories;
  std::vector<BankProblem> problems;
  // Imported, with something of it left out that the teacher is told of (QTI feedback).
  std::vector<BankProblem> notes;
};
ExamQuestions ToExamQuestions(const QuestionBank& bank);

// Whether a bank's `category` ("$course$/top/Capitals", "Capitals") is the one a [[group]] draws
// from (`wanted`: the whole path or its last part; "" : none).
bool CategoryMatches(std::string_view wanted, std::string_view category);

// A question id from a title: its letters, digits, '_' and '-' (a space or '.' becomes '-'), at
// most 56 of them, or q<index + 1> when none; -2, -3... when already in `taken`; then taken.
std::string QuestionIdFrom(std::string_view title, size_t index, std::set<std::string>& taken);

// Questions made elsewhere (ToExamQuestions, a QTI text...) appended to `spec` as
// AddBankQuestions does.
void AddExamQuestions(ExamQuestions made, int first_line, std::string_view format,
                      exam::ExamSpec& spec, std::vector<Problem>& problems);

// A bank written inside another file (the native TOML file's `gift = '''...'''` or
// `moodle_xml = '''...'''`): its questions appended to `spec` (an id already taken gets -2,
// -3...); what could not be made a question is a problem (reason "bank", values format, line,
// detail) at its line in the enclosing file (`first_line`: where the bank's line 1 is).
void AddBankQuestions(const QuestionBank& bank, int first_line, std::string_view format,
                      exam::ExamSpec& spec, std::vector<Problem>& problems);

}  // namespace pupitre::importers
