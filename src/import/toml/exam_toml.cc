// The native exam format: a TOML file with one [exam] table and one [[question]] table per
// question (docs/exam-format.md). The importer reports every problem it finds, each with its
// line, so that a teacher fixes a file in one pass.
//
// The Debian build of toml++ is compiled with exceptions (its symbols live in toml::v3::ex), so
// toml::parse throws toml::parse_error; it is caught right here and nowhere else.

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "import/toml/exam_toml.h"
#include "import/toml/exam_parser.h"
#include "import/moodle/gift.h"
#include "import/moodle/moodle_xml.h"
#include "import/qti/qti_item.h"
#include "import/toml/nesting.h"

namespace pupitre::importers::toml_exam {

Result<ExamSpec> ExamParser::Parse(std::string_view text) {
  // toml++ recurses once per level of a dotted key or table header: bound it first.
  if (auto deep = FindTooDeepNesting(text)) {
    problems_.push_back(*deep);
    return Finish();
  }
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    const int line = std::max(1, static_cast<int>(e.source().begin.line));
    const std::string detail(e.description());
    Add(line, "toml_syntax", {{"detail", detail}}, "TOML syntax error: " + detail);
    return Finish();
  }

  for (auto&& [key, node] : root) {
    if (Contains(kTopLevelKeys, key.str())) continue;
    const std::string k(key.str());
    if (Contains(kExamKeys, k) || Contains(kQuestionKeys, k)) {
      Add(node, "key_outside_table", {{"key", k}},
          "unknown top-level key " + Quote(k) + " (keys belong under [exam] or [[question]])");
    } else {
      UnknownKey(node, std::nullopt, k, kTopLevelKeys);
    }
  }

  if (const toml::node* exam = root.get("exam"); exam == nullptr) {
    Add(1, "no_exam_table", {}, "missing [exam] table");
  } else if (!exam->is_table()) {
    Add(*exam, "exam_not_table", {},
        "\"exam\" must be a table: write [exam] on a line of its own");
  } else {
    ParseExam(*exam->as_table());
  }

  // Questions from Moodle (GIFT or Moodle XML: import/moodle) and QTI items (import/qti), after
  // the [[question]] tables.
  const toml::node* gift = root.get("gift");
  const toml::node* moodle_xml = root.get("moodle_xml");
  const toml::node* qti = root.get("qti");
  for (const auto& [node, key] : {std::pair{gift, "gift"}, std::pair{moodle_xml, "moodle_xml"},
                                  std::pair{qti, "qti"}}) {
    if (node != nullptr && !node->is_string()) {
      Add(*node, "bank_not_text", {{"key", key}},
          fmt::format("\"{0}\" is a text: {0} = '''...'''", key));
    }
  }
  if (const toml::node* questions = root.get("question"); questions == nullptr) {
    if (gift == nullptr && moodle_xml == nullptr && qti == nullptr) {
      Add(1, "no_questions", {}, "no questions: add at least one [[question]] table");
    }
  } else if (!questions->is_array_of_tables()) {
    Add(*questions, "questions_not_tables", {},
        "\"question\" must be an array of tables: start each question with "
        "[[question]] (two brackets)");
  } else {
    const toml::array& array = *questions->as_array();
    for (size_t i = 0; i < array.size(); ++i) ParseQuestion(*array[i].as_table(), i);
    if (array.empty()) {
      Add(*questions, "no_questions", {}, "no questions: add at least one [[question]] table");
    }
  }

  // Groups before the banks' questions: a group may draw from a bank's category.
  if (const toml::node* groups = root.get("group")) {
    if (!groups->is_array_of_tables()) {
      Add(*groups, "groups_not_tables", {},
          "\"group\" must be an array of tables: start each group with [[group]]");
    } else {
      const toml::array& array = *groups->as_array();
      for (size_t i = 0; i < array.size(); ++i) ParseGroup(*array[i].as_table(), i);
    }
  }
  for (const toml::node* node : {gift, moodle_xml, qti}) {
    if (node == nullptr || !node->is_string()) continue;
    // A multi-line text starts on the line after its key (TOML drops that first line break).
    const std::string& text = **node->as_string();
    const int line = static_cast<int>(node->source().begin.line);
    const int first = text.find('\n') == std::string::npos ? line : line + 1;
    if (node == qti) {
      AddExamQuestions(ParseQtiItems(text), first, "QTI", spec_, problems_);
    } else {
      AddBankQuestions(node == gift ? ParseGift(text) : ParseMoodleXml(text), first,
                       node == gift ? "GIFT" : "Moodle XML", spec_, problems_);
    }
  }
  if ((gift || moodle_xml || qti) && spec_.questions.empty() && problems_.empty()) {
    Add(1, "no_questions", {}, "no questions: the text holds none");
  }
  if (const toml::node* waves = root.get("wave")) {
    if (!waves->is_array_of_tables()) {
      Add(*waves, "waves_not_tables", {},
          "\"wave\" must be an array of tables: start each wave with [[wave]]");
    } else {
      const toml::array& array = *waves->as_array();
      for (size_t i = 0; i < array.size(); ++i) ParseWave(*array[i].as_table(), i);
      if (spec_.auto_waves > 1 && !array.empty()) {
        Add(*waves, "waves_and_auto_waves", {},
            "use either [[wave]] tables or auto_waves in [exam], not both");
      }
    }
  }
  CheckGroups();
  return Finish();
}

