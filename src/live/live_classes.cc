#include "live/live_classes.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <random>

namespace pupitre::live {

namespace {

// A class runs on after its scheduled end by this much before it counts as over.
constexpr int64_t kOverrunMs = 30 * 60'000;
// Someone given a way in holds a seat this long before the engine must show them.
constexpr Millis kSeatHold = std::chrono::minutes(2);
// A meeting created this recently is not created again before a join (the engine keeps it).
constexpr Millis kRecreateAfter = std::chrono::seconds(60);
// After the engine failed, joins are told at once for this long instead of waiting on it.
constexpr Millis kEngineBackoff = std::chrono::seconds(10);

Error NoLive() { return Error::NotFound("no such live class").Because("no_live"); }

void Shuffle(std::vector<int64_t>& v) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::shuffle(v.begin(), v.end(), rng);
}

}  // namespace

std::string_view PhaseName(Phase p) {
  switch (p) {
    case Phase::kScheduled: return "scheduled";
    case Phase::kOpen: return "open";
    case Phase::kEnded: return "ended";
  }
  return "ended";
}

LiveClasses::LiveClasses(store::Writer& writer, const Clock& clock, course::CourseSpace& space,
                         course::StudentsOfCourse students_of, Engine* engine,
                         LiveOptions options)
    : writer_(writer),
      clock_(clock),
      space_(space),
      students_of_(std::move(students_of)),
      engine_(engine),
      options_(std::move(options)) {}

void LiveClasses::Load(const store::Snapshot& snapshot) {
  MutexLock lock(mu_);
  for (const auto& r : snapshot.live_classes) {
    rules_[r.item_id] = LiveRules{r.start_ms, r.duration_min, r.record};
    if (r.ended_ms > 0) ended_ms_[r.item_id] = r.ended_ms;
  }
  for (const auto& a : snapshot.live_attendance) {
    // Loaded again (another node's change): joins only add up.
    Attendance& here = attendance_[{a.item_id, a.user_id}];
    if (a.joins >= here.joins) here = Attendance{a.first_ms, a.last_ms, a.joins};
  }
}

Status LiveClasses::CheckRules(const LiveRules& r) {
  if (r.start_ms <= 0) return Error::Invalid("a start time is needed").Because("start_needed");
  if (r.duration_min < 5 || r.duration_min > kMaxDurationMin) {
    return Error::Invalid(fmt::format("a class lasts from 5 to {} minutes", kMaxDurationMin))
        .Because("live_duration", {{"max", std::to_string(kMaxDurationMin)}});
  }
  return OkStatus();
}

