#include "core/text.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <random>

namespace disan {
namespace {

TEST(Text, NfcComposesDecomposedVietnamese) {
  // "Đắk" written as D-stroke + a + combining breve + combining acute + k.
  std::string nfd = "\xC4\x90" "a\xCC\x86\xCC\x81" "k";
  EXPECT_EQ(ToNfc(nfd).value(), "Đắk");
  EXPECT_EQ(ToNfc("Đắk Mil").value(), "Đắk Mil");
}

TEST(Text, InvalidUtf8IsRefused) {
  EXPECT_FALSE(ToNfc("abc\xC3"));
  EXPECT_FALSE(ToNfc("\xFF\xFE"));
  EXPECT_FALSE(ToNfc(std::string("a\0b", 3)));
  std::string bad = "abc\xC3";
  EXPECT_FALSE(ToNfcInPlace(bad));
  EXPECT_FALSE(CleanLineInPlace(bad));
  EXPECT_EQ(bad, "abc\xC3");                  // left as it was
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a UTF-16 surrogate encoded in UTF-8
  EXPECT_TRUE(IsValidUtf8("Cồng chiêng"));
}

// ICU's reading of UTF-8, one code point at a time, against which IsValidUtf8 is checked.
bool ReferenceIsValidUtf8(const std::string& text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c <= 0) return false;
  }
  return true;
}

