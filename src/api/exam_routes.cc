// Exams: the lists and pages of students and teachers, the teachers' imports, settings,
// publication, extra time, live view, attempts, results and the paper.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "api/json_io.h"
#include "api/question_images.h"
#include "api/seb_gate.h"
#include "api/services.h"
#include "api/views.h"
#include "exam/exam_errors.h"
#include "common/text.h"
#include "exam/results_csv.h"
#include "import/qti/qti_exam.h"
#include "import/qti/qti_export.h"
#include "import/toml/exam_toml.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

// A student's own start (their wave's) on an exam's JSON.
void AddMyStart(Services& s, const ContextPtr& c, const exam::ExamEntry& e, json::object& o) {
  if (c->caller().is_teacher) return;
  const room::RoomRef room = s.admissions.RoomOf(e, c->who->user_id);
  o["my_start_ms"] = ToUnixMs(room.opens);
  if (room.wave.index >= 0) o["my_wave"] = room.wave.name;
}

void ListExams(Services& s, const ContextPtr& c) {
  json::array out;
  for (const auto& e : s.exams.ExamsFor(c->caller())) {
    json::object o = ExamJson(*e);
    json::value attempt = nullptr;
    if (auto id = s.exams.AttemptIdOf(e->spec->id, c->who->user_id)) {
      auto v = s.exams.GetAttempt(c->caller(), *id);
      if (v.ok()) {
        attempt = json::object{{"id", v->state.id},
                               {"status", exam::AttemptStatusName(v->state.status)},
                               {"deadline_ms", v->state.deadline_ms}};
      }
    }
    o["attempt"] = std::move(attempt);
    AddMyStart(s, c, *e, o);
    out.push_back(std::move(o));
  }
  c->Json(200, {{"exams", std::move(out)}, {"server_now_ms", ToUnixMs(s.clock.Now())}});
}

void ImportExam(Services& s, const ContextPtr& c) {
  // Parsing a teacher's file is work: on the worker pool, never on an event loop.
  boost::asio::post(s.workers, [&s, c] {
    auto spec = importers::ParseExamToml(c->req.body());
    if (!spec.ok()) return AnswerExam(c, 201)(spec.take_error());
    // The images of its Moodle XML questions, kept before the exam is.
    if (auto stored = StoreQuestionImages(s.blobs, spec->questions); !stored.ok()) {
      return AnswerExam(c, 201)(stored.take_error());
    }
    s.exams.Import(c->caller(), std::move(*spec), std::string(c->req.body()),
                   std::string(importers::kTomlFormat), AnswerExam(c, 201));
  });
}

// POST /api/exams/ID/import?title=&course=&partial=1 (also /qti), the body a QTI package (ZIP),
// QTI items or Moodle XML (XML), or GIFT (text): a draft exam (importers::MakeQtiExam) → 201
// {"exam", "left_out", "notes", "format"}.
void ImportQtiExam(Services& s, const ContextPtr& c) {
  boost::asio::post(s.workers, [&s, c] {
    const importers::QtiExamOptions options{c->param(0), c->query("title"), c->query("course"),
                                            c->query("partial") == "1", ToUnixMs(s.clock.Now())};
    auto made = importers::MakeQtiExam(c->req.body(), options);
    if (!made.ok()) return c->Later([c, e = made.take_error()] { c->Fail(e); });
    if (auto stored = StoreQuestionImages(s.blobs, made->spec.questions); !stored.ok()) {
      return c->Later([c, e = stored.take_error()] { c->Fail(e); });
    }
    json::object extra{{"left_out", ProblemsJson(made->left_out)},
                       {"notes", ProblemsJson(made->notes)},
                       {"format", made->format}};
    // The model is what is kept: a package's bytes are no text to store.
    s.exams.Import(c->caller(), std::move(made->spec), "", made->format,
                   [c, extra = std::move(extra)](Result<std::shared_ptr<const exam::ExamEntry>> r) {
                     c->Later([c, r = std::move(r), extra] {
                       if (!r.ok()) return c->Fail(r.error());
                       json::object o = extra;
                       o["exam"] = ExamJson(**r);
                       c->Json(201, std::move(o));
                     });
                   });
  });
}

