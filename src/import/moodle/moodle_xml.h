#pragma once
// Moodle XML (docs.moodle.org "Moodle XML format"), the question bank export of Moodle: parsed
// into Moodle's question model (question_bank.h), which makes exam questions of them.
//   <quiz>
//     <question type="category"><category><text>$course$/Maths</text></category></question>
//     <question type="multichoice"><name><text>Q1</text></name>
//       <questiontext format="html"><text><![CDATA[<p>2+2?</p>]]></text></questiontext>
//       <defaultgrade>1</defaultgrade><single>true</single>
//       <answer fraction="100"><text>4</text><feedback><text>Yes</text></feedback></answer> ...
// Types: multichoice, truefalse, shortanswer, numerical, essay, matching, description,
// category, cloze (multianswer), gapselect, ddwtos, ordering, and calculated, calculatedsimple
// and calculatedmulti (each dataset item a variant, a question of its own: calculated.h).
// Others (drag and drop onto an image, markers...) are reported, with their line.

#include <string_view>

#include "import/moodle/question_bank.h"

namespace pupitre::importers {

inline constexpr std::string_view kMoodleXmlFormat = "moodle_xml";

// Parses a Moodle XML file. Never fails as a whole: what does not parse is a problem.
QuestionBank ParseMoodleXml(std::string_view xml);

}  // namespace pupitre::importers
