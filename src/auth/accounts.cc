#include "auth/accounts.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "auth/credentials.h"
#include "auth/totp.h"
#include "core/text.h"

namespace disan::auth {
namespace {

using nlohmann::json;

constexpr size_t kMaxDisplayName = 200;
constexpr size_t kMaxLabel = 100;
// A session's last use is written back at most this often (one write per minute, not per request).
constexpr std::chrono::seconds kTouchEvery{60};

std::unexpected<Error> WrongCredentials() {
  return Fail(ErrorCode::kUnauthenticated, "wrong login or password",
              "sai tên đăng nhập hoặc mật khẩu");
}

Error FieldProblem(ErrorCode code, const std::string& field, const std::string& keyword,
                   const std::string& en, const std::string& vi) {
  return Error{code, field + ": " + en, field + ": " + vi, {{field, keyword, en, vi}}};
}

// Text a person typed, as stored: NFC, no control characters, at most `max` bytes.
Result<std::string> CleanText(const std::string& text, const std::string& field, size_t max) {
  Result<std::string> nfc = ToNfc(text);
  if (!nfc) {
    return Fail(FieldProblem(ErrorCode::kInvalid, field, "encoding", "is not valid UTF-8",
                             "không phải UTF-8 hợp lệ"));
  }
  if (nfc->size() > max) {
    return Fail(FieldProblem(ErrorCode::kInvalid, field, "too_long",
                             "is longer than " + std::to_string(max) + " bytes",
                             "dài quá " + std::to_string(max) + " byte"));
  }
  for (unsigned char c : *nfc) {
    if (c < 0x20 || c == 0x7F) {
      return Fail(FieldProblem(ErrorCode::kInvalid, field, "control_character",
                               "contains a control character", "chứa ký tự điều khiển"));
    }
  }
  return nfc;
}

Result<std::string> CleanPassword(const std::string& password) {
  if (password.size() > kMaxPasswordLength) TRY(CheckNewPassword(password));
  Result<std::string> nfc = ToNfc(password);
  if (!nfc) {
    return Fail(FieldProblem(ErrorCode::kInvalid, "password", "encoding", "is not valid UTF-8",
                             "không phải UTF-8 hợp lệ"));
  }
  return nfc;
}

// CheckNewPassword, naming the body's field.
Status CheckNew(const std::string& password, const std::string& field) {
  Status st = CheckNewPassword(password);
  if (st) return st;
  Error e = st.error();
  for (FieldError& f : e.fields) f.path = field;
  e.message_en = field + e.message_en.substr(std::string("the password").size());
  e.message_vi = field + ": " + e.message_vi;
  return std::unexpected(std::move(e));
}

json GrantsJson(const std::vector<RoleGrant>& grants) {
  json out = json::array();
  for (const RoleGrant& g : grants) out.push_back({{"role", g.role}, {"unit", g.unit}});
  return out;
}

// A hash to verify against when the login is unknown, so that an unknown login takes as long
// to refuse as a wrong password.
const std::string& DummyHash() {
  static const std::string hash = HashPassword("disan-no-such-account").value_or("");
  return hash;
}

}  // namespace

std::string FormatTime(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::optional<Clock::time_point> ParseTime(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  char z = 0;
  if (text.size() != 24 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &z) != 8 ||
      z != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t secs = timegm(&tm);
  if (secs == -1 || FormatTime(Clock::from_time_t(secs)).substr(0, 19) != text.substr(0, 19)) {
    return std::nullopt;
  }
  return Clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

Principal PrincipalOf(const Account& a, TokenScope scope) {
  return Principal{a.id, a.login, a.grants, scope};
}

Accounts::Accounts(MetadataStore& store, AuthSettings settings)
    : store_(store), settings_(std::move(settings)) {}

Result<std::string> Accounts::NormaliseLogin(const std::string& login) {
  std::string out;
  bool ok = login.size() >= 2 && login.size() <= 64;
  for (char c : login) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool alnum = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (!alnum && !(l == '.' || l == '_' || l == '-' || l == '@')) ok = false;
    if (out.empty() && !alnum) ok = false;
    out += l;
  }
  if (!ok) {
    return Fail(FieldProblem(
        ErrorCode::kInvalid, "login", "format",
        "must be 2 to 64 letters a-z, digits or . _ - @, starting with a letter or digit",
        "phải gồm 2 đến 64 chữ a-z, chữ số hoặc . _ - @, bắt đầu bằng chữ hoặc số"));
  }
  return out;
}

Status Accounts::CheckGrants(const std::vector<RoleGrant>& grants) {
  if (grants.empty()) {
    return Fail(FieldProblem(ErrorCode::kInvalid, "roles", "required", "needs at least one role",
                             "cần ít nhất một vai trò"));
  }
  if (grants.size() > 100) {
    return Fail(FieldProblem(ErrorCode::kInvalid, "roles", "too_many", "has more than 100 roles",
                             "có quá 100 vai trò"));
  }
  for (const RoleGrant& g : grants) {
    std::optional<Role> role = ParseRole(g.role);
    if (!role || *role == Role::kPublic) {
      return Fail(FieldProblem(ErrorCode::kInvalid, "roles", "unknown_role",
                               "'" + g.role.substr(0, 64) +
                                   "' is not a role (administrator, curator, unit_editor, "
                                   "reviewer, contributor)",
                               "'" + g.role.substr(0, 64) +
                                   "' không phải vai trò (administrator, curator, unit_editor, "
                                   "reviewer, contributor)"));
    }
    if (RoleNeedsUnit(*role) && g.unit.empty()) {
      return Fail(FieldProblem(ErrorCode::kInvalid, "roles", "unit_required",
                               "a unit_editor needs a unit (an organisation's PID)",
                               "biên tập đơn vị cần có đơn vị (mã định danh của tổ chức)"));
    }
    if (!RoleNeedsUnit(*role) && !g.unit.empty() && *role != Role::kReviewer) {
      return Fail(FieldProblem(ErrorCode::kInvalid, "roles", "unit_not_allowed",
                               g.role + " is province-wide and takes no unit",
                               g.role + " có phạm vi toàn tỉnh, không gắn với đơn vị"));
    }
    if (!g.unit.empty()) {
      Result<StoredRecord> unit = store_.Get(g.unit);
      if (!unit || unit->cls != RecordClass::kOrganisation || unit->deleted) {
        return Fail(FieldProblem(ErrorCode::kInvalid, "roles", "unknown_unit",
                                 "no organisation with identifier " + g.unit.substr(0, 64),
                                 "không có tổ chức với mã định danh " + g.unit.substr(0, 64)));
      }
    }
  }
  return Ok();
}

Result<Account> Accounts::Create(const std::string& login, const std::string& display_name,
                                 const std::string& password, const std::vector<RoleGrant>& grants,
                                 const Acting& by) {
  Account a;
  a.login = TRY(NormaliseLogin(login));
  a.display_name = TRY(
      CleanText(display_name.empty() ? a.login : display_name, "display_name", kMaxDisplayName));
  if (!password.empty()) {
    std::string nfc = TRY(CleanPassword(password));
    TRY(CheckNewPassword(nfc));
    a.password_hash = TRY(HashPassword(nfc));
  }
  TRY(CheckGrants(grants));
  a.grants = grants;
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    a.id = TRY(w.PutAccount(a));
    return AppendAudit(w, {by.name,
                           "account.create",
                           a.login,
                           by.address,
                           {{"roles", GrantsJson(a.grants)}, {"password", !password.empty()}}});
  }));
  return TRY(AccountByLogin(a.login));
}

