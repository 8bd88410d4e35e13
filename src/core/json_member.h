// Reading the members of a parsed document without copying them. nlohmann's json::value()
// returns a copy, which for a record's lists (names, places, descriptions) is a deep copy of
// each; these return references, with a shared empty value when the member is absent.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace disan {

// The member, or null when `object` is not an object or lacks it.
inline const nlohmann::json& MemberOf(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The member when it is a string, else "".
inline const std::string& StringOf(const nlohmann::json& object, std::string_view key) {
  static const std::string kNone;
  const nlohmann::json& m = MemberOf(object, key);
  return m.is_string() ? m.get_ref<const std::string&>() : kNone;
}

// The member when it is an array, else an empty array.
inline const nlohmann::json& ListOf(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json& m = MemberOf(object, key);
  return m.is_array() ? m : kEmpty;
}

}  // namespace disan
