#pragma once
// Test support: one value from a Prometheus exposition text.

#include <cstdlib>
#include <string>

namespace pupitre::testkit {

// The value of `series` (a metric name with its labels exactly as exported, e.g.
// `pupitre_login_queue_jobs_total{outcome="gone"}`) in `text`, or -1 when absent.
inline double MetricValue(const std::string& text, const std::string& series) {
  const std::string line_start = series + " ";
  size_t at = text.rfind("\n" + line_start);
  if (at != std::string::npos) {
    at += 1;
  } else if (text.compare(0, line_start.size(), line_start) == 0) {
    at = 0;
  } else {
    return -1;
  }
  return std::strtod(text.c_str() + at + line_start.size(), nullptr);
}

}  // namespace pupitre::testkit
