#include "testkit/haproxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "testkit/sockets.h"

namespace pupitre::testkit {

Haproxy::Haproxy(std::string dir, uint16_t backend_port, std::string backend_options)
    : dir_(std::move(dir)), backend_port_(backend_port),
      backend_options_(std::move(backend_options)) {}

Haproxy::Haproxy(std::string dir, std::string config)
    : dir_(std::move(dir)), backend_port_(0), config_(std::move(config)) {}

Haproxy::~Haproxy() { Kill(); }

void Haproxy::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

bool Haproxy::Start() {
  const int listener = ListeningSocket(port_);
  if (listener < 0) return false;
  const std::string cfg = dir_ + "/haproxy.cfg";
  if (!config_.empty()) {
    std::ofstream(cfg) << config_;
  } else {
  std::ofstream(cfg) << "global\n  maxconn 2000\n"
                        "defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n"
                        "  timeout server 30s\n"
                        "frontend public\n  bind fd@3\n  default_backend pupitre\n"
                        "backend pupitre\n  server node1 127.0.0.1:" << backend_port_ << " "
                     << backend_options_ << "\n";
  }
  // The configuration is checked first, so that a mistake is said here, not as a hang later.
  const std::string log = dir_ + "/haproxy.log";
  auto spawn = [&](bool check) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (out >= 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
      }
      ::dup2(listener, 3);  // dup2 clears close-on-exec: HAProxy inherits it as fd 3
      if (check) {
        ::execlp("haproxy", "haproxy", "-c", "-q", "-f", cfg.c_str(), static_cast<char*>(nullptr));
      } else {
        ::execlp("haproxy", "haproxy", "-db", "-f", cfg.c_str(), static_cast<char*>(nullptr));
      }
      ::_exit(127);
    }
    return pid;
  };
  int status = 0;
  const pid_t check = spawn(true);
  if (check < 0 || ::waitpid(check, &status, 0) != check || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    ::close(listener);
    return false;
  }
  pid_ = spawn(false);
  ::close(listener);  // HAProxy holds it now: if it dies, connections are refused, not kept
  return pid_ > 0;
}

std::string Haproxy::log() const {
  std::ifstream in(dir_ + "/haproxy.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace pupitre::testkit
