// The IIIF Image API 3.0 request grammar: {region}/{size}/{rotation}/{quality}.{format}.
//
// Two pure steps, no I/O. ParseImageRequest checks the syntax of the four path segments and
// says what was asked for. Resolve applies that to an image of known dimensions and the
// server's limits: the region in pixels, the output size, and the canonical form of the
// request. Every refusal is a value: kBadRequest (HTTP 400) for what the grammar or the image
// does not allow, kUnsupported (HTTP 501) for a well-formed feature this server lacks.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "core/error.h"

namespace disan::media::iiif {

enum class RegionKind { kFull, kSquare, kPixels, kPercent };
struct Region {
  RegionKind kind = RegionKind::kFull;
  double x = 0, y = 0, w = 0, h = 0;  // pixels (whole numbers) or percent
};

enum class SizeKind {
  kMax,      // max, ^max
  kWidth,    // w,  ^w,
  kHeight,   // ,h  ^,h
  kPercent,  // pct:n  ^pct:n
  kExact,    // w,h  ^w,h
  kBestFit,  // !w,h  ^!w,h
};
struct Size {
  SizeKind kind = SizeKind::kMax;
  bool upscale = false;  // the request began with ^
  int64_t w = 0, h = 0;
  double percent = 0;
};

struct Rotation {
  bool mirror = false;  // "!": mirrored about the vertical axis before rotating
  double degrees = 0;   // clockwise, 0 <= degrees <= 360
};

enum class Quality { kDefault, kColor, kGray, kBitonal };
enum class Format { kJpg, kPng, kWebp };

struct ImageRequest {
  Region region;
  Size size;
  Rotation rotation;
  Quality quality = Quality::kDefault;
  Format format = Format::kJpg;
};

enum class RefusalKind {
  kBadRequest,   // 400
  kUnsupported,  // 501
  kFailed,       // anything else: the error's code decides (unknown id, store unavailable)
};
struct Refusal {
  RefusalKind kind = RefusalKind::kBadRequest;
  Error error;  // names the segment and the problem in English and Vietnamese
};
template <typename T>
using Parsed = std::expected<T, Refusal>;

// Parses the four segments as they appear in the (percent-decoded) path; `quality_format` is
// "default.jpg". Numbers are limited to 9 digits before the point and 6 after, so that
// absurd values are refused here or by Resolve, never allocated.
Parsed<ImageRequest> ParseImageRequest(std::string_view region, std::string_view size,
                                       std::string_view rotation, std::string_view quality_format);

// What the server allows; advertised in info.json.
struct Limits {
  int64_t max_width = 0;   // 0 = no limit on this axis alone
  int64_t max_height = 0;  // 0 = no limit on this axis alone
  int64_t max_area = 0;    // 0 = no limit
};

// A request applied to an image of `width` x `height` pixels.
struct ResolvedRequest {
  int64_t x = 0, y = 0, w = 0, h = 0;  // the region, in full-resolution pixels, inside the image
  int64_t out_w = 0, out_h = 0;        // the size of the image before rotation
  bool mirror = false;
  double degrees = 0;
  Quality quality = Quality::kDefault;
  Format format = Format::kJpg;
  // The canonical form of the request ("x,y,w,h/w,h/0/default.jpg", "full/max/0/default.jpg").
  std::string canonical;
};

// kBadRequest when the region lies outside the image or is empty, the size is zero, is larger
// than the region without "^", or exceeds the limits.
Parsed<ResolvedRequest> Resolve(const ImageRequest& request, int64_t width, int64_t height,
                                const Limits& limits);

std::string_view FormatExtension(Format f);  // "jpg"
std::string_view FormatMediaType(Format f);  // "image/jpeg"
std::string_view QualityName(Quality q);     // "default"

// The largest size that fits `width` x `height` scaled down to the limits (what "max" means).
void MaxSize(int64_t width, int64_t height, const Limits& limits, int64_t& out_w, int64_t& out_h);

}  // namespace disan::media::iiif
