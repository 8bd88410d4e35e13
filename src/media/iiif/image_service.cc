// The IIIF Image API over pyramidal TIFFs (image_service.h).
#include "media/iiif/image_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vips/vips8>

#include "media/derive/av.h"
#include "media/iiif/jpeg_codec.h"
#include "media/iiif/resample.h"
#include "media/iiif/tile_canvas.h"
#include "media/media_type.h"

namespace disan::media::iiif {

using nlohmann::json;

namespace {

std::string Quoted(const std::string& a, const std::string& b) {
  char hex[40];
  std::snprintf(hex, sizeof hex, "%016zx%08zx", std::hash<std::string>{}(a + '\n' + b),
                std::hash<std::string>{}(b)&0xffffffff);
  return std::string("\"") + hex + "\"";
}

bool Matches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match.find('*') != std::string::npos) return true;
  return if_none_match.find(etag) != std::string::npos;
}

std::unexpected<Error> NotAnImage(const std::string& id) {
  return Fail(ErrorCode::kNotFound, "media " + id + " is not an image",
              "tệp " + id + " không phải ảnh");
}

std::unexpected<Refusal> Failed(Error e) {
  return std::unexpected(Refusal{RefusalKind::kFailed, std::move(e)});
}

// The levels of the pyramids in use, opened once per file version: opening a TIFF level
// through libvips reads its headers and tile index, which costs more than decoding one tile.
// A libvips image may be read from several threads at once (each pipeline has its own regions).
vips::VImage OpenLevel(const Pyramid& p, int page) {
  static std::mutex mutex;
  static std::map<std::string, vips::VImage> open;
  const std::string key = p.path() + "|" + p.version() + "|" + std::to_string(page);
  {
    std::lock_guard lock(mutex);
    auto it = open.find(key);
    if (it != open.end()) return it->second;
  }
  vips::VImage img = vips::VImage::new_from_file(
      p.path().c_str(),
      vips::VImage::option()->set("page", page)->set("access", VIPS_ACCESS_RANDOM));
  std::lock_guard lock(mutex);
  if (open.size() >= 256) open.clear();  // old versions and cold images go
  open.emplace(key, img);
  return img;
}

std::string BlobString(VipsBlob* blob) {
  size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string out(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return out;
}

}  // namespace

ImageService::ImageService(MediaService& media, Derivatives& derivatives, IiifOptions options)
    : media_(media),
      derivatives_(derivatives),
      options_(std::move(options)),
      cache_(options_.cache_dir, options_.cache_dir.empty() ? 0 : options_.cache_bytes) {
  StartVips();
}

Result<std::shared_ptr<const Pyramid>> ImageService::Open(const std::string& id, const Actor& actor,
                                                          bool& is_public) {
  MediaAsset asset = TRY(Visible(id, actor));
  const MediaFormat* format = FindFormat(asset.format);
  if (!format || format->media_class != MediaClass::kImage) return NotAnImage(id);
  is_public = actor.audience == Audience::kPublic;
  const std::string path = derivatives_.Pyramid(id).string();
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Fail(
        ErrorCode::kUnavailable,
        "the access copy of image " + id + " is not ready yet (see GET /api/v1/jobs?media=" + id +
            ")",
        "bản truy cập của ảnh " + id + " chưa sẵn sàng (xem GET /api/v1/jobs?media=" + id + ")");
  }
  const std::string version = std::to_string(st.st_dev) + "-" + std::to_string(st.st_ino) + "-" +
                              std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) +
                              "." + std::to_string(st.st_mtim.tv_nsec);
  {
    std::lock_guard lock(mutex_);
    auto it = pyramids_.find(id);
    if (it != pyramids_.end() && it->second->version() == version) return it->second;
  }
  std::shared_ptr<const Pyramid> opened = TRY(Pyramid::Open(path));
  std::lock_guard lock(mutex_);
  if (pyramids_.size() > 4096) pyramids_.clear();
  pyramids_[id] = opened;
  return opened;
}

