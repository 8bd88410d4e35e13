// Resample (resample.h): rows first, then columns, each a weighted sum with a precomputed
// table of 14-bit weights. Both passes are loops along contiguous bytes, so the compiler turns
// them into vector code (this file is built with -O3, and on x86-64 with glibc its two passes
// are also compiled for AVX2, chosen at run time where the processor has it): the row pass
// runs along whole rows, the column pass along blocks of rows laid out column by column.
#include "media/iiif/resample.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <vector>

namespace disan::media::iiif {
namespace {

constexpr int kBits = 14;
constexpr int32_t kOne = int32_t{1} << kBits;
constexpr int32_t kHalf = kOne / 2;
constexpr double kRadius = 3.0;  // Lanczos lobes, as libvips' default kernel

double Lanczos(double x) {
  x = std::abs(x);
  if (x < 1e-9) return 1.0;
  if (x >= kRadius) return 0.0;
  const double px = std::numbers::pi * x;
  return kRadius * std::sin(px) * std::sin(px / kRadius) / (px * px);
}

// For each output index along one axis: the first input index it reads and its weights
// (`stride` slots each, unused ones zero).
struct Taps {
  std::vector<int> first, count;
  std::vector<int16_t> weights;
  int stride = 0;
};

Taps Plan(int in_n, int out_n) {
  const double scale = double(in_n) / double(out_n);  // >= 1: reducing or keeping
  const double support = kRadius * scale;
  Taps t;
  t.stride = static_cast<int>(std::ceil(support)) * 2 + 1;
  t.first.resize(static_cast<size_t>(out_n));
  t.count.resize(static_cast<size_t>(out_n));
  t.weights.assign(static_cast<size_t>(out_n) * static_cast<size_t>(t.stride), 0);
  std::vector<double> w(static_cast<size_t>(t.stride));
  for (int o = 0; o < out_n; ++o) {
    const double centre = (o + 0.5) * scale;
    const int lo = std::max(0, static_cast<int>(std::floor(centre - support + 0.5)));
    const int hi = std::min(in_n, static_cast<int>(std::floor(centre + support + 0.5)));
    const int n = std::min(hi - lo, t.stride);
    double sum = 0;
    for (int k = 0; k < n; ++k) {
      w[size_t(k)] = Lanczos((lo + k + 0.5 - centre) / scale);
      sum += w[size_t(k)];
    }
    int16_t* out = &t.weights[size_t(o) * size_t(t.stride)];
    int32_t total = 0, largest = 0;
    for (int k = 0; k < n; ++k) {
      out[k] = static_cast<int16_t>(std::lround(w[size_t(k)] / sum * kOne));
      total += out[k];
      if (out[k] > out[largest]) largest = k;
    }
    out[largest] = static_cast<int16_t>(out[largest] + (kOne - total));  // exactly 1 in all
    t.first[size_t(o)] = lo;
    t.count[size_t(o)] = n;
  }
  return t;
}

// Two builds of a pass where the platform can choose between them at run time (an ifunc).
#if defined(__x86_64__) && defined(__GLIBC__)
#define DISAN_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DISAN_VECTOR_CLONES
#endif

inline uint8_t Clamp(int32_t v) {
  v >>= kBits;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// Output row y of the row pass: every byte of the row is the weighted sum of the same byte in
// the rows it reads.
DISAN_VECTOR_CLONES void RowPass(const ConstPixels& in, const Taps& t, uint8_t* out, int out_h,
                                 size_t row_bytes) {
  std::vector<int32_t> acc(row_bytes);
  int32_t* a = acc.data();
  for (int y = 0; y < out_h; ++y) {
    std::fill(acc.begin(), acc.end(), kHalf);
    const int16_t* w = &t.weights[size_t(y) * size_t(t.stride)];
    for (int k = 0; k < t.count[size_t(y)]; ++k) {
      const uint8_t* row = in.data + size_t(t.first[size_t(y)] + k) * in.pitch;
      const int32_t wk = w[k];
      for (size_t i = 0; i < row_bytes; ++i) a[i] += wk * row[i];
    }
    uint8_t* dst = out + size_t(y) * row_bytes;
    for (size_t i = 0; i < row_bytes; ++i) dst[i] = Clamp(a[i]);
  }
}

// The column pass, kBlock rows at a time: the block is first laid out column by column (pixel
// x of each of its rows side by side), so that every output pixel's sum, like the row pass's,
// runs along contiguous bytes of a length the compiler knows. Inlined into each of
// ColumnPass's clones, so that the AVX2 one is vector code for AVX2.
template <int Bands>
[[gnu::always_inline]] inline void ColumnPassOf(const uint8_t* in, size_t in_pitch, int in_w,
                                                int rows, const Taps& t, int out_w, uint8_t* out) {
  constexpr int kBlock = 16;
  constexpr int kLane = kBlock * Bands;                // bytes of one column of a block
  std::vector<uint8_t> columns(size_t(in_w) * kLane);  // lanes past a short last block: unused
  const size_t out_pitch = size_t(out_w) * Bands;
  for (int y0 = 0; y0 < rows; y0 += kBlock) {
    const int n = std::min(kBlock, rows - y0);
    for (int r = 0; r < n; ++r) {
      const uint8_t* src = in + size_t(y0 + r) * in_pitch;
      uint8_t* dst = columns.data() + size_t(r) * Bands;
      for (int x = 0; x < in_w; ++x) {
        for (int b = 0; b < Bands; ++b) dst[size_t(x) * kLane + b] = src[x * Bands + b];
      }
    }
    uint8_t* dst = out + size_t(y0) * out_pitch;
    for (int x = 0; x < out_w; ++x) {
      int32_t acc[kLane];
      for (int i = 0; i < kLane; ++i) acc[i] = kHalf;
      const int16_t* w = &t.weights[size_t(x) * size_t(t.stride)];
      const uint8_t* column = columns.data() + size_t(t.first[size_t(x)]) * kLane;
      for (int k = 0; k < t.count[size_t(x)]; ++k, column += kLane) {
        const int32_t wk = w[k];
        for (int i = 0; i < kLane; ++i) acc[i] += wk * column[i];
      }
      for (int r = 0; r < n; ++r) {
        for (int b = 0; b < Bands; ++b) {
          dst[size_t(r) * out_pitch + size_t(x) * Bands + b] = Clamp(acc[r * Bands + b]);
        }
      }
    }
  }
}

DISAN_VECTOR_CLONES void ColumnPass(const uint8_t* in, size_t in_pitch, int in_w, int rows,
                                    int bands, const Taps& t, int out_w, uint8_t* out) {
  switch (bands) {
    case 1:
      return ColumnPassOf<1>(in, in_pitch, in_w, rows, t, out_w, out);
    case 2:
      return ColumnPassOf<2>(in, in_pitch, in_w, rows, t, out_w, out);
    case 3:
      return ColumnPassOf<3>(in, in_pitch, in_w, rows, t, out_w, out);
    default:
      return ColumnPassOf<4>(in, in_pitch, in_w, rows, t, out_w, out);
  }
}

}  // namespace

OwnedPixels ResampleDown(const ConstPixels& in, int width, int height) {
  assert(width >= 1 && width <= in.width && height >= 1 && height <= in.height);
  assert(in.width <= width * kMaxReduction && in.height <= height * kMaxReduction);
  assert(in.bands >= 1 && in.bands <= 4);
  OwnedPixels out;
  out.width = width;
  out.height = height;
  out.bands = in.bands;
  out.data.reset(new uint8_t[size_t(width) * size_t(height) * size_t(in.bands)]);
  const size_t in_row = size_t(in.width) * size_t(in.bands);

  // Rows first: the column pass, the dearer one per pixel, then has only `height` rows.
  std::unique_ptr<uint8_t[]> between;
  const uint8_t* rows = in.data;
  size_t rows_pitch = in.pitch;
  if (height != in.height) {
    uint8_t* target = width == in.width ? out.data.get() : nullptr;
    if (!target) {
      between.reset(new uint8_t[in_row * size_t(height)]);
      target = between.get();
    }
    RowPass(in, Plan(in.height, height), target, height, in_row);
    if (target == out.data.get()) return out;
    rows = target;
    rows_pitch = in_row;
  }
  if (width != in.width) {
    ColumnPass(rows, rows_pitch, in.width, height, in.bands, Plan(in.width, width), width,
               out.data.get());
  } else {
    for (int y = 0; y < height; ++y) {
      std::copy_n(rows + size_t(y) * rows_pitch, in_row, out.data.get() + size_t(y) * in_row);
    }
  }
  return out;
}

}  // namespace disan::media::iiif
