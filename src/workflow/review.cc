#include "workflow/review.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "auth/accounts.h"
#include "auth/audit_log.h"
#include "core/clock.h"
#include "core/pid.h"
#include "core/record_diff.h"
#include "core/schema_files.h"
#include "workflow/lifecycle.h"

namespace disan::workflow {
namespace {

using nlohmann::json;

constexpr const char* kReviewRoles[] = {"reviewer", "curator", "unit_editor"};

Result<ReviewSteps> ParseSteps(const json& j, const std::string& where) {
  ReviewSteps s;
  if (!j.is_object() || !j.contains("steps") || !j["steps"].is_array() || j["steps"].empty()) {
    return Fail(ErrorCode::kCorrupt, "review.json: " + where + " needs a list of steps",
                "review.json: " + where + " cần danh sách các bước");
  }
  for (const json& role : j["steps"]) {
    bool known = role.is_string() && std::find(std::begin(kReviewRoles), std::end(kReviewRoles),
                                               role.get<std::string>()) != std::end(kReviewRoles);
    if (!known) {
      return Fail(ErrorCode::kCorrupt,
                  "review.json: a step of " + where + " must be reviewer, curator or unit_editor",
                  "review.json: bước của " + where + " phải là reviewer, curator hoặc unit_editor");
    }
    s.roles.push_back(role.get<std::string>());
  }
  s.distinct_people = j.value("distinct_people", true);
  return s;
}

// Whether `p` holds `role` for a record of `unit` (an administrator holds every role). A
// read-only token holds its roles for reading; the permission table refuses it every action.
bool Holds(const auth::Principal& p, const std::string& role, const std::string& unit) {
  for (const RoleGrant& g : p.grants) {
    if (g.role == "administrator") return true;
    if (g.role != role) continue;
    if (role != "unit_editor" || (!g.unit.empty() && g.unit == unit)) return true;
  }
  return false;
}

std::string RoleLabelVi(const std::string& role) {
  if (role == "reviewer") return "chuyên gia thẩm định";
  if (role == "curator") return "chuyên viên toàn tỉnh";
  if (role == "unit_editor") return "biên tập của đơn vị";
  return role;
}

std::string Ref(int64_t id) { return "submission:" + std::to_string(id); }

// The history entries since the submission was last (re)submitted.
std::vector<const json*> CurrentRound(const Submission& s) {
  std::vector<const json*> out;
  for (const json& e : s.history) {
    std::string action = e.value("action", "");
    if (action == "submit" || action == "revise") out.clear();
    out.push_back(&e);
  }
  return out;
}

json Entry(const Person& who, const std::string& action) {
  return {{"at", NowRfc3339()},
          {"by", who.actor.name},
          {"by_id", who.principal.account_id},
          {"action", action}};
}

Status Audit(StoreWriter& w, const Person& who, const std::string& action,
             const std::string& target, json detail) {
  return auth::AppendAudit(w,
                           {who.actor.name, action, target, who.actor.address, std::move(detail)});
}

// A contributor's record: an object, without the fields only staff or the system set.
Result<json> ContributedRecord(const json& body) {
  auto it = body.find("record");
  if (it == body.end() || !it->is_object()) {
    return Fail(FieldInvalid("record", it == body.end() ? "required" : "type",
                             "must be the item as a JSON object (as POST /api/v1/items takes it)",
                             "phải là hiện vật dạng đối tượng JSON (như POST /api/v1/items)"));
  }
  for (const char* staff_only : {"note", "pid", "status"}) {
    if (it->contains(staff_only)) {
      return Fail(FieldInvalid(std::string("record/") + staff_only, "read_only",
                               "is set by staff, not by contributors",
                               "do cán bộ đặt, cộng tác viên không được gửi"));
    }
  }
  return *it;
}

Result<json> CorrectionPatch(const json& body) {
  auto it = body.find("patch");
  if (it == body.end() || !it->is_object() || it->empty()) {
    return Fail(FieldInvalid("patch", it == body.end() ? "required" : "type",
                             "must be a non-empty JSON merge patch (RFC 7396) of the item",
                             "phải là bản vá JSON (RFC 7396) khác rỗng của hiện vật"));
  }
  for (const char* fixed : {"status", "custodian", "note", "kind", "pid"}) {
    if (it->contains(fixed)) {
      return Fail(FieldInvalid(std::string("patch/") + fixed, "read_only",
                               "cannot be changed by a correction",
                               "không thể thay đổi bằng đính chính"));
    }
  }
  return *it;
}

// The corrected document, validated; kInvalid when the patch makes an invalid record or
// changes nothing.
Result<json> Corrected(const Schema& schema, const StoredRecord& record, const json& patch) {
  json doc = record.document;
  doc.merge_patch(patch);
  Validated v = TRY(schema.Validate(RecordClass::kItem, doc, InputLeniency::kStrict));
  if (DiffRecords(record.document, v.document).empty()) {
    return Fail(FieldInvalid("patch", "no_change", "changes nothing in the record",
                             "không thay đổi gì trong bản ghi"));
  }
  return v.document;
}

// The record a correction is about: a public item (others are not found to contributors).
Result<StoredRecord> CorrectableRecord(StoreWriter& w, const std::string& pid) {
  Result<StoredRecord> r = w.Get(pid);
  if (!r || r->cls != RecordClass::kItem || !Catalogue::IsPublic(*r)) {
    if (r || r.error().code == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound, "no published item " + pid,
                  "không có hiện vật đã công bố " + pid);
    }
    return std::unexpected(r.error());
  }
  return *r;
}

Result<Rights> RightsOf(const json& body, const std::string& kind, bool is_new) {
  return ParseRights(
      body, is_new && kind == "intangible" ? ConsentRule::kRequired : ConsentRule::kOptional);
}

}  // namespace

