#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "auth/credentials.h"
#include "core/text.h"

namespace disan::auth {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string NewTotpSecret() {
  std::string key(20, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    size_t v = kBase32.find(u);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

int64_t TotpStep(int64_t unix_seconds) {
  int64_t q = unix_seconds / kTotpStepSeconds;
  return (unix_seconds % kTotpStepSeconds < 0) ? q - 1 : q;
}

std::string TotpCode(std::string_view key, int64_t step, int digits) {
  unsigned char counter[8];
  uint64_t c = static_cast<uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(c & 0xff);
    c >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), counter, sizeof counter, mac, &len);
  int offset = mac[len - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint64_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  std::string code = std::to_string(binary % modulo);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t now_step,
                                 int64_t last_used) {
  if (code.size() != static_cast<size_t>(kTotpDigits)) return std::nullopt;
  for (char ch : code) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  // Every candidate is compared, so the time taken says nothing about which one matched.
  std::optional<int64_t> matched;
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    if (ConstantTimeEquals(TotpCode(key, step), std::string(code)) && step > last_used)
      matched = step;
  }
  return matched;
}

std::string OtpAuthUri(std::string_view issuer, std::string_view login, std::string_view key) {
  std::string label = PercentEncode(issuer) + ":" + PercentEncode(login);
  return "otpauth://totp/" + label + "?secret=" + Base32Encode(key) +
         "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace disan::auth
