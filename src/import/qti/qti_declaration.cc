// A QTI item's response declarations (see qti_declaration.h).
#include "import/qti/qti_declaration.h"

#include <utility>

#include "import/qti/qti_names.h"

namespace pupitre::importers::qti {

std::string ReadDeclaration(const pugi::xml_node& d, Declarations& out) {
  Declaration decl;
  decl.cardinality = std::string(Attr(d, "cardinality"));
  decl.base_type = std::string(Attr(d, "baseType"));
  for (const pugi::xml_node& v : Children(Child(d, "correctResponse"), "value")) {
    decl.correct.push_back(Trimmed(v.text().get()));
  }
  if (const pugi::xml_node m = Child(d, "mapping")) {
    Mapping mapping;
    mapping.default_value = ParseFiniteNumber(Attr(m, "defaultValue")).value_or(0);
    mapping.lower = ParseFiniteNumber(Attr(m, "lowerBound"));
    mapping.upper = ParseFiniteNumber(Attr(m, "upperBound"));
    for (const pugi::xml_node& e : Children(m, "mapEntry")) {
      const std::optional<double> value = ParseFiniteNumber(Attr(e, "mappedValue"));
      if (!value) return "a mapEntry's mappedValue is not a number";
      mapping.entries.push_back(
          {Trimmed(Attr(e, "mapKey")), *value, Attr(e, "caseSensitive") != "false"});
    }
    decl.mapping = std::move(mapping);
  }
  out[std::string(Attr(d, "identifier"))] = std::move(decl);
  return "";
}

}  // namespace pupitre::importers::qti