Result<Account> Accounts::AccountByLogin(const std::string& login) {
  std::string key = TRY(NormaliseLogin(login));
  std::optional<Account> a = TRY(store_.FindAccount(key));
  if (!a) {
    return Fail(FieldProblem(ErrorCode::kNotFound, "login", "unknown", "no account '" + key + "'",
                             "không có tài khoản '" + key + "'"));
  }
  return *a;
}

Result<Account> Accounts::SetGrants(const std::string& login, const std::vector<RoleGrant>& grants,
                                    const Acting& by) {
  Account a = TRY(AccountByLogin(login));
  // Nobody could manage accounts any more if the last administrator could drop the role; an
  // administrator's own account keeps it (another administrator may still revoke it).
  auto administrator = [](const RoleGrant& g) { return g.role == "administrator"; };
  if (a.login == by.name && std::ranges::any_of(a.grants, administrator) &&
      std::ranges::none_of(grants, administrator)) {
    return Fail(FieldProblem(ErrorCode::kConflict, "roles", "own_administrator",
                             "you cannot remove your own administrator role",
                             "bạn không thể thu hồi vai trò quản trị viên của chính mình"));
  }
  TRY(CheckGrants(grants));
  json before = GrantsJson(a.grants);
  a.grants = grants;
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.PutAccount(a));
    return AppendAudit(w, {by.name,
                           "account.roles",
                           a.login,
                           by.address,
                           {{"before", before}, {"after", GrantsJson(grants)}}});
  }));
  return AccountByLogin(a.login);
}

