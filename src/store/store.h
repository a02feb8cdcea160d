#pragma once
// The durable store: one interface, one backend per database (SQLite now, PostgreSQL next).
// Reads happen at start-up (Load) and on rare look-ups; every write goes through the
// group-commit writer, which calls back only once the transaction holding it is durable.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/changes.h"
#include "store/leases.h"
#include "store/records.h"

namespace pupitre::store {

// What a load reads. Everything (one node at start-up), or one exam: its record, its extra
// times, its attempts with their answers and grades (what a node taking the exam loads; the
// courses and their people reach it by the change feed, store/changes.h). Users, sessions,
// settings, courses and enrolments are not exam data: only a full load reads them.
struct Scope {
  std::string exam_id;  // empty: everything
  static Scope All() { return {}; }
  static Scope Exam(std::string id) { return {std::move(id)}; }
  bool all() const { return exam_id.empty(); }
};

// A durable store. Every backend passes the conformance suite (store/backend_conformance.h).
// Thread: ApplyBatch is called from one writer thread at a time; the look-ups (Load, Find*,
// GetSetting, AllocateIds) may be called from any thread, concurrently with it.
class Backend {
 public:
  virtual ~Backend() = default;
  // Applies every op in one transaction and commits it durably (fsync); all or nothing.
  virtual Status ApplyBatch(std::span<const WriteOp> ops) = 0;
  // Reads what `scope` names, as committed.
  virtual Result<Snapshot> Load(const Scope& scope) = 0;
  Result<Snapshot> LoadAll() { return Load(Scope::All()); }
  // Finds one user by login (for accounts added by the CLI while a server runs).
  virtual Result<std::optional<UserRecord>> FindUserByLogin(const std::string& login) = 0;
  // Finds a session by the hash of its token (a session opened on another node).
  virtual Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) = 0;
  // The sessions (token hashes) still stored that `name` names for single logout
  // (op::NameSession), at most `limit`.
  virtual Result<std::vector<std::string>> FindNamedSessions(const std::string& name,
                                                             size_t limit) = 0;
  // The events of one attempt, in time order, as committed (its timeline, for a teacher).
  virtual Result<std::vector<AttemptEvent>> LoadAttemptEvents(int64_t attempt_id) = 0;
  // One setting's value, as committed (nothing if unset).
  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  // Reserves `count` consecutive ids of `kind` ("user", "attempt") that no other caller, on
  // this process or another sharing the store, is ever given; returns the first. The first
  // block of a kind starts after the largest id already stored. REQUIRES: count >= 1, and
  // every process numbering that kind takes its ids from here (on one node the services still
  // number in memory: they move to blocks before a second node shares the store).
  virtual Result<int64_t> AllocateIds(std::string_view kind, int64_t count) = 0;
  // Exam ownership among the nodes sharing this store; nullptr for a store of one node.
  virtual Leases* leases() { return nullptr; }
  // The things `keys` name, as committed now (what another node changed: store/changes.h).
  virtual Result<Changed> ReadChanged(std::span<const ChangeKey> keys) = 0;
  // The log of changes nodes sharing this store read; nullptr for a store of one node.
  virtual ChangeLog* change_log() { return nullptr; }
};

}  // namespace pupitre::store
