// ResampleDown (media/iiif/resample.h), the reduction rendered IIIF requests use instead of
// libvips' reduce: against a plain double-precision reading of its definition, against
// libvips itself, and the properties a viewer sees (flat stays flat, detail finer than the
// new size is averaged, not aliased).
#include "media/iiif/resample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "support/images.h"

namespace disan::media::iiif {
namespace {

struct Image {
  int width = 0, height = 0, bands = 0;
  size_t pitch = 0;  // may be wider than a row: the reduction must use it
  std::vector<uint8_t> bytes;
  uint8_t& at(int x, int y, int b) {
    return bytes[size_t(y) * pitch + size_t(x) * size_t(bands) + size_t(b)];
  }
  ConstPixels view() const { return {bytes.data(), width, height, bands, pitch}; }
};

Image Noise(int width, int height, int bands, unsigned seed) {
  Image im{width, height, bands, size_t(width * bands + 7), {}};
  im.bytes.resize(im.pitch * size_t(height));
  std::mt19937 random(seed);
  for (auto& b : im.bytes) b = static_cast<uint8_t>(random() & 255);
  return im;
}

uint8_t Out(const OwnedPixels& p, int x, int y, int b) {
  return p.data[(size_t(y) * size_t(p.width) + size_t(x)) * size_t(p.bands) + size_t(b)];
}

// The definition, read plainly: Lanczos with three lobes widened by the reduction, centred on
// each output pixel's centre in input coordinates, cut at the edges and summed to 1 again.
std::vector<std::vector<std::pair<int, double>>> Weights(int in_n, int out_n) {
  const double scale = double(in_n) / out_n, support = 3.0 * scale;
  auto lanczos3 = [](double x) {
    x = std::abs(x);
    if (x < 1e-12) return 1.0;
    if (x >= 3.0) return 0.0;
    const double px = std::numbers::pi * x;
    return 3.0 * std::sin(px) * std::sin(px / 3.0) / (px * px);
  };
  std::vector<std::vector<std::pair<int, double>>> all{size_t(out_n)};
  for (int o = 0; o < out_n; ++o) {
    const double centre = (o + 0.5) * scale;
    double sum = 0;
    for (int i = 0; i < in_n; ++i) {
      const double w = lanczos3((i + 0.5 - centre) / scale);
      if (w != 0.0 && std::abs(i + 0.5 - centre) < support) {
        all[size_t(o)].push_back({i, w});
        sum += w;
      }
    }
    for (auto& [i, w] : all[size_t(o)]) w /= sum;
  }
  return all;
}

TEST(Resample, EveryPixelIsTheFilterOfItsDefinitionWithinRounding) {
  // Sizes that are not multiples of the 16-row blocks, reductions from barely to 64-fold, one
  // to four bands, and a pitch wider than a row.
  struct Case {
    int in_w, in_h, out_w, out_h, bands;
  };
  for (Case c : {Case{40, 37, 33, 30, 3}, Case{64, 50, 8, 50, 1}, Case{50, 64, 50, 9, 4},
                 Case{17, 19, 16, 18, 2}, Case{100, 3, 7, 1, 3}, Case{5, 40, 1, 5, 3},
                 // The largest reductions it takes (kMaxReduction), along each axis.
                 Case{640, 4, 10, 4, 3}, Case{3, 1280, 3, 20, 1}}) {
    SCOPED_TRACE(::testing::Message() << c.in_w << "x" << c.in_h << " -> " << c.out_w << "x"
                                      << c.out_h << ", " << c.bands << " bands");
    Image in = Noise(c.in_w, c.in_h, c.bands, 7);
    OwnedPixels out = ResampleDown(in.view(), c.out_w, c.out_h);
    ASSERT_EQ(out.width, c.out_w);
    ASSERT_EQ(out.height, c.out_h);
    ASSERT_EQ(out.bands, c.bands);
    const auto wx = Weights(c.in_w, c.out_w), wy = Weights(c.in_h, c.out_h);
    int off_by_more = 0;
    for (int y = 0; y < c.out_h; ++y) {
      for (int x = 0; x < c.out_w; ++x) {
        for (int b = 0; b < c.bands; ++b) {
          // The reference rounds between the passes as the code does (rows, then columns).
          double value = 0;
          for (auto [i, u] : wx[size_t(x)]) {
            double column = 0;
            for (auto [j, v] : wy[size_t(y)]) column += v * in.at(i, j, b);
            value += u * std::clamp(std::round(column), 0.0, 255.0);
          }
          const double want = std::clamp(std::round(value), 0.0, 255.0);
          // 14-bit weights: at most one step apart on noise.
          if (std::abs(double(Out(out, x, y, b)) - want) > 1.0) ++off_by_more;
        }
      }
    }
    EXPECT_EQ(off_by_more, 0);
  }
}

TEST(Resample, FlatAreasStayExactlyFlat) {
  for (int bands : {1, 3, 4}) {
    Image in{301, 203, bands, size_t(301 * bands), {}};
    in.bytes.assign(in.pitch * 203, 0);
    for (int y = 0; y < 203; ++y) {
      for (int x = 0; x < 301; ++x) {
        for (int b = 0; b < bands; ++b) in.at(x, y, b) = static_cast<uint8_t>(b == 0 ? 255 : 37);
      }
    }
    OwnedPixels out = ResampleDown(in.view(), 97, 61);
    for (int y = 0; y < 61; ++y) {
      for (int x = 0; x < 97; ++x) {
        for (int b = 0; b < bands; ++b) {
          ASSERT_EQ(Out(out, x, y, b), b == 0 ? 255 : 37) << x << "," << y << " band " << b;
        }
      }
    }
  }
}

TEST(Resample, TheSameSizeIsACopy) {
  Image in = Noise(45, 23, 3, 3);
  OwnedPixels out = ResampleDown(in.view(), 45, 23);
  for (int y = 0; y < 23; ++y) {
    for (int x = 0; x < 45; ++x) {
      for (int b = 0; b < 3; ++b) ASSERT_EQ(Out(out, x, y, b), in.at(x, y, b));
    }
  }
}

TEST(Resample, DetailFinerThanTheNewSizeIsAveragedNotAliased) {
  // Alternate black and white columns reduced three-fold: a filter not widened by the
  // reduction would pick every third column (black, white, black, ...); the right one gives
  // grey everywhere.
  Image in{201, 20, 1, 201, std::vector<uint8_t>(201 * 20)};
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 201; ++x) in.at(x, y, 0) = x % 2 ? 255 : 0;
  }
  OwnedPixels out = ResampleDown(in.view(), 67, 20);
  for (int x = 3; x < 64; ++x) EXPECT_NEAR(Out(out, x, 10, 0), 127.5, 3.0) << x;
  // The same along rows (the other pass).
  Image rows{20, 201, 1, 20, std::vector<uint8_t>(20 * 201)};
  for (int y = 0; y < 201; ++y) {
    for (int x = 0; x < 20; ++x) rows.at(x, y, 0) = y % 2 ? 255 : 0;
  }
  OwnedPixels across = ResampleDown(rows.view(), 20, 67);
  for (int y = 3; y < 64; ++y) EXPECT_NEAR(Out(across, 10, y, 0), 127.5, 3.0) << y;
}

