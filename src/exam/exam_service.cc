// ExamService, its first half: loading and exams (teachers' imports, settings, publication,
// extra time, the window, results release, and everyone's views of exams). Courses and their
// people are in course_members.cc, attempts in attempts.cc. Refusals are answered once the locks are released.
#include "exam/exam_service.h"

#include "common/text.h"
#include "exam/exam_errors.h"
#include "exam/exam_json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace pupitre::exam {
namespace {

std::shared_ptr<const ExamEntry> BuildEntry(std::shared_ptr<const ExamSpec> spec,
                                            store::ExamRecord rec) {
  auto e = std::make_shared<ExamEntry>();
  if (rec.closes_override_ms > 0 && rec.closes_override_ms != spec->closes_ms) {
    // The operator extended the window: the paper is the same, its close is later.
    auto extended = std::make_shared<ExamSpec>(*spec);
    extended->closes_ms = rec.closes_override_ms;
    spec = std::move(extended);
  }
  e->spec = std::move(spec);
  e->state = ExamState{rec.owner_id, rec.published, rec.published_ms, rec.results_released,
                       rec.closes_override_ms};
  e->source = std::move(rec.source);
  e->source_format = std::move(rec.source_format);
  e->spec_json = std::move(rec.spec_json);
  if (e->state.published) {
    e->paper_json = std::make_shared<const std::string>(RenderPaperJson(*e->spec));
    e->etag = fmt::format("\"{}-{}-{}\"", e->spec->id, e->state.published_ms,
                          e->spec->closes_ms);
    if (!e->spec->groups.empty()) {
      e->paper_pieces = std::make_shared<const PaperPieces>(RenderPaperPieces(*e->spec));
    }
  }
  return e;
}

// What the store keeps of an exam.
store::ExamRecord RecordOf(const ExamEntry& e) {
  return store::ExamRecord{e.spec->id,          e.source,
                           e.state.owner_id,    e.state.published,
                           e.state.published_ms, e.state.results_released,
                           e.state.closes_override_ms, e.source_format,
                           e.spec_json};
}

}  // namespace

ExamService::ExamService(store::Writer& writer, const Clock& clock, Millis save_grace,
                         Metrics& metrics)
    : writer_(writer), clock_(clock), save_grace_(save_grace), metrics_(metrics) {}

std::vector<std::string> ExamService::Load(const store::Snapshot& snapshot) {
  std::vector<std::string> warnings;
  WriterLock lock(exams_mu_);
  LoadMembersLocked(snapshot);
  for (const auto& rec : snapshot.exams) LoadExamLocked(rec, warnings);
  for (const auto& x : snapshot.extra_times) extra_ms_[{x.exam_id, x.user_id}] = x.extra_ms;
  int64_t in_progress = 0;
  for (const store::AttemptRecord& r : snapshot.attempts) in_progress += LoadAttemptLocked(r);
  metrics_.attempts_in_progress.store(in_progress);
  return warnings;
}

std::vector<std::string> ExamService::ReloadExam(const std::string& exam_id,
                                                 const store::Snapshot& scope) {
  std::vector<std::string> warnings;
  WriterLock lock(exams_mu_);
  // Courses and their people are not reloaded here: the change feed keeps them (a scope read
  // before a change the feed applied since would take it back).
  // Forget what this node held of the exam: the store's copy is the truth now.
  int64_t dropped_in_progress = 0;
  for (auto it = by_user_.lower_bound({exam_id, INT64_MIN});
       it != by_user_.end() && it->first.first == exam_id;) {
    Shard& sh = ShardOf(it->second);
    MutexLock sl(sh.mu);
    auto held = sh.attempts.find(it->second);
    if (held != sh.attempts.end()) {
      if (held->second.a.status == AttemptStatus::kInProgress) ++dropped_in_progress;
      sh.attempts.erase(held);
    }
    it = by_user_.erase(it);
  }
  for (auto it = extra_ms_.lower_bound({exam_id, INT64_MIN});
       it != extra_ms_.end() && it->first.first == exam_id;) {
    it = extra_ms_.erase(it);
  }
  exams_.erase(exam_id);
  for (const auto& rec : scope.exams) {
    if (rec.id == exam_id) LoadExamLocked(rec, warnings);
  }
  for (const auto& x : scope.extra_times) {
    if (x.exam_id == exam_id) extra_ms_[{x.exam_id, x.user_id}] = x.extra_ms;
  }
  int64_t in_progress = 0;
  for (const store::AttemptRecord& r : scope.attempts) {
    if (r.exam_id == exam_id) in_progress += LoadAttemptLocked(r);
  }
  metrics_.attempts_in_progress.fetch_add(in_progress - dropped_in_progress);
  return warnings;
}

