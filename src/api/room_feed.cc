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
  auto place = rooms_.FindPlace(s.room_key, s.user_id);
  if (!place) {
    s.stream->Close();
    return false;
  }
  // Admitted, the attempt being created: nothing to say until it exists (then "admitted").
  s.admitting = place->admitted;
  if (s.admitting) return true;
  // One update a second at most, and only when something the page shows has changed:
  // thousands watch at once.
  const Place& p = *place;
  const bool paused = !p.eta.has_value();
  const int64_t eta_ms = p.eta ? p.eta->count() : -1;
  const bool eta_moved =
      !paused && std::abs(eta_ms - s.last_eta_ms) > std::max<int64_t>(1000, s.last_eta_ms / 5);
  const bool changed = p.position != s.last_position || paused != s.last_paused || eta_moved;
  // A change held back by the once-a-second rule is looked at again until it is sent.
  s.held_back = !force && changed && now_ms - s.last_sent_ms < 1000;
  if (!force && (!changed || s.held_back)) return true;
  s.last_sent_ms = now_ms;
  s.last_position = p.position;
  s.last_paused = paused;
  s.last_eta_ms = eta_ms;
  // Signed only now: most looks send nothing.
  return s.stream->Push("place",
                        PlaceJsonText(rooms_.EntryFor(s.room_key, s.user_id, p), now_ms));
}

void RoomFeed::Subscribe(const std::string& room_key, int64_t user_id,
                         std::shared_ptr<http::EventStream> stream) {
  Sub s{room_key, user_id, std::move(stream)};
  const int64_t now_ms = ToUnixMs(clock_.Now());
  const auto versions = rooms_.Versions();
  if (auto it = versions.find(room_key); it != versions.end()) s.seen_version = it->second;
  s.last_checked_ms = now_ms;
  if (!SendUpdate(s, now_ms, /*force=*/true)) return;
  std::lock_guard lock(mu_);
  subs_.push_back(std::move(s));
}

bool RoomFeed::Due(const Sub& s, const std::map<std::string, uint64_t>& versions,
                   int64_t now_ms) {
  if (s.admitting || s.held_back || now_ms - s.last_checked_ms >= 5000) return true;
  auto it = versions.find(s.room_key);
  return it == versions.end() || it->second != s.seen_version;
}

void RoomFeed::Publish() {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  const auto versions = rooms_.Versions();
  std::lock_guard lock(mu_);
  subs_.erase(std::remove_if(subs_.begin(), subs_.end(),
                             [&](Sub& s) {
                               if (s.stream->closed()) return true;
                               if (!Due(s, versions, now_ms)) return false;
                               // The version first: a change during the look is seen next time.
                               auto it = versions.find(s.room_key);
                               s.seen_version = it == versions.end() ? 0 : it->second;
                               s.last_checked_ms = now_ms;
                               return !SendUpdate(s, now_ms, false);
                             }),
              subs_.end());
}

size_t RoomFeed::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace pupitre::api
