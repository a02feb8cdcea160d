// A student let in from the waiting room is told their attempt only once it is durable: killed
// right after `admitted` events, the server comes back with every announced attempt, for the
// student it was announced to.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

TEST(AdmissionCrashTest, EveryAnnouncedAdmissionSurvivesSigkill) {
  constexpr int kStudents = 40;
  constexpr int kKillAfter = 8;  // admitted events seen before the kill
  TempDir dir;
  // Admission at 40 a second: several admissions per tick, each written by the next batches.
  const std::string config =
      FastTestConfig() + "[waiting_room]\ninitial_rate = 40\nmin_rate = 40\nmax_rate = 40\n";
  auto server = std::make_unique<ChildServer>(dir.path(), config, /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  {
    HttpClient teacher(server->port());
    ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
    ASSERT_EQ(teacher.Post("/api/exams", TestExamToml("crash-exam")).status, 201);
    HttpClient admin(server->port());
    ASSERT_EQ(admin.Login("admin", "admin-demo").status, 200);
    // Paused, so that everyone queues first; published; then resumed all at once.
    ASSERT_EQ(admin.Put("/api/admin/exams/crash-exam/admission", R"({"paused":true})").status, 200);
    ASSERT_EQ(teacher.Post("/api/exams/crash-exam/publish").status, 200);
  }
  struct Waiter {
    std::unique_ptr<HttpClient> client;
    std::string ticket;
    int64_t announced = 0;  // the attempt id an `admitted` event named
  };
  std::vector<Waiter> waiters(kStudents);
  for (int i = 0; i < kStudents; ++i) {
    waiters[i].client = std::make_unique<HttpClient>(server->port());
    ASSERT_EQ(waiters[i].client->Login(StudentLogin(i + 1), "student-demo").status, 200);
    auto r = waiters[i].client->Post("/api/exams/crash-exam/start");
    ASSERT_EQ(r.status, 202) << r.body;
    waiters[i].ticket = std::string(r.json().at("waiting").at("ticket").as_string());
  }

  std::mutex mu;
  std::condition_variable cv;
  int announced = 0;
  std::vector<std::thread> threads;
  for (auto& w : waiters) {
    threads.emplace_back([&] {
      w.client->ReadEvents(
          "/api/exams/crash-exam/waiting-room/events", {{"X-Waiting-Ticket", w.ticket}},
          [&](const HttpClient::Event& e) {
            if (e.name != "admitted") return true;
            std::lock_guard lock(mu);
            w.announced = boost::json::parse(e.data).at("attempt_id").as_int64();
            if (++announced >= kKillAfter) cv.notify_one();
            return false;
          },
          std::chrono::seconds(60));
    });
  }
  {
    HttpClient admin(server->port());
    ASSERT_EQ(admin.Login("admin", "admin-demo").status, 200);
    ASSERT_EQ(admin.Put("/api/admin/exams/crash-exam/admission", R"({"paused":false})").status,
              200);
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return announced >= kKillAfter; }))
        << "only " << announced << " admissions announced";
  }
  server->Stop(SIGKILL);  // at once: admissions after these may still be in the writer's queue
  for (auto& t : threads) t.join();

  ChildServer again(dir.path(), config, /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  int checked = 0;
  std::set<int64_t> ids;
  for (auto& w : waiters) {
    if (w.announced == 0) continue;
    ++checked;
    EXPECT_TRUE(ids.insert(w.announced).second) << "attempt " << w.announced << " told twice";
    HttpClient student(again.port());
    student.set_token(w.client->token());  // sessions are durable too
    auto r = student.Get("/api/attempts/" + std::to_string(w.announced));
    EXPECT_EQ(r.status, 200) << "announced attempt " << w.announced << " was lost: " << r.body;
    // And starting again returns that same attempt, not a new one with a new clock.
    auto again_start = student.Post("/api/exams/crash-exam/start");
    if (again_start.status == 200) {
      EXPECT_EQ(again_start.json().at("attempt").at("id").as_int64(), w.announced);
    } else {
      ADD_FAILURE() << "start after the restart: " << again_start.status << " " << again_start.body;
    }
  }
  EXPECT_GE(checked, kKillAfter);
}

}  // namespace
}  // namespace pupitre::testkit