void ExamService::AbsorbShared(const store::Changed& changed) {
  std::vector<std::string> warnings;
  {
    WriterLock lock(exams_mu_);
    for (const std::string& course : changed.courses) {
      enrolled_.erase(course);
      teachers_.erase(course);
      assistants_.erase(course);
    }
    LoadMembersLocked(changed.now);  // the courses and every one of their enrolments
    for (const auto& rec : changed.now.exams) {
      if (serves_ && serves_(rec.id)) continue;
      LoadExamLocked(rec, warnings);
    }
  }
  for (const auto& w : warnings) spdlog::warn("{}", w);
}

std::optional<std::string> ExamService::ExamOfAttempt(int64_t attempt_id) const {
  const Shard& sh = ShardOf(attempt_id);
  MutexLock sl(sh.mu);
  auto it = sh.attempts.find(attempt_id);
  if (it == sh.attempts.end()) return std::nullopt;
  return it->second.a.exam_id;
}

void ExamService::LoadMembersLocked(const store::Snapshot& snapshot) {
  for (const auto& c : snapshot.courses) courses_[c.id] = Course{c.id, c.title, c.description};
  for (const auto& e : snapshot.enrolments) {
    (e.teaches ? teachers_ : e.assists ? assistants_ : enrolled_)[e.course_id].push_back(e.user_id);
  }
  for (auto* members : {&enrolled_, &teachers_, &assistants_}) {
    for (auto& [course, users] : *members) std::sort(users.begin(), users.end());
  }
}

void ExamService::LoadExamLocked(const store::ExamRecord& rec,
                                 std::vector<std::string>& warnings) {
  auto spec = rec.spec_json.empty()
                  ? Result<ExamSpec>(Error::Invalid("not in canonical form (import it again)"))
                  : FromCanonicalJson(rec.spec_json);
  if (!spec.ok()) {
    warnings.push_back(fmt::format("exam '{}' skipped: {}", rec.id, spec.error().message));
    return;
  }
  exams_[rec.id] = BuildEntry(std::make_shared<const ExamSpec>(std::move(*spec)), rec);
}

