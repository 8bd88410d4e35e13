#include "auth/self_service.h"

#include <algorithm>

#include "auth/audit_log.h"
#include "auth/credentials.h"
#include "auth/totp.h"
#include "core/text.h"

namespace disan::auth {
namespace {

using nlohmann::json;

Error Field(ErrorCode code, const std::string& field, const std::string& keyword,
            const std::string& en, const std::string& vi) {
  return Error{code, field + ": " + en, field + ": " + vi, {{field, keyword, en, vi}}};
}

// One line a person typed: NFC, trimmed, no control characters, at most `max` bytes.
Result<std::string> Line(const std::string& text, const std::string& field, size_t max) {
  if (text.size() > 4 * max) {
    return Fail(Field(ErrorCode::kInvalid, field, "too_long",
                      "is longer than " + std::to_string(max) + " bytes",
                      "dài quá " + std::to_string(max) + " byte"));
  }
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Fail(Field(ErrorCode::kInvalid, field, "control_character",
                      "contains a control character", "chứa ký tự điều khiển"));
  }
  Result<std::string> clean = CleanLine(text);
  if (!clean) {
    return Fail(Field(ErrorCode::kInvalid, field, "encoding", "is not valid UTF-8",
                      "không phải UTF-8 hợp lệ"));
  }
  if (clean->size() > max) {
    return Fail(Field(ErrorCode::kInvalid, field, "too_long",
                      "is longer than " + std::to_string(max) + " bytes",
                      "dài quá " + std::to_string(max) + " byte"));
  }
  return clean;
}

bool IsStaff(const Account& a) {
  return std::any_of(a.grants.begin(), a.grants.end(),
                     [](const RoleGrant& g) { return g.role != "contributor"; });
}

int64_t UnixSeconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

bool IsEmailAddress(std::string_view s) {
  size_t at = s.find('@');
  if (s.size() > 254 || at == std::string_view::npos || at == 0 ||
      s.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = s.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.')
    return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' ||
           c == '\'' || c == ',' || c == ';' || c == '\\' || c == '(' || c == ')';
  });
}

SelfService::SelfService(Accounts& accounts, MetadataStore& store)
    : accounts_(accounts), store_(store) {}

Result<RegisterOutcome> SelfService::Register(const Registration& r, const std::string& address) {
  Account a;
  a.login = TRY(Accounts::NormaliseLogin(r.login));
  a.display_name =
      TRY(Line(r.display_name.empty() ? a.login : r.display_name, "display_name", 200));
  a.email = TRY(Line(r.email, "email", 254));
  if (!IsEmailAddress(a.email)) {
    return Fail(Field(ErrorCode::kInvalid, "email", "format",
                      "must be an e-mail address like ten@example.vn",
                      "phải là địa chỉ thư điện tử dạng ten@example.vn"));
  }
  if (r.password.size() > kMaxPasswordLength) {
    return Fail(Field(ErrorCode::kInvalid, "password", "too_long",
                      "is longer than " + std::to_string(kMaxPasswordLength) + " bytes",
                      "dài quá " + std::to_string(kMaxPasswordLength) + " byte"));
  }
  Result<std::string> password = ToNfc(r.password);
  if (!password) {
    return Fail(Field(ErrorCode::kInvalid, "password", "encoding", "is not valid UTF-8",
                      "không phải UTF-8 hợp lệ"));
  }
  TRY(CheckNewPassword(*password));
  // Throttled per address: each registration attempt that passed validation counts.
  const Clock::time_point now = accounts_.settings().now();
  const std::string key = "register:" + address;
  std::vector<std::string> recent =
      TRY(store_.LoginFailuresSince(key, FormatTime(now - std::chrono::hours(1))));
  if (recent.size() >= static_cast<size_t>(kMaxRegistrationsPerHour)) {
    std::optional<Clock::time_point> oldest =
        ParseTime(recent[recent.size() - kMaxRegistrationsPerHour]);
    int64_t wait = oldest ? std::chrono::duration_cast<std::chrono::seconds>(
                                *oldest + std::chrono::hours(1) - now)
                                    .count() +
                                1
                          : 3600;
    TRY(AppendAudit(
        store_,
        {"anonymous", "account.register_throttled", a.login, address, {{"retry_after", wait}}}));
    return RegisterOutcome{std::nullopt, std::max<int64_t>(1, wait)};
  }
  a.password_hash = TRY(HashPassword(*password));
  a.grants = {{"contributor", ""}};
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.PutLoginFailure(key, FormatTime(now)));
    a.id = TRY(w.PutAccount(a));
    return AppendAudit(
        w,
        {a.login, "account.register", a.login, address, {{"roles", json::array({"contributor"})}}});
  }));
  std::optional<Account> stored = TRY(store_.GetAccount(a.id));
  return RegisterOutcome{stored, 0};
}

