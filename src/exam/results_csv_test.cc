// An exam's results as a spreadsheet: the header names each question's points and answer
// columns, each attempt is a row, numbers are written as numbers, and no cell can become a
// formula or break the row apart.
#include "exam/results_csv.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <pugixml.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exam/exam.h"
#include "import/toml/exam_toml.h"

namespace pupitre::exam {
namespace {

using importers::ParseExamToml;

constexpr const char* kExamToml = R"toml(
[exam]
id = "geo-final"
title = "Geography final"
course = "geo-101"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 30

[[question]]
id = "capital"
type = "single"
text = "What is the capital of Australia?"
options = ["Sydney", "Canberra", "Perth"]
answer = 1

[[question]]
id = "rivers"
type = "multiple"
text = "Which are rivers?"
options = ["Danube", "Alps", "Loire", "Sahara"]
answer = [0, 2]

[[question]]
id = "map"
type = "description"
text = "The next question is about the Dead Sea. (A text to read: no column.)"

[[question]]
id = "height"
type = "numeric"
text = "How many metres below sea level is the Dead Sea shore (negative)?"
answer = -430
tolerance = 10

[[question]]
id = "explain"
type = "essay"
text = "Explain why."
points = 3
)toml";

constexpr const char* kHeader =
    "login,name,attempt_id,status,started_at,submitted_at,auto_submitted,points,max_points,"
    "ungraded_essays,points_capital,points_rivers,points_height,points_explain,answer_capital,"
    "answer_rivers,answer_height,answer_explain";

// Reads CSV text back into rows of cells, undoing the quoting (RFC 4180).
std::vector<std::vector<std::string>> ReadCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      cell += c;
    }
  }
  EXPECT_FALSE(quoted) << "the CSV ends inside a quoted cell";
  EXPECT_TRUE(cell.empty() && row.empty()) << "the CSV's last line has no newline";
  return rows;
}

class ResultsCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = ParseExamToml(kExamToml);
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    spec_ = std::make_shared<const ExamSpec>(std::move(*spec));
  }

  AttemptView Attempt(int64_t id, int64_t user, const std::map<std::string, std::string>& answers,
                      const std::map<std::string, double>& grades = {}) const {
    AttemptView v;
    v.spec = spec_;
    v.state.id = id;
    v.state.exam_id = "geo-final";
    v.state.user_id = user;
    v.state.started_ms = 1'795'424'400'000;
    v.state.deadline_ms = v.state.started_ms + 1'800'000;
    int64_t seq = 1;
    for (const auto& [q, json] : answers) {
      v.state.answers[q] = SavedAnswer{seq++, json, v.state.started_ms + 1000};
    }
    v.state.manual_points = grades;
    return v;
  }

  std::string Csv(const std::vector<AttemptView>& attempts) const {
    return ResultsCsv(*spec_, attempts, [this](int64_t user) -> std::optional<Person> {
      auto it = people_.find(user);
      if (it == people_.end()) return std::nullopt;
      return it->second;
    }, zone_);
  }

  // The cells of the only attempt's row, by column name.
  std::map<std::string, std::string> RowOf(const AttemptView& v) const {
    auto rows = ReadCsv(Csv({v}));
    EXPECT_EQ(rows.size(), 2u);
    std::map<std::string, std::string> out;
    if (rows.size() != 2) return out;
    EXPECT_EQ(rows[0].size(), rows[1].size()) << "the row and the header differ in width";
    for (size_t i = 0; i < rows[0].size() && i < rows[1].size(); ++i) {
      out[rows[0][i]] = rows[1][i];
    }
    return out;
  }

  std::shared_ptr<const ExamSpec> spec_;
  TimeZone zone_ = *TimeZone::Named("Europe/Paris");
  std::map<int64_t, Person> people_{{1, {"alice", "Alice Martin"}}, {2, {"bob", "Bob Durand"}}};
};

TEST_F(ResultsCsvTest, TheHeaderListsPointsThenAnswerColumnsPerQuestionInOrder) {
  EXPECT_EQ(Csv({}), std::string(kHeader) + "\n") << "no attempt: the header line alone";
}

