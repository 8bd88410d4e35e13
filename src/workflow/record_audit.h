// Puts every record change in the audit log, in the transaction that makes it: creation,
// edit, deletion, restore, import, and lifecycle moves (an edit that changes the status).
#pragma once

#include "catalogue/catalogue.h"

namespace disan::workflow {

// Installs the catalogue's write observer (Catalogue::SetWriteObserver). Idempotent.
void AuditRecordChanges(Catalogue& catalogue);

}  // namespace disan::workflow
