// The permission table, walked: every route of Routes() x every role x every record state
// (and own / other unit), over real HTTP, against the answers this file expects. A route
// whose action this file does not know fails the walk; so does a doc that drifted.
#include "auth/permissions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "auth_fixture.h"
#include "http/routes.h"

namespace disan {
namespace {

using auth::Action;
using auth::RecordState;
using auth::Role;
using testing::HttpReply;

// What this file expects the table to say, written out independently of it. `state` kNone:
// the path names no existing record; `own`: the record is of the unit the unit editor holds.
std::optional<bool> Expected(Action action, Role role, RecordState state, bool own) {
  const bool admin = role == Role::kAdministrator || role == Role::kCurator;
  const bool none = state == RecordState::kNone;
  const bool editor = role == Role::kUnitEditor;
  switch (action) {
    case Action::kReadPublic:
    case Action::kSignIn:
      return true;
    case Action::kReadUnpublished:
      return role != Role::kContributor && role != Role::kPublic;
    case Action::kViewOwnAccount:
    case Action::kManageOwnAccount:
      return role != Role::kPublic;
    case Action::kListAccounts:
    case Action::kManageAccounts:
    case Action::kReadAudit:
      return role == Role::kAdministrator;
    case Action::kReadHarvests:
      return admin;
    case Action::kCreateRecord:
      return admin || (editor && (none || (own && state == RecordState::kDraft))) ||
             (role == Role::kContributor && (none || state == RecordState::kDraft));
    case Action::kEditRecord:
    case Action::kAddMedia:
      return admin || (editor && (none || (own && (state == RecordState::kDraft ||
                                                   state == RecordState::kPublished))));
    case Action::kDeleteRecord:
      return admin || (editor && (none || (own && state == RecordState::kDraft)));
    case Action::kTransition:
      return admin || (editor && (none || (own && state == RecordState::kDraft))) ||
             (role == Role::kReviewer && (none || state == RecordState::kInReview));
    case Action::kStaffWrite:
      return admin || (editor && (none || own));
    case Action::kContribute:
    case Action::kViewOwnContributions:
      return role != Role::kPublic;
    case Action::kReadReviewQueue:
    case Action::kReview:
      return admin || editor || role == Role::kReviewer;
    case Action::kRequestUse:
    case Action::kRegister:
      return true;
    case Action::kReadUseRequests:
    case Action::kAnswerUseRequests:
      return admin;
    case Action::kSubmit:
    case Action::kReturnToDraft:
    case Action::kPublish:
    case Action::kWithdraw:
      break;  // asked by the lifecycle, not named by routes
  }
  return std::nullopt;
}

class PermissionWalk : public testing::AuthTest {};

TEST_F(PermissionWalk, EveryRouteEveryRoleEveryState) {
  const std::string unit_a = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
  const std::string unit_b = CreateOrganisation("Ban quản lý di tích Đắk Mil");
  ASSERT_FALSE(unit_a.empty());
  CreateAccount("curator", "curator");
  CreateAccount("editor", "unit_editor", unit_a);
  CreateAccount("reviewer", "reviewer");
  CreateAccount("contributor", "contributor");
  std::map<Role, std::string> tokens = {{Role::kAdministrator, server_.token},
                                        {Role::kCurator, PersonalToken("curator")},
                                        {Role::kUnitEditor, PersonalToken("editor")},
                                        {Role::kReviewer, PersonalToken("reviewer")},
                                        {Role::kContributor, PersonalToken("contributor")},
                                        {Role::kPublic, ""}};
  struct Target {
    std::string pid;
    RecordState state;
    bool own;
  };
  std::vector<Target> items, organisations;
  for (RecordState s : auth::kRecordStates) {
    std::string state(auth::RecordStateName(s));
    items.push_back({CreateItem(unit_a, state), s, true});
    items.push_back({CreateItem(unit_b, state), s, false});
  }
  organisations = {{unit_a, RecordState::kPublished, true},
                   {unit_b, RecordState::kPublished, false}};
  const std::string unknown = "dn-4kq8zx2bv";  // well formed, never issued

  size_t asked = 0;
  for (const http::Route& route : http::Routes()) {
    std::vector<Target> targets = {{unknown, RecordState::kNone, false}};
    if (route.pattern.find("{pid}") != std::string::npos) {
      if (route.pattern.starts_with("/api/v1/items/") || route.pattern.starts_with("/id/")) {
        targets.insert(targets.end(), items.begin(), items.end());
      } else if (route.pattern.starts_with("/api/v1/organisations/")) {
        targets.insert(targets.end(), organisations.begin(), organisations.end());
      }
    }
    for (const Target& target : targets) {
      std::string path = route.pattern;
      auto fill = [&](const std::string& name, const std::string& value) {
        size_t at = path.find("{" + name + "}");
        if (at != std::string::npos) path.replace(at, name.size() + 2, value);
      };
      fill("pid", target.pid);
      fill("n", "1");
      fill("id", "999999");  // never one of the walkers' own tokens
      fill("login", "nobody");
      for (Role role : auth::kAllRoles) {
        std::optional<bool> expected =
            Expected(route.access.action, role, target.state, target.own);
        ASSERT_TRUE(expected.has_value())
            << route.method << " " << route.pattern << " names action "
            << auth::ActionName(route.access.action)
            << ", which this walk has no expectation for: add one";
        HttpReply r = Send(route.method, path, nullptr, tokens[role]);
        ASSERT_NE(r.status, -1) << route.method << " " << path;
        const bool refused = r.status == 401 || r.status == 403;
        EXPECT_EQ(!refused, *expected)
            << route.method << " " << path << " as " << auth::RoleName(role) << " on a "
            << (target.state == RecordState::kNone
                    ? "missing"
                    : std::string(auth::RecordStateName(target.state)))
            << " record (" << (target.own ? "own" : "other") << " unit): " << r;
        if (refused) {
          EXPECT_TRUE(r.IsProblem()) << r;
          EXPECT_EQ(r.status, role == Role::kPublic ? 401 : 403)
              << route.method << " " << path << r;
        }
        ++asked;
      }
    }
  }
  EXPECT_GT(asked, 600u);
}

TEST(Permissions, EveryActionHasARuleAndEveryRuleANameAndTheDocIsCurrent) {
  std::set<std::string> names;
  for (Action a : auth::kAllActions) {
    EXPECT_NE(auth::ActionName(a), "unknown");
    EXPECT_TRUE(names.insert(std::string(auth::ActionName(a))).second) << auth::ActionName(a);
    bool someone = false;
    for (Role r : auth::kAllRoles)
      someone |= auth::Lookup(r, a, RecordState::kNone) != auth::Grant::kNo;
    EXPECT_TRUE(someone) << auth::ActionName(a) << " is allowed to nobody";
  }
  std::string doc = testing::ReadFile(testing::SourceDir() + "/docs/permissions.md");
  EXPECT_TRUE(doc == auth::PermissionsMarkdown())
      << "docs/permissions.md is not the table: run build/disan permissions > docs/permissions.md";
}

TEST(Permissions, ReadOnlyTokensOnlyReadAndUnitsAreCompared) {
  auth::Principal editor{7, "editor", {{"unit_editor", "dn-aaaaaaaa1"}}, auth::TokenScope::kWrite};
  EXPECT_TRUE(auth::Allows(editor, Action::kEditRecord, {RecordState::kDraft, "dn-aaaaaaaa1"}));
  EXPECT_FALSE(auth::Allows(editor, Action::kEditRecord, {RecordState::kDraft, "dn-bbbbbbbb2"}));
  EXPECT_FALSE(auth::Allows(editor, Action::kEditRecord, {RecordState::kDraft, ""}));
  EXPECT_FALSE(auth::Allows(editor, Action::kPublish, {RecordState::kInReview, "dn-aaaaaaaa1"}));
  editor.scope = auth::TokenScope::kRead;
  EXPECT_FALSE(auth::Allows(editor, Action::kEditRecord, {RecordState::kDraft, "dn-aaaaaaaa1"}));
  EXPECT_TRUE(auth::Allows(editor, Action::kReadUnpublished, {}));
  Error e = auth::Refusal(editor, Action::kEditRecord, {RecordState::kDraft, "dn-aaaaaaaa1"});
  EXPECT_EQ(e.code, ErrorCode::kForbidden);
  EXPECT_NE(e.message_vi.find("chỉ được đọc"), std::string::npos) << e.message_vi;

  // Several roles in several units: any of them may allow it.
  auth::Principal both{
      8, "both", {{"unit_editor", "dn-aaaaaaaa1"}, {"unit_editor", "dn-bbbbbbbb2"}}};
  EXPECT_TRUE(auth::Allows(both, Action::kEditRecord, {RecordState::kPublished, "dn-bbbbbbbb2"}));
  EXPECT_EQ(auth::Refusal(auth::Principal{}, Action::kEditRecord, {}).code,
            ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace disan
