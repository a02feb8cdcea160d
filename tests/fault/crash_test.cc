// A server killed with SIGKILL in the middle of a burst of concurrent saves comes back with
// every save it had acknowledged, at its latest value.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using CrashTest = DemoServerTest;

TEST_F(CrashTest, EveryAcknowledgedSaveSurvivesSigkill) {
  CheckEveryAcknowledgedSaveSurvivesSigkill(/*students=*/32, /*acks_before_kill=*/3000);
}

}  // namespace
}  // namespace pupitre::testkit
