#include "testkit/lemonldap.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "testkit/http_client.h"
#include "testkit/poll.h"
#include "testkit/sockets.h"

namespace pupitre::testkit {
namespace {

namespace json = boost::json;

// Debian's configuration as installed: the demo's users, groups and applications.
constexpr const char* kDebianConf = "/var/lib/lemonldap-ng/conf/lmConf-1.json";
constexpr const char* kPortal = "/usr/share/lemonldap-ng/portal/htdocs/index.psgi";

// Plack's server on the listening socket it inherits as fd 3 (no port to race for).
constexpr const char* kLauncher = R"(use strict;
use IO::Socket::INET;
use Plack::Util;
use HTTP::Server::PSGI;
my $sock = IO::Socket::INET->new_from_fd(3, 'r') or die "fd 3: $!";
my $app = Plack::Util::load_psgi($ARGV[0]);
HTTP::Server::PSGI->new(listen_sock => $sock)->run($app);
)";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Encode(const std::string& s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

// A fresh RSA key for the provider's signatures: the private half (PKCS#8 PEM) and public.
std::pair<std::string, std::string> SigningKey() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  auto pem = [key](bool secret) {
    BIO* out = BIO_new(BIO_s_mem());
    if (secret) {
      PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_bio_PUBKEY(out, key);
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(out, &data);
    std::string text(data, static_cast<size_t>(len));
    BIO_free(out);
    return text;
  };
  std::pair<std::string, std::string> both{pem(true), pem(false)};
  EVP_PKEY_free(key);
  return both;
}

// OpenID Connect: the issuer, its key (its private half in `key_pem`), one relying party (see
// lemonldap.h).
void ConfigureOidc(json::object& c, const std::string& issuer, const std::string& redirect,
                   const std::string& logout, std::string& key_pem) {
  c["issuerDBOpenIDConnectActivation"] = 1;
  c["oidcServiceMetaDataIssuer"] = issuer;
  const auto [private_key, public_key] = SigningKey();
  key_pem = private_key;
  c["oidcServicePrivateKeySig"] = private_key;
  c["oidcServicePublicKeySig"] = public_key;
  c["oidcServiceKeyIdSig"] = LemonLdap::kOidcKeyId;
  c["oidcServiceAllowAuthorizationCodeFlow"] = 1;
  c["oidcServiceIgnoreScopeForClaims"] = 0;
  c["oidcRPMetaDataOptions"] = {{"pupitre",
                                 {{"oidcRPMetaDataOptionsClientID", LemonLdap::kOidcClient},
                                  {"oidcRPMetaDataOptionsClientSecret", LemonLdap::kOidcSecret},
                                  {"oidcRPMetaDataOptionsRedirectUris", redirect},
                                  {"oidcRPMetaDataOptionsIDTokenSignAlg", "RS256"},
                                  {"oidcRPMetaDataOptionsRequirePKCE", 1},
                                  {"oidcRPMetaDataOptionsBypassConsent", 1},
                                  {"oidcRPMetaDataOptionsUserIDAttr", "uid"},
                                  {"oidcRPMetaDataOptionsIDTokenExpiration", 300},
                                  {"oidcRPMetaDataOptionsLogoutUrl", logout},
                                  {"oidcRPMetaDataOptionsLogoutType", "front"},
                                  {"oidcRPMetaDataOptionsLogoutSessionRequired", 1},
                                  {"oidcRPMetaDataOptionsLogoutBypassConfirm", 1}}}};
  c["oidcRPMetaDataExportedVars"] = {{"pupitre",
                                      {{"name", "cn"}, {"email", "mail"}, {"groups", "groups"},
                                       {"preferred_username", "uid"}}}};
  c["oidcRPMetaDataOptionsExtraClaims"] = {{"pupitre", {{"groups", "groups"}}}};
}

}  // namespace

LemonLdap::LemonLdap(std::string dir) : dir_(std::move(dir)) {}

LemonLdap::~LemonLdap() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string LemonLdap::url() const { return fmt::format("http://127.0.0.1:{}", port_); }

std::string LemonLdap::log() const { return Read(dir_ + "/portal.log"); }

