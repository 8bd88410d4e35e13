#include "core/legacy_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace disan {
namespace {

// The expected legacy bytes below are not produced by Disan's decoder tables. TCVN3 and VNI bytes
// were written out from published conversion tables (the code tables of the VBKey Vietnamese
// keyboard; TCVN3 was also checked entry by entry against glibc's TCVN5712-1 converter).
// Windows-1258 bytes come from Python's cp1258 codec, each tone written as a combining mark
// after its letter, as Windows-1258 files do.

struct LegacyCase {
  const char* utf8;
  std::string_view bytes;
};

// Byte strings are laid out as generated from the tables.
// clang-format off
// Covers ă â ê ô ơ ư, each bare and with all five tones, plus đ and Đ.
constexpr const char* kAllTones =
    "Mỗi lễ hội cổ truyền của người Ê Đê ở Đắk Lắk vẫn giữ tiếng cồng chiêng rực rỡ: nằm trên nền "
    "đất, chẳng ai nỡ quên, ẵm con nhỏ, tầng tầng lớp lớp thật cẩn trọng để chứa đựng lịch sử "
    "quốc gia, từng mặt nghệ thuật hợp thành niềm tự hào; cả buôn ăn mừng, âm vang khắp núi đồi, "
    "nhớ ơn tổ tiên.";
constexpr std::u16string_view kAllTones16 =
    u"Mỗi lễ hội cổ truyền của người Ê Đê ở Đắk Lắk vẫn giữ tiếng cồng chiêng rực rỡ: nằm trên "
    u"nền đất, chẳng ai nỡ quên, ẵm con nhỏ, tầng tầng lớp lớp thật cẩn trọng để chứa đựng lịch "
    u"sử quốc gia, từng mặt nghệ thuật hợp thành niềm tự hào; cả buôn ăn mừng, âm vang khắp núi "
    u"đồi, nhớ ơn tổ tiên.";

const LegacyCase kWindows1258Cases[] = {
    {"Nhà ngục Đắk Mil",
      "Nha\xCC ngu\xF2" "c \xD0\xE3\xECk Mil"},
    {"Cồng chiêng Tây Nguyên",
      "C\xF4\xCCng chi\xEAng T\xE2y Nguy\xEAn"},
    {"Sử thi Ot N'drong của người M'Nông",
      "S\xFD\xD2 thi Ot N'drong cu\xD2" "a ng\xFD\xF5\xCCi M'N\xF4ng"},
    {"Đàn đá Đắk Sơn",
      "\xD0" "a\xCCn \xF0" "a\xEC \xD0\xE3\xECk S\xF5n"},
    {"Thác Đ'ray Sáp",
      "Tha\xEC" "c \xD0'ray Sa\xECp"},
    {kAllTones,
      "M\xF4\xDEi l\xEA\xDE h\xF4\xF2i c\xF4\xD2 truy\xEA\xCCn cu\xD2" "a ng\xFD\xF5\xCCi \xCA "
      "\xD0\xEA \xF5\xD2 \xD0\xE3\xECk L\xE3\xECk v\xE2\xDEn gi\xFD\xDE ti\xEA\xECng c\xF4\xCCng "
      "chi\xEAng r\xFD\xF2" "c r\xF5\xDE: n\xE3\xCCm tr\xEAn n\xEA\xCCn \xF0\xE2\xECt, ch\xE3\xD2"
      "ng ai n\xF5\xDE qu\xEAn, \xE3\xDEm con nho\xD2, t\xE2\xCCng t\xE2\xCCng l\xF5\xECp l\xF5"
      "\xECp th\xE2\xF2t c\xE2\xD2n tro\xF2ng \xF0\xEA\xD2 ch\xFD\xEC" "a \xF0\xFD\xF2ng li\xF2"
      "ch s\xFD\xD2 qu\xF4\xEC" "c gia, t\xFD\xCCng m\xE3\xF2t ngh\xEA\xF2 thu\xE2\xF2t h\xF5\xF2"
      "p tha\xCCnh ni\xEA\xCCm t\xFD\xF2 ha\xCCo; ca\xD2 bu\xF4n \xE3n m\xFD\xCCng, \xE2m vang kh"
      "\xE3\xECp nu\xECi \xF0\xF4\xCCi, nh\xF5\xEC \xF5n t\xF4\xD2 ti\xEAn."},
};

const LegacyCase kTcvn3Cases[] = {
    {"Nhà ngục Đắk Mil",
      "Nh\xB5 ng\xF4" "c \xA7\xBEk Mil"},
    {"Cồng chiêng Tây Nguyên",
      "C\xE5ng chi\xAAng T\xA9y Nguy\xAAn"},
    {"Sử thi Ot N'drong của người M'Nông",
      "S\xF6 thi Ot N'drong c\xF1" "a ng\xAD\xEAi M'N\xABng"},
    {"Đàn đá Đắk Sơn",
      "\xA7\xB5n \xAE\xB8 \xA7\xBEk S\xACn"},
    {"Thác Đ'ray Sáp",
      "Th\xB8" "c \xA7'ray S\xB8p"},
    {kAllTones,
      "M\xE7i l\xD4 h\xE9i c\xE6 truy\xD2n c\xF1" "a ng\xAD\xEAi \xA3 \xA7\xAA \xEB \xA7\xBEk L"
      "\xBEk v\xC9n gi\xF7 ti\xD5ng c\xE5ng chi\xAAng r\xF9" "c r\xEC: n\xBBm tr\xAAn n\xD2n \xAE"
      "\xCAt, ch\xBCng ai n\xEC qu\xAAn, \xBDm con nh\xE1, t\xC7ng t\xC7ng l\xEDp l\xEDp th\xCBt "
      "c\xC8n tr\xE4ng \xAE\xD3 ch\xF8" "a \xAE\xF9ng l\xDE" "ch s\xF6 qu\xE8" "c gia, t\xF5ng m"
      "\xC6t ngh\xD6 thu\xCBt h\xEEp th\xB5nh ni\xD2m t\xF9 h\xB5o; c\xB6 bu\xABn \xA8n m\xF5ng, "
      "\xA9m vang kh\xBEp n\xF3i \xAE\xE5i, nh\xED \xACn t\xE6 ti\xAAn."},
};

const LegacyCase kVniCases[] = {
    {"Nhà ngục Đắk Mil",
      "Nha\xF8 ngu\xEF" "c \xD1" "a\xE9k Mil"},
    {"Cồng chiêng Tây Nguyên",
      "Co\xE0ng chie\xE2ng Ta\xE2y Nguye\xE2n"},
    {"Sử thi Ot N'drong của người M'Nông",
      "S\xF6\xFB thi Ot N'drong cu\xFB" "a ng\xF6\xF4\xF8i M'No\xE2ng"},
    {"Đàn đá Đắk Sơn",
      "\xD1" "a\xF8n \xF1" "a\xF9 \xD1" "a\xE9k S\xF4n"},
    {"Thác Đ'ray Sáp",
      "Tha\xF9" "c \xD1'ray Sa\xF9p"},
    {kAllTones,
      "Mo\xE3i le\xE3 ho\xE4i co\xE5 truye\xE0n cu\xFB" "a ng\xF6\xF4\xF8i E\xC2 \xD1" "e\xE2 "
      "\xF4\xFB \xD1" "a\xE9k La\xE9k va\xE3n gi\xF6\xF5 tie\xE1ng co\xE0ng chie\xE2ng r\xF6\xEF"
      "c r\xF4\xF5: na\xE8m tre\xE2n ne\xE0n \xF1" "a\xE1t, cha\xFAng ai n\xF4\xF5 que\xE2n, a"
      "\xFCm con nho\xFB, ta\xE0ng ta\xE0ng l\xF4\xF9p l\xF4\xF9p tha\xE4t ca\xE5n tro\xEFng \xF1"
      "e\xE5 ch\xF6\xF9" "a \xF1\xF6\xEFng l\xF2" "ch s\xF6\xFB quo\xE1" "c gia, t\xF6\xF8ng ma"
      "\xEBt nghe\xE4 thua\xE4t h\xF4\xEFp tha\xF8nh nie\xE0m t\xF6\xEF ha\xF8o; ca\xFB buo\xE2n "
      "a\xEAn m\xF6\xF8ng, a\xE2m vang kha\xE9p nu\xF9i \xF1o\xE0i, nh\xF4\xF9 \xF4n to\xE5 tie"
      "\xE2n."},
};

// Every letter TCVN3 has: the 67 lowercase ones, then the capitals Ă Â Ê Ô Ơ Ư Đ.
constexpr const char* kTcvn3Letters =
    "àáảãạâầấẩẫậăằắẳẵặđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ";
constexpr std::string_view kTcvn3LetterBytes =
    "\xB5\xB8\xB6\xB7\xB9\xA9\xC7\xCA\xC8\xC9\xCB\xA8\xBB\xBE\xBC\xBD\xC6\xAE\xCC\xD0\xCE\xCF\xD1"
    "\xAA\xD2\xD5\xD3\xD4\xD6\xD7\xDD\xD8\xDC\xDE\xDF\xE3\xE1\xE2\xE4\xAB\xE5\xE8\xE6\xE7\xE9\xAC"
    "\xEA\xED\xEB\xEC\xEE\xEF\xF3\xF1\xF2\xF4\xAD\xF5\xF8\xF6\xF7\xF9\xFA\xFD\xFB\xFC\xFE\xA1\xA2"
    "\xA3\xA4\xA5\xA6\xA7";

// All 134 Vietnamese letters in VNI-Windows, space-separated.
constexpr const char* kVniLetters =
    "à á ả ã ạ â ầ ấ ẩ ẫ ậ ă ằ ắ ẳ ẵ ặ đ è é ẻ ẽ ẹ ê ề ế ể ễ ệ ì í ỉ ĩ ị ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ "
    "ờ ớ ở ỡ ợ ù ú ủ ũ ụ ư ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ À Á Ả Ã Ạ Â Ầ Ấ Ẩ Ẫ Ậ Ă Ằ Ắ Ẳ Ẵ Ặ Đ È É Ẻ Ẽ Ẹ Ê Ề "
    "Ế Ể Ễ Ệ Ì Í Ỉ Ĩ Ị Ò Ó Ỏ Õ Ọ Ô Ồ Ố Ổ Ỗ Ộ Ơ Ờ Ớ Ở Ỡ Ợ Ù Ú Ủ Ũ Ụ Ư Ừ Ứ Ử Ữ Ự Ỳ Ý Ỷ Ỹ Ỵ";
constexpr std::string_view kVniLetterBytes =
    "a\xF8 a\xF9 a\xFB a\xF5 a\xEF a\xE2 a\xE0 a\xE1 a\xE5 a\xE3 a\xE4 a\xEA a\xE8 a\xE9 a\xFA a"
    "\xFC a\xEB \xF1 e\xF8 e\xF9 e\xFB e\xF5 e\xEF e\xE2 e\xE0 e\xE1 e\xE5 e\xE3 e\xE4 \xEC \xED "
    "\xE6 \xF3 \xF2 o\xF8 o\xF9 o\xFB o\xF5 o\xEF o\xE2 o\xE0 o\xE1 o\xE5 o\xE3 o\xE4 \xF4 \xF4"
    "\xF8 \xF4\xF9 \xF4\xFB \xF4\xF5 \xF4\xEF u\xF8 u\xF9 u\xFB u\xF5 u\xEF \xF6 \xF6\xF8 \xF6"
    "\xF9 \xF6\xFB \xF6\xF5 \xF6\xEF y\xF8 y\xF9 y\xFB y\xF5 \xEE A\xD8 A\xD9 A\xDB A\xD5 A\xCF A"
    "\xC2 A\xC0 A\xC1 A\xC5 A\xC3 A\xC4 A\xCA A\xC8 A\xC9 A\xDA A\xDC A\xCB \xD1 E\xD8 E\xD9 E"
    "\xDB E\xD5 E\xCF E\xC2 E\xC0 E\xC1 E\xC5 E\xC3 E\xC4 \xCC \xCD \xC6 \xD3 \xD2 O\xD8 O\xD9 O"
    "\xDB O\xD5 O\xCF O\xC2 O\xC0 O\xC1 O\xC5 O\xC3 O\xC4 \xD4 \xD4\xD8 \xD4\xD9 \xD4\xDB \xD4"
    "\xD5 \xD4\xCF U\xD8 U\xD9 U\xDB U\xD5 U\xCF \xD6 \xD6\xD8 \xD6\xD9 \xD6\xDB \xD6\xD5 \xD6"
    "\xCF Y\xD8 Y\xD9 Y\xDB Y\xD5 \xCE";

// Three-line CSV files as a heritage office would export them.
constexpr std::string_view kCsvA =
    "name_vi,province_old,description_vi\r\n"
    "Cồng chiêng Tây Nguyên,Đắk Lắk,\"Không gian văn hóa cồng chiêng, được UNESCO ghi danh năm "
    "2005\"\r\n"
    "Sử thi Ot N'drong,Đắk Nông,\"Sử thi dài của người M'Nông, nghệ nhân kể bằng lời hát bên bếp "
    "lửa\"\r\n";
constexpr std::u16string_view kCsvA16 =
    u"name_vi,province_old,description_vi\r\n"
    u"Cồng chiêng Tây Nguyên,Đắk Lắk,\"Không gian văn hóa cồng chiêng, được UNESCO ghi danh năm "
    u"2005\"\r\n"
    u"Sử thi Ot N'drong,Đắk Nông,\"Sử thi dài của người M'Nông, nghệ nhân kể bằng lời hát bên bếp "
    u"lửa\"\r\n";
constexpr std::string_view kCsvB =
    "name_vi,category,ranking\r\n"
    "Đàn đá Đắk Sơn,Hiện vật,Bảo vật quốc gia\r\n"
    "Thác Đ'ray Sáp,Danh lam thắng cảnh,Quốc gia\r\n";

constexpr std::string_view kCsvAWindows1258 =
    "name_vi,province_old,description_vi\r\n"
    "C\xF4\xCCng chi\xEAng T\xE2y Nguy\xEAn,\xD0\xE3\xECk L\xE3\xECk,\"Kh\xF4ng gian v\xE3n ho"
    "\xEC" "a c\xF4\xCCng chi\xEAng, \xF0\xFD\xF5\xF2" "c UNESCO ghi danh n\xE3m 2005\"\r\n"
    "S\xFD\xD2 thi Ot N'drong,\xD0\xE3\xECk N\xF4ng,\"S\xFD\xD2 thi da\xCCi cu\xD2" "a ng\xFD\xF5"
    "\xCCi M'N\xF4ng, ngh\xEA\xF2 nh\xE2n k\xEA\xD2 b\xE3\xCCng l\xF5\xCCi ha\xECt b\xEAn b\xEA"
    "\xECp l\xFD\xD2" "a\"\r\n";
constexpr std::string_view kCsvBWindows1258 =
    "name_vi,category,ranking\r\n"
    "\xD0" "a\xCCn \xF0" "a\xEC \xD0\xE3\xECk S\xF5n,Hi\xEA\xF2n v\xE2\xF2t,Ba\xD2o v\xE2\xF2t qu"
    "\xF4\xEC" "c gia\r\n"
    "Tha\xEC" "c \xD0'ray Sa\xECp,Danh lam th\xE3\xECng ca\xD2nh,Qu\xF4\xEC" "c gia\r\n";
constexpr std::string_view kCsvATcvn3 =
    "name_vi,province_old,description_vi\r\n"
    "C\xE5ng chi\xAAng T\xA9y Nguy\xAAn,\xA7\xBEk L\xBEk,\"Kh\xABng gian v\xA8n h\xE3" "a c\xE5ng"
    " chi\xAAng, \xAE\xAD\xEE" "c UNESCO ghi danh n\xA8m 2005\"\r\n"
    "S\xF6 thi Ot N'drong,\xA7\xBEk N\xABng,\"S\xF6 thi d\xB5i c\xF1" "a ng\xAD\xEAi M'N\xABng, n"
    "gh\xD6 nh\xA9n k\xD3 b\xBBng l\xEAi h\xB8t b\xAAn b\xD5p l\xF6" "a\"\r\n";
constexpr std::string_view kCsvBTcvn3 =
    "name_vi,category,ranking\r\n"
    "\xA7\xB5n \xAE\xB8 \xA7\xBEk S\xACn,Hi\xD6n v\xCBt,B\xB6o v\xCBt qu\xE8" "c gia\r\n"
    "Th\xB8" "c \xA7'ray S\xB8p,Danh lam th\xBEng c\xB6nh,Qu\xE8" "c gia\r\n";
constexpr std::string_view kCsvAVni =
    "name_vi,province_old,description_vi\r\n"
    "Co\xE0ng chie\xE2ng Ta\xE2y Nguye\xE2n,\xD1" "a\xE9k La\xE9k,\"Kho\xE2ng gian va\xEAn ho\xF9"
    "a co\xE0ng chie\xE2ng, \xF1\xF6\xF4\xEF" "c UNESCO ghi danh na\xEAm 2005\"\r\n"
    "S\xF6\xFB thi Ot N'drong,\xD1" "a\xE9k No\xE2ng,\"S\xF6\xFB thi da\xF8i cu\xFB" "a ng\xF6"
    "\xF4\xF8i M'No\xE2ng, nghe\xE4 nha\xE2n ke\xE5 ba\xE8ng l\xF4\xF8i ha\xF9t be\xE2n be\xE1p l"
    "\xF6\xFB" "a\"\r\n";
constexpr std::string_view kCsvBVni =
    "name_vi,category,ranking\r\n"
    "\xD1" "a\xF8n \xF1" "a\xF9 \xD1" "a\xE9k S\xF4n,Hie\xE4n va\xE4t,Ba\xFBo va\xE4t quo\xE1" "c"
    " gia\r\n"
    "Tha\xF9" "c \xD1'ray Sa\xF9p,Danh lam tha\xE9ng ca\xFBnh,Quo\xE1" "c gia\r\n";
// clang-format on

std::string DecodeOk(std::string_view bytes, TextEncoding encoding) {
  Result<std::string> decoded = DecodeToUtf8(bytes, encoding);
  EXPECT_TRUE(decoded.has_value()) << (decoded ? "" : decoded.error().Describe());
  return decoded.value_or("<error>");
}

// Expects decoding to fail with kInvalid, naming byte offset `offset` in both languages.
void ExpectInvalidAt(std::string_view bytes, TextEncoding encoding, size_t offset) {
  Result<std::string> decoded = DecodeToUtf8(bytes, encoding);
  ASSERT_FALSE(decoded.has_value()) << "decoded to: " << *decoded;
  EXPECT_EQ(decoded.error().code, ErrorCode::kInvalid);
  const std::string at = std::to_string(offset);
  EXPECT_NE(decoded.error().message_en.find("byte offset " + at), std::string::npos)
      << decoded.error().message_en;
  EXPECT_NE(decoded.error().message_vi.find("vị trí byte " + at), std::string::npos)
      << decoded.error().message_vi;
}

// UTF-16 bytes of `text` (as the compiler encodes a u"" literal), optionally after a BOM.
std::string Utf16Bytes(std::u16string_view text, bool big_endian, bool bom) {
  std::string out;
  auto put = [&](char16_t unit) {
    const auto high = static_cast<char>(unit >> 8);
    const auto low = static_cast<char>(unit & 0xFF);
    out += big_endian ? high : low;
    out += big_endian ? low : high;
  };
  if (bom) put(0xFEFF);
  for (char16_t unit : text) put(unit);
  return out;
}

// ---- ParseEncodingName and EncodingName -------------------------------------------------------

TEST(ParseEncodingNameTest, AcceptsEveryDocumentedNameInAnyCase) {
  const std::pair<const char*, TextEncoding> kNames[] = {
      {"utf-8", TextEncoding::kUtf8},         {"UTF8", TextEncoding::kUtf8},
      {"utf-16", TextEncoding::kUtf16Le},     {"UTF-16LE", TextEncoding::kUtf16Le},
      {"utf-16be", TextEncoding::kUtf16Be},   {"Windows-1258", TextEncoding::kWindows1258},
      {"CP1258", TextEncoding::kWindows1258}, {"tcvn3", TextEncoding::kTcvn3},
      {"ABC", TextEncoding::kTcvn3},          {"Vni", TextEncoding::kVni},
  };
  for (const auto& [name, expected] : kNames) {
    Result<TextEncoding> parsed = ParseEncodingName(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, expected) << name;
  }
}

TEST(ParseEncodingNameTest, RejectsUnknownNamesListingTheAcceptedOnes) {
  for (const char* name : {"latin1", "", "utf-32", "viscii", "tcvn", " utf-8"}) {
    Result<TextEncoding> parsed = ParseEncodingName(name);
    ASSERT_FALSE(parsed.has_value()) << name;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
    for (const char* accepted :
         {"utf-8", "utf-16", "utf-16be", "windows-1258", "cp1258", "tcvn3", "abc", "vni"}) {
      EXPECT_NE(parsed.error().message_en.find(accepted), std::string::npos) << accepted;
      EXPECT_NE(parsed.error().message_vi.find(accepted), std::string::npos) << accepted;
    }
    EXPECT_NE(parsed.error().message_vi.find("bảng mã"), std::string::npos);
  }
}

TEST(EncodingNameTest, CanonicalNamesParseBack) {
  const std::pair<TextEncoding, const char*> kCanonical[] = {
      {TextEncoding::kUtf8, "utf-8"},       {TextEncoding::kUtf16Le, "utf-16le"},
      {TextEncoding::kUtf16Be, "utf-16be"}, {TextEncoding::kWindows1258, "windows-1258"},
      {TextEncoding::kTcvn3, "tcvn3"},      {TextEncoding::kVni, "vni"},
  };
  for (const auto& [encoding, name] : kCanonical) {
    EXPECT_EQ(EncodingName(encoding), name);
    Result<TextEncoding> parsed = ParseEncodingName(EncodingName(encoding));
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, encoding);
  }
}

