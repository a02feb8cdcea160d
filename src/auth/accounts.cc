#include "auth/accounts.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "common/text.h"

namespace pupitre::auth {

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "student") return Role::kStudent;
  if (s == "teacher") return Role::kTeacher;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kStudent: return "student";
    case Role::kTeacher: return "teacher";
    case Role::kAdmin: return "admin";
  }
  return "student";
}

std::string FoldLogin(std::string_view login) { return AsciiLower(login); }

Status ValidateNewUser(const NewUser& u) {
  if (Status s = ValidateLoginAndName(u.login, u.display_name); !s.ok()) return s;
  return ValidatePassword(u.password);
}

Status ValidateLoginAndName(const std::string& login, const std::string& display_name) {
  const NewUser u{login, display_name, Role::kStudent, ""};
  if (u.login.empty() || u.login.size() > 64) {
    return Error::Invalid("login: 1 to 64 characters").Because("login_length");
  }
  for (char c : u.login) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return Error::Invalid("login: only letters, digits and . _ - @").Because("login_chars");
  }
  if (u.display_name.size() > 200) {
    return Error::Invalid("name: at most 200 characters").Because("name_too_long");
  }
  if (FirstInvalidUtf8(u.display_name)) {
    return Error::Invalid("name: not valid UTF-8").Because("name_not_utf8");
  }
  if (HasControlCharacter(u.display_name)) {
    return Error::Invalid("name: no control characters").Because("name_control");
  }
  return OkStatus();
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < 8) {
    return Error::Invalid("password: at least 8 characters").Because("password_too_short");
  }
  if (password.size() > 1024) {
    return Error::Invalid("password: at most 1024 characters").Because("password_too_long");
  }
  return OkStatus();
}

Accounts::Accounts(store::Writer& writer, store::Backend& backend, const Clock& clock,
                   HashCost cost, int64_t session_ttl_ms, int max_sessions_per_user,
                   Metrics& metrics)
    : writer_(writer),
      backend_(backend),
      clock_(clock),
      cost_(cost),
      session_ttl_ms_(session_ttl_ms),
      max_sessions_per_user_(static_cast<size_t>(std::max(1, max_sessions_per_user))),
      metrics_(metrics) {
  auto h = HashPassword(RandomHex(16), cost_);
  if (h.ok()) dummy_hash_ = *h;
}

void Accounts::Load(const store::Snapshot& snapshot) {
  std::vector<std::string> gone;
  {
  WriterLock lock(mu_);
  for (const auto& u : snapshot.users) {
    Insert(u);
  }
  disabled_.insert(snapshot.disabled_users.begin(), snapshot.disabled_users.end());
  const int64_t now = ToUnixMs(clock_.Now());
  // Oldest first, so that each user keeps their newest sessions.
  std::vector<const store::SessionRecord*> live;
  for (const auto& s : snapshot.sessions) {
    if (s.expires_ms > now) {
      live.push_back(&s);
    } else {
      gone.push_back(s.token_hash);
    }
  }
  std::sort(live.begin(), live.end(),
            [](auto* a, auto* b) { return a->expires_ms < b->expires_ms; });
  for (const auto* s : live) {
    for (auto& h : AddSession(*s)) gone.push_back(std::move(h));
  }
  }
  EraseStored(gone);
}

void Accounts::Absorb(const store::Changed& changed) {
  WriterLock lock(mu_);
  for (const auto& u : changed.now.users) Insert(u);
  for (const auto& [user_id, disabled] : changed.users_disabled) {
    if (!disabled) {
      disabled_.erase(user_id);
      continue;
    }
    disabled_.insert(user_id);
    if (auto mine = user_sessions_.find(user_id); mine != user_sessions_.end()) {
      const std::deque<std::string> ended = mine->second;
      for (const auto& h : ended) DropSession(h);
    }
  }
  for (const auto& h : changed.ended_sessions) DropSession(h);
}

