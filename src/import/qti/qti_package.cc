// QTI content packages (see qti_package.h), read with libzip from memory.
#include "import/qti/qti_package.h"

#include <zip.h>

#include <fmt/format.h>
#include <pugixml.hpp>

#include <memory>
#include <set>
#include <vector>

#include "import/qti/qti_item.h"
#include "import/qti/qti_names.h"

namespace pupitre::importers {
namespace {

using qti::Attr;
using qti::Child;
using qti::Children;
using qti::NameOf;

// A ZIP archive in memory, its files read within the package limits.
class Archive {
 public:
  static Result<std::unique_ptr<Archive>> Open(std::string_view bytes) {
    if (bytes.empty()) return Error::Invalid("the package is empty").Because("package_not_zip");
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      zip_error_fini(&error);
      return Error::Invalid("the package cannot be read").Because("package_unreadable");
    }
    zip_t* zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    zip_error_fini(&error);
    if (zip == nullptr) {
      zip_source_free(source);
      return Error::Invalid("the package is not a ZIP archive").Because("package_not_zip");
    }
    auto archive = std::unique_ptr<Archive>(new Archive(zip));
    const zip_int64_t entries = zip_get_num_entries(zip, 0);
    if (entries < 0 || static_cast<size_t>(entries) > kMaxPackageEntries) {
      return Error::Invalid(fmt::format("the package holds more than {} files", kMaxPackageEntries))
          .Because("package_too_large");
    }
    return archive;
  }

  ~Archive() { zip_discard(zip_); }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  // The file at `path`, whole; fails when missing or beyond the limits.
  Result<std::string> Read(const std::string& path) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(zip_, path.c_str(), 0, &stat) != 0) {
      return Error::Invalid(fmt::format("{} is not in the package", path));
    }
    if ((stat.valid & ZIP_STAT_SIZE) == 0 || stat.size > kMaxPackageFileBytes ||
        read_ + stat.size > kMaxPackageReadBytes) {
      return Error::Invalid(fmt::format("{} is larger than a package file may be", path))
          .Because("package_too_large");
    }
    zip_file_t* file = zip_fopen(zip_, path.c_str(), 0);
    if (file == nullptr) return Error::Invalid(fmt::format("{} cannot be read", path));
    // The size the archive claims is not trusted: never more is read than it allows.
    std::string out(static_cast<size_t>(stat.size), '\0');
    const zip_int64_t n = zip_fread(file, out.data(), out.size());
    zip_fclose(file);
    if (n < 0 || static_cast<size_t>(n) != out.size()) {
      return Error::Invalid(fmt::format("{} is damaged in the package", path));
    }
    read_ += out.size();
    return out;
  }

 private:
  explicit Archive(zip_t* zip) : zip_(zip) {}
  zip_t* zip_;
  size_t read_ = 0;
};

// `href` relative to the folder of `base` (a package path), without "." or ".." left; "" when
// it leaves the package or is absolute.
std::string Resolve(const std::string& base, std::string_view href) {
  if (href.empty() || href.front() == '/' || href.find("://") != std::string_view::npos) return "";
  std::vector<std::string> parts;
  const size_t slash = base.rfind('/');
  std::string joined = (slash == std::string::npos ? "" : base.substr(0, slash + 1)) +
                       std::string(href);
  size_t at = 0;
  while (at <= joined.size()) {
    const size_t end = std::min(joined.find('/', at), joined.size());
    const std::string part = joined.substr(at, end - at);
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = end + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

pugi::xml_parse_result Load(pugi::xml_document& doc, const std::string& text) {
  return doc.load_buffer(text.data(), text.size(), pugi::parse_default & ~pugi::parse_doctype);
}

// An item the test asks, and the random draw (section with a selection) it is in ("" : none).
struct ItemRef {
  std::string path;
  std::string group;
};

void ItemRefs(const pugi::xml_node& n, const std::string& test, std::vector<ItemRef>& out,
              std::vector<exam::QuestionGroup>& groups, std::vector<BankProblem>& problems,
              int depth, const std::string& group) {
  if (depth > 32) return;
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string name = NameOf(c);
    if (name == "assessmentItemRef") {
      const std::string path = Resolve(test, Attr(c, "href"));
      if (path.empty()) {
        problems.push_back({0, fmt::format("{}: the item {} is outside the package", test,
                                           Attr(c, "href"))});
      } else {
        out.push_back({path, group});
      }
    } else if (name == "assessmentSection") {
      // A section selecting some of its items: a random draw of its own (a group). Sections
      // inside it draw from it as a whole (their items join its group).
      std::string inner = group;
      const pugi::xml_node selection = Child(c, "selection");
      if (selection && group.empty()) {
        const std::string_view select = Attr(selection, "select");
        const std::optional<double> pick = ParseFiniteNumber(select);
        if (Attr(selection, "withReplacement") == "true") {
          problems.push_back({0, fmt::format("{}: section {} draws with replacement (an item may "
                                             "come twice), which Pupitre does not do",
                                             test, Attr(c, "identifier"))});
        } else if (!pick || *pick < 1 || *pick > 1000 || *pick != static_cast<int>(*pick)) {
          problems.push_back({0, fmt::format("{}: section {} selects \"{}\" items", test,
                                             Attr(c, "identifier"), select)});
        } else {
          std::set<std::string> taken;
          for (const auto& g : groups) taken.insert(g.id);
          inner = QuestionIdFrom(Attr(c, "identifier"), groups.size(), taken);
          groups.push_back({inner, static_cast<int>(*pick), 0, ""});
        }
      } else if (selection) {
        problems.push_back({0, fmt::format("{}: section {} draws inside a section that draws "
                                           "already; its items join the outer draw",
                                           test, Attr(c, "identifier"))});
      }
      ItemRefs(c, test, out, groups, problems, depth + 1, inner);
    } else if (name != "selection") {
      ItemRefs(c, test, out, groups, problems, depth + 1, group);
    }
  }
}

// Each draw as Pupitre takes them: at least `pick` questions imported, all worth the same
// points. A draw that is not is reported, and its questions asked of everyone.
void CheckDraws(ExamQuestions& made) {
  for (auto g = made.groups.begin(); g != made.groups.end();) {
    int count = 0;
    bool same = true;
    const exam::Question* first = nullptr;
    for (const exam::Question& q : made.questions) {
      if (q.group != g->id) continue;
      ++count;
      if (first == nullptr) first = &q;
      same = same && q.points == first->points;
    }
    std::string why;
    if (count < g->pick) {
      why = fmt::format("draws {} of {} items imported", g->pick, count);
    } else if (!same) {
      why = "draws from items worth different points (each student's paper must be worth the same)";
    }
    if (why.empty()) {
      ++g;
      continue;
    }
    made.problems.push_back({0, fmt::format("section {} {}: its items are asked of everyone", g->id, why)});
    for (exam::Question& q : made.questions) {
      if (q.group == g->id) q.group.clear();
    }
    g = made.groups.erase(g);
  }
}

}  // namespace

