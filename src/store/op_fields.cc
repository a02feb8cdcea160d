// Each write's values in its struct's field order (see op_fields.h).
#include "store/op_fields.h"

#include <initializer_list>

namespace pupitre::store {
namespace {

int64_t B(bool b) { return b ? 1 : 0; }

OpFields Of(std::initializer_list<Field> values) {
  OpFields f;
  for (const Field& v : values) f.values[f.count++] = v;
  return f;
}

OpFields Fields(const op::PutUser& o) {
  const UserRecord& u = o.user;
  return Of({u.id, u.login, u.display_name, u.role, u.password_hash});
}
OpFields Fields(const op::SetPassword& o) { return Of({o.user_id, o.password_hash}); }
OpFields Fields(const op::SetDisabled& o) { return Of({o.user_id, B(o.disabled)}); }
OpFields Fields(const op::PutSession& o) {
  const SessionRecord& s = o.session;
  return Of({s.token_hash, s.user_id, s.csrf_token, s.expires_ms, B(s.remembered), s.issued_ms});
}
OpFields Fields(const op::DeleteSession& o) { return Of({o.token_hash}); }
OpFields Fields(const op::NameSession& o) { return Of({o.name, o.token_hash}); }
OpFields Fields(const op::PutCourse& o) {
  return Of({o.course.id, o.course.title, o.course.description});
}
OpFields Fields(const op::PutEnrolment& o) {
  const EnrolmentRecord& e = o.enrolment;
  return Of({e.course_id, e.user_id, B(e.teaches), B(e.assists)});
}
OpFields Fields(const op::PutExam& o) {
  const ExamRecord& e = o.exam;
  return Of({e.id, e.source, e.owner_id, B(e.published), e.published_ms, B(e.results_released),
             e.closes_override_ms, e.source_format, e.spec_json});
}
OpFields Fields(const op::PutExtraTime& o) {
  return Of({o.extra.exam_id, o.extra.user_id, o.extra.extra_ms});
}
OpFields Fields(const op::CreateAttempt& o) {
  return Of({o.id, o.exam_id, o.user_id, static_cast<int64_t>(o.seed), o.started_ms,
             o.deadline_ms});
}
OpFields Fields(const op::SaveAnswer& o) {
  return Of({o.attempt_id, o.question_id, o.seq, o.value_json, o.saved_at_ms});
}
OpFields Fields(const op::SubmitAttempt& o) {
  return Of({o.attempt_id, o.submitted_ms, B(o.auto_submitted)});
}
OpFields Fields(const op::SetManualGrade& o) {
  return Of({o.attempt_id, o.question_id, o.points});
}
OpFields Fields(const op::SetGradeComment& o) {
  return Of({o.attempt_id, o.question_id, o.text});
}
OpFields Fields(const op::SetDeadline& o) { return Of({o.attempt_id, o.deadline_ms}); }
OpFields Fields(const op::AddAttemptEvent& o) {
  return Of({o.attempt_id, o.event.at_ms, o.event.kind, o.event.data_json});
}
OpFields Fields(const op::AddIncidentUpdate& o) {
  const IncidentUpdate& u = o.update;
  return Of({u.incident_id, u.version, u.at_ms, u.author_id, u.severity, u.scope_kind,
             u.scope_id, u.text_en, u.text_fr, B(u.resolved)});
}
OpFields Fields(const op::PutSetting& o) { return Of({o.key, o.value}); }
OpFields Fields(const op::DeleteSetting& o) { return Of({o.key}); }
OpFields Fields(const op::AddSetting& o) { return Of({o.key, o.value}); }
OpFields Fields(const op::PutSection& o) {
  const SectionRecord& s = o.section;
  return Of({s.id, s.course_id, s.position, s.title, B(s.deleted)});
}
OpFields Fields(const op::PutItem& o) {
  const ItemRecord& i = o.item;
  return Of({i.id, i.course_id, i.section_id, i.position, i.kind, i.title, i.body, i.blob,
             i.file_name, i.content_type, i.size, i.updated_ms, B(i.deleted)});
}
OpFields Fields(const op::PutUpload& o) {
  const UploadRecord& u = o.upload;
  return Of({u.id, u.user_id, u.length, u.file_name, u.created_ms});
}
OpFields Fields(const op::DeleteUpload& o) { return Of({o.id}); }
OpFields Fields(const op::PutHomework& o) {
  const HomeworkRecord& h = o.homework;
  return Of({h.item_id, h.course_id, h.due_ms, h.cutoff_ms, h.max_points, h.max_files,
             h.max_file_mb, h.allowed, B(h.text)});
}
OpFields Fields(const op::PutHandin& o) {
  const HandinRecord& h = o.handin;
  return Of({h.item_id, h.user_id, h.version, h.submitted_ms, B(h.late), h.text, h.files});
}
OpFields Fields(const op::PutHandinGrade& o) {
  const HandinGradeRecord& g = o.grade;
  return Of({g.item_id, g.user_id, B(g.has_points), g.points, g.comment, g.returned_ms});
}
OpFields Fields(const op::PutHomeworkExtra& o) {
  return Of({o.extra.item_id, o.extra.user_id, o.extra.extra_ms});
}
OpFields Fields(const op::PutAnnouncement& o) {
  const AnnouncementRecord& a = o.announcement;
  return Of({a.id, a.course_id, a.author_id, a.at_ms, a.title, a.body});
}
OpFields Fields(const op::PutAnnouncementRead& o) {
  return Of({o.read.user_id, o.read.course_id, o.read.last_id});
}
OpFields Fields(const op::PutLiveClass& o) {
  const LiveClassRecord& l = o.live;
  return Of({l.item_id, l.course_id, l.start_ms, l.duration_min, B(l.record), l.ended_ms});
}
OpFields Fields(const op::PutLiveAttendance& o) {
  const LiveAttendanceRecord& a = o.attendance;
  return Of({a.item_id, a.user_id, a.first_ms, a.last_ms, a.joins});
}
OpFields Fields(const op::Barrier&) { return {}; }

}  // namespace

OpFields FieldsOf(const WriteOp& op) {
  return std::visit([](const auto& o) { return Fields(o); }, op);
}

}  // namespace pupitre::store
