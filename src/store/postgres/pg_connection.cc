// One libpq connection (see pg_connection.h).
#include "store/postgres/pg_connection.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

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
  // Our defaults first: what the operator's string says wins over them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "pupitre", conninfo_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Error::Unavailable(fmt::format("postgresql: cannot connect: {}", message));
  }
  // Notices ("already exists, skipping") are not the operator's business.
  PgResult r(PQexec(conn_, "SET synchronous_commit = on; SET client_min_messages = warning"));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Fail("SET synchronous_commit", r.get());
  return OkStatus();
}

Result<PgResult> PgConnection::ExecRaw(const char* sql, int count, const char* const* values,
                                       const int* lengths) {
  if (auto s = Ensure(); !s.ok()) return s.take_error();
  PgResult r(PQexecParams(conn_, sql, count, nullptr, values, lengths, nullptr, 0));
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string_view shown(sql);
    return Fail(shown.substr(0, 120), r.get());
  }
  return r;
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const std::vector<std::string>& params) {
  const std::string text(sql);
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const auto& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(static_cast<int>(p.size()));
  }
  return ExecRaw(text.c_str(), static_cast<int>(params.size()), values.data(), lengths.data());
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
