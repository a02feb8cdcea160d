#include "course/homework.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "common/text.h"

namespace pupitre::course {
namespace {

Error NoHomework() { return Error::NotFound("no such homework").Because("no_homework"); }

std::string LowerExtension(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext;
  for (char c : name.substr(dot + 1)) ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return ext;
}

std::string JoinAllowed(const std::vector<std::string>& allowed) {
  std::string out;
  for (const auto& a : allowed) {
    if (!out.empty()) out += ",";
    out += a;
  }
  return out;
}

std::vector<std::string> SplitAllowed(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// Files as the store keeps them: one line each, "sha256 size name" (a name has no newline).
std::string EncodeFiles(const std::vector<HandinFile>& files) {
  std::string out;
  for (const auto& f : files) out += fmt::format("{} {} {}\n", f.blob, f.size, f.name);
  return out;
}

std::vector<HandinFile> DecodeFiles(std::string_view s) {
  std::vector<HandinFile> out;
  while (!s.empty()) {
    const size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    const size_t a = line.find(' ');
    const size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    if (b != std::string_view::npos) {
      HandinFile f;
      f.blob = std::string(line.substr(0, a));
      std::from_chars(line.data() + a + 1, line.data() + b, f.size);
      f.name = std::string(line.substr(b + 1));
      out.push_back(std::move(f));
    }
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

HomeworkRules RulesFrom(const store::HomeworkRecord& r) {
  return {r.due_ms, r.cutoff_ms, r.max_points, r.max_files, r.max_file_mb, SplitAllowed(r.allowed),
          r.text};
}

Handin HandinFrom(const store::HandinRecord& r) {
  return {r.user_id, r.version, r.submitted_ms, r.late, r.text, DecodeFiles(r.files)};
}

}  // namespace

Homeworks::Homeworks(store::Writer& writer, const Clock& clock, CourseSpace& space,
                     StudentsOfCourse students_of, int64_t site_max_file_mb)
    : writer_(writer),
      clock_(clock),
      space_(space),
      students_of_(std::move(students_of)),
      site_max_file_mb_(site_max_file_mb) {}

void Homeworks::Load(const store::Snapshot& snapshot) {
  WriterLock lock(mu_);
  for (const auto& h : snapshot.homeworks) rules_[h.item_id] = RulesFrom(h);
  for (const auto& h : snapshot.handins) {
    // Loaded again (another node's change): a hand-in never goes back to an older version.
    auto [it, added] = handins_.try_emplace({h.item_id, h.user_id}, HandinFrom(h));
    if (!added && it->second.version <= h.version) it->second = HandinFrom(h);
  }
  for (const auto& g : snapshot.handin_grades) {
    grades_[{g.item_id, g.user_id}] = {g.has_points ? std::optional<double>(g.points) : std::nullopt,
                                      g.comment, g.returned_ms};
  }
  for (const auto& e : snapshot.homework_extras) extra_ms_[{e.item_id, e.user_id}] = e.extra_ms;
}

Status Homeworks::CheckRules(const HomeworkRules& r) {
  if (!IsValidInstantMs(r.due_ms)) {
    return Error::Invalid("a due time is needed").Because("due_needed");
  }
  if (r.cutoff_ms != 0 && (!IsValidInstantMs(r.cutoff_ms) || r.cutoff_ms < r.due_ms)) {
    return Error::Invalid("late hand-ins end after the due time").Because("cutoff_before_due");
  }
  if (!std::isfinite(r.max_points) || r.max_points < 0 || r.max_points > 10'000) {
    return Error::Invalid("points are from 0 to 10000")
        .Because("points_range", {{"max", "10000"}});
  }
  if (r.max_files < 0 || r.max_files > kMaxHandinFiles) {
    return Error::Invalid(fmt::format("at most {} files", kMaxHandinFiles))
        .Because("max_files_range", {{"max", std::to_string(kMaxHandinFiles)}});
  }
  if (r.max_file_mb < 0 || r.max_file_mb > 64 * 1024) {
    return Error::Invalid("a file size in MB, 0 for the site's").Because("max_file_mb_range");
  }
  if (r.max_files == 0 && !r.text) {
    return Error::Invalid("allow files, a text, or both").Because("nothing_to_hand_in");
  }
  for (const auto& ext : r.allowed) {
    const bool ok = !ext.empty() && ext.size() <= 10 &&
                    std::all_of(ext.begin(), ext.end(), [](char c) {
                      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                    });
    if (!ok) {
      return Error::Invalid(fmt::format("'{}' is not a file extension", ext))
          .Because("bad_extension", {{"value", ext}});
    }
  }
  return OkStatus();
}

Result<Item> Homeworks::HomeworkItem(const Caller& caller, const std::string& course_id,
                                     int64_t item_id) const {
  auto item = space_.ItemOf(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  if (item->kind != "homework") return NoHomework();
  return item;
}

Status Homeworks::SetRules(const Caller& caller, const std::string& course_id, int64_t item_id,
                           const HomeworkRules& rules) {
  if (auto s = space_.CheckTeacher(caller, course_id); !s.ok()) return s;
  if (auto s = CheckRules(rules); !s.ok()) return s;
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  store::HomeworkRecord r{item_id,        course_id,       rules.due_ms,
                          rules.cutoff_ms, rules.max_points, rules.max_files,
                          rules.max_file_mb, JoinAllowed(rules.allowed), rules.text};
  if (auto s = writer_.WriteNow({store::op::PutHomework{r}}); !s.ok()) return s;
  WriterLock lock(mu_);
  rules_[item_id] = rules;
  return OkStatus();
}

std::optional<HomeworkRules> Homeworks::RulesOf(int64_t item_id) const {
  ReaderLock lock(mu_);
  auto it = rules_.find(item_id);
  if (it == rules_.end()) return std::nullopt;
  return it->second;
}

int64_t Homeworks::ExtraLocked(int64_t item_id, int64_t user_id) const {
  auto it = extra_ms_.find({item_id, user_id});
  return it == extra_ms_.end() ? 0 : it->second;
}

Result<HomeworkView> Homeworks::ViewOf(const Caller& caller, const std::string& course_id,
                                       int64_t item_id) const {
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  HomeworkView v;
  v.item = std::move(*item);
  ReaderLock lock(mu_);
  auto rules = rules_.find(item_id);
  if (rules == rules_.end()) return NoHomework();
  v.rules = rules->second;
  const int64_t extra = ExtraLocked(item_id, caller.user_id);
  v.my_due_ms = v.rules.due_ms + extra;
  v.my_cutoff_ms = v.rules.cutoff_ms ? v.rules.cutoff_ms + extra : 0;
  if (auto h = handins_.find({item_id, caller.user_id}); h != handins_.end()) v.handin = h->second;
  if (auto g = grades_.find({item_id, caller.user_id}); g != grades_.end() && g->second.returned_ms) {
    v.grade = g->second;
  }
  return v;
}

Status Homeworks::CheckHandin(const Caller& caller, const std::string& course_id,
                              int64_t item_id, const std::string& text,
                              const std::vector<HandinFile>& files) const {
  if (space_.RoleOf(caller, course_id) != Role::kStudent) {
    if (space_.RoleOf(caller, course_id) == Role::kNone) {
      return Error::NotFound(fmt::format("no course '{}'", course_id))
          .Because("no_course", {{"id", course_id}});
    }
    return Error::Forbidden("hand-ins are the students'").Because("for_students");
  }
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  ReaderLock lock(mu_);
  auto it = rules_.find(item_id);
  if (it == rules_.end()) return NoHomework();
  const HomeworkRules& r = it->second;
  if (files.empty() && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Invalid("hand in a file or a text").Because("empty_handin");
  }
  if (!text.empty() && !r.text) {
    return Error::Invalid("this homework takes files only").Because("no_text_allowed");
  }
  if (text.size() > kMaxHandinTextBytes || FirstInvalidUtf8(text)) {
    return Error::Invalid("the text is too long")
        .Because("handin_text_too_long", {{"max", std::to_string(kMaxHandinTextBytes)}});
  }
  if (static_cast<int64_t>(files.size()) > r.max_files) {
    return Error::Invalid(fmt::format("at most {} files", r.max_files))
        .Because("too_many_files", {{"max", std::to_string(r.max_files)}});
  }
  const int64_t max_mb = r.max_file_mb ? r.max_file_mb : site_max_file_mb_;
  for (const auto& f : files) {
    const std::string ext = LowerExtension(f.name);
    if (!r.allowed.empty() && std::find(r.allowed.begin(), r.allowed.end(), ext) == r.allowed.end()) {
      return Error::Invalid(fmt::format("'{}' is not one of the types asked for", f.name))
          .Because("file_type_refused", {{"name", f.name}, {"allowed", JoinAllowed(r.allowed)}});
    }
    if (f.size > max_mb * 1024 * 1024) {
      return Error::Invalid(fmt::format("'{}' is larger than {} MB", f.name, max_mb))
          .Because("file_too_large", {{"max_mb", std::to_string(max_mb)}});
    }
  }
  const int64_t now = ToUnixMs(clock_.Now());
  const int64_t extra = ExtraLocked(item_id, caller.user_id);
  const int64_t due = r.due_ms + extra;
  const int64_t cutoff = r.cutoff_ms ? r.cutoff_ms + extra : due;
  if (now > cutoff) {
    return Error::DeadlinePassed("hand-ins for this homework are closed").Because("homework_closed");
  }
  if (now > due && handins_.contains({item_id, caller.user_id})) {
    return Error::Conflict("the due time has passed: the hand-in is final").Because("handin_final");
  }
  return OkStatus();
}

Result<Handin> Homeworks::HandIn(const Caller& caller, const std::string& course_id,
                                 int64_t item_id, std::string text,
                                 std::vector<HandinFile> files) {
  MutexLock one(handin_mu_);
  if (auto s = CheckHandin(caller, course_id, item_id, text, files); !s.ok()) return s.error();
  Handin h;
  h.user_id = caller.user_id;
  h.submitted_ms = ToUnixMs(clock_.Now());
  h.text = std::move(text);
  h.files = std::move(files);
  {
    ReaderLock lock(mu_);
    const HomeworkRules& r = rules_.at(item_id);
    h.late = h.submitted_ms > r.due_ms + ExtraLocked(item_id, caller.user_id);
    auto old = handins_.find({item_id, caller.user_id});
    h.version = old == handins_.end() ? 1 : old->second.version + 1;
  }
  store::HandinRecord rec{item_id, h.user_id, h.version, h.submitted_ms, h.late, h.text,
                          EncodeFiles(h.files)};
  if (auto s = writer_.WriteNow({store::op::PutHandin{rec}}); !s.ok()) return s.error();
  WriterLock lock(mu_);
  handins_[{item_id, h.user_id}] = h;
  return h;
}

Result<std::vector<HandinRow>> Homeworks::Handins(const Caller& caller,
                                                  const std::string& course_id,
                                                  int64_t item_id) const {
  if (auto s = space_.CheckGrader(caller, course_id); !s.ok()) return s.error();
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  std::vector<HandinRow> rows;
  const std::vector<int64_t> students = students_of_(course_id);
  ReaderLock lock(mu_);
  for (int64_t u : students) {
    HandinRow row;
    row.user_id = u;
    if (auto h = handins_.find({item_id, u}); h != handins_.end()) row.handin = h->second;
    if (auto g = grades_.find({item_id, u}); g != grades_.end()) row.grade = g->second;
    row.extra_ms = ExtraLocked(item_id, u);
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<Handin> Homeworks::HandinOf(const Caller& caller, const std::string& course_id,
                                   int64_t item_id, int64_t user_id) const {
  if (auto s = space_.CheckGrader(caller, course_id); !s.ok()) return s.error();
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  ReaderLock lock(mu_);
  auto h = handins_.find({item_id, user_id});
  if (h == handins_.end()) return Error::NotFound("nothing handed in").Because("no_handin");
  return h->second;
}

Status Homeworks::Grade(const Caller& caller, const std::string& course_id, int64_t item_id,
                        int64_t user_id, std::optional<double> points, std::string comment,
                        bool returned) {
  if (auto s = space_.CheckGrader(caller, course_id); !s.ok()) return s;
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  const auto rules = RulesOf(item_id);
  if (!rules) return NoHomework();
  if (points && (!std::isfinite(*points) || *points < 0 || *points > rules->max_points)) {
    return Error::Invalid(fmt::format("points are from 0 to {}", rules->max_points))
        .Because("points_range", {{"max", fmt::format("{}", rules->max_points)}});
  }
  if (comment.size() > kMaxHandinTextBytes || FirstInvalidUtf8(comment)) {
    return Error::Invalid("the comment is too long")
        .Because("comment_too_long", {{"max", std::to_string(kMaxHandinTextBytes)}});
  }
  HandinGrade g{points, std::move(comment), returned ? ToUnixMs(clock_.Now()) : 0};
  store::HandinGradeRecord rec{item_id, user_id, points.has_value(), points.value_or(0), g.comment,
                               g.returned_ms};
  if (auto s = writer_.WriteNow({store::op::PutHandinGrade{rec}}); !s.ok()) return s;
  WriterLock lock(mu_);
  grades_[{item_id, user_id}] = std::move(g);
  return OkStatus();
}

Status Homeworks::SetExtraTime(const Caller& caller, const std::string& course_id,
                               int64_t item_id, int64_t user_id, int64_t extra_ms) {
  if (auto s = space_.CheckTeacher(caller, course_id); !s.ok()) return s;
  auto item = HomeworkItem(caller, course_id, item_id);
  if (!item.ok()) return item.error();
  if (extra_ms < 0 || extra_ms > int64_t{30} * 24 * 3'600'000) {
    return Error::Invalid("extra time is from 0 to 30 days").Because("homework_extra_range");
  }
  if (auto s = writer_.WriteNow({store::op::PutHomeworkExtra{{item_id, user_id, extra_ms}}});
      !s.ok()) {
    return s;
  }
  WriterLock lock(mu_);
  extra_ms_[{item_id, user_id}] = extra_ms;
  return OkStatus();
}

std::string ReceiptText(const std::string& course_title, const Item& item,
                        const std::string& student, const Handin& h, std::string_view zone_time) {
  std::string out;
  out += "Pupitre: hand-in receipt\n\n";
  out += fmt::format("Course:     {}\nHomework:   {}\nStudent:    {}\n", course_title, item.title,
                     student);
  out += fmt::format("Received:   {}{}\nVersion:    {}\n", zone_time, h.late ? " (late)" : "",
                     h.version);
  if (!h.text.empty()) out += fmt::format("Text:       {} bytes\n", h.text.size());
  out += fmt::format("Files:      {}\n", h.files.size());
  for (const auto& f : h.files) {
    out += fmt::format("  {}  ({} bytes)\n  SHA-256 {}\n", f.name, f.size, f.blob);
  }
  out += "\nEach file's SHA-256 identifies its bytes exactly: the same file gives the same value "
         "(sha256sum on Linux, shasum -a 256 on macOS, certutil -hashfile FILE SHA256 on "
         "Windows).\n";
  return out;
}

}  // namespace pupitre::course
