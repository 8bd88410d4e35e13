// TileCanvas: the pixels of an area of one pyramid level, decoded straight from the stored JPEG
// tiles the area touches (and only those), optionally scaled down in the DCT domain by 1/2, 1/4
// or 1/8, into one buffer. This is how rendered IIIF requests read a JPEG-tiled level: no
// libvips pipeline over the TIFF, each tile decoded once by libjpeg-turbo (jpeg_codec.h).
//
// A value type; building one is thread-safe (the Pyramid is immutable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/error.h"
#include "media/iiif/pyramid.h"

namespace disan::media::iiif {

struct TileCanvas {
  // The touched tiles, row by row, `bands` bytes per pixel, `width` pixels per row; every byte
  // is written by a tile's decode, so the buffer is not cleared first.
  std::unique_ptr<uint8_t[]> pixels;
  size_t bytes = 0;
  int width = 0, height = 0, bands = 0;
  // The asked area inside `pixels`, in (scaled) canvas pixels.
  int area_x = 0, area_y = 0, area_w = 0, area_h = 0;
};

// The largest canvas DecodeArea builds, in pixels (about 48 MB in RGB); larger areas are read
// through libvips, which streams them.
constexpr int64_t kMaxCanvasPixels = int64_t{16} << 20;

// The canvas size DecodeArea would allocate for this area, in pixels.
int64_t CanvasPixels(const PyramidLevel& level, int64_t x, int64_t y, int64_t x2, int64_t y2,
                     int shrink);

// Decodes the area [x, x2) x [y, y2) of `level_index` (level pixels) scaled by 1/`shrink`
// (1, 2, 4 or 8). kInvalid when the level's tiles cannot be decoded this way (not JPEG, or the
// area is empty, outside the level or larger than kMaxCanvasPixels); kCorrupt when a tile
// the area touches is damaged.
Result<TileCanvas> DecodeArea(const Pyramid& pyramid, size_t level_index, int64_t x, int64_t y,
                              int64_t x2, int64_t y2, int shrink);

}  // namespace disan::media::iiif