void GetExam(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  json::object o = ExamJson(**e);
  o["extra_time_ms"] = s.exams.ExtraTimeOf(c->param(0), c->who->user_id).count();
  if (auto id = s.exams.AttemptIdOf(c->param(0), c->who->user_id)) o["attempt_id"] = *id;
  AddMyStart(s, c, **e, o);
  // Shown before the start: the page says to open the exam in Safe Exam Browser.
  o["safe_exam_browser"] = s.seb.KeysOf(c->param(0)).has_value();
  c->Json(200, {{"exam", std::move(o)}, {"server_now_ms", ToUnixMs(s.clock.Now())}});
}

void Publish(Services& s, const ContextPtr& c) {
  s.exams.Publish(c->caller(), c->param(0), AnswerExam(c));
}

// The review level named by `body["review"]`, if any.
Result<std::optional<exam::ReviewLevel>> ReviewOf(const json::object& body) {
  const json::value* v = body.if_contains("review");
  if (!v) return std::optional<exam::ReviewLevel>();
  auto level = v->is_string() ? exam::ParseReviewLevel(v->as_string()) : std::nullopt;
  if (!level) {
    return Error::BadRequest("'review' must be \"score\", \"answers\" or \"solutions\"");
  }
  return std::optional<exam::ReviewLevel>(level);
}

void Settings(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  exam::SettingsChange change;
  for (auto [key, field] : {std::pair{"opens_ms", &change.opens_ms},
                            std::pair{"closes_ms", &change.closes_ms}}) {
    if (!body->contains(key)) continue;
    auto v = GetInt(*body, key);
    if (!v.ok()) return c->Fail(v.error());
    *field = *v;
  }
  if (body->contains("duration_minutes")) {
    auto v = GetInt(*body, "duration_minutes");
    if (!v.ok()) return c->Fail(v.error());
    if (*v < 1 || *v > 527040) {
      return c->Fail(Error::Invalid("'duration_minutes' must be from 1 to 527040").Because("duration_range"));
    }
    change.duration_ms = *v * 60'000;
  }
  if (auto* v = body->if_contains("one_per_page")) {
    if (!v->is_bool()) return c->Fail(Error::BadRequest("'one_per_page' must be true or false"));
    change.one_per_page = v->as_bool();
  }
  auto review = ReviewOf(*body);
  if (!review.ok()) return c->Fail(review.error());
  change.review = *review;
  s.exams.UpdateSettings(c->caller(), c->param(0), change, AnswerExam(c));
}

// More time now for running attempts: `{"minutes": n, "logins": [...]}` (no logins: everyone
// taking the exam). The exam pages are told at once through their event stream (and would
// otherwise learn it at their next save, or their next look at the attempt, within a minute),
// and show a notice saying so.
void AddTimeNow(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto minutes = GetInt(*body, "minutes");
  if (!minutes.ok()) return c->Fail(minutes.error());
  if (*minutes < 1 || *minutes > 24 * 60) {
    return c->Fail(Error::Invalid("'minutes' must be from 1 to 1440 (24 hours)"));
  }
  std::vector<int64_t> users;
  if (const auto* logins = body->if_contains("logins")) {
    const auto* list = logins->if_array();
    if (!list || list->size() > 100'000) {
      return c->Fail(Error::BadRequest("'logins' must be a list of logins"));
    }
    for (const auto& l : *list) {
      if (!l.is_string()) return c->Fail(Error::BadRequest("'logins' must be a list of logins"));
      auto user = s.accounts.FindByLogin(std::string(l.as_string()));
      if (!user) {
        return c->Fail(auth::NoSuchUser(std::string(l.as_string())));
      }
      users.push_back(user->id);
    }
    if (users.empty()) return c->Fail(Error::BadRequest("'logins' is empty: leave it out for everyone"));
  }
  // Durable before it is answered (it waits for a commit): on the worker pool.
  boost::asio::post(s.workers, [&s, c, users = std::move(users), m = *minutes] {
    auto r = s.exams.AddTimeNow(c->caller(), c->param(0), users, std::chrono::minutes(m));
    // The exam pages of those students read their attempt again at once (new countdown).
    if (r.ok() && *r > 0) s.hub.AttemptsChanged(c->param(0), users);
    c->Later([c, r = std::move(r), m] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"attempts_extended", *r}, {"minutes", m}});
    });
  });
}

