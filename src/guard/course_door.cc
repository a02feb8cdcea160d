#include "guard/course_door.h"

#include <algorithm>
#include <random>

namespace pupitre::guard {

namespace {
void Shuffle(std::vector<int64_t>& v) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::shuffle(v.begin(), v.end(), rng);
}
}  // namespace

CourseDoor::CourseDoor(CourseDoorOptions options, const Clock& clock)
    : options_(options), clock_(clock), rate_(options.initial_rate) {}

void CourseDoor::NewLineLocked(TimePoint now) {
  WaitingRoomOptions o;
  o.initial_rate = rate_;
  o.min_rate = options_.min_rate;
  o.max_rate = options_.max_rate;
  o.restore_ms = 0;
  line_.emplace(o, now, Shuffle, now);
}

DoorAnswer CourseDoor::Knock(int64_t user_id) {
  const TimePoint now = clock_.Now();
  MutexLock lock(mu_);
  if (auto p = passes_.find(user_id); p != passes_.end() && p->second > now) {
    p->second = now + options_.pass;  // renewed as it is used
    return {true, {}};
  }
  if (!busy_ && !held_ && (!line_ || line_->waiting() == 0)) {
    passes_[user_id] = now + options_.pass;
    return {true, {}};
  }
  if (!line_) NewLineLocked(now);
  const Place p = line_->Arrive(user_id, now);
  if (!p.admitted) return {false, p};
  line_->TakeWaited(user_id, now);
  passes_[user_id] = now + options_.pass;
  return {true, {}};
}

void CourseDoor::Adapt(bool overloaded, bool exam_rush) {
  const TimePoint now = clock_.Now();
  MutexLock lock(mu_);
  busy_ = overloaded || exam_rush;
  // Multiplicative both ways, like the exams' rooms; an exam rush slows the line too.
  if (busy_) {
    rate_ = std::max(options_.min_rate, rate_ * 0.7);
  } else if (line_ && line_->waiting() > 0) {
    rate_ = std::min(options_.max_rate, rate_ + std::max(1.0, rate_ * 0.5));
  }
  if (line_) {
    line_->SetRate(rate_);
    // Nobody waits and the platform has room: the line goes (its admitted set with it).
    if (!busy_ && !held_ && line_->waiting() == 0) line_.reset();
  }
  std::erase_if(passes_, [&](const auto& p) { return p.second <= now; });
}

size_t CourseDoor::Tick() {
  const TimePoint now = clock_.Now();
  MutexLock lock(mu_);
  if (!line_) return 0;
  const auto in = line_->Tick(now);
  for (int64_t u : in) {
    line_->TakeWaited(u, now);
    passes_[u] = now + options_.pass;
  }
  return in.size();
}

Status CourseDoor::Hold(bool on) {
  if (settings_ != nullptr) {
    if (auto s = settings_->Put(std::string(kHoldSetting), on ? "1" : "0"); !s.ok()) return s;
  }
  MutexLock lock(mu_);
  held_ = on;
  if (on && !line_) NewLineLocked(clock_.Now());
  return OkStatus();
}

void CourseDoor::Follow(bool held) {
  MutexLock lock(mu_);
  held_ = held;
  if (held_ && !line_) NewLineLocked(clock_.Now());
}

void CourseDoor::PersistTo(SettingsStore& settings) {
  settings_ = &settings;
  const auto kept = settings.Get(std::string(kHoldSetting));
  MutexLock lock(mu_);
  held_ = kept && *kept == "1";
  if (held_ && !line_) NewLineLocked(clock_.Now());
}

DoorStatus CourseDoor::Current() const {
  MutexLock lock(mu_);
  DoorStatus s;
  s.line = busy_ || held_ || (line_ && line_->waiting() > 0);
  s.held = held_;
  s.rate = rate_;
  s.waiting = line_ ? line_->waiting() : 0;
  s.passes = static_cast<int64_t>(passes_.size());
  return s;
}

}  // namespace pupitre::guard