// ---- UTF-8 ----------------------------------------------------------------------------------

TEST(DecodeUtf8Test, KeepsNfcText) {
  EXPECT_EQ(DecodeOk(kAllTones, TextEncoding::kUtf8), kAllTones);
  EXPECT_EQ(DecodeOk("Nhà ngục Đắk Mil", TextEncoding::kUtf8), "Nhà ngục Đắk Mil");
}

TEST(DecodeUtf8Test, StripsByteOrderMark) {
  EXPECT_EQ(DecodeOk("\xEF\xBB\xBFĐàn đá Đắk Sơn", TextEncoding::kUtf8), "Đàn đá Đắk Sơn");
  EXPECT_EQ(DecodeOk("\xEF\xBB\xBF", TextEncoding::kUtf8), "");
}

TEST(DecodeUtf8Test, ComposesDecomposedInput) {
  // Marks as separate combining characters: a + U+0306 breve + U+0301 acute, a + U+0300 grave,
  // o + U+031B horn + U+0300 grave, and ư/ụ with the remaining mark in either order.
  EXPECT_EQ(DecodeOk("Đa\xCC\x86\xCC\x81k Mil", TextEncoding::kUtf8), "Đắk Mil");
  EXPECT_EQ(DecodeOk("Nha\xCC\x80 tho\xCC\x9B\xCC\x80", TextEncoding::kUtf8), "Nhà thờ");
  EXPECT_EQ(DecodeOk("Co\xCC\x82\xCC\x80ng chie\xCC\x82ng", TextEncoding::kUtf8), "Cồng chiêng");
  EXPECT_EQ(DecodeOk("\xC6\xB0\xCC\xA3 \xE1\xBB\xA5\xCC\x9B", TextEncoding::kUtf8), "ự ự");
}

