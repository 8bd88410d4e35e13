// Handlers of the staff pages: read the form, call the accounts service, render the page with
// the portal's layout (portal_routes.h). Every form carries a CSRF token: the session's once
// signed in, before that one from a short-lived cookie the sign-in page sets (double submit).
// Every answer is Cache-Control: no-store.
#include "http/staff_routes.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "auth/audit_log.h"
#include "auth/credentials.h"
#include "core/pid.h"
#include "core/text.h"
#include "http/http_parser.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/query_params.h"
#include "http/staff_account_routes.h"
#include "http/staff_admin_routes.h"
#include "http/staff_page.h"
#include "portal/renderer.h"
#include "workflow/review.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;  // the helpers every staff page shares (staff_page.h)


// Where to go after signing in: a staff page the browser asked for (`next`), else the
// dashboard. Only our own staff paths, so the form cannot be used to send people elsewhere.
std::string NextPath(const std::string& next) {
  bool ok = next.size() <= 512 && next.starts_with(kStaffDashboardPath) &&
            std::none_of(next.begin(), next.end(), [](unsigned char c) {
              return c < 0x21 || c == 0x7f || c == '\\' || c == '"' || c == '<' || c == '>';
            });
  return ok ? next : std::string(kStaffDashboardPath);
}

// The sign-in page with `login` filled in, `message` shown and the TOTP field when `totp`.
Response LoginPage(int status, const Request& req, Context& ctx, const std::string& login,
                   json message, bool totp) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  json model =
      portal::CommonModel(p, Tr(p.lang, "staff_login_title"), Tr(p.lang, "staff_login_intro"));
  model["message"] = std::move(message);
  std::string form_token;
  if (SignedInBySession(ctx)) {
    model["signed_in_as"] = ctx.who->actor_name;
    model["csrf"] = ctx.who->csrf_token;
  } else {
    form_token = FormToken(req);
    model["csrf"] = form_token;
    model["login"] = login.substr(0, 64);
    model["need_totp"] = totp;
    std::string next = req.method == "GET" ? req.Query("next").value_or("") : "";
    if (next.empty() && req.method == "POST") {
      Form form;
      ParseQueryString(req.body.size() <= kMaxFormBody ? req.body : "", form);
      next = FieldOf(form, "next");
    }
    model["next"] = NextPath(next);
  }
  model["has_accounts"] = ctx.services.accounts != nullptr;
  Response r = StaffPage(status, "staff_login", std::move(model), req, ctx, p);
  if (!form_token.empty())
    r.SetHeader("Set-Cookie", Cookie(kFormCookie, form_token, 3600, ctx.services));
  return r;
}

Response GetLogin(const Request& req, Context& ctx) {
  return LoginPage(200, req, ctx, "", nullptr, false);
}

bool NamesField(const Error& e, const std::string& field) {
  return std::any_of(e.fields.begin(), e.fields.end(),
                     [&](const auto& f) { return f.path == field; });
}

