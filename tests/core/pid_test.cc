#include "core/pid.h"

#include <gtest/gtest.h>

#include <set>

namespace disan {
namespace {

TEST(Pid, MintedIdentifiersParseAndHaveTheDocumentedShape) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string pid = MintPid("dn");
    ASSERT_EQ(pid.size(), 3 + kPidBodyLength + 1) << pid;
    ASSERT_EQ(pid.substr(0, 3), "dn-");
    for (char c : pid.substr(3)) ASSERT_NE(kPidAlphabet.find(c), std::string_view::npos) << pid;
    auto parsed = ParsePid(pid);
    ASSERT_TRUE(parsed) << pid;
    EXPECT_EQ(*parsed, pid);
    seen.insert(pid);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(Pid, AlphabetHasNoVowelsAndNoLookAlikes) {
  for (char c : std::string("aeiouyl")) EXPECT_EQ(kPidAlphabet.find(c), std::string_view::npos) << c;
  EXPECT_EQ(kPidAlphabet.size(), 29u);
}

TEST(Pid, EverySingleSubstitutionIsDetected) {
  std::string pid = PidFromBody("dn", "4kq8zx2b");
  for (size_t pos = 3; pos < pid.size(); ++pos) {
    for (char c : kPidAlphabet) {
      if (c == pid[pos]) continue;
      std::string typo = pid;
      typo[pos] = c;
      auto r = ParsePid(typo);
      ASSERT_FALSE(r) << typo;
      EXPECT_NE(r.error().message_en.find("check character"), std::string::npos);
      EXPECT_NE(r.error().message_vi.find("ký tự kiểm tra"), std::string::npos);
    }
  }
}

TEST(Pid, EveryAdjacentTranspositionIsDetected) {
  for (std::string body : {"4kq8zx2b", "0123bcdf", "zzzz0000", "m9n8p7q6"}) {
    std::string pid = PidFromBody("dn", body);
    for (size_t pos = 3; pos + 1 < pid.size(); ++pos) {
      if (pid[pos] == pid[pos + 1]) continue;
      std::string swapped = pid;
      std::swap(swapped[pos], swapped[pos + 1]);
      EXPECT_FALSE(ParsePid(swapped)) << pid << " -> " << swapped;
    }
  }
}

TEST(Pid, ParsingIsCaseInsensitiveAndReadsLookAlikes) {
  std::string pid = PidFromBody("dn", "1k0q8zx2");
  std::string upper = pid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(ParsePid(upper).value(), pid);
  std::string looks = pid;
  looks[3] = 'l';  // 1 typed as l
  looks[5] = 'O';  // 0 typed as O
  EXPECT_EQ(ParsePid(looks).value(), pid);
  EXPECT_EQ(ParsePid("  " + pid + "\n").value(), pid);
}

TEST(Pid, MalformedInputIsRefusedWithAShapeMessage) {
  for (std::string bad : {"", "dn", "dn-", "dn-123", "dn-1234567890", "-12345678b", "d-12345678b",
                          "dn_12345678b", "dn-1234567a9", "đn-12345678b", "dn-12345678b\x01"}) {
    auto r = ParsePid(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message_en.find("not a persistent identifier"), std::string::npos) << bad;
  }
  EXPECT_FALSE(ParsePid(std::string(10000, 'x')));
}

TEST(Pid, TheDocumentedExampleIsValid) {
  EXPECT_EQ(ParsePid("dn-4kq8zx2bv").value(), "dn-4kq8zx2bv");  // README, docs/identifiers.md
}

TEST(Pid, NamespaceRules) {
  EXPECT_TRUE(ValidatePidNamespace("dn"));
  EXPECT_TRUE(ValidatePidNamespace("ldg68"));
  EXPECT_FALSE(ValidatePidNamespace("d"));
  EXPECT_FALSE(ValidatePidNamespace("DN"));
  EXPECT_FALSE(ValidatePidNamespace("6dn"));
  EXPECT_FALSE(ValidatePidNamespace("dn-x"));
  EXPECT_FALSE(ValidatePidNamespace("abcdefghijklmnopq"));
}

}  // namespace
}  // namespace disan
