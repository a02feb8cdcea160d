// Exam leases and the writer's fence on PostgreSQL (see pg_leases.h).
#include "store/postgres/pg_leases.h"

#include <fmt/format.h>

#include <cstdlib>
#include <set>
#include <variant>

namespace pupitre::store {
namespace {

// The store's clock in milliseconds.
constexpr const char* kNow = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
constexpr const char* kColumns = "exam_id, holder, token, expires_ms, wanted_by";

int64_t Int(const PGresult* r, int row, int col) {
  return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}

std::vector<Lease> LeasesOf(const PGresult* r) {
  std::vector<Lease> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    out.push_back(Lease{PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), Int(r, i, 2), Int(r, i, 3),
                        PQgetvalue(r, i, 4), Int(r, i, 5)});
  }
  return out;
}

// A PostgreSQL array literal of texts: {"a","b"}.
std::string TextArray(const std::set<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char c : v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

// The exam a write is for, or its attempt (0: neither).
struct Target {
  std::string exam_id;
  int64_t attempt_id = 0;
};
Target TargetOf(const WriteOp& op) {
  return std::visit(
      [](const auto& o) -> Target {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, op::CreateAttempt>) {
          return {o.exam_id, 0};
        } else if constexpr (std::is_same_v<T, op::PutExam>) {
          return {o.exam.id, 0};
        } else if constexpr (std::is_same_v<T, op::PutExtraTime>) {
          return {o.extra.exam_id, 0};
        } else if constexpr (std::is_same_v<T, op::SaveAnswer> ||
                             std::is_same_v<T, op::SubmitAttempt> ||
                             std::is_same_v<T, op::SetManualGrade> ||
                             std::is_same_v<T, op::SetGradeComment> ||
                             std::is_same_v<T, op::SetDeadline> ||
                             std::is_same_v<T, op::AddAttemptEvent>) {
          return {"", o.attempt_id};
        } else {
          return {};
        }
      },
      op);
}

}  // namespace

Result<Lease> PgLeases::Acquire(const std::string& exam_id, const std::string& holder,
                                int64_t ttl_ms) {
  MutexLock lock(mu_);
  const std::vector<std::string> params{exam_id, holder, std::to_string(ttl_ms)};
  auto taken = conn_.Exec(
      fmt::format(
          "INSERT INTO exam_leases AS l(exam_id, holder, token, expires_ms) "
          "VALUES($1, $2, 1, {0} + $3::bigint) ON CONFLICT(exam_id) DO UPDATE SET "
          "token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END, "
          "wanted_by = CASE WHEN l.holder = excluded.holder THEN l.wanted_by ELSE '' END, "
          "holder = excluded.holder, expires_ms = excluded.expires_ms "
          "WHERE l.holder = excluded.holder OR l.holder = '' OR l.expires_ms < {0} "
          "RETURNING {1}, {0}",
          kNow, kColumns),
      params);
  if (!taken.ok()) return taken.take_error();
  if (PQntuples(taken->get()) == 1) return LeasesOf(taken->get())[0];
  auto held = conn_.Exec(fmt::format("SELECT {}, {} FROM exam_leases WHERE exam_id = $1",
                                     kColumns, kNow),
                         {exam_id});
  if (!held.ok()) return held.take_error();
  auto all = LeasesOf(held->get());
  if (all.empty()) return Error::Internal("exam_leases: no row after a refused take");
  return all[0];
}

Result<std::vector<Lease>> PgLeases::Renew(const std::string& holder, int64_t ttl_ms) {
  MutexLock lock(mu_);
  auto r = conn_.Exec(fmt::format("UPDATE exam_leases SET expires_ms = {0} + $2::bigint "
                                  "WHERE holder = $1 RETURNING {1}, {0}",
                                  kNow, kColumns),
                      {holder, std::to_string(ttl_ms)});
  if (!r.ok()) return r.take_error();
  return LeasesOf(r->get());
}

Status PgLeases::Release(const std::string& exam_id, const std::string& holder) {
  MutexLock lock(mu_);
  auto r = conn_.Exec(
      "UPDATE exam_leases SET holder = '', expires_ms = 0, wanted_by = '' "
      "WHERE exam_id = $1 AND holder = $2",
      {exam_id, holder});
  return r.ok() ? OkStatus() : Status(r.take_error());
}

Status PgLeases::Want(const std::string& exam_id, const std::string& node) {
  MutexLock lock(mu_);
  auto r = conn_.Exec(
      "UPDATE exam_leases SET wanted_by = $2 WHERE exam_id = $1 AND holder <> $2 "
      "AND holder <> ''",
      {exam_id, node});
  return r.ok() ? OkStatus() : Status(r.take_error());
}

Result<std::vector<Lease>> PgLeases::List() {
  MutexLock lock(mu_);
  auto r = conn_.Exec(
      fmt::format("SELECT {}, {} FROM exam_leases ORDER BY exam_id", kColumns, kNow));
  if (!r.ok()) return r.take_error();
  return LeasesOf(r->get());
}

void PgLeases::FenceAs(const std::string& holder) { fence_ = holder; }

Status CheckFence(PgConnection& writer, std::span<const WriteOp> ops, const std::string& holder) {
  std::set<std::string> exams;
  std::string attempts = "{";
  for (const WriteOp& op : ops) {
    Target t = TargetOf(op);
    if (!t.exam_id.empty()) exams.insert(std::move(t.exam_id));
    if (t.attempt_id != 0) {
      if (attempts.size() > 1) attempts.push_back(',');
      attempts += std::to_string(t.attempt_id);
    }
  }
  attempts.push_back('}');
  if (exams.empty() && attempts.size() == 2) return OkStatus();
  // The exams of the attempts written (those created in this batch are named by their
  // CreateAttempt), then their leases, locked until the batch commits.
  auto r = writer.Exec(
      "SELECT exam_id, holder FROM exam_leases WHERE exam_id IN ("
      "SELECT exam_id FROM attempts WHERE id = ANY($1::bigint[]) "
      "UNION SELECT unnest($2::text[])) ORDER BY exam_id FOR SHARE",
      {attempts, TextArray(exams)});
  if (!r.ok()) return r.take_error();
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    const std::string other = PQgetvalue(r->get(), i, 1);
    if (other != holder) {
      return Error::Unavailable(fmt::format(
          "exam '{}' is held by {}: this node ({}) may no longer write for it",
          PQgetvalue(r->get(), i, 0), other.empty() ? "nobody" : other, holder));
    }
  }
  return OkStatus();
}

}  // namespace pupitre::store
