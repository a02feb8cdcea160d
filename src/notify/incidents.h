#pragma once
// Incidents: what an operator (or a teacher, for their own exam) tells the people concerned
// while something goes wrong ("saves are slow", "the exam starts at 9:15"). Each incident has a
// severity, a scope (everyone, a course, an exam) and a text in English and French; it is
// updated and finally resolved, and every version is kept (store::IncidentUpdate).
//
// This is the domain's part: the rules, the versions, who is concerned. Delivering them to open
// pages is the API's notification hub (api/notify_hub.h). Thread-safe.

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "store/id_blocks.h"
#include "store/writer.h"

namespace pupitre::notify {

enum class Severity { kInfo, kWarning, kCritical };
enum class ScopeKind { kAll, kCourse, kExam };

std::string_view SeverityName(Severity s);
std::optional<Severity> ParseSeverity(std::string_view s);
std::string_view ScopeKindName(ScopeKind k);
std::optional<ScopeKind> ParseScopeKind(std::string_view s);

struct IncidentScope {
  ScopeKind kind = ScopeKind::kAll;
  std::string id;  // the course or exam; empty for everyone
};

// One version, as told then.
struct IncidentVersion {
  int64_t version = 0;
  int64_t at_ms = 0;
  int64_t author_id = 0;
  Severity severity = Severity::kInfo;
  std::string text_en, text_fr;
  bool resolved = false;
};

struct Incident {
  int64_t id = 0;
  IncidentScope scope;               // fixed when posted
  std::vector<IncidentVersion> versions;  // oldest first; never empty
  const IncidentVersion& now() const { return versions.back(); }
  int64_t posted_ms() const { return versions.front().at_ms; }
  bool resolved() const { return now().resolved; }
};

// What a new incident or a new version says. Texts: at least one language (a page in the other
// language shows it as written), each at most kMaxText bytes of UTF-8.
struct IncidentDraft {
  Severity severity = Severity::kInfo;
  IncidentScope scope;
  std::string text_en, text_fr;
};
struct IncidentChange {
  std::optional<Severity> severity;
  std::optional<std::string> text_en, text_fr;
  bool resolve = false;
};

// Who a page belongs to, as far as incidents go: an incident reaches a page when its scope is
// everyone, or a course or exam of the page's user (operators are concerned by every one).
struct Audience {
  int64_t user_id = 0;
  bool is_admin = false;
  std::set<std::string> courses;
  std::set<std::string> exams;
};
bool Reaches(const IncidentScope& scope, const Audience& audience);

// The incident as the pages and scripts read it: id, scope, severity, texts, resolved, times;
// with every version when `history`.
boost::json::object IncidentJson(const Incident& incident, bool history);

class IncidentBook {
 public:
  static constexpr size_t kMaxText = 2000;
  static constexpr size_t kMaxOpen = 100;   // unresolved at once
  static constexpr size_t kMaxKept = 1000;  // in memory (the store keeps all)
  static constexpr size_t kMaxVersions = 50;  // of one incident: past it, post a new one

  // REQUIRES: both outlive the book.
  IncidentBook(store::Writer& writer, const Clock& clock) : writer_(writer), clock_(clock) {}

  // Fills memory from the store; again with what another node changed (a version already
  // held replaces its copy).
  void Load(const std::vector<store::IncidentUpdate>& updates);
  // Where incident ids come from (memory on one node; the store's blocks when shared).
  store::IdSource& ids() { return ids_; }

  // Posts a new incident by `author_id`; durable when it returns (it waits for a commit: call
  // from the worker pool). The scope's course or exam is the caller's to check.
  Result<Incident> Post(const IncidentDraft& draft, int64_t author_id);
  // Adds a version: a new text or severity, or resolved. A resolved incident is closed (409).
  Result<Incident> Update(int64_t id, const IncidentChange& change, int64_t author_id);

  std::optional<Incident> Find(int64_t id) const;
  // Every unresolved incident, and those resolved within `recent` (the pages show "resolved"
  // for a while), oldest first.
  std::vector<Incident> Current(Millis recent) const;
  // The latest `limit` incidents, newest first (the history for operators).
  std::vector<Incident> History(size_t limit) const;

 private:
  static Status Check(const IncidentVersion& v);
  store::IncidentUpdate Record(const Incident& i) const;  // its last version, as stored
  void Trim() REQUIRES(mu_);

  store::Writer& writer_;
  const Clock& clock_;
  Mutex write_mu_;  // one change at a time: versions are numbered in order
  mutable Mutex mu_;
  std::map<int64_t, Incident> incidents_ GUARDED_BY(mu_);
  store::IdSource ids_;
};

}  // namespace pupitre::notify
