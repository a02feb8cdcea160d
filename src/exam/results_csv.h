#pragma once
// An exam's results as a spreadsheet: one row per attempt, with each question's points and
// answer. Formulas are neutralised in every text cell (see CsvField).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time_zone.h"
#include "exam/exam_service.h"

namespace pupitre::exam {

// Who took an attempt, as the spreadsheet names them.
struct Person {
  std::string login;
  std::string name;
};

// The CSV text (header line, then one line per attempt, in the given order). `person` names a
// user id (nothing: an unknown user, written with empty names). As a spreadsheet reads it in
// any locale: numbers plain (no exponent), answers as the student saw them (an option's text,
// text without JSON quotes), times in ISO 8601 in `zone` with its offset.
// REQUIRES: every attempt is of `spec`'s exam. Pure: no I/O, no clock.
std::string ResultsCsv(const ExamSpec& spec, const std::vector<AttemptView>& attempts,
                       const std::function<std::optional<Person>(int64_t user_id)>& person,
                       const TimeZone& zone);

// A course's gradebook as CSV: login, name, then one column per exam ("Title (max N)") with the
// student's points (empty: not taken; an attempt still running or with ungraded essays is
// written as it stands). Numbers plain, as ResultsCsv. Pure.
std::string GradebookCsv(const Gradebook& gradebook,
                         const std::function<std::optional<Person>(int64_t user_id)>& person);

// The results as Moodle's gradebook imports them (Grades > Import > XML file): one <result> per
// submitted attempt whose essays are all graded, with <assignment> the Moodle grade item's ID
// number (`item`), <student> the user's ID number in Moodle (here the login: the two agree when
// both come from the school's directory), <score> the points and <feedback> the teacher's
// comment on the whole attempt. Attempts still running or with essays to grade are left out,
// named in a comment at the top. Text is escaped for XML; characters XML 1.0 cannot hold are
// dropped. Pure.
std::string ResultsMoodleXml(const ExamSpec& spec, const std::vector<AttemptView>& attempts,
                             const std::function<std::optional<Person>(int64_t user_id)>& person,
                             std::string_view item);

// One CSV cell: quoted when needed; a leading = + - @ is made inert with a quote.
std::string CsvField(std::string_view s);

}  // namespace pupitre::exam
