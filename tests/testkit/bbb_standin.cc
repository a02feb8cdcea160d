#include "testkit/bbb_standin.h"

#include <fmt/format.h>

namespace pupitre::testkit {

bool BbbStandin::Start() {
  // "bbb-standin: listening on http://127.0.0.1:PORT/bigbluebutton/api/"
  return process_.Start("python3", "bbb_standin.py", {"--secret", secret_, "--checksum", checksum_});
}

void BbbStandin::Stop() { process_.Stop(); }

std::string BbbStandin::api_url() const {
  return fmt::format("http://127.0.0.1:{}/bigbluebutton/api/", port());
}

}  // namespace pupitre::testkit