Result<Account> Accounts::SetDisabled(const std::string& login, bool disabled, const Acting& by) {
  Account a = TRY(AccountByLogin(login));
  if (disabled && a.login == by.name) {
    return Fail(FieldProblem(ErrorCode::kConflict, "login", "self",
                             "you cannot disable your own account",
                             "bạn không thể khóa tài khoản của chính mình"));
  }
  if (a.disabled == disabled) return a;
  a.disabled = disabled;
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.PutAccount(a));
    if (disabled) TRY(w.DeleteSessionsOf(a.id));
    return AppendAudit(w, {by.name, disabled ? "account.disabled" : "account.enabled", a.login,
                           by.address, json::object()});
  }));
  return AccountByLogin(a.login);
}

Status Accounts::ResetSecondFactor(const std::string& login, const Acting& by) {
  Account a = TRY(AccountByLogin(login));
  std::optional<SecondFactor> f = TRY(store_.GetSecondFactor(a.id));
  if (!f) {
    return Fail(FieldProblem(ErrorCode::kConflict, "login", "no_second_factor",
                             "account '" + a.login + "' has no second factor",
                             "tài khoản '" + a.login + "' chưa bật xác thực hai bước"));
  }
  return store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.DeleteSecondFactor(a.id));
    TRY(w.DeleteSessionsOf(a.id));
    return AppendAudit(
        w, {by.name, "auth.totp_reset", a.login, by.address, {{"was_confirmed", f->confirmed}}});
  });
}

Result<int64_t> Accounts::Throttled(const std::string& login, const std::string& address) {
  const Clock::time_point now = settings_.now();
  const std::string since = FormatTime(now - settings_.failure_window);
  int64_t wait = 0;
  auto check = [&](const std::string& key, int max) -> Status {
    std::vector<std::string> failures = TRY(store_.LoginFailuresSince(key, since));
    if (max <= 0 || failures.size() < static_cast<size_t>(max)) return Ok();
    // Allowed again once enough failures have left the window to be under the limit.
    std::optional<Clock::time_point> t = ParseTime(failures[failures.size() - max]);
    if (!t) return Ok();
    auto left =
        std::chrono::duration_cast<std::chrono::seconds>(*t + settings_.failure_window - now);
    wait = std::max<int64_t>(wait, std::max<int64_t>(1, left.count() + 1));
    return Ok();
  };
  TRY(check("login:" + login, settings_.max_failures_per_account));
  if (!address.empty()) TRY(check("address:" + address, settings_.max_failures_per_address));
  return wait;
}

