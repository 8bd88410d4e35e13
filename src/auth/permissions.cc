#include "auth/permissions.h"

#include <array>

namespace disan::auth {
namespace {

// A cell of the table: the grant, and the lifecycle states it holds in (a bit per state).
enum : unsigned { kD = 1, kR = 2, kP = 4, kW = 8, kAll = 15 };

struct Cell {
  Grant grant = Grant::kNo;
  unsigned states = kAll;
};

constexpr Cell Yes(unsigned states = kAll) { return {Grant::kYes, states}; }
constexpr Cell Own(unsigned states = kAll) { return {Grant::kOwnUnit, states}; }
constexpr Cell No() { return {Grant::kNo, 0}; }

struct Row {
  Action action;
  const char* name;
  bool read_only;
  bool about_record;
  const char* en;
  const char* vi;
  // administrator, curator, unit_editor, reviewer, contributor, public (the order of Role)
  std::array<Cell, 6> cells;
};

// THE permission table. Change it here; docs/permissions.md follows (a test says when not).
const Row kTable[] = {
    {Action::kReadPublic,
     "record.read_public",
     true,
     false,
     "read published public records, search, harvest",
     "xem bản ghi đã công bố, tìm kiếm, thu thập",
     {Yes(), Yes(), Yes(), Yes(), Yes(), Yes()}},
    {Action::kReadUnpublished,
     "record.read_unpublished",
     true,
     false,
     "read drafts, records in review, withdrawn and restricted records",
     "xem bản nháp, bản ghi đang thẩm định, đã rút và hạn chế",
     {Yes(), Yes(), Yes(), Yes(), No(), No()}},
    {Action::kCreateRecord,
     "record.create",
     false,
     true,
     "create a record",
     "tạo bản ghi",
     {Yes(), Yes(), Own(kD), No(), Yes(kD), No()}},
    {Action::kEditRecord,
     "record.edit",
     false,
     true,
     "edit a record or restore a revision",
     "sửa bản ghi hoặc khôi phục phiên bản",
     {Yes(), Yes(), Own(kD | kP), No(), No(), No()}},
    {Action::kDeleteRecord,
     "record.delete",
     false,
     true,
     "delete a record (tombstone)",
     "xóa bản ghi (để lại dấu vết)",
     {Yes(), Yes(), Own(kD), No(), No(), No()}},
    {Action::kAddMedia,
     "media.add",
     false,
     true,
     "upload a file to an item",
     "tải tệp lên cho hiện vật",
     {Yes(), Yes(), Own(kD | kP), No(), No(), No()}},
    {Action::kSubmit,
     "record.submit",
     false,
     true,
     "submit a draft for review",
     "gửi bản nháp đi thẩm định",
     {Yes(kD), Yes(kD), Own(kD), No(), No(), No()}},
    {Action::kReturnToDraft,
     "record.return_to_draft",
     false,
     true,
     "send a record back to draft",
     "trả bản ghi về bản nháp",
     {Yes(kR | kP | kW), Yes(kR | kP | kW), No(), Yes(kR), No(), No()}},
    {Action::kPublish,
     "record.publish",
     false,
     true,
     "publish a record",
     "công bố bản ghi",
     {Yes(kD | kR | kW), Yes(kD | kR | kW), No(), No(), No(), No()}},
    {Action::kWithdraw,
     "record.withdraw",
     false,
     true,
     "withdraw a published record",
     "rút bản ghi đã công bố",
     {Yes(kP), Yes(kP), No(), No(), No(), No()}},
    {Action::kTransition,
     "record.transition",
     false,
     true,
     "ask for a lifecycle move (the move itself is one of the four above)",
     "yêu cầu chuyển trạng thái (việc chuyển là một trong bốn dòng trên)",
     {Yes(), Yes(), Own(kD), Yes(kR), No(), No()}},
    {Action::kStaffWrite,
     "staff.write",
     false,
     true,
     "other writes by staff",
     "các thao tác ghi khác của cán bộ",
     {Yes(), Yes(), Own(), No(), No(), No()}},
    {Action::kSignIn,
     "account.sign_in",
     false,
     false,
     "sign in, use a password-reset link",
     "đăng nhập, dùng liên kết đặt lại mật khẩu",
     {Yes(), Yes(), Yes(), Yes(), Yes(), Yes()}},
    {Action::kViewOwnAccount,
     "account.view_own",
     true,
     false,
     "see my account and tokens",
     "xem tài khoản và mã truy cập của mình",
     {Yes(), Yes(), Yes(), Yes(), Yes(), No()}},
    {Action::kManageOwnAccount,
     "account.manage_own",
     false,
     false,
     "sign out, change my password, make and revoke my tokens",
     "đăng xuất, đổi mật khẩu, tạo và thu hồi mã truy cập của mình",
     {Yes(), Yes(), Yes(), Yes(), Yes(), No()}},
    {Action::kListAccounts,
     "account.list",
     true,
     false,
     "list accounts and their roles",
     "xem danh sách tài khoản và vai trò",
     {Yes(), No(), No(), No(), No(), No()}},
    {Action::kManageAccounts,
     "account.manage",
     false,
     false,
     "create accounts, change roles, issue password-reset links",
     "tạo tài khoản, đổi vai trò, cấp liên kết đặt lại mật khẩu",
     {Yes(), No(), No(), No(), No(), No()}},
    {Action::kReadAudit,
     "audit.read",
     true,
     false,
     "read the audit log",
     "xem nhật ký kiểm toán",
     {Yes(), No(), No(), No(), No(), No()}},
    {Action::kReadHarvests,
     "harvest.read",
     true,
     false,
     "see how the harvests of other repositories into this one went",
     "xem kết quả các lần thu thập từ kho khác về kho này",
     {Yes(), Yes(), No(), No(), No(), No()}},
    {Action::kContribute,
     "contribution.submit",
     false,
     false,
     "submit a new item or a correction, revise my submission",
     "gửi hiện vật mới hoặc đính chính, sửa đóng góp của mình",
     {Yes(), Yes(), Yes(), Yes(), Yes(), No()}},
    {Action::kViewOwnContributions,
     "contribution.view_own",
     true,
     false,
     "see my submissions, their review and my notifications",
     "xem đóng góp của mình, việc thẩm định và thông báo",
     {Yes(), Yes(), Yes(), Yes(), Yes(), No()}},
    {Action::kReadReviewQueue,
     "review.queue",
     true,
     false,
     "see the submissions waiting for my review step",
     "xem các đóng góp đang chờ bước thẩm định của mình",
     {Yes(), Yes(), Own(), Yes(), No(), No()}},
    {Action::kReview,
     "review.act",
     false,
     false,
     "approve, reject or ask for changes at a review step my role takes (schema/review.json)",
     "duyệt, từ chối hoặc yêu cầu sửa ở bước thẩm định của vai trò mình (schema/review.json)",
     {Yes(), Yes(), Own(), Yes(), No(), No()}},
    {Action::kRequestUse,
     "usage.request",
     false,
     false,
     "ask to use an item commercially",
     "đề nghị sử dụng hiện vật vào mục đích thương mại",
     {Yes(), Yes(), Yes(), Yes(), Yes(), Yes()}},
    {Action::kReadUseRequests,
     "usage.read",
     true,
     false,
     "read commercial-use requests",
     "xem các đề nghị sử dụng thương mại",
     {Yes(), Yes(), No(), No(), No(), No()}},
    {Action::kAnswerUseRequests,
     "usage.answer",
     false,
     false,
     "grant or refuse a commercial-use request",
     "chấp thuận hoặc từ chối đề nghị sử dụng thương mại",
     {Yes(), Yes(), No(), No(), No(), No()}},
    {Action::kRegister,
     "account.register",
     false,
     false,
     "register as a contributor",
     "tự đăng ký làm cộng tác viên",
     {Yes(), Yes(), Yes(), Yes(), Yes(), Yes()}},
};

const Row& RowOf(Action action) {
  for (const Row& r : kTable) {
    if (r.action == action) return r;
  }
  static const Row none{action,
                        "unknown",
                        false,
                        false,
                        "an action without a rule",
                        "một thao tác chưa có quy tắc",
                        {No(), No(), No(), No(), No(), No()}};
  return none;
}

unsigned Bit(RecordState s) {
  switch (s) {
    case RecordState::kNone:
      return kAll;
    case RecordState::kDraft:
      return kD;
    case RecordState::kInReview:
      return kR;
    case RecordState::kPublished:
      return kP;
    case RecordState::kWithdrawn:
      return kW;
  }
  return 0;
}

constexpr const char* kRoleNames[] = {"administrator", "curator",     "unit_editor",
                                      "reviewer",      "contributor", "public"};
constexpr const char* kRoleLabelsVi[] = {"quản trị viên",   "chuyên viên (toàn tỉnh)",
                                         "biên tập đơn vị", "chuyên gia thẩm định",
                                         "cộng tác viên",   "công chúng"};
constexpr const char* kStateLabelsVi[] = {"", "bản nháp", "đang thẩm định", "đã công bố", "đã rút"};

}  // namespace

std::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool RoleNeedsUnit(Role role) { return role == Role::kUnitEditor; }

std::string_view RecordStateName(RecordState state) {
  switch (state) {
    case RecordState::kNone:
      return "";
    case RecordState::kDraft:
      return "draft";
    case RecordState::kInReview:
      return "in_review";
    case RecordState::kPublished:
      return "published";
    case RecordState::kWithdrawn:
      return "withdrawn";
  }
  return "";
}

std::optional<RecordState> ParseRecordState(std::string_view name) {
  for (RecordState s : kRecordStates) {
    if (RecordStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view ActionName(Action action) { return RowOf(action).name; }
bool IsReadOnly(Action action) { return RowOf(action).read_only; }
bool IsAboutRecord(Action action) { return RowOf(action).about_record; }

Grant Lookup(Role role, Action action, RecordState state) {
  const Cell& c = RowOf(action).cells[static_cast<size_t>(role)];
  if (c.grant == Grant::kNo || (c.states & Bit(state)) == 0) return Grant::kNo;
  return c.grant;
}

bool Allows(const Principal& p, Action action, const Target& target) {
  if (p.scope == TokenScope::kRead && !IsReadOnly(action)) return false;
  if (Lookup(Role::kPublic, action, target.state) == Grant::kYes) return true;
  for (const RoleGrant& g : p.grants) {
    std::optional<Role> role = ParseRole(g.role);
    if (!role || *role == Role::kPublic) continue;
    Grant grant = Lookup(*role, action, target.state);
    if (grant == Grant::kYes) return true;
    if (grant == Grant::kOwnUnit &&
        (target.state == RecordState::kNone || (!g.unit.empty() && g.unit == target.unit))) {
      return true;
    }
  }
  return false;
}

Error Refusal(const Principal& p, Action action, const Target& target) {
  const Row& row = RowOf(action);
  std::string what_en = row.en;
  std::string what_vi = row.vi;
  if (target.state != RecordState::kNone) {
    int s = static_cast<int>(target.state);
    what_en += " (a " + std::string(RecordStateName(target.state)) + " record" +
               (target.unit.empty() ? "" : " of unit " + target.unit) + ")";
    what_vi += " (bản ghi " + std::string(kStateLabelsVi[s]) +
               (target.unit.empty() ? "" : " của đơn vị " + target.unit) + ")";
  }
  if (p.IsAnonymous()) {
    return Error{ErrorCode::kUnauthenticated,
                 "sign in first: the public may not " + what_en +
                     " (send 'Authorization: Bearer TOKEN' or sign in at /api/v1/auth/login)",
                 "hãy đăng nhập trước: công chúng không được " + what_vi +
                     " (gửi 'Authorization: Bearer TOKEN' hoặc đăng nhập tại /api/v1/auth/login)",
                 {}};
  }
  if (p.scope == TokenScope::kRead && !row.read_only) {
    return Error{ErrorCode::kForbidden,
                 "this API token may only read; it may not " + what_en,
                 "mã truy cập API này chỉ được đọc; không được " + what_vi,
                 {}};
  }
  std::string roles_en, roles_vi;
  for (const RoleGrant& g : p.grants) {
    std::optional<Role> role = ParseRole(g.role);
    if (!role) continue;
    std::string unit = g.unit.empty() ? "" : " of " + g.unit;
    roles_en += (roles_en.empty() ? "" : ", ") + g.role + unit;
    roles_vi += (roles_vi.empty() ? "" : ", ") +
                std::string(kRoleLabelsVi[static_cast<int>(*role)]) +
                (g.unit.empty() ? "" : " của " + g.unit);
  }
  if (roles_en.empty()) roles_en = roles_vi = "none";
  return Error{ErrorCode::kForbidden,
               "your roles (" + roles_en + ") do not allow you to " + what_en,
               "vai trò của bạn (" + roles_vi + ") không cho phép " + what_vi,
               {}};
}

std::string PermissionsMarkdown() {
  std::string out =
      "<!-- Generated from src/auth/permissions.cc (PermissionsMarkdown); a test fails when "
      "this file differs. Regenerate: build/disan permissions > docs/permissions.md -->\n"
      "# Permissions / Phân quyền\n\n"
      "One table decides every action (`src/auth/permissions.cc`). Every route of the API names "
      "one action; the HTTP layer asks the table before the handler runs, and the catalogue asks "
      "it again inside the transaction that changes a record (with the record's lifecycle state "
      "and unit, and the new state and unit). A person may hold several roles, each in a unit or "
      "province-wide; an action is allowed when any of them allows it. Everybody also holds the "
      "`public` role.\n\n"
      "Cells: **yes** (any record), **own unit** (only records whose custodian is a unit the "
      "role is held in; an organisation record belongs to itself), **—** (never), followed by "
      "the lifecycle states of the record the grant holds in when it is not every state. "
      "A read-only API token may do only the actions marked *read*.\n\n"
      "| Action | read |";
  for (Role r : kAllRoles) {
    out += " " + std::string(RoleName(r)) + " (" + kRoleLabelsVi[static_cast<int>(r)] + ") |";
  }
  out += "\n| --- | --- |";
  for (size_t i = 0; i < std::size(kAllRoles); ++i) out += " --- |";
  out += "\n";
  for (const Row& row : kTable) {
    out += "| `" + std::string(row.name) + "`: " + row.en + " / " + row.vi + " | " +
           (row.read_only ? "read" : "—") + " |";
    for (const Cell& c : row.cells) {
      std::string cell = c.grant == Grant::kNo ? "—" : c.grant == Grant::kYes ? "yes" : "own unit";
      if (c.grant != Grant::kNo && row.about_record && c.states != kAll) {
        std::string states;
        for (RecordState s : kRecordStates) {
          if (c.states & Bit(s))
            states += (states.empty() ? "" : ", ") + std::string(RecordStateName(s));
        }
        cell += ": " + states;
      }
      out += " " + cell + " |";
    }
    out += "\n";
  }
  out +=
      "\nLifecycle moves (`POST /api/v1/items/{pid}/transitions`, and a `status` changed by "
      "PUT or PATCH) need the action of the move in the record's current state: draft → "
      "in_review `record.submit`; in_review, published or withdrawn → draft "
      "`record.return_to_draft`; draft, in_review or withdrawn → published `record.publish`; "
      "published → withdrawn `record.withdraw`. A new record needs `record.create` in the "
      "state it is created in; moving a record to another unit needs `record.edit` in both.\n"
      "\n`review.act` lets a role act on review at all; which step a person may take of which "
      "submission is decided by the review's own rules (`schema/review.json`: the step's role, "
      "never one's own submission, never the same step twice): see docs/review.md. Files of a "
      "contributor's own open new-item submission are uploaded under `contribution.submit`.\n";
  return out;
}

}  // namespace disan::auth