Result<MediaAsset> ImageService::Visible(const std::string& id, const Actor& actor) {
  if (actor.audience != Audience::kPublic) return media_.Get(id, actor);
  MetadataStore& store = media_.metadata();
  Result<MediaAsset> asset = store.GetMedia(id);
  if (!asset || asset->visibility != "public") return media_.Get(id, actor);  // and its error
  // Read before the full check: if the item changes during it, the revision kept is already
  // old and the next request checks again.
  Result<int64_t> revision = store.CurrentRevision(asset->record_pid);
  if (!revision || *revision <= 0) return media_.Get(id, actor);
  {
    std::lock_guard lock(mutex_);
    auto it = public_items_.find(asset->record_pid);
    if (it != public_items_.end() && it->second == *revision) return asset;
  }
  MediaAsset checked = TRY(media_.Get(id, actor));
  std::lock_guard lock(mutex_);
  if (public_items_.size() >= 65536) public_items_.clear();
  public_items_[checked.record_pid] = *revision;
  return checked;
}

Result<IiifAnswer> ImageService::Info(const std::string& id, const std::string& service_id,
                                      const std::string& if_none_match, const Actor& actor) {
  IiifAnswer answer;
  answer.source = IiifAnswer::Source::kInfo;
  std::shared_ptr<const Pyramid> p = TRY(Open(id, actor, answer.is_public));
  const Limits& l = options_.limits;
  answer.etag =
      Quoted(p->version(), service_id + "|" + std::to_string(l.max_width) + "," +
                               std::to_string(l.max_height) + "," + std::to_string(l.max_area));
  if (Matches(if_none_match, answer.etag)) {
    answer.not_modified = true;
    return answer;
  }
  answer.media_type = "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"";
  // The document depends only on what the ETag covers (file version, base URI, limits).
  const std::string info_key = id + "|" + answer.etag;
  {
    std::lock_guard lock(mutex_);
    auto it = infos_.find(info_key);
    if (it != infos_.end()) {
      answer.body = it->second;
      return answer;
    }
  }
  json sizes = json::array();
  json scale_factors = json::array();
  const auto& levels = p->levels();
  for (size_t k = 0; k < levels.size(); ++k) scale_factors.push_back(int64_t{1} << k);
  for (size_t k = levels.size(); k-- > 0;) {
    const PyramidLevel& level = levels[k];
    if ((l.max_width && level.width > l.max_width) ||
        (l.max_height && level.height > l.max_height) ||
        (l.max_area && level.width * level.height > l.max_area))
      continue;
    sizes.push_back({{"width", level.width}, {"height", level.height}});
  }
  json info = {{"@context", "http://iiif.io/api/image/3/context.json"},
               {"id", service_id},
               {"type", "ImageService3"},
               {"protocol", "http://iiif.io/api/image"},
               {"profile", "level2"},
               {"width", p->width()},
               {"height", p->height()}};
  if (l.max_width) info["maxWidth"] = l.max_width;
  if (l.max_height) info["maxHeight"] = l.max_height;
  if (l.max_area) info["maxArea"] = l.max_area;
  info["sizes"] = std::move(sizes);
  info["tiles"] = json::array({{{"width", levels[0].tile_width},
                                {"height", levels[0].tile_height},
                                {"scaleFactors", std::move(scale_factors)}}});
  // Beyond level 2: bitonal, WebP, and these features.
  info["extraQualities"] = {"bitonal"};
  info["extraFormats"] = {"webp"};
  info["extraFeatures"] = {"canonicalLinkHeader", "mirroring", "profileLinkHeader",
                           "rotationArbitrary", "sizeUpscaling"};
  answer.body = info.dump();
  std::lock_guard lock(mutex_);
  if (infos_.size() >= 4096) infos_.clear();
  infos_.emplace(info_key, answer.body);
  return answer;
}

