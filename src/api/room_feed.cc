#include "api/room_feed.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace pupitre::api {

using guard::Place;

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
  // One update a second at most, and only when something the page shows has changed:
  // thousands watch at once.
  const Place& p = entry->place;
  const bool paused = !p.eta.has_value();
  const int64_t eta_ms = p.eta ? p.eta->count() : -1;
  const bool eta_moved =
      !paused && std::abs(eta_ms - s.last_eta_ms) > std::max<int64_t>(1000, s.last_eta_ms / 5);
  const bool changed = p.position != s.last_position || paused != s.last_paused || eta_moved;
  if (!force && (!changed || now_ms - s.last_sent_ms < 1000)) return true;
  s.last_sent_ms = now_ms;
  s.last_position = p.position;
  s.last_paused = paused;
  s.last_eta_ms = eta_ms;
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
