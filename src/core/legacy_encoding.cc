#include "core/legacy_encoding.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace disan {
namespace {

constexpr char16_t kReplacementChar = 0xFFFD;

// Detection scores at most this many bytes: enough for any realistic mix of text, and it keeps
// detection linear in a bounded prefix for very large files.
constexpr size_t kDetectionSampleBytes = size_t{1} << 20;

// ICU strings hold at most 2^31 - 1 UTF-16 units and VNI can need two per byte.
constexpr size_t kMaxDecodeBytes = size_t{1} << 30;

// Combining marks used by Vietnamese: the three letter modifiers and the five tones.
constexpr char16_t kBreve = 0x0306;
constexpr char16_t kCircumflex = 0x0302;
constexpr char16_t kHorn = 0x031B;
constexpr char16_t kGrave = 0x0300;
constexpr char16_t kAcute = 0x0301;
constexpr char16_t kTilde = 0x0303;
constexpr char16_t kHookAbove = 0x0309;
constexpr char16_t kDotBelow = 0x0323;

std::string HexByte(uint8_t b) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 0xF];
}

Error InvalidAt(std::string_view what_en, std::string_view what_vi, size_t offset) {
  const std::string at = std::to_string(offset);
  return Error{ErrorCode::kInvalid,
               std::string(what_en) + " at byte offset " + at,
               std::string(what_vi) + " tại vị trí byte " + at,
               {}};
}

Error UndefinedByte(std::string_view encoding, uint8_t byte, size_t offset) {
  const std::string at = std::to_string(offset);
  return Error{ErrorCode::kInvalid,
               "byte " + HexByte(byte) + " at byte offset " + at + " is not defined in " +
                   std::string(encoding),
               "byte " + HexByte(byte) + " tại vị trí byte " + at +
                   " không được định nghĩa trong bảng mã " + std::string(encoding),
               {}};
}

Error IcuFailure(UErrorCode status) {
  return Error{ErrorCode::kInternal,
               std::string("text conversion failed in ICU: ") + u_errorName(status),
               std::string("chuyển đổi văn bản bằng ICU thất bại: ") + u_errorName(status),
               {}};
}

// Windows-1252 at 0x80-0x9F; 0 marks its five undefined bytes. TCVN3 and VNI files are typed
// with fonts that reuse the ANSI code page, so bytes those encodings leave unassigned (smart
// quotes, dashes, ellipsis) arrive as Windows-1252 characters. 0xA0-0xFF of Windows-1252 is
// Latin-1, i.e. the byte value itself.
constexpr std::array<char16_t, 32> kCp1252C1 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 0x88
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 0x98
};

// The Windows-1252 reading of a byte >= 0x80, or 0 where Windows-1252 leaves it undefined.
char16_t Cp1252High(uint8_t b) { return b < 0xA0 ? kCp1252C1[b - 0x80] : char16_t{b}; }

// TCVN 5712:1993 VN3 ("TCVN3", "ABC") at 0xA0-0xFF; 0 marks positions VN3 leaves unassigned.
// VN3 has precomposed lowercase letters only, plus the seven toneless capitals below; capitals
// with tones are drawn by switching to a capital font over the same byte values, which a CSV
// file cannot record, so those bytes decode to the lowercase letter.
// clang-format off
constexpr std::array<char16_t, 96> kTcvn3High = {
    // 0xA0: NBSP Ă Â Ê Ô Ơ Ư Đ ă â ê ô ơ ư đ -
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0,
    // 0xB0: - - - - - à ả ã á ạ - ằ ẳ ẵ ắ -
    0, 0, 0, 0, 0, 0x00E0, 0x1EA3, 0x00E3,
    0x00E1, 0x1EA1, 0, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0,
    // 0xC0: - - - - - - ặ ầ ẩ ẫ ấ ậ è - ẻ ẽ
    0, 0, 0, 0, 0, 0, 0x1EB7, 0x1EA7,
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0, 0x1EBB, 0x1EBD,
    // 0xD0: é ẹ ề ể ễ ế ệ ì ỉ - - - ĩ í ị ò
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
    0x1EC9, 0, 0, 0, 0x0129, 0x00ED, 0x1ECB, 0x00F2,
    // 0xE0: - ỏ õ ó ọ ồ ổ ỗ ố ộ ờ ở ỡ ớ ợ ù
    0, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
    // 0xF0: - ủ ũ ú ụ ừ ử ữ ứ ự ỳ ỷ ỹ ý ỵ -
    0, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0,
};
// clang-format on

