// What a person does with their own account without an administrator: register as a
// contributor, download everything kept about them, delete their account, and turn on a TOTP
// second factor (staff). Every step is audited in the transaction that makes it.
// Thread-safe: no mutable state; the store serialises writes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "auth/accounts.h"

namespace disan::auth {

// Registrations allowed from one address per hour; more are refused (kTooManyRequests is not
// an error code: the outcome says how long to wait).
inline constexpr int kMaxRegistrationsPerHour = 5;

// One-time recovery codes issued when a second factor is confirmed.
inline constexpr int kRecoveryCodes = 10;

struct Registration {
  std::string login;
  std::string display_name;  // "" = the login
  std::string email;
  std::string password;
};

struct RegisterOutcome {
  std::optional<Account> account;  // nullopt when throttled
  int64_t retry_after_seconds = 0;
};

// A second factor being enrolled: the secret, shown once.
struct Enrolment {
  std::string secret_base32;
  std::string otpauth_uri;
};

// A plain e-mail address: one '@', a dotted domain, no spaces, quotes, brackets or control
// characters (it is shown to curators).
bool IsEmailAddress(std::string_view text);

class SelfService {
 public:
  explicit SelfService(Accounts& accounts, MetadataStore& store);

  // A new account holding only the contributor role (nobody gives themselves another).
  // kInvalid naming the field; kConflict when the login is taken.
  Result<RegisterOutcome> Register(const Registration& r, const std::string& address);

  // Everything kept about the signed-in person: profile, roles, sessions and tokens (without
  // secrets), second factor (without its secret), submissions, commercial-use requests and
  // notifications.
  Result<nlohmann::json> Export(const Authenticated& who, const std::string& address);

  // Deletes the signed-in person's account after checking their password: every session and
  // token is revoked and the personal data erased; their submissions stay, credited to the
  // name they chose; audit entries stay. kForbidden for a wrong password, kConflict for an
  // administrator (another administrator removes that role first).
  Status Delete(const Authenticated& who, const std::string& password, const std::string& address);

  // TOTP for staff (any role but contributor): enrol (password required; replaces an
  // unconfirmed enrolment, kConflict when one is confirmed), then confirm with a code, after
  // which every password sign-in needs a code (Accounts::SignIn).
  Result<Enrolment> EnrolTotp(const Authenticated& who, const std::string& password,
                              const std::string& address);
  // Confirming also issues kRecoveryCodes one-time recovery codes ("abcd-efgh-jkmn-pqrs"),
  // returned here once and stored only as hashes; each stands in for a code of the app once
  // (Accounts::SignIn) until the second factor is replaced.
  Result<std::vector<std::string>> ConfirmTotp(const Authenticated& who, const std::string& code,
                                               const std::string& address);
  // Turns the second factor off: the password and a current code are both required (a stolen
  // session alone cannot do it). kConflict when none is on.
  Status DisableTotp(const Authenticated& who, const std::string& password, const std::string& code,
                     const std::string& address);

 private:
  Result<Account> Own(const Authenticated& who);
  Status CheckPassword(const Account& a, const std::string& password, const std::string& address);

  Accounts& accounts_;
  MetadataStore& store_;
};

}  // namespace disan::auth
