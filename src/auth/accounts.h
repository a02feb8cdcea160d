#pragma once
// Accounts and sessions: held in memory, written through to the store.
// Thread-safe: every public method may be called from any thread.

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "auth/crypto.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "common/metrics.h"
#include "store/id_blocks.h"
#include "store/changes.h"
#include "store/writer.h"

namespace pupitre::auth {

enum class Role { kStudent, kTeacher, kAdmin };
std::optional<Role> ParseRole(std::string_view s);
std::string_view RoleName(Role r);

// A user as the rest of the program sees them: never their password hash.
struct User {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  Role role = Role::kStudent;
};

// Who is calling, as found from a session.
struct Principal {
  int64_t user_id = 0;
  std::string login;
  std::string display_name;
  Role role = Role::kStudent;
  std::string token_hash;
  std::string csrf_token;
};

struct NewSession {
  std::string token;  // give it to the client once; only its hash is kept
  int64_t expires_ms = 0;
  Principal principal;
  bool remembered = false;  // "remember this device": the cookie outlives the browser
};

// How many of some users hold a session that is still valid at a time (before an exam: so
// many will not need to log in at 9:00).
struct SessionCounts {
  int64_t with_session = 0;
  int64_t remembered = 0;  // of which on a remembered device
};

struct NewUser {
  std::string login;
  std::string display_name;
  Role role = Role::kStudent;
  std::string password;
};

// A login as accounts compare them: two logins differing only by case are the same account.
std::string FoldLogin(std::string_view login);

// The refusal for a login no account has (the pages name the login).
inline Error NoSuchUser(const std::string& login) {
  return Error::NotFound("no user '" + login + "'").Because("no_user", {{"login", login}});
}

// Checks a new user's fields; the message names the field.
Status ValidateNewUser(const NewUser& u);
// The login and name rules of ValidateNewUser (an account made without a password: SSO).
Status ValidateLoginAndName(const std::string& login, const std::string& display_name);
// A new password: 8 to 1024 bytes (kInvalid, reasons password_too_short / password_too_long).
Status ValidatePassword(const std::string& password);

class Accounts {
 public:
  // REQUIRES: every argument outlives the Accounts.
  // Sessions are bounded: each lasts `session_ttl_ms`, and a user holds at most
  // `max_sessions_per_user` (a new login ends their oldest), so that logins, even a flood of
  // good ones, cannot grow memory without bound.
  Accounts(store::Writer& writer, store::Backend& backend, const Clock& clock, HashCost cost,
           int64_t session_ttl_ms, int max_sessions_per_user, Metrics& metrics);

  // Fills memory from the store's snapshot (live sessions only, the newest of each user, and
  // erases the others from the store). REQUIRES: called once, before serving.
  void Load(const store::Snapshot& snapshot);
  // What another node changed (cluster/change_feed.h): users as they are now (a new account,
  // a new password, disabled or enabled again: a disabled user's sessions end here too), and
  // sessions that ended there (a logout). Nothing is written.
  void Absorb(const store::Changed& changed);
  // Where user ids come from (memory on one node; the store's blocks when nodes share it).
  store::IdSource& user_ids() { return user_ids_; }

  // Forgets the sessions past their expiry, in memory and in the store. Returns how many.
  // Call now and then (the server does, every minute).
  size_t PurgeExpired();
  size_t session_count() const;

  // "Remember this device" sessions last `remember_ttl_ms` and get a new token once
  // `rotate_after_ms` passed since theirs was issued (see RotateIfDue). REQUIRES: before
  // serving; without it, a remembered session lasts as an ordinary one and never rotates.
  void SetRemembering(int64_t remember_ttl_ms, int64_t rotate_after_ms) {
    remember_ttl_ms_ = remember_ttl_ms;
    rotate_after_ms_ = rotate_after_ms;
  }
  int64_t remember_ttl_ms() const { return remember_ttl_ms_ > 0 ? remember_ttl_ms_ : session_ttl_ms_; }
  // An old token still works this long after its rotation (other tabs, requests in flight).
  static constexpr int64_t kRotationGraceMs = 2 * 60'000;

  // Checks the password and opens a session (remembered, if asked); `done` runs once the
  // session is durable. Slow (argon2id): call from a worker thread.
  void Login(const std::string& login, const std::string& password,
             std::function<void(Result<NewSession>)> done, bool remember = false);

  // Opens a session for someone the school's identity provider vouched for (no password here):
  // their account, made first (as a student unless `role` says otherwise, with no password
  // that can ever be typed) when `create` and there is none. Fails kForbidden with reason
  // sso_no_account (none, and !create) or account_disabled. An existing account keeps its role
  // and name. `done` runs once the session is durable. Call from a worker thread.
  // Only accounts made this way are opened so (their hash starts with kSsoHashPrefix): an
  // account with a password fails kForbidden, reason sso_local_account.
  // `logout_names` are what the provider's single logout will give for this sign-in (a CAS
  // ticket, an OpenID Connect session or subject): stored with the session, in the same
  // transaction, where every node finds them (NamedSessions); they go with the session.
  void LoginTrusted(const std::string& login, const std::string& display_name, Role role,
                    bool create, std::function<void(Result<NewSession>)> done,
                    std::vector<std::string> logout_names = {});
  static constexpr std::string_view kSsoHashPrefix = "sso:";

