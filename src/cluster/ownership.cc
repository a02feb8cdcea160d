// Which exams this node serves (see ownership.h).
#include "cluster/ownership.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sodium.h>

#include <set>

namespace pupitre::cluster {

Ownership::Ownership(store::Leases* leases, OwnershipOptions options, const Clock& clock,
                     Load load, Flush flush)
    : leases_(options.node.empty() ? nullptr : leases),
      opts_(std::move(options)),
      clock_(clock),
      load_(std::move(load)),
      flush_(std::move(flush)) {
  uint8_t nonce[6];
  randombytes_buf(nonce, sizeof nonce);
  holder_ = opts_.node + "/";
  for (uint8_t b : nonce) holder_ += fmt::format("{:02x}", b);
  if (leases_) leases_->FenceAs(holder_);
}

MonoPoint Ownership::ServeUntil(MonoPoint asked) const {
  // A fifth of the lease is kept as margin for the time the answer took and clock drift.
  return asked + Millis(opts_.lease_ms - opts_.lease_ms / 5);
}

bool Ownership::Serves(const std::string& exam_id) const {
  if (!leases_) return true;
  MutexLock lock(mu_);
  auto it = held_.find(exam_id);
  return it != held_.end() && clock_.Monotonic() < it->second.serve_until;
}

Status Ownership::Claim(const std::string& exam_id) {
  if (!leases_) return OkStatus();
  MutexLock claiming(claim_mu_);
  if (Serves(exam_id)) return OkStatus();  // claimed meanwhile by another request
  {
    MutexLock lock(mu_);
    if (stopping_) return Error::Unavailable("this node is stopping");
  }
  const MonoPoint asked = clock_.Monotonic();
  auto lease = leases_->Acquire(exam_id, holder_, opts_.lease_ms);
  if (!lease.ok()) {
    if (lease.error().code == ErrorCode::kNotFound) return lease.take_error();
    return Error::Unavailable(fmt::format("the exam's node cannot be decided now: {}",
                                          lease.error().message));
  }
  if (lease->holder != holder_) {
    (void)leases_->Want(exam_id, opts_.node);  // best effort: its holder hands it over
    return Error::Unavailable(fmt::format("exam '{}' is moving to this node (held by {})",
                                          exam_id, lease->holder));
  }
  bool current = false;
  {
    MutexLock lock(mu_);
    auto it = loaded_token_.find(exam_id);
    current = it != loaded_token_.end() && it->second == lease->token;
  }
  if (current) {
    // Held all along (its renewal was only late): what this node holds is the latest.
    MutexLock lock(mu_);
    held_[exam_id] = Entry{lease->token, ServeUntil(asked), clock_.Monotonic()};
    return OkStatus();
  }
  // Another node held it meanwhile: this node's writes still queued for it are settled first
  // (the fence refuses them), then it is loaded as the store has it now.
  flush_();
  if (auto s = load_(exam_id, *lease); !s.ok()) {
    (void)leases_->Release(exam_id, holder_);
    if (s.error().code == ErrorCode::kNotFound) return s;  // no such exam: nothing to serve
    return Error::Unavailable(fmt::format("exam '{}' could not be loaded: {}", exam_id,
                                          s.error().message));
  }
  spdlog::info("cluster: this node ({}) now serves exam '{}' (token {})", holder_, exam_id,
               lease->token);
  MutexLock lock(mu_);
  held_[exam_id] = Entry{lease->token, ServeUntil(asked), clock_.Monotonic()};
  loaded_token_[exam_id] = lease->token;
  return OkStatus();
}

void Ownership::Tick() {
  if (!leases_) return;
  const MonoPoint asked = clock_.Monotonic();
  auto renewed = leases_->Renew(holder_, opts_.lease_ms);
  if (!renewed.ok()) {
    spdlog::warn("cluster: leases not renewed: {}", renewed.error().message);
    return;  // each exam stops being served when its own time runs out
  }
  std::map<std::string, const store::Lease*> mine;
  for (const auto& l : *renewed) mine[l.exam_id] = &l;
  std::set<std::string> wanted;
  {
    MutexLock lock(mu_);
    for (auto it = held_.begin(); it != held_.end();) {
      auto r = mine.find(it->first);
      if (r == mine.end()) {
        // Claimed after this renewal was asked: the answer could not name it yet.
        if (it->second.since >= asked) {
          ++it;
          continue;
        }
        spdlog::warn("cluster: exam '{}' was taken by another node", it->first);
        it = held_.erase(it);
        continue;
      }
      if (!r->second->wanted_by.empty()) {
        wanted.insert(it->first);  // handed over: no longer served from now on
        it = held_.erase(it);
        continue;
      }
      it->second.serve_until = ServeUntil(asked);
      ++it;
    }
  }
  if (wanted.empty()) return;
  MutexLock claiming(claim_mu_);  // not while a claim of this node loads one of them
  flush_();  // what was acknowledged for them is durable before another node loads them
  for (const auto& exam : wanted) {
    if (auto s = leases_->Release(exam, holder_); !s.ok()) {
      spdlog::warn("cluster: exam '{}' not released: {}", exam, s.error().message);
    } else {
      spdlog::info("cluster: exam '{}' handed over", exam);
    }
  }
}

void Ownership::ReleaseAll() {
  if (!leases_) return;
  MutexLock claiming(claim_mu_);
  std::vector<std::string> exams;
  {
    MutexLock lock(mu_);
    stopping_ = true;
    for (const auto& [exam, e] : held_) exams.push_back(exam);
    held_.clear();
  }
  if (exams.empty()) return;
  flush_();
  for (const auto& exam : exams) (void)leases_->Release(exam, holder_);
}

std::vector<Ownership::Held> Ownership::held() const {
  std::vector<Held> out;
  MutexLock lock(mu_);
  for (const auto& [exam, e] : held_) out.push_back({exam, e.token});
  return out;
}

}  // namespace pupitre::cluster
