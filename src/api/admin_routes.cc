// The operator's account and enrolment pages: accounts found by login or name, created one at
// a time or from a CSV file, a password reset; a course's students and teachers added by login.
// Accounts are created and passwords hashed on the worker pool, never on an event loop.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "api/course_views.h"
#include "api/json_io.h"
#include "api/services.h"
#include "auth/users_csv.h"
#include "exam/exam_errors.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

json::object UserRow(Services& s, const auth::User& u) {
  return {{"id", u.id}, {"login", u.login}, {"name", u.display_name},
          {"role", auth::RoleName(u.role)}, {"disabled", s.accounts.IsDisabled(u.id)}};
}

// GET /api/admin/users?q=TEXT: at most kMaxFound accounts whose login or name holds TEXT,
// whatever its case (all of them, up to the bound, when TEXT is empty).
void FindUsers(Services& s, const ContextPtr& c) {
  constexpr size_t kMaxFound = 100;
  const std::string q = c->query("q");
  json::array out;
  const auto found = s.accounts.FindUsers(q, kMaxFound + 1);
  for (size_t i = 0; i < found.size() && i < kMaxFound; ++i) out.push_back(UserRow(s, found[i]));
  c->Json(200, {{"users", std::move(out)}, {"more", found.size() > kMaxFound}});
}

// Creates `users` on a worker (their passwords hashed), enrols them in `course` if given, then
// answers 201 with them.
void CreateThenAnswer(Services& s, const ContextPtr& c, std::vector<auth::NewUser> users,
                      std::string course) {
  if (!course.empty() && !s.exams.HasCourse(course)) {
    return c->Fail(exam::NoSuchCourse(course));
  }
  boost::asio::post(s.workers, [&s, c, users = std::move(users), course = std::move(course)] {
    auto created = s.accounts.CreateUsers(users);
    Status enrolled = OkStatus();
    if (created.ok() && !course.empty()) {
      std::vector<int64_t> students, teachers;
      for (const auto& u : *created) {
        (u.role == auth::Role::kStudent ? students : teachers).push_back(u.id);
      }
      if (!students.empty()) enrolled = s.exams.Enrol(course, students);
      if (enrolled.ok() && !teachers.empty()) enrolled = s.exams.AddTeachers(course, teachers);
    }
    c->Later([&s, c, created = std::move(created), enrolled] {
      if (!created.ok()) return c->Fail(created.error());
      if (!enrolled.ok()) return c->Fail(enrolled.error());
      json::array out;
      for (const auto& u : *created) out.push_back(UserRow(s, u));
      c->Json(201, {{"users", std::move(out)}});
    });
  });
}

// POST /api/admin/users {"login","name","role","password","course"?}: one account.
void CreateUser(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auth::NewUser u;
  for (auto [key, field] : {std::pair{"login", &u.login}, std::pair{"name", &u.display_name},
                            std::pair{"password", &u.password}}) {
    auto v = GetString(*body, key);
    if (!v.ok()) return c->Fail(v.error());
    *field = std::move(*v);
  }
  const auto* role = body->if_contains("role");
  auto parsed = role && role->is_string() ? auth::ParseRole(role->as_string()) : std::nullopt;
  if (!parsed) {
    return c->Fail(Error::BadRequest("'role' must be \"student\", \"teacher\" or \"admin\""));
  }
  u.role = *parsed;
  std::string course;
  if (const auto* v = body->if_contains("course"); v && v->is_string()) course = v->as_string();
  CreateThenAnswer(s, c, {std::move(u)}, std::move(course));
}

// POST /api/admin/users/import?course=ID, the CSV file as the body ("login,name,password[,role]"
// with a header): every line checked first, then all accounts created, or none.
void ImportUsers(Services& s, const ContextPtr& c) {
  auto users = auth::ParseUsersCsv(c->req.body());
  if (!users.ok()) return c->Fail(users.error());
  CreateThenAnswer(s, c, std::move(*users), c->query("course"));
}

