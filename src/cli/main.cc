#include "cli/cli.h"
#include "store/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  disan::ConfigureSqliteForThisProcess();  // before anything starts SQLite
  return disan::cli::Main(argc, argv);
}
