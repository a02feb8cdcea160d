#include "course/ical.h"

#include <gtest/gtest.h>

namespace pupitre::course {
namespace {

TEST(ICalendarTest, EventsInUtcEscapedAndFolded) {
  const std::string long_title(100, 'x');
  const std::string ics = ICalendar(
      "Pupitre – Ada",
      {{"homework-7@pupitre", 1'796'550'000'000, 1'796'551'800'000, "Due: Essay, part 1; draft",
        "Line one\nLine two", "https://school.example/#/homework/c/7"},
       {"exam-x@pupitre", 1'796'550'000'000, 1'796'553'600'000, long_title + "é", "", ""}},
      1'796'550'000'000);
  EXPECT_EQ(ics.substr(0, 17), "BEGIN:VCALENDAR\r\n");
  EXPECT_NE(ics.find("DTSTART:20261206T094000Z\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("SUMMARY:Due: Essay\\, part 1\\; draft\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DESCRIPTION:Line one\\nLine two\r\n"), std::string::npos) << ics;
  EXPECT_EQ(ics.substr(ics.size() - 15), "END:VCALENDAR\r\n");
  // Every line at most 75 octets; a folded line goes on after CRLF and a space.
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u) << ics.substr(start, end - start);
    start = end + 2;
  }
  EXPECT_NE(ics.find("\r\n x"), std::string::npos) << "the long summary is folded";
  EXPECT_NE(ics.find("é"), std::string::npos) << "a character is never cut in two";
}

}  // namespace
}  // namespace pupitre::course