// PUT /api/admin/users/LOGIN/password {"password"}: an operator's reset; the account's sessions
// end (it may have been taken over).
void ResetPassword(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto password = GetString(*body, "password");
  if (!password.ok()) return c->Fail(password.error());
  auto user = s.accounts.FindByLogin(c->param(0));
  if (!user) {
    return c->Fail(auth::NoSuchUser(c->param(0)));
  }
  boost::asio::post(s.workers, [&s, c, id = user->id, password = std::move(*password)] {
    s.accounts.ResetPassword(id, password, [c](Status st) {
      c->Later([c, st] {
        if (!st.ok()) return c->Fail(st.error());
        c->Json(200, {{"reset", true}});
      });
    });
  });
}

// PUT /api/admin/users/LOGIN/disabled {"disabled": true | false}: no login while disabled, and
// the account's sessions end.
void SetDisabled(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  const auto* disabled = body->if_contains("disabled");
  if (!disabled || !disabled->is_bool()) {
    return c->Fail(Error::BadRequest("'disabled' must be true or false"));
  }
  auto user = s.accounts.FindByLogin(c->param(0));
  if (!user) {
    return c->Fail(auth::NoSuchUser(c->param(0)));
  }
  if (user->id == c->who->user_id) {
    return c->Fail(Error::Conflict("an operator cannot disable their own account")
                       .Because("disable_self"));
  }
  s.accounts.SetDisabled(user->id, disabled->as_bool(), [c, d = disabled->as_bool()](Status st) {
    c->Later([c, st, d] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"disabled", d}});
    });
  });
}

// POST /api/admin/courses/ID/members {"logins": [...], "role": "student" | "teacher"}: every
// login must exist (the unknown ones are named), then all are added.
void AddMembers(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  const auto* logins = body->if_contains("logins");
  const auto* role = body->if_contains("role");
  if (!logins || !logins->is_array() || logins->as_array().empty() ||
      logins->as_array().size() > 10'000) {
    return c->Fail(Error::BadRequest("'logins' must be a list of 1 to 10000 logins"));
  }
  if (!role || !role->is_string() ||
      (role->as_string() != "student" && role->as_string() != "teacher" &&
       role->as_string() != "assistant")) {
    return c->Fail(Error::BadRequest("'role' must be \"student\", \"teacher\" or \"assistant\""));
  }
  const std::string course = c->param(0);
  if (!s.exams.HasCourse(course)) {
    return c->Fail(exam::NoSuchCourse(course));
  }
  // A teacher adds people to the courses they teach (operators to any).
  if (auto st = s.courses.CheckTeacher(CourseCaller(c), course); !st.ok()) return c->Fail(st.error());
  std::vector<int64_t> ids;
  std::vector<std::string> unknown;
  for (const auto& l : logins->as_array()) {
    if (!l.is_string()) return c->Fail(Error::BadRequest("'logins' must be a list of logins"));
    if (auto u = s.accounts.FindByLogin(std::string(l.as_string()))) ids.push_back(u->id);
    else unknown.emplace_back(l.as_string());
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& l : unknown) list += (list.empty() ? "" : ", ") + l;
    return c->Fail(auth::NoSuchUser(list));
  }
  const std::string as(role->as_string());
  boost::asio::post(s.workers, [&s, c, course, ids = std::move(ids), as] {
    Status st = as == "teacher"     ? s.exams.AddTeachers(course, ids)
                : as == "assistant" ? s.exams.AddAssistants(course, ids)
                                    : s.exams.Enrol(course, ids);
    c->Later([c, st, n = ids.size()] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"added", n}});
    });
  });
}

// GET /api/courses/ID/members: the course's teachers and students, for its teachers.
void Members(Services& s, const ContextPtr& c) {
  const std::string course = c->param(0);
  if (auto st = s.courses.CheckTeacher(CourseCaller(c), course); !st.ok()) return c->Fail(st.error());
  json::array students, teachers, assistants;
  for (int64_t id : s.exams.StudentsOfCourse(course)) {
    if (auto u = s.accounts.FindById(id)) students.push_back(UserRow(s, *u));
  }
  for (int64_t id : s.exams.TeachersOfCourse(course)) {
    if (auto u = s.accounts.FindById(id)) teachers.push_back(UserRow(s, *u));
  }
  for (int64_t id : s.exams.AssistantsOfCourse(course)) {
    if (auto u = s.accounts.FindById(id)) assistants.push_back(UserRow(s, *u));
  }
  c->Json(200, {{"students", std::move(students)}, {"teachers", std::move(teachers)},
                {"assistants", std::move(assistants)}});
}

