// The `disan` command line: one table of subcommands, from which --help is generated.
#pragma once

namespace disan::cli {

// Runs the program; returns the process exit status. Every failure prints one line that
// says what went wrong and exits non-zero.
int Main(int argc, char** argv);

}  // namespace disan::cli
