// Handlers of the curators' commercial-use requests page and of "my account"
// (staff_account_routes.h): read the form, call the same functions as the JSON API
// (Review::AnswerUse, Accounts::ChangePassword / IssueToken / RevokeToken, SelfService::Export /
// Delete / EnrolTotp / ConfirmTotp / DisableTotp), render the page. Every form carries the
// session's CSRF token; the route table asks the permission table first (usage.read,
// usage.answer, account.view_own, account.manage_own).
#include "http/staff_account_routes.h"

#include <charconv>
#include <limits>

#include "auth/self_service.h"
#include "core/pid.h"
#include "core/text.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/query_params.h"
#include "http/staff_page.h"
#include "portal/renderer.h"
#include "workflow/contributions.h"
#include "workflow/review.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

// Requests a page of the curators' list shows.
constexpr size_t kUsagePageSize = 50;
// An answer or an account form: far below the API's own 16 KiB.
constexpr size_t kMaxAccountForm = 16 * 1024;

Result<int64_t> PositiveId(const std::string& name, const std::string& text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) {
    return Fail(workflow::FieldInvalid(
        name.substr(0, 64), "range", "must be a positive whole number", "phải là số nguyên dương"));
  }
  return v;
}

std::string NoAccountsEn() { return "this server has no accounts"; }
std::string NoAccountsVi() { return "máy chủ này không có tài khoản"; }

// ---- The curators' list of commercial-use requests ----

struct UsageFilter {
  std::string state;   // "" = any
  std::string item;    // a pid, "" = any
  int64_t before = 0;  // 0 = from the newest
};

Result<UsageFilter> UsageFilterOf(const Request& req) {
  UsageFilter f;
  TRY(OnlyParameters(req, {"state", "item", "before"}, {"lang"}));
  f.state = req.Query("state").value_or("");
  if (!f.state.empty() && f.state != "open" && f.state != "granted" && f.state != "refused") {
    return Fail(workflow::FieldInvalid("state", "unknown_term", "must be open, granted or refused",
                                       "phải là open, granted hoặc refused"));
  }
  if (std::string item = req.Query("item").value_or(""); !Trim(item).empty()) {
    Result<std::string> pid = ParsePid(std::string(Trim(item)));
    if (!pid) {
      return Fail(
          workflow::FieldInvalid("item", "pid", pid.error().message_en, pid.error().message_vi));
    }
    f.item = *pid;
  }
  if (std::string before = req.Query("before").value_or(""); !before.empty())
    f.before = TRY(PositiveId("before", before));
  return f;
}

std::string UsageQuery(const UsageFilter& f, int64_t before) {
  std::string q;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!v.empty()) q += (q.empty() ? "?" : "&") + k + "=" + PercentEncode(v);
  };
  add("state", f.state);
  add("item", f.item);
  add("before", before ? std::to_string(before) : "");
  return q;
}

// An RFC 3339 time as people read it: "2026-11-26 10:05" (UTC).
std::string When(const std::string& rfc3339) {
  std::string out = rfc3339.substr(0, 16);
  if (out.size() > 10 && out[10] == 'T') out[10] = ' ';
  return out;
}

// `filters`: the list's query, kept by the answer form so that the answer shows the same list.
json UsageRow(Context& ctx, const UsageRequest& r, Lang lang, bool may_answer,
              const std::string& filters) {
  std::string name = r.record_pid, href;
  if (Result<StoredRecord> rec = ctx.catalogue.store().Get(r.record_pid); rec && !rec->deleted) {
    std::string shown = portal::DisplayName(rec->document, lang);
    if (!shown.empty()) name = shown;
    // Only a public record has a public page; a withdrawn or restricted one would answer 404.
    if (Catalogue::IsPublic(*rec)) href = portal::RecordPath(*rec);
  }
  const bool open = r.state == "open";
  return {{"id", std::to_string(r.id)},
          {"action", std::string(kStaffUsagePath) + "/" + std::to_string(r.id) + filters},
          {"item_name", name},
          {"item_href", href},
          {"pid", r.record_pid},
          // Percent-encoded: an address with "?cc=…" must not add recipients or a body.
          {"email_href", "mailto:" + PercentEncode(r.email)},
          {"name", r.name},
          {"organisation", r.organisation},
          {"email", r.email},
          {"purpose", r.purpose},
          {"state", r.state},
          {"state_label", Tr(lang, "usage_state_" + r.state)},
          {"created", When(r.created_at)},
          {"answer", r.answer},
          {"answered_by", r.answered_by},
          {"answered_at", When(r.answered_at)},
          {"open", open},
          {"may_answer", open && may_answer}};
}

