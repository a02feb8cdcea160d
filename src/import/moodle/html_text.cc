// HTML made plain text (see html_text.h).
#include "import/moodle/html_text.h"

#include "exam/exam.h"
#include "import/mathml/mathml_text.h"

#include <pugixml.hpp>

#include <cctype>
#include <charconv>
#include <cstdint>

namespace pupitre::importers {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Where `needle` (lowercase) starts in `s` from `from` on, ignoring ASCII case; npos if nowhere.
size_t FindNoCase(std::string_view s, const std::string& needle, size_t from) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() &&
           std::tolower(static_cast<unsigned char>(s[i + k])) == static_cast<unsigned char>(needle[k])) {
      ++k;
    }
    if (k == needle.size()) return i;
  }
  return std::string::npos;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  // (U+FFFC marks an image's place: never from an entity.)
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFC) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The entity at the start of `s` ("&amp;"...): appended, and its length returned (0: none).
size_t Entity(std::string_view s, std::string& out) {
  const size_t end = s.substr(0, 12).find(';');  // entities are short: never a long search
  if (end == std::string_view::npos || end > 10) return 0;
  const std::string_view name = s.substr(1, end - 1);
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
  for (const auto& [n, text] : kNamed) {
    if (name == n) {
      out.append(text);
      return end + 1;
    }
  }
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    uint32_t cp = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty()) return 0;
    AppendUtf8(out, cp);
    return end + 1;
  }
  return 0;
}

// The value of attribute `name` (lowercase) in a tag's text (`img src="a.png" alt=x`), entities
// decoded; "" when absent.
std::string Attribute(std::string_view tag, const std::string& name) {
  for (size_t at = FindNoCase(tag, name, 0); at != std::string::npos;
       at = FindNoCase(tag, name, at + 1)) {
    const bool starts = at == 0 || std::isspace(static_cast<unsigned char>(tag[at - 1]));
    size_t i = at + name.size();
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (!starts || i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::string_view value;
    if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
      const size_t end = tag.find(tag[i], i + 1);
      value = tag.substr(i + 1, (end == std::string_view::npos ? tag.size() : end) - i - 1);
    } else {
      const size_t end = tag.find_first_of(" \t\r\n/", i);
      value = tag.substr(i, (end == std::string_view::npos ? tag.size() : end) - i);
    }
    std::string out;
    for (size_t k = 0; k < value.size();) {
      const size_t n = value[k] == '&' ? Entity(value.substr(k), out) : 0;
      if (n == 0) out.push_back(value[k]);
      k += n == 0 ? 1 : n;
    }
    return out;
  }
  return "";
}

std::string ToText(std::string_view html, std::vector<HtmlImage>* images);

// Where the next <math> element starts from `from` on (npos: none).
size_t FindMath(std::string_view html, size_t from) {
  for (size_t at = FindNoCase(html, "<math", from); at != std::string::npos;
       at = FindNoCase(html, "<math", at + 1)) {
    const char next = at + 5 < html.size() ? html[at + 5] : '\0';
    if (next == '>' || next == '/' || std::isspace(static_cast<unsigned char>(next))) return at;
  }
  return std::string::npos;
}

// The <math> element at `at` as linear text; `end` set past it. MathML in HTML is read as XML
// (as MathType and Moodle's editors write it), &nbsp; allowed.
struct HtmlMath {
  MathText text;
  bool block = false;
};
HtmlMath MathAt(std::string_view html, size_t at, size_t& end) {
  HtmlMath out;
  const size_t close = FindNoCase(html, "</math>", at);
  const size_t self = html.find('>', at);
  if (self != std::string_view::npos && self > at && html[self - 1] == '/' &&
      (close == std::string::npos || self < close)) {
    end = self + 1;  // <math/>: nothing
    return out;
  }
  if (close == std::string::npos) {
    end = html.size();
    out.text.why = "its mathematics (<math>) is never closed";
    return out;
  }
  end = close + 7;
  std::string xml(html.substr(at, end - at));
  for (size_t nbsp = xml.find("&nbsp;"); nbsp != std::string::npos; nbsp = xml.find("&nbsp;", nbsp)) {
    xml.replace(nbsp, 6, " ");
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype)) {
    out.text.why = "its mathematics (MathML) is not well-formed XML";
    return out;
  }
  const pugi::xml_node math = doc.first_child();
  out.block = std::string_view(math.attribute("display").as_string()) == "block";
  out.text = MathMlToText(math);
  // An HTML entity XML does not know (&theta;) is left as written by the XML parser.
  const std::string& text = out.text.text;
  for (size_t amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1)) {
    size_t k = amp + 1;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    if (k > amp + 1 && k < text.size() && text[k] == ';') {
      out.text.why = "its mathematics names a character by an HTML entity XML does not know";
      out.text.text.clear();
      break;
    }
  }
  return out;
}

}  // namespace

