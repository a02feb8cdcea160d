// Announcements: a course's teachers post to its people, an operator to everyone; each is
// pushed at once to the open pages it concerns ("announcement" events of every page's stream)
// and counted as unread until the person reads it.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "api/course_views.h"
#include "api/json_io.h"
#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

constexpr size_t kListed = 50;

json::object AnnouncementJson(Services& s, const course::Announcement& a, int64_t last_read) {
  const auto author = s.accounts.FindById(a.author_id);
  const auto course = a.course_id.empty() ? std::nullopt : s.exams.CourseOf(a.course_id);
  return {{"id", a.id},
          {"course", a.course_id},
          {"course_title", course ? course->title : ""},
          {"author", author ? author->display_name : ""},
          {"at_ms", a.at_ms},
          {"title", a.title},
          {"html", a.html},
          {"unread", a.id > last_read}};
}

// The scopes a caller reads: everyone's, and their courses'.
std::vector<std::string> ScopesOf(Services& s, const ContextPtr& c) {
  std::vector<std::string> scopes{""};
  for (const auto& course : s.exams.CoursesOf(c->caller())) scopes.push_back(course.id);
  return scopes;
}

// GET /api/announcements: the newest of everyone's and the caller's courses', and the unread
// counts by scope ("" for everyone's).
void Latest(Services& s, const ContextPtr& c) {
  const auto scopes = ScopesOf(s, c);
  const int64_t user = c->who->user_id;
  json::array list;
  for (const auto& a : s.announcements.Latest(scopes, kListed)) {
    list.push_back(AnnouncementJson(s, a, s.announcements.LastRead(user, a.course_id)));
  }
  json::object unread;
  int64_t total = 0;
  for (const auto& scope : scopes) {
    const int64_t n = s.announcements.Unread(user, scope);
    if (n > 0) unread[scope] = n;
    total += n;
  }
  c->Json(200, {{"announcements", std::move(list)}, {"unread", std::move(unread)},
                {"unread_total", total}});
}

// GET /api/courses/ID/announcements: the course's, for its people.
void OfCourse(Services& s, const ContextPtr& c) {
  const std::string& course = c->param(0);
  if (s.courses.RoleOf(CourseCaller(c), course) == course::Role::kNone) {
    return c->Fail(Error::NotFound(fmt::format("no course '{}'", course))
                       .Because("no_course", {{"id", course}}));
  }
  const int64_t last = s.announcements.LastRead(c->who->user_id, course);
  json::array list;
  for (const auto& a : s.announcements.Latest({course}, kListed)) {
    list.push_back(AnnouncementJson(s, a, last));
  }
  c->Json(200, {{"announcements", std::move(list)},
                {"unread", s.announcements.Unread(c->who->user_id, course)}});
}

// Posts to `course` ("" for everyone) on the worker pool, then pushes it to the open pages.
void PostTo(Services& s, const ContextPtr& c, std::string course) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto title = GetString(*body, "title");
  if (!title.ok()) return c->Fail(title.error());
  std::string text;
  if (auto it = body->find("body"); it != body->end() && it->value().is_string()) {
    text = std::string(it->value().as_string());
  }
  boost::asio::post(s.workers, [&s, c, course = std::move(course), title = std::move(*title),
                                text = std::move(text)]() mutable {
    auto posted = s.announcements.Post(c->who->user_id, course, std::move(title), std::move(text));
    if (posted.ok()) {
      // The author has read it; the others see it as new.
      (void)s.announcements.MarkRead(c->who->user_id, course, posted->id);
      json::object pushed = AnnouncementJson(s, *posted, 0);
      s.hub.Announcement(course, json::serialize(pushed));
    }
    c->Later([&s, c, posted = std::move(posted)] {
      if (!posted.ok()) return c->Fail(posted.error());
      c->Json(201, {{"announcement", AnnouncementJson(s, *posted, posted->id)}});
    });
  });
}

// POST /api/courses/ID/announcements {"title", "body"?}: for the course's teachers.
void PostCourse(Services& s, const ContextPtr& c) {
  if (auto st = s.courses.CheckTeacher(CourseCaller(c), c->param(0)); !st.ok()) {
    return c->Fail(st.error());
  }
  PostTo(s, c, c->param(0));
}

// POST /api/announcements {"title", "body"?}: to everyone, for operators.
void PostAll(Services& s, const ContextPtr& c) { PostTo(s, c, ""); }

// PUT /api/announcements/read {"course": ID or "", "up_to": N}: read up to N.
void MarkRead(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto course = GetString(*body, "course");
  if (!course.ok()) return c->Fail(course.error());
  auto up_to = GetInt(*body, "up_to");
  if (!up_to.ok()) return c->Fail(up_to.error());
  if (!course->empty() && s.courses.RoleOf(CourseCaller(c), *course) == course::Role::kNone) {
    return c->Fail(Error::NotFound(fmt::format("no course '{}'", *course))
                       .Because("no_course", {{"id", *course}}));
  }
  boost::asio::post(s.workers, [&s, c, course = std::move(*course), up_to = *up_to] {
    Status st = s.announcements.MarkRead(c->who->user_id, course, up_to);
    c->Later([c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"ok", true}});
    });
  });
}

}  // namespace

void RegisterAnnouncementRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/announcements", "announcements", Access::kUser, A::kInteractive,
              Bind(s, Latest)});
  router.Add({verb::post, "/api/announcements", "announcement_post_all", Access::kAdmin,
              A::kInteractive, Bind(s, PostAll)});
  router.Add({verb::put, "/api/announcements/read", "announcements_read", Access::kUser,
              A::kInteractive, Bind(s, MarkRead)});
  router.Add({verb::get, "/api/courses/*/announcements", "course_announcements", Access::kUser,
              A::kInteractive, Bind(s, OfCourse)});
  router.Add({verb::post, "/api/courses/*/announcements", "course_announcement_post",
              Access::kUser, A::kInteractive, Bind(s, PostCourse)});
}

}  // namespace pupitre::api