// One byte of VNI-Windows at 0xC0-0xFF: up to two code points. A letter is one precomposed code
// point; a diacritic byte (written after its ASCII base vowel) is one or two combining marks
// that NFC later composes with the base. {0, 0} marks a byte VNI does not use.
struct VniEntry {
  char16_t first;
  char16_t second;
};

// Indexed by the low five bits: VNI's capital half (0xC0-0xDF) mirrors its lowercase half
// (0xE0-0xFF). Fonts differ in which half they emit after a base letter, so both halves read as
// the same diacritics and the case comes from the base letter.
constexpr std::array<VniEntry, 32> kVniLowerHalf = {{
    {kCircumflex, kGrave},      // 0xE0
    {kCircumflex, kAcute},      // 0xE1
    {kCircumflex, 0},           // 0xE2
    {kCircumflex, kTilde},      // 0xE3
    {kCircumflex, kDotBelow},   // 0xE4
    {kCircumflex, kHookAbove},  // 0xE5
    {0x1EC9, 0},                // 0xE6 ỉ (Ỉ)
    {0, 0},                     // 0xE7
    {kBreve, kGrave},           // 0xE8
    {kBreve, kAcute},           // 0xE9
    {kBreve, 0},                // 0xEA
    {kBreve, kDotBelow},        // 0xEB
    {0x00EC, 0},                // 0xEC ì (Ì)
    {0x00ED, 0},                // 0xED í (Í)
    {0x1EF5, 0},                // 0xEE ỵ (Ỵ)
    {kDotBelow, 0},             // 0xEF
    {0, 0},                     // 0xF0
    {0x0111, 0},                // 0xF1 đ (Đ)
    {0x1ECB, 0},                // 0xF2 ị (Ị)
    {0x0129, 0},                // 0xF3 ĩ (Ĩ)
    {0x01A1, 0},                // 0xF4 ơ (Ơ)
    {kTilde, 0},                // 0xF5
    {0x01B0, 0},                // 0xF6 ư (Ư)
    {0, 0},                     // 0xF7
    {kGrave, 0},                // 0xF8
    {kAcute, 0},                // 0xF9
    {kBreve, kHookAbove},       // 0xFA
    {kHookAbove, 0},            // 0xFB
    {kBreve, kTilde},           // 0xFC
    {0, 0},                     // 0xFD
    {0, 0},                     // 0xFE
    {0, 0},                     // 0xFF
}};

// Appends the UTF-16 of `b` (>= 0x80) read as TCVN3 or VNI, or returns false when the byte is
// undefined there.
bool AppendFontEncodedByte(TextEncoding encoding, uint8_t b, icu::UnicodeString& out) {
  if (encoding == TextEncoding::kTcvn3 && b >= 0xA0 && kTcvn3High[b - 0xA0] != 0) {
    out.append(kTcvn3High[b - 0xA0]);
    return true;
  }
  if (encoding == TextEncoding::kVni && b >= 0xC0) {
    const VniEntry& e = kVniLowerHalf[b & 0x1F];
    if (e.first != 0) {
      const bool capital_half = b < 0xE0;
      const bool is_letter = u_getCombiningClass(e.first) == 0;
      out.append(capital_half && is_letter ? static_cast<char16_t>(u_toupper(e.first)) : e.first);
      if (e.second != 0) out.append(e.second);
      return true;
    }
  }
  const char16_t fallback = Cp1252High(b);
  if (fallback == 0) return false;
  out.append(fallback);
  return true;
}

