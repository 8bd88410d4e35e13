// Images through libvips: header probes (dimensions, EXIF, GPS, XMP GPano, the decompression-bomb
// guard), derivatives (pyramid and thumbnail), pyramid levels, and stored tiles passed through
// byte for byte that decode to the same pixels as the decoded path.
#include <gtest/gtest.h>

#include <filesystem>
#include <vips/vips.h>

// After vips.h: it uses what vips.h defines.
#include <vips/vector.h>

#include "media/derive/derivatives.h"
#include "media/derive/image_probe.h"
#include "media/iiif/image_service.h"
#include "media/iiif/pyramid.h"
#include "support/images.h"
#include "support/test_support.h"

namespace disan::media {
namespace {

namespace fs = std::filesystem;

std::string Write(const testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  testing::WriteFile(dir.File(name), bytes);
  return dir.File(name);
}

// The largest difference of any pixel of two images of the same size.
double MaxDifference(const vips::VImage& a, const vips::VImage& b) {
  return (a.cast(VIPS_FORMAT_INT) - b.cast(VIPS_FORMAT_INT)).abs().max();
}
double MeanDifference(const vips::VImage& a, const vips::VImage& b) {
  return (a.cast(VIPS_FORMAT_INT) - b.cast(VIPS_FORMAT_INT)).abs().avg();
}

vips::VImage Decode(const std::string& bytes) {
  // Decoded now: libvips reads buffers lazily and the bytes may be a temporary.
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "").copy_memory();
}

TEST(ImageProbe, LibvipsRunsWithoutRunTimeCompiledVectorCode) {
  // liborc's code is freed unsafely across threads: the server crashed under sustained IIIF
  // load with it on (image_probe.cc, StartVips).
  StartVips();
  EXPECT_FALSE(vips_vector_isenabled());
}

TEST(ImageProbe, ReadsDimensionsAndColourFromTheHeader) {
  testing::TempDir dir;
  auto t = ProbeImage(Write(dir, "a.jpg", testing::PictureJpeg(640, 480)));
  ASSERT_TRUE(t) << t.error().Describe();
  EXPECT_EQ((*t)["width"], 640);
  EXPECT_EQ((*t)["height"], 480);
  EXPECT_EQ((*t)["bands"], 3);
  EXPECT_EQ((*t)["format"], "uchar");
  EXPECT_EQ((*t)["bit_depth"], 8);
  EXPECT_EQ((*t)["colour_space"], "srgb");
  EXPECT_EQ((*t)["panorama"], false);
  EXPECT_EQ((*t)["panorama_candidate"], false);
  EXPECT_FALSE(t->contains("gps"));
  // 16-bit PNG.
  std::string png16 = testing::Encoded(
      testing::Picture(64, 32).colourspace(VIPS_INTERPRETATION_RGB16).pngsave_buffer());
  t = ProbeImage(Write(dir, "b.png", png16));
  ASSERT_TRUE(t) << t.error().Describe();
  EXPECT_EQ((*t)["bit_depth"], 16);
  EXPECT_EQ((*t)["colour_space"], "rgb16");
}

TEST(ImageProbe, ReadsExifCaptureDateGpsAndXmpPanorama) {
  testing::TempDir dir;
  vips::VImage img = testing::Picture(4000, 2000).copy();
  img.set("exif-ifd2-DateTimeOriginal", "2024:03:15 08:30:05");
  img.set("exif-ifd3-GPSLatitude", "12/1 0/1 1800/100");
  img.set("exif-ifd3-GPSLatitudeRef", "N");
  img.set("exif-ifd3-GPSLongitude", "107/1 41/1 0/1");
  img.set("exif-ifd3-GPSLongitudeRef", "E");
  std::string xmp =
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
      "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
      "xmlns:GPano=\"http://ns.google.com/photos/1.0/panorama/\" "
      "GPano:ProjectionType=\"equirectangular\"/></rdf:RDF></x:xmpmeta>";
  vips_image_set_blob_copy(img.get_image(), "xmp-data", xmp.data(), xmp.size());
  std::string path = Write(dir, "pano.jpg", testing::Encoded(img.jpegsave_buffer()));
  auto t = ProbeImage(path);
  ASSERT_TRUE(t) << t.error().Describe();
  EXPECT_EQ((*t)["capture_date"], "2024-03-15T08:30:05");
  ASSERT_TRUE(t->contains("gps")) << t->dump();
  EXPECT_NEAR((*t)["gps"]["lat"].get<double>(), 12.005, 1e-6);
  EXPECT_NEAR((*t)["gps"]["lon"].get<double>(), 107.683333, 1e-5);
  EXPECT_EQ((*t)["panorama"], true);
  EXPECT_EQ((*t)["panorama_candidate"], true);
  // 2:1 without GPano: a candidate only.
  t = ProbeImage(Write(dir, "wide.jpg", testing::PictureJpeg(4000, 2000)));
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["panorama"], false);
  EXPECT_EQ((*t)["panorama_candidate"], true);
}