bool HtmlHasMath(std::string_view html) { return FindMath(html, 0) != std::string::npos; }

std::string HtmlMathProblem(std::string_view html) {
  for (size_t at = FindMath(html, 0); at != std::string::npos; at = FindMath(html, at)) {
    size_t end = at;
    HtmlMath math = MathAt(html, at, end);
    if (!math.text.why.empty()) return math.text.why;
    at = end;
  }
  return "";
}

std::string HtmlToText(std::string_view html) { return ToText(html, nullptr); }

std::string HtmlToText(std::string_view html, std::vector<HtmlImage>& images) {
  return ToText(html, &images);
}

std::string HtmlToWords(std::string_view html) {
  std::vector<HtmlImage> images;
  const std::string text = ToText(html, &images);
  std::string out;
  std::string_view rest = text;
  for (size_t k = 0, at; (at = rest.find(exam::kImageMark)) != std::string_view::npos; ++k) {
    out += rest.substr(0, at);
    const std::string alt = k < images.size() ? images[k].alt : "";
    out += "[" + (alt.empty() ? std::string("picture") : alt) + "]";
    rest.remove_prefix(at + exam::kImageMark.size());
  }
  out += rest;
  return out;
}

namespace {

std::string ToText(std::string_view html, std::vector<HtmlImage>* images) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;  // a tag never closed: what follows is not text
      std::string tag = Lower(html.substr(i + 1, end - i - 1));
      const bool closing = !tag.empty() && tag[0] == '/';
      if (closing) tag.erase(0, 1);
      const std::string name = tag.substr(0, tag.find_first_of(" \t\r\n/"));
      const bool heading = name.size() == 2 && name[0] == 'h' &&
                           std::isdigit(static_cast<unsigned char>(name[1]));
      const bool block = name == "p" || name == "div" || name == "tr" || name == "li" || heading;
      if (name == "math" && !closing) {  // linear text (HtmlMathProblem says when it cannot be)
        size_t past = end + 1;
        const HtmlMath math = MathAt(html, i, past);
        if (math.block) out.push_back('\n');
        out.append(exam::WithoutImageMarks(math.text.text));
        if (math.block) out.push_back('\n');
        i = past;
        continue;
      }
      if (name == "img" && images && !closing) {
        const std::string_view original = html.substr(i + 1, end - i - 1);
        images->push_back({Attribute(original, "src"), Attribute(original, "alt")});
        out.append(exam::kImageMark);
      } else if (name == "br" || (block && closing)) {
        out.push_back('\n');
      } else if (name == "li" && !closing) {
        out.append("- ");
      } else if ((name == "script" || name == "style") && !closing) {
        // Their content is not text: skip to their end.
        const size_t stop = FindNoCase(html, "</" + name, end);
        i = stop == std::string::npos ? html.size() : stop;
        continue;
      }
      i = end + 1;
    } else if (c == '&') {
      const size_t n = Entity(html.substr(i), out);
      if (n == 0) out.push_back('&');
      i += n == 0 ? 1 : n;
    } else if (c == '\r' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ' && out.back() != '\n') out.push_back(' ');
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  // Lines trimmed; no more than one blank line in a row; no blank start or end.
  std::string text;
  size_t blank = 0;
  size_t start = 0;
  while (start <= out.size()) {
    size_t eol = out.find('\n', start);
    if (eol == std::string::npos) eol = out.size();
    std::string_view line(out.data() + start, eol - start);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (line.empty()) {
      ++blank;
    } else {
      if (!text.empty()) text.append(blank > 0 ? "\n\n" : "\n");
      text.append(line);
      blank = 0;
    }
    start = eol + 1;
  }
  return text;
}

}  // namespace

bool HtmlHasMedia(std::string_view html) {
  const std::string lower = Lower(html);
  for (const char* tag : {"<img", "<audio", "<video", "<object", "<embed", "<iframe", "<svg"}) {
    if (lower.find(tag) != std::string::npos) return true;
  }
  return lower.find("@@pluginfile@@") != std::string::npos;
}

bool HtmlHasOtherMedia(std::string_view html) {
  const std::string lower = Lower(html);
  for (const char* tag : {"<audio", "<video", "<object", "<embed", "<iframe", "<svg", "<source"}) {
    if (lower.find(tag) != std::string::npos) return true;
  }
  return false;
}

}  // namespace pupitre::importers