Response PostLogin(const Request& req, Context& ctx) {
  Lang lang = PortalPageRequest(req, ctx.services).lang;
  if (!ctx.services.accounts) {
    return LoginPage(
        503, req, ctx, "",
        Message(lang, "error", "this server has no accounts", "máy chủ này không có tài khoản"),
        false);
  }
  Result<Form> form = FormOf(req);
  if (!form) {
    (void)auth::AppendAudit(ctx.catalogue.store(),
                            {"anonymous",
                             "auth.login_refused",
                             "",
                             req.remote_address,
                             {{"problem", form.error().message_en}, {"bytes", req.body.size()}}});
    return LoginPage(FormStatus(form.error()), req, ctx, "", ErrorMessage(lang, form.error()),
                     false);
  }
  const std::string login = FieldOf(*form, "login");
  // Signed in already (Admit checked the Origin): the session's token; else the cookie's.
  std::string expected = SignedInBySession(ctx) ? ctx.who->csrf_token : CookieOf(req, kFormCookie);
  if (!TokenMatches(*form, expected)) {
    return LoginPage(400, req, ctx, login, ErrorMessage(lang, StaleForm()), false);
  }
  auth::Accounts& accounts = *ctx.services.accounts;
  Result<auth::SignInOutcome> outcome = accounts.SignIn(login, FieldOf(*form, "password"),
                                                        req.remote_address, FieldOf(*form, "totp"));
  if (!outcome) {
    const Error& e = outcome.error();
    return LoginPage(StatusFor(e.code), req, ctx, login, ErrorMessage(lang, e),
                     NamesField(e, "totp"));
  }
  if (!outcome->signed_in) {
    std::string n = std::to_string(outcome->retry_after_seconds);
    Response r = LoginPage(
        429, req, ctx, login,
        Message(lang, "error",
                "too many failed sign-ins for this account or from this address; try again in " +
                    n + " seconds",
                "đăng nhập sai quá nhiều lần với tài khoản này hoặc từ địa chỉ này; hãy thử lại "
                "sau " +
                    n + " giây"),
        false);
    r.SetHeader("Retry-After", n);
    return r;
  }
  // A session the browser already had ends here: the new one has a new id (no fixation).
  if (SignedInBySession(ctx)) (void)accounts.SignOut(*ctx.who, req.remote_address);
  Response r = SeeOther(NextPath(FieldOf(*form, "next")));
  r.SetHeader("Set-Cookie", Cookie("disan_session", outcome->signed_in->token,
                                   accounts.settings().session_absolute.count(), ctx.services));
  r.SetHeader("Set-Cookie", Cookie(kFormCookie, "", 0, ctx.services));
  return r;
}

Response PostLogout(const Request& req, Context& ctx) {
  Lang lang = PortalPageRequest(req, ctx.services).lang;
  if (!ctx.services.accounts) {
    return LoginPage(
        503, req, ctx, "",
        Message(lang, "error", "this server has no accounts", "máy chủ này không có tài khoản"),
        false);
  }
  Result<Form> form = FormOf(req);
  if (!form) {
    return LoginPage(FormStatus(form.error()), req, ctx, "", ErrorMessage(lang, form.error()),
                     false);
  }
  // A bearer token cannot be sent by a browser on its own: only sessions need the form token.
  if (SignedInBySession(ctx) && !TokenMatches(*form, ctx.who->csrf_token)) {
    return LoginPage(400, req, ctx, "", ErrorMessage(lang, StaleForm()), false);
  }
  if (Status s = ctx.services.accounts->SignOut(*ctx.who, req.remote_address); !s) {
    return LoginPage(StatusFor(s.error().code), req, ctx, "", ErrorMessage(lang, s.error()), false);
  }
  Response r = SeeOther(std::string(kStaffLoginPath) + "?signed_out=1");
  r.SetHeader("Set-Cookie", Cookie("disan_session", "", 0, ctx.services));
  return r;
}

// ---- Password reset by a one-time link (an administrator issues it) ----

Response ResetPage(int status, const Request& req, Context& ctx, const std::string& token,
                   json message, bool done) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  json model =
      portal::CommonModel(p, Tr(p.lang, "staff_reset_title"), Tr(p.lang, "staff_reset_intro"));
  model["message"] = std::move(message);
  model["done"] = done;
  const std::string form_token = FormToken(req);
  model["csrf"] = form_token;
  model["token"] = token.size() <= 200 ? token : "";
  Response r = StaffPage(status, "staff_reset", std::move(model), req, ctx, p);
  r.SetHeader("Set-Cookie", Cookie(kFormCookie, form_token, 3600, ctx.services));
  // The link's secret stays on this page: never sent on as a Referer.
  std::erase_if(r.headers, [](const auto& h) { return AsciiLower(h.first) == "referrer-policy"; });
  r.SetHeader("Referrer-Policy", "no-referrer");
  return r;
}

Response GetReset(const Request& req, Context& ctx) {
  return ResetPage(200, req, ctx, req.Query("token").value_or(""), nullptr, false);
}

