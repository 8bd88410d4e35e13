// The RFC 9530 digest fields an uploader may send: what is read, what is refused.
#include "http/content_digest.h"

#include <gtest/gtest.h>

#include "preservation/digest.h"

namespace disan::http {
namespace {

// sha-256 and sha-512 of "hello world", as RFC 9530's examples write them.
constexpr const char* kHello256 =
    "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
constexpr const char* kHello256B64 = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=";

TEST(ContentDigest, ReadsRfc9530Dictionaries) {
  auto one = ParseContentDigest(std::string("sha-256=:") + kHello256B64 + ":", "Content-Digest");
  ASSERT_TRUE(one) << one.error().Describe();
  EXPECT_EQ(one->hex.at("sha-256"), kHello256);

  preservation::DigestPair pair;
  pair.Update("hello world", 11);
  preservation::Digests d = pair.Finish();
  std::string both = FormatContentDigest({{"sha-256", d.sha256}, {"sha-512", d.sha512}});
  EXPECT_EQ(both.substr(0, 54), std::string("sha-256=:") + kHello256B64 + ":");
  auto parsed = ParseContentDigest(both, "Content-Digest");
  ASSERT_TRUE(parsed) << parsed.error().Describe();
  EXPECT_EQ(parsed->hex.at("sha-512"), d.sha512);

  // Whitespace, unpadded base64, parameters and deprecated algorithms next to a checked one.
  auto loose =
      ParseContentDigest(std::string("  md5=:AAAAAAAAAAAAAAAAAAAAAA==:,sha-256=:") +
                             std::string(kHello256B64).substr(0, 43) + ":;p=1 ,  unixsum=:AAAA:",
                         "Repr-Digest");
  ASSERT_TRUE(loose) << loose.error().Describe();
  EXPECT_EQ(loose->hex.size(), 1u);
  EXPECT_EQ(loose->hex.at("sha-256"), kHello256);
}

TEST(ContentDigest, RefusesMalformedValuesNamingTheField) {
  const std::string good = std::string("sha-256=:") + kHello256B64 + ":";
  for (const std::string& bad :
       {std::string(""), std::string("   "), std::string("sha-256"), std::string("sha-256="),
        std::string("sha-256=abc"), std::string("sha-256=:!!!!:"), std::string("sha-256=:uU0n"),
        std::string("SHA-256=:") + kHello256B64 + ":", std::string("sha-256=:AAAA:"), good + ",",
        good + ", " + good, good + " x", std::string("md5=:AAAAAAAAAAAAAAAAAAAAAA==:"),
        std::string("sha-256=:") + std::string(5000, 'A') + ":", std::string("sha-256=:A:"),
        std::string("sha-256=:\0AAA:", 13), std::string("1sha=:AAAA:")}) {
    auto r = ParseContentDigest(bad, "Content-Digest");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    ASSERT_EQ(r.error().fields.size(), 1u);
    EXPECT_EQ(r.error().fields[0].path, "Content-Digest");
    EXPECT_FALSE(r.error().fields[0].message_vi.empty());
  }
}

}  // namespace
}  // namespace disan::http
