// The IIIF Image API 3.0 request grammar and its resolution, as pure functions: every form of
// every segment, and every way a request can be refused (400 or 501), without any image.
#include <gtest/gtest.h>

#include "media/iiif/request.h"

namespace disan::media::iiif {
namespace {

constexpr Limits kLimits{10000, 10000, 40'000'000};

Parsed<ResolvedRequest> Ask(const std::string& region, const std::string& size,
                            const std::string& rotation = "0",
                            const std::string& qf = "default.jpg", int64_t w = 6000,
                            int64_t h = 4000, Limits limits = kLimits) {
  Parsed<ImageRequest> req = ParseImageRequest(region, size, rotation, qf);
  if (!req) return std::unexpected(req.error());
  return Resolve(*req, w, h, limits);
}

std::string Canonical(const std::string& region, const std::string& size,
                      const std::string& rotation = "0", const std::string& qf = "default.jpg") {
  Parsed<ResolvedRequest> r = Ask(region, size, rotation, qf);
  return r ? r->canonical : "refused: " + r.error().error.message_en;
}

RefusalKind Refused(const std::string& region, const std::string& size,
                    const std::string& rotation = "0", const std::string& qf = "default.jpg") {
  Parsed<ResolvedRequest> r = Ask(region, size, rotation, qf);
  EXPECT_FALSE(r) << region << "/" << size << "/" << rotation << "/" << qf << " was accepted as "
                  << (r ? r->canonical : "");
  return r ? RefusalKind::kFailed : r.error().kind;
}

TEST(IiifRequest, Regions) {
  EXPECT_EQ(Canonical("full", "max"), "full/max/0/default.jpg");
  auto r = Ask("square", "max");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->x, 1000);
  EXPECT_EQ(r->y, 0);
  EXPECT_EQ(r->w, 4000);
  EXPECT_EQ(r->h, 4000);
  EXPECT_EQ(r->canonical, "1000,0,4000,4000/max/0/default.jpg");
  r = Ask("125,15,120,140", "max");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->canonical, "125,15,120,140/max/0/default.jpg");
  // Past the right and bottom edges: clipped to the image.
  r = Ask("5900,3900,500,500", "max");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->w, 100);
  EXPECT_EQ(r->h, 100);
  // Percentages.
  r = Ask("pct:10,20,50,25.5", "max");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->x, 600);
  EXPECT_EQ(r->y, 800);
  EXPECT_EQ(r->w, 3000);
  EXPECT_EQ(r->h, 1020);
  EXPECT_EQ(Canonical("pct:0,0,100,100", "max"), "full/max/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,6000,4000", "max"), "full/max/0/default.jpg");
}

TEST(IiifRequest, BadRegions) {
  for (const char* bad : {"",
                          "ful",
                          "FULL",
                          "1,2,3",
                          "1,2,3,4,5",
                          "a,b,c,d",
                          "-1,0,10,10",
                          "1.5,0,10,10",
                          "0,0,0,10",
                          "0,0,10,0",
                          "pct:0,0,0,10",
                          "pct:",
                          "pct:1,2,3",
                          "pct:-1,0,10,10",
                          "pct:101,0,10,10",
                          "pct:1e2,0,1,1",
                          "0,0,1234567890,10",
                          " 0,0,10,10",
                          "0,0,10,10 ",
                          "+1,0,10,10",
                          "0x10,0,10,10",
                          "1,,3,4"}) {
    EXPECT_EQ(Refused(bad, "max"), RefusalKind::kBadRequest) << "region '" << bad << "'";
  }
  // Starting outside the image.
  EXPECT_EQ(Refused("6000,0,10,10", "max"), RefusalKind::kBadRequest);
  EXPECT_EQ(Refused("0,4000,10,10", "max"), RefusalKind::kBadRequest);
  EXPECT_EQ(Refused("pct:100,0,10,10", "max"), RefusalKind::kBadRequest);
}

TEST(IiifRequest, Sizes) {
  EXPECT_EQ(Canonical("0,0,1000,500", "max"), "0,0,1000,500/max/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "500,"), "0,0,1000,500/500,250/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", ",100"), "0,0,1000,500/200,100/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "pct:50"), "0,0,1000,500/500,250/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "pct:12.5"), "0,0,1000,500/125,63/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "300,300"), "0,0,1000,500/300,300/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "!300,300"), "0,0,1000,500/300,150/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "!3000,3000"), "0,0,1000,500/max/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "1000,500"), "0,0,1000,500/max/0/default.jpg");
  // Enlarging with ^.
  EXPECT_EQ(Canonical("0,0,1000,500", "^2000,"), "0,0,1000,500/^2000,1000/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "^,1000"), "0,0,1000,500/^2000,1000/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "^pct:150"), "0,0,1000,500/^1500,750/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "^3000,600"), "0,0,1000,500/^3000,600/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "^!3000,3000"), "0,0,1000,500/^3000,1500/0/default.jpg");
  EXPECT_EQ(Canonical("0,0,1000,500", "^max"), "0,0,1000,500/^8944,4472/0/default.jpg");
  // ^ that does not enlarge is still fine.
  EXPECT_EQ(Canonical("0,0,1000,500", "^500,"), "0,0,1000,500/500,250/0/default.jpg");
}

