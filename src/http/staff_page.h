// What every staff page shares (staff_routes.cc, staff_edit_routes.cc, staff_admin_routes.cc):
// reading a url-encoded form, checking its CSRF token, bilingual message boxes, and answering
// with the portal's layout and Cache-Control: no-store.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/text.h"
#include "http/routes.h"
#include "portal/pages.h"
#include "workflow/review.h"

namespace disan::http::staff {

using Form = std::multimap<std::string, std::string>;

// A sign-in form is small; anything bigger is refused before it is parsed.
inline constexpr size_t kMaxFormBody = 8 * 1024;

// A value of a record diff as text: strings as they are, anything else as compact JSON; "" for
// none.
std::string ValueText(const nlohmann::json& v);

// The translation of `key` (web/i18n) in `lang`.
std::string Tr(portal::Lang lang, const std::string& key);

// The fields of a form post (application/x-www-form-urlencoded, at most `max` bytes):
// kTooLarge naming "body", kInvalid naming "Content-Type".
Result<Form> FormOf(const Request& req, size_t max = kMaxFormBody);
// The status of a refused form: 415 for the wrong media type, else that of the error.
int FormStatus(const Error& e);
// The first value of field `name`, or "".
std::string FieldOf(const Form& form, const std::string& name);
// Whether the form's csrf_token equals `expected` (never when either is empty).
bool TokenMatches(const Form& form, const std::string& expected);
// The refusal of a form without the right token.
const Error& StaleForm();

// A message box: the text in the page's language, and in the other one below it.
nlohmann::json Message(portal::Lang lang, const std::string& kind, const std::string& en,
                       const std::string& vi);
// An error as a message box; no internals for server errors (the log has them).
nlohmann::json ErrorMessage(portal::Lang lang, const Error& e);

// A staff page: the portal's layout, never stored by a cache.
Response StaffPage(int status, std::string_view name, nlohmann::json model, const Request& req,
                   const Context& ctx, const portal::PageRequest& page);
Response SeeOther(std::string_view location);

bool SignedInBySession(const Context& ctx);
// The session's CSRF token for the forms of a page ("" for API tokens, which need none).
std::string CsrfOf(const Context& ctx);
// Whether a post carries what its session needs: the session's token (bearer tokens need none).
bool PostAllowed(const Context& ctx, const Form& form);

workflow::Person PersonOf(const Context& ctx);

// The cookie that carries the token of forms posted before signing in (sign-in,
// registration, commercial-use requests): one cookie and shape for all of them.
inline constexpr std::string_view kFormCookie = "disan_form";

// The value of cookie `name`, or "" (RFC 6265: "a=b; c=d").
std::string CookieOf(const Request& req, std::string_view name);

// A Set-Cookie value: HttpOnly, SameSite=Lax, and Secure when the public URL is https.
std::string Cookie(std::string_view name, const std::string& value, int64_t max_age,
                   const Services& services);

// The anonymous form's token: the browser's own when it has a well-formed one, else a new one.
std::string FormToken(const Request& req);

}  // namespace disan::http::staff
