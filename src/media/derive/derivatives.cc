// Pyramids and thumbnails with libvips (derivatives.h).
#include "media/derive/derivatives.h"

#include <unistd.h>

#include <atomic>
#include <random>
#include <vips/vips8>

namespace disan::media {

namespace fs = std::filesystem;

namespace {

std::string Trimmed(const char* what) {
  std::string s(what);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.substr(0, 400);
}

// Ready for 8-bit JPEG tiles: sRGB or grey, 8 bits, no alpha (flattened on white).
vips::VImage ForJpeg(vips::VImage img) {
  if (img.has_alpha()) {
    img =
        img.flatten(vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  }
  VipsInterpretation target = img.bands() < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
  if (img.interpretation() != target || img.format() != VIPS_FORMAT_UCHAR) {
    img = img.colourspace(target);
    if (img.format() != VIPS_FORMAT_UCHAR) img = img.cast(VIPS_FORMAT_UCHAR);
  }
  if (img.bands() > 3) img = img.extract_band(0, vips::VImage::option()->set("n", 3));
  if (img.bands() == 2) img = img.extract_band(0);
  return img;
}

}  // namespace

bool Derivatives::Has(const std::string& id) const {
  std::error_code ec;
  return fs::exists(Pyramid(id), ec) && fs::exists(Thumbnail(id), ec);
}

Status Derivatives::MakeImage(const std::string& id, const std::string& master,
                              const ProbeOptions& options) {
  TRY(ProbeImage(master, options));
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  fs::create_directories(root_, ec);
  fs::path tmp = root_ / (".tmp-" + id + "-" + std::to_string(getpid()) + "-" +
                          std::to_string(counter.fetch_add(1)));
  fs::remove_all(tmp, ec);
  if (!fs::create_directory(tmp, ec)) {
    return Fail(ErrorCode::kUnavailable, "cannot create " + tmp.string() + ": " + ec.message(),
                "không tạo được " + tmp.string() + ": " + ec.message());
  }
  auto cleanup = [&] { fs::remove_all(tmp, ec); };
  try {
    // First the whole stream is decoded once to find truncation and corruption (any decoder
    // warning counts: a damaged master is reported, not silently patched with grey); libvips
    // 8.14 can also crash when tiffsave's input fails half-way. JPEGs are decoded at 1/8 scale
    // (every entropy-coded byte is still read, at a fraction of the cost).
    std::string loader = vips::VImage::new_from_file(master.c_str()).get_string("vips-loader");
    auto check = vips::VImage::option()
                     ->set("access", VIPS_ACCESS_SEQUENTIAL)
                     ->set("fail_on", VIPS_FAIL_ON_WARNING);
    if (loader.starts_with("jpegload")) check->set("shrink", 8);
    (void)vips::VImage::new_from_file(master.c_str(), check).min();
    vips::VImage img = vips::VImage::new_from_file(
        master.c_str(), vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    img = ForJpeg(img);
    img.tiffsave((tmp / "pyramid.tif").c_str(),
                 vips::VImage::option()
                     ->set("tile", true)
                     ->set("pyramid", true)
                     ->set("compression", VIPS_FOREIGN_TIFF_COMPRESSION_JPEG)
                     ->set("Q", kAccessQuality)
                     ->set("tile_width", kTileSize)
                     ->set("tile_height", kTileSize)
                     ->set("bigtiff", img.width() * int64_t{img.height()} > (int64_t{1} << 30)));
    vips::VImage thumb = vips::VImage::thumbnail((tmp / "pyramid.tif").c_str(), kThumbnailSize);
    thumb.jpegsave((tmp / "thumbnail.jpg").c_str(),
                   vips::VImage::option()->set("Q", kAccessQuality)->set("strip", true));
  } catch (const vips::VError& e) {
    cleanup();
    std::string why = Trimmed(e.what());
    std::string en = "the image could not be decoded (" + why + ")";
    std::string vi = "không giải mã được ảnh (" + why + ")";
    return Fail(Error{ErrorCode::kInvalid, en, vi, {{"file", "undecodable_image", en, vi}}});
  }
  // Swap the new set in: the old one (if any) goes aside first, then is removed.
  fs::path final_dir = Dir(id);
  fs::path old = root_ / (".old-" + id + "-" + std::to_string(getpid()) + "-" +
                          std::to_string(counter.fetch_add(1)));
  bool had_old = fs::exists(final_dir, ec);
  if (had_old) fs::rename(final_dir, old, ec);
  fs::rename(tmp, final_dir, ec);
  if (ec) {
    cleanup();
    return Fail(ErrorCode::kUnavailable,
                "cannot move derivatives into " + final_dir.string() + ": " + ec.message(),
                "không chuyển được tệp phái sinh vào " + final_dir.string() + ": " + ec.message());
  }
  if (had_old) fs::remove_all(old, ec);
  return Ok();
}

Status Derivatives::Remove(const std::string& id) {
  std::error_code ec;
  fs::remove_all(Dir(id), ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot remove " + Dir(id).string() + ": " + ec.message(),
                "không xóa được " + Dir(id).string() + ": " + ec.message());
  }
  return Ok();
}

}  // namespace disan::media