Parsed<IiifAnswer> ImageService::Image(const std::string& id, std::string_view region,
                                       std::string_view size, std::string_view rotation,
                                       std::string_view quality_format,
                                       const std::string& if_none_match, const Actor& actor) {
  IiifAnswer answer;
  Result<std::shared_ptr<const Pyramid>> opened = Open(id, actor, answer.is_public);
  if (!opened) return Failed(opened.error());
  const Pyramid& p = **opened;
  ImageRequest request = TRY(ParseImageRequest(region, size, rotation, quality_format));
  ResolvedRequest r = TRY(Resolve(request, p.width(), p.height(), options_.limits));
  answer.canonical = r.canonical;
  answer.media_type = std::string(FormatMediaType(r.format));
  answer.etag = Quoted(p.version(), r.canonical);
  if (Matches(if_none_match, answer.etag)) {
    answer.not_modified = true;
    return answer;
  }
  // One stored tile, unchanged: its bytes as they are. A tile at the right or bottom edge of
  // its level is stored whole (padded) and answered at its real size: cropped losslessly.
  if (r.format == Format::kJpg && r.degrees == 0 && !r.mirror &&
      (r.quality == Quality::kDefault || r.quality == Quality::kColor)) {
    Result<std::optional<std::string>> stored = StoredTile(p, r);
    if (!stored) return Failed(stored.error());
    if (*stored) {
      answer.body = std::move(**stored);
      answer.source = IiifAnswer::Source::kStoredTile;
      return answer;
    }
  }
  const std::string key = id + "/" + p.version() + "/" + r.canonical;
  if (std::optional<std::string> cached = cache_.Get(key)) {
    answer.body = std::move(*cached);
    answer.source = IiifAnswer::Source::kCache;
    return answer;
  }
  Result<std::string> rendered = RenderFromPyramid(p, r);
  if (!rendered) return Failed(rendered.error());
  answer.body = std::move(*rendered);
  answer.source = IiifAnswer::Source::kRendered;
  cache_.Put(key, answer.body);
  return answer;
}

Result<IiifAnswer> ImageService::Thumbnail(const std::string& id, const std::string& if_none_match,
                                           const Actor& actor) {
  IiifAnswer answer;
  answer.media_type = "image/jpeg";
  std::string path;
  MediaAsset asset = TRY(media_.Get(id, actor));
  const MediaFormat* format = FindFormat(asset.format);
  if (format &&
      (format->media_class == MediaClass::kAudio || format->media_class == MediaClass::kVideo)) {
    // Sound and video: the poster frame, else the waveform (an MP4 may hold sound only).
    answer.is_public = actor.audience == Audience::kPublic;
    std::error_code ec;
    path = PosterPath(derivatives_, id).string();
    if (!std::filesystem::exists(path, ec)) {
      path = WaveformPath(derivatives_, id).string();
      answer.media_type = "image/png";
    }
  } else {
    TRY(Open(id, actor, answer.is_public));
    path = derivatives_.Thumbnail(id).string();
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > (off_t{64} << 20)) {
    if (fd >= 0) close(fd);
    return Fail(ErrorCode::kUnavailable, "the thumbnail of " + id + " is not ready yet",
                "ảnh thu nhỏ của " + id + " chưa sẵn sàng");
  }
  answer.etag =
      Quoted(std::to_string(st.st_ino) + "-" + std::to_string(st.st_size) + "-" +
                 std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec),
             "thumbnail");
  if (Matches(if_none_match, answer.etag)) {
    close(fd);
    answer.not_modified = true;
    return answer;
  }
  answer.body.resize(static_cast<size_t>(st.st_size));
  ssize_t got = pread(fd, answer.body.data(), answer.body.size(), 0);
  close(fd);
  if (got != st.st_size) {
    return Fail(ErrorCode::kUnavailable, "the thumbnail of " + id + " could not be read",
                "không đọc được ảnh thu nhỏ của " + id);
  }
  return answer;
}

Result<std::optional<std::string>> StoredTile(const Pyramid& p, const ResolvedRequest& r) {
  const auto& levels = p.levels();
  for (size_t k = 0; k < levels.size(); ++k) {
    const PyramidLevel& level = levels[k];
    const int64_t s = int64_t{1} << k;
    const int64_t span_w = level.tile_width * s, span_h = level.tile_height * s;
    if (r.x % span_w != 0 || r.y % span_h != 0) continue;
    if (r.w != std::min(span_w, p.width() - r.x) || r.h != std::min(span_h, p.height() - r.y))
      continue;
    // The level's own pixels, and the output within a pixel of the region at this scale (the
    // level's size was rounded to whole pixels, and so is the viewer's request).
    const int64_t tx = r.x / span_w, ty = r.y / span_h;
    const int64_t real_w = std::min(level.tile_width, level.width - tx * level.tile_width);
    const int64_t real_h = std::min(level.tile_height, level.height - ty * level.tile_height);
    if (real_w <= 0 || real_h <= 0 || r.out_w > real_w || r.out_h > real_h ||
        std::abs(double(r.out_w) - double(r.w) / double(s)) >= 1.0 ||
        std::abs(double(r.out_h) - double(r.h) / double(s)) >= 1.0)
      continue;
    const bool same_scale = std::llabs(level.width * s - p.width()) < s &&
                            std::llabs(level.height * s - p.height()) < s;
    if (!same_scale || !level.jpeg_passthrough) return std::nullopt;
    Result<std::string> tile = p.JpegTile(k, tx, ty);
    if (!tile) return std::nullopt;  // decoded below instead
    if (r.out_w == level.tile_width && r.out_h == level.tile_height) return std::move(*tile);
    Result<std::string> cropped =
        CropJpegTopLeft(*tile, static_cast<int>(r.out_w), static_cast<int>(r.out_h));
    if (!cropped) return std::unexpected(cropped.error());
    return std::move(*cropped);
  }
  return std::nullopt;
}

