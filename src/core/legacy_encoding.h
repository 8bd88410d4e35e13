// Decoding of the text encodings Vietnamese files arrive in.
//
// Government and museum spreadsheets come as UTF-8 (with or without BOM), UTF-16 (Excel's
// "Unicode text"), Windows-1258, and the legacy 8-bit font encodings TCVN3 (ABC) and VNI.
// These functions are pure (no I/O) and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace disan {

enum class TextEncoding { kUtf8, kUtf16Le, kUtf16Be, kWindows1258, kTcvn3, kVni };

// Parses a name as given to `--encoding` ("utf-8", "utf-16", "windows-1258", "cp1258",
// "tcvn3", "abc", "vni"; case-insensitive). Fails with kInvalid naming the accepted values.
Result<TextEncoding> ParseEncodingName(std::string_view name);
std::string_view EncodingName(TextEncoding encoding);

// Guesses the encoding of raw bytes: BOMs first, then valid UTF-8, then a statistical choice
// among Windows-1258, TCVN3 and VNI by which decoding yields the most plausible Vietnamese.
TextEncoding DetectEncoding(std::string_view bytes);

// Decodes bytes in the given encoding to UTF-8 in NFC, dropping a leading BOM. Fails with
// kInvalid (naming the byte offset) when the bytes are not valid in that encoding.
Result<std::string> DecodeToUtf8(std::string_view bytes, TextEncoding encoding);

}  // namespace disan
