// One problem found in a storage root, as `disan fsck` reports it.
#pragma once

#include <string>
#include <vector>

namespace disan::preservation {

enum class Severity { kError, kWarning };

struct Finding {
  Severity severity = Severity::kError;
  std::string path;  // relative to the storage root, '/'-separated; "" for the root itself
  std::string code;  // the OCFL 1.1 validation code (E040, W004, ...), "" when the spec has none
  std::string message_en;
  std::string message_vi;
};

using Findings = std::vector<Finding>;

}  // namespace disan::preservation
