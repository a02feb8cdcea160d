#pragma once
// Test support: an LTI 1.3 platform (an LMS) on a loopback port (tests/standins/lti_platform.py,
// on Debian's python3 with python3-jwt: an implementation of the messages that is not
// Pupitre's), registered with the tool at `tool_url`.

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

#include "testkit/standin_process.h"

namespace pupitre::testkit {

class LtiPlatform {
 public:
  static constexpr const char* kClientId = "pupitre-tool";
  static constexpr const char* kDeployment = "deployment-1";

  LtiPlatform(std::string tool_url, std::string log_path)
      : tool_url_(std::move(tool_url)), log_path_(std::move(log_path)) {}

  bool Start();
  std::string url() const;  // http://127.0.0.1:PORT (its issuer)
  uint16_t port() const { return process_.port(); }
  // The [lti] section that registers this platform, with the tool's key file.
  std::string ToolConfig(const std::string& tool_key_file) const;
  // What it received from the tool: {"scores": [...], "links": [...], "refused": [...]}.
  boost::json::value Recorded() const;

 private:
  std::string tool_url_;
  std::string log_path_;
  StandinProcess process_;
};

}  // namespace pupitre::testkit
