#include "exam/exam_json.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace pupitre::exam {

namespace json = boost::json;

namespace {

constexpr int64_t kVersion = 1;

// Doubles are kept as the shortest text that reads back to the same value (std::to_chars), so
// that a key or a point value survives the store exactly, whatever the JSON library's parser.
json::value Exact(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return json::value(json::string_view(buf, ec == std::errc() ? end - buf : 0));
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Reads members of one object, remembering the first problem (with the member's path).
class Reader {
 public:
  Reader(const json::object& o, std::string where, std::string& problem)
      : o_(o), where_(std::move(where)), problem_(problem) {}

  std::string String(std::string_view k) {
    const json::value* v = Get(k);
    if (v && !v->is_string()) Fail(k, "a string");
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  }
  int64_t Int(std::string_view k) {
    const json::value* v = Get(k);
    if (v && v->is_int64()) return v->get_int64();
    if (v && v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
      return static_cast<int64_t>(v->get_uint64());
    }
    if (v) Fail(k, "an integer");
    return 0;
  }
  double Number(std::string_view k) {
    const json::value* v = Get(k);
    if (v && v->is_string()) {
      const json::string& t = v->get_string();
      double d = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (ec == std::errc() && end == t.data() + t.size() && std::isfinite(d)) return d;
    }
    if (v) Fail(k, "a number written as text");
    return 0;
  }
  // Whether the member is there: members added after version 1 are optional.
  bool Has(std::string_view k) const { return o_.contains(k); }
  bool Bool(std::string_view k) {
    const json::value* v = Get(k);
    if (v && !v->is_bool()) Fail(k, "true or false");
    return v && v->is_bool() && v->get_bool();
  }
  const json::array* Array(std::string_view k) {
    const json::value* v = Get(k);
    if (v && !v->is_array()) Fail(k, "an array");
    return v && v->is_array() ? &v->get_array() : nullptr;
  }
  std::vector<std::string> Strings(std::string_view k) {
    std::vector<std::string> out;
    if (const json::array* a = Array(k)) {
      for (const auto& e : *a) {
        if (!e.is_string()) return Fail(k, "an array of strings"), out;
        out.emplace_back(e.get_string());
      }
    }
    return out;
  }

 private:
  const json::value* Get(std::string_view k) {
    const json::value* v = o_.if_contains(k);
    if (!v) Fail(k, "present");
    return problem_.empty() ? v : nullptr;
  }
  void Fail(std::string_view k, std::string_view what) {
    if (problem_.empty()) problem_ = fmt::format("{}.{} must be {}", where_, k, what);
  }
  const json::object& o_;
  std::string where_;
  std::string& problem_;
};

}  // namespace

namespace {

json::object QuestionObject(const Question& q) {
  json::array correct;
  for (int i : q.correct_options) correct.emplace_back(i);
  json::object written{{"id", q.id},
                       {"type", QuestionTypeName(q.type)},
                       {"text", q.text},
                       {"points", Exact(q.points)},
                       {"options", Strings(q.options)},
                       {"correct_options", std::move(correct)},
                       {"correct_bool", q.correct_bool},
                       {"numeric_answer", Exact(q.numeric_answer)},
                       {"numeric_tolerance", Exact(q.numeric_tolerance)},
                       {"accepted", Strings(q.accepted)},
                       {"feedback", q.feedback},
                       {"option_feedback", Strings(q.option_feedback)},
                       {"line", q.line}};
  // Written only when there is some: exams without partial credit keep their form.
  if (!q.credit.empty()) {
    json::array credit;
    for (double c : q.credit) credit.push_back(Exact(c));
    written["credit"] = std::move(credit);
  }
  if (!q.answer_feedback.empty()) written["answer_feedback"] = Strings(q.answer_feedback);
  if (!q.images.empty()) {  // their bytes are blobs, never here
    json::array images;
    for (const QuestionImage& i : q.images) {
      images.push_back(json::object{
          {"blob", i.blob}, {"content_type", i.content_type}, {"alt", i.alt}, {"size", i.size}});
    }
    written["images"] = std::move(images);
  }
  if (!q.units.empty()) {
    json::array units;
    for (const Question::Unit& u : q.units) {
      units.push_back(json::object{{"name", u.name}, {"multiplier", Exact(u.multiplier)}});
    }
    written["units"] = std::move(units);
    written["unit_penalty"] = Exact(q.unit_penalty);
    if (q.unit_penalty_of_max) written["unit_penalty_of_max"] = true;
  }
  if (q.case_sensitive) written["case_sensitive"] = true;
  if (q.wildcards) written["wildcards"] = true;
  if (!q.fixed_options.empty()) {
    json::array fixed;
    for (int i : q.fixed_options) fixed.emplace_back(i);
    written["fixed_options"] = std::move(fixed);
  }
  if (q.numbering != OptionNumbering::kNone)
    written["numbering"] = OptionNumberingName(q.numbering);
  if (!q.group.empty()) written["group"] = q.group;
  if (q.all_or_nothing) written["all_or_nothing"] = true;
  if (q.type == QuestionType::kMatching) {
    json::array key;
    for (int i : q.match_key) key.emplace_back(i);
    written["match_choices"] = Strings(q.match_choices);
    written["match_key"] = std::move(key);
  }
  if (q.type == QuestionType::kOrdering) {
    json::array key;
    for (int i : q.order_key) key.emplace_back(i);
    written["order_key"] = std::move(key);
    if (q.ordering_grading != OrderingGrading::kAbsolutePosition) {
      written["ordering_grading"] = OrderingGradingName(q.ordering_grading);
    }
  }
  if (q.type == QuestionType::kGaps) {
    json::array gaps;
    for (const Gap& g : q.gaps) {
      json::object gap{{"weight", Exact(g.weight)}};
      if (!g.choices.empty()) gap["choices"] = Strings(g.choices);
      if (!g.accepted.empty()) gap["accepted"] = Strings(g.accepted);
      if (!g.numbers.empty()) {
        json::array numbers;
        for (const NumericAnswer& a : g.numbers) {
          numbers.push_back(json::object{{"value", Exact(a.value)},
                                         {"tolerance", Exact(a.tolerance)},
                                         {"credit", Exact(a.credit)}});
        }
        gap["numbers"] = std::move(numbers);
      }
      json::array credit;
      for (double c : g.credit) credit.push_back(Exact(c));
      gap["credit"] = std::move(credit);
      if (g.case_sensitive) gap["case_sensitive"] = true;
      if (g.wildcards) gap["wildcards"] = true;
      gaps.push_back(std::move(gap));
    }
    written["gaps"] = std::move(gaps);
  }
  if (!q.numeric_answers.empty()) {
    json::array answers;
    for (const auto& a : q.numeric_answers) {
      answers.push_back(json::object{{"value", Exact(a.value)},
                                     {"tolerance", Exact(a.tolerance)},
                                     {"credit", Exact(a.credit)}});
    }
    written["numeric_answers"] = std::move(answers);
  }
  return written;
}

// Credits, numbers written as text (as every number here).
Status ReadCredit(const json::array& c, std::vector<double>& out) {
  for (const auto& e : c) {
    double d = 0;
    const json::string* t = e.if_string();
    auto [end, ec] = t ? std::from_chars(t->data(), t->data() + t->size(), d)
                       : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (!t || ec != std::errc() || end != t->data() + t->size() || !std::isfinite(d)) {
      return Error::Invalid("a stored credit is not a number");
    }
    out.push_back(d);
  }
  return OkStatus();
}

// Reads a question written by QuestionObject into `out`; the first problem with its members in
// `problem` (their path from `where`), a damaged value as the error.
Status ReadQuestion(const json::object& o, const std::string& where, std::string& problem,
                    Question& out) {
  Reader q(o, where, problem);
  out.id = q.String("id");
  const std::string type = q.String("type");
  auto t = ParseQuestionType(type);
  if (!t && problem.empty()) problem = fmt::format("unknown question type '{}'", type);
  if (t) out.type = *t;
  out.text = q.String("text");
  out.points = q.Number("points");
  out.options = q.Strings("options");
  if (const json::array* c = q.Array("correct_options")) {
    for (const auto& e : *c) {
      if (!e.is_int64()) return Error::Invalid("a stored correct option is not an integer");
      out.correct_options.push_back(static_cast<int>(e.get_int64()));
    }
  }
  out.correct_bool = q.Bool("correct_bool");
  out.numeric_answer = q.Number("numeric_answer");
  out.numeric_tolerance = q.Number("numeric_tolerance");
  out.accepted = q.Strings("accepted");
  if (q.Has("feedback")) out.feedback = q.String("feedback");
  if (q.Has("option_feedback")) out.option_feedback = q.Strings("option_feedback");
  if (const json::array* c = q.Has("credit") ? q.Array("credit") : nullptr) {
    if (Status s = ReadCredit(*c, out.credit); !s.ok()) return s;
  }
  if (const json::array* n = q.Has("numeric_answers") ? q.Array("numeric_answers") : nullptr) {
    for (size_t k = 0; k < n->size() && problem.empty(); ++k) {
      if (!(*n)[k].is_object()) return Error::Invalid("a stored numeric answer is not an object");
      Reader a((*n)[k].get_object(), fmt::format("{}.numeric_answers[{}]", where, k),
               problem);
      out.numeric_answers.push_back({a.Number("value"), a.Number("tolerance"), a.Number("credit")});
    }
  }
  if (q.Has("answer_feedback")) out.answer_feedback = q.Strings("answer_feedback");
  if (const json::array* im = q.Has("images") ? q.Array("images") : nullptr) {
    for (size_t k = 0; k < im->size() && problem.empty(); ++k) {
      if (!(*im)[k].is_object()) return Error::Invalid("a stored image is not an object");
      Reader image((*im)[k].get_object(), fmt::format("{}.images[{}]", where, k), problem);
      QuestionImage i;
      i.blob = image.String("blob");
      i.content_type = image.String("content_type");
      i.alt = image.String("alt");
      i.size = image.Int("size");
      out.images.push_back(std::move(i));
    }
  }
  if (const json::array* u = q.Has("units") ? q.Array("units") : nullptr) {
    for (size_t k = 0; k < u->size() && problem.empty(); ++k) {
      if (!(*u)[k].is_object()) return Error::Invalid("a stored unit is not an object");
      Reader unit((*u)[k].get_object(), fmt::format("{}.units[{}]", where, k), problem);
      out.units.push_back({unit.String("name"), unit.Number("multiplier")});
    }
    out.unit_penalty = q.Number("unit_penalty");
    if (q.Has("unit_penalty_of_max")) out.unit_penalty_of_max = q.Bool("unit_penalty_of_max");
  }
  if (q.Has("case_sensitive")) out.case_sensitive = q.Bool("case_sensitive");
  if (const json::array* fixed = q.Has("fixed_options") ? q.Array("fixed_options") : nullptr) {
    for (const auto& e : *fixed) {
      if (!e.is_int64() || e.get_int64() < 0 ||
          e.get_int64() >= static_cast<int64_t>(out.options.size())) {
        return Error::Invalid("a stored fixed option is not an option's index");
      }
      out.fixed_options.push_back(static_cast<int>(e.get_int64()));
    }
  }
  if (q.Has("numbering")) {
    const std::optional<OptionNumbering> numbering = ParseOptionNumbering(q.String("numbering"));
    if (!numbering) return Error::Invalid("a stored option numbering is not one Pupitre knows");
    out.numbering = *numbering;
  }
  if (q.Has("wildcards")) out.wildcards = q.Bool("wildcards");
  if (q.Has("all_or_nothing")) out.all_or_nothing = q.Bool("all_or_nothing");
  if (q.Has("group")) out.group = q.String("group");
  if (out.type == QuestionType::kMatching) {
    out.match_choices = q.Strings("match_choices");
    if (const json::array* k = q.Array("match_key")) {
      for (const auto& e : *k) {
        if (!e.is_int64() || e.get_int64() < 0 ||
            e.get_int64() >= static_cast<int64_t>(out.match_choices.size())) {
          return Error::Invalid("a stored matching key is not a choice index");
        }
        out.match_key.push_back(static_cast<int>(e.get_int64()));
      }
    }
    if (out.match_key.size() != out.options.size()) {
      return Error::Invalid("a stored matching key does not give one choice per item");
    }
  }
  if (out.type == QuestionType::kOrdering) {
    std::vector<bool> seen(out.options.size(), false);
    if (const json::array* k = q.Array("order_key")) {
      for (const auto& e : *k) {
        if (!e.is_int64() || e.get_int64() < 0 ||
            e.get_int64() >= static_cast<int64_t>(out.options.size()) ||
            seen[static_cast<size_t>(e.get_int64())]) {
          return Error::Invalid("a stored ordering key is not each item once");
        }
        seen[static_cast<size_t>(e.get_int64())] = true;
        out.order_key.push_back(static_cast<int>(e.get_int64()));
      }
    }
    if (out.order_key.size() != out.options.size() || out.options.size() < 2) {
      return Error::Invalid("a stored ordering key does not order every item");
    }
    if (q.Has("ordering_grading")) {  // added later: absent, each item in its right place
      const std::optional<OrderingGrading> grading = ParseOrderingGrading(q.String("ordering_grading"));
      if (!grading) return Error::Invalid("a stored ordering grading is not one Pupitre knows");
      out.ordering_grading = *grading;
    }
  }
  if (out.type == QuestionType::kGaps) {
    const json::array* gaps = q.Array("gaps");
    for (size_t k = 0; gaps && k < gaps->size() && problem.empty(); ++k) {
      if (!(*gaps)[k].is_object()) return Error::Invalid("a stored gap is not an object");
      Reader gap((*gaps)[k].get_object(), fmt::format("{}.gaps[{}]", where, k), problem);
      Gap g;
      g.weight = gap.Number("weight");
      if (gap.Has("choices")) g.choices = gap.Strings("choices");
      if (gap.Has("accepted")) g.accepted = gap.Strings("accepted");
      if (const json::array* n = gap.Has("numbers") ? gap.Array("numbers") : nullptr) {
        for (size_t i = 0; i < n->size() && problem.empty(); ++i) {
          if (!(*n)[i].is_object()) return Error::Invalid("a stored gap's number is not an object");
          Reader a((*n)[i].get_object(), fmt::format("{}.gaps[{}].numbers[{}]", where, k, i), problem);
          g.numbers.push_back({a.Number("value"), a.Number("tolerance"), a.Number("credit")});
        }
      }
      if (const json::array* c = gap.Array("credit")) {
        if (Status s = ReadCredit(*c, g.credit); !s.ok()) return s;
      }
      if (gap.Has("case_sensitive")) g.case_sensitive = gap.Bool("case_sensitive");
      if (gap.Has("wildcards")) g.wildcards = gap.Bool("wildcards");
      out.gaps.push_back(std::move(g));
    }
  }
  out.line = static_cast<int>(q.Int("line"));
  // Stored before choices had pictures, an option could hold a character U+FFFC as written (text
  // pasted from a word processor): then the images are the text's alone, and it is no mark.
  size_t option_marks = 0;
  for (const std::string& option : out.options) option_marks += CountImageMarks(option);
  if (option_marks > 0 &&
      (!HasOptionPictures(out.type) || CountImageMarks(out.text) == out.images.size())) {
    for (std::string& option : out.options) option = WithoutImageMarks(std::move(option));
  }
  if (const std::string why = GapsProblem(out); !why.empty() && problem.empty()) {
    problem = fmt::format("{}.gaps: {}", where, why);
  }
  if (const std::string why = AnswerFeedbackProblem(out); !why.empty() && problem.empty()) {
    problem = fmt::format("{}.answer_feedback: {}", where, why);
  }
  if (const std::string why = ImagesProblem(out); !why.empty() && problem.empty()) {
    problem = fmt::format("{}.images: {}", where, why);
  }
  if (const std::string why = UnitsProblem(out); !why.empty() && problem.empty()) {
    problem = fmt::format("{}.units: {}", where, why);
  }
  return OkStatus();
}

}  // namespace

boost::json::object ToCanonicalQuestion(const Question& q) {
  json::object o = QuestionObject(q);
  o["v"] = kVersion;
  return o;
}

Result<Question> FromCanonicalQuestion(const boost::json::object& o) {
  std::string problem;
  Reader r(o, "question", problem);
  if (r.Int("v") != kVersion && problem.empty()) {
    return Error::Invalid("the stored question has a form this program does not know (v != 1)");
  }
  Question out;
  if (auto read = ReadQuestion(o, "question", problem, out); !read.ok()) return read.take_error();
  if (!problem.empty()) return Error::Invalid("the stored question is damaged: " + problem);
  return out;
}

std::string ToCanonicalJson(const ExamSpec& spec) {
  json::array questions;
  for (const Question& q : spec.questions) questions.emplace_back(QuestionObject(q));
  json::array waves;
  for (const Wave& w : spec.waves) {
    waves.emplace_back(json::object{{"name", w.name},
                                    {"offset_ms", w.offset_ms},
                                    {"logins", Strings(w.logins)},
                                    {"first_letter", std::string(w.first_letter ? 1 : 0, w.first_letter)},
                                    {"last_letter", std::string(w.last_letter ? 1 : 0, w.last_letter)},
                                    {"line", w.line}});
  }
  json::object out{{"v", kVersion},
                    {"id", spec.id},
                    {"title", spec.title},
                    {"course_id", spec.course_id},
                    {"opens_ms", spec.opens_ms},
                    {"closes_ms", spec.closes_ms},
                    {"duration_ms", spec.duration_ms},
                    {"shuffle_questions", spec.shuffle_questions},
                    {"shuffle_options", spec.shuffle_options},
                    {"one_per_page", spec.one_per_page},
                    {"review", ReviewLevelName(spec.review)},
                    {"auto_waves", spec.auto_waves},
                    {"auto_wave_interval_ms", spec.auto_wave_interval_ms},
                    {"questions", std::move(questions)},
                    {"waves", std::move(waves)}};
  // Written only when there are some: exams without draws keep their form.
  if (!spec.groups.empty()) {
    json::array groups;
    for (const QuestionGroup& g : spec.groups) {
      groups.push_back(json::object{{"id", g.id}, {"pick", g.pick}, {"line", g.line}});
    }
    out["groups"] = std::move(groups);
  }
  return json::serialize(out);
}

Result<ExamSpec> FromCanonicalJson(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error::Invalid("the stored exam is not a JSON object");
  const json::object& o = v.get_object();
  std::string problem;
  Reader r(o, "exam", problem);
  if (r.Int("v") != kVersion && problem.empty()) {
    return Error::Invalid("the stored exam has a form this program does not know (v != 1)");
  }
  ExamSpec spec;
  spec.id = r.String("id");
  spec.title = r.String("title");
  spec.course_id = r.String("course_id");
  spec.opens_ms = r.Int("opens_ms");
  spec.closes_ms = r.Int("closes_ms");
  spec.duration_ms = r.Int("duration_ms");
  spec.shuffle_questions = r.Bool("shuffle_questions");
  spec.shuffle_options = r.Bool("shuffle_options");
  spec.one_per_page = r.Bool("one_per_page");
  if (r.Has("review")) {
    const std::string review = r.String("review");
    auto level = ParseReviewLevel(review);
    if (!level && problem.empty()) problem = fmt::format("unknown review level '{}'", review);
    if (level) spec.review = *level;
  }
  spec.auto_waves = static_cast<int>(r.Int("auto_waves"));
  spec.auto_wave_interval_ms = r.Int("auto_wave_interval_ms");
  if (const json::array* qs = r.Array("questions")) {
    for (size_t i = 0; i < qs->size() && problem.empty(); ++i) {
      if (!(*qs)[i].is_object()) return Error::Invalid("a stored question is not an object");
      Question out;
      if (auto read = ReadQuestion((*qs)[i].get_object(), fmt::format("exam.questions[{}]", i), problem, out);
          !read.ok()) {
        return read.take_error();
      }
      spec.questions.push_back(std::move(out));
    }
  }
  if (const json::array* ws = r.Array("waves")) {
    for (size_t i = 0; i < ws->size() && problem.empty(); ++i) {
      if (!(*ws)[i].is_object()) return Error::Invalid("a stored wave is not an object");
      Reader w((*ws)[i].get_object(), fmt::format("exam.waves[{}]", i), problem);
      Wave out;
      out.name = w.String("name");
      out.offset_ms = w.Int("offset_ms");
      out.logins = w.Strings("logins");
      const std::string first = w.String("first_letter");
      const std::string last = w.String("last_letter");
      out.first_letter = first.empty() ? 0 : first[0];
      out.last_letter = last.empty() ? 0 : last[0];
      out.line = static_cast<int>(w.Int("line"));
      spec.waves.push_back(std::move(out));
    }
  }
  if (const json::array* gs = r.Has("groups") ? r.Array("groups") : nullptr) {
    for (size_t i = 0; i < gs->size() && problem.empty(); ++i) {
      if (!(*gs)[i].is_object()) return Error::Invalid("a stored group is not an object");
      Reader g((*gs)[i].get_object(), fmt::format("exam.groups[{}]", i), problem);
      spec.groups.push_back({g.String("id"), static_cast<int>(g.Int("pick")), static_cast<int>(g.Int("line")), ""});
    }
  }
  if (problem.empty()) problem = GroupProblem(spec);
  if (!problem.empty()) return Error::Invalid("the stored exam is damaged: " + problem);
  if (spec.questions.empty() || spec.id.empty()) {
    return Error::Invalid("the stored exam is damaged: no id or no question");
  }
  return spec;
}

}  // namespace pupitre::exam
