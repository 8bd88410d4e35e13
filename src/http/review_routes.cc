#include "http/review_routes.h"

#include <charconv>
#include <limits>

#include "auth/audit_log.h"
#include "auth/self_service.h"
#include "core/clock.h"
#include "core/pid.h"
#include "http/problem.h"
#include "http/query_params.h"
#include "http/staff_page.h"
#include "media/media_service.h"
#include "workflow/review.h"

namespace disan::http {
namespace {

using auth::Action;
using nlohmann::json;
using staff::PersonOf;

// Body limits: a new item with many names and sources fits in 1 MiB; a review action with a
// hundred comments of 4,000 bytes in 512 KiB; a commercial-use request in 16 KiB.
constexpr size_t kMaxSubmissionBody = 1024 * 1024;
constexpr size_t kMaxActionBody = 512 * 1024;
constexpr size_t kMaxSmallBody = 16 * 1024;

#define OR_PROBLEM(expr)                                   \
  ({                                                       \
    auto&& r_ = (expr);                                    \
    if (!r_) return ProblemResponse(r_.error(), req.path); \
    std::move(r_).value();                                 \
  })

Result<json> ObjectBody(const Request& req, size_t max) {
  if (req.body.size() > max) {
    std::string n = std::to_string(max);
    return Fail(
        Error{ErrorCode::kTooLarge,
              "the body is larger than " + n + " bytes",
              "nội dung lớn hơn " + n + " byte",
              {{"body", "too_large", "larger than " + n + " bytes", "lớn hơn " + n + " byte"}}});
  }
  json body = TRY(ParseJsonBody(req));
  if (!body.is_object()) {
    return Fail(
        workflow::FieldInvalid("body", "type", "must be a JSON object", "phải là đối tượng JSON"));
  }
  return body;
}

Result<int64_t> WholeNumber(const std::string& name, const std::string& text, int64_t min,
                            int64_t max) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    std::string range = std::to_string(min) + "–" + std::to_string(max);
    return Fail(workflow::FieldInvalid(name, "range", "must be a whole number " + range,
                                       "phải là số nguyên " + range));
  }
  return v;
}

Result<int64_t> IdOf(const Request& req) {
  return WholeNumber("id", req.params.at("id"), 1, std::numeric_limits<int64_t>::max());
}

Result<std::string> PidOf(const Request& req) {
  Result<std::string> pid = ParsePid(req.params.at("pid"));
  if (!pid) {
    return Fail(
        workflow::FieldInvalid("pid", "pid", pid.error().message_en, pid.error().message_vi));
  }
  return *pid;
}

Result<std::pair<int64_t, size_t>> Paging(const Request& req) {
  int64_t after = 0, limit = 50;
  if (auto a = req.Query("after"))
    after = TRY(WholeNumber("after", *a, 0, std::numeric_limits<int64_t>::max()));
  if (auto l = req.Query("limit")) limit = TRY(WholeNumber("limit", *l, 1, 200));
  return std::make_pair(after, static_cast<size_t>(limit));
}

workflow::Review ReviewOf(Context& ctx) {
  return workflow::Review(ctx.catalogue, workflow::ReviewConfig::Builtin());
}

Response Created(const json& body, const std::string& location) {
  Response r = JsonResponse(body, 201);
  r.SetHeader("Location", location);
  return r;
}

Response PageOf(Context& ctx, const workflow::SubmissionPage& page, workflow::View view) {
  workflow::Review review = ReviewOf(ctx);
  json out = json::array();
  for (const Submission& s : page.submissions) {
    Result<json> shown = review.Render(s, view);
    if (!shown) return ProblemResponse(shown.error(), "");
    out.push_back(std::move(*shown));
  }
  json body = {{"submissions", out}};
  if (page.next_after) body["next_after"] = page.next_after;
  Response r = JsonResponse(body);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response SubmitItem(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(ObjectBody(req, kMaxSubmissionBody));
  workflow::Review review = ReviewOf(ctx);
  Submission s = OR_PROBLEM(review.SubmitNewItem(PersonOf(ctx), body));
  json shown = OR_PROBLEM(review.Render(s, workflow::View::kContributor));
  return Created(shown, "/api/v1/submissions/" + std::to_string(s.id));
}

Response SubmitCorrection(const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidOf(req));
  json body = OR_PROBLEM(ObjectBody(req, kMaxSubmissionBody));
  workflow::Review review = ReviewOf(ctx);
  Submission s = OR_PROBLEM(review.SubmitCorrection(PersonOf(ctx), pid, body));
  json shown = OR_PROBLEM(review.Render(s, workflow::View::kContributor));
  return Created(shown, "/api/v1/submissions/" + std::to_string(s.id));
}

