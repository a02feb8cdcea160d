#pragma once
// Files other projects wrote, kept in tests/fixtures/ (each folder says where from), read whole.
// REQUIRES: the test target defines PUPITRE_FIXTURES (CMakeLists.txt).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace pupitre::testkit {

// tests/fixtures/`path`, whole; a file that cannot be read fails the test.
inline std::string ReadFixture(const std::string& path) {
  std::ifstream in(std::string(PUPITRE_FIXTURES) + "/" + path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read tests/fixtures/" << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace pupitre::testkit
