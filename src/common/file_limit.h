#pragma once
// Each connection is a file descriptor: servers and the load generator take every descriptor
// the system allows this process (the soft limit raised to the hard one).

namespace pupitre {

// Raises RLIMIT_NOFILE's soft limit to its hard limit; does nothing if it cannot.
void RaiseFileLimit();

}  // namespace pupitre