Result<Account> SelfService::Own(const Authenticated& who) {
  std::optional<Account> a = TRY(store_.GetAccount(who.principal.account_id));
  if (!a || a->disabled) {
    return Fail(ErrorCode::kNotFound, "no such account", "không có tài khoản này");
  }
  return *a;
}

Status SelfService::CheckPassword(const Account& a, const std::string& password,
                                  const std::string& address) {
  Result<std::string> nfc = ToNfc(password.substr(0, kMaxPasswordLength));
  if (nfc && VerifyPassword(a.password_hash, *nfc)) return Ok();
  TRY(AppendAudit(store_, {a.login, "account.password_refused", a.login, address, json::object()}));
  return Fail(Field(ErrorCode::kForbidden, "password", "wrong", "is not your current password",
                    "không phải mật khẩu hiện tại của bạn"));
}

Result<json> SelfService::Export(const Authenticated& who, const std::string& address) {
  Account a = TRY(Own(who));
  json roles = json::array();
  for (const RoleGrant& g : a.grants) roles.push_back({{"role", g.role}, {"unit", g.unit}});
  json sessions = json::array();
  for (const Session& s : TRY(store_.ListSessions(a.id))) {
    sessions.push_back({{"created_at", s.created_at},
                        {"last_seen_at", s.last_seen_at},
                        {"address", s.address},
                        {"current", s.token_hash == who.token_hash}});
  }
  json tokens = json::array();
  for (const ApiToken& t : TRY(store_.ListApiTokens(a.id))) {
    tokens.push_back({{"id", t.id},
                      {"label", t.label},
                      {"scope", t.scope},
                      {"created_at", t.created_at},
                      {"expires_at", t.expires_at},
                      {"revoked", t.revoked}});
  }
  json submissions = json::array();
  SubmissionQuery q;
  q.contributor_id = a.id;
  q.limit = 500;
  for (;;) {
    std::vector<Submission> page = TRY(store_.ListSubmissions(q));
    for (const Submission& s : page) {
      submissions.push_back({{"id", s.id},
                             {"type", s.type},
                             {"record", s.record_pid},
                             {"state", s.state},
                             {"proposal", s.proposal},
                             {"rights", s.rights},
                             {"history", s.history},
                             {"created_at", s.created_at},
                             {"updated_at", s.updated_at}});
      q.after_id = s.id;
    }
    if (page.size() < q.limit) break;
  }
  json requests = json::array();
  UsageRequestQuery uq;
  uq.account_id = a.id;
  uq.limit = 500;
  for (;;) {
    std::vector<UsageRequest> page = TRY(store_.ListUsageRequests(uq));
    for (const UsageRequest& r : page) {
      requests.push_back({{"id", r.id},
                          {"record", r.record_pid},
                          {"name", r.name},
                          {"organisation", r.organisation},
                          {"email", r.email},
                          {"purpose", r.purpose},
                          {"state", r.state},
                          {"answer", r.answer},
                          {"created_at", r.created_at},
                          {"answered_at", r.answered_at}});
      uq.after_id = r.id;
    }
    if (page.size() < uq.limit) break;
  }
  json notifications = json::array();
  for (const Notification& n :
       TRY(store_.ListNotifications(a.id, NotificationFilter::kAll, 10000))) {
    notifications.push_back({{"id", n.id},
                             {"event", n.event},
                             {"text_en", n.text_en},
                             {"text_vi", n.text_vi},
                             {"created_at", n.created_at},
                             {"read_at", n.read_at}});
  }
  std::optional<SecondFactor> factor = TRY(store_.GetSecondFactor(a.id));
  TRY(AppendAudit(store_, {a.login, "account.export", a.login, address, json::object()}));
  return json{{"profile",
               {{"login", a.login},
                {"display_name", a.display_name},
                {"email", a.email},
                {"created_at", a.created_at}}},
              {"roles", roles},
              {"second_factor",
               {{"enrolled", factor.has_value()}, {"confirmed", factor && factor->confirmed}}},
              {"sessions", sessions},
              {"tokens", tokens},
              {"submissions", submissions},
              {"usage_requests", requests},
              {"notifications", notifications}};
}

Status SelfService::Delete(const Authenticated& who, const std::string& password,
                           const std::string& address) {
  Account a = TRY(Own(who));
  TRY(CheckPassword(a, password, address));
  if (std::any_of(a.grants.begin(), a.grants.end(),
                  [](const RoleGrant& g) { return g.role == "administrator"; })) {
    return Fail(ErrorCode::kConflict,
                "an administrator cannot delete their own account; another administrator "
                "removes the role first",
                "quản trị viên không tự xóa tài khoản của mình được; một quản trị viên khác cần "
                "gỡ vai trò này trước");
  }
  const std::string login = a.login;
  return store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.EraseAccountData(a.id, login));
    Account erased = a;
    erased.login = "deleted-" + std::to_string(a.id);
    erased.display_name = "";
    erased.email = "";
    erased.password_hash = "";
    erased.disabled = true;
    erased.grants.clear();
    TRY(w.PutAccount(erased));
    // The entry names the account by its number: the login was personal data.
    return AppendAudit(w, {erased.login, "account.delete", "account:" + std::to_string(a.id),
                           address, json::object()});
  });
}