void ExamParser::ParseGroup(const toml::table& t, size_t index) {
  QuestionGroup g;
  g.line = LineOf(t);
  Where where{"group", "", index + 1};
  CheckKeys(t, kGroupKeys, where);
  if (std::optional<std::string> id = GetString(t, "id", where, /*required=*/true)) {
    if (!IsQuestionId(*id)) {
      Add(*t.get("id"), where, "bad_group_id", {{"value", *id}},
          "group id " + Quote(*id) + " must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'");
    } else if (std::any_of(spec_.groups.begin(), spec_.groups.end(),
                           [&id](const QuestionGroup& other) { return other.id == *id; })) {
      Add(*t.get("id"), where, "group_repeated", {{"value", *id}}, "group " + Quote(*id) + " is declared twice");
    } else {
      where.name = *id;
      g.id = std::move(*id);
    }
  }
  if (const toml::node* n = Get(t, "pick", where, /*required=*/true)) {
    if (!n->is_integer() || n->as_integer()->get() < 1 || n->as_integer()->get() > 1000) {
      Add(*n, where, "pick_range", {}, "\"pick\" must be a whole number from 1 to 1000");
    } else {
      g.pick = static_cast<int>(n->as_integer()->get());
    }
  }
  if (std::optional<std::string> category = GetString(t, "category", where, /*required=*/false)) {
    g.category = std::move(*category);
  }
  if (!g.id.empty()) spec_.groups.push_back(std::move(g));
}

void ExamParser::CheckGroups() {
  for (const Question& q : spec_.questions) {
    if (q.group.empty()) continue;
    if (std::none_of(spec_.groups.begin(), spec_.groups.end(),
                     [&q](const QuestionGroup& g) { return g.id == q.group; })) {
      Add(q.line, Where{"question", q.id, 0}, "unknown_group", {{"value", q.group}},
          "group " + Quote(q.group) + " is not declared: add a [[group]] with this id and how many to pick");
    }
  }
  for (const QuestionGroup& g : spec_.groups) {
    const Where where{"group", g.id, 0};
    int count = 0;
    const Question* first = nullptr;
    for (const Question& q : spec_.questions) {
      if (q.group != g.id) continue;
      ++count;
      if (first == nullptr) {
        first = &q;
      } else if (q.points != first->points) {
        Add(q.line, Where{"question", q.id, 0}, "group_points_differ",
            {{"group", g.id}, {"first", first->id}},
            "the questions of group " + Quote(g.id) + " must all be worth the same points as " +
                Quote(first->id) + " (every student's paper is worth the same)");
      }
    }
    if (g.pick > count) {
      Add(g.line, where, "group_pick", {{"pick", std::to_string(g.pick)}, {"count", std::to_string(count)}},
          "group " + Quote(g.id) + " picks " + std::to_string(g.pick) + " questions but has " +
              std::to_string(count));
    }
  }
}


