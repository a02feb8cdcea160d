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
#include "import/moodle/gift.h"
#include "import/moodle/moodle_xml.h"
#include "import/toml/nesting.h"
#include "import/toml/toml_parts.h"

namespace pupitre::importers {
namespace {

using namespace pupitre::exam;  // the model this importer fills

using namespace toml_parts;  // its small pieces

constexpr std::string_view kTopLevelKeys[] = {"exam", "question", "wave", "gift", "moodle_xml"};
constexpr std::string_view kWaveKeys[] = {"name", "offset_minutes", "students", "letters"};
constexpr std::string_view kExamKeys[] = {
    "id",           "title",           "course",       "opens",    "closes",
    "duration_minutes", "shuffle_questions", "shuffle_options", "one_per_page", "review",
    "auto_waves",   "wave_interval_minutes"};
constexpr std::string_view kQuestionKeys[] = {"id",      "type",   "text",      "points",
                                              "options", "answer", "tolerance", "feedback",
                                              "option_feedback"};
// A year: far beyond any exam, and small enough that milliseconds never overflow.
constexpr int64_t kMaxDurationMinutes = 366 * 24 * 60;
constexpr double kMaxPoints = 10'000;  // per question
constexpr std::string_view kDateTimeExample = "2026-11-23T08:00:00Z";

// Collects the problems of one file while building its ExamSpec. Each problem has a reason and
// values (the pages' sentences, web/i18n.js "problem.*") and an English sentence.
class ExamParser {
 public:
  Result<ExamSpec> Parse(std::string_view text) {
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

    // Questions from Moodle (GIFT or Moodle XML: import/moodle), after the [[question]] tables.
    const toml::node* gift = root.get("gift");
    const toml::node* moodle_xml = root.get("moodle_xml");
    for (const auto& [node, key] : {std::pair{gift, "gift"}, std::pair{moodle_xml, "moodle_xml"}}) {
      if (node != nullptr && !node->is_string()) {
        Add(*node, "bank_not_text", {{"key", key}},
            fmt::format("\"{0}\" is a text: {0} = '''...'''", key));
      }
    }
    if (const toml::node* questions = root.get("question"); questions == nullptr) {
      if (gift == nullptr && moodle_xml == nullptr) {
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

    for (const toml::node* node : {gift, moodle_xml}) {
      if (node == nullptr || !node->is_string()) continue;
      // A multi-line text starts on the line after its key (TOML drops that first line break).
      const std::string& text = **node->as_string();
      const int line = static_cast<int>(node->source().begin.line);
      AddBankQuestions(node == gift ? ParseGift(text) : ParseMoodleXml(text),
                       text.find('\n') == std::string::npos ? line : line + 1,
                       node == gift ? "GIFT" : "Moodle XML", spec_, problems_);
    }
    if ((gift || moodle_xml) && spec_.questions.empty() && problems_.empty()) {
      Add(1, "no_questions", {}, "no questions: the text from Moodle holds none");
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
    return Finish();
  }

 private:
  // A problem outside any table.
  void Add(int line, std::string reason, Params params, std::string english) {
    problems_.push_back({line, std::move(english), std::move(reason), std::move(params)});
  }
  void Add(const toml::node& at, std::string reason, Params params, std::string english) {
    Add(LineOf(at), std::move(reason), std::move(params), std::move(english));
  }
  // A problem in a table, named first.
  void Add(int line, const Where& where, std::string reason, Params params,
           const std::string& english) {
    where.AddTo(params);
    Add(line, std::move(reason), std::move(params), where.English() + ": " + english);
  }
  void Add(const toml::node& at, const Where& where, std::string reason, Params params,
           const std::string& english) {
    Add(LineOf(at), where, std::move(reason), std::move(params), english);
  }

  void UnknownKey(const toml::node& at, const std::optional<Where>& where, const std::string& key,
                  KeyList known) {
    Params params{{"key", key}};
    std::string english = (where ? "unknown key " : "unknown top-level key ") + Quote(key);
    if (std::optional<std::string_view> meant = LikelyMeant(key, known)) {
      params.emplace_back("meant", std::string(*meant));
      english += " (did you mean " + Quote(*meant) + "?)";
    }
    if (where) {
      Add(at, *where, "unknown_key", std::move(params), english);
    } else {
      Add(at, "unknown_key", std::move(params), english);
    }
  }

  Result<ExamSpec> Finish() {
    if (problems_.empty()) return std::move(spec_);
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    const std::string count = std::to_string(problems_.size());
    return Error::Invalid("exam file has " + count + " problem(s)", std::move(problems_))
        .Because("exam_file_problems", {{"count", count}});
  }

  void CheckKeys(const toml::table& t, KeyList known, const Where& where) {
    for (auto&& [key, node] : t) {
      if (!Contains(known, key.str())) UnknownKey(node, where, std::string(key.str()), known);
    }
  }

  // The node under `key`, or nullptr; a missing required key is reported at the table's line.
  const toml::node* Get(const toml::table& t, std::string_view key, const Where& where,
                        bool required) {
    const toml::node* n = t.get(key);
    if (n == nullptr && required) {
      Add(t, where, "missing_key", {{"key", std::string(key)}}, "missing key " + Quote(key));
    }
    return n;
  }

  void WrongType(const toml::node& n, std::string_view key, const Where& where,
                 const Expected& expected) {
    const Kind kind = KindOf(n);
    Add(n, where, "wrong_type",
        {{"key", std::string(key)},
         {"expected", std::string(expected.name)},
         {"found", std::string(kind.name)}},
        Quote(key) + " must be " + std::string(expected.english) + ", not " +
            std::string(kind.english));
  }

  std::optional<std::string> GetString(const toml::table& t, std::string_view key,
                                       const Where& where, bool required) {
    const toml::node* n = Get(t, key, where, required);
    if (n == nullptr) return std::nullopt;
    if (!n->is_string()) {
      WrongType(*n, key, where, kString);
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  // Non-blank text.
  std::optional<std::string> GetText(const toml::table& t, std::string_view key,
                                     const Where& where) {
    std::optional<std::string> s = GetString(t, key, where, /*required=*/true);
    if (s && IsBlank(*s)) {
      Add(*t.get(key), where, "empty_value", {{"key", std::string(key)}},
          Quote(key) + " must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> GetBool(const toml::table& t, std::string_view key, const Where& where) {
    const toml::node* n = Get(t, key, where, /*required=*/false);
    if (n == nullptr) return std::nullopt;
    if (!n->is_boolean()) {
      WrongType(*n, key, where, kBool);
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  // An integer or a finite decimal number.
  std::optional<double> GetNumber(const toml::node& n, std::string_view key, const Where& where) {
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    if (n.is_floating_point()) {
      const double x = n.as_floating_point()->get();
      if (std::isfinite(x)) return x;
      Add(n, where, "not_finite", {{"key", std::string(key)}, {"value", std::to_string(x)}},
          Quote(key) + " must be a finite number, not " + std::to_string(x));
      return std::nullopt;
    }
    WrongType(n, key, where, kNumber);
    return std::nullopt;
  }

  // A date-time with a UTC offset, as Unix milliseconds.
  std::optional<int64_t> GetInstant(const toml::table& t, std::string_view key,
                                    const Where& where) {
    const toml::node* n = Get(t, key, where, /*required=*/true);
    if (n == nullptr) return std::nullopt;
    const std::string k(key);
    const std::string quoted = Quote(key);
    const std::string example = std::string(kDateTimeExample);
    if (n->is_date_time()) {
      const toml::date_time& dt = n->as_date_time()->get();
      if (dt.offset) {
        const int64_t ms = DateTimeToUnixMs(dt);
        if (IsValidInstantMs(ms)) return ms;
        Add(*n, where, "year_range", {{"key", k}}, quoted + " must be from year 1970 to 9999");
        return std::nullopt;
      }
      Add(*n, where, "no_utc_offset", {{"key", k}, {"example", example}},
          quoted + " has no UTC offset: add one, e.g. " + example +
              " for UTC or 2026-11-23T09:00:00+01:00");
    } else if (n->is_string()) {
      Add(*n, where, "date_in_quotes", {{"key", k}, {"example", example}},
          quoted + " must be a date-time without quotes, e.g. " + example);
    } else {
      const Kind kind = KindOf(*n);
      Add(*n, where, "not_date_time",
          {{"key", k}, {"example", example}, {"found", std::string(kind.name)}},
          quoted + " must be a date-time with a UTC offset, e.g. " + example + ", not " +
              std::string(kind.english));
    }
    return std::nullopt;
  }

  void ParseExam(const toml::table& t) {
    const Where where{"exam", "", 0};
    CheckKeys(t, kExamKeys, where);

    if (std::optional<std::string> id = GetString(t, "id", where, /*required=*/true)) {
      if (IsExamId(*id)) {
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
      if (IsExamId(*course)) {
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

  void ParseWave(const toml::table& t, size_t index) {
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

  void ParseQuestion(const toml::table& t, size_t index) {
    Question q;
    q.line = LineOf(t);
    Where where{"question", "", index + 1};

    // The id comes first: every later message names the question by it.
    if (std::optional<std::string> id = GetString(t, "id", where, /*required=*/true)) {
      if (!IsQuestionId(*id)) {
        Add(*t.get("id"), where, "bad_question_id", {{"value", *id}},
            "id " + Quote(*id) + " must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'");
      } else {
        where.name = *id;
        const int line = LineOf(*t.get("id"));
        if (auto [it, inserted] = first_line_of_id_.emplace(*id, line); !inserted) {
          const std::string first = std::to_string(it->second);
          Add(line, where, "duplicate_id", {{"first_line", first}},
              "duplicate id (first used on line " + first + ")");
        }
        q.id = std::move(*id);
      }
    }
    CheckKeys(t, kQuestionKeys, where);

    std::optional<QuestionType> type;
    if (std::optional<std::string> name = GetString(t, "type", where, /*required=*/true)) {
      type = ParseQuestionType(*name);
      if (!type) {
        Add(*t.get("type"), where, "unknown_type", {{"value", *name}},
            "unknown type " + Quote(*name) +
                " (expected single, multiple, truefalse, numeric, short or essay)");
      }
    }
    if (std::optional<std::string> text = GetText(t, "text", where)) q.text = std::move(*text);

    if (const toml::node* n = t.get("points")) {
      if (std::optional<double> points = GetNumber(*n, "points", where)) {
        // Bounded, so that no sum of points can overflow to Infinity (which JSON cannot say).
        if (*points > 0 && *points <= kMaxPoints) {
          q.points = *points;
        } else {
          const std::string max = std::to_string(static_cast<int>(kMaxPoints));
          Add(*n, where, "points_out_of_range", {{"max", max}},
              "\"points\" must be greater than 0 and at most " + max);
        }
      }
    }

    // Without a known type, the options and the key cannot be judged.
    if (type) {
      q.type = *type;
      ParseOptions(t, q, where);
      ParseKey(t, q, where);
      ParseFeedback(t, q, where);
    }
    spec_.questions.push_back(std::move(q));
  }

  // What the student reads with the right answer once results are released (review =
  // "solutions"): "feedback" on the question, "option_feedback" one per option (may be "").
  void ParseFeedback(const toml::table& t, Question& q, const Where& where) {
    if (auto text = GetString(t, "feedback", where, /*required=*/false)) q.feedback = *text;
    const toml::node* n = Get(t, "option_feedback", where, /*required=*/false);
    if (n == nullptr) return;
    if (q.type != QuestionType::kSingle && q.type != QuestionType::kMultiple) {
      Add(*n, where, "only_for_choices", {{"key", "option_feedback"}},
          "\"option_feedback\" is only for single and multiple questions");
      return;
    }
    const toml::array* array = n->as_array();
    if (array == nullptr || !array->is_homogeneous(toml::node_type::string)) {
      WrongType(*n, "option_feedback", where, kFeedbackList);
      return;
    }
    if (array->size() != q.options.size()) {
      const std::string count = std::to_string(array->size());
      const std::string options = std::to_string(q.options.size());
      Add(*n, where, "feedback_count", {{"count", count}, {"options", options}},
          "\"option_feedback\" has " + count + " entries for " + options + " options");
      return;
    }
    for (const auto& f : *array) q.option_feedback.push_back(f.as_string()->get());
  }

  void ParseOptions(const toml::table& t, Question& q, const Where& where) {
    const bool has_options = q.type == QuestionType::kSingle || q.type == QuestionType::kMultiple;
    const toml::node* n = Get(t, "options", where, /*required=*/has_options);
    if (n == nullptr) return;
    if (!has_options) {
      Add(*n, where, "only_for_choices", {{"key", "options"}},
          "\"options\" is only for single and multiple questions");
      return;
    }
    const toml::array* array = n->as_array();
    if (array == nullptr) {
      WrongType(*n, "options", where, kStringList);
      return;
    }
    // The key is checked against this count even when some options are faulty.
    q.options.resize(array->size());
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& option = (*array)[i];
      const std::string number = std::to_string(i);
      const std::string label = "option " + number;
      if (!option.is_string()) {
        const Kind kind = KindOf(option);
        Add(option, where, "option_not_string",
            {{"option", number}, {"found", std::string(kind.name)}},
            label + " must be a string in quotes, not " + std::string(kind.english));
        continue;
      }
      q.options[i] = option.as_string()->get();
      if (IsBlank(q.options[i])) {
        Add(option, where, "option_empty", {{"option", number}}, label + " is empty");
        continue;
      }
      for (size_t j = 0; j < i; ++j) {
        if (q.options[j] == q.options[i]) {
          const std::string other = std::to_string(j);
          Add(option, where, "option_repeated", {{"option", number}, {"other", other}},
              label + " repeats option " + other);
          break;
        }
      }
    }
    if (array->size() < 2) {
      const std::string count = std::to_string(array->size());
      Add(*n, where, "too_few_options", {{"count", count}},
          "\"options\" needs at least 2 options, has " + count);
    }
  }

  // A 0-based index into q.options; anything else is reported, except a range error when the
  // options themselves are missing (already reported).
  std::optional<int> GetIndex(const toml::node& n, const Question& q, const Where& where) {
    if (!n.is_integer()) {
      WrongType(n, "answer", where, kOptionIndex);
      return std::nullopt;
    }
    if (q.options.empty()) return std::nullopt;
    const int64_t index = n.as_integer()->get();
    if (index < 0 || index >= static_cast<int64_t>(q.options.size())) {
      const std::string value = std::to_string(index);
      const std::string count = std::to_string(q.options.size());
      Add(n, where, "answer_out_of_range", {{"value", value}, {"count", count}},
          "answer index " + value + " is out of range (" + count + " options)");
      return std::nullopt;
    }
    return static_cast<int>(index);
  }

  void ParseKey(const toml::table& t, Question& q, const Where& where) {
    const bool numeric = q.type == QuestionType::kNumeric;
    if (const toml::node* n = t.get("tolerance")) {
      if (!numeric) {
        Add(*n, where, "tolerance_not_numeric", {},
            "\"tolerance\" is only for numeric questions");
      } else if (std::optional<double> tolerance = GetNumber(*n, "tolerance", where)) {
        if (*tolerance >= 0) {
          q.numeric_tolerance = *tolerance;
        } else {
          Add(*n, where, "tolerance_negative", {}, "\"tolerance\" must not be negative");
        }
      }
    }

    const bool essay = q.type == QuestionType::kEssay;
    const toml::node* n = Get(t, "answer", where, /*required=*/!essay);
    if (n == nullptr) return;
    switch (q.type) {
      case QuestionType::kSingle:
        if (n->is_array()) {
          Add(*n, where, "single_has_one_answer", {},
              "\"answer\" must be one option index; use type = \"multiple\" for several right "
              "options");
        } else if (std::optional<int> index = GetIndex(*n, q, where)) {
          q.correct_options = {*index};
        }
        break;
      case QuestionType::kMultiple: {
        const toml::array* array = n->as_array();
        if (array == nullptr) {
          WrongType(*n, "answer", where, kOptionIndices);
          break;
        }
        if (array->empty()) {
          Add(*n, where, "no_right_option", {}, "\"answer\" must list at least one right option");
          break;
        }
        for (const toml::node& element : *array) {
          std::optional<int> index = GetIndex(element, q, where);
          if (!index) continue;
          if (std::find(q.correct_options.begin(), q.correct_options.end(), *index) !=
              q.correct_options.end()) {
            const std::string value = std::to_string(*index);
            Add(element, where, "answer_twice", {{"value", value}},
                "answer index " + value + " is listed twice");
            continue;
          }
          q.correct_options.push_back(*index);
        }
        std::sort(q.correct_options.begin(), q.correct_options.end());
        break;
      }
      case QuestionType::kTrueFalse:
        if (n->is_boolean()) {
          q.correct_bool = n->as_boolean()->get();
        } else {
          WrongType(*n, "answer", where, kBool);
        }
        break;
      case QuestionType::kNumeric:
        if (std::optional<double> x = GetNumber(*n, "answer", where)) q.numeric_answer = *x;
        break;
      case QuestionType::kShortText:
        ParseAccepted(*n, q, where);
        break;
      case QuestionType::kEssay:
        Add(*n, where, "essay_has_no_answer", {},
            "essay questions have no \"answer\" (a teacher grades them)");
        break;
    }
  }

  // A string, or an array of strings, each kept in normalised form.
  void ParseAccepted(const toml::node& n, Question& q, const Where& where) {
    auto accept = [&](const toml::node& element) {
      if (!element.is_string()) {
        WrongType(element, "answer", where, kAccepted);
        return;
      }
      std::string normalised = NormaliseText(element.as_string()->get());
      if (normalised.empty()) {
        Add(element, where, "accepted_empty", {},
            "an accepted answer is empty once normalised");
        return;
      }
      if (std::find(q.accepted.begin(), q.accepted.end(), normalised) == q.accepted.end()) {
        q.accepted.push_back(std::move(normalised));
      }
    };
    if (const toml::array* array = n.as_array()) {
      if (array->empty()) {
        Add(n, where, "no_accepted_answer", {},
            "\"answer\" must list at least one accepted answer");
      }
      for (const toml::node& element : *array) accept(element);
    } else {
      accept(n);
    }
  }

  ExamSpec spec_;
  std::vector<Problem> problems_;
  std::map<std::string, int> first_line_of_id_;
};

}  // namespace

Result<ExamSpec> ParseExamToml(std::string_view toml_text) { return ExamParser().Parse(toml_text); }

void ImportTomlExam(exam::ExamService& exams, const exam::Caller& caller, std::string_view text,
                    std::function<void(Result<std::shared_ptr<const exam::ExamEntry>>)> done) {
  auto spec = ParseExamToml(text);
  if (!spec.ok()) return done(spec.take_error());
  exams.Import(caller, std::move(*spec), std::string(text), std::string(kTomlFormat),
               std::move(done));
}

}  // namespace pupitre::importers

