#include "notify/incidents.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "common/text.h"

namespace pupitre::notify {

namespace json = boost::json;

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kCritical: return "critical";
  }
  return "info";
}

std::optional<Severity> ParseSeverity(std::string_view s) {
  for (Severity v : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (s == SeverityName(v)) return v;
  }
  return std::nullopt;
}

std::string_view ScopeKindName(ScopeKind k) {
  switch (k) {
    case ScopeKind::kAll: return "all";
    case ScopeKind::kCourse: return "course";
    case ScopeKind::kExam: return "exam";
  }
  return "all";
}

std::optional<ScopeKind> ParseScopeKind(std::string_view s) {
  for (ScopeKind v : {ScopeKind::kAll, ScopeKind::kCourse, ScopeKind::kExam}) {
    if (s == ScopeKindName(v)) return v;
  }
  return std::nullopt;
}

bool Reaches(const IncidentScope& scope, const Audience& audience) {
  switch (scope.kind) {
    case ScopeKind::kAll: return true;
    case ScopeKind::kCourse: return audience.is_admin || audience.courses.count(scope.id) > 0;
    case ScopeKind::kExam: return audience.is_admin || audience.exams.count(scope.id) > 0;
  }
  return false;
}

namespace {

json::object VersionJson(const IncidentVersion& v) {
  return json::object{{"version", v.version},
                      {"at_ms", v.at_ms},
                      {"severity", SeverityName(v.severity)},
                      {"text", json::object{{"en", v.text_en}, {"fr", v.text_fr}}},
                      {"resolved", v.resolved}};
}

}  // namespace

json::object IncidentJson(const Incident& incident, bool history) {
  const IncidentVersion& now = incident.now();
  json::object o = VersionJson(now);
  o["id"] = incident.id;
  o["scope"] = json::object{{"kind", ScopeKindName(incident.scope.kind)},
                            {"id", incident.scope.id}};
  o["posted_ms"] = incident.posted_ms();
  o["updated_ms"] = now.at_ms;
  if (history) {
    json::array versions;
    for (const auto& v : incident.versions) {
      json::object j = VersionJson(v);
      j["author_id"] = v.author_id;
      versions.push_back(std::move(j));
    }
    o["versions"] = std::move(versions);
  }
  return o;
}

void IncidentBook::Load(const std::vector<store::IncidentUpdate>& updates) {
  MutexLock lock(mu_);
  for (const auto& u : updates) {
    auto severity = ParseSeverity(u.severity);
    auto kind = ParseScopeKind(u.scope_kind);
    if (!severity || !kind) continue;  // written by a later version: not ours to show
    Incident& i = incidents_[u.incident_id];
    if (i.versions.empty()) {
      i.id = u.incident_id;
      i.scope = {*kind, u.scope_id};
    }
    IncidentVersion v{u.version, u.at_ms, u.author_id, *severity, u.text_en, u.text_fr,
                      u.resolved};
    // In version order; one held already (loaded again: another node's change) is replaced.
    auto at = std::lower_bound(i.versions.begin(), i.versions.end(), u.version,
                               [](const IncidentVersion& x, int64_t n) { return x.version < n; });
    if (at != i.versions.end() && at->version == u.version) {
      *at = std::move(v);
    } else {
      i.versions.insert(at, std::move(v));
    }
    ids_.AtLeast(u.incident_id + 1);
  }
  Trim();
}

void IncidentBook::Trim() {
  // Memory stays bounded: the oldest resolved incidents leave it (the store keeps them all);
  // open ones are at most kMaxOpen.
  for (auto it = incidents_.begin(); incidents_.size() > kMaxKept && it != incidents_.end();) {
    it = it->second.resolved() ? incidents_.erase(it) : std::next(it);
  }
}

Status IncidentBook::Check(const IncidentVersion& v) {
  if (v.text_en.empty() && v.text_fr.empty()) {
    return Error::Invalid("an incident needs a text, in English ('text_en') or French ('text_fr')");
  }
  for (const auto* t : {&v.text_en, &v.text_fr}) {
    if (t->size() > kMaxText) {
      return Error::Invalid(fmt::format("an incident's text is at most {} bytes", kMaxText));
    }
    if (FirstInvalidUtf8(*t)) return Error::Invalid("an incident's text must be UTF-8");
    for (char ch : *t) {
      // Line breaks are kept (the pages show them); other control characters are refused.
      if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\n') || ch == 0x7f) {
        return Error::Invalid("an incident's text holds a control character");
      }
    }
  }
  return OkStatus();
}

