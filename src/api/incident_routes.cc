// Incidents and the event stream of every page: operators post what is going on (everyone, a
// course, an exam), teachers for the exams they run; open pages learn it at once through the
// notification hub.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/json_io.h"
#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

// An optional string member: nothing if absent, an error if it is not a string.
Result<std::optional<std::string>> OptionalString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return Error::BadRequest(fmt::format("'{}' must be a string", key));
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<notify::Severity>> OptionalSeverity(const json::object& o) {
  auto text = OptionalString(o, "severity");
  if (!text.ok()) return text.take_error();
  if (!*text) return std::optional<notify::Severity>();
  auto sev = notify::ParseSeverity(**text);
  if (!sev) return Error::Invalid("'severity' must be \"info\", \"warning\" or \"critical\"");
  return std::optional<notify::Severity>(*sev);
}

// `"scope": "all"`, or `{"kind": "course"|"exam", "id": "..."}`.
Result<notify::IncidentScope> ScopeOf(const json::object& o) {
  const json::value* v = o.if_contains("scope");
  if (!v || (v->is_string() && v->as_string() == "all")) return notify::IncidentScope{};
  const json::object* scope = v->if_object();
  if (!scope) {
    return Error::BadRequest(
        "'scope' must be \"all\" or {\"kind\": \"course\" or \"exam\", \"id\": ...}");
  }
  auto kind = GetString(*scope, "kind");
  if (!kind.ok()) return kind.take_error();
  auto k = notify::ParseScopeKind(*kind);
  if (!k) return Error::Invalid("'scope.kind' must be \"all\", \"course\" or \"exam\"");
  if (*k == notify::ScopeKind::kAll) return notify::IncidentScope{};
  auto id = GetString(*scope, "id");
  if (!id.ok()) return id.take_error();
  return notify::IncidentScope{*k, *id};
}

// Operators tell anyone; a teacher tells the people of an exam they run.
Status MayTell(const Services& s, const exam::Caller& caller, const notify::IncidentScope& scope) {
  switch (scope.kind) {
    case notify::ScopeKind::kAll:
    case notify::ScopeKind::kCourse:
      if (scope.kind == notify::ScopeKind::kCourse && !s.exams.HasCourse(scope.id)) {
        return Error::NotFound(fmt::format("no course '{}'", scope.id));
      }
      if (!caller.is_admin) {
        return Error::Forbidden("only an operator tells everyone or a whole course; a teacher "
                                "tells the people of one of their exams");
      }
      return OkStatus();
    case notify::ScopeKind::kExam:
      if (!s.exams.GetExam(caller, scope.id).ok()) {
        return Error::NotFound(fmt::format("no exam '{}'", scope.id));
      }
      if (!s.exams.Manages(caller, scope.id)) {
        return Error::Forbidden(fmt::format("exam '{}' is not one of yours", scope.id));
      }
      return OkStatus();
  }
  return Error::Invalid("unknown scope");
}

// Tells the pages concerned, and answers with the incident.
void Told(Services& s, const ContextPtr& c, Result<notify::Incident> r, unsigned status) {
  if (r.ok()) s.hub.Incident(*r);
  c->Later([c, r = std::move(r), status] {
    if (!r.ok()) return c->Fail(r.error());
    c->Json(status, {{"incident", notify::IncidentJson(*r, true)}});
  });
}

// POST /api/incidents {"severity", "scope", "text_en", "text_fr"}.
void PostIncident(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto severity = OptionalSeverity(*body);
  if (!severity.ok()) return c->Fail(severity.error());
  auto scope = ScopeOf(*body);
  if (!scope.ok()) return c->Fail(scope.error());
  auto en = OptionalString(*body, "text_en");
  auto fr = OptionalString(*body, "text_fr");
  if (!en.ok()) return c->Fail(en.error());
  if (!fr.ok()) return c->Fail(fr.error());
  if (auto st = MayTell(s, c->caller(), *scope); !st.ok()) return c->Fail(st.error());
  notify::IncidentDraft draft{severity->value_or(notify::Severity::kWarning), *scope,
                              en->value_or(""), fr->value_or("")};
  // Durable before it is told (it waits for a commit): on the worker pool.
  boost::asio::post(s.workers, [&s, c, draft = std::move(draft)] {
    Told(s, c, s.incidents.Post(draft, c->who->user_id), 201);
  });
}

// PUT /api/incidents/ID {"severity"?, "text_en"?, "text_fr"?, "resolved"?: true}.
void UpdateIncident(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  auto incident = id ? s.incidents.Find(*id) : std::nullopt;
  if (!incident) return c->Fail(Error::NotFound(fmt::format("no incident '{}'", c->param(0))));
  if (auto st = MayTell(s, c->caller(), incident->scope); !st.ok()) return c->Fail(st.error());
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  notify::IncidentChange change;
  auto severity = OptionalSeverity(*body);
  auto en = OptionalString(*body, "text_en");
  auto fr = OptionalString(*body, "text_fr");
  for (const Error* e : {severity.ok() ? nullptr : &severity.error(),
                         en.ok() ? nullptr : &en.error(), fr.ok() ? nullptr : &fr.error()}) {
    if (e) return c->Fail(*e);
  }
  change.severity = *severity;
  change.text_en = *en;
  change.text_fr = *fr;
  if (const json::value* r = body->if_contains("resolved")) {
    if (!r->is_bool()) return c->Fail(Error::BadRequest("'resolved' must be true or false"));
    change.resolve = r->as_bool();
  }
  if (!change.severity && !change.text_en && !change.text_fr && !change.resolve) {
    return c->Fail(Error::BadRequest(
        "nothing to change: give 'severity', 'text_en', 'text_fr' or 'resolved': true"));
  }
  boost::asio::post(s.workers, [&s, c, i = *id, change = std::move(change)] {
    Told(s, c, s.incidents.Update(i, change, c->who->user_id), 200);
  });
}

// GET /api/incidents: those that concern the caller now (open, or resolved a moment ago).
void CurrentIncidents(Services& s, const ContextPtr& c) {
  c->Send(http::MakeJsonResponse(c->req, 200, s.hub.CurrentJson(s.hub.AudienceOf(c->caller()))));
}

// GET /api/incidents/history: the latest 200, with every version (operators).
void IncidentHistory(Services& s, const ContextPtr& c) {
  json::array list;
  for (const auto& i : s.incidents.History(200)) list.push_back(notify::IncidentJson(i, true));
  c->Json(200, {{"incidents", std::move(list)}});
}

// GET /api/events: the event stream of any open page (incidents; "attempt" when time was
// added). The waiting room and the live view hold theirs, attached to the same hub.
void Events(Services& s, const ContextPtr& c) { s.hub.Attach(c->caller(), c->OpenStream()); }

}  // namespace

void RegisterIncidentRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/events", "events", Access::kUser, A::kStatus, Bind(s, Events)});
  router.Add({verb::get, "/api/incidents", "incidents", Access::kUser, A::kStatus,
              Bind(s, CurrentIncidents)});
  router.Add({verb::get, "/api/incidents/history", "incident_history", Access::kAdmin,
              A::kInteractive, Bind(s, IncidentHistory)});
  router.Add({verb::post, "/api/incidents", "incident_post", Access::kTeacher, A::kInteractive,
              Bind(s, PostIncident)});
  router.Add({verb::put, "/api/incidents/*", "incident_update", Access::kTeacher,
              A::kInteractive, Bind(s, UpdateIncident)});
}

}  // namespace pupitre::api
