// Handlers of the public self-service pages (portal_use_routes.h): read the form, call the
// API's own workflow (Review::RequestUse, SelfService::Register), render the page with the
// portal's layout. Anonymous forms carry the sign-in page's double-submit token (a
// `disan_form` cookie and the same value in the form); a signed-in person's carry the
// session's CSRF token, and the pipeline checks their Origin. A post whose Origin names
// another site is refused here too, signed in or not.
#include "http/portal_use_routes.h"

#include <algorithm>
#include <cctype>

#include "auth/credentials.h"
#include "auth/self_service.h"
#include "core/pid.h"
#include "core/text.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/staff_account_routes.h"
#include "http/staff_page.h"
#include "portal/renderer.h"
#include "workflow/contributions.h"
#include "workflow/review.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)

// A commercial-use request: as the API's limit for it (review_routes.cc).
constexpr size_t kMaxUseForm = 16 * 1024;

// The token a post must carry: the session's once signed in, else the form cookie's.
std::string ExpectedToken(const Request& req, const Context& ctx) {
  return SignedInBySession(ctx) ? ctx.who->csrf_token : CookieOf(req, kFormCookie);
}

// A post may name no Origin (old browsers, curl) but never another site's.
bool FromThisSite(const Request& req, const Services& services) {
  std::optional<std::string> origin = req.Header("Origin");
  if (!origin) return true;
  std::string site = SiteUrl(req, services);
  size_t scheme = site.find("://");
  size_t path = site.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return *origin == site.substr(0, path);
}

const Error& OtherSite() {
  static const Error e{ErrorCode::kForbidden,
                       "refused: the form was sent from another site",
                       "từ chối: biểu mẫu được gửi từ một trang khác",
                       {{"Origin", "csrf", "is another site", "là một trang khác"}}};
  return e;
}

// The page with the form token cookie set (anonymous) and Cache-Control: no-store.
Response FormPage(int status, std::string_view name, json model, const Request& req, Context& ctx,
                  const portal::PageRequest& p) {
  std::string form_token;
  if (SignedInBySession(ctx)) {
    model["csrf"] = ctx.who->csrf_token;
  } else {
    form_token = FormToken(req);
    model["csrf"] = form_token;
  }
  model["signed_in"] = ctx.who.has_value();
  Response r = StaffPage(status, name, std::move(model), req, ctx, p);
  if (!form_token.empty())
    r.SetHeader("Set-Cookie", Cookie(kFormCookie, form_token, 3600, ctx.services));
  return r;
}

// The message of `e` beside the input it names: {field: {text, other, other_lang}}.
json FieldErrors(Lang lang, const Error& e) {
  json out = json::object();
  for (const FieldError& f : e.fields) {
    if (out.contains(f.path)) continue;
    out[f.path] = Message(lang, "error", f.message_en, f.message_vi);
  }
  return out;
}

// ---- Commercial-use request ----

struct UseForm {
  std::string name, organisation, email, purpose;
};

// The public item a request is about: published and public (as its portal page), else an
// error naming what is wrong.
Result<StoredRecord> PublicItem(Context& ctx, const std::string& segment) {
  Result<std::string> pid = ParsePid(segment);
  if (!pid) {
    return Fail(
        workflow::FieldInvalid("pid", "pid", pid.error().message_en, pid.error().message_vi));
  }
  StoredRecord r =
      TRY(ctx.catalogue.Get(RecordClass::kItem, *pid, Actor{"portal", Audience::kPublic}));
  if (r.deleted) {
    return Fail(ErrorCode::kNotFound, "item " + r.pid + " was withdrawn",
                "hiện vật " + r.pid + " đã bị rút khỏi danh mục");
  }
  return r;
}

Response UsePage(int status, const Request& req, Context& ctx, json message, const UseForm& in,
                 json errors = json::object(), json done = nullptr) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model = portal::CommonModel(p, Tr(lang, "use_title"), Tr(lang, "use_intro"));
  model["message"] = std::move(message);
  model["errors"] = std::move(errors);
  model["done"] = std::move(done);
  model["action"] = std::string(kUseRequestPrefix) + req.params.at("pid").substr(0, 64);
  Result<StoredRecord> item = PublicItem(ctx, req.params.at("pid"));
  if (!item) {
    model["message"] = ErrorMessage(lang, item.error());
    return FormPage(status < 400 ? StatusFor(item.error().code) : status, "use_request",
                    std::move(model), req, ctx, p);
  }
  const std::string licence = item->document.value("licence", "");
  model["item"] = {{"name", portal::DisplayName(item->document, lang)},
                   {"href", portal::RecordPath(*item)},
                   {"pid", item->pid}};
  if (const Vocabulary* v = ctx.catalogue.schema().FindVocabulary("licences")) {
    if (const Term* t = v->FindId(licence))
      model["item"]["licence"] = lang == Lang::kVi ? t->label_vi : t->label_en;
  }
  const bool open = workflow::CommercialUseNeedsPermission(licence);
  model["may_ask"] = open && model["done"].is_null();
  if (!open && model["message"].is_null()) {
    status = 409;
    model["message"] =
        Message(lang, "note", Tr(Lang::kEn, "use_not_needed"), Tr(Lang::kVi, "use_not_needed"));
  }
  model["form"] = {{"name", in.name},
                   {"organisation", in.organisation},
                   {"email", in.email},
                   {"purpose", in.purpose}};
  if (in.name.empty() && in.email.empty() && ctx.who && ctx.services.accounts) {
    // A signed-in person's name and address, to save typing (they may change them).
    if (Result<std::optional<Account>> a =
            ctx.catalogue.store().GetAccount(ctx.principal.account_id);
        a && *a) {
      model["form"]["name"] = (*a)->display_name;
      model["form"]["email"] = (*a)->email;
    }
  }
  return FormPage(status, "use_request", std::move(model), req, ctx, p);
}

