#include "course/course_space.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/text.h"
#include "course/markdown.h"

namespace pupitre::course {
namespace {

Error NoCourse(const std::string& id) {
  return Error::NotFound(fmt::format("no course '{}'", id)).Because("no_course", {{"id", id}});
}

Error NoSection() { return Error::NotFound("no such section").Because("no_section"); }
Error NoItem() { return Error::NotFound("no such item").Because("no_item"); }

bool Blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Status CheckTitle(const std::string& title) {
  if (Blank(title)) return Error::Invalid("a title is needed").Because("title_needed");
  if (title.size() > kMaxTitleBytes || FirstInvalidUtf8(title) || HasControlCharacter(title)) {
    return Error::Invalid(fmt::format("a title is at most {} bytes of text", kMaxTitleBytes))
        .Because("title_too_long", {{"max", std::to_string(kMaxTitleBytes)}});
  }
  return OkStatus();
}

}  // namespace

bool IsWebUrl(std::string_view url) {
  if (url.size() > kMaxUrlBytes) return false;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/') return false;  // a host is needed
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  }
  return true;
}

CourseSpace::CourseSpace(store::Writer& writer, const Clock& clock, RoleInCourse role_in,
                         std::function<bool(const std::string&)> has_course)
    : writer_(writer),
      clock_(clock),
      role_in_(std::move(role_in)),
      has_course_(std::move(has_course)) {}

void CourseSpace::Load(const store::Snapshot& snapshot) {
  MutexLock edit(edit_mu_);
  WriterLock lock(mu_);
  for (const auto& s : snapshot.sections) {
    section_ids_.AtLeast(s.id + 1);
    ApplyLocked(s);
  }
  for (const auto& i : snapshot.items) {
    item_ids_.AtLeast(i.id + 1);
    // Loaded again (another node's change, read a moment ago): never older than what is here.
    const auto& here = courses_[i.course_id].items;
    if (auto it = here.find(i.id); it != here.end() && it->second.updated_ms > i.updated_ms) continue;
    ApplyLocked(i);
  }
}

void CourseSpace::ApplyLocked(const store::SectionRecord& r) {
  CourseState& c = courses_[r.course_id];
  if (r.deleted) {
    c.sections.erase(r.id);
  } else {
    c.sections[r.id] = r;
  }
}

void CourseSpace::ApplyLocked(const store::ItemRecord& r) {
  CourseState& c = courses_[r.course_id];
  if (r.deleted) {
    c.items.erase(r.id);
    c.html.erase(r.id);
    return;
  }
  auto old = c.items.find(r.id);
  const bool rerender = old == c.items.end() || old->second.body != r.body;
  c.items[r.id] = r;
  if (rerender && r.kind != "link") {
    c.html[r.id] = MarkdownToHtml(r.body);
  }
}

Role CourseSpace::RoleOf(const Caller& caller, const std::string& course_id) const {
  if (!has_course_(course_id)) return Role::kNone;
  if (caller.is_admin) return Role::kTeacher;
  return role_in_(course_id, caller.user_id);
}

Status CourseSpace::CheckTeacher(const Caller& caller, const std::string& course_id) const {
  switch (RoleOf(caller, course_id)) {
    case Role::kNone:
      return NoCourse(course_id);
    case Role::kStudent:
    case Role::kAssistant:
      return Error::Forbidden("this is for the course's teachers").Because("for_course_teachers");
    case Role::kTeacher:
      break;
  }
  return OkStatus();
}

Status CourseSpace::CheckGrader(const Caller& caller, const std::string& course_id) const {
  if (RoleOf(caller, course_id) == Role::kAssistant) return OkStatus();
  return CheckTeacher(caller, course_id);
}

std::vector<store::ItemRecord> CourseSpace::ItemsOf(const CourseState& c,
                                                    int64_t section_id) const {
  std::vector<store::ItemRecord> out;
  for (const auto& [id, item] : c.items) {
    if (item.section_id == section_id) out.push_back(item);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.position < b.position;
  });
  return out;
}

