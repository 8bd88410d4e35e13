#include "workflow/lifecycle.h"

#include "core/text.h"

namespace disan::workflow {

using auth::Action;
using auth::RecordState;
using nlohmann::json;

std::optional<Action> MoveAction(RecordState from, RecordState to) {
  if (from == to || from == RecordState::kNone || to == RecordState::kNone) return std::nullopt;
  switch (to) {
    case RecordState::kInReview:
      return from == RecordState::kDraft ? std::optional(Action::kSubmit) : std::nullopt;
    case RecordState::kDraft:
      return Action::kReturnToDraft;
    case RecordState::kPublished:
      return Action::kPublish;
    case RecordState::kWithdrawn:
      return from == RecordState::kPublished ? std::optional(Action::kWithdraw) : std::nullopt;
    case RecordState::kNone:
      break;
  }
  return std::nullopt;
}

RecordState StateOf(const json& document) {
  std::string s = document.is_object() ? document.value("status", "published") : "published";
  return auth::ParseRecordState(s).value_or(RecordState::kPublished);
}

std::string UnitOf(RecordClass cls, const std::string& pid, const json& document) {
  if (cls == RecordClass::kOrganisation) return pid;
  if (cls == RecordClass::kItem && document.is_object()) return document.value("custodian", "");
  return "";
}

auth::Target TargetOf(const StoredRecord& r) {
  return {StateOf(r.document), UnitOf(r.cls, r.pid, r.document)};
}

namespace {

Status Require(const auth::Principal& p, Action action, const auth::Target& target) {
  if (auth::Allows(p, action, target)) return Ok();
  return std::unexpected(auth::Refusal(p, action, target));
}

}  // namespace

Status AuthoriseChange(const auth::Principal& p, const RecordChange& c) {
  if (!c.before) {
    // A new record: in the state and unit it is created with.
    return Require(p, Action::kCreateRecord, {StateOf(*c.after), UnitOf(c.cls, c.pid, *c.after)});
  }
  const auth::Target before = TargetOf(*c.before);
  if (!c.after) return Require(p, Action::kDeleteRecord, before);
  TRY(Require(p, Action::kEditRecord, before));
  const auth::Target after{StateOf(*c.after), UnitOf(c.cls, c.pid, *c.after)};
  if (after.unit != before.unit) TRY(Require(p, Action::kEditRecord, {before.state, after.unit}));
  if (after.state != before.state) {
    std::optional<Action> move = MoveAction(before.state, after.state);
    if (!move) {
      std::string from(auth::RecordStateName(before.state));
      std::string to(auth::RecordStateName(after.state));
      return Fail(ErrorCode::kConflict, "the lifecycle has no move from " + from + " to " + to,
                  "quy trình không cho chuyển từ " + from + " sang " + to);
    }
    TRY(Require(p, *move, before));
  }
  return Ok();
}

Result<StoredRecord> Transition(Catalogue& catalogue, RecordClass cls, const std::string& pid,
                                const std::string& to, const std::string& reason,
                                std::optional<int64_t> expected_revision, const Actor& actor) {
  std::optional<RecordState> target = auth::ParseRecordState(to);
  if (!target) {
    return Fail(Error{ErrorCode::kInvalid,
                      "to: '" + to.substr(0, 64) + "' is not a state",
                      "to: '" + to.substr(0, 64) + "' không phải trạng thái",
                      {{"to", "unknown_term", "must be draft, in_review, published or withdrawn",
                        "phải là draft, in_review, published hoặc withdrawn"}}});
  }
  std::string why(Trim(reason));
  if (why.empty() || why.size() > kMaxReasonBytes) {
    return Fail(
        Error{ErrorCode::kInvalid,
              "reason: a reason of 1 to 2000 bytes is required",
              "reason: cần nêu lý do (1 đến 2000 byte)",
              {{"reason", why.empty() ? "required" : "too_long",
                "a reason of 1 to 2000 bytes is required", "cần nêu lý do (1 đến 2000 byte)"}}});
  }
  Actor staff = actor;
  staff.audience = Audience::kStaff;  // the state is read to name the move; nothing is shown
  StoredRecord current = TRY(catalogue.Get(cls, pid, staff));
  if (current.deleted) {
    return Fail(ErrorCode::kGone, "record " + pid + " was deleted",
                "bản ghi " + pid + " đã bị xóa");
  }
  RecordState from = StateOf(current.document);
  std::string from_name(auth::RecordStateName(from));
  if (!MoveAction(from, *target)) {
    return Fail(
        Error{ErrorCode::kConflict,
              "the record is " + from_name + "; the lifecycle has no move to " + to,
              "bản ghi đang ở trạng thái " + from_name + "; quy trình không cho chuyển sang " + to,
              {{"to", "no_such_move", "no move from " + from_name + " to " + to,
                "không chuyển được từ " + from_name + " sang " + to}}});
  }
  return catalogue.Patch(cls, pid, json{{"status", to}},
                         expected_revision.value_or(current.revision), actor,
                         from_name + " → " + to + ": " + why);
}

}  // namespace disan::workflow
