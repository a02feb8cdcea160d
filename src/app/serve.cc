// `pupitre serve`: the node's listeners, its keys and settings, its timers, and the shutdown.
#include "app/app.h"
#include "app/secret_file.h"
#include "exam/outages.h"

#include <boost/asio/signal_set.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <charconv>
#include <cstring>
#include <future>
#include <regex>
#include <thread>

#include "api/web_assets.h"
#include "common/file_limit.h"
#include "common/scheduler.h"
#include "live/bbb_engine.h"
#include "exam/exam_json.h"
#include "import/toml/exam_toml.h"
#include "room/admissions.h"
#include "guard/proof_of_work.h"
#include "store/id_blocks.h"
#include "store/settings.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace pupitre {

namespace {

constexpr const char* kTicketKeySetting = "waiting_rooms.ticket_key";
constexpr const char* kQueueMarkerSetting = "waiting_rooms.queue_marker";
constexpr const char* kProofKeySetting = "under_attack.pass_key";
constexpr const char* kLoginLineKeySetting = "login_line.ticket_key";
// The secret the exams' answer-file key pairs are derived from (exam/answer_file.h).
constexpr const char* kAnswerFileSecretSetting = "answer_file.secret";
// The last time this node said it was alive (Unix ms), every exam.heartbeat_ms and at a stop.
constexpr const char* kHeartbeatSetting = "platform.heartbeat_ms";

std::string UtcTime(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// After a crash or a stop, attempts that were in progress get the time the platform was down
// (from its last heartbeat to now) added to their deadline, unless the policy is "off" or the
// gap is below exam.outage_min_seconds. Before anything is served or swept.
Status GiveBackOutage(Node& n, const Config& config, const Clock& clock) {
  // In a cluster, one node's restart is not the platform's outage (the others served on), and
  // the exams are written only by the nodes holding them: not done here (docs/scale-out.md).
  if (n.ownership().clustered()) return OkStatus();
  const std::optional<std::string> beat = n.settings().Get(kHeartbeatSetting);
  if (!beat) return OkStatus();  // a new data directory
  int64_t from = 0;
  auto [end, ec] = std::from_chars(beat->data(), beat->data() + beat->size(), from);
  if (ec != std::errc() || end != beat->data() + beat->size() || !IsValidInstantMs(from)) {
    spdlog::warn("the setting {} is damaged: no outage compensation this time", kHeartbeatSetting);
    return OkStatus();
  }
  const int64_t to = ToUnixMs(clock.Now());
  if (to - from < config.exam.outage_min_seconds * 1000) return OkStatus();
  if (config.exam.outage_compensation == "off") {
    spdlog::warn("the platform was unavailable from {} to {}; not given back to attempts "
                 "(exam.outage_compensation = \"off\")", UtcTime(from), UtcTime(to));
    return OkStatus();
  }
  if (config.exam.outage_compensation == "ask") {
    if (auto s = exam::AddPendingOutage(n.settings(), n.exams(), {from, to}); !s.ok()) return s;
    spdlog::warn("the platform was unavailable from {} to {}: the operator is asked whether to "
                 "give it back to the {} attempts that were in progress (load page); until then "
                 "they are not submitted by their deadline", UtcTime(from), UtcTime(to),
                 n.exams().CountInterrupted(from, to));
    return OkStatus();
  }
  auto given = n.exams().CompensateOutage(from, to);
  if (!given.ok()) return given.error();
  spdlog::warn("the platform was unavailable from {} to {} ({} s): {} attempts in progress got "
               "that time added to their deadline", UtcTime(from), UtcTime(to),
               (to - from + 999) / 1000, *given);
  return OkStatus();
}

// Before they were kept in the store, these settings were files in the data directory: an
// upgraded data directory's are taken into the store once (the files are then left alone).
Status ImportOldSettingFile(SettingsStore& settings, const std::string& key,
                            const std::string& path) {
  if (settings.Get(key) || ::access(path.c_str(), F_OK) != 0) return OkStatus();
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  spdlog::info("taking {} into the store (setting {}); the file is renamed {}.imported", path,
               key, path);
  if (auto s = settings.Put(key, text); !s.ok()) return s;
  // Renamed once stored, so that it is never taken in again (a stale marker, or a damaged key
  // whose setting the operator deleted, would come back at every start).
  if (std::rename(path.c_str(), (path + ".imported").c_str()) != 0) {
    return Error::Internal("cannot rename " + path + ": " + std::strerror(errno));
  }
  return OkStatus();
}

// An HMAC key kept in the store, so that what was signed before a restart (or by another node)
// can still be checked: the waiting-room tickets (how students take their place again), the
// under-attack passes. `lost` says what a damaged key costs.
Result<std::string> LoadOrCreateKey(SettingsStore& settings, const char* setting,
                                    const char* lost) {
  if (auto key = settings.Get(setting)) {
    if (key->size() != 64 || key->find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Error::Invalid(std::string("the setting ") + setting +
                            " is damaged: delete its row from the store's settings table and a "
                            "new key is made at start-up (" + lost + ")");
    }
    return *key;
  }
  // Nodes starting together on a new store each make one: the first stored wins everywhere.
  return settings.PutIfAbsent(setting, auth::RandomHex(32));
}

// The operator's under-attack switch: the stored one (set from the operator's page), else the
// configuration's.
Result<guard::AttackMode::Switch> InitialAttackSwitch(const SettingsStore& settings,
                                                      const Config& config) {
  const std::string key(guard::AttackMode::kSetting);
  const std::optional<std::string> stored = settings.Get(key);
  auto parsed = guard::AttackMode::ParseSwitch(stored ? *stored : config.attack.mode);
  if (!parsed.ok() && stored) {
    return Error::Invalid("the setting " + key + " is damaged: set it again from the "
                          "operator's page, or delete its row from the store's settings table");
  }
  return parsed;
}

// A note in the store that exists while students wait in a room: found at start-up, it says
// that a queue was lost with the previous process. Written only when that changes.
// It holds the start time of the process that made it: tickets issued since then are the
// places that were lost.
class QueueMarker {
 public:
  QueueMarker(SettingsStore& settings, int64_t started_ms)
      : settings_(settings), started_ms_(started_ms) {
    if (auto v = settings_.Get(kQueueMarkerSetting)) {
      present_ = true;
      std::from_chars(v->data(), v->data() + v->size(), previous_start_ms_);
    }
    wanted_ = present_.load();
  }
  bool present() const { return present_; }
  // When the process that left the marker started (0 if unknown).
  int64_t previous_start_ms() const { return previous_start_ms_; }
  // Asks for the note to be there or not. Cheap: the write (a commit) is done on `workers`, at
  // most one at a time, never on the caller's loop; a failed write is tried again at the next
  // call. Thread: one caller at a time (the scheduler's task).
  void Want(bool waiting, boost::asio::thread_pool& workers) {
    wanted_ = waiting;
    if (waiting == present_ || writing_.exchange(true)) return;
    boost::asio::post(workers, [this] {
      const bool want = wanted_;
      Status s = want ? settings_.Put(kQueueMarkerSetting, std::to_string(started_ms_))
                      : settings_.Erase(kQueueMarkerSetting);
      if (s.ok()) {
        present_ = want;
      } else if (warned_.exchange(true) == false) {  // once, not every 100 ms
        spdlog::warn("cannot note the waiting-room queue in the store (will retry): {}",
                     s.error().message);
      }
      writing_ = false;
    });
  }

 private:
  SettingsStore& settings_;
  const int64_t started_ms_;
  std::atomic<bool> present_{false};
  std::atomic<bool> wanted_{false};
  std::atomic<bool> writing_{false};
  std::atomic<bool> warned_{false};
  int64_t previous_start_ms_ = 0;
};
}  // namespace

int Serve(const Config& config, int demo_students) {
  // A peer that leaves in the middle of a file sent with sendfile(2) would raise SIGPIPE, whose
  // default action ends the process without a word: writes to closed sockets fail with EPIPE
  // instead (Asio's own writes never raise it; sendfile has no MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();
  SystemClock clock;
  auto node = Node::Open(config, clock);
  if (!node.ok()) {
    spdlog::error("cannot open the store: {}", node.error().message);
    return 1;
  }
  Node& n = **node;
  if (demo_students > 0) {
    if (auto s = n.SeedDemo(demo_students); !s.ok()) {
      spdlog::error("cannot seed the demo dataset: {}", s.error().message);
      return 1;
    }
  }

  // Outages still waiting for the operator's answer keep their attempts from being submitted.
  if (auto s = exam::HoldForPendingOutages(n.settings(), n.exams()); !s.ok()) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  if (auto s = GiveBackOutage(n, config, clock); !s.ok()) {
    spdlog::error("cannot give attempts back the time of the outage: {}", s.error().message);
    return 1;
  }
  // "Alive", durably: after a crash, the time since the last one is the outage's length.
  const auto beat = [&] {
    return n.settings().Put(kHeartbeatSetting, std::to_string(ToUnixMs(clock.Now())));
  };
  if (auto s = beat(); !s.ok()) {
    spdlog::error("cannot write the heartbeat: {}", s.error().message);
    return 1;
  }

  guard::AdmissionController guard(config.guard, clock);
  guard::WaitingRoomOptions room_options = config.waiting_room;
  const std::string& dir = config.store.data_dir;
  for (auto [key, file] : {std::pair{kTicketKeySetting, "waiting-room.key"},
                           std::pair{guard::WaitingRooms::kControlsSetting.data(), "admission.json"},
                           std::pair{kQueueMarkerSetting, "waiting-rooms.active"}}) {
    if (auto s = ImportOldSettingFile(n.settings(), key, dir + "/" + file); !s.ok()) {
      spdlog::error("{}", s.error().message);
      return 1;
    }
  }
  auto ticket_key = LoadOrCreateKey(n.settings(), kTicketKeySetting,
                                    "waiting-room tickets issued before are then refused");
  auto proof_key = LoadOrCreateKey(n.settings(), kProofKeySetting,
                                   "under-attack passes given before are then refused");
  auto line_key = LoadOrCreateKey(n.settings(), kLoginLineKeySetting,
                                  "places in the login line given before are then not honoured");
  auto answer_secret = LoadOrCreateKey(n.settings(), kAnswerFileSecretSetting,
                                       "answer files written before can then not be read");
  auto attack_switch = InitialAttackSwitch(n.settings(), config);
  for (const Error* e : {ticket_key.ok() ? nullptr : &ticket_key.error(),
                         proof_key.ok() ? nullptr : &proof_key.error(),
                         line_key.ok() ? nullptr : &line_key.error(),
                         answer_secret.ok() ? nullptr : &answer_secret.error(),
                         attack_switch.ok() ? nullptr : &attack_switch.error()}) {
    if (e) {
      spdlog::error("{}", e->message);
      return 1;
    }
  }
  // Students were queued when this server last stopped (or crashed): hold the rooms' doors a
  // moment, so that they come back and take their places in the old order.
  const TimePoint started = clock.Now();
  QueueMarker queue_marker(n.settings(), ToUnixMs(started));
  const bool rebuild = queue_marker.present();
  if (rebuild) {
    spdlog::info("students were waiting when the server stopped: rooms open in {} ms, in the "
                 "old order for those who come back with their ticket",
                 config.waiting_room.restore_ms);
  }
  const TimePoint rooms_restored_by =
      started + Millis(rebuild ? config.waiting_room.restore_ms : 0);
  // Only tickets of the process that left the queue claim a place (none without a rebuild).
  const TimePoint claims_from = rebuild ? FromUnixMs(queue_marker.previous_start_ms()) : started;
  guard::WaitingRooms rooms(room_options, clock, *ticket_key, rooms_restored_by, claims_from);
  // The operator's pauses and rate caps hold across restarts.
  if (auto s = rooms.PersistControlsTo(n.settings()); !s.ok()) {
    spdlog::error("{} (delete it to start without the operator's admission settings)",
                  s.error().message);
    return 1;
  }
  room::Admissions admissions(rooms, n.exams(), n.accounts(), clock);
  api::RoomFeed feed(rooms, n.exams(), clock);
  guard::AttackMode attack(config.attack, *attack_switch);
  const guard::ProofOfWork proof(config.attack, *proof_key);
  guard::LoginLine login_line(config.login_line, *line_key, started);
  auto seb = guard::SafeExamBrowser::Open(n.settings());
  if (!seb.ok()) {
    spdlog::error("{} (exams that require Safe Exam Browser must not open without it)",
                  seb.error().message);
    return 1;
  }
  const exam::AnswerFileKeys answer_files(*answer_secret);
  guard::CourseDoorOptions door_options;
  door_options.initial_rate = config.course.entry_rate;
  door_options.min_rate = std::min(door_options.min_rate, config.course.entry_rate);
  door_options.pass = std::chrono::minutes(config.course.entry_pass_minutes);
  guard::CourseDoor door(door_options, clock);
  door.PersistTo(n.settings());  // the operator's hold outlives a restart
  api::Api api(config, n.accounts(), n.exams(), guard, admissions, feed, n.metrics(),
               n.workers(), clock, attack, proof, n.settings(), login_line, n.incidents(),
               **seb, answer_files, api::CourseParts{n.courses(), n.homeworks(), n.announcements(), n.uploads(),
                                                n.blobs(), n.live(), n.live_calls(), door});
  if (!config.sso.oidc_issuer.empty()) {
    const auto& o = config.sso;
    sso::OidcClientOptions oidc{o.oidc_issuer, o.oidc_client_id, "", o.oidc_redirect_url,
                                o.oidc_scopes};
    if (!o.oidc_client_secret_file.empty()) {
      auto secret = app::ReadSecretFile(o.oidc_client_secret_file, "sso.oidc_client_secret_file", 1);
      if (!secret.ok()) {
        spdlog::error("{}", secret.error().message);
        return 1;
      }
      oidc.client_secret = std::move(*secret);
    }
    api.UseOidc(std::move(oidc));
    spdlog::info("sign-in with OpenID Connect at {} as client {}", o.oidc_issuer, o.oidc_client_id);
  }
  if (!config.lti.issuer.empty()) {
    const auto& l = config.lti;
    std::ifstream in(l.tool_key_file);
    std::stringstream pem;
    pem << in.rdbuf();
    auto key = sso::SigningKey::FromPem(pem.str());
    if (!in || !key.ok()) {
      spdlog::error("lti.tool_key_file: {} {}", l.tool_key_file,
                    in ? key.error().message : "cannot be read");
      return 1;
    }
    api.UseLti(std::make_unique<lti::LtiTool>(
        lti::Platform{l.issuer, l.client_id, l.deployment_ids, l.auth_login_url, l.jwks_url,
                      l.token_url},
        std::move(*key), l.tool_url, config.sso.timeout_ms));
    spdlog::info("LTI 1.3 tool of {} as client {}", l.issuer, l.client_id);
  }
  if (n.ownership().clustered()) {
    api.UseOwnership(n.ownership(), n.workers());
    // An exam taken from another node: the students who waited there come back with their
    // tickets and take their places again, in the old order, before newcomers.
    n.OnExamTaken([&rooms, &clock, &config](const std::string& exam_id) {
      rooms.TakeOver(exam_id, clock.Now() + Millis(config.waiting_room.restore_ms));
      spdlog::info("exam '{}' taken over: its waiting rooms open in {} ms, in the old order for "
                   "those who come back with their ticket", exam_id,
                   config.waiting_room.restore_ms);
    });
  }
  // What other nodes change reaches this one; the operator's under-attack switch and course
  // door hold with it (admission controls are read again when an exam is taken over).
  n.settings().OnChange([&attack, &door](const std::string& key,
                                         const std::optional<std::string>& v) {
    if (key == guard::AttackMode::kSetting && v) {
      if (auto mode = guard::AttackMode::ParseSwitch(*v); mode.ok()) attack.Set(*mode);
    } else if (key == guard::CourseDoor::kHoldSetting) {
      door.Follow(v && *v == "1");
    }
  });
  n.StartChangeFeed();
  // Stopped before what the listener reaches goes, whichever way this function returns.
  struct FeedStop {
    Node& node;
    ~FeedStop() { node.StopChangeFeed(); }
  } feed_stop{n};
  // In a cluster, lease renewals run on a thread of their own, never behind the workers' queue.
  // Made before the listener opens: once connections come, descriptors may run out.
  std::unique_ptr<boost::asio::thread_pool> lease_thread;
  if (n.ownership().clustered()) lease_thread = std::make_unique<boost::asio::thread_pool>(1);
  http::ServerOptions opts = config.server;  // host and port parsed from listen by the config
  // Each connection is a descriptor: the cap stays below the open-file limit, with room kept
  // for the store, the log, the event loops and the operator, so that accept() never runs out.
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
    const int64_t reserve = 64 + 8 * static_cast<int64_t>(Cores()) +
                            (opts.ops_host.empty() ? 0 : opts.max_ops_connections);
    const int64_t fits = std::max<int64_t>(1, static_cast<int64_t>(r.rlim_cur) - reserve);
    if (fits < opts.max_connections) {
      spdlog::warn("server.max_connections {} is more than {} open files allow: capped at {}",
                   opts.max_connections, r.rlim_cur, fits);
      opts.max_connections = fits;
    }
  }
  n.metrics().connections_limit = opts.max_connections;
  http::Server server(
      opts,
      [&api](http::Request&& r, const http::RequestInfo& i, http::Responder resp) {
        api.Handle(std::move(r), i, std::move(resp));
      },
      [&api](const http::RequestHeader& h) { return api.OnHeader(h); }, n.metrics());
  // The control loop (its own epoll descriptor) exists before the listener opens: once
  // connections come, descriptors may run out, and making it then would throw.
  boost::asio::io_context control;
  boost::asio::signal_set signals(control, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    spdlog::info("signal {}: shutting down", sig);
    control.stop();
  });
  if (auto s = server.Start(); !s.ok()) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  api.SetReady(true);
  // The one line scripts and tests read to find the port.
  std::printf("pupitre: listening on http://%s:%u\n", opts.host.c_str(), server.port());
  std::fflush(stdout);
  if (server.ops_port() != 0) {
    spdlog::info("operator listener (/healthz, /readyz, /metrics) on http://{}:{}",
                 opts.ops_host.find(':') != std::string::npos ? "[" + opts.ops_host + "]"
                                                              : opts.ops_host,
                 server.ops_port());
  }

  Scheduler every(control);
  every.Every("autosubmit", Millis(config.exam.autosubmit_interval_ms), [&] {
    if (int k = n.exams().AutoSubmitDue(); k > 0) spdlog::info("auto-submitted {} attempts", k);
  });
  // The heartbeat, on the worker pool (it waits for a commit), one at a time.
  std::atomic<bool> beating{false};
  every.Every("heartbeat", Millis(config.exam.heartbeat_ms), [&] {
    if (beating.exchange(true)) return;  // the last one is still being written
    boost::asio::post(n.workers(), [&] {
      if (auto s = beat(); !s.ok()) spdlog::warn("heartbeat not written: {}", s.error().message);
      beating = false;
    });
  });
  // The minutes of saves that are over go to the attempts' timelines, on the worker pool.
  std::atomic<bool> counting{false};
  every.Every("save_counts", std::chrono::seconds(60), [&] {
    if (counting.exchange(true)) return;
    boost::asio::post(n.workers(), [&] {
      if (auto r = n.exams().FlushSaveCounts(false); !r.ok()) {
        spdlog::warn("save counts not written: {}", r.error().message);
      }
      counting = false;
    });
  });
  // Uploads abandoned half-way are dropped (disk and the per-user cap stay bounded), on the
  // worker pool, one sweep at a time, hourly.
  std::atomic<bool> sweeping_uploads{false};
  auto sweep_uploads = [&] {
    if (sweeping_uploads.exchange(true)) return;
    boost::asio::post(n.workers(), [&] {
      size_t dropped = 0;
      for (const auto& id :
           n.uploads().Abandoned(std::chrono::hours(config.course.upload_expiry_hours))) {
        if (n.blobs().DropUpload(id).ok() && n.uploads().Finish(id).ok()) ++dropped;
      }
      if (dropped > 0) spdlog::info("dropped {} uploads abandoned half-way", dropped);
      sweeping_uploads = false;
    });
  };
  every.Every("upload_sweep", std::chrono::hours(1), sweep_uploads);
  // In a cluster: the leases of the exams this node holds are renewed (and those another node
  // asked for handed over) on the worker pool, one round at a time.
  std::atomic<bool> renewing{false};
  if (n.ownership().clustered()) {
    spdlog::info("cluster: node {} (holder {}), leases of {} ms", config.cluster.node,
                 n.ownership().holder(), config.cluster.lease_ms);
    every.Every("leases", Millis(n.ownership().tick_ms()), [&] {
      if (renewing.exchange(true)) return;
      boost::asio::post(*lease_thread, [&] {
        n.ownership().Tick();
        n.metrics().exams_held.store(static_cast<int64_t>(n.ownership().held().size()));
        renewing = false;
      });
    });
  }
  // Live classes: queued students go in as seats free; who is in each meeting is asked of the
  // engine every [live] poll_seconds, on its own threads, one look at a time.
  every.Every("live_admission", Millis(250), [&] { n.live().AdmitDue(); });
  std::atomic<bool> looking{false};
  every.Every("live_refresh", std::chrono::seconds(config.live.poll_seconds), [&] {
    if (looking.exchange(true)) return;
    boost::asio::post(n.live_calls(), [&] {
      n.live().Refresh();
      looking = false;
    });
  });
  // Expired sessions are forgotten (memory and store stay bounded).
  every.Every("session_purge", std::chrono::minutes(1), [&] {
    if (size_t k = n.accounts().PurgeExpired(); k > 0) {
      spdlog::info("forgot {} expired sessions", k);
    }
  });
  // Waiters past the queue timeout are refused even when no traffic moves the queues; the
  // waiting rooms admit at their rate; the feeds push what changed.
  every.Every("admission", Millis(100), [&] {
    guard.Sweep();
    admissions.AdmitDue();
    door.Tick();
    feed.Publish();
    api.PublishLive();
    api.AdvanceLoginLine();
    // Kept while a rebuild is under way too: a second crash before the students are back
    // must rebuild again.
    queue_marker.Want(rooms.Totals().waiting > 0 || clock.Now() < rooms_restored_by,
                      n.workers());
  });
  // The admission rate follows what the platform absorbs.
  uint64_t last_refused = 0;
  every.Every("admission_rate", std::chrono::seconds(1), [&] {
    const guard::Stats g = guard.stats();
    const bool overloaded = guard::Saturated(g, last_refused, config.guard.tolerance);
    if (overloaded) {
      spdlog::info("admission slowed: refused {} since {} latency {:.2f} ms (long {:.2f})",
                   g.rejected() - last_refused, g.rejected(), g.short_latency_ms,
                   g.long_latency_ms);
    }
    last_refused = g.rejected();
    rooms.Adapt(overloaded);
    // The course space gives way to exams: its door has a line while students wait to start.
    door.Adapt(overloaded, rooms.Totals().waiting > 0);
    api.RefreshStatus();
    if (attack.Tick(clock.Monotonic())) {
      const guard::AttackMode::Status a = attack.status();
      spdlog::warn("under-attack mode {} (switch {}, anonymous requests {:.0f}/s, threshold "
                   "{:.0f}/s)", a.engaged ? "ENGAGED: anonymous visitors must solve a "
                   "proof of work" : "released", guard::AttackMode::SwitchName(a.mode),
                   a.anonymous_rate, a.auto_rate);
    }
  });
  control.run();
  every.Stop();

  api.SetReady(false);
  server.Stop(config.server.shutdown_grace_ms);
  // The outage of a planned stop counts from here.
  if (auto s = beat(); !s.ok()) spdlog::warn("last heartbeat not written: {}", s.error().message);
  if (auto r = n.exams().FlushSaveCounts(true); !r.ok()) {
    spdlog::warn("last save counts not written: {}", r.error().message);
  }
  // In a cluster, this node's exams are given up once their writes are durable: the other
  // nodes take them at once instead of waiting for the leases to run out.
  n.ownership().ReleaseAll();
  if (lease_thread) lease_thread->join();
  n.Close();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace pupitre
