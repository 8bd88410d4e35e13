#include "media/media_type.h"

#include <fcntl.h>
#include <magic.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

namespace disan::media {

namespace {

constexpr size_t kHeadBytes = 1 << 20;

std::string AcceptedList() {
  std::string out;
  std::set<std::string_view> seen;
  for (const MediaFormat& f : AcceptedFormats()) {
    if (!seen.insert(f.label).second) continue;
    out += (out.empty() ? "" : ", ") + std::string(f.label);
  }
  return out;
}

std::unexpected<Error> Refuse(const MagicAnswer& magic, const std::string& why_en = "",
                              const std::string& why_vi = "") {
  std::string what =
      magic.mime + (magic.description.empty() ? "" : " (" + magic.description.substr(0, 200) + ")");
  std::string en = "the file is " + what + (why_en.empty() ? "" : ", " + why_en) +
                   ", which is not accepted; send one of: " + AcceptedList();
  std::string vi = "tệp có kiểu " + what + (why_vi.empty() ? "" : ", " + why_vi) +
                   ", không được chấp nhận; hãy gửi một trong các định dạng: " + AcceptedList();
  return Fail(Error{ErrorCode::kInvalid,
                    en,
                    vi,
                    {{"file", "unsupported_type", "is " + what + ", not an accepted type",
                      "có kiểu " + what + ", không được chấp nhận"}}});
}

// glTF 2.0 JSON: a top-level "asset" object whose "version" starts with "2.". Exporters write
// "asset" first; only the first MiB is read (buffers embedded as data URIs can be huge).
class GltfSniffer : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool found() const { return found_; }
  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t& s) override {
    if (depth_ == 2 && in_asset_ && key_ == "version" && s.starts_with("2.")) {
      found_ = true;
      return false;  // stop: nothing more is needed
    }
    return Value();
  }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    if (depth_ == 0 && started_) return false;
    started_ = true;
    if (depth_ == 1 && key_ == "asset") in_asset_ = true;
    ++depth_;
    key_.clear();
    return depth_ < 256;
  }
  bool key(string_t& k) override {
    key_ = k;
    return true;
  }
  bool end_object() override {
    --depth_;
    if (depth_ == 1) in_asset_ = false;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return false;  // a glTF document is an object
    ++depth_;
    return depth_ < 256;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Value() {
    if (depth_ == 0) return false;
    return true;
  }
  int depth_ = 0;
  bool started_ = false;
  bool in_asset_ = false;
  std::string key_;
  bool found_ = false;
};

bool LooksLikeGltf(std::string_view head) {
  GltfSniffer sniffer;
  nlohmann::json::sax_parse(head.begin(), head.end(), &sniffer,
                            nlohmann::json::input_format_t::json, false);
  return sniffer.found();
}

// Wavefront OBJ: every complete line is blank, a comment, or starts with an OBJ statement,
// and there is at least one vertex.
bool LooksLikeObj(std::string_view head) {
  static const std::set<std::string_view> kStatements = {
      "v",     "vt",    "vn",     "vp",       "f",        "l",      "p",          "o",
      "g",     "s",     "mtllib", "usemtl",   "cstype",   "deg",    "bmat",       "step",
      "curv",  "curv2", "surf",   "parm",     "trim",     "hole",   "scrv",       "sp",
      "end",   "con",   "mg",     "lod",      "usemap",   "maplib", "shadow_obj", "trace_obj",
      "ctech", "stech", "bevel",  "c_interp", "d_interp", "call",   "csh"};
  if (head.size() == kHeadBytes) head = head.substr(0, head.rfind('\n') + 1);  // drop a cut line
  bool vertex = false;
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find('\n', start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    line = line.substr(first);
    if (line.front() == '#') continue;
    std::string_view word = line.substr(0, line.find_first_of(" \t"));
    if (!kStatements.count(word)) return false;
    vertex = vertex || word == "v";
  }
  return vertex;
}

}  // namespace

