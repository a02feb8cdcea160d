#pragma once
// CAS 3.0 (Apereo's Central Authentication Service protocol, served by LemonLDAP::NG in French
// school workspaces): the addresses a client sends people and itself to, and the server's
// answers read. Pure: the calls themselves are the caller's (outbound/http_call.h).
//
//   login     the browser goes to SERVER/login?service=SERVICE, signs in there, and comes back
//             to SERVICE?ticket=ST-...
//   validate  this server asks SERVER/p3/serviceValidate?service=SERVICE&ticket=ST-... and reads
//             <cas:serviceResponse>: the user and their attributes, or why not
//   logout    SERVER/logout?service=...; the server's single logout POSTs logoutRequest=
//             <samlp:LogoutRequest>...<samlp:SessionIndex>ST-...</...> to SERVICE

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sso/identity.h"

namespace pupitre::sso {

struct CasOptions {
  std::string server_url;   // e.g. https://auth.school.fr/cas (no trailing /)
  std::string service_url;  // where the server sends the browser back: this server's callback
};

std::string CasLoginUrl(const CasOptions& o);
std::string CasValidateUrl(const CasOptions& o, std::string_view ticket);
std::string CasLogoutUrl(const CasOptions& o, std::string_view back_to);

// The identity in a serviceResponse; fails kUnauthenticated (reason sso_refused, the server's
// code and words) on an authenticationFailure, kUnavailable (sso_unreadable) on anything else.
Result<Identity> ParseCasValidation(std::string_view xml);

// The service ticket a single-logout request names, if it is one: `logout_request` the XML, or
// `form` the whole POST body (application/x-www-form-urlencoded, logoutRequest=...).
std::optional<std::string> ParseCasLogoutRequest(std::string_view logout_request);
std::optional<std::string> ParseCasLogoutPost(std::string_view form);

// A ticket as CAS gives them: "ST-" and 1 to 256 characters of [A-Za-z0-9_.-].
bool IsCasTicket(std::string_view ticket);

}  // namespace pupitre::sso
