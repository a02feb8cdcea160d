#pragma once
// Test support: a real PostgreSQL 15 server (Debian's postgresql-15, installed by
// scripts/install-deps.sh) made for one test process: initdb in a temporary directory, then the
// server on a Unix socket in that directory (no TCP port to collide with another test's). As
// root, both run as the user `nobody` (PostgreSQL refuses to run as root); the server dies with
// the test process.

#include <sys/types.h>

#include <map>
#include <string>
#include <thread>

#include "testkit/child_server.h"

namespace pupitre::testkit {

class PostgresServer {
 public:
  PostgresServer() = default;
  ~PostgresServer();  // stops it
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Makes the cluster (the first time) and starts the server; waits (at most 60 s) until it
  // accepts connections. False, with what it printed in log(), if it did not come up.
  bool Start();
  // A fast shutdown (SIGINT); Start() again brings the same cluster back.
  void Stop();
  // Kills the server (SIGKILL): its children notice and exit; Start() recovers from the WAL.
  void Kill();

  // Creates database `name` if it does not exist; returns its connection string.
  std::string CreateDatabase(const std::string& name);
  // The connection string of database `name`.
  std::string conninfo(const std::string& name) const;
  std::string log() const;

 private:
  bool InitDb();
  TempDir dir_;
  bool initialised_ = false;
  pid_t pid_ = -1;
  std::thread drain_;  // copies the server's output to its log once it is up
};

// Which node holds each exam held now (exam id -> node name, the holder's part before '/'),
// read from the store's exam_leases at `conninfo`.
std::map<std::string, std::string> ExamHolders(const std::string& conninfo);

// The server every test of this process shares (started on first use), or nullptr, with the
// reason on stderr, if it could not start.
PostgresServer* SharedPostgres();

}  // namespace pupitre::testkit
