// MathML made linear text (see mathml_text.h).
#include "import/mathml/mathml_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>
#include <vector>


namespace pupitre::importers {
namespace {

constexpr int kMaxDepth = 64;

// An element's name without its namespace prefix ("m:mfrac" -> "mfrac").
std::string NameOf(const pugi::xml_node& n) {
  const std::string_view name = n.name();
  const size_t colon = name.find(':');
  return std::string(colon == std::string_view::npos ? name : name.substr(colon + 1));
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// A token's text: white space collapsed; trimmed unless `keep_edges` (mtext's spaces count).
std::string TokenText(const pugi::xml_node& n, bool keep_edges) {
  std::string out;
  bool space = false;
  for (char c : std::string_view(n.text().get())) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && (keep_edges || !out.empty())) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (space && keep_edges && !out.empty()) out.push_back(' ');
  return out;
}

// The Unicode superscript (or subscript) of every character of `s`, or "" when one has none.
std::string Scripted(std::string_view s, bool super) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kSup = {{
      {"0", "⁰"}, {"1", "¹"}, {"2", "²"}, {"3", "³"}, {"4", "⁴"}, {"5", "⁵"}, {"6", "⁶"},
      {"7", "⁷"}, {"8", "⁸"}, {"9", "⁹"}, {"+", "⁺"}, {"-", "⁻"}, {"−", "⁻"}, {"=", "⁼"},
      {"n", "ⁿ"}, {"i", "ⁱ"}}};
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kSub = {{
      {"0", "₀"}, {"1", "₁"}, {"2", "₂"}, {"3", "₃"}, {"4", "₄"}, {"5", "₅"}, {"6", "₆"},
      {"7", "₇"}, {"8", "₈"}, {"9", "₉"}, {"+", "₊"}, {"-", "₋"}, {"−", "₋"}, {"=", "₌"}}};
  std::string out;
  while (!s.empty()) {
    if (s.front() == ' ') {
      s.remove_prefix(1);
      continue;
    }
    bool found = false;
    const auto try_table = [&](const auto& table) {
      for (const auto& [from, to] : table) {
        if (s.starts_with(from)) {
          out += to;
          s.remove_prefix(from.size());
          found = true;
          return;
        }
      }
    };
    if (super) {
      try_table(kSup);
    } else {
      try_table(kSub);
    }
    if (!found) return "";
  }
  return out;
}

// Whether `s` reads as one operand where it stands: no space or operator outside brackets.
bool Atomic(std::string_view s) {
  if (s.empty()) return true;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth > 0) continue;
    if (c == ' ' || c == '+' || c == '-' || c == '/' || c == '=' || c == '<' || c == '>' ||
        c == ',') {
      return false;
    }
    if (s.substr(i).starts_with("−") || s.substr(i).starts_with("±") ||
        s.substr(i).starts_with("×") || s.substr(i).starts_with("·")) {
      return false;
    }
  }
  return true;
}

std::string Grouped(const std::string& s) { return Atomic(s) ? s : "(" + s + ")"; }

// `base` with `script` above (super) or below: Unicode's scripts when each character has one,
// else ^x or ^(…).
std::string WithScript(const std::string& base, const std::string& script, bool super) {
  if (script.empty()) return base;
  if (std::string s = Scripted(script, super); !s.empty()) return base + s;
  const char* mark = super ? "^" : "_";
  return base + mark + (CodePoints(script) == 1 ? script : "(" + script + ")");
}

// Operators written with a space on each side when between two operands.
bool Spaced(std::string_view op) {
  static constexpr std::string_view kSpaced[] = {
      "+", "-", "−", "=", "<", ">", "≤", "≥", "≠", "≈", "±", "∓", "×", "÷", "·", "→",
      "⇒", "⇔", "∈", "∉", "⊂", "⊆", "∪", "∩", "≡", "∼", "≃", "∝", "∧", "∨", "↦"};
  for (std::string_view s : kSpaced) {
    if (op == s) return true;
  }
  return false;
}