std::vector<std::string> Accounts::AddSession(const store::SessionRecord& rec) {
  sessions_[rec.token_hash] = rec;
  auto& mine = user_sessions_[rec.user_id];
  mine.push_back(rec.token_hash);
  std::vector<std::string> pushed_out;
  while (mine.size() > max_sessions_per_user_) {
    pushed_out.push_back(mine.front());
    sessions_.erase(mine.front());
    mine.pop_front();
  }
  return pushed_out;
}

void Accounts::DropSession(const std::string& token_hash) {
  auto it = sessions_.find(token_hash);
  if (it == sessions_.end()) return;
  auto mine = user_sessions_.find(it->second.user_id);
  if (mine != user_sessions_.end()) {
    auto& q = mine->second;
    q.erase(std::remove(q.begin(), q.end(), token_hash), q.end());
    if (q.empty()) user_sessions_.erase(mine);
  }
  sessions_.erase(it);
}

void Accounts::EraseStored(const std::vector<std::string>& token_hashes) {
  for (const auto& h : token_hashes) {
    // A refusal (queue full, stopping) leaves an ended session in the store; Load drops it.
    (void)writer_.Submit(store::op::DeleteSession{h}, [](const Status&) {});
  }
}

size_t Accounts::PurgeExpired() {
  const int64_t now = ToUnixMs(clock_.Now());
  std::vector<std::string> gone;
  {
    WriterLock lock(mu_);
    for (const auto& [hash, rec] : sessions_) {
      if (rec.expires_ms <= now) gone.push_back(hash);
    }
    for (const auto& h : gone) DropSession(h);
  }
  EraseStored(gone);
  return gone.size();
}

size_t Accounts::session_count() const {
  ReaderLock lock(mu_);
  return sessions_.size();
}

void Accounts::Insert(const store::UserRecord& u) {
  users_[u.id] = u;
  by_login_[u.login] = u.id;
  by_folded_login_.emplace(FoldLogin(u.login), u.id);
  user_ids_.AtLeast(u.id + 1);
}

