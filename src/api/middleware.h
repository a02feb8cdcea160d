#pragma once
// What every request goes through between the router and its handler, in this fixed order
// (Middleware::Run):
//
//   1. client address   who is on the other end (the peer; a trusted proxy's client: seam)
//   2. authenticate     the session from `Authorization: Bearer` or the cookie (401)
//   3. CSRF             a cookie-authenticated state change must carry X-CSRF-Token (403)
//   4. access rule      the route's Access against the user's role (403)
//   5. rate limits      per address / account (RateLimiter; 429 with Retry-After)
//   5b. proof of work   under attack, anonymous pages and logins need a pass (attack_gate.h)
//   5c. exam's node     in a cluster, a route of an exam this node does not hold claims it
//                       (cluster/ownership.h) on a worker; held elsewhere: 503 exam_moving
//   6. guard admission  the route's priority class; run now, queue, or refuse (503)
//
// Public routes skip 2 to 4, but a live session they carry is still recognised (so that the
// pages of a logged-in student are not counted as anonymous traffic). Exempt routes (health
// probes, metrics) skip 5 and 6. Anonymous requests for pages go in the lowest guard class:
// a flood of them waits behind everything a logged-in user asks for.
// Thread: Run is called on the request's event loop; the handler runs there too.

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "api/attack_gate.h"
#include "api/context.h"
#include "api/router.h"
#include "auth/accounts.h"
#include "cluster/ownership.h"
#include "common/metrics.h"
#include "common/net.h"
#include "exam/exam_service.h"
#include "guard/admission.h"
#include "guard/limits.h"

namespace pupitre::api {

// Step 1: the address a request comes from, as rate limits and logs see it.
class ClientAddress {
 public:
  virtual ~ClientAddress() = default;
  virtual std::string Of(const http::Request& req, const http::RequestInfo& info) const = 0;
};

// The socket's peer (or the client a trusted proxy named by PROXY v2).
class PeerAddress final : public ClientAddress {
 public:
  std::string Of(const http::Request&, const http::RequestInfo& info) const override {
    return info.remote_ip;
  }
};

// Behind proxies that say who the client is in X-Forwarded-For: from a trusted peer, the
// rightmost address of the header that is not itself a trusted proxy (what the proxies
// appended; anything left of it the client may have written). From anyone else, the peer.
class ForwardedAddress final : public ClientAddress {
 public:
  explicit ForwardedAddress(const AddressSet& trusted) : trusted_(trusted) {}
  std::string Of(const http::Request& req, const http::RequestInfo& info) const override;

 private:
  const AddressSet& trusted_;
};

// Step 5: whether a request may go on now. Thread-safe.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Nothing if the request may go on; otherwise how long the client should wait.
  virtual std::optional<Millis> Check(const Context& c, const Route& route) = 0;
};

// Lets everything through.
class NoRateLimit final : public RateLimiter {
 public:
  std::optional<Millis> Check(const Context&, const Route&) override { return std::nullopt; }
};

// The limits of guard/limits.h: anonymous requests per address and subnet, logged-in ones per
// account. Not limited here: logins (the hashing queue and the failed-login throttle bound
// them), the saves and paper of an attempt in progress (bounded per user in flight) and the
// page's static files (from memory, once a version per browser).
class KeyedRateLimiter final : public RateLimiter {
 public:
  explicit KeyedRateLimiter(guard::LimitOptions options) : limits_(options) {}
  std::optional<Millis> Check(const Context& c, const Route& route) override;

 private:
  guard::RequestLimits limits_;
};

class Middleware {
 public:
  // REQUIRES: every argument outlives this.
  Middleware(auth::Accounts& accounts, exam::ExamService& exams,
             guard::AdmissionController& guard, Metrics& metrics, const ClientAddress& address,
             RateLimiter& limiter, ProofGate& gate);

  // In a cluster: which exams this node holds, and the workers its claims run on.
  // REQUIRES: both outlive this; called before the first request.
  void UseOwnership(cluster::Ownership& ownership, boost::asio::thread_pool& workers) {
    ownership_ = &ownership;
    claim_workers_ = &workers;
  }

  // Runs the steps above for `route`, then its handler; or answers the request itself.
  void Run(const Route& route, const ContextPtr& c);

  // Step 6's decision: the guard class of a request.
  guard::Priority Classify(const Route& route, const Context& c) const;

 private:
  bool Authenticate(const Route& route, Context& c) const;  // steps 2-4; false once answered
  void Identify(Context& c) const;  // a public route: who, if a live session comes with it
  void Admit(const Route& route, const ContextPtr& c);       // step 6
  void Continue(const Route& route, const ContextPtr& c);    // steps 5 to 6
  // Step 5c: the exam a route is for ("" : none, or unknown).
  std::string ExamOf(const Route& route, const Context& c) const;
  void Claim(const Route& route, const ContextPtr& c, std::string exam_id);
  // In a cluster: a session this node does not know may have been opened on another.
  bool Adopt(const Route& route, const ContextPtr& c);

  auth::Accounts& accounts_;
  exam::ExamService& exams_;
  guard::AdmissionController& guard_;
  Metrics& metrics_;
  const ClientAddress& address_;
  RateLimiter& limiter_;
  ProofGate& gate_;
  cluster::Ownership* ownership_ = nullptr;
  boost::asio::thread_pool* claim_workers_ = nullptr;
  std::atomic<int32_t> adopting_{0};  // session look-ups in flight (bounded: a flood of made-up
                                      // tokens must not become a flood of store reads)
  static constexpr int32_t kMaxAdopting = 64;
  std::atomic<int32_t> claiming_{0};  // claims in flight (each holds a worker)
  static constexpr int32_t kMaxClaiming = 8;
  // Critical requests in flight per user (striped by user id): a page has one or two; past
  // kCriticalPerUser, a user's requests lose the critical class (they are queued and may be
  // refused like any other), so a script flooding its own attempt cannot bypass the guard.
  static constexpr int32_t kCriticalPerUser = 8;
  static constexpr size_t kCriticalStripes = 1 << 16;
  std::unique_ptr<std::atomic<int32_t>[]> critical_in_flight_;
  std::atomic<int32_t>& CriticalSlot(int64_t user_id) const {
    return critical_in_flight_[static_cast<uint64_t>(user_id) % kCriticalStripes];
  }
};

}  // namespace pupitre::api
