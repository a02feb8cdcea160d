// Moodle XML (see moodle_xml.h), read with pugixml.
#include "import/moodle/moodle_xml.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <pugixml.hpp>
#include <string>

#include "common/text.h"
#include "import/moodle/calculated.h"
#include "import/moodle/cloze.h"
#include "import/moodle/html_text.h"
#include "import/moodle/xml_lines.h"

namespace pupitre::importers {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// <x format="..."><text>...</text></x>: the text, made plain when its format is HTML (and
// `media` set when it shows more than text).
std::string PlainText(const pugi::xml_node& n, bool& media) {
  const std::string text = n.child("text").text().get();
  const std::string format = n.attribute("format").as_string("html");
  if (format != "html") return Trim(text);
  media = media || HtmlHasMedia(text);
  return HtmlToText(text);
}

// A feedback's text: its pictures written as what they show in brackets (`pictures` set; the
// exam model keeps none in feedback); a sound or a video is `media`.
std::string FeedbackText(const pugi::xml_node& n, bool& media, bool& pictures) {
  const std::string text = n.child("text").text().get();
  if (n.attribute("format").as_string("html") != std::string("html")) return Trim(text);
  media = media || HtmlHasOtherMedia(text);
  pictures = pictures || HtmlHasMedia(text);
  return HtmlToWords(text);
}

// Moodle's "select missing words" (gapselect) and "drag and drop into text" (ddwtos): each
// [[k]] of the text is a place for the k-th choice (<selectoption> or <dragbox>, in order),
// picked among the choices of its group; each place right earns its share. The places become
// the question's gaps, renumbered in the text's order, each a menu of its group's choices.
std::string ReadChoiceGaps(const pugi::xml_node& node, const char* tag, MoodleQuestion& q,
                           bool& media) {
  struct Choice {
    std::string text, group;
  };
  std::vector<Choice> choices;
  for (const pugi::xml_node& c : node.children(tag)) {
    choices.push_back({PlainText(c, media), Trim(c.child("group").text().as_string("1"))});
    if (choices.back().text.empty()) return fmt::format("choice {} is empty", choices.size());
  }
  std::string text;
  std::string_view rest = q.text;
  for (size_t at; (at = rest.find("[[")) != std::string_view::npos;) {
    size_t end = at + 2;
    while (end < rest.size() && end - at < 8 && std::isdigit(static_cast<unsigned char>(rest[end]))) ++end;
    if (end == at + 2 || rest.substr(end, 2) != "]]") {  // not a place: as written
      text += rest.substr(0, at + 2);
      rest.remove_prefix(at + 2);
      continue;
    }
    const size_t k = std::stoul(std::string(rest.substr(at + 2, end - at - 2)));
    if (k < 1 || k > choices.size()) {
      return fmt::format("[[{}]] names no choice (the question has {})", k, choices.size());
    }
    if (q.gaps.size() == exam::kMaxGaps) return fmt::format("more than {} places", exam::kMaxGaps);
    // Its menu: the choices of its group, each text once, the k-th right.
    std::vector<std::string> menu;
    std::vector<double> credit;
    for (size_t i = 0; i < choices.size(); ++i) {
      if (choices[i].group != choices[k - 1].group) continue;
      const auto same = std::find(menu.begin(), menu.end(), choices[i].text);
      const double right = choices[i].text == choices[k - 1].text ? 1.0 : 0.0;
      if (same == menu.end()) {
        menu.push_back(choices[i].text);
        credit.push_back(right);
      }
    }
    if (menu.size() < 2) {
      return fmt::format("the place [[{}]] offers one choice (its group {} has no other)", k,
                         choices[k - 1].group);
    }
    exam::Gap gap;
    exam::SetGapMenu(gap, std::move(menu), std::move(credit));
    q.gaps.push_back(std::move(gap));
    text += rest.substr(0, at);
    text += exam::GapMark(q.gaps.size());
    rest.remove_prefix(end + 2);
  }
  text += rest;
  if (q.gaps.empty()) return "its text has no place [[1]] for a choice";
  q.text = std::move(text);
  return "";
}

// A choice, an item to match or to order (<x format="..."><text>...</text><file>...</x>): its
// text made plain when its format (`fallback` when none) is HTML; when `pictures` and it shows
// pictures alone (no sound, no video), its HTML and embedded files too, which ToExamQuestions
// makes its pictures. Any other media is `media`.
void ReadPictured(const pugi::xml_node& n, const char* fallback, bool pictures, MoodleAnswer& out,
                  bool& media) {
  const bool html = n.attribute("format").as_string(fallback) == std::string("html");
  const std::string written = n.child("text").text().get();
  out.text = html ? HtmlToText(written) : Trim(written);
  if (html && pictures && HtmlHasMedia(written) && !HtmlHasOtherMedia(written)) {
    out.html = written;
    for (const pugi::xml_node& file : n.children("file")) {
      if (file.attribute("encoding").as_string() == std::string("base64")) {
        out.files[file.attribute("name").as_string()] = file.text().get();
      }
    }
  } else {
    media = media || (html && HtmlHasMedia(written));
  }
}

bool IsTrue(const pugi::xml_node& n) {
  const std::string v = Trim(n.text().get());
  return v == "true" || v == "1";
}

// A choice's or a matching's <shuffleanswers> and a choice's <answernumbering>, read as
// Moodle's import reads them: shuffled unless "false", "0" or empty, absent not shuffled for a
// choice and shuffled for a matching; numbered "abc" when absent or empty. A numbering Moodle
// does not know is said in the question's note.
void ReadOptionDisplay(const pugi::xml_node& node, bool choice, MoodleQuestion& q) {
  const pugi::xml_node shuffle = node.child("shuffleanswers");
  const std::string said = Trim(shuffle.text().get());
  q.shuffle = shuffle ? !(said.empty() || said == "false" || said == "0") : !choice;
  if (!choice) return;
  const std::string name = Trim(node.child("answernumbering").text().as_string("abc"));
  if (const std::optional<exam::OptionNumbering> n = exam::ParseOptionNumbering(name.empty() ? "abc" : name)) {
    q.numbering = *n;
  } else {
    q.note += fmt::format("{}its answer numbering '{}' is not one of Moodle's: its answers are "
                          "not numbered",
                          q.note.empty() ? "" : "; ", PrintableAscii(name, 40));
  }
}

// A numerical (or calculated) question's units, unless Moodle shows none (<showunits>3: "units
// are not used at all"), and the penalty for an answer without one; "" or why not.
std::string ReadUnits(const pugi::xml_node& node, MoodleQuestion& q) {
  const bool shown = Trim(node.child("showunits").text().as_string("0")) != "3";
  for (const pugi::xml_node& u : node.child("units").children("unit")) {
    const auto multiplier = ParseFiniteNumber(u.child("multiplier").text().as_string("1"));
    const std::string name = Trim(u.child("unit_name").text().get());
    if (!multiplier || !(*multiplier > 0)) {
      return fmt::format("unit '{}' has no multiplier above 0", name);
    }
    if (shown) q.units.push_back({name, *multiplier});
  }
  const std::string grading = Trim(node.child("unitgradingtype").text().as_string("0"));
  if (!q.units.empty() && (grading == "1" || grading == "2")) {
    const auto penalty = ParseFiniteNumber(node.child("unitpenalty").text().as_string("0"));
    if (!penalty || *penalty < 0 || *penalty > 1) return "<unitpenalty> is a number from 0 to 1";
    q.unit_penalty = *penalty;
    q.unit_penalty_of_max = grading == "2";
  }
  return "";
}

// A whole number from `low` to `high` written in `n` (`fallback` when it is absent).
std::optional<int> WholeNumber(const pugi::xml_node& n, int fallback, int low, int high) {
  if (!n) return fallback;
  const auto v = ParseFiniteNumber(n.text().get());
  if (!v || *v != std::floor(*v) || *v < low || *v > high) return std::nullopt;
  return static_cast<int>(*v);
}

// A calculated question's answers (formulas, or calculatedmulti's choices) and datasets (each
// wildcard's values by item number); "" or why not.
std::string ReadCalculated(const pugi::xml_node& node, Calculated& c, MoodleQuestion& q,
                           bool& media) {
  for (const pugi::xml_node& a : node.children("answer")) {
    CalculatedAnswer answer;
    const auto fraction = ParseFiniteNumber(a.attribute("fraction").as_string("0"));
    if (!fraction || *fraction < -100 || *fraction > 100) {
      return "an answer's fraction is a percentage from -100 to 100";
    }
    answer.fraction = *fraction / 100;
    answer.formula = a.child("text").text().get();
    // Moodle writes no format for them: a choice's text is then in the question text's.
    answer.html = a.attribute("format").as_string(q.format.c_str()) == std::string("html");
    if (answer.formula.size() > kMaxFormulaBytes) {
      return fmt::format("an answer is longer than {} bytes", kMaxFormulaBytes);
    }
    const auto tolerance = ParseFiniteNumber(a.child("tolerance").text().as_string("0"));
    if (!tolerance || *tolerance < 0) return "an answer's <tolerance> is a number from 0";
    answer.tolerance = *tolerance;
    const std::string type = Trim(a.child("tolerancetype").text().as_string("1"));
    if (type == "1" || type == "relative") {
      answer.tolerance_type = ToleranceType::kRelative;
    } else if (type == "2" || type == "nominal") {
      answer.tolerance_type = ToleranceType::kNominal;
    } else if (type == "3" || type == "geometric") {
      answer.tolerance_type = ToleranceType::kGeometric;
      q.note =
          "its tolerance is geometric: the key shown is the middle of the numbers "
          "accepted, from key / (1 + tolerance) to key × (1 + tolerance) as in Moodle (for "
          "a negative key, whose interval Moodle leaves empty, from key × (1 + tolerance) "
          "to key / (1 + tolerance))";
    } else {
      return fmt::format(
          "<tolerancetype> '{}' is none of 1 (relative), 2 (nominal) or 3 (geometric)",
          PrintableAscii(type, 20));
    }
    const auto format = WholeNumber(a.child("correctanswerformat"), 1, 1, 2);
    const auto length = WholeNumber(a.child("correctanswerlength"), 2, 0, 15);
    if (!format || !length) {
      return "<correctanswerformat> is 1 (decimals) or 2 (significant figures), and "
             "<correctanswerlength> a number from 0 to 15";
    }
    answer.format = *format;
    answer.length = *length;
    answer.feedback = FeedbackText(a.child("feedback"), media, q.feedback_pictures);
    c.answers.push_back(std::move(answer));
  }
  for (const pugi::xml_node& d : node.child("dataset_definitions").children("dataset_definition")) {
    Dataset dataset;
    dataset.name = Trim(d.child("name").child("text").text().get());
    if (dataset.name.empty() || WildcardsIn("{" + dataset.name + "}").empty()) {
      return fmt::format(
          "a dataset's name '{}' is no wildcard (a letter, then no space nor "
          "brace)",
          PrintableAscii(dataset.name, 40));
    }
    const auto count = WholeNumber(d.child("itemcount"), 0, 0, 1'000'000);
    if (!count) return fmt::format("the dataset {{{}}}'s <itemcount> is not a count", dataset.name);
    dataset.item_count = *count;
    for (const pugi::xml_node& item : d.child("dataset_items").children("dataset_item")) {
      const auto number = WholeNumber(item.child("number"), 0, 1, 1'000'000);
      const std::string written = Trim(item.child("value").text().get());
      const auto value = ParseFiniteNumber(written);
      if (!number || !value) {
        return fmt::format(
            "the dataset {{{}}} has an item that is not a number and a value "
            "('{}')",
            dataset.name, PrintableAscii(written, 40));
      }
      if (*number <= kMaxVariants) dataset.items[*number] = {*value, written};
    }
    c.datasets.push_back(std::move(dataset));
    if (c.datasets.size() > 100) return "more than 100 datasets";
  }
  if (Trim(node.child("synchronize").text().as_string("0")) != "0") {
    q.note += q.note.empty() ? "" : "; ";
    q.note +=
        "its datasets are synchronised with other questions in Moodle: here its "
        "variant is drawn on its own";
  }
  return "";
}

}  // namespace