bool ExamService::LoadAttemptLocked(const store::AttemptRecord& r) {
  by_user_[{r.exam_id, r.user_id}] = r.id;
  attempt_ids_.AtLeast(r.id + 1);
  AttemptState a;
  a.id = r.id;
  a.exam_id = r.exam_id;
  a.user_id = r.user_id;
  a.seed = r.seed;
  a.started_ms = r.started_ms;
  a.deadline_ms = r.deadline_ms;
  a.status = r.status == store::AttemptStatus::kSubmitted ? AttemptStatus::kSubmitted
                                                          : AttemptStatus::kInProgress;
  a.submitted_ms = r.submitted_ms;
  a.auto_submitted = r.auto_submitted;
  for (const auto& [qid, ans] : r.answers) {
    a.answers[qid] = SavedAnswer{ans.seq, ans.value_json, ans.saved_at_ms};
  }
  a.manual_points = r.manual_points;
  a.comments = r.comments;
  for (const auto& ev : r.events) {
    if (ev.kind != kCompensationEvent && ev.kind != kExtraTimeEvent) continue;
    boost::json::error_code ec;
    const boost::json::value v = boost::json::parse(ev.data_json, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o) continue;
    auto num = [&](const char* k) {
      const auto* x = o->if_contains(k);
      return x && x->is_int64() ? x->as_int64() : 0;
    };
    if (ev.kind == kExtraTimeEvent) {
      a.time_added.push_back({ev.at_ms, num("added_ms")});
    } else {
      a.compensations.push_back({num("from_ms"), num("to_ms"), num("added_ms")});
    }
  }
  const bool in_progress = a.status == AttemptStatus::kInProgress;
  auto e = exams_.find(a.exam_id);
  std::shared_ptr<const ExamSpec> spec = e == exams_.end() ? nullptr : e->second->spec;
  Shard& sh = ShardOf(a.id);
  MutexLock sl(sh.mu);
  sh.attempts[a.id] = Held{std::move(a), std::move(spec)};
  return in_progress;
}

bool ExamService::ManagesLocked(const Caller& caller, const ExamEntry& e) const {
  if (caller.is_admin) return true;
  if (!caller.is_teacher) return false;
  return e.state.owner_id == caller.user_id || TeachesLocked(e.spec->course_id, caller.user_id);
}

bool ExamService::Manages(const Caller& caller, const std::string& exam_id) const {
  ReaderLock lock(exams_mu_);
  auto it = exams_.find(exam_id);
  return it != exams_.end() && ManagesLocked(caller, *it->second);
}

Error ExamService::NotYours(const std::string& exam_id) {
  return Error::Forbidden(fmt::format(
      "exam '{}' is another teacher's: only its owner, the teachers of its course and "
      "operators may change it",
      exam_id));
}

WaveAssignment ExamService::WaveOf(const ExamSpec& spec, int64_t user_id,
                                   std::string_view login, std::string_view display_name) const {
  int64_t rank = -1, enrolled = 0;
  if (spec.auto_waves > 1) {
    ReaderLock lock(exams_mu_);
    auto it = enrolled_.find(spec.course_id);
    if (it != enrolled_.end()) {
      enrolled = static_cast<int64_t>(it->second.size());
      auto pos = std::lower_bound(it->second.begin(), it->second.end(), user_id);
      if (pos != it->second.end() && *pos == user_id) rank = pos - it->second.begin();
    }
  }
  return WaveFor(spec, login, display_name, rank, enrolled);
}

Result<std::vector<int64_t>> ExamService::StudentsOf(const Caller& caller,
                                                    const std::string& exam_id) const {
  auto e = FindExam(exam_id);
  if (!e || !Manages(caller, exam_id)) return Error::NotFound(fmt::format("no exam '{}'", exam_id));
  ReaderLock lock(exams_mu_);
  auto it = enrolled_.find(e->spec->course_id);
  if (it == enrolled_.end()) return std::vector<int64_t>();
  return it->second;
}

// ---------------------------------------------------------------- exams

std::shared_ptr<const ExamEntry> ExamService::FindExam(const std::string& exam_id) const {
  ReaderLock lock(exams_mu_);
  auto it = exams_.find(exam_id);
  return it == exams_.end() ? nullptr : it->second;
}

bool ExamService::CanTake(const ExamEntry& e, int64_t user_id) const {
  if (!e.state.published) return false;
  if (e.spec->course_id.empty()) return true;
  return IsEnrolled(e.spec->course_id, user_id);
}

void ExamService::Import(const Caller& caller, ExamSpec imported, std::string source,
                         std::string source_format,
                         std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done) {
  Put(caller, std::move(imported), std::move(source), std::move(source_format), false, std::move(done));
}

