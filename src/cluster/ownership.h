#pragma once
// Which exams this node serves. Alone, a node serves every exam. When nodes share a store, each
// exam is served by the node holding its lease (store/leases.h): a request for an exam this node
// does not hold claims it (taken if free or expired, then loaded from the store, since another
// node may have written it); held by another node, it is asked for (HAProxy now sends the exam
// here) and the request is told to retry. A timer renews the leases; an exam another node asked
// for is handed over (its writes flushed, then released); an exam whose lease could not be
// renewed in time is no longer served (its writes are fenced anyway).
// Thread: Serves may be called from any thread; Claim and Tick block on the store: call them
// from the worker pool or the node's timer thread.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "store/leases.h"

namespace pupitre::cluster {

struct OwnershipOptions {
  std::string node;          // this node's name in the cluster ([cluster] node); "" : alone
  int64_t lease_ms = 6'000;  // [cluster] lease_ms: a dead node's exams move after at most this
};

class Ownership {
 public:
  // Loads an exam from the store into this node's services (replacing what they held of it);
  // `lease` says from whom it was taken (store/leases.h: previous_holder), so that the time its
  // students waited while their node was dead can be given back.
  using Load = std::function<Status(const std::string& exam_id, const store::Lease& lease)>;
  // Returns once every write queued so far is durable (the writer's barrier).
  using Flush = std::function<void()>;

  // Alone: `leases` nullptr (or options.node empty). REQUIRES: what is given outlives this.
  Ownership(store::Leases* leases, OwnershipOptions options, const Clock& clock, Load load,
            Flush flush);

  bool clustered() const { return leases_ != nullptr; }
  // This node's identity in leases: its name and a start-up nonce (a restarted node is
  // another holder: it loads its exams again).
  const std::string& holder() const { return holder_; }

  // Whether this node may serve `exam_id` now.
  bool Serves(const std::string& exam_id) const EXCLUDES(mu_);
  // Takes `exam_id` for this node and loads it (after this node's queued writes are durable;
  // not again if no other node held it meanwhile: this node's copy is then the latest).
  // kUnavailable (with who holds it) if another node does, or the store cannot be reached;
  // kNotFound if the store has no such exam. Blocking.
  Status Claim(const std::string& exam_id) EXCLUDES(mu_, claim_mu_);
  // Renews the leases, forgets those lost, hands over those asked for. Blocking; call it every
  // lease_ms / 3, on a thread of its own (not behind claims: a late renewal loses exams).
  void Tick() EXCLUDES(mu_, claim_mu_);
  // Gives every exam up (a clean shutdown: the others take them at once), and claims no more.
  // Blocking.
  void ReleaseAll() EXCLUDES(mu_, claim_mu_);

  struct Held {
    std::string exam_id;
    int64_t token = 0;
  };
  std::vector<Held> held() const EXCLUDES(mu_);
  // Every exam's lease as the store has it (the operator's view). Blocking.
  Result<std::vector<store::Lease>> leases() const { return leases_->List(); }
  int64_t tick_ms() const { return opts_.lease_ms / 3; }

 private:
  // An exam held here: its token, and until when (this node's monotonic clock) it may be
  // served without a renewal: the lease's length from when the renewal was asked, less a margin.
  struct Entry {
    int64_t token = 0;
    MonoPoint serve_until;
    MonoPoint since;  // when this node began serving it
  };
  MonoPoint ServeUntil(MonoPoint asked) const;

  store::Leases* leases_;
  const OwnershipOptions opts_;
  const Clock& clock_;
  const Load load_;
  const Flush flush_;
  std::string holder_;
  Mutex claim_mu_;  // one claim or hand-over at a time (a load replaces an exam's state)
  mutable Mutex mu_ ACQUIRED_AFTER(claim_mu_);
  std::map<std::string, Entry> held_ GUARDED_BY(mu_);
  // The token under which this node last loaded each exam it held: a claim with the same token
  // (nobody else held it in between) keeps what is in memory instead of loading it again.
  std::map<std::string, int64_t> loaded_token_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
};

}  // namespace pupitre::cluster
