#pragma once
// Safe Exam Browser (SEB): an exam may require it. Its teacher gives the keys SEB computes from
// its configuration (Config Key) and from the browser itself (Browser Exam Key); SEB sends, on
// every request, X-SafeExamBrowser-ConfigKeyHash = hex SHA-256(absolute URL + Config Key) and
// X-SafeExamBrowser-RequestHash = hex SHA-256(absolute URL + Browser Exam Key). A student's
// request of such an exam passes only when each kind of key the teacher gave matches one of
// theirs; a plain browser sends neither and is told what to do.
//
// The keys of every exam live in one setting (kSetting), loaded at start and rewritten on a
// change (rare), so that the check needs no store and nothing per request but a look-up.
// Thread-safe.

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "common/result.h"
#include "common/settings.h"

namespace pupitre::guard {

struct SebKeys {
  std::vector<std::string> config_keys;        // 64 lower-case hex digits each
  std::vector<std::string> browser_exam_keys;  // likewise
  bool empty() const { return config_keys.empty() && browser_exam_keys.empty(); }
};

// What a request of a SEB exam brought.
struct SebHeaders {
  std::string_view absolute_url;     // scheme://host/path?query, as the browser asked it
  std::string_view config_key_hash;  // X-SafeExamBrowser-ConfigKeyHash
  std::string_view request_hash;     // X-SafeExamBrowser-RequestHash
};

enum class SebVerdict { kPass, kMissing, kWrongConfig, kWrongBrowser };

class SafeExamBrowser {
 public:
  static constexpr const char* kSetting = "safe_exam_browser.keys";
  static constexpr size_t kMaxKeys = 20;  // of each kind, per exam

  // REQUIRES: `settings` outlives this. Reads the keys kept there; a damaged value is an error
  // (start-up stops: exams that require SEB must not open without it).
  static Result<std::unique_ptr<SafeExamBrowser>> Open(SettingsStore& settings);

  // Checks keys given by a teacher (hex, any case, spaces around): normalised, or the reason.
  static Result<SebKeys> Normalise(const std::vector<std::string>& config_keys,
                                   const std::vector<std::string>& browser_exam_keys);

  // Sets (empty: lifts) an exam's requirement, durably. Blocking: from the worker pool.
  Status Set(const std::string& exam_id, const SebKeys& keys);
  // Adds one Config Key (64 lower-case hex digits) to an exam's, which then requires SEB; one
  // already there is not added twice. Blocking: from the worker pool.
  Status AddConfigKey(const std::string& exam_id, const std::string& config_key);
  std::optional<SebKeys> KeysOf(const std::string& exam_id) const;
  // Whether any exam requires SEB (a save of another exam then costs nothing).
  bool any() const { return any_.load(std::memory_order_relaxed); }

  SebVerdict Check(const std::string& exam_id, const SebHeaders& h) const;

 private:
  explicit SafeExamBrowser(SettingsStore& settings) : settings_(settings) {}
  Status WriteLocked(const std::string& exam_id, const SebKeys& keys) REQUIRES(write_mu_);
  SettingsStore& settings_;
  Mutex write_mu_;
  mutable SharedMutex mu_;
  std::map<std::string, SebKeys> keys_ GUARDED_BY(mu_);
  std::atomic<bool> any_{false};
};

}  // namespace pupitre::guard