// Decodes TCVN3 or VNI. Undefined bytes fail when `strict`, else become U+FFFD.
Result<icu::UnicodeString> DecodeFontEncoding(std::string_view bytes, TextEncoding encoding,
                                              bool strict) {
  icu::UnicodeString out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<uint8_t>(bytes[i]);
    if (b < 0x80) {
      out.append(static_cast<char16_t>(b));
    } else if (!AppendFontEncodedByte(encoding, b, out)) {
      if (strict) return std::unexpected(UndefinedByte(EncodingName(encoding), b, i));
      out.append(kReplacementChar);
    }
  }
  return out;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Decodes Windows-1258 with ICU. ICU maps the code page's undefined bytes (0x81, 0x8A, ...) to
// the C1 control with the same value, so C1 controls in the output are treated as undefined.
// Undefined bytes fail when `strict`, else become U+FFFD.
Result<icu::UnicodeString> DecodeWindows1258(std::string_view bytes, bool strict) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open("windows-1258", &status));
  if (U_FAILURE(status)) return std::unexpected(IcuFailure(status));
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return std::unexpected(IcuFailure(status));

  constexpr size_t kChunk = 4096;
  std::vector<UChar> buffer(kChunk);
  std::vector<int32_t> offsets(kChunk);
  const char* const begin = bytes.data();
  const char* const end = begin + bytes.size();
  const char* source = begin;
  icu::UnicodeString out;
  while (source < end) {
    const size_t chunk_start = static_cast<size_t>(source - begin);
    UChar* target = buffer.data();
    status = U_ZERO_ERROR;
    ucnv_toUnicode(conv.get(), &target, buffer.data() + buffer.size(), &source, end, offsets.data(),
                   /*flush=*/true, &status);
    for (UChar* p = buffer.data(); p < target; ++p) {
      if (*p >= 0x80 && *p <= 0x9F) {
        const size_t offset = chunk_start + static_cast<size_t>(offsets[p - buffer.data()]);
        if (strict) {
          return std::unexpected(
              UndefinedByte("windows-1258", static_cast<uint8_t>(bytes[offset]), offset));
        }
        out.append(kReplacementChar);
      } else {
        out.append(*p);
      }
    }
    if (status == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(status)) {
      if (status != U_INVALID_CHAR_FOUND && status != U_ILLEGAL_CHAR_FOUND &&
          status != U_TRUNCATED_CHAR_FOUND) {
        return std::unexpected(IcuFailure(status));
      }
      char invalid[8];
      int8_t invalid_length = sizeof(invalid);
      UErrorCode ignored = U_ZERO_ERROR;
      ucnv_getInvalidChars(conv.get(), invalid, &invalid_length, &ignored);
      if (U_FAILURE(ignored)) invalid_length = 1;
      const size_t offset = static_cast<size_t>(source - begin) - invalid_length;
      if (strict) {
        return std::unexpected(
            UndefinedByte("windows-1258", static_cast<uint8_t>(bytes[offset]), offset));
      }
      out.append(kReplacementChar);
      ucnv_resetToUnicode(conv.get());
    }
  }
  return out;
}

