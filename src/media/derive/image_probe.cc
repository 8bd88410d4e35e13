// Header-only reading of images with libvips (image_probe.h). The only files that include
// <vips/vips8> are in src/media/derive/ and src/media/iiif/.
#include "media/derive/image_probe.h"

#include <cmath>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string_view>
#include <vips/vips8>

// After vips8: it uses what vips.h defines.
#include <vips/vector.h>

namespace disan::media {

using nlohmann::json;

void StartVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("disan") != 0) vips_error_exit("cannot start libvips");
    // Loaders libvips marks as untrusted (ImageMagick, MATLAB, ...) never see uploads.
    vips_block_untrusted_set(TRUE);
    // Every request decodes different pixels; the operation cache would only hold memory.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    // No run-time compiled (liborc) vector code: freeing it is not safe while other threads
    // do the same. Under sustained IIIF load (tiles of every level, 8 connections, 32
    // workers) the server died after about 25 s in orc_code_free, called by
    // vips_vector_free when a resize finished (Debian 12: libvips 8.14, liborc 0.4.33).
    vips_vector_set_enabled(FALSE);
  });
}

namespace {

std::string FieldString(vips::VImage& img, const char* name) {
  if (img.get_typeof(name) == 0) return "";
  try {
    return img.get_string(name);
  } catch (const vips::VError&) {
    return "";
  }
}

std::string_view FormatName(VipsBandFormat f, int& bits) {
  switch (f) {
    case VIPS_FORMAT_UCHAR:
      bits = 8;
      return "uchar";
    case VIPS_FORMAT_CHAR:
      bits = 8;
      return "char";
    case VIPS_FORMAT_USHORT:
      bits = 16;
      return "ushort";
    case VIPS_FORMAT_SHORT:
      bits = 16;
      return "short";
    case VIPS_FORMAT_UINT:
      bits = 32;
      return "uint";
    case VIPS_FORMAT_INT:
      bits = 32;
      return "int";
    case VIPS_FORMAT_FLOAT:
      bits = 32;
      return "float";
    case VIPS_FORMAT_DOUBLE:
      bits = 64;
      return "double";
    case VIPS_FORMAT_COMPLEX:
      bits = 64;
      return "complex";
    case VIPS_FORMAT_DPCOMPLEX:
      bits = 128;
      return "dpcomplex";
    default:
      bits = 0;
      return "unknown";
  }
}

std::string_view InterpretationName(VipsInterpretation i) {
  switch (i) {
    case VIPS_INTERPRETATION_B_W:
      return "b-w";
    case VIPS_INTERPRETATION_sRGB:
      return "srgb";
    case VIPS_INTERPRETATION_RGB:
      return "rgb";
    case VIPS_INTERPRETATION_RGB16:
      return "rgb16";
    case VIPS_INTERPRETATION_GREY16:
      return "grey16";
    case VIPS_INTERPRETATION_CMYK:
      return "cmyk";
    case VIPS_INTERPRETATION_LAB:
      return "lab";
    case VIPS_INTERPRETATION_scRGB:
      return "scrgb";
    case VIPS_INTERPRETATION_MULTIBAND:
      return "multiband";
    default:
      return "other";
  }
}

// The value before libvips' " (...)" explanation.
std::string_view Leading(std::string_view v) {
  size_t paren = v.find(" (");
  return paren == std::string_view::npos ? v : v.substr(0, paren);
}

}  // namespace

