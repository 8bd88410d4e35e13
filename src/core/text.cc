#include "core/text.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstring>
#include <vector>

namespace disan {
namespace {

bool IsSpace(UChar32 c) { return u_isUWhiteSpace(c) || c == 0xFEFF; }

// A space or a control character, which CleanLine turns into one space. Looked up in a table
// for the first blocks (every letter Vietnamese uses is there), from ICU beyond them.
bool IsBlank(UChar32 c) {
  static constexpr UChar32 kTableLimit = 0x3100;
  static const std::vector<bool> table = [] {
    std::vector<bool> t(kTableLimit);
    for (UChar32 u = 0; u < kTableLimit; ++u)
      t[static_cast<size_t>(u)] = IsSpace(u) || u_iscntrl(u);
    return t;
  }();
  if (c >= 0 && c < kTableLimit) return table[static_cast<size_t>(c)];
  return IsSpace(c) || u_iscntrl(c);
}

// Printable ASCII without blanks at either end or two in a row: CleanLine leaves it as it is.
bool IsCleanAsciiLine(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() == ' ' || text.back() == ' ') return false;
  char previous = 0;
  for (char c : text) {
    if (c < 0x20 || c > 0x7E || (c == ' ' && previous == ' ')) return false;
    previous = c;
  }
  return true;
}

// NFD-decomposes and keeps only base characters, mapping đ/Đ to d.
icu::UnicodeString StripMarks(const icu::UnicodeString& in) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString decomposed = nfd->normalize(in, status);
  if (U_FAILURE(status)) return in;
  icu::UnicodeString out;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c == 0x0110 || c == 0x0111) c = 'd';
    out.append(c);
  }
  return out;
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Fold() of ASCII text: nothing to decompose, case folding is tolower, and the letters and
// digits are the only alphanumerics.
std::string FoldAscii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (c == '\'' || c == '-') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  // The well-formed byte sequences of the Unicode standard (table 3-7): no overlong forms, no
  // surrogates, nothing past U+10FFFF. Runs of ASCII, most of any text, go 8 bytes at a time.
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  constexpr uint64_t kHigh = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  auto tail = [&](size_t at, uint8_t low, uint8_t high) {
    return at < n && s[at] >= low && s[at] <= high;
  };
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & kHigh) != 0) break;
      if (((w - kOnes) & ~w & kHigh) != 0) return false;  // a NUL byte
      i += 8;
    }
    if (i == n) break;
    const uint8_t c = s[i];
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
    } else if (c >= 0xC2 && c <= 0xDF) {
      if (!tail(i + 1, 0x80, 0xBF)) return false;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      const uint8_t low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
      if (!tail(i + 1, low, high) || !tail(i + 2, 0x80, 0xBF)) return false;
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      const uint8_t low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
      if (!tail(i + 1, low, high) || !tail(i + 2, 0x80, 0xBF) || !tail(i + 3, 0x80, 0xBF))
        return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

Result<std::string> ToNfc(std::string_view text) {
  std::string out(text);
  TRY(ToNfcInPlace(out));
  return out;
}

Status ToNfcInPlace(std::string& text) {
  if (!IsValidUtf8(text)) {
    return Fail(ErrorCode::kInvalid, "text is not valid UTF-8", "văn bản không phải UTF-8 hợp lệ");
  }
  if (IsAscii(text)) return Ok();
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  // Most stored text is already NFC: check it in UTF-8 without converting to UTF-16.
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return Ok();
  status = U_ZERO_ERROR;
  std::string out;
  out.reserve(text.size());
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return Fail(ErrorCode::kInternal, "NFC failed", "lỗi chuẩn hóa NFC");
  text = std::move(out);
  return Ok();
}

namespace {

// True when CleanLine would change NFC text: a blank at either end, two in a row, or one
// that is not a plain space.
bool NeedsCleaning(const std::string& nfc) {
  const auto* s = reinterpret_cast<const uint8_t*>(nfc.data());
  const auto length = static_cast<int32_t>(nfc.size());
  bool previous_blank = true;  // a blank first is at an end
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    const bool blank = c < 0x80 ? (c <= 0x20 || c == 0x7F) : IsBlank(c);
    if (blank && (c != ' ' || previous_blank)) return true;
    previous_blank = blank;
  }
  return previous_blank && length > 0;  // a blank last
}

}  // namespace

Status CleanLineInPlace(std::string& text) {
  if (IsCleanAsciiLine(text)) return Ok();
  TRY(ToNfcInPlace(text));
  if (NeedsCleaning(text)) text = TRY(CleanLine(text));
  return Ok();
}

Result<std::string> CleanLine(std::string_view text) {
  if (IsCleanAsciiLine(text)) return std::string(text);
  std::string nfc = TRY(ToNfc(text));
  // Walks the UTF-8 directly: runs of white space and control characters become one space,
  // and none are kept at either end.
  std::string out;
  out.reserve(nfc.size());
  const auto* s = reinterpret_cast<const uint8_t*>(nfc.data());
  const auto length = static_cast<int32_t>(nfc.size());
  bool pending_space = false;
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);  // valid: ToNfc checked it
    const bool blank = c < 0x80 ? (c <= 0x20 || c == 0x7F) : IsBlank(c);
    if (blank) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out.append(nfc, static_cast<size_t>(start), static_cast<size_t>(i - start));
  }
  return out;
}

std::string Fold(std::string_view text) {
  if (!IsValidUtf8(text)) return {};
  if (IsAscii(text)) return FoldAscii(text);
  icu::UnicodeString u = StripMarks(icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))));
  u.foldCase();
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == '-' || c == 0x2010) {
      continue;  // M'Nông = Mnông = M-Nông
    }
    if (!u_isalnum(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string Slugify(std::string_view text, size_t max_length) {
  std::string folded = Fold(text);
  std::string slug;
  for (char c : folded) {
    bool ascii_alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ascii_alnum) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= max_length) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string_view Trim(std::string_view text) {
  const char* ws = " \t\r\n\v\f";
  size_t b = text.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = text.find_last_not_of(ws);
  return text.substr(b, e - b + 1);
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::vector<std::string> SplitTrimmed(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view piece = Trim(text.substr(start, end - start));
    if (!piece.empty()) parts.emplace_back(piece);
    start = end + separator.size();
  }
  return parts;
}

}  // namespace disan