TEST_F(ResultsCsvTest, EachAttemptIsARowWithTheLoginAndNameFromTheLookup) {
  AttemptView alice = Attempt(11, 1, {{"capital", "1"}, {"rivers", "[0,2]"}});
  alice.state.status = AttemptStatus::kSubmitted;
  alice.state.submitted_ms = alice.state.started_ms + 600'000;
  AttemptView stranger = Attempt(12, 99, {});
  AttemptView bob = Attempt(13, 2, {{"capital", "0"}});
  bob.state.status = AttemptStatus::kSubmitted;
  bob.state.submitted_ms = bob.state.started_ms + 1'800'000;
  bob.state.auto_submitted = true;

  const std::string csv = Csv({alice, stranger, bob});
  // Started 2026-11-23T09:00:00Z: 10:00 in Paris, written with its offset.
  const std::string s = "2026-11-23T10:00:00+01:00";
  EXPECT_EQ(csv, std::string(kHeader) + "\n" + "alice,Alice Martin,11,submitted," + s +
                     ",2026-11-23T10:10:00+01:00,0,2,6,0,1,1,0,,Canberra,\"Danube; Loire\",,\n"
                     ",,12,in_progress," + s + ",,0,0,6,0,0,0,0,,,,,\n"
                     "bob,Bob Durand,13,submitted," + s +
                     ",2026-11-23T10:30:00+01:00,1,0,6,0,0,0,0,,Sydney,,,\n")
      << "rows come in the given order; an unknown user has empty names; not submitted: no time";
}

TEST_F(ResultsCsvTest, WholePointsAreWrittenAsIntegersAndFractionalOnesAsPlainNumbers) {
  // One right pick of two, no wrong one: half the point.
  auto row = RowOf(Attempt(11, 1, {{"capital", "1"}, {"rivers", "[0]"}}, {{"explain", 2.5}}));
  EXPECT_EQ(row["points_capital"], "1") << "a whole point written as a float";
  EXPECT_EQ(row["points_height"], "0") << "an unanswered question earns 0";
  EXPECT_EQ(row["points_rivers"], "0.5") << "not a plain number (3.5E0 is text to a spreadsheet)";
  EXPECT_EQ(row["points_explain"], "2.5");
  EXPECT_EQ(row["points"], "4");
  EXPECT_EQ(row["max_points"], "6");

  auto whole_grade = RowOf(Attempt(12, 1, {{"explain", "\"Because.\""}}, {{"explain", 3.0}}));
  EXPECT_EQ(whole_grade["points_explain"], "3") << "a whole grade written as a float";
}

TEST_F(ResultsCsvTest, AnUngradedEssaysPointsCellIsEmpty) {
  auto ungraded = RowOf(Attempt(11, 1, {{"explain", "\"Because rivers flow.\""}}));
  EXPECT_EQ(ungraded["points_explain"], "") << "an ungraded essay must not read as 0 points";
  EXPECT_EQ(ungraded["ungraded_essays"], "1");
  EXPECT_EQ(ungraded["answer_explain"], "Because rivers flow.") << "the JSON quotes were kept";

  auto graded = RowOf(Attempt(12, 1, {{"explain", "\"Because.\""}}, {{"explain", 0.0}}));
  EXPECT_EQ(graded["points_explain"], "0") << "a zero grade is a grade";
  EXPECT_EQ(graded["ungraded_essays"], "0");
}

TEST_F(ResultsCsvTest, FormulaLookingCellsAreQuotedWithALeadingApostrophe) {
  EXPECT_EQ(CsvField("=1+1"), "\"'=1+1\"");
  EXPECT_EQ(CsvField("+33 6 12"), "\"'+33 6 12\"");
  EXPECT_EQ(CsvField("-2"), "\"'-2\"");
  EXPECT_EQ(CsvField("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvField("a=b"), "a=b") << "only a leading sign makes a formula";
  // OWASP's whole list: also a tab or carriage return first, leading spaces, full-width signs.
  EXPECT_EQ(CsvField("\t=1"), "\"'\t=1\"");
  EXPECT_EQ(CsvField("\rcmd"), "\"'\rcmd\"");
  EXPECT_EQ(CsvField("  =1+1"), "\"'  =1+1\"");
  EXPECT_EQ(CsvField("\xEF\xBC\x9D" "1+1"), "\"'\xEF\xBC\x9D" "1+1\"");  // U+FF1D
  EXPECT_EQ(CsvField("\xEF\xBC\xA0" "SUM(A1)"), "\"'\xEF\xBC\xA0" "SUM(A1)\"");  // U+FF20
  // A semicolon separates cells where the locale's lists use it (French spreadsheets).
  EXPECT_EQ(CsvField("a;b"), "\"a;b\"");

  people_[3] = Person{"@mallory", "=cmd|' /C calc'!A0"};
  const std::string csv =
      Csv({Attempt(14, 3, {{"height", "-432"}, {"explain", "\"=HYPERLINK(\\\"x\\\")\""}})});
  EXPECT_NE(csv.find("\n\"'@mallory\",\"'=cmd|' /C calc'!A0\",14,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",-432,"), std::string::npos)
      << "a numeric answer is a number, written by us, never a formula: " << csv;
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\"\n"), std::string::npos)
      << "a text answer is made inert: " << csv;
  auto rows = ReadCsv(csv);
  ASSERT_EQ(rows.size(), 2u);
  for (const std::string& cell : rows[1]) {
    if (cell == "-432") continue;  // the number
    EXPECT_TRUE(cell.empty() ||
                (cell[0] != '=' && cell[0] != '+' && cell[0] != '-' && cell[0] != '@'))
        << "a cell a spreadsheet would evaluate: " << cell;
  }
}

TEST_F(ResultsCsvTest, CommasQuotesAndNewlinesAreQuotedAndDoubled) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("Martin, Alice"), "\"Martin, Alice\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("carriage\rreturn"), "\"carriage\rreturn\"");

  people_[4] = Person{"o'hara", "O'Hara, \"Scarlett\"\nthe second"};
  auto row =
      RowOf(Attempt(15, 4, {{"rivers", "[0,2]"}, {"explain", "\"He said \\\"no\\\", twice\""}}));
  EXPECT_EQ(row["login"], "o'hara");
  EXPECT_EQ(row["name"], "O'Hara, \"Scarlett\"\nthe second") << "the name did not survive";
  EXPECT_EQ(row["attempt_id"], "15") << "a comma or newline in a name shifted the columns";
  EXPECT_EQ(row["answer_rivers"], "Danube; Loire");
  EXPECT_EQ(row["answer_explain"], "He said \"no\", twice");
}