std::optional<int64_t> Accounts::IdOfLogin(const std::string& login) const {
  // Exactly as written, else ignoring case (logins are unique ignoring case; a store from
  // before that rule may hold two that differ by case only: the exact one wins).
  if (auto it = by_login_.find(login); it != by_login_.end()) return it->second;
  if (auto it = by_folded_login_.find(FoldLogin(login)); it != by_folded_login_.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::optional<store::UserRecord> Accounts::LookupLogin(const std::string& login) {
  {
    ReaderLock lock(mu_);
    if (auto id = IdOfLogin(login)) return users_.at(*id);
  }
  // Accounts added by `pupitre admin` while the server runs are only in the store.
  auto found = backend_.FindUserByLogin(login);
  if (!found.ok() || !*found) return std::nullopt;
  WriterLock lock(mu_);
  Insert(**found);
  return **found;
}

void Accounts::ChangePassword(int64_t user_id, const std::string& current,
                              const std::string& next, const std::string& keep_token_hash,
                              std::function<void(Status)> done) {
  std::optional<store::UserRecord> user;
  {
    ReaderLock lock(mu_);
    if (auto it = users_.find(user_id); it != users_.end()) user = it->second;
  }
  if (!user) return done(Error::NotFound("no such user"));
  if (!VerifyPassword(current, user->password_hash)) {
    return done(Error::Forbidden("the current password is wrong").Because("wrong_password"));
  }
  if (Status valid = ValidatePassword(next); !valid.ok()) return done(valid);
  if (next == current) {
    return done(Error::Invalid("the new password is the current one").Because("same_password"));
  }
  auto hash = HashPassword(next, cost_);
  if (!hash.ok()) return done(hash.error());
  StorePassword(user_id, std::move(*hash), keep_token_hash, std::move(done));
}

void Accounts::ResetPassword(int64_t user_id, const std::string& password,
                             std::function<void(Status)> done) {
  if (Status valid = ValidatePassword(password); !valid.ok()) return done(valid);
  {
    ReaderLock lock(mu_);
    if (!users_.count(user_id)) return done(Error::NotFound("no such user"));
  }
  auto hash = HashPassword(password, cost_);
  if (!hash.ok()) return done(hash.error());
  StorePassword(user_id, std::move(*hash), "", std::move(done));
}

bool Accounts::IsDisabled(int64_t user_id) const {
  ReaderLock lock(mu_);
  return disabled_.count(user_id) > 0;
}

void Accounts::SetDisabled(int64_t user_id, bool disabled, std::function<void(Status)> done) {
  {
    ReaderLock lock(mu_);
    if (!users_.count(user_id)) return done(Error::NotFound("no such user"));
  }
  Status s = writer_.Submit(store::op::SetDisabled{user_id, disabled}, [this, user_id, disabled,
                                                                         done](const Status& st) {
    if (!st.ok()) return done(st);
    std::vector<std::string> ended;
    {
      WriterLock lock(mu_);
      if (!disabled) {
        disabled_.erase(user_id);
      } else {
        disabled_.insert(user_id);
        if (auto mine = user_sessions_.find(user_id); mine != user_sessions_.end()) {
          ended.assign(mine->second.begin(), mine->second.end());
        }
        for (const auto& h : ended) DropSession(h);
      }
    }
    EraseStored(ended);
    done(OkStatus());
  });
  if (!s.ok()) done(s);
}

std::vector<User> Accounts::FindUsers(std::string_view text, size_t limit) const {
  const std::string needle = AsciiLower(text);
  std::vector<User> out;
  {
    ReaderLock lock(mu_);
    for (const auto& [id, u] : users_) {
      if (!needle.empty() && AsciiLower(u.login).find(needle) == std::string::npos &&
          AsciiLower(u.display_name).find(needle) == std::string::npos) {
        continue;
      }
      out.push_back(
          User{u.id, u.login, u.display_name, ParseRole(u.role).value_or(Role::kStudent)});
    }
  }
  // By login, as a list is read; the first `limit`.
  std::sort(out.begin(), out.end(), [](const User& a, const User& b) { return a.login < b.login; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

void Accounts::StorePassword(int64_t user_id, std::string hash, std::string keep_token_hash,
                             std::function<void(Status)> done) {
  Status s = writer_.Submit(
      store::op::SetPassword{user_id, hash},
      [this, user_id, hash, keep_token_hash, done](const Status& st) {
        if (!st.ok()) return done(st);
        std::vector<std::string> ended;
        {
          WriterLock lock(mu_);
          if (auto it = users_.find(user_id); it != users_.end()) it->second.password_hash = hash;
          if (auto mine = user_sessions_.find(user_id); mine != user_sessions_.end()) {
            for (const auto& h : mine->second) {
              if (h != keep_token_hash) ended.push_back(h);
            }
          }
          for (const auto& h : ended) DropSession(h);
        }
        EraseStored(ended);
        done(OkStatus());
      });
  if (!s.ok()) done(s);
}

void Accounts::Login(const std::string& login, const std::string& password,
                     std::function<void(Result<NewSession>)> done, bool remember) {
  auto user = LookupLogin(login);
  bool ok = user ? VerifyPassword(password, user->password_hash)
                 : (VerifyPassword(password, dummy_hash_), false);
  if (!ok) {
    metrics_.logins_failed.fetch_add(1, std::memory_order_relaxed);
    return done(Error::Unauthenticated("wrong login or password"));
  }
  // Said only to whoever knows the password.
  if (IsDisabled(user->id)) {
    return done(Error::Forbidden("this account is disabled").Because("account_disabled"));
  }
  OpenSession(*user, remember, [this, done = std::move(done)](Result<NewSession> r) {
    if (r.ok()) metrics_.logins_ok.fetch_add(1, std::memory_order_relaxed);
    done(std::move(r));
  });
}

void Accounts::LoginTrusted(const std::string& login, const std::string& display_name, Role role,
                            bool create, std::function<void(Result<NewSession>)> done,
                            std::vector<std::string> logout_names) {
  std::optional<store::UserRecord> user = LookupLogin(login);
  if (!user && !create) {
    return done(Error::Forbidden(fmt::format("no account '{}' here: an operator creates it", login))
                    .Because("sso_no_account", {{"login", login}}));
  }
  if (!user) {
    if (Status s = ValidateLoginAndName(login, display_name); !s.ok()) return done(s.take_error());
    // A hash no password matches: the account signs in through the provider only (an operator
    // may still give it a password).
    store::UserRecord made{0, login, display_name.empty() ? login : display_name,
                           std::string(RoleName(role)), std::string(kSsoHashPrefix) + RandomHex(16)};
    auto created = CreateHashedUsers({made});
    // Made meanwhile by another sign-in of the same person: theirs is as good.
    user = LookupLogin(login);
    if (!user) return done(created.ok() ? Error::Internal("an account just made cannot be found")
                                        : created.take_error());
  }
  // An account with a password is its password's: the provider naming the same login (an
  // "admin" at the provider, a mail address someone chose) does not open it.
  if (user->password_hash.rfind(kSsoHashPrefix, 0) != 0) {
    return done(Error::Forbidden(fmt::format("the account '{}' signs in with its password here",
                                             user->login))
                    .Because("sso_local_account", {{"login", user->login}}));
  }
  if (IsDisabled(user->id)) {
    return done(Error::Forbidden("this account is disabled").Because("account_disabled"));
  }
  OpenSession(
      *user, false,
      [this, done = std::move(done)](Result<NewSession> r) {
        if (r.ok()) metrics_.logins_ok.fetch_add(1, std::memory_order_relaxed);
        done(std::move(r));
      },
      "", std::move(logout_names));
}

void Accounts::OpenSession(const store::UserRecord& user, bool remember,
                           std::function<void(Result<NewSession>)> done, std::string csrf,
                           std::vector<std::string> logout_names) {
  const int64_t now = ToUnixMs(clock_.Now());
  NewSession ns;
  ns.token = RandomHex(32);
  ns.remembered = remember && remember_ttl_ms_ > 0;
  ns.expires_ms = now + (ns.remembered ? remember_ttl_ms_ : session_ttl_ms_);
  ns.principal = Principal{user.id, user.login, user.display_name,
                           ParseRole(user.role).value_or(Role::kStudent), HashToken(ns.token),
                           csrf.empty() ? RandomHex(16) : std::move(csrf)};
  store::SessionRecord rec{ns.principal.token_hash, user.id, ns.principal.csrf_token,
                           ns.expires_ms, ns.remembered, now};
  // The session is queued for the store and added in memory under one lock, and only once the
  // writer took it are older ones pushed out: a refused login ends no session, and a session's
  // erasure is always queued after its creation.
  // Its single-logout names commit with it.
  std::vector<store::WriteOp> ops{store::op::PutSession{rec}};
  for (const std::string& name : logout_names) {
    // Stored by its hash: a provider's value, of any length and bytes, is a key of 64 digits.
    ops.emplace_back(store::op::NameSession{HashToken(name), rec.token_hash});
  }
  std::vector<std::string> pushed_out;
  Status s = OkStatus();
  {
    WriterLock lock(mu_);
    s = writer_.SubmitAll(std::move(ops), [this, hash = rec.token_hash, ns = std::move(ns), done](
                                              const Status& st) mutable {
      if (!st.ok()) {
        WriterLock lock(mu_);
        DropSession(hash);
        return done(st.error());
      }
      done(std::move(ns));
    });
    if (s.ok()) pushed_out = AddSession(rec);
  }
  if (!s.ok()) return done(s.error());
  EraseStored(pushed_out);
}

void Accounts::RotateIfDue(const std::string& token_hash,
                           std::function<void(std::optional<NewSession>)> done) {
  const int64_t now = ToUnixMs(clock_.Now());
  auto due = [&](const store::SessionRecord& s) {
    return rotate_after_ms_ > 0 && s.remembered && s.expires_ms > now &&
           now - s.issued_ms >= rotate_after_ms_;
  };
  bool maybe = false;
  {
    // Every page load asks: the common answer ("not due") under the shared lock only.
    ReaderLock lock(mu_);
    auto it = sessions_.find(token_hash);
    maybe = it != sessions_.end() && due(it->second);
  }
  if (!maybe) return done(std::nullopt);  // outside the lock
  store::UserRecord user;
  std::string csrf;
  bool rotating = false;
  {
    WriterLock lock(mu_);
    auto it = sessions_.find(token_hash);
    if (it != sessions_.end() && due(it->second)) {
      auto u = users_.find(it->second.user_id);
      if (u != users_.end()) {
        user = u->second;
        csrf = it->second.csrf_token;
        // Being rotated: no second rotation starts meanwhile (another tab asking at once).
        it->second.remembered = false;
        rotating = true;
      }
    }
  }
  if (!rotating) return done(std::nullopt);  // outside the lock
  // The CSRF token is kept: the other tabs of the device hold it, and share the new cookie.
  OpenSession(user, /*remember=*/true, [this, done, token_hash](Result<NewSession> r) {
    std::optional<store::SessionRecord> shortened;
    {
      WriterLock lock(mu_);
      auto it = sessions_.find(token_hash);
      // Gone meanwhile (logged out, or pushed out by the new one): nothing to write back.
      if (it != sessions_.end()) {
        if (r.ok()) {
          // Rotated: the old token is an ordinary session now, ending after the grace.
          it->second.expires_ms =
              std::min(it->second.expires_ms, ToUnixMs(clock_.Now()) + kRotationGraceMs);
          shortened = it->second;
        } else {
          it->second.remembered = true;  // not written: the old token goes on as it was
        }
      }
    }
    if (!r.ok()) return done(std::nullopt);
    // Best effort: if this is lost, the stored old token keeps its own expiry (and may be
    // rotated once more after a restart).
    if (shortened) (void)writer_.Submit(store::op::PutSession{*shortened}, [](const Status&) {});
    done(std::move(*r));
  }, csrf);
}

SessionCounts Accounts::CountSessions(const std::vector<int64_t>& user_ids,
                                      int64_t valid_at_ms) const {
  SessionCounts out;
  ReaderLock lock(mu_);
  for (int64_t id : user_ids) {
    auto mine = user_sessions_.find(id);
    if (mine == user_sessions_.end()) continue;
    bool any = false, remembered = false;
    for (const auto& hash : mine->second) {
      auto it = sessions_.find(hash);
      if (it == sessions_.end() || it->second.expires_ms <= valid_at_ms) continue;
      any = true;
      remembered = remembered || it->second.remembered;
    }
    out.with_session += any ? 1 : 0;
    out.remembered += remembered ? 1 : 0;
  }
  return out;
}

std::optional<Principal> Accounts::Authenticate(std::string_view token) const {
  if (token.size() != 64) return std::nullopt;
  std::string hash = HashToken(token);
  ReaderLock lock(mu_);
  auto it = sessions_.find(hash);
  if (it == sessions_.end() || it->second.expires_ms <= ToUnixMs(clock_.Now())) {
    return std::nullopt;
  }
  auto u = users_.find(it->second.user_id);
  if (u == users_.end()) return std::nullopt;
  return Principal{u->second.id, u->second.login, u->second.display_name,
                   ParseRole(u->second.role).value_or(Role::kStudent), hash,
                   it->second.csrf_token};
}

bool Accounts::AdoptSession(std::string_view token) {
  if (token.size() != 64) return false;
  const std::string hash = HashToken(token);
  auto found = backend_.FindSession(hash);
  if (!found.ok() || !*found || (*found)->expires_ms <= ToUnixMs(clock_.Now())) return false;
  WriterLock lock(mu_);
  if (sessions_.count(hash)) return true;  // adopted meanwhile by another request
  if (!users_.count((*found)->user_id) || disabled_.count((*found)->user_id)) return false;
  (void)AddSession(**found);  // what it pushes out is only forgotten here, not ended
  return true;
}

void Accounts::Logout(const std::string& token_hash, std::function<void(Status)> done) {
  {
    WriterLock lock(mu_);
    DropSession(token_hash);
  }
  Status s = writer_.Submit(store::op::DeleteSession{token_hash},
                            [done](const Status& st) { done(st); });
  if (!s.ok()) done(s);
}

Result<std::vector<std::string>> Accounts::NamedSessions(const std::string& name) {
  return backend_.FindNamedSessions(HashToken(name), kMaxNamedSessions);
}

namespace {
User UserOf(const store::UserRecord& r) {
  return User{r.id, r.login, r.display_name, ParseRole(r.role).value_or(Role::kStudent)};
}
}  // namespace

Result<std::vector<User>> Accounts::CreateUsers(const std::vector<NewUser>& users) {
  std::vector<store::UserRecord> records;
  records.reserve(users.size());
  for (const auto& u : users) {
    if (auto s = ValidateNewUser(u); !s.ok()) {
      return Error::Invalid(fmt::format("{}: {}", u.login, s.error().message));
    }
    auto hash = HashPassword(u.password, cost_);
    if (!hash.ok()) return hash.take_error();
    records.push_back({0, u.login, u.display_name.empty() ? u.login : u.display_name,
                       std::string(RoleName(u.role)), *hash});
  }
  return CreateHashedUsers(std::move(records));
}

Result<std::vector<User>> Accounts::CreateHashedUsers(
    std::vector<store::UserRecord> users) {
  std::vector<store::WriteOp> ops;
  {
    WriterLock lock(mu_);
    std::set<std::string> seen;
    for (const auto& u : users) {
      const auto taken = by_folded_login_.find(FoldLogin(u.login));
      if (taken != by_folded_login_.end()) {
        return Error::Conflict(fmt::format("login '{}' is already taken (as '{}')", u.login,
                                           users_.at(taken->second).login));
      }
      if (!seen.insert(FoldLogin(u.login)).second) {
        return Error::Conflict(fmt::format("login '{}' is already taken", u.login));
      }
      if (auto found = backend_.FindUserByLogin(u.login); found.ok() && *found) {
        return Error::Conflict(fmt::format("login '{}' is already taken", u.login));
      }
    }
    for (auto& u : users) {
      auto id = user_ids_.Next();
      if (!id.ok()) return id.take_error();
      u.id = *id;
      ops.push_back(store::op::PutUser{u});
    }
  }
  Status s = writer_.WriteNow(std::move(ops));
  if (!s.ok()) return s.take_error();
  WriterLock lock(mu_);
  std::vector<User> out;
  for (const auto& u : users) {
    Insert(u);
    out.push_back(UserOf(u));
  }
  return out;
}

std::optional<User> Accounts::FindById(int64_t id) const {
  ReaderLock lock(mu_);
  auto it = users_.find(id);
  if (it == users_.end()) return std::nullopt;
  return UserOf(it->second);
}

std::optional<User> Accounts::FindByLogin(const std::string& login) const {
  ReaderLock lock(mu_);
  auto id = IdOfLogin(login);
  if (!id) return std::nullopt;
  return UserOf(users_.at(*id));
}

size_t Accounts::user_count() const {
  ReaderLock lock(mu_);
  return users_.size();
}

}  // namespace pupitre::auth