TEST(DecodeUtf8Test, RejectsMalformedInputNamingTheOffset) {
  ExpectInvalidAt("\xC4\x90\xE1\xBA\xAFk\xFF", TextEncoding::kUtf8, 6);  // 0xFF after "Đắk"
  ExpectInvalidAt("ab\xC0\xAF", TextEncoding::kUtf8, 2);                 // overlong "/"
  ExpectInvalidAt("\xED\xA0\x80", TextEncoding::kUtf8, 0);               // encoded surrogate
  ExpectInvalidAt("S\xE1\xBB", TextEncoding::kUtf8, 1);                  // truncated "ử"
  ExpectInvalidAt("\xF4\x90\x80\x80", TextEncoding::kUtf8, 0);           // above U+10FFFF
  ExpectInvalidAt(kWindows1258Cases[0].bytes, TextEncoding::kUtf8, 3);   // Windows-1258 bytes
}

// ---- UTF-16 ---------------------------------------------------------------------------------

TEST(DecodeUtf16Test, DecodesBothByteOrdersWithBom) {
  EXPECT_EQ(
      DecodeOk(std::string_view("\xFF\xFE\x10\x01\xAF\x1E\x6B\x00", 8), TextEncoding::kUtf16Le),
      "Đắk");
  EXPECT_EQ(
      DecodeOk(std::string_view("\xFE\xFF\x01\x10\x1E\xAF\x00\x6B", 8), TextEncoding::kUtf16Be),
      "Đắk");
  EXPECT_EQ(DecodeOk(Utf16Bytes(kAllTones16, false, true), TextEncoding::kUtf16Le), kAllTones);
  EXPECT_EQ(DecodeOk(Utf16Bytes(kAllTones16, true, true), TextEncoding::kUtf16Be), kAllTones);
}

