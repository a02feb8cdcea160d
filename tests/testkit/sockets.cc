#include "testkit/sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pupitre::testkit {
namespace {

// A socket bound to 127.0.0.1 on a port of the kernel's choice; -1 on failure.
int BoundSocket(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

int ListeningSocket(uint16_t& port, int backlog) {
  const int fd = BoundSocket(port);
  if (fd >= 0 && ::listen(fd, backlog) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

uint16_t FreePort() {
  uint16_t port = 0;
  const int fd = BoundSocket(port);
  if (fd < 0) return 0;
  ::close(fd);
  return port;
}

}  // namespace pupitre::testkit