Result<std::shared_ptr<const ReviewConfig>> ReviewConfig::Parse(const json& j) {
  auto config = std::make_shared<ReviewConfig>();
  if (!j.is_object()) {
    return Fail(ErrorCode::kCorrupt, "review.json is not an object",
                "review.json không phải đối tượng");
  }
  config->default_ = TRY(ParseSteps(j.value("default", json()), "default"));
  if (j.contains("kinds")) {
    if (!j["kinds"].is_object()) {
      return Fail(ErrorCode::kCorrupt, "review.json: kinds must be an object",
                  "review.json: kinds phải là đối tượng");
    }
    for (const auto& [kind, steps] : j["kinds"].items()) {
      config->kinds_.emplace(kind, TRY(ParseSteps(steps, kind)));
    }
  }
  return std::shared_ptr<const ReviewConfig>(std::move(config));
}

std::shared_ptr<const ReviewConfig> ReviewConfig::Builtin() {
  static const std::shared_ptr<const ReviewConfig> config = [] {
    for (const EmbeddedFile& f : SchemaFiles()) {
      if (f.path != "review.json") continue;
      Result<std::shared_ptr<const ReviewConfig>> c = Parse(json::parse(f.content, nullptr, false));
      if (!c) throw std::runtime_error(c.error().Describe());
      return *c;
    }
    throw std::runtime_error("schema/review.json is missing from the build");
  }();
  return config;
}

const ReviewSteps& ReviewConfig::StepsFor(const std::string& kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? default_ : it->second;
}

Review::Review(Catalogue& catalogue, std::shared_ptr<const ReviewConfig> config)
    : catalogue_(catalogue), config_(std::move(config)) {}

ReviewSteps Review::StepsOf(const Submission& s) const {
  ReviewSteps steps = config_->StepsFor(s.kind);
  // A contributed file is published by a curator, after the steps of its record's kind.
  if (s.type == "media" && steps.roles.back() != "curator") steps.roles.push_back("curator");
  return steps;
}

Status Review::CheckMediaTarget(const std::string& pid) {
  Result<StoredRecord> r = catalogue_.store().Get(pid);
  if (r && r->cls == RecordClass::kItem && Catalogue::IsPublic(*r)) return Ok();
  if (!r && r.error().code != ErrorCode::kNotFound) return std::unexpected(r.error());
  return Fail(ErrorCode::kNotFound, "no published item " + pid,
              "không có hiện vật đã công bố " + pid);
}

