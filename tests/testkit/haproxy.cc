#include "testkit/haproxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "testkit/raw_socket.h"

namespace pupitre::testkit {

namespace {

// A port that was free a moment ago (the kernel's choice for port 0).
uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

Haproxy::Haproxy(std::string dir, uint16_t backend_port, std::string backend_options)
    : dir_(std::move(dir)), backend_port_(backend_port),
      backend_options_(std::move(backend_options)) {}

Haproxy::~Haproxy() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool Haproxy::Start() {
  port_ = FreePort();
  const std::string cfg = dir_ + "/haproxy.cfg";
  std::ofstream(cfg) << "global\n  maxconn 2000\n"
                        "defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n"
                        "  timeout server 30s\n"
                        "frontend public\n  bind 127.0.0.1:" << port_ << "\n"
                     << "  default_backend pupitre\n"
                        "backend pupitre\n  server node1 127.0.0.1:" << backend_port_ << " "
                     << backend_options_ << "\n";
  const std::string log = dir_ + "/haproxy.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execlp("haproxy", "haproxy", "-db", "-f", cfg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    const int fd = ConnectLoopback(port_, "", 1);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    ::usleep(20'000);  // polling for the port, with a deadline
  }
  return false;
}

std::string Haproxy::log() const {
  std::ifstream in(dir_ + "/haproxy.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace pupitre::testkit