void ExamService::Create(const Caller& caller, ExamSpec spec, std::string source_format,
                         std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done) {
  Put(caller, std::move(spec), "", std::move(source_format), true, std::move(done));
}

void ExamService::Put(const Caller& caller, ExamSpec imported, std::string source,
                      std::string source_format, bool only_new,
                      std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers import exams"));
  // An image's bytes are kept as a blob by whoever brought them (api/question_images.h):
  // never a model whose images are not stored.
  for (const Question& q : imported.questions) {
    if (const std::string why = ImagesProblem(q); !why.empty()) {
      return done(Error::Invalid(fmt::format("question '{}': {}", q.id, why)));
    }
  }
  auto spec = std::make_shared<const ExamSpec>(std::move(imported));
  store::ExamRecord rec{spec->id, std::move(source), caller.user_id, false, 0, false, 0,
                        std::move(source_format), ToCanonicalJson(*spec)};
  std::shared_ptr<const ExamEntry> entry;
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    WriterLock lock(exams_mu_);
    auto it = exams_.find(spec->id);
    if (it != exams_.end() && only_new) {
      return Error::Conflict(fmt::format("exam '{}' exists already", spec->id))
          .Because("exam_exists", {{"id", spec->id}});
    }
    if (it != exams_.end() && !ManagesLocked(caller, *it->second)) return NotYours(spec->id);
    if (it != exams_.end() && it->second->state.published) {
      return Error::Conflict(
          fmt::format("exam '{}' is published: its paper is frozen", spec->id));
    }
    if (!spec->course_id.empty() && !courses_.count(spec->course_id)) {
      return Error::Invalid(fmt::format("no course '{}'", spec->course_id));
    }
    if (it == exams_.end() && !caller.is_admin && !spec->course_id.empty() &&
        !TeachesLocked(spec->course_id, caller.user_id)) {
      return Error::Forbidden(fmt::format(
          "you do not teach course '{}': an operator can add you to it", spec->course_id));
    }
    if (it != exams_.end()) rec.owner_id = it->second->state.owner_id;  // stays its owner's
    entry = BuildEntry(spec, rec);
    exams_[spec->id] = entry;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(store::op::PutExam{rec}, [done, entry](const Status& st) {
    if (!st.ok()) return done(st.error());
    done(entry);
  });
  if (!s.ok()) done(s.error());
}

void ExamService::Duplicate(const Caller& caller, const std::string& exam_id,
                            const std::string& new_id, const std::string& new_title,
                            std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers import exams"));
  auto e = FindExam(exam_id);
  if (!e || !Manages(caller, exam_id)) return done(NoSuchExam(exam_id));
  if (!IsValidExamId(new_id)) {
    return done(Error::Invalid("an exam id is 1 to 64 of a-z, 0-9 and -").Because("bad_exam_id"));
  }
  if (new_title.empty() || new_title.size() > 200 || FirstInvalidUtf8(new_title)) {
    return done(Error::Invalid("a title is 1 to 200 bytes of UTF-8").Because("bad_title"));
  }
  if (FindExam(new_id)) {
    return done(Error::Conflict(fmt::format("exam '{}' exists already", new_id))
                    .Because("exam_exists", {{"id", new_id}}));
  }
  ExamSpec copy = *e->spec;
  // The model as imported: a window extended by an operator is the original's, not the copy's.
  if (auto stored = FromCanonicalJson(e->spec_json); stored.ok()) copy = std::move(*stored);
  copy.id = new_id;
  copy.title = new_title;
  // The teacher's file stays as it was, with a note: the copy's model holds its new id and title.
  std::string source = fmt::format("# A copy of exam '{}' as '{}': the id and title below are the "
                                   "original's.\n{}",
                                   exam_id, new_id, e->source);
  Import(caller, std::move(copy), std::move(source), e->source_format, std::move(done));
}

