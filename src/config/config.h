#pragma once
// The one configuration of a Pupitre process: loaded from TOML once at start-up, validated
// there, then passed down by const reference. Each module owns its options struct and its
// defaults (http::ServerOptions, guard::Options, guard::WaitingRoomOptions); Config composes
// them. The same defaults and keys are listed in docs/configuration.md.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "guard/admission.h"
#include "guard/limits.h"
#include "guard/login_line.h"
#include "guard/proof_of_work.h"
#include "guard/waiting_room.h"
#include "http/server.h"

namespace pupitre {

struct Config {
  // [server]: the HTTP server's own options (http::ServerOptions: threads, header size,
  // timeouts, connection cap) and what the API adds.
  struct Server : http::ServerOptions {
    // [server] listen: "host:port" (IPv6 as "[::1]:8080"); port 0 = any free port. Parsed into
    // host and port, and validated, by ParseConfig.
    std::string listen = "127.0.0.1:8080";
    // [server] ops_listen: "host:port" of the operator's listener (/healthz, /readyz, /metrics
    // with room of their own); "" for none. Parsed into ops_host and ops_port.
    std::string ops_listen;
    int worker_threads = 0;                 // [server] worker_threads: blocking work; 0 = cores
    int64_t max_body_bytes = 64 * 1024;     // [server] max_body_bytes: every route but imports
    int64_t max_import_bytes = 2 * 1024 * 1024;  // [server] max_import_bytes: exam/CSV uploads
    int64_t shutdown_grace_ms = 10'000;     // [server] shutdown_grace_ms: in-flight work on SIGTERM
    // [server] secure_cookies: the session cookie is marked Secure (served over TLS, or behind
    // a TLS proxy). A trusted proxy's "X-Forwarded-Proto: https" marks it too.
    bool secure_cookies = false;
  } server;

  // Several nodes sharing one PostgreSQL store (docs/scale-out.md).
  struct Cluster {
    std::string node;          // [cluster] node: this node's name (a-z, 0-9, -); "": alone
    int64_t lease_ms = 6'000;  // [cluster] lease_ms: a dead node's exams move after this
  } cluster;

  struct Store {
    std::string data_dir = "var/data";  // [store] data_dir (the --data-dir flag overrides it)
    int64_t max_batch = 2048;           // [store] max_batch: writes per group commit
    int64_t queue_capacity = 200'000;   // [store] queue_capacity: writes waiting; more get 503
    // [store] backend: "sqlite" (one node, a file in data_dir) or "postgres" (several nodes
    // share the database `postgres` names; files still live in data_dir).
    std::string backend = "sqlite";
    // [store] postgres: a libpq connection string or postgresql:// URI (a password belongs in
    // ~/.pgpass or the file PGPASSFILE names, not here).
    std::string postgres;
  } store;

  struct Auth {
    int64_t argon2_iterations = 2;        // [auth] argon2_iterations (argon2id t)
    int64_t argon2_memory_kib = 19 * 1024;  // [auth] argon2_memory_kib (argon2id m; OWASP minimum)
    int64_t session_ttl_minutes = 12 * 60;  // [auth] session_ttl_minutes
    int64_t max_sessions_per_user = 20;     // [auth] max_sessions_per_user: a new login ends the oldest
    // "Remember this device": such a session lasts remember_days (0: the option is not
    // offered), and gets a new token once rotate_hours passed since its own was issued.
    int64_t remember_days = 30;            // [auth] remember_days
    int64_t rotate_hours = 24;             // [auth] rotate_hours
    // The hashing queue (guard/work_queue.h): logins waiting for a password check.
    int64_t hashing_threads = 0;           // [auth] hashing_threads: 0 = one per core
    int64_t login_queue_capacity = 2048;   // [auth] login_queue_capacity: more get 503
    int64_t login_queue_per_address = 64;  // [auth] login_queue_per_address: more get 503
    int64_t login_queue_timeout_ms = 10'000;  // [auth] login_queue_timeout_ms: longer waits: 503
  } auth;

