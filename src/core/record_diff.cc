#include "core/record_diff.h"

#include <algorithm>

namespace disan {
namespace {

std::string Escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

void Walk(const nlohmann::json& a, const nlohmann::json& b, const std::string& path,
          std::vector<FieldChange>& out) {
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.items()) {
      auto it = b.find(key);
      Walk(value, it == b.end() ? nlohmann::json() : *it, path + "/" + Escape(key), out);
    }
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key)) Walk(nlohmann::json(), value, path + "/" + Escape(key), out);
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      Walk(i < a.size() ? a[i] : nlohmann::json(), i < b.size() ? b[i] : nlohmann::json(),
           path + "/" + std::to_string(i), out);
    }
    return;
  }
  if (a != b) out.push_back({path.empty() ? "/" : path, a, b});
}

}  // namespace

std::vector<FieldChange> DiffRecords(const nlohmann::json& before, const nlohmann::json& after) {
  std::vector<FieldChange> out;
  Walk(before, after, "", out);
  return out;
}

}  // namespace disan