Item CourseSpace::ViewOf(const CourseState& c, const store::ItemRecord& r) const {
  Item i;
  i.id = r.id;
  i.section_id = r.section_id;
  i.position = r.position;
  i.kind = r.kind;
  i.title = r.title;
  i.body = r.body;
  if (auto h = c.html.find(r.id); h != c.html.end()) i.html = h->second;
  i.blob = r.blob;
  i.file_name = r.file_name;
  i.content_type = r.content_type;
  i.size = r.size;
  i.updated_ms = r.updated_ms;
  return i;
}

Result<Outline> CourseSpace::OutlineOf(const Caller& caller, const std::string& course_id) const {
  Outline o;
  o.course_id = course_id;
  o.role = RoleOf(caller, course_id);
  if (o.role == Role::kNone) return NoCourse(course_id);
  ReaderLock lock(mu_);
  auto it = courses_.find(course_id);
  if (it == courses_.end()) return o;
  const CourseState& c = it->second;
  for (const auto& [id, s] : c.sections) {
    Section view{s.id, s.position, s.title, {}};
    for (const auto& item : ItemsOf(c, s.id)) view.items.push_back(ViewOf(c, item));
    o.sections.push_back(std::move(view));
  }
  std::stable_sort(o.sections.begin(), o.sections.end(),
                   [](const auto& a, const auto& b) { return a.position < b.position; });
  return o;
}

Result<store::ItemRecord> CourseSpace::RecordOf(const std::string& course_id,
                                                int64_t item_id) const {
  ReaderLock lock(mu_);
  auto c = courses_.find(course_id);
  if (c == courses_.end()) return NoItem();
  auto it = c->second.items.find(item_id);
  if (it == c->second.items.end()) return NoItem();
  return it->second;
}

Result<Item> CourseSpace::ItemOf(const Caller& caller, const std::string& course_id,
                                 int64_t item_id) const {
  if (RoleOf(caller, course_id) == Role::kNone) return NoCourse(course_id);
  ReaderLock lock(mu_);
  auto c = courses_.find(course_id);
  if (c == courses_.end()) return NoItem();
  auto it = c->second.items.find(item_id);
  if (it == c->second.items.end()) return NoItem();
  return ViewOf(c->second, it->second);
}

Status CourseSpace::Commit(std::vector<store::WriteOp> ops) {
  if (ops.empty()) return OkStatus();
  if (auto s = writer_.WriteNow(ops); !s.ok()) return s;
  WriterLock lock(mu_);
  for (const auto& op : ops) {
    if (const auto* s = std::get_if<store::op::PutSection>(&op)) ApplyLocked(s->section);
    if (const auto* i = std::get_if<store::op::PutItem>(&op)) ApplyLocked(i->item);
  }
  return OkStatus();
}

Result<Section> CourseSpace::AddSection(const Caller& caller, const std::string& course_id,
                                        const std::string& title) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s.error();
  if (auto s = CheckTitle(title); !s.ok()) return s.error();
  MutexLock edit(edit_mu_);
  int64_t position = 0;
  {
    ReaderLock lock(mu_);
    if (auto it = courses_.find(course_id); it != courses_.end()) {
      if (it->second.sections.size() >= kMaxSectionsPerCourse) {
        return Error::Conflict("this course has as many sections as it may")
            .Because("too_many_sections", {{"max", std::to_string(kMaxSectionsPerCourse)}});
      }
      for (const auto& [id, s] : it->second.sections) position = std::max(position, s.position + 1);
    }
  }
  auto id = section_ids_.Next();
  if (!id.ok()) return id.take_error();
  store::SectionRecord r{*id, course_id, position, title, false};
  if (auto s = Commit({store::op::PutSection{r}}); !s.ok()) return s.error();
  return Section{r.id, r.position, r.title, {}};
}