// GET /api/admin/course-door: the course space's door; PUT {"hold": bool}: the operator holds a
// line at its door (e.g. from 8:50 on an exam morning) or leaves it to the load.
json::object DoorJson(const guard::DoorStatus& d) {
  return {{"line", d.line}, {"held", d.held}, {"rate", d.rate}, {"waiting", d.waiting},
          {"passes", d.passes}};
}
void CourseDoor(Services& s, const ContextPtr& c) {
  if (c->req.method() != verb::put) return c->Json(200, DoorJson(s.door.Current()));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  const auto* hold = body->if_contains("hold");
  if (!hold || !hold->is_bool()) return c->Fail(Error::BadRequest("'hold' must be true or false"));
  // Kept in the store: on the worker pool.
  boost::asio::post(s.workers, [&s, c, on = hold->as_bool()] {
    Status st = s.door.Hold(on);
    c->Later([&s, c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, DoorJson(s.door.Current()));
    });
  });
}

}  // namespace

// GET /api/admin/cluster: which node this is, the exams it serves, and every exam's lease as the
// store has it (who holds it, until when, its token, who asked for it). Alone: {"clustered": false}.
void ClusterView(Services& s, const ContextPtr& c) {
  if (!s.ownership || !s.ownership->clustered()) return c->Json(200, {{"clustered", false}});
  boost::asio::post(s.workers, [&s, c] {
    auto leases = s.ownership->leases();
    c->Later([&s, c, leases = std::move(leases)] {
      if (!leases.ok()) return c->Fail(leases.error());
      json::array held, all;
      for (const auto& h : s.ownership->held()) held.push_back(json::value(h.exam_id));
      for (const auto& l : *leases) {
        all.push_back(json::object{{"exam_id", l.exam_id}, {"holder", l.holder},
                                   {"token", l.token}, {"expires_in_ms", l.expires_ms - l.now_ms},
                                   {"wanted_by", l.wanted_by}});
      }
      c->Json(200, {{"clustered", true},
                    {"node", s.config.cluster.node},
                    {"holder", s.ownership->holder()},
                    {"serving", std::move(held)},
                    {"leases", std::move(all)}});
    });
  });
}

void RegisterAdminRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/admin/cluster", "admin_cluster", Access::kAdmin, A::kInteractive,
              Bind(s, ClusterView)});
  router.Add({verb::get, "/api/admin/users", "admin_users", Access::kAdmin, A::kInteractive,
              Bind(s, FindUsers)});
  router.Add({verb::post, "/api/admin/users", "admin_user_create", Access::kAdmin,
              A::kInteractive, Bind(s, CreateUser)});
  router.Add({verb::post, "/api/admin/users/import", "admin_users_import", Access::kAdmin,
              A::kInteractive, Bind(s, ImportUsers), Body::kUpload});
  router.Add({verb::put, "/api/admin/users/*/password", "admin_user_password", Access::kAdmin,
              A::kInteractive, Bind(s, ResetPassword)});
  router.Add({verb::put, "/api/admin/users/*/disabled", "admin_user_disabled", Access::kAdmin,
              A::kInteractive, Bind(s, SetDisabled)});
  router.Add({verb::post, "/api/courses/*/members", "course_members_add", Access::kTeacher,
              A::kInteractive, Bind(s, AddMembers)});
  router.Add({verb::get, "/api/courses/*/members", "course_members", Access::kTeacher,
              A::kInteractive, Bind(s, Members)});
  router.Add({verb::get, "/api/admin/course-door", "admin_course_door", Access::kAdmin,
              A::kInteractive, Bind(s, CourseDoor)});
  router.Add({verb::put, "/api/admin/course-door", "admin_course_door_hold", Access::kAdmin,
              A::kInteractive, Bind(s, CourseDoor)});
  router.Add({verb::post, "/api/admin/courses/*/members", "admin_course_members",
              Access::kAdmin, A::kInteractive, Bind(s, AddMembers)});
}

}  // namespace pupitre::api
