// The waiting room over real HTTP: with admission set tiny, a crowd arriving together is
// admitted in ticket order with no error, places only go down and the estimate is honest;
// early arrivals are drawn at random at opening; tickets cannot be forged; the operator can
// pause admission and let a student through.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "testkit/poll.h"
#include "testkit/exam_fixture.h"
#include "testkit/stored_settings.h"

namespace pupitre::testkit {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string RoomConfig(double rate) {
  // A fixed rate, so that the estimates can be judged against the real waits.
  return FastTestConfig() +
         fmt::format("[waiting_room]\ninitial_rate = {}\nmin_rate = {}\nmax_rate = {}\n", rate,
                     rate, rate);
}

// Paces a polling loop (it synchronises nothing: every check is on a server response).
// Whether the store in `data_dir` holds the note that students wait.
bool QueueNoted(const std::string& data_dir) {
  return StoredSetting(data_dir, "waiting_rooms.queue_marker").has_value();
}


struct Student {
  std::unique_ptr<HttpClient> client;
  int index = 0;
  SteadyClock::time_point arrived;
  bool waited = false;
  std::string ticket;
  int64_t ticket_number = 0;
  int64_t first_eta_ms = 0;
  int64_t first_eta_at_ms = 0;  // the server's clock when it was shown
  int64_t last_position = 0;
  double waited_ms = 0;
  int64_t attempt_id = 0;
  int errors = 0;
  int positions_up = 0;
};

class RoomTest : public ::testing::Test {
 protected:
  void Boot(double rate, std::chrono::seconds opens_in = -std::chrono::hours(1),
            const std::string& more_room_config = "") {
    server_ = std::make_unique<ChildServer>(dir_.path(), RoomConfig(rate) + more_room_config,
                                            /*demo=*/true);
    ASSERT_TRUE(server_->Start()) << server_->log();
    HttpClient teacher(server_->port());
    ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
    ASSERT_EQ(teacher.Post("/api/exams", TestExamToml("room-exam", opens_in)).status, 201);
    ASSERT_EQ(teacher.Post("/api/exams/room-exam/publish").status, 200);
  }

  std::vector<Student> LogIn(int first, int count) {
    std::vector<Student> out(count);
    for (int i = 0; i < count; ++i) {
      out[i].index = first + i;
      out[i].client = std::make_unique<HttpClient>(server_->port());
      EXPECT_EQ(out[i].client->Login(StudentLogin(first + i), "student-demo").status, 200);
    }
    return out;
  }

  static void Arrive(Student& s) {
    s.arrived = SteadyClock::now();
    auto r = s.client->Post("/api/exams/room-exam/start");
    if (r.status == 200) {
      s.attempt_id = r.json().at("attempt").at("id").as_int64();
    } else if (r.status == 202) {
      const auto body = r.json();
      const auto& w = body.at("waiting");
      s.waited = true;
      s.ticket = std::string(w.at("ticket").as_string());
      s.ticket_number = w.at("ticket_number").as_int64();
      s.last_position = w.at("position").as_int64();
      s.first_eta_ms = w.at("eta_ms").is_null() ? -1 : w.at("eta_ms").as_int64();
      s.first_eta_at_ms = body.at("server_now_ms").as_int64();
    } else {
      ++s.errors;
    }
  }

  // Polls until admitted (or the deadline); true when admitted.
  static bool PollOnce(Student& s) {
    auto r = s.client->Send(boost::beast::http::verb::get, "/api/exams/room-exam/waiting-room",
                            "", {{"X-Waiting-Ticket", s.ticket}});
    if (r.status != 200) {
      ++s.errors;
      return false;
    }
    const auto body = r.json();
    const auto& w = body.at("waiting");
    if (w.at("admitted").as_bool()) {
      if (w.as_object().contains("attempt_id")) {
        s.attempt_id = w.at("attempt_id").as_int64();
        s.waited_ms =
            std::chrono::duration<double, std::milli>(SteadyClock::now() - s.arrived).count();
        return true;
      }
      return false;  // admitted, the attempt is being created
    }
    int64_t pos = w.at("position").as_int64();
    if (pos > s.last_position && !w.at("before_opening").as_bool()) ++s.positions_up;
    s.last_position = pos;
    return false;
  }

