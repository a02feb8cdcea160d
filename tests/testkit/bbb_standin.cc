#include "testkit/bbb_standin.h"
#include "testkit/child_server.h"

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
  // "bbb-standin: listening on http://127.0.0.1:PORT/bigbluebutton/api/"
  const std::string line = WaitForListeningLine(stdout_fd_, pid_, 30);
  const size_t at = line.find("127.0.0.1:");
  const size_t slash = at == std::string::npos ? at : line.find('/', at);
  if (slash == std::string::npos) return false;
  port_ = static_cast<uint16_t>(std::stoi(line.substr(at + 10, slash - at - 10)));
  return true;
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
