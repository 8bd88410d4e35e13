// TOTP second factor (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30-second steps,
// one step of clock drift either way; secrets of 20 random bytes (libsodium), shown once as
// base32 in an otpauth:// URI that common authenticator apps read. Pure functions apart from
// NewTotpSecret; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::auth {

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// 20 random bytes from libsodium (160 bits, the size RFC 4226 recommends for SHA-1).
std::string NewTotpSecret();

// RFC 4648 base32 without padding (what otpauth:// URIs carry), and back (case-insensitive,
// padding and spaces ignored); nullopt for any other character.
std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);

// The time step of a Unix time: floor(seconds / 30).
int64_t TotpStep(int64_t unix_seconds);

// The HOTP value of `key` at counter `step` (RFC 4226 dynamic truncation), `digits` long,
// zero-padded. RFC 6238's test vectors use 8 digits; Disan uses 6.
std::string TotpCode(std::string_view key, int64_t step, int digits = kTotpDigits);

// The step a code was made for, among now-1, now and now+1, that is later than `last_used`
// (a code is accepted once); nullopt when it matches none of them or is malformed.
std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t now_step,
                                 int64_t last_used);

// otpauth://totp/Disan:LOGIN?secret=...&issuer=Disan&algorithm=SHA1&digits=6&period=30
std::string OtpAuthUri(std::string_view issuer, std::string_view login, std::string_view key);

}  // namespace disan::auth
