// From the provider's identity to an account (see identity.h).
#include "sso/identity.h"

#include <fmt/format.h>

#include <algorithm>

namespace pupitre::sso {
namespace {

const std::vector<std::string>* Values(const Identity& who, const std::string& attribute) {
  const auto it = who.attributes.find(attribute);
  return it == who.attributes.end() || it->second.empty() ? nullptr : &it->second;
}

bool AnyOf(const std::vector<std::string>* values, const std::vector<std::string>& wanted) {
  if (values == nullptr) return false;
  return std::any_of(values->begin(), values->end(), [&](const std::string& v) {
    return std::find(wanted.begin(), wanted.end(), v) != wanted.end();
  });
}

}  // namespace

Result<Account> MapIdentity(const Identity& who, const MappingOptions& o) {
  if (!o.required_attribute.empty() &&
      !AnyOf(Values(who, o.required_attribute), o.allowed_values)) {
    return Error::Forbidden(fmt::format("the identity provider's '{}' is not allowed here",
                                        who.user))
        .Because("sso_not_allowed");
  }
  Account a;
  if (o.login_attribute.empty()) {
    a.login = who.user;
  } else if (const auto* v = Values(who, o.login_attribute)) {
    a.login = v->front();
  }
  if (const auto* v = o.name_attribute.empty() ? nullptr : Values(who, o.name_attribute)) {
    a.display_name = v->front();
  }
  if (a.display_name.empty()) a.display_name = a.login;
  if (!o.role_attribute.empty()) {
    const auto* roles = Values(who, o.role_attribute);
    if (AnyOf(roles, o.admin_values)) {
      a.role = auth::Role::kAdmin;
    } else if (AnyOf(roles, o.teacher_values)) {
      a.role = auth::Role::kTeacher;
    }
  }
  if (Status s = auth::ValidateLoginAndName(a.login, a.display_name); !s.ok()) {
    return Error::Forbidden(fmt::format("the identity provider's login '{}' is not one Pupitre "
                                        "takes: {}",
                                        a.login, s.error().message))
        .Because("sso_bad_login");
  }
  return a;
}

}  // namespace pupitre::sso