  // Every waiting student polls (paced) until admitted; bounded by `limit`.
  static void WaitForAll(std::vector<Student>& students, int threads,
                         std::chrono::seconds limit) {
    const auto deadline = SteadyClock::now() + limit;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        std::vector<Student*> mine;
        for (size_t i = t; i < students.size(); i += threads) {
          if (students[i].attempt_id == 0) mine.push_back(&students[i]);
        }
        while (!mine.empty() && SteadyClock::now() < deadline) {
          for (auto it = mine.begin(); it != mine.end();) {
            it = PollOnce(**it) ? mine.erase(it) : it + 1;
          }
          PollPause(std::chrono::milliseconds(50));
        }
      });
    }
    for (auto& th : pool) th.join();
  }

  TempDir dir_;
  std::unique_ptr<ChildServer> server_;
};

// What a waiting student was told, on the server's clock.
struct Shown {
  int64_t now_ms = 0;
  int64_t eta_ms = 0;
};

// Follows the student's event stream until the `admitted` event, as the waiting page does,
// recording every place pushed. Returns the attempt id (0: the stream ended without it).
int64_t FollowEvents(Student& s, std::vector<Shown>& shown, std::chrono::seconds limit) {
  int64_t attempt = 0;
  int status = s.client->ReadEvents(
      "/api/exams/room-exam/waiting-room/events", {{"X-Waiting-Ticket", s.ticket}},
      [&](const HttpClient::Event& e) {
        const auto data = boost::json::parse(e.data);
        if (e.name == "place") {
          int64_t pos = data.at("position").as_int64();
          if (pos > s.last_position) ++s.positions_up;
          s.last_position = pos;
          if (!data.at("eta_ms").is_null()) {
            shown.push_back({data.at("server_now_ms").as_int64(), data.at("eta_ms").as_int64()});
          }
        }
        if (e.name == "admitted") attempt = data.at("attempt_id").as_int64();
        return attempt == 0;
      },
      limit);
  if (status != 200) ++s.errors;
  return attempt;
}

