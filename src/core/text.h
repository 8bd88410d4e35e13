// Vietnamese-aware text utilities: validation, normalisation and folding of UTF-8.
//
// All functions are pure and thread-safe. Stored text is always NFC; folded text is the
// lower-case, diacritic-free form used to match free text against vocabularies and filters
// ("Đắk Mil", "dak mil" and "ĐẮK MIL" fold to the same string).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace disan {

// True when `text` is well-formed UTF-8 without NUL bytes.
bool IsValidUtf8(std::string_view text);

// Returns `text` in Unicode NFC. Fails with kInvalid when it is not valid UTF-8.
Result<std::string> ToNfc(std::string_view text);

// NFC, then trims surrounding whitespace and collapses internal runs of whitespace (including
// no-break and ideographic spaces) to one ASCII space. For single-line fields such as names.
Result<std::string> CleanLine(std::string_view text);

// ToNfc and CleanLine in place: text that is already so is left as it is, without a copy
// (most text is). kInvalid, and `text` unchanged, when it is not valid UTF-8.
Status ToNfcInPlace(std::string& text);
Status CleanLineInPlace(std::string& text);

// Lower case, without diacritics (đ -> d), apostrophes and hyphens removed, other
// punctuation turned to spaces, whitespace collapsed. Invalid UTF-8 folds to "".
std::string Fold(std::string_view text);

// A readable ASCII slug for URLs: "Nhà ngục Đắk Mil" -> "nha-nguc-dak-mil".
std::string Slugify(std::string_view text, size_t max_length = 80);

// Splits on `separator` and trims each piece; empty pieces are dropped.
std::vector<std::string> SplitTrimmed(std::string_view text, std::string_view separator);

std::string_view Trim(std::string_view text);

// ASCII letters lowered, every other byte as it is: for protocol tokens, header names and hex
// digests, never for Vietnamese text (Fold() is for that).
std::string AsciiLower(std::string_view text);

// Percent-encodes every byte but RFC 3986 unreserved characters, so that links built from
// Vietnamese text are plain ASCII.
std::string PercentEncode(std::string_view text);

}  // namespace disan
