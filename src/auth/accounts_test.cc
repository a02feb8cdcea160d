// Sessions are bounded: a user holds at most N (a new login ends the oldest), expired ones are
// forgotten in memory and in the store, and a restart keeps only what is live and within bounds.
#include "auth/accounts.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "store/sqlite/sqlite_store.h"
#include "store/writer.h"
#include "testkit/child_server.h"
#include "testkit/fake_clock.h"

namespace pupitre::auth {
namespace {

constexpr int64_t kTtlMs = 60 * 60'000;

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() : clock_(FromUnixMs(1'800'000'000'000)) { Open(); }
  ~AccountsTest() override { Close(); }

  void Open(int max_sessions = 3) {
    backend_ = store::OpenSqlite(dir_.path()).value();
    writer_ = std::make_unique<store::Writer>(*backend_, metrics_, 64, 1000);
    accounts_ = std::make_unique<Accounts>(*writer_, *backend_, clock_, HashCost{1, 64}, kTtlMs,
                                           max_sessions, metrics_);
    accounts_->SetRemembering(kRememberMs, kRotateMs);
    accounts_->Load(*backend_->LoadAll());
  }
  void Close() {
    accounts_.reset();
    if (writer_) writer_->Stop();
    writer_.reset();
    backend_.reset();
  }
  // Logs in and waits until the session is durable; the token.
  std::string LogIn(const std::string& login, bool remember = false) {
    std::promise<Result<NewSession>> p;
    accounts_->Login(login, "password-1", [&](Result<NewSession> r) { p.set_value(std::move(r)); },
                     remember);
    auto f = p.get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto r = f.get();
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->token : "";
  }

  // Rotates the session of `token` if due; the new token ("" if none), once durable. The CSRF
  // token stays the same (the device's other tabs hold it).
  std::string Rotate(const std::string& token) {
    std::promise<std::optional<NewSession>> p;
    accounts_->RotateIfDue(HashToken(token), [&](std::optional<NewSession> r) { p.set_value(std::move(r)); });
    auto f = p.get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto r = f.get();
    if (r) {
      auto before = accounts_->Authenticate(token);
      EXPECT_TRUE(before.has_value());
      if (before) EXPECT_EQ(r->principal.csrf_token, before->csrf_token);
    }
    return r ? r->token : "";
  }
  static constexpr int64_t kRememberMs = 30LL * 24 * 3'600'000;
  static constexpr int64_t kRotateMs = 24LL * 3'600'000;

  testkit::TempDir dir_;
  FakeClock clock_;
  Metrics metrics_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, ChangingAPasswordEndsTheOtherSessionsAndSurvivesARestart) {
  ASSERT_TRUE(accounts_->CreateUsers({{"ada", "Ada", Role::kStudent, "password-1"}}).ok());
  const std::string here = LogIn("ada");
  const std::string there = LogIn("ada");
  const int64_t id = accounts_->FindByLogin("ada")->id;
  auto change = [&](const std::string& current, const std::string& next) {
    std::promise<Status> p;
    accounts_->ChangePassword(id, current, next, HashToken(here), [&](Status s) { p.set_value(s); });
    auto f = p.get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return f.get();
  };
  Status wrong = change("password-0", "password-2");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kForbidden) << "a 401 would log the page out";
  EXPECT_EQ(wrong.error().reason, "wrong_password");
  EXPECT_EQ(change("password-1", "short").error().reason, "password_too_short");
  EXPECT_EQ(change("password-1", "password-1").error().reason, "same_password");
  EXPECT_TRUE(accounts_->Authenticate(there)) << "a refused change ended a session";

  ASSERT_TRUE(change("password-1", "password-2").ok());
  EXPECT_TRUE(accounts_->Authenticate(here)) << "the session that changed it goes on";
  EXPECT_FALSE(accounts_->Authenticate(there)) << "another device is still logged in";

  Close();
  Open();
  EXPECT_TRUE(accounts_->Authenticate(here));
  EXPECT_FALSE(accounts_->Authenticate(there)) << "the ended session is back after a restart";
  std::promise<Result<NewSession>> old_login;
  accounts_->Login("ada", "password-1", [&](Result<NewSession> r) { old_login.set_value(std::move(r)); });
  EXPECT_FALSE(old_login.get_future().get().ok()) << "the old password still opens the account";
  std::promise<Result<NewSession>> new_login;
  accounts_->Login("ada", "password-2", [&](Result<NewSession> r) { new_login.set_value(std::move(r)); });
  EXPECT_TRUE(new_login.get_future().get().ok()) << "the new password was not kept";
}

