#include "workflow/record_audit.h"

#include "auth/audit_log.h"
#include "workflow/lifecycle.h"

namespace disan::workflow {

void AuditRecordChanges(Catalogue& catalogue) {
  catalogue.SetWriteObserver([](StoreWriter& w, const RecordChange& c, const Actor& actor,
                                const std::string& reason) -> Status {
    auth::AuditEvent e{actor.name,
                       "record.update",
                       c.pid,
                       actor.address,
                       {{"class", std::string(RecordClassName(c.cls))}, {"reason", reason}}};
    switch (c.action) {
      case RevisionAction::kCreate:
        e.action = "record.create";
        break;
      case RevisionAction::kDelete:
        e.action = "record.delete";
        break;
      case RevisionAction::kRestore:
        e.action = "record.restore";
        break;
      case RevisionAction::kUpdate:
        break;
    }
    auth::RecordState before = c.before ? StateOf(c.before->document) : auth::RecordState::kNone;
    auth::RecordState after = c.after ? StateOf(*c.after) : before;
    if (c.after) e.detail["state"] = std::string(auth::RecordStateName(after));
    if (c.before && after != before) {
      e.action = "record.transition";
      e.detail["from"] = std::string(auth::RecordStateName(before));
      e.detail["to"] = std::string(auth::RecordStateName(after));
    }
    return auth::AppendAudit(w, e);
  });
}

}  // namespace disan::workflow
