#include "store/blob/blob_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "testkit/child_server.h"

namespace pupitre::store {
namespace {

std::string ReadAll(const OpenBlob& b) {
  std::string out(b.size(), '\0');
  EXPECT_EQ(::pread(b.fd(), out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  return out;
}

constexpr std::string_view kAbcSha =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";  // SHA-256("abc")

TEST(DiskBlobStoreTest, StoresByContentAndOpens) {
  testkit::TempDir dir;
  auto store = OpenDiskBlobStore(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto ref = (*store)->Put("abc");
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->sha256, kAbcSha);
  EXPECT_EQ(ref->size, 3u);
  auto again = (*store)->Put("abc");  // the same bytes: the same blob
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sha256, kAbcSha);
  auto open = (*store)->Open(kAbcSha);
  ASSERT_TRUE(open.ok()) << open.error().message;
  EXPECT_EQ(ReadAll(**open), "abc");
  EXPECT_EQ((*store)->Open(std::string(64, 'a')).error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*store)->Open("../../etc/passwd").error().code, ErrorCode::kNotFound);
  // A small one read whole, within a bound.
  auto whole = ReadSmallBlob(**store, kAbcSha, 3);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(*whole, "abc");
  EXPECT_EQ(ReadSmallBlob(**store, kAbcSha, 2).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(ReadSmallBlob(**store, std::string(64, 'a'), 9).error().code, ErrorCode::kNotFound);
}

TEST(DiskBlobStoreTest, UploadsResumeAtTheirDurableLengthAfterAReopen) {
  testkit::TempDir dir;
  std::string id;
  {
    auto store = OpenDiskBlobStore(dir.path());
    ASSERT_TRUE(store.ok());
    auto created = (*store)->CreateUpload(6);
    ASSERT_TRUE(created.ok());
    id = *created;
    EXPECT_TRUE(IsUploadId(id));
    auto n = (*store)->Append(id, 0, "ab", 6);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 2u);
  }
  auto store = OpenDiskBlobStore(dir.path());  // as after a restart
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->UploadOffset(id), 2u);
  // A chunk sent again at the old offset is refused with the offset to resume from.
  auto stale = (*store)->Append(id, 0, "ab", 6);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().reason, "upload_offset");
  // Beyond the declared length: refused, nothing written.
  auto too_long = (*store)->Append(id, 2, "cdefg", 6);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(*(*store)->UploadOffset(id), 2u);
  ASSERT_TRUE((*store)->Append(id, 2, "cdef", 6).ok());
  auto ref = (*store)->Adopt(id);
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->size, 6u);
  EXPECT_EQ(ReadAll(**(*store)->Open(ref->sha256)), "abcdef");
  EXPECT_EQ((*store)->UploadOffset(id).error().code, ErrorCode::kNotFound) << "adopted: gone";
}

TEST(DiskBlobStoreTest, DroppedUploadsAreGoneAndIdsAreChecked) {
  testkit::TempDir dir;
  auto store = OpenDiskBlobStore(dir.path());
  ASSERT_TRUE(store.ok());
  auto id = (*store)->CreateUpload(10);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE((*store)->DropUpload(*id).ok());
  EXPECT_EQ((*store)->UploadOffset(*id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ((*store)->Append(*id, 0, "x", 10).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(IsUploadId("../x"));
  EXPECT_EQ((*store)->Append("../../pupitre.db", 0, "x", 10).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace pupitre::store
