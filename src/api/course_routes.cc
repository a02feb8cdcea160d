// The course space: a course's outline (sections and items) for its people; sections and items
// made, changed, moved and deleted by its teachers; a file item's file, streamed with ranges and
// validators. Edits wait until durable, on the worker pool; reads come from memory.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "api/course_views.h"
#include "api/file_answer.h"
#include "api/json_io.h"
#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

std::string_view RoleName(course::Role r) {
  switch (r) {
    case course::Role::kTeacher:
      return "teacher";
    case course::Role::kStudent:
      return "student";
    case course::Role::kAssistant:
      return "assistant";
    case course::Role::kNone:
      break;
  }
  return "none";
}

std::optional<std::string> OptString(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().as_string());
}

// Runs an edit on the worker pool, then answers on the connection's loop.
template <typename F, typename A>
void OnWorker(Services& s, const ContextPtr& c, F edit, A answer) {
  boost::asio::post(s.workers, [c, edit = std::move(edit), answer = std::move(answer)]() mutable {
    auto result = edit();
    c->Later([c, result = std::move(result), answer = std::move(answer)]() mutable {
      answer(result);
    });
  });
}

// [a-z0-9-]{1,64}, like an exam's id.
bool IsCourseId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

// POST /api/courses {"id", "title", "description"?}: a new course; a teacher who makes it
// teaches it.
void CreateCourse(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto id = GetString(*body, "id");
  if (!id.ok()) return c->Fail(id.error());
  auto title = GetString(*body, "title");
  if (!title.ok()) return c->Fail(title.error());
  std::string description = OptString(*body, "description").value_or("");
  if (!IsCourseId(*id)) {
    return c->Fail(Error::Invalid("a course id is 1 to 64 of a-z, 0-9 and -")
                       .Because("bad_course_id"));
  }
  if (title->find_first_not_of(" \t") == std::string::npos ||
      title->size() > course::kMaxTitleBytes || description.size() > course::kMaxPageBytes) {
    return c->Fail(Error::Invalid("a course needs a title of at most 200 bytes")
                       .Because("title_needed"));
  }
  if (s.exams.HasCourse(*id)) {
    return c->Fail(Error::Conflict(fmt::format("a course '{}' exists already", *id))
                       .Because("course_exists", {{"id", *id}}));
  }
  const int64_t user = c->who->user_id;
  const bool teaches = c->who->role == auth::Role::kTeacher;
  OnWorker(
      s, c,
      [&s, user, teaches, course = exam::Course{*id, *title, description}]() -> Status {
        if (auto st = s.exams.PutCourse(course); !st.ok()) return st;
        if (teaches) return s.exams.AddTeachers(course.id, {user});
        return OkStatus();
      },
      [c, id = *id, title = *title, description](const Status& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(201, {{"course", {{"id", id}, {"title", title}, {"description", description}}}});
      });
}

// GET /api/courses/ID/outline
void Outline(Services& s, const ContextPtr& c) {
  const std::string& id = c->param(0);
  auto outline = s.courses.OutlineOf(CourseCaller(c), id);
  if (!outline.ok()) return c->Fail(outline.error());
  // The door of the course space: students come in through it (a place in line when the
  // platform is full or an exam is starting; the page asks again by itself).
  if (outline->role == course::Role::kStudent) {
    const guard::DoorAnswer door = s.door.Knock(c->who->user_id);
    if (!door.in) {
      json::object place{{"position", door.place.position}};
      place["eta_ms"] = door.place.eta ? json::value(door.place.eta->count()) : json::value(nullptr);
      return c->Json(202, {{"course_line", std::move(place)}, {"retry_ms", 2000}});
    }
  }
  const auto course = s.exams.CourseOf(id);
  const bool teacher = outline->role == course::Role::kTeacher;
  json::array sections;
  for (const auto& sec : outline->sections) {
    json::array items;
    for (const auto& i : sec.items) items.push_back(ItemJson(s, id, i, teacher, CourseCaller(c)));
    sections.push_back({{"id", sec.id}, {"title", sec.title}, {"items", std::move(items)}});
  }
  c->Json(200, {{"course",
                 {{"id", id},
                  {"title", course ? course->title : id},
                  {"description", course ? course->description : ""}}},
                {"role", RoleName(outline->role)},
                {"sections", std::move(sections)}});
}

