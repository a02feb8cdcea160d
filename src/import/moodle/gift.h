#pragma once
// Moodle's GIFT format (docs.moodle.org "GIFT format"): questions as text, one block each,
// blocks separated by blank lines. Parsed whole (every kind GIFT has) into Moodle's question
// model (question_bank.h), which makes exam questions of them.
//
//   // a comment                  $CATEGORY: a/b         (the category of what follows)
//   ::Title:: [markdown]Text { =right #feedback ~wrong ~%50%half ####general feedback }
//   Missing {=word ~other} in the middle.   {T} {FALSE#wrong fb#right fb}   {}  (essay)
//   {#3.14:0.01} {#1..5} {# =1822:0 =%50%1822:2}   {=a -> 1 =b -> 2}  (matching)
//   A text alone is a description. \~ \= \# \{ \} \: \\ escape; \n is a line break.

#include <string_view>

#include "import/moodle/question_bank.h"

namespace pupitre::importers {

inline constexpr std::string_view kGiftFormat = "gift";

// Parses a GIFT file. Never fails as a whole: a block that does not parse is a problem.
QuestionBank ParseGift(std::string_view text);

}  // namespace pupitre::importers