Response GetUseRequest(const Request& req, Context& ctx) {
  return UsePage(200, req, ctx, nullptr, {});
}

Response PostUseRequest(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  Result<Form> form = FormOf(req, kMaxUseForm);
  if (!form) {
    return UsePage(FormStatus(form.error()), req, ctx, ErrorMessage(lang, form.error()), {});
  }
  // What was typed comes back on every refusal (cut to the fields' limits).
  UseForm in{FieldOf(*form, "name").substr(0, workflow::kMaxShortText),
             FieldOf(*form, "organisation").substr(0, workflow::kMaxShortText),
             FieldOf(*form, "email").substr(0, 254),
             FieldOf(*form, "purpose").substr(0, workflow::kMaxLongText)};
  if (!FromThisSite(req, ctx.services))
    return UsePage(403, req, ctx, ErrorMessage(lang, OtherSite()), in);
  if (!TokenMatches(*form, ExpectedToken(req, ctx)))
    return UsePage(400, req, ctx, ErrorMessage(lang, StaleForm()), in);
  Result<StoredRecord> item = PublicItem(ctx, req.params.at("pid"));
  if (!item) return UsePage(StatusFor(item.error().code), req, ctx, nullptr, in);
  json body = json::object();
  for (const char* name : {"name", "organisation", "email", "purpose"}) {
    std::string v = FieldOf(*form, name);
    if (!Trim(v).empty()) body[name] = v;
  }
  Result<workflow::UseRequestInput> input = workflow::ParseUseRequest(body);
  if (!input) {
    return UsePage(StatusFor(input.error().code), req, ctx, ErrorMessage(lang, input.error()), in,
                   FieldErrors(lang, input.error()));
  }
  workflow::Review review(ctx.catalogue, workflow::ReviewConfig::Builtin());
  Result<workflow::UseRequestOutcome> outcome = review.RequestUse(PersonOf(ctx), item->pid, *input);
  if (!outcome) {
    return UsePage(StatusFor(outcome.error().code), req, ctx, ErrorMessage(lang, outcome.error()),
                   in, FieldErrors(lang, outcome.error()));
  }
  if (!outcome->request) {
    const std::string n = std::to_string(outcome->retry_after_seconds);
    const std::string minutes = std::to_string((outcome->retry_after_seconds + 59) / 60);
    Response r = UsePage(
        429, req, ctx,
        Message(lang, "error",
                "too many commercial-use requests from this account or this address; try again "
                "in " +
                    n + " seconds (about " + minutes + " minutes)",
                "quá nhiều đề nghị sử dụng thương mại từ tài khoản hoặc địa chỉ này; hãy thử lại "
                "sau " +
                    n + " giây (khoảng " + minutes + " phút)"),
        in);
    r.SetHeader("Retry-After", n);
    return r;
  }
  const UsageRequest& made = *outcome->request;
  json done = {
      {"id", std::to_string(made.id)}, {"email", made.email}, {"signed_in", made.account_id != 0}};
  return UsePage(201, req, ctx,
                 Message(lang, "ok", "Your request #" + std::to_string(made.id) + " is received.",
                         "Đã nhận đề nghị số " + std::to_string(made.id) + " của bạn."),
                 {}, json::object(), std::move(done));
}

// ---- Registration of a contributor ----

struct RegisterForm {
  std::string login, display_name, email;
};

Response RegisterPage(int status, const Request& req, Context& ctx, json message,
                      const RegisterForm& in, json errors = json::object()) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  json model = portal::CommonModel(p, Tr(p.lang, "register_title"), Tr(p.lang, "register_intro"));
  model["message"] = std::move(message);
  model["errors"] = std::move(errors);
  model["form"] = {{"login", in.login}, {"display_name", in.display_name}, {"email", in.email}};
  if (ctx.who) model["signed_in_as"] = ctx.who->actor_name;
  model["account_href"] = std::string(kStaffAccountPath);
  return FormPage(status, "register", std::move(model), req, ctx, p);
}

