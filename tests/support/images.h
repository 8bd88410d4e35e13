// Real images for the image tests, made with libvips in memory: deterministic photo-like
// pictures (colour gradients with texture), and a PNG declaring any size with valid CRCs.
#pragma once

#include <cstdint>
#include <string>
#include <vips/vips8>

#include "media/derive/image_probe.h"
#include "support/media_samples.h"

namespace disan::testing {

// A width x height sRGB picture: smooth colour ramps plus a fine checker, so that JPEG tiles
// differ from each other and decoding errors show.
inline vips::VImage Picture(int width, int height) {
  media::StartVips();
  vips::VImage xy = vips::VImage::xyz(width, height);
  vips::VImage x = xy[0], y = xy[1];
  vips::VImage r = (x * 255.0 / width);
  vips::VImage g = (y * 255.0 / height);
  vips::VImage b = ((x + y) % 64) * 2 + 64;
  return r.bandjoin(g)
      .bandjoin(b)
      .cast(VIPS_FORMAT_UCHAR)
      .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

inline std::string Encoded(VipsBlob* blob) {
  size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string out(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return out;
}

// Encoded image bytes decoded now: libvips reads buffers lazily and `bytes` may be a temporary.
inline vips::VImage Decode(const std::string& bytes) {
  return vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "").copy_memory();
}

inline std::string PictureJpeg(int width, int height, int quality = 90) {
  return Encoded(Picture(width, height).jpegsave_buffer(vips::VImage::option()->set("Q", quality)));
}

inline std::string PicturePng(int width, int height) {
  return Encoded(Picture(width, height).pngsave_buffer());
}

inline uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xffffffff;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// A well-formed PNG that declares width x height pixels of 8-bit RGB but holds almost no data:
// the decompression bomb. Its chunks have correct CRCs, so a loader trusts the header.
inline std::string BombPng(uint32_t width, uint32_t height) {
  auto chunk = [](const std::string& type, const std::string& data) {
    return BigEndian(data.size(), 4) + type + data + BigEndian(Crc32(type + data), 4);
  };
  std::string ihdr =
      BigEndian(width, 4) + BigEndian(height, 4) + std::string("\x08\x02\x00\x00\x00", 5);
  // A tiny zlib stream (stored block of one byte) for IDAT.
  std::string idat("\x78\x01\x01\x01\x00\xfe\xff\x00\x00\x01\x00\x01", 12);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", idat) +
         chunk("IEND", "");
}

}  // namespace disan::testing
