// Reading pyramidal TIFFs with libtiff (pyramid.h). The only file that includes <tiffio.h>.
#include "media/iiif/pyramid.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

namespace disan::media::iiif {
namespace {

// libtiff prints warnings about private tags to stderr by default.
void QuietLibtiff() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandler(nullptr);
  });
}

// A JFIF APP0 segment: version 1.1, no density, no thumbnail.
constexpr char kJfif[] = "\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";
constexpr size_t kJfifSize = sizeof(kJfif) - 1;

}  // namespace

Pyramid::~Pyramid() {
  if (fd_ >= 0) close(fd_);
}

Result<std::shared_ptr<const Pyramid>> Pyramid::Open(const std::string& path) {
  QuietLibtiff();
  std::shared_ptr<Pyramid> p(new Pyramid());
  p->path_ = path;
  p->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (p->fd_ < 0) {
    return Fail(ErrorCode::kNotFound, "no access copy at " + path,
                "không có bản truy cập tại " + path);
  }
  struct stat st {};
  fstat(p->fd_, &st);
  p->version_ = std::to_string(st.st_dev) + "-" + std::to_string(st.st_ino) + "-" +
                std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                std::to_string(st.st_mtim.tv_nsec);
  auto corrupt = [&](const std::string& why) {
    return Fail(ErrorCode::kCorrupt, "the access copy " + path + " is damaged: " + why,
                "bản truy cập " + path + " bị hỏng: " + why);
  };
  TIFF* tif = TIFFFdOpen(dup(p->fd_), path.c_str(), "rm");
  if (!tif) return corrupt("not a TIFF file");
  int page = 0;
  do {
    PyramidLevel level;
    level.page = page++;
    uint32_t w = 0, h = 0, tw = 0, th = 0;
    uint16_t compression = 1, photometric = 0, samples = 1;
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h) ||
        !TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw) || !TIFFGetField(tif, TIFFTAG_TILELENGTH, &th) ||
        w == 0 || h == 0 || tw == 0 || th == 0) {
      TIFFClose(tif);
      return corrupt("level " + std::to_string(level.page) + " is not tiled");
    }
    TIFFGetField(tif, TIFFTAG_COMPRESSION, &compression);
    TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
    level.width = w;
    level.height = h;
    level.tile_width = tw;
    level.tile_height = th;
    if (compression == COMPRESSION_JPEG) {
      uint32_t count = 0;
      void* tables = nullptr;
      if (TIFFGetField(tif, TIFFTAG_JPEGTABLES, &count, &tables) && tables && count >= 4) {
        level.jpeg_tables.assign(static_cast<const char*>(tables), count);
      }
      level.jpeg_passthrough = (photometric == PHOTOMETRIC_YCBCR && samples == 3) ||
                               (photometric == PHOTOMETRIC_MINISBLACK && samples == 1);
    }
    uint32_t tiles = TIFFNumberOfTiles(tif);
    level.offsets.resize(tiles);
    level.byte_counts.resize(tiles);
    for (uint32_t i = 0; i < tiles; ++i) {
      level.offsets[i] = TIFFGetStrileOffset(tif, i);
      level.byte_counts[i] = TIFFGetStrileByteCount(tif, i);
    }
    if (!p->levels_.empty() &&
        (level.width > p->levels_.back().width || level.height > p->levels_.back().height)) {
      break;  // not a level of this pyramid (a thumbnail or another image)
    }
    p->levels_.push_back(std::move(level));
  } while (TIFFReadDirectory(tif));
  TIFFClose(tif);
  if (p->levels_.empty()) return corrupt("no image in the file");
  return std::shared_ptr<const Pyramid>(std::move(p));
}

Result<std::string> Pyramid::JpegTile(size_t level_index, int64_t tx, int64_t ty) const {
  if (level_index >= levels_.size()) {
    return Fail(ErrorCode::kInvalid, "no such pyramid level", "không có tầng này trong tháp ảnh");
  }
  const PyramidLevel& level = levels_[level_index];
  int64_t across = (level.width + level.tile_width - 1) / level.tile_width;
  int64_t down = (level.height + level.tile_height - 1) / level.tile_height;
  if (!level.jpeg_passthrough || tx < 0 || ty < 0 || tx >= across || ty >= down) {
    return Fail(ErrorCode::kInvalid, "this tile cannot be sent as stored",
                "không gửi nguyên được ô ảnh này");
  }
  size_t index = static_cast<size_t>(ty * across + tx);
  uint64_t offset = level.offsets[index], size = level.byte_counts[index];
  auto corrupt = [&] {
    return Fail(ErrorCode::kCorrupt,
                "tile " + std::to_string(index) + " of " + path_ + " is damaged",
                "ô ảnh " + std::to_string(index) + " của " + path_ + " bị hỏng");
  };
  if (size < 4 || size > (uint64_t{64} << 20)) return corrupt();
  const std::string& tables = level.jpeg_tables;
  // SOI and JFIF, then the tables without their SOI and EOI, then the tile without its SOI.
  std::string out;
  out.reserve(2 + kJfifSize + tables.size() + size);
  out.append("\xff\xd8", 2);
  out.append(kJfif, kJfifSize);
  if (tables.size() >= 4) out.append(tables, 2, tables.size() - 4);
  const size_t tile_at = out.size();
  out.resize(tile_at + size);
  ssize_t got = pread(fd_, out.data() + tile_at, size, static_cast<off_t>(offset));
  if (got != static_cast<ssize_t>(size) || static_cast<unsigned char>(out[tile_at]) != 0xff ||
      static_cast<unsigned char>(out[tile_at + 1]) != 0xd8) {
    return corrupt();
  }
  out.erase(tile_at, 2);
  return out;
}

}  // namespace disan::media::iiif
