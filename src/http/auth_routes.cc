#include "http/auth_routes.h"

#include <algorithm>

#include <charconv>

#include "auth/audit_log.h"
#include "core/pid.h"
#include "core/text.h"
#include "http/problem.h"
#include "http/query_params.h"
#include "workflow/contributions.h"
#include "workflow/lifecycle.h"

namespace disan::http {
namespace {

using auth::Action;
using nlohmann::json;

// Sign-in and password bodies are small; anything bigger is refused before it is parsed.
constexpr size_t kMaxAuthBody = 8 * 1024;

#define OR_PROBLEM(expr)                                   \
  ({                                                       \
    auto&& r_ = (expr);                                    \
    if (!r_) return ProblemResponse(r_.error(), req.path); \
    std::move(r_).value();                                 \
  })

// The body as a JSON object of at most `max` bytes.
Result<json> SmallObject(const Request& req, size_t max = kMaxAuthBody) {
  if (req.body.size() > max) {
    return Fail(Error{ErrorCode::kTooLarge,
                      "the body is larger than " + std::to_string(max) + " bytes",
                      "nội dung lớn hơn " + std::to_string(max) + " byte",
                      {{"body", "too_large", "larger than " + std::to_string(max) + " bytes",
                        "lớn hơn " + std::to_string(max) + " byte"}}});
  }
  json body = TRY(ParseJsonBody(req));
  if (!body.is_object()) {
    return Fail(workflow::FieldInvalid("body", "type", "must be a JSON object", "phải là đối tượng JSON"));
  }
  return body;
}

// A string member; `required` fails when absent.
Result<std::string> StringField(const json& body, const std::string& name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (!required) return std::string();
    return Fail(workflow::FieldInvalid(name, "required", "is required", "là trường bắt buộc"));
  }
  if (!it->is_string()) {
    return Fail(workflow::FieldInvalid(name, "type", "must be a string", "phải là chuỗi ký tự"));
  }
  return it->get<std::string>();
}

Result<std::vector<RoleGrant>> GrantsField(const json& body) {
  auto it = body.find("roles");
  if (it == body.end() || !it->is_array()) {
    return Fail(
        workflow::FieldInvalid("roles", "type", "must be a list of {\"role\": ..., \"unit\": PID or absent}",
                     "phải là danh sách {\"role\": ..., \"unit\": mã định danh hoặc bỏ trống}"));
  }
  std::vector<RoleGrant> out;
  for (const json& g : *it) {
    if (!g.is_object() || !g.contains("role") || !g["role"].is_string() ||
        (g.contains("unit") && !g["unit"].is_string() && !g["unit"].is_null())) {
      return Fail(workflow::FieldInvalid("roles", "type", "each role must be {\"role\": NAME, \"unit\": PID}",
                               "mỗi vai trò phải có dạng {\"role\": TÊN, \"unit\": MÃ}"));
    }
    std::string unit = g.value("unit", json()).is_string() ? g["unit"].get<std::string>() : "";
    if (!unit.empty()) unit = ParsePid(unit).value_or(unit);
    out.push_back({g["role"].get<std::string>(), unit});
  }
  return out;
}

json RenderGrants(const std::vector<RoleGrant>& grants) {
  json out = json::array();
  for (const RoleGrant& g : grants) {
    json r = {{"role", g.role}};
    if (!g.unit.empty()) r["unit"] = g.unit;
    out.push_back(r);
  }
  return out;
}

json RenderAccount(const Account& a) {
  return {{"login", a.login},
          {"display_name", a.display_name},
          {"roles", RenderGrants(a.grants)},
          {"created_at", a.created_at},
          {"disabled", a.disabled},
          {"password_set", !a.password_hash.empty()}};
}

json RenderToken(const ApiToken& t) {
  return {{"id", t.id},
          {"label", t.label},
          {"scope", t.scope},
          {"created_at", t.created_at},
          {"expires_at", t.expires_at},
          {"revoked", t.revoked},
          {"links", {{"self", "/api/v1/auth/tokens/" + std::to_string(t.id)}}}};
}

auth::Acting ActingOf(const Request& req, const Context& ctx) {
  return {ctx.actor.name, req.remote_address};
}

bool SecureCookies(const Context& ctx) { return ctx.services.public_url.starts_with("https://"); }

std::string SessionCookie(const std::string& value, int64_t max_age, bool secure) {
  return std::string("disan_session=") + value +
         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) +
         (secure ? "; Secure" : "");
}

