// ExamService, its second half: attempts (start, read, save, submit, the deadline sweep) and
// the teachers' views of them (grading, live counts, the list of attempts). Courses and exams
// are in exam_service.cc. Lock order: exams_mu_ before any shard's mutex.

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "common/text.h"
#include "exam/exam_errors.h"
#include "exam/exam_service.h"

namespace pupitre::exam {
namespace {

uint64_t NextSeed(uint64_t& state) {
  // splitmix64: seeds only need to differ between attempts, not to be secret.
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

// ---------------------------------------------------------------- attempts

AttemptView ExamService::MakeView(const AttemptState& a) const {
  AttemptView v;
  v.state = a;
  auto e = FindExam(a.exam_id);
  if (e) {
    v.spec = e->spec;
    v.order = MakeOrder(*e->spec, a.seed);
    v.results_released = e->state.results_released;
  }
  return v;
}

void ExamService::AfterCommit(std::function<void(Status)> done) {
  Status s = writer_.Submit(store::op::Barrier{}, [done](const Status& st) { done(st); });
  if (!s.ok()) done(s);
}

void ExamService::Start(const Caller& caller, const std::string& exam_id,
                        std::function<void(Result<AttemptView>)> done, Millis waited) {
  auto e = FindExam(exam_id);
  if (!e || !CanTake(*e, caller.user_id)) return done(NoSuchExam(exam_id));
  const TimePoint now = clock_.Now();
  const int64_t now_ms = ToUnixMs(now);
  AttemptState a;
  bool existing = false;
  std::optional<Error> refused;  // answered once the lock is released: `done` may call back in
  {
    WriterLock lock(exams_mu_);
    auto it = by_user_.find({exam_id, caller.user_id});
    if (it != by_user_.end()) {
      existing = true;
      a.id = it->second;
    } else if (now_ms < e->spec->opens_ms) {
      refused = Error::Conflict("the exam has not opened yet").Because("exam_not_open");
    } else if (now_ms >= e->spec->closes_ms) {
      refused = Error::Conflict("the exam window has closed").Because("exam_closed");
    } else {
      auto x = extra_ms_.find({exam_id, caller.user_id});
      Millis extra(x == extra_ms_.end() ? 0 : x->second);
      auto id = attempt_ids_.Next();
      if (!id.ok()) return done(Error::Unavailable("no attempt id could be taken; retry"));
      a.id = *id;
      a.exam_id = exam_id;
      a.user_id = caller.user_id;
      uint64_t seed_state = static_cast<uint64_t>(now_ms) ^ (static_cast<uint64_t>(a.id) << 20);
      a.seed = NextSeed(seed_state);
      a.started_ms = now_ms;
      a.deadline_ms = ToUnixMs(ComputeDeadline(*e->spec, now, extra));
      by_user_[{exam_id, caller.user_id}] = a.id;
      Shard& sh = ShardOf(a.id);
      MutexLock sl(sh.mu);
      sh.attempts[a.id] = Held{a, e->spec, /*durable=*/false};
    }
  }
  if (refused) return done(std::move(*refused));
  if (existing) {
    // The first start may still be in the writer's queue: answer once it is durable.
    return AfterCommit([this, id = a.id, done](const Status& st) {
      if (!st.ok()) return done(st.error());
      auto copy = CopyOf(id);
      // The first start's write failed and was undone: nothing to return.
      if (!copy) return done(Error::Unavailable("the attempt could not be started; retry"));
      done(MakeView(*copy));
    });
  }
  metrics_.attempts_in_progress.fetch_add(1);
  auto undo = [this, a] {
    WriterLock lock(exams_mu_);
    // The exam may have been loaded again meanwhile (a node taking it over): undo only this.
    if (auto it = by_user_.find({a.exam_id, a.user_id}); it != by_user_.end() && it->second == a.id) {
      by_user_.erase(it);
    }
    Shard& sh = ShardOf(a.id);
    MutexLock sl(sh.mu);
    if (sh.attempts.erase(a.id) > 0) metrics_.attempts_in_progress.fetch_sub(1);
  };
  WriteThrough(
      store::op::CreateAttempt{a.id, a.exam_id, a.user_id, a.seed, a.started_ms, a.deadline_ms},
      undo, [this, a, done, waited](const Status& st) {
        if (!st.ok()) return done(st.error());
        {
          Shard& sh = ShardOf(a.id);
          MutexLock sl(sh.mu);
          if (auto it = sh.attempts.find(a.id); it != sh.attempts.end()) it->second.durable = true;
        }
        // The timeline's first line, once the attempt it belongs to is durable (a start whose
        // write failed leaves no line behind).
        if (waited.count() > 0) {
          NoteEvent(a.id, kAdmittedEvent,
                    boost::json::serialize(boost::json::object{{"waited_ms", waited.count()}}));
        }
        done(MakeView(a));
      });
}

void ExamService::NoteEvent(int64_t attempt_id, std::string_view kind, std::string data_json) {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  // Best effort: refused when the writer's queue is full, and then only this line is missing.
  (void)writer_.Submit(
      store::op::AddAttemptEvent{attempt_id, {now_ms, std::string(kind), std::move(data_json)}},
      [](const Status&) {});
}

void ExamService::NotePage(int64_t attempt_id, bool connected) {
  int32_t n = 0;
  {
    Shard& sh = ShardOf(attempt_id);
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it == sh.attempts.end()) return;
    n = ++it->second.page_events;
  }
  if (n <= kMaxPageEvents) {
    NoteEvent(attempt_id, connected ? kPageConnectedEvent : kPageDisconnectedEvent, "{}");
  } else if (n == kMaxPageEvents + 1) {
    NoteEvent(attempt_id, kPageEventsCappedEvent,
              boost::json::serialize(boost::json::object{{"after", kMaxPageEvents}}));
  }
}

store::op::AddAttemptEvent ExamService::MinuteEvent(int64_t attempt_id, const Held& h) {
  // At its first save (an attempt's minutes are distinct, and so are their first saves).
  return {attempt_id,
          {h.first_ms, std::string(kSavesEvent),
           boost::json::serialize(boost::json::object{{"minute_ms", h.minute_ms},
                                                      {"saves", h.saves},
                                                      {"resent", h.resent},
                                                      {"replays", h.replays}})}};
}

void ExamService::CountMinute(Shard& sh, int64_t attempt_id, Held& h, int64_t now_ms,
                              bool resent, bool replay) {
  const int64_t minute = now_ms - now_ms % 60'000;
  if (minute != h.minute_ms) {
    if (h.saves > 0) sh.minutes.push_back(MinuteEvent(attempt_id, h));
    h.minute_ms = minute;
    h.saves = h.resent = h.replays = 0;
  }
  if (h.saves == 0) h.first_ms = now_ms;
  ++h.saves;
  h.resent += resent ? 1 : 0;
  h.replays += replay ? 1 : 0;
}

Result<int> ExamService::FlushSaveCounts(bool all) {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  const int64_t minute = now_ms - now_ms % 60'000;
  std::vector<store::WriteOp> ops;
  for (Shard& sh : shards_) {
    MutexLock sl(sh.mu);
    for (auto& m : sh.minutes) ops.push_back(std::move(m));
    sh.minutes.clear();
    for (auto& [id, h] : sh.attempts) {
      if (h.saves == 0 || (!all && h.minute_ms >= minute)) continue;
      if (serves_ && !serves_(h.a.exam_id)) continue;
      ops.push_back(MinuteEvent(id, h));
      h.saves = h.resent = h.replays = 0;
    }
  }
  if (ops.empty()) return 0;
  const int n = static_cast<int>(ops.size());
  if (Status s = writer_.WriteNow(std::move(ops)); !s.ok()) return s.take_error();
  return n;
}

Result<ExamService::FileOutcome> ExamService::ApplyAnswerFile(const Caller& caller,
                                                              int64_t attempt_id,
                                                              const OpenedAnswerFile& file,
                                                              Millis accept_for) {
  auto copy = CopyOf(attempt_id);
  if (!copy || (caller.is_teacher ? !Manages(caller, copy->exam_id)
                                    : copy->user_id != caller.user_id)) {
    return NoSuchAttempt(attempt_id);
  }
  if (file.attempt_id != attempt_id || file.exam_id != copy->exam_id) {
    return Error::Invalid(fmt::format("this answer file is for attempt {} of exam '{}', not for "
                                      "this one", file.attempt_id, file.exam_id));
  }
  const int64_t now_ms = ToUnixMs(clock_.Now());
  const int64_t until_ms = copy->deadline_ms + accept_for.count();
  if (now_ms > until_ms) {
    return Error::Conflict(fmt::format(
        "answer files for this attempt were accepted until {} minutes after its deadline",
        accept_for.count() / 60'000));
  }
  FileOutcome out;
  std::vector<store::WriteOp> ops;
  // To put back if not durable: what was there, and the sequence number the file set.
  std::map<std::string, std::pair<std::optional<SavedAnswer>, int64_t>> before;
  {
    Shard& sh = ShardOf(attempt_id);
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it == sh.attempts.end() || !it->second.spec) return NoSuchAttempt(attempt_id);
    AttemptState& a = it->second.a;
    for (const auto& f : file.answers) {
      // A time ahead of the server's is not believed: it counts as written now.
      const int64_t at_ms = std::min(f.at_ms, now_ms);
      auto prev = a.answers.find(f.question_id);
      std::optional<SavedAnswer> old;
      if (prev != a.answers.end()) old = prev->second;
      auto r = ApplyFileAnswer(a, *it->second.spec, f.question_id, f.seq, f.value,
                               FromUnixMs(at_ms), save_grace_);
      if (!r.ok()) {
        (r.error().code == ErrorCode::kDeadlinePassed ? out.late : out.refused) += 1;
        continue;
      }
      if (*r == SaveOutcome::kStale) {
        ++out.replays;
        continue;
      }
      ++out.applied;
      before.emplace(f.question_id, std::pair{old, f.seq});
      const SavedAnswer& saved = a.answers.at(f.question_id);
      ops.push_back(store::op::SaveAnswer{attempt_id, f.question_id, saved.seq, saved.value_json,
                                          saved.saved_at_ms});
    }
  }
  // Two uploads in one millisecond are two events (the store keeps one per time and kind).
  int64_t at_ms = now_ms, last = last_file_event_ms_.load();
  do {
    at_ms = std::max(now_ms, last + 1);
  } while (!last_file_event_ms_.compare_exchange_weak(last, at_ms));
  ops.push_back(store::op::AddAttemptEvent{
      attempt_id,
      {at_ms, std::string(kAnswerFileEvent),
       boost::json::serialize(boost::json::object{{"applied", out.applied},
                                                  {"replays", out.replays},
                                                  {"late", out.late},
                                                  {"refused", out.refused},
                                                  {"created_ms", file.created_ms},
                                                  {"by_teacher", caller.is_teacher}})}});
  if (Status st = writer_.WriteNow(std::move(ops)); !st.ok()) {
    Shard& sh = ShardOf(attempt_id);
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it != sh.attempts.end()) {
      auto& answers = it->second.a.answers;
      for (const auto& [qid, was] : before) {
        // A newer save that came in meanwhile (acknowledged on its own) stays.
        auto now = answers.find(qid);
        if (now == answers.end() || now->second.seq != was.second) continue;
        if (was.first) now->second = *was.first; else answers.erase(now);
      }
    }
    return st.take_error();
  }
  return out;
}

Result<std::vector<TimelineEntry>> ExamService::Timeline(const Caller& caller,
                                                         int64_t attempt_id) const {
  auto copy = CopyOf(attempt_id);
  if (!copy || !caller.is_teacher || !Manages(caller, copy->exam_id)) {
    return NoSuchAttempt(attempt_id);
  }
  std::vector<store::AttemptEvent> events;
  if (event_reader_) {
    auto stored = event_reader_(attempt_id);
    if (!stored.ok()) return stored.take_error();
    events = std::move(*stored);
  }
  {
    // What is counted but not written yet.
    const Shard& sh = ShardOf(attempt_id);
    MutexLock sl(sh.mu);
    for (const auto& m : sh.minutes) {
      if (m.attempt_id == attempt_id) events.push_back(m.event);
    }
    auto it = sh.attempts.find(attempt_id);
    if (it != sh.attempts.end() && it->second.saves > 0) {
      events.push_back(MinuteEvent(attempt_id, it->second).event);
    }
  }
  // The same event may be both written and still in memory for a moment: keep one.
  std::sort(events.begin(), events.end(), [](const auto& x, const auto& y) {
    return std::tie(x.at_ms, x.kind) < std::tie(y.at_ms, y.kind);
  });
  events.erase(std::unique(events.begin(), events.end(),
                           [](const auto& x, const auto& y) {
                             return x.at_ms == y.at_ms && x.kind == y.kind;
                           }),
               events.end());
  return BuildTimeline(*copy, std::move(events), ToUnixMs(clock_.Now()));
}

std::optional<AttemptState> ExamService::CopyOf(int64_t attempt_id) const {
  const Shard& sh = ShardOf(attempt_id);
  MutexLock sl(sh.mu);
  auto it = sh.attempts.find(attempt_id);
  if (it == sh.attempts.end()) return std::nullopt;
  return it->second.a;
}

Result<AttemptView> ExamService::GetAttempt(const Caller& caller, int64_t attempt_id) const {
  auto copy = CopyOf(attempt_id);
  // Someone else's attempt is reported as missing, not forbidden: ids are not to be probed.
  if (!copy || (caller.is_teacher ? !Manages(caller, copy->exam_id)
                                    : copy->user_id != caller.user_id)) {
    return NoSuchAttempt(attempt_id);
  }
  return MakeView(*copy);
}

std::optional<std::string> ExamService::ExamOfAttempt(int64_t attempt_id, int64_t user_id) const {
  const Shard& sh = ShardOf(attempt_id);
  MutexLock sl(sh.mu);
  auto it = sh.attempts.find(attempt_id);
  if (it == sh.attempts.end() || it->second.a.user_id != user_id) return std::nullopt;
  return it->second.a.exam_id;
}

bool ExamService::HasAttemptInProgress(int64_t user_id, int64_t attempt_id) const {
  const Shard& sh = ShardOf(attempt_id);
  MutexLock sl(sh.mu);
  auto it = sh.attempts.find(attempt_id);
  return it != sh.attempts.end() && it->second.a.user_id == user_id &&
         it->second.a.status == AttemptStatus::kInProgress;
}

void ExamService::CountSave(const std::string& exam_id) {
  int64_t sec = ToUnixMs(clock_.Now()) / 1000;
  MutexLock lock(saves_mu_);
  auto it = saves_.find(exam_id);
  if (it == saves_.end()) it = saves_.emplace(exam_id, SaveRing{}).first;
  SaveRing& ring = it->second;
  size_t i = static_cast<size_t>(sec % 60);
  if (ring.second[i] != sec) {
    ring.second[i] = sec;
    ring.count[i] = 0;
  }
  ++ring.count[i];
}

void ExamService::Save(const Caller& caller, int64_t attempt_id, const std::string& question_id,
                       int64_t seq, const boost::json::value& answer,
                       std::function<void(Result<SaveAck>)> done, bool resent) {
  // One lookup and one apply, under the attempt's shard lock only: the attempt holds its
  // exam's questions (a published paper never changes), so no exam lookup is needed.
  Shard& sh = ShardOf(attempt_id);
  std::optional<SavedAnswer> previous;
  SaveOutcome outcome = SaveOutcome::kStale;  // set under the lock below
  SavedAnswer saved;
  int64_t deadline_ms = 0;
  std::string exam_id;
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it == sh.attempts.end() || it->second.a.user_id != caller.user_id ||
        !it->second.spec) {
      return NoSuchAttempt(attempt_id);
    }
    AttemptState& a = it->second.a;
    auto prev = a.answers.find(question_id);
    if (prev != a.answers.end()) previous = prev->second;
    const TimePoint now = clock_.Now();
    auto r = ApplySave(a, *it->second.spec, question_id, seq, answer, now, save_grace_);
    if (!r.ok()) return r.take_error();
    outcome = *r;
    CountMinute(sh, attempt_id, it->second, ToUnixMs(now), resent, outcome == SaveOutcome::kStale);
    saved = a.answers.at(question_id);
    deadline_ms = a.deadline_ms;
    exam_id = a.exam_id;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  if (outcome == SaveOutcome::kStale) {
    // A replay: what it carries (or newer) is held; answer once that is durable.
    return AfterCommit([done, held = saved.seq, deadline_ms](const Status& st) {
      if (!st.ok()) return done(st.error());
      done(SaveAck{held, false, deadline_ms});
    });
  }
  // Puts back the previous answer if this one could not be made durable, so that a retry
  // with the same sequence number is applied again rather than taken for a replay.
  auto undo = [this, attempt_id, question_id, seq, previous] {
    Shard& s = ShardOf(attempt_id);
    MutexLock sl(s.mu);
    auto held = s.attempts.find(attempt_id);
    if (held == s.attempts.end()) return;  // the exam was loaded again meanwhile
    AttemptState& a = held->second.a;
    auto it = a.answers.find(question_id);
    if (it == a.answers.end() || it->second.seq != seq) return;
    if (previous) it->second = *previous; else a.answers.erase(it);
  };
  WriteThrough(
      store::op::SaveAnswer{attempt_id, question_id, seq, saved.value_json, saved.saved_at_ms},
      undo, [this, done, seq, deadline_ms, exam_id = std::move(exam_id)](const Status& st) {
        if (!st.ok()) return done(st.error());
        metrics_.answers_saved.fetch_add(1, std::memory_order_relaxed);
        CountSave(exam_id);
        done(SaveAck{seq, true, deadline_ms});
      });
}

void ExamService::Submit(const Caller& caller, int64_t attempt_id,
                         std::function<void(Result<AttemptView>)> done) {
  Shard& sh = ShardOf(attempt_id);
  AttemptState snapshot;
  bool already = false;
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it == sh.attempts.end() || it->second.a.user_id != caller.user_id) {
      return NoSuchAttempt(attempt_id);
    }
    AttemptState& a = it->second.a;
    if (a.status == AttemptStatus::kSubmitted) {
      already = true;
    } else {
      a.status = AttemptStatus::kSubmitted;
      a.submitted_ms = ToUnixMs(clock_.Now());
      a.auto_submitted = false;
    }
    snapshot = a;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  if (already) {
    return AfterCommit([this, snapshot, done](const Status& st) {
      if (!st.ok()) return done(st.error());
      done(MakeView(snapshot));
    });
  }
  metrics_.attempts_in_progress.fetch_sub(1);
  auto undo = [this, attempt_id] {
    Shard& s = ShardOf(attempt_id);
    MutexLock sl(s.mu);
    auto held = s.attempts.find(attempt_id);
    if (held == s.attempts.end()) return;  // the exam was loaded again meanwhile
    AttemptState& a = held->second.a;
    a.status = AttemptStatus::kInProgress;
    a.submitted_ms = 0;
    a.auto_submitted = false;
    metrics_.attempts_in_progress.fetch_add(1);
  };
  WriteThrough(store::op::SubmitAttempt{attempt_id, snapshot.submitted_ms, false}, undo,
               [this, snapshot, done](const Status& st) {
                 if (!st.ok()) return done(st.error());
                 metrics_.attempts_submitted.fetch_add(1, std::memory_order_relaxed);
                 done(MakeView(snapshot));
               });
}