Status CourseSpace::UpdateSection(const Caller& caller, const std::string& course_id,
                                  int64_t section_id, std::optional<std::string> title,
                                  std::optional<int64_t> position) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s;
  if (title) {
    if (auto s = CheckTitle(*title); !s.ok()) return s;
  }
  MutexLock edit(edit_mu_);
  std::vector<store::WriteOp> ops;
  {
    ReaderLock lock(mu_);
    auto c = courses_.find(course_id);
    if (c == courses_.end() || !c->second.sections.contains(section_id)) return NoSection();
    std::vector<store::SectionRecord> order;
    for (const auto& [id, s] : c->second.sections) order.push_back(s);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.position < b.position; });
    auto at = std::find_if(order.begin(), order.end(),
                           [&](const auto& s) { return s.id == section_id; });
    store::SectionRecord moved = *at;
    if (title) moved.title = *title;
    order.erase(at);
    const int64_t to = std::clamp<int64_t>(position.value_or(at - order.begin()), 0,
                                           static_cast<int64_t>(order.size()));
    order.insert(order.begin() + to, moved);
    for (size_t i = 0; i < order.size(); ++i) {
      store::SectionRecord r = order[i];
      r.position = static_cast<int64_t>(i);
      const auto& now = c->second.sections.at(r.id);
      if (r.position != now.position || r.title != now.title) ops.push_back(store::op::PutSection{r});
    }
  }
  return Commit(std::move(ops));
}

Status CourseSpace::DeleteSection(const Caller& caller, const std::string& course_id,
                                  int64_t section_id) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s;
  MutexLock edit(edit_mu_);
  std::vector<store::WriteOp> ops;
  {
    ReaderLock lock(mu_);
    auto c = courses_.find(course_id);
    if (c == courses_.end()) return NoSection();
    auto s = c->second.sections.find(section_id);
    if (s == c->second.sections.end()) return NoSection();
    for (store::ItemRecord item : ItemsOf(c->second, section_id)) {
      item.deleted = true;
      item.updated_ms = ToUnixMs(clock_.Now());
      ops.push_back(store::op::PutItem{std::move(item)});
    }
    store::SectionRecord r = s->second;
    r.deleted = true;
    ops.push_back(store::op::PutSection{std::move(r)});
  }
  return Commit(std::move(ops));
}

Status CourseSpace::Validate(ItemDraft& d) const {
  if (auto s = CheckTitle(d.title); !s.ok()) return s;
  if (d.kind == "page" || d.kind == "homework" || d.kind == "live") {
    if (d.body.size() > kMaxPageBytes) {
      return Error::Invalid(fmt::format("a page is at most {} bytes", kMaxPageBytes))
          .Because("page_too_long", {{"max", std::to_string(kMaxPageBytes)}});
    }
    if (FirstInvalidUtf8(d.body)) return Error::Invalid("the page is not valid UTF-8");
  } else if (d.kind == "exam") {
    // The exam's id: that it is one of the course's is checked by the route (the exam service
    // keeps exams).
    const bool id = !d.body.empty() && d.body.size() <= 64 &&
                    d.body.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
                        std::string::npos;
    if (!id) return Error::Invalid("an exam item names one of the course's exams").Because("exam_not_in_course");
  } else if (d.kind == "link") {
    if (!IsWebUrl(d.body)) {
      return Error::Invalid("a link is an http:// or https:// address").Because("bad_url");
    }
  } else if (d.kind == "file") {
    if (d.body.size() > kMaxPageBytes || FirstInvalidUtf8(d.body)) {
      return Error::Invalid("the description is too long").Because("page_too_long",
                                                                    {{"max", std::to_string(kMaxPageBytes)}});
    }
  } else {
    return Error::Invalid("an item is a page, a file, a link, a homework, a live class or an exam")
        .Because("bad_item_kind");
  }
  return OkStatus();
}

Result<Item> CourseSpace::AddItem(const Caller& caller, const std::string& course_id,
                                  int64_t section_id, ItemDraft draft) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s.error();
  if (auto s = Validate(draft); !s.ok()) return s.error();
  if (draft.kind == "file" && draft.blob.empty()) {
    return Error::Invalid("a file item needs its file").Because("file_needed");
  }
  MutexLock edit(edit_mu_);
  store::ItemRecord r;
  {
    ReaderLock lock(mu_);
    auto c = courses_.find(course_id);
    if (c == courses_.end() || !c->second.sections.contains(section_id)) return NoSection();
    const auto items = ItemsOf(c->second, section_id);
    if (items.size() >= kMaxItemsPerSection) {
      return Error::Conflict("this section has as many items as it may")
          .Because("too_many_items", {{"max", std::to_string(kMaxItemsPerSection)}});
    }
    r.position = items.empty() ? 0 : items.back().position + 1;
  }
  auto id = item_ids_.Next();
  if (!id.ok()) return id.take_error();
  r.id = *id;
  r.course_id = course_id;
  r.section_id = section_id;
  r.kind = draft.kind;
  r.title = std::move(draft.title);
  r.body = std::move(draft.body);
  if (r.kind == "file") {
    r.blob = std::move(draft.blob);
    r.file_name = std::move(draft.file_name);
    r.content_type = std::move(draft.content_type);
    r.size = draft.size;
  }
  r.updated_ms = ToUnixMs(clock_.Now());
  if (auto s = Commit({store::op::PutItem{r}}); !s.ok()) return s.error();
  ReaderLock lock(mu_);
  return ViewOf(courses_.at(course_id), r);
}

