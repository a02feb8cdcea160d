#include "testkit/bbb_standin.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <vector>

namespace pupitre::testkit {

bool BbbStandin::Start() {
  int fds[2];
  if (pipe(fds) != 0) return false;
  const std::string script = std::string(PUPITRE_STANDINS) + "/bbb_standin.py";
  std::vector<std::string> args{"python3", script, "--secret", secret_, "--checksum", checksum_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // the test gone (crashed): the stand-in goes too
    dup2(fds[1], 1);
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);  // not the test's output: nothing holds it open after a crash
    close(fds[0]);
    close(fds[1]);
    execvp("python3", argv.data());
    _exit(127);
  }
  close(fds[1]);
  stdout_fd_ = fds[0];
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char buf[256];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      continue;
    }
    const ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) return false;
    seen.append(buf, static_cast<size_t>(n));
    // "bbb-standin: listening on http://127.0.0.1:PORT/bigbluebutton/api/"
    const size_t at = seen.find("127.0.0.1:");
    const size_t slash = at == std::string::npos ? at : seen.find('/', at);
    if (slash != std::string::npos) {
      port_ = static_cast<uint16_t>(std::stoi(seen.substr(at + 10, slash - at - 10)));
      return true;
    }
  }
  return false;
}

void BbbStandin::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

std::string BbbStandin::api_url() const {
  return fmt::format("http://127.0.0.1:{}/bigbluebutton/api/", port_);
}

}  // namespace pupitre::testkit
