#pragma once
// The wiring of one Pupitre node: store, writer, services, API and HTTP server, started and
// stopped in the right order. `main` builds one; tests may too.

#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>
#include <string>

#include "cluster/change_feed.h"
#include "cluster/ownership.h"
#include "api/api.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/settings.h"
#include "config/config.h"
#include "course/course_space.h"
#include "course/announcements.h"
#include "course/homework.h"
#include "course/uploads.h"
#include "exam/exam_service.h"
#include "http/server.h"
#include "live/engine.h"
#include "live/live_classes.h"
#include "notify/incidents.h"
#include "store/blob/blob_store.h"
#include "store/settings.h"
#include "store/writer.h"

namespace pupitre {

// The store and the services on top of it, without the HTTP server: what the CLI needs.
class Node {
 public:
  // Opens the store in config.store.data_dir and loads it into memory.
  static Result<std::unique_ptr<Node>> Open(const Config& config, const Clock& clock);
  ~Node();

  const Config& config() const { return config_; }
  auth::Accounts& accounts() { return *accounts_; }
  exam::ExamService& exams() { return *exams_; }
  notify::IncidentBook& incidents() { return *incidents_; }
  course::CourseSpace& courses() { return *courses_; }
  course::Homeworks& homeworks() { return *homeworks_; }
  course::Announcements& announcements() { return *announcements_; }
  course::Uploads& uploads() { return *uploads_; }
  store::BlobStore& blobs() { return *blobs_; }
  live::LiveClasses& live() { return *live_; }
  // The video engine's calls (they block up to [live] timeout_ms): kept off the workers.
  boost::asio::thread_pool& live_calls() { return *live_calls_; }
  Metrics& metrics() { return metrics_; }
  store::Writer& writer() { return *writer_; }
  store::StoredSettings& settings() { return *settings_; }
  boost::asio::thread_pool& workers() { return *workers_; }
  // Which exams this node serves ([cluster]; alone: all of them).
  cluster::Ownership& ownership() { return *ownership_; }

  // Fills an empty store with the demo dataset (README: one teacher, one admin, `students`
  // students, one course, one published exam open now). Does nothing if the store has users.
  Status SeedDemo(int students);

  // With a store other processes write too (PostgreSQL): starts bringing what they change of
  // the shared state into this node's services (cluster/change_feed.h), from before the load.
  // Call once, after hooking what settings changes drive (StoredSettings::OnChange).
  void StartChangeFeed();
  void StopChangeFeed();
  // Called when this node takes an exam another node held (cluster/ownership.h), after the
  // exam is loaded. REQUIRES: set before requests or the lease thread can claim exams, and
  // what it reaches outlives them.
  void OnExamTaken(std::function<void(const std::string& exam_id)> f) {
    on_exam_taken_ = std::move(f);
  }

  // Commits what is queued and stops the writer and workers. Idempotent.
  void Close();

 private:
  explicit Node(const Config& config) : config_(config) {}

  Config config_;
  Metrics metrics_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<store::StoredSettings> settings_;
  std::unique_ptr<boost::asio::thread_pool> workers_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<exam::ExamService> exams_;
  std::unique_ptr<notify::IncidentBook> incidents_;
  std::unique_ptr<store::BlobStore> blobs_;  // under data_dir/files
  std::unique_ptr<course::CourseSpace> courses_;
  std::unique_ptr<course::Homeworks> homeworks_;
  std::unique_ptr<course::Announcements> announcements_;
  std::unique_ptr<course::Uploads> uploads_;
  std::unique_ptr<live::Engine> engine_;  // null: no [live] bbb_url
  std::unique_ptr<live::LiveClasses> live_;
  std::unique_ptr<boost::asio::thread_pool> live_calls_;
  std::unique_ptr<cluster::Ownership> ownership_;  // alone: serves every exam
  std::string change_mark_;                        // the change log's mark before the load
  std::unique_ptr<cluster::ChangeFeed> feed_;      // null: a store of one process
  std::function<void(const std::string&)> on_exam_taken_;
};

// The machine's cores (at least 1).
int Cores();

// Runs `pupitre serve` until SIGINT or SIGTERM, after seeding the demo dataset with
// `demo_students` students when that is not 0. Returns the process exit code.
int Serve(const Config& config, int demo_students);

}  // namespace pupitre
