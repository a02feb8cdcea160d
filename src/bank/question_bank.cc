#include "bank/question_bank.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "exam/exam_json.h"

namespace pupitre::bank {

namespace json = boost::json;

namespace {

constexpr size_t kMaxCategoryBytes = 200;
constexpr size_t kMaxIdBytes = 64;

std::string PrefixOf(const std::string& course_id) { return "bank/" + course_id + "/"; }

std::string ValueOf(const BankQuestion& b) {
  json::object o = exam::ToCanonicalQuestion(b.question);
  o["bank_category"] = b.category;
  o["bank_format"] = b.format;
  o["bank_added_ms"] = b.added_ms;
  o["bank_author"] = b.author_id;
  return json::serialize(o);
}

Result<BankQuestion> ReadValue(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error::Invalid("not a JSON object");
  const json::object& o = v.get_object();
  auto q = exam::FromCanonicalQuestion(o);
  if (!q.ok()) return q.take_error();
  BankQuestion out;
  out.question = std::move(*q);
  const auto text_of = [&o](const char* k) {
    const json::value* m = o.if_contains(k);
    return m && m->is_string() ? std::string(m->get_string()) : std::string();
  };
  const auto int_of = [&o](const char* k) {
    const json::value* m = o.if_contains(k);
    return m && m->is_int64() ? m->get_int64() : int64_t{0};
  };
  out.category = text_of("bank_category");
  out.format = text_of("bank_format");
  out.added_ms = int_of("bank_added_ms");
  out.author_id = int_of("bank_author");
  return out;
}

// A group id from a category's last level: its letters and digits in lower case, other runs
// '-', at most 56 bytes ("draw" when none), then -2, -3... when taken.
std::string GroupIdFor(std::string_view category, std::set<std::string>& taken) {
  const size_t slash = category.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? category : category.substr(slash + 1);
  std::string id;
  for (char c : last) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      id += static_cast<char>(std::tolower(u));
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
    if (id.size() >= 56) break;
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.empty()) id = "draw";
  std::string unique = id;
  for (int n = 2; taken.count(unique); ++n) unique = fmt::format("{}-{}", id, n);
  taken.insert(unique);
  return unique;
}

}  // namespace

