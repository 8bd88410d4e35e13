#include "interop/resumption_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

namespace disan::interop {
namespace {

using nlohmann::json;

constexpr int kVersion = 1;
constexpr size_t kMacBytes = 16;
constexpr size_t kMaxTokenLength = 2048;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Mac(std::string_view payload, std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), std::min<size_t>(length, kMacBytes));
}

std::unexpected<OaiError> Bad(std::string_view en, std::string_view vi) {
  return OaiFail(OaiErrorCode::kBadResumptionToken, en, vi);
}

bool IsStoreTimeOrEmpty(const std::string& s) {
  // "2025-07-01T08:00:00.000Z"
  if (s.empty()) return true;
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[23] != 'Z') {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string EncodeBase64Url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, so that every byte string has exactly one encoding.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string EncodeResumptionToken(const ResumptionState& s, std::string_view key) {
  json j = {{"v", kVersion},
            {"b", OaiVerbName(s.verb)},
            {"m", s.metadata_prefix},
            {"s", s.set},
            {"f", s.from},
            {"u", s.before},
            {"a", s.after_updated_at},
            {"p", s.after_pid},
            {"c", s.cursor},
            {"n", s.complete_list_size},
            {"e", s.expires}};
  std::string payload = EncodeBase64Url(j.dump());
  return payload + "." + EncodeBase64Url(Mac(payload, key));
}

OaiResult<ResumptionState> DecodeResumptionToken(std::string_view token, std::string_view key,
                                                 int64_t now) {
  if (token.size() > kMaxTokenLength) {
    return Bad("the resumptionToken is too long to be one of ours", "resumptionToken quá dài, không phải do hệ thống cấp");
  }
  size_t dot = token.find('.');
  std::optional<std::string> mac = dot == std::string_view::npos
                                       ? std::nullopt
                                       : DecodeBase64Url(token.substr(dot + 1));
  if (!mac || mac->size() != kMacBytes) {
    return Bad("the resumptionToken is malformed", "resumptionToken sai định dạng");
  }
  std::string_view payload = token.substr(0, dot);
  std::string expected = Mac(payload, key);
  if (CRYPTO_memcmp(expected.data(), mac->data(), kMacBytes) != 0) {
    return Bad("the resumptionToken was not issued by this repository or was altered",
               "resumptionToken không do kho này cấp hoặc đã bị sửa đổi");
  }
  std::optional<std::string> text = DecodeBase64Url(payload);
  json j = text ? json::parse(*text, nullptr, false) : json();
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string(); };
  auto num = [&](const char* k) { return j.contains(k) && j[k].is_number_integer(); };
  if (!j.is_object() || !num("v") || j["v"] != kVersion || !str("b") || !str("m") || !str("s") ||
      !str("f") || !str("u") || !str("a") || !str("p") || !num("c") || !num("n") || !num("e")) {
    return Bad("the resumptionToken is malformed", "resumptionToken sai định dạng");
  }
  ResumptionState s;
  std::optional<OaiVerb> verb = ParseOaiVerb(j["b"].get<std::string>());
  if (!verb || (*verb != OaiVerb::kListIdentifiers && *verb != OaiVerb::kListRecords)) {
    return Bad("the resumptionToken is malformed", "resumptionToken sai định dạng");
  }
  s.verb = *verb;
  s.metadata_prefix = j["m"].get<std::string>();
  s.set = j["s"].get<std::string>();
  s.from = j["f"].get<std::string>();
  s.before = j["u"].get<std::string>();
  s.after_updated_at = j["a"].get<std::string>();
  s.after_pid = j["p"].get<std::string>();
  s.cursor = j["c"].get<int64_t>();
  s.complete_list_size = j["n"].get<int64_t>();
  s.expires = j["e"].get<int64_t>();
  if (!IsStoreTimeOrEmpty(s.from) || !IsStoreTimeOrEmpty(s.before) ||
      !IsStoreTimeOrEmpty(s.after_updated_at) || s.cursor < 0 || s.complete_list_size < 0) {
    return Bad("the resumptionToken is malformed", "resumptionToken sai định dạng");
  }
  if (s.expires < now) {
    return Bad("the resumptionToken has expired: start the list again without it",
               "resumptionToken đã hết hạn: hãy bắt đầu lại danh sách");
  }
  return s;
}

}  // namespace disan::interop
