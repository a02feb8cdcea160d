#pragma once
// QTI 3.0 names its elements and attributes <qti-choice-interaction response-identifier=...>
// where QTI 2.x writes <choiceInteraction responseIdentifier=...>: these read either by the 2.x
// name, whatever namespace prefix the file uses; and numbers and values as QTI writes them.
// Internal to import/qti.

#include <cctype>
#include <cmath>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"

namespace pupitre::importers::qti {

// "qti-choice-interaction" -> "choiceInteraction"; "m:math" -> "math"; 2.x names unchanged.
inline std::string CamelName(std::string_view name) {
  if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
    name.remove_prefix(colon + 1);
  }
  if (name.starts_with("qti-")) name.remove_prefix(4);
  std::string out;
  out.reserve(name.size());
  bool upper = false;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out;
}

inline std::string NameOf(const pugi::xml_node& n) { return CamelName(n.name()); }

// The attribute's value by its 2.x name ("" when absent).
inline std::string_view Attr(const pugi::xml_node& n, std::string_view camel) {
  for (const pugi::xml_attribute& a : n.attributes()) {
    if (CamelName(a.name()) == camel) return a.value();
  }
  return "";
}

inline pugi::xml_node Child(const pugi::xml_node& n, std::string_view camel) {
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() == pugi::node_element && NameOf(c) == camel) return c;
  }
  return {};
}

inline std::vector<pugi::xml_node> Children(const pugi::xml_node& n, std::string_view camel) {
  std::vector<pugi::xml_node> out;
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() == pugi::node_element && NameOf(c) == camel) out.push_back(c);
  }
  return out;
}

// A value's text without the white space around it.
inline std::string Trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The choices of an interaction that keep their place (their indices among `choices`): every
// one unless it says shuffle="true", else those that say fixed="true" (XML Schema booleans).
inline std::vector<int> FixedChoices(const pugi::xml_node& interaction,
                                     const std::vector<pugi::xml_node>& choices) {
  const auto is_true = [](std::string_view v) { return Trimmed(v) == "true" || Trimmed(v) == "1"; };
  const bool shuffle = is_true(Attr(interaction, "shuffle"));
  std::vector<int> fixed;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (!shuffle || is_true(Attr(choices[i], "fixed"))) fixed.push_back(static_cast<int>(i));
  }
  return fixed;
}

}  // namespace pupitre::importers::qti
