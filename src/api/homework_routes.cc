// Homework: a student's view and hand-in (files sent first as resumable uploads, then named
// here; a receipt with each file's SHA-256); the teacher's list of hand-ins (handed in, late,
// missing), each file, all of them as one ZIP, grades and comments given back, extra time.
// Hand-ins and edits wait until durable, on the worker pool.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "api/course_views.h"
#include "api/file_answer.h"
#include "api/json_io.h"
#include "api/services.h"
#include "course/zip_writer.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

std::string Base(const std::string& course, int64_t item) {
  return fmt::format("/api/courses/{}/homework/{}", course, item);
}

json::array FilesJson(const course::Handin& h, const std::string& url_prefix) {
  json::array out;
  for (size_t i = 0; i < h.files.size(); ++i) {
    const auto& f = h.files[i];
    out.push_back({{"name", f.name},
                   {"size", f.size},
                   {"sha256", f.blob},
                   {"url", fmt::format("{}/files/{}", url_prefix, i)}});
  }
  return out;
}

json::object HandinJson(const course::Handin& h, const std::string& url_prefix) {
  return {{"version", h.version},          {"submitted_ms", h.submitted_ms},
          {"late", h.late},                {"text", h.text},
          {"files", FilesJson(h, url_prefix)}};
}

json::object GradeJson(const course::HandinGrade& g, double max_points) {
  json::object o{{"comment", g.comment}, {"returned_ms", g.returned_ms}, {"max_points", Number(max_points)}};
  o["points"] = g.points ? Number(*g.points) : json::value(nullptr);
  return o;
}

std::optional<int64_t> Item(const ContextPtr& c) { return ParseId(c->param(1)); }

// GET /api/courses/C/homework/I: the homework, and for a student their hand-in and grade.
void View(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(Error::NotFound("no such homework"));
  const course::Caller who = CourseCaller(c);
  auto v = s.homeworks.ViewOf(who, c->param(0), *item);
  if (!v.ok()) return c->Fail(v.error());
  const course::Role role = s.courses.RoleOf(who, c->param(0));
  const bool teacher = role == course::Role::kTeacher;
  json::object out{{"item", ItemJson(s, c->param(0), v->item, teacher, who)},
                   {"my_due_ms", v->my_due_ms},
                   {"my_cutoff_ms", v->my_cutoff_ms},
                   {"role", teacher ? "teacher" : role == course::Role::kAssistant ? "assistant" : "student"},
                   {"server_now_ms", ToUnixMs(s.clock.Now())}};
  if (v->handin) out["handin"] = HandinJson(*v->handin, Base(c->param(0), *item) + "/handin");
  if (v->grade) out["grade"] = GradeJson(*v->grade, v->rules.max_points);
  c->Json(200, out);
}

