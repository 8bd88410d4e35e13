// ImageService: the IIIF Image API 3.0 (level 2) over the pyramidal access copies.
//
// Info() describes an image (info.json); Image() answers {region}/{size}/{rotation}/
// {quality}.{format}. Both check access first through MediaService::Get: media the actor may
// not see are unknown (kNotFound), exactly like ids that do not exist. An image request that is
// exactly one stored tile, unchanged (default or color quality, jpg, no rotation or mirroring),
// is answered with the stored JPEG bytes (Pyramid::JpegTile), cropped losslessly when the tile
// is partly outside its level; any other is decoded from the smallest pyramid level at least as
// large as the output (its stored tiles, TileCanvas), then kept in the ResponseCache.
//
// Thread-safe: pyramids are opened once per file version and shared; the public access verdict
// is kept per item revision (Visible).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "media/derive/derivatives.h"
#include "media/iiif/pyramid.h"
#include "media/iiif/request.h"
#include "media/iiif/response_cache.h"
#include "media/media_service.h"

namespace disan::media::iiif {

struct IiifOptions {
  Limits limits{10000, 10000, 40'000'000};
  std::filesystem::path cache_dir;             // "" = no response cache
  uint64_t cache_bytes = uint64_t{512} << 20;  // the response cache's bound
};

struct IiifAnswer {
  std::string body;
  std::string media_type;
  std::string etag;       // a strong validator: "\"...\""
  std::string canonical;  // for images: the canonical request (after {id}/)
  bool not_modified = false;
  bool is_public = true;  // Cache-Control public or private
  enum class Source { kStoredTile, kCache, kRendered, kInfo } source = Source::kRendered;
};

class ImageService {
 public:
  ImageService(MediaService& media, Derivatives& derivatives, IiifOptions options);

  const Limits& limits() const { return options_.limits; }

  // info.json for media `id`, whose IIIF base URI is `service_id`. kNotFound for unknown or
  // hidden ids and for media that are not images; kUnavailable while the access copy is being
  // made (or could not be: its job says why).
  Result<IiifAnswer> Info(const std::string& id, const std::string& service_id,
                          const std::string& if_none_match, const Actor& actor);
  Parsed<IiifAnswer> Image(const std::string& id, std::string_view region, std::string_view size,
                           std::string_view rotation, std::string_view quality_format,
                           const std::string& if_none_match, const Actor& actor);

  // The thumbnail (JPEG bytes) of image `id` for `actor` (same access rule).
  Result<IiifAnswer> Thumbnail(const std::string& id, const std::string& if_none_match,
                               const Actor& actor);

  ResponseCache& cache() { return cache_; }

 private:
  Result<std::shared_ptr<const Pyramid>> Open(const std::string& id, const Actor& actor,
                                              bool& is_public);
  // MediaService::Get, answered for the public from the media row and the item's current
  // revision (two indexed lookups) when the item was found public at that same revision; the
  // full check (the item's record read) otherwise.
  Result<MediaAsset> Visible(const std::string& id, const Actor& actor);

  MediaService& media_;
  Derivatives& derivatives_;
  IiifOptions options_;
  ResponseCache cache_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Pyramid>> pyramids_;
  // Item pid -> the revision at which the full check found the item public. A revision is
  // never reused, and visibility is a function of the record's document, so an entry can
  // only let through what the full check would; any change of the item moves its revision.
  std::map<std::string, int64_t> public_items_;
  // info.json documents by media id and ETag.
  std::map<std::string, std::string> infos_;
};

// The stored tile that answers `request` exactly, if there is one: the request covers one tile
// of a level (its span, clipped to the image) at that level's scale, unchanged (the caller
// checks format, quality and rotation), and the level passes its JPEG tiles through. A tile
// partly outside its level (right or bottom edge) is cropped to the part inside, DCT
// coefficients copied (CropJpegTopLeft). nullopt when no stored tile fits (render instead);
// kCorrupt when the tile that fits is damaged.
Result<std::optional<std::string>> StoredTile(const Pyramid& pyramid,
                                              const ResolvedRequest& request);

// How RenderFromPyramid reads the pixels of a level. kStoredTiles: the stored JPEG tiles the
// region touches, decoded by libjpeg-turbo (scaled in the DCT domain when the level is at least
// twice the output), where the level is JPEG-tiled and the area fits kMaxCanvasPixels; libvips
// otherwise. kLibvips: always libvips (streamed; tests compare the two).
enum class LevelReader { kStoredTiles, kLibvips };

// Renders a resolved request from `pyramid`: the smallest level at least as large as the
// output, cropped, resized (libvips, Lanczos), mirrored, rotated, turned gray or bitonal,
// encoded. kCorrupt when the pixels cannot be decoded.
Result<std::string> RenderFromPyramid(const Pyramid& pyramid, const ResolvedRequest& request,
                                      LevelReader reader = LevelReader::kStoredTiles);

}  // namespace disan::media::iiif
