#pragma once
// The one configuration of a Pupitre process: loaded from TOML once at start-up, validated
// there, then passed down by const reference. Every field documents its default; the same
// defaults and keys are listed in docs/configuration.md.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre {

struct Config {
  struct Server {
    std::string listen = "127.0.0.1:8080";  // [server] listen: "host:port"; port 0 = any free port
    int threads = 0;                        // [server] threads: event loops; 0 = one per core
    int worker_threads = 0;                 // [server] worker_threads: blocking work; 0 = cores
    int64_t max_header_bytes = 8 * 1024;    // [server] max_header_bytes
    int64_t max_body_bytes = 64 * 1024;     // [server] max_body_bytes: every route but imports
    int64_t max_import_bytes = 2 * 1024 * 1024;  // [server] max_import_bytes: exam/CSV uploads
    int64_t read_timeout_ms = 15'000;       // [server] read_timeout_ms: one request, header to body
    int64_t idle_timeout_ms = 75'000;       // [server] idle_timeout_ms: keep-alive between requests
    int64_t write_timeout_ms = 15'000;      // [server] write_timeout_ms
    int64_t max_connections = 20'000;       // [server] max_connections: more are closed at accept
    int64_t shutdown_grace_ms = 10'000;     // [server] shutdown_grace_ms: in-flight work on SIGTERM
  } server;

  struct Store {
    std::string data_dir = "var/data";  // [store] data_dir (the --data-dir flag overrides it)
    int64_t max_batch = 2048;           // [store] max_batch: writes per group commit
    int64_t queue_capacity = 200'000;   // [store] queue_capacity: writes waiting; more get 503
  } store;

  struct Auth {
    int64_t argon2_iterations = 2;        // [auth] argon2_iterations (argon2id t)
    int64_t argon2_memory_kib = 19 * 1024;  // [auth] argon2_memory_kib (argon2id m; OWASP minimum)
    int64_t session_ttl_minutes = 12 * 60;  // [auth] session_ttl_minutes
    int64_t max_sessions_per_user = 20;     // [auth] max_sessions_per_user: a new login ends the oldest
  } auth;

  struct Guard {
    int64_t initial_limit = 64;    // [guard] initial_limit: requests in flight at start
    int64_t min_limit = 8;         // [guard] min_limit
    int64_t max_limit = 2048;      // [guard] max_limit
    int64_t queue_capacity = 2048;  // [guard] queue_capacity: waiting requests per priority class
    int64_t total_queue_capacity = 8192;  // [guard] total_queue_capacity: over all classes
    int64_t queue_timeout_ms = 3000;  // [guard] queue_timeout_ms: longer waits are refused (503)
    double tolerance = 2.0;        // [guard] tolerance: latency growth accepted before shrinking
  } guard;

  struct WaitingRoom {
    double initial_rate = 500;  // [waiting_room] initial_rate: exam starts admitted per second
    double min_rate = 1;        // [waiting_room] min_rate: the automatic rate never goes below
    double max_rate = 5000;     // [waiting_room] max_rate: the automatic rate never goes above
    int64_t restore_ms = 10'000;  // [waiting_room] restore_ms: after a start, rooms open this late
                                  // so that those who held a place can take it again
  } waiting_room;

  struct Exam {
    int64_t save_grace_ms = 10'000;  // [exam] save_grace_ms: saves in flight at the deadline
    int64_t autosubmit_interval_ms = 1'000;  // [exam] autosubmit_interval_ms: deadline sweep
  } exam;
};

// Parses `toml_text` over the defaults. A bad value or unknown key fails with a message naming
// the key and the reason, e.g. "server.threads: must be between 0 and 256".
Result<Config> ParseConfig(std::string_view toml_text);

// Reads and parses a config file; the error names the file too.
Result<Config> LoadConfigFile(const std::string& path);

}  // namespace pupitre