TEST(ImageProbe, ExifParsersRefuseMalformedValues) {
  EXPECT_EQ(ParseExifDate("2021:05:06 10:11:12 (2021:05:06 10:11:12, ASCII, 20 components)"),
            "2021-05-06T10:11:12");
  EXPECT_EQ(ParseExifDate("0000:00:00 00:00:00"), "");
  EXPECT_EQ(ParseExifDate("garbage"), "");
  EXPECT_EQ(ParseExifDate("2021:13:06 10:11:12"), "");
  EXPECT_NEAR(*ParseExifDegrees("12/1 30/1 0/1 (12, 30, 0, Rational)", "S (S, ASCII)"), -12.5,
              1e-9);
  EXPECT_FALSE(ParseExifDegrees("12/0 30/1 0/1", "N"));
  EXPECT_FALSE(ParseExifDegrees("12/1 30/1", "N"));
  EXPECT_FALSE(ParseExifDegrees("12/1 30/1 0/1", "Q"));
  EXPECT_FALSE(ParseExifDegrees("999/1 0/1 0/1", "E"));
}

TEST(ImageProbe, RefusesADecompressionBombFromItsHeaderAlone) {
  testing::TempDir dir;
  std::string bomb = Write(dir, "bomb.png", testing::BombPng(100000, 100000));
  auto t = ProbeImage(bomb);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kTooLarge) << t.error().Describe();
  EXPECT_NE(t.error().message_en.find("100000 × 100000"), std::string::npos);
  EXPECT_FALSE(t.error().message_vi.empty());
  ASSERT_EQ(t.error().fields.size(), 1u);
  EXPECT_EQ(t.error().fields[0].path, "file");
  // The limit is configurable.
  std::string small = Write(dir, "small.jpg", testing::PictureJpeg(300, 200));
  EXPECT_TRUE(ProbeImage(small, {60000}));
  EXPECT_EQ(ProbeImage(small, {59999}).error().code, ErrorCode::kTooLarge);
}

TEST(ImageProbe, UnreadableHeadersAreInvalid) {
  testing::TempDir dir;
  for (const std::string& bytes : {std::string("\xff\xd8\xff\xe0garbage", 11), std::string(),
                                   std::string("MZ\x90\x00 this is not an image", 26)}) {
    auto t = ProbeImage(Write(dir, "x.jpg", bytes));
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(t.error().fields.at(0).path, "file");
  }
}

class DerivativesTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  Derivatives derivatives_{dir_.path() / "derivatives"};
};

TEST_F(DerivativesTest, MakesAPyramidAndAThumbnail) {
  std::string master = Write(dir_, "m.jpg", testing::PictureJpeg(3000, 2000));
  ASSERT_TRUE(derivatives_.MakeImage("dn-a", master, {}));
  EXPECT_TRUE(derivatives_.Has("dn-a"));
  vips::VImage thumb = vips::VImage::new_from_file(derivatives_.Thumbnail("dn-a").c_str());
  EXPECT_EQ(thumb.width(), 400);
  EXPECT_EQ(thumb.height(), 267);
  auto p = iiif::Pyramid::Open(derivatives_.Pyramid("dn-a").string());
  ASSERT_TRUE(p) << p.error().Describe();
  const auto& levels = (*p)->levels();
  ASSERT_GE(levels.size(), 4u);
  EXPECT_EQ(levels[0].width, 3000);
  EXPECT_EQ(levels[0].height, 2000);
  EXPECT_EQ(levels[1].width, 1500);
  for (const auto& level : levels) {
    EXPECT_EQ(level.tile_width, 256);
    EXPECT_EQ(level.tile_height, 256);
    EXPECT_TRUE(level.jpeg_passthrough);
  }
  // Made again: replaced whole, nothing left beside it.
  ASSERT_TRUE(derivatives_.MakeImage("dn-a", master, {}));
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(derivatives_.root())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  ASSERT_TRUE(derivatives_.Remove("dn-a"));
  EXPECT_FALSE(derivatives_.Has("dn-a"));
}

TEST_F(DerivativesTest, TruncatedAndCorruptImagesFailAndLeaveNothing) {
  std::string jpeg = testing::PictureJpeg(1200, 900);
  std::string truncated = Write(dir_, "t.jpg", jpeg.substr(0, jpeg.size() / 2));
  Status s = derivatives_.MakeImage("dn-t", truncated, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid) << s.error().Describe();
  EXPECT_FALSE(s.error().message_vi.empty());
  std::string corrupt_bytes = jpeg;
  for (size_t i = 700; i < corrupt_bytes.size() - 2; i += 97) corrupt_bytes[i] = '\xff';
  std::string corrupt = Write(dir_, "c.jpg", corrupt_bytes);
  EXPECT_FALSE(derivatives_.MakeImage("dn-c", corrupt, {}));
  std::string bomb = Write(dir_, "bomb.png", testing::BombPng(100000, 100000));
  s = derivatives_.MakeImage("dn-b", bomb, {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kTooLarge);
  EXPECT_FALSE(derivatives_.Has("dn-t"));
  EXPECT_FALSE(derivatives_.Has("dn-c"));
  EXPECT_FALSE(derivatives_.Has("dn-b"));
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(derivatives_.root(), ec)) {
    ADD_FAILURE() << "left behind: " << e.path();
  }
}