store::IncidentUpdate IncidentBook::Record(const Incident& i) const {
  const IncidentVersion& v = i.now();
  return {i.id, v.version, v.at_ms, v.author_id, std::string(SeverityName(v.severity)),
          std::string(ScopeKindName(i.scope.kind)), i.scope.id, v.text_en, v.text_fr,
          v.resolved};
}

Result<Incident> IncidentBook::Post(const IncidentDraft& draft, int64_t author_id) {
  if ((draft.scope.kind == ScopeKind::kAll) != draft.scope.id.empty()) {
    return Error::Invalid("an incident's scope is everyone (no id), or a course or an exam (its id)");
  }
  Incident i;
  i.scope = draft.scope;
  i.versions.push_back({1, ToUnixMs(clock_.Now()), author_id, draft.severity, draft.text_en,
                        draft.text_fr, false});
  if (auto s = Check(i.now()); !s.ok()) return s.take_error();
  MutexLock one(write_mu_);
  {
    MutexLock lock(mu_);
    size_t open = 0;
    for (const auto& [id, x] : incidents_) open += x.resolved() ? 0 : 1;
    if (open >= kMaxOpen) {
      return Error::Conflict(fmt::format(
          "{} incidents are open: resolve some before posting another", open));
    }
    auto id = ids_.Next();
    if (!id.ok()) return id.take_error();
    i.id = *id;
  }
  if (auto s = writer_.WriteNow({store::op::AddIncidentUpdate{Record(i)}}); !s.ok()) {
    return s.take_error();
  }
  MutexLock lock(mu_);
  incidents_[i.id] = i;
  Trim();
  return i;
}

Result<Incident> IncidentBook::Update(int64_t id, const IncidentChange& change,
                                      int64_t author_id) {
  MutexLock one(write_mu_);
  Incident i;
  {
    MutexLock lock(mu_);
    auto it = incidents_.find(id);
    if (it == incidents_.end()) return Error::NotFound(fmt::format("no incident {}", id));
    i = it->second;
  }
  if (i.resolved()) {
    return Error::Conflict(fmt::format("incident {} is resolved: post a new one", id));
  }
  if (i.versions.size() >= kMaxVersions && !change.resolve) {
    return Error::Conflict(fmt::format(
        "incident {} has {} versions: resolve it and post a new one", id, i.versions.size()));
  }
  IncidentVersion v = i.now();
  v.version += 1;
  v.at_ms = std::max(ToUnixMs(clock_.Now()), v.at_ms);
  v.author_id = author_id;
  if (change.severity) v.severity = *change.severity;
  if (change.text_en) v.text_en = *change.text_en;
  if (change.text_fr) v.text_fr = *change.text_fr;
  v.resolved = change.resolve;
  if (auto s = Check(v); !s.ok()) return s.take_error();
  i.versions.push_back(std::move(v));
  if (auto s = writer_.WriteNow({store::op::AddIncidentUpdate{Record(i)}}); !s.ok()) {
    return s.take_error();
  }
  MutexLock lock(mu_);
  incidents_[id] = i;
  return i;
}

std::optional<Incident> IncidentBook::Find(int64_t id) const {
  MutexLock lock(mu_);
  auto it = incidents_.find(id);
  if (it == incidents_.end()) return std::nullopt;
  return it->second;
}

std::vector<Incident> IncidentBook::Current(Millis recent) const {
  const int64_t since = ToUnixMs(clock_.Now()) - recent.count();
  std::vector<Incident> out;
  MutexLock lock(mu_);
  for (const auto& [id, i] : incidents_) {
    if (!i.resolved() || i.now().at_ms >= since) out.push_back(i);
  }
  return out;
}

std::vector<Incident> IncidentBook::History(size_t limit) const {
  std::vector<Incident> out;
  MutexLock lock(mu_);
  for (auto it = incidents_.rbegin(); it != incidents_.rend() && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace pupitre::notify
