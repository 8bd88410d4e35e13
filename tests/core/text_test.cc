#include "core/text.h"

#include <gtest/gtest.h>

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
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // a UTF-16 surrogate encoded in UTF-8
  EXPECT_TRUE(IsValidUtf8("Cồng chiêng"));
}

TEST(Text, CleanLineTrimsAndCollapsesSpaces) {
  EXPECT_EQ(CleanLine("  Nhà\u00A0ngục \t Đắk   Mil \n").value(), "Nhà ngục Đắk Mil");
  EXPECT_EQ(CleanLine("\u3000").value(), "");
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
