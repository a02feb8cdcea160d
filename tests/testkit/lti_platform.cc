#include "testkit/lti_platform.h"

#include <fmt/format.h>

#include "testkit/http_client.h"

namespace pupitre::testkit {

bool LtiPlatform::Start() {
  // Debian's interpreter: python3-jwt and python3-cryptography are installed for it.
  return process_.Start("/usr/bin/python3", "lti_platform.py", {"--tool", tool_url_}, 30, log_path_);
}

std::string LtiPlatform::url() const { return fmt::format("http://127.0.0.1:{}", port()); }

std::string LtiPlatform::ToolConfig(const std::string& tool_key_file) const {
  return fmt::format(
      "[lti]\nissuer = \"{0}\"\nclient_id = \"{1}\"\ndeployment_ids = [\"{2}\"]\n"
      "auth_login_url = \"{0}/auth\"\njwks_url = \"{0}/jwks\"\ntoken_url = \"{0}/token\"\n"
      "tool_url = \"{3}\"\ntool_key_file = \"{4}\"\n",
      url(), kClientId, kDeployment, tool_url_, tool_key_file);
}

boost::json::value LtiPlatform::Recorded() const {
  HttpClient client(port());
  return client.Get("/recorded").json();
}

}  // namespace pupitre::testkit
