#pragma once
// Test support: plain blocking sockets to the server under test, for what an HTTP client
// would not do (half a header, a connection dropped mid-request, many sockets at once).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace pupitre::testkit {

// A connected socket to 127.0.0.1:`port` from `from` (another loopback address, as another
// client machine; "" for the system's choice), or -1. Reads and writes time out after
// `timeout_s` seconds, so that no test can hang on it.
inline int ConnectLoopback(uint16_t port, const std::string& from = "", int timeout_s = 5) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (!from.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd);
      return -1;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends all of `bytes`; false if the connection broke.
inline bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// The header of a JSON login request whose body is `body_length` bytes (the body follows it).
inline std::string LoginRequestHeader(size_t body_length) {
  return "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: " + std::to_string(body_length) + "\r\n\r\n";
}

// A PROXY protocol v2 header, as HAProxy's send-proxy-v2 writes it, naming `client` (IPv4).
inline std::string ProxyV2(const std::string& client, uint16_t client_port) {
  std::string h("\r\n\r\n\0\r\nQUIT\n", 12);
  h += '\x21';  // version 2, PROXY
  h += '\x11';  // TCP over IPv4
  h += '\x00';
  h += '\x0c';  // 12 bytes of addresses
  in_addr src{}, dst{};
  ::inet_pton(AF_INET, client.c_str(), &src);
  ::inet_pton(AF_INET, "192.0.2.1", &dst);
  h.append(reinterpret_cast<const char*>(&src), 4);
  h.append(reinterpret_cast<const char*>(&dst), 4);
  h += static_cast<char>(client_port >> 8);
  h += static_cast<char>(client_port & 0xff);
  h += '\x01';
  h += '\xbb';
  return h;
}

}  // namespace pupitre::testkit