TEST(DecodeUtf16Test, DecodesWithoutBom) {
  EXPECT_EQ(DecodeOk(Utf16Bytes(u"Thác Đ'ray Sáp", false, false), TextEncoding::kUtf16Le),
            "Thác Đ'ray Sáp");
  EXPECT_EQ(DecodeOk(Utf16Bytes(u"Thác Đ'ray Sáp", true, false), TextEncoding::kUtf16Be),
            "Thác Đ'ray Sáp");
}

TEST(DecodeUtf16Test, DecodesSurrogatePairs) {
  // 𡨸 (U+21A38), the Nôm character for "chữ", outside the BMP.
  EXPECT_EQ(DecodeOk(std::string_view("\xFF\xFE\x46\xD8\x38\xDE", 6), TextEncoding::kUtf16Le),
            "\xF0\xA1\xA8\xB8");
}

TEST(DecodeUtf16Test, ComposesDecomposedInput) {
  EXPECT_EQ(DecodeOk(Utf16Bytes(u"Nha\u0300 ngu\u0323c", false, true), TextEncoding::kUtf16Le),
            "Nhà ngục");
}

TEST(DecodeUtf16Test, RejectsOddLengthAndUnpairedSurrogates) {
  ExpectInvalidAt(std::string_view("\xFF\xFE\x41\x00\x42", 5), TextEncoding::kUtf16Le, 4);
  Result<std::string> odd =
      DecodeToUtf8(std::string_view("\x41\x00\x42", 3), TextEncoding::kUtf16Le);
  ASSERT_FALSE(odd.has_value());
  EXPECT_NE(odd.error().message_en.find("odd"), std::string::npos);
  EXPECT_NE(odd.error().message_vi.find("lẻ"), std::string::npos);
  // High surrogate followed by "A", high surrogate at the end, and a lone low surrogate.
  ExpectInvalidAt(std::string_view("\xFF\xFE\x46\xD8\x41\x00", 6), TextEncoding::kUtf16Le, 2);
  ExpectInvalidAt(std::string_view("\x41\x00\x46\xD8", 4), TextEncoding::kUtf16Le, 2);
  ExpectInvalidAt(std::string_view("\x00\x41\xDE\x38\x00\x42", 6), TextEncoding::kUtf16Be, 2);
}

