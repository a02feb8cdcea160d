// A QTI item's response processing run on an answer (see qti_rules.h).
#include "import/qti/qti_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "import/qti/qti_names.h"

namespace pupitre::importers::qti {
namespace {

constexpr long kBudget = 2'000'000;  // steps for every run of one item together
constexpr int kMaxDepth = 64;

using Kind = RuleValue::Kind;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<pugi::xml_node> Elements(const pugi::xml_node& n) {
  std::vector<pugi::xml_node> out;
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() == pugi::node_element) out.push_back(c);
  }
  return out;
}

// A value written as text, of a base type.
std::optional<RuleValue> Typed(std::string_view base_type, const std::string& text) {
  if (base_type == "float" || base_type == "integer") {
    const std::optional<double> x = ParseFiniteNumber(text);
    if (!x) return std::nullopt;
    return RuleValue::Number(*x);
  }
  if (base_type == "boolean") return RuleValue::Bool(Trimmed(text) == "true");
  return RuleValue::Text(Trimmed(text));
}

// One run of the rules: the outcomes as they are set, the first reason the run cannot go on.
class Run {
 public:
  Run(const Declarations& declarations,
      const std::map<std::string, MappingIndex, std::less<>>& mappings, const Responses& responses,
      Responses outcomes, long& budget)
      : declarations_(declarations),
        mappings_(mappings),
        responses_(responses),
        outcomes_(std::move(outcomes)),
        budget_(budget) {}

  // Runs `rules` in order; false once the run stops (exitResponse, or why_ set).
  bool Rules(const std::vector<pugi::xml_node>& rules, size_t from, int depth) {
    for (size_t i = from; i < rules.size(); ++i) {
      if (!Step(depth)) return false;
      const pugi::xml_node& rule = rules[i];
      const std::string name = NameOf(rule);
      if (name == "responseCondition") {
        if (!Condition(rule, depth + 1)) return false;
      } else if (name == "setOutcomeValue") {
        const std::vector<pugi::xml_node> e = Kids(rule);
        if (e.size() != 1) return Fail("a setOutcomeValue without one expression");
        std::optional<RuleValue> v = Eval(e[0], depth + 1);
        if (!v) return false;
        outcomes_[std::string(Attr(rule, "identifier"))] = std::move(*v);
      } else if (name == "exitResponse") {
        return false;
      } else {
        return Fail(fmt::format("the rule {} is not read", name));
      }
    }
    return true;
  }

  // The score once run: a number, NULL read as 0.
  Result<double> Score() const {
    if (!why_.empty()) return Error::Invalid(why_);
    const auto it = outcomes_.find("SCORE");
    if (it == outcomes_.end() || it->second.kind == Kind::kNull) return 0.0;
    if (it->second.kind != Kind::kNumber)
      return Error::Invalid("its SCORE is set to what is not a number");
    return it->second.number;
  }

  // The template match_correct or map_response, for the response RESPONSE.
  void Template(std::string_view name) {
    const auto response = responses_.find("RESPONSE");
    const RuleValue given = response == responses_.end() ? RuleValue::Null() : response->second;
    const auto decl = declarations_.find("RESPONSE");
    if (decl == declarations_.end()) {
      Fail("its template scores RESPONSE, which it does not declare");
      return;
    }
    double score = 0;
    if (name == "match_correct") {
      const std::optional<RuleValue> right = Correct(decl->second);
      score = right && given.kind != Kind::kNull && Same(given, *right) ? 1 : 0;
    } else if (given.kind != Kind::kNull) {
      if (!decl->second.mapping) {
        Fail("its template map_response scores RESPONSE, which has no mapping");
        return;
      }
      score = Mapped("RESPONSE", *decl->second.mapping, given);
    }
    outcomes_["SCORE"] = RuleValue::Number(score);
  }

  bool Fail(std::string why) {
    if (why_.empty()) why_ = std::move(why);
    return false;
  }

  // The element children of `n`, every child node charged to the budget.
  std::vector<pugi::xml_node> Kids(const pugi::xml_node& n) {
    std::vector<pugi::xml_node> out;
    for (const pugi::xml_node& c : n.children()) {
      --budget_;
      if (c.type() == pugi::node_element) out.push_back(c);
    }
    return out;
  }