Response PostReset(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  Result<Form> form = FormOf(req);
  if (!form) {
    return ResetPage(FormStatus(form.error()), req, ctx, "", ErrorMessage(lang, form.error()),
                     false);
  }
  const std::string token = FieldOf(*form, "token");
  if (!TokenMatches(*form, CookieOf(req, kFormCookie))) {
    return ResetPage(400, req, ctx, token, ErrorMessage(lang, StaleForm()), false);
  }
  if (!ctx.services.accounts) {
    return ResetPage(
        503, req, ctx, token,
        Message(lang, "error", "this server has no accounts", "máy chủ này không có tài khoản"),
        false);
  }
  const std::string next = FieldOf(*form, "new_password");
  if (next != FieldOf(*form, "confirm_password")) {
    return ResetPage(422, req, ctx, token,
                     ErrorMessage(lang, workflow::FieldInvalid(
                                            "confirm_password", "mismatch",
                                            "the two passwords differ; type the same one twice",
                                            "hai mật khẩu khác nhau; hãy gõ cùng một mật khẩu")),
                     false);
  }
  if (Status s = ctx.services.accounts->ResetPassword(token, next, req.remote_address); !s) {
    return ResetPage(StatusFor(s.error().code), req, ctx, token, ErrorMessage(lang, s.error()),
                     false);
  }
  return ResetPage(
      200, req, ctx, "",
      Message(lang, "ok", Tr(Lang::kEn, "staff_reset_done"), Tr(Lang::kVi, "staff_reset_done")),
      true);
}

// ---- Dashboard: what waits for me ----

std::string TermOf(const Schema& schema, std::string_view vocabulary, const std::string& id,
                   Lang lang) {
  if (const Vocabulary* v = schema.FindVocabulary(vocabulary)) {
    if (const Term* t = v->FindId(id)) return lang == Lang::kVi ? t->label_vi : t->label_en;
  }
  return id;
}

std::string SubmissionPath(int64_t id) {
  return std::string(kStaffSubmissionPrefix) + std::to_string(id);
}

// The name of a record to show beside a submission: its display name, else its pid.
std::string RecordName(Context& ctx, const std::string& pid, Lang lang) {
  Result<StoredRecord> r = ctx.catalogue.store().Get(pid);
  if (!r) return pid;
  std::string name = portal::DisplayName(r->document, lang);
  return name.empty() ? pid : name;
}

// One submission of a list; `link`: to its review screen (for those who may open it).
json SubmissionRow(Context& ctx, const Submission& s, Lang lang, bool link) {
  const Schema& schema = ctx.catalogue.schema();
  return {{"id", std::to_string(s.id)},
          {"href", link ? SubmissionPath(s.id) : ""},
          {"name", RecordName(ctx, s.record_pid, lang)},
          {"pid", s.record_pid},
          {"type", Tr(lang, "staff_type_" + s.type)},
          {"kind", TermOf(schema, "kinds", s.kind, lang)},
          {"unit", s.unit.empty() ? "" : RecordName(ctx, s.unit, lang)},
          {"state", Tr(lang, "staff_state_" + s.state)},
          {"awaiting", s.awaiting_role.empty() ? "" : Tr(lang, "staff_role_" + s.awaiting_role)},
          {"created", s.created_at.substr(0, 10)}};
}

// The queue filters of the dashboard's query (unit, kind, older_than_days), checked as the
// API checks them; "" values mean "any".
Result<workflow::QueueFilter> DashboardFilter(const Request& req, const Catalogue& catalogue) {
  workflow::QueueFilter f;
  f.limit = 100;
  TRY(OnlyParameters(req, {"unit", "kind", "older_than_days"}, {"lang"}));
  if (std::string unit = req.Query("unit").value_or(""); !unit.empty()) {
    Result<std::string> pid = ParsePid(unit);
    if (!pid) {
      return Fail(
          workflow::FieldInvalid("unit", "pid", pid.error().message_en, pid.error().message_vi));
    }
    f.unit = *pid;
  }
  if (std::string kind = req.Query("kind").value_or(""); !kind.empty()) {
    if (!catalogue.schema().KindVocabulary(RecordClass::kItem).FindId(kind)) {
      return Fail(workflow::FieldInvalid(
          "kind", "unknown_term", "is not a kind (relic, artifact, intangible, documentary)",
          "không phải loại di sản (relic, artifact, intangible, documentary)"));
    }
    f.kind = kind;
  }
  if (std::string days = req.Query("older_than_days").value_or(""); !days.empty()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(days.data(), days.data() + days.size(), n);
    if (ec != std::errc() || end != days.data() + days.size() || n < 1 || n > 36500) {
      return Fail(workflow::FieldInvalid("older_than_days", "range",
                                         "must be a whole number 1–36500",
                                         "phải là số nguyên 1–36500"));
    }
    f.older_than_days = n;
  }
  return f;
}

