// Accounts: people, their roles in units, passwords, sessions, personal API tokens, sign-in
// throttling and password-reset links. Every sign-in, failure, permission change and token
// creation is written to the audit log in the same transaction as the change it records.
// Thread-safe: it keeps no mutable state; the store serialises writes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/audit_log.h"
#include "auth/permissions.h"
#include "auth/secret_box.h"
#include "store/store.h"

namespace disan::auth {

using Clock = std::chrono::system_clock;

struct AuthSettings {
  std::chrono::seconds session_idle{std::chrono::hours(2)};       // unused this long: ended
  std::chrono::seconds session_absolute{std::chrono::hours(12)};  // after this long: ended
  // Failed sign-ins counted over `failure_window`; past the limit, sign-ins under that
  // account (or from that address) are refused until the oldest failure leaves the window.
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  std::chrono::seconds failure_window{std::chrono::minutes(15)};
  std::chrono::seconds reset_link_lifetime{std::chrono::hours(24)};
  std::function<Clock::time_point()> now = [] { return Clock::now(); };  // tests move time
  // Seals the TOTP secrets at rest (the data directory's key file, auth/secret_box.h); without
  // one no second factor can be enrolled.
  std::shared_ptr<const SecretBox> secret_box;
};

// "2026-11-25T18:09:17.123Z", the store's time format, for any instant.
std::string FormatTime(Clock::time_point t);
// The instant of a FormatTime string; nullopt when it is not one.
std::optional<Clock::time_point> ParseTime(const std::string& text);

// Who did something, for the audit log.
struct Acting {
  std::string name;     // login, or "cli:user"
  std::string address;  // "" = local
};

// A person signed in: the secret goes to the client once (cookie and bearer token).
struct SignedIn {
  std::string token;
  std::string csrf_token;
  std::string expires_at;  // the absolute timeout
  Account account;
};

// The outcome of a sign-in that was well formed: signed in, or throttled for retry_after
// seconds. Wrong credentials are an error (kUnauthenticated), malformed input kInvalid.
struct SignInOutcome {
  std::optional<SignedIn> signed_in;
  int64_t retry_after_seconds = 0;
};

// How a request proved who it is.
enum class Via { kSession, kApiToken };

struct Authenticated {
  Principal principal;
  Via via = Via::kSession;
  std::string actor_name;  // what revisions and the audit log record
  std::string csrf_token;  // of the session
  std::string token_hash;  // of the session or token
};

// A new personal API token: `token` is shown once.
struct IssuedToken {
  std::string token;
  ApiToken record;
};

class Accounts {
 public:
  explicit Accounts(MetadataStore& store, AuthSettings settings = {});

  const AuthSettings& settings() const { return settings_; }

  // Validates a login: 2 to 64 of a-z 0-9 . _ - @, starting with a letter or digit (stored
  // lower case). kInvalid naming "login" otherwise.
  static Result<std::string> NormaliseLogin(const std::string& login);
  // Validates grants: known roles other than public; unit_editor needs a unit, which must be a
  // live organisation record; province-wide roles take none. kInvalid naming "roles".
  Status CheckGrants(const std::vector<RoleGrant>& grants);

  // Creates an account; `password` "" leaves password sign-in off (a reset link sets one).
  Result<Account> Create(const std::string& login, const std::string& display_name,
                         const std::string& password, const std::vector<RoleGrant>& grants,
                         const Acting& by);
  // Replaces the account's roles. kConflict naming "roles" when the acting administrator would
  // remove their own administrator role (nobody might be left to manage accounts).
  Result<Account> SetGrants(const std::string& login, const std::vector<RoleGrant>& grants,
                            const Acting& by);

  // Signs in with a password: a new session (never one the client brought: no fixation).
  // An account with a confirmed TOTP second factor (auth/self_service.h) also needs
  // `totp_code`, accepted once: kUnauthenticated naming "totp" when it is missing or wrong.
  Result<SignInOutcome> SignIn(const std::string& login, const std::string& password,
                               const std::string& address, const std::string& totp_code = "");
  // Ends the session with this token hash.
  Status SignOut(const Authenticated& who, const std::string& address);

  // The principal behind a bearer token (a personal API token or a session token) or a
  // session cookie; nullopt when the secret is unknown, revoked or expired.
  Result<std::optional<Authenticated>> FromBearer(const std::string& token);
  Result<std::optional<Authenticated>> FromCookie(const std::string& token);

  // Personal API tokens of the signed-in person.
  Result<IssuedToken> IssueToken(const Authenticated& who, const std::string& label,
                                 TokenScope scope, const std::string& expires_at,
                                 const std::string& address);
  Result<std::vector<ApiToken>> Tokens(const Authenticated& who);
  Status RevokeToken(const Authenticated& who, int64_t token_id, const std::string& address);

  // Changes the signed-in person's password (the current one is required) and ends their
  // other sessions.
  Status ChangePassword(const Authenticated& who, const std::string& current,
                        const std::string& next, const std::string& address);
  // A one-time password-reset token for `login`, valid for settings().reset_link_lifetime.
  Result<std::string> IssueResetToken(const std::string& login, const Acting& by);
  // Sets a new password with a reset token (once), ending every session of the account.
  Status ResetPassword(const std::string& token, const std::string& next,
                       const std::string& address);

  // Turns an account off (every session ended, sign-in refused) or on again. Nobody turns
  // their own account off (kConflict naming "login"): an administrator cannot lock themselves out.
  Result<Account> SetDisabled(const std::string& login, bool disabled, const Acting& by);
  // Removes the account's TOTP second factor (a lost phone), ending its sessions; the person
  // enrols again after signing in with the password. kConflict when it has none.
  Status ResetSecondFactor(const std::string& login, const Acting& by);

 private:
  Result<std::optional<Authenticated>> FromSession(const std::string& token_hash);
  Result<Account> AccountByLogin(const std::string& login);
  Status RecordFailure(const std::string& login, const std::string& address,
                       const std::string& why);
  Result<int64_t> Throttled(const std::string& login, const std::string& address);

  MetadataStore& store_;
  AuthSettings settings_;
};

// A recovery code as it is hashed: its letters and digits, lower case ("" when it cannot be
// one: not 16 of them).
std::string RecoveryCodeKey(const std::string& typed);

// The login and roles of an account, as principal.
Principal PrincipalOf(const Account& account, TokenScope scope = TokenScope::kWrite);

}  // namespace disan::auth
