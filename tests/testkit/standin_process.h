#pragma once
// Test support: a stand-in server written in Python (tests/standins/), started for one test on
// a loopback port it chooses and prints ("... listening on http://127.0.0.1:PORT/..."), stopped
// (SIGKILL) with the test, or when the test process dies.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pupitre::testkit {

class StandinProcess {
 public:
  StandinProcess() = default;
  ~StandinProcess() { Stop(); }
  StandinProcess(const StandinProcess&) = delete;
  StandinProcess& operator=(const StandinProcess&) = delete;

  // Runs `interpreter` tests/standins/`script` `args`; waits (at most `seconds`) for its
  // listening line. Its errors go to `log_path` ("" : nowhere). False if it did not come up.
  bool Start(const std::string& interpreter, const std::string& script,
             const std::vector<std::string>& args, int seconds = 30,
             const std::string& log_path = "");
  void Stop();
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace pupitre::testkit
