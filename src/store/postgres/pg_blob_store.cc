// Blobs and uploads in PostgreSQL, with each node's disk as their cache (see pg_blob_store.h).
#include "store/postgres/pg_blob_store.h"

#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "common/mutex.h"
#include "store/postgres/pg_connection.h"

namespace pupitre::store {
namespace {

constexpr size_t kPartBytes = 1 << 20;
constexpr size_t kUploadIdBytes = 16;  // as the disk store's ids (IsUploadId)

int64_t IntAt(const PgResult& r, int row, int col) {
  return std::strtoll(PQgetvalue(r.get(), row, col), nullptr, 10);
}

class PgBlobStore final : public BlobStore {
 public:
  PgBlobStore(const std::string& conninfo, std::unique_ptr<BlobStore> local)
      : conn_(conninfo), local_(std::move(local)) {}

  Status Check() {
    MutexLock lock(mu_);
    auto r = conn_.Exec("SELECT 1 FROM blob_heads LIMIT 1");
    return r.ok() ? OkStatus() : Status(r.take_error());
  }

  Result<std::shared_ptr<OpenBlob>> Open(std::string_view sha256) override {
    auto here = local_->Open(sha256);
    if (here.ok() || here.error().code != ErrorCode::kNotFound || !IsBlobName(sha256)) return here;
    if (auto s = FetchToLocal(std::string(sha256)); !s.ok()) return s.take_error();
    return local_->Open(sha256);
  }

  Result<BlobRef> Put(std::string_view bytes) override {
    auto ref = local_->Put(bytes);
    if (!ref.ok()) return ref;
    if (auto s = StoreShared(*ref); !s.ok()) return s.take_error();
    return ref;
  }

  Result<std::string> CreateUpload(uint64_t length) override {
    std::array<unsigned char, kUploadIdBytes> raw;
    randombytes_buf(raw.data(), raw.size());
    std::string id(raw.size() * 2, '\0');
    sodium_bin2hex(id.data(), id.size() + 1, raw.data(), raw.size());
    MutexLock lock(mu_);
    auto r = conn_.Exec("INSERT INTO upload_heads(id, length, have) VALUES ($1, $2, 0)",
                        {id, std::to_string(length)});
    if (!r.ok()) return r.take_error();
    return id;
  }

  Result<uint64_t> UploadOffset(std::string_view id) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    MutexLock lock(mu_);
    auto r = conn_.Exec("SELECT have FROM upload_heads WHERE id = $1", {std::string(id)});
    if (!r.ok()) return r.take_error();
    if (PQntuples(r->get()) == 0) return Error::NotFound("no such upload");
    return static_cast<uint64_t>(IntAt(*r, 0, 0));
  }

  Result<uint64_t> Append(std::string_view id, uint64_t offset, std::string_view bytes,
                          uint64_t length) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    MutexLock lock(mu_);
    if (auto r = conn_.Exec("BEGIN"); !r.ok()) return r.take_error();
    Result<uint64_t> n = AppendInTransaction(std::string(id), offset, bytes, length);
    if (n.ok()) {
      if (auto r = conn_.Exec("COMMIT"); !r.ok()) n = r.take_error();
    }
    if (!n.ok()) (void)conn_.Exec("ROLLBACK");  // the error that matters is n's
    return n;
  }

