// Technical metadata of an image file, read from its header only (libvips), and the guard
// against decompression bombs: a file that declares more pixels than the configured limit is
// refused before any pixel is decoded.
//
// Thread-safe: libvips is started once (StartVips) and every call works on its own image.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace disan::media {

struct ProbeOptions {
  // Images declaring more pixels than this are refused (kTooLarge, field "file").
  int64_t max_pixels = int64_t{1} << 30;  // ~1.07 gigapixels
};

// Starts libvips once for the process (idempotent): untrusted loaders blocked, operation cache
// off (a server decodes different regions each time).
void StartVips();

// Reads the header of the image at `path`: {"width", "height", "bands", "format" (uchar,
// ushort, float, ...), "bit_depth", "colour_space" (srgb, b-w, cmyk, rgb16, ...), "loader",
// "pages", "capture_date" (EXIF, RFC 3339 without zone), "gps" {"lat", "lon"}, "panorama"
// (XMP GPano ProjectionType equirectangular), "panorama_candidate" (2:1 ratio)}.
// kTooLarge when the image declares more than options.max_pixels pixels; kInvalid (field "file")
// when the header cannot be read (not an image libvips understands, or damaged).
Result<nlohmann::json> ProbeImage(const std::string& path, const ProbeOptions& options = {});

// Parses the EXIF GPS rational triple as libvips prints it ("12/1 30/1 3600/100 (...)") with
// its reference ("N", "S", "E", "W") into signed decimal degrees; nullopt when malformed.
std::optional<double> ParseExifDegrees(const std::string& value, const std::string& ref);
// "2021:05:06 10:11:12 (...)" -> "2021-05-06T10:11:12"; "" when malformed.
std::string ParseExifDate(const std::string& value);

}  // namespace disan::media