TEST(Resample, APictureReducedAsLibvipsReducesIt) {
  // libvips' resize with its default Lanczos3 kernel, on the photo-like test picture; the two
  // place pixel centres alike, and differ only where the edges are extended or cut.
  vips::VImage picture = testing::Picture(1250, 938).copy_memory();
  size_t bytes = 0;
  void* raw = picture.write_to_memory(&bytes);
  ConstPixels in{static_cast<const uint8_t*>(raw), 1250, 938, 3, 1250 * 3};
  OwnedPixels ours = ResampleDown(in, 1024, 768);
  vips::VImage theirs =
      picture.resize(1024.0 / 1250, vips::VImage::option()->set("vscale", 768.0 / 938));
  ASSERT_EQ(theirs.width(), 1024);
  ASSERT_EQ(theirs.height(), 768);
  vips::VImage mine = vips::VImage::new_from_memory(ours.data.get(), size_t(1024) * 768 * 3, 1024,
                                                    768, 3, VIPS_FORMAT_UCHAR);
  const vips::VImage inner = [](vips::VImage im) {
    return im.extract_area(4, 4, 1016, 760);
  }((mine.cast(VIPS_FORMAT_INT) - theirs.cast(VIPS_FORMAT_INT)).abs());
  EXPECT_LE(inner.avg(), 1.0);
  EXPECT_LE(inner.max(), 12.0);
  g_free(raw);
}

}  // namespace
}  // namespace disan::media::iiif