Response ReviseSubmission(const Request& req, Context& ctx) {
  int64_t id = OR_PROBLEM(IdOf(req));
  json body = OR_PROBLEM(ObjectBody(req, kMaxSubmissionBody));
  workflow::Review review = ReviewOf(ctx);
  Submission s = OR_PROBLEM(review.Revise(PersonOf(ctx), id, body));
  return JsonResponse(OR_PROBLEM(review.Render(s, workflow::View::kContributor)));
}

Response ListMine(const Request& req, Context& ctx) {
  OR_PROBLEM(OnlyParameters(req, {"after", "limit"}));
  auto [after, limit] = OR_PROBLEM(Paging(req));
  workflow::SubmissionPage page = OR_PROBLEM(ReviewOf(ctx).Mine(PersonOf(ctx), after, limit));
  return PageOf(ctx, page, workflow::View::kContributor);
}

Response GetSubmission(const Request& req, Context& ctx) {
  int64_t id = OR_PROBLEM(IdOf(req));
  workflow::Review review = ReviewOf(ctx);
  auto [s, view] = OR_PROBLEM(review.Read(PersonOf(ctx), id));
  Response r = JsonResponse(OR_PROBLEM(review.Render(s, view)));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response ActOnSubmission(const Request& req, Context& ctx) {
  int64_t id = OR_PROBLEM(IdOf(req));
  json body = OR_PROBLEM(ObjectBody(req, kMaxActionBody));
  workflow::ReviewAction action = OR_PROBLEM(workflow::ParseReviewAction(body));
  workflow::Review review = ReviewOf(ctx);
  // Someone who may not read the submission learns nothing of it, not even that it exists.
  OR_PROBLEM(review.Read(PersonOf(ctx), id));
  Submission s = OR_PROBLEM(review.Act(PersonOf(ctx), id, action));
  return JsonResponse(OR_PROBLEM(review.Render(s, workflow::View::kReviewer)));
}

Response Queue(const Request& req, Context& ctx) {
  OR_PROBLEM(OnlyParameters(req, {"unit", "kind", "older_than_days", "after", "limit"}));
  workflow::QueueFilter f;
  auto [after, limit] = OR_PROBLEM(Paging(req));
  f.after_id = after;
  f.limit = limit;
  if (auto unit = req.Query("unit")) {
    Result<std::string> pid = ParsePid(*unit);
    if (!pid) {
      return ProblemResponse(
          workflow::FieldInvalid("unit", "pid", pid.error().message_en, pid.error().message_vi),
          req.path);
    }
    f.unit = *pid;
  }
  if (auto kind = req.Query("kind")) {
    if (!ctx.catalogue.schema().KindVocabulary(RecordClass::kItem).FindId(*kind)) {
      return ProblemResponse(
          workflow::FieldInvalid(
              "kind", "unknown_term", "is not a kind (relic, artifact, intangible, documentary)",
              "không phải loại di sản (relic, artifact, intangible, documentary)"),
          req.path);
    }
    f.kind = *kind;
  }
  if (auto days = req.Query("older_than_days")) {
    f.older_than_days = OR_PROBLEM(WholeNumber("older_than_days", *days, 1, 36500));
  }
  workflow::SubmissionPage page = OR_PROBLEM(ReviewOf(ctx).Queue(PersonOf(ctx), f));
  return PageOf(ctx, page, workflow::View::kReviewer);
}

Response ListNotifications(const Request& req, Context& ctx) {
  OR_PROBLEM(OnlyParameters(req, {"unread", "limit"}));
  NotificationFilter filter = NotificationFilter::kAll;
  if (auto unread = req.Query("unread")) {
    if (*unread != "true" && *unread != "false") {
      return ProblemResponse(workflow::FieldInvalid("unread", "type", "must be true or false",
                                                    "phải là true hoặc false"),
                             req.path);
    }
    if (*unread == "true") filter = NotificationFilter::kUnread;
  }
  int64_t limit = 50;
  if (auto l = req.Query("limit")) limit = OR_PROBLEM(WholeNumber("limit", *l, 1, 200));
  std::vector<Notification> list = OR_PROBLEM(ctx.catalogue.store().ListNotifications(
      ctx.principal.account_id, filter, static_cast<size_t>(limit)));
  json out = json::array();
  for (const Notification& n : list) {
    json shown = {
        {"id", n.id},           {"event", n.event},           {"text_en", n.text_en},
        {"text_vi", n.text_vi}, {"created_at", n.created_at}, {"read", !n.read_at.empty()}};
    if (n.submission_id)
      shown["submission"] = "/api/v1/submissions/" + std::to_string(n.submission_id);
    out.push_back(shown);
  }
  Response r = JsonResponse({{"notifications", out}});
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response MarkRead(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  auto it = body.find("up_to");
  if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() < 1) {
    return ProblemResponse(
        workflow::FieldInvalid("up_to", "type", "must be the id of the newest notification read",
                               "phải là mã của thông báo mới nhất đã đọc"),
        req.path);
  }
  int64_t up_to = it->get<int64_t>();
  int64_t marked = 0;
  OR_PROBLEM(ctx.catalogue.store().Write([&](StoreWriter& w) -> Status {
    marked = TRY(w.MarkNotificationsRead(ctx.principal.account_id, up_to, NowRfc3339()));
    return Ok();
  }));
  return JsonResponse({{"marked_read", marked}});
}

json RenderUseRequest(const UsageRequest& r) {
  return {{"id", r.id},
          {"record", r.record_pid},
          {"name", r.name},
          {"organisation", r.organisation},
          {"email", r.email},
          {"purpose", r.purpose},
          {"state", r.state},
          {"answer", r.answer},
          {"answered_by", r.answered_by},
          {"created_at", r.created_at},
          {"answered_at", r.answered_at},
          {"links", {{"self", "/api/v1/usage-requests/" + std::to_string(r.id)}}}};
}

Response RequestUse(const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidOf(req));
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  workflow::UseRequestInput input = OR_PROBLEM(workflow::ParseUseRequest(body));
  workflow::UseRequestOutcome outcome =
      OR_PROBLEM(ReviewOf(ctx).RequestUse(PersonOf(ctx), pid, input));
  if (!outcome.request) {
    std::string n = std::to_string(outcome.retry_after_seconds);
    Response r = ProblemResponse(
        429,
        "too many commercial-use requests from this account or this address; try again in " + n +
            " seconds",
        "quá nhiều đề nghị sử dụng thương mại từ tài khoản hoặc địa chỉ này; hãy thử lại sau " + n +
            " giây",
        req.path);
    r.SetHeader("Retry-After", n);
    return r;
  }
  const UsageRequest& r = *outcome.request;
  // The requester sees what was kept, but not the internal links of the curators' list.
  json shown = RenderUseRequest(r);
  shown.erase("links");
  Response resp = JsonResponse(shown, 201);
  return resp;
}

