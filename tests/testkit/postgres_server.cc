#include "testkit/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

namespace pupitre::testkit {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

// The user the server runs as: `nobody` when we are root, else ourselves (uid -1: no change).
struct ServerUser {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};
ServerUser TheServerUser() {
  ServerUser u;
  if (geteuid() != 0) return u;
  if (const passwd* pw = getpwnam("nobody")) {
    u.uid = pw->pw_uid;
    u.gid = pw->pw_gid;
  }
  return u;
}

// In the child, after fork: only async-signal-safe calls.
void BecomeServerUser(const ServerUser& u) {
  if (u.uid == static_cast<uid_t>(-1)) return;
  if (setgroups(0, nullptr) != 0 || setgid(u.gid) != 0 || setuid(u.uid) != 0) _exit(126);
}

void GiveToServerUser(const std::string& path) {
  const ServerUser u = TheServerUser();
  if (u.uid != static_cast<uid_t>(-1)) (void)chown(path.c_str(), u.uid, u.gid);
}

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

PostgresServer::~PostgresServer() { Stop(); }

std::string PostgresServer::conninfo(const std::string& name) const {
  return fmt::format("host={}/run port=5432 user=pupitre dbname='{}'", dir_.path(), name);
}

std::string PostgresServer::log() const {
  std::ifstream in(dir_.path() + "/postgres.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool PostgresServer::InitDb() {
  // The server's user must reach its directories.
  chmod(dir_.path().c_str(), 0755);
  for (const char* sub : {"/data", "/run"}) {
    const std::string path = dir_.path() + sub;
    mkdir(path.c_str(), 0700);
    GiveToServerUser(path);
  }
  const std::string log_path = dir_.path() + "/postgres.log";
  std::vector<std::string> args{std::string(kBin) + "initdb", "-D", dir_.path() + "/data",
                                "-U", "pupitre", "-A", "trust", "-E", "UTF8", "--locale=C",
                                "--no-sync"};
  auto argv = Argv(args);
  const ServerUser user = TheServerUser();
  const pid_t pid = fork();
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    BecomeServerUser(user);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool PostgresServer::Start() {
  if (pid_ > 0) return true;
  if (!initialised_) {
    if (!InitDb()) return false;
    initialised_ = true;
  }
  int fds[2];
  if (pipe(fds) != 0) return false;
  std::vector<std::string> args{std::string(kBin) + "postgres", "-D", dir_.path() + "/data",
                                "-k", dir_.path() + "/run", "-c", "listen_addresses=",
                                "-p", "5432", "-c", "fsync=on", "-c", "synchronous_commit=on",
                                "-c", "shared_buffers=32MB", "-c", "max_connections=100"};
  auto argv = Argv(args);
  const ServerUser user = TheServerUser();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    BecomeServerUser(user);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it: the test gone, it goes
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  // Wait for "database system is ready to accept connections", keeping what it says.
  auto log = std::make_shared<std::ofstream>(dir_.path() + "/postgres.log", std::ios::app);
  std::string seen;
  bool ready = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buf[4096];
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    log->write(buf, n);
    seen.append(buf, static_cast<size_t>(n));
    ready = seen.find("ready to accept connections") != std::string::npos;
  }
  log->flush();
  if (!ready) {
    close(fds[0]);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return false;
  }
  // From now on its output goes to the log, read by a thread until the server's end.
  const int fd = fds[0];
  drain_ = std::thread([fd, log] {
    char b[4096];
    ssize_t n;
    while ((n = read(fd, b, sizeof b)) > 0) {
      log->write(b, n);
      log->flush();
    }
    close(fd);
  });
  return true;
}

void PostgresServer::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGINT);  // fast shutdown: sessions end, a checkpoint is written
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (drain_.joinable()) drain_.join();
}

void PostgresServer::Kill() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Its children hold the output until they notice: the drain ends when the last one is gone.
  if (drain_.joinable()) drain_.join();
}

std::string PostgresServer::CreateDatabase(const std::string& name) {
  PGconn* c = PQconnectdb(conninfo("postgres").c_str());
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* exists = PQexecParams(c, "SELECT 1 FROM pg_database WHERE datname = $1", 1,
                                    nullptr, std::array<const char*, 1>{name.c_str()}.data(),
                                    nullptr, nullptr, 0);
    const bool there = PQntuples(exists) > 0;
    PQclear(exists);
    if (!there) PQclear(PQexec(c, ("CREATE DATABASE " + Quoted(name)).c_str()));
  } else {
    std::cerr << "postgres: " << PQerrorMessage(c);
  }
  PQfinish(c);
  return conninfo(name);
}

std::map<std::string, std::string> ExamHolders(const std::string& conninfo) {
  std::map<std::string, std::string> out;
  PGconn* c = PQconnectdb(conninfo.c_str());
  PGresult* r = PQexec(c, "SELECT exam_id, holder FROM exam_leases WHERE holder <> ''");
  for (int i = 0; i < PQntuples(r); ++i) {
    const std::string holder = PQgetvalue(r, i, 1);
    out[PQgetvalue(r, i, 0)] = holder.substr(0, holder.find('/'));
  }
  PQclear(r);
  PQfinish(c);
  return out;
}

PostgresServer* SharedPostgres() {
  static PostgresServer* server = [] {
    auto* s = new PostgresServer();
    if (!s->Start()) {
      std::cerr << "PostgreSQL did not start:\n" << s->log() << "\n";
      delete s;
      return static_cast<PostgresServer*>(nullptr);
    }
    // Stopped when the test process exits (a static's destructor would race gtest's own).
    std::atexit([] { delete server; });
    return s;
  }();
  return server;
}

}  // namespace pupitre::testkit