  guard::Options guard;                    // [guard]: see guard/admission.h
  guard::WaitingRoomOptions waiting_room;  // [waiting_room]: see guard/waiting_room.h
  guard::LimitOptions limits;              // [limits]: see guard/limits.h
  guard::AttackOptions attack;             // [attack]: see guard/proof_of_work.h
  guard::LoginLineOptions login_line;      // [auth] login_line_*: see guard/login_line.h

  struct Exam {
    int64_t save_grace_ms = 10'000;  // [exam] save_grace_ms: saves in flight at the deadline
    int64_t autosubmit_interval_ms = 1'000;  // [exam] autosubmit_interval_ms: deadline sweep
    // [exam] outage_compensation: "auto" (attempts in progress get the time the platform was
    // down added to their deadline, at start-up) or "off".
    std::string outage_compensation = "auto";
    int64_t outage_min_seconds = 10;  // [exam] outage_min_seconds: shorter gaps are not given
    int64_t heartbeat_ms = 5'000;     // [exam] heartbeat_ms: how often "alive" is written
    // [exam] answer_file_minutes: encrypted answer files are accepted until this long after an
    // attempt's deadline.
    int64_t answer_file_minutes = 60;
  } exam;

  struct Course {
    // [course] max_file_mb: the largest file a teacher puts in a course or a student hands in.
    int64_t max_file_mb = 512;
    // [course] upload_chunk_kib: the largest part of an upload one request carries (tus PATCH);
    // the pages send 1 MiB parts, so a broken line loses at most one part.
    int64_t upload_chunk_kib = 8 * 1024;
    // [course] uploads_per_user: uploads a person may have begun and not finished at once.
    int64_t uploads_per_user = 20;
    // [course] upload_expiry_hours: an upload begun this long ago and not finished is dropped
    // (its bytes and its record), hourly.
    int64_t upload_expiry_hours = 72;
    // [course] entry_rate: while the course space's door has a line (the platform saturated, or
    // students waiting to start an exam), people let in per second at first; the rate then
    // follows what the platform absorbs.
    double entry_rate = 200;
    // [course] entry_pass_minutes: who went in stays in this long after their last visit.
    int64_t entry_pass_minutes = 30;
  } course;

  // Live classes run on a BigBlueButton server (docs/configuration.md, "Live classes").
  struct Live {
    // [live] bbb_url: the server's API endpoint ("https://bbb.example.org/bigbluebutton/api/");
    // empty: live classes can be scheduled but not joined (the page says so).
    std::string bbb_url;
    // [live] bbb_secret_file: a file holding the server's shared secret (`bbb-conf --secret`),
    // readable by Pupitre only. Needed with bbb_url.
    std::string bbb_secret_file;
    // [live] checksum: how calls are signed: "sha256" (BigBlueButton 2.6 and later), "sha1"
    // (older servers), "sha384" or "sha512".
    std::string checksum = "sha256";
    // [live] max_participants: how many people the server holds at once, over every class (its
    // declared capacity); beyond it students wait in the class's waiting room. 0: no cap.
    int64_t max_participants = 0;
    // [live] join_rate: people sent to the server per second when they queue for seats.
    double join_rate = 20;
    // [live] timeout_ms: the longest wait for an answer of the server.
    int64_t timeout_ms = 5'000;
    // [live] open_minutes_before: students may join this long before the class starts.
    int64_t open_minutes_before = 15;
    // [live] poll_seconds: how often the server is asked who is in each open class (seats).
    int64_t poll_seconds = 10;
    // [live] meeting_prefix: the start of the server's meeting ids (several sites may share it).
    std::string meeting_prefix = "pupitre-";
  } live;

