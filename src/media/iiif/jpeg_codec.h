// JpegCodec: what the IIIF Image API does to stored JPEG tiles without libvips, through
// libjpeg-turbo's TurboJPEG API (jpeg_codec.cc is the only file that includes <turbojpeg.h>):
// a lossless crop of a tile to its upper-left part (an edge tile answered at its real size with
// its DCT coefficients copied, not decoded and encoded again), and decoding a tile, optionally
// scaled by 1/2, 1/4 or 1/8 in the DCT domain, into a caller's pixel buffer.
//
// Thread-safe: each thread uses its own TurboJPEG handles. Damaged streams (including those
// libjpeg would only warn about) are kCorrupt, never pixels made up from garbage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::media::iiif {

struct JpegHeader {
  int width = 0, height = 0;
  int bands = 0;  // 1 (grey) or 3 (decoded as RGB)
};

// The size and colour of a JPEG stream, from its header. kCorrupt when it cannot be read.
Result<JpegHeader> ReadJpegHeader(std::string_view jpeg);

// `jpeg` cropped losslessly to its upper-left `width` x `height` pixels: the DCT coefficients
// are copied, so the pixels are exactly those of the stored stream. kInvalid when the size is
// empty or larger than the image; kCorrupt when the stream cannot be read.
Result<std::string> CropJpegTopLeft(std::string_view jpeg, int width, int height);

// Decodes `jpeg` scaled down by `shrink` (1, 2, 4 or 8, in the DCT domain) into `out`, `bands`
// bytes per pixel (1: grey, 3: RGB), rows `pitch` bytes apart. The stream must be exactly
// `width` x `height` pixels once scaled (ceil(size / shrink)); anything else is kCorrupt, as
// is a damaged stream. `out` must hold `height` rows.
Status DecodeJpegInto(std::string_view jpeg, int shrink, int bands, int width, int height,
                      uint8_t* out, size_t pitch);

}  // namespace disan::media::iiif