Result<int64_t> Review::SubmitMediaIn(StoreWriter& w, const Person& who, const std::string& pid,
                                      const Rights& rights, const std::string& note,
                                      const MediaAsset& asset) {
  StoredRecord r = TRY(CorrectableRecord(w, pid));
  Submission s;
  s.type = "media";
  s.record_pid = pid;
  s.kind = r.kind;
  s.unit = UnitOf(RecordClass::kItem, pid, r.document);
  s.contributor_id = who.principal.account_id;
  s.state = "in_review";
  s.awaiting_role = StepsOf(s).roles[0];
  s.base_revision = r.revision;
  s.proposal = {{"media", asset.id}};
  s.rights = RightsJson(rights);
  json e = Entry(who, "submit");
  if (!note.empty()) e["reason"] = note;
  e["media"] = asset.id;
  s.history = json::array({e});
  s.id = TRY(w.PutSubmission(s));
  TRY(Audit(w, who, "contribution.submit", Ref(s.id),
            {{"type", s.type}, {"record", pid}, {"media", asset.id}, {"licence", rights.licence}}));
  return s.id;
}

Status Review::Notify(StoreWriter& w, const Submission& s, const std::string& event,
                      const std::string& en, const std::string& vi) {
  Notification n;
  n.account_id = s.contributor_id;
  n.submission_id = s.id;
  n.event = event;
  n.text_en = "Submission #" + std::to_string(s.id) + " (" + s.record_pid + "): " + en;
  n.text_vi = "Đóng góp #" + std::to_string(s.id) + " (" + s.record_pid + "): " + vi;
  TRY(w.PutNotification(n));
  return Ok();
}

Result<Submission> Review::SubmitNewItem(const Person& who, const json& body) {
  json record = TRY(ContributedRecord(body));
  std::string kind =
      record.value("kind", json()).is_string() ? record["kind"].get<std::string>() : "";
  Rights rights = TRY(RightsOf(body, kind, true));
  if (rights.consent && !rights.consent->document_media.empty()) {
    return Fail(FieldInvalid("consent/document_media", "not_yet",
                             "upload the consent document to the submission first, then revise",
                             "hãy tải văn bản đồng ý lên đóng góp trước, rồi cập nhật"));
  }
  std::string note = TRY(TextMember(body, "note", kMaxLongText, Presence::kOptional));
  record["status"] = "draft";
  record["licence"] = rights.licence;
  record["rights_holder"] = rights.rights_holder;
  Submission s;
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    std::string pid = TRY(catalogue_.CreateIn(
        w, RecordClass::kItem, record, InputLeniency::kStrict, who.actor,
        "contribution by " + rights.attribution + (note.empty() ? "" : ": " + note)));
    StoredRecord r = TRY(w.Get(pid));
    const ReviewSteps& steps = config_->StepsFor(r.kind);
    s.type = "new_item";
    s.record_pid = pid;
    s.kind = r.kind;
    s.unit = UnitOf(RecordClass::kItem, pid, r.document);
    s.contributor_id = who.principal.account_id;
    s.state = "in_review";
    s.awaiting_role = steps.roles[0];
    s.base_revision = r.revision;
    s.rights = RightsJson(rights);
    json e = Entry(who, "submit");
    if (!note.empty()) e["reason"] = note;
    s.history = json::array({e});
    s.id = TRY(w.PutSubmission(s));
    return Audit(w, who, "contribution.submit", Ref(s.id),
                 {{"type", s.type}, {"record", pid}, {"licence", rights.licence}});
  }));
  return catalogue_.store().GetSubmission(s.id);
}

Result<Submission> Review::SubmitCorrection(const Person& who, const std::string& pid,
                                            const json& body) {
  json patch = TRY(CorrectionPatch(body));
  std::string reason = TRY(TextMember(body, "reason", kMaxLongText, Presence::kRequired));
  Rights rights = TRY(RightsOf(body, "", false));
  Submission s;
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    StoredRecord r = TRY(CorrectableRecord(w, pid));
    TRY(Corrected(catalogue_.schema(), r, patch));
    const ReviewSteps& steps = config_->StepsFor(r.kind);
    s.type = "correction";
    s.record_pid = pid;
    s.kind = r.kind;
    s.unit = UnitOf(RecordClass::kItem, pid, r.document);
    s.contributor_id = who.principal.account_id;
    s.state = "in_review";
    s.awaiting_role = steps.roles[0];
    s.base_revision = r.revision;
    s.proposal = patch;
    s.rights = RightsJson(rights);
    json e = Entry(who, "submit");
    e["reason"] = reason;
    s.history = json::array({e});
    s.id = TRY(w.PutSubmission(s));
    return Audit(w, who, "contribution.submit", Ref(s.id),
                 {{"type", s.type}, {"record", pid}, {"licence", rights.licence}});
  }));
  return catalogue_.store().GetSubmission(s.id);
}

