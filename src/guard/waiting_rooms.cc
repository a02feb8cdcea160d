#include "guard/waiting_rooms.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <set>

#include "common/text.h"
#include "guard/signing.h"


namespace pupitre::guard {
namespace {

void ShuffleWithSodium(std::vector<int64_t>& v) {
  for (size_t i = v.size(); i > 1; --i) {
    size_t j = randombytes_uniform(static_cast<uint32_t>(i));
    std::swap(v[i - 1], v[j]);
  }
}


}  // namespace

std::string RoomKey(const std::string& exam_id, int wave) {
  return wave < 0 ? exam_id : exam_id + "#" + std::to_string(wave);
}

std::string ExamOfRoom(const std::string& room_key) {
  return room_key.substr(0, room_key.find('#'));
}

template <typename F>
int WaitingRooms::ForExam(const std::string& exam_id, F&& f) {
  int n = 0;
  for (auto it = rooms_.lower_bound(exam_id);
       it != rooms_.end() && ExamOfRoom(it->first) == exam_id; ++it) {
    f(it->second);
    ++n;
  }
  return n;
}

WaitingRooms::WaitingRooms(WaitingRoomOptions options, const Clock& clock, std::string key,
                           TimePoint restored_by, TimePoint claims_from)
    : options_(options),
      clock_(clock),
      key_(std::move(key)),
      started_(clock.Now()),
      restored_by_(restored_by),
      claims_from_(claims_from) {}

bool WaitingRooms::IsClaim(const Ticket& t) const {
  if (t.number <= 0) return false;
  {
    MutexLock lock(mu_);
    if (auto it = taken_.find(ExamOfRoom(t.exam_id)); it != taken_.end()) {
      return t.issued_ms < ToUnixMs(it->second.at);  // the previous holder's places
    }
  }
  return t.issued_ms >= ToUnixMs(claims_from_) && t.issued_ms < ToUnixMs(started_);
}

void WaitingRooms::TakeOver(const std::string& exam_id, TimePoint restored_by) {
  SettingsStore* settings = nullptr;
  {
    MutexLock lock(mu_);
    settings = settings_;
  }
  std::optional<Control> control;
  if (settings) {
    if (auto all = ReadControls(*settings); all.ok()) {
      if (auto c = all->find(exam_id); c != all->end()) control = c->second;
    } else {
      spdlog::warn("exam '{}' taken over with its last known admission controls: {}", exam_id,
                   all.error().message);
    }
  }
  MutexLock lock(mu_);
  for (auto it = rooms_.lower_bound(exam_id);
       it != rooms_.end() && ExamOfRoom(it->first) == exam_id;) {
    it = rooms_.erase(it);
  }
  taken_[exam_id] = Takeover{clock_.Now(), restored_by};
  if (control) controls_[exam_id] = *control;
}

WaitingRoom& WaitingRooms::RoomFor(const std::string& room_key, TimePoint opens) {
  auto it = rooms_.find(room_key);
  if (it == rooms_.end()) {
    // Right after a restart, the doors wait for those who held a place to come back.
    TimePoint shut_until = restored_by_;
    if (auto t = taken_.find(ExamOfRoom(room_key)); t != taken_.end()) {
      shut_until = std::max(shut_until, t->second.restored_by);
    }
    it = rooms_.emplace(room_key, WaitingRoom(options_, std::max(opens, shut_until),
                                              ShuffleWithSodium, clock_.Now()))
             .first;
    if (auto c = controls_.find(ExamOfRoom(room_key)); c != controls_.end()) {
      it->second.SetPaused(c->second.paused);
      if (c->second.max_rate > 0) it->second.SetMaxRate(c->second.max_rate);
    }
  }
  return it->second;
}

std::string WaitingRooms::Sign(const Ticket& t) const {
  std::string payload = fmt::format("v1.{}.{}.{}.{}", t.user_id, t.exam_id, t.number, t.issued_ms);
  return payload + "." + HmacHex(key_, payload);
}

Result<Ticket> WaitingRooms::Verify(const std::string& ticket) const {
  const Error bad = Error::Forbidden("this waiting-room ticket is not valid");
  size_t dot = ticket.rfind('.');
  if (dot == std::string::npos || ticket.size() > 512) return bad;
  std::string payload = ticket.substr(0, dot);
  if (!HmacMatches(key_, payload, std::string_view(ticket).substr(dot + 1))) return bad;
  // v1.USER.EXAM.NUMBER.ISSUED (exam ids hold no dots).
  std::vector<std::string_view> parts;
  std::string_view rest(payload);
  while (true) {
    size_t d = rest.find('.');
    parts.push_back(rest.substr(0, d));
    if (d == std::string_view::npos) break;
    rest.remove_prefix(d + 1);
  }
  Ticket t;
  if (parts.size() != 5 || parts[0] != "v1" || !ParseInt64(parts[1], t.user_id) ||
      !ParseInt64(parts[3], t.number) || !ParseInt64(parts[4], t.issued_ms)) {
    return bad;
  }
  t.exam_id = std::string(parts[2]);
  return t;
}

RoomEntry WaitingRooms::EntryFor(const std::string& exam_id, int64_t user_id,
                                 const Place& p) const {
  RoomEntry e{p, ""};
  if (!p.admitted) {
    e.ticket = Sign(Ticket{user_id, exam_id, p.ticket, ToUnixMs(clock_.Now())});
  }
  return e;
}

RoomEntry WaitingRooms::Arrive(const std::string& exam_id, TimePoint opens, int64_t user_id,
                               int64_t claim) {
  MutexLock lock(mu_);
  Place p = RoomFor(exam_id, opens).Arrive(user_id, clock_.Now(), claim);
  return EntryFor(exam_id, user_id, p);
}

std::optional<RoomEntry> WaitingRooms::Find(const std::string& exam_id, int64_t user_id) const {
  MutexLock lock(mu_);
  auto it = rooms_.find(exam_id);
  if (it == rooms_.end()) return std::nullopt;
  auto p = it->second.Find(user_id, clock_.Now());
  if (!p) return std::nullopt;
  return EntryFor(exam_id, user_id, *p);
}

std::optional<Place> WaitingRooms::FindPlace(const std::string& room_key,
                                             int64_t user_id) const {
  MutexLock lock(mu_);
  auto it = rooms_.find(room_key);
  if (it == rooms_.end()) return std::nullopt;
  return it->second.Find(user_id, clock_.Now());
}

std::map<std::string, uint64_t> WaitingRooms::Versions() const {
  MutexLock lock(mu_);
  std::map<std::string, uint64_t> out;
  for (const auto& [key, room] : rooms_) out.emplace_hint(out.end(), key, room.version());
  return out;
}

std::vector<std::pair<std::string, int64_t>> WaitingRooms::Tick() {
  MutexLock lock(mu_);
  std::vector<std::pair<std::string, int64_t>> out;
  const TimePoint now = clock_.Now();
  for (auto& [exam, room] : rooms_) {
    for (int64_t user : room.Tick(now)) out.emplace_back(exam, user);
  }
  return out;
}

void WaitingRooms::Adapt(bool overloaded) {
  MutexLock lock(mu_);
  for (auto& [exam, room] : rooms_) {
    // Multiplicative both ways: a morning's crowd builds in seconds, so must the rate.
    if (overloaded) {
      room.SetRate(room.rate() * 0.7);
    } else if (room.waiting() > 0) {
      room.SetRate(room.rate() + std::max(1.0, room.rate() * 0.5));
    }
  }
}

Status WaitingRooms::SetPaused(const std::string& exam_id, bool paused) {
  {
    MutexLock lock(mu_);
    controls_[exam_id].paused = paused;
    ForExam(exam_id, [&](WaitingRoom& r) { r.SetPaused(paused); });
  }
  return SaveControls(exam_id);
}

Status WaitingRooms::SetMaxRate(const std::string& exam_id, double max_rate) {
  {
    MutexLock lock(mu_);
    controls_[exam_id].max_rate =
        std::clamp(max_rate, WaitingRoom::kMinOperatorRate, options_.max_rate);
    ForExam(exam_id, [&](WaitingRoom& r) { r.SetMaxRate(max_rate); });
  }
  return SaveControls(exam_id);
}

Result<std::map<std::string, WaitingRooms::Control>> WaitingRooms::ReadControls(
    const SettingsStore& settings) {
  std::map<std::string, Control> out;
  const std::optional<std::string> text = settings.Get(std::string(kControlsSetting));
  if (!text) return out;  // nothing set yet
  const std::string where = fmt::format("the setting {}", kControlsSetting);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return Error::Invalid(where + " is not a JSON object");
  for (const auto& [exam, c] : v.as_object()) {
    const auto* o = c.if_object();
    const auto* paused = o ? o->if_contains("paused") : nullptr;
    const auto* rate = o ? o->if_contains("max_rate") : nullptr;
    if (!paused || !paused->is_bool() || !rate || !rate->is_number()) {
      return Error::Invalid(
          fmt::format("{}: bad entry for exam '{}'", where, std::string_view(exam)));
    }
    out[std::string(exam)] = Control{paused->as_bool(), rate->to_number<double>()};
  }
  return out;
}

Status WaitingRooms::PersistControlsTo(SettingsStore& settings) {
  auto controls = ReadControls(settings);
  if (!controls.ok()) return controls.take_error();
  MutexLock lock(mu_);
  settings_ = &settings;
  for (auto& [exam, c] : *controls) controls_[exam] = c;
  return OkStatus();
}

Status WaitingRooms::SaveControls(const std::string& exam_id) {
  // Written outside mu_: the write waits for the writer, whose completions may need mu_. One
  // save at a time, so that the last write holds the last state. Only this exam's entry is
  // this node's to say: the others are kept as the store has them (with nodes sharing the
  // store, another node may hold them and have changed them).
  MutexLock save(save_mu_);
  SettingsStore* settings = nullptr;
  std::optional<Control> mine;
  {
    MutexLock lock(mu_);
    settings = settings_;
    if (auto it = controls_.find(exam_id); it != controls_.end()) mine = it->second;
  }
  if (!settings) return OkStatus();
  auto stored = ReadControls(*settings);
  std::map<std::string, Control> all = stored.ok() ? std::move(*stored)
                                                   : std::map<std::string, Control>();
  if (mine) all[exam_id] = *mine;
  boost::json::object out;
  for (const auto& [exam, c] : all) {
    out[exam] = boost::json::object{{"paused", c.paused}, {"max_rate", c.max_rate}};
  }
  return settings->Put(std::string(kControlsSetting), boost::json::serialize(out));
}

Status WaitingRooms::LetThrough(const std::string& exam_id, TimePoint opens, int64_t user_id) {
  MutexLock lock(mu_);
  RoomFor(exam_id, opens).LetThrough(user_id);
  return OkStatus();
}

void WaitingRooms::Unadmit(const std::string& exam_id, int64_t user_id) {
  MutexLock lock(mu_);
  auto it = rooms_.find(exam_id);
  if (it != rooms_.end()) it->second.Unadmit(user_id);
}

Millis WaitingRooms::TakeWaited(const std::string& room_key, int64_t user_id) {
  MutexLock lock(mu_);
  auto it = rooms_.find(room_key);
  return it == rooms_.end() ? Millis(0) : it->second.TakeWaited(user_id, clock_.Now());
}

std::optional<RoomStatus> WaitingRooms::StatusOf(const std::string& exam_id) const {
  MutexLock lock(mu_);
  RoomStatus t;
  int n = const_cast<WaitingRooms*>(this)->ForExam(exam_id, [&](const WaitingRoom& r) {
    t.paused = r.paused();
    t.rate = std::max(t.rate, r.rate());
    t.max_rate = std::max(t.max_rate, r.max_rate());
    t.waiting += r.waiting();
    t.admitted += r.admitted_count();
  });
  if (n > 0) return t;
  // No room yet, but the operator has set something: what the first room will start with.
  auto c = controls_.find(exam_id);
  if (c == controls_.end()) return std::nullopt;
  t.paused = c->second.paused;
  t.max_rate = c->second.max_rate > 0 ? c->second.max_rate : options_.max_rate;
  t.rate = std::clamp(options_.initial_rate, std::min(options_.min_rate, t.max_rate), t.max_rate);
  return t;
}

std::vector<std::string> WaitingRooms::ExamIds() const {
  MutexLock lock(mu_);
  std::set<std::string> out;
  for (const auto& [key, room] : rooms_) out.insert(ExamOfRoom(key));
  for (const auto& [exam, c] : controls_) out.insert(exam);
  return {out.begin(), out.end()};
}

RoomStatus WaitingRooms::Totals() const {
  MutexLock lock(mu_);
  RoomStatus t;
  for (const auto& [exam, r] : rooms_) {
    t.waiting += r.waiting();
    t.admitted += r.admitted_count();
    t.rate += r.paused() ? 0 : r.rate();
  }
  return t;
}

}  // namespace pupitre::guard