// A combining accent for what <mover accent> puts above one character.
std::string_view Accent(std::string_view over) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kAccents = {{
      {"¯", "\u0304"}, {"‾", "\u0305"}, {"^", "\u0302"}, {"ˆ", "\u0302"}, {"~", "\u0303"},
      {"˜", "\u0303"}, {"→", "\u20D7"}, {"˙", "\u0307"}, {"¨", "\u0308"}}};
  for (const auto& [from, to] : kAccents) {
    if (over == from) return to;
  }
  return "";
}

class Linear {
 public:
  std::string why;

  // The text of element `n`.
  std::string Of(const pugi::xml_node& n, int depth) {
    if (depth > kMaxDepth) {
      why = "its mathematics nests deeper than 64 elements";
      return "";
    }
    const std::string name = NameOf(n);
    if (name == "mi" || name == "mn" || name == "mo") {
      const std::string t = TokenText(n, false);
      if (t == "\u2061") return " ";                            // function application
      if (t == "\u2062" || t == "\u2063" || t == "\u2064") return "";  // invisible
      return t;
    }
    if (name == "mtext") return TokenText(n, true);
    if (name == "ms") return "\"" + TokenText(n, false) + "\"";
    if (name == "mspace") return " ";
    if (name == "mphantom" || name == "annotation" || name == "annotation-xml" || name == "none") {
      return "";
    }
    if (name == "math" || name == "mrow" || name == "mstyle" || name == "mpadded" ||
        name == "merror" || name == "menclose") {
      return Row(n, depth);
    }
    if (name == "semantics" || name == "maction") {  // what is shown: the first child
      const pugi::xml_node first = n.find_child([](const pugi::xml_node& c) {
        return c.type() == pugi::node_element;
      });
      return first ? Of(first, depth + 1) : "";
    }
    if (name == "mfenced") return Fenced(n, depth);
    if (name == "msqrt") {
      const std::string inside = Row(n, depth);
      return "√" + Grouped(inside);
    }
    if (name == "mtable") return Table(n, depth);
    static constexpr std::string_view kScripted[] = {"mfrac", "mroot",  "msup",   "msub",
                                                     "msubsup", "mover", "munder", "munderover"};
    if (std::find(std::begin(kScripted), std::end(kScripted), name) == std::end(kScripted)) {
      why = fmt::format("MathML <{}> cannot be written as text", name);
      return "";
    }

    std::vector<std::string> args;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      args.push_back(Of(c, depth + 1));
      if (!why.empty()) return "";
    }
    const auto need = [&](size_t count) {
      if (args.size() == count) return true;
      why = fmt::format("MathML <{}> takes {} arguments, not {}", name, count, args.size());
      return false;
    };
    if (name == "mfrac") {
      if (!need(2)) return "";
      return Grouped(args[0]) + "/" + Grouped(args[1]);
    }
    if (name == "mroot") {
      if (!need(2)) return "";
      if (args[1] == "3") return "∛" + Grouped(args[0]);
      if (args[1] == "4") return "∜" + Grouped(args[0]);
      return WithScript("", args[1], true) + "√" + Grouped(args[0]);
    }
    if (name == "msup" || name == "msub") {
      if (!need(2)) return "";
      return WithScript(Grouped(args[0]), args[1], name == "msup");
    }
    if (name == "msubsup") {
      if (!need(3)) return "";
      return WithScript(WithScript(Grouped(args[0]), args[1], false), args[2], true);
    }
    if (name == "mover" || name == "munder" || name == "munderover") {
      if (!need(name == "munderover" ? 3 : 2)) return "";
      if (name == "mover" && CodePoints(args[0]) == 1 && !Accent(args[1]).empty()) {
        return args[0] + std::string(Accent(args[1]));  // x̄, v⃗
      }
      // Limits, as a student types them: ∑_(i=1)^n, lim_(x→0).
      const std::string under = name == "mover" ? "" : args[1];
      const std::string over = name == "mover" ? args[1] : name == "munderover" ? args[2] : "";
      std::string out = args[0];
      if (!under.empty()) out += "_" + (CodePoints(under) == 1 ? under : "(" + under + ")");
      if (!over.empty()) out += "^" + (CodePoints(over) == 1 ? over : "(" + over + ")");
      return out;
    }
    return "";  // (not reached: kScripted lists what is above)
  }

 private:
  // Children one after another, binary operators spaced, a function name apart from its
  // argument (sin x).
  std::string Row(const pugi::xml_node& n, int depth) {
    std::string out;
    bool operand = false;   // the last thing written was an operand
    bool function = false;  // ... and a function's name (sin, sec²)
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      const std::string name = NameOf(c);
      std::string s = Of(c, depth + 1);
      if (!why.empty()) return "";
      if (s.empty()) continue;
      if (name == "mo") {
        if (Spaced(s) && operand) {
          while (!out.empty() && out.back() == ' ') out.pop_back();
          out += " " + s + " ";
          operand = false;
        } else if (s == "," || s == ";") {
          out += s + " ";
          operand = false;
        } else {
          const bool closing = s == ")" || s == "]" || s == "}" || s == "!" || s == "'" ||
                               s == "′" || ((s == "|" || s == "‖") && operand);
          out += s;
          operand = closing;
        }
        function = false;
        continue;
      }
      if (function && !out.empty() && out.back() != ' ') out += ' ';
      out += s;
      operand = true;
      function = IsFunction(c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  // A multi-letter identifier (sin, sec), or one with a script (sec²); an operator with its
  // limits (∑_(i = 1)^n, lim_(x → 0)).
  static bool IsFunction(const pugi::xml_node& n) {
    const std::string name = NameOf(n);
    if (name == "munder" || name == "mover" || name == "munderover") return true;
    pugi::xml_node at = n;
    while (at && (NameOf(at) == "msup" || NameOf(at) == "msub" || NameOf(at) == "msubsup")) {
      at = at.find_child([](const pugi::xml_node& c) { return c.type() == pugi::node_element; });
    }
    return at && NameOf(at) == "mi" && CodePoints(TokenText(at, false)) > 1;
  }

  std::string Fenced(const pugi::xml_node& n, int depth) {
    const pugi::xml_attribute open = n.attribute("open"), close = n.attribute("close"),
                              separators = n.attribute("separators");
    std::string seps;
    for (char c : std::string_view(separators ? separators.value() : ",")) {
      if (!std::isspace(static_cast<unsigned char>(c))) seps.push_back(c);
    }
    std::string out = open ? open.value() : "(";
    size_t k = 0;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      if (k > 0 && !seps.empty()) out += std::string(1, seps[std::min(k - 1, seps.size() - 1)]) + " ";
      out += Of(c, depth + 1);
      if (!why.empty()) return "";
      ++k;
    }
    return out + (close ? close.value() : ")");
  }

  // [a, b; c, d]: rows apart by ';', cells by ','.
  std::string Table(const pugi::xml_node& n, int depth) {
    std::string out = "[";
    bool first_row = true;
    for (const pugi::xml_node& row : n.children()) {
      if (row.type() != pugi::node_element) continue;
      if (!first_row) out += "; ";
      first_row = false;
      bool first_cell = true;
      for (const pugi::xml_node& cell : row.children()) {
        if (cell.type() != pugi::node_element || NameOf(cell) != "mtd") continue;
        if (!first_cell) out += ", ";
        first_cell = false;
        out += Row(cell, depth + 2);
        if (!why.empty()) return "";
      }
    }
    return out + "]";
  }
};

}  // namespace

MathText MathMlToText(const pugi::xml_node& math, int depth) {
  Linear linear;
  MathText out;
  out.text = linear.Of(math, depth);
  out.why = std::move(linear.why);
  if (!out.why.empty()) out.text.clear();
  return out;
}

}  // namespace pupitre::importers
