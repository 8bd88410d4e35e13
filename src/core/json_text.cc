#include "core/json_text.h"

#include <charconv>
#include <cstdio>

#include "core/text.h"

namespace disan {
namespace {

using nlohmann::json;

// False when a string is not valid UTF-8 (or holds a NUL, which dump() escapes and
// IsValidUtf8 refuses): the caller then leaves the whole document to dump().
bool AppendString(std::string& out, const std::string& s) {
  if (!IsValidUtf8(s)) return false;
  out += '"';
  const char* run = s.data();
  const char* const end = s.data() + s.size();
  for (const char* p = run; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(run, static_cast<size_t>(p - run));
    run = p + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);  // dump()'s form: lower case
        out += escaped;
      }
    }
  }
  out.append(run, static_cast<size_t>(end - run));
  out += '"';
  return true;
}

template <typename Int>
void AppendInteger(std::string& out, Int n) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, result.ptr);
}

bool Append(std::string& out, const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.get_ref<const json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        if (!AppendString(out, key)) return false;
        out += ':';
        if (!Append(out, value)) return false;
      }
      out += '}';
      return true;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& value : j.get_ref<const json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        if (!Append(out, value)) return false;
      }
      out += ']';
      return true;
    }
    case json::value_t::string:
      return AppendString(out, j.get_ref<const std::string&>());
    case json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      return true;
    case json::value_t::null:
      out += "null";
      return true;
    case json::value_t::number_integer:
      AppendInteger(out, j.get<json::number_integer_t>());
      return true;
    case json::value_t::number_unsigned:
      AppendInteger(out, j.get<json::number_unsigned_t>());
      return true;
    case json::value_t::number_float:
      out += j.dump();  // few in a record; dump()'s shortest form, exactly
      return true;
    default:
      return false;  // binary, discarded
  }
}

}  // namespace

std::string DumpJson(const json& j) {
  std::string out;
  out.reserve(1024);
  if (!Append(out, j)) return j.dump();
  return out;
}

}  // namespace disan
