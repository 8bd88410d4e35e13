// The record lifecycle: draft -> in_review -> published -> withdrawn, the moves between these
// states, and the check that a person may make a change to a record (what the HTTP layer
// plugs into Actor::authorise). Who moved a record and why is kept in the revision the move
// makes and in the audit log. Pure functions over the catalogue; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/permissions.h"
#include "catalogue/catalogue.h"

namespace disan::workflow {

// The permission a move from `from` to `to` needs (auth/permissions.h); nullopt when the
// lifecycle has no such move (and for staying in place).
std::optional<auth::Action> MoveAction(auth::RecordState from, auth::RecordState to);

// A record's lifecycle state (a document without one is published, as the schema's default).
auth::RecordState StateOf(const nlohmann::json& document);
// The unit a record belongs to: an item's custodian, an organisation itself, "" otherwise.
std::string UnitOf(RecordClass cls, const std::string& pid, const nlohmann::json& document);
auth::Target TargetOf(const StoredRecord& record);

// Whether `principal` may make `change`: creating needs record.create in the new state and
// unit; editing, restoring and deleting need record.edit / record.delete in the current state
// and unit (and record.edit in the new unit when the custodian changes); a changed status
// needs the action of that move. kForbidden (or kUnauthenticated) naming what was refused.
Status AuthoriseChange(const auth::Principal& principal, const RecordChange& change);

inline constexpr size_t kMaxReasonBytes = 2000;

// Moves a record to state `to` with a reason (required), as a new revision whose reason says
// "from → to: reason". kInvalid for an unknown state or a missing reason, kConflict when the
// lifecycle has no such move, kForbidden (from Actor::authorise) when the person may not.
Result<StoredRecord> Transition(Catalogue& catalogue, RecordClass cls, const std::string& pid,
                                const std::string& to, const std::string& reason,
                                std::optional<int64_t> expected_revision, const Actor& actor);

}  // namespace disan::workflow
