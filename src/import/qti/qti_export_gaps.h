#pragma once
// A gaps question in its QTI 3.0 item (qti_export.cc's): one response per gap (GAP1, GAP2...),
// each gap an inline choice or text entry interaction where the text marks it, and the rules
// that score it as the exam grades it (each gap its mapped share, a number within its
// tolerance, or all or nothing). Internal to import/qti.

#include <cstddef>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "exam/exam.h"

namespace pupitre::importers::qti {

class GapsWriter {
 public:
  // `notes` gathers what QTI says otherwise; both outlive the writer.
  GapsWriter(const exam::Question& q, std::vector<std::string>& notes) : q_(q), notes_(notes) {}

  // Each gap's response declaration, under `item`.
  void Declarations(pugi::xml_node item);
  // Where the first gap mark "[[n]]" (n a gap of the question) stands in `line` (npos: none),
  // and where it ends.
  size_t MarkIn(std::string_view line, size_t& end) const;
  // Gap n's (1-based) interaction, in paragraph `p`.
  void Interaction(pugi::xml_node p, size_t n);
  // The rules, under the item's response processing.
  void Rules(pugi::xml_node processing);

 private:
  double GapPoints(size_t k) const;
  static void NumberHolds(pugi::xml_node parent, size_t k, const exam::NumericAnswer& a);

  const exam::Question& q_;
  std::vector<std::string>& notes_;
};

}  // namespace pupitre::importers::qti