int ExamService::CountInterrupted(int64_t from_ms, int64_t to_ms) const {
  int n = 0;
  for (const Shard& sh : shards_) {
    MutexLock sl(sh.mu);
    for (const auto& [id, held] : sh.attempts) n += Interrupted(held.a, from_ms, to_ms) ? 1 : 0;
  }
  return n;
}

int ExamService::AutoSubmitDue() {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  const int64_t hold_ms = hold_from_ms_.load(std::memory_order_relaxed);
  const int64_t hold_to_ms = hold_to_ms_.load(std::memory_order_relaxed);
  int count = 0;
  for (Shard& sh : shards_) {
    MutexLock sl(sh.mu);
    for (auto& [id, held] : sh.attempts) {
      AttemptState& a = held.a;
      if (a.status != AttemptStatus::kInProgress || RunningAt(a, now_ms)) {
        continue;
      }
      if (serves_ && !serves_(a.exam_id)) continue;  // another node's: it submits them
      // The operator has not answered yet.
      if (hold_ms > 0 && Interrupted(a, hold_ms, hold_to_ms)) continue;
      store::op::SubmitAttempt op{id, a.deadline_ms, true};
      Status s = writer_.Submit(op, [this](const Status& st) {
        if (st.ok()) metrics_.attempts_submitted.fetch_add(1, std::memory_order_relaxed);
      });
      if (!s.ok()) continue;  // the queue is full: the next sweep tries again
      a.status = AttemptStatus::kSubmitted;
      a.submitted_ms = a.deadline_ms;
      a.auto_submitted = true;
      metrics_.attempts_in_progress.fetch_sub(1);
      ++count;
    }
  }
  return count;
}