void ExamService::UpdateSettings(
    const Caller& caller, const std::string& exam_id, const SettingsChange& change,
    std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers change exam settings"));
  std::shared_ptr<const ExamEntry> entry;
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    WriterLock lock(exams_mu_);
    auto it = exams_.find(exam_id);
    if (it == exams_.end()) return NoSuchExam(exam_id);
    if (!ManagesLocked(caller, *it->second)) return NotYours(exam_id);
    if (it->second->state.published) {
      return Error::Conflict(fmt::format(
          "exam '{}' is published: its settings are frozen (an operator can extend the window)",
          exam_id));
    }
    // The model changes; the teacher's file stays as it was imported.
    auto changed = ApplySettings(*it->second->spec, change);
    if (!changed.ok()) return changed.take_error();
    store::ExamRecord rec = RecordOf(*it->second);
    rec.spec_json = ToCanonicalJson(*changed);
    entry = BuildEntry(std::make_shared<const ExamSpec>(std::move(*changed)), rec);
    it->second = entry;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(store::op::PutExam{RecordOf(*entry)}, [done, entry](const Status& st) {
    if (!st.ok()) return done(st.error());
    done(entry);
  });
  if (!s.ok()) done(s.error());
}

void ExamService::Publish(const Caller& caller, const std::string& exam_id,
                          std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers publish exams"));
  std::shared_ptr<const ExamEntry> entry;
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    WriterLock lock(exams_mu_);
    auto it = exams_.find(exam_id);
    if (it == exams_.end()) return NoSuchExam(exam_id);
    if (!ManagesLocked(caller, *it->second)) return NotYours(exam_id);
    if (it->second->state.published) {
      entry = it->second;
    } else {
      store::ExamRecord rec = RecordOf(*it->second);
      rec.published = true;
      rec.published_ms = ToUnixMs(clock_.Now());
      entry = BuildEntry(it->second->spec, rec);
      it->second = entry;
    }
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(store::op::PutExam{RecordOf(*entry)}, [done, entry](const Status& st) {
    if (!st.ok()) return done(st.error());
    done(entry);
  });
  if (!s.ok()) done(s.error());
}

void ExamService::ExtendWindow(const std::string& exam_id, int64_t new_closes_ms,
                               std::function<void(Result<int>)> done) {
  std::shared_ptr<const ExamEntry> entry;
  std::vector<int64_t> ids;
  std::map<int64_t, int64_t> extra;  // user -> extra time
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    WriterLock lock(exams_mu_);
    auto it = exams_.find(exam_id);
    if (it == exams_.end()) return NoSuchExam(exam_id);
    if (new_closes_ms <= it->second->spec->closes_ms) {
      return Error::Invalid("the window can only be extended: give a later close")
          .Because("window_extend_only");
    }
    store::ExamRecord rec = RecordOf(*it->second);
    rec.closes_override_ms = new_closes_ms;
    entry = BuildEntry(it->second->spec, rec);
    it->second = entry;
    for (auto a = by_user_.lower_bound({exam_id, INT64_MIN});
         a != by_user_.end() && a->first.first == exam_id; ++a) {
      ids.push_back(a->second);
    }
    // Copied now: the shards below must not take exams_mu_ (lock order).
    for (auto x = extra_ms_.lower_bound({exam_id, INT64_MIN});
         x != extra_ms_.end() && x->first.first == exam_id; ++x) {
      extra[x->first.second] = x->second;
    }
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  // Attempts whose deadline the old close cut short get what they are owed, up to the new close.
  std::vector<store::WriteOp> ops;
  for (int64_t id : ids) {
    Shard& sh = ShardOf(id);
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(id);
    if (it == sh.attempts.end() || it->second.a.status != AttemptStatus::kInProgress) continue;
    AttemptState& a = it->second.a;
    auto x = extra.find(a.user_id);
    const int64_t owed = ToUnixMs(ComputeDeadline(*entry->spec, FromUnixMs(a.started_ms),
                                                  Millis(x == extra.end() ? 0 : x->second)));
    if (owed > a.deadline_ms) {
      a.deadline_ms = owed;
      ops.push_back(store::op::SetDeadline{id, owed});
    }
  }
  const int extended = static_cast<int>(ops.size());
  ops.push_back(store::op::PutExam{RecordOf(*entry)});
  // One group: the new close and the new deadlines commit together.
  Status s = writer_.WriteNow(std::move(ops));
  if (!s.ok()) return done(s.error());
  done(extended);
}

