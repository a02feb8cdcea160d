// The wiring's own duties: a data directory from before the canonical form of exams opens with
// every exam loaded and its canonical form written once.
#include "app/app.h"

#include <gtest/gtest.h>

#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "testkit/child_server.h"

namespace pupitre {
namespace {

constexpr const char* kOldExam = R"toml([exam]
id = "old-exam"
title = "Stored as TOML only"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 30

[[question]]
id = "q"
type = "truefalse"
text = "True?"
answer = true
)toml";

TEST(NodeTest, ExamsStoredBeforeTheCanonicalFormAreImportedOnceAtOpening) {
  testkit::TempDir dir;
  {
    auto backend = store::OpenSqlite(dir.path());
    ASSERT_TRUE(backend.ok()) << backend.error().message;
    store::ExamRecord old{"old-exam", kOldExam, 1, true, 5, false, 0, "toml", ""};
    std::vector<store::WriteOp> ops{store::op::PutExam{old}};
    ASSERT_TRUE((*backend)->ApplyBatch(ops).ok());
  }
  Config config;
  config.store.data_dir = dir.path();
  config.auth.argon2_iterations = 1;
  config.auth.argon2_memory_kib = 8;
  SystemClock clock;
  {
    auto node = Node::Open(config, clock);
    ASSERT_TRUE(node.ok()) << node.error().message;
    auto e = (*node)->exams().GetExam(exam::Caller{1, true}, "old-exam");
    ASSERT_TRUE(e.ok()) << "the old exam was not loaded: " << e.error().message;
    EXPECT_EQ((*e)->spec->title, "Stored as TOML only");
    EXPECT_TRUE((*e)->state.published) << "its state was lost on the way";
  }
  auto backend = store::OpenSqlite(dir.path());
  ASSERT_TRUE(backend.ok());
  auto s = (*backend)->LoadAll();
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->exams.size(), 1u);
  EXPECT_FALSE(s->exams[0].spec_json.empty()) << "the canonical form was not kept";
  EXPECT_EQ(s->exams[0].source, kOldExam) << "the teacher's file was rewritten";
}

}  // namespace
}  // namespace pupitre
