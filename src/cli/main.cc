#include <sqlite3.h>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // No memory statistics in SQLite: with them every allocation inside SQLite takes one
  // process-wide mutex (2.5 % of an import's writer). Set before anything starts SQLite, as
  // sqlite3_config requires; nothing in Disan uses SQLite's heap limits, which need them.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  return disan::cli::Main(argc, argv);
}