 private:
  bool Step(int depth) {
    if (depth > kMaxDepth) return Fail("its response processing nests deeper than 64 elements");
    if (--budget_ < 0) return Fail("its response processing is too long to read");
    return true;
  }

  // responseIf, then responseElseIf each, then responseElse: the first whose test holds runs.
  bool Condition(const pugi::xml_node& n, int depth) {
    for (const pugi::xml_node& branch : Kids(n)) {
      const std::string name = NameOf(branch);
      const std::vector<pugi::xml_node> parts = Kids(branch);
      if (name == "responseElse") return Rules(parts, 0, depth + 1);
      if (name != "responseIf" && name != "responseElseIf") {
        return Fail(fmt::format("a responseCondition holds {}", name));
      }
      if (parts.empty()) return Fail(fmt::format("a {} without a test", name));
      const std::optional<RuleValue> test = Eval(parts[0], depth + 1);
      if (!test) return false;
      if (test->kind != Kind::kBool && test->kind != Kind::kNull) {
        return Fail(fmt::format("a {} tests what is not true or false", name));
      }
      if (test->kind == Kind::kBool && test->truth)
        return Rules(parts, 1, depth + 1);  // NULL: not true
    }
    return true;
  }

  std::optional<RuleValue> Correct(const Declaration& d) {
    if (d.correct.empty()) return RuleValue::Null();
    if (d.cardinality != "single" || d.correct.size() != 1) {
      Fail("a correct response of several values is not read in a written-out rule");
      return std::nullopt;
    }
    std::optional<RuleValue> v = Typed(d.base_type, d.correct[0]);
    if (!v) Fail("a correct response is not of its base type");
    return v;
  }