// Offset of the first byte that does not begin a well-formed UTF-8 sequence (Unicode Table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or npos if there is none.
size_t FindInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint8_t second_min = 0x80;
    uint8_t second_max = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b == 0xE0) {
      length = 3;
      second_min = 0xA0;
    } else if (b == 0xED) {
      length = 3;
      second_max = 0x9F;
    } else if (b >= 0xE1 && b <= 0xEF) {
      length = 3;
    } else if (b == 0xF0) {
      length = 4;
      second_min = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      length = 4;
    } else if (b == 0xF4) {
      length = 4;
      second_max = 0x8F;
    } else {
      return i;
    }
    if (s.size() - i < length) return i;
    const auto second = static_cast<uint8_t>(s[i + 1]);
    if (second < second_min || second > second_max) return i;
    for (size_t k = 2; k < length; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

bool StartsWith(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

Result<icu::UnicodeString> DecodeUtf16(std::string_view bytes, bool big_endian) {
  size_t start = 0;
  if (StartsWith(bytes, big_endian ? kUtf16BeBom : kUtf16LeBom)) start = 2;
  if (bytes.size() % 2 != 0) {
    const std::string count = std::to_string(bytes.size());
    return Fail(ErrorCode::kInvalid,
                "UTF-16 input has an odd number of bytes (" + count + "); the last byte, at " +
                    "byte offset " + std::to_string(bytes.size() - 1) + ", is incomplete",
                "dữ liệu UTF-16 có số byte lẻ (" + count + "); byte cuối cùng, tại vị trí byte " +
                    std::to_string(bytes.size() - 1) + ", không trọn vẹn");
  }
  auto unit_at = [&](size_t i) -> char16_t {
    const auto b0 = static_cast<uint8_t>(bytes[i]);
    const auto b1 = static_cast<uint8_t>(bytes[i + 1]);
    return big_endian ? static_cast<char16_t>((b0 << 8) | b1)
                      : static_cast<char16_t>((b1 << 8) | b0);
  };
  icu::UnicodeString out;
  for (size_t i = start; i < bytes.size(); i += 2) {
    const char16_t unit = unit_at(i);
    if (U16_IS_LEAD(unit)) {
      if (i + 2 >= bytes.size() || !U16_IS_TRAIL(unit_at(i + 2))) {
        return std::unexpected(InvalidAt("unpaired UTF-16 high surrogate",
                                         "nửa đầu của cặp thay thế (surrogate) UTF-16 đứng lẻ", i));
      }
      out.append(unit);
      out.append(unit_at(i + 2));
      i += 2;
    } else if (U16_IS_TRAIL(unit)) {
      return std::unexpected(InvalidAt("unpaired UTF-16 low surrogate",
                                       "nửa sau của cặp thay thế (surrogate) UTF-16 đứng lẻ", i));
    } else {
      out.append(unit);
    }
  }
  return out;
}

Result<std::string> ToNfcUtf8(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::unexpected(IcuFailure(status));
  const icu::UnicodeString normalized = nfc->normalize(text, status);
  if (U_FAILURE(status)) return std::unexpected(IcuFailure(status));
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

Result<std::string> DecodeUtf8(std::string_view bytes) {
  if (const size_t bad = FindInvalidUtf8(bytes); bad != std::string_view::npos) {
    return std::unexpected(InvalidAt("invalid UTF-8", "dữ liệu UTF-8 không hợp lệ", bad));
  }
  if (StartsWith(bytes, kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::unexpected(IcuFailure(status));
  const icu::StringPiece piece(bytes.data(), static_cast<int32_t>(bytes.size()));
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(bytes);
  status = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(bytes.size()));
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return std::unexpected(IcuFailure(status));
  return out;
}

Result<icu::UnicodeString> DecodeLegacy(std::string_view bytes, TextEncoding encoding,
                                        bool strict) {
  if (encoding == TextEncoding::kWindows1258) return DecodeWindows1258(bytes, strict);
  return DecodeFontEncoding(bytes, encoding, strict);
}

// ---- Detection ----------------------------------------------------------------------------

// Returns the byte order of BOM-less UTF-16, recognised by NUL bytes: real text has none, but
// UTF-16 of mostly ASCII text has a zero high byte in most code units.
std::optional<TextEncoding> DetectBomlessUtf16(std::string_view bytes) {
  if (bytes.size() < 4 || bytes.size() % 2 != 0) return std::nullopt;
  const size_t units = bytes.size() / 2;
  size_t zero_even = 0;
  size_t zero_odd = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    if (bytes[i] == '\0') ++zero_even;
    if (bytes[i + 1] == '\0') ++zero_odd;
  }
  // At least a quarter of the units have a zero byte on one side and almost none on the other.
  if (zero_odd * 4 >= units && zero_even * 20 <= units) return TextEncoding::kUtf16Le;
  if (zero_even * 4 >= units && zero_odd * 20 <= units) return TextEncoding::kUtf16Be;
  return std::nullopt;
}

// One letter of a word under analysis, from NFD: base letter plus the marks that follow it.
struct Letter {
  char16_t lower = 0;     // lowercase base letter
  bool upper = false;     // written as a capital
  bool vowel = false;     // a e i o u y
  char16_t modifier = 0;  // kBreve, kCircumflex, kHorn or 0
  bool marked = false;    // carries any diacritic, or is đ
};

// Toneless Vietnamese vowel nuclei (the vowel letters between initial and final consonants).
constexpr std::u16string_view kNuclei[] = {
    u"a",   u"ă",   u"â",   u"e",   u"ê",   u"i",   u"o",   u"ô",   u"ơ",   u"u",   u"ư",
    u"y",   u"ai",  u"ao",  u"au",  u"ay",  u"âu",  u"ây",  u"eo",  u"êu",  u"ia",  u"iê",
    u"iu",  u"oa",  u"oă",  u"oe",  u"oi",  u"oo",  u"ôi",  u"ôô",  u"ơi",  u"ua",  u"uâ",
    u"uê",  u"ui",  u"uô",  u"uơ",  u"uy",  u"ưa",  u"ưi",  u"ươ",  u"ưu",  u"yê",  u"iêu",
    u"oai", u"oay", u"oeo", u"uây", u"uôi", u"uya", u"uyê", u"uyu", u"ươi", u"ươu", u"yêu",
};

bool IsNucleus(std::u16string_view v) {
  for (std::u16string_view n : kNuclei) {
    if (n == v) return true;
  }
  return false;
}

char16_t ComposeVowel(const Letter& l) {
  switch (l.modifier) {
    case kBreve:
      return u'ă';
    case kCircumflex:
      return l.lower == u'a' ? u'â' : l.lower == u'e' ? u'ê' : u'ô';
    case kHorn:
      return l.lower == u'o' ? u'ơ' : u'ư';
    default:
      return l.lower;
  }
}

bool ModifierAllowed(char16_t base, char16_t modifier) {
  switch (modifier) {
    case kBreve:
      return base == u'a';
    case kCircumflex:
      return base == u'a' || base == u'e' || base == u'o';
    case kHorn:
      return base == u'o' || base == u'u';
    default:
      return false;
  }
}

bool IsTone(char16_t mark) {
  return mark == kGrave || mark == kAcute || mark == kTilde || mark == kHookAbove ||
         mark == kDotBelow;
}

// Capitalisation a real word can have: lower, Capitalised, UPPER, or the TCVN3 capital-font
// pattern where only letters without a diacritic show as capitals.
bool CaseIsPlausible(const std::vector<Letter>& letters) {
  bool all_lower = true;
  bool all_upper = true;
  bool rest_lower = true;
  bool lower_only_when_marked = true;
  for (size_t i = 0; i < letters.size(); ++i) {
    const Letter& l = letters[i];
    all_lower = all_lower && !l.upper;
    all_upper = all_upper && l.upper;
    if (i > 0) rest_lower = rest_lower && !l.upper;
    lower_only_when_marked = lower_only_when_marked && (l.upper || l.marked);
  }
  return all_lower || all_upper || rest_lower || lower_only_when_marked;
}

// Whether letters form a plausible Vietnamese syllable: consonants, one run of vowels that is a
// known nucleus, consonants; đ only first. Words without vowels pass. Consonant clusters are not
// checked, so place names from minority languages (Đắk, Krông, Mnông) pass.
bool StructureIsPlausible(const std::vector<Letter>& letters) {
  size_t first_vowel = letters.size();
  size_t last_vowel = 0;
  for (size_t i = 0; i < letters.size(); ++i) {
    if (!letters[i].vowel) continue;
    if (first_vowel == letters.size()) first_vowel = i;
    last_vowel = i;
  }
  // Consonants only: an abbreviation ("QĐ" in decision numbers) or the "Đ" of "Đ'ray".
  if (first_vowel == letters.size()) return true;
  for (size_t i = 1; i < letters.size(); ++i) {
    if (letters[i].lower == u'đ') return false;
  }
  if (first_vowel > 3 || letters.size() - 1 - last_vowel > 3) return false;
  std::u16string nucleus;
  for (size_t i = first_vowel; i <= last_vowel; ++i) {
    if (!letters[i].vowel) return false;
    nucleus.push_back(ComposeVowel(letters[i]));
  }
  if (IsNucleus(nucleus)) return true;
  // "gi" and "qu" are initials whose vowel letter is not part of the nucleus: giữ, quốc.
  const bool gi = first_vowel == 1 && letters[0].lower == u'g' && nucleus[0] == u'i';
  const bool qu = first_vowel == 1 && letters[0].lower == u'q' && nucleus[0] == u'u';
  return (gi || qu) && nucleus.size() > 1 && IsNucleus(std::u16string_view(nucleus).substr(1));
}

// Scores how much `nfd` (a candidate decoding, in NFD) looks like Vietnamese text. Only words
// with non-ASCII content count, since ASCII decodes the same in every candidate: +2 for a
// plausible syllable, -2 otherwise; non-letter symbols cost 1 and undefined bytes 4.
int PlausibilityScore(const icu::UnicodeString& nfd) {
  int score = 0;
  std::vector<Letter> letters;
  bool word_non_ascii = false;
  bool word_ok = true;
  int tones = 0;
  auto end_word = [&] {
    if (word_non_ascii) {
      const bool plausible =
          word_ok && tones <= 1 && CaseIsPlausible(letters) && StructureIsPlausible(letters);
      score += plausible ? 2 : -2;
    }
    letters.clear();
    word_non_ascii = false;
    word_ok = true;
    tones = 0;
  };
  for (int32_t i = 0; i < nfd.length(); i = nfd.moveIndex32(i, 1)) {
    const UChar32 c = nfd.char32At(i);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) {
      word_non_ascii = true;
      if (letters.empty() || !letters.back().vowel || c > 0xFFFF) {
        word_ok = false;
        continue;
      }
      Letter& l = letters.back();
      const auto mark = static_cast<char16_t>(c);
      if (IsTone(mark)) {
        ++tones;
        l.marked = true;
      } else if (l.modifier == 0 && ModifierAllowed(l.lower, mark)) {
        l.modifier = mark;
        l.marked = true;
      } else {
        word_ok = false;
      }
      continue;
    }
    if (u_isalpha(c)) {
      if (c >= 0x80) word_non_ascii = true;
      Letter l;
      const UChar32 lower = u_tolower(c);
      l.upper = lower != c;
      l.lower = lower <= 0xFFFF ? static_cast<char16_t>(lower) : 0;
      constexpr std::u16string_view kVowels = u"aeiouy";
      constexpr std::u16string_view kConsonants = u"bcdfghjklmnpqrstvwxzđ";
      l.vowel = kVowels.find(l.lower) != std::u16string_view::npos;
      if (!l.vowel && kConsonants.find(l.lower) == std::u16string_view::npos) word_ok = false;
      l.marked = l.lower == u'đ';
      letters.push_back(l);
      continue;
    }
    end_word();
    if (c < 0x80) continue;
    switch (c) {
      case kReplacementChar:
        score -= 4;
        break;
      case 0x00A0:  // no-break space
      case 0x00B0:  // degree sign, in coordinates
      case 0x2013:  // en dash
      case 0x2014:  // em dash
      case 0x2018:  // curly quotes
      case 0x2019:
      case 0x201C:
      case 0x201D:
      case 0x2026:  // ellipsis
        break;
      default:
        score -= (c >= 0x80 && c <= 0x9F) ? 4 : 1;
    }
  }
  end_word();
  return score;
}

}  // namespace

Result<TextEncoding> ParseEncodingName(std::string_view name) {
  std::string lower(name);
  for (char& ch : lower) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  if (lower == "utf-8" || lower == "utf8") return TextEncoding::kUtf8;
  if (lower == "utf-16" || lower == "utf-16le") return TextEncoding::kUtf16Le;
  if (lower == "utf-16be") return TextEncoding::kUtf16Be;
  if (lower == "windows-1258" || lower == "cp1258") return TextEncoding::kWindows1258;
  if (lower == "tcvn3" || lower == "abc") return TextEncoding::kTcvn3;
  if (lower == "vni") return TextEncoding::kVni;
  constexpr std::string_view kAccepted =
      "utf-8, utf8, utf-16, utf-16le, utf-16be, windows-1258, cp1258, tcvn3, abc, vni";
  return Fail(
      ErrorCode::kInvalid,
      "unknown encoding \"" + std::string(name) + "\"; accepted values: " + std::string(kAccepted),
      "không nhận ra bảng mã \"" + std::string(name) +
          "\"; các giá trị được chấp nhận: " + std::string(kAccepted));
}

std::string_view EncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
    case TextEncoding::kWindows1258:
      return "windows-1258";
    case TextEncoding::kTcvn3:
      return "tcvn3";
    case TextEncoding::kVni:
      return "vni";
  }
  return "utf-8";
}