TEST_F(RoomTest, ACrowdOverTinyCapacityIsAdmittedInTicketOrderWithHonestEstimates) {
  // 300 students arrive together at 4 admissions a second: the last waits about 75 s, so the
  // estimates are also judged after the first minute. Half the crowd follows the event stream
  // (as the waiting page does), the other half polls at the pace the server asks.
  constexpr int kStudents = 300;
  constexpr int kThreads = 10;
  constexpr double kRate = 4;
  constexpr auto kLimit = std::chrono::seconds(150);
  Boot(kRate);
  auto students = LogIn(1, kStudents);
  const int64_t crowd_ms = students[0].client->Get("/api/me").json().at("server_now_ms").as_int64();
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < kThreads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = t; i < kStudents; i += kThreads) Arrive(students[i]);
      });
    }
    for (auto& th : pool) th.join();
  }
  int waiting = 0;
  for (const auto& s : students) waiting += s.waited;
  ASSERT_GT(waiting, kStudents * 9 / 10) << "the crowd was not queued: nothing is tested";

  // What each student was shown while waiting (first estimate, then every update).
  std::vector<std::vector<Shown>> shown(kStudents);
  for (int i = 0; i < kStudents; ++i) {
    if (students[i].waited) {
      shown[i].push_back({students[i].first_eta_at_ms, students[i].first_eta_ms});
    }
  }
  std::vector<std::thread> streams;
  std::vector<Student*> pollers;
  for (int i = 0; i < kStudents; ++i) {
    Student& s = students[i];
    if (!s.waited) continue;
    if (s.ticket_number % 2 == 0) {
      streams.emplace_back([&, i] { s.attempt_id = FollowEvents(s, shown[i], kLimit); });
    } else {
      pollers.push_back(&s);
    }
  }
  {
    // Pollers ask again after the `poll_after_ms` the server gives (at least 250 ms here).
    const auto deadline = SteadyClock::now() + kLimit;
    std::vector<SteadyClock::time_point> next(pollers.size(), SteadyClock::now());
    size_t left = pollers.size();
    while (left > 0 && SteadyClock::now() < deadline) {
      for (size_t k = 0; k < pollers.size(); ++k) {
        Student& s = *pollers[k];
        if (s.attempt_id != 0 || SteadyClock::now() < next[k]) continue;
        auto r = s.client->Send(boost::beast::http::verb::get,
                                "/api/exams/room-exam/waiting-room", "",
                                {{"X-Waiting-Ticket", s.ticket}});
        if (r.status != 200) {
          ++s.errors;
          next[k] = SteadyClock::now() + std::chrono::seconds(1);
          continue;
        }
        const auto w = r.json().at("waiting");
        if (w.at("admitted").as_bool()) {
          if (w.as_object().contains("attempt_id")) {
            s.attempt_id = w.at("attempt_id").as_int64();
            --left;
          }
          continue;
        }
        int64_t pos = w.at("position").as_int64();
        if (pos > s.last_position) ++s.positions_up;
        s.last_position = pos;
        const size_t i = static_cast<size_t>(s.index - 1);
        if (!w.at("eta_ms").is_null()) {
          shown[i].push_back({w.at("server_now_ms").as_int64(), w.at("eta_ms").as_int64()});
        }
        next[k] = SteadyClock::now() +
                  std::chrono::milliseconds(std::max<int64_t>(250, w.at("poll_after_ms").as_int64()));
      }
      PollPause(std::chrono::milliseconds(50));
    }
  }
  for (auto& th : streams) th.join();

  // When each was really admitted: their attempt's start, on the server's clock.
  std::vector<int64_t> admitted_ms(kStudents, 0);
  for (int i = 0; i < kStudents; ++i) {
    Student& s = students[i];
    EXPECT_EQ(s.errors, 0) << "student " << s.index << " got an error";
    EXPECT_GT(s.attempt_id, 0) << "student " << s.index << " was never admitted";
    EXPECT_EQ(s.positions_up, 0) << "student " << s.index << "'s place went up";
    if (s.attempt_id == 0) continue;
    auto a = s.client->Get("/api/attempts/" + std::to_string(s.attempt_id));
    ASSERT_EQ(a.status, 200) << a.body;
    admitted_ms[i] = a.json().at("attempt").at("started_ms").as_int64();
  }

  std::vector<const Student*> queued;
  for (const auto& s : students) {
    if (s.waited) queued.push_back(&s);
  }
  std::sort(queued.begin(), queued.end(),
            [](auto* a, auto* b) { return a->ticket_number < b->ticket_number; });
  for (size_t i = 1; i < queued.size(); ++i) {
    EXPECT_LT(queued[i - 1]->attempt_id, queued[i]->attempt_id)
        << "ticket " << queued[i]->ticket_number << " was admitted before ticket "
        << queued[i - 1]->ticket_number;
  }
  ASSERT_GT(admitted_ms[queued.back()->index - 1] - crowd_ms, 60'000)
      << "nobody waited past the first minute: the late estimates are not tested";

  // Honest estimates: each one shown, against the wait that really followed (within 50%).
  // Waits under a second are left out: a 100 ms admission tick is already 10% of them.
  int judged = 0, honest = 0, judged_late = 0, honest_late = 0;
  std::string worst;
  for (int i = 0; i < kStudents; ++i) {
    for (const Shown& e : shown[i]) {
      const int64_t real = admitted_ms[i] - e.now_ms;
      if (admitted_ms[i] == 0 || real < 1000) continue;
      const bool ok = std::abs(static_cast<double>(real - e.eta_ms)) <= 0.5 * real;
      const bool late = e.now_ms - crowd_ms >= 60'000;
      ++judged;
      honest += ok;
      judged_late += late;
      honest_late += late && ok;
      if (!ok && worst.empty()) {
        worst = fmt::format("student {} shown {} ms at +{} ms, admitted {} ms later",
                            students[i].index, e.eta_ms, e.now_ms - crowd_ms, real);
      }
    }
  }
  std::printf("judged %d estimates, %d of them shown after the first minute\n", judged,
              judged_late);
  ASSERT_GT(judged, 300);
  ASSERT_GT(judged_late, 20) << "too few estimates shown after the first minute";
  EXPECT_EQ(honest, judged) << judged - honest << " of " << judged
                            << " estimates were off by more than 50%, e.g. " << worst;
  EXPECT_EQ(honest_late, judged_late);
}

TEST_F(RoomTest, EarlyArrivalsAreDrawnAtRandomThenLateOnesQueueBehind) {
  Boot(50, std::chrono::seconds(3));
  constexpr int kEarly = 30;
  auto early = LogIn(1, kEarly);
  for (auto& s : early) {
    Arrive(s);
    ASSERT_TRUE(s.waited) << "admitted before the doors opened";
  }
  WaitForAll(early, 3, std::chrono::seconds(60));
  std::vector<const Student*> order;
  for (const auto& s : early) {
    ASSERT_GT(s.attempt_id, 0);
    order.push_back(&s);
  }
  std::sort(order.begin(), order.end(),
            [](auto* a, auto* b) { return a->attempt_id < b->attempt_id; });
  int in_arrival_order = 0;
  for (size_t i = 0; i < order.size(); ++i) in_arrival_order += order[i]->index == int(i + 1);
  EXPECT_LT(in_arrival_order, kEarly) << "admitted exactly in arrival order: no draw happened";

  auto late = LogIn(100, 1);
  Arrive(late[0]);
  if (late[0].waited) {
    EXPECT_GT(late[0].ticket_number, kEarly) << "a late arrival went ahead of early ones";
    WaitForAll(late, 1, std::chrono::seconds(30));
  }
  EXPECT_GT(late[0].attempt_id, order.back()->attempt_id);
}