  // A remembered session whose token is older than the rotation age gets a new token (and
  // a new expiry, so that a device used every day stays logged in); the old one ends after
  // kRotationGraceMs; the CSRF token stays the same (other tabs hold it). `done` gets the new
  // session once durable, or nothing when no rotation is due (or it could not be written: the
  // old token goes on). `done` never runs with the accounts' lock held.
  void RotateIfDue(const std::string& token_hash,
                   std::function<void(std::optional<NewSession>)> done);

  SessionCounts CountSessions(const std::vector<int64_t>& user_ids, int64_t valid_at_ms) const;

  // The principal of a live session token, or nothing. Fast; never touches the store.
  std::optional<Principal> Authenticate(std::string_view token) const;
  // A session opened on another node sharing the store: read from the store and kept here, so
  // that Authenticate knows it. False if the store has no live session for `token` (or its user
  // is unknown here). Blocking (one store read): call it on a worker.
  bool AdoptSession(std::string_view token);

  // The user's own change of password: `current` must be right (else kForbidden, reason
  // "wrong_password": a 401 would log the page out), `next` follows the rules of new
  // passwords (kInvalid). Once the new hash is durable, every other session of the user ends
  // (a stolen session does not outlive the change); `keep_token_hash` goes on. Slow (argon2id
  // twice): call from a worker thread.
  void ChangePassword(int64_t user_id, const std::string& current, const std::string& next,
                      const std::string& keep_token_hash, std::function<void(Status)> done);

  // An operator's reset of a user's password (the rules of new passwords apply); once the new
  // hash is durable every session of the user ends. Slow (argon2id): call from a worker thread.
  void ResetPassword(int64_t user_id, const std::string& password, std::function<void(Status)> done);

  // An operator disables an account (no login: "account_disabled"; its sessions end once that
  // is durable) or enables it again. `done` runs once durable.
  void SetDisabled(int64_t user_id, bool disabled, std::function<void(Status)> done);
  bool IsDisabled(int64_t user_id) const;

  // Up to `limit` users whose login or name holds `text`, whatever its case, by login.
  std::vector<User> FindUsers(std::string_view text, size_t limit) const;

  // Ends a session; `done` runs once that is durable.
  void Logout(const std::string& token_hash, std::function<void(Status)> done);

  // Single logout: the sessions still open that a sign-in's logout name names (LoginTrusted),
  // newest first, at most kMaxNamedSessions. Reads the store: call it off the event loops.
  static constexpr size_t kMaxNamedSessions = 1000;
  Result<std::vector<std::string>> NamedSessions(const std::string& name);

  // Creates users (hashing their passwords: slow) in one transaction: all or none.
  // Fails with kConflict naming the first login already taken.
  Result<std::vector<User>> CreateUsers(const std::vector<NewUser>& users);
  // Creates users whose password hashes are already computed (demo data, bulk imports).
  Result<std::vector<User>> CreateHashedUsers(std::vector<store::UserRecord> users);

  std::optional<User> FindById(int64_t id) const;
  // As written, else ignoring case (logins are unique ignoring case).
  std::optional<User> FindByLogin(const std::string& login) const;
  size_t user_count() const;

  const HashCost& cost() const { return cost_; }

 private:
  std::optional<store::UserRecord> LookupLogin(const std::string& login);
  std::optional<int64_t> IdOfLogin(const std::string& login) const REQUIRES_SHARED(mu_);
  void Insert(const store::UserRecord& u) REQUIRES(mu_);
  // Queues a new session for the store and adds it in memory; `done` runs once durable.
  // `logout_names` are stored with the session (LoginTrusted).
  void OpenSession(const store::UserRecord& user, bool remember,
                   std::function<void(Result<NewSession>)> done, std::string csrf = "",
                   std::vector<std::string> logout_names = {});
  // Adds a session; returns the hashes of the sessions it pushed out.
  std::vector<std::string> AddSession(const store::SessionRecord& rec) REQUIRES(mu_);
  // Drops a session from memory.
  void DropSession(const std::string& token_hash) REQUIRES(mu_);
  // Erases sessions from the store (best effort: what remains is purged at the next start).
  void EraseStored(const std::vector<std::string>& token_hashes);
  // Keeps a new password hash, then ends every session of the user but `keep_token_hash`.
  void StorePassword(int64_t user_id, std::string hash, std::string keep_token_hash,
                     std::function<void(Status)> done);

  store::Writer& writer_;
  store::Backend& backend_;
  const Clock& clock_;
  const HashCost cost_;
  const int64_t session_ttl_ms_;
  const size_t max_sessions_per_user_;
  int64_t remember_ttl_ms_ = 0;
  int64_t rotate_after_ms_ = 0;
  Metrics& metrics_;
  std::string dummy_hash_;  // verified against for unknown logins, to keep timing even

  mutable SharedMutex mu_;
  store::IdSource user_ids_;
  std::unordered_map<int64_t, store::UserRecord> users_ GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> by_login_ GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> by_folded_login_ GUARDED_BY(mu_);  // FoldLogin
  std::unordered_set<int64_t> disabled_ GUARDED_BY(mu_);
  std::unordered_map<std::string, store::SessionRecord> sessions_ GUARDED_BY(mu_);  // by hash
  std::unordered_map<int64_t, std::deque<std::string>> user_sessions_
      GUARDED_BY(mu_);  // oldest first
};

}  // namespace pupitre::auth
