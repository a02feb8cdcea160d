#include "api/room_feed.h"

#include <boost/json.hpp>

#include <algorithm>

namespace pupitre::api {

std::string PlaceJsonText(const guard::RoomEntry& e, int64_t now_ms) {
  boost::json::object o{{"admitted", e.place.admitted},
                        {"position", e.place.position},
                        {"ticket_number", e.place.ticket},
                        {"before_opening", e.place.before_opening},
                        {"paused", !e.place.eta.has_value()},
                        {"server_now_ms", now_ms}};
  o["eta_ms"] = e.place.eta ? boost::json::value(e.place.eta->count())
                            : boost::json::value(nullptr);
  if (!e.ticket.empty()) o["ticket"] = e.ticket;
  // How soon to ask again, for clients that poll: often near the front, rarely far back.
  int64_t poll = e.place.eta ? std::clamp<int64_t>(e.place.eta->count() / 4, 500, 10'000) : 5'000;
  o["poll_after_ms"] = poll;
  return boost::json::serialize(o);
}

bool RoomFeed::SendUpdate(Sub& s, int64_t now_ms, bool force) {
  if (s.stream->closed()) return false;
  if (auto id = exams_.AttemptIdOf(guard::ExamOfRoom(s.room_key), s.user_id)) {
    s.stream->Push("admitted", boost::json::serialize(boost::json::object{
                                   {"admitted", true}, {"attempt_id", *id},
                                   {"server_now_ms", now_ms}}));
    s.stream->Close();
    return false;
  }
  auto entry = rooms_.Find(s.room_key, s.user_id);
  if (!entry) {
    s.stream->Close();
    return false;
  }
  // Between changes, one update a second at most: thousands watch at once.
  const bool changed = entry->place.position != s.last_position;
  if (!force && (!changed || now_ms - s.last_sent_ms < 1000)) return true;
  s.last_sent_ms = now_ms;
  s.last_position = entry->place.position;
  return s.stream->Push("place", PlaceJsonText(*entry, now_ms));
}

void RoomFeed::Subscribe(const std::string& room_key, int64_t user_id,
                         std::shared_ptr<http::EventStream> stream) {
  Sub s{room_key, user_id, std::move(stream)};
  const int64_t now_ms = ToUnixMs(clock_.Now());
  if (!SendUpdate(s, now_ms, /*force=*/true)) return;
  std::lock_guard lock(mu_);
  subs_.push_back(std::move(s));
}

void RoomFeed::Publish() {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  std::lock_guard lock(mu_);
  subs_.erase(std::remove_if(subs_.begin(), subs_.end(),
                             [&](Sub& s) { return !SendUpdate(s, now_ms, false); }),
              subs_.end());
}

size_t RoomFeed::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace pupitre::api