Result<int> ExamService::CompensateOutage(int64_t from_ms, int64_t to_ms,
                                          const std::string& only_exam) {
  if (to_ms <= from_ms) return 0;
  const int64_t added = to_ms - from_ms;
  std::vector<store::WriteOp> ops;
  std::vector<int64_t> changed;  // to put back if the commit fails
  int n = 0;
  for (Shard& sh : shards_) {
    MutexLock sl(sh.mu);
    for (auto& [id, held] : sh.attempts) {
      AttemptState& a = held.a;
      if (!Interrupted(a, from_ms, to_ms)) continue;  // when the platform went away
      if (!only_exam.empty() && a.exam_id != only_exam) continue;
      changed.push_back(id);
      a.deadline_ms += added;
      a.compensations.push_back({from_ms, to_ms, added});
      ops.push_back(store::op::SetDeadline{id, a.deadline_ms});
      ops.push_back(store::op::AddAttemptEvent{
          id, {to_ms, std::string(kCompensationEvent),
               boost::json::serialize(boost::json::object{
                   {"from_ms", from_ms}, {"to_ms", to_ms}, {"added_ms", added}})}});
      ++n;
    }
  }
  if (ops.empty()) return 0;
  // One group: every deadline and its reason commit together.
  if (Status s = writer_.WriteNow(std::move(ops)); !s.ok()) {
    for (int64_t id : changed) {  // not durable: as it was
      Shard& sh = ShardOf(id);
      MutexLock sl(sh.mu);
      auto it = sh.attempts.find(id);
      if (it == sh.attempts.end() || it->second.a.compensations.empty()) continue;
      it->second.a.deadline_ms -= added;
      it->second.a.compensations.pop_back();
    }
    return s.take_error();
  }
  return n;
}

Result<int> ExamService::AddTimeNow(const Caller& caller, const std::string& exam_id,
                                    const std::vector<int64_t>& user_ids, Millis added) {
  if (!caller.is_teacher) return Error::Forbidden("only teachers add time");
  if (added.count() <= 0 || added > std::chrono::hours(24)) {
    return Error::Invalid("the time added must be between 1 minute and 24 hours");
  }
  std::vector<int64_t> ids;
  {
    ReaderLock lock(exams_mu_);
    auto it = exams_.find(exam_id);
    if (it == exams_.end()) return NoSuchExam(exam_id);
    if (!ManagesLocked(caller, *it->second)) return NotYours(exam_id);
    if (user_ids.empty()) {
      for (auto a = by_user_.lower_bound({exam_id, INT64_MIN});
           a != by_user_.end() && a->first.first == exam_id; ++a) {
        ids.push_back(a->second);
      }
    } else {
      for (int64_t u : user_ids) {
        if (auto a = by_user_.find({exam_id, u}); a != by_user_.end()) ids.push_back(a->second);
      }
    }
  }
  const int64_t now_ms = ToUnixMs(clock_.Now());
  const std::string data = boost::json::serialize(
      boost::json::object{{"added_ms", added.count()}, {"by", caller.user_id}});
  std::vector<store::WriteOp> ops;
  std::vector<std::pair<int64_t, int64_t>> before;  // (attempt, deadline) to put back
  for (int64_t id : ids) {
    Shard& sh = ShardOf(id);
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(id);
    if (it == sh.attempts.end() || !it->second.durable) continue;
    AttemptState& a = it->second.a;
    if (!RunningAt(a, now_ms)) continue;
    before.emplace_back(id, a.deadline_ms);
    a.deadline_ms += added.count();
    // An attempt's events of one kind have distinct times (the store keeps one per time): two
    // grants in the same millisecond are two events.
    const int64_t at_ms =
        a.time_added.empty() ? now_ms : std::max(now_ms, a.time_added.back().at_ms + 1);
    a.time_added.push_back({at_ms, added.count()});
    ops.push_back(store::op::SetDeadline{id, a.deadline_ms});
    ops.push_back(store::op::AddAttemptEvent{id, {at_ms, std::string(kExtraTimeEvent), data}});
  }
  if (ops.empty()) return 0;
  if (Status s = writer_.WriteNow(std::move(ops)); !s.ok()) {
    for (const auto& [id, deadline] : before) {  // not durable: as it was
      Shard& sh = ShardOf(id);
      MutexLock sl(sh.mu);
      if (auto it = sh.attempts.find(id); it != sh.attempts.end()) {
        it->second.a.deadline_ms = deadline;
        if (!it->second.a.time_added.empty()) it->second.a.time_added.pop_back();
      }
    }
    return s.take_error();
  }
  return static_cast<int>(before.size());
}