Result<QtiPackage> ReadQtiPackage(std::string_view zip) {
  auto archive = Archive::Open(zip);
  if (!archive.ok()) return archive.take_error();
  auto manifest_text = (*archive)->Read("imsmanifest.xml");
  if (!manifest_text.ok()) {
    return Error::Invalid("not a content package: no imsmanifest.xml at its root")
        .Because("package_no_manifest");
  }
  pugi::xml_document manifest;
  if (!Load(manifest, *manifest_text)) {
    return Error::Invalid("the package's imsmanifest.xml is not XML").Because("package_no_manifest");
  }
  QtiPackage out;
  const pugi::xml_node root = Child(manifest, "manifest");
  // The manifest's title (LOM general/title/string), whatever its prefix.
  const pugi::xml_node lom = Child(Child(root, "metadata"), "lom");
  out.title = Child(Child(Child(lom, "general"), "title"), "string").text().get();

  std::vector<std::string> tests;
  std::vector<ItemRef> refs;  // the test's items (else the manifest's), in order
  for (const pugi::xml_node& r : Children(Child(root, "resources"), "resource")) {
    const std::string_view type = Attr(r, "type");
    const std::string href = Resolve("", Attr(r, "href"));
    if (href.empty()) continue;
    if (type.starts_with("imsqti_test_xml")) tests.push_back(href);
    if (type.starts_with("imsqti_item_xml")) refs.push_back({href, ""});
  }
  std::vector<BankProblem> problems;
  if (!tests.empty()) {
    if (tests.size() > 1) {
      problems.push_back({0, fmt::format("the package holds {} tests: the first, {}, is imported",
                                         tests.size(), tests[0])});
    }
    auto test_text = (*archive)->Read(tests[0]);
    if (!test_text.ok()) return test_text.take_error();
    pugi::xml_document test;
    if (!Load(test, *test_text)) {
      return Error::Invalid(fmt::format("{} is not XML", tests[0])).Because("package_bad_test");
    }
    const pugi::xml_node t = Child(test, "assessmentTest");
    if (std::string_view title = Attr(t, "title"); !title.empty()) out.title = std::string(title);
    refs.clear();
    ItemRefs(t, tests[0], refs, out.made.groups, problems, 0, "");
  }
  std::set<std::string> taken, read;
  out.made.problems = std::move(problems);
  if (refs.size() > kMaxPackageItems) {
    return Error::Invalid(fmt::format("the package lists more than {} items", kMaxPackageItems))
        .Because("package_too_large");
  }
  for (const auto& [path, group] : refs) {
    if (!read.insert(path).second) {
      out.made.problems.push_back({0, fmt::format("{} is listed twice: read once", path)});
      continue;
    }
    auto text = (*archive)->Read(path);
    if (!text.ok()) {
      if (text.error().reason == "package_too_large") return text.take_error();
      out.made.problems.push_back({0, text.error().message});
      continue;
    }
    // An item's pictures are files of the package, by a path relative to the item.
    const QtiFileReader files = [&archive, &item = path](std::string_view href) -> Result<std::string> {
      const std::string at = Resolve(item, href);
      if (at.empty()) return Error::Invalid("its path leaves the package");
      return (*archive)->Read(at);
    };
    ExamQuestions made = ParseQtiItems(*text, path, files);
    for (exam::Question& q : made.questions) {
      q.id = QuestionIdFrom(q.id, out.made.questions.size(), taken);
      q.group = group;
      out.made.questions.push_back(std::move(q));
    }
    for (BankProblem& p : made.problems) out.made.problems.push_back(std::move(p));
    for (BankProblem& n : made.notes) out.made.notes.push_back(std::move(n));
  }
  CheckDraws(out.made);
  if (refs.empty() && out.made.problems.empty()) {
    out.made.problems.push_back({0, "the package holds no QTI item"});
  }
  return out;
}

}  // namespace pupitre::importers