// ---- Windows-1258 ---------------------------------------------------------------------------

TEST(DecodeWindows1258Test, DecodesHeritageNamesToNfc) {
  for (const LegacyCase& c : kWindows1258Cases) {
    EXPECT_EQ(DecodeOk(c.bytes, TextEncoding::kWindows1258), c.utf8);
  }
}

TEST(DecodeWindows1258Test, AcceptsPrecomposedLettersToo) {
  // Windows' own converter uses the code page's few precomposed letters where they exist: à is
  // 0xE0, á is 0xE1; ắ has none and keeps a combining tone.
  EXPECT_EQ(DecodeOk("Nh\xE0 r\xF4ng \xD0\xE3\xECk Mil", TextEncoding::kWindows1258),
            "Nhà rông Đắk Mil");
  EXPECT_EQ(DecodeOk("Th\xE1p Ch\xE0m", TextEncoding::kWindows1258), "Tháp Chàm");
}

TEST(DecodeWindows1258Test, DecodesPunctuationAndCurrency) {
  EXPECT_EQ(DecodeOk("\x93Nh\xE0 r\xF4ng\x94 \x96 5.000\xFE", TextEncoding::kWindows1258),
            "“Nhà rông” – 5.000₫");
}

TEST(DecodeWindows1258Test, RejectsUndefinedBytesNamingTheOffset) {
  ExpectInvalidAt("abc\x81", TextEncoding::kWindows1258, 3);
  ExpectInvalidAt("\xD0\xE3\xECk \x8D", TextEncoding::kWindows1258, 5);
}

