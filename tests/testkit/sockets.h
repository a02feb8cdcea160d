#pragma once
// Test support: loopback ports for the servers the tests start.

#include <cstdint>

namespace pupitre::testkit {

// A listening socket on 127.0.0.1 and a port of the kernel's choice, for a child server to
// inherit: it accepts connections from the moment it exists, so nobody waits for the child to
// open its port, and no other process can take the port in between. -1 on failure.
int ListeningSocket(uint16_t& port, int backlog = 512);

// A port free now on 127.0.0.1 (0 if none), for a server whose address another must know
// before it starts. Another process could take it in between: unlikely, and then that server
// does not start and the test says so.
uint16_t FreePort();

}  // namespace pupitre::testkit
