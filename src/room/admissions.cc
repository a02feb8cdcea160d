#include "room/admissions.h"

#include <spdlog/spdlog.h>

namespace pupitre::room {

Admissions::Admissions(guard::WaitingRooms& rooms, exam::ExamService& exams,
                       auth::Accounts& accounts, const Clock& clock)
    : rooms_(rooms), exams_(exams), accounts_(accounts), clock_(clock) {}

RoomRef Admissions::RoomOf(const exam::ExamEntry& e, int64_t user_id) const {
  auto user = accounts_.FindById(user_id);
  exam::WaveAssignment wave =
      exams_.WaveOf(*e.spec, user_id, user ? user->login : "", user ? user->display_name : "");
  return RoomRef{guard::RoomKey(e.spec->id, wave.index), FromUnixMs(wave.starts_ms), wave};
}

Result<std::optional<guard::Ticket>> Admissions::CheckTicket(std::string_view ticket,
                                                             int64_t user_id,
                                                             const RoomRef& room) const {
  if (ticket.empty()) return std::optional<guard::Ticket>();
  auto t = rooms_.Verify(std::string(ticket));
  if (!t.ok()) return t.take_error();
  if (t->user_id != user_id || t->exam_id != room.key) {
    return Error::Forbidden("this waiting-room ticket is not yours");
  }
  return std::optional<guard::Ticket>(std::move(*t));
}

Result<Arrival> Admissions::Arrive(const exam::Caller& student, const std::string& exam_id,
                                   std::string_view ticket) {
  auto e = exams_.GetExam(student, exam_id);
  if (!e.ok()) return e.take_error();
  if (!(*e)->state.published) return Error::NotFound("no exam '" + exam_id + "'");
  Arrival out;
  // An attempt already started (by the student, or by their admission) is simply returned.
  if (exams_.AttemptIdOf(exam_id, student.user_id)) {
    out.admitted = true;
    return out;
  }
  if (ToUnixMs(clock_.Now()) >= (*e)->spec->closes_ms) {
    return Error::Conflict("the exam window has closed").Because("exam_closed");
  }
  out.room = RoomOf(**e, student.user_id);
  auto t = CheckTicket(ticket, student.user_id, out.room);
  if (!t.ok()) return t.take_error();
  const int64_t claim = *t && rooms_.IsClaim(**t) ? (*t)->number : 0;
  out.entry = rooms_.Arrive(out.room.key, out.room.opens, student.user_id, claim);
  out.admitted = out.entry.place.admitted;
  return out;
}

Result<Standing> Admissions::StandingOf(const exam::Caller& student, const std::string& exam_id,
                                        std::string_view ticket) const {
  auto e = exams_.GetExam(student, exam_id);
  if (!e.ok()) return e.take_error();
  Standing out;
  out.room = RoomOf(**e, student.user_id);
  if (auto t = CheckTicket(ticket, student.user_id, out.room); !t.ok()) return t.take_error();
  out.attempt_id = exams_.AttemptIdOf(exam_id, student.user_id);
  if (!out.attempt_id) out.entry = rooms_.Find(out.room.key, student.user_id);
  return out;
}

void Admissions::LetThrough(const exam::Caller& op, const std::string& exam_id, int64_t user_id,
                            std::function<void(Result<exam::AttemptView>)> done) {
  auto e = exams_.GetExam(op, exam_id);
  if (!e.ok()) return done(e.take_error());
  const RoomRef room = RoomOf(**e, user_id);
  if (auto s = rooms_.LetThrough(room.key, room.opens, user_id); !s.ok()) {
    return done(s.take_error());
  }
  StartAdmitted(room.key, user_id, std::move(done));
}

size_t Admissions::AdmitDue() {
  const auto due = rooms_.Tick();
  for (const auto& [room_key, user_id] : due) {
    StartAdmitted(room_key, user_id,
                  [room_key = room_key, user_id = user_id](Result<exam::AttemptView> r) {
                    if (!r.ok()) {
                      spdlog::warn("admitting user {} from room {} failed: {}", user_id,
                                   room_key, r.error().message);
                    }
                  });
  }
  return due.size();
}

void Admissions::StartAdmitted(const std::string& room_key, int64_t user_id,
                               std::function<void(Result<exam::AttemptView>)> done) {
  // Their exam clock starts now, as for any admission; the wait is in their timeline.
  exams_.Start(exam::Caller{user_id, false}, guard::ExamOfRoom(room_key),
               [this, room_key, user_id, done = std::move(done)](Result<exam::AttemptView> r) {
                 if (!r.ok()) rooms_.Unadmit(room_key, user_id);
                 done(std::move(r));
               },
               rooms_.TakeWaited(room_key, user_id));
}

}  // namespace pupitre::room