Result<Submission> Review::Revise(const Person& who, int64_t id, const json& body) {
  std::string note = TRY(TextMember(body, "note", kMaxLongText, Presence::kOptional));
  Submission s;
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    s = TRY(w.GetSubmission(id));
    if (s.contributor_id != who.principal.account_id) {
      return Fail(ErrorCode::kNotFound, "no submission " + std::to_string(id) + " of yours",
                  "bạn không có đóng góp số " + std::to_string(id));
    }
    if (s.state != "changes_requested") {
      return Fail(ErrorCode::kConflict,
                  "submission " + std::to_string(id) + " is " + s.state +
                      ": only one with changes requested can be revised",
                  "đóng góp số " + std::to_string(id) + " đang ở trạng thái " + s.state +
                      ": chỉ sửa được đóng góp được yêu cầu sửa");
    }
    if (s.type == "media" && (body.contains("licence") || body.contains("patch") ||
                              body.contains("record"))) {
      // The file was described and preserved with its rights; a new file is a new submission.
      return Fail(FieldInvalid(body.contains("licence") ? "licence" : "patch", "read_only",
                               "a contributed file keeps the rights and content it was sent "
                               "with; send the file again as a new contribution",
                               "tệp đóng góp giữ nguyên quyền và nội dung lúc gửi; hãy gửi lại "
                               "tệp như một đóng góp mới"));
    }
    if (body.contains("licence")) {
      Rights rights = TRY(RightsOf(body, s.kind, s.type == "new_item"));
      if (rights.consent && !rights.consent->document_media.empty()) {
        Result<MediaAsset> m = catalogue_.store().GetMedia(rights.consent->document_media);
        if (!m || m->record_pid != s.record_pid) {
          return Fail(FieldInvalid("consent/document_media", "not_found",
                                   "is not a file uploaded to this submission",
                                   "không phải tệp đã tải lên cho đóng góp này"));
        }
      }
      s.rights = RightsJson(rights);
    }
    // The contributor owns the draft or the proposal: the review, not the permission table,
    // lets them change it (the table gives contributors no edit right).
    Actor owner{who.actor.name, Audience::kStaff, nullptr, who.actor.address};
    if (s.type == "new_item") {
      if (body.contains("record")) {
        json record = TRY(ContributedRecord(body));
        record["status"] = "draft";
        record["licence"] = s.rights.value("licence", "");
        record["rights_holder"] = s.rights.value("rights_holder", "");
        TRY(catalogue_.UpdateIn(
            w, RecordClass::kItem, s.record_pid,
            [&](const StoredRecord&) -> Result<json> { return record; }, RevisionAction::kUpdate,
            std::nullopt, owner, "contribution revised after review"));
      }
      StoredRecord r = TRY(w.Get(s.record_pid));
      s.kind = r.kind;
      s.unit = UnitOf(RecordClass::kItem, s.record_pid, r.document);
      s.base_revision = r.revision;
    } else if (s.type == "correction" && body.contains("patch")) {
      json patch = TRY(CorrectionPatch(body));
      StoredRecord r = TRY(CorrectableRecord(w, s.record_pid));
      TRY(Corrected(catalogue_.schema(), r, patch));
      s.proposal = patch;
      s.base_revision = r.revision;
    }
    const ReviewSteps steps = StepsOf(s);
    s.state = "in_review";
    s.step = 0;
    s.awaiting_role = steps.roles[0];
    json e = Entry(who, "revise");
    if (!note.empty()) e["reason"] = note;
    s.history.push_back(e);
    TRY(w.PutSubmission(s));
    return Audit(w, who, "contribution.revise", Ref(s.id), {{"record", s.record_pid}});
  }));
  return catalogue_.store().GetSubmission(id);
}

