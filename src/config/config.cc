#include "config/config.h"

#include "common/net.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>
#include <toml++/toml.h>

#include "common/time_zone.h"

namespace pupitre {
namespace {

// Reads one table's keys into fields; remembers the first problem.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string name, std::string& problem)
      : table_(table), name_(std::move(name)), problem_(problem) {}

  void Int(std::string_view key, int64_t& out, int64_t min, int64_t max) {
    const toml::node* n = Find(key);
    if (!n) return;
    auto v = n->value<int64_t>();
    if (!n->is_integer() || !v) return Fail(key, "must be an integer");
    if (*v < min || *v > max) return Fail(key, fmt::format("must be between {} and {}", min, max));
    out = *v;
  }
  void Int(std::string_view key, int& out, int min, int max) {
    int64_t v = out;
    Int(key, v, min, max);
    out = static_cast<int>(v);
  }
  void Double(std::string_view key, double& out, double min, double max) {
    const toml::node* n = Find(key);
    if (!n) return;
    auto v = n->value<double>();
    if (!(n->is_floating_point() || n->is_integer()) || !v) return Fail(key, "must be a number");
    if (*v < min || *v > max) return Fail(key, fmt::format("must be between {} and {}", min, max));
    out = *v;
  }
  void String(std::string_view key, std::string& out) {
    const toml::node* n = Find(key);
    if (!n) return;
    if (!n->is_string()) return Fail(key, "must be a string");
    out = *n->value<std::string>();
  }
  void Bool(std::string_view key, bool& out) {
    const toml::node* n = Find(key);
    if (!n) return;
    if (!n->is_boolean()) return Fail(key, "must be true or false");
    out = *n->value<bool>();
  }
  void StringList(std::string_view key, std::vector<std::string>& out) {
    const toml::node* n = Find(key);
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a) return Fail(key, "must be a list of strings");
    out.clear();
    for (const auto& item : *a) {
      if (!item.is_string()) return Fail(key, "must be a list of strings");
      out.push_back(*item.value<std::string>());
    }
  }
  // Keys present in the table that no reader asked for.
  void RejectUnknown(std::initializer_list<std::string_view> known) {
    if (!table_ || !problem_.empty()) return;
    for (const auto& [k, v] : *table_) {
      bool ok = false;
      for (auto kk : known) ok = ok || kk == k.str();
      if (!ok) return Fail(k.str(), "unknown key");
    }
  }

 private:
  const toml::node* Find(std::string_view key) {
    if (!table_ || !problem_.empty()) return nullptr;
    return table_->get(key);
  }
  void Fail(std::string_view key, std::string_view why) {
    if (problem_.empty()) problem_ = fmt::format("{}.{}: {}", name_, key, why);
  }
  const toml::table* table_;
  std::string name_;
  std::string& problem_;
};

const toml::table* Section(const toml::table& root, std::string_view name, std::string& problem) {
  const toml::node* n = root.get(name);
  if (!n) return nullptr;
  if (!n->is_table()) {
    if (problem.empty()) problem = fmt::format("{}: must be a table", name);
    return nullptr;
  }
  return n->as_table();
}

}  // namespace