TEST_F(AccountsTest, ANewLoginBeyondTheBoundEndsTheOldestSession) {
  ASSERT_TRUE(accounts_->CreateUsers({{"ada", "Ada", Role::kStudent, "password-1"}}).ok());
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) tokens.push_back(LogIn("ada"));
  EXPECT_FALSE(accounts_->Authenticate(tokens[0]));
  EXPECT_FALSE(accounts_->Authenticate(tokens[1]));
  for (int i = 2; i < 5; ++i) EXPECT_TRUE(accounts_->Authenticate(tokens[i])) << i;
  EXPECT_EQ(accounts_->session_count(), 3u);

  // The store agrees: after a restart the same three are live, and only they.
  Close();
  Open();
  EXPECT_FALSE(accounts_->Authenticate(tokens[0]));
  EXPECT_FALSE(accounts_->Authenticate(tokens[1]));
  for (int i = 2; i < 5; ++i) EXPECT_TRUE(accounts_->Authenticate(tokens[i])) << i;
  EXPECT_EQ(backend_->LoadAll()->sessions.size(), 3u);
}

TEST_F(AccountsTest, ARememberedDeviceStaysLoggedInForWeeksWithItsTokenRotatedDaily) {
  ASSERT_TRUE(accounts_->CreateUsers({{"ada", "Ada", Role::kStudent, "password-1"},
                                      {"bob", "Bob", Role::kStudent, "password-1"}}).ok());
  const std::string plain = LogIn("bob");
  std::string token = LogIn("ada", /*remember=*/true);
  EXPECT_EQ(Rotate(token), "") << "a fresh token is not rotated";
  EXPECT_EQ(Rotate(plain), "") << "an ordinary session never rotates";
  // Used every day for three weeks: always logged in, a new token each day, the old one ending
  // a moment after its replacement.
  for (int day = 1; day <= 21; ++day) {
    clock_.Advance(std::chrono::hours(25));
    ASSERT_TRUE(accounts_->Authenticate(token)) << "day " << day;
    const std::string next = Rotate(token);
    ASSERT_FALSE(next.empty()) << "day " << day;
    ASSERT_NE(next, token);
    EXPECT_EQ(Rotate(token), "") << "the old token is not rotated twice";
    EXPECT_TRUE(accounts_->Authenticate(token)) << "the old token works during the grace";
    clock_.Advance(Millis(Accounts::kRotationGraceMs + 1));
    EXPECT_FALSE(accounts_->Authenticate(token)) << "and not after it";
    token = next;
  }
  EXPECT_FALSE(accounts_->Authenticate(plain)) << "the ordinary session ended after its TTL";
  // Kept across a restart as remembered: counted, and rotated again the next day.
  Close();
  Open();
  ASSERT_TRUE(accounts_->Authenticate(token));
  const int64_t now = ToUnixMs(clock_.Now());
  const SessionCounts n = accounts_->CountSessions({1, 2}, now + kTtlMs * 2);
  EXPECT_EQ(n.with_session, 1);
  EXPECT_EQ(n.remembered, 1);
  EXPECT_EQ(accounts_->CountSessions({1, 2}, now + kRememberMs + 1).with_session, 0)
      << "not valid a month from now";
  clock_.Advance(std::chrono::hours(25));
  token = Rotate(token);
  ASSERT_FALSE(token.empty());
  // Unused for longer than it lasts: logged out.
  clock_.Advance(Millis(kRememberMs + 1));
  EXPECT_FALSE(accounts_->Authenticate(token));
}

TEST_F(AccountsTest, ALoginIsFoundWhateverTheCaseItIsTypedIn) {
  ASSERT_TRUE(accounts_->CreateUsers({{"Ada.Lovelace", "Ada", Role::kStudent, "password-1"}}).ok());
  EXPECT_FALSE(LogIn("ada.lovelace").empty());
  EXPECT_FALSE(LogIn("ADA.LOVELACE").empty());
  ASSERT_TRUE(accounts_->FindByLogin("ada.LOVELACE"));
  EXPECT_EQ(accounts_->FindByLogin("ada.LOVELACE")->login, "Ada.Lovelace");
  EXPECT_FALSE(accounts_->FindByLogin("ada.lovelac"));
  // Also after a restart (the folded index is rebuilt from the store).
  Close();
  Open();
  EXPECT_FALSE(LogIn("ada.lovelace").empty());
}

TEST_F(AccountsTest, ExpiredSessionsAreForgottenInMemoryAndInTheStore) {
  ASSERT_TRUE(accounts_->CreateUsers({{"ada", "Ada", Role::kStudent, "password-1"},
                                      {"bob", "Bob", Role::kStudent, "password-1"}})
                  .ok());
  std::string old_ada = LogIn("ada");
  clock_.Advance(Millis(kTtlMs / 2));
  std::string bob = LogIn("bob");
  clock_.Advance(Millis(kTtlMs / 2));  // Ada's session has just expired
  EXPECT_FALSE(accounts_->Authenticate(old_ada));
  EXPECT_EQ(accounts_->PurgeExpired(), 1u);
  EXPECT_EQ(accounts_->session_count(), 1u);
  EXPECT_TRUE(accounts_->Authenticate(bob));
  std::string ada = LogIn("ada");
  EXPECT_TRUE(accounts_->Authenticate(ada));
  Close();
  auto stored = store::OpenSqlite(dir_.path()).value();
  EXPECT_EQ(stored->LoadAll()->sessions.size(), 2u) << "the expired session is still stored";
  stored.reset();
  Open();
  EXPECT_TRUE(accounts_->Authenticate(bob));
  EXPECT_TRUE(accounts_->Authenticate(ada));
}

