#include "app/secret_file.h"

#include <fmt/format.h>

#include <fstream>

namespace pupitre::app {

Result<std::string> ReadSecretFile(const std::string& path, std::string_view key,
                                   size_t min_length) {
  std::ifstream in(path);
  std::string secret;
  if (!in || !std::getline(in, secret)) {
    return Error::Invalid(fmt::format("{}: cannot read {}", key, path));
  }
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.size() < min_length) {
    return Error::Invalid(fmt::format("{}: the secret is shorter than {} characters", key, min_length));
  }
  return secret;
}

}  // namespace pupitre::app