Status ParseListen(std::string_view listen, std::string& host, uint16_t& port) {
  auto bad = [&](std::string_view why) {
    return Error::Invalid(fmt::format("server.listen: {} (got \"{}\")", why, listen));
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return bad("must be host:port");
  std::string_view h = listen.substr(0, colon);
  const std::string_view p = listen.substr(colon + 1);
  const bool bracketed = h.size() >= 2 && h.front() == '[' && h.back() == ']';
  if (bracketed) h = h.substr(1, h.size() - 2);
  unsigned char buf[sizeof(in6_addr)];
  const std::string hs(h);
  const bool v4 = !bracketed && inet_pton(AF_INET, hs.c_str(), buf) == 1;
  // IPv6 in brackets ("[::1]:8080"), or bare as it was always accepted ("::1:8080": the port
  // is what follows the last colon).
  const bool v6 = inet_pton(AF_INET6, hs.c_str(), buf) == 1;
  if (!v4 && !v6) {
    return bad(bracketed ? "the host must be an IPv6 address"
                         : "the host must be an IP address (IPv6 in brackets: [::1]:8080)");
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || value > 65535) {
    return bad("the port must be a number from 0 to 65535");
  }
  host = hs;
  port = static_cast<uint16_t>(value);
  return OkStatus();
}

Result<Config> ParseConfig(std::string_view toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return Error::Invalid(fmt::format("line {}: {}", e.source().begin.line, e.description()));
  }
  Config c;
  std::string problem;
  for (const auto& [k, v] : root) {
    std::string_view key = k.str();
    if (key != "server" && key != "store" && key != "auth" && key != "exam" && key != "guard" &&
        key != "waiting_room" && key != "limits" && key != "attack" && key != "school" &&
        key != "course" && key != "live" && key != "cluster" && key != "sso" &&
        key != "lti") {
      return Error::Invalid(fmt::format("{}: unknown section", key));
    }
  }
  TableReader server(Section(root, "server", problem), "server", problem);
  server.String("listen", c.server.listen);
  server.Int("threads", c.server.threads, 0, 256);
  server.Int("worker_threads", c.server.worker_threads, 0, 256);
  server.Int("max_header_bytes", c.server.max_header_bytes, 1024, 1 << 20);
  server.Int("max_body_bytes", c.server.max_body_bytes, 1024, 64 << 20);
  server.Int("max_import_bytes", c.server.max_import_bytes, 1024, 256 << 20);
  server.String("ops_listen", c.server.ops_listen);
  server.Int("first_byte_timeout_ms", c.server.first_byte_timeout_ms, 100, 3'600'000);
  server.Int("header_timeout_ms", c.server.header_timeout_ms, 100, 3'600'000);
  server.Int("read_timeout_ms", c.server.read_timeout_ms, 100, 3'600'000);
  server.Int("min_body_bytes_per_s", c.server.min_body_bytes_per_s, 0, 1'000'000'000);
  server.Int("idle_timeout_ms", c.server.idle_timeout_ms, 100, 3'600'000);
  server.Int("anonymous_idle_timeout_ms", c.server.anonymous_idle_timeout_ms, 100, 3'600'000);
  server.Int("write_timeout_ms", c.server.write_timeout_ms, 100, 3'600'000);
  server.Int("min_write_bytes_per_s", c.server.min_write_bytes_per_s, 0, 1'000'000'000);
  server.Int("max_connections", c.server.max_connections, 1, 10'000'000);
  server.Int("max_connections_per_address", c.server.max_connections_per_address, 0, 10'000'000);
  server.Int("max_connections_per_subnet", c.server.max_connections_per_subnet, 0, 10'000'000);
  server.Int("max_ops_connections", c.server.max_ops_connections, 1, 10'000);
  server.Int("shutdown_grace_ms", c.server.shutdown_grace_ms, 0, 600'000);
  std::vector<std::string> proxies;
  server.StringList("trusted_proxies", proxies);
  server.Bool("proxy_protocol", c.server.proxy_protocol);
  server.Bool("secure_cookies", c.server.secure_cookies);
  if (problem.empty()) {
    auto set = AddressSet::Parse(proxies);
    if (!set.ok()) {
      problem = "server.trusted_proxies: " + set.error().message;
    } else {
      c.server.trusted_proxies = std::move(*set);
    }
  }
  server.RejectUnknown({"listen", "ops_listen", "trusted_proxies", "proxy_protocol",
                        "secure_cookies", "threads", "worker_threads", "max_header_bytes",
                        "max_body_bytes", "max_import_bytes", "first_byte_timeout_ms",
                        "header_timeout_ms", "read_timeout_ms", "min_body_bytes_per_s",
                        "idle_timeout_ms", "anonymous_idle_timeout_ms", "write_timeout_ms",
                        "min_write_bytes_per_s", "max_connections",
                        "max_connections_per_address", "max_connections_per_subnet",
                        "max_ops_connections", "shutdown_grace_ms"});

  TableReader store(Section(root, "store", problem), "store", problem);
  store.String("data_dir", c.store.data_dir);
  store.Int("max_batch", c.store.max_batch, 1, 1'000'000);
  store.Int("queue_capacity", c.store.queue_capacity, 1, 100'000'000);
  store.String("backend", c.store.backend);
  store.String("postgres", c.store.postgres);
  store.RejectUnknown({"data_dir", "max_batch", "queue_capacity", "backend", "postgres"});
  if (problem.empty()) {
    if (c.store.backend != "sqlite" && c.store.backend != "postgres") {
      problem = "store.backend: must be \"sqlite\" or \"postgres\"";
    } else if (c.store.backend == "postgres" && c.store.postgres.empty()) {
      problem = "store.postgres: a connection string is needed with backend = \"postgres\"";
    }
  }

  TableReader cluster(Section(root, "cluster", problem), "cluster", problem);
  cluster.String("node", c.cluster.node);
  cluster.Int("lease_ms", c.cluster.lease_ms, 1'500, 600'000);
  cluster.RejectUnknown({"node", "lease_ms"});
  if (problem.empty() && !c.cluster.node.empty()) {
    const bool name_ok = c.cluster.node.size() <= 32 &&
        c.cluster.node.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
            std::string::npos;
    if (!name_ok) {
      problem = "cluster.node: 1 to 32 of a-z, 0-9 and -";
    } else if (c.store.backend != "postgres") {
      problem = "cluster.node: nodes share a PostgreSQL store ([store] backend = \"postgres\")";
    }
  }

  TableReader auth(Section(root, "auth", problem), "auth", problem);
  auth.Int("argon2_iterations", c.auth.argon2_iterations, 1, 100);
  auth.Int("argon2_memory_kib", c.auth.argon2_memory_kib, 8, 4 * 1024 * 1024);
  auth.Int("session_ttl_minutes", c.auth.session_ttl_minutes, 1, 60 * 24 * 365);
  auth.Int("max_sessions_per_user", c.auth.max_sessions_per_user, 1, 1000);
  auth.Int("remember_days", c.auth.remember_days, 0, 400);
  auth.Int("rotate_hours", c.auth.rotate_hours, 1, 24 * 400);
  auth.Int("hashing_threads", c.auth.hashing_threads, 0, 256);
  auth.Int("login_queue_capacity", c.auth.login_queue_capacity, 1, 10'000'000);
  auth.Int("login_queue_per_address", c.auth.login_queue_per_address, 1, 10'000'000);
  auth.Int("login_queue_timeout_ms", c.auth.login_queue_timeout_ms, 100, 600'000);
  int64_t line_backlog_ms = c.login_line.backlog.count();
  int64_t line_max_wait_minutes = c.login_line.max_wait.count() / 60'000;
  auth.Int("login_line_backlog_ms", line_backlog_ms, 50, 60'000);
  auth.Int("login_line_max_wait_minutes", line_max_wait_minutes, 1, 24 * 60);
  c.login_line.backlog = Millis(line_backlog_ms);
  c.login_line.max_wait = Millis(line_max_wait_minutes * 60'000);
  auth.RejectUnknown({"argon2_iterations", "argon2_memory_kib", "session_ttl_minutes",
                      "max_sessions_per_user", "remember_days", "rotate_hours", "hashing_threads", "login_queue_capacity",
                      "login_queue_per_address", "login_queue_timeout_ms",
                      "login_line_backlog_ms", "login_line_max_wait_minutes"});

  TableReader limits(Section(root, "limits", problem), "limits", problem);
  auto rate = [&](std::string_view prefix, guard::Rate& r) {
    limits.Double(std::string(prefix) + "_rate", r.rate, 0, 1e9);
    limits.Double(std::string(prefix) + "_burst", r.burst, 1, 1e9);
  };
  rate("anonymous", c.limits.anonymous_per_address);
  rate("anonymous_subnet", c.limits.anonymous_per_subnet);
  rate("account", c.limits.per_account);
  // Failures are easier to think of as "one every N seconds".
  auto failures = [&](std::string_view prefix, guard::Rate& r) {
    double interval = r.rate > 0 ? 1 / r.rate : 0;
    limits.Double(std::string(prefix) + "_interval_s", interval, 0, 86'400);
    r.rate = interval > 0 ? 1 / interval : 0;
    limits.Double(std::string(prefix) + "_burst", r.burst, 1, 1e9);
  };
  failures("failed_login", c.limits.failed_per_account);
  failures("failed_login_address", c.limits.failed_per_address);
  limits.RejectUnknown({"anonymous_rate", "anonymous_burst", "anonymous_subnet_rate",
                        "anonymous_subnet_burst", "account_rate", "account_burst",
                        "failed_login_interval_s", "failed_login_burst",
                        "failed_login_address_interval_s", "failed_login_address_burst"});

  TableReader attack(Section(root, "attack", problem), "attack", problem);
  attack.String("mode", c.attack.mode);
  if (problem.empty() && !guard::AttackMode::ParseSwitch(c.attack.mode).ok()) {
    problem = "attack.mode: must be \"off\", \"on\" or \"auto\"";
  }
  attack.Int("pow_bits", c.attack.pow_bits, 0, 28);
  int64_t challenge_s = c.attack.challenge_ttl_ms / 1000, pass_minutes = c.attack.pass_ttl_ms / 60'000,
          hold_s = c.attack.auto_hold_ms / 1000;
  attack.Int("challenge_ttl_s", challenge_s, 10, 86'400);
  attack.Int("pass_minutes", pass_minutes, 1, 7 * 24 * 60);
  attack.Double("auto_anonymous_rate", c.attack.auto_rate, 1, 1e9);
  attack.Int("auto_seconds", c.attack.auto_seconds, 1, 3600);
  attack.Int("auto_hold_s", hold_s, 1, 86'400);
  c.attack.challenge_ttl_ms = challenge_s * 1000;
  c.attack.pass_ttl_ms = pass_minutes * 60'000;
  c.attack.auto_hold_ms = hold_s * 1000;
  attack.RejectUnknown({"mode", "pow_bits", "challenge_ttl_s", "pass_minutes",
                        "auto_anonymous_rate", "auto_seconds", "auto_hold_s"});

  TableReader guard(Section(root, "guard", problem), "guard", problem);
  guard.Int("initial_limit", c.guard.initial_limit, 1, 1'000'000);
  guard.Int("min_limit", c.guard.min_limit, 1, 1'000'000);
  guard.Int("max_limit", c.guard.max_limit, 1, 1'000'000);
  guard.Int("queue_capacity", c.guard.queue_capacity, 1, 10'000'000);
  guard.Int("total_queue_capacity", c.guard.total_queue_capacity, 1, 60'000'000);
  guard.Int("queue_timeout_ms", c.guard.queue_timeout_ms, 1, 600'000);
  guard.Double("tolerance", c.guard.tolerance, 1.0, 100.0);
  guard.RejectUnknown({"initial_limit", "min_limit", "max_limit", "queue_capacity",
                       "total_queue_capacity", "queue_timeout_ms", "tolerance"});
  if (problem.empty() && !(c.guard.min_limit <= c.guard.initial_limit &&
                           c.guard.initial_limit <= c.guard.max_limit)) {
    problem = "guard.initial_limit: must be between guard.min_limit and guard.max_limit";
  }

  TableReader room(Section(root, "waiting_room", problem), "waiting_room", problem);
  room.Double("initial_rate", c.waiting_room.initial_rate, 0.1, 1'000'000);
  room.Double("min_rate", c.waiting_room.min_rate, 0.1, 1'000'000);
  room.Double("max_rate", c.waiting_room.max_rate, 0.1, 1'000'000);
  room.Int("restore_ms", c.waiting_room.restore_ms, 0, 600'000);
  room.RejectUnknown({"initial_rate", "min_rate", "max_rate", "restore_ms"});
  if (problem.empty() && !(c.waiting_room.min_rate <= c.waiting_room.initial_rate &&
                           c.waiting_room.initial_rate <= c.waiting_room.max_rate)) {
    problem = "waiting_room.initial_rate: must be between waiting_room.min_rate and max_rate";
  }

  TableReader exam(Section(root, "exam", problem), "exam", problem);
  exam.Int("save_grace_ms", c.exam.save_grace_ms, 0, 600'000);
  exam.Int("autosubmit_interval_ms", c.exam.autosubmit_interval_ms, 10, 600'000);
  exam.String("outage_compensation", c.exam.outage_compensation);
  if (problem.empty() && c.exam.outage_compensation != "auto" &&
      c.exam.outage_compensation != "ask" && c.exam.outage_compensation != "off") {
    problem = "exam.outage_compensation: must be \"auto\", \"ask\" or \"off\"";
  }
  exam.Int("outage_min_seconds", c.exam.outage_min_seconds, 0, 86'400);
  exam.Int("heartbeat_ms", c.exam.heartbeat_ms, 100, 600'000);
  exam.Int("answer_file_minutes", c.exam.answer_file_minutes, 0, 7 * 24 * 60);
  exam.RejectUnknown({"save_grace_ms", "autosubmit_interval_ms", "outage_compensation",
                      "outage_min_seconds", "heartbeat_ms", "answer_file_minutes"});

  TableReader course(Section(root, "course", problem), "course", problem);
  course.Int("max_file_mb", c.course.max_file_mb, 1, 64 * 1024);
  course.Int("upload_chunk_kib", c.course.upload_chunk_kib, 16, 256 * 1024);
  course.Int("uploads_per_user", c.course.uploads_per_user, 1, 10'000);
  course.Int("upload_expiry_hours", c.course.upload_expiry_hours, 1, 24 * 365);
  course.Double("entry_rate", c.course.entry_rate, 0.1, 100'000);
  course.Int("entry_pass_minutes", c.course.entry_pass_minutes, 1, 24 * 60);
  course.RejectUnknown({"max_file_mb", "upload_chunk_kib", "uploads_per_user",
                        "upload_expiry_hours", "entry_rate", "entry_pass_minutes"});

  TableReader sso(Section(root, "sso", problem), "sso", problem);
  sso.String("cas_url", c.sso.cas_url);
  sso.String("service_url", c.sso.service_url);
  sso.String("oidc_issuer", c.sso.oidc_issuer);
  sso.String("oidc_client_id", c.sso.oidc_client_id);
  sso.String("oidc_client_secret_file", c.sso.oidc_client_secret_file);
  sso.String("oidc_redirect_url", c.sso.oidc_redirect_url);
  sso.String("oidc_scopes", c.sso.oidc_scopes);
  sso.Bool("oidc_userinfo", c.sso.oidc_userinfo);
  sso.Bool("create_accounts", c.sso.create_accounts);
  sso.String("login_attribute", c.sso.login_attribute);
  sso.String("name_attribute", c.sso.name_attribute);
  sso.String("role_attribute", c.sso.role_attribute);
  sso.StringList("teacher_values", c.sso.teacher_values);
  sso.StringList("admin_values", c.sso.admin_values);
  sso.String("required_attribute", c.sso.required_attribute);
  sso.StringList("allowed_values", c.sso.allowed_values);
  sso.Int("timeout_ms", c.sso.timeout_ms, 100, 15'000);
  sso.RejectUnknown({"cas_url", "service_url", "oidc_issuer", "oidc_client_id",
                     "oidc_client_secret_file", "oidc_redirect_url", "oidc_scopes",
                     "oidc_userinfo", "create_accounts", "login_attribute", "name_attribute",
                     "role_attribute", "teacher_values", "admin_values", "required_attribute",
                     "allowed_values", "timeout_ms"});
  const auto web = [](const std::string& u) {
    return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
  };
  // Where keys, tickets and identities come from: https, or this machine.
  const auto trusted = [](const std::string& u) { return IsHttpsOrLoopback(u); };
  if (problem.empty() && !c.sso.required_attribute.empty() && c.sso.allowed_values.empty()) {
    problem = "sso.allowed_values: needed with sso.required_attribute (who may sign in)";
  }
  if (problem.empty() && !c.sso.oidc_issuer.empty()) {
    const std::string& scopes = c.sso.oidc_scopes;
    if (!trusted(c.sso.oidc_issuer)) {
      problem = "sso.oidc_issuer: must be an https:// address (http:// only to this machine)";
    } else if (c.sso.oidc_client_id.empty()) {
      problem = "sso.oidc_client_id: needed with sso.oidc_issuer (this server's client id there)";
    } else if (!web(c.sso.oidc_redirect_url)) {
      problem = "sso.oidc_redirect_url: needed with sso.oidc_issuer, an http:// or https:// "
                "address (this server's /sso/oidc/callback as browsers reach it)";
    } else if ((" " + scopes + " ").find(" openid ") == std::string::npos) {
      problem = "sso.oidc_scopes: must include openid";
    }
  }
  if (problem.empty() && !c.sso.cas_url.empty()) {
    if (!trusted(c.sso.cas_url)) {
      problem = "sso.cas_url: must be an https:// address (http:// only to this machine)";
    } else if (!web(c.sso.service_url)) {
      problem = "sso.service_url: needed with sso.cas_url, an http:// or https:// address (this "
                "server's /sso/cas/callback as browsers reach it)";
    }
    while (!c.sso.cas_url.empty() && c.sso.cas_url.back() == '/') c.sso.cas_url.pop_back();
  }

  TableReader lti(Section(root, "lti", problem), "lti", problem);
  lti.String("issuer", c.lti.issuer);
  lti.String("client_id", c.lti.client_id);
  lti.StringList("deployment_ids", c.lti.deployment_ids);
  lti.String("auth_login_url", c.lti.auth_login_url);
  lti.String("jwks_url", c.lti.jwks_url);
  lti.String("token_url", c.lti.token_url);
  lti.String("tool_url", c.lti.tool_url);
  lti.String("tool_key_file", c.lti.tool_key_file);
  lti.Bool("create_accounts", c.lti.create_accounts);
  lti.RejectUnknown({"issuer", "client_id", "deployment_ids", "auth_login_url", "jwks_url",
                     "token_url", "tool_url", "tool_key_file", "create_accounts"});
  if (problem.empty() && !c.lti.issuer.empty()) {
    const auto& l = c.lti;
    if (l.client_id.empty()) {
      problem = "lti.client_id: needed with lti.issuer (this tool's client id at the platform)";
    } else if (l.deployment_ids.empty()) {
      problem = "lti.deployment_ids: needed with lti.issuer (the deployments of this tool the "
                "school made: a shared LMS holds other schools' deployments of the same client)";
    } else if (!trusted(l.issuer)) {
      problem = "lti.issuer: must be an https:// address (http:// only to this machine)";
    } else if (!trusted(l.auth_login_url)) {
      problem = "lti.auth_login_url: needed with lti.issuer, an https:// address (the platform's "
                "OIDC authorization endpoint)";
    } else if (!trusted(l.jwks_url)) {
      problem = "lti.jwks_url: needed with lti.issuer, an https:// address (the platform's keys)";
    } else if (!l.token_url.empty() && !trusted(l.token_url)) {
      problem = "lti.token_url: must be an https:// address";
    } else if (!web(l.tool_url)) {
      problem = "lti.tool_url: needed with lti.issuer, an http(s) address (this server as "
                "browsers reach it)";
    } else if (l.tool_key_file.empty()) {
      problem = "lti.tool_key_file: needed with lti.issuer (a PEM RSA key: openssl genpkey "
                "-algorithm RSA -pkeyopt rsa_keygen_bits:2048)";
    }
    while (!c.lti.tool_url.empty() && c.lti.tool_url.back() == '/') c.lti.tool_url.pop_back();
  }

  TableReader live(Section(root, "live", problem), "live", problem);
  live.String("bbb_url", c.live.bbb_url);
  live.String("bbb_secret_file", c.live.bbb_secret_file);
  live.String("checksum", c.live.checksum);
  live.Int("max_participants", c.live.max_participants, 0, 10'000'000);
  live.Double("join_rate", c.live.join_rate, 0.1, 10'000);
  live.Int("timeout_ms", c.live.timeout_ms, 100, 120'000);
  live.Int("open_minutes_before", c.live.open_minutes_before, 0, 24 * 60);
  live.Int("poll_seconds", c.live.poll_seconds, 1, 3600);
  live.String("meeting_prefix", c.live.meeting_prefix);
  live.RejectUnknown({"bbb_url", "bbb_secret_file", "checksum", "max_participants", "join_rate",
                      "timeout_ms", "open_minutes_before", "poll_seconds", "meeting_prefix"});
  if (problem.empty()) {
    const std::string& u = c.live.bbb_url;
    if (!u.empty() && u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
      problem = "live.bbb_url: must be an http:// or https:// address";
    } else if (!u.empty() && c.live.bbb_secret_file.empty()) {
      problem = "live.bbb_secret_file: needed with live.bbb_url (the server's shared secret)";
    } else if (c.live.checksum != "sha1" && c.live.checksum != "sha256" &&
               c.live.checksum != "sha384" && c.live.checksum != "sha512") {
      problem = "live.checksum: must be \"sha1\", \"sha256\", \"sha384\" or \"sha512\"";
    } else if (c.live.meeting_prefix.size() > 40 ||
               c.live.meeting_prefix.find_first_not_of(
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
                   std::string::npos) {
      problem = "live.meeting_prefix: at most 40 letters, digits, '-', '_' or '.'";
    }
  }

  TableReader school(Section(root, "school", problem), "school", problem);
  school.String("time_zone", c.school.time_zone);
  if (problem.empty()) {
    if (auto zone = TimeZone::Named(c.school.time_zone); !zone.ok()) {
      problem = "school.time_zone: " + zone.error().message;
    }
  }
  school.RejectUnknown({"time_zone"});

  if (problem.empty()) {
    if (auto st = ParseListen(c.server.listen, c.server.host, c.server.port); !st.ok()) {
      problem = st.error().message;
    } else if (!c.server.ops_listen.empty()) {
      auto ops = ParseListen(c.server.ops_listen, c.server.ops_host, c.server.ops_port);
      if (!ops.ok()) {
        problem = "server.ops_listen" + ops.error().message.substr(ops.error().message.find(':'));
      }
    }
  }

  if (!problem.empty()) return Error::Invalid(problem);
  return c;
}

Result<Config> LoadConfigFile(const std::string& path) {
  // A directory opens as a stream and reads as empty: it would pass for an empty config.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error::Invalid(fmt::format("{}: is a directory, not a config file", path));
  }
  std::ifstream in(path);
  if (!in) return Error::Invalid(fmt::format("{}: cannot be read", path));
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseConfig(ss.str());
  if (!r.ok()) return Error::Invalid(fmt::format("{}: {}", path, r.error().message));
  return r;
}

}  // namespace pupitre
