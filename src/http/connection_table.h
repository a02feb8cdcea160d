#pragma once
// The live connections of one server, and who may open another:
//
// - a global cap (server.max_connections, kept below the open-file limit at start-up),
// - a cap per source address and per subnet (/24, /64), so that one machine or one network
//   cannot hold the others' room (behind a trusted proxy, the client that PROXY v2 names),
// - when the global cap is reached, the oldest connection that has not yet sent a complete
//   request is closed to make room (a slowloris socket, an idle scanner), so that a student can
//   always connect; only when there is none is the newcomer refused,
// - connections to the operator's listener (server.ops_listen) have a small cap of their own
//   and are never counted against the others.
//
// Thread-safe: connections are added on the acceptor's loop and leave from their own.

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/mutex.h"

namespace pupitre::http {

struct ConnectionLimits {
  int64_t total = 20'000;
  int64_t per_address = 0;  // 0: no cap
  int64_t per_subnet = 0;   // 0: no cap
  int64_t ops = 64;         // on the operator's listener
};

// What the table knows of a connection: enough to count it and to close it.
class TableEntry {
 public:
  virtual ~TableEntry() = default;
  // Closes the connection from its own loop (it is no longer counted). From any thread.
  virtual void Evict() = 0;

 private:
  friend class ConnectionTable;
  std::string address_;
  std::string subnet_;
  bool ops_ = false;
  bool counted_ = false;
  bool fresh_ = false;  // no complete request yet: may be evicted
  std::list<std::weak_ptr<TableEntry>>::iterator fresh_at_;
};

class ConnectionTable {
 public:
  enum class Verdict { kAdmitted, kFull, kAddressFull, kSubnetFull };

  explicit ConnectionTable(ConnectionLimits limits) : limits_(limits) {}

  // Counts `entry`, from `address` ("": not capped per address), if the caps allow it; when the global cap is reached, the
  // oldest fresh connection is evicted to make room (`evicted` is set). Refused entries are
  // not counted, and Remove on them does nothing.
  Verdict Add(const std::shared_ptr<TableEntry>& entry, const std::string& address, bool ops,
              bool& evicted);
  // A connection counted without an address (from a trusted proxy) names its client (PROXY
  // v2): from now on it counts against that address's and subnet's caps. kAdmitted, or the cap
  // it would exceed (it stays counted in the total until it is removed: close it).
  Verdict Name(TableEntry& entry, const std::string& address);
  // The connection sent a complete request: it is no longer evicted to make room.
  void Active(TableEntry& entry);
  // The connection is gone (its destructor).
  void Remove(TableEntry& entry);

  // Counted connections (not the operator's).
  int64_t open() const;
  // Calls `f` on every counted entry that is still alive.
  void ForEach(const std::function<void(const std::shared_ptr<TableEntry>&)>& f);

 private:
  // Stops counting `e` (it leaves, or is evicted).
  void Uncount(TableEntry& e) REQUIRES(mu_);
  // Takes the oldest fresh entry that is still alive off the list and uncounts it.
  std::shared_ptr<TableEntry> PickVictim() REQUIRES(mu_);

  const ConnectionLimits limits_;
  mutable Mutex mu_;
  int64_t open_ GUARDED_BY(mu_) = 0;
  int64_t ops_open_ GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, int64_t> by_address_ GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> by_subnet_ GUARDED_BY(mu_);
  std::list<std::weak_ptr<TableEntry>> fresh_ GUARDED_BY(mu_);  // oldest first
  std::unordered_map<TableEntry*, std::weak_ptr<TableEntry>> all_ GUARDED_BY(mu_);
};

}  // namespace pupitre::http
