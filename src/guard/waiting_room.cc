#include "guard/waiting_room.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace pupitre::guard {

WaitingRoom::WaitingRoom(WaitingRoomOptions options, TimePoint opens, Shuffle shuffle,
                         TimePoint now)
    : options_(options),
      opens_(opens),
      shuffle_(std::move(shuffle)),
      doors_open_(now >= opens),
      rate_(std::clamp(options.initial_rate, options.min_rate, options.max_rate)),
      max_rate_(options.max_rate),
      tokens_(rate_),  // one second's worth may go at once
      last_refill_(now) {}

void WaitingRoom::OpenDoorsIfDue(TimePoint now) {
  if (doors_open_ || now < opens_) return;
  doors_open_ = true;
  // Those who held a place before a restart keep their order, ahead; everyone else who came
  // early had the same chance: their order is drawn now.
  auto claimed_end = std::stable_partition(before_opening_.begin(), before_opening_.end(),
                                           [&](int64_t u) { return claims_.count(u) > 0; });
  std::sort(before_opening_.begin(), claimed_end,
            [&](int64_t a, int64_t b) { return claims_.at(a) < claims_.at(b); });
  std::vector<int64_t> drawn(claimed_end, before_opening_.end());
  shuffle_(drawn);
  std::copy(drawn.begin(), drawn.end(), claimed_end);
  claims_.clear();
  for (int64_t user : before_opening_) {
    ticket_of_[user] = next_ticket_++;
    queue_.push_back(user);
  }
  before_opening_.clear();
  early_index_.clear();
  ++version_;
  last_refill_ = now;
  tokens_ = std::min(tokens_, Burst());
}

void WaitingRoom::Refill(TimePoint now) {
  if (now <= last_refill_) return;
  double seconds = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  if (paused_ || !doors_open_) return;
  tokens_ = std::min(Burst(), tokens_ + seconds * rate_);
}

Place WaitingRoom::Arrive(int64_t user_id, TimePoint now, int64_t claim) {
  OpenDoorsIfDue(now);
  Refill(now);
  if (admitted_.count(user_id)) return Place{true, 0, 0, Millis(0), false};
  if (auto it = ticket_of_.find(user_id); it != ticket_of_.end()) return PlaceOf(it->second);
  arrived_.emplace(user_id, now);  // kept if queued (erased below if let in at once)
  if (!doors_open_) {
    auto [at, added] = early_index_.emplace(user_id, before_opening_.size());
    if (added) before_opening_.push_back(user_id);
    if (claim > 0) {
      auto [c, added] = claims_.emplace(user_id, claim);
      if (!added) c->second = std::min(c->second, claim);
    }
    Place p;
    p.before_opening = true;
    p.position = static_cast<int64_t>(at->second) + 1;
    p.eta = std::chrono::duration_cast<Millis>(opens_ - now);
    return p;
  }
  if (queue_.empty() && !paused_ && tokens_ >= 1) {
    tokens_ -= 1;
    admitted_.insert(user_id);
    arrived_.erase(user_id);
    return Place{true, 0, 0, Millis(0), false};
  }
  ticket_of_[user_id] = next_ticket_++;
  queue_.push_back(user_id);
  return PlaceOf(ticket_of_[user_id]);
}

std::optional<Place> WaitingRoom::Find(int64_t user_id, TimePoint now) const {
  if (admitted_.count(user_id)) return Place{true, 0, 0, Millis(0), false};
  if (auto it = ticket_of_.find(user_id); it != ticket_of_.end()) return PlaceOf(it->second);
  auto it = early_index_.find(user_id);
  if (it == early_index_.end()) return std::nullopt;
  Place p;
  p.before_opening = true;
  p.position = static_cast<int64_t>(it->second) + 1;
  p.eta = std::chrono::duration_cast<Millis>(std::max(opens_ - now, TimePoint::duration(0)));
  return p;
}

Place WaitingRoom::PlaceOf(int64_t ticket) const {
  Place p;
  p.ticket = ticket;
  p.position = ticket - head_ticket_ + 1;
  if (!paused_) {
    // Those ahead go at `rate` per second, after the tokens already there.
    double seconds = std::max(0.0, (static_cast<double>(p.position) - tokens_) / rate_);
    p.eta = Millis(static_cast<int64_t>(std::ceil(seconds * 1000)));
  }
  return p;
}

std::vector<int64_t> WaitingRoom::Tick(TimePoint now, size_t at_most) {
  OpenDoorsIfDue(now);
  Refill(now);
  std::vector<int64_t> out;
  while (!paused_ && !queue_.empty() && tokens_ >= 1 && out.size() < at_most) {
    int64_t user = queue_.front();
    queue_.pop_front();
    ++head_ticket_;
    ticket_of_.erase(user);
    // A student let through by hand already went: their slot costs nothing.
    if (admitted_.insert(user).second) {
      tokens_ -= 1;
      out.push_back(user);
    }
    ++version_;  // everyone behind moved up
  }
  return out;
}

Millis WaitingRoom::TakeWaited(int64_t user_id, TimePoint now) {
  auto it = arrived_.find(user_id);
  if (it == arrived_.end()) return Millis(0);
  const auto waited = std::chrono::duration_cast<Millis>(now - it->second);
  arrived_.erase(it);
  return std::max(waited, Millis(0));
}

void WaitingRoom::LetThrough(int64_t user_id) {
  // Keeps the queue's numbering: the student's slot stays, and is skipped when reached.
  admitted_.insert(user_id);
  ++version_;
  if (auto it = early_index_.find(user_id); it != early_index_.end()) {
    // Rare (an operator's hand): the others' indexes are rebuilt.
    before_opening_.erase(before_opening_.begin() + static_cast<std::ptrdiff_t>(it->second));
    early_index_.clear();
    for (size_t i = 0; i < before_opening_.size(); ++i) early_index_[before_opening_[i]] = i;
  }
}

void WaitingRoom::SetMaxRate(double max_rate) {
  max_rate_ = std::clamp(max_rate, kMinOperatorRate, options_.max_rate);
  rate_ = std::min(rate_, max_rate_);
  tokens_ = std::min(tokens_, Burst());
  ++version_;
}

void WaitingRoom::SetRate(double rate) {
  // The operator's cap may be below the automatic floor: the cap wins.
  const double next = std::clamp(rate, std::min(options_.min_rate, max_rate_), max_rate_);
  if (next != rate_) ++version_;  // every estimate changes
  rate_ = next;
}

int64_t WaitingRoom::waiting() const {
  return static_cast<int64_t>(queue_.size() + before_opening_.size());
}

}  // namespace pupitre::guard
