#include "config/config.h"
#include "testkit/child_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace pupitre {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The error message of a config that must fail to parse.
std::string ErrorOf(std::string_view toml) {
  auto r = ParseConfig(toml);
  if (r.ok()) return "<parsed without error>";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << r.error().message;
  return r.error().message;
}

using testkit::TempDir;  // a fresh directory under /tmp, removed at the end

TEST(ConfigTest, EmptyTextGivesTheDefaults) {
  auto r = ParseConfig("");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Config defaults;
  EXPECT_EQ(r->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(r->server.threads, defaults.server.threads);
  EXPECT_EQ(r->server.worker_threads, defaults.server.worker_threads);
  EXPECT_EQ(r->server.max_header_bytes, 8 * 1024);
  EXPECT_EQ(r->server.max_body_bytes, 64 * 1024);
  EXPECT_EQ(r->server.max_import_bytes, 2 * 1024 * 1024);
  EXPECT_EQ(r->server.read_timeout_ms, 15'000);
  EXPECT_EQ(r->server.idle_timeout_ms, 75'000);
  EXPECT_EQ(r->server.write_timeout_ms, 15'000);
  EXPECT_EQ(r->server.max_connections, 20'000);
  EXPECT_EQ(r->server.shutdown_grace_ms, 10'000);
  EXPECT_EQ(r->store.data_dir, "var/data");
  EXPECT_EQ(r->store.max_batch, 2048);
  EXPECT_EQ(r->store.queue_capacity, 200'000);
  EXPECT_EQ(r->auth.argon2_iterations, 2);
  EXPECT_EQ(r->auth.argon2_memory_kib, 19 * 1024);
  EXPECT_EQ(r->auth.session_ttl_minutes, 12 * 60);
  EXPECT_EQ(r->exam.save_grace_ms, 10'000);
  EXPECT_EQ(r->exam.autosubmit_interval_ms, 1'000);
}

TEST(ConfigTest, EmptySectionsAndCommentsKeepTheDefaults) {
  auto r = ParseConfig("# nothing to change\n[server]\n[store]\n[auth]\n[exam]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(r->store.max_batch, 2048);
}

TEST(ConfigTest, ServerSectionIsApplied) {
  auto r = ParseConfig(R"toml(
[server]
listen = "0.0.0.0:0"
threads = 3
worker_threads = 5
max_header_bytes = 4096
max_body_bytes = 131072
max_import_bytes = 1048576
read_timeout_ms = 1000
idle_timeout_ms = 2000
write_timeout_ms = 3000
max_connections = 42
shutdown_grace_ms = 0
)toml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->server.listen, "0.0.0.0:0");
  EXPECT_EQ(r->server.threads, 3);
  EXPECT_EQ(r->server.worker_threads, 5);
  EXPECT_EQ(r->server.max_header_bytes, 4096);
  EXPECT_EQ(r->server.max_body_bytes, 131072);
  EXPECT_EQ(r->server.max_import_bytes, 1048576);
  EXPECT_EQ(r->server.read_timeout_ms, 1000);
  EXPECT_EQ(r->server.idle_timeout_ms, 2000);
  EXPECT_EQ(r->server.write_timeout_ms, 3000);
  EXPECT_EQ(r->server.max_connections, 42);
  EXPECT_EQ(r->server.shutdown_grace_ms, 0);
  // The other sections keep their defaults.
  EXPECT_EQ(r->store.data_dir, "var/data");
  EXPECT_EQ(r->exam.save_grace_ms, 10'000);
}

TEST(ConfigTest, StoreAuthAndExamSectionsAreApplied) {
  auto r = ParseConfig(R"toml(
[store]
data_dir = "/srv/pupitre"
max_batch = 64
queue_capacity = 25000

[auth]
argon2_iterations = 3
argon2_memory_kib = 65536
session_ttl_minutes = 90

[exam]
save_grace_ms = 2500
autosubmit_interval_ms = 250
)toml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->store.data_dir, "/srv/pupitre");
  EXPECT_EQ(r->store.max_batch, 64);
  EXPECT_EQ(r->store.queue_capacity, 25000);
  EXPECT_EQ(r->auth.argon2_iterations, 3);
  EXPECT_EQ(r->auth.argon2_memory_kib, 65536);
  EXPECT_EQ(r->auth.session_ttl_minutes, 90);
  EXPECT_EQ(r->exam.save_grace_ms, 2500);
  EXPECT_EQ(r->exam.autosubmit_interval_ms, 250);
  EXPECT_EQ(r->server.listen, "127.0.0.1:8080");
}

TEST(ConfigTest, TheSsoSectionNamesTheProviderAndEachMistake) {
  auto r = ParseConfig(
      "[sso]\ncas_url = \"https://auth.school.fr/cas/\"\n"
      "service_url = \"https://pupitre.school.fr/sso/cas/callback\"\nrole_attribute = \"groups\"\n"
      "teacher_values = [\"staff\"]\nrequired_attribute = \"school\"\nallowed_values = [\"x\"]\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sso.cas_url, "https://auth.school.fr/cas") << "no trailing /";
  EXPECT_EQ(r->sso.teacher_values, std::vector<std::string>{"staff"});
  EXPECT_TRUE(r->sso.create_accounts) << "the default";
  EXPECT_THAT(ErrorOf("[sso]\ncas_url = \"ldap://x\"\n"), HasSubstr("sso.cas_url"));
  EXPECT_THAT(ErrorOf("[sso]\ncas_url = \"https://x/cas\"\n"), HasSubstr("sso.service_url"));
  EXPECT_THAT(ErrorOf("[sso]\ncas_url = \"https://x/cas\"\nservice_url = \"https://y/\"\n"
                      "required_attribute = \"a\"\n"),
              HasSubstr("sso.allowed_values"));
  EXPECT_THAT(ErrorOf("[sso]\ntimeout_ms = 60000\n"), HasSubstr("sso.timeout_ms"));
  EXPECT_THAT(ErrorOf("[sso]\noidc_issuer = \"auth.school.fr\"\n"), HasSubstr("sso.oidc_issuer"));
  EXPECT_THAT(ErrorOf("[sso]\noidc_issuer = \"https://auth.school.fr\"\n"),
              HasSubstr("sso.oidc_client_id"));
  EXPECT_THAT(ErrorOf("[sso]\noidc_issuer = \"https://a\"\noidc_client_id = \"p\"\n"),
              HasSubstr("sso.oidc_redirect_url"));
  EXPECT_THAT(ErrorOf("[sso]\noidc_issuer = \"https://a\"\noidc_client_id = \"p\"\n"
                      "oidc_redirect_url = \"https://p/sso/oidc/callback\"\n"
                      "oidc_scopes = \"profile openidx\"\n"),
              HasSubstr("sso.oidc_scopes"));
  auto oidc = ParseConfig(
      "[sso]\noidc_issuer = \"https://a\"\noidc_client_id = \"p\"\n"
      "oidc_redirect_url = \"https://p/sso/oidc/callback\"\noidc_scopes = \"profile openid\"\n");
  ASSERT_TRUE(oidc.ok()) << oidc.error().message;
  EXPECT_TRUE(oidc->sso.oidc_userinfo) << "the default";
}

TEST(ConfigTest, TheLtiSectionNamesThePlatformAndEachMistake) {
  const std::string good =
      "[lti]\nissuer = \"https://lms\"\nclient_id = \"t\"\ndeployment_ids = [\"1\"]\n"
      "auth_login_url = \"https://lms/auth\"\n"
      "jwks_url = \"https://lms/keys\"\ntool_url = \"https://pupitre/\"\ntool_key_file = \"/k.pem\"\n";
  auto r = ParseConfig(good);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->lti.tool_url, "https://pupitre") << "no trailing /";
  EXPECT_TRUE(r->lti.create_accounts);
  EXPECT_THAT(ErrorOf("[lti]\nissuer = \"https://lms\"\n"), HasSubstr("lti.client_id"));
  EXPECT_THAT(ErrorOf(good + "token_url = \"ftp://x\"\n"), HasSubstr("lti.token_url"));
  EXPECT_THAT(ErrorOf(good + "login_claim = \"email\"\n"), HasSubstr("login_claim"));
  EXPECT_THAT(ErrorOf("[lti]\nissuer = \"https://lms\"\nclient_id = \"t\"\n"),
              HasSubstr("lti.deployment_ids"));
  std::string plain = good;
  plain.replace(plain.find("https://lms/keys"), 16, "http://lms/keys");
  EXPECT_THAT(ErrorOf(plain), HasSubstr("lti.jwks_url")) << "keys over plain http: refused";
  EXPECT_THAT(ErrorOf("[sso]\ncas_url = \"http://auth.school.fr/cas\"\nservice_url = \"https://p/\"\n"),
              HasSubstr("sso.cas_url"));
  EXPECT_THAT(ErrorOf(good + "secret = 1\n"), HasSubstr("secret"));
  EXPECT_THAT(ErrorOf("[sso]\nsecret = \"x\"\n"), HasSubstr("secret"));
}

TEST(ConfigTest, TheLiveSectionNamesTheEngineAndEachMistake) {
  auto r = ParseConfig(
      "[live]\nbbb_url = \"https://bbb.example.org/bigbluebutton/api/\"\n"
      "bbb_secret_file = \"/etc/pupitre/bbb-secret\"\nchecksum = \"sha1\"\n"
      "max_participants = 300\njoin_rate = 5\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->live.bbb_url, "https://bbb.example.org/bigbluebutton/api/");
  EXPECT_EQ(r->live.checksum, "sha1");
  EXPECT_EQ(r->live.max_participants, 300);
  EXPECT_DOUBLE_EQ(r->live.join_rate, 5);
  EXPECT_EQ(ParseConfig("").value().live.checksum, "sha256") << "the default";
  EXPECT_THAT(ErrorOf("[live]\nbbb_url = \"ftp://x\"\nbbb_secret_file = \"s\"\n"),
              HasSubstr("live.bbb_url"));
  EXPECT_THAT(ErrorOf("[live]\nbbb_url = \"https://x/api/\"\n"),
              HasSubstr("live.bbb_secret_file"));
  EXPECT_THAT(ErrorOf("[live]\nchecksum = \"md5\"\n"), HasSubstr("live.checksum"));
  EXPECT_THAT(ErrorOf("[live]\nmeeting_prefix = \"a b\"\n"), HasSubstr("live.meeting_prefix"));
  EXPECT_THAT(ErrorOf("[live]\nsecret = \"x\"\n"), HasSubstr("secret"));
}

TEST(ConfigTest, RangeBoundsAreInclusive) {
  auto low = ParseConfig("[server]\nthreads = 0\n[store]\nmax_batch = 1\n");
  ASSERT_TRUE(low.ok()) << low.error().message;
  EXPECT_EQ(low->server.threads, 0);
  EXPECT_EQ(low->store.max_batch, 1);
  auto high = ParseConfig("[server]\nthreads = 256\n[store]\nmax_batch = 1000000\n");
  ASSERT_TRUE(high.ok()) << high.error().message;
  EXPECT_EQ(high->server.threads, 256);
  EXPECT_EQ(high->store.max_batch, 1'000'000);
}

TEST(ConfigTest, SchoolTimeZoneIsCheckedAgainstTheDatabase) {
  auto defaults = ParseConfig("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->school.time_zone, "UTC");
  auto paris = ParseConfig("[school]\ntime_zone = \"Europe/Paris\"\n");
  ASSERT_TRUE(paris.ok()) << paris.error().message;
  EXPECT_EQ(paris->school.time_zone, "Europe/Paris");
  EXPECT_THAT(ErrorOf("[school]\ntime_zone = \"Paris\"\n"), HasSubstr("school.time_zone"));
  EXPECT_THAT(ErrorOf("[school]\nzone = \"UTC\"\n"), HasSubstr("school.zone"));
}

TEST(ConfigTest, UnknownSectionIsNamed) {
  std::string m = ErrorOf("[database]\nurl = \"x\"\n");
  EXPECT_THAT(m, HasSubstr("database")) << "the error must name the unknown section";
  EXPECT_THAT(m, HasSubstr("unknown section"));
}

TEST(ConfigTest, UnknownTopLevelKeyIsRefused) {
  EXPECT_THAT(ErrorOf("threads = 4\n"), HasSubstr("threads"));
}

TEST(ConfigTest, UnknownKeyIsNamedWithItsSection) {
  EXPECT_THAT(ErrorOf("[server]\nthread = 4\n"), HasSubstr("server.thread: unknown key"));
  EXPECT_THAT(ErrorOf("[store]\ndatadir = \"x\"\n"), HasSubstr("store.datadir"));
  EXPECT_THAT(ErrorOf("[auth]\nsession_ttl = 5\n"), HasSubstr("auth.session_ttl"));
  EXPECT_THAT(ErrorOf("[exam]\ngrace_ms = 5\n"), HasSubstr("exam.grace_ms"));
}

TEST(ConfigTest, WrongTypeIsNamed) {
  std::string m = ErrorOf("[server]\nthreads = \"4\"\n");
  EXPECT_THAT(m, HasSubstr("server.threads"));
  EXPECT_THAT(m, HasSubstr("integer"));
  EXPECT_THAT(ErrorOf("[server]\nthreads = 2.0\n"), HasSubstr("server.threads"));
  EXPECT_THAT(ErrorOf("[store]\nmax_batch = true\n"), HasSubstr("store.max_batch"));
  EXPECT_THAT(ErrorOf("[server]\nlisten = 8080\n"), HasSubstr("server.listen: must be a string"));
  EXPECT_THAT(ErrorOf("[store]\ndata_dir = [\"a\"]\n"), HasSubstr("store.data_dir"));
}

TEST(ConfigTest, SectionThatIsNotATableIsNamed) {
  EXPECT_THAT(ErrorOf("server = 5\n"), HasSubstr("server: must be a table"));
  EXPECT_THAT(ErrorOf("[exam]\noutage_compensation = \"sometimes\"\n"),
              HasSubstr("exam.outage_compensation: must be \"auto\", \"ask\" or \"off\""));
  EXPECT_THAT(ErrorOf("[attack]\nmode = \"maybe\"\n"), HasSubstr("attack.mode: must be"));
  EXPECT_THAT(ErrorOf("[auth]\nlogin_line_backlog_ms = 1\n"),
              HasSubstr("auth.login_line_backlog_ms: must be between 50 and 60000"));
}

TEST(ConfigTest, OutOfRangeValueIsNamedWithTheRange) {
  EXPECT_THAT(ErrorOf("[server]\nthreads = 257\n"),
              HasSubstr("server.threads: must be between 0 and 256"));
  EXPECT_THAT(ErrorOf("[server]\nthreads = -1\n"), HasSubstr("server.threads"));
  // Far beyond an int: must not wrap around into the range.
  EXPECT_THAT(ErrorOf("[server]\nthreads = 4294967297\n"), HasSubstr("server.threads"));
  EXPECT_THAT(ErrorOf("[store]\nmax_batch = 0\n"), HasSubstr("store.max_batch"));
  EXPECT_THAT(ErrorOf("[auth]\nargon2_memory_kib = 4\n"), HasSubstr("auth.argon2_memory_kib"));
  EXPECT_THAT(ErrorOf("[exam]\nautosubmit_interval_ms = 5\n"),
              HasSubstr("exam.autosubmit_interval_ms"));
}

TEST(ConfigTest, GuardSectionIsAppliedAndChecked) {
  auto r = ParseConfig(
      "[guard]\ninitial_limit = 10\nmin_limit = 2\nmax_limit = 50\nqueue_capacity = 7\n"
      "queue_timeout_ms = 250\ntolerance = 1.5\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->guard.initial_limit, 10);
  EXPECT_EQ(r->guard.min_limit, 2);
  EXPECT_EQ(r->guard.max_limit, 50);
  EXPECT_EQ(r->guard.queue_capacity, 7);
  EXPECT_EQ(r->guard.queue_timeout_ms, 250);
  EXPECT_DOUBLE_EQ(r->guard.tolerance, 1.5);
  EXPECT_THAT(ErrorOf("[guard]\ntolerance = 0.5\n"), HasSubstr("guard.tolerance"));
  EXPECT_THAT(ErrorOf("[guard]\ntolerance = \"high\"\n"), HasSubstr("guard.tolerance"));
  EXPECT_THAT(ErrorOf("[guard]\ninitial_limit = 5\nmin_limit = 6\n"),
              HasSubstr("guard.initial_limit"));
}

TEST(ConfigTest, WaitingRoomSectionIsAppliedAndChecked) {
  auto r = ParseConfig("[waiting_room]\ninitial_rate = 5\nmin_rate = 2\nmax_rate = 9.5\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->waiting_room.initial_rate, 5);
  EXPECT_DOUBLE_EQ(r->waiting_room.min_rate, 2);
  EXPECT_DOUBLE_EQ(r->waiting_room.max_rate, 9.5);
  EXPECT_THAT(ErrorOf("[waiting_room]\ninitial_rate = 50\nmax_rate = 10\n"),
              HasSubstr("waiting_room.initial_rate"));
  EXPECT_THAT(ErrorOf("[waiting_room]\nrate = 5\n"), HasSubstr("waiting_room.rate: unknown key"));
}

TEST(ConfigTest, ListenWithoutPortIsRefused) {
  EXPECT_THAT(ErrorOf("[server]\nlisten = \"localhost\"\n"), HasSubstr("server.listen"));
}

TEST(ConfigTest, SyntaxErrorNamesTheLine) {
  std::string m = ErrorOf("[server]\nthreads = 4\nlisten = \n");
  EXPECT_THAT(m, StartsWith("line 3")) << "the error must say where the syntax error is";
}

TEST(ConfigTest, LoadConfigFileReadsTheFile) {
  TempDir dir;
  const std::string path = dir.path() + "/pupitre.toml";
  std::ofstream(path) << "[server]\nthreads = 7\n";
  auto r = LoadConfigFile(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->server.threads, 7);
}

TEST(ConfigTest, LoadConfigFileOnAMissingFileNamesTheFile) {
  TempDir dir;
  const std::string path = dir.path() + "/absent.toml";
  auto r = LoadConfigFile(path);
  ASSERT_FALSE(r.ok()) << "a missing config file must not give the defaults";
  EXPECT_THAT(r.error().message, HasSubstr(path));
}

TEST(ConfigTest, LoadConfigFileOnADirectoryFails) {
  // A directory opens as a stream but reads nothing; it must not pass for an empty config.
  TempDir dir;
  auto r = LoadConfigFile(dir.path());
  ASSERT_FALSE(r.ok()) << "a directory must not be taken for an empty config file";
  EXPECT_THAT(r.error().message, HasSubstr(dir.path()));
}

TEST(ConfigTest, LoadConfigFileErrorNamesTheFileAndTheKey) {
  TempDir dir;
  const std::string path = dir.path() + "/bad.toml";
  std::ofstream(path) << "[server]\nthreads = 1000\n";
  auto r = LoadConfigFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("server.threads"));
}

TEST(ConfigTest, ListenIsSplitIntoHostAndPortAndEveryBadFormIsNamed) {
  auto v4 = ParseConfig("[server]\nlisten = \"127.0.0.2:9001\"\n");
  ASSERT_TRUE(v4.ok()) << v4.error().message;
  EXPECT_EQ(v4->server.host, "127.0.0.2");
  EXPECT_EQ(v4->server.port, 9001);
  auto v6 = ParseConfig("[server]\nlisten = \"[::1]:0\"\n");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->server.host, "::1");
  EXPECT_EQ(v6->server.port, 0);
  // Bare IPv6, as it was always accepted: the port follows the last colon.
  auto bare = ParseConfig("[server]\nlisten = \"::1:8080\"\n");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->server.host, "::1");
  // The defaults are parsed too: host and port agree with the default listen.
  EXPECT_EQ(ParseConfig("")->server.port, 8080);
  // A port that std::stoi would throw on, or wrap, is refused with a message.
  for (const char* bad : {"127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536",
                          "127.0.0.1:99999999999999999999", "127.0.0.1:-1", "127.0.0.1:80x",
                          "localhost:8080", "[127.0.0.1]:80", "[::1]8080", ":8080"}) {
    SCOPED_TRACE(bad);
    std::string m = ErrorOf(std::string("[server]\nlisten = \"") + bad + "\"\n");
    EXPECT_THAT(m, HasSubstr("server.listen"));
    EXPECT_THAT(m, HasSubstr(bad));
  }
}

}  // namespace
}  // namespace pupitre
