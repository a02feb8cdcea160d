#pragma once
// Moodle's GIFT format (docs.moodle.org "GIFT format"): questions as text, one block each,
// blocks separated by blank lines. Parsed whole (every kind GIFT has), then turned into the
// exam model where the model can say the same thing; what it cannot (yet) is reported with its
// line and why, never dropped silently.
//
//   // a comment                  $CATEGORY: a/b         (the category of what follows)
//   ::Title:: [markdown]Text { =right #feedback ~wrong ~%50%half ####general feedback }
//   Missing {=word ~other} in the middle.   {T} {FALSE#wrong fb#right fb}   {}  (essay)
//   {#3.14:0.01} {#1..5} {# =1822:0 =%50%1822:2}   {=a -> 1 =b -> 2}  (matching)
//   A text alone is a description. \~ \= \# \{ \} \: \\ escape; \n is a line break.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"

namespace pupitre::importers {

inline constexpr std::string_view kGiftFormat = "gift";

enum class GiftKind {
  kDescription,
  kEssay,
  kTrueFalse,
  kMultipleChoice,
  kShortAnswer,
  kNumerical,
  kMatching
};

struct GiftAnswer {
  std::string text;        // a choice, an accepted answer, a matching's question
  std::string match;       // matching: the answer its question goes to
  double fraction = 0;     // the credit it gives: -1 to 1 (= is 1, ~ is 0, %n% is n/100)
  bool equals = false;     // written with = (a choice list with one is a single choice)
  std::string feedback;
  double number = 0;       // numerical: the answer, and how far from it is still right
  double tolerance = 0;
};

struct GiftQuestion {
  int line = 0;              // where its block starts (1-based)
  std::string category;      // the $CATEGORY in effect ("" : none)
  std::string title;         // "" : none
  std::string text;          // a missing word's blank is "_____"
  std::string format = "moodle";  // "moodle", "html", "plain" or "markdown"
  GiftKind kind = GiftKind::kDescription;
  bool missing_word = false;  // the answers were in the middle of the text
  std::vector<GiftAnswer> answers;
  bool truth = false;             // true/false: the right answer
  std::string wrong_feedback;     // true/false: shown to who answered wrong
  std::string right_feedback;     // and right
  std::string general_feedback;   // ####
};

struct GiftProblem {
  int line = 0;
  std::string message;
};

struct GiftFile {
  std::vector<GiftQuestion> questions;
  std::vector<GiftProblem> problems;  // blocks that are not GIFT (nothing made of them)
};

// Parses a GIFT file. Never fails as a whole: a block that does not parse is a problem.
GiftFile ParseGift(std::string_view text);

// The exam questions the parsed ones make, in order, with ids from their titles (or q1, q2...),
// graded as Moodle grades them (weights become the question's credit), and what could not
// become a question, with its line and why (a description; matching; feedback the model has no
// place for; negative credit in a single choice).
struct GiftQuestions {
  std::vector<exam::Question> questions;
  std::vector<GiftProblem> problems;
};
GiftQuestions ToExamQuestions(const GiftFile& file);

// Questions written in GIFT inside another file (the native TOML file's `gift = """..."""`):
// appended to `spec` (an id already taken gets -2, -3...); what could not be made a question is
// a problem at its line in the enclosing file (`first_line`: where the GIFT text's line 1 is).
void AddGiftQuestions(std::string_view gift, int first_line, exam::ExamSpec& spec,
                      std::vector<Problem>& problems);

}  // namespace pupitre::importers
