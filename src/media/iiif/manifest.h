// IIIF Presentation API 3.0 documents: the Manifest of one heritage item and the Collections
// of items by kind (https://iiif.io/api/presentation/3.0/). See docs/iiif.md, "Presentation".
//
// Pure builders, no I/O: the caller reads the item (already redacted for the public), its
// public media and the names of the organisations it refers to, and passes them in. Every
// label, summary and metadata entry is a language map; labels of our own (field names,
// vocabulary terms) are given in Vietnamese and English. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/schema.h"
#include "store/store.h"

namespace disan::media::iiif {

inline constexpr const char* kPresentationContext =
    "http://iiif.io/api/presentation/3/context.json";

// Someone a manifest names: the custodian organisation, or the instance itself.
struct PresentationAgent {
  std::string id;        // an absolute URI
  std::string homepage;  // an absolute URL of its web page ("" = none)
  std::string label_vi;
  std::string label_en;  // "" = same as label_vi
};

struct ManifestInput {
  const Schema* schema = nullptr;
  const StoredRecord* item = nullptr;          // a public heritage item, redacted for the public
  std::vector<MediaAsset> media;               // its public media, in the order to show them
  std::string site_url;                        // "https://host[/prefix]", no trailing slash
  std::string homepage_path;                   // the item's portal page, "/di-san/<slug>-<pid>"
  PresentationAgent provider;                  // who provides the manifest (the instance)
  std::optional<PresentationAgent> custodian;  // the organisation that keeps the item
};

// The URL of the manifest of item `pid`, and of the collection of `kind`.
std::string ManifestUrl(const std::string& site_url, const std::string& pid);
std::string CollectionUrl(const std::string& site_url, const std::string& kind);
// The public URL of a media file's bytes (GET /api/v1/media/{id}/file) and thumbnail.
std::string MediaFileUrl(const std::string& site_url, const std::string& media_id);
std::string MediaThumbnailUrl(const std::string& site_url, const std::string& media_id);

// Whether `asset` becomes a Canvas: a readable image (width and height known), a sound with a
// duration, a video with a duration. Other media (3D models, PDFs, images whose header could
// not be read, recordings not yet measured) are `rendering` links of the manifest.
bool IsCanvasMedia(const MediaAsset& asset);

// The thumbnail's media type, or "" when the asset has no thumbnail: image/jpeg for images and
// video (the poster frame), image/png for sound (the waveform).
std::string ThumbnailMediaType(const MediaAsset& asset);

// A licence term's URI as the Presentation API wants it in `rights`: Creative Commons URIs
// with http (https://creativecommons.org/... is not accepted by the specification), others as
// they are; "" for an unknown term or one without a URI.
std::string RightsUri(const Schema& schema, const std::string& licence);

// The manifest. kNotFound when no media of the item makes a Canvas (a manifest must have at
// least one).
Result<nlohmann::json> BuildManifest(const ManifestInput& input);

// One entry of a collection: a manifest reference.
struct CollectionEntry {
  std::string pid;
  std::string label_vi;
  std::string label_en;  // "" = same as label_vi
};
// The collection of the items of `kind` (a term of the kinds vocabulary), in the given order.
nlohmann::json BuildKindCollection(const Schema& schema, const std::string& site_url,
                                   const std::string& kind,
                                   const std::vector<CollectionEntry>& entries);
// The top collection: one Collection reference per kind of the kinds vocabulary.
nlohmann::json BuildTopCollection(const Schema& schema, const std::string& site_url);

}  // namespace disan::media::iiif