TEST(IiifRequest, MaxRespectsTheLimits) {
  // 6000 x 4000 = 24 MP fits maxArea 40 MP; a 20000 x 15000 image does not fit maxWidth.
  auto r = Ask("full", "max", "0", "default.jpg", 20000, 15000);
  ASSERT_TRUE(r);
  EXPECT_LE(r->out_w, 10000);
  EXPECT_LE(r->out_h, 10000);
  EXPECT_LE(r->out_w * r->out_h, 40'000'000);
  EXPECT_EQ(r->canonical, "full/max/0/default.jpg");
  int64_t w = 0, h = 0;
  MaxSize(20000, 15000, {0, 0, 1'000'000}, w, h);
  EXPECT_LE(w * h, 1'000'000);
  EXPECT_GE(w * h, 990'000);
}

TEST(IiifRequest, BadSizes) {
  for (const char* bad :
       {"",     "MAX",   "maxx",          ",",       "10",     "10,,", ",10,",  "a,",       ",b",
        "!10,", "!,10",  "pct:",          "pct:abc", "pct:-5", "^",    "^^10,", "10,10,10", "-10,",
        "1.5,", "!-1,5", "pct:1.1234567", " 10,"}) {
    EXPECT_EQ(Refused("full", bad), RefusalKind::kBadRequest) << "size '" << bad << "'";
  }
  // Zero sizes.
  for (const char* zero : {"0,", ",0", "0,0", "0,10", "!0,10", "pct:0", "^0,"}) {
    EXPECT_EQ(Refused("full", zero), RefusalKind::kBadRequest) << zero;
  }
  // Enlarging without ^.
  for (const char* up : {"6001,", ",4001", "pct:101", "7000,4000", "6000,4001"}) {
    EXPECT_EQ(Refused("full", up), RefusalKind::kBadRequest) << up;
  }
  // Absurd sizes: refused, never allocated.
  for (const char* absurd :
       {"99999999,", "^99999999,", ",99999999", "^,99999999", "^99999999,99999999",
        "^!99999999,99999999", "999999999999999999999,", "^pct:99999999", "^pct:100000"}) {
    EXPECT_EQ(Refused("full", absurd), RefusalKind::kBadRequest) << absurd;
  }
  // Beyond maxWidth / maxArea even with ^.
  EXPECT_EQ(Refused("full", "^10001,"), RefusalKind::kBadRequest);
  EXPECT_EQ(Refused("full", "^7000,7000"), RefusalKind::kBadRequest);
}

TEST(IiifRequest, Rotation) {
  auto r = Ask("full", "600,", "90");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->degrees, 90);
  EXPECT_FALSE(r->mirror);
  EXPECT_EQ(r->canonical, "full/600,400/90/default.jpg");
  r = Ask("full", "600,", "!0");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->mirror);
  EXPECT_EQ(r->canonical, "full/600,400/!0/default.jpg");
  EXPECT_EQ(Canonical("full", "600,", "!22.5"), "full/600,400/!22.5/default.jpg");
  EXPECT_EQ(Canonical("full", "600,", "359.9"), "full/600,400/359.9/default.jpg");
  EXPECT_EQ(Canonical("full", "600,", "360"), "full/600,400/0/default.jpg");
  EXPECT_EQ(Canonical("full", "600,", "90.0"), "full/600,400/90/default.jpg");
  for (const char* bad :
       {"", "-90", "361", "360.1", "!!90", "90!", "a", "1e2", "9999999999", "90.", ".5", "0x5a"}) {
    EXPECT_EQ(Refused("full", "600,", bad), RefusalKind::kBadRequest) << "rotation '" << bad << "'";
  }
}

TEST(IiifRequest, QualitiesAndFormats) {
  EXPECT_EQ(Canonical("full", "600,", "0", "color.png"), "full/600,400/0/color.png");
  EXPECT_EQ(Canonical("full", "600,", "0", "gray.webp"), "full/600,400/0/gray.webp");
  EXPECT_EQ(Canonical("full", "600,", "0", "bitonal.jpg"), "full/600,400/0/bitonal.jpg");
  for (const char* unsupported : {"default.tif", "default.gif", "default.pdf", "default.jp2"}) {
    EXPECT_EQ(Refused("full", "600,", "0", unsupported), RefusalKind::kUnsupported) << unsupported;
  }
  for (const char* bad : {"default", "default.", ".jpg", "best.jpg", "Default.jpg", "default.JPG",
                          "default.jpeg", "default.exe", "gray.jpg.exe", "default.jpg/"}) {
    EXPECT_EQ(Refused("full", "600,", "0", bad), RefusalKind::kBadRequest) << bad;
  }
}

TEST(IiifRequest, RefusalsNameTheSegmentInBothLanguages) {
  Parsed<ResolvedRequest> r = Ask("full", "99999999,");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().error.fields.size(), 1u);
  EXPECT_EQ(r.error().error.fields[0].path, "size");
  EXPECT_FALSE(r.error().error.message_en.empty());
  EXPECT_NE(r.error().error.message_vi.find("kích thước"), std::string::npos);
  r = Ask("9000,0,10,10", "max");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().error.fields[0].path, "region");
  EXPECT_NE(r.error().error.message_vi.find("vùng ảnh"), std::string::npos);
}

TEST(IiifRequest, TileRequestsAsViewersMakeThem) {
  // OpenSeadragon: /{x},{y},{w},{h}/{ceil(w/s)},/0/default.jpg at scale factor s.
  auto r = Ask("1024,2048,1024,1024", "256,", "0", "default.jpg", 20000, 15000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out_w, 256);
  EXPECT_EQ(r->out_h, 256);
  EXPECT_EQ(r->canonical, "1024,2048,1024,1024/256,256/0/default.jpg");
  // An edge tile.
  r = Ask("19968,14848,32,152", "32,", "0", "default.jpg", 20000, 15000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out_w, 32);
  EXPECT_EQ(r->out_h, 152);
}

}  // namespace
}  // namespace disan::media::iiif
