// The tamper-evident audit log: every sign-in, failed sign-in, refusal, permission change,
// record change, lifecycle move and token creation, appended in the store with the SHA-256 of
// the entry before it. Editing, removing or reordering an entry breaks the chain at that
// entry, which Verify reports. Thread-safe: appends run inside store transactions, which the
// store serialises.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/store.h"

namespace disan::auth {

// What happened, before it is numbered and chained.
struct AuditEvent {
  std::string actor;    // login, "anonymous", "cli:..."
  std::string action;   // "auth.login", "record.update", ... (docs/accounts.md)
  std::string target;   // a PID, a login, a token id, a request path
  std::string address;  // the client's address ("" = local)
  nlohmann::json detail = nlohmann::json::object();
};

// The hash of the first entry's predecessor.
inline constexpr const char* kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The SHA-256 (hex) that `entry` must carry: over its prev_hash and every other field, each
// length-prefixed so that no two different entries hash the same bytes.
std::string AuditHash(const AuditEntry& entry);

// Appends `event` inside the caller's transaction. Strings are cut to sane lengths (a hostile
// login name cannot grow the log without bound).
Status AppendAudit(StoreWriter& writer, const AuditEvent& event);

// Appends `event` in a transaction of its own.
Status AppendAudit(MetadataStore& store, const AuditEvent& event);

struct AuditProblem {
  int64_t position = 0;  // 1-based position in the table's order
  int64_t seq = 0;       // the seq the entry carries
  std::string en, vi;
};

struct AuditReport {
  int64_t entries = 0;
  std::vector<AuditProblem> problems;  // empty: the chain is whole
};

// Walks the whole log: each entry's seq must follow the one before, its prev_hash must be the
// hash of the one before, and its hash must be what AuditHash computes.
Result<AuditReport> VerifyAudit(MetadataStore& store);

}  // namespace disan::auth