Response UsagePage(int status, const Request& req, Context& ctx, json message,
                   const UsageFilter& f) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "usage_title"), Tr(lang, "usage_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  model["message"] = std::move(message);
  json states = json::array();
  for (const char* s : {"open", "granted", "refused"}) {
    states.push_back({{"value", s},
                      {"label", Tr(lang, std::string("usage_state_") + s)},
                      {"selected", f.state == s}});
  }
  model["states"] = states;
  model["item"] = f.item;
  const bool may_answer = auth::Allows(ctx.principal, auth::Action::kAnswerUseRequests, {});
  UsageRequestQuery q;
  q.state = f.state;
  q.record_pid = f.item;
  q.limit = kUsagePageSize;
  json rows = json::array();
  Result<std::vector<UsageRequest>> list =
      ctx.catalogue.store().ListUsageRequestsNewestFirst(q, f.before);
  if (!list) {
    status = StatusFor(list.error().code);
    model["message"] = ErrorMessage(lang, list.error());
  } else {
    const std::string filters = UsageQuery(f, f.before);
    for (const UsageRequest& r : *list) rows.push_back(UsageRow(ctx, r, lang, may_answer, filters));
    if (list->size() == q.limit)
      model["next"] = std::string(kStaffUsagePath) + UsageQuery(f, list->back().id);
  }
  model["requests"] = rows;
  return StaffPage(status, "staff_usage", std::move(model), req, ctx, p);
}

Response GetUsage(const Request& req, Context& ctx) {
  Result<UsageFilter> f = UsageFilterOf(req);
  if (!f) {
    Lang lang = PortalPageRequest(req, ctx.services).lang;
    return UsagePage(422, req, ctx, ErrorMessage(lang, f.error()), {});
  }
  return UsagePage(200, req, ctx, nullptr, *f);
}

Response PostUsageAnswer(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  // The list the answer was given on (its filters travel in the form's action); a bad one is
  // dropped rather than refusing the answer.
  const UsageFilter shown = UsageFilterOf(req).value_or(UsageFilter{});
  Result<int64_t> id = PositiveId("id", req.params.at("id"));
  if (!id) return UsagePage(404, req, ctx, ErrorMessage(lang, id.error()), shown);
  Result<Form> form = FormOf(req, kMaxAccountForm);
  if (!form)
    return UsagePage(FormStatus(form.error()), req, ctx, ErrorMessage(lang, form.error()), shown);
  if (!PostAllowed(ctx, *form))
    return UsagePage(400, req, ctx, ErrorMessage(lang, StaleForm()), shown);
  json body = {{"decision", FieldOf(*form, "decision")}};
  std::string answer = FieldOf(*form, "answer");
  // A grant needs no words (the page then answers a plain bilingual "granted"); a refusal
  // says why (ParseUseAnswer requires the answer).
  if (Trim(answer).empty() && FieldOf(*form, "decision") == "grant")
    answer = "Chấp thuận. / Granted.";
  if (!Trim(answer).empty()) body["answer"] = answer;
  Result<workflow::UseAnswer> parsed = workflow::ParseUseAnswer(body);
  if (!parsed) {
    return UsagePage(StatusFor(parsed.error().code), req, ctx, ErrorMessage(lang, parsed.error()),
                     shown);
  }
  workflow::Review review(ctx.catalogue, workflow::ReviewConfig::Builtin());
  Result<UsageRequest> done = review.AnswerUse(PersonOf(ctx), *id, *parsed);
  if (!done) {
    return UsagePage(StatusFor(done.error().code), req, ctx, ErrorMessage(lang, done.error()),
                     shown);
  }
  const std::string n = std::to_string(done->id);
  return UsagePage(200, req, ctx,
                   parsed->granted ? Message(lang, "ok", "Request #" + n + " is granted.",
                                             "Đã chấp thuận đề nghị số " + n + ".")
                                   : Message(lang, "ok", "Request #" + n + " is refused.",
                                             "Đã từ chối đề nghị số " + n + "."),
                   shown);
}

