// ExamService's courses and their people: the courses, who studies, teaches or assists in each
// (one role per person and course), and the courses a caller sees.
#include "exam/exam_service.h"

#include <fmt/format.h>

#include <algorithm>

namespace pupitre::exam {

// ---------------------------------------------------------------- courses

Status ExamService::PutCourse(const Course& course) {
  store::CourseRecord rec{course.id, course.title, course.description};
  if (auto s = writer_.WriteNow({store::op::PutCourse{rec}}); !s.ok()) return s;
  WriterLock lock(exams_mu_);
  courses_[course.id] = course;
  return OkStatus();
}

Status ExamService::AddTeachers(const std::string& course_id,
                                const std::vector<int64_t>& user_ids) {
  return AddMembers(course_id, user_ids, Membership::kTeacher);
}

Status ExamService::Enrol(const std::string& course_id, const std::vector<int64_t>& user_ids) {
  return AddMembers(course_id, user_ids, Membership::kStudent);
}

Status ExamService::AddAssistants(const std::string& course_id,
                                  const std::vector<int64_t>& user_ids) {
  return AddMembers(course_id, user_ids, Membership::kAssistant);
}

Status ExamService::AddMembers(const std::string& course_id, const std::vector<int64_t>& user_ids,
                               Membership as) {
  if (!HasCourse(course_id)) return Error::NotFound(fmt::format("no course '{}'", course_id));
  const bool teaches = as == Membership::kTeacher, assists = as == Membership::kAssistant;
  std::vector<store::WriteOp> ops;
  for (int64_t u : user_ids) ops.push_back(store::op::PutEnrolment{{course_id, u, teaches, assists}});
  if (auto s = writer_.WriteNow(std::move(ops)); !s.ok()) return s;
  WriterLock lock(exams_mu_);
  auto* into = teaches ? &teachers_ : assists ? &assistants_ : &enrolled_;
  for (auto* members : {&enrolled_, &teachers_, &assistants_}) {
    auto& v = (*members)[course_id];
    if (members == into) {
      v.insert(v.end(), user_ids.begin(), user_ids.end());
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    } else {  // one role per person and course: the store's row was replaced
      std::erase_if(v, [&](int64_t u) {
        return std::find(user_ids.begin(), user_ids.end(), u) != user_ids.end();
      });
    }
  }
  return OkStatus();
}

bool ExamService::HasCourse(const std::string& course_id) const {
  ReaderLock lock(exams_mu_);
  return courses_.count(course_id) > 0;
}

namespace {
// Whether `user_id` is among a course's members (each course's list sorted).
bool IsMember(const std::map<std::string, std::vector<int64_t>>& members,
              const std::string& course_id, int64_t user_id) {
  auto it = members.find(course_id);
  return it != members.end() && std::binary_search(it->second.begin(), it->second.end(), user_id);
}
}  // namespace

bool ExamService::IsEnrolled(const std::string& course_id, int64_t user_id) const {
  ReaderLock lock(exams_mu_);
  return IsMember(enrolled_, course_id, user_id);
}

bool ExamService::Teaches(const std::string& course_id, int64_t user_id) const {
  ReaderLock lock(exams_mu_);
  return TeachesLocked(course_id, user_id);
}

std::vector<int64_t> ExamService::StudentsOfCourse(const std::string& course_id) const {
  ReaderLock lock(exams_mu_);
  auto it = enrolled_.find(course_id);
  return it == enrolled_.end() ? std::vector<int64_t>() : it->second;
}

bool ExamService::Assists(const std::string& course_id, int64_t user_id) const {
  ReaderLock lock(exams_mu_);
  return IsMember(assistants_, course_id, user_id);
}

std::vector<int64_t> ExamService::AssistantsOfCourse(const std::string& course_id) const {
  ReaderLock lock(exams_mu_);
  auto it = assistants_.find(course_id);
  return it == assistants_.end() ? std::vector<int64_t>() : it->second;
}

std::vector<int64_t> ExamService::TeachersOfCourse(const std::string& course_id) const {
  ReaderLock lock(exams_mu_);
  auto it = teachers_.find(course_id);
  return it == teachers_.end() ? std::vector<int64_t>() : it->second;
}

std::optional<Course> ExamService::CourseOf(const std::string& course_id) const {
  ReaderLock lock(exams_mu_);
  auto it = courses_.find(course_id);
  if (it == courses_.end()) return std::nullopt;
  return it->second;
}

bool ExamService::TeachesLocked(const std::string& course_id, int64_t user_id) const {
  return IsMember(teachers_, course_id, user_id);
}

std::vector<Course> ExamService::CoursesOf(const Caller& caller) const {
  ReaderLock lock(exams_mu_);
  std::vector<Course> out;
  for (const auto& [id, c] : courses_) {
    if (caller.is_teacher || IsMember(enrolled_, id, caller.user_id) ||
        IsMember(assistants_, id, caller.user_id)) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace pupitre::exam