  static bool Same(const RuleValue& a, const RuleValue& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case Kind::kNumber:
        return a.number == b.number;
      case Kind::kText:
        return a.text == b.text;
      case Kind::kBool:
        return a.truth == b.truth;
      case Kind::kNull:
        return true;
    }
    return false;
  }

  // What `given` maps to in response `id`'s mapping: its first entry that holds it, else the
  // default; within the bounds.
  double Mapped(std::string_view id, const Mapping& m, const RuleValue& given) {
    double v = m.default_value;
    const auto index = mappings_.find(id);
    if (given.kind == Kind::kText && index != mappings_.end()) {
      budget_ -= static_cast<long>(given.text.size() / 64);
      size_t first = m.entries.size();
      if (const auto e = index->second.exact.find(given.text); e != index->second.exact.end()) {
        first = e->second;
      }
      const auto f = index->second.folded.find(Lower(given.text));
      if (f != index->second.folded.end()) first = std::min(first, f->second);
      if (first < m.entries.size()) v = m.entries[first].value;
    }
    if (m.lower) v = std::max(v, *m.lower);
    if (m.upper) v = std::min(v, *m.upper);
    return v;
  }

  // The values of `n`'s operands, each evaluated; nothing when one cannot be.
  std::optional<std::vector<RuleValue>> Operands(const pugi::xml_node& n, int depth) {
    std::vector<RuleValue> out;
    for (const pugi::xml_node& e : Kids(n)) {
      std::optional<RuleValue> v = Eval(e, depth + 1);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return out;
  }

  std::optional<RuleValue> Eval(const pugi::xml_node& n, int depth) {
    if (!Step(depth)) return std::nullopt;
    const std::string name = NameOf(n);
    const std::string_view id = Attr(n, "identifier");
    if (name == "baseValue") {
      std::optional<RuleValue> v = Typed(Attr(n, "baseType"), n.text().get());
      if (!v) Fail("a baseValue is not of its base type");
      return v;
    }
    if (name == "null") return RuleValue::Null();
    if (name == "variable") {
      if (const auto r = responses_.find(id); r != responses_.end()) return r->second;
      if (declarations_.count(id)) return RuleValue::Null();  // declared, not given
      if (const auto o = outcomes_.find(id); o != outcomes_.end()) return o->second;
      Fail(fmt::format("its rules read {}, which is neither a response nor an outcome", id));
      return std::nullopt;
    }
    if (name == "correct" || name == "mapResponse") {
      const auto d = declarations_.find(id);
      if (d == declarations_.end()) {
        Fail(fmt::format("its rules read the {} of {}, which it does not declare", name, id));
        return std::nullopt;
      }
      if (name == "correct") return Correct(d->second);
      if (!d->second.mapping) {
        Fail(fmt::format("its rules map {}, which has no mapping", id));
        return std::nullopt;
      }
      const auto r = responses_.find(id);
      return RuleValue::Number(
          Mapped(id, *d->second.mapping, r == responses_.end() ? RuleValue::Null() : r->second));
    }
    std::optional<std::vector<RuleValue>> ops = Operands(n, depth);
    if (!ops) return std::nullopt;
    const std::vector<RuleValue>& v = *ops;
    const bool any_null =
        std::any_of(v.begin(), v.end(), [](const RuleValue& x) { return x.kind == Kind::kNull; });
    const auto numbers = [&]() -> std::optional<std::vector<double>> {
      std::vector<double> out;
      for (const RuleValue& x : v) {
        if (x.kind != Kind::kNumber) return std::nullopt;
        out.push_back(x.number);
      }
      return out;
    };
    if (name == "isNull") {
      if (v.size() != 1) return Arity(name);
      return RuleValue::Bool(v[0].kind == Kind::kNull);
    }
    if (name == "not" || name == "and" || name == "or") {
      // QTI: and is false when an operand is, else NULL when one is; or is true when one is.
      if (v.empty() || (name == "not" && v.size() != 1)) return Arity(name);
      bool all = true, any = false;
      for (const RuleValue& x : v) {
        if (x.kind == Kind::kNull) continue;
        if (x.kind != Kind::kBool) return Mistyped(name);
        all = all && x.truth;
        any = any || x.truth;
      }
      if (name == "not") return any_null ? RuleValue::Null() : RuleValue::Bool(!v[0].truth);
      if (name == "and") {
        return !all ? RuleValue::Bool(false) : any_null ? RuleValue::Null() : RuleValue::Bool(true);
      }
      return any ? RuleValue::Bool(true) : any_null ? RuleValue::Null() : RuleValue::Bool(false);
    }
    if (name == "match" || name == "stringMatch") {
      if (v.size() != 2) return Arity(name);
      if (any_null) return RuleValue::Null();
      if (name == "match") return RuleValue::Bool(Same(v[0], v[1]));
      if (v[0].kind != Kind::kText || v[1].kind != Kind::kText) return Mistyped(name);
      if (Attr(n, "substring") == "true") return Unread("stringMatch of a substring");
      const bool sensitive = Attr(n, "caseSensitive") != "false";
      return RuleValue::Bool(sensitive ? v[0].text == v[1].text
                                       : Lower(v[0].text) == Lower(v[1].text));
    }
    if (name == "equal" || name == "lt" || name == "gt" || name == "lte" || name == "gte") {
      if (v.size() != 2) return Arity(name);
      if (any_null) return RuleValue::Null();
      const std::optional<std::vector<double>> x = numbers();
      if (!x) return Mistyped(name);
      const double a = (*x)[0], b = (*x)[1];
      if (name == "equal") {
        const std::string_view mode = Attr(n, "toleranceMode");
        if (mode.empty() || mode == "exact") return RuleValue::Bool(a == b);
        if (mode != "absolute") return Unread("equal with a relative tolerance");
        const std::string tolerance = Trimmed(Attr(n, "tolerance"));
        const size_t space = tolerance.find(' ');
        const std::optional<double> below = ParseFiniteNumber(tolerance.substr(0, space));
        const std::optional<double> above =
            space == std::string::npos ? below : ParseFiniteNumber(tolerance.substr(space + 1));
        if (!below || !above) return Unread("equal with a tolerance that is not a number");
        return RuleValue::Bool(a >= b - *below && a <= b + *above);
      }
      return RuleValue::Bool(name == "lt"    ? a < b
                             : name == "gt"  ? a > b
                             : name == "lte" ? a <= b
                                             : a >= b);
    }
    if (name == "sum" || name == "product" || name == "min" || name == "max" ||
        name == "subtract" || name == "divide") {
      if (v.empty() || ((name == "subtract" || name == "divide") && v.size() != 2)) {
        return Arity(name);
      }
      if (any_null) return RuleValue::Null();
      const std::optional<std::vector<double>> x = numbers();
      if (!x) return Mistyped(name);
      double r = (*x)[0];
      for (size_t i = 1; i < x->size(); ++i) {
        const double y = (*x)[i];
        if (name == "sum") r += y;
        if (name == "product") r *= y;
        if (name == "min") r = std::min(r, y);
        if (name == "max") r = std::max(r, y);
        if (name == "subtract") r -= y;
        if (name == "divide") {
          if (y == 0) return RuleValue::Null();
          r /= y;
        }
      }
      if (!std::isfinite(r)) return RuleValue::Null();
      return RuleValue::Number(r);
    }
    return Unread(name);
  }

  std::optional<RuleValue> Arity(const std::string& name) {
    Fail(fmt::format("its rules give {} a wrong number of operands", name));
    return std::nullopt;
  }
  std::optional<RuleValue> Mistyped(const std::string& name) {
    Fail(fmt::format("its rules give {} operands of the wrong type", name));
    return std::nullopt;
  }
  std::optional<RuleValue> Unread(const std::string& what) {
    Fail(fmt::format("its response processing uses {}, which Pupitre does not read yet", what));
    return std::nullopt;
  }

  const Declarations& declarations_;
  const std::map<std::string, MappingIndex, std::less<>>& mappings_;
  const Responses& responses_;
  Responses outcomes_;
  long& budget_;
  std::string why_;
};

}  // namespace

