#pragma once
// Who the school's identity provider says signed in, and the account Pupitre makes of it: the
// login (the user, or an attribute), a display name and a role from the provider's attributes.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "auth/accounts.h"
#include "common/result.h"

namespace pupitre::sso {

struct Identity {
  std::string user;                                         // the provider's name for them
  std::map<std::string, std::vector<std::string>> attributes;  // each may have several values
};

// How attributes become an account. Defaults fit LemonLDAP::NG's usual attributes.
struct MappingOptions {
  std::string login_attribute;         // "" : the user itself
  std::string name_attribute = "cn";   // "" or absent: the login
  std::string role_attribute;          // "" : everyone a student
  std::vector<std::string> teacher_values;  // a value of role_attribute making a teacher
  std::vector<std::string> admin_values;    // ... an operator (admin)
  // "" : everyone the provider vouches for may sign in; else only who has this attribute with
  // one of `allowed_values` (a workspace's provider also knows parents, other schools' pupils).
  std::string required_attribute;
  std::vector<std::string> allowed_values;
};

struct Account {
  std::string login;
  std::string display_name;
  auth::Role role = auth::Role::kStudent;
};

// Fails kForbidden (reason sso_bad_login) when the login is missing or not a valid login
// (1 to 64 characters of letters, digits, '.', '_', '-' and '@'); reason sso_not_allowed when
// `required_attribute` does not hold one of the allowed values.
Result<Account> MapIdentity(const Identity& who, const MappingOptions& o);

}  // namespace pupitre::sso
