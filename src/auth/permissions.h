// The permission table: the one place that decides what each role may do to a record in each
// lifecycle state. The HTTP layer asks it for every request (routes name an Action); the
// catalogue asks it again, through Actor::authorise, inside the transaction that changes a
// record. docs/permissions.md is generated from this table (PermissionsMarkdown) and a test
// keeps the two equal. Pure data and functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace disan::auth {

// The anonymous public is a role too: everybody holds it.
enum class Role { kAdministrator, kCurator, kUnitEditor, kReviewer, kContributor, kPublic };
inline constexpr Role kAllRoles[] = {Role::kAdministrator, Role::kCurator,     Role::kUnitEditor,
                                     Role::kReviewer,      Role::kContributor, Role::kPublic};
std::string_view RoleName(Role role);  // "unit_editor"
std::optional<Role> ParseRole(std::string_view name);
// Roles that are scoped to a unit must name one; province-wide roles must not.
bool RoleNeedsUnit(Role role);

// Lifecycle states of a record (workflow/lifecycle.h moves records between them). kNone: the
// question is not about one existing record (listing, creating, signing in).
enum class RecordState { kNone, kDraft, kInReview, kPublished, kWithdrawn };
inline constexpr RecordState kRecordStates[] = {RecordState::kDraft, RecordState::kInReview,
                                                RecordState::kPublished, RecordState::kWithdrawn};
std::string_view RecordStateName(RecordState state);  // "in_review"; "" for kNone
std::optional<RecordState> ParseRecordState(std::string_view name);

enum class Action {
  kReadPublic,        // published public records, search, harvesting, schema, vocabularies
  kReadUnpublished,   // drafts, records in review, withdrawn and restricted records
  kCreateRecord,      // a new record, in the state it is created in
  kEditRecord,        // change a record's fields (and restore an old revision)
  kDeleteRecord,      // leave a tombstone
  kAddMedia,          // upload a file to an item
  kSubmit,            // draft -> in_review
  kReturnToDraft,     // in_review, published or withdrawn -> draft (ask for changes)
  kPublish,           // draft, in_review or withdrawn -> published
  kWithdraw,          // published -> withdrawn
  kTransition,        // POST .../transitions: any of the four above (the body says which)
  kStaffWrite,        // Access::kToken: a write by staff that no finer action names
  kSignIn,            // sign in, use a password-reset link
  kViewOwnAccount,    // who am I, my tokens
  kManageOwnAccount,  // sign out, change my password, make and revoke my tokens
  kListAccounts,      // read accounts and their roles
  kManageAccounts,    // create accounts, change roles, issue password-reset links
  kReadAudit,         // read the audit log
  kReadHarvests,      // how the harvests into this instance went (GET /api/v1/harvests)
  // Community contributions and their review (workflow/contributions.h, workflow/review.h).
  kContribute,             // submit a new item or a correction, revise it after comments
  kViewOwnContributions,   // my submissions and their review
  kReadReviewQueue,        // the submissions waiting for me
  kReview,                 // approve, reject or ask for changes (the step's role decides)
  kRequestUse,             // ask to use an item commercially
  kReadUseRequests,        // read the commercial-use requests
  kAnswerUseRequests,      // grant or refuse a commercial-use request
  kRegister,               // make myself a contributor account
};
inline constexpr Action kAllActions[] = {
    Action::kReadPublic,   Action::kReadUnpublished, Action::kCreateRecord,
    Action::kEditRecord,   Action::kDeleteRecord,    Action::kAddMedia,
    Action::kSubmit,       Action::kReturnToDraft,   Action::kPublish,
    Action::kWithdraw,     Action::kTransition,      Action::kStaffWrite,
    Action::kSignIn,       Action::kViewOwnAccount,  Action::kManageOwnAccount,
    Action::kListAccounts, Action::kManageAccounts,  Action::kReadAudit,
    Action::kReadHarvests,
    Action::kContribute,   Action::kViewOwnContributions, Action::kReadReviewQueue,
    Action::kReview,       Action::kRequestUse,      Action::kReadUseRequests,
    Action::kAnswerUseRequests, Action::kRegister};
std::string_view ActionName(Action action);  // "record.edit"
// Actions that change nothing; a read-only API token may do only these.
bool IsReadOnly(Action action);
// Actions whose answer depends on the record's state and unit.
bool IsAboutRecord(Action action);

// What one role may do: never, anywhere, or only to records of a unit it holds the role in;
// in which lifecycle states of the record.
enum class Grant { kNo, kYes, kOwnUnit };

// How the person asking is signed in, and with which roles.
enum class TokenScope { kRead, kWrite };
struct Principal {
  int64_t account_id = 0;  // 0: anonymous
  std::string login;       // "" when anonymous
  std::vector<RoleGrant> grants;
  TokenScope scope = TokenScope::kWrite;  // a read-scoped API token may only read
  bool IsAnonymous() const { return account_id == 0; }
};

// What the question is about: a record's state and the unit it belongs to (its custodian's
// PID; an organisation belongs to itself; "" for areas and records without custodian).
struct Target {
  RecordState state = RecordState::kNone;
  std::string unit;
};

// The table's answer for one role; kNone asks whether the role may do it to some record.
Grant Lookup(Role role, Action action, RecordState state);

// Whether any role the principal holds (the public role included) allows the action on the
// target. A kOwnUnit grant allows it when the target's unit is one the role is held in, or
// when the target is kNone (the record-level check comes later, with the record).
bool Allows(const Principal& principal, Action action, const Target& target);

// A refusal fit to show the person: kUnauthenticated for the anonymous public (sign in
// first), kForbidden otherwise; it names the action and, for a record, its state and unit.
Error Refusal(const Principal& principal, Action action, const Target& target);

// The whole table as Markdown (docs/permissions.md).
std::string PermissionsMarkdown();

}  // namespace disan::auth
