#pragma once
// Checks on text that comes from outside (files, forms).

#include <cstddef>
#include <optional>
#include <string_view>

namespace pupitre {

// The byte offset of the first invalid UTF-8 sequence in `s` (overlong forms, surrogates and
// code points past U+10FFFF are invalid), or nothing if it is all valid.
std::optional<size_t> FirstInvalidUtf8(std::string_view s);

// Whether `s` holds a control character (U+0000 to U+001F, U+007F; tab included).
bool HasControlCharacter(std::string_view s);

}  // namespace pupitre