Status Accounts::RecordFailure(const std::string& login, const std::string& address,
                               const std::string& why) {
  const std::string at = FormatTime(settings_.now());
  return store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.PutLoginFailure("login:" + login, at));
    if (!address.empty()) TRY(w.PutLoginFailure("address:" + address, at));
    return AppendAudit(w, {login, "auth.login_failed", login, address, {{"reason", why}}});
  });
}

std::string RecoveryCodeKey(const std::string& typed) {
  std::string key;
  for (char c : typed.substr(0, 64)) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key.size() == 16 ? key : "";
}

Result<SignInOutcome> Accounts::SignIn(const std::string& login_in, const std::string& password_in,
                                       const std::string& address, const std::string& totp_code) {
  Result<std::string> normalised = NormaliseLogin(login_in);
  if (!normalised) {
    // A login that could never exist: refused like a wrong password, logged as sent (cut).
    TRY(AppendAudit(
        store_,
        {"anonymous", "auth.login_failed", login_in, address, {{"reason", "malformed_login"}}}));
    return WrongCredentials();
  }
  const std::string login = *normalised;
  std::string password = TRY(CleanPassword(password_in));
  int64_t wait = TRY(Throttled(login, address));
  if (wait > 0) {
    TRY(AppendAudit(store_,
                    {login, "auth.login_throttled", login, address, {{"retry_after", wait}}}));
    return SignInOutcome{std::nullopt, wait};
  }
  std::optional<Account> account = TRY(store_.FindAccount(login));
  if (!account) {
    (void)VerifyPassword(DummyHash(), password);
    TRY(RecordFailure(login, address, "unknown_login"));
    return WrongCredentials();
  }
  if (!VerifyPassword(account->password_hash, password)) {
    TRY(RecordFailure(login, address,
                      account->password_hash.empty() ? "no_password" : "wrong_password"));
    return WrongCredentials();
  }
  if (account->disabled) {
    TRY(RecordFailure(login, address, "disabled"));
    return Fail(ErrorCode::kForbidden, "this account is disabled", "tài khoản này đã bị khóa");
  }
  // The second factor, when on: checked again and used up inside the transaction that signs
  // in, so that one code cannot open two sessions.
  std::optional<SecondFactor> factor = TRY(store_.GetSecondFactor(account->id));
  const bool needs_code = factor && factor->confirmed;
  if (needs_code && totp_code.empty()) {
    TRY(AppendAudit(store_, {login, "auth.login_needs_totp", login, address, json::object()}));
    return Fail(Error{ErrorCode::kUnauthenticated,
                      "this account needs the 6-digit code of its authenticator app (totp)",
                      "tài khoản này cần mã 6 chữ số của ứng dụng xác thực (totp)",
                      {{"totp", "required", "is required for this account",
                        "là bắt buộc với tài khoản này"}}});
  }
  const int64_t now_step = TotpStep(
      std::chrono::duration_cast<std::chrono::seconds>(settings_.now().time_since_epoch()).count());
  // A recovery code (self_service.h) stands in for the app's code once; only codes issued
  // for the factor now on count.
  std::optional<ApiToken> recovery;
  if (needs_code) {
    std::optional<std::string> key =
        TRY(SecondFactorKey(*factor, settings_.secret_box.get()));
    if (!key || !MatchTotp(*key, totp_code.substr(0, 16), now_step, factor->last_step)) {
      if (std::string rc = RecoveryCodeKey(totp_code); !rc.empty()) {
        std::optional<ApiToken> t = TRY(store_.FindApiToken(HashSecret(rc)));
        if (t && t->scope == "recovery" && t->account_id == account->id && !t->revoked &&
            t->created_at == factor->created_at)
          recovery = t;
      }
    }
    if (!recovery &&
        (!key || !MatchTotp(*key, totp_code.substr(0, 16), now_step, factor->last_step))) {
      TRY(RecordFailure(login, address, "wrong_totp"));
      return Fail(Error{ErrorCode::kUnauthenticated,
                        "wrong or already used code of the authenticator app",
                        "mã của ứng dụng xác thực sai hoặc đã được dùng",
                        {{"totp", "wrong", "is wrong or was already used",
                          "sai hoặc đã được dùng"}}});
    }
  }
  SignedIn s;
  s.token = NewSecret("disan_s_");
  s.csrf_token = NewSecret("");
  const Clock::time_point now = settings_.now();
  s.expires_at = FormatTime(now + settings_.session_absolute);
  Session session{HashSecret(s.token), account->id,     s.csrf_token,
                  FormatTime(now),     FormatTime(now), address};
  if (PasswordNeedsRehash(account->password_hash)) {
    account->password_hash = TRY(HashPassword(password));
  }
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    if (recovery) {
      // Used up; a second request racing with the same code finds it revoked.
      if (Status used = w.RevokeApiToken(account->id, recovery->id); !used) {
        if (used.error().code != ErrorCode::kNotFound) return used;
        return Fail(Error{ErrorCode::kUnauthenticated,
                          "wrong or already used code of the authenticator app",
                          "mã của ứng dụng xác thực sai hoặc đã được dùng",
                          {{"totp", "wrong", "is wrong or was already used",
                            "sai hoặc đã được dùng"}}});
      }
    } else if (needs_code) {
      std::optional<SecondFactor> f = TRY(w.GetSecondFactor(account->id));
      std::optional<std::string> key =
          f ? TRY(SecondFactorKey(*f, settings_.secret_box.get())) : std::nullopt;
      std::optional<int64_t> step =
          key ? MatchTotp(*key, totp_code.substr(0, 16), now_step, f->last_step) : std::nullopt;
      if (!step) {
        return Fail(Error{ErrorCode::kUnauthenticated,
                          "wrong or already used code of the authenticator app",
                          "mã của ứng dụng xác thực sai hoặc đã được dùng",
                          {{"totp", "wrong", "is wrong or was already used",
                            "sai hoặc đã được dùng"}}});
      }
      f->last_step = *step;
      TRY(w.PutSecondFactor(*f));
    }
    TRY(w.PutSession(session));
    TRY(w.PutAccount(*account));
    TRY(w.ClearLoginFailures("login:" + login));
    return AppendAudit(w, {login, "auth.login", login, address,
                           recovery ? json{{"recovery_code", recovery->id}} : json::object()});
  }));
  s.account = *account;
  return SignInOutcome{std::move(s), 0};
}

