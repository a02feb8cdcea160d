#pragma once
// Secrets the configuration names by file (a video server's shared secret, an identity
// provider's client secret): the first line, trailing spaces and CR removed.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre::app {

// Fails kInvalid naming `key` (the configuration key) when the file cannot be read or the
// secret is shorter than `min_length`.
Result<std::string> ReadSecretFile(const std::string& path, std::string_view key,
                                   size_t min_length);

}  // namespace pupitre::app
