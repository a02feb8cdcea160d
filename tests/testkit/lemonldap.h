#pragma once
// Test support: a real LemonLDAP::NG portal (Debian's liblemonldap-ng-portal-perl, installed by
// scripts/install-deps.sh), the identity provider of French school workspaces, on loopback for
// one test: its configuration and sessions in a temporary directory, its portal served by Plack
// on a listening socket made here. Users are LemonLDAP::NG's demo ones (dwho, rtyler, msmith,
// each with their login as password; dwho is in the group "timelords"); it serves CAS 3.0 with
// back-channel single logout to one declared service.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pupitre::testkit {

class LemonLdap {
 public:
  explicit LemonLdap(std::string dir);
  ~LemonLdap();  // stops it
  LemonLdap(const LemonLdap&) = delete;
  LemonLdap& operator=(const LemonLdap&) = delete;

  // Writes its configuration (CAS for `cas_service`, which gets its single logouts) and starts
  // the portal; waits (at most 60 s) until it answers. False, with its output in log(), if not.
  // With `oidc_redirect` (this server's /sso/oidc/callback), it is also an OpenID Connect
  // provider (issuer url(), a signing key made for the run) with one relying party, client
  // kOidcClient / kOidcSecret, PKCE required, front-channel logout to `oidc_logout`; the
  // released claims are name, email, groups (scope "groups") and preferred_username.
  bool Start(const std::string& cas_service, const std::string& oidc_redirect = "",
             const std::string& oidc_logout = "");
  static constexpr const char* kOidcClient = "pupitre";
  static constexpr const char* kOidcSecret = "pupitre-secret-for-tests";
  std::string url() const;  // http://127.0.0.1:PORT
  // The OpenID Connect provider's signing key (PEM) and its key id: for tests that send what the
  // provider would and LemonLDAP::NG 2.16 does not (back-channel logout tokens).
  const std::string& oidc_key_pem() const { return oidc_key_pem_; }
  static constexpr const char* kOidcKeyId = "test-key-1";
  uint16_t port() const { return port_; }
  std::string log() const;

  // A browser's sign-in at the portal's address `login_url` (where this server sent the browser:
  // the CAS login with its service, or the OpenID Connect authorization with its parameters), as
  // `user` (password: the same): the address the portal sends the browser back to ("" if none),
  // and the portal's session cookie ("lemonldap=...") in `cookie`.
  std::string SignInAt(const std::string& login_url, const std::string& user, std::string* cookie);
  // The logout page's hidden frames' addresses (front-channel logout), for the browser's
  // cookie at the portal; what a browser would load.
  std::vector<std::string> OidcLogoutFrames(const std::string& cookie);
  // The browser's logout at the portal (its single logout calls the service back); the status.
  int Logout(const std::string& cookie);

 private:
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string oidc_key_pem_;
};

}  // namespace pupitre::testkit