void ExtraTime(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  auto minutes = GetInt(*body, "minutes");
  if (!login.ok()) return c->Fail(login.error());
  if (!minutes.ok()) return c->Fail(minutes.error());
  // Bounded before it becomes a duration: minutes x 60,000 must not overflow.
  if (*minutes < 0 || *minutes > 24 * 60) {
    return c->Fail(Error::Invalid("'minutes' must be from 0 to 1440 (24 hours)"));
  }
  auto user = s.accounts.FindByLogin(*login);
  if (!user) return c->Fail(auth::NoSuchUser(*login));
  s.exams.SetExtraTime(c->caller(), c->param(0), user->id, std::chrono::minutes(*minutes),
                       [c, m = *minutes](Status st) {
                         c->Later([c, st, m] {
                           if (!st.ok()) return c->Fail(st.error());
                           c->Json(200, {{"extra_time_minutes", m}});
                         });
                       });
}

// POST /api/exams/ID/release, body empty or {"review": "score" | "answers" | "solutions"}.
void Release(Services& s, const ContextPtr& c) {
  std::optional<exam::ReviewLevel> review;
  if (!c->req.body().empty()) {
    auto body = ParseObject(c->req.body());
    if (!body.ok()) return c->Fail(body.error());
    auto r = ReviewOf(*body);
    if (!r.ok()) return c->Fail(r.error());
    review = *r;
  }
  s.exams.ReleaseResults(c->caller(), c->param(0), review, [&s, c](Status st) {
    c->Later([&s, c, st] {
      if (!st.ok()) return c->Fail(st.error());
      auto e = s.exams.GetExam(c->caller(), c->param(0));
      if (!e.ok()) return c->Fail(e.error());
      c->Json(200, {{"results_released", true},
                    {"review", exam::ReviewLevelName((*e)->spec->review)}});
    });
  });
}

void Live(Services& s, const ContextPtr& c) {
  auto body = s.live_feed.LiveJson(c->caller(), c->param(0));
  if (!body.ok()) return c->Fail(body.error());
  c->Send(http::MakeJsonResponse(c->req, 200, *body));
}

void LiveEvents(Services& s, const ContextPtr& c) {
  auto live = s.exams.Live(c->caller(), c->param(0));
  if (!live.ok()) return c->Fail(live.error());
  auto stream = c->OpenStream();
  s.hub.Attach(c->caller(), stream);  // incidents reach the live view on the same stream
  s.live_feed.Subscribe(c->param(0), c->caller(), std::move(stream));
}

// Names `user_id` in `o` as the teacher's pages show people: login and name (nothing for an
// account that is gone).
void AddPerson(Services& s, json::object& o, int64_t user_id) {
  if (auto u = s.accounts.FindById(user_id)) {
    o["login"] = u->login;
    o["name"] = u->display_name;
  }
}

// `user_id` as the spreadsheets name people (nothing for an account that is gone).
std::optional<exam::Person> PersonOf(Services& s, int64_t user_id) {
  std::optional<exam::Person> p;
  if (auto u = s.accounts.FindById(user_id)) p = exam::Person{u->login, u->display_name};
  return p;
}

void ExamAttempts(Services& s, const ContextPtr& c) {
  auto all = s.exams.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  const int64_t now = ToUnixMs(s.clock.Now());
  json::array out;
  for (const auto& v : *all) {
    json::object o = AttemptJson(v, true, now);
    AddPerson(s, o, v.state.user_id);
    out.push_back(std::move(o));
  }
  c->Json(200, {{"attempts", std::move(out)}});
}

// A file to save (an export): not cached, named `file_name`.
void SendAttachment(const ContextPtr& c, std::string_view content_type, std::string_view file_name,
                    std::string body) {
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::content_disposition, fmt::format("attachment; filename=\"{}\"", file_name));
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(c->req.keep_alive());
  res.body() = std::move(body);
  c->Send(std::move(res));
}

void ResultsCsv(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  auto all = s.exams.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  const auto& spec = *(*e)->spec;
  SendAttachment(c, "text/csv; charset=utf-8", spec.id + "-results.csv",
                 exam::ResultsCsv(spec, *all, [&s](int64_t id) { return PersonOf(s, id); }, s.zone));
}