Result<Item> CourseSpace::UpdateItem(const Caller& caller, const std::string& course_id,
                                     int64_t item_id, ItemDraft draft) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s.error();
  MutexLock edit(edit_mu_);
  auto found = RecordOf(course_id, item_id);
  if (!found.ok()) return found.error();
  store::ItemRecord r = std::move(*found);
  draft.kind = r.kind;
  if (auto s = Validate(draft); !s.ok()) return s.error();
  r.title = std::move(draft.title);
  r.body = std::move(draft.body);
  if (r.kind == "file" && !draft.blob.empty()) {
    r.blob = std::move(draft.blob);
    r.file_name = std::move(draft.file_name);
    r.content_type = std::move(draft.content_type);
    r.size = draft.size;
  }
  r.updated_ms = ToUnixMs(clock_.Now());
  if (auto s = Commit({store::op::PutItem{r}}); !s.ok()) return s.error();
  ReaderLock lock(mu_);
  return ViewOf(courses_.at(course_id), r);
}

Status CourseSpace::MoveItem(const Caller& caller, const std::string& course_id, int64_t item_id,
                             int64_t section_id, int64_t position) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s;
  MutexLock edit(edit_mu_);
  std::vector<store::WriteOp> ops;
  {
    ReaderLock lock(mu_);
    auto c = courses_.find(course_id);
    if (c == courses_.end()) return NoItem();
    auto it = c->second.items.find(item_id);
    if (it == c->second.items.end()) return NoItem();
    if (!c->second.sections.contains(section_id)) return NoSection();
    const store::ItemRecord moving = it->second;
    const int64_t from = moving.section_id;
    std::vector<store::ItemRecord> target = ItemsOf(c->second, section_id);
    std::erase_if(target, [&](const auto& i) { return i.id == item_id; });
    if (from != section_id && target.size() >= kMaxItemsPerSection) {
      return Error::Conflict("that section has as many items as it may")
          .Because("too_many_items", {{"max", std::to_string(kMaxItemsPerSection)}});
    }
    const int64_t to = std::clamp<int64_t>(position, 0, static_cast<int64_t>(target.size()));
    store::ItemRecord moved = moving;
    moved.section_id = section_id;
    target.insert(target.begin() + to, moved);
    auto renumber = [&](std::vector<store::ItemRecord>& list) {
      for (size_t i = 0; i < list.size(); ++i) {
        store::ItemRecord r = list[i];
        r.position = static_cast<int64_t>(i);
        const auto& now = c->second.items.at(r.id);
        if (r.position != now.position || r.section_id != now.section_id) {
          ops.push_back(store::op::PutItem{r});
        }
      }
    };
    renumber(target);
    if (from != section_id) {
      std::vector<store::ItemRecord> source = ItemsOf(c->second, from);
      std::erase_if(source, [&](const auto& i) { return i.id == item_id; });
      renumber(source);
    }
  }
  return Commit(std::move(ops));
}

Status CourseSpace::DeleteItem(const Caller& caller, const std::string& course_id,
                               int64_t item_id) {
  if (auto s = CheckTeacher(caller, course_id); !s.ok()) return s;
  MutexLock edit(edit_mu_);
  auto found = RecordOf(course_id, item_id);
  if (!found.ok()) return found.error();
  store::ItemRecord r = std::move(*found);
  r.deleted = true;
  r.updated_ms = ToUnixMs(clock_.Now());
  return Commit({store::op::PutItem{r}});
}

}  // namespace pupitre::course
