// One libpq connection (see pg_connection.h).
#include "store/postgres/pg_connection.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

#include <poll.h>

namespace pupitre::store {
namespace {

class PgRow final : public SqlRow {
 public:
  PgRow(const PGresult* r, int row) : r_(r), row_(row) {}
  int64_t Int(int col) const override {
    return PQgetisnull(r_, row_, col) ? 0 : std::strtoll(PQgetvalue(r_, row_, col), nullptr, 10);
  }
  double Real(int col) const override {
    return PQgetisnull(r_, row_, col) ? 0 : std::strtod(PQgetvalue(r_, row_, col), nullptr);
  }
  std::string Text(int col) const override {
    return std::string(PQgetvalue(r_, row_, col),
                       static_cast<size_t>(PQgetlength(r_, row_, col)));
  }

 private:
  const PGresult* r_;
  int row_;
};

}  // namespace

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

Error PgConnection::Fail(std::string_view what, const PGresult* r) {
  std::string message = r ? PQresultErrorMessage(r) : (conn_ ? PQerrorMessage(conn_) : "");
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  // Past a lost connection, the next use connects again.
  if (conn_ && PQstatus(conn_) != CONNECTION_OK) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  return Error::Internal(fmt::format("postgresql: {}: {}", what, message));
}

Status PgConnection::Ensure() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return OkStatus();
  if (conn_) PQfinish(conn_);
  // Our defaults first: what the operator's string says wins over them (a dead peer is noticed
  // in seconds, not hours). Then what durability and liveness need, which nothing overrides:
  // every commit synchronous; no statement, lock wait or idle transaction held for long (a
  // frozen node must not hold the leases' locks).
  const char* keys[] = {"connect_timeout", "application_name", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname",
                        "options", nullptr};
  const char* values[] = {"5", "pupitre", "1", "5", "2", "3", "10000", conninfo_.c_str(),
                          "-c synchronous_commit=on -c client_min_messages=warning "
                          "-c statement_timeout=120000 -c lock_timeout=10000 "
                          "-c idle_in_transaction_session_timeout=60000",
                          nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Error::Unavailable(fmt::format("postgresql: cannot connect: {}", message));
  }
  // Checked, not assumed: an acknowledged write must be durable.
  PgResult r(PQexec(conn_, "SHOW synchronous_commit"));
  const bool on = PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQntuples(r.get()) == 1 &&
                  std::string_view(PQgetvalue(r.get(), 0, 0)) == "on";
  if (!on) {
    PQfinish(conn_);
    conn_ = nullptr;
    return Error::Unavailable("postgresql: synchronous_commit could not be set on");
  }
  ++connects_;
  return OkStatus();
}

bool PgConnection::WaitNotified(int wait_ms) {
  auto take = [&] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      PQfreemem(n);
      any = true;
    }
    return any;
  };
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    ::poll(nullptr, 0, wait_ms);  // nothing to wait on: the caller reconnects after the wait
    return false;
  }
  if (take()) return true;  // came with an earlier query's answer
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (::poll(&p, 1, wait_ms) <= 0) return false;
  if (!PQconsumeInput(conn_)) {
    (void)Fail("waiting for notifications");
    return false;
  }
  return take();
}

Result<PgResult> PgConnection::ExecRaw(const char* sql, int count, const char* const* values,
                                       const int* lengths, const int* formats,
                                       bool binary_result) {
  if (auto s = Ensure(); !s.ok()) return s.take_error();
  PgResult r(PQexecParams(conn_, sql, count, nullptr, values, lengths, formats,
                          binary_result ? 1 : 0));
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string_view shown(sql);
    return Fail(shown.substr(0, 120), r.get());
  }
  return r;
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const std::vector<std::string>& params) {
  return ExecText(sql, params, /*binary_result=*/false);
}

Result<PgResult> PgConnection::ExecBinary(std::string_view sql,
                                          const std::vector<std::string>& params) {
  return ExecText(sql, params, /*binary_result=*/true);
}

Result<PgResult> PgConnection::ExecText(std::string_view sql,
                                        const std::vector<std::string>& params,
                                        bool binary_result) {
  const std::string text(sql);
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const auto& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(static_cast<int>(p.size()));
  }
  return ExecRaw(text.c_str(), static_cast<int>(params.size()), values.data(), lengths.data(),
                 nullptr, binary_result);
}

Status PgConnection::Script(const char* sql) {
  if (auto s = Ensure(); !s.ok()) return s;
  PgResult r(PQexec(conn_, sql));
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail("script", r.get());
  return OkStatus();
}

Status PgConnection::Query(const char* sql, const std::string& param,
                           const std::function<void(const SqlRow&)>& row) {
  const char* values[] = {param.c_str()};
  const int lengths[] = {static_cast<int>(param.size())};
  const int count = std::strstr(sql, "$1") ? 1 : 0;
  auto r = ExecRaw(sql, count, values, lengths);
  if (!r.ok()) return r.take_error();
  const int rows = PQntuples(r->get());
  for (int i = 0; i < rows; ++i) row(PgRow(r->get(), i));
  return OkStatus();
}

Status PgConnection::BeginRead() {
  auto r = Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!r.ok()) return r.take_error();
  return OkStatus();
}

void PgConnection::EndRead() { (void)Exec("COMMIT"); }  // a read: nothing to lose

}  // namespace pupitre::store