TextEncoding DetectEncoding(std::string_view bytes) {
  if (StartsWith(bytes, kUtf8Bom)) return TextEncoding::kUtf8;
  if (StartsWith(bytes, kUtf16LeBom)) return TextEncoding::kUtf16Le;
  if (StartsWith(bytes, kUtf16BeBom)) return TextEncoding::kUtf16Be;
  // Before the UTF-8 check: ASCII in UTF-16 is also valid UTF-8 (NUL is a valid character).
  if (std::optional<TextEncoding> utf16 = DetectBomlessUtf16(bytes)) return *utf16;
  if (FindInvalidUtf8(bytes) == std::string_view::npos) return TextEncoding::kUtf8;

  const std::string_view sample = bytes.substr(0, kDetectionSampleBytes);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return TextEncoding::kWindows1258;
  // In order of preference when scores tie: Windows-1258 is by far the most common today.
  constexpr TextEncoding kCandidates[] = {TextEncoding::kWindows1258, TextEncoding::kTcvn3,
                                          TextEncoding::kVni};
  TextEncoding best = TextEncoding::kWindows1258;
  bool have_best = false;
  int best_score = 0;
  for (TextEncoding candidate : kCandidates) {
    Result<icu::UnicodeString> decoded = DecodeLegacy(sample, candidate, /*strict=*/false);
    if (!decoded) continue;
    status = U_ZERO_ERROR;
    const icu::UnicodeString decomposed = nfd->normalize(*decoded, status);
    if (U_FAILURE(status)) continue;
    const int score = PlausibilityScore(decomposed);
    if (!have_best || score > best_score) {
      best = candidate;
      best_score = score;
      have_best = true;
    }
  }
  return best;
}