Status Accounts::SignOut(const Authenticated& who, const std::string& address) {
  return store_.Write([&](StoreWriter& w) -> Status {
    if (who.via == Via::kSession) TRY(w.DeleteSession(who.token_hash));
    return AppendAudit(
        w, {who.actor_name, "auth.logout", who.principal.login, address, json::object()});
  });
}

Result<std::optional<Authenticated>> Accounts::FromSession(const std::string& hash) {
  std::optional<Session> s = TRY(store_.FindSession(hash));
  if (!s) return std::optional<Authenticated>();
  const Clock::time_point now = settings_.now();
  std::optional<Clock::time_point> created = ParseTime(s->created_at);
  std::optional<Clock::time_point> seen = ParseTime(s->last_seen_at);
  std::optional<Account> a = TRY(store_.GetAccount(s->account_id));
  if (!created || !seen || !a || a->disabled || now - *created > settings_.session_absolute ||
      now - *seen > settings_.session_idle) {
    TRY(store_.Write([&](StoreWriter& w) { return w.DeleteSession(hash); }));
    return std::optional<Authenticated>();
  }
  if (now - *seen > kTouchEvery) {
    s->last_seen_at = FormatTime(now);
    TRY(store_.Write([&](StoreWriter& w) { return w.PutSession(*s); }));
  }
  return std::optional<Authenticated>(
      Authenticated{PrincipalOf(*a), Via::kSession, a->login, s->csrf_token, hash});
}