// 8-bit pixels in memory (grey, or sRGB) as a libvips image that reads them in place.
static vips::VImage InPlace(uint8_t* pixels, size_t bytes, int width, int height, int bands) {
  return vips::VImage::new_from_memory(pixels, bytes, width, height, bands, VIPS_FORMAT_UCHAR)
      .copy(vips::VImage::option()->set(
          "interpretation", bands == 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB));
}

Result<std::string> RenderFromPyramid(const Pyramid& p, const ResolvedRequest& r,
                                      LevelReader reader) {
  const auto& levels = p.levels();
  // The smallest level whose copy of the region is at least the output size.
  size_t chosen = 0;
  for (size_t k = levels.size(); k-- > 0;) {
    double lw = double(r.w) * double(levels[k].width) / double(p.width());
    double lh = double(r.h) * double(levels[k].height) / double(p.height());
    if (lw + 1e-9 >= double(r.out_w) && lh + 1e-9 >= double(r.out_h)) {
      chosen = k;
      break;
    }
  }
  const PyramidLevel& level = levels[chosen];
  TileCanvas canvas;      // the decoded tiles, when they are read that way
  OwnedPixels resampled;  // and those reduced to the output size
  try {
    vips::VImage img;
    const double fx = double(level.width) / double(p.width());
    const double fy = double(level.height) / double(p.height());
    int64_t lx =
        std::min<int64_t>(level.width - 1, static_cast<int64_t>(std::floor(double(r.x) * fx)));
    int64_t ly =
        std::min<int64_t>(level.height - 1, static_cast<int64_t>(std::floor(double(r.y) * fy)));
    int64_t lx2 =
        std::min<int64_t>(level.width, static_cast<int64_t>(std::ceil(double(r.x + r.w) * fx)));
    int64_t ly2 =
        std::min<int64_t>(level.height, static_cast<int64_t>(std::ceil(double(r.y + r.h) * fy)));
    int lw = static_cast<int>(std::max<int64_t>(1, lx2 - lx));
    int lh = static_cast<int>(std::max<int64_t>(1, ly2 - ly));
    // The region at this level's scale is the output size within a pixel (a 2048 px region at
    // scale factor 4 asked at 512 px, at any offset): the level's pixels as they are, from the
    // nearest whole pixel, rather than a resampling by less than a pixel (which would cost
    // more than the rest of the request and blur every pixel to move the picture by < 0.5).
    const double ex = double(r.x) * fx, ey = double(r.y) * fy;
    if (r.out_w <= level.width && r.out_h <= level.height &&
        std::abs(double(r.w) * fx - double(r.out_w)) < 1.0 &&
        std::abs(double(r.h) * fy - double(r.out_h)) < 1.0) {
      lx = std::clamp<int64_t>(std::llround(ex), 0, level.width - r.out_w);
      ly = std::clamp<int64_t>(std::llround(ey), 0, level.height - r.out_h);
      lw = static_cast<int>(r.out_w);
      lh = static_cast<int>(r.out_h);
    }
    // The level scaled down in the DCT domain by the largest of 2, 4, 8 that still leaves at
    // least the output size (the pyramid's next level is usually already below it).
    int shrink = 1;
    while (shrink < 8 && lw / (shrink * 2) >= r.out_w && lh / (shrink * 2) >= r.out_h) shrink *= 2;
    if (reader == LevelReader::kStoredTiles && level.jpeg_passthrough &&
        CanvasPixels(level, lx, ly, lx + lw, ly + lh, shrink) <= kMaxCanvasPixels) {
      Result<TileCanvas> decoded = DecodeArea(p, chosen, lx, ly, lx + lw, ly + lh, shrink);
      if (!decoded) return std::unexpected(decoded.error());
      canvas = std::move(*decoded);
      lw = canvas.area_w;
      lh = canvas.area_h;
      // libvips reads the buffers in place: `canvas` and `resampled` outlive every use of `img`.
      if (r.out_w <= lw && r.out_h <= lh && (r.out_w != lw || r.out_h != lh) &&
          lw <= r.out_w * kMaxReduction && lh <= r.out_h * kMaxReduction) {
        // Reduced here rather than by libvips' reduce (resample.h): 3 to 4 times less CPU.
        const size_t pitch = size_t(canvas.width) * size_t(canvas.bands);
        resampled = ResampleDown({canvas.pixels.get() + size_t(canvas.area_y) * pitch +
                                      size_t(canvas.area_x) * size_t(canvas.bands),
                                  lw, lh, canvas.bands, pitch},
                                 static_cast<int>(r.out_w), static_cast<int>(r.out_h));
        img = InPlace(resampled.data.get(),
                      size_t(resampled.width) * size_t(resampled.height) * size_t(resampled.bands),
                      resampled.width, resampled.height, resampled.bands);
        lw = resampled.width;
        lh = resampled.height;
      } else {
        img = InPlace(canvas.pixels.get(), canvas.bytes, canvas.width, canvas.height, canvas.bands)
                  .extract_area(canvas.area_x, canvas.area_y, canvas.area_w, canvas.area_h);
      }
    } else {
      img =
          OpenLevel(p, level.page).extract_area(static_cast<int>(lx), static_cast<int>(ly), lw, lh);
    }
    if (lw != r.out_w || lh != r.out_h) {
      img = img.resize(double(r.out_w) / lw,
                       vips::VImage::option()->set("vscale", double(r.out_h) / lh));
      if (img.width() != r.out_w || img.height() != r.out_h) {
        img = img.embed(0, 0, static_cast<int>(r.out_w), static_cast<int>(r.out_h),
                        vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
      }
    }
    if (r.quality == Quality::kGray || r.quality == Quality::kBitonal) {
      img = img.colourspace(VIPS_INTERPRETATION_B_W);
      if (img.bands() > 1) img = img.extract_band(0);
      if (r.quality == Quality::kBitonal) img = img > 128;
    }
    if (r.mirror) img = img.flip(VIPS_DIRECTION_HORIZONTAL);
    if (r.degrees == 90) {
      img = img.rot(VIPS_ANGLE_D90);
    } else if (r.degrees == 180) {
      img = img.rot(VIPS_ANGLE_D180);
    } else if (r.degrees == 270) {
      img = img.rot(VIPS_ANGLE_D270);
    } else if (r.degrees != 0) {
      // What the rotation uncovers: transparent where the format allows, else white.
      bool alpha = r.format != Format::kJpg;
      if (alpha) img = img.bandjoin_const({255});
      std::vector<double> background(static_cast<size_t>(img.bands()), alpha ? 0.0 : 255.0);
      img = img.rotate(r.degrees, vips::VImage::option()->set("background", background));
    }
    switch (r.format) {
      case Format::kJpg:
        return BlobString(
            img.jpegsave_buffer(vips::VImage::option()->set("Q", 85)->set("strip", true)));
      case Format::kPng:
        return BlobString(
            img.pngsave_buffer(vips::VImage::option()->set("compression", 6)->set("strip", true)));
      case Format::kWebp:
        return BlobString(
            img.webpsave_buffer(vips::VImage::option()->set("Q", 85)->set("strip", true)));
    }
  } catch (const vips::VError& e) {
    std::string why(e.what());
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Fail(ErrorCode::kCorrupt, "the image could not be rendered: " + why.substr(0, 300),
                "không dựng được ảnh: " + why.substr(0, 300));
  }
  return Fail(ErrorCode::kInternal, "unknown format", "định dạng không xác định");
}

}  // namespace disan::media::iiif
