#pragma once
// A QTI item's response declarations: each response's cardinality, base type, correct values and
// mapping (what each value scores). Internal to import/qti.

#include <functional>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace pupitre::importers::qti {

// <mapping>: the value each key maps to, the value of any other, and the bounds of the sum.
struct Mapping {
  struct Entry {
    std::string key;
    double value = 0;
    bool case_sensitive = true;
  };
  std::vector<Entry> entries;
  double default_value = 0;
  std::optional<double> lower, upper;

  double ValueOf(std::string_view key) const {
    for (const Entry& e : entries) {
      if (e.key == key) return e.value;
    }
    return default_value;
  }
};

struct Declaration {
  std::string cardinality;  // single, multiple, ordered, record
  std::string base_type;    // identifier, string, float, integer, directedPair...
  std::vector<std::string> correct;
  std::optional<Mapping> mapping;
};

using Declarations = std::map<std::string, Declaration, std::less<>>;

// Reads the responseDeclaration `d` into `out` under its identifier; why not ("" : read).
std::string ReadDeclaration(const pugi::xml_node& d, Declarations& out);

}  // namespace pupitre::importers::qti
