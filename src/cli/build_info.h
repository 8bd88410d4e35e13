// What the running binary was built from, for `disan version` and the benchmarks' reports.
#pragma once

namespace disan {

// The project's version (CMake's project(VERSION)).
const char* BuildVersion();

// The commit the build's source tree was at ("0edd3b9", "0edd3b9-dirty" when tracked files
// had changes, "unknown" outside a git checkout), recorded at build time.
const char* BuildCommit();

}  // namespace disan