// The filter form's choices: kinds and units (organisations), each marked when chosen.
json FilterChoices(Context& ctx, const workflow::QueueFilter& f, Lang lang) {
  json kinds = json::array();
  for (const Term& t : ctx.catalogue.schema().KindVocabulary(RecordClass::kItem).terms) {
    kinds.push_back({{"value", t.id},
                     {"label", lang == Lang::kVi ? t.label_vi : t.label_en},
                     {"selected", t.id == f.kind}});
  }
  json units = json::array();
  ListFilters all;
  all.limit = 200;
  if (Result<RecordPage> orgs = ctx.catalogue.List(RecordClass::kOrganisation, all, ctx.actor)) {
    for (const StoredRecord& r : orgs->records) {
      if (r.deleted) continue;
      units.push_back({{"value", r.pid},
                       {"label", portal::DisplayName(r.document, lang)},
                       {"selected", r.pid == f.unit}});
    }
  }
  json ages = json::array();
  for (int days : {7, 30, 90}) {
    ages.push_back({{"value", std::to_string(days)},
                    {"label", std::to_string(days) + " " + Tr(lang, "staff_days")},
                    {"selected", f.older_than_days == days}});
  }
  return {{"kinds", kinds}, {"units", units}, {"ages", ages}};
}

Response Dashboard(const Request& req, Context& ctx) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  json model =
      portal::CommonModel(p, Tr(lang, "staff_dashboard_title"), Tr(lang, "staff_dashboard_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = ctx.who ? ctx.who->csrf_token : "";
  workflow::Review review(ctx.catalogue, workflow::ReviewConfig::Builtin());
  int status = 200;
  auto fail = [&](const Error& e) {
    status = StatusFor(e.code);
    model["message"] = ErrorMessage(lang, e);
  };
  const bool reviewer = auth::Allows(ctx.principal, auth::Action::kReadReviewQueue, {});
  model["can_review"] = reviewer;
  if (reviewer) {
    Result<workflow::QueueFilter> filter = DashboardFilter(req, ctx.catalogue);
    json queue = json::array();
    if (!filter) {
      fail(filter.error());
    } else if (Result<workflow::SubmissionPage> page = review.Queue(PersonOf(ctx), *filter)) {
      for (const Submission& s : page->submissions)
        queue.push_back(SubmissionRow(ctx, s, lang, true));
    } else {
      fail(page.error());
    }
    model["queue"] = queue;
    model["filters"] = FilterChoices(ctx, filter.value_or(workflow::QueueFilter{}), lang);
  }
  json mine = json::array();
  if (Result<workflow::SubmissionPage> page = review.Mine(PersonOf(ctx), 0, 100)) {
    for (const Submission& s : page->submissions) {
      json row = SubmissionRow(ctx, s, lang, reviewer);
      json comments = json::array();
      for (const json& e : s.history) {
        if (e.contains("reason") && e["reason"].is_string() &&
            !e["reason"].get<std::string>().empty())
          comments.push_back({{"field", ""}, {"text", e["reason"]}});
        if (!e.contains("comments") || !e["comments"].is_array()) continue;
        for (const json& c : e["comments"]) {
          comments.push_back({{"field", c.value("field", "")}, {"text", c.value("text", "")}});
        }
      }
      row["has_comments"] = !comments.empty();
      row["comments"] = comments;
      mine.push_back(std::move(row));
    }
  } else {
    fail(page.error());
  }
  model["mine"] = mine;
  json notes = json::array();
  if (Result<std::vector<Notification>> list = ctx.catalogue.store().ListNotifications(
          ctx.principal.account_id, NotificationFilter::kUnread, 50)) {
    for (const Notification& n : *list) {
      notes.push_back(
          {{"text", lang == Lang::kVi ? n.text_vi : n.text_en},
           {"at", n.created_at.substr(0, 16)},
           {"href", n.submission_id && reviewer ? SubmissionPath(n.submission_id) : ""}});
    }
  } else {
    fail(list.error());
  }
  model["notifications"] = notes;
  // Commercial-use requests waiting for an answer, for those who may read them.
  if (auth::Allows(ctx.principal, auth::Action::kReadUseRequests, {})) {
    if (Result<int64_t> open = ctx.catalogue.store().CountUsageRequests("open")) {
      model["usage"] = {{"open", std::to_string(*open)},
                        {"href", std::string(kStaffUsagePath) + "?state=open"}};
    } else {
      fail(open.error());
    }
  }
  return StaffPage(status, "staff_dashboard", std::move(model), req, ctx, p);
}

// ---- Review screen of one submission ----

// How many per-field comment rows the request-changes form offers.
constexpr int kCommentRows = 3;
// A review form: the decision, a reason and comments; far below the API's own limit.
constexpr size_t kMaxReviewForm = 64 * 1024;

// The review screen of submission `id` with `message` shown, answering `status`.
Response ReviewScreen(int status, const Request& req, Context& ctx, int64_t id, json message,
                      const Form& sent = {}) {
  portal::PageRequest p = PortalPageRequest(req, ctx.services);
  const Lang lang = p.lang;
  workflow::Review review(ctx.catalogue, workflow::ReviewConfig::Builtin());
  Result<std::pair<Submission, workflow::View>> read = review.Read(PersonOf(ctx), id);
  Result<json> shown =
      read ? review.Render(read->first, read->second) : Result<json>(std::unexpected(read.error()));
  json model = portal::CommonModel(p, Tr(lang, "staff_review_title") + " #" + std::to_string(id),
                                   Tr(lang, "staff_review_intro"));
  model["signed_in_as"] = ctx.actor.name;
  model["csrf"] = ctx.who ? ctx.who->csrf_token : "";
  model["message"] = std::move(message);
  if (!shown) {
    model["message"] = ErrorMessage(lang, shown.error());
    return StaffPage(StatusFor(shown.error().code), "staff_review", std::move(model), req, ctx, p);
  }
  const Submission& s = read->first;
  model["id"] = std::to_string(id);
  model["action"] = SubmissionPath(id);
  model["name"] = RecordName(ctx, s.record_pid, lang);
  model["pid"] = s.record_pid;
  model["type"] = Tr(lang, "staff_type_" + s.type);
  model["kind"] = TermOf(ctx.catalogue.schema(), "kinds", s.kind, lang);
  model["unit"] = s.unit.empty() ? "" : RecordName(ctx, s.unit, lang);
  model["state"] = Tr(lang, "staff_state_" + s.state);
  model["awaiting"] = s.awaiting_role.empty() ? "" : Tr(lang, "staff_role_" + s.awaiting_role);
  model["licence"] = shown->value("licence", json::object())
                         .value("label", json::object())
                         .value(lang == Lang::kVi ? "vi" : "en", "");
  model["attribution"] = shown->value("attribution", "");
  model["stale"] = shown->value("stale", false);
  if (shown->contains("media")) {
    // A contributed file: the reviewer sees it (a staff session may read held media).
    const json& m = (*shown)["media"];
    const std::string type = m.value("media_type", "");
    const json links = m.value("links", json::object());
    model["media"] = {{"id", m.value("id", "")},
                      {"name", m.value("original_name", "")},
                      {"media_type", type},
                      {"caption", m.value("caption", json::object())
                                      .value(lang == Lang::kVi ? "vi" : "en", "")},
                      {"file", links.value("file", "")},
                      {"thumbnail", links.value("thumbnail", "")},
                      {"is_image", type.starts_with("image/")},
                      {"is_audio", type.starts_with("audio/")},
                      {"is_video", type.starts_with("video/")},
                      {"held", m.value("visibility", "") == "held"}};
  }
  json diff = json::array();
  for (const json& c : shown->value("diff", json::array())) {
    diff.push_back({{"path", c.value("path", "")},
                    {"before", ValueText(c.value("before", json()))},
                    {"after", ValueText(c.value("after", json()))}});
  }
  model["diff"] = diff;
  json comments = json::array();
  for (const json& c : shown->value("comments", json::array())) {
    comments.push_back({{"field", c.value("field", "")},
                        {"text", c.value("text", "")},
                        {"by", c.value("by", "")},
                        {"at", c.value("at", "").substr(0, 16)}});
  }
  model["comments"] = comments;
  json history = json::array();
  for (const json& e : shown->value("history", json::array())) {
    std::string event = e.value("action", "");
    history.push_back({{"event", event},
                       {"by", e.value("by", "")},
                       {"at", e.value("at", "").substr(0, 16)},
                       {"reason", e.value("reason", "")}});
  }
  model["history"] = history;
  bool may_act = read->second == workflow::View::kReviewer && s.state == "in_review" &&
                 auth::Allows(ctx.principal, auth::Action::kReview, {});
  // Someone who already acted on this step (or may not take it) is told so, not shown forms.
  if (may_act) {
    if (Status st = review.CheckMayAct(PersonOf(ctx), s, workflow::Decision::kApprove); !st) {
      may_act = false;
      model["cannot_act"] = Message(lang, "note", st.error().message_en, st.error().message_vi);
    }
  }
  model["may_act"] = may_act;
  json fields = json::array();
  for (const json& c : diff) fields.push_back({{"value", c["path"]}});
  json rows = json::array();
  for (int i = 0; i < kCommentRows; ++i) {
    std::string n = std::to_string(i);
    std::string chosen;
    auto range = sent.equal_range("comment_field");
    int k = 0;
    for (auto it = range.first; it != range.second; ++it, ++k)
      if (k == i) chosen = it->second;
    json options = json::array();
    for (const json& f : fields)
      options.push_back({{"value", f["value"]}, {"selected", f["value"] == chosen}});
    std::string text;
    auto texts = sent.equal_range("comment_text");
    k = 0;
    for (auto it = texts.first; it != texts.second; ++it, ++k)
      if (k == i) text = it->second;
    rows.push_back(
        {{"n", n}, {"label_n", std::to_string(i + 1)}, {"options", options}, {"text", text}});
  }
  model["comment_rows"] = rows;
  model["reason"] = FieldOf(sent, "reason");
  return StaffPage(status, "staff_review", std::move(model), req, ctx, p);
}

Result<int64_t> SubmissionIdOf(const Request& req) {
  const std::string& text = req.params.at("id");
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) {
    return Fail(workflow::FieldInvalid("id", "range", "must be a positive whole number",
                                       "phải là số nguyên dương"));
  }
  return v;
}

