#include "cli/cli.h"

int main(int argc, char** argv) { return disan::cli::Main(argc, argv); }