  // Sign-in through the school's identity provider (docs/configuration.md, "Single sign-on").
  struct Sso {
    // [sso] cas_url: the CAS server ("https://auth.school.fr/cas"); empty: no CAS sign-in.
    std::string cas_url;
    // [sso] service_url: this server's callback as the browser reaches it
    // ("https://pupitre.school.fr/sso/cas/callback"); the CAS server sends people back there.
    std::string service_url;
    // [sso] oidc_issuer: the OpenID Connect provider's issuer ("https://auth.school.fr"; its
    // discovery document is ISSUER/.well-known/openid-configuration); empty: no OIDC sign-in.
    std::string oidc_issuer;
    // [sso] oidc_client_id, oidc_client_secret_file: this server as the provider knows it (the
    // secret in a file of its own, first line; no file: a public client, PKCE only).
    std::string oidc_client_id;
    std::string oidc_client_secret_file;
    // [sso] oidc_redirect_url: this server's /sso/oidc/callback as browsers reach it.
    std::string oidc_redirect_url;
    // [sso] oidc_scopes: the scopes asked for ("openid" among them).
    std::string oidc_scopes = "openid profile email";
    // [sso] oidc_userinfo: the provider's userinfo adds the claims its id_token does not carry.
    bool oidc_userinfo = true;
    // [sso] create_accounts: an account is made at first sign-in (else an operator makes them).
    bool create_accounts = true;
    // [sso] login_attribute: the attribute (claim) holding the login ("" : the CAS user, or
    // OIDC's sub).
    std::string login_attribute;
    // [sso] name_attribute: the attribute holding the display name.
    std::string name_attribute = "cn";
    // [sso] role_attribute, teacher_values, admin_values: an account made at first sign-in is
    // a teacher (an operator) when the attribute holds one of these values; else a student.
    std::string role_attribute;
    std::vector<std::string> teacher_values;
    std::vector<std::string> admin_values;
    // [sso] required_attribute, allowed_values: only people whose attribute holds one of these
    // values sign in ("" : everyone the provider vouches for).
    std::string required_attribute;
    std::vector<std::string> allowed_values;
    // [sso] timeout_ms: the longest wait for the provider's answer to a ticket check.
    int64_t timeout_ms = 5'000;
  } sso;

  // Pupitre as an LTI 1.3 tool of the school's LMS (docs/configuration.md, "LTI 1.3").
  struct Lti {
    // [lti] issuer: the platform's issuer (its messages' iss); empty: no LTI.
    std::string issuer;
    // [lti] client_id, deployment_ids: this tool as the platform registered it (the school's
    // deployments only: a shared LMS holds other schools' deployments of the same client).
    std::string client_id;
    std::vector<std::string> deployment_ids;
    // [lti] auth_login_url, jwks_url, token_url: the platform's OIDC authorization endpoint, key
    // set and OAuth 2 token endpoint (token_url "" : no scores sent back).
    std::string auth_login_url;
    std::string jwks_url;
    std::string token_url;
    // [lti] tool_url: this server's public address ("https://pupitre.school.fr"); the platform
    // is given TOOL/lti/login, TOOL/lti/launch and TOOL/lti/jwks.
    std::string tool_url;
    // [lti] tool_key_file: this tool's RSA private key (PEM), which signs what it sends back.
    std::string tool_key_file;
    // [lti] create_accounts: an account is made at a person's first launch.
    bool create_accounts = true;
  } lti;

  struct School {
    // [school] time_zone: the school's IANA time zone ("Europe/Paris"): every time the pages
    // and the exports show is written in it, with its offset. Checked at start-up.
    std::string time_zone = "UTC";
  } school;
};

// Splits "host:port" ("[v6]:port" for IPv6) and checks both: the host must be an IP address,
// the port a number from 0 to 65535. The error says what is wrong with `listen`.
Status ParseListen(std::string_view listen, std::string& host, uint16_t& port);

// Parses `toml_text` over the defaults. A bad value or unknown key fails with a message naming
// the key and the reason, e.g. "server.threads: must be between 0 and 256".
Result<Config> ParseConfig(std::string_view toml_text);

// Reads and parses a config file; the error names the file too.
Result<Config> LoadConfigFile(const std::string& path);

}  // namespace pupitre