TEST_F(AccountsTest, ARestartWithATighterBoundKeepsTheNewestSessions) {
  ASSERT_TRUE(accounts_->CreateUsers({{"ada", "Ada", Role::kStudent, "password-1"}}).ok());
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) {
    tokens.push_back(LogIn("ada"));
    clock_.Advance(Millis(1000));
  }
  Close();
  Open(/*max_sessions=*/1);
  EXPECT_FALSE(accounts_->Authenticate(tokens[0]));
  EXPECT_FALSE(accounts_->Authenticate(tokens[1]));
  EXPECT_TRUE(accounts_->Authenticate(tokens[2]));
  Close();
  Open(/*max_sessions=*/3);
  EXPECT_EQ(accounts_->session_count(), 1u) << "the others were erased from the store";
}

}  // namespace
}  // namespace pupitre::auth

namespace pupitre::auth {
namespace {

Result<NewSession> Trusted(Accounts& a, const std::string& login, Role role, bool create,
                           std::vector<std::string> logout_names = {}) {
  std::promise<Result<NewSession>> p;
  a.LoginTrusted(
      login, "Ada Lovelace", role, create,
      [&](Result<NewSession> r) { p.set_value(std::move(r)); }, std::move(logout_names));
  auto f = p.get_future();
  EXPECT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  return f.get();
}

// Someone the school's identity provider vouched for: their account made once, as the provider
// says, never with a password that can be typed; kept as it is afterwards.
TEST_F(AccountsTest, ATrustedSignInMakesTheAccountOnceAndNeverAPassword) {
  EXPECT_EQ(Trusted(*accounts_, "ada", Role::kTeacher, false).error().reason, "sso_no_account");
  EXPECT_FALSE(accounts_->FindByLogin("ada")) << "nothing made when not asked to";
  auto first = Trusted(*accounts_, "ada", Role::kTeacher, true);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->principal.role, Role::kTeacher);
  EXPECT_TRUE(accounts_->Authenticate(first->token).has_value());
  const std::optional<User> made = accounts_->FindByLogin("ada");
  ASSERT_TRUE(made);
  EXPECT_EQ(made->display_name, "Ada Lovelace");
  // No password opens it: not the empty one, not the marker its hash starts with.
  for (const char* guess : {"", "sso:", "password-1"}) {
    std::promise<Result<NewSession>> p;
    accounts_->Login("ada", guess, [&](Result<NewSession> r) { p.set_value(std::move(r)); });
    EXPECT_FALSE(p.get_future().get().ok()) << guess;
  }
  // Later sign-ins find it, its role as it was (an operator changes roles, not the provider).
  auto second = Trusted(*accounts_, "ADA", Role::kStudent, true);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->principal.user_id, made->id);
  EXPECT_EQ(second->principal.role, Role::kTeacher);
  // A disabled account stays shut whoever vouches for it.
  std::promise<Status> off;
  accounts_->SetDisabled(made->id, true, [&](Status s) { off.set_value(s); });
  ASSERT_TRUE(off.get_future().get().ok());
  EXPECT_EQ(Trusted(*accounts_, "ada", Role::kTeacher, true).error().reason, "account_disabled");
  EXPECT_EQ(Trusted(*accounts_, "bad login!", Role::kStudent, true).error().reason, "login_chars");
  // An account with a password is not the provider's to open, whatever its role.
  ASSERT_TRUE(accounts_->CreateUsers({{"root", "Operator", Role::kAdmin, "password-1"}}).ok());
  EXPECT_EQ(Trusted(*accounts_, "ROOT", Role::kStudent, true).error().reason, "sso_local_account");
}

// A sign-in's single-logout names are stored with its session (whatever the provider gives: a
// long value, a NUL, a newline) and name it, newest first, until it ends.
TEST_F(AccountsTest, ASignInsLogoutNamesFindItsSessionsUntilTheyEnd) {
  const std::string subject = "oidc-sub\n" + std::string(5'000, 'x') + std::string(1, '\0') + "end";
  auto first = Trusted(*accounts_, "ada", Role::kStudent, true, {"ST-1-abc", subject});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = Trusted(*accounts_, "ada", Role::kStudent, true, {"ST-2-abc", subject});
  ASSERT_TRUE(second.ok()) << second.error().message;
  const std::string a = first->principal.token_hash, b = second->principal.token_hash;
  EXPECT_EQ(*accounts_->NamedSessions("ST-1-abc"), std::vector<std::string>{a});
  auto both = accounts_->NamedSessions(subject);
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->size(), 2u);
  EXPECT_TRUE(accounts_->NamedSessions(subject.substr(0, 5'000))->empty()) << "names are whole";
  std::promise<Status> out;
  accounts_->Logout(a, [&](Status s) { out.set_value(s); });
  ASSERT_TRUE(out.get_future().get().ok());
  EXPECT_EQ(*accounts_->NamedSessions(subject), std::vector<std::string>{b});
  EXPECT_TRUE(accounts_->NamedSessions("ST-1-abc")->empty());
}

}  // namespace
}  // namespace pupitre::auth