TEST(Text, IsValidUtf8AgreesWithIcuOnEveryKindOfSequence) {
  // Bytes around every boundary of the well-formed ranges, in random runs of random lengths
  // (long runs of ASCII take the 8-byte path), cut anywhere.
  const std::vector<uint8_t> bytes = {0x00, 0x01, 0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                      0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                                      0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::mt19937 random(7);
  for (int n = 0; n < 200000; ++n) {
    std::string text;
    const int ascii_before = static_cast<int>(random() % 20);
    for (int k = 0; k < ascii_before; ++k) text += static_cast<char>('a' + random() % 26);
    const int count = static_cast<int>(random() % 5);
    for (int k = 0; k < count; ++k) text += static_cast<char>(bytes[random() % bytes.size()]);
    const int ascii_after = static_cast<int>(random() % 12);
    for (int k = 0; k < ascii_after; ++k) text += static_cast<char>('a' + random() % 26);
    ASSERT_EQ(IsValidUtf8(text), ReferenceIsValidUtf8(text)) << testing::PrintToString(text);
  }
  for (const char* good :
       {"Cồng chiêng", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF", "\xE0\xA0\x80"}) {
    EXPECT_TRUE(IsValidUtf8(good)) << good;
  }
  for (const char* bad :
       {"\xF4\x90\x80\x80", "\xC0\x80", "\xE0\x9F\xBF", "\xED\xBF\xBF", "abcdefgh\xC3"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
  EXPECT_FALSE(IsValidUtf8(std::string("abcdefg\0hijklmnop", 17)));
}

TEST(Text, CleanLineTrimsAndCollapsesSpaces) {
  EXPECT_EQ(CleanLine("  Nhà\u00A0ngục \t Đắk   Mil \n").value(), "Nhà ngục Đắk Mil");
  EXPECT_EQ(CleanLine("\u3000").value(), "");
}

// The straightforward UTF-16 forms of CleanLine and Fold, against which the fast paths (ASCII,
// and UTF-8 walked without conversion) are checked.
std::string ReferenceCleanLine(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString u = icu::Normalizer2::getNFCInstance(status)->normalize(
      icu::UnicodeString::fromUTF8(text), status);
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || c == 0xFEFF || u_iscntrl(c)) {
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

TEST(Text, FastPathsAgreeWithTheUtf16Forms) {
  // Pieces that exercise each branch: ASCII letters and punctuation, controls, Unicode spaces,
  // precomposed and decomposed Vietnamese, old-style tone placement, apostrophes, a BOM.
  const std::vector<std::string> pieces = {
      "a", "Z",      "9",      " ",      "\t",     "\n",     "\r",     "\x01",      "\x7F", "'",
      "-", ".",      " ",      "　",     "’",      "‐",      "﻿",    "Đ",         "đ",    "ắ",
      "ắ", "ồ",      "hoà",    "M'Nông", "Ê",      "ư",      "",     "Ｋ",        "ß",    "İ",
      "Σ", "\u00AD", "\u1680", "\u200B", "\u2028", "\u202F", "\u0600", "\U000E0001"};
  std::mt19937 random(42);
  for (int n = 0; n < 5000; ++n) {
    std::string text;
    const int count = static_cast<int>(random() % 9);
    for (int k = 0; k < count; ++k) text += pieces[random() % pieces.size()];
    ASSERT_EQ(CleanLine(text).value(), ReferenceCleanLine(text)) << text;
    std::string in_place = text;
    ASSERT_TRUE(CleanLineInPlace(in_place));
    ASSERT_EQ(in_place, ReferenceCleanLine(text)) << text;
    UErrorCode status = U_ZERO_ERROR;
    std::string nfc;
    icu::Normalizer2::getNFCInstance(status)
        ->normalize(icu::UnicodeString::fromUTF8(text), status)
        .toUTF8String(nfc);
    ASSERT_EQ(ToNfc(text).value(), nfc) << text;
    in_place = text;
    ASSERT_TRUE(ToNfcInPlace(in_place));
    ASSERT_EQ(in_place, nfc) << text;
  }
  // ASCII folding equals the ICU path's answer for every ASCII character.
  for (int c = 1; c < 128; ++c) {
    std::string ascii = "A" + std::string(1, static_cast<char>(c)) + "b";
    std::string via_icu = Fold(ascii + "é");  // the é forces the ICU path
    via_icu.resize(via_icu.size() - 1);            // drop its folded "e"
    while (!via_icu.empty() && via_icu.back() == ' ') via_icu.pop_back();
    ASSERT_EQ(Fold(ascii), via_icu) << c;
  }
}

TEST(Text, FoldRemovesCaseDiacriticsAndApostrophes) {
  EXPECT_EQ(Fold("Đắk Mil"), "dak mil");
  EXPECT_EQ(Fold("ĐẮK MIL"), "dak mil");
  EXPECT_EQ(Fold("M'Nông"), "mnong");
  EXPECT_EQ(Fold("M’Nông"), "mnong");
  EXPECT_EQ(Fold("Mnông"), "mnong");
  EXPECT_EQ(Fold("hoà"), Fold("hòa"));
  EXPECT_EQ(Fold("Quốc gia đặc biệt (điểm thành phần)"), "quoc gia dac biet diem thanh phan");
  EXPECT_EQ(Fold("\xFF"), "");
}

TEST(Text, Slugify) {
  EXPECT_EQ(Slugify("Nhà ngục Đắk Mil"), "nha-nguc-dak-mil");
  EXPECT_EQ(Slugify("  Thác Đ'ray Sáp!! "), "thac-dray-sap");
  EXPECT_EQ(Slugify("Hang C6-1"), "hang-c61");
}

TEST(Text, PercentEncode) {
  EXPECT_EQ(PercentEncode("đắk mil"), "%C4%91%E1%BA%AFk%20mil");
  EXPECT_EQ(PercentEncode("a-b.c_d~e"), "a-b.c_d~e");
  EXPECT_EQ(PercentEncode("&=?/#"), "%26%3D%3F%2F%23");
}

TEST(Text, SplitTrimmed) {
  EXPECT_EQ(SplitTrimmed("Cư Jút; Đắk Mil;; Tuy Đức ", ";"),
            (std::vector<std::string>{"Cư Jút", "Đắk Mil", "Tuy Đức"}));
  EXPECT_EQ(SplitTrimmed("a | b", " | "), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(SplitTrimmed("", ";").empty());
}

}  // namespace
}  // namespace disan