Response GetReview(const Request& req, Context& ctx) {
  Result<int64_t> id = SubmissionIdOf(req);
  if (!id) {
    Lang lang = PortalPageRequest(req, ctx.services).lang;
    return ReviewScreen(404, req, ctx, 0, ErrorMessage(lang, id.error()));
  }
  return ReviewScreen(200, req, ctx, *id, nullptr);
}

// The review action a form describes, as the API's body (workflow::ParseReviewAction checks it).
json ActionBody(const Form& form) {
  json comments = json::array();
  std::vector<std::string> fields, texts;
  for (auto [it, end] = form.equal_range("comment_field"); it != end; ++it)
    fields.push_back(it->second);
  for (auto [it, end] = form.equal_range("comment_text"); it != end; ++it)
    texts.push_back(it->second);
  for (size_t i = 0; i < texts.size(); ++i) {
    if (Trim(texts[i]).empty()) continue;
    comments.push_back({{"field", i < fields.size() ? fields[i] : ""}, {"text", texts[i]}});
  }
  json body = {{"action", FieldOf(form, "decision")}, {"comments", comments}};
  if (std::string reason = FieldOf(form, "reason"); !Trim(reason).empty()) body["reason"] = reason;
  return body;
}

Response PostReview(const Request& req, Context& ctx) {
  Lang lang = PortalPageRequest(req, ctx.services).lang;
  Result<int64_t> id = SubmissionIdOf(req);
  if (!id) return ReviewScreen(404, req, ctx, 0, ErrorMessage(lang, id.error()));
  Result<Form> form = FormOf(req, kMaxReviewForm);
  if (!form)
    return ReviewScreen(FormStatus(form.error()), req, ctx, *id, ErrorMessage(lang, form.error()));
  if (SignedInBySession(ctx) && !TokenMatches(*form, ctx.who->csrf_token)) {
    return ReviewScreen(400, req, ctx, *id, ErrorMessage(lang, StaleForm()), *form);
  }
  workflow::Review review(ctx.catalogue, workflow::ReviewConfig::Builtin());
  Result<workflow::ReviewAction> action = workflow::ParseReviewAction(ActionBody(*form));
  if (!action) {
    return ReviewScreen(StatusFor(action.error().code), req, ctx, *id,
                        ErrorMessage(lang, action.error()), *form);
  }
  // Someone who may not read the submission learns nothing of it, not even that it exists.
  if (Result<std::pair<Submission, workflow::View>> r = review.Read(PersonOf(ctx), *id); !r) {
    return ReviewScreen(StatusFor(r.error().code), req, ctx, *id, ErrorMessage(lang, r.error()));
  }
  Result<Submission> done = review.Act(PersonOf(ctx), *id, *action);
  if (!done) {
    return ReviewScreen(StatusFor(done.error().code), req, ctx, *id,
                        ErrorMessage(lang, done.error()), *form);
  }
  const std::string decision(workflow::DecisionName(action->decision));
  return ReviewScreen(200, req, ctx, *id,
                      Message(lang, "ok", Tr(Lang::kEn, "staff_done_" + decision),
                              Tr(Lang::kVi, "staff_done_" + decision)));
}

}  // namespace

