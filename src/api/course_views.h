#pragma once
// The course space's JSON, shared by the course and homework routes.

#include <boost/json/object.hpp>

#include <string>

#include "api/services.h"

namespace pupitre::api {

course::Caller CourseCaller(const ContextPtr& c);

// An item as the pages read it; a homework's rules with it, and for a student where they stand.
boost::json::object ItemJson(Services& s, const std::string& course_id, const course::Item& i,
                             bool teacher, const course::Caller& who);

// A homework's rules from a request: {"due_ms", "cutoff_ms"?, "max_points"?, "max_files"?,
// "max_file_mb"?, "allowed"?: ["pdf"], "text"?}.
Result<course::HomeworkRules> RulesFromJson(const boost::json::value& v);

// A live class's schedule from a request: {"start_ms", "duration_min"?: 60, "record"?: false},
// checked (LiveClasses::CheckRules).
Result<live::LiveRules> LiveRulesFromJson(const boost::json::value& v);

}  // namespace pupitre::api
