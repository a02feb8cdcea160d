#pragma once
// Step 5b of the middleware, under attack (guard/proof_of_work.h): an anonymous request on a
// public route of the status or login class (the pages, their files, the login) must carry a
// live pass (the `pupitre_pass` cookie). A browser's navigation without one is answered with
// the challenge page, which solves the challenge in
// the browser, redeems it at POST /api/proof for the pass, and reloads; any other request gets
// 403 `proof_of_work_required` with a challenge in the body, which the login page solves the
// same way (web/pow.js). Requests with a live session never meet it.
// Thread: Pass runs on the request's event loop; the counters are atomic.

#include <string>

#include "api/context.h"
#include "api/router.h"
#include "api/static_files.h"
#include "common/metrics.h"
#include "guard/proof_of_work.h"

namespace pupitre::api {

inline constexpr std::string_view kPassCookie = "pupitre_pass";

class ProofGate {
 public:
  virtual ~ProofGate() = default;
  // Counts `c` if it is one of the requests the gate would look at (before any rate limit:
  // the meter sees the whole anonymous traffic, also what limits refuse).
  virtual void Note(const Route& route, const Context& c) = 0;
  // True if `c` may go on; otherwise it has been answered.
  virtual bool Pass(const Route& route, const ContextPtr& c) = 0;
};

// Lets everything through.
class NoProofGate final : public ProofGate {
 public:
  void Note(const Route&, const Context&) override {}
  bool Pass(const Route&, const ContextPtr&) override { return true; }
};

class AttackGate final : public ProofGate {
 public:
  // REQUIRES: every argument outlives this; `files` holds challenge.html and pow.js.
  AttackGate(const guard::ProofOfWork& proof, guard::AttackMode& mode, Metrics& metrics,
             const StaticFiles& files);
  void Note(const Route& route, const Context& c) override;
  bool Pass(const Route& route, const ContextPtr& c) override;

 private:
  static bool Gated(const Route& route, const Context& c);
  void ChallengePage(const ContextPtr& c, const std::string& challenge) const;

  const guard::ProofOfWork& proof_;
  guard::AttackMode& mode_;
  Metrics& metrics_;
  // challenge.html cut where the challenge goes, with pow.js inlined; and the CSP that allows
  // exactly that inline script.
  std::string page_head_, page_tail_, csp_;
};

}  // namespace pupitre::api