Response ListUseRequests(const Request& req, Context& ctx) {
  OR_PROBLEM(OnlyParameters(req, {"state", "item", "after", "limit"}));
  UsageRequestQuery q;
  auto [after, limit] = OR_PROBLEM(Paging(req));
  q.after_id = after;
  q.limit = limit;
  q.state = req.Query("state").value_or("");
  if (!q.state.empty() && q.state != "open" && q.state != "granted" && q.state != "refused") {
    return ProblemResponse(
        workflow::FieldInvalid("state", "unknown_term", "must be open, granted or refused",
                               "phải là open, granted hoặc refused"),
        req.path);
  }
  if (auto item = req.Query("item")) {
    Result<std::string> pid = ParsePid(*item);
    if (!pid) {
      return ProblemResponse(
          workflow::FieldInvalid("item", "pid", pid.error().message_en, pid.error().message_vi),
          req.path);
    }
    q.record_pid = *pid;
  }
  std::vector<UsageRequest> list = OR_PROBLEM(ctx.catalogue.store().ListUsageRequests(q));
  json out = json::array();
  for (const UsageRequest& r : list) out.push_back(RenderUseRequest(r));
  json body = {{"requests", out}};
  if (list.size() == q.limit) body["next_after"] = list.back().id;
  Response r = JsonResponse(body);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response AnswerUseRequest(const Request& req, Context& ctx) {
  int64_t id = OR_PROBLEM(IdOf(req));
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  workflow::UseAnswer answer = OR_PROBLEM(workflow::ParseUseAnswer(body));
  UsageRequest r = OR_PROBLEM(ReviewOf(ctx).AnswerUse(PersonOf(ctx), id, answer));
  return JsonResponse(RenderUseRequest(r));
}

// A contributor's file (photograph, recording, signed consent document) for the draft of their
// own new-item submission: the permission table gives media.add to staff only, so the review
// decides here (the submission is the contributor's and still open) and the upload then runs
// as any other, reading the draft as staff would.
Response UploadToSubmission(const Request& req, Context& ctx) {
  int64_t id = OR_PROBLEM(IdOf(req));
  Result<Submission> s = ctx.catalogue.store().GetSubmission(id);
  if (!s && s.error().code != ErrorCode::kNotFound) return ProblemResponse(s.error(), req.path);
  if (!s || s->contributor_id != ctx.principal.account_id) {
    return ProblemResponse(Error{ErrorCode::kNotFound,
                                 "no submission " + std::to_string(id) + " of yours",
                                 "bạn không có đóng góp số " + std::to_string(id),
                                 {}},
                           req.path);
  }
  if (s->type != "new_item" || (s->state != "in_review" && s->state != "changes_requested")) {
    return ProblemResponse(Error{ErrorCode::kConflict,
                                 "files can be added only to an open submission of a new item",
                                 "chỉ thêm được tệp cho đóng góp hiện vật mới đang mở",
                                 {}},
                           req.path);
  }
  Request upload = req;
  upload.params["pid"] = s->record_pid;
  Context as_owner = ctx;
  as_owner.actor.audience = Audience::kStaff;
  as_owner.actor.authorise = nullptr;
  Response r = UploadItemMedia(upload, as_owner);
  if (r.status == 201) {
    json made = json::parse(r.body, nullptr, false);
    (void)auth::AppendAudit(
        ctx.catalogue.store(),
        {ctx.actor.name,
         "contribution.media",
         "submission:" + std::to_string(id),
         req.remote_address,
         {{"record", s->record_pid}, {"media", made.is_object() ? made.value("id", "") : ""}}});
  }
  return r;
}

std::optional<Response> NoSignedInAccount(const Request& req, const Context& ctx) {
  if (ctx.services.accounts && ctx.who) return std::nullopt;
  if (ctx.services.accounts) {
    return ProblemResponse(401, "sign in first", "hãy đăng nhập trước", req.path);
  }
  return ProblemResponse(503, "this server has no accounts", "máy chủ này không có tài khoản",
                         req.path);
}

Response Register(const Request& req, Context& ctx) {
  if (!ctx.services.accounts) {
    return ProblemResponse(503, "this server has no accounts", "máy chủ này không có tài khoản",
                           req.path);
  }
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  if (body.contains("roles")) {
    return ProblemResponse(
        workflow::FieldInvalid("roles", "read_only",
                               "cannot be chosen: a registered account is a contributor; staff "
                               "roles are given by an administrator",
                               "không tự chọn được: tài khoản tự đăng ký là cộng tác viên; vai trò "
                               "cán bộ do quản trị viên cấp"),
        req.path);
  }
  auth::Registration r;
  r.login = OR_PROBLEM(workflow::TextMember(body, "login", 64, workflow::Presence::kRequired));
  r.display_name =
      OR_PROBLEM(workflow::TextMember(body, "display_name", 200, workflow::Presence::kOptional));
  r.email = OR_PROBLEM(workflow::TextMember(body, "email", 254, workflow::Presence::kRequired));
  auto pw = body.find("password");
  if (pw == body.end() || !pw->is_string()) {
    return ProblemResponse(workflow::FieldInvalid("password", "required", "is required as a string",
                                                  "là chuỗi ký tự bắt buộc"),
                           req.path);
  }
  r.password = pw->get<std::string>();
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  auth::RegisterOutcome out = OR_PROBLEM(self.Register(r, req.remote_address));
  if (!out.account) {
    std::string n = std::to_string(out.retry_after_seconds);
    Response resp = ProblemResponse(
        429, "too many registrations from this address; try again in " + n + " seconds",
        "quá nhiều lượt đăng ký từ địa chỉ này; hãy thử lại sau " + n + " giây", req.path);
    resp.SetHeader("Retry-After", n);
    return resp;
  }
  const Account& a = *out.account;
  Response resp = JsonResponse({{"login", a.login},
                                {"display_name", a.display_name},
                                {"email", a.email},
                                {"roles", json::array({{{"role", "contributor"}}})},
                                {"created_at", a.created_at},
                                {"sign_in", "/api/v1/auth/login"}},
                               201);
  resp.SetHeader("Cache-Control", "no-store");
  return resp;
}

Response ExportMine(const Request& req, Context& ctx) {
  if (auto none = NoSignedInAccount(req, ctx)) return *none;
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  json data = OR_PROBLEM(self.Export(*ctx.who, req.remote_address));
  Response r = JsonResponse(data);
  r.SetHeader("Content-Disposition", "attachment; filename=\"disan-account.json\"");
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Result<std::string> PasswordOf(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Fail(workflow::FieldInvalid(name, "required", "is required as a string",
                                       "là chuỗi ký tự bắt buộc"));
  }
  return it->get<std::string>();
}

Response DeleteMine(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  std::string password = OR_PROBLEM(PasswordOf(body, "password"));
  if (auto none = NoSignedInAccount(req, ctx)) return *none;
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  OR_PROBLEM(self.Delete(*ctx.who, password, req.remote_address));
  Response r = JsonResponse({{"deleted", true},
                             {"note",
                              "your contributions stay, credited to the name you chose / "
                              "đóng góp của bạn được giữ lại, ghi công theo tên bạn đã chọn"}});
  r.SetHeader("Set-Cookie", "disan_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  return r;
}

Response EnrolTotp(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  std::string password = OR_PROBLEM(PasswordOf(body, "password"));
  if (auto none = NoSignedInAccount(req, ctx)) return *none;
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  auth::Enrolment e = OR_PROBLEM(self.EnrolTotp(*ctx.who, password, req.remote_address));
  Response r =
      JsonResponse({{"secret", e.secret_base32},
                    {"otpauth_uri", e.otpauth_uri},
                    {"confirm", "POST /api/v1/auth/totp/confirm {\"code\": \"123456\"}"},
                    {"note",
                     "shown once: add it to your authenticator app, then confirm with a code / chỉ "
                     "hiện một lần: thêm vào ứng dụng xác thực rồi xác nhận bằng một mã"}},
                   201);
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response ConfirmTotp(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  std::string code =
      OR_PROBLEM(workflow::TextMember(body, "code", 16, workflow::Presence::kRequired));
  if (auto none = NoSignedInAccount(req, ctx)) return *none;
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  std::vector<std::string> codes = OR_PROBLEM(self.ConfirmTotp(*ctx.who, code, req.remote_address));
  Response r = JsonResponse(
      {{"second_factor", "on"},
       {"recovery_codes", codes},
       {"note",
        "recovery codes are shown once; each replaces one code of the app, once / mã khôi phục "
        "chỉ hiện một lần; mỗi mã thay cho một mã của ứng dụng, một lần"}});
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

Response DisableTotp(const Request& req, Context& ctx) {
  json body = OR_PROBLEM(ObjectBody(req, kMaxSmallBody));
  std::string password = OR_PROBLEM(PasswordOf(body, "password"));
  std::string code =
      OR_PROBLEM(workflow::TextMember(body, "code", 16, workflow::Presence::kRequired));
  if (auto none = NoSignedInAccount(req, ctx)) return *none;
  auth::SelfService self(*ctx.services.accounts, ctx.catalogue.store());
  OR_PROBLEM(self.DisableTotp(*ctx.who, password, code, req.remote_address));
  return JsonResponse({{"second_factor", "off"}});
}

// A contributor's file (photograph, recording) for a published item, held until its review
// publishes it (docs/review.md). The file is the body, as for POST /api/v1/items/{pid}/media;
// the query carries the upload's description (caption_vi, caption_en, creator, date, role,
// filename) and the contribution's rights (licence, rights_holder, attribution) and note.
// Everything that can be refused is refused before the file is read; the held asset and its
// submission are recorded in one transaction.
Response SubmitMedia(const Request& req, Context& ctx) {
  std::string pid = OR_PROBLEM(PidOf(req));
  if (req.query.contains("visibility")) {
    return ProblemResponse(
        Error{ErrorCode::kInvalid, "visibility: is decided by the review, not by contributors",
              "visibility: do việc thẩm định quyết định, cộng tác viên không được gửi",
              {{"visibility", "read_only", "is decided by the review, not by contributors",
                "do việc thẩm định quyết định, cộng tác viên không được gửi"}}},
        req.path);
  }
  json rights_body = json::object();
  Request upload = req;
  std::string note;
  for (const char* name : {"licence", "rights_holder", "attribution", "note"}) {
    auto [first, last] = req.query.equal_range(name);
    if (first == last) continue;
    if (std::next(first) != last) {
      return ProblemResponse(
          Error{ErrorCode::kInvalid, std::string(name) + ": is given more than once",
                std::string(name) + ": được gửi nhiều lần",
                {{name, "repeated", "is given more than once", "được gửi nhiều lần"}}},
          req.path);
    }
    if (std::string_view(name) == "note") {
      note = first->second;
    } else {
      rights_body[name] = first->second;
    }
    // licence and rights_holder also describe the file; the others are the contribution's.
    if (std::string_view(name) == "attribution" || std::string_view(name) == "note")
      upload.query.erase(name);
  }
  workflow::Rights rights =
      OR_PROBLEM(workflow::ParseRights(rights_body, workflow::ConsentRule::kOptional));
  if (!note.empty()) {
    note = OR_PROBLEM(workflow::TextMember(json{{"note", note}}, "note", workflow::kMaxLongText,
                                           workflow::Presence::kOptional));
  }
  workflow::Review review = ReviewOf(ctx);
  OR_PROBLEM(review.CheckMediaTarget(pid));
  const workflow::Person who = PersonOf(ctx);
  int64_t submission = 0;
  Response r = UploadItemMedia(
      upload, ctx, [&](media::Upload file, const media::MediaInput& input) -> Result<MediaAsset> {
        media::MediaInput described = input;
        if (described.creator.empty()) described.creator = rights.attribution;
        return ctx.media->AddHeld(pid, std::move(file), described, ctx.actor,
                                  [&](StoreWriter& w, const MediaAsset& asset) -> Status {
                                    submission = TRY(review.SubmitMediaIn(w, who, pid, rights,
                                                                          note, asset));
                                    return Ok();
                                  });
      });
  if (r.status != 201) return r;
  Submission s = OR_PROBLEM(ctx.catalogue.store().GetSubmission(submission));
  json shown = OR_PROBLEM(review.Render(s, workflow::View::kContributor));
  return Created(shown, "/api/v1/submissions/" + std::to_string(s.id));
}

}  // namespace

void AddReviewRoutes(std::vector<Route>& r) {
  r.push_back({"POST", "/api/v1/submissions", Access::Of(Action::kContribute), SubmitItem});
  r.push_back({"GET", "/api/v1/submissions", Access::Of(Action::kViewOwnContributions), ListMine});
  r.push_back({"GET", "/api/v1/submissions/{id}", Access::Of(Action::kViewOwnContributions),
               GetSubmission});
  r.push_back({"POST", "/api/v1/submissions/{id}/revise", Access::Of(Action::kContribute),
               ReviseSubmission});
  r.push_back(
      {"POST", "/api/v1/submissions/{id}/actions", Access::Of(Action::kReview), ActOnSubmission});
  r.push_back({"POST", "/api/v1/items/{pid}/corrections", Access::Of(Action::kContribute),
               SubmitCorrection});
  r.push_back({"GET", "/api/v1/review/queue", Access::Of(Action::kReadReviewQueue), Queue});
  r.push_back({"GET", "/api/v1/notifications", Access::Of(Action::kViewOwnContributions),
               ListNotifications});
  r.push_back(
      {"POST", "/api/v1/notifications/read", Access::Of(Action::kManageOwnAccount), MarkRead});
  r.push_back(
      {"POST", "/api/v1/items/{pid}/usage-requests", Access::Of(Action::kRequestUse), RequestUse});
  r.push_back(
      {"GET", "/api/v1/usage-requests", Access::Of(Action::kReadUseRequests), ListUseRequests});
  r.push_back({"POST", "/api/v1/usage-requests/{id}/answer", Access::Of(Action::kAnswerUseRequests),
               AnswerUseRequest});
  r.push_back({"POST", "/api/v1/submissions/{id}/media", Access::Of(Action::kContribute),
               UploadToSubmission, Body::kStreamed});
  r.push_back({"POST", "/api/v1/items/{pid}/media-contributions", Access::Of(Action::kContribute),
               SubmitMedia, Body::kStreamed});
  r.push_back({"POST", "/api/v1/auth/register", Access::Of(Action::kRegister), Register});
  r.push_back({"GET", "/api/v1/auth/export", Access::Of(Action::kViewOwnAccount), ExportMine});
  r.push_back(
      {"DELETE", "/api/v1/auth/account", Access::Of(Action::kManageOwnAccount), DeleteMine});
  r.push_back({"POST", "/api/v1/auth/totp", Access::Of(Action::kManageOwnAccount), EnrolTotp});
  r.push_back(
      {"POST", "/api/v1/auth/totp/confirm", Access::Of(Action::kManageOwnAccount), ConfirmTotp});
  r.push_back({"DELETE", "/api/v1/auth/totp", Access::Of(Action::kManageOwnAccount), DisableTotp});
}

}  // namespace disan::http
