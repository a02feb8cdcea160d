// CAS 3.0 addresses and answers (see cas.h), read with pugixml.
#include "sso/cas.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>

namespace pupitre::sso {
namespace {

std::string Encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// An element's local name: "cas:user" -> "user".
std::string_view Local(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& n, std::string_view local) {
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() == pugi::node_element && Local(c) == local) return c;
  }
  return {};
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool Load(pugi::xml_document& doc, std::string_view xml) {
  // No DTD, no entities from outside.
  return doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype);
}

}  // namespace

std::string CasLoginUrl(const CasOptions& o) {
  return fmt::format("{}/login?service={}", o.server_url, Encode(o.service_url));
}

std::string CasValidateUrl(const CasOptions& o, std::string_view ticket) {
  return fmt::format("{}/p3/serviceValidate?service={}&ticket={}", o.server_url,
                     Encode(o.service_url), Encode(ticket));
}

std::string CasLogoutUrl(const CasOptions& o, std::string_view back_to) {
  return fmt::format("{}/logout?service={}", o.server_url, Encode(back_to));
}

bool IsCasTicket(std::string_view t) {
  if (!t.starts_with("ST-") || t.size() < 4 || t.size() > 259) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

Result<Identity> ParseCasValidation(std::string_view xml) {
  pugi::xml_document doc;
  const pugi::xml_node response = Load(doc, xml) ? Child(doc, "serviceResponse") : pugi::xml_node();
  if (!response) {
    return Error::Unavailable("the CAS server's answer is not a serviceResponse")
        .Because("sso_unreadable");
  }
  if (const pugi::xml_node failure = Child(response, "authenticationFailure")) {
    const std::string code = failure.attribute("code").as_string();
    return Error::Unauthenticated(
               fmt::format("the CAS server refused the ticket: {} {}", code, Trim(failure.text().get())))
        .Because("sso_refused", {{"code", code}});
  }
  const pugi::xml_node success = Child(response, "authenticationSuccess");
  Identity who;
  who.user = Trim(Child(success, "user").text().get());
  if (who.user.empty()) {
    return Error::Unavailable("the CAS server's answer names no user").Because("sso_unreadable");
  }
  for (const pugi::xml_node& a : Child(success, "attributes").children()) {
    if (a.type() != pugi::node_element) continue;
    const std::string value = Trim(a.text().get());
    if (!value.empty()) who.attributes[std::string(Local(a))].push_back(value);
  }
  return who;
}

std::optional<std::string> ParseCasLogoutRequest(std::string_view logout_request) {
  pugi::xml_document doc;
  if (!Load(doc, logout_request)) return std::nullopt;
  const pugi::xml_node request = Child(doc, "LogoutRequest");
  std::string ticket = Trim(Child(request, "SessionIndex").text().get());
  if (!IsCasTicket(ticket)) return std::nullopt;
  return ticket;
}

std::optional<std::string> ParseCasLogoutPost(std::string_view form) {
  // application/x-www-form-urlencoded: key=value pairs joined by &, '+' a space, %XX a byte.
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  while (!form.empty()) {
    const size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != "logoutRequest") continue;
    std::string value;
    for (size_t i = eq + 1; i < pair.size(); ++i) {
      if (pair[i] == '+') {
        value.push_back(' ');
      } else if (pair[i] == '%' && i + 2 < pair.size() && hex(pair[i + 1]) >= 0 &&
                 hex(pair[i + 2]) >= 0) {
        value.push_back(static_cast<char>(hex(pair[i + 1]) * 16 + hex(pair[i + 2])));
        i += 2;
      } else {
        value.push_back(pair[i]);
      }
    }
    return ParseCasLogoutRequest(value);
  }
  return std::nullopt;
}

}  // namespace pupitre::sso