TEST_F(RoomTest, OperatorPausesAdmissionAndLetsAStudentThrough) {
  Boot(1);
  auto s = LogIn(1, 3);
  for (auto& st : s) Arrive(st);
  ASSERT_GT(s[0].attempt_id, 0) << "the first arrival fits in the rate";
  ASSERT_TRUE(s[1].waited && s[2].waited);

  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto paused = op.Put("/api/admin/exams/room-exam/admission", R"({"paused":true})");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_TRUE(paused.json().at("paused").as_bool());
  EXPECT_EQ(paused.json().at("waiting").as_int64(), 2);

  // The operator's list of rooms says the same (beside the demo exam, open and untouched);
  // students may not read it.
  auto all = op.Get("/api/admin/admission");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto rooms = all.json().at("rooms").as_array();
  const boost::json::value* room = nullptr;
  for (const auto& r : rooms) {
    if (r.at("exam_id").as_string() == "room-exam") room = &r;
  }
  ASSERT_NE(room, nullptr) << all.body;
  EXPECT_TRUE(room->at("paused").as_bool());
  EXPECT_EQ(room->at("waiting").as_int64(), 2);
  EXPECT_EQ(room->at("admitted").as_int64(), 1);
  EXPECT_EQ(s[0].client->Get("/api/admin/admission").status, 403);

  auto through = op.Post("/api/admin/exams/room-exam/let-through", R"({"login":"student0003"})");
  ASSERT_EQ(through.status, 200) << through.body;
  EXPECT_TRUE(PollOnce(s[2])) << "let through, yet still waiting";
  EXPECT_FALSE(PollOnce(s[1]));
  auto status = s[1].client->Send(boost::beast::http::verb::get,
                                  "/api/exams/room-exam/waiting-room", "",
                                  {{"X-Waiting-Ticket", s[1].ticket}});
  EXPECT_TRUE(status.json().at("waiting").at("eta_ms").is_null()) << "an estimate while paused";
  EXPECT_TRUE(status.json().at("waiting").at("paused").as_bool());

  // A ticket altered to claim another place, or someone else's ticket, is refused.
  std::string forged = s[1].ticket;
  forged[forged.size() - 1] = forged.back() == 'a' ? 'b' : 'a';
  auto bad = s[1].client->Send(boost::beast::http::verb::get,
                               "/api/exams/room-exam/waiting-room", "",
                               {{"X-Waiting-Ticket", forged}});
  EXPECT_EQ(bad.status, 403);
  auto not_mine = s[0].client->Send(boost::beast::http::verb::get,
                                    "/api/exams/room-exam/waiting-room", "",
                                    {{"X-Waiting-Ticket", s[1].ticket}});
  EXPECT_EQ(not_mine.status, 403);

  // A student cannot use the operator's controls.
  EXPECT_EQ(s[1].client->Put("/api/admin/exams/room-exam/admission", R"({"paused":false})").status,
            403);
  ASSERT_EQ(op.Put("/api/admin/exams/room-exam/admission", R"({"paused":false})").status, 200);
  WaitForAll(s, 1, std::chrono::seconds(30));
  EXPECT_GT(s[1].attempt_id, 0) << "admission did not resume";
}

TEST_F(RoomTest, ALetThroughThatCannotStartTheExamLeavesTheStudentFreeToComeBack) {
  Boot(50, std::chrono::hours(1));  // the exam opens in an hour
  auto s = LogIn(1, 1);
  Arrive(s[0]);
  ASSERT_TRUE(s[0].waited);
  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto through = op.Post("/api/admin/exams/room-exam/let-through", R"({"login":"student0001"})");
  EXPECT_EQ(through.status, 409) << through.body;
  EXPECT_NE(through.error_code(), "") << "a refusal says why";
  // Not left "admitted" without an attempt: they are simply not in the room any more...
  auto status = s[0].client->Get("/api/exams/room-exam/waiting-room");
  EXPECT_EQ(status.status, 404) << status.body;
  // ...and asking again puts them back before the doors, as anyone.
  auto again = s[0].client->Post("/api/exams/room-exam/start");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_TRUE(again.json().at("waiting").at("before_opening").as_bool());
}

