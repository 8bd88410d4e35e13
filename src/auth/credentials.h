// Credentials: Argon2id password hashes, random secrets (session and API tokens, CSRF tokens,
// reset links) and the one-way hash under which a secret is stored. No I/O; thread-safe.
#pragma once

#include <string>

#include "core/error.h"

namespace disan::auth {

// OWASP's floor for Argon2id: 19 MiB of memory, 2 passes (libsodium's crypto_pwhash).
inline constexpr size_t kPasswordMemoryBytes = size_t{19} << 20;
inline constexpr unsigned long long kPasswordPasses = 2;
inline constexpr size_t kMinPasswordLength = 10;  // characters (code points)
inline constexpr size_t kMaxPasswordLength =
    1024;  // bytes; Argon2id hashes any length, we stop here

// Checks a new password's length (kInvalid naming "password" otherwise); NFC is applied by
// the caller so that a password typed on another keyboard still matches.
Status CheckNewPassword(const std::string& password);

// An Argon2id string ("$argon2id$v=19$m=19456,t=2,p=1$...") with a random salt.
Result<std::string> HashPassword(const std::string& password);

// True when `password` matches `hash`; false for any malformed or empty hash.
bool VerifyPassword(const std::string& hash, const std::string& password);

// A hash made with weaker parameters than today's, to be replaced at the next sign-in.
bool PasswordNeedsRehash(const std::string& hash);

// `prefix` followed by 32 random characters (160 bits) from an unambiguous alphabet.
std::string NewSecret(const std::string& prefix);

// Lowercase hex SHA-256 of a secret: what the store keeps instead of it.
std::string HashSecret(const std::string& secret);

// Lowercase hex SHA-256 of any bytes.
std::string Sha256Hex(const std::string& bytes);

// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace disan::auth