// GET /api/exams/ID/results-moodle.xml?item=IDNUMBER: the results as Moodle's gradebook
// imports them (exam::ResultsMoodleXml); the grade item's ID number is the exam's id unless
// `item` names another.
void ResultsMoodle(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  auto all = s.exams.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  const auto& spec = *(*e)->spec;
  std::string item = c->query("item");
  if (item.empty()) item = spec.id;
  if (item.size() > 100 || FirstInvalidUtf8(item)) {
    return c->Fail(Error::BadRequest("a grade item's ID number is at most 100 bytes of UTF-8")
                       .Because("bad_item"));
  }
  SendAttachment(c, "application/xml; charset=utf-8", spec.id + "-moodle-grades.xml",
                 exam::ResultsMoodleXml(
                     spec, *all, [&s](int64_t id) { return PersonOf(s, id); }, item));
}

// GET /api/exams/ID/qti.zip: the exam as a QTI 3.0 content package with its pictures, for the
// teacher who manages it (importers::ExportQtiPackage).
void ExportQti(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  if (!s.exams.Manages(c->caller(), c->param(0))) return c->Fail(exam::NoSuchExam(c->param(0)));
  boost::asio::post(s.workers, [&s, c, entry = *e] {
    // Its pictures from the blob store, each read whole (at most kMaxImageBytes).
    const importers::QtiImageReader pictures = [&s](const exam::QuestionImage& image) {
      return store::ReadSmallBlob(s.blobs, image.blob, exam::kMaxImageBytes);
    };
    importers::QtiExport out = importers::ExportQtiPackage(*entry->spec, pictures);
    c->Later([c, zip = std::move(out.zip), id = entry->spec->id]() mutable {
      if (zip.empty()) return c->Fail(Error::Internal("the QTI package could not be written"));
      SendAttachment(c, "application/zip", id + "-qti3.zip", std::move(zip));
    });
  });
}

// POST /api/exams/ID/duplicate {"id", "title"}: a new draft, a copy of this exam.
void DuplicateExam(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto id = GetString(*body, "id");
  if (!id.ok()) return c->Fail(id.error());
  auto title = GetString(*body, "title");
  if (!title.ok()) return c->Fail(title.error());
  s.exams.Duplicate(c->caller(), c->param(0), *id, *title, AnswerExam(c, 201));
}

// The course's homework beside its exams: a column each (title, out of), and each student's
// points (given back or not), "late", "missing" or "handed in" as JSON cells. REQUIRES: the
// caller may read the gradebook (GradebookOf checked it), so the course is read as its teacher.
json::array AddHomework(Services& s, const ContextPtr& c, exam::Gradebook& g,
                        std::vector<json::array>& cells) {
  json::array columns;
  const course::Caller teacher{c->who->user_id, /*is_admin=*/true};
  auto outline = s.courses.OutlineOf(teacher, g.course.id);
  cells.assign(g.students.size(), json::array());
  g.extra_cells.assign(g.students.size(), {});
  if (!outline.ok()) return columns;
  for (const auto& section : outline->sections) {
    for (const auto& item : section.items) {
      if (item.kind != "homework") continue;
      auto rules = s.homeworks.RulesOf(item.id);
      auto rows = s.homeworks.Handins(teacher, g.course.id, item.id);
      if (!rules || !rows.ok()) continue;
      columns.push_back({{"id", item.id}, {"title", item.title}, {"due_ms", rules->due_ms},
                         {"max_points", Number(rules->max_points)}});
      g.extra_headers.push_back(rules->max_points > 0
                                    ? fmt::format("{} (max {})", item.title, rules->max_points)
                                    : item.title);
      std::map<int64_t, const course::HandinRow*> by_user;
      for (const auto& r : *rows) by_user[r.user_id] = &r;
      for (size_t i = 0; i < g.students.size(); ++i) {
        auto it = by_user.find(g.students[i]);
        const course::HandinRow* r = it == by_user.end() ? nullptr : it->second;
        std::string state = !r || !r->handin ? "missing" : r->handin->late ? "late" : "handed_in";
        json::object cell{{"state", state}};
        std::string text = state == "missing" ? "" : state == "late" ? "late" : "handed in";
        if (r && r->grade.points) {
          cell["points"] = Number(*r->grade.points);
          cell["returned"] = r->grade.returned_ms != 0;
          text = fmt::format("{}", *r->grade.points);
        }
        cells[i].push_back(std::move(cell));
        g.extra_cells[i].push_back(std::move(text));
      }
    }
  }
  return columns;
}

