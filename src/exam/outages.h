#pragma once
// Outages waiting for the operator's answer (exam.outage_compensation = "ask"): after a crash or
// a stop, the platform's downtime is noted here instead of being given back at once; the
// operator then gives it back to the attempts that were running, or declines. Until then the
// exam service holds those attempts' automatic submission (ExamService::HoldAutoSubmit). Kept
// in the store's settings, so that a restart before the answer still asks.

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "common/settings.h"
#include "exam/exam_service.h"

namespace pupitre::exam {

struct Outage {
  int64_t from_ms = 0;  // the platform's last sign of life
  int64_t to_ms = 0;    // back
};

inline constexpr const char* kPendingOutagesSetting = "platform.pending_outages";

// The outages noted and not answered yet, oldest first (a damaged value is an error).
Result<std::vector<Outage>> PendingOutages(const SettingsStore& settings);
// Notes one more, durably, and holds the automatic submission from the oldest.
Status AddPendingOutage(SettingsStore& settings, ExamService& exams, Outage outage);
// At start-up: holds the automatic submission if outages are waiting. Call before the sweep.
Status HoldForPendingOutages(const SettingsStore& settings, ExamService& exams);
// The operator's answer: every pending outage given back to the attempts that were running
// (each recorded with them, as automatic compensation is), or none; then the hold is lifted and
// the list cleared. Blocking (it waits for commits). Returns how many attempts got time.
Result<int> DecidePendingOutages(SettingsStore& settings, ExamService& exams, bool give_back);

}  // namespace pupitre::exam
