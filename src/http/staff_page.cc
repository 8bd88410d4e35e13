// The helpers every staff page shares (staff_page.h).
#include "http/staff_page.h"

#include <algorithm>
#include <cctype>

#include "auth/credentials.h"
#include "core/text.h"
#include "http/http_parser.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "portal/renderer.h"

namespace disan::http::staff {

using nlohmann::json;
using portal::Lang;

std::string ValueText(const json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Tr(Lang lang, const std::string& key) {
  return portal::Renderer::Builtin().translations().Get(lang, key);
}

// The fields of a form post (application/x-www-form-urlencoded, at most `max` bytes).
Result<Form> FormOf(const Request& req, size_t max) {
  if (req.body.size() > max) {
    std::string n = std::to_string(max);
    return Fail(
        Error{ErrorCode::kTooLarge,
              "the form is larger than " + n + " bytes",
              "biểu mẫu lớn hơn " + n + " byte",
              {{"body", "too_large", "larger than " + n + " bytes", "lớn hơn " + n + " byte"}}});
  }
  std::string type = req.Header("Content-Type").value_or("");
  if (!AsciiLower(type).starts_with("application/x-www-form-urlencoded")) {
    return Fail(Error{ErrorCode::kInvalid,
                      "the form must be sent as application/x-www-form-urlencoded",
                      "biểu mẫu phải được gửi dạng application/x-www-form-urlencoded",
                      {{"Content-Type", "media_type", "must be application/x-www-form-urlencoded",
                        "phải là application/x-www-form-urlencoded"}}});
  }
  Form form;
  ParseQueryString(req.body, form);
  return form;
}

// The status of a refused form: 415 for the wrong media type, else that of the error.
int FormStatus(const Error& e) {
  return !e.fields.empty() && e.fields[0].path == "Content-Type" ? 415 : StatusFor(e.code);
}

std::string FieldOf(const Form& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

bool TokenMatches(const Form& form, const std::string& expected) {
  std::string sent = FieldOf(form, "csrf_token");
  return !expected.empty() && !sent.empty() && auth::ConstantTimeEquals(sent, expected);
}

const Error& StaleForm() {
  static const Error e{ErrorCode::kInvalid,
                       "csrf_token: the form has expired or did not come from this site; "
                       "reload the page and send it again",
                       "csrf_token: biểu mẫu đã hết hạn hoặc không đến từ trang này; hãy tải lại "
                       "trang và gửi lại",
                       {{"csrf_token", "csrf", "is missing or does not match the session",
                         "bị thiếu hoặc không khớp với phiên"}}};
  return e;
}

// A message box: the text in the page's language, and in the other one below it.
json Message(Lang lang, const std::string& kind, const std::string& en, const std::string& vi) {
  return {{"kind", kind},
          {"ok", kind == "ok"},
          {"text", lang == Lang::kVi ? vi : en},
          {"other", lang == Lang::kVi ? en : vi},
          {"other_lang", std::string(portal::LangCode(portal::OtherLang(lang)))}};
}

json ErrorMessage(Lang lang, const Error& e) {
  if (StatusFor(e.code) >= 500) {  // no internals on a page; the log has them
    return Message(lang, "error", "the server could not answer; please try again later",
                   "máy chủ không trả lời được; xin thử lại sau");
  }
  return Message(lang, "error", e.message_en, e.message_vi);
}

// A staff page: the portal's layout, never stored by a cache.
Response StaffPage(int status, std::string_view name, json model, const Request& req,
                   const Context& ctx, const portal::PageRequest& page) {
  // The staff bar's links to what the person may reach (the routes ask the table again).
  model["nav_new_record"] = ctx.who && auth::Allows(ctx.principal, auth::Action::kCreateRecord, {});
  model["nav_users"] = ctx.who && auth::Allows(ctx.principal, auth::Action::kListAccounts, {});
  model["nav_audit"] = ctx.who && auth::Allows(ctx.principal, auth::Action::kReadAudit, {});
  Response r = PortalPage(status, name, std::move(model), req, ctx.services, page);
  std::erase_if(r.headers, [](const auto& h) { return AsciiLower(h.first) == "cache-control"; });
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response SeeOther(std::string_view location) {
  Response r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::string(location) + "\n";
  r.SetHeader("Location", std::string(location));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

bool SignedInBySession(const Context& ctx) {
  return ctx.who && ctx.who->via == auth::Via::kSession;
}

std::string CsrfOf(const Context& ctx) { return ctx.who ? ctx.who->csrf_token : ""; }

bool PostAllowed(const Context& ctx, const Form& form) {
  return !SignedInBySession(ctx) || TokenMatches(form, ctx.who->csrf_token);
}

workflow::Person PersonOf(const Context& ctx) { return {ctx.principal, ctx.actor}; }

std::string CookieOf(const Request& req, std::string_view name) {
  const std::string header = req.Header("Cookie").value_or("");
  for (const std::string& part : SplitTrimmed(header, ";")) {
    size_t eq = part.find('=');
    if (eq != std::string::npos && std::string_view(part).substr(0, eq) == name) {
      return part.substr(eq + 1);
    }
  }
  return "";
}

std::string Cookie(std::string_view name, const std::string& value, int64_t max_age,
                   const Services& services) {
  return std::string(name) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) +
         (services.public_url.starts_with("https://") ? "; Secure" : "");
}

std::string FormToken(const Request& req) {
  constexpr std::string_view kPrefix = "f_";
  std::string have = CookieOf(req, kFormCookie);
  bool ok = have.size() == kPrefix.size() + 32 && have.starts_with(kPrefix) &&
            std::all_of(have.begin(), have.end(),
                        [](unsigned char c) { return std::isalnum(c) || c == '_'; });
  return ok ? have : auth::NewSecret(std::string(kPrefix));
}

}  // namespace disan::http::staff