  Result<BlobRef> Adopt(std::string_view id) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    const std::string key(id);
    Result<BlobRef> ref = Error::Internal("unset");
    {
      MutexLock lock(mu_);
      auto head = conn_.Exec("SELECT have FROM upload_heads WHERE id = $1", {key});
      if (!head.ok()) return head.take_error();
      if (PQntuples(head->get()) == 0) return Error::NotFound("no such upload");
      const auto size = static_cast<uint64_t>(IntAt(*head, 0, 0));
      auto parts = conn_.Exec("SELECT at FROM upload_parts WHERE id = $1 ORDER BY at", {key});
      if (!parts.ok()) return parts.take_error();
      std::vector<std::string> offsets;
      for (int i = 0; i < PQntuples(parts->get()); ++i) {
        offsets.emplace_back(PQgetvalue(parts->get(), i, 0));
      }
      // Assembled on this node's disk, which hashes it.
      std::vector<std::vector<std::string>> keys;
      for (auto& at : offsets) keys.push_back({key, std::move(at)});
      ref = Assemble(size, "SELECT data FROM upload_parts WHERE id = $1 AND at = $2", keys);
    }
    if (!ref.ok()) return ref;
    if (auto s = StoreShared(*ref); !s.ok()) return s.take_error();
    if (auto s = DropUpload(id); !s.ok()) return s.take_error();
    return ref;
  }

  Status DropUpload(std::string_view id) override {
    if (!IsUploadId(id)) return OkStatus();
    MutexLock lock(mu_);
    const std::string key(id);
    auto r = conn_.Exec("BEGIN");
    if (r.ok()) r = conn_.Exec("DELETE FROM upload_parts WHERE id = $1", {key});
    if (r.ok()) r = conn_.Exec("DELETE FROM upload_heads WHERE id = $1", {key});
    if (r.ok()) r = conn_.Exec("COMMIT");
    if (!r.ok()) {
      (void)conn_.Exec("ROLLBACK");
      return r.take_error();
    }
    return OkStatus();
  }

 private:
  Result<uint64_t> AppendInTransaction(const std::string& key, uint64_t offset,
                                       std::string_view bytes, uint64_t length) REQUIRES(mu_) {
    // The head's lock orders two appends to one upload, whichever nodes they reach.
    auto head = conn_.Exec("SELECT have FROM upload_heads WHERE id = $1 FOR UPDATE", {key});
    if (!head.ok()) return head.take_error();
    if (PQntuples(head->get()) == 0) return Error::NotFound("no such upload");
    const auto have = static_cast<uint64_t>(IntAt(*head, 0, 0));
    if (auto s = CheckAppend(have, offset, bytes.size(), length); !s.ok()) return s.take_error();
    if (bytes.empty()) return have;
    const std::string at = std::to_string(offset);
    const char* values[] = {key.c_str(), at.c_str(), bytes.data()};
    const int lengths[] = {static_cast<int>(key.size()), static_cast<int>(at.size()),
                           static_cast<int>(bytes.size())};
    const int formats[] = {0, 0, 1};
    auto put = conn_.ExecRaw("INSERT INTO upload_parts(id, at, data) VALUES ($1, $2, $3)", 3,
                             values, lengths, formats);
    if (!put.ok()) return put.take_error();
    auto moved = conn_.Exec("UPDATE upload_heads SET have = have + $2 WHERE id = $1",
                            {key, std::to_string(bytes.size())});
    if (!moved.ok()) return moved.take_error();
    return have + bytes.size();
  }

  // Writes the parts `select` reads (one bytea each, with each of `keys`, in order) into a
  // new blob on this node's disk, one part in memory at a time.
  Result<BlobRef> Assemble(uint64_t size, const char* select,
                           const std::vector<std::vector<std::string>>& keys) REQUIRES(mu_) {
    auto id = local_->CreateUpload(size);
    if (!id.ok()) return id.take_error();
    uint64_t at = 0;
    for (const auto& k : keys) {
      Result<PgResult> r = conn_.ExecBinary(select, k);
      if (!r.ok() || PQntuples(r->get()) != 1) {
        (void)local_->DropUpload(*id);
        return r.ok() ? Error::Internal("a part went missing while it was read") : r.take_error();
      }
      std::string_view bytes(PQgetvalue(r->get(), 0, 0),
                             static_cast<size_t>(PQgetlength(r->get(), 0, 0)));
      auto n = local_->Append(*id, at, bytes, size);
      if (!n.ok()) {
        (void)local_->DropUpload(*id);
        return n.take_error();
      }
      at = *n;
    }
    return local_->Adopt(*id);
  }

  // Copies a blob stored in PostgreSQL to this node's disk; kNotFound if it is not there.
  Status FetchToLocal(const std::string& sha256) {
    MutexLock lock(mu_);
    auto head = conn_.Exec("SELECT size, parts FROM blob_heads WHERE sha256 = $1", {sha256});
    if (!head.ok()) return head.take_error();
    if (PQntuples(head->get()) == 0) return Error::NotFound("no such file");
    const auto size = static_cast<uint64_t>(IntAt(*head, 0, 0));
    const auto parts = static_cast<size_t>(IntAt(*head, 0, 1));
    std::vector<std::vector<std::string>> keys;
    for (size_t i = 0; i < parts; ++i) keys.push_back({sha256, std::to_string(i)});
    auto ref = Assemble(size, "SELECT data FROM blob_parts WHERE sha256 = $1 AND part = $2", keys);
    if (!ref.ok()) return ref.take_error();
    if (ref->sha256 != sha256) {
      return Error::Internal(fmt::format("the stored file {} does not hash to its name", sha256));
    }
    return OkStatus();
  }

  // Keeps a blob of this node's disk in PostgreSQL too (once: the same bytes are one blob).
  Status StoreShared(const BlobRef& ref) {
    auto blob = local_->Open(ref.sha256);
    if (!blob.ok()) return blob.take_error();
    MutexLock lock(mu_);
    auto known = conn_.Exec("SELECT 1 FROM blob_heads WHERE sha256 = $1", {ref.sha256});
    if (!known.ok()) return known.take_error();
    if (PQntuples(known->get()) > 0) return OkStatus();
    // Each part commits alone (a long transaction would hold back every node's change feed,
    // which reads up to the oldest running one); the head comes last, so a blob without it is
    // not there yet, and a later try adds the missing parts (the same bytes, the same rows).
    std::string buf(kPartBytes, '\0');
    uint64_t at = 0;
    size_t part = 0;
    Status s = OkStatus();
    while (s.ok() && at < ref.size) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(kPartBytes, ref.size - at));
      const ssize_t got = ::pread((*blob)->fd(), buf.data(), want, static_cast<off_t>(at));
      if (got <= 0) {
        s = Error::Internal(fmt::format("cannot read the file {} to share it", ref.sha256));
        break;
      }
      const std::string sha = ref.sha256, n = std::to_string(part);
      const char* values[] = {sha.c_str(), n.c_str(), buf.data()};
      const int lengths[] = {static_cast<int>(sha.size()), static_cast<int>(n.size()),
                             static_cast<int>(got)};
      const int formats[] = {0, 0, 1};
      auto r = conn_.ExecRaw(
          "INSERT INTO blob_parts(sha256, part, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
          3, values, lengths, formats);
      if (!r.ok()) s = r.take_error();
      at += static_cast<uint64_t>(got);
      ++part;
    }
    if (s.ok()) {
      // The head last: a blob with a head is whole.
      auto r = conn_.Exec(
          "INSERT INTO blob_heads(sha256, size, parts) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
          {ref.sha256, std::to_string(ref.size), std::to_string(part)});
      if (!r.ok()) s = r.take_error();
    }
    return s;
  }

  Mutex mu_;
  PgConnection conn_ GUARDED_BY(mu_);
  std::unique_ptr<BlobStore> local_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenPostgresBlobStore(const std::string& conninfo,
                                                         std::unique_ptr<BlobStore> local) {
  auto store = std::make_unique<PgBlobStore>(conninfo, std::move(local));
  if (auto s = store->Check(); !s.ok()) return s.take_error();
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace pupitre::store