// ---- TCVN3 ----------------------------------------------------------------------------------

TEST(DecodeTcvn3Test, DecodesHeritageNames) {
  for (const LegacyCase& c : kTcvn3Cases) {
    EXPECT_EQ(DecodeOk(c.bytes, TextEncoding::kTcvn3), c.utf8);
  }
}

TEST(DecodeTcvn3Test, DecodesEveryLetterOfTheTable) {
  EXPECT_EQ(DecodeOk(kTcvn3LetterBytes, TextEncoding::kTcvn3), kTcvn3Letters);
  EXPECT_EQ(DecodeOk("\xA0", TextEncoding::kTcvn3), "\u00A0");
}

TEST(DecodeTcvn3Test, CapitalFontTextDecodesToLowercaseToneLetters) {
  // "ĐẮK LẮK" typed with a TCVN3 capital font (.VnTimeH): the toned capitals are stored as the
  // lowercase bytes, and nothing in the file says which font was used.
  EXPECT_EQ(DecodeOk("\xA7\xBEK L\xBEK", TextEncoding::kTcvn3), "ĐắK LắK");
}

TEST(DecodeTcvn3Test, ReadsUnassignedBytesAsWindows1252) {
  EXPECT_EQ(DecodeOk("\x93Nh\xB5 r\xABng\x94 \x96 12\xB0", TextEncoding::kTcvn3),
            "“Nhà rông” – 12°");
}

