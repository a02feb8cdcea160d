#include "api/course_views.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/json_io.h"

namespace pupitre::api {

namespace json = boost::json;

course::Caller CourseCaller(const ContextPtr& c) {
  return {c->who->user_id, c->who->role == auth::Role::kAdmin};
}

json::object ItemJson(Services& s, const std::string& course_id, const course::Item& i,
                      bool teacher, const course::Caller& who) {
  json::object o{{"id", i.id},       {"section", i.section_id}, {"kind", i.kind},
                 {"title", i.title}, {"updated_ms", i.updated_ms}};
  if (i.kind == "link") o["url"] = i.body;
  if (i.kind != "link") o["html"] = i.html;
  if (teacher && i.kind != "link") o["body"] = i.body;  // the Markdown, to edit
  if (i.kind == "file") {
    o["file"] = {{"name", i.file_name},
                 {"type", i.content_type},
                 {"size", i.size},
                 {"url", fmt::format("/api/courses/{}/items/{}/file", course_id, i.id)}};
  }
  if (i.kind == "homework") {
    if (auto r = s.homeworks.RulesOf(i.id)) {
      json::array allowed;
      for (const auto& a : r->allowed) allowed.push_back(json::value(a));
      json::object h{{"due_ms", r->due_ms},         {"cutoff_ms", r->cutoff_ms},
                     {"max_points", Number(r->max_points)}, {"max_files", r->max_files},
                     {"max_file_mb", r->max_file_mb}, {"allowed", std::move(allowed)},
                     {"text", r->text}};
      if (!teacher) {
        if (auto v = s.homeworks.ViewOf(who, course_id, i.id); v.ok()) {
          h["my_due_ms"] = v->my_due_ms;
          h["my_cutoff_ms"] = v->my_cutoff_ms;
          h["state"] = !v->handin ? "missing" : v->handin->late ? "late" : "handed_in";
          if (v->grade) h["returned"] = true;
        }
      }
      o["homework"] = std::move(h);
    }
  }
  if (i.kind == "exam") {
    // The exam as the caller may see it: a student sees a draft's item, not the draft.
    auto e = s.exams.GetExam(exam::Caller{0, true, true}, i.body);
    if (e.ok() && (teacher || (*e)->state.published)) {
      o["exam"] = {{"id", (*e)->spec->id},
                   {"title", (*e)->spec->title},
                   {"opens_ms", (*e)->spec->opens_ms},
                   {"closes_ms", (*e)->spec->closes_ms},
                   {"published", (*e)->state.published}};
    } else {
      o["exam"] = {{"id", i.body}, {"published", false}};
    }
  }
  if (i.kind == "live") {
    if (auto v = s.live.ViewOf(who, course_id, i.id); v.ok()) {
      o["live"] = {{"start_ms", v->rules.start_ms},
                   {"duration_min", v->rules.duration_min},
                   {"record", v->rules.record},
                   {"opens_ms", v->opens_ms},
                   {"ends_ms", v->ends_ms},
                   {"phase", live::PhaseName(v->phase)}};
    }
  }
  return o;
}

Result<live::LiveRules> LiveRulesFromJson(const json::value& v) {
  if (!v.is_object()) return Error::BadRequest("'live' must be an object");
  const json::object& o = v.as_object();
  live::LiveRules r;
  auto start = GetInt(o, "start_ms");
  if (!start.ok()) return Error::Invalid("a start time is needed").Because("start_needed");
  r.start_ms = *start;
  if (o.contains("duration_min")) {
    auto d = GetInt(o, "duration_min");
    if (!d.ok()) return d.error();
    r.duration_min = *d;
  }
  if (auto it = o.find("record"); it != o.end()) {
    if (!it->value().is_bool()) return Error::BadRequest("'record' must be true or false");
    r.record = it->value().as_bool();
  }
  if (auto st = live::LiveClasses::CheckRules(r); !st.ok()) return st.error();
  return r;
}

Result<course::HomeworkRules> RulesFromJson(const json::value& v) {
  if (!v.is_object()) return Error::BadRequest("'rules' must be an object");
  const json::object& o = v.as_object();
  course::HomeworkRules r;
  auto due = GetInt(o, "due_ms");
  if (!due.ok()) return Error::Invalid("a due time is needed").Because("due_needed");
  r.due_ms = *due;
  auto integer = [&](std::string_view key, int64_t& into) -> Status {
    auto it = o.find(key);
    if (it == o.end()) return OkStatus();
    if (!it->value().is_int64()) return Error::BadRequest(fmt::format("'{}' must be a whole number", key));
    into = it->value().as_int64();
    return OkStatus();
  };
  for (auto [key, into] : {std::pair<std::string_view, int64_t*>{"cutoff_ms", &r.cutoff_ms},
                           {"max_files", &r.max_files}, {"max_file_mb", &r.max_file_mb}}) {
    if (auto st = integer(key, *into); !st.ok()) return st.error();
  }
  if (auto it = o.find("max_points"); it != o.end()) {
    if (!it->value().is_number()) return Error::BadRequest("'max_points' must be a number");
    r.max_points = it->value().to_number<double>();
  }
  if (auto it = o.find("text"); it != o.end()) {
    if (!it->value().is_bool()) return Error::BadRequest("'text' must be true or false");
    r.text = it->value().as_bool();
  }
  if (auto it = o.find("allowed"); it != o.end()) {
    if (!it->value().is_array() || it->value().as_array().size() > 50) {
      return Error::BadRequest("'allowed' must be a list of extensions");
    }
    for (const auto& e : it->value().as_array()) {
      if (!e.is_string()) return Error::BadRequest("'allowed' must be a list of extensions");
      r.allowed.emplace_back(e.as_string());
    }
  }
  if (auto st = course::Homeworks::CheckRules(r); !st.ok()) return st.error();
  return r;
}

}  // namespace pupitre::api
