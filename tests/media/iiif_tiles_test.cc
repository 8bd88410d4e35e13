// The IIIF decoded paths without libvips (issue #4, speed): edge tiles cropped losslessly from
// the stored tiles (TurboJPEG), regions decoded from the stored tiles they touch (TileCanvas,
// DCT-scaled when the level allows), compared with libvips decoding the same pyramid and with
// the master; damaged tiles give clear errors, never made-up pixels.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "media/derive/derivatives.h"
#include "media/iiif/image_service.h"
#include "media/iiif/jpeg_codec.h"
#include "media/iiif/pyramid.h"
#include "media/iiif/tile_canvas.h"
#include "support/images.h"
#include "support/test_support.h"

namespace disan::media::iiif {
namespace {

namespace fs = std::filesystem;
using testing::Decode;

double MaxDifference(const vips::VImage& a, const vips::VImage& b) {
  return (a.cast(VIPS_FORMAT_INT) - b.cast(VIPS_FORMAT_INT)).abs().max();
}
double MeanDifference(const vips::VImage& a, const vips::VImage& b) {
  return (a.cast(VIPS_FORMAT_INT) - b.cast(VIPS_FORMAT_INT)).abs().avg();
}

ResolvedRequest Resolved(const std::string& url, int64_t width, int64_t height) {
  // url: {region}/{size}/{rotation}/{quality}.{format}
  std::vector<std::string> parts;
  size_t at = 0;
  for (size_t slash; (slash = url.find('/', at)) != std::string::npos; at = slash + 1) {
    parts.push_back(url.substr(at, slash - at));
  }
  parts.push_back(url.substr(at));
  EXPECT_EQ(parts.size(), 4u) << url;
  auto request = ParseImageRequest(parts[0], parts[1], parts[2], parts[3]);
  EXPECT_TRUE(request) << url;
  auto resolved = Resolve(*request, width, height, {100000, 100000, 4'000'000'000});
  EXPECT_TRUE(resolved) << url;
  return *resolved;
}

// The request a deep-zoom viewer makes for tile (tx, ty) at scale factor s (the shared kit's
// tiles.lua): the span clipped to the image, ceil(w / s) wide.
std::string TileUrl(int64_t width, int64_t height, int64_t s, int64_t tx, int64_t ty) {
  const int64_t span = 256 * s, x = tx * span, y = ty * span;
  const int64_t w = std::min(span, width - x), h = std::min(span, height - y);
  return std::to_string(x) + "," + std::to_string(y) + "," + std::to_string(w) + "," +
         std::to_string(h) + "/" + std::to_string((w + s - 1) / s) + ",/0/default.jpg";
}

class IiifTilesTest : public ::testing::Test {
 protected:
  void Make(int width, int height) {
    master_ = dir_.File("m.jpg");
    testing::WriteFile(master_, testing::PictureJpeg(width, height));
    ASSERT_TRUE(derivatives_.MakeImage("dn-p", master_, {}));
    path_ = derivatives_.Pyramid("dn-p").string();
    auto p = Pyramid::Open(path_);
    ASSERT_TRUE(p) << p.error().Describe();
    pyramid_ = *p;
  }

  testing::TempDir dir_;
  Derivatives derivatives_{dir_.path() / "derivatives"};
  std::string master_, path_;
  std::shared_ptr<const Pyramid> pyramid_;
};

TEST_F(IiifTilesTest, EdgeTilesAreTheStoredTilesCroppedLosslessly) {
  Make(2000, 1500);
  const Pyramid& p = *pyramid_;
  const int64_t W = p.width(), H = p.height();
  int cropped = 0;
  for (size_t k = 0; k < 3; ++k) {
    const int64_t s = int64_t{1} << k, span = 256 * s;
    const int64_t last_x = (W - 1) / span, last_y = (H - 1) / span;
    struct Case {
      int64_t tx, ty;
      const char* what;
    };
    for (const Case& c : {Case{last_x, 0, "right edge"}, Case{0, last_y, "bottom edge"},
                          Case{last_x, last_y, "corner"}}) {
      const std::string url = TileUrl(W, H, s, c.tx, c.ty);
      SCOPED_TRACE(std::string(c.what) + " at scale " + std::to_string(s) + ": " + url);
      ResolvedRequest r = Resolved(url, W, H);
      Result<std::optional<std::string>> answer = StoredTile(p, r);
      ASSERT_TRUE(answer) << answer.error().Describe();
      ASSERT_TRUE(answer->has_value()) << "rendered, not cropped from the stored tile";
      vips::VImage got = Decode(**answer);
      ASSERT_EQ(got.width(), r.out_w);
      ASSERT_EQ(got.height(), r.out_h);
      ASSERT_TRUE(r.out_w < 256 || r.out_h < 256);
      // The stored tile decoded whole, then cropped: the same pixels (chroma upsampling at the
      // new edge may move the last column or row a little).
      Result<std::string> whole = p.JpegTile(k, c.tx, c.ty);
      ASSERT_TRUE(whole);
      vips::VImage reference =
          Decode(*whole).extract_area(0, 0, static_cast<int>(r.out_w), static_cast<int>(r.out_h));
      EXPECT_LE(MeanDifference(got, reference), 0.5);
      // Away from the new edge, exactly the stored pixels.
      if (r.out_w > 16 && r.out_h > 16) {
        const int iw = static_cast<int>(r.out_w) - 16, ih = static_cast<int>(r.out_h) - 16;
        EXPECT_EQ(
            MaxDifference(got.extract_area(0, 0, iw, ih), reference.extract_area(0, 0, iw, ih)),
            0.0);
      }
      // And the same picture as libvips decoding the pyramid for the same request.
      Result<std::string> rendered = RenderFromPyramid(p, r, LevelReader::kLibvips);
      ASSERT_TRUE(rendered) << rendered.error().Describe();
      EXPECT_LE(MeanDifference(got, Decode(*rendered)), 2.0);
      ++cropped;
    }
  }
  EXPECT_EQ(cropped, 9);
  // Whole tiles inside the image are still passed through byte for byte.
  ResolvedRequest inner = Resolved("256,256,256,256/256,/0/default.jpg", W, H);
  Result<std::optional<std::string>> stored = StoredTile(p, inner);
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ(**stored, *p.JpegTile(0, 1, 1));
  // Not tile-aligned, or at another size: no stored tile answers it.
  for (const char* url : {"1793,0,207,256/207,/0/default.jpg", "1792,0,208,256/100,/0/default.jpg",
                          "1792,0,200,256/200,/0/default.jpg"}) {
    Result<std::optional<std::string>> none = StoredTile(p, Resolved(url, W, H));
    ASSERT_TRUE(none) << url;
    EXPECT_FALSE(none->has_value()) << url;
  }
}

TEST_F(IiifTilesTest, CropRefusesSizesOutsideTheTileAndDamagedStreams) {
  std::string jpeg = testing::PictureJpeg(256, 256);
  Result<std::string> ok = CropJpegTopLeft(jpeg, 100, 37);
  ASSERT_TRUE(ok) << ok.error().Describe();
  vips::VImage img = Decode(*ok);
  EXPECT_EQ(img.width(), 100);
  EXPECT_EQ(img.height(), 37);
  for (auto [w, h] : {std::pair{0, 10}, std::pair{10, 0}, std::pair{257, 10}, std::pair{-1, 5}}) {
    Result<std::string> bad = CropJpegTopLeft(jpeg, w, h);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
    EXPECT_FALSE(bad.error().message_vi.empty());
  }
  // Truncated, garbage, empty, oversized claims: kCorrupt, in both languages.
  std::string damaged = jpeg;
  for (size_t i = damaged.size() / 3; i < damaged.size() - 2; i += 13) damaged[i] = '\0';
  for (const std::string& bytes : {jpeg.substr(0, jpeg.size() / 2), damaged,
                                   std::string("\xff\xd8\xff\xe0garbage", 11), std::string()}) {
    Result<std::string> bad = CropJpegTopLeft(bytes, 100, 100);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt) << bad.error().Describe();
    EXPECT_FALSE(bad.error().message_en.empty());
    EXPECT_FALSE(bad.error().message_vi.empty());
  }
}

TEST_F(IiifTilesTest, ADamagedStoredTileGivesAClearErrorNotMadeUpPixels) {
  Make(2000, 1500);
  // Level 0's right-edge tile (7, 0) and a tile inside, (1, 1), damaged in place: their entropy
  // data overwritten with 0xff from the middle on (a disk error, a torn write).
  const PyramidLevel& level = pyramid_->levels()[0];
  const int64_t across = (level.width + 255) / 256;
  int fd = ::open(path_.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  for (int64_t index : {int64_t{7}, across + 1}) {
    const uint64_t offset = level.offsets[static_cast<size_t>(index)];
    const uint64_t size = level.byte_counts[static_cast<size_t>(index)];
    std::string zeros(size / 2 - 2, '\xff');
    ASSERT_EQ(pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(offset + size / 2)),
              static_cast<ssize_t>(zeros.size()));
  }
  close(fd);
  auto reopened = Pyramid::Open(path_);
  ASSERT_TRUE(reopened);
  const Pyramid& p = **reopened;
  const int64_t W = p.width(), H = p.height();
  // The edge tile is cropped, so it is read: the damage is found.
  Result<std::optional<std::string>> edge = StoredTile(p, Resolved(TileUrl(W, H, 1, 7, 0), W, H));
  ASSERT_FALSE(edge);
  EXPECT_EQ(edge.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(edge.error().message_en.find("damaged"), std::string::npos) << edge.error().message_en;
  EXPECT_NE(edge.error().message_vi.find("bị hỏng"), std::string::npos);
  // A region over the damaged inner tile: decoded from the stored tiles, so refused too.
  for (const char* url :
       {"300,300,400,400/400,/0/default.jpg", "256,256,256,256/256,/0/gray.png"}) {
    Result<std::string> rendered = RenderFromPyramid(p, Resolved(url, W, H));
    ASSERT_FALSE(rendered) << url;
    EXPECT_EQ(rendered.error().code, ErrorCode::kCorrupt) << url;
    EXPECT_FALSE(rendered.error().message_vi.empty());
  }
  // Regions elsewhere are still served.
  Result<std::string> elsewhere =
      RenderFromPyramid(p, Resolved("1024,1024,512,256/256,/0/default.jpg", W, H));
  ASSERT_TRUE(elsewhere) << elsewhere.error().Describe();
  EXPECT_EQ(Decode(*elsewhere).width(), 256);
}

TEST_F(IiifTilesTest, RegionsFromStoredTilesMatchLibvipsAndTheMaster) {
  Make(3000, 2000);
  const Pyramid& p = *pyramid_;
  const int64_t W = p.width(), H = p.height();
  vips::VImage master = vips::VImage::new_from_file(master_.c_str());
  for (const char* url :
       {"1000,600,1024,1024/256,/0/default.jpg",     // a 1024 px region at scale 4
        "333,77,2048,1500/512,/0/default.jpg",       // unaligned, 1:1 with the level
        "333,77,1500,1100/600,/0/default.jpg",       // unaligned and reduced (resample.h)
        "full/1024,/0/default.jpg",                  // the whole image, resized
        "full/40,/0/default.png",                    // below the smallest level: DCT-scaled
        "pct:10,20,30,40/max/0/default.png",         // PNG, full resolution
        "2900,1900,100,100/50,/0/gray.jpg",          // the corner, gray
        "0,0,700,500/350,/90/bitonal.png",           // rotated, bitonal
        "500,500,600,600/300,/!45/default.webp"}) {  // mirrored, arbitrary rotation
    SCOPED_TRACE(url);
    ResolvedRequest r = Resolved(url, W, H);
    Result<std::string> fast = RenderFromPyramid(p, r);
    ASSERT_TRUE(fast) << fast.error().Describe();
    Result<std::string> slow = RenderFromPyramid(p, r, LevelReader::kLibvips);
    ASSERT_TRUE(slow) << slow.error().Describe();
    vips::VImage a = Decode(*fast), b = Decode(*slow);
    ASSERT_EQ(a.width(), b.width());
    ASSERT_EQ(a.height(), b.height());
    ASSERT_EQ(a.bands(), b.bands());
    const bool bitonal = std::string(url).find("bitonal") != std::string::npos;
    // DCT scaling (full/40) averages where libvips shrinks then filters: a little apart on the
    // fine checker; the master decides that it is no worse (below).
    EXPECT_LE(MeanDifference(a, b), bitonal ? 8.0 : r.out_w < 100 ? 3.0 : 1.5);
    // Against the master itself, for the plain requests: no further from it than libvips.
    if (r.degrees == 0 && !r.mirror && r.quality == Quality::kDefault) {
      vips::VImage want =
          master
              .extract_area(static_cast<int>(r.x), static_cast<int>(r.y), static_cast<int>(r.w),
                            static_cast<int>(r.h))
              .resize(double(r.out_w) / double(r.w),
                      vips::VImage::option()->set("vscale", double(r.out_h) / double(r.h)));
      ASSERT_EQ(want.width(), a.width());
      ASSERT_EQ(want.height(), a.height());
      const double fast_off =
          MeanDifference(a.extract_band(0, vips::VImage::option()->set("n", 3)), want);
      const double slow_off =
          MeanDifference(b.extract_band(0, vips::VImage::option()->set("n", 3)), want);
      EXPECT_LE(fast_off, slow_off + 0.5) << "libvips: " << slow_off;
      EXPECT_LE(fast_off, 10.0);
    }
  }
}

TEST_F(IiifTilesTest, ALongScrollReducedToOnePixelAcrossIsStillAnAverage) {
  // 40,000 x 16 asked 1 px wide: only the full level is 16 px high, so the reduction across
  // is 40,000-fold, where a 14-bit weight rounds to zero (kMaxReduction): libvips does it.
  Make(40000, 16);
  const Pyramid& p = *pyramid_;
  ResolvedRequest r = Resolved("full/1,16/0/default.png", p.width(), p.height());
  Result<std::string> fast = RenderFromPyramid(p, r);
  ASSERT_TRUE(fast) << fast.error().Describe();
  Result<std::string> slow = RenderFromPyramid(p, r, LevelReader::kLibvips);
  ASSERT_TRUE(slow) << slow.error().Describe();
  vips::VImage a = Decode(*fast), b = Decode(*slow);
  ASSERT_EQ(a.width(), 1);
  ASSERT_EQ(a.height(), 16);
  EXPECT_LE(MeanDifference(a, b), 2.0);
  // The red ramp across the picture averages to its middle, not to an edge.
  EXPECT_NEAR(a.extract_band(0).avg(), 127.5, 8.0);
}

TEST_F(IiifTilesTest, TileCanvasReadsOnlyTheTouchedTilesAndScalesInTheDctDomain) {
  Make(2000, 1500);
  const Pyramid& p = *pyramid_;
  const PyramidLevel& level = p.levels()[0];
  // An area inside one tile touches one tile; across a corner, four.
  EXPECT_EQ(CanvasPixels(level, 10, 10, 200, 200, 1), 256 * 256);
  EXPECT_EQ(CanvasPixels(level, 250, 250, 260, 260, 1), 4 * 256 * 256);
  EXPECT_EQ(CanvasPixels(level, 250, 250, 260, 260, 4), 4 * 64 * 64);
  vips::VImage stored = Decode(*p.JpegTile(0, 1, 1));
  for (int shrink : {1, 2, 4, 8}) {
    SCOPED_TRACE(shrink);
    Result<TileCanvas> c = DecodeArea(p, 0, 256, 256, 512, 512, shrink);
    ASSERT_TRUE(c) << c.error().Describe();
    EXPECT_EQ(c->width, 256 / shrink);
    EXPECT_EQ(c->bands, 3);
    EXPECT_EQ(c->area_w, 256 / shrink);
    vips::VImage img = vips::VImage::new_from_memory(c->pixels.get(), c->bytes, c->width, c->height,
                                                     c->bands, VIPS_FORMAT_UCHAR);
    // The stored tile, reduced the ordinary way: within JPEG tolerance of the DCT scaling.
    vips::VImage want = shrink == 1 ? stored : stored.shrink(shrink, shrink);
    EXPECT_LE(MeanDifference(img, want), shrink == 1 ? 0.01 : 3.0);
  }
  // Outside the level, empty, too large, or a bad scale: refused.
  EXPECT_EQ(DecodeArea(p, 0, 1990, 0, 2010, 10, 1).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(DecodeArea(p, 0, 10, 10, 10, 20, 1).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(DecodeArea(p, 0, 0, 0, 10, 10, 3).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(DecodeArea(p, 99, 0, 0, 10, 10, 1).error().code, ErrorCode::kInvalid);
  EXPECT_LE(CanvasPixels(level, 0, 0, level.width, level.height, 1), kMaxCanvasPixels);
}

}  // namespace
}  // namespace disan::media::iiif
