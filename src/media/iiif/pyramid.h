// Pyramid: the levels of a tiled pyramidal TIFF access copy (derive/derivatives.h) as libtiff
// reads them once, and the stored JPEG tiles themselves, read with pread and made into a
// complete JFIF stream (the TIFF's shared JPEGTables spliced in) without decoding them.
//
// Immutable after Open and safe to share between threads; a new access copy is a new file,
// so a reader holding the old one keeps reading consistent bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace disan::media::iiif {

struct PyramidLevel {
  int page = 0;  // the TIFF directory (libvips "page")
  int64_t width = 0, height = 0;
  int64_t tile_width = 0, tile_height = 0;
  bool jpeg_passthrough = false;  // JPEG tiles in YCbCr or grey that can be sent as they are
  std::string jpeg_tables;        // SOI, DQT, DHT, EOI
  std::vector<uint64_t> offsets, byte_counts;  // per tile, row by row
};

class Pyramid {
 public:
  ~Pyramid();
  Pyramid(const Pyramid&) = delete;
  Pyramid& operator=(const Pyramid&) = delete;

  // kNotFound when there is no file; kCorrupt when it is not a tiled TIFF.
  static Result<std::shared_ptr<const Pyramid>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<PyramidLevel>& levels() const { return levels_; }
  int64_t width() const { return levels_[0].width; }
  int64_t height() const { return levels_[0].height; }
  // Identifies this version of the file (device, inode, size, mtime), for ETags and caches.
  const std::string& version() const { return version_; }

  // The stored tile (column tx, row ty) of `level` as a JPEG file (JFIF); kInvalid when the
  // level cannot pass tiles through or the tile is outside it; kCorrupt when the bytes are not
  // a JPEG stream.
  Result<std::string> JpegTile(size_t level, int64_t tx, int64_t ty) const;

 private:
  Pyramid() = default;
  std::string path_;
  std::string version_;
  int fd_ = -1;
  std::vector<PyramidLevel> levels_;
};

}  // namespace disan::media::iiif