bool IsStaffPage(const Route& route) { return route.pattern.starts_with(kStaffDashboardPath); }

Response StaffSignInRedirect(const Request& req) {
  std::string next = NextPath(req.path + (req.raw_query.empty() ? "" : "?" + req.raw_query));
  return SeeOther(std::string(kStaffLoginPath) + "?next=" + PercentEncode(next));
}

Response StaffRefusalPage(const Request& req, Services& services, const Response& problem) {
  json doc = json::parse(problem.body, nullptr, false);
  std::string en = doc.is_object() ? doc.value("detail", "") : "";
  std::string vi = doc.is_object() ? doc.value("detail_vi", "") : "";
  portal::PageRequest p = PortalPageRequest(req, services);
  Response r = PortalPage(problem.status, "error", portal::ErrorModel(p, problem.status, en, vi),
                          req, services, p);
  std::erase_if(r.headers, [](const auto& h) { return AsciiLower(h.first) == "cache-control"; });
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

void AddStaffRoutes(std::vector<Route>& routes) {
  using auth::Action;
  routes.push_back({"GET", std::string(kStaffLoginPath), Access::Of(Action::kSignIn), GetLogin});
  routes.push_back({"POST", std::string(kStaffLoginPath), Access::Of(Action::kSignIn), PostLogin});
  routes.push_back(
      {"POST", std::string(kStaffLogoutPath), Access::Of(Action::kManageOwnAccount), PostLogout});
  routes.push_back({"GET", std::string(kStaffResetPath), Access::Of(Action::kSignIn), GetReset});
  routes.push_back({"POST", std::string(kStaffResetPath), Access::Of(Action::kSignIn), PostReset});
  routes.push_back({"GET", std::string(kStaffDashboardPath),
                    Access::Of(Action::kViewOwnContributions), Dashboard});
  const std::string one = std::string(kStaffSubmissionPrefix) + "{id}";
  routes.push_back({"GET", one, Access::Of(Action::kReadReviewQueue), GetReview});
  routes.push_back({"POST", one, Access::Of(Action::kReview), PostReview});
}

}  // namespace disan::http
