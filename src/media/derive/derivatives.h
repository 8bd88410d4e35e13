// Derivatives of media files, kept outside the preservation store under DATA/derivatives/<id>/:
// a tiled pyramidal TIFF access copy (JPEG Q85 tiles of 256 px, one level per halving) and a
// 400 px JPEG thumbnail for every image. They can be deleted at any time and made again from
// the master (`disan derive`).
//
// A derivative set appears whole or not at all: it is written into a temporary directory beside
// the final one and renamed in. Thread-safe for different ids; making one id from two threads
// at once leaves one complete set.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"
#include "media/derive/image_probe.h"

namespace disan::media {

inline constexpr int kTileSize = 256;
inline constexpr int kThumbnailSize = 400;
inline constexpr int kAccessQuality = 85;

class Derivatives {
 public:
  explicit Derivatives(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path Dir(const std::string& id) const { return root_ / id; }
  std::filesystem::path Pyramid(const std::string& id) const { return Dir(id) / "pyramid.tif"; }
  std::filesystem::path Thumbnail(const std::string& id) const { return Dir(id) / "thumbnail.jpg"; }
  bool Has(const std::string& id) const;

  // Makes the pyramid and the thumbnail of the image `master` for media `id`, replacing any
  // earlier set. Reads the master sequentially (memory stays bounded whatever its size).
  // kTooLarge past options.max_pixels; kInvalid when the image cannot be decoded (truncated,
  // corrupt): nothing is left behind; kUnavailable when the disk fails.
  Status MakeImage(const std::string& id, const std::string& master, const ProbeOptions& options);
  // Deletes the derivatives of `id` (none is fine).
  Status Remove(const std::string& id);

 private:
  std::filesystem::path root_;
};

}  // namespace disan::media
