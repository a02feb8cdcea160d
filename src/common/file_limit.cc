// The open-file limit raised (see file_limit.h).
#include "common/file_limit.h"

#include <sys/resource.h>

namespace pupitre {

void RaiseFileLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

}  // namespace pupitre
