#include "http/content_digest.h"

#include <cctype>
#include <cstring>
#include <optional>

namespace disan::http {

namespace {

constexpr size_t kMaxFieldBytes = 4096;
constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Standard base64; "=" padding is optional (RFC 8941 4.2.7). nullopt for anything else.
std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = c ? std::strchr(kBase64, c) : nullptr;
    if (!p) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character
  return out;
}

std::string EncodeBase64(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kBase64[(buffer << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out += static_cast<char>(v(hex[i]) * 16 + v(hex[i + 1]));
  }
  return out;
}

std::unexpected<Error> Bad(const std::string& field, const std::string& en, const std::string& vi) {
  return Fail(Error{
      ErrorCode::kInvalid, field + ": " + en, field + ": " + vi, {{field, "invalid", en, vi}}});
}

bool IsKeyStart(char c) { return (c >= 'a' && c <= 'z') || c == '*'; }
bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
         c == '*';
}

}  // namespace

Result<ContentDigest> ParseContentDigest(std::string_view value, const std::string& field) {
  if (value.size() > kMaxFieldBytes) {
    return Bad(field, "is longer than 4096 bytes", "dài quá 4096 byte");
  }
  const std::string syntax_en =
      "must be a list of algorithm=:base64:, e.g. "
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
  const std::string syntax_vi =
      "phải là danh sách thuật_toán=:base64:, ví dụ "
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
  ContentDigest out;
  size_t i = 0;
  auto skip_ows = [&] {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
  };
  skip_ows();
  if (i == value.size()) return Bad(field, "is empty", "rỗng");
  while (i < value.size()) {
    if (!IsKeyStart(value[i])) return Bad(field, syntax_en, syntax_vi);
    size_t key_start = i;
    while (i < value.size() && IsKeyChar(value[i])) ++i;
    std::string key(value.substr(key_start, i - key_start));
    if (i >= value.size() || value[i] != '=' || i + 1 >= value.size() || value[i + 1] != ':') {
      return Bad(field, syntax_en, syntax_vi);
    }
    i += 2;
    size_t end = value.find(':', i);
    if (end == std::string_view::npos) return Bad(field, syntax_en, syntax_vi);
    std::optional<std::string> bytes = DecodeBase64(value.substr(i, end - i));
    if (!bytes)
      return Bad(field, "the value of " + key + " is not base64",
                 "giá trị của " + key + " không phải base64");
    i = end + 1;
    while (i < value.size() &&
           value[i] == ';') {  // parameters: allowed by the syntax, meaningless here
      ++i;
      while (i < value.size() && value[i] != ',' && value[i] != ';') ++i;
    }
    if (key == "sha-256" || key == "sha-512") {
      size_t length = key == "sha-256" ? 32 : 64;
      if (bytes->size() != length) {
        return Bad(field,
                   key + " must be " + std::to_string(length) + " bytes, not " +
                       std::to_string(bytes->size()),
                   key + " phải dài " + std::to_string(length) + " byte, không phải " +
                       std::to_string(bytes->size()));
      }
      if (!out.hex.emplace(key, Hex(*bytes)).second) {
        return Bad(field, key + " is given twice", key + " xuất hiện hai lần");
      }
    }
    skip_ows();
    if (i == value.size()) break;
    if (value[i] != ',') return Bad(field, syntax_en, syntax_vi);
    ++i;
    skip_ows();
    if (i == value.size()) return Bad(field, syntax_en, syntax_vi);  // a trailing comma
  }
  if (out.hex.empty()) {
    return Bad(field, "names no algorithm checked here: send sha-256 or sha-512",
               "không có thuật toán nào được kiểm tra ở đây: hãy gửi sha-256 hoặc sha-512");
  }
  return out;
}

std::string FormatContentDigest(const std::map<std::string, std::string>& hex) {
  std::string out;
  for (const auto& [algorithm, digest] : hex) {
    out += (out.empty() ? "" : ", ") + algorithm + "=:" + EncodeBase64(Unhex(digest)) + ":";
  }
  return out;
}

}  // namespace disan::http