Status Review::CheckMayAct(const Person& who, const Submission& s, Decision decision) const {
  if (who.principal.account_id != 0 && who.principal.account_id == s.contributor_id) {
    return Fail(ErrorCode::kForbidden, "you cannot review, approve or publish your own submission",
                "bạn không được thẩm định, duyệt hoặc công bố đóng góp của chính mình");
  }
  const ReviewSteps steps = StepsOf(s);
  if (s.step < 0 || static_cast<size_t>(s.step) >= steps.roles.size()) {
    return Fail(ErrorCode::kConflict, "this submission has no review step left",
                "đóng góp này không còn bước thẩm định nào");
  }
  const std::string& role = steps.roles[static_cast<size_t>(s.step)];
  const std::string n = std::to_string(s.step + 1) + "/" + std::to_string(steps.roles.size());
  if (!Holds(who.principal, role, s.unit)) {
    return Fail(ErrorCode::kForbidden,
                "step " + n + " of this review is taken by a " + role +
                    (role == "unit_editor" ? " of unit " + s.unit : "") +
                    "; your roles do not include it",
                "bước " + n + " của việc thẩm định này do " + RoleLabelVi(role) +
                    (role == "unit_editor" ? " " + s.unit : "") +
                    " thực hiện; vai trò của bạn không gồm vai trò đó");
  }
  for (const json* e : CurrentRound(s)) {
    if (e->value("action", "") != "approve" ||
        e->value("by_id", int64_t{0}) != who.principal.account_id)
      continue;
    int64_t step = e->value("step", int64_t{-1});
    if (step == s.step) {
      return Fail(ErrorCode::kForbidden, "you already approved this step",
                  "bạn đã duyệt bước này rồi");
    }
    if (steps.distinct_people) {
      return Fail(ErrorCode::kForbidden,
                  "you approved step " + std::to_string(step + 1) +
                      " of this submission; each step of its review needs a different person",
                  "bạn đã duyệt bước " + std::to_string(step + 1) +
                      " của đóng góp này; mỗi bước thẩm định cần một người khác");
    }
  }
  (void)decision;
  return Ok();
}

Result<Submission> Review::Act(const Person& who, int64_t id, const ReviewAction& action) {
  if (who.principal.scope == auth::TokenScope::kRead) {
    return Fail(ErrorCode::kForbidden, "this API token may only read; it may not review",
                "mã truy cập API này chỉ được đọc; không được thẩm định");
  }
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    Submission s = TRY(w.GetSubmission(id));
    if (s.state != "in_review") {
      return Fail(ErrorCode::kConflict,
                  "submission " + std::to_string(id) + " is " + s.state + ", not in review",
                  "đóng góp số " + std::to_string(id) + " đang ở trạng thái " + s.state +
                      ", không chờ thẩm định");
    }
    TRY(CheckMayAct(who, s, action.decision));
    const ReviewSteps steps = StepsOf(s);
    const std::string role = steps.roles[static_cast<size_t>(s.step)];
    const std::string n = std::to_string(s.step + 1) + "/" + std::to_string(steps.roles.size());
    json e = Entry(who, std::string(DecisionName(action.decision)));
    e["step"] = s.step;
    e["role"] = role;
    if (!action.reason.empty()) e["reason"] = action.reason;
    if (!action.comments.empty()) {
      json comments = json::array();
      for (const FieldComment& c : action.comments)
        comments.push_back({{"field", c.field}, {"text", c.text}});
      e["comments"] = comments;
    }
    std::string audit_action = "review." + std::string(DecisionName(action.decision));
    json detail = {{"record", s.record_pid}, {"step", s.step}, {"role", role}};
    if (!action.reason.empty()) detail["reason"] = action.reason;
    switch (action.decision) {
      case Decision::kApprove:
        if (static_cast<size_t>(s.step) + 1 < steps.roles.size()) {
          ++s.step;
          s.awaiting_role = steps.roles[static_cast<size_t>(s.step)];
          TRY(Notify(w, s, "review.approve", "step " + n + " approved by " + who.actor.name,
                     "bước " + n + " đã được " + who.actor.name + " duyệt"));
          break;
        }
        {
          // The last step accepts: the change is written by the person who accepted it, as the
          // review decided (the permission table's record rights do not apply to it).
          Actor accepting{who.actor.name, Audience::kStaff, nullptr, who.actor.address};
          std::string why = "contribution #" + std::to_string(s.id) + " by " +
                            s.rights.value("attribution", "") + " accepted" +
                            (action.reason.empty() ? "" : ": " + action.reason);
          const json proposal = s.proposal;
          const bool is_new = s.type == "new_item";
          const bool is_media = s.type == "media";
          std::string media_id;
          if (is_media) {
            // The held file becomes public; the record gets a revision saying so, so that
            // every cached answer and harvester sees the change.
            media_id = proposal.value("media", "");
            TRY(w.SetMediaVisibility(media_id, "public"));
            why += " (media " + media_id + " published)";
            detail["media"] = media_id;
            e["media"] = media_id;
          }
          int64_t revision = TRY(catalogue_.UpdateIn(
              w, RecordClass::kItem, s.record_pid,
              [&](const StoredRecord& current) -> Result<json> {
                json doc = current.document;
                if (is_new) {
                  doc["status"] = "published";
                } else if (is_media) {
                  // the document is unchanged: only its file list grows
                } else {
                  doc.merge_patch(proposal);
                }
                return doc;
              },
              RevisionAction::kUpdate, std::nullopt, accepting, why));
          e["revision"] = revision;
          detail["revision"] = revision;
          audit_action = "review.accept";
          s.state = "accepted";
          s.awaiting_role = "";
          if (is_media) {
            TRY(Notify(w, s, "review.accept",
                       "file " + media_id + " accepted and published by " + who.actor.name,
                       "tệp " + media_id + " đã được " + who.actor.name + " chấp nhận và công bố"));
          } else {
            TRY(Notify(
                w, s, "review.accept",
                is_new ? "accepted and published by " + who.actor.name
                       : "accepted by " + who.actor.name + " and applied to the record",
                is_new ? "đã được " + who.actor.name + " chấp nhận và công bố"
                       : "đã được " + who.actor.name + " chấp nhận và cập nhật vào bản ghi"));
          }
        }
        break;
      case Decision::kReject:
        s.state = "rejected";
        s.awaiting_role = "";
        TRY(Notify(w, s, "review.reject", "rejected at step " + n + ": " + action.reason,
                   "bị từ chối ở bước " + n + ": " + action.reason));
        break;
      case Decision::kRequestChanges:
        s.state = "changes_requested";
        s.awaiting_role = "";
        TRY(Notify(w, s, "review.request_changes",
                   "changes requested at step " + n + " (" +
                       std::to_string(action.comments.size()) + " comments): " + action.reason,
                   "được yêu cầu sửa ở bước " + n + " (" + std::to_string(action.comments.size()) +
                       " nhận xét): " + action.reason));
        break;
    }
    s.history.push_back(e);
    TRY(w.PutSubmission(s));
    return Audit(w, who, audit_action, Ref(s.id), detail);
  }));
  return catalogue_.store().GetSubmission(id);
}