// ---------------------------------------------------------------- teachers' views

void ExamService::GradeEssay(const Caller& caller, int64_t attempt_id,
                             const std::string& question_id, double points,
                             std::function<void(Status)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers grade"));
  // Another teacher's attempt is reported as missing, as ids are not to be probed.
  if (auto copy = CopyOf(attempt_id); !copy || !Manages(caller, copy->exam_id)) {
    return done(NoSuchAttempt(attempt_id));
  }
  Shard& sh = ShardOf(attempt_id);
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it == sh.attempts.end()) return NoSuchAttempt(attempt_id);
    const Question* q = it->second.spec ? it->second.spec->FindQuestion(question_id) : nullptr;
    if (!q) return Error::NotFound(fmt::format("no question '{}'", question_id));
    if (q->type != QuestionType::kEssay) {
      return Error::Conflict("only essays are graded by hand");
    }
    if (!(points >= 0 && points <= q->points)) {
      return Error::Invalid(fmt::format("points must be between 0 and {}", q->points))
          .Because("points_range", {{"max", fmt::format("{}", q->points)}});
    }
    if (it->second.a.status != AttemptStatus::kSubmitted) {
      return Error::Conflict("the attempt is not submitted yet");
    }
    it->second.a.manual_points[question_id] = points;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(store::op::SetManualGrade{attempt_id, question_id, points},
                            [done](const Status& st) { done(st); });
  if (!s.ok()) done(s);
}

