#include "load/server_figures.h"

#include <charconv>
#include <string_view>

namespace pupitre::load {

ServerFigures ParseServerFigures(std::string_view text) {
  ServerFigures f;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line.front() == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, space);
    const std::string_view value = line.substr(space + 1);
    double v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc()) continue;
    if (name == "process_cpu_seconds_total") {
      f.cpu_s = v;
      f.told = true;
    } else if (name == "pupitre_cpu_cores") {
      f.cores = v;
    } else if (name == "pupitre_writer_commit_seconds_sum") {
      f.writer_busy_s = v;
    } else if (name == "pupitre_connections_limit") {
      f.connections_limit = static_cast<int64_t>(v);
    } else if (name == "pupitre_waiting_room_waiting") {
      f.waiting = static_cast<int64_t>(v);
    } else if (name == "pupitre_waiting_room_rate") {
      f.admission_rate = v;
    } else if (name == "pupitre_connections_rejected_total" ||
               name == "pupitre_connections_rejected_address_total") {
      f.connections_refused += static_cast<int64_t>(v);
    }
  }
  return f;
}

}  // namespace pupitre::load
