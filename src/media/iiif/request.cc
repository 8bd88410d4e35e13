// The IIIF Image API 3.0 request grammar and its resolution against an image (request.h).
#include "media/iiif/request.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

namespace disan::media::iiif {
namespace {

std::unexpected<Refusal> Bad(const std::string& segment, const std::string& en,
                             const std::string& vi) {
  std::string what_en = "IIIF " + segment + ": " + en;
  std::string what_vi = "IIIF " + segment + ": " + vi;
  return std::unexpected(
      Refusal{RefusalKind::kBadRequest,
              Error{ErrorCode::kInvalid, what_en, what_vi, {{segment, "syntax", en, vi}}}});
}

std::unexpected<Refusal> Unsupported(const std::string& segment, const std::string& en,
                                     const std::string& vi) {
  return std::unexpected(
      Refusal{RefusalKind::kUnsupported, Error{ErrorCode::kInvalid,
                                               "IIIF " + segment + ": " + en,
                                               "IIIF " + segment + ": " + vi,
                                               {{segment, "unsupported", en, vi}}}});
}

std::string Shown(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out + (s.size() > 40 ? "..." : "");
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1 to 9 digits.
std::optional<int64_t> Integer(std::string_view s) {
  if (!AllDigits(s) || s.size() > 9) return std::nullopt;
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// digits[.digits]: at most 9 digits before the point and 6 after.
std::optional<double> Decimal(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (!AllDigits(whole) || whole.size() > 9) return std::nullopt;
  if (dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (!AllDigits(frac) || frac.size() > 6) return std::nullopt;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Parsed<Region> ParseRegion(std::string_view s) {
  Region r;
  if (s == "full") return r;
  if (s == "square") {
    r.kind = RegionKind::kSquare;
    return r;
  }
  bool percent = s.starts_with("pct:");
  std::vector<std::string_view> parts = SplitCommas(percent ? s.substr(4) : s);
  if (parts.size() != 4) {
    return Bad("region", "'" + Shown(s) + "' is not full, square, x,y,w,h or pct:x,y,w,h",
               "'" + Shown(s) + "' không phải full, square, x,y,w,h hoặc pct:x,y,w,h");
  }
  double v[4];
  for (int i = 0; i < 4; ++i) {
    std::optional<double> n =
        percent ? Decimal(parts[i])
                : (Integer(parts[i]) ? std::optional<double>(double(*Integer(parts[i])))
                                     : std::nullopt);
    if (!n) {
      return Bad("region",
                 "'" + Shown(parts[i]) + "' is not " +
                     (percent ? "a percentage (digits, an optional fraction)"
                              : "a whole number of pixels (at most 9 digits)"),
                 "'" + Shown(parts[i]) + "' không phải " +
                     (percent ? "một tỉ lệ phần trăm" : "số điểm ảnh nguyên (tối đa 9 chữ số)"));
    }
    v[i] = *n;
  }
  if (v[2] <= 0 || v[3] <= 0) {
    return Bad("region", "the width and height must be greater than zero",
               "chiều rộng và chiều cao phải lớn hơn 0");
  }
  if (percent && (v[0] > 100 || v[1] > 100)) {
    return Bad("region", "a percentage position must be at most 100",
               "vị trí theo phần trăm phải không quá 100");
  }
  r.kind = percent ? RegionKind::kPercent : RegionKind::kPixels;
  r.x = v[0];
  r.y = v[1];
  r.w = v[2];
  r.h = v[3];
  return r;
}

Parsed<Size> ParseSize(std::string_view s) {
  Size out;
  const std::string shown = Shown(s);
  if (s.starts_with('^')) {
    out.upscale = true;
    s.remove_prefix(1);
  }
  auto bad = [&] {
    return Bad(
        "size", "'" + shown + "' is not max, w,, ,h, pct:n, w,h or !w,h (each may begin with ^)",
        "'" + shown + "' không phải max, w,, ,h, pct:n, w,h hoặc !w,h (có thể có ^ đứng đầu)");
  };
  auto zero = [&] {
    return Bad("size", "'" + shown + "' asks for an image with no pixels",
               "'" + shown + "' yêu cầu một ảnh không có điểm ảnh nào");
  };
  if (s == "max") return out;
  if (s.starts_with("pct:")) {
    std::optional<double> n = Decimal(s.substr(4));
    if (!n) return bad();
    if (*n <= 0) return zero();
    if (*n > 100 && !out.upscale) {
      return Bad("size", "'" + shown + "' enlarges the image: write ^pct:n to ask for that",
                 "'" + shown + "' phóng to ảnh: hãy viết ^pct:n nếu muốn vậy");
    }
    out.kind = SizeKind::kPercent;
    out.percent = *n;
    return out;
  }
  bool best_fit = s.starts_with('!');
  if (best_fit) s.remove_prefix(1);
  std::vector<std::string_view> parts = SplitCommas(s);
  if (parts.size() != 2) return bad();
  auto number = [&](std::string_view p) -> std::optional<int64_t> {
    if (p.empty()) return -1;
    if (AllDigits(p) && p.size() > 9) {
      return int64_t{1000000000};  // larger than any limit; Resolve refuses it
    }
    return Integer(p);
  };
  std::optional<int64_t> w = number(parts[0]);
  std::optional<int64_t> h = number(parts[1]);
  if (!w || !h) return bad();
  if (*w == 0 || *h == 0) return zero();
  if (*w < 0 && *h < 0) return bad();
  if (best_fit && (*w < 0 || *h < 0)) return bad();
  out.w = std::max<int64_t>(*w, 0);
  out.h = std::max<int64_t>(*h, 0);
  if (best_fit) {
    out.kind = SizeKind::kBestFit;
  } else if (*h < 0) {
    out.kind = SizeKind::kWidth;
  } else if (*w < 0) {
    out.kind = SizeKind::kHeight;
  } else {
    out.kind = SizeKind::kExact;
  }
  return out;
}

Parsed<Rotation> ParseRotation(std::string_view s) {
  Rotation r;
  const std::string shown = Shown(s);
  if (s.starts_with('!')) {
    r.mirror = true;
    s.remove_prefix(1);
  }
  std::optional<double> d = Decimal(s);
  if (!d || *d > 360) {
    return Bad("rotation",
               "'" + shown + "' is not a number of degrees from 0 to 360, optionally after !",
               "'" + shown + "' không phải số độ từ 0 đến 360 (có thể có ! đứng trước)");
  }
  r.degrees = *d == 360 ? 0 : *d;
  return r;
}

}  // namespace

std::string_view FormatExtension(Format f) {
  switch (f) {
    case Format::kJpg:
      return "jpg";
    case Format::kPng:
      return "png";
    case Format::kWebp:
      return "webp";
  }
  return "jpg";
}

std::string_view FormatMediaType(Format f) {
  switch (f) {
    case Format::kJpg:
      return "image/jpeg";
    case Format::kPng:
      return "image/png";
    case Format::kWebp:
      return "image/webp";
  }
  return "image/jpeg";
}

std::string_view QualityName(Quality q) {
  switch (q) {
    case Quality::kDefault:
      return "default";
    case Quality::kColor:
      return "color";
    case Quality::kGray:
      return "gray";
    case Quality::kBitonal:
      return "bitonal";
  }
  return "default";
}

Parsed<ImageRequest> ParseImageRequest(std::string_view region, std::string_view size,
                                       std::string_view rotation, std::string_view quality_format) {
  ImageRequest req;
  req.region = TRY(ParseRegion(region));
  req.size = TRY(ParseSize(size));
  req.rotation = TRY(ParseRotation(rotation));
  size_t dot = quality_format.rfind('.');
  if (dot == std::string_view::npos) {
    return Bad(
        "quality", "'" + Shown(quality_format) + "' must be quality.format, e.g. default.jpg",
        "'" + Shown(quality_format) + "' phải có dạng chất_lượng.định_dạng, ví dụ default.jpg");
  }
  std::string_view quality = quality_format.substr(0, dot);
  std::string_view format = quality_format.substr(dot + 1);
  if (quality == "default")
    req.quality = Quality::kDefault;
  else if (quality == "color")
    req.quality = Quality::kColor;
  else if (quality == "gray")
    req.quality = Quality::kGray;
  else if (quality == "bitonal")
    req.quality = Quality::kBitonal;
  else {
    return Bad("quality", "'" + Shown(quality) + "' is not default, color, gray or bitonal",
               "'" + Shown(quality) + "' không phải default, color, gray hoặc bitonal");
  }
  if (format == "jpg")
    req.format = Format::kJpg;
  else if (format == "png")
    req.format = Format::kPng;
  else if (format == "webp")
    req.format = Format::kWebp;
  else if (format == "tif" || format == "gif" || format == "pdf" || format == "jp2") {
    return Unsupported("format",
                       "'" + std::string(format) +
                           "' is a IIIF format this server does not make; use jpg, png or webp",
                       "máy chủ không tạo định dạng IIIF '" + std::string(format) +
                           "'; hãy dùng jpg, png hoặc webp");
  } else {
    return Bad("format", "'" + Shown(format) + "' is not an image format: use jpg, png or webp",
               "'" + Shown(format) + "' không phải định dạng ảnh: dùng jpg, png hoặc webp");
  }
  return req;
}

void MaxSize(int64_t width, int64_t height, const Limits& limits, int64_t& out_w, int64_t& out_h) {
  double scale = 1;
  if (limits.max_width > 0) scale = std::min(scale, double(limits.max_width) / double(width));
  if (limits.max_height > 0) scale = std::min(scale, double(limits.max_height) / double(height));
  if (limits.max_area > 0) {
    scale = std::min(scale, std::sqrt(double(limits.max_area) / (double(width) * double(height))));
  }
  if (scale >= 1) {
    out_w = width;
    out_h = height;
    return;
  }
  out_w = std::max<int64_t>(1, static_cast<int64_t>(std::floor(double(width) * scale)));
  out_h = std::max<int64_t>(1, static_cast<int64_t>(std::floor(double(height) * scale)));
}

Parsed<ResolvedRequest> Resolve(const ImageRequest& req, int64_t width, int64_t height,
                                const Limits& limits) {
  ResolvedRequest out;
  out.mirror = req.rotation.mirror;
  out.degrees = req.rotation.degrees;
  out.quality = req.quality;
  out.format = req.format;
  const std::string dims = std::to_string(width) + " × " + std::to_string(height);

  // The region, clipped to the image.
  switch (req.region.kind) {
    case RegionKind::kFull:
      out.w = width;
      out.h = height;
      break;
    case RegionKind::kSquare: {
      int64_t side = std::min(width, height);
      out.x = (width - side) / 2;
      out.y = (height - side) / 2;
      out.w = out.h = side;
      break;
    }
    case RegionKind::kPixels:
    case RegionKind::kPercent: {
      double x = req.region.x, y = req.region.y, w = req.region.w, h = req.region.h;
      if (req.region.kind == RegionKind::kPercent) {
        x = std::floor(x * double(width) / 100);
        y = std::floor(y * double(height) / 100);
        w = std::round(w * double(width) / 100);
        h = std::round(h * double(height) / 100);
      }
      if (x >= double(width) || y >= double(height)) {
        return Bad("region", "the region starts outside the image (" + dims + " pixels)",
                   "vùng ảnh bắt đầu bên ngoài ảnh (" + dims + " điểm ảnh)");
      }
      out.x = static_cast<int64_t>(x);
      out.y = static_cast<int64_t>(y);
      out.w = std::min(static_cast<int64_t>(w), width - out.x);
      out.h = std::min(static_cast<int64_t>(h), height - out.y);
      if (out.w <= 0 || out.h <= 0) {
        return Bad("region", "the region holds no pixels of the image",
                   "vùng ảnh không chứa điểm ảnh nào của ảnh");
      }
      break;
    }
  }

  // The size.
  const double rw = double(out.w), rh = double(out.h);
  const Size& s = req.size;
  int64_t max_w = 0, max_h = 0;
  MaxSize(out.w, out.h, limits, max_w, max_h);
  switch (s.kind) {
    case SizeKind::kMax:
      if (s.upscale) {
        double scale = 1e18;
        if (limits.max_width > 0) scale = std::min(scale, double(limits.max_width) / rw);
        if (limits.max_height > 0) scale = std::min(scale, double(limits.max_height) / rh);
        if (limits.max_area > 0)
          scale = std::min(scale, std::sqrt(double(limits.max_area) / (rw * rh)));
        if (scale == 1e18) scale = 1;
        out.out_w = std::max<int64_t>(1, static_cast<int64_t>(std::floor(rw * scale)));
        out.out_h = std::max<int64_t>(1, static_cast<int64_t>(std::floor(rh * scale)));
      } else {
        out.out_w = max_w;
        out.out_h = max_h;
      }
      break;
    case SizeKind::kWidth:
      out.out_w = s.w;
      out.out_h = static_cast<int64_t>(std::llround(rh * double(s.w) / rw));
      break;
    case SizeKind::kHeight:
      out.out_h = s.h;
      out.out_w = static_cast<int64_t>(std::llround(rw * double(s.h) / rh));
      break;
    case SizeKind::kPercent:
      out.out_w = static_cast<int64_t>(std::llround(rw * s.percent / 100));
      out.out_h = static_cast<int64_t>(std::llround(rh * s.percent / 100));
      break;
    case SizeKind::kExact:
      out.out_w = s.w;
      out.out_h = s.h;
      break;
    case SizeKind::kBestFit: {
      double scale = std::min(double(s.w) / rw, double(s.h) / rh);
      if (!s.upscale) scale = std::min(scale, 1.0);
      out.out_w = std::min<int64_t>(s.w, static_cast<int64_t>(std::llround(rw * scale)));
      out.out_h = std::min<int64_t>(s.h, static_cast<int64_t>(std::llround(rh * scale)));
      break;
    }
  }
  if (out.out_w <= 0 || out.out_h <= 0) {
    return Bad("size", "the requested size rounds to an image with no pixels",
               "kích thước yêu cầu làm tròn thành ảnh không có điểm ảnh nào");
  }
  if (!s.upscale && (out.out_w > out.w || out.out_h > out.h)) {
    return Bad("size",
               "the size " + std::to_string(out.out_w) + " × " + std::to_string(out.out_h) +
                   " is larger than the region (" + std::to_string(out.w) + " × " +
                   std::to_string(out.h) + "): begin the size with ^ to enlarge",
               "kích thước " + std::to_string(out.out_w) + " × " + std::to_string(out.out_h) +
                   " lớn hơn vùng ảnh (" + std::to_string(out.w) + " × " + std::to_string(out.h) +
                   "): thêm ^ ở đầu để phóng to");
  }
  if ((limits.max_width > 0 && out.out_w > limits.max_width) ||
      (limits.max_height > 0 && out.out_h > limits.max_height) ||
      (limits.max_area > 0 && out.out_w * out.out_h > limits.max_area)) {
    return Bad("size",
               "the size " + std::to_string(out.out_w) + " × " + std::to_string(out.out_h) +
                   " exceeds this server's limits (maxWidth " + std::to_string(limits.max_width) +
                   ", maxHeight " + std::to_string(limits.max_height) + ", maxArea " +
                   std::to_string(limits.max_area) + ")",
               "kích thước " + std::to_string(out.out_w) + " × " + std::to_string(out.out_h) +
                   " vượt giới hạn của máy chủ (maxWidth " + std::to_string(limits.max_width) +
                   ", maxHeight " + std::to_string(limits.max_height) + ", maxArea " +
                   std::to_string(limits.max_area) + ")");
  }

  // The canonical form.
  std::string region = out.x == 0 && out.y == 0 && out.w == width && out.h == height
                           ? "full"
                           : std::to_string(out.x) + "," + std::to_string(out.y) + "," +
                                 std::to_string(out.w) + "," + std::to_string(out.h);
  bool upscaled = out.out_w > out.w || out.out_h > out.h;
  std::string size =
      !upscaled && out.out_w == max_w && out.out_h == max_h
          ? "max"
          : (upscaled ? "^" : "") + std::to_string(out.out_w) + "," + std::to_string(out.out_h);
  char degrees[32];
  auto [end, ec] = std::to_chars(degrees, degrees + sizeof degrees, out.degrees);
  (void)ec;
  out.canonical = region + "/" + size + "/" + (out.mirror ? "!" : "") + std::string(degrees, end) +
                  "/" + std::string(QualityName(out.quality)) + "." +
                  std::string(FormatExtension(out.format));
  return out;
}

}  // namespace disan::media::iiif