// ---- My account ----

// What a post to the account page shows once (never stored in the clear).
struct Shown {
  json new_token = nullptr;  // {token, label}
  json enrolment = nullptr;  // {secret, uri}
  json recovery_codes = nullptr;
};

Response AccountPage(int status, const Request& req, Context& ctx, json message,
                     const Shown& shown = {}) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "account_title"), Tr(lang, "account_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = CsrfOf(ctx);
  if (message.is_null() && req.method == "GET" && req.Query("welcome")) {
    message =
        Message(lang, "ok", Tr(Lang::kEn, "account_welcome"), Tr(Lang::kVi, "account_welcome"));
  }
  model["message"] = std::move(message);
  model["action"] = std::string(kStaffAccountPath);
  model["data_href"] = std::string(kStaffAccountDataPath);
  model["new_token"] = shown.new_token;
  model["enrolment"] = shown.enrolment;
  model["recovery_codes"] = shown.recovery_codes;
  if (!ctx.services.accounts || !ctx.who) {
    model["message"] = Message(lang, "error", NoAccountsEn(), NoAccountsVi());
    return StaffPage(503, "staff_account", std::move(model), req, ctx, p);
  }
  Result<std::optional<Account>> a = ctx.catalogue.store().GetAccount(ctx.principal.account_id);
  if (!a || !*a) {
    model["message"] = a ? Message(lang, "error", "no such account", "không có tài khoản này")
                         : ErrorMessage(lang, a.error());
    return StaffPage(a ? 404 : StatusFor(a.error().code), "staff_account", std::move(model), req,
                     ctx, p);
  }
  const Account& account = **a;
  json roles = json::array();
  // The same rules as SelfService's (auth/self_service.cc): a second factor is for staff, and
  // an administrator cannot delete their own account.
  bool staff = false, administrator = false;
  for (const RoleGrant& g : account.grants) {
    roles.push_back({{"label", Tr(lang, "staff_role_" + g.role)}, {"unit", g.unit}});
    staff |= g.role != "contributor";
    administrator |= g.role == "administrator";
  }
  model["account"] = {{"login", account.login},
                      {"display_name", account.display_name},
                      {"email", account.email},
                      {"created", account.created_at.substr(0, 10)},
                      {"roles", roles}};
  json tokens = json::array();
  Result<std::vector<ApiToken>> list = ctx.services.accounts->Tokens(*ctx.who);
  Result<std::optional<SecondFactor>> factor = ctx.catalogue.store().GetSecondFactor(account.id);
  for (const Error* e : {list ? nullptr : &list.error(), factor ? nullptr : &factor.error()}) {
    // A list that cannot be read is not shown as empty: that would offer to enrol a second
    // factor that is already on.
    if (e == nullptr || !model["message"].is_null()) continue;
    model["message"] = ErrorMessage(lang, *e);
    status = StatusFor(e->code);
  }
  if (list) {
    for (const ApiToken& t : *list) {
      tokens.push_back({{"id", std::to_string(t.id)},
                        {"label", t.label},
                        {"scope", Tr(lang, "account_scope_" + t.scope)},
                        {"created", t.created_at.substr(0, 10)},
                        {"expires", t.expires_at.substr(0, 10)},
                        {"revoked", t.revoked}});
    }
  }
  model["tokens"] = tokens;
  const std::optional<SecondFactor> second = factor ? *factor : std::nullopt;
  model["factor_on"] = second && second->confirmed;
  model["factor_pending"] = second && !second->confirmed;
  model["staff"] = staff && factor.has_value();
  model["may_delete"] = !administrator;
  return StaffPage(status, "staff_account", std::move(model), req, ctx, p);
}

Response GetAccount(const Request& req, Context& ctx) {
  return AccountPage(200, req, ctx, nullptr);
}

