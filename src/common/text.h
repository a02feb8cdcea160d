#pragma once
// Checks on text that comes from outside (files, forms).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pupitre {

// The byte offset of the first invalid UTF-8 sequence in `s` (overlong forms, surrogates and
// code points past U+10FFFF are invalid), or nothing if it is all valid.
std::optional<size_t> FirstInvalidUtf8(std::string_view s);

// Whether `s` holds a control character (U+0000 to U+001F, U+007F; tab included).
bool HasControlCharacter(std::string_view s);

// `s` with A-Z made a-z (logins are matched ignoring case, in ASCII).
std::string AsciiLower(std::string_view s);

// `s` as a whole decimal integer (no sign other than '-', no spaces, nothing after it).
bool ParseInt64(std::string_view s, int64_t& out);

// A finite number written as text: white space around it and a leading '+' allowed ("+2",
// " 0.5 ", "1e3"), nothing else (not "inf", "nan", "0x10" nor "2 cm"). Longer than 64 bytes
// once trimmed is no number either.
std::optional<double> ParseFiniteNumber(std::string_view s);

// Splits `s` at `sep` into exactly out.size() fields; false if there are more or fewer.
bool SplitExactly(std::string_view s, char sep, std::span<std::string_view> out);

// `text` safe inside HTML text and quoted attributes (& < > " ' escaped).
std::string HtmlEscape(std::string_view text);

// What an outside party said, fit for a message or a log line: printable ASCII (others become
// '?'), at most `max` bytes; a newline in a token must not forge a line of the log.
std::string PrintableAscii(std::string_view s, size_t max);

// A URL path's %XX escapes decoded ("my%20sign.png" -> "my sign.png"); a '%' not followed by
// two hex digits is kept as it is ('+' is a '+': this is not a form).
std::string PercentDecoded(std::string_view s);

// Replaces every `from` in `s` with `to`.
void ReplaceAll(std::string& s, std::string_view from, std::string_view to);

}  // namespace pupitre
