// The change log in PostgreSQL (see pg_changes.h).
#include "store/postgres/pg_changes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace pupitre::store {
namespace {

// Changes are kept this long: a node cut off from the store for longer starts again (its
// lease thread has stopped it serving exams long before).
constexpr const char* kPrune = "DELETE FROM changes WHERE at < now() - interval '1 day'";
constexpr auto kPruneEvery = std::chrono::minutes(10);
constexpr size_t kRowsPerInsert = 1'000;

}  // namespace

Result<std::string> PgChangeLog::Mark() {
  auto r = conn_.Exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
  if (!r.ok()) return r.take_error();
  return std::string(PQgetvalue(r->get(), 0, 0));
}

Result<ChangeLog::Window> PgChangeLog::Since(const std::string& mark,
                                             std::chrono::milliseconds wait) {
  if (auto s = conn_.Ensure(); !s.ok()) {
    conn_.WaitNotified(static_cast<int>(wait.count()));  // retried after the wait, not in a spin
    return s.take_error();
  }
  if (conn_.connects() != listening_on_) {
    // A new connection: notifications sent before it are lost, so the window is read at once.
    auto r = conn_.Exec(fmt::format("LISTEN {}", kChangesChannel));
    if (!r.ok()) return r.take_error();
    listening_on_ = conn_.connects();
  } else {
    conn_.WaitNotified(static_cast<int>(wait.count()));
  }
  auto hi = conn_.Exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
  if (!hi.ok()) return hi.take_error();
  Window w;
  w.next = PQgetvalue(hi->get(), 0, 0);
  auto rows = conn_.Exec(
      "SELECT kind, key FROM changes WHERE xid >= $1::xid8 AND xid < $2::xid8 ORDER BY seq",
      {mark, w.next});
  if (!rows.ok()) return rows.take_error();
  const int n = PQntuples(rows->get());
  w.keys.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const long kind = std::strtol(PQgetvalue(rows->get(), i, 0), nullptr, 10);
    w.keys.push_back({static_cast<ChangeKind>(kind), PQgetvalue(rows->get(), i, 1)});
  }
  if (const auto now = std::chrono::steady_clock::now(); now - pruned_ > kPruneEvery) {
    pruned_ = now;
    (void)conn_.Exec(kPrune);  // best effort: the next prune tries again
  }
  return w;
}

Status LogChanges(PgConnection& writer, std::span<const ChangeKey> keys) {
  std::vector<std::string> params;
  std::string sql;
  for (size_t at = 0; at < keys.size(); at += kRowsPerInsert) {
    const size_t end = std::min(keys.size(), at + kRowsPerInsert);
    sql = "INSERT INTO changes(kind, key) VALUES";
    params.clear();
    for (size_t i = at; i < end; ++i) {
      fmt::format_to(std::back_inserter(sql), "{}(${}::smallint, ${})", i == at ? " " : ", ",
                     params.size() + 1, params.size() + 2);
      params.push_back(std::to_string(static_cast<int>(keys[i].kind)));
      params.push_back(keys[i].key);
    }
    if (auto r = writer.Exec(sql, params); !r.ok()) return r.take_error();
  }
  if (auto r = writer.Exec(fmt::format("NOTIFY {}", kChangesChannel)); !r.ok()) {
    return r.take_error();
  }
  return OkStatus();
}

}  // namespace pupitre::store