// The login and password of a sign-in body; a malformed or oversized one is also audited.
Result<std::pair<std::string, std::string>> Credentials(const Request& req, Context& ctx) {
  auto parsed = [&]() -> Result<std::pair<std::string, std::string>> {
    json body = TRY(SmallObject(req));
    std::string login = TRY(StringField(body, "login", true));
    return std::make_pair(login, TRY(StringField(body, "password", true)));
  }();
  if (!parsed) {
    TRY(auth::AppendAudit(ctx.catalogue.store(),
                          {"anonymous",
                           "auth.login_refused",
                           "",
                           req.remote_address,
                           {{"problem", parsed.error().message_en}, {"bytes", req.body.size()}}}));
  }
  return parsed;
}

Response Login(const Request& req, Context& ctx) {
  auto [login, password] = OR_PROBLEM(Credentials(req, ctx));
  // The code of a TOTP second factor, for accounts that have one (auth/self_service.h).
  json body = json::parse(req.body, nullptr, false);
  std::string totp = body.is_object() ? OR_PROBLEM(StringField(body, "totp", false)) : "";
  auth::Accounts& accounts = *ctx.services.accounts;
  auth::SignInOutcome outcome =
      OR_PROBLEM(accounts.SignIn(login, password, req.remote_address, totp));
  if (!outcome.signed_in) {
    std::string n = std::to_string(outcome.retry_after_seconds);
    Response r = ProblemResponse(
        429,
        "too many failed sign-ins for this account or from this address; try again in " + n +
            " seconds",
        "đăng nhập sai quá nhiều lần với tài khoản này hoặc từ địa chỉ này; hãy thử lại sau " + n +
            " giây",
        req.path);
    r.SetHeader("Retry-After", n);
    return r;
  }
  // A session the browser already had ends here: the new one has a new id (no fixation).
  if (ctx.who && ctx.who->via == auth::Via::kSession)
    (void)accounts.SignOut(*ctx.who, req.remote_address);
  const auth::SignedIn& s = *outcome.signed_in;
  Response r = JsonResponse({{"token", s.token},
                             {"token_type", "Bearer"},
                             {"expires_at", s.expires_at},
                             {"csrf_token", s.csrf_token},
                             {"account", RenderAccount(s.account)}});
  r.SetHeader("Set-Cookie", SessionCookie(s.token, accounts.settings().session_absolute.count(),
                                          SecureCookies(ctx)));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response Logout(const Request& req, Context& ctx) {
  OR_PROBLEM(ctx.services.accounts->SignOut(*ctx.who, req.remote_address));
  Response r = JsonResponse({{"signed_out", true}});
  r.SetHeader("Set-Cookie", SessionCookie("", 0, SecureCookies(ctx)));
  return r;
}

Response WhoAmI(const Request& req, Context& ctx) {
  std::optional<Account> a =
      OR_PROBLEM(ctx.services.catalogue.store().GetAccount(ctx.principal.account_id));
  if (!a) return ProblemResponse(404, "no such account", "không có tài khoản này", req.path);
  json out = RenderAccount(*a);
  out["via"] = ctx.who->via == auth::Via::kSession ? "session" : "api_token";
  out["scope"] = ctx.principal.scope == auth::TokenScope::kRead ? "read" : "write";
  if (ctx.who->via == auth::Via::kSession) out["csrf_token"] = ctx.who->csrf_token;
  Response r = JsonResponse(out);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response ChangePassword(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(SmallObject(req));
  std::string current = OR_PROBLEM(StringField(body, "current_password", true));
  std::string next = OR_PROBLEM(StringField(body, "new_password", true));
  OR_PROBLEM(ctx.services.accounts->ChangePassword(*ctx.who, current, next, req.remote_address));
  Response r = JsonResponse({{"changed", true}, {"signed_out_everywhere", true}});
  r.SetHeader("Set-Cookie", SessionCookie("", 0, SecureCookies(ctx)));
  return r;
}

Response ResetPassword(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(SmallObject(req));
  std::string token = OR_PROBLEM(StringField(body, "token", true));
  std::string next = OR_PROBLEM(StringField(body, "new_password", true));
  OR_PROBLEM(ctx.services.accounts->ResetPassword(token, next, req.remote_address));
  return JsonResponse({{"changed", true}});
}

Response CreateToken(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(SmallObject(req));
  std::string label = OR_PROBLEM(StringField(body, "label", true));
  std::string scope = OR_PROBLEM(StringField(body, "scope", false));
  std::string expires = OR_PROBLEM(StringField(body, "expires_at", false));
  if (scope.empty()) scope = "read";
  if (scope != "read" && scope != "write") {
    return ProblemResponse(
        workflow::FieldInvalid("scope", "unknown_term", "must be read or write", "phải là read hoặc write"),
        req.path);
  }
  // A token never holds more than the credential that made it.
  if (scope == "write" && ctx.principal.scope == auth::TokenScope::kRead) {
    return ProblemResponse(Error{ErrorCode::kForbidden,
                                 "a read-only token cannot make a write token",
                                 "mã chỉ đọc không tạo được mã có quyền ghi",
                                 {}},
                           req.path);
  }
  auth::IssuedToken t = OR_PROBLEM(ctx.services.accounts->IssueToken(
      *ctx.who, label, scope == "write" ? auth::TokenScope::kWrite : auth::TokenScope::kRead,
      expires, req.remote_address));
  json out = RenderToken(t.record);
  out["token"] = t.token;
  out["note"] = "shown once: keep it safe / chỉ hiện một lần: hãy lưu giữ cẩn thận";
  Response r = JsonResponse(out, 201);
  r.SetHeader("Location", "/api/v1/auth/tokens/" + std::to_string(t.record.id));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response ListTokens(const Request& req, Context& ctx) {
  std::vector<ApiToken> tokens = OR_PROBLEM(ctx.services.accounts->Tokens(*ctx.who));
  json out = json::array();
  for (const ApiToken& t : tokens) out.push_back(RenderToken(t));
  return JsonResponse({{"tokens", out}});
}

Result<int64_t> IdParam(const Request& req, const std::string& name) {
  const std::string& s = req.params.at(name);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) {
    return Fail(
        workflow::FieldInvalid(name, "type", "must be a positive whole number", "phải là số nguyên dương"));
  }
  return v;
}

Response RevokeToken(const Request& req, Context& ctx) {
  int64_t id = OR_PROBLEM(IdParam(req, "id"));
  OR_PROBLEM(ctx.services.accounts->RevokeToken(*ctx.who, id, req.remote_address));
  return JsonResponse({{"id", id}, {"revoked", true}});
}

Response CreateAccount(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(SmallObject(req, 64 * 1024));
  std::string login = OR_PROBLEM(StringField(body, "login", true));
  std::string name = OR_PROBLEM(StringField(body, "display_name", false));
  std::string password = OR_PROBLEM(StringField(body, "password", false));
  std::vector<RoleGrant> grants = OR_PROBLEM(GrantsField(body));
  Account a =
      OR_PROBLEM(ctx.services.accounts->Create(login, name, password, grants, ActingOf(req, ctx)));
  Response r = JsonResponse(RenderAccount(a), 201);
  r.SetHeader("Location", "/api/v1/accounts/" + a.login);
  return r;
}

Response ListAccounts(const Request& req, Context& ctx) {
  std::vector<Account> accounts = OR_PROBLEM(ctx.services.catalogue.store().ListAccounts());
  json out = json::array();
  for (const Account& a : accounts) out.push_back(RenderAccount(a));
  return JsonResponse({{"accounts", out}});
}

Response SetRoles(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(SmallObject(req, 64 * 1024));
  std::vector<RoleGrant> grants = OR_PROBLEM(GrantsField(body));
  Account a = OR_PROBLEM(
      ctx.services.accounts->SetGrants(req.params.at("login"), grants, ActingOf(req, ctx)));
  return JsonResponse(RenderAccount(a));
}

Response IssueResetLink(const Request& req, Context& ctx) {
  std::string token = OR_PROBLEM(
      ctx.services.accounts->IssueResetToken(req.params.at("login"), ActingOf(req, ctx)));
  auto hours = std::chrono::duration_cast<std::chrono::hours>(
                   ctx.services.accounts->settings().reset_link_lifetime)
                   .count();
  Response r =
      JsonResponse({{"token", token},
                    {"use", "POST /api/v1/auth/reset {\"token\": ..., \"new_password\": ...}"},
                    {"valid_hours", hours},
                    {"note",
                     "shown once; give it to the person by a channel you trust / chỉ hiện một lần; "
                     "hãy trao cho người dùng qua kênh tin cậy"}},
                   201);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response PostTransition(const Request& req, Context& ctx) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  if (!pid) {
    Error e = pid.error();
    e.fields.push_back({"pid", "pid", e.message_en, e.message_vi});
    return ProblemResponse(e, req.path);
  }
  json body = OR_PROBLEM(SmallObject(req, 16 * 1024));
  std::string to = OR_PROBLEM(StringField(body, "to", true));
  std::string reason = OR_PROBLEM(StringField(body, "reason", true));
  std::optional<int64_t> expected;
  if (std::optional<std::string> m = req.Header("If-Match")) {
    std::string v(Trim(*m));
    if (v.starts_with("W/")) v = v.substr(2);
    int64_t n = 0;
    if (v.size() >= 4 && v.front() == '"' && v[1] == 'r' && v.back() == '"') {
      auto [end, ec] = std::from_chars(v.data() + 2, v.data() + v.size() - 1, n);
      if (ec == std::errc() && end == v.data() + v.size() - 1) expected = n;
    }
    if (!expected && v != "*") {
      return ProblemResponse(
          workflow::FieldInvalid("If-Match", "etag", "must be an ETag as sent by GET, e.g. \"r3\"",
                       "phải là ETag như GET trả về, ví dụ \"r3\""),
          req.path);
    }
  }
  StoredRecord r = OR_PROBLEM(workflow::Transition(ctx.catalogue, RecordClass::kItem, *pid, to,
                                                   reason, expected, ctx.actor));
  Response resp = JsonResponse({{"pid", r.pid},
                                {"status", r.document.value("status", "published")},
                                {"revision", r.revision},
                                {"by", ctx.actor.name},
                                {"reason", reason},
                                {"at", r.updated_at}});
  resp.SetHeader("ETag", "\"r" + std::to_string(r.revision) + "\"");
  return resp;
}

Response ListAudit(const Request& req, Context& ctx) {
  AuditQuery q = OR_PROBLEM(AuditQueryOf(req));
  std::vector<AuditEntry> entries = OR_PROBLEM(ctx.catalogue.store().ListAudit(q));
  json out = json::array();
  for (const AuditEntry& e : entries) {
    json detail = json::parse(e.detail, nullptr, false);
    out.push_back({{"seq", e.seq},
                   {"at", e.at},
                   {"actor", e.actor},
                   {"action", e.action},
                   {"target", e.target},
                   {"address", e.address},
                   {"detail", detail.is_discarded() ? json(e.detail) : detail},
                   {"prev_hash", e.prev_hash},
                   {"hash", e.hash}});
  }
  json page = {{"entries", out}};
  if (entries.size() == q.limit) page["next_after"] = entries.back().seq;
  return JsonResponse(page);
}

std::optional<Response> NoAccounts(const Request& req, const Context& ctx) {
  if (ctx.services.accounts) return std::nullopt;
  return ProblemResponse(503, "this server has no accounts", "máy chủ này không có tài khoản",
                         req.path);
}

// Wraps a handler that needs the accounts service (and, for signed-in actions, a person).
Handler WithAccounts(Response (*fn)(const Request&, Context&)) {
  return [fn](const Request& req, Context& ctx) {
    if (auto none = NoAccounts(req, ctx)) return *none;
    return fn(req, ctx);
  };
}

}  // namespace

Result<AuditQuery> AuditQueryOf(const Request& req, const std::vector<std::string>& also_allowed) {
  AuditQuery q;
  q.actor = req.Query("actor").value_or("");
  q.action = req.Query("action").value_or("");
  q.target = req.Query("target").value_or("");
  TRY(OnlyParameters(req, {"actor", "action", "target", "from", "until", "after", "limit"}, also_allowed));
  // A whole UTC time, or a date (2026-01-01, as a form's date input gives it: its midnight).
  for (const char* bound : {"from", "until"}) {
    std::string v = req.Query(bound).value_or("");
    if (v.empty()) continue;
    if (v.size() == 10) v += "T00:00:00.000Z";
    if (!auth::ParseTime(v) && !auth::ParseTime(v.substr(0, 19) + ".000Z")) {
      return std::unexpected(workflow::FieldInvalid(bound, "format",
                                          "must be a UTC time like 2026-01-01T00:00:00.000Z or a date like 2026-01-01",
                                          "phải là thời điểm UTC dạng 2026-01-01T00:00:00.000Z hoặc ngày dạng 2026-01-01"));
    }
    (std::string(bound) == "from" ? q.from : q.until) = v;
  }
  for (const char* number : {"after", "limit"}) {
    std::string v = req.Query(number).value_or("");
    if (v.empty()) continue;
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0 ||
        (std::string(number) == "limit" && (n < 1 || n > 1000))) {
      return std::unexpected(workflow::FieldInvalid(
          number, "range", std::string(number) == "limit" ? "must be 1 to 1000" : "must be a whole number",
          std::string(number) == "limit" ? "phải từ 1 đến 1000" : "phải là số nguyên"));
    }
    if (std::string(number) == "limit")
      q.limit = static_cast<size_t>(n);
    else
      q.after_seq = n;
  }
  return q;
}

