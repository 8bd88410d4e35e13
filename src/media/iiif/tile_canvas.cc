// Decoding the stored tiles an area touches into one buffer (tile_canvas.h).
#include "media/iiif/tile_canvas.h"

#include <algorithm>

#include "media/iiif/jpeg_codec.h"

namespace disan::media::iiif {
namespace {

struct Grid {
  int64_t tx0, ty0, tx1, ty1;  // the touched tiles, inclusive
};

Grid Touched(const PyramidLevel& level, int64_t x, int64_t y, int64_t x2, int64_t y2) {
  return {x / level.tile_width, y / level.tile_height, (x2 - 1) / level.tile_width,
          (y2 - 1) / level.tile_height};
}

}  // namespace

int64_t CanvasPixels(const PyramidLevel& level, int64_t x, int64_t y, int64_t x2, int64_t y2,
                     int shrink) {
  if (x2 <= x || y2 <= y || shrink <= 0) return 0;
  Grid g = Touched(level, x, y, x2, y2);
  return (g.tx1 - g.tx0 + 1) * (level.tile_width / shrink) * (g.ty1 - g.ty0 + 1) *
         (level.tile_height / shrink);
}

Result<TileCanvas> DecodeArea(const Pyramid& pyramid, size_t level_index, int64_t x, int64_t y,
                              int64_t x2, int64_t y2, int shrink) {
  auto refuse = [](const std::string& why) {
    return Fail(ErrorCode::kInvalid, "the area cannot be decoded from stored tiles: " + why,
                "không giải mã được vùng này từ các ô ảnh đã lưu: " + why);
  };
  if (level_index >= pyramid.levels().size()) return refuse("no such level");
  const PyramidLevel& level = pyramid.levels()[level_index];
  if (!level.jpeg_passthrough) return refuse("the level is not JPEG-tiled");
  if (x < 0 || y < 0 || x2 > level.width || y2 > level.height || x2 <= x || y2 <= y) {
    return refuse("the area is outside the level");
  }
  if (shrink != 1 && shrink != 2 && shrink != 4 && shrink != 8) return refuse("bad scale");
  // Whole tiles only: a tile that does not divide by the scale would leave seams.
  if (level.tile_width % (8 * shrink) != 0 || level.tile_height % (8 * shrink) != 0) {
    return refuse("the tile size does not divide by the scale");
  }
  const int64_t pixels = CanvasPixels(level, x, y, x2, y2, shrink);
  if (pixels > kMaxCanvasPixels) return refuse("the area is too large");
  const Grid g = Touched(level, x, y, x2, y2);
  const int tw = static_cast<int>(level.tile_width / shrink);
  const int th = static_cast<int>(level.tile_height / shrink);
  TileCanvas canvas;
  canvas.width = static_cast<int>((g.tx1 - g.tx0 + 1) * tw);
  canvas.height = static_cast<int>((g.ty1 - g.ty0 + 1) * th);
  for (int64_t ty = g.ty0; ty <= g.ty1; ++ty) {
    for (int64_t tx = g.tx0; tx <= g.tx1; ++tx) {
      std::string tile = TRY(pyramid.JpegTile(level_index, tx, ty));
      if (canvas.bands == 0) {
        // The first tile says grey or colour; the buffer is made to match.
        canvas.bands = TRY(ReadJpegHeader(tile)).bands;
        canvas.bytes = static_cast<size_t>(pixels) * static_cast<size_t>(canvas.bands);
        canvas.pixels.reset(new uint8_t[canvas.bytes]);
      }
      const size_t pitch = static_cast<size_t>(canvas.width) * static_cast<size_t>(canvas.bands);
      uint8_t* at = canvas.pixels.get() + static_cast<size_t>((ty - g.ty0) * th) * pitch +
                    static_cast<size_t>((tx - g.tx0) * tw) * static_cast<size_t>(canvas.bands);
      TRY(DecodeJpegInto(tile, shrink, canvas.bands, tw, th, at, pitch));
    }
  }
  // The area in scaled pixels: every canvas pixel it touches, except at the level's right and
  // bottom edges, where a partly covered pixel would mix in the padding of the stored tile.
  const int64_t ox = g.tx0 * level.tile_width, oy = g.ty0 * level.tile_height;
  auto end = [&](int64_t to, int64_t edge, int64_t origin) {
    return to == edge ? (to - origin) / shrink : (to - origin + shrink - 1) / shrink;
  };
  canvas.area_x = static_cast<int>((x - ox) / shrink);
  canvas.area_y = static_cast<int>((y - oy) / shrink);
  canvas.area_w = static_cast<int>(std::max<int64_t>(1, end(x2, level.width, ox) - canvas.area_x));
  canvas.area_h = static_cast<int>(std::max<int64_t>(1, end(y2, level.height, oy) - canvas.area_y));
  return canvas;
}

}  // namespace disan::media::iiif