// PUT /api/courses/C/homework/I/handin {"text"?, "uploads": [ID...], "keep": [N...]}: the
// caller's hand-in: new files (finished uploads of theirs) and, from the last hand-in, the
// files it keeps (by their index). Checked whole before any upload is used.
void HandIn(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(Error::NotFound("no such homework"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  std::string text;
  if (auto it = body->find("text"); it != body->end() && it->value().is_string()) {
    text = std::string(it->value().as_string());
  }
  std::vector<std::string> uploads;
  std::vector<int64_t> keep;
  for (const auto& [key, into] : {std::pair{"uploads", 0}, std::pair{"keep", 1}}) {
    auto it = body->find(key);
    if (it == body->end()) continue;
    if (!it->value().is_array() || it->value().as_array().size() > course::kMaxHandinFiles) {
      return c->Fail(Error::BadRequest(fmt::format("'{}' must be a list", key)));
    }
    for (const auto& v : it->value().as_array()) {
      if (into == 0 && v.is_string()) {
        uploads.emplace_back(v.as_string());
      } else if (into == 1 && v.is_int64()) {
        keep.push_back(v.as_int64());
      } else {
        return c->Fail(Error::BadRequest(fmt::format("'{}' holds a wrong value", key)));
      }
    }
  }
  const course::Caller who = CourseCaller(c);
  boost::asio::post(s.workers, [&s, c, who, item = *item, text = std::move(text),
                                uploads = std::move(uploads), keep = std::move(keep)]() mutable {
    auto done = [&]() -> Result<course::Handin> {
      std::vector<course::HandinFile> files;
      // Kept files, from the last hand-in.
      if (!keep.empty()) {
        auto v = s.homeworks.ViewOf(who, c->param(0), item);
        if (!v.ok()) return v.error();
        std::set<int64_t> seen;
        for (int64_t k : keep) {
          if (!v->handin || k < 0 || k >= static_cast<int64_t>(v->handin->files.size()) ||
              !seen.insert(k).second) {
            return Error::BadRequest("'keep' names a file the last hand-in does not have");
          }
          files.push_back(v->handin->files[static_cast<size_t>(k)]);
        }
      }
      // New files: each a finished upload of the caller's; checked with the rest first.
      std::vector<store::UploadRecord> ups;
      std::set<std::string> distinct;
      for (const auto& id : uploads) {
        auto up = s.uploads.Find(id, who.user_id);
        if (!up || !distinct.insert(id).second) {
          return Error::NotFound("no such upload").Because("no_upload");
        }
        auto offset = s.blobs.UploadOffset(id);
        if (!offset.ok()) return offset.error();
        if (static_cast<int64_t>(*offset) != up->length) {
          return Error::Conflict("a file is not completely sent yet").Because("upload_incomplete");
        }
        files.push_back({up->file_name, "", up->length});
        ups.push_back(*up);
      }
      if (auto st = s.homeworks.CheckHandin(who, c->param(0), item, text, files); !st.ok()) {
        return st.error();
      }
      const size_t first_new = files.size() - ups.size();
      for (size_t i = 0; i < ups.size(); ++i) {
        auto blob = s.blobs.Adopt(ups[i].id);
        if (!blob.ok()) return blob.error();
        if (auto st = s.uploads.Finish(ups[i].id); !st.ok()) return st.error();
        files[first_new + i].blob = blob->sha256;
        files[first_new + i].size = static_cast<int64_t>(blob->size);
      }
      return s.homeworks.HandIn(who, c->param(0), item, std::move(text), std::move(files));
    }();
    c->Later([c, item, done = std::move(done)] {
      if (!done.ok()) return c->Fail(done.error());
      const std::string base = Base(c->param(0), item) + "/handin";
      c->Json(200, {{"handin", HandinJson(*done, base)}, {"receipt_url", base + "/receipt.txt"}});
    });
  });
}

// GET /api/courses/C/homework/I/handin/receipt.txt: the caller's receipt, as a file to keep.
void Receipt(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(Error::NotFound("no such homework"));
  const course::Caller who = CourseCaller(c);
  auto v = s.homeworks.ViewOf(who, c->param(0), *item);
  if (!v.ok()) return c->Fail(v.error());
  if (!v->handin) return c->Fail(Error::NotFound("nothing handed in").Because("no_handin"));
  const auto course = s.exams.CourseOf(c->param(0));
  const auto user = s.accounts.FindById(who.user_id);
  const std::string student =
      user ? fmt::format("{} ({})", user->display_name, user->login) : std::to_string(who.user_id);
  http::Response res{bhttp::status::ok, c->req.version()};
  res.keep_alive(c->req.keep_alive());
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.set(bhttp::field::content_disposition,
          fmt::format("attachment; filename=\"receipt-{}-v{}.txt\"", *item, v->handin->version));
  res.body() = course::ReceiptText(course ? course->title : c->param(0), v->item, student,
                                   *v->handin, s.zone.Iso8601(v->handin->submitted_ms));
  res.prepare_payload();
  c->Send(std::move(res));
}

// Sends file `index` of a hand-in as an attachment.
void SendHandinFile(Services& s, const ContextPtr& c, const course::Handin& h,
                    std::string_view index) {
  auto i = ParseId(index);
  if (index == "0") i = 0;
  if (!i || *i >= static_cast<int64_t>(h.files.size())) {
    return c->Fail(Error::NotFound("no such file"));
  }
  const auto& f = h.files[static_cast<size_t>(*i)];
  auto blob = s.blobs.Open(f.blob);
  if (!blob.ok()) return c->Fail(blob.error());
  FileFacts facts{(*blob)->size(), (*blob)->mtime_s(), "\"" + f.blob + "\"",
                  MediaTypeOf(f.name).type, f.name, /*download=*/true};
  FileAnswer a = PlanFileAnswer(c->req, facts);
  const int fd = (*blob)->fd();
  c->SendFile(std::move(a.header), http::FileBody{std::move(*blob), fd, a.offset, a.length});
}

// GET /api/courses/C/homework/I/handin/files/N: the caller's own file.
void MyFile(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(Error::NotFound("no such homework"));
  auto v = s.homeworks.ViewOf(CourseCaller(c), c->param(0), *item);
  if (!v.ok()) return c->Fail(v.error());
  if (!v->handin) return c->Fail(Error::NotFound("nothing handed in").Because("no_handin"));
  SendHandinFile(s, c, *v->handin, c->param(2));
}

// GET /api/courses/C/homework/I/handins: every student of the course, handed in or not.
void Handins(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(Error::NotFound("no such homework"));
  const course::Caller who = CourseCaller(c);
  auto rows = s.homeworks.Handins(who, c->param(0), *item);
  if (!rows.ok()) return c->Fail(rows.error());
  const auto rules = s.homeworks.RulesOf(*item);
  const double max_points = rules ? rules->max_points : 0;
  json::array out;
  int64_t handed = 0, late = 0;
  for (const auto& r : *rows) {
    const auto user = s.accounts.FindById(r.user_id);
    json::object row{{"user_id", r.user_id},
                     {"login", user ? user->login : ""},
                     {"name", user ? user->display_name : ""},
                     {"extra_ms", r.extra_ms},
                     {"grade", GradeJson(r.grade, max_points)}};
    if (r.handin) {
      ++handed;
      if (r.handin->late) ++late;
      row["state"] = r.handin->late ? "late" : "handed_in";
      row["handin"] = HandinJson(*r.handin, fmt::format("{}/handins/{}", Base(c->param(0), *item),
                                                        r.user_id));
    } else {
      row["state"] = "missing";
    }
    out.push_back(std::move(row));
  }
  c->Json(200, {{"rows", std::move(out)},
                {"counts", {{"students", rows->size()}, {"handed_in", handed}, {"late", late}}},
                {"max_points", Number(max_points)},
                {"zip_url", Base(c->param(0), *item) + "/handins.zip"}});
}

// GET /api/courses/C/homework/I/handins/U/files/N: one file of a student's, for a teacher.
void StudentFile(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  auto user = ParseId(c->param(2));
  if (!item || !user) return c->Fail(Error::NotFound("no such hand-in"));
  auto h = s.homeworks.HandinOf(CourseCaller(c), c->param(0), *item, *user);
  if (!h.ok()) return c->Fail(h.error());
  SendHandinFile(s, c, *h, c->param(3));
}

// PUT /api/courses/C/homework/I/handins/U/grade {"points": n|null, "comment", "returned"}
void Grade(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  auto user = ParseId(c->param(2));
  if (!item || !user) return c->Fail(Error::NotFound("no such hand-in"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  std::optional<double> points;
  if (auto it = body->find("points"); it != body->end() && !it->value().is_null()) {
    if (!it->value().is_number()) return c->Fail(Error::BadRequest("'points' must be a number"));
    points = it->value().to_number<double>();
  }
  std::string comment;
  if (auto it = body->find("comment"); it != body->end() && it->value().is_string()) {
    comment = std::string(it->value().as_string());
  }
  bool returned = false;
  if (auto it = body->find("returned"); it != body->end() && it->value().is_bool()) {
    returned = it->value().as_bool();
  }
  const course::Caller who = CourseCaller(c);
  boost::asio::post(s.workers, [&s, c, who, item = *item, user = *user, points,
                                comment = std::move(comment), returned]() mutable {
    Status st = s.homeworks.Grade(who, c->param(0), item, user, points, std::move(comment),
                                  returned);
    c->Later([c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"ok", true}});
    });
  });
}

// PUT /api/courses/C/homework/I/handins/U/extra-time {"minutes"}
void ExtraTime(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  auto user = ParseId(c->param(2));
  if (!item || !user) return c->Fail(Error::NotFound("no such student"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto minutes = GetInt(*body, "minutes");
  if (!minutes.ok()) return c->Fail(minutes.error());
  const course::Caller who = CourseCaller(c);
  boost::asio::post(s.workers, [&s, c, who, item = *item, user = *user, minutes = *minutes] {
    Status st = s.homeworks.SetExtraTime(who, c->param(0), item, user, minutes * 60'000);
    c->Later([c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"ok", true}});
    });
  });
}

// A name safe inside a ZIP: no path separators, no control characters.
std::string ZipName(std::string s) {
  for (char& ch : s) {
    if (ch == '/' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ch = '_';
  }
  return s;
}

// GET /api/courses/C/homework/I/handins.zip: every hand-in, one folder per student.
void Zip(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(Error::NotFound("no such homework"));
  const course::Caller who = CourseCaller(c);
  auto rows = s.homeworks.Handins(who, c->param(0), *item);
  if (!rows.ok()) return c->Fail(rows.error());
  std::vector<course::ZipEntry> entries;
  for (const auto& r : *rows) {
    if (!r.handin) continue;
    const auto user = s.accounts.FindById(r.user_id);
    const std::string folder =
        ZipName(user ? fmt::format("{} - {}", user->login, user->display_name)
                     : std::to_string(r.user_id)) +
        (r.handin->late ? " (late)" : "");
    std::set<std::string> names;
    for (const auto& f : r.handin->files) {
      std::string name = ZipName(f.name);
      for (int n = 2; !names.insert(name).second; ++n) name = fmt::format("{} ({})", ZipName(f.name), n);
      entries.push_back({folder + "/" + name, f.blob, ""});
    }
    if (!r.handin->text.empty()) entries.push_back({folder + "/answer.txt", "", r.handin->text});
  }
  const std::string dir =
      (std::filesystem::path(s.config.store.data_dir) / "files" / "tmp").string();
  boost::asio::post(s.workers, [&s, c, item = *item, entries = std::move(entries), dir] {
    auto fd = course::WriteZip(s.blobs, entries, dir);
    c->Later([c, item, fd] {
      if (!fd.ok()) return c->Fail(fd.error());
      struct stat st {};
      ::fstat(*fd, &st);
      auto owner = std::shared_ptr<const void>(nullptr, [f = *fd](const void*) { ::close(f); });
      http::Response res{bhttp::status::ok, c->req.version()};
      res.keep_alive(c->req.keep_alive());
      res.set(bhttp::field::content_type, "application/zip");
      res.set(bhttp::field::cache_control, "no-store");
      res.set(bhttp::field::content_disposition,
              fmt::format("attachment; filename=\"homework-{}.zip\"", item));
      const auto size = static_cast<uint64_t>(st.st_size);
      res.content_length(size);
      const bool head = c->req.method() == bhttp::verb::head;
      c->SendFile(std::move(res), http::FileBody{owner, *fd, 0, head ? 0 : size});
    });
  });
}

}  // namespace

void RegisterHomeworkRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/courses/*/homework/*", "homework_view", Access::kUser,
              A::kInteractive, Bind(s, View)});
  router.Add({verb::put, "/api/courses/*/homework/*/handin", "homework_handin", Access::kUser,
              A::kInteractive, Bind(s, HandIn)});
  router.Add({verb::get, "/api/courses/*/homework/*/handin/receipt.txt", "homework_receipt",
              Access::kUser, A::kInteractive, Bind(s, Receipt)});
  router.Add({verb::get, "/api/courses/*/homework/*/handin/files/*", "homework_my_file",
              Access::kUser, A::kInteractive, Bind(s, MyFile)});
  router.Add({verb::get, "/api/courses/*/homework/*/handins", "homework_handins", Access::kUser,
              A::kInteractive, Bind(s, Handins)});
  router.Add({verb::get, "/api/courses/*/homework/*/handins.zip", "homework_zip", Access::kUser,
              A::kInteractive, Bind(s, Zip)});
  router.Add({verb::get, "/api/courses/*/homework/*/handins/*/files/*", "homework_student_file",
              Access::kUser, A::kInteractive, Bind(s, StudentFile)});
  router.Add({verb::put, "/api/courses/*/homework/*/handins/*/grade", "homework_grade",
              Access::kUser, A::kInteractive, Bind(s, Grade)});
  router.Add({verb::put, "/api/courses/*/homework/*/handins/*/extra-time", "homework_extra",
              Access::kUser, A::kInteractive, Bind(s, ExtraTime)});
}

}  // namespace pupitre::api