void AddAuthRoutes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/v1/auth/login", Access::Of(Action::kSignIn), WithAccounts(Login)});
  r.push_back(
      {"POST", "/api/v1/auth/logout", Access::Of(Action::kManageOwnAccount), WithAccounts(Logout)});
  r.push_back(
      {"GET", "/api/v1/auth/session", Access::Of(Action::kViewOwnAccount), WithAccounts(WhoAmI)});
  r.push_back({"POST", "/api/v1/auth/password", Access::Of(Action::kManageOwnAccount),
               WithAccounts(ChangePassword)});
  r.push_back(
      {"POST", "/api/v1/auth/reset", Access::Of(Action::kSignIn), WithAccounts(ResetPassword)});
  r.push_back({"POST", "/api/v1/auth/tokens", Access::Of(Action::kManageOwnAccount),
               WithAccounts(CreateToken)});
  r.push_back({"GET", "/api/v1/auth/tokens", Access::Of(Action::kViewOwnAccount),
               WithAccounts(ListTokens)});
  r.push_back({"DELETE", "/api/v1/auth/tokens/{id}", Access::Of(Action::kManageOwnAccount),
               WithAccounts(RevokeToken)});
  r.push_back({"POST", "/api/v1/accounts", Access::Of(Action::kManageAccounts),
               WithAccounts(CreateAccount)});
  r.push_back(
      {"GET", "/api/v1/accounts", Access::Of(Action::kListAccounts), WithAccounts(ListAccounts)});
  r.push_back({"PUT", "/api/v1/accounts/{login}/roles", Access::Of(Action::kManageAccounts),
               WithAccounts(SetRoles)});
  r.push_back({"POST", "/api/v1/accounts/{login}/reset-link", Access::Of(Action::kManageAccounts),
               WithAccounts(IssueResetLink)});
  r.push_back(
      {"POST", "/api/v1/items/{pid}/transitions", Access::Of(Action::kTransition), PostTransition});
  r.push_back({"GET", "/api/v1/audit", Access::Of(Action::kReadAudit), ListAudit});
}

}  // namespace disan::http