TEST(DecodeTcvn3Test, RejectsUndefinedBytesNamingTheOffset) {
  ExpectInvalidAt("ab\x8D", TextEncoding::kTcvn3, 2);
  ExpectInvalidAt("\xA7\xBEk\x81", TextEncoding::kTcvn3, 3);
}

// ---- VNI ------------------------------------------------------------------------------------

TEST(DecodeVniTest, DecodesHeritageNamesToNfc) {
  for (const LegacyCase& c : kVniCases) {
    EXPECT_EQ(DecodeOk(c.bytes, TextEncoding::kVni), c.utf8);
  }
}

TEST(DecodeVniTest, DecodesEveryLetterOfTheTable) {
  EXPECT_EQ(DecodeOk(kVniLetterBytes, TextEncoding::kVni), kVniLetters);
}

TEST(DecodeVniTest, DecodesCapitals) {
  EXPECT_EQ(DecodeOk("LA\xC2M \xD1O\xC0NG", TextEncoding::kVni), "LÂM ĐỒNG");
  EXPECT_EQ(DecodeOk("NHA\xD8 RO\xC2NG", TextEncoding::kVni), "NHÀ RÔNG");
  EXPECT_EQ(DecodeOk("S\xD6\xDB THI, NH\xD6\xD5NG NG\xD6\xD4\xD8I", TextEncoding::kVni),
            "SỬ THI, NHỮNG NGƯỜI");
  EXPECT_EQ(DecodeOk("\xD6\xD9 \xD4\xDB \xCD", TextEncoding::kVni), "Ứ Ở Í");
}

TEST(DecodeVniTest, TakesCaseFromTheBaseLetterNotTheDiacriticByte) {
  // Fonts disagree on which half of the table follows a capital; either reads the same.
  EXPECT_EQ(DecodeOk("A\xF9 a\xD9 O\xE1 o\xC1", TextEncoding::kVni), "Á á Ố ố");
}