void ExamService::SetExtraTime(const Caller& caller, const std::string& exam_id, int64_t user_id,
                               Millis extra, std::function<void(Status)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers set extra time"));
  if (extra.count() < 0 || extra > std::chrono::hours(24)) {
    return done(Error::Invalid("extra time must be between 0 and 24 hours").Because("extra_time_range"));
  }
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    WriterLock lock(exams_mu_);
    auto it = exams_.find(exam_id);
    if (it == exams_.end()) return NoSuchExam(exam_id);
    if (!ManagesLocked(caller, *it->second)) return NotYours(exam_id);
    if (by_user_.count({exam_id, user_id})) {
      return Error::Conflict("this student has already started: extra time applies at start")
          .Because("already_started");
    }
    extra_ms_[{exam_id, user_id}] = extra.count();
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(store::op::PutExtraTime{{exam_id, user_id, extra.count()}},
                            [done](const Status& st) { done(st); });
  if (!s.ok()) done(s);
}

void ExamService::ReleaseResults(const Caller& caller, const std::string& exam_id,
                                 std::optional<ReviewLevel> review,
                                 std::function<void(Status)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers release results"));
  std::shared_ptr<const ExamEntry> entry;
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    WriterLock lock(exams_mu_);
    auto it = exams_.find(exam_id);
    if (it == exams_.end()) return NoSuchExam(exam_id);
    if (!ManagesLocked(caller, *it->second)) return NotYours(exam_id);
    if (!it->second->state.published) return Error::Conflict("the exam is not published").Because("exam_not_published");
    store::ExamRecord rec = RecordOf(*it->second);
    rec.results_released = true;
    std::shared_ptr<const ExamSpec> spec = it->second->spec;
    if (review && *review != spec->review) {
      // The paper does not change: only what students see of their attempts afterwards. The
      // stored model keeps its own close (the served one may be extended).
      if (auto stored = FromCanonicalJson(rec.spec_json); stored.ok()) {
        stored->review = *review;
        rec.spec_json = ToCanonicalJson(*stored);
      }
      auto served = std::make_shared<ExamSpec>(*spec);
      served->review = *review;
      spec = std::move(served);
    }
    entry = BuildEntry(std::move(spec), rec);
    it->second = entry;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(store::op::PutExam{RecordOf(*entry)},
                            [done](const Status& st) { done(st); });
  if (!s.ok()) done(s);
}

Millis ExamService::ExtraTimeOf(const std::string& exam_id, int64_t user_id) const {
  ReaderLock lock(exams_mu_);
  auto it = extra_ms_.find({exam_id, user_id});
  return Millis(it == extra_ms_.end() ? 0 : it->second);
}

