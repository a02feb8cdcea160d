#pragma once
// MathML (Presentation) made linear text, as a student would type it: sec² Θ, x³ − 5x + 87,
// (x + 1)/(x − 1), √2 > 2, ∑_(i = 1)^n i. An exam question's text is plain, so the mathematics
// of a QTI item or of Moodle's HTML is written this way (and the import says so). Superscripts and subscripts of
// digits and signs use Unicode's; others are written ^(…) and _(…).
//
// What linear text cannot say (mglyph, mmultiscripts, an unknown element) is refused: the
// caller reports the item.

#include <pugixml.hpp>

#include <string>

namespace pupitre::importers {

struct MathText {
  std::string text;  // the linear text ("" when refused)
  std::string why;   // why it cannot be written ("" : it can)
};

// `math`: a <math> element (any namespace prefix); `depth`: how deep it already is (nesting is
// bounded, whatever the file).
MathText MathMlToText(const pugi::xml_node& math, int depth = 0);

}  // namespace pupitre::importers