// POST /api/courses/ID/sections {"title"}
void AddSection(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto title = GetString(*body, "title");
  if (!title.ok()) return c->Fail(title.error());
  OnWorker(
      s, c,
      [&s, c, title = std::move(*title)] {
        return s.courses.AddSection(CourseCaller(c), c->param(0), title);
      },
      [c](const Result<course::Section>& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(201, {{"section", {{"id", r->id}, {"title", r->title}, {"items", json::array()}}}});
      });
}

// PUT /api/courses/ID/sections/SID {"title"?, "position"?}
void UpdateSection(Services& s, const ContextPtr& c) {
  auto section = ParseId(c->param(1));
  if (!section) return c->Fail(Error::NotFound("no such section"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  std::optional<int64_t> position;
  if (body->contains("position")) {
    auto p = GetInt(*body, "position");
    if (!p.ok()) return c->Fail(p.error());
    position = *p;
  }
  OnWorker(
      s, c,
      [&s, c, id = *section, title = OptString(*body, "title"), position] {
        return s.courses.UpdateSection(CourseCaller(c), c->param(0), id, title, position);
      },
      [c](const Status& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(200, {{"ok", true}});
      });
}

// DELETE /api/courses/ID/sections/SID: the section and its items.
void DeleteSection(Services& s, const ContextPtr& c) {
  auto section = ParseId(c->param(1));
  if (!section) return c->Fail(Error::NotFound("no such section"));
  OnWorker(
      s, c,
      [&s, c, id = *section] { return s.courses.DeleteSection(CourseCaller(c), c->param(0), id); },
      [c](const Status& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(200, {{"ok", true}});
      });
}

// The file of a finished upload of the caller's, adopted as a blob, as an item's draft.
// Blocking: on the worker pool.
Result<course::ItemDraft> AdoptUpload(Services& s, int64_t user_id, const std::string& id,
                                      course::ItemDraft draft) {
  auto up = s.uploads.Find(id, user_id);
  if (!up) return Error::NotFound("no such upload").Because("no_upload");
  auto offset = s.blobs.UploadOffset(id);
  if (!offset.ok()) return offset.error();
  if (static_cast<int64_t>(*offset) != up->length) {
    return Error::Conflict(fmt::format("the upload has {} of its {} bytes", *offset, up->length))
        .Because("upload_incomplete");
  }
  auto blob = s.blobs.Adopt(id);
  if (!blob.ok()) return blob.error();
  if (auto st = s.uploads.Finish(id); !st.ok()) return st.error();
  draft.blob = blob->sha256;
  draft.size = static_cast<int64_t>(blob->size);
  draft.file_name = up->file_name;
  draft.content_type = MediaTypeOf(up->file_name).type;
  return draft;
}

// The draft of an item from a request body: {"kind"?, "title", "body"?, "upload"?}.
Result<course::ItemDraft> DraftOf(const json::object& o, bool with_kind) {
  course::ItemDraft d;
  if (with_kind) {
    auto kind = GetString(o, "kind");
    if (!kind.ok()) return kind.error();
    d.kind = std::move(*kind);
  }
  auto title = GetString(o, "title");
  if (!title.ok()) return title.error();
  d.title = std::move(*title);
  d.body = OptString(o, "body").value_or("");
  return d;
}

// An exam item names one of the course's own exams.
Status CheckCourseExam(Services& s, const std::string& course_id, const std::string& exam_id) {
  auto e = s.exams.GetExam(exam::Caller{0, true, true}, exam_id);
  if (!e.ok() || (*e)->spec->course_id != course_id) {
    return Error::Invalid(fmt::format("the exam '{}' is not one of this course's", exam_id))
        .Because("exam_not_in_course", {{"exam", exam_id}});
  }
  return OkStatus();
}

// POST /api/courses/ID/sections/SID/items {"kind", "title", "body"?, "upload"?}
void AddItem(Services& s, const ContextPtr& c) {
  auto section = ParseId(c->param(1));
  if (!section) return c->Fail(Error::NotFound("no such section"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto draft = DraftOf(*body, /*with_kind=*/true);
  if (!draft.ok()) return c->Fail(draft.error());
  // Checked before any upload is adopted: a student cannot turn an upload into a course file.
  const course::Caller who = CourseCaller(c);
  if (auto st = s.courses.CheckTeacher(who, c->param(0)); !st.ok()) return c->Fail(st.error());
  if (draft->kind == "exam") {
    if (auto st = CheckCourseExam(s, c->param(0), draft->body); !st.ok()) return c->Fail(st.error());
  }
  std::optional<course::HomeworkRules> rules;
  if (draft->kind == "homework") {
    auto r = RulesFromJson(body->contains("rules") ? body->at("rules") : json::value(json::object()));
    if (!r.ok()) return c->Fail(r.error());
    rules = std::move(*r);
  }
  std::optional<live::LiveRules> schedule;
  if (draft->kind == "live") {
    auto r = LiveRulesFromJson(body->contains("live") ? body->at("live") : json::value(json::object()));
    if (!r.ok()) return c->Fail(r.error());
    schedule = *r;
  }
  OnWorker(
      s, c,
      [&s, c, who, id = *section, d = std::move(*draft), rules, schedule,
       upload = OptString(*body, "upload")]() mutable -> Result<course::Item> {
        if (rules || schedule) {
          auto item = s.courses.AddItem(who, c->param(0), id, std::move(d));
          if (!item.ok()) return item;
          auto st = rules ? s.homeworks.SetRules(who, c->param(0), item->id, *rules)
                          : s.live.SetRules(who, c->param(0), item->id, *schedule);
          if (!st.ok()) return st.error();
          return item;
        }
        if (d.kind == "file") {
          if (!upload) return Error::Invalid("a file item needs its file").Because("file_needed");
          auto adopted = AdoptUpload(s, who.user_id, *upload, std::move(d));
          if (!adopted.ok()) return adopted.error();
          d = std::move(*adopted);
        }
        return s.courses.AddItem(who, c->param(0), id, std::move(d));
      },
      [&s, c, who](const Result<course::Item>& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(201, {{"item", ItemJson(s, c->param(0), *r, true, who)}});
      });
}

// PUT /api/courses/ID/items/IID {"title", "body"?, "upload"?}: a file item's file is replaced
// when an upload is given.
void UpdateItem(Services& s, const ContextPtr& c) {
  auto item = ParseId(c->param(1));
  if (!item) return c->Fail(Error::NotFound("no such item"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto draft = DraftOf(*body, /*with_kind=*/false);
  if (!draft.ok()) return c->Fail(draft.error());
  const course::Caller who = CourseCaller(c);
  if (auto st = s.courses.CheckTeacher(who, c->param(0)); !st.ok()) return c->Fail(st.error());
  std::optional<course::HomeworkRules> rules;
  if (body->contains("rules")) {
    auto r = RulesFromJson(body->at("rules"));
    if (!r.ok()) return c->Fail(r.error());
    rules = std::move(*r);
  }
  std::optional<live::LiveRules> schedule;
  if (body->contains("live")) {
    auto r = LiveRulesFromJson(body->at("live"));
    if (!r.ok()) return c->Fail(r.error());
    schedule = *r;
  }
  OnWorker(
      s, c,
      [&s, c, who, id = *item, d = std::move(*draft), rules, schedule,
       upload = OptString(*body, "upload")]() mutable -> Result<course::Item> {
        if (rules || schedule) {
          auto now = s.courses.ItemOf(who, c->param(0), id);
          if (!now.ok()) return now;
          if (now->kind != (rules ? "homework" : "live")) {
            return Error::Invalid(rules ? "only a homework has rules"
                                        : "only a live class has a schedule")
                .Because("bad_item_kind");
          }
          auto item = s.courses.UpdateItem(who, c->param(0), id, std::move(d));
          if (!item.ok()) return item;
          auto st = rules ? s.homeworks.SetRules(who, c->param(0), id, *rules)
                          : s.live.SetRules(who, c->param(0), id, *schedule);
          if (!st.ok()) return st.error();
          return item;
        }
        if (upload) {
          auto adopted = AdoptUpload(s, who.user_id, *upload, std::move(d));
          if (!adopted.ok()) return adopted.error();
          d = std::move(*adopted);
        }
        if (auto now = s.courses.ItemOf(who, c->param(0), id); now.ok() && now->kind == "exam") {
          if (auto st = CheckCourseExam(s, c->param(0), d.body); !st.ok()) return st.error();
        }
        return s.courses.UpdateItem(who, c->param(0), id, std::move(d));
      },
      [&s, c, who](const Result<course::Item>& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(200, {{"item", ItemJson(s, c->param(0), *r, true, who)}});
      });
}

// PUT /api/courses/ID/items/IID/place {"section", "position"}
void MoveItem(Services& s, const ContextPtr& c) {
  auto item = ParseId(c->param(1));
  if (!item) return c->Fail(Error::NotFound("no such item"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto section = GetInt(*body, "section");
  if (!section.ok()) return c->Fail(section.error());
  auto position = GetInt(*body, "position");
  if (!position.ok()) return c->Fail(position.error());
  OnWorker(
      s, c,
      [&s, c, id = *item, section = *section, position = *position] {
        return s.courses.MoveItem(CourseCaller(c), c->param(0), id, section, position);
      },
      [c](const Status& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(200, {{"ok", true}});
      });
}

// DELETE /api/courses/ID/items/IID
void DeleteItem(Services& s, const ContextPtr& c) {
  auto item = ParseId(c->param(1));
  if (!item) return c->Fail(Error::NotFound("no such item"));
  OnWorker(
      s, c, [&s, c, id = *item] { return s.courses.DeleteItem(CourseCaller(c), c->param(0), id); },
      [c](const Status& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(200, {{"ok", true}});
      });
}

// GET /api/courses/ID/items/IID/file: the file, for the course's people only; ?download=1
// asks for it as an attachment.
void ItemFile(Services& s, const ContextPtr& c) {
  auto item_id = ParseId(c->param(1));
  if (!item_id) return c->Fail(Error::NotFound("no such item"));
  auto item = s.courses.ItemOf(CourseCaller(c), c->param(0), *item_id);
  if (!item.ok()) return c->Fail(item.error());
  if (item->kind != "file") return c->Fail(Error::NotFound("this item has no file"));
  auto blob = s.blobs.Open(item->blob);
  if (!blob.ok()) return c->Fail(blob.error());
  FileFacts facts;
  facts.size = (*blob)->size();
  facts.mtime_s = (*blob)->mtime_s();
  facts.etag = "\"" + item->blob + "\"";
  facts.content_type = item->content_type;
  facts.file_name = item->file_name;
  facts.download = c->req.target().find("download=1") != std::string_view::npos;
  FileAnswer a = PlanFileAnswer(c->req, facts);
  const int fd = (*blob)->fd();
  c->SendFile(std::move(a.header), http::FileBody{std::move(*blob), fd, a.offset, a.length});
}

}  // namespace

void RegisterCourseRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::post, "/api/courses", "course_create", Access::kTeacher, A::kInteractive,
              Bind(s, CreateCourse)});
  router.Add({verb::get, "/api/courses/*/outline", "course_outline", Access::kUser,
              A::kInteractive, Bind(s, Outline)});
  router.Add({verb::post, "/api/courses/*/sections", "course_section_add", Access::kUser,
              A::kInteractive, Bind(s, AddSection)});
  router.Add({verb::put, "/api/courses/*/sections/*", "course_section_update", Access::kUser,
              A::kInteractive, Bind(s, UpdateSection)});
  router.Add({verb::delete_, "/api/courses/*/sections/*", "course_section_delete",
              Access::kUser, A::kInteractive, Bind(s, DeleteSection)});
  router.Add({verb::post, "/api/courses/*/sections/*/items", "course_item_add", Access::kUser,
              A::kInteractive, Bind(s, AddItem), Body::kUpload});
  router.Add({verb::put, "/api/courses/*/items/*", "course_item_update", Access::kUser,
              A::kInteractive, Bind(s, UpdateItem), Body::kUpload});
  router.Add({verb::put, "/api/courses/*/items/*/place", "course_item_move", Access::kUser,
              A::kInteractive, Bind(s, MoveItem)});
  router.Add({verb::delete_, "/api/courses/*/items/*", "course_item_delete", Access::kUser,
              A::kInteractive, Bind(s, DeleteItem)});
  router.Add({verb::get, "/api/courses/*/items/*/file", "course_item_file", Access::kUser,
              A::kInteractive, Bind(s, ItemFile)});
}

}  // namespace pupitre::api