// GET /api/courses/ID/gradebook: a course's published exams and homework, and each student's
// points in each.
void CourseGradebook(Services& s, const ContextPtr& c) {
  auto g = s.exams.GradebookOf(c->caller(), c->param(0));
  if (!g.ok()) return c->Fail(g.error());
  std::vector<json::array> homework_cells;
  json::array homework = AddHomework(s, c, *g, homework_cells);
  json::array exams;
  for (const auto& e : g->exams) {
    exams.push_back(json::object{{"id", e->spec->id},
                                 {"title", e->spec->title},
                                 {"opens_ms", e->spec->opens_ms},
                                 {"max_points", Number(e->spec->MaxPoints())},
                                 {"results_released", e->state.results_released}});
  }
  json::array students;
  for (size_t i = 0; i < g->students.size(); ++i) {
    json::array cells;
    for (const auto& cell : g->cells[i]) {
      if (!cell.taken) {
        cells.push_back(nullptr);
        continue;
      }
      cells.push_back(json::object{{"points", Number(cell.points)},
                                   {"submitted", cell.submitted},
                                   {"ungraded_essays", cell.ungraded_essays}});
    }
    json::object o{{"user_id", g->students[i]}, {"cells", std::move(cells)},
                   {"homework", std::move(homework_cells[i])}};
    AddPerson(s, o, g->students[i]);
    students.push_back(std::move(o));
  }
  c->Json(200, {{"course", {{"id", g->course.id}, {"title", g->course.title}}},
                {"exams", std::move(exams)},
                {"homework", std::move(homework)},
                {"students", std::move(students)}});
}

void CourseGradebookCsv(Services& s, const ContextPtr& c) {
  auto g = s.exams.GradebookOf(c->caller(), c->param(0));
  if (!g.ok()) return c->Fail(g.error());
  std::vector<json::array> unused;
  AddHomework(s, c, *g, unused);
  SendAttachment(c, "text/csv; charset=utf-8", g->course.id + "-gradebook.csv",
                 exam::GradebookCsv(*g, [&s](int64_t id) { return PersonOf(s, id); }));
}