Result<course::Item> LiveClasses::LiveItem(const course::Caller& caller,
                                           const std::string& course_id, int64_t item_id) const {
  auto item = space_.ItemOf(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  if (item->kind != "live") return NoLive();
  return item;
}

Status LiveClasses::SetRules(const course::Caller& caller, const std::string& course_id,
                             int64_t item_id, const LiveRules& rules) {
  if (auto s = space_.CheckTeacher(caller, course_id); !s.ok()) return s;
  if (auto s = CheckRules(rules); !s.ok()) return s;
  auto item = LiveItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  int64_t ended = 0;
  {
    MutexLock lock(mu_);
    if (auto it = ended_ms_.find(item_id); it != ended_ms_.end()) ended = it->second;
  }
  store::LiveClassRecord r{item_id, course_id, rules.start_ms, rules.duration_min, rules.record,
                           ended};
  if (auto s = writer_.WriteNow({store::op::PutLiveClass{r}}); !s.ok()) return s;
  MutexLock lock(mu_);
  rules_[item_id] = rules;
  return OkStatus();
}

std::optional<LiveRules> LiveClasses::RulesOf(int64_t item_id) const {
  MutexLock lock(mu_);
  auto it = rules_.find(item_id);
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

Phase LiveClasses::PhaseOf(const LiveRules& r, int64_t ended_ms, TimePoint now) const {
  const int64_t t = ToUnixMs(now);
  if (ended_ms > 0 || t > r.start_ms + r.duration_min * 60'000 + kOverrunMs) return Phase::kEnded;
  if (t < r.start_ms - options_.open_minutes_before * 60'000) return Phase::kScheduled;
  return Phase::kOpen;
}

std::string LiveClasses::MeetingId(const std::string& course_id, int64_t item_id) const {
  return fmt::format("{}{}-{}", options_.meeting_prefix, course_id, item_id);
}

std::string LiveClasses::Password(std::string_view role, const std::string& meeting_id) const {
  // HMAC-SHA256(key, role:meeting): the engine's passwords never need storing, and each meeting
  // has its own.
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(options_.password_key.data()),
                     options_.password_key.size(), nullptr, 0);
  const std::string msg = fmt::format("{}:{}", role, meeting_id);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key);
  char hex[2 * 12 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, 12);
  return hex;
}

int64_t LiveClasses::SeatsUsedLocked() const {
  int64_t n = 0;
  for (const auto& [id, r] : rooms_) n += static_cast<int64_t>(r.present.size() + r.seated.size());
  return n;
}

LiveClasses::Room& LiveClasses::RoomLocked(int64_t item_id, const std::string& course_id) {
  auto [it, added] = rooms_.try_emplace(item_id);
  if (added) {
    it->second.course_id = course_id;
    if (options_.max_participants > 0) {
      guard::WaitingRoomOptions o;
      o.initial_rate = o.min_rate = o.max_rate = options_.join_rate;
      o.restore_ms = 0;
      const TimePoint now = clock_.Now();
      it->second.line = std::make_unique<guard::WaitingRoom>(o, now, Shuffle, now);
    }
  }
  return it->second;
}

bool LiveClasses::MeetingFreshLocked(const Room& r, TimePoint now) const {
  return r.open && (r.running || now - r.created_at < kRecreateAfter);
}

void LiveClasses::RecordJoinLocked(int64_t item_id, int64_t user_id, int64_t now_ms) {
  Attendance& a = attendance_[{item_id, user_id}];
  if (a.joins == 0) a.first_ms = now_ms;
  a.last_ms = now_ms;
  ++a.joins;
  const store::LiveAttendanceRecord rec{item_id, user_id, a.first_ms, a.last_ms, a.joins};
  // Not waited for: the person goes in now; a write that fails is logged.
  const Status s = writer_.Submit(store::op::PutLiveAttendance{rec}, [](const Status& st) {
    if (!st.ok()) spdlog::warn("live: attendance not written: {}", st.error().message);
  });
  if (!s.ok()) spdlog::warn("live: attendance not written: {}", s.error().message);
}

Result<LiveView> LiveClasses::ViewOf(const course::Caller& caller, const std::string& course_id,
                                     int64_t item_id) const {
  auto item = LiveItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  const TimePoint now = clock_.Now();
  LiveView v;
  v.item = *item;
  v.teacher = space_.RoleOf(caller, course_id) == course::Role::kTeacher;
  v.engine = engine_ != nullptr;
  MutexLock lock(mu_);
  auto r = rules_.find(item_id);
  if (r == rules_.end()) return NoLive();
  v.rules = r->second;
  if (auto e = ended_ms_.find(item_id); e != ended_ms_.end()) v.ended_ms = e->second;
  v.phase = PhaseOf(v.rules, v.ended_ms, now);
  v.opens_ms = v.rules.start_ms - options_.open_minutes_before * 60'000;
  v.ends_ms = v.rules.start_ms + v.rules.duration_min * 60'000;
  if (auto a = attendance_.find({item_id, caller.user_id}); a != attendance_.end()) {
    v.mine = a->second;
  }
  if (auto room = rooms_.find(item_id); room != rooms_.end()) {
    v.present = static_cast<int64_t>(room->second.present.size());
    if (room->second.line) {
      v.waiting = room->second.line->waiting();
      if (auto p = room->second.line->Find(caller.user_id, now); p && !p->admitted) v.place = p;
    }
  }
  return v;
}

Result<JoinOutcome> LiveClasses::Join(const course::Caller& caller, const std::string& course_id,
                                      int64_t item_id, const std::string& full_name) {
  auto item = LiveItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  const bool teacher = space_.RoleOf(caller, course_id) == course::Role::kTeacher;
  const TimePoint now = clock_.Now();
  MutexLock lock(mu_);
  auto rules = rules_.find(item_id);
  if (rules == rules_.end()) return NoLive();
  const int64_t ended = ended_ms_.count(item_id) ? ended_ms_.at(item_id) : 0;
  const Phase phase = PhaseOf(rules->second, ended, now);
  if (phase == Phase::kEnded) {
    return Error::Conflict("this class is over").Because("live_ended");
  }
  if (phase == Phase::kScheduled && !teacher) {
    const int64_t opens = rules->second.start_ms - options_.open_minutes_before * 60'000;
    return Error::Conflict("this class is not open yet")
        .Because("live_not_open", {{"opens_ms", std::to_string(opens)}});
  }
  if (engine_ == nullptr) {
    return Error::Unavailable("live classes have no video server configured on this site")
        .Because("live_not_configured");
  }
  Room& room = RoomLocked(item_id, course_id);
  const bool has_seat = room.present.count(caller.user_id) || room.seated.count(caller.user_id);
  if (!has_seat && !teacher && room.line) {
    // Students queue when the engine is full: the line is paused while no seat is free.
    const int64_t free = options_.max_participants - SeatsUsedLocked();
    room.line->SetPaused(free <= 0);
    const guard::Place p = room.line->Arrive(caller.user_id, now);
    if (!p.admitted) return JoinOutcome{"", p, false};
    room.line->TakeWaited(caller.user_id, now);
  }
  if (!has_seat) room.seated[caller.user_id] = now;
  if (!MeetingFreshLocked(room, now)) return JoinOutcome{"", std::nullopt, true};
  const std::string meeting = MeetingId(course_id, item_id);
  RecordJoinLocked(item_id, caller.user_id, ToUnixMs(now));
  JoinSpec j{meeting, full_name, std::to_string(caller.user_id),
             Password(teacher ? "moderator" : "attendee", meeting), room.create_time};
  return JoinOutcome{engine_->JoinUrl(j), std::nullopt, false};
}

Status LiveClasses::OpenMeeting(const std::string& course_id, int64_t item_id) {
  if (engine_ == nullptr) {
    return Error::Unavailable("no video server is configured").Because("live_not_configured");
  }
  MutexLock one(open_mu_);
  MeetingSpec m;
  {
    MutexLock lock(mu_);
    const TimePoint now = clock_.Now();
    if (now < engine_down_until_) {
      return Error::Unavailable("the video server does not answer").Because("live_engine_down");
    }
    Room& room = RoomLocked(item_id, course_id);
    if (MeetingFreshLocked(room, now)) return OkStatus();  // another join just opened it
    auto rules = rules_.find(item_id);
    if (rules == rules_.end()) return NoLive();
    m.record = rules->second.record;
    m.duration_min = rules->second.duration_min + kOverrunMs / 60'000;
  }
  m.meeting_id = MeetingId(course_id, item_id);
  course::Caller system{0, true};
  auto item = space_.ItemOf(system, course_id, item_id);
  m.name = item.ok() ? item->title : m.meeting_id;
  m.attendee_pw = Password("attendee", m.meeting_id);
  m.moderator_pw = Password("moderator", m.meeting_id);
  auto created = engine_->Create(m);  // blocking, without mu_
  MutexLock lock(mu_);
  if (!created.ok()) {
    engine_down_until_ = clock_.Now() + kEngineBackoff;
    return created.error();
  }
  Room& room = RoomLocked(item_id, course_id);
  room.open = true;
  room.create_time = *created;
  room.created_at = clock_.Now();
  return OkStatus();
}

Status LiveClasses::End(const course::Caller& caller, const std::string& course_id,
                        int64_t item_id) {
  if (auto s = space_.CheckTeacher(caller, course_id); !s.ok()) return s;
  auto item = LiveItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  LiveRules rules;
  {
    MutexLock lock(mu_);
    auto r = rules_.find(item_id);
    if (r == rules_.end()) return NoLive();
    if (ended_ms_.count(item_id)) return OkStatus();
    rules = r->second;
  }
  const std::string meeting = MeetingId(course_id, item_id);
  if (engine_ != nullptr) {
    if (auto s = engine_->End(meeting, Password("moderator", meeting)); !s.ok()) return s;
  }
  const int64_t now_ms = ToUnixMs(clock_.Now());
  store::LiveClassRecord r{item_id, course_id, rules.start_ms, rules.duration_min, rules.record,
                           now_ms};
  if (auto s = writer_.WriteNow({store::op::PutLiveClass{r}}); !s.ok()) return s;
  MutexLock lock(mu_);
  ended_ms_[item_id] = now_ms;
  rooms_.erase(item_id);
  return OkStatus();
}

Result<std::vector<AttendanceRow>> LiveClasses::AttendanceOf(const course::Caller& caller,
                                                             const std::string& course_id,
                                                             int64_t item_id) const {
  if (auto s = space_.CheckGrader(caller, course_id); !s.ok()) return s.error();
  auto item = LiveItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  std::vector<AttendanceRow> out;
  const std::vector<int64_t> students = students_of_(course_id);
  MutexLock lock(mu_);
  const auto room = rooms_.find(item_id);
  for (int64_t u : students) {
    AttendanceRow row{u, std::nullopt, false};
    if (auto a = attendance_.find({item_id, u}); a != attendance_.end()) row.attended = a->second;
    if (room != rooms_.end()) row.present = room->second.present.count(u) > 0;
    out.push_back(row);
  }
  return out;
}

Result<std::vector<Recording>> LiveClasses::Recordings(const course::Caller& caller,
                                                       const std::string& course_id,
                                                       int64_t item_id) {
  auto item = LiveItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  if (engine_ == nullptr) return std::vector<Recording>{};
  auto list = engine_->Recordings(MeetingId(course_id, item_id));
  if (!list.ok()) return list.error();
  // Students see published recordings only.
  if (space_.RoleOf(caller, course_id) != course::Role::kTeacher) {
    std::erase_if(*list, [](const Recording& r) { return !r.published; });
  }
  return list;
}

size_t LiveClasses::AdmitDue() {
  const TimePoint now = clock_.Now();
  size_t admitted = 0;
  MutexLock lock(mu_);
  for (auto& [id, room] : rooms_) {
    if (!room.line || room.line->waiting() == 0) continue;
    const int64_t free = options_.max_participants - SeatsUsedLocked();
    room.line->SetPaused(free <= 0);
    if (free <= 0) continue;
    for (int64_t u : room.line->Tick(now, static_cast<size_t>(free))) {
      room.seated[u] = now;
      room.line->TakeWaited(u, now);
      ++admitted;
    }
  }
  return admitted;
}

void LiveClasses::Refresh() {
  if (engine_ == nullptr) return;
  std::vector<std::pair<int64_t, std::string>> open;
  {
    MutexLock lock(mu_);
    const TimePoint now = clock_.Now();
    for (auto it = rooms_.begin(); it != rooms_.end();) {
      // Classes that are over leave memory.
      auto r = rules_.find(it->first);
      const int64_t ended = ended_ms_.count(it->first) ? ended_ms_.at(it->first) : 0;
      if (r == rules_.end() || PhaseOf(r->second, ended, now) == Phase::kEnded) {
        it = rooms_.erase(it);
        continue;
      }
      if (it->second.open) {
        open.emplace_back(it->first, it->second.course_id);
      } else {
        // No meeting to ask about (it could not be opened): the ways in given meanwhile stop
        // holding seats after the hold, or a down engine would fill the cap with nobody.
        std::erase_if(it->second.seated, [&](const auto& s) { return now - s.second >= kSeatHold; });
      }
      ++it;
    }
  }
  for (const auto& [item_id, course_id] : open) {
    auto people = engine_->Attendees(MeetingId(course_id, item_id));  // blocking, without mu_
    MutexLock lock(mu_);
    const TimePoint now = clock_.Now();
    if (!people.ok()) {
      engine_down_until_ = now + kEngineBackoff;
      return;  // the next look tries again
    }
    auto it = rooms_.find(item_id);
    if (it == rooms_.end()) continue;
    Room& room = it->second;
    room.present.clear();
    for (const Attendee& a : *people) {
      int64_t u = 0;
      auto [end, ec] = std::from_chars(a.user_id.data(), a.user_id.data() + a.user_id.size(), u);
      if (ec == std::errc() && u > 0) room.present.insert(u);
    }
    room.running = !people->empty();
    if (!room.running && now - room.created_at >= kRecreateAfter) room.open = false;
    std::erase_if(room.seated, [&](const auto& s) {
      return room.present.count(s.first) > 0 || now - s.second >= kSeatHold;
    });
  }
}

LiveStats LiveClasses::Stats() const {
  MutexLock lock(mu_);
  LiveStats s;
  s.seats_used = SeatsUsedLocked();
  for (const auto& [id, room] : rooms_) {
    if (room.line) s.waiting += room.line->waiting();
    if (room.open) ++s.meetings;
  }
  s.engine_up = clock_.Now() >= engine_down_until_;
  return s;
}

}  // namespace pupitre::live