TEST_F(DerivativesTest, StoredTilesDecodeToTheSamePixelsAsTheDecodedPath) {
  std::string master = Write(dir_, "m.jpg", testing::PictureJpeg(2000, 1500));
  ASSERT_TRUE(derivatives_.MakeImage("dn-p", master, {}));
  auto p = iiif::Pyramid::Open(derivatives_.Pyramid("dn-p").string());
  ASSERT_TRUE(p);
  const iiif::Pyramid& pyramid = **p;
  struct Case {
    size_t level;
    int64_t tx, ty;
  };
  for (const Case& c : {Case{0, 0, 0}, Case{0, 3, 2}, Case{1, 1, 1}, Case{2, 0, 0}}) {
    Result<std::string> tile = pyramid.JpegTile(c.level, c.tx, c.ty);
    ASSERT_TRUE(tile) << tile.error().Describe();
    ASSERT_GE(tile->size(), 4u);
    EXPECT_EQ(tile->substr(0, 2), "\xff\xd8");
    EXPECT_EQ(tile->substr(6, 5), std::string("JFIF\0", 5));
    vips::VImage direct = Decode(*tile);
    ASSERT_EQ(direct.width(), 256);
    ASSERT_EQ(direct.height(), 256);
    // The decoded path: the same region read through libvips and encoded again.
    iiif::ResolvedRequest r;
    int64_t s = int64_t{1} << c.level;
    r.x = c.tx * 256 * s;
    r.y = c.ty * 256 * s;
    r.w = r.h = 256 * s;
    r.out_w = r.out_h = 256;
    Result<std::string> rendered = iiif::RenderFromPyramid(pyramid, r);
    ASSERT_TRUE(rendered) << rendered.error().Describe();
    vips::VImage decoded = Decode(*rendered);
    EXPECT_LE(MeanDifference(direct, decoded), 2.0);
    EXPECT_LE(MaxDifference(direct, decoded), 48.0);
    // And both near the master itself.
    vips::VImage original = vips::VImage::new_from_file(master.c_str())
                                .extract_area(static_cast<int>(r.x), static_cast<int>(r.y),
                                              static_cast<int>(r.w), static_cast<int>(r.h));
    if (s == 1) {
      EXPECT_LE(MeanDifference(direct, original), 4.0);
    }
  }
  // Outside the level, or on a level that cannot pass through: refused, not guessed.
  EXPECT_FALSE(pyramid.JpegTile(0, 100, 0));
  EXPECT_FALSE(pyramid.JpegTile(99, 0, 0));
}

TEST_F(DerivativesTest, APyramidThatIsNotATiffIsCorrupt) {
  std::string path = Write(dir_, "p.tif", "II*\0 not really a tiff");
  auto p = iiif::Pyramid::Open(path);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(iiif::Pyramid::Open(dir_.File("missing.tif")).error().code, ErrorCode::kNotFound);
}

TEST(ResponseCache, StaysWithinItsBoundLeastRecentlyUsedFirst) {
  testing::TempDir dir;
  iiif::ResponseCache cache(dir.path() / "c", 1000);
  cache.Put("a", std::string(200, 'a'));
  cache.Put("b", std::string(200, 'b'));
  cache.Put("c", std::string(200, 'c'));
  ASSERT_TRUE(cache.Get("a"));  // a is now the most recent
  cache.Put("d", std::string(200, 'd'));
  cache.Put("e", std::string(200, 'e'));
  cache.Put("f", std::string(200, 'f'));
  EXPECT_LE(cache.bytes(), 1000u);
  EXPECT_EQ(cache.Get("a").value_or(""), std::string(200, 'a'));
  EXPECT_FALSE(cache.Get("b"));
  EXPECT_EQ(cache.Get("f").value_or(""), std::string(200, 'f'));
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path() / "c")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, cache.entries());
  // Entries too large for the bound are not kept; the cache reopens with what is on disk.
  cache.Put("huge", std::string(600, 'h'));
  EXPECT_FALSE(cache.Get("huge"));
  iiif::ResponseCache reopened(dir.path() / "c", 1000);
  EXPECT_EQ(reopened.entries(), cache.entries());
  EXPECT_EQ(reopened.Get("f").value_or(""), std::string(200, 'f'));
}

}  // namespace
}  // namespace disan::media