TEST(DecodeVniTest, RejectsUndefinedBytesNamingTheOffset) {
  ExpectInvalidAt("\x90", TextEncoding::kVni, 0);
  ExpectInvalidAt("Nha\xF8\x9D", TextEncoding::kVni, 4);
}

// ---- Empty input ----------------------------------------------------------------------------

TEST(DecodeToUtf8Test, EmptyInputDecodesToEmptyText) {
  for (TextEncoding encoding :
       {TextEncoding::kUtf8, TextEncoding::kUtf16Le, TextEncoding::kUtf16Be,
        TextEncoding::kWindows1258, TextEncoding::kTcvn3, TextEncoding::kVni}) {
    EXPECT_EQ(DecodeOk("", encoding), "") << EncodingName(encoding);
  }
}

// ---- DetectEncoding -------------------------------------------------------------------------

TEST(DetectEncodingTest, ByteOrderMarksWin) {
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBFname_vi"), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(std::string_view("\xFF\xFEx\0", 4)), TextEncoding::kUtf16Le);
  EXPECT_EQ(DetectEncoding(std::string_view("\xFE\xFF\0a", 4)), TextEncoding::kUtf16Be);
  EXPECT_EQ(DetectEncoding(Utf16Bytes(kCsvA16, false, true)), TextEncoding::kUtf16Le);
  EXPECT_EQ(DetectEncoding(Utf16Bytes(kCsvA16, true, true)), TextEncoding::kUtf16Be);
  // A UTF-8 BOM in front of bytes that are not UTF-8 still says UTF-8; decoding then fails.
  EXPECT_EQ(DetectEncoding(std::string("\xEF\xBB\xBF") + std::string(kCsvAVni)),
            TextEncoding::kUtf8);
}

TEST(DetectEncodingTest, EmptyAndAsciiAreUtf8) {
  EXPECT_EQ(DetectEncoding(""), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding("name_vi,name_en\r\nDak Mil,Dak Mil Prison\r\n"), TextEncoding::kUtf8);
}

TEST(DetectEncodingTest, ValidUtf8IsUtf8) {
  EXPECT_EQ(DetectEncoding(kCsvA), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(kCsvB), TextEncoding::kUtf8);
  EXPECT_EQ(DetectEncoding(kAllTones), TextEncoding::kUtf8);
}

TEST(DetectEncodingTest, BomlessUtf16ByItsZeroBytes) {
  EXPECT_EQ(DetectEncoding(Utf16Bytes(kCsvA16, false, false)), TextEncoding::kUtf16Le);
  EXPECT_EQ(DetectEncoding(Utf16Bytes(kCsvA16, true, false)), TextEncoding::kUtf16Be);
  EXPECT_EQ(DecodeOk(Utf16Bytes(kCsvA16, false, false), TextEncoding::kUtf16Le), kCsvA);
}

struct DetectionCase {
  std::string_view bytes;
  TextEncoding encoding;
  std::string_view utf8;
};

TEST(DetectEncodingTest, TellsLegacyEncodingsOfShortCsvFilesApart) {
  const DetectionCase kCases[] = {
      {kCsvAWindows1258, TextEncoding::kWindows1258, kCsvA},
      {kCsvBWindows1258, TextEncoding::kWindows1258, kCsvB},
      {kCsvATcvn3, TextEncoding::kTcvn3, kCsvA},
      {kCsvBTcvn3, TextEncoding::kTcvn3, kCsvB},
      {kCsvAVni, TextEncoding::kVni, kCsvA},
      {kCsvBVni, TextEncoding::kVni, kCsvB},
  };
  for (const DetectionCase& c : kCases) {
    SCOPED_TRACE(EncodingName(c.encoding));
    EXPECT_EQ(DetectEncoding(c.bytes), c.encoding);
    EXPECT_EQ(DecodeOk(c.bytes, c.encoding), c.utf8);
  }
}

TEST(DetectEncodingTest, TellsLegacyEncodingsOfSingleSentencesApart) {
  for (const LegacyCase* cases : {kWindows1258Cases, kTcvn3Cases, kVniCases}) {
    const TextEncoding expected = cases == kWindows1258Cases ? TextEncoding::kWindows1258
                                  : cases == kTcvn3Cases     ? TextEncoding::kTcvn3
                                                             : TextEncoding::kVni;
    // The last case is the long all-tones sentence.
    EXPECT_EQ(DetectEncoding(cases[5].bytes), expected) << EncodingName(expected);
    // "Nhà ngục Đắk Mil" alone is 16 to 20 bytes.
    EXPECT_EQ(DetectEncoding(cases[0].bytes), expected) << EncodingName(expected);
  }
}

}  // namespace
}  // namespace disan
