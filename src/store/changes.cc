// Which writes change the shared state, and under which key (see changes.h).
#include "store/changes.h"

#include <algorithm>
#include <string>

namespace pupitre::store {
namespace {

template <class... F>
struct Cases : F... {
  using F::operator()...;
};
template <class... F>
Cases(F...) -> Cases<F...>;  // clang 14 does not deduce an aggregate's arguments by itself

}  // namespace

void ChangesOf(const WriteOp& op, std::vector<ChangeKey>& out) {
  auto add = [&](ChangeKind kind, std::string key) { out.push_back({kind, std::move(key)}); };
  auto id = [](int64_t v) { return std::to_string(v); };
  std::visit(
      Cases{
          [&](const op::PutUser& o) { add(ChangeKind::kUser, id(o.user.id)); },
          [&](const op::SetPassword& o) { add(ChangeKind::kUser, id(o.user_id)); },
          [&](const op::SetDisabled& o) { add(ChangeKind::kUser, id(o.user_id)); },
          [&](const op::DeleteSession& o) { add(ChangeKind::kSession, o.token_hash); },
          [&](const op::PutCourse& o) { add(ChangeKind::kCourse, o.course.id); },
          [&](const op::PutEnrolment& o) { add(ChangeKind::kCourse, o.enrolment.course_id); },
          [&](const op::PutExam& o) { add(ChangeKind::kExam, o.exam.id); },
          [&](const op::AddIncidentUpdate& o) {
            add(ChangeKind::kIncident, id(o.update.incident_id));
          },
          [&](const op::PutSetting& o) { add(ChangeKind::kSetting, o.key); },
          [&](const op::DeleteSetting& o) { add(ChangeKind::kSetting, o.key); },
          [&](const op::AddSetting& o) { add(ChangeKind::kSetting, o.key); },
          [&](const op::PutSection& o) { add(ChangeKind::kSection, id(o.section.id)); },
          [&](const op::PutItem& o) { add(ChangeKind::kItem, id(o.item.id)); },
          [&](const op::PutHomework& o) { add(ChangeKind::kHomework, id(o.homework.item_id)); },
          [&](const op::PutHandin& o) { add(ChangeKind::kHomework, id(o.handin.item_id)); },
          [&](const op::PutHandinGrade& o) { add(ChangeKind::kHomework, id(o.grade.item_id)); },
          [&](const op::PutHomeworkExtra& o) { add(ChangeKind::kHomework, id(o.extra.item_id)); },
          [&](const op::PutAnnouncement& o) {
            add(ChangeKind::kAnnouncement, id(o.announcement.id));
          },
          [&](const op::PutUpload& o) { add(ChangeKind::kUpload, o.upload.id); },
          [&](const op::DeleteUpload& o) { add(ChangeKind::kUpload, o.id); },
          [&](const op::PutAnnouncementRead& o) { add(ChangeKind::kReads, id(o.read.user_id)); },
          [&](const op::PutLiveClass& o) { add(ChangeKind::kLive, id(o.live.item_id)); },
          [&](const op::PutLiveAttendance& o) {
            add(ChangeKind::kLive, id(o.attendance.item_id));
          },
          // Exam data (its holder writes it), new sessions (read from the store when first
          // seen) and their single-logout names (read when a logout names them), barriers.
          // Listed, not defaulted: a new kind of write does not compile until it is placed
          // here or above.
          [](const op::PutSession&) {}, [](const op::NameSession&) {}, [](const op::PutExtraTime&) {},
          [](const op::CreateAttempt&) {}, [](const op::SaveAnswer&) {},
          [](const op::SubmitAttempt&) {}, [](const op::SetManualGrade&) {},
          [](const op::SetGradeComment&) {}, [](const op::SetDeadline&) {},
          [](const op::AddAttemptEvent&) {}, [](const op::Barrier&) {},
      },
      op);
}

void Dedupe(std::vector<ChangeKey>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

}  // namespace pupitre::store