Result<std::optional<Authenticated>> Accounts::FromCookie(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::optional<Authenticated>();
  return FromSession(HashSecret(token));
}

Result<std::optional<Authenticated>> Accounts::FromBearer(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::optional<Authenticated>();
  const std::string hash = HashSecret(token);
  std::optional<ApiToken> t = TRY(store_.FindApiToken(hash));
  if (!t) return FromSession(hash);
  if (t->revoked || (t->scope != "read" && t->scope != "write")) {
    return std::optional<Authenticated>();
  }
  if (!t->expires_at.empty()) {
    std::optional<Clock::time_point> expires = ParseTime(t->expires_at);
    if (!expires || settings_.now() >= *expires) return std::optional<Authenticated>();
  }
  std::optional<Account> a = TRY(store_.GetAccount(t->account_id));
  if (!a || a->disabled) return std::optional<Authenticated>();
  // Tokens of the built-in administrator (the one `disan init` printed) are named as before
  // accounts existed, so that revision authors stay comparable.
  std::string name = (a->id == 1 ? "" : a->login + "/") + "token:" + t->label;
  return std::optional<Authenticated>(
      Authenticated{PrincipalOf(*a, t->scope == "read" ? TokenScope::kRead : TokenScope::kWrite),
                    Via::kApiToken, name, "", hash});
}

Result<IssuedToken> Accounts::IssueToken(const Authenticated& who, const std::string& label_in,
                                         TokenScope scope, const std::string& expires_in,
                                         const std::string& address) {
  std::string label = TRY(CleanText(label_in, "label", kMaxLabel));
  if (Trim(label).empty()) {
    return Fail(FieldProblem(ErrorCode::kInvalid, "label", "required",
                             "is required (what the token is for)",
                             "là trường bắt buộc (mã dùng để làm gì)"));
  }
  const Clock::time_point now = settings_.now();
  std::string expires_at = expires_in;
  if (expires_at.empty()) {
    expires_at = FormatTime(now + std::chrono::days(90));
  } else {
    // Accept whole seconds too: "2027-01-01T00:00:00Z".
    if (expires_at.size() == 20 && expires_at.back() == 'Z') {
      expires_at = expires_at.substr(0, 19) + ".000Z";
    }
    std::optional<Clock::time_point> t = ParseTime(expires_at);
    if (!t || *t <= now || *t > now + std::chrono::days(731)) {
      return Fail(FieldProblem(
          ErrorCode::kInvalid, "expires_at", "range",
          "must be a UTC time like 2027-01-01T00:00:00Z, in the future and within two years",
          "phải là thời điểm UTC dạng 2027-01-01T00:00:00Z, trong tương lai và không quá hai năm"));
    }
  }
  IssuedToken out;
  out.token = NewSecret("disan_");
  out.record = ApiToken{0,
                        HashSecret(out.token),
                        who.principal.account_id,
                        label,
                        scope == TokenScope::kRead ? "read" : "write",
                        FormatTime(now),
                        expires_at,
                        false};
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    out.record.id = TRY(w.PutApiToken(out.record));
    return AppendAudit(w, {who.actor_name,
                           "token.create",
                           std::to_string(out.record.id),
                           address,
                           {{"label", label},
                            {"scope", out.record.scope},
                            {"expires_at", expires_at},
                            {"account", who.principal.login}}});
  }));
  return out;
}

Result<std::vector<ApiToken>> Accounts::Tokens(const Authenticated& who) {
  return store_.ListApiTokens(who.principal.account_id);
}

Status Accounts::RevokeToken(const Authenticated& who, int64_t token_id,
                             const std::string& address) {
  return store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.RevokeApiToken(who.principal.account_id, token_id));
    return AppendAudit(w, {who.actor_name,
                           "token.revoke",
                           std::to_string(token_id),
                           address,
                           {{"account", who.principal.login}}});
  });
}