void ExamService::SetComment(const Caller& caller, int64_t attempt_id,
                             const std::string& question_id, std::string text,
                             std::function<void(Status)> done) {
  if (!caller.is_teacher) return done(Error::Forbidden("only teachers grade"));
  if (auto copy = CopyOf(attempt_id); !copy || !Manages(caller, copy->exam_id)) {
    return done(NoSuchAttempt(attempt_id));
  }
  if (text.size() > kMaxCommentBytes) {
    return done(Error::Invalid(fmt::format("a comment is at most {} bytes", kMaxCommentBytes))
                    .Because("comment_too_long", {{"max", std::to_string(kMaxCommentBytes)}}));
  }
  if (FirstInvalidUtf8(text)) return done(Error::Invalid("a comment must be UTF-8"));
  for (unsigned char ch : text) {
    if ((ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') || ch == 0x7f) {
      return done(Error::Invalid("a comment holds a control character"));
    }
  }
  Shard& sh = ShardOf(attempt_id);
  std::optional<Error> refused = [&]() -> std::optional<Error> {
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(attempt_id);
    if (it == sh.attempts.end()) return NoSuchAttempt(attempt_id);
    if (!question_id.empty() &&
        !(it->second.spec && it->second.spec->FindQuestion(question_id))) {
      return Error::NotFound(fmt::format("no question '{}'", question_id));
    }
    if (it->second.a.status != AttemptStatus::kSubmitted) {
      return Error::Conflict("the attempt is not submitted yet").Because("not_submitted");
    }
    if (text.empty()) it->second.a.comments.erase(question_id);
    else it->second.a.comments[question_id] = text;
    return std::nullopt;
  }();
  if (refused) return done(std::move(*refused));
  Status s = writer_.Submit(
      store::op::SetGradeComment{attempt_id, question_id, std::move(text)},
      [done](const Status& st) { done(st); });
  if (!s.ok()) done(s);
}

Result<Gradebook> ExamService::GradebookOf(const Caller& caller,
                                          const std::string& course_id) const {
  if (!caller.is_teacher) return Error::Forbidden("only teachers see gradebooks");
  Gradebook g;
  std::vector<std::vector<int64_t>> attempt_ids;  // [student][exam], 0: none
  {
    ReaderLock lock(exams_mu_);
    auto course = courses_.find(course_id);
    if (course == courses_.end() ||
        !(caller.is_admin || TeachesLocked(course_id, caller.user_id))) {
      return NoSuchCourse(course_id);
    }
    g.course = course->second;
    for (const auto& [id, e] : exams_) {
      if (e->spec->course_id == course_id && e->state.published) g.exams.push_back(e);
    }
    std::stable_sort(g.exams.begin(), g.exams.end(), [](const auto& a, const auto& b) {
      return a->spec->opens_ms < b->spec->opens_ms;
    });
    if (auto it = enrolled_.find(course_id); it != enrolled_.end()) {
      for (int64_t user : it->second) {
        if (!TeachesLocked(course_id, user)) g.students.push_back(user);
      }
    }
    attempt_ids.assign(g.students.size(), std::vector<int64_t>(g.exams.size(), 0));
    for (size_t i = 0; i < g.students.size(); ++i) {
      for (size_t j = 0; j < g.exams.size(); ++j) {
        auto a = by_user_.find({g.exams[j]->spec->id, g.students[i]});
        if (a != by_user_.end()) attempt_ids[i][j] = a->second;
      }
    }
  }
  // The attempts are read after the exams' lock is let go (lock order: exams, then shards).
  g.cells.assign(g.students.size(), std::vector<GradebookCell>(g.exams.size()));
  for (size_t i = 0; i < g.students.size(); ++i) {
    for (size_t j = 0; j < g.exams.size(); ++j) {
      if (attempt_ids[i][j] == 0) continue;
      auto copy = CopyOf(attempt_ids[i][j]);
      if (!copy) continue;
      const Score score = GradeAttempt(*copy, *g.exams[j]->spec);
      g.cells[i][j] = GradebookCell{true, copy->status == AttemptStatus::kSubmitted,
                                    score.total(), score.ungraded_essays};
    }
  }
  return g;
}

Result<LiveCounts> ExamService::Live(const Caller& caller, const std::string& exam_id) const {
  if (!caller.is_teacher) return Error::Forbidden("only teachers watch exams");
  auto e = FindExam(exam_id);
  if (!e) return NoSuchExam(exam_id);
  if (!Manages(caller, exam_id)) return NotYours(exam_id);
  LiveCounts c;
  std::vector<int64_t> ids;
  {
    ReaderLock lock(exams_mu_);
    if (!e->spec->course_id.empty()) {
      auto it = enrolled_.find(e->spec->course_id);
      if (it != enrolled_.end()) c.enrolled = static_cast<int64_t>(it->second.size());
    }
    for (auto it = by_user_.lower_bound({exam_id, INT64_MIN});
         it != by_user_.end() && it->first.first == exam_id; ++it) {
      ids.push_back(it->second);
    }
  }
  for (int64_t id : ids) {
    const Shard& sh = ShardOf(id);
    MutexLock sl(sh.mu);
    auto it = sh.attempts.find(id);
    if (it == sh.attempts.end()) continue;
    ++c.started;
    if (it->second.a.status == AttemptStatus::kSubmitted) ++c.submitted; else ++c.in_progress;
  }
  int64_t now_s = ToUnixMs(clock_.Now()) / 1000;
  MutexLock lock(saves_mu_);
  if (auto it = saves_.find(exam_id); it != saves_.end()) {
    for (size_t i = 0; i < 60; ++i) {
      if (now_s - it->second.second[i] < 60) c.saves_last_minute += it->second.count[i];
    }
  }
  return c;
}

Result<std::vector<AttemptView>> ExamService::AttemptsOf(const Caller& caller,
                                                        const std::string& exam_id) const {
  if (!caller.is_teacher) return Error::Forbidden("only teachers see every attempt");
  if (!FindExam(exam_id)) return NoSuchExam(exam_id);
  if (!Manages(caller, exam_id)) return NotYours(exam_id);
  std::vector<int64_t> ids;
  {
    ReaderLock lock(exams_mu_);
    for (auto it = by_user_.lower_bound({exam_id, INT64_MIN});
         it != by_user_.end() && it->first.first == exam_id; ++it) {
      ids.push_back(it->second);
    }
  }
  std::sort(ids.begin(), ids.end());
  std::vector<AttemptView> out;
  for (int64_t id : ids) {
    if (auto copy = CopyOf(id)) out.push_back(MakeView(*copy));
  }
  return out;
}

}  // namespace pupitre::exam
