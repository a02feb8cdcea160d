#pragma once
// Small pieces for writing QTI 3.0 with pugixml (the exporter's): elements, attributes and text
// as XML 1.0 may hold them, numbers as QTI reads them back, a response's declaration. Internal
// to import/qti.

#include <fmt/format.h>

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace pupitre::importers::qti::writing {

// A number as QTI writes floats: the shortest text that reads back the same.
inline std::string Num(double d) { return fmt::format("{}", d); }

inline pugi::xml_node Add(pugi::xml_node parent, const char* name) {
  return parent.append_child(name);
}

// Text as XML 1.0 may hold it: the control characters it forbids are dropped.
inline std::string Clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
  }
  return out;
}

inline void SetText(pugi::xml_node n, std::string_view text) { n.text().set(Clean(text).c_str()); }

inline pugi::xml_node Set(pugi::xml_node n, const char* name, const std::string& value) {
  n.append_attribute(name) = Clean(value).c_str();
  return n;
}

// SCORE set to a number, or to the mapped response.
inline void SetScore(pugi::xml_node parent, const std::string& value) {
  pugi::xml_node set = Set(Add(parent, "qti-set-outcome-value"), "identifier", "SCORE");
  if (value == "map") {
    Set(Add(set, "qti-map-response"), "identifier", "RESPONSE");
  } else {
    Set(Add(set, "qti-base-value"), "base-type", "float").text().set(value.c_str());
  }
}

// A response's declaration: its cardinality and base type, its correct values, its mapping.
inline void Declare(pugi::xml_node response, const char* cardinality, const char* type) {
  Set(Set(response, "cardinality", cardinality), "base-type", type);
}
inline void Correct(pugi::xml_node response, const std::vector<std::string>& values) {
  pugi::xml_node c = Add(response, "qti-correct-response");
  for (const std::string& v : values) SetText(Add(c, "qti-value"), v);
}
inline pugi::xml_node Mapping(pugi::xml_node response, double lower, double upper) {
  pugi::xml_node m = Add(response, "qti-mapping");
  Set(Set(Set(m, "default-value", "0"), "lower-bound", Num(lower)), "upper-bound", Num(upper));
  return m;
}

}  // namespace pupitre::importers::qti::writing
