#include "auth/credentials.h"

#include <sodium.h>

#include <stdexcept>

#include "auth/sodium.h"

namespace disan::auth {
void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

Status CheckNewPassword(const std::string& password) {
  size_t code_points = 0;
  for (unsigned char c : password) code_points += (c & 0xC0) != 0x80;
  if (code_points < kMinPasswordLength) {
    std::string n = std::to_string(kMinPasswordLength);
    return Fail(Error{ErrorCode::kInvalid,
                      "the password must have at least " + n + " characters",
                      "mật khẩu phải có ít nhất " + n + " ký tự",
                      {{"password", "too_short", "must have at least " + n + " characters",
                        "phải có ít nhất " + n + " ký tự"}}});
  }
  if (password.size() > kMaxPasswordLength) {
    std::string n = std::to_string(kMaxPasswordLength);
    return Fail(Error{
        ErrorCode::kInvalid,
        "the password is longer than " + n + " bytes",
        "mật khẩu dài quá " + n + " byte",
        {{"password", "too_long", "must be at most " + n + " bytes", "tối đa " + n + " byte"}}});
  }
  return Ok();
}

Result<std::string> HashPassword(const std::string& password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kPasswordPasses,
                            kPasswordMemoryBytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kUnavailable, "not enough memory to hash the password",
                "không đủ bộ nhớ để băm mật khẩu");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(const std::string& hash) {
  EnsureSodium();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kPasswordPasses, kPasswordMemoryBytes) != 0;
}

std::string NewSecret(const std::string& prefix) {
  EnsureSodium();
  static const char* alphabet = "abcdefghijkmnpqrstuvwxyz23456789";  // 32 symbols, 5 bits each
  std::string out = prefix;
  for (int i = 0; i < 32; ++i) out += alphabet[randombytes_uniform(32)];
  return out;
}

// libsodium's SHA-256: OpenSSL 3 looks its implementation up again on every EVP_Digest call,
// which cost more than the hashing for the short texts hashed here (an audit entry each record).
std::string Sha256Hex(const std::string& bytes) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * crypto_hash_sha256_BYTES);
  for (unsigned int i = 0; i < crypto_hash_sha256_BYTES; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string HashSecret(const std::string& secret) { return Sha256Hex(secret); }

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  EnsureSodium();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace disan::auth
