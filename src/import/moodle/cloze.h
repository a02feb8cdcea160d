#pragma once
// Moodle's cloze ("embedded answers"; Moodle XML's type cloze, or multianswer): a text with its
// questions written inside it, {weight:TYPE:answers}, each a gap. Menus (MULTICHOICE and its
// variants) and short answers (SHORTANSWER, SHORTANSWER_C) become a gaps question's gaps, each
// worth its weight and each answer its percentage (= for 100, %n% for n), as Moodle grades
// them; numbers (NUMERICAL) and several picks (MULTIRESPONSE) are refused with why.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"

namespace pupitre::importers {

struct Cloze {
  std::string text;  // the HTML with each gap made [[1]], [[2]]... in order
  std::vector<exam::Gap> gaps;
  double points = 0;  // the sum of the gaps' weights, as Moodle's
  std::string note;   // what the import changed ("" : nothing)
};

// The cloze of `html`, or why not (kInvalid, in words a teacher reads).
Result<Cloze> ReadCloze(std::string_view html);

}  // namespace pupitre::importers