Result<Enrolment> SelfService::EnrolTotp(const Authenticated& who, const std::string& password,
                                         const std::string& address) {
  Account a = TRY(Own(who));
  TRY(CheckPassword(a, password, address));
  if (!IsStaff(a)) {
    return Fail(
        ErrorCode::kForbidden,
        "the second factor is for staff accounts; contributors sign in with a password",
        "xác thực hai lớp dành cho tài khoản cán bộ; cộng tác viên đăng nhập bằng mật khẩu");
  }
  std::optional<SecondFactor> existing = TRY(store_.GetSecondFactor(a.id));
  if (existing && existing->confirmed) {
    return Fail(ErrorCode::kConflict, "a second factor is already on for this account",
                "tài khoản này đã bật xác thực hai lớp");
  }
  const SecretBox* box = accounts_.settings().secret_box.get();
  if (!box) {
    return Fail(ErrorCode::kUnavailable,
                "this server has no key file to keep second-factor secrets with",
                "máy chủ này không có tệp khóa để lưu bí mật xác thực hai lớp");
  }
  std::string key = NewTotpSecret();
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    TRY(w.PutSecondFactor({a.id, box->Seal(Base32Encode(key)), false, 0, ""}));
    return AppendAudit(w, {a.login, "auth.totp_enrol", a.login, address, json::object()});
  }));
  return Enrolment{Base32Encode(key), OtpAuthUri("Disan", a.login, key)};
}

Result<std::vector<std::string>> SelfService::ConfirmTotp(const Authenticated& who,
                                                          const std::string& code,
                                                          const std::string& address) {
  Account a = TRY(Own(who));
  int64_t now = TotpStep(UnixSeconds(accounts_.settings().now()));
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    std::string raw = NewSecret("").substr(0, 16);  // 80 bits
    codes.push_back(raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4) + "-" +
                    raw.substr(12, 4));
  }
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    std::optional<SecondFactor> f = TRY(w.GetSecondFactor(a.id));
    if (!f || f->confirmed) {
      return Fail(ErrorCode::kConflict, "there is no second factor waiting for confirmation",
                  "không có xác thực hai lớp nào đang chờ xác nhận");
    }
    std::optional<std::string> key =
        TRY(SecondFactorKey(*f, accounts_.settings().secret_box.get()));
    std::optional<int64_t> step = key ? MatchTotp(*key, code, now, f->last_step) : std::nullopt;
    if (!step) {
      return Fail(Field(ErrorCode::kInvalid, "code", "wrong",
                        "is not the code your authenticator app shows now",
                        "không phải mã ứng dụng xác thực đang hiển thị"));
    }
    f->confirmed = true;
    f->last_step = *step;
    TRY(w.PutSecondFactor(*f));
    // The codes carry the factor's creation time: those of an earlier factor no longer match
    // (Accounts::SignIn), so none needs revoking when the factor is replaced or removed.
    for (const std::string& c : codes) {
      TRY(w.PutApiToken({0, HashSecret(RecoveryCodeKey(c)), a.id, "recovery code", "recovery",
                         f->created_at, "", false}));
    }
    return AppendAudit(
        w, {a.login, "auth.totp_confirm", a.login, address, {{"recovery_codes", kRecoveryCodes}}});
  }));
  return codes;
}

Status SelfService::DisableTotp(const Authenticated& who, const std::string& password,
                                const std::string& code, const std::string& address) {
  Account a = TRY(Own(who));
  TRY(CheckPassword(a, password, address));
  int64_t now = TotpStep(UnixSeconds(accounts_.settings().now()));
  return store_.Write([&](StoreWriter& w) -> Status {
    std::optional<SecondFactor> f = TRY(w.GetSecondFactor(a.id));
    if (!f || !f->confirmed) {
      return Fail(ErrorCode::kConflict, "no second factor is on for this account",
                  "tài khoản này chưa bật xác thực hai lớp");
    }
    std::optional<std::string> key =
        TRY(SecondFactorKey(*f, accounts_.settings().secret_box.get()));
    if (!key || !MatchTotp(*key, code, now, f->last_step)) {
      return Fail(Field(ErrorCode::kInvalid, "code", "wrong",
                        "is not a fresh code of your authenticator app",
                        "không phải mã mới của ứng dụng xác thực"));
    }
    TRY(w.DeleteSecondFactor(a.id));
    return AppendAudit(w, {a.login, "auth.totp_disable", a.login, address, json::object()});
  });
}

}  // namespace disan::auth
