#pragma once
// Test support: a real `pupitre serve` child process on 127.0.0.1 and an ephemeral port, with
// its own temporary data directory.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pupitre::testkit {

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Reads a child's output from `fd` until a whole line containing "listening on " has come,
// and returns that line; "" if the child (`pid`, set to -1 then) exited, the pipe closed or
// `seconds` passed first.
std::string WaitForListeningLine(int fd, pid_t& pid, int seconds);

// Path of the pupitre binary (from $PUPITRE_BIN, set by CTest).
std::string PupitreBin();

// Config text for fast tests: cheap password hashing, on loopback at `port` (0: any free one;
// a port chosen first when another server must know the address before this one starts).
std::string FastTestConfig(uint16_t port = 0);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs the pupitre binary with `args` and waits (at most 120 s).
CommandResult RunPupitre(const std::vector<std::string>& args);

class ChildServer {
 public:
  // `config_text` is written to data_dir/pupitre.toml and passed with --config.
  ChildServer(std::string data_dir, std::string config_text, bool demo = false);
  ~ChildServer();  // SIGKILLs the child if it still runs

  // Extra command-line arguments for `pupitre serve`. Call before Start().
  void AddArgs(std::vector<std::string> args) { extra_args_ = std::move(args); }
  // The child's limit of open files (soft and hard), as a smaller machine would set it; 0: the
  // test's own. Call before Start().
  void LimitOpenFiles(int n) { max_open_files_ = n; }
  // The child's process id (-1 when not running), e.g. to read its memory use.
  pid_t pid() const { return pid_; }

  // Starts the child and waits (at most 60 s) until it prints its listening line.
  // Returns false (with the child's log in `log()`) if it did not come up.
  bool Start();
  uint16_t port() const { return port_; }
  // Sends `signal` and waits for the child to exit; returns its exit status (or -signal).
  int Stop(int signal);
  // The child's stderr so far.
  std::string log() const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  std::string data_dir_;
  std::string config_text_;
  bool demo_;
  std::vector<std::string> extra_args_;
  int max_open_files_ = 0;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace pupitre::testkit