Result<std::string> DecodeToUtf8(std::string_view bytes, TextEncoding encoding) {
  if (bytes.size() > kMaxDecodeBytes) {
    return Fail(
        ErrorCode::kTooLarge,
        "input of " + std::to_string(bytes.size()) +
            " bytes is too large to decode (the limit is 1 GiB)",
        "dữ liệu " + std::to_string(bytes.size()) + " byte quá lớn để giải mã (giới hạn là 1 GiB)");
  }
  switch (encoding) {
    case TextEncoding::kUtf8:
      return DecodeUtf8(bytes);
    case TextEncoding::kUtf16Le:
    case TextEncoding::kUtf16Be: {
      Result<icu::UnicodeString> text = DecodeUtf16(bytes, encoding == TextEncoding::kUtf16Be);
      if (!text) return std::unexpected(std::move(text).error());
      return ToNfcUtf8(*text);
    }
    case TextEncoding::kWindows1258:
    case TextEncoding::kTcvn3:
    case TextEncoding::kVni: {
      Result<icu::UnicodeString> text = DecodeLegacy(bytes, encoding, /*strict=*/true);
      if (!text) return std::unexpected(std::move(text).error());
      return ToNfcUtf8(*text);
    }
  }
  return Fail(ErrorCode::kInternal, "unknown text encoding", "bảng mã văn bản không xác định");
}

}  // namespace disan