TEST_F(RoomTest, TheWaitingPageIsToldItsPlaceByEventsUntilAdmitted) {
  Boot(2);
  auto s = LogIn(1, 6);
  for (auto& st : s) Arrive(st);
  Student& last = s.back();
  ASSERT_TRUE(last.waited);
  std::vector<int64_t> positions;
  int64_t attempt = 0;
  int status = last.client->ReadEvents(
      "/api/exams/room-exam/waiting-room/events", {{"X-Waiting-Ticket", last.ticket}},
      [&](const HttpClient::Event& e) {
        const auto data = boost::json::parse(e.data);
        if (e.name == "place") positions.push_back(data.at("position").as_int64());
        if (e.name == "admitted") attempt = data.at("attempt_id").as_int64();
        return true;  // until the server closes the stream
      });
  EXPECT_EQ(status, 200);
  ASSERT_FALSE(positions.empty()) << "no place was pushed";
  EXPECT_EQ(positions.front(), last.last_position) << "the first event is the current place";
  EXPECT_TRUE(std::is_sorted(positions.rbegin(), positions.rend())) << "a place went up";
  EXPECT_GT(attempt, 0) << "the stream ended without the admission";
  EXPECT_TRUE(PollOnce(last));
  EXPECT_EQ(last.attempt_id, attempt);

  auto forged = last.ticket;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(s[2].client->ReadEvents("/api/exams/room-exam/waiting-room/events",
                                    {{"X-Waiting-Ticket", forged}},
                                    [](const HttpClient::Event&) { return false; }),
            403);
}

TEST_F(RoomTest, APauseReachesTheWaitingPageByItsStream) {
  Boot(0.1);  // the first admission in about 9 s
  auto s = LogIn(1, 1);
  Arrive(s[0]);
  ASSERT_TRUE(s[0].waited);
  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  std::vector<bool> paused_seen;
  s[0].client->ReadEvents(
      "/api/exams/room-exam/waiting-room/events", {{"X-Waiting-Ticket", s[0].ticket}},
      [&](const HttpClient::Event& e) {
        if (e.name == "incidents") return true;  // the notification hub's, on the same stream
        if (e.name != "place") return false;
        const auto data = boost::json::parse(e.data);
        paused_seen.push_back(data.at("paused").as_bool());
        if (paused_seen.size() == 1) {
          EXPECT_EQ(op.Put("/api/admin/exams/room-exam/admission", R"({"paused":true})").status,
                    200);
        }
        return !paused_seen.back();
      },
      std::chrono::seconds(30));
  // Same place, but the page must say admission is paused (and stop promising an estimate).
  EXPECT_EQ(paused_seen, (std::vector<bool>{false, true}));
}

