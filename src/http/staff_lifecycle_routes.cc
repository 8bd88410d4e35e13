// Handlers of the lifecycle and delete forms on the staff record page (staff_lifecycle_routes.h).
// Each post is read like the edit form (url-encoded, the session's csrf_token, the hidden
// revision the page was drawn at) and then handed to workflow::Transition or
// Catalogue::Delete, the calls behind POST /api/v1/items/{pid}/transitions and DELETE
// /api/v1/items/{pid}: the permission table and the revision check are theirs, so a forged post
// of a move the page did not offer gets the same bilingual refusal, and a stale page changes
// nothing.
#include "http/staff_lifecycle_routes.h"

#include <variant>

#include "core/pid.h"
#include "http/portal_routes.h"
#include "http/problem.h"
#include "http/staff_edit_routes.h"
#include "http/staff_page.h"
#include "workflow/contributions.h"
#include "workflow/lifecycle.h"

namespace disan::http {
namespace {

using nlohmann::json;
using portal::Lang;
using namespace staff;

// A move or a delete is a few short fields; the reason is at most 2000 bytes.
constexpr size_t kMaxLifecycleForm = 16 * 1024;
constexpr std::string_view kMoveSuffix = "/trang-thai";
constexpr std::string_view kDeleteSuffix = "/xoa";

std::string RecordPath(const std::string& pid, std::string_view suffix) {
  return std::string(kStaffRecordPrefix) + pid + std::string(suffix);
}

json StaleMessage(Lang lang, int64_t from, int64_t to) {
  const std::string a = std::to_string(from), b = std::to_string(to);
  return Message(lang, "error",
                 "Someone else changed this record after you opened the page (revision " + a +
                     " → " + b + "). Nothing was changed: look at the record again and retry.",
                 "Người khác đã thay đổi bản ghi này sau khi bạn mở trang (phiên bản " + a + " → " +
                     b + "). Chưa có gì thay đổi: hãy xem lại bản ghi rồi thử lại.");
}

// Reads a post: the record, the form, its token and revision. On failure, the answer.
struct LifecyclePost {
  StoredRecord record;
  Form form;
  int64_t revision = 0;
};
std::variant<LifecyclePost, Response> ReadPost(const Request& req, Context& ctx, Lang lang) {
  Result<StoredRecord> r = StaffRecordOf(req, ctx);
  if (!r) return StaffRecordErrorPage(req, ctx, r.error());
  Result<Form> form = FormOf(req, kMaxLifecycleForm);
  if (!form) {
    return StaffRecordPage(req, ctx, *r, FormStatus(form.error()),
                           ErrorMessage(lang, form.error()));
  }
  if (!PostAllowed(ctx, *form)) {
    return StaffRecordPage(req, ctx, *r, 400, ErrorMessage(lang, StaleForm()));
  }
  Result<int64_t> revision = StaffFormRevision(*form);
  if (!revision) return StaffRecordPage(req, ctx, *r, 422, ErrorMessage(lang, revision.error()));
  return LifecyclePost{std::move(*r), std::move(*form), *revision};
}

// The page again with the refusal of the workflow or the catalogue.
Response Refused(const Request& req, Context& ctx, const LifecyclePost& post, const Error& e,
                 Lang lang) {
  if (e.code == ErrorCode::kPreconditionFailed) {
    return StaffRecordPage(req, ctx, post.record, 409,
                           StaleMessage(lang, post.revision, post.record.revision));
  }
  return StaffRecordPage(req, ctx, post.record, StatusFor(e.code), ErrorMessage(lang, e));
}

Response PostMove(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  std::variant<LifecyclePost, Response> read = ReadPost(req, ctx, lang);
  if (Response* answer = std::get_if<Response>(&read)) return std::move(*answer);
  const LifecyclePost& post = std::get<LifecyclePost>(read);
  if (post.record.cls != RecordClass::kItem) {
    return StaffRecordPage(req, ctx, post.record, 409,
                           Message(lang, "error", "only heritage items move through the lifecycle",
                                   "chỉ hiện vật di sản mới chuyển trạng thái theo quy trình"));
  }
  Result<StoredRecord> moved = workflow::Transition(
      ctx.catalogue, post.record.cls, post.record.pid, FieldOf(post.form, "to"),
      FieldOf(post.form, "reason"), post.revision, ctx.actor);
  if (!moved) return Refused(req, ctx, post, moved.error(), lang);
  // Back to the record when the person may still edit it in its new state, else to the desk.
  if (auth::Allows(ctx.principal, auth::Action::kEditRecord, workflow::TargetOf(*moved))) {
    return SeeOther(StaffEditPath(moved->pid) + "?moved=1");
  }
  return SeeOther("/quan-tri");
}

Response PostDelete(const Request& req, Context& ctx) {
  const Lang lang = PortalPageRequest(req, ctx.services).lang;
  std::variant<LifecyclePost, Response> read = ReadPost(req, ctx, lang);
  if (Response* answer = std::get_if<Response>(&read)) return std::move(*answer);
  const LifecyclePost& post = std::get<LifecyclePost>(read);
  Result<StoredRecord> deleted = ctx.catalogue.Delete(
      post.record.cls, post.record.pid, post.revision, ctx.actor, FieldOf(post.form, "reason"));
  if (!deleted) return Refused(req, ctx, post, deleted.error(), lang);
  return StaffRecordMessagePage(
      req, ctx, 200,
      Message(lang, "ok",
              "Record " + deleted->pid + " is deleted; its history and the reason are kept.",
              "Đã xóa bản ghi " + deleted->pid + "; lịch sử và lý do xóa vẫn được giữ."));
}

}  // namespace

json StaffLifecycleModel(const Context& ctx, const StoredRecord& record, portal::Lang lang) {
  const auth::Target target = workflow::TargetOf(record);
  json moves = json::array();
  // Only items move through the lifecycle, as in the API (POST /api/v1/items/{pid}/transitions).
  if (record.cls == RecordClass::kItem &&
      auth::Allows(ctx.principal, auth::Action::kTransition, target)) {
    for (auth::RecordState to : auth::kRecordStates) {
      std::optional<auth::Action> action = workflow::MoveAction(target.state, to);
      if (!action || !auth::Allows(ctx.principal, *action, target)) continue;
      const std::string name(auth::RecordStateName(to));
      moves.push_back({{"to", name}, {"label", staff::Tr(lang, "staff_move_to_" + name)}});
    }
  }
  const bool may_delete = auth::Allows(ctx.principal, auth::Action::kDeleteRecord, target);
  if (moves.empty() && !may_delete) return nullptr;
  return {{"move_action", RecordPath(record.pid, kMoveSuffix)},
          {"delete_action", RecordPath(record.pid, kDeleteSuffix)},
          {"has_moves", !moves.empty()},
          {"moves", moves},
          {"may_delete", may_delete}};
}

void AddStaffLifecycleRoutes(std::vector<Route>& routes) {
  using auth::Action;
  const std::string record = std::string(kStaffRecordPrefix) + "{pid}";
  routes.push_back(
      {"POST", record + std::string(kMoveSuffix), Access::Of(Action::kTransition), PostMove});
  routes.push_back(
      {"POST", record + std::string(kDeleteSuffix), Access::Of(Action::kDeleteRecord), PostDelete});
}

}  // namespace disan::http
