#pragma once
// The public status page, `/status` (HTML, in English or French from Accept-Language) and
// `/status.json` (for scripts): what is going on, in words, for anyone, logged in or not.
//
// It is the one page that always loads: rendered once a second from figures already in memory
// (the guard, the waiting rooms, the login line, the under-attack mode), never touching the
// store; served as it is, exempt from the guard, the rate limits and the proof of work (as the
// probes are), with an ETag and a short public max-age so that proxies can absorb a crowd.
// Thread-safe.

#include <memory>
#include <string>

#include "api/router.h"
#include "api/services.h"
#include "common/mutex.h"

namespace pupitre::api {

class StatusPage {
 public:
  struct Snapshot {
    std::string json;
    std::string html_en, html_fr;
    std::string html_en_refreshing, html_fr_refreshing;  // with a meta refresh (?refresh=on)
    std::string etag;  // of the JSON: the HTML is a function of it
  };

  // REQUIRES: `s` outlives this.
  explicit StatusPage(const Services& s);

  // Renders the page from the current figures. Call about once a second.
  void Refresh();
  std::shared_ptr<const Snapshot> Current() const;

 private:
  const Services& s_;
  Mutex refresh_mu_;  // one render at a time
  uint64_t last_rejected_ GUARDED_BY(refresh_mu_) = 0;
  mutable Mutex mu_;
  std::shared_ptr<const Snapshot> current_ GUARDED_BY(mu_);
};

// GET /status and GET /status.json.
void RegisterStatusRoutes(Router& router, const StatusPage& page);

}  // namespace pupitre::api
