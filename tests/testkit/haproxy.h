#pragma once
// Test support: a real HAProxy (Debian's haproxy, installed by scripts/install-deps.sh) in
// front of a server under test, on loopback, with its configuration in a temporary directory.

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace pupitre::testkit {

class Haproxy {
 public:
  // `backend_options`: the server line's options after its address, e.g. "send-proxy-v2".
  Haproxy(std::string dir, uint16_t backend_port, std::string backend_options);
  // A whole configuration, whose frontend binds `fd@3` (the socket made by Start).
  Haproxy(std::string dir, std::string config);
  ~Haproxy();  // stops it
  // Checks its configuration and starts it on a listening socket made here (so its port
  // accepts connections at once). False, with its output in log(), if it could not start.
  bool Start();
  uint16_t port() const { return port_; }
  // Stops it (SIGKILL).
  void Kill();
  std::string log() const;

 private:
  std::string dir_;
  uint16_t backend_port_;
  std::string backend_options_;
  std::string config_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace pupitre::testkit