Result<std::vector<std::pair<int64_t, Millis>>> ExamService::ExtraTimesOf(
    const Caller& caller, const std::string& exam_id) const {
  if (!caller.is_teacher) return Error::Forbidden("only teachers set extra time");
  if (!FindExam(exam_id)) return NoSuchExam(exam_id);
  if (!Manages(caller, exam_id)) return NotYours(exam_id);
  std::vector<std::pair<int64_t, Millis>> out;
  ReaderLock lock(exams_mu_);
  for (auto it = extra_ms_.lower_bound({exam_id, INT64_MIN});
       it != extra_ms_.end() && it->first.first == exam_id; ++it) {
    if (it->second > 0) out.emplace_back(it->first.second, Millis(it->second));
  }
  return out;
}

std::vector<std::shared_ptr<const ExamEntry>> ExamService::ExamsFor(const Caller& caller) const {
  std::vector<std::shared_ptr<const ExamEntry>> all;
  {
    ReaderLock lock(exams_mu_);
    for (const auto& [id, e] : exams_) all.push_back(e);
  }
  if (caller.is_admin) return all;
  std::vector<std::shared_ptr<const ExamEntry>> out;
  for (auto& e : all) {
    const bool mine = caller.is_teacher ? Manages(caller, e->spec->id) : CanTake(*e, caller.user_id);
    if (mine) out.push_back(std::move(e));
  }
  return out;
}

Result<std::shared_ptr<const ExamEntry>> ExamService::GetExam(const Caller& caller,
                                                              const std::string& exam_id) const {
  auto e = FindExam(exam_id);
  if (!e || !(caller.is_teacher ? Manages(caller, exam_id) : CanTake(*e, caller.user_id))) {
    return NoSuchExam(exam_id);  // another teacher's exam is not theirs to read either
  }
  return e;
}

Result<PaperView> ExamService::PaperFor(const Caller& caller, const std::string& exam_id) const {
  auto e = FindExam(exam_id);
  if (!e || !(caller.is_teacher ? Manages(caller, exam_id) : CanTake(*e, caller.user_id))) {
    return NoSuchExam(exam_id);
  }
  if (!e->state.published) return Error::Conflict("the exam is not published").Because("exam_not_published");
  if (caller.is_teacher) return PaperView{e->paper_json, e->etag};
  const std::optional<AttemptKey> attempt = AttemptKeyOf(exam_id, caller.user_id);
  if (!attempt) return Error::Forbidden("start the exam to see its paper");
  if (!e->paper_pieces) return PaperView{e->paper_json, e->etag};
  const std::vector<bool> asked = AskedFlags(*e->spec, attempt->seed);
  std::string etag = e->etag;
  etag.insert(etag.size() - 1, fmt::format("-a{}", attempt->id));  // inside the quotes
  return PaperView{std::make_shared<const std::string>(JoinPaper(*e->paper_pieces, &asked)),
                   std::move(etag)};
}

std::optional<int64_t> ExamService::AttemptIdOf(const std::string& exam_id,
                                                int64_t user_id) const {
  const std::optional<AttemptKey> key = AttemptKeyOf(exam_id, user_id);
  if (!key) return std::nullopt;
  return key->id;
}

std::optional<ExamService::AttemptKey> ExamService::AttemptKeyOf(const std::string& exam_id,
                                                                 int64_t user_id) const {
  ReaderLock lock(exams_mu_);
  auto it = by_user_.find({exam_id, user_id});
  if (it == by_user_.end()) return std::nullopt;
  const Shard& sh = ShardOf(it->second);
  MutexLock sl(sh.mu);
  auto held = sh.attempts.find(it->second);
  if (held == sh.attempts.end() || !held->second.durable) return std::nullopt;
  return AttemptKey{it->second, held->second.a.seed};
}

}  // namespace pupitre::exam