void ExamParser::ParseExam(const toml::table& t) {
  const Where where{"exam", "", 0};
  CheckKeys(t, kExamKeys, where);

  if (std::optional<std::string> id = GetString(t, "id", where, /*required=*/true)) {
    if (IsValidExamId(*id)) {
      spec_.id = std::move(*id);
    } else {
      Add(*t.get("id"), where, "bad_exam_id", {{"key", "id"}, {"value", *id}},
          "id " + Quote(*id) + " must be 1 to 64 characters from a-z, 0-9 and '-'");
    }
  }
  if (std::optional<std::string> title = GetText(t, "title", where)) {
    spec_.title = std::move(*title);
  }
  if (std::optional<std::string> course = GetString(t, "course", where, /*required=*/false)) {
    if (IsValidExamId(*course)) {
      spec_.course_id = std::move(*course);
    } else {
      Add(*t.get("course"), where, "bad_exam_id", {{"key", "course"}, {"value", *course}},
          "course " + Quote(*course) + " must be 1 to 64 characters from a-z, 0-9 and '-'");
    }
  }

  const std::optional<int64_t> opens = GetInstant(t, "opens", where);
  const std::optional<int64_t> closes = GetInstant(t, "closes", where);
  if (opens) spec_.opens_ms = *opens;
  if (closes) spec_.closes_ms = *closes;
  if (opens && closes && *closes <= *opens) {
    Add(*t.get("closes"), where, "closes_before_opens", {},
        "\"closes\" must be later than \"opens\"");
  }

  if (const toml::node* n = Get(t, "duration_minutes", where, /*required=*/true)) {
    if (!n->is_integer()) {
      WrongType(*n, "duration_minutes", where, kMinutes);
    } else if (const int64_t minutes = n->as_integer()->get();
               minutes <= 0 || minutes > kMaxDurationMinutes) {
      const std::string max = std::to_string(kMaxDurationMinutes);
      const std::string value = std::to_string(minutes);
      Add(*n, where, "duration_range", {{"max", max}, {"value", value}},
          "\"duration_minutes\" must be between 1 and " + max + ", not " + value);
    } else {
      spec_.duration_ms = minutes * 60'000;
    }
  }

  spec_.shuffle_questions = GetBool(t, "shuffle_questions", where).value_or(false);
  spec_.shuffle_options = GetBool(t, "shuffle_options", where).value_or(false);
  spec_.one_per_page = GetBool(t, "one_per_page", where).value_or(false);
  if (std::optional<std::string> review = GetString(t, "review", where, /*required=*/false)) {
    if (auto level = ParseReviewLevel(*review)) {
      spec_.review = *level;
    } else {
      Add(*t.get("review"), where, "bad_review", {{"value", *review}},
          "\"review\" must be \"score\", \"answers\" or \"solutions\", not " + Quote(*review));
    }
  }

  if (const toml::node* n = Get(t, "auto_waves", where, /*required=*/false)) {
    if (!n->is_integer() || n->as_integer()->get() < 1 || n->as_integer()->get() > 100) {
      Add(*n, where, "auto_waves_range", {}, "\"auto_waves\" must be a whole number from 1 to 100");
    } else {
      spec_.auto_waves = static_cast<int>(n->as_integer()->get());
    }
  }
  if (const toml::node* n = Get(t, "wave_interval_minutes", where, /*required=*/false)) {
    if (!n->is_integer() || n->as_integer()->get() < 0 ||
        n->as_integer()->get() > kMaxDurationMinutes) {
      Add(*n, where, "minutes_range", {{"key", "wave_interval_minutes"}},
          "\"wave_interval_minutes\" must be a whole number of minutes, 0 or more");
    } else {
      spec_.auto_wave_interval_ms = n->as_integer()->get() * 60'000;
    }
  } else if (spec_.auto_waves > 1) {
    Add(t, where, "auto_waves_need_interval", {},
        "auto_waves needs \"wave_interval_minutes\"");
  }
}

void ExamParser::ParseWave(const toml::table& t, size_t index) {
  Wave w;
  w.line = LineOf(t);
  Where where{"wave", "", index + 1};
  CheckKeys(t, kWaveKeys, where);
  if (std::optional<std::string> name = GetText(t, "name", where)) {
    w.name = *name;
    where.name = *name;
  }
  if (const toml::node* n = Get(t, "offset_minutes", where, /*required=*/true)) {
    if (!n->is_integer() || n->as_integer()->get() < 0 ||
        n->as_integer()->get() > kMaxDurationMinutes) {
      Add(*n, where, "minutes_range", {{"key", "offset_minutes"}},
          "\"offset_minutes\" must be a whole number of minutes, 0 or more");
    } else {
      w.offset_ms = n->as_integer()->get() * 60'000;
    }
  }
  const toml::node* students = t.get("students");
  const toml::node* letters = t.get("letters");
  if ((students == nullptr) == (letters == nullptr)) {
    Add(t, where, "students_or_letters", {},
        "give either \"students\" (a list of logins) or \"letters\" (like \"A-L\")");
  }
  if (students) {
    if (!students->is_array() || students->as_array()->empty()) {
      Add(*students, where, "students_empty", {},
          "\"students\" must be a non-empty list of logins");
    } else {
      for (const toml::node& s : *students->as_array()) {
        if (!s.is_string()) {
          Add(s, where, "student_not_string", {}, "every student must be a login in quotes");
        } else {
          w.logins.push_back(s.as_string()->get());
        }
      }
    }
  }
  if (letters) {
    std::string v = letters->is_string() ? letters->as_string()->get() : "";
    auto up = [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); };
    if (v.size() == 3 && v[1] == '-' && std::isalpha(static_cast<unsigned char>(v[0])) &&
        std::isalpha(static_cast<unsigned char>(v[2])) && up(v[0]) <= up(v[2])) {
      w.first_letter = up(v[0]);
      w.last_letter = up(v[2]);
    } else {
      Add(*letters, where, "bad_letters", {},
          "\"letters\" must be a range of initials like \"A-L\"");
    }
  }
  spec_.waves.push_back(std::move(w));
}

}  // namespace pupitre::importers::toml_exam

namespace pupitre::importers {

using toml_exam::ExamParser;

Result<exam::ExamSpec> ParseExamToml(std::string_view toml_text) {
  return ExamParser().Parse(toml_text);
}

void ImportTomlExam(exam::ExamService& exams, const exam::Caller& caller, std::string_view text,
                    std::function<void(Result<std::shared_ptr<const exam::ExamEntry>>)> done) {
  auto spec = ParseExamToml(text);
  if (!spec.ok()) return done(spec.take_error());
  exams.Import(caller, std::move(*spec), std::string(text), std::string(kTomlFormat),
               std::move(done));
}

}  // namespace pupitre::importers

