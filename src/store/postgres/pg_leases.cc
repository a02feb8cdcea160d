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
                        PQgetvalue(r, i, 4), Int(r, i, 5), "", 0});
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
  auto begun = conn_.Exec("BEGIN");
  if (!begun.ok()) return begun.take_error();
  auto result = AcquireInTransaction(exam_id, holder, ttl_ms);
  if (result.ok()) {
    if (auto done = conn_.Exec("COMMIT"); !done.ok()) return done.take_error();
  } else {
    (void)conn_.Exec("ROLLBACK");  // the error that matters is result's
  }
  return result;
}

Result<Lease> PgLeases::AcquireInTransaction(const std::string& exam_id,
                                             const std::string& holder, int64_t ttl_ms) {
  // The row as it was (locked until commit): who held the exam before, and until when.
  auto before = conn_.Exec("SELECT holder, expires_ms FROM exam_leases WHERE exam_id = $1 "
                           "FOR UPDATE",
                           {exam_id});
  if (!before.ok()) return before.take_error();
  std::string previous_holder;
  int64_t previous_expires_ms = 0;
  if (PQntuples(before->get()) == 1) {
    previous_holder = PQgetvalue(before->get(), 0, 0);
    previous_expires_ms = Int(before->get(), 0, 1);
  }
  const std::vector<std::string> params{exam_id, holder, std::to_string(ttl_ms)};
  auto taken = conn_.Exec(
      fmt::format(
          // Only exams the store has: a made-up id leaves no row behind.
          "INSERT INTO exam_leases AS l(exam_id, holder, token, expires_ms) "
          "SELECT $1, $2, 1, {0} + $3::bigint WHERE EXISTS (SELECT 1 FROM exams WHERE id = $1) "
          "ON CONFLICT(exam_id) DO UPDATE SET "
          "token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END, "
          "wanted_by = CASE WHEN l.holder = excluded.holder THEN l.wanted_by ELSE '' END, "
          "holder = excluded.holder, expires_ms = excluded.expires_ms "
          "WHERE l.holder = excluded.holder OR l.holder = '' OR l.expires_ms < {0} "
          "RETURNING {1}, {0}",
          kNow, kColumns),
      params);
  if (!taken.ok()) return taken.take_error();
  if (PQntuples(taken->get()) == 1) {
    Lease lease = LeasesOf(taken->get())[0];
    lease.previous_holder = std::move(previous_holder);
    lease.previous_expires_ms = previous_expires_ms;
    return lease;
  }
  auto held = conn_.Exec(fmt::format("SELECT {}, {} FROM exam_leases WHERE exam_id = $1",
                                     kColumns, kNow),
                         {exam_id});
  if (!held.ok()) return held.take_error();
  auto all = LeasesOf(held->get());
  if (all.empty()) return Error::NotFound(fmt::format("no exam '{}'", exam_id));
  return all[0];
}

Result<std::vector<Lease>> PgLeases::Renew(const std::string& holder, int64_t ttl_ms) {
  MutexLock lock(mu_);
  // Rows locked in exam_id order, as the writer's fence locks them: no deadlock between them.
  auto r = conn_.Exec(fmt::format("UPDATE exam_leases SET expires_ms = {0} + $2::bigint "
                                  "WHERE exam_id IN (SELECT exam_id FROM exam_leases "
                                  "WHERE holder = $1 ORDER BY exam_id FOR UPDATE) "
                                  "RETURNING {1}, {0}",
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
  // Exams written through their attempts or a new attempt must be held by this node; exams
  // written as such (an import, extra time) may also be held by nobody yet.
  std::set<std::string> must_hold, may_be_free;
  std::set<int64_t> attempts, created;
  for (const WriteOp& op : ops) {
    Target t = TargetOf(op);
    if (const auto* c = std::get_if<op::CreateAttempt>(&op)) {
      created.insert(c->id);
      must_hold.insert(c->exam_id);
    } else if (!t.exam_id.empty()) {
      may_be_free.insert(std::move(t.exam_id));
    }
    if (t.attempt_id != 0) attempts.insert(t.attempt_id);
  }
  if (must_hold.empty() && may_be_free.empty() && attempts.empty()) return OkStatus();
  if (!attempts.empty()) {
    std::string ids = "{";
    for (int64_t id : attempts) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    ids += "}";
    auto r = writer.Exec("SELECT id, exam_id FROM attempts WHERE id = ANY($1::bigint[])", {ids});
    if (!r.ok()) return r.take_error();
    std::set<int64_t> known;
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      known.insert(Int(r->get(), i, 0));
      must_hold.insert(PQgetvalue(r->get(), i, 1));
    }
    for (int64_t id : attempts) {
      if (!known.count(id) && !created.count(id)) {
        return Error::Unavailable(fmt::format(
            "attempt {} is not in the store: this node ({}) may not write for it", id, holder));
      }
    }
  }
  std::set<std::string> all = must_hold;
  all.insert(may_be_free.begin(), may_be_free.end());
  // Locked until the batch commits, in exam_id order (as renewals lock them): a takeover waits.
  auto r = writer.Exec(
      "SELECT exam_id, holder FROM exam_leases WHERE exam_id = ANY($1::text[]) "
      "ORDER BY exam_id FOR SHARE",
      {TextArray(all)});
  if (!r.ok()) return r.take_error();
  std::set<std::string> mine;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    const std::string exam = PQgetvalue(r->get(), i, 0);
    const std::string other = PQgetvalue(r->get(), i, 1);
    if (other != holder) {
      return Error::Unavailable(fmt::format(
          "exam '{}' is held by {}: this node ({}) may no longer write for it", exam,
          other.empty() ? "nobody" : other, holder));
    }
    mine.insert(exam);
  }
  for (const auto& exam : must_hold) {
    if (!mine.count(exam)) {
      return Error::Unavailable(fmt::format(
          "exam '{}' is held by no node: this node ({}) must take it before writing for it",
          exam, holder));
    }
  }
  return OkStatus();
}

}  // namespace pupitre::store