QuestionBank ParseMoodleXml(std::string_view xml) {
  QuestionBank bank;
  pugi::xml_document doc;
  // No DTD, no entities from outside: the parser never reaches beyond the text it is given.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype);
  if (!parsed) {
    const int line = XmlLines(xml).At(static_cast<size_t>(std::max<ptrdiff_t>(0, parsed.offset)));
    bank.problems.push_back({line, fmt::format("not XML: {}", parsed.description())});
    return bank;
  }
  const pugi::xml_node quiz = doc.child("quiz");
  if (!quiz) {
    bank.problems.push_back({1, "not a Moodle XML file: its root element is not <quiz>"});
    return bank;
  }
  std::string category;
  size_t variant_budget = kMaxVariantBytes;  // what calculated questions' variants may hold
  int draws = 0;                             // calculated questions so far
  XmlLines lines(xml);
  for (const pugi::xml_node& node : quiz.children("question")) {
    const int line = lines.Of(node);
    const std::string type = node.attribute("type").as_string();
    if (type == "category") {
      category = Trim(node.child("category").child("text").text().get());
      continue;
    }
    MoodleQuestion q;
    q.line = line;
    q.category = category;
    q.title = Trim(node.child("name").child("text").text().get());
    const pugi::xml_node text = node.child("questiontext");
    q.format = text.attribute("format").as_string("html");
    if (q.format != "html") q.format = q.format == "markdown" ? "markdown" : "plain";
    q.text = Trim(text.child("text").text().get());
    q.general_feedback = Trim(node.child("generalfeedback").child("text").text().get());
    if (const pugi::xml_node grade = node.child("defaultgrade")) {
      const auto points = ParseFiniteNumber(grade.text().get());
      if (!points) {
        bank.problems.push_back({line, "<defaultgrade> is not a number"});
        continue;
      }
      q.points = *points;
    }
    // Files embedded in the question's text become its images (ToExamQuestions), and so do a
    // choice's (read with its answer); a file anywhere else (a feedback's) is media the exam
    // does not take yet.
    bool media = false;
    const auto base64 = [](const pugi::xml_node& file) {
      return file.attribute("encoding").as_string() == std::string("base64");
    };
    for (const pugi::xpath_node& f : node.select_nodes(".//file")) {
      const pugi::xml_node file = f.node();
      const std::string_view parent = file.parent().name();
      if (file.parent() == text && base64(file)) {
        q.files[file.attribute("name").as_string()] = file.text().get();
      } else if (parent == "feedback" || parent == "generalfeedback") {
        // A feedback's picture: written as what it shows (FeedbackText), its file not kept.
      } else if (!(file.parent().parent() == node && base64(file) &&
                   ((type == "multichoice" && parent == "answer") ||
                    (type == "ordering" && parent == "answer") ||
                    (type == "matching" && parent == "subquestion")))) {
        media = true;  // a choice's, an item's to match or to order are theirs (ReadPictured)
      }
    }
    // Mathematics in any of its HTML texts: written as linear text, or the question refused.
    for (const pugi::xpath_node& t : node.select_nodes(".//text")) {
      const pugi::xml_node parent = t.node().parent();
      const std::string_view html = t.node().text().get();
      if (std::string_view(parent.attribute("format").as_string("html")) != "html" ||
          !HtmlHasMath(html)) {
        continue;
      }
      q.math = true;
      if (q.unsupported.empty()) q.unsupported = HtmlMathProblem(html);
    }
    std::string problem;
    Calculated calculated;
    bool is_calculated = false;
    auto answers = [&](bool numeric) {
      for (const pugi::xml_node& a : node.children("answer")) {
        MoodleAnswer answer;
        const auto fraction = ParseFiniteNumber(a.attribute("fraction").as_string("0"));
        if (!fraction || *fraction < -100 || *fraction > 100) {
          problem = "an answer's fraction is a percentage from -100 to 100";
          return;
        }
        answer.fraction = *fraction / 100;
        answer.equals = answer.fraction == 1;
        answer.feedback = FeedbackText(a.child("feedback"), media, q.feedback_pictures);
        if (numeric) {
          const std::string value = Trim(a.child("text").text().get());
          if (value == "*") {
            answer.text = "*";
          } else {
            const auto number = ParseFiniteNumber(value);
            const auto tolerance = ParseFiniteNumber(a.child("tolerance").text().as_string("0"));
            if (!number || !tolerance || *tolerance < 0) {
              problem = fmt::format("'{}' is not a number with a tolerance", value);
              return;
            }
            answer.number = *number;
            answer.tolerance = *tolerance;
          }
        } else {
          // An answer's own format: HTML made plain, other formats as written.
          ReadPictured(a, "plain_text", type == "multichoice", answer, media);
        }
        q.answers.push_back(std::move(answer));
      }
    };
    if (type == "multichoice") {
      q.kind = MoodleKind::kMultipleChoice;
      q.single = !node.child("single") || IsTrue(node.child("single"));
      ReadOptionDisplay(node, /*choice=*/true, q);
      answers(false);
      if (problem.empty() && q.answers.size() < 2) problem = "a choice needs two answers at least";
    } else if (type == "truefalse") {
      q.kind = MoodleKind::kTrueFalse;
      answers(false);
      const auto right = std::find_if(q.answers.begin(), q.answers.end(),
                                      [](const MoodleAnswer& a) { return a.fraction > 0; });
      if (problem.empty() && (q.answers.size() != 2 || right == q.answers.end())) {
        problem = "a true/false question has a true and a false answer, one of them right";
      } else if (problem.empty()) {
        q.truth = right->text == "true";
        q.right_feedback = right->feedback;
        q.wrong_feedback = (right == q.answers.begin() ? q.answers[1] : q.answers[0]).feedback;
        q.answers.clear();
      }
    } else if (type == "shortanswer") {
      q.kind = MoodleKind::kShortAnswer;
      answers(false);
      q.case_sensitive = IsTrue(node.child("usecase"));
    } else if (type == "numerical") {
      q.kind = MoodleKind::kNumerical;
      answers(true);
      if (problem.empty()) problem = ReadUnits(node, q);
    } else if (type == "calculated" || type == "calculatedsimple" || type == "calculatedmulti") {
      // Computed for each variant (calculated.h) once the rest of it is read.
      const bool multi = type == "calculatedmulti";
      q.kind = multi ? MoodleKind::kMultipleChoice : MoodleKind::kNumerical;
      q.single = !node.child("single") || IsTrue(node.child("single"));
      if (multi) ReadOptionDisplay(node, /*choice=*/true, q);
      problem = multi ? "" : ReadUnits(node, q);
      if (problem.empty()) problem = ReadCalculated(node, calculated, q, media);
      is_calculated = true;
    } else if (type == "essay") {
      q.kind = MoodleKind::kEssay;
    } else if (type == "matching") {
      q.kind = MoodleKind::kMatching;
      ReadOptionDisplay(node, /*choice=*/false, q);
      for (const pugi::xml_node& sub : node.children("subquestion")) {
        MoodleAnswer pair;
        ReadPictured(sub, "html", /*pictures=*/true, pair, media);
        pair.match = Trim(sub.child("answer").child("text").text().get());
        pair.fraction = 1;
        q.answers.push_back(std::move(pair));
      }
    } else if (type == "description") {
      q.kind = MoodleKind::kDescription;
    } else if (type == "cloze" || type == "multianswer") {
      // Embedded answers: the gaps are written in the text itself (cloze.h).
      q.kind = MoodleKind::kGaps;
      Result<Cloze> cloze = ReadCloze(q.text);
      if (!cloze.ok()) {
        problem = cloze.error().message;
      } else {
        q.text = std::move(cloze->text);
        q.gaps = std::move(cloze->gaps);
        q.points = cloze->points;
        q.note = std::move(cloze->note);
      }
    } else if (type == "gapselect" || type == "ddwtos") {
      q.kind = MoodleKind::kGaps;
      const bool drag = type == "ddwtos";
      problem = ReadChoiceGaps(node, drag ? "dragbox" : "selectoption", q, media);
      if (drag) q.note = "its words are dragged into the text in Moodle; here each gap is a menu of them";
    } else if (type == "ordering") {
      // The answers in their right order (each one's fraction is its place); graded each item
      // in its place (ABSOLUTE_POSITION) or all or nothing, every item shown.
      q.kind = MoodleKind::kOrdering;
      std::vector<std::pair<double, MoodleAnswer>> placed;
      for (const pugi::xml_node& a : node.children("answer")) {
        MoodleAnswer item;
        ReadPictured(a, "html", /*pictures=*/true, item, media);
        placed.emplace_back(ParseFiniteNumber(a.attribute("fraction").as_string("0")).value_or(0),
                            std::move(item));
      }
      std::stable_sort(placed.begin(), placed.end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      for (auto& [place, item] : placed) q.answers.push_back(std::move(item));
      const std::string grading = Trim(node.child("gradingtype").text().as_string("ABSOLUTE_POSITION"));
      const std::string select = Trim(node.child("selecttype").text().as_string("ALL"));
      // Moodle writes its grading type by name (or, in older exports, by number).
      using G = exam::OrderingGrading;
      static const std::pair<const char*, G> kGradings[] = {
          {"ABSOLUTE_POSITION", G::kAbsolutePosition},
          {"RELATIVE_NEXT_EXCLUDE_LAST", G::kRelativeNextExcludingLast},
          {"RELATIVE_NEXT_INCLUDE_LAST", G::kRelativeNextIncludingLast},
          {"RELATIVE_ONE_PREVIOUS_AND_NEXT", G::kRelativeOnePreviousAndNext},
          {"RELATIVE_ALL_PREVIOUS_AND_NEXT", G::kRelativeAllPreviousAndNext},
          {"LONGEST_ORDERED_SUBSET", G::kLongestOrderedSubset},
          {"LONGEST_CONTIGUOUS_SUBSET", G::kLongestContiguousSubset},
          {"RELATIVE_TO_CORRECT", G::kRelativeToCorrect},
      };
      if (grading == "ALL_OR_NOTHING" || grading == "-1") {
        q.all_or_nothing = true;
      } else {
        bool known = false;
        for (size_t k = 0; k < std::size(kGradings); ++k) {
          if (grading == kGradings[k].first || grading == std::to_string(k)) {
            q.ordering_grading = kGradings[k].second;
            known = true;
          }
        }
        if (!known) {
          problem = fmt::format("an ordering graded '{}' is not imported (not a grading type of "
                                "Moodle's ordering question)",
                                PrintableAscii(grading, 40));
        }
      }
      if (select != "ALL" && select != "0") {
        problem = "an ordering that shows some of its items only is not imported (every item is "
                  "ordered)";
      }
    } else {
      bank.problems.push_back(
          {line, fmt::format("questions of type '{}' are not imported yet", type)});
      continue;
    }
    if (!problem.empty()) {
      bank.problems.push_back({line, problem});
      continue;
    }
    if (media && q.unsupported.empty()) {
      q.unsupported =
          "pictures and files in gaps' choices, sounds and videos are not imported "
          "yet (in the question's text, a choice, an item to match or to order they "
          "are)";
    }
    if (q.text.empty()) {
      bank.problems.push_back({line, "a question without a text"});
      continue;
    }
    if (is_calculated) {
      // What refuses every variant is said once, of the question.
      if (!q.unsupported.empty()) {
        bank.problems.push_back({line, q.unsupported});
        continue;
      }
      if (!(q.points > 0) || q.points > 10'000) {
        bank.problems.push_back({line, "a question is worth more than 0 and at most 10000 points"});
        continue;
      }
      q.draw = ++draws;
      calculated.base = std::move(q);
      Result<Variants> variants = MakeVariants(calculated, variant_budget);
      if (!variants.ok()) {
        bank.problems.push_back({line, variants.error().message});
        continue;
      }
      for (std::string& why : variants->left_out) {
        bank.problems.push_back(
            {line, fmt::format("{}: left out (its other variants are imported)", why)});
      }
      for (MoodleQuestion& variant : variants->questions)
        bank.questions.push_back(std::move(variant));
      continue;
    }
    bank.questions.push_back(std::move(q));
  }
  return bank;
}

}  // namespace pupitre::importers
