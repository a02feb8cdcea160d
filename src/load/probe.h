#pragma once
// `pupitre load probe`: a closed-loop load on one route (N connections, each sending its next
// request when the previous answer arrives), to cross-check the simulator's client against
// wrk on the same route: the same machine must give the same figures, within noise.

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"
#include "load/engine.h"
#include "load/histogram.h"

namespace pupitre::load {

struct ProbeOptions {
  std::string path = "/healthz";
  std::map<std::string, std::string> headers;
  int connections = 64;
  double seconds = 5;
};

struct ProbeResult {
  int64_t ok = 0;      // 2xx answers
  int64_t failed = 0;  // other answers and connection errors
  double seconds = 0;
  LogHistogram latency;  // µs, send to answer
  double rate() const { return seconds > 0 ? ok / seconds : 0; }
};

Result<ProbeResult> Probe(const Target& target, const ProbeOptions& options);

}  // namespace pupitre::load