Result<std::pair<Submission, View>> Review::Read(const Person& who, int64_t id) {
  Result<Submission> s = catalogue_.store().GetSubmission(id);
  if (!s) return std::unexpected(s.error());
  if (who.principal.account_id != 0 && s->contributor_id == who.principal.account_id)
    return std::make_pair(*s, View::kContributor);
  if (auth::Allows(who.principal, auth::Action::kReadReviewQueue, {})) {
    for (const std::string& role : StepsOf(*s).roles) {
      if (Holds(who.principal, role, s->unit)) return std::make_pair(*s, View::kReviewer);
    }
  }
  return Fail(ErrorCode::kNotFound, "no submission " + std::to_string(id) + " that you may read",
              "không có đóng góp số " + std::to_string(id) + " mà bạn được xem");
}

Result<json> Review::Render(const Submission& s, View view) {
  const ReviewSteps steps = StepsOf(s);
  json history = json::array();
  json comments = json::array();
  for (const json& e : s.history) {
    json shown = e;
    shown.erase("by_id");
    history.push_back(shown);
    if (e.contains("comments")) {
      for (const json& c : e["comments"]) {
        comments.push_back({{"field", c.value("field", "")},
                            {"text", c.value("text", "")},
                            {"by", e.value("by", "")},
                            {"at", e.value("at", "")},
                            {"step", e.value("step", 0)}});
      }
    }
  }
  json out = {{"id", s.id},
              {"type", s.type},
              {"record", s.record_pid},
              {"kind", s.kind},
              {"unit", s.unit},
              {"state", s.state},
              {"step", s.step},
              {"steps", steps.roles},
              {"awaiting_role", s.awaiting_role},
              {"licence", LicenceJson(catalogue_.schema(), s.rights.value("licence", ""))},
              {"rights_holder", s.rights.value("rights_holder", "")},
              {"attribution", s.rights.value("attribution", "")},
              {"history", history},
              {"comments", comments},
              {"created_at", s.created_at},
              {"updated_at", s.updated_at},
              {"links",
               {{"self", "/api/v1/submissions/" + std::to_string(s.id)},
                {"record", "/api/v1/items/" + s.record_pid}}}};
  if (s.rights.contains("consent")) out["consent"] = s.rights["consent"];
  StoredRecord record = TRY(catalogue_.store().Get(s.record_pid));
  json current = record.document;
  if (view == View::kContributor) Catalogue::RedactDocument(current);
  json proposed = current;
  if (s.type == "media") {
    // The file is what is reviewed; the record stays as it is.
    const std::string id = s.proposal.value("media", "");
    out["media"] = {{"id", id},
                    {"links",
                     {{"self", "/api/v1/media/" + id},
                      {"file", "/api/v1/media/" + id + "/file"},
                      {"thumbnail", "/api/v1/media/" + id + "/thumbnail"}}}};
    if (Result<MediaAsset> a = catalogue_.store().GetMedia(id)) {
      out["media"]["media_type"] = a->media_type;
      out["media"]["original_name"] = a->original_name;
      out["media"]["caption"] = {{"vi", a->caption_vi}, {"en", a->caption_en}};
      out["media"]["size"] = a->size;
      out["media"]["visibility"] = a->visibility;
    }
    out["diff"] = json::array();
    return out;
  }
  if (s.type == "correction") {
    proposed.merge_patch(s.proposal);
    out["proposal"] = s.proposal;
    out["base_revision"] = s.base_revision;
    out["current_revision"] = record.revision;
    out["stale"] = record.revision != s.base_revision && s.state != "accepted";
    current = s.state == "accepted" ? json::object() : current;
  } else {
    out["document"] = current;
    current = json::object();
  }
  json diff = json::array();
  if (s.state != "accepted" || s.type == "new_item") {
    for (const FieldChange& c : DiffRecords(current, proposed)) {
      if (s.type == "new_item" && c.path == "/status") continue;
      diff.push_back({{"path", c.path}, {"before", c.before}, {"after", c.after}});
    }
  }
  out["diff"] = diff;
  return out;
}