// A page for someone who is no longer signed in here (password changed, account deleted): the
// message, a link to sign in, and the session cookie cleared.
Response SignedOutPage(const Request& req, Context& ctx, const std::string& key) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  json model = portal::CommonModel(p, Tr(p.lang, "account_title"), Tr(p.lang, "account_intro"));
  model["message"] = Message(p.lang, "ok", Tr(Lang::kEn, key), Tr(Lang::kVi, key));
  model["signed_out"] = true;
  Response r = StaffPage(200, "staff_account", std::move(model), req, ctx, p);
  r.SetHeader("Set-Cookie",
              std::string("disan_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0") +
                  (ctx.services.public_url.starts_with("https://") ? "; Secure" : ""));
  return r;
}

Response PostAccount(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  Result<Form> form = FormOf(req, kMaxAccountForm);
  if (!form)
    return AccountPage(FormStatus(form.error()), req, ctx, ErrorMessage(lang, form.error()));
  if (!PostAllowed(ctx, *form)) return AccountPage(400, req, ctx, ErrorMessage(lang, StaleForm()));
  if (!ctx.services.accounts || !ctx.who) {
    return AccountPage(503, req, ctx, Message(lang, "error", NoAccountsEn(), NoAccountsVi()));
  }
  auth::Accounts& accounts = *ctx.services.accounts;
  auth::SelfService self(accounts, ctx.catalogue.store());
  const std::string action = FieldOf(*form, "do");
  auto fail = [&](const Error& e) {
    return AccountPage(StatusFor(e.code), req, ctx, ErrorMessage(lang, e));
  };
  auto required = [&](const std::string& name) -> Result<std::string> {
    std::string v = FieldOf(*form, name);
    if (v.empty()) {
      return Fail(workflow::FieldInvalid(name, "required", "is required", "là trường bắt buộc"));
    }
    return v;
  };
  if (action == "password") {
    Result<std::string> current = required("current_password");
    if (!current) return fail(current.error());
    Result<std::string> next = required("new_password");
    if (!next) return fail(next.error());
    if (*next != FieldOf(*form, "confirm_password")) {
      return fail(workflow::FieldInvalid("confirm_password", "mismatch",
                                         "the two passwords differ; type the same one twice",
                                         "hai mật khẩu khác nhau; hãy gõ cùng một mật khẩu"));
    }
    if (Status s = accounts.ChangePassword(*ctx.who, *current, *next, req.remote_address); !s)
      return fail(s.error());
    return SignedOutPage(req, ctx, "account_password_changed");
  }
  if (action == "token") {
    Result<std::string> label = required("label");
    if (!label) return fail(label.error());
    std::string scope = FieldOf(*form, "scope");
    if (scope.empty()) scope = "read";
    if (scope != "read" && scope != "write") {
      return fail(workflow::FieldInvalid("scope", "unknown_term", "must be read or write",
                                         "phải là read hoặc write"));
    }
    if (scope == "write" && ctx.principal.scope == auth::TokenScope::kRead) {
      return fail(Error{ErrorCode::kForbidden,
                        "a read-only token cannot make a write token",
                        "mã chỉ đọc không tạo được mã có quyền ghi",
                        {}});
    }
    std::string expires = FieldOf(*form, "expires");
    // A date input gives YYYY-MM-DD: the token ends at that day's start (UTC).
    if (expires.size() == 10) expires += "T00:00:00.000Z";
    Result<auth::IssuedToken> t = accounts.IssueToken(
        *ctx.who, *label, scope == "write" ? auth::TokenScope::kWrite : auth::TokenScope::kRead,
        expires, req.remote_address);
    if (!t) {
      // The service names the API's field; the form's is "expires".
      Error e = t.error();
      for (FieldError& f : e.fields) {
        if (f.path == "expires_at") f.path = "expires";
      }
      return fail(e);
    }
    Shown shown;
    shown.new_token = {{"token", t->token}, {"label", t->record.label}};
    return AccountPage(201, req, ctx,
                       Message(lang, "ok", Tr(Lang::kEn, "account_token_made"),
                               Tr(Lang::kVi, "account_token_made")),
                       shown);
  }
  if (action == "revoke") {
    Result<int64_t> id = PositiveId("id", FieldOf(*form, "id"));
    if (!id) return fail(id.error());
    if (Status s = accounts.RevokeToken(*ctx.who, *id, req.remote_address); !s)
      return fail(s.error());
    return AccountPage(200, req, ctx,
                       Message(lang, "ok", "The token is revoked.", "Đã thu hồi mã truy cập."));
  }
  if (action == "delete") {
    Result<std::string> password = required("password");
    if (!password) return fail(password.error());
    if (Status s = self.Delete(*ctx.who, *password, req.remote_address); !s) return fail(s.error());
    return SignedOutPage(req, ctx, "account_deleted");
  }
  if (action == "totp_enrol") {
    Result<std::string> password = required("password");
    if (!password) return fail(password.error());
    Result<auth::Enrolment> e = self.EnrolTotp(*ctx.who, *password, req.remote_address);
    if (!e) return fail(e.error());
    Shown shown;
    shown.enrolment = {{"secret", e->secret_base32}, {"uri", e->otpauth_uri}};
    return AccountPage(201, req, ctx,
                       Message(lang, "ok", Tr(Lang::kEn, "account_totp_enrolled"),
                               Tr(Lang::kVi, "account_totp_enrolled")),
                       shown);
  }
  if (action == "totp_confirm") {
    Result<std::string> code = required("code");
    if (!code) return fail(code.error());
    Result<std::vector<std::string>> codes =
        self.ConfirmTotp(*ctx.who, code->substr(0, 16), req.remote_address);
    if (!codes) return fail(codes.error());
    Shown shown;
    shown.recovery_codes = *codes;
    return AccountPage(
        200, req, ctx,
        Message(lang, "ok", Tr(Lang::kEn, "account_totp_on"), Tr(Lang::kVi, "account_totp_on")),
        shown);
  }
  if (action == "totp_disable") {
    Result<std::string> password = required("password");
    if (!password) return fail(password.error());
    Result<std::string> code = required("code");
    if (!code) return fail(code.error());
    if (Status s = self.DisableTotp(*ctx.who, *password, code->substr(0, 16), req.remote_address);
        !s)
      return fail(s.error());
    return AccountPage(
        200, req, ctx,
        Message(lang, "ok", Tr(Lang::kEn, "account_totp_off"), Tr(Lang::kVi, "account_totp_off")));
  }
  return fail(workflow::FieldInvalid(
      "do", "unknown_term",
      "is not an action (password, token, revoke, delete, totp_enrol, totp_confirm, totp_disable)",
      "không phải thao tác (password, token, revoke, delete, totp_enrol, totp_confirm, "
      "totp_disable)"));
}

