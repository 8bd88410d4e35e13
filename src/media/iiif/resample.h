// Resample: 8-bit pixels with interleaved bands scaled down to an exact size by a separable
// filter, without libvips. Rendered IIIF requests read from a pyramid level that is at least
// the output size, so what is left is a reduction by less than 2 (1250 -> 1024 px for
// `full/1024,` of a 20,000 px image); libvips' reduce, without its run-time compiled vector
// code (image_probe.cc), took three quarters of such a request.
//
// The filter is libvips' default, Lanczos with three lobes (a = 3), widened by the reduction so
// that it also averages away what the smaller image cannot hold; pixel centres are placed as
// libvips places them. Weights are 14-bit fixed point, summing to exactly 1 per output pixel,
// so flat areas stay exactly flat. At the image's edges the filter is cut and its weights
// summed to 1 again.
//
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace disan::media::iiif {

struct ConstPixels {
  const uint8_t* data = nullptr;
  int width = 0, height = 0, bands = 0;  // bands: 1 to 4
  size_t pitch = 0;                      // bytes from one row to the next
};

struct OwnedPixels {
  std::unique_ptr<uint8_t[]> data;  // rows of width * bands bytes, no padding
  int width = 0, height = 0, bands = 0;
};

// The largest reduction ResampleDown takes along either axis: beyond it a 14-bit weight
// (about 1 / (6 x reduction)) loses its precision, and at some thousands it rounds to zero.
constexpr int kMaxReduction = 64;

// `in` scaled to exactly `width` x `height`. Both must be in [1, in's size] and at most
// kMaxReduction times smaller: the caller asks libvips for anything else (enlarging, a long
// scroll reduced to a few pixels across).
OwnedPixels ResampleDown(const ConstPixels& in, int width, int height);

}  // namespace disan::media::iiif