const std::vector<MediaFormat>& AcceptedFormats() {
  static const std::vector<MediaFormat> formats = {
      {"jpeg", "image/jpeg", "jpg", MediaClass::kImage, "JPEG"},
      {"tiff", "image/tiff", "tif", MediaClass::kImage, "TIFF"},
      {"png", "image/png", "png", MediaClass::kImage, "PNG"},
      {"webp", "image/webp", "webp", MediaClass::kImage, "WebP"},
      {"jp2", "image/jp2", "jp2", MediaClass::kImage, "JPEG 2000"},
      {"j2k", "image/x-jp2-codestream", "j2c", MediaClass::kImage, "JPEG 2000"},
      {"pdf", "application/pdf", "pdf", MediaClass::kDocument, "PDF"},
      {"wav", "audio/wav", "wav", MediaClass::kAudio, "WAV"},
      {"flac", "audio/flac", "flac", MediaClass::kAudio, "FLAC"},
      {"mp3", "audio/mpeg", "mp3", MediaClass::kAudio, "MP3"},
      {"mp4", "video/mp4", "mp4", MediaClass::kVideo, "MP4"},
      {"webm", "video/webm", "webm", MediaClass::kVideo, "WebM"},
      {"gltf", "model/gltf+json", "gltf", MediaClass::kModel, "glTF/GLB"},
      {"glb", "model/gltf-binary", "glb", MediaClass::kModel, "glTF/GLB"},
      {"obj", "model/obj", "obj", MediaClass::kModel, "OBJ"},
      {"ply", "application/x-ply", "ply", MediaClass::kModel, "PLY"},
  };
  return formats;
}

const MediaFormat* FindFormat(std::string_view id) {
  for (const MediaFormat& f : AcceptedFormats()) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

Result<const MediaFormat*> ClassifyContent(const MagicAnswer& magic, std::string_view head) {
  // libmagic's MIME types, including the older spellings some of its versions use.
  static const std::map<std::string_view, std::string_view> kByMime = {
      {"image/jpeg", "jpeg"},     {"image/tiff", "tiff"},
      {"image/png", "png"},       {"image/webp", "webp"},
      {"image/jp2", "jp2"},       {"image/jpx", "jp2"},
      {"image/jpm", "jp2"},       {"image/x-jp2-codestream", "j2k"},
      {"application/pdf", "pdf"}, {"audio/x-wav", "wav"},
      {"audio/wav", "wav"},       {"audio/vnd.wave", "wav"},
      {"audio/x-wave", "wav"},    {"audio/flac", "flac"},
      {"audio/x-flac", "flac"},   {"audio/mpeg", "mp3"},
      {"video/mp4", "mp4"},       {"video/webm", "webm"},
      {"audio/webm", "webm"},     {"model/gltf-binary", "glb"},
  };
  if (magic.mime == "inode/x-empty" || head.empty()) {
    return Fail(Error{ErrorCode::kInvalid,
                      "the file is empty",
                      "tệp rỗng",
                      {{"file", "empty", "the file is empty", "tệp rỗng"}}});
  }
  if (magic.description.starts_with("PLY model") && head.starts_with("ply"))
    return FindFormat("ply");
  if (auto it = kByMime.find(magic.mime); it != kByMime.end()) return FindFormat(it->second);
  if (magic.mime == "application/json" || magic.mime == "text/plain") {
    if (LooksLikeGltf(head)) return FindFormat("gltf");
  }
  if (magic.mime == "application/json") {
    return Refuse(magic, "not a glTF 2.0 model (no asset.version 2.x at its start)",
                  "không phải mô hình glTF 2.0 (không có asset.version 2.x ở đầu tệp)");
  }
  if (magic.mime == "text/plain" && LooksLikeObj(head)) return FindFormat("obj");
  return Refuse(magic);
}

Result<const MediaFormat*> DetectFormat(const std::string& path) {
  std::string head;
  {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::string reason = std::strerror(errno);
      return Fail(ErrorCode::kUnavailable, "cannot read " + path + ": " + reason,
                  "không đọc được " + path + " (" + reason + ")");
    }
    head.resize(kHeadBytes);
    size_t got = 0;
    while (got < head.size()) {
      ssize_t n = read(fd, head.data() + got, head.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    close(fd);
    head.resize(got);
  }
  // A cookie is not thread-safe; one per call costs a millisecond against an upload.
  std::unique_ptr<magic_set, decltype(&magic_close)> cookie(
      magic_open(MAGIC_NONE | MAGIC_NO_CHECK_COMPRESS), &magic_close);
  if (!cookie || magic_load(cookie.get(), nullptr) != 0) {
    return Fail(ErrorCode::kUnavailable, "cannot load libmagic's file type database",
                "không nạp được cơ sở dữ liệu kiểu tệp của libmagic");
  }
  MagicAnswer answer;
  if (const char* d = magic_buffer(cookie.get(), head.data(), head.size())) answer.description = d;
  magic_setflags(cookie.get(), MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
  if (const char* m = magic_buffer(cookie.get(), head.data(), head.size())) answer.mime = m;
  if (answer.mime.empty()) answer.mime = "application/octet-stream";
  return ClassifyContent(answer, head);
}

}  // namespace disan::media
