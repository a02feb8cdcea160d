#pragma once
// What a server under test tells of itself in its /metrics (Prometheus text) that the simulator
// reads: to name the bound a capacity step hit, and to put the server's count of waiting
// students beside its own.

#include <cstdint>
#include <string_view>

namespace pupitre::load {

// What the server tells of itself in /metrics that names a bound (0: not told).
struct ServerFigures {
  bool told = false;
  double cpu_s = 0;               // process_cpu_seconds_total
  double cores = 0;               // pupitre_cpu_cores
  double writer_busy_s = 0;       // pupitre_writer_commit_seconds_sum
  int64_t connections_limit = 0;  // pupitre_connections_limit
  int64_t connections_refused = 0;  // pupitre_connections_rejected_total and ..._address_total
  double admission_rate = 0;        // pupitre_waiting_room_rate: admissions a second, now
  int64_t waiting = -1;             // pupitre_waiting_room_waiting: students waiting now (-1: not told)
};
ServerFigures ParseServerFigures(std::string_view metrics_text);

}  // namespace pupitre::load