bool LemonLdap::Start(const std::string& cas_service, const std::string& oidc_redirect,
                      const std::string& oidc_logout) {
  const int listener = ListeningSocket(port_, 128);
  if (listener < 0) return false;
  for (const char* sub : {"/conf", "/sessions", "/sessions/lock", "/psessions",
                          "/psessions/lock", "/cache", "/notifications"}) {
    ::mkdir((dir_ + sub).c_str(), 0700);
  }
  std::ofstream(dir_ + "/lemonldap-ng.ini")
      << "[all]\nlogLevel = warn\ncheckTime = 1\n"
      << "[configuration]\ntype = File\ndirName = " << dir_ << "/conf\n"
      << "localStorage = Cache::FileCache\nlocalStorageOptions = { 'namespace' => "
         "'llng-config', 'default_expires_in' => 600, 'cache_root' => '"
      << dir_ << "/cache', 'cache_depth' => 0 }\n"
      << "[portal]\nstaticPrefix = /static\n"
         "templateDir = /usr/share/lemonldap-ng/portal/templates\nlanguages = en, fr\n";
  json::value base = json::parse(Read(kDebianConf));
  json::object& c = base.as_object();
  c["portal"] = url() + "/";
  c["domain"] = "127.0.0.1";
  c["globalStorageOptions"] = {{"Directory", dir_ + "/sessions"},
                               {"LockDirectory", dir_ + "/sessions/lock"},
                               {"generateModule",
                                "Lemonldap::NG::Common::Apache::Session::Generate::SHA256"}};
  c["persistentStorageOptions"] = {{"Directory", dir_ + "/psessions"},
                                   {"LockDirectory", dir_ + "/psessions/lock"}};
  c["localSessionStorageOptions"] = {{"cache_depth", 0},
                                     {"cache_root", dir_ + "/cache"},
                                     {"default_expires_in", 600},
                                     {"namespace", "llng-sessions"}};
  c["notificationStorageOptions"] = {{"dirName", dir_ + "/notifications"}};
  c["notification"] = 0;
  // What the demo does not need (and whose Perl modules are only recommended).
  c.erase("registerDB");
  c["portalDisplayRegister"] = 0;
  c["portalDisplayResetPassword"] = 0;
  c["captcha_mail_enabled"] = 0;
  c["captcha_register_enabled"] = 0;
  c["captcha_login_enabled"] = 0;
  c["requireToken"] = 0;  // the test posts the form without reading it first
  c["reloadUrls"] = json::object();
  c["locationRules"] = {{"127.0.0.1", {{"default", "accept"}}}};
  c["groups"] = {{"timelords", "$uid eq \"dwho\""}};
  // CAS 3.0, with the attributes a school's directory would release, and single logout to
  // the one service declared.
  c["issuerDBCASActivation"] = 1;
  c["casAttr"] = "uid";
  const json::object attributes{{"cn", "cn"}, {"mail", "mail"}, {"uid", "uid"}, {"groups", "groups"}};
  c["casAttributes"] = attributes;
  c["casAppMetaDataOptions"] = {{"pupitre", {{"casAppMetaDataOptionsService", cas_service}}}};
  c["casAppMetaDataExportedVars"] = {{"pupitre", attributes}};
  c["casBackChannelSingleLogout"] = 1;
  if (!oidc_redirect.empty()) ConfigureOidc(c, url(), oidc_redirect, oidc_logout, oidc_key_pem_);
  std::ofstream(dir_ + "/conf/lmConf-1.json") << json::serialize(base);
  std::ofstream(dir_ + "/launch.pl") << kLauncher;

  const std::string log = dir_ + "/portal.log";
  const std::string ini = "LLNG_DEFAULTCONFFILE=" + dir_ + "/lemonldap-ng.ini";
  const std::string launch = dir_ + "/launch.pl";
  pid_ = ::fork();
  if (pid_ == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    ::dup2(listener, 3);  // dup2 clears close-on-exec: Plack inherits it as fd 3
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::putenv(const_cast<char*>(ini.c_str()));
    ::execlp("perl", "perl", launch.c_str(), kPortal, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(listener);
  if (pid_ < 0) return false;
  // Up once the portal answers its login page (the connection is accepted at once: the socket
  // listens already; the answer waits for Perl to load).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  HttpClient probe(port_);
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe.Get("/").status == 200) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    PollPause(std::chrono::milliseconds(200));
  }
  return false;
}

std::string LemonLdap::SignInAt(const std::string& login_url, const std::string& user,
                                std::string* cookie) {
  const std::string prefix = url();
  if (login_url.rfind(prefix, 0) != 0) return "";
  HttpClient browser(port_);
  const HttpResult r = browser.Send(
      boost::beast::http::verb::post, login_url.substr(prefix.size()),
      "user=" + Encode(user) + "&password=" + Encode(user),
      {{"Content-Type", "application/x-www-form-urlencoded"}});
  if (cookie != nullptr) {
    const auto it = r.headers.find("set-cookie");
    *cookie = it == r.headers.end() ? "" : it->second.substr(0, it->second.find(';'));
  }
  const auto location = r.headers.find("location");
  return r.status == 302 && location != r.headers.end() ? location->second : "";
}

std::vector<std::string> LemonLdap::OidcLogoutFrames(const std::string& cookie) {
  HttpClient browser(port_);
  const HttpResult r =
      browser.Send(boost::beast::http::verb::get, "/?logout=1", "", {{"Cookie", cookie}});
  std::vector<std::string> frames;
  const std::string marker = "<iframe src=\"";
  for (size_t at = r.body.find(marker); at != std::string::npos; at = r.body.find(marker, at + 1)) {
    const size_t from = at + marker.size();
    const size_t to = r.body.find('"', from);
    if (to == std::string::npos) break;
    std::string src = r.body.substr(from, to - from);
    for (size_t amp = src.find("&amp;"); amp != std::string::npos; amp = src.find("&amp;", amp + 1)) {
      src.replace(amp, 5, "&");
    }
    frames.push_back(std::move(src));
  }
  return frames;
}

int LemonLdap::Logout(const std::string& cookie) {
  HttpClient browser(port_);
  return browser.Send(boost::beast::http::verb::get, "/?logout=1", "", {{"Cookie", cookie}}).status;
}

}  // namespace pupitre::testkit
