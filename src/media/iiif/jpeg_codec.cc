// Stored JPEG tiles through TurboJPEG (jpeg_codec.h). The only file that includes <turbojpeg.h>.
#include "media/iiif/jpeg_codec.h"

#include <turbojpeg.h>

#include <memory>

namespace disan::media::iiif {
namespace {

struct HandleCloser {
  void operator()(void* h) const {
    if (h) tjDestroy(h);
  }
};
using Handle = std::unique_ptr<void, HandleCloser>;

// One decompressor and one transformer per thread: a TurboJPEG handle keeps per-call state.
tjhandle Decompressor() {
  thread_local Handle handle(tjInitDecompress());
  return handle.get();
}
tjhandle Transformer() {
  thread_local Handle handle(tjInitTransform());
  return handle.get();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::unexpected<Error> Corrupt(tjhandle h, const char* what) {
  std::string why = h ? tjGetErrorStr2(h) : "TurboJPEG could not start";
  return Fail(ErrorCode::kCorrupt,
              std::string("a stored JPEG tile is damaged (") + what + "): " + why,
              std::string("một ô ảnh JPEG đã lưu bị hỏng (") + what + "): " + why);
}

// Refuses streams that are too large to be a tile before libjpeg sees them.
constexpr size_t kMaxStream = size_t{64} << 20;

}  // namespace

Result<JpegHeader> ReadJpegHeader(std::string_view jpeg) {
  tjhandle h = Decompressor();
  if (!h || jpeg.size() < 4 || jpeg.size() > kMaxStream) return Corrupt(h, "header");
  int w = 0, ht = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(h, Bytes(jpeg), jpeg.size(), &w, &ht, &subsamp, &colorspace) != 0 ||
      w <= 0 || ht <= 0) {
    return Corrupt(h, "header");
  }
  JpegHeader header;
  header.width = w;
  header.height = ht;
  header.bands = colorspace == TJCS_GRAY ? 1 : 3;
  if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) return Corrupt(h, "CMYK");
  return header;
}

Result<std::string> CropJpegTopLeft(std::string_view jpeg, int width, int height) {
  JpegHeader header = TRY(ReadJpegHeader(jpeg));
  if (width <= 0 || height <= 0 || width > header.width || height > header.height) {
    return Fail(ErrorCode::kInvalid,
                "a crop of " + std::to_string(width) + " x " + std::to_string(height) +
                    " does not fit a tile of " + std::to_string(header.width) + " x " +
                    std::to_string(header.height),
                "vùng cắt " + std::to_string(width) + " x " + std::to_string(height) +
                    " không nằm trong ô ảnh " + std::to_string(header.width) + " x " +
                    std::to_string(header.height));
  }
  tjhandle h = Transformer();
  if (!h) return Corrupt(h, "crop");
  tjtransform t{};
  t.r.x = 0;  // the upper-left corner is on an MCU boundary, so the crop is exact
  t.r.y = 0;
  t.r.w = width;
  t.r.h = height;
  t.op = TJXOP_NONE;
  t.options = TJXOPT_CROP;
  unsigned char* out = nullptr;
  unsigned long size = 0;
  int rc = tjTransform(h, Bytes(jpeg), jpeg.size(), 1, &out, &size, &t, TJFLAG_STOPONWARNING);
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(out, tjFree);
  if (rc != 0 || !out || size < 4) return Corrupt(h, "crop");
  return std::string(reinterpret_cast<const char*>(out), size);
}

Status DecodeJpegInto(std::string_view jpeg, int shrink, int bands, int width, int height,
                      uint8_t* out, size_t pitch) {
  JpegHeader header = TRY(ReadJpegHeader(jpeg));
  if (shrink != 1 && shrink != 2 && shrink != 4 && shrink != 8) {
    return Fail(ErrorCode::kInternal, "JPEG scaling must be 1, 2, 4 or 8",
                "hệ số thu nhỏ JPEG phải là 1, 2, 4 hoặc 8");
  }
  tjhandle h = Decompressor();
  if ((header.width + shrink - 1) / shrink != width ||
      (header.height + shrink - 1) / shrink != height || (bands != 1 && bands != 3)) {
    return Fail(ErrorCode::kCorrupt,
                "a stored JPEG tile is " + std::to_string(header.width) + " x " +
                    std::to_string(header.height) + ", not the size its level declares",
                "một ô ảnh JPEG đã lưu có kích thước " + std::to_string(header.width) + " x " +
                    std::to_string(header.height) + ", khác kích thước tầng của nó");
  }
  // TurboJPEG picks the DCT scaling factor from the requested size.
  if (tjDecompress2(h, Bytes(jpeg), jpeg.size(), out, width, static_cast<int>(pitch), height,
                    bands == 1 ? TJPF_GRAY : TJPF_RGB, TJFLAG_STOPONWARNING) != 0) {
    return Corrupt(h, "decode");
  }
  return {};
}

}  // namespace disan::media::iiif