Response GetRegister(const Request& req, Context& ctx) {
  return RegisterPage(200, req, ctx, nullptr, {});
}

Response PostRegister(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  Result<Form> form = FormOf(req);
  if (!form) {
    return RegisterPage(FormStatus(form.error()), req, ctx, ErrorMessage(lang, form.error()), {});
  }
  RegisterForm in{FieldOf(*form, "login").substr(0, 64),
                  FieldOf(*form, "display_name").substr(0, 200),
                  FieldOf(*form, "email").substr(0, 254)};
  if (!FromThisSite(req, ctx.services))
    return RegisterPage(403, req, ctx, ErrorMessage(lang, OtherSite()), in);
  if (!TokenMatches(*form, ExpectedToken(req, ctx)))
    return RegisterPage(400, req, ctx, ErrorMessage(lang, StaleForm()), in);
  if (!ctx.services.accounts) {
    return RegisterPage(
        503, req, ctx,
        Message(lang, "error", "this server has no accounts", "máy chủ này không có tài khoản"),
        in);
  }
  auto refuse = [&](const Error& e) {
    return RegisterPage(StatusFor(e.code), req, ctx, ErrorMessage(lang, e), in,
                        FieldErrors(lang, e));
  };
  // The same checks as POST /api/v1/auth/register, on the same JSON.
  json body = json::object();
  for (const char* name : {"login", "display_name", "email"}) {
    std::string v = FieldOf(*form, name);
    if (!Trim(v).empty()) body[name] = v;
  }
  auth::Registration r;
  Result<std::string> login =
      workflow::TextMember(body, "login", 64, workflow::Presence::kRequired);
  if (!login) return refuse(login.error());
  Result<std::string> name =
      workflow::TextMember(body, "display_name", 200, workflow::Presence::kOptional);
  if (!name) return refuse(name.error());
  Result<std::string> email =
      workflow::TextMember(body, "email", 254, workflow::Presence::kRequired);
  if (!email) return refuse(email.error());
  r.login = *login;
  r.display_name = *name;
  r.email = *email;
  r.password = FieldOf(*form, "password");
  if (r.password.empty()) {
    return refuse(
        workflow::FieldInvalid("password", "required", "is required", "là trường bắt buộc"));
  }
  if (r.password != FieldOf(*form, "confirm_password")) {
    return refuse(workflow::FieldInvalid("confirm_password", "mismatch",
                                         "the two passwords differ; type the same one twice",
                                         "hai mật khẩu khác nhau; hãy gõ cùng một mật khẩu"));
  }
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  Result<auth::RegisterOutcome> out = self.Register(r, req.remote_address);
  if (!out) return refuse(out.error());
  if (!out->account) {
    const std::string n = std::to_string(out->retry_after_seconds);
    const std::string minutes = std::to_string((out->retry_after_seconds + 59) / 60);
    Response resp = RegisterPage(429, req, ctx,
                                 Message(lang, "error",
                                         "too many registrations from this address; try again in " +
                                             n + " seconds (about " + minutes + " minutes)",
                                         "quá nhiều lượt đăng ký từ địa chỉ này; hãy thử lại sau " +
                                             n + " giây (khoảng " + minutes + " phút)"),
                                 in);
    resp.SetHeader("Retry-After", n);
    return resp;
  }
  // Signed in at once, as the sign-in page would (a session the browser had ends).
  auth::Accounts& accounts = *ctx.services.accounts;
  Result<auth::SignInOutcome> signed_in =
      accounts.SignIn(out->account->login, r.password, req.remote_address);
  if (!signed_in || !signed_in->signed_in) {
    return RegisterPage(201, req, ctx,
                        Message(lang, "ok", Tr(Lang::kEn, "register_done_sign_in"),
                                Tr(Lang::kVi, "register_done_sign_in")),
                        {});
  }
  if (SignedInBySession(ctx)) (void)accounts.SignOut(*ctx.who, req.remote_address);
  Response resp = SeeOther(std::string(kStaffAccountPath) + "?welcome=1");
  resp.SetHeader("Set-Cookie", Cookie("disan_session", signed_in->signed_in->token,
                                      accounts.settings().session_absolute.count(), ctx.services));
  resp.SetHeader("Set-Cookie", Cookie(kFormCookie, "", 0, ctx.services));
  return resp;
}

}  // namespace

void AddPortalUseRoutes(std::vector<Route>& routes) {
  using auth::Action;
  const std::string use = std::string(kUseRequestPrefix) + "{pid}";
  routes.push_back({"GET", use, Access::Of(Action::kRequestUse), GetUseRequest});
  routes.push_back({"POST", use, Access::Of(Action::kRequestUse), PostUseRequest});
  routes.push_back({"GET", std::string(kRegisterPath), Access::Of(Action::kRegister), GetRegister});
  routes.push_back(
      {"POST", std::string(kRegisterPath), Access::Of(Action::kRegister), PostRegister});
}

}  // namespace disan::http
