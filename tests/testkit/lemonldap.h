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

namespace pupitre::testkit {

class LemonLdap {
 public:
  explicit LemonLdap(std::string dir);
  ~LemonLdap();  // stops it
  LemonLdap(const LemonLdap&) = delete;
  LemonLdap& operator=(const LemonLdap&) = delete;

  // Writes its configuration (CAS for `cas_service`, which gets its single logouts) and starts
  // the portal; waits (at most 60 s) until it answers. False, with its output in log(), if not.
  bool Start(const std::string& cas_service);
  std::string url() const;  // http://127.0.0.1:PORT
  uint16_t port() const { return port_; }
  std::string log() const;

  // A browser's sign-in at the CAS login for `service`, as `user` (password: the same): the
  // address the portal sends the browser back to ("" if none), and the portal's session cookie
  // ("lemonldap=...") in `cookie`.
  std::string CasSignIn(const std::string& service, const std::string& user, std::string* cookie);
  // The browser's logout at the portal (its single logout calls the service back); the status.
  int Logout(const std::string& cookie);

 private:
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace pupitre::testkit
