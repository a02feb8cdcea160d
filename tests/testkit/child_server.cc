#include "testkit/child_server.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pupitre::testkit {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "pupitre-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string WaitForListeningLine(int fd, pid_t& pid, int seconds) {
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  char buf[512];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = -1;
        return "";
      }
      continue;
    }
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return "";
    seen.append(buf, static_cast<size_t>(n));
    const size_t at = seen.find("listening on ");
    const size_t nl = at == std::string::npos ? at : seen.find('\n', at);
    if (nl != std::string::npos) return seen.substr(at, nl - at);
  }
  return "";
}

std::string PupitreBin() {
  if (const char* bin = std::getenv("PUPITRE_BIN")) return bin;
  // Test and bench binaries are built next to pupitre.
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "build/pupitre" : (self.parent_path() / "pupitre").string();
}

std::string FastTestConfig(uint16_t port) {
  return fmt::format("[server]\nlisten = \"127.0.0.1:{}\"\nthreads = 2\nshutdown_grace_ms = 5000\n"
                     "[auth]\nargon2_iterations = 1\nargon2_memory_kib = 64\n", port);
}

namespace {

// Reads everything from `fd` until EOF or the deadline.
std::string ReadAll(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::vector<char*> Argv(const std::string& bin, const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(bin.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

CommandResult RunPupitre(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::string bin = PupitreBin();
  auto argv = Argv(bin, args);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  CommandResult r;
  r.output = ReadAll(fds[0], std::chrono::steady_clock::now() + std::chrono::seconds(120));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

ChildServer::ChildServer(std::string data_dir, std::string config_text, bool demo)
    : data_dir_(std::move(data_dir)), config_text_(std::move(config_text)), demo_(demo) {}

ChildServer::~ChildServer() {
  if (pid_ > 0) Stop(SIGKILL);
}

bool ChildServer::Start() {
  std::string config_path = data_dir_ + "/pupitre.toml";
  std::ofstream(config_path) << config_text_;
  int fds[2];
  if (pipe(fds) != 0) return false;
  std::string bin = PupitreBin();
  std::vector<std::string> args{"serve", "--config", config_path, "--data-dir",
                                data_dir_ + "/store"};
  if (demo_) args.push_back("--demo");
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  auto argv = Argv(bin, args);
  std::string log_path = data_dir_ + "/server.log";
  pid_ = fork();
  if (pid_ == 0) {
    if (max_open_files_ > 0) {
      const rlimit r{static_cast<rlim_t>(max_open_files_), static_cast<rlim_t>(max_open_files_)};
      setrlimit(RLIMIT_NOFILE, &r);
    }
    dup2(fds[1], 1);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) dup2(log, 2);
    close(fds[0]);
    close(fds[1]);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  stdout_fd_ = fds[0];
  // "pupitre: listening on http://127.0.0.1:PORT"
  const std::string line = WaitForListeningLine(stdout_fd_, pid_, 60);
  if (line.empty()) return false;
  port_ = static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  return true;
}

int ChildServer::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
}

std::string ChildServer::log() const {
  std::ifstream in(data_dir_ + "/server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace pupitre::testkit