Result<SubmissionPage> Review::Mine(const Person& who, int64_t after_id, size_t limit) {
  SubmissionQuery q;
  q.contributor_id = who.principal.account_id;
  q.after_id = after_id;
  q.limit = limit;
  SubmissionPage page;
  page.submissions = TRY(catalogue_.store().ListSubmissions(q));
  if (page.submissions.size() == limit) page.next_after = page.submissions.back().id;
  return page;
}

Result<SubmissionPage> Review::Queue(const Person& who, const QueueFilter& f) {
  SubmissionQuery q;
  q.state = "in_review";
  q.unit = f.unit;
  q.kind = f.kind;
  q.after_id = f.after_id;
  q.limit = f.limit;
  bool everything = false;
  for (const RoleGrant& g : who.principal.grants) {
    if (g.role == "administrator") everything = true;
    if (g.role == "reviewer" || g.role == "curator") q.actable.push_back({g.role, ""});
    if (g.role == "unit_editor" && !g.unit.empty()) q.actable.push_back({g.role, g.unit});
  }
  if (everything) q.actable.clear();
  SubmissionPage page;
  if (!everything && q.actable.empty()) return page;
  if (f.older_than_days > 0) {
    q.created_before =
        auth::FormatTime(auth::Clock::now() - std::chrono::hours(24) * f.older_than_days);
  }
  // Some of what the store finds may still be closed to this person (their own, or a step
  // after one they approved): read on until the page is full or the list ends.
  while (page.submissions.size() < f.limit) {
    std::vector<Submission> batch = TRY(catalogue_.store().ListSubmissions(q));
    for (Submission& s : batch) {
      q.after_id = s.id;
      if (CheckMayAct(who, s, Decision::kApprove)) page.submissions.push_back(std::move(s));
      if (page.submissions.size() == f.limit) break;
    }
    if (batch.size() < q.limit) return page;
  }
  page.next_after = q.after_id;
  return page;
}

