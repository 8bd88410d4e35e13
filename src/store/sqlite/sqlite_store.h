// SqliteStore: the MetadataStore in one SQLite database file (WAL mode, foreign keys on).
//
// One writer connection (guarded by a mutex) and a pool of reader connections, so reads from
// the HTTP thread pool never wait for each other and see the last committed state. Statements
// are prepared once per connection and reused. Migrations in kMigrations are applied at Open.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace disan {

// Process-wide SQLite settings, for the start of main, before anything uses SQLite: no memory
// statistics (with them every allocation inside SQLite takes one process-wide mutex: 2.5 % of
// an import's writer). Nothing in Disan uses SQLite's heap limits, which need them.
void ConfigureSqliteForThisProcess();

// Opens (creating if needed) the database at `path` and migrates it to the current version.
// Fails with kUnavailable when the file cannot be opened, kCorrupt when it is not a Disan
// database or was written by a newer version.
Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(const std::string& path);

}  // namespace disan