// The same JSON as GET /api/v1/auth/export, as an attachment.
Response GetAccountData(const Request& req, Context& ctx) {
  auto no_store = [](Response r) {
    r.SetHeader("Cache-Control", "no-store");
    return r;
  };
  if (!ctx.services.accounts || !ctx.who) {
    return no_store(ProblemResponse(503, NoAccountsEn(), NoAccountsVi(), req.path));
  }
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  Result<json> data = self.Export(*ctx.who, req.remote_address);
  if (!data) return no_store(ProblemResponse(data.error(), req.path));
  Response r = JsonResponse(*data);
  r.SetHeader("Content-Disposition", "attachment; filename=\"disan-account.json\"");
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

void AddStaffAccountRoutes(std::vector<Route>& routes) {
  using auth::Action;
  const std::string usage(kStaffUsagePath);
  routes.push_back({"GET", usage, Access::Of(Action::kReadUseRequests), GetUsage});
  routes.push_back(
      {"POST", usage + "/{id}", Access::Of(Action::kAnswerUseRequests), PostUsageAnswer});
  const std::string account(kStaffAccountPath);
  routes.push_back({"GET", account, Access::Of(Action::kViewOwnAccount), GetAccount});
  routes.push_back({"POST", account, Access::Of(Action::kManageOwnAccount), PostAccount});
  routes.push_back({"GET", std::string(kStaffAccountDataPath), Access::Of(Action::kViewOwnAccount),
                    GetAccountData});
}

}  // namespace disan::http