RuleRunner::RuleRunner(const pugi::xml_node& item, const Declarations& declarations)
    : item_(item),
      processing_(Child(item, "responseProcessing")),
      declarations_(declarations),
      budget_(kBudget) {
  for (const auto& [id, decl] : declarations) {
    if (!decl.mapping) continue;
    MappingIndex& index = mappings_[id];
    for (size_t i = 0; i < decl.mapping->entries.size(); ++i) {
      const Mapping::Entry& e = decl.mapping->entries[i];
      if (e.case_sensitive) {
        index.exact.try_emplace(e.key, i);
      } else {
        index.folded.try_emplace(Lower(e.key), i);
      }
    }
  }
  for (const pugi::xml_node& o : Children(item, "outcomeDeclaration")) {
    const std::string_view type = Attr(o, "baseType");
    const pugi::xml_node value = Child(Child(o, "defaultValue"), "value");
    std::optional<RuleValue> v;
    if (value) v = Typed(type, value.text().get());
    // QTI: a numeric outcome starts at 0 unless it says otherwise; any other at NULL.
    if (!v) v = type == "float" || type == "integer" ? RuleValue::Number(0) : RuleValue::Null();
    defaults_[std::string(Attr(o, "identifier"))] = std::move(*v);
  }
}

Result<double> RuleRunner::Score(const Responses& responses) {
  if (!processing_) return Error::Invalid("it has no response processing: not scored");
  Responses given;
  for (const auto& [id, v] : responses) {  // QTI: an empty string is NULL
    given[id] = v.kind == Kind::kText && v.text.empty() ? RuleValue::Null() : v;
  }
  budget_ -= static_cast<long>(defaults_.size() + given.size());  // each run copies them
  Run run(declarations_, mappings_, given, defaults_, budget_);
  if (processing_.find_child(
          [](const pugi::xml_node& c) { return c.type() == pugi::node_element; })) {
    run.Rules(Elements(processing_), 0, 0);
    return run.Score();
  }
  std::string_view uri = Attr(processing_, "template");
  if (uri.empty()) uri = Attr(processing_, "templateLocation");
  if (uri.ends_with(".xml")) uri.remove_suffix(4);
  if (uri.ends_with("/match_correct")) {
    run.Template("match_correct");
  } else if (uri.ends_with("/map_response")) {
    run.Template("map_response");
  } else if (uri.empty()) {
    return Error::Invalid("its response processing is empty: not scored");
  } else {
    return Error::Invalid(
        fmt::format("the response processing template {} is not imported yet "
                    "(match_correct and map_response are)",
                    uri));
  }
  return run.Score();
}

}  // namespace pupitre::importers::qti