TEST_F(ResultsCsvTest, AnswersAreWrittenAsTheStudentSawThem) {
  auto row = RowOf(Attempt(16, 1, {{"capital", "2"}, {"rivers", "[]"}, {"height", "-0.000001"},
                                   {"explain", "null"}}));
  EXPECT_EQ(row["answer_capital"], "Perth") << "an option is written as its text";
  EXPECT_EQ(row["answer_rivers"], "") << "no option picked";
  EXPECT_EQ(row["answer_height"], "-0.000001") << "no exponent (1e-06 is text to a spreadsheet)";
  EXPECT_EQ(row["answer_explain"], "");
  auto odd = RowOf(Attempt(17, 1, {{"capital", "7"}, {"height", "1e300"}}));
  EXPECT_EQ(odd["answer_capital"], "7") << "an index out of range is written as stored";
  EXPECT_EQ(odd["answer_height"].find_first_of("eE"), std::string::npos) << odd["answer_height"];
}

}  // namespace
}  // namespace pupitre::exam

namespace pupitre::exam {
namespace {

// What Moodle's grade import (grade/import/xml/lib.php) reads: results/result, each with
// <assignment> (the grade item's ID number), <student> (the user's ID number), a numeric <score>
// and an optional <feedback>.
TEST_F(ResultsCsvTest, MoodlesGradebookGetsEachFinishedAttemptAsAResult) {
  AttemptView alice = Attempt(11, 1, {{"capital", "1"}, {"rivers", "[0]"}}, {{"explain", 2.5}});
  alice.state.status = AttemptStatus::kSubmitted;
  alice.state.comments[""] = "Good <work> & \"care\"\x01";
  AttemptView bob = Attempt(12, 2, {{"explain", "\"Because.\""}});  // an essay to grade
  bob.state.status = AttemptStatus::kSubmitted;
  AttemptView running = Attempt(13, 99, {});
  const std::string xml = ResultsMoodleXml(*spec_, {alice, bob, running}, [this](int64_t user) {
    auto it = people_.find(user);
    return it == people_.end() ? std::nullopt : std::optional<Person>(it->second);
  }, "geo--final");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str(), pugi::parse_default | pugi::parse_comments)) << xml;
  const pugi::xml_node results = doc.child("results");
  ASSERT_TRUE(results) << xml;
  std::vector<pugi::xml_node> rows;
  for (const pugi::xml_node& r : results.children("result")) rows.push_back(r);
  ASSERT_EQ(rows.size(), 1u) << "only the attempt finished and fully graded: " << xml;
  EXPECT_STREQ(rows[0].child_value("assignment"), "geo--final");
  EXPECT_STREQ(rows[0].child_value("student"), "alice");
  EXPECT_STREQ(rows[0].child_value("score"), "4") << "1 + 0.5 + 2.5";
  EXPECT_STREQ(rows[0].child_value("feedback"), "Good <work> & \"care\"") << "escaped, control dropped";
  // The attempts left out are named, and the comment stays a comment.
  std::string comment;
  for (const pugi::xml_node& n : doc.children()) {
    if (n.type() == pugi::node_comment) comment = n.value();
  }
  EXPECT_NE(comment.find("bob (essays to grade)"), std::string::npos) << comment;
  EXPECT_NE(comment.find("99 (still running)"), std::string::npos) << comment;
}

}  // namespace
}  // namespace pupitre::exam
