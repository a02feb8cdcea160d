#include "guard/login_line.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "common/text.h"
#include "guard/signing.h"

namespace pupitre::guard {
namespace {

// At least a few tenths of a hash a second, so that estimates stay finite.
double Usable(double rate) { return std::max(rate, 0.2); }

}  // namespace

LoginLine::LoginLine(LoginLineOptions options, std::string key, TimePoint epoch)
    : options_(options), key_(std::move(key)), epoch_ms_(ToUnixMs(epoch)) {}

std::optional<int64_t> LoginLine::Verify(std::string_view ticket, std::string_view login,
                                         TimePoint now) const {
  // L1.EPOCH.NUMBER.ISSUED.MAC
  if (ticket.size() > 200 || ticket.substr(0, 3) != "L1.") return std::nullopt;
  std::array<std::string_view, 4> p;
  int64_t epoch = 0, number = 0, issued = 0;
  if (!SplitExactly(ticket.substr(3), '.', p) || !ParseInt64(p[0], epoch) ||
      !ParseInt64(p[1], number) || !ParseInt64(p[2], issued)) {
    return std::nullopt;
  }
  const std::string payload =
      fmt::format("login1|{}|{}|{}|{}", AsciiLower(login), p[0], p[1], p[2]);
  if (!HmacMatches(key_, payload, p[3])) return std::nullopt;
  if (epoch != epoch_ms_ || ToUnixMs(now) - issued > options_.ticket_ttl.count()) {
    return std::nullopt;  // another process's line, or too old: a new place
  }
  return number;
}

LoginLine::Place LoginLine::PlaceOf(int64_t number, double rate) const {
  Place p;
  p.number = number;
  p.position = std::max<int64_t>(1, number - called_);
  p.eta = Millis(static_cast<int64_t>(std::ceil(1000.0 * static_cast<double>(p.position) /
                                                Usable(rate))));
  return p;
}

LoginLine::Decision LoginLine::Arrive(std::string_view login, std::string_view ticket,
                                      int64_t queued, double rate, TimePoint now) {
  const std::optional<int64_t> held = ticket.empty() ? std::nullopt : Verify(ticket, login, now);
  const auto sign = [&](int64_t number) {
    const std::string issued = std::to_string(ToUnixMs(now));
    const std::string payload =
        fmt::format("login1|{}|{}|{}|{}", AsciiLower(login), epoch_ms_, number, issued);
    return fmt::format("L1.{}.{}.{}.{}", epoch_ms_, number, issued, HmacHex(key_, payload));
  };
  Decision d;
  MutexLock lock(mu_);
  if (held) {
    if (*held <= called_) {
      if (!checking_.insert(*held).second) {
        d.kind = Decision::kBusy;  // the same login is being checked: its answer comes first
        d.place = PlaceOf(*held, rate);
        d.place.position = 0;
        d.place.ticket = std::string(ticket);
        return d;
      }
      d.kind = Decision::kGo;
      d.number = *held;
      return d;
    }
    d.kind = Decision::kWait;
    d.place = PlaceOf(*held, rate);
    d.place.ticket = std::string(ticket);
    return d;
  }
  const double room = std::max(1.0, Usable(rate) * options_.backlog.count() / 1000.0);
  if (issued_ == called_ && static_cast<double>(queued) < room) return d;  // no line: go
  const int64_t position = issued_ + 1 - called_;
  const Millis eta(static_cast<int64_t>(1000.0 * static_cast<double>(position) / Usable(rate)));
  if (eta > options_.max_wait) {
    d.kind = Decision::kFull;
    d.retry_after = Millis(60'000);
    return d;
  }
  ++issued_;
  d.kind = Decision::kWait;
  d.place = PlaceOf(issued_, rate);
  d.place.ticket = sign(issued_);
  return d;
}

void LoginLine::Done(int64_t number) {
  MutexLock lock(mu_);
  checking_.erase(number);
}

void LoginLine::Advance(MonoPoint now, int64_t queued, double rate) {
  MutexLock lock(mu_);
  const double dt =
      last_advance_ == MonoPoint{}
          ? 0
          : std::min(1.0, std::chrono::duration<double>(now - last_advance_).count());
  last_advance_ = now;
  const double room = std::max(1.0, Usable(rate) * options_.backlog.count() / 1000.0);
  // Numbers are called at the hashing rate, and only while the hashing queue has room: what
  // is not used (holders who left) is not saved up for a burst later.
  allowance_ = std::min(allowance_ + Usable(rate) * dt, room);
  if (static_cast<double>(queued) >= room) return;
  const auto move = std::min<int64_t>(issued_ - called_, static_cast<int64_t>(allowance_));
  called_ += move;
  allowance_ -= static_cast<double>(move);
}

LoginLine::Stats LoginLine::stats() const {
  MutexLock lock(mu_);
  return {issued_ - called_, issued_, called_};
}

}  // namespace pupitre::guard
