#include "course/uploads.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/metrics.h"
#include "store/sqlite/sqlite_store.h"
#include "testkit/child_server.h"
#include "testkit/fake_clock.h"

namespace pupitre::course {
namespace {

class UploadsTest : public ::testing::Test {
 protected:
  UploadsTest() : clock_(FromUnixMs(1'800'000'000'000)) {
    backend_ = store::OpenSqlite(dir_.path()).value();
    writer_ = std::make_unique<store::Writer>(*backend_, metrics_, 64, 1000);
    uploads_ = std::make_unique<Uploads>(*writer_, clock_, 10 * 1024 * 1024, 2);
  }
  ~UploadsTest() override { writer_->Stop(); }

  testkit::TempDir dir_;
  FakeClock clock_;
  Metrics metrics_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<Uploads> uploads_;
};

TEST_F(UploadsTest, CapsAreCheckedAndAbandonedOnesAreFoundAndForgotten) {
  ASSERT_TRUE(uploads_->Begin("a", 7, 100, "a.pdf").ok());
  clock_.Advance(std::chrono::hours(2));
  ASSERT_TRUE(uploads_->Begin("b", 7, 100, "b.pdf").ok());
  auto third = uploads_->Begin("c", 7, 100, "c.pdf");
  EXPECT_EQ(third.error().reason, "too_many_uploads");
  EXPECT_EQ(uploads_->CheckBegin(8, 11 * 1024 * 1024, "big.mp4").error().reason, "file_too_large");
  EXPECT_FALSE(uploads_->Find("a", 8)) << "another person's upload is not found";

  EXPECT_EQ(uploads_->Abandoned(std::chrono::hours(1)), (std::vector<std::string>{"a"}));
  ASSERT_TRUE(uploads_->Finish("a").ok());
  EXPECT_TRUE(uploads_->Abandoned(std::chrono::hours(1)).empty());
  EXPECT_TRUE(uploads_->CheckBegin(7, 100, "c.pdf").ok()) << "a place is free again";
  // Kept in the store: a restart knows "b" and not "a".
  Uploads again(*writer_, clock_, 10 * 1024 * 1024, 2);
  again.Load(*backend_->LoadAll());
  EXPECT_TRUE(again.Find("b", 7));
  EXPECT_FALSE(again.Find("a", 7));
}

TEST(CleanFileNameTest, KeepsTheLastPartWithoutControlsAndCutsLongOnes) {
  EXPECT_EQ(CleanFileName("C:\\Users\\ana\\essai final.pdf"), "essai final.pdf");
  EXPECT_EQ(CleanFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(CleanFileName("a\nb\x01.txt"), "ab.txt");
  EXPECT_EQ(CleanFileName(".hidden"), "hidden");
  EXPECT_EQ(CleanFileName(""), "file");
  const std::string long_name = std::string(300, 'x') + ".pdf";
  const std::string cut = CleanFileName(long_name);
  EXPECT_LE(cut.size(), kMaxFileNameBytes);
  EXPECT_EQ(cut.substr(cut.size() - 4), ".pdf");
  EXPECT_EQ(CleanFileName("caf\xC3"), "caf") << "invalid UTF-8 is cut off";
}

}  // namespace
}  // namespace pupitre::course