TEST_F(RoomTest, AfterACrashTheQueueIsRebuiltInItsOldOrder) {
  Boot(1, -std::chrono::hours(1), "restore_ms = 3000\n");
  // One student gets in; then admission is paused and four queue behind, tickets 1 to 4.
  auto s = LogIn(1, 6);
  Arrive(s[0]);
  ASSERT_GT(s[0].attempt_id, 0);
  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  ASSERT_EQ(op.Put("/api/admin/exams/room-exam/admission", R"({"paused":true})").status, 200);
  for (int i = 1; i <= 4; ++i) {
    Arrive(s[i]);
    ASSERT_TRUE(s[i].waited);
    EXPECT_EQ(s[i].ticket_number, i);
  }
  // The server notes in its store that students wait (checked every 100 ms), then dies.
  const std::string store = server_->data_dir() + "/store";
  for (int i = 0; i < 100 && !QueueNoted(store); ++i) {
    PollPause(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(QueueNoted(store)) << "no note of the queue in the store";
  server_->Stop(SIGKILL);
  ASSERT_TRUE(server_->Start()) << server_->log();
  // The operator's pause held across the crash; they lift it now.
  HttpClient op2(server_->port());
  ASSERT_EQ(op2.Login("admin", "admin-demo").status, 200);
  auto still = op2.Get("/api/admin/exams/room-exam/admission");
  ASSERT_EQ(still.status, 200) << still.body;
  EXPECT_TRUE(still.json().at("paused").as_bool()) << "a crash lifted the operator's pause";
  ASSERT_EQ(op2.Put("/api/admin/exams/room-exam/admission", R"({"paused":false})").status, 200);

  // They come back in the reverse order, each with their ticket; a newcomer comes first.
  auto back = [&](Student& st, const std::string& ticket) {
    st.client = std::make_unique<HttpClient>(server_->port());
    EXPECT_EQ(st.client->Login(StudentLogin(st.index), "student-demo").status, 200);
    std::map<std::string, std::string> headers;
    if (!ticket.empty()) headers["X-Waiting-Ticket"] = ticket;
    return st.client->Send(boost::beast::http::verb::post, "/api/exams/room-exam/start", "{}",
                           headers);
  };
  auto fresh = back(s[5], "");
  ASSERT_EQ(fresh.status, 202) << fresh.body;
  EXPECT_TRUE(fresh.json().at("waiting").at("restoring").as_bool());
  // A ticket that is not the caller's is refused, and takes no place.
  EXPECT_EQ(back(s[5], s[1].ticket).status, 403);
  for (int i = 4; i >= 1; --i) {
    auto r = back(s[i], s[i].ticket);
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_TRUE(r.json().at("waiting").at("restoring").as_bool());
    s[i].ticket = std::string(r.json().at("waiting").at("ticket").as_string());
  }
  s[5].ticket = std::string(fresh.json().at("waiting").at("ticket").as_string());
  for (int i = 1; i <= 5; ++i) s[i].last_position = 1 << 20;  // before opening: no rank yet

  std::vector<Student> waiting;
  for (int i = 1; i <= 5; ++i) waiting.push_back(std::move(s[i]));
  WaitForAll(waiting, 1, std::chrono::seconds(60));
  for (int i = 0; i < 5; ++i) {
    ASSERT_GT(waiting[i].attempt_id, 0) << "student " << waiting[i].index << " never got in";
    EXPECT_EQ(waiting[i].errors, 0);
  }
  // The old order first (tickets 1 to 4), then the newcomer.
  for (int i = 1; i < 5; ++i) {
    EXPECT_LT(waiting[i - 1].attempt_id, waiting[i].attempt_id)
        << "student " << waiting[i].index << " got in before student " << waiting[i - 1].index;
  }
}

TEST_F(RoomTest, AStudentOfALaterWaveSeesTheirStartAndWaitsForIt) {
  server_ = std::make_unique<ChildServer>(dir_.path(), RoomConfig(50), /*demo=*/true);
  ASSERT_TRUE(server_->Start()) << server_->log();
  HttpClient teacher(server_->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  // Opened an hour ago; the second wave starts 90 minutes after opening: in half an hour.
  std::string toml = TestExamToml("room-exam") +
                     "\n[[wave]]\nname = \"second\"\noffset_minutes = 90\n"
                     "students = [\"student0002\"]\n";
  auto imported = teacher.Post("/api/exams", toml);
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher.Post("/api/exams/room-exam/publish").status, 200);

  auto s = LogIn(1, 2);
  auto listing = s[1].client->Get("/api/exams");
  ASSERT_EQ(listing.status, 200);
  const auto body = listing.json();
  boost::json::value exam;
  for (const auto& x : body.at("exams").as_array()) {
    if (x.at("id").as_string() == "room-exam") exam = x;
  }
  ASSERT_TRUE(exam.is_object()) << listing.body;
  const int64_t opens = exam.at("opens_ms").as_int64();
  EXPECT_EQ(exam.at("my_start_ms").as_int64(), opens + 90 * 60'000);
  EXPECT_EQ(exam.at("my_wave").as_string(), "second");

  Arrive(s[0]);
  EXPECT_GT(s[0].attempt_id, 0) << "the first wave's student was not admitted";
  auto early = s[1].client->Post("/api/exams/room-exam/start");
  ASSERT_EQ(early.status, 202) << early.body;
  const auto w = early.json().at("waiting");
  EXPECT_TRUE(w.at("before_opening").as_bool());
  EXPECT_EQ(w.at("starts_ms").as_int64(), opens + 90 * 60'000);
  EXPECT_EQ(w.at("wave").as_string(), "second");
  EXPECT_GT(w.at("eta_ms").as_int64(), 25 * 60'000) << "the estimate ignores the wave's start";
}

}  // namespace
}  // namespace pupitre::testkit