std::string BankCategory(std::string_view category) {
  std::vector<std::string> levels;
  size_t at = 0;
  while (at <= category.size()) {
    size_t slash = category.find('/', at);
    if (slash == std::string_view::npos) slash = category.size();
    std::string_view level = category.substr(at, slash - at);
    while (!level.empty() && std::isspace(static_cast<unsigned char>(level.front()))) level.remove_prefix(1);
    while (!level.empty() && std::isspace(static_cast<unsigned char>(level.back()))) level.remove_suffix(1);
    const bool context = level.size() > 2 && level.front() == '$' && level.back() == '$';
    if (!level.empty() && !(levels.empty() && (context || level == "top"))) levels.emplace_back(level);
    at = slash + 1;
  }
  std::string out;
  for (const std::string& level : levels) {
    if (!out.empty()) out += '/';
    out += level;
  }
  if (out.size() > kMaxCategoryBytes) {
    out.resize(kMaxCategoryBytes);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
  return out;
}

std::vector<BankQuestion> QuestionBank::List(const std::string& course_id,
                                             std::vector<std::string>* damaged) const {
  const std::string prefix = PrefixOf(course_id);
  std::vector<BankQuestion> out;
  for (const auto& [key, value] : settings_.WithPrefix(prefix)) {
    auto read = ReadValue(value);
    if (!read.ok()) {
      if (damaged) damaged->push_back(key.substr(prefix.size()));
      continue;
    }
    read->question.id = key.substr(prefix.size());  // the key says which it is
    out.push_back(std::move(*read));
  }
  std::stable_sort(out.begin(), out.end(), [](const BankQuestion& a, const BankQuestion& b) {
    return a.category < b.category;  // ids already in order within each
  });
  return out;
}

Result<std::vector<std::string>> QuestionBank::Add(const std::string& course_id,
                                                   std::vector<BankQuestion> questions) {
  for (const BankQuestion& b : questions) {  // images stored first (api/question_images.h)
    if (const std::string why = exam::ImagesProblem(b.question); !why.empty()) {
      return Error::Invalid(fmt::format("question '{}': {}", b.question.id, why));
    }
  }
  MutexLock lock(write_mu_);
  const std::string prefix = PrefixOf(course_id);
  std::set<std::string> taken;
  for (const auto& [key, value] : settings_.WithPrefix(prefix)) taken.insert(key.substr(prefix.size()));
  if (taken.size() + questions.size() > kMaxQuestions) {
    return Error::Invalid(fmt::format("a course's bank holds at most {} questions; it has {}",
                                      kMaxQuestions, taken.size()))
        .Because("too_many_questions", {{"max", std::to_string(kMaxQuestions)}});
  }
  std::map<std::string, std::string> put;
  std::vector<std::string> ids;
  for (BankQuestion& b : questions) {
    std::string base = b.question.id.substr(0, kMaxIdBytes - 4);
    std::string id = b.question.id;
    for (int n = 2; taken.count(id); ++n) id = fmt::format("{}-{}", base, n);
    taken.insert(id);
    b.question.id = id;
    b.question.group.clear();
    put[prefix + id] = ValueOf(b);
    ids.push_back(std::move(id));
  }
  if (auto s = settings_.Change(put, {}); !s.ok()) return s.take_error();
  return ids;
}

Result<BankQuestion> QuestionBank::Replace(const std::string& course_id, const std::string& id,
                                           BankQuestion with) {
  if (const std::string why = exam::ImagesProblem(with.question); !why.empty()) {
    return Error::Invalid(fmt::format("question '{}': {}", id, why));
  }
  MutexLock lock(write_mu_);
  const std::string key = PrefixOf(course_id) + id;
  const auto stored = settings_.Get(key);
  if (!stored) {
    return Error::NotFound(fmt::format("the bank has no question \"{}\"", id))
        .Because("not_in_bank", {{"id", id}});
  }
  // A question stored damaged is replaced whole: nothing of it is kept.
  if (auto old = ReadValue(*stored); old.ok()) {
    with.added_ms = old->added_ms;
    if (with.category.empty()) with.category = old->category;
  }
  with.question.id = id;
  with.question.group.clear();
  if (auto s = settings_.Change({{key, ValueOf(with)}}, {}); !s.ok()) return s.take_error();
  return with;
}

Status QuestionBank::Remove(const std::string& course_id, const std::vector<std::string>& ids) {
  MutexLock lock(write_mu_);
  const std::string prefix = PrefixOf(course_id);
  std::vector<std::string> erase;
  for (const std::string& id : ids) {
    if (!settings_.Get(prefix + id)) {
      return Error::NotFound(fmt::format("the bank has no question \"{}\"", id))
          .Because("not_in_bank", {{"id", id}});
    }
    erase.push_back(prefix + id);
  }
  return settings_.Change({}, erase);
}

Result<exam::ExamSpec> QuestionBank::MakeExam(const std::string& course_id,
                                              const ExamRecipe& recipe) const {
  std::map<std::string, BankQuestion> by_id;
  for (BankQuestion& b : List(course_id)) by_id.emplace(b.question.id, std::move(b));
  exam::ExamSpec spec;
  spec.id = recipe.id;
  spec.title = recipe.title;
  spec.course_id = course_id;
  spec.opens_ms = recipe.opens_ms;
  spec.closes_ms = recipe.closes_ms;
  spec.duration_ms = recipe.duration_ms;
  std::set<std::string> chosen;
  for (const std::string& id : recipe.questions) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      return Error::Invalid(fmt::format("the bank has no question \"{}\"", id)).Because("not_in_bank", {{"id", id}});
    }
    if (!chosen.insert(id).second) {
      return Error::Invalid(fmt::format("question \"{}\" is chosen twice", id))
          .Because("question_repeated", {{"id", id}});
    }
    spec.questions.push_back(it->second.question);
    spec.questions.back().line = 0;
  }
  std::set<std::string> group_ids;
  std::set<std::string> drawn_categories;
  for (const ExamRecipe::Draw& draw : recipe.draws) {
    if (!drawn_categories.insert(draw.category).second) {
      return Error::Invalid(fmt::format("the category \"{}\" is drawn from twice", draw.category))
          .Because("group_repeated", {{"group", draw.category}});
    }
    exam::QuestionGroup group;
    group.id = GroupIdFor(draw.category, group_ids);
    group.pick = draw.pick;
    int count = 0;
    for (const auto& [id, b] : by_id) {
      // A description is shown to everyone, never drawn: choose it by its id.
      if (b.category != draw.category || chosen.count(id) ||
          b.question.type == exam::QuestionType::kDescription) {
        continue;
      }
      spec.questions.push_back(b.question);
      spec.questions.back().group = group.id;
      spec.questions.back().line = 0;
      ++count;
    }
    if (count == 0) {
      return Error::Invalid(fmt::format("the category \"{}\" has no question left to draw", draw.category))
          .Because("empty_category", {{"category", draw.category}});
    }
    if (draw.pick < 1 || draw.pick > count) {
      return Error::Invalid(fmt::format("a draw of {} from \"{}\", which holds {} question(s)", draw.pick,
                                        draw.category, count))
          .Because("group_pick", {{"group", draw.category}, {"pick", std::to_string(draw.pick)},
                                  {"count", std::to_string(count)}});
    }
    spec.groups.push_back(std::move(group));
  }
  if (spec.questions.empty()) {
    return Error::Invalid("choose questions or a category to draw from").Because("nothing_chosen");
  }
  for (const exam::QuestionGroup& g : spec.groups) {
    double points = -1;
    for (const exam::Question& q : spec.questions) {
      if (q.group != g.id) continue;
      if (points >= 0 && q.points != points) {
        return Error::Invalid(fmt::format("the questions drawn as \"{}\" are not all worth the same points "
                                          "(each student's paper must be worth the same)", g.id))
            .Because("group_points_differ", {{"group", g.id}});
      }
      points = q.points;
    }
  }
  return spec;
}

}  // namespace pupitre::bank
