#include "testkit/standin_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testkit/child_server.h"

namespace pupitre::testkit {

bool StandinProcess::Start(const std::string& interpreter, const std::string& script,
                           const std::vector<std::string>& args, int seconds,
                           const std::string& log_path) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  std::vector<std::string> all{interpreter, std::string(PUPITRE_STANDINS) + "/" + script};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // the test gone (crashed): the stand-in goes too
    dup2(fds[1], 1);
    // Not the test's output: nothing holds it open after a crash.
    const int err = log_path.empty() ? open("/dev/null", O_WRONLY)
                                     : open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) dup2(err, 2);
    close(fds[0]);
    close(fds[1]);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  stdout_fd_ = fds[0];
  const std::string line = WaitForListeningLine(stdout_fd_, pid_, seconds);
  const size_t at = line.find("127.0.0.1:");
  const size_t slash = at == std::string::npos ? at : line.find('/', at);
  if (slash == std::string::npos) return false;
  port_ = static_cast<uint16_t>(std::stoi(line.substr(at + 10, slash - at - 10)));
  return true;
}

void StandinProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

}  // namespace pupitre::testkit