// GET /api/exams/ID/extra-time: every student with extra time, for the teacher's list.
void ListExtraTime(Services& s, const ContextPtr& c) {
  auto all = s.exams.ExtraTimesOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  json::array out;
  for (const auto& [user_id, extra] : *all) {
    json::object o{{"user_id", user_id}, {"minutes", extra.count() / 60'000}};
    AddPerson(s, o, user_id);
    out.push_back(std::move(o));
  }
  c->Json(200, {{"extra_time", std::move(out)}});
}

// GET /api/exams/ID/preview: the paper as students will get it, also of a draft (teachers).
void Preview(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  if (!s.exams.Manages(c->caller(), c->param(0))) {
    return c->Fail(exam::NoSuchExam(c->param(0)));
  }
  const auto& entry = **e;
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(c->req.keep_alive());
  res.body() = entry.paper_json ? *entry.paper_json : exam::RenderPaperJson(*entry.spec);
  c->Send(std::move(res));
}

// GET /api/exams/ID/images/BLOB: an image of the exam's questions, for its teachers and for
// the students who started it (as its paper).
void ExamImage(Services& s, const ContextPtr& c) {
  if (RefusedBySeb(s, c, c->param(0))) return;  // as its paper
  const exam::Caller caller = c->caller();
  auto e = s.exams.GetExam(caller, c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  if (!caller.is_teacher && !s.exams.AttemptIdOf(c->param(0), caller.user_id)) {
    return c->Fail(Error::NotFound("no such image"));
  }
  SendQuestionImage(s.blobs, c, (*e)->spec->questions, c->param(1));
}

void Paper(Services& s, const ContextPtr& c) {
  if (RefusedBySeb(s, c, c->param(0))) return;
  auto paper = s.exams.PaperFor(c->caller(), c->param(0));
  if (!paper.ok()) return c->Fail(paper.error());
  const exam::PaperView& entry = *paper;
  const bool fresh = c->req[bhttp::field::if_none_match] == entry.etag;
  http::Response res{fresh ? bhttp::status::not_modified : bhttp::status::ok, c->req.version()};
  if (!fresh) res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::etag, entry.etag);
  res.set(bhttp::field::cache_control, "private, no-cache");
  res.keep_alive(c->req.keep_alive());
  if (!fresh) res.body() = *entry.json;
  c->Send(std::move(res));
}

}  // namespace

void RegisterExamRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/exams", "exams", Access::kUser, A::kInteractive,
              Bind(s, ListExams)});
  router.Add({verb::post, "/api/exams", "exam_import", Access::kTeacher, A::kInteractive,
              Bind(s, ImportExam), Body::kUpload});
  router.Add({verb::post, "/api/exams/*/qti", "exam_import_qti", Access::kTeacher,
              A::kInteractive, Bind(s, ImportQtiExam), Body::kUpload});
  router.Add({verb::post, "/api/exams/*/import", "exam_import_questions", Access::kTeacher,
              A::kInteractive, Bind(s, ImportQtiExam), Body::kUpload});
  router.Add({verb::get, "/api/exams/*", "exam", Access::kUser, A::kInteractive,
              Bind(s, GetExam)});
  router.Add({verb::post, "/api/exams/*/publish", "exam_publish", Access::kTeacher,
              A::kInteractive, Bind(s, Publish)});
  router.Add({verb::put, "/api/exams/*/settings", "exam_settings", Access::kTeacher,
              A::kInteractive, Bind(s, Settings)});
  router.Add({verb::get, "/api/exams/*/live/events", "exam_live_events", Access::kTeacher,
              A::kInteractive, Bind(s, LiveEvents)});
  router.Add({verb::post, "/api/exams/*/duplicate", "exam_duplicate", Access::kTeacher,
              A::kInteractive, Bind(s, DuplicateExam)});
  router.Add({verb::get, "/api/courses/*/gradebook", "course_gradebook", Access::kTeacher,
              A::kInteractive, Bind(s, CourseGradebook)});
  router.Add({verb::get, "/api/courses/*/gradebook.csv", "course_gradebook_csv", Access::kTeacher,
              A::kInteractive, Bind(s, CourseGradebookCsv)});
  router.Add({verb::get, "/api/exams/*/extra-time", "exam_extra_time_list", Access::kTeacher,
              A::kInteractive, Bind(s, ListExtraTime)});
  router.Add({verb::get, "/api/exams/*/preview", "exam_preview", Access::kTeacher,
              A::kInteractive, Bind(s, Preview)});
  router.Add({verb::put, "/api/exams/*/extra-time", "exam_extra_time", Access::kTeacher,
              A::kInteractive, Bind(s, ExtraTime)});
  router.Add({verb::post, "/api/exams/*/time", "exam_time_now", Access::kTeacher,
              A::kInteractive, Bind(s, AddTimeNow)});
  router.Add({verb::post, "/api/exams/*/release", "exam_release", Access::kTeacher,
              A::kInteractive, Bind(s, Release)});
  router.Add({verb::get, "/api/exams/*/live", "exam_live", Access::kTeacher, A::kInteractive,
              Bind(s, Live)});
  router.Add({verb::get, "/api/exams/*/attempts", "exam_attempts", Access::kTeacher,
              A::kInteractive, Bind(s, ExamAttempts)});
  router.Add({verb::get, "/api/exams/*/results.csv", "exam_results", Access::kTeacher,
              A::kInteractive, Bind(s, ResultsCsv)});
  router.Add({verb::get, "/api/exams/*/results-moodle.xml", "exam_results_moodle",
              Access::kTeacher, A::kInteractive, Bind(s, ResultsMoodle)});
  router.Add({verb::get, "/api/exams/*/qti.zip", "exam_export_qti", Access::kTeacher,
              A::kInteractive, Bind(s, ExportQti)});
  // The paper is what a student needs right after starting: it shares the start's class.
  router.Add({verb::get, "/api/exams/*/images/*", "exam_image", Access::kUser, A::kPaper,
              Bind(s, ExamImage)});
  router.Add({verb::get, "/api/exams/*/paper", "paper", Access::kUser, A::kPaper,
              Bind(s, Paper)});
}

}  // namespace pupitre::api
