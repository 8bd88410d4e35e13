// Persistent identifiers (mã định danh) for every record.
//
// A PID looks like "dn-4kq8zx2bv": a namespace naming the issuing authority, a hyphen, eight
// random characters and one check character. The characters come from a 29-symbol alphabet of
// digits and consonants (no vowels, no "l"), so identifiers are case-insensitive, spell no
// words, and have no look-alike pairs. The check character makes the weighted sum
// sum(i * value(c_i)) over the nine characters divisible by 29, which detects every
// single-character substitution and every transposition of two adjacent characters (29 is
// prime and larger than the length). See docs/identifiers.md.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace disan {

inline constexpr std::string_view kPidAlphabet = "0123456789bcdfghjkmnpqrstvwxz";
inline constexpr size_t kPidBodyLength = 8;

// A namespace is 2-16 characters of [a-z0-9], starting with a letter.
Status ValidatePidNamespace(std::string_view ns);

// Makes a new identifier from 40 bits of cryptographic randomness. The caller must check
// that it was never issued before (the store keeps every issued PID forever).
std::string MintPid(std::string_view ns);

// Builds a PID from a namespace and an 8-character body (used by tests and benchmarks).
std::string PidFromBody(std::string_view ns, std::string_view body);

// Parses what a person typed: trims, lower-cases, reads "o" as 0 and "i"/"l" as 1, then checks
// the shape and the check character. Returns the canonical form. Errors (kInvalid) say whether
// the shape or the check character is wrong, in English and Vietnamese.
Result<std::string> ParsePid(std::string_view text);

}  // namespace disan
