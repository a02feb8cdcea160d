// A course's question bank (bank/question_bank.h), for the course's teachers: its questions by
// category, questions added from an upload (GIFT, Moodle XML, QTI: the format told by the
// bytes), replaced by a corrected version, removed, and a draft exam made of them (chosen
// questions, categories drawn from).

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "api/json_io.h"
#include "api/question_images.h"
#include "api/services.h"
#include "api/views.h"
#include "bank/question_bank.h"
#include "common/text.h"
#include "import/qti/qti_exam.h"

namespace pupitre::api {

namespace json = boost::json;
using boost::beast::http::verb;

namespace {

constexpr int64_t kHourMs = 3'600'000;

// The course's teachers (and admins) may use its bank; others are told it does not exist.
Status MayUseBank(Services& s, const ContextPtr& c, const std::string& course_id) {
  const exam::Caller caller = c->caller();
  if (s.exams.HasCourse(course_id) && (caller.is_admin || s.exams.Teaches(course_id, caller.user_id))) {
    return OkStatus();
  }
  return Error::NotFound(fmt::format("no course '{}' that you teach", course_id))
      .Because("no_course", {{"id", course_id}});
}

// The ?category= of an upload: where its questions without one in the file go.
Result<std::string> CategoryParam(const ContextPtr& c) {
  std::string category = c->query("category");
  if (category.size() > 200 || FirstInvalidUtf8(category)) {
    return Error::Invalid("a category is at most 200 bytes of UTF-8").Because("bad_category");
  }
  return category;
}

// An upload's questions as the bank files them: each in the category the file gives it (a QTI
// section's draw names the questions' group), else `category`; a calculated question's
// variants in one of their own within it.
std::vector<bank::BankQuestion> BankQuestionsOf(importers::QuestionUpload& read,
                                                const std::string& category, int64_t author_id,
                                                int64_t now_ms) {
  importers::ExamQuestions& made = read.made;
  std::vector<bank::BankQuestion> questions;
  for (size_t i = 0; i < made.questions.size(); ++i) {
    bank::BankQuestion b;
    b.question = std::move(made.questions[i]);
    std::string from_file = i < made.categories.size() ? made.categories[i] : "";
    const std::string own = i < made.subcategories.size() ? made.subcategories[i] : "";
    if (from_file.empty() && own.empty()) from_file = b.question.group;
    std::string filed = from_file.empty() ? category : from_file;
    // A calculated question's variants: a category of their own in that one.
    if (!own.empty()) filed = filed.empty() ? own : filed + "/" + own;
    b.category = bank::BankCategory(filed);
    b.format = read.format;
    b.added_ms = now_ms;
    b.author_id = author_id;
    questions.push_back(std::move(b));
  }
  return questions;
}

// GET /api/courses/C/bank → {"questions": [paper form + category, format, added_ms],
// "categories": [{"name", "count"}]} (categories in order; "" : questions without one).
void ListBank(Services& s, const ContextPtr& c) {
  const std::string& course_id = c->param(0);
  if (auto ok = MayUseBank(s, c, course_id); !ok.ok()) return c->Fail(ok.error());
  std::vector<std::string> damaged;
  json::array questions;
  json::array categories;
  for (const bank::BankQuestion& b : s.bank.List(course_id, &damaged)) {
    json::object o = exam::PaperQuestionJson(b.question);
    o["category"] = b.category;
    o["format"] = b.format;
    o["added_ms"] = b.added_ms;
    questions.push_back(std::move(o));
    json::object* last = categories.empty() ? nullptr : &categories.back().as_object();
    if (last && last->at("name").as_string() == b.category) {
      last->at("count") = last->at("count").as_int64() + 1;
    } else {
      categories.push_back(json::object{{"name", b.category}, {"count", 1}});
    }
  }
  json::array unreadable;
  for (const std::string& id : damaged) unreadable.emplace_back(id);
  c->Json(200, {{"questions", std::move(questions)},
                {"categories", std::move(categories)},
                {"damaged", std::move(unreadable)}});
}

// GET /api/courses/C/bank/images/BLOB: an image of the bank's questions, for its teachers.
void BankImage(Services& s, const ContextPtr& c) {
  const std::string& course_id = c->param(0);
  if (auto ok = MayUseBank(s, c, course_id); !ok.ok()) return c->Fail(ok.error());
  std::vector<exam::Question> questions;
  for (bank::BankQuestion& b : s.bank.List(course_id)) questions.push_back(std::move(b.question));
  SendQuestionImage(s.blobs, c, questions, c->param(1));
}

// POST /api/courses/C/bank?partial=1&category=NAME, the body a question file → 201 {"added":
// [ids], "left_out", "notes", "format"}. Questions without a category in the file go to NAME.
void AddToBank(Services& s, const ContextPtr& c) {
  const std::string course_id = c->param(0);
  if (auto ok = MayUseBank(s, c, course_id); !ok.ok()) return c->Fail(ok.error());
  auto category = CategoryParam(c);
  if (!category.ok()) return c->Fail(category.error());
  // Parsing a teacher's file and waiting for the store are work: never on an event loop.
  boost::asio::post(s.workers, [&s, c, course_id, category = std::move(*category)] {
    auto read = importers::ReadQuestionUpload(c->req.body(), c->query("partial") == "1");
    if (!read.ok()) return c->Later([c, e = read.take_error()] { c->Fail(e); });
    if (auto stored = StoreQuestionImages(s.blobs, read->made.questions); !stored.ok()) {
      return c->Later([c, e = stored.take_error()] { c->Fail(e); });
    }
    const importers::ExamQuestions& made = read->made;
    auto added = s.bank.Add(course_id, BankQuestionsOf(*read, category, c->who->user_id,
                                                       ToUnixMs(s.clock.Now())));
    json::object out{{"left_out", ProblemsJson(made.problems)},
                     {"notes", ProblemsJson(made.notes)},
                     {"format", read->format}};
    c->Later([c, added = std::move(added), out = std::move(out)]() mutable {
      if (!added.ok()) return c->Fail(added.error());
      json::array ids;
      for (const std::string& id : *added) ids.emplace_back(id);
      out["added"] = std::move(ids);
      c->Json(201, std::move(out));
    });
  });
}

// PUT /api/courses/C/bank/Q?category=NAME, the body a file of one question (the corrected
// version) → 200 {"question": paper form + category, format, "notes"}. The question keeps its
// id (and, when neither the file nor NAME gives one, its category). A file of several questions
// is refused (one_question); one whose question cannot be imported, as for an addition.
void ReplaceInBank(Services& s, const ContextPtr& c) {
  const std::string course_id = c->param(0);
  if (auto ok = MayUseBank(s, c, course_id); !ok.ok()) return c->Fail(ok.error());
  auto category = CategoryParam(c);
  if (!category.ok()) return c->Fail(category.error());
  boost::asio::post(s.workers, [&s, c, course_id, category = std::move(*category)] {
    auto read = importers::ReadQuestionUpload(c->req.body(), /*partial=*/false);
    if (!read.ok()) return c->Later([c, e = read.take_error()] { c->Fail(e); });
    if (const size_t n = read->made.questions.size(); n != 1) {
      return c->Later([c, n] {
        c->Fail(Error::Invalid(fmt::format("a replacement is a file of one question; this one holds {}", n))
                    .Because("one_question", {{"count", std::to_string(n)}}));
      });
    }
    if (auto stored = StoreQuestionImages(s.blobs, read->made.questions); !stored.ok()) {
      return c->Later([c, e = stored.take_error()] { c->Fail(e); });
    }
    json::array notes = ProblemsJson(read->made.notes);
    // (The date it was added is the question's own: Replace keeps it.)
    auto questions = BankQuestionsOf(*read, category, c->who->user_id, 0);
    auto replaced = s.bank.Replace(course_id, c->param(1), std::move(questions.front()));
    c->Later([c, replaced = std::move(replaced), notes = std::move(notes)]() mutable {
      if (!replaced.ok()) return c->Fail(replaced.error());
      json::object q = exam::PaperQuestionJson(replaced->question);
      q["category"] = replaced->category;
      q["format"] = replaced->format;
      q["added_ms"] = replaced->added_ms;
      c->Json(200, {{"question", std::move(q)}, {"notes", std::move(notes)}});
    });
  });
}

// DELETE /api/courses/C/bank/Q → {"removed": Q}.
void RemoveFromBank(Services& s, const ContextPtr& c) {
  const std::string course_id = c->param(0);
  if (auto ok = MayUseBank(s, c, course_id); !ok.ok()) return c->Fail(ok.error());
  boost::asio::post(s.workers, [&s, c, course_id] {
    Status removed = s.bank.Remove(course_id, {c->param(1)});
    c->Later([c, removed = std::move(removed)] {
      if (!removed.ok()) return c->Fail(removed.error());
      c->Json(200, {{"removed", c->param(1)}});
    });
  });
}

// The recipe of POST /api/courses/C/bank/exam: {"id", "title", "questions": [ids],
// "draws": [{"category", "pick"}]}; the window a draft's until the teacher sets it.
Result<bank::ExamRecipe> RecipeOf(const std::string& body, int64_t now_ms) {
  auto o = ParseObject(body);
  if (!o.ok()) return o.take_error();
  bank::ExamRecipe recipe;
  auto id = GetString(*o, "id");
  if (!id.ok()) return id.take_error();
  if (!exam::IsValidExamId(*id)) {
    return Error::Invalid("an exam id is 1 to 64 of a-z, 0-9 and -").Because("bad_exam_id");
  }
  recipe.id = std::move(*id);
  auto title = GetString(*o, "title");
  if (!title.ok()) return title.take_error();
  if (title->empty() || title->size() > 200 || FirstInvalidUtf8(*title)) {
    return Error::Invalid("a title is 1 to 200 bytes of UTF-8").Because("bad_title");
  }
  recipe.title = std::move(*title);
  if (const json::value* qs = o->if_contains("questions")) {
    if (!qs->is_array()) return Error::BadRequest("'questions' must be an array of question ids");
    for (const json::value& q : qs->get_array()) {
      if (!q.is_string()) return Error::BadRequest("'questions' must be an array of question ids");
      recipe.questions.emplace_back(q.get_string());
    }
  }
  if (const json::value* ds = o->if_contains("draws")) {
    if (!ds->is_array()) return Error::BadRequest("'draws' must be an array of {category, pick}");
    for (const json::value& d : ds->get_array()) {
      const json::object* draw = d.if_object();
      if (!draw) return Error::BadRequest("'draws' must be an array of {category, pick}");
      auto category = GetString(*draw, "category");
      if (!category.ok()) return category.take_error();
      auto pick = GetInt(*draw, "pick");
      if (!pick.ok()) return pick.take_error();
      if (*pick < 1 || *pick > static_cast<int64_t>(bank::QuestionBank::kMaxQuestions)) {
        return Error::Invalid(fmt::format("a draw picks 1 question or more, not {}", *pick))
            .Because("pick_range");
      }
      recipe.draws.push_back({std::move(*category), static_cast<int>(*pick)});
    }
  }
  recipe.opens_ms = importers::DraftOpensMs(now_ms);
  recipe.closes_ms = recipe.opens_ms + 2 * kHourMs;
  recipe.duration_ms = kHourMs;
  return recipe;
}

// POST /api/courses/C/bank/exam → 201 {"exam"}: a new draft of the course.
void ExamFromBank(Services& s, const ContextPtr& c) {
  const std::string course_id = c->param(0);
  if (auto ok = MayUseBank(s, c, course_id); !ok.ok()) return c->Fail(ok.error());
  auto recipe = RecipeOf(c->req.body(), ToUnixMs(s.clock.Now()));
  if (!recipe.ok()) return c->Fail(recipe.error());
  auto spec = s.bank.MakeExam(course_id, *recipe);
  if (!spec.ok()) return c->Fail(spec.error());
  s.exams.Create(c->caller(), std::move(*spec), "bank", AnswerExam(c, 201));
}

}  // namespace

void RegisterBankRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/courses/*/bank", "bank", Access::kTeacher, A::kInteractive,
              Bind(s, ListBank)});
  router.Add({verb::get, "/api/courses/*/bank/images/*", "bank_image", Access::kTeacher,
              A::kInteractive, Bind(s, BankImage)});
  router.Add({verb::post, "/api/courses/*/bank", "bank_add", Access::kTeacher, A::kInteractive,
              Bind(s, AddToBank), Body::kUpload});
  router.Add({verb::put, "/api/courses/*/bank/*", "bank_replace", Access::kTeacher,
              A::kInteractive, Bind(s, ReplaceInBank), Body::kUpload});
  router.Add({verb::delete_, "/api/courses/*/bank/*", "bank_remove", Access::kTeacher,
              A::kInteractive, Bind(s, RemoveFromBank)});
  router.Add({verb::post, "/api/courses/*/bank/exam", "bank_exam", Access::kTeacher,
              A::kInteractive, Bind(s, ExamFromBank)});
}

}  // namespace pupitre::api
