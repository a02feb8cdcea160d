// Starts the LemonLDAP::NG portal of the tests (testkit/lemonldap.h) for tests written in
// another language (the browser tests): `lemonldap_for_tests SERVICE_URL [OIDC_REDIRECT_URL
// OIDC_LOGOUT_URL]` (the second form also an OpenID Connect provider, lemonldap.h) prints
// "listening on http://127.0.0.1:PORT" once it answers, and stops it when its standard input
// closes (the test that started it is gone) or on SIGTERM.
#include <iostream>
#include <string>

#include "testkit/child_server.h"
#include "testkit/lemonldap.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::cerr << "usage: lemonldap_for_tests CAS_SERVICE_URL [OIDC_REDIRECT_URL OIDC_LOGOUT_URL]\n";
    return 2;
  }
  pupitre::testkit::TempDir dir;
  pupitre::testkit::LemonLdap idp(dir.path());
  if (!idp.Start(argv[1], argc == 4 ? argv[2] : "", argc == 4 ? argv[3] : "")) {
    std::cerr << "LemonLDAP::NG did not start:\n" << idp.log();
    return 1;
  }
  std::cout << "listening on " << idp.url() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