Result<UseRequestOutcome> Review::RequestUse(const Person& who, const std::string& pid,
                                             const UseRequestInput& input) {
  // Throttling: the times of recent requests are kept under one key per account and one per
  // address (the sign-in failures' table, with keys of their own).
  const auto now = std::chrono::system_clock::now();
  std::vector<std::pair<std::string, int>> keys;
  if (who.principal.account_id != 0) {
    keys.emplace_back("usage:account:" + std::to_string(who.principal.account_id),
                      kMaxUseRequestsPerAccountPerHour);
  }
  if (!who.actor.address.empty())
    keys.emplace_back("usage:address:" + who.actor.address, kMaxUseRequestsPerAddressPerHour);
  int64_t wait = 0;
  for (const auto& [key, limit] : keys) {
    std::vector<std::string> recent = TRY(
        catalogue_.store().LoginFailuresSince(key, auth::FormatTime(now - std::chrono::hours(1))));
    if (recent.size() < static_cast<size_t>(limit)) continue;
    std::optional<auth::Clock::time_point> oldest = auth::ParseTime(recent[recent.size() - limit]);
    int64_t w = oldest ? std::chrono::duration_cast<std::chrono::seconds>(
                             *oldest + std::chrono::hours(1) - now)
                                 .count() +
                             1
                       : 3600;
    wait = std::max(wait, std::max<int64_t>(1, w));
  }
  if (wait > 0) {
    TRY(auth::AppendAudit(catalogue_.store(),
                          {who.actor.name.empty() ? "anonymous" : who.actor.name,
                           "usage.request_throttled",
                           pid,
                           who.actor.address,
                           {{"retry_after", wait}}}));
    return UseRequestOutcome{std::nullopt, wait};
  }
  UsageRequest r;
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    for (const auto& [key, limit] : keys) TRY(w.PutLoginFailure(key, auth::FormatTime(now)));
    StoredRecord record = TRY(CorrectableRecord(w, pid));
    std::string licence = record.document.value("licence", "");
    if (!CommercialUseNeedsPermission(licence)) {
      return Fail(ErrorCode::kConflict,
                  licence.empty() ? "item " + pid + " states no licence; ask its custodian"
                                  : "the licence of item " + pid + " (" + licence +
                                        ") already allows commercial use: no request is needed",
                  licence.empty()
                      ? "hiện vật " + pid + " chưa ghi giấy phép; hãy hỏi đơn vị quản lý"
                      : "giấy phép của hiện vật " + pid + " (" + licence +
                            ") đã cho phép sử dụng thương mại: không cần đề nghị");
    }
    r.record_pid = pid;
    r.account_id = who.principal.account_id;
    r.name = input.name;
    r.organisation = input.organisation;
    r.email = input.email;
    r.purpose = input.purpose;
    r.id = TRY(w.PutUsageRequest(r));
    // No personal data in the audit log: it outlives account deletion.
    return Audit(w, who, "usage.request", pid, {{"request", r.id}});
  }));
  return UseRequestOutcome{TRY(catalogue_.store().GetUsageRequest(r.id)), 0};
}

Result<UsageRequest> Review::AnswerUse(const Person& who, int64_t id, const UseAnswer& answer) {
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    UsageRequest r = TRY(w.GetUsageRequest(id));
    if (r.state != "open") {
      return Fail(ErrorCode::kConflict,
                  "request " + std::to_string(id) + " was already answered (" + r.state + ")",
                  "đề nghị số " + std::to_string(id) + " đã được trả lời (" + r.state + ")");
    }
    r.state = answer.granted ? "granted" : "refused";
    r.answer = answer.text;
    r.answered_by = who.actor.name;
    r.answered_at = NowRfc3339();
    TRY(w.PutUsageRequest(r));
    if (r.account_id != 0) {
      Notification n;
      n.account_id = r.account_id;
      n.event = answer.granted ? "usage.grant" : "usage.refuse";
      n.text_en = "Your commercial-use request #" + std::to_string(id) + " for " + r.record_pid +
                  " was " + r.state + ": " + r.answer;
      n.text_vi = "Đề nghị sử dụng thương mại #" + std::to_string(id) + " cho " + r.record_pid +
                  (answer.granted ? " đã được chấp thuận: " : " đã bị từ chối: ") + r.answer;
      TRY(w.PutNotification(n));
    }
    return Audit(w, who, answer.granted ? "usage.grant" : "usage.refuse", r.record_pid,
                 {{"request", id}});
  }));
  return catalogue_.store().GetUsageRequest(id);
}

}  // namespace disan::workflow
