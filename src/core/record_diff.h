// Field-by-field differences between two versions of a record document.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace disan {

struct FieldChange {
  std::string path;       // JSON pointer, e.g. "/names/1/value"
  nlohmann::json before;  // null when the field was added
  nlohmann::json after;   // null when the field was removed
};

// Objects are compared key by key, arrays position by position (an element added at the end
// shows as one addition), everything else by value. Pure and thread-safe.
std::vector<FieldChange> DiffRecords(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace disan