std::string ParseExifDate(const std::string& value) {
  std::string_view v = Leading(value);
  int y, mo, d, h, mi, s;
  char tail = 0;
  std::string text(v);
  if (std::sscanf(text.c_str(), "%4d:%2d:%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) != 6)
    return "";
  if (y < 1800 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
      h < 0 || mi < 0 || s < 0)
    return "";
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
  return out;
}

std::optional<double> ParseExifDegrees(const std::string& value, const std::string& ref) {
  std::string text(Leading(value));
  double parts[3];
  int used = 0;
  const char* p = text.c_str();
  for (int i = 0; i < 3; ++i) {
    long long num = 0, den = 0;
    int n = 0;
    if (std::sscanf(p, " %lld/%lld%n", &num, &den, &n) != 2 || den <= 0 || num < 0)
      return std::nullopt;
    parts[i] = double(num) / double(den);
    p += n;
    ++used;
  }
  while (*p == ' ') ++p;
  if (*p != '\0' || used != 3) return std::nullopt;
  double degrees = parts[0] + parts[1] / 60 + parts[2] / 3600;
  std::string r(Leading(ref));
  if (r == "S" || r == "W")
    degrees = -degrees;
  else if (r != "N" && r != "E")
    return std::nullopt;
  if (degrees > 180 || degrees < -180) return std::nullopt;
  return degrees;
}

Result<json> ProbeImage(const std::string& path, const ProbeOptions& options) {
  StartVips();
  vips::VImage img;
  try {
    img = vips::VImage::new_from_file(
        path.c_str(), vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
  } catch (const vips::VError& e) {
    std::string why(e.what());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    std::string en = "the image's header cannot be read (" + why.substr(0, 300) + ")";
    std::string vi = "không đọc được phần đầu của ảnh (" + why.substr(0, 300) + ")";
    return Fail(Error{ErrorCode::kInvalid, en, vi, {{"file", "unreadable_image", en, vi}}});
  }
  const int64_t width = img.width(), height = img.height();
  if (width <= 0 || height <= 0 || width * height > options.max_pixels) {
    std::string dims = std::to_string(width) + " × " + std::to_string(height);
    std::string limit = std::to_string(options.max_pixels);
    std::string en = "the image declares " + dims + " pixels, more than the limit of " + limit +
                     " pixels; it was not decoded (a decompression bomb or a larger image than "
                     "this server accepts)";
    std::string vi = "ảnh khai báo " + dims + " điểm ảnh, vượt giới hạn " + limit +
                     " điểm ảnh; ảnh không được giải mã (bom giải nén hoặc ảnh lớn hơn mức máy "
                     "chủ chấp nhận)";
    return Fail(Error{ErrorCode::kTooLarge, en, vi, {{"file", "too_many_pixels", en, vi}}});
  }
  int bits = 0;
  std::string_view format = FormatName(img.format(), bits);
  json t = {{"width", width},       {"height", height},
            {"bands", img.bands()}, {"format", format},
            {"bit_depth", bits},    {"colour_space", InterpretationName(img.interpretation())}};
  std::string loader = FieldString(img, "vips-loader");
  if (!loader.empty()) t["loader"] = loader;
  if (img.get_typeof("n-pages") != 0) {
    try {
      t["pages"] = img.get_int("n-pages");
    } catch (const vips::VError&) {
    }
  }
  for (const char* field :
       {"exif-ifd2-DateTimeOriginal", "exif-ifd2-DateTimeDigitized", "exif-ifd0-DateTime"}) {
    std::string date = ParseExifDate(FieldString(img, field));
    if (!date.empty()) {
      t["capture_date"] = date;
      break;
    }
  }
  std::optional<double> lat = ParseExifDegrees(FieldString(img, "exif-ifd3-GPSLatitude"),
                                               FieldString(img, "exif-ifd3-GPSLatitudeRef"));
  std::optional<double> lon = ParseExifDegrees(FieldString(img, "exif-ifd3-GPSLongitude"),
                                               FieldString(img, "exif-ifd3-GPSLongitudeRef"));
  if (lat && lon && std::fabs(*lat) <= 90) {
    t["gps"] = {{"lat", std::round(*lat * 1e7) / 1e7}, {"lon", std::round(*lon * 1e7) / 1e7}};
  }
  bool panorama = false;
  if (img.get_typeof("xmp-data") != 0) {
    size_t length = 0;
    const void* data = nullptr;
    try {
      data = img.get_blob("xmp-data", &length);
    } catch (const vips::VError&) {
    }
    std::string_view xmp(static_cast<const char*>(data), data ? length : 0);
    size_t at = xmp.find("ProjectionType");
    if (at != std::string_view::npos) {
      std::string_view near = xmp.substr(at, 64);
      panorama = near.find("equirectangular") != std::string_view::npos;
    }
  }
  t["panorama"] = panorama;
  t["panorama_candidate"] = panorama || (width == 2 * height && width >= 2000);
  return t;
}

}  // namespace disan::media