Status Accounts::ChangePassword(const Authenticated& who, const std::string& current_in,
                                const std::string& next_in, const std::string& address) {
  std::optional<Account> a = TRY(store_.GetAccount(who.principal.account_id));
  if (!a) return WrongCredentials();
  std::string current = TRY(CleanPassword(current_in));
  std::string next = TRY(CleanPassword(next_in));
  if (!VerifyPassword(a->password_hash, current)) {
    TRY(AppendAudit(store_, {who.actor_name, "auth.password_change_failed", a->login, address,
                             json::object()}));
    return Fail(FieldProblem(ErrorCode::kForbidden, "current_password", "wrong",
                             "is not your current password", "không phải mật khẩu hiện tại"));
  }
  TRY(CheckNew(next, "new_password"));
  a->password_hash = TRY(HashPassword(next));
  return store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.PutAccount(*a));
    TRY(w.DeleteSessionsOf(a->id));
    return AppendAudit(w,
                       {who.actor_name, "auth.password_change", a->login, address, json::object()});
  });
}

Result<std::string> Accounts::IssueResetToken(const std::string& login, const Acting& by) {
  Account a = TRY(AccountByLogin(login));
  std::string token = NewSecret("disan_r_");
  const Clock::time_point now = settings_.now();
  ApiToken t{0,
             HashSecret(token),
             a.id,
             "password reset",
             "reset",
             FormatTime(now),
             FormatTime(now + settings_.reset_link_lifetime),
             false};
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    t.id = TRY(w.PutApiToken(t));
    return AppendAudit(
        w,
        {by.name, "auth.reset_link_issued", a.login, by.address, {{"expires_at", t.expires_at}}});
  }));
  return token;
}

Status Accounts::ResetPassword(const std::string& token, const std::string& next_in,
                               const std::string& address) {
  std::optional<ApiToken> t;
  if (!token.empty() && token.size() <= 200) t = TRY(store_.FindApiToken(HashSecret(token)));
  std::optional<Clock::time_point> expires = t ? ParseTime(t->expires_at) : std::nullopt;
  if (!t || t->scope != "reset" || t->revoked || !expires || settings_.now() >= *expires) {
    TRY(AppendAudit(store_, {"anonymous", "auth.reset_refused", "", address, json::object()}));
    return Fail(FieldProblem(ErrorCode::kForbidden, "token", "invalid",
                             "this reset link is unknown, used or expired; ask an administrator "
                             "for a new one",
                             "liên kết đặt lại mật khẩu không đúng, đã dùng hoặc đã hết hạn; "
                             "hãy xin quản trị viên liên kết mới"));
  }
  std::string next = TRY(CleanPassword(next_in));
  TRY(CheckNew(next, "new_password"));
  std::optional<Account> a = TRY(store_.GetAccount(t->account_id));
  if (!a) return WrongCredentials();
  a->password_hash = TRY(HashPassword(next));
  return store_.Write([&](StoreWriter& w) -> Status {
    // The link is used up here, once: a second request racing with it finds it revoked.
    if (Status used = w.RevokeApiToken(a->id, t->id); !used) {
      if (used.error().code != ErrorCode::kNotFound) return used;
      return Fail(FieldProblem(ErrorCode::kForbidden, "token", "invalid",
                               "this reset link is unknown, used or expired; ask an "
                               "administrator for a new one",
                               "liên kết đặt lại mật khẩu không đúng, đã dùng hoặc đã hết hạn; "
                               "hãy xin quản trị viên liên kết mới"));
    }
    TRY(w.PutAccount(*a));
    TRY(w.DeleteSessionsOf(a->id));
    TRY(w.ClearLoginFailures("login:" + a->login));
    return AppendAudit(w, {a->login, "auth.password_reset", a->login, address, json::object()});
  });
}

}  // namespace disan::auth
