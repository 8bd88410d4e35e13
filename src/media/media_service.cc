#include "media/media_service.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/clock.h"
#include "core/pid.h"
#include "core/text.h"
#include "media/derive/av.h"
#include "media/derive/image_probe.h"
#include "media/jobs.h"

namespace disan::media {

using nlohmann::json;

namespace {


size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasControl(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if ((c < 0x20 && !(allow_newlines && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
      return true;
  }
  return false;
}

// YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date.
bool IsIsoDate(std::string_view s) {
  auto digits = [&](size_t pos, size_t n) {
    if (s.size() < pos + n) return -1;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  int year = digits(0, 4);
  if (year < 0) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-') return false;
  int month = digits(5, 2);
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-') return false;
  int day = digits(8, 2);
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day >= 1 && day <= (month == 2 && !leap ? 28 : kDays[month - 1]);
}


std::unexpected<Error> NoMedia(const std::string& id) {
  return Fail(ErrorCode::kNotFound, "no media with identifier " + id,
              "không có tệp đa phương tiện với mã " + id);
}

std::string_view ClassName(MediaClass c) {
  switch (c) {
    case MediaClass::kImage:
      return "an image";
    case MediaClass::kDocument:
      return "a document";
    case MediaClass::kAudio:
      return "audio";
    case MediaClass::kVideo:
      return "video";
    case MediaClass::kModel:
      return "a 3D model";
  }
  return "";
}

// Roles that only fit some kinds of file.
Status CheckRole(const std::string& role, const MediaFormat& format) {
  struct Rule {
    const char* role;
    std::vector<MediaClass> classes;
    const char* want_en;
    const char* want_vi;
  };
  static const std::vector<Rule> kRules = {
      {"panorama", {MediaClass::kImage}, "an image", "một ảnh"},
      {"page_scan",
       {MediaClass::kImage, MediaClass::kDocument},
       "an image or a PDF",
       "một ảnh hoặc tệp PDF"},
      {"model_3d",
       {MediaClass::kModel},
       "a 3D model (glTF/GLB, OBJ or PLY)",
       "một mô hình 3D (glTF/GLB, OBJ hoặc PLY)"},
      {"recording",
       {MediaClass::kAudio, MediaClass::kVideo},
       "audio or video",
       "âm thanh hoặc video"},
  };
  for (const Rule& rule : kRules) {
    if (role != rule.role) continue;
    if (std::find(rule.classes.begin(), rule.classes.end(), format.media_class) !=
        rule.classes.end())
      return Ok();
    std::string en = "a " + role + " must be " + rule.want_en + ", but the file is " +
                     std::string(format.label) + " (" + std::string(ClassName(format.media_class)) +
                     ")";
    std::string vi =
        "vai trò " + role + " cần " + rule.want_vi + ", nhưng tệp là " + std::string(format.label);
    return Fail(Error{ErrorCode::kInvalid, en, vi, {{"role", "role_mismatch", en, vi}}});
  }
  return Ok();
}

// A fresh media identifier, recorded as issued (by `reserve`: a write of its own, or the
// caller's transaction) before anything refers to it. Retries the rare clash.
Result<std::string> ReserveMediaId(const std::string& pid_namespace,
                                   const std::function<Status(const std::string&)>& reserve) {
  for (int attempt = 0;; ++attempt) {
    std::string candidate = MintPid(pid_namespace);
    Status reserved = reserve(candidate);
    if (reserved) return candidate;
    if (reserved.error().code != ErrorCode::kConflict || attempt == 8)
      return std::unexpected(reserved.error());
  }
}

// The asset a received file becomes: what was asked (`in`), what was found (`format`,
// `technical`, digests), who added it and when. ocfl_version is set once it is committed.
MediaAsset NewAsset(const std::string& id, const StoredRecord& item, const MediaInput& in,
                    const MediaFormat& format, const preservation::Digests& digests,
                    json technical, const Actor& actor) {
  MediaAsset a;
  a.id = id;
  a.record_pid = item.pid;
  a.role = in.role;
  a.format = std::string(format.id);
  a.media_type = std::string(format.mime);
  a.size = static_cast<int64_t>(digests.size);
  a.sha512 = digests.sha512;
  a.sha256 = digests.sha256;
  a.original_name = in.filename;
  a.logical_path = "media/" + id + "." + std::string(format.extension);
  a.caption_vi = in.caption_vi;
  a.caption_en = in.caption_en;
  a.creator = in.creator;
  a.date = in.date;
  a.licence = in.licence;
  a.rights_holder = in.rights_holder;
  a.visibility = in.visibility;
  a.created_at = NowRfc3339();
  a.author = actor.name;
  a.technical = std::move(technical);
  return a;
}

}  // namespace

std::string RecordJson(const StoredRecord& r) {
  json out = {{"pid", r.pid},
              {"class", std::string(RecordClassName(r.cls))},
              {"kind", r.kind},
              {"revision", r.revision},
              {"created_at", r.created_at},
              {"updated_at", r.updated_at},
              {"document", r.document}};
  if (r.deleted) {
    out["deleted"] = true;
    out["delete_reason"] = r.delete_reason;
  }
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}


const std::vector<std::string>& MediaRoles() {
  static const std::vector<std::string> roles = {"master",   "access_copy", "page_scan",
                                                 "panorama", "model_3d",    "recording"};
  return roles;
}

Status Upload::Write(const char* data, size_t size) {
  if (failed_) return Fail(*failed_);
  if (file_.bytes_written() + size > limit_) {
    std::string limit = std::to_string(limit_);
    failed_ = Error{
        ErrorCode::kTooLarge,
        "the file is larger than the limit of " + limit + " bytes",
        "tệp lớn hơn giới hạn " + limit + " byte",
        {{"file", "too_large", "larger than " + limit + " bytes", "lớn hơn " + limit + " byte"}}};
    return Fail(*failed_);
  }
  Status s = file_.Write(data, size);
  if (!s) failed_ = s.error();
  return s;
}

Result<preservation::Digests> Upload::Finish() {
  if (failed_) return Fail(*failed_);
  return file_.Finish();
}

MediaService::MediaService(Catalogue& catalogue, preservation::StorageRoot& store,
                           MediaOptions options)
    : catalogue_(catalogue), store_(store), options_(options) {}

Result<StoredRecord> MediaService::Item(const std::string& pid, const Actor& actor) {
  StoredRecord item = TRY(catalogue_.Get(RecordClass::kItem, pid, actor));
  if (item.deleted) {
    return Fail(ErrorCode::kGone, "record " + pid + " was deleted",
                "bản ghi " + pid + " đã bị xóa");
  }
  return item;
}

Result<MediaInput> MediaService::Validate(const MediaInput& input, const StoredRecord& item) {
  std::vector<FieldError> errors;
  auto bad = [&](const char* field, const char* problem, const std::string& en,
                 const std::string& vi) {
    errors.push_back({field, problem, en, vi});
  };
  MediaInput out;
  out.role = input.role.empty() ? "master" : input.role;
  const auto& roles = MediaRoles();
  if (std::find(roles.begin(), roles.end(), out.role) == roles.end()) {
    bad("role", "unknown_term",
        "'" + input.role +
            "' is not a role: use master, access_copy, page_scan, panorama, model_3d or recording",
        "'" + input.role +
            "' không phải vai trò hợp lệ: dùng master, access_copy, page_scan, panorama, model_3d "
            "hoặc recording");
  }
  auto text = [&](const char* field, const std::string& in, size_t max_chars, bool multi_line,
                  std::string& dest) {
    if (in.empty()) return;
    Result<std::string> clean = multi_line ? ToNfc(in) : CleanLine(in);
    if (!clean) {
      bad(field, "encoding", "is not valid UTF-8 text", "không phải văn bản UTF-8 hợp lệ");
      return;
    }
    std::string value(Trim(*clean));
    if (HasControl(value, multi_line)) {
      bad(field, "control_character", "contains control characters", "chứa ký tự điều khiển");
    } else if (CodePoints(value) > max_chars) {
      bad(field, "too_long", "is longer than " + std::to_string(max_chars) + " characters",
          "dài quá " + std::to_string(max_chars) + " ký tự");
    } else {
      dest = std::move(value);
    }
  };
  text("caption_vi", input.caption_vi, 2000, true, out.caption_vi);
  text("caption_en", input.caption_en, 2000, true, out.caption_en);
  text("creator", input.creator, 500, false, out.creator);
  text("rights_holder", input.rights_holder, 500, false, out.rights_holder);
  text("filename", input.filename, 255, false, out.filename);
  if (!out.filename.empty() &&
      (out.filename.find_first_of("/\\") != std::string::npos || out.filename == "." ||
       out.filename == ".." || out.filename.size() > 255)) {
    bad("filename", "not_a_name", "must be a file name of at most 255 bytes, without '/' or '\\'",
        "phải là tên tệp tối đa 255 byte, không chứa '/' hoặc '\\'");
    out.filename.clear();
  }
  if (!input.date.empty()) {
    if (IsIsoDate(input.date)) {
      out.date = input.date;
    } else {
      bad("date", "format",
          "'" + input.date.substr(0, 40) + "' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
          "'" + input.date.substr(0, 40) + "' không phải ngày: viết YYYY, YYYY-MM hoặc YYYY-MM-DD");
    }
  }
  if (input.licence.empty()) {
    out.licence = item.document.value("licence", "");
  } else if (const Vocabulary* v = catalogue_.schema().FindVocabulary("licences")) {
    const Term* t = v->FindId(input.licence);
    if (!t) t = v->Match(input.licence);
    if (t) {
      out.licence = t->id;
    } else {
      bad("licence", "unknown_term",
          "'" + input.licence.substr(0, 80) +
              "' is not a licence (see /api/v1/vocabularies/licences)",
          "'" + input.licence.substr(0, 80) +
              "' không phải giấy phép hợp lệ (xem /api/v1/vocabularies/licences)");
    }
  }
  if (out.rights_holder.empty() && input.rights_holder.empty())
    out.rights_holder = item.document.value("rights_holder", "");
  out.visibility = input.visibility.empty() ? "public" : input.visibility;
  if (out.visibility != "public" && out.visibility != "restricted") {
    bad("visibility", "unknown_term", "must be public or restricted",
        "phải là public hoặc restricted");
  }
  if (!errors.empty()) {
    const std::string n = std::to_string(errors.size());
    return Fail(Error{ErrorCode::kInvalid,
                      "the media description has " + n +
                          (errors.size() == 1 ? " problem: " : " problems, the first: ") +
                          errors[0].path + " " + errors[0].message_en,
                      "mô tả tệp đa phương tiện có " + n + " lỗi, lỗi đầu tiên: " + errors[0].path +
                          " " + errors[0].message_vi,
                      std::move(errors)});
  }
  return out;
}

Result<MediaInput> MediaService::Prepare(const std::string& pid, const MediaInput& input,
                                         const Actor& actor) {
  StoredRecord item = TRY(Item(pid, actor));
  return Validate(input, item);
}

Result<Upload> MediaService::BeginUpload() {
  preservation::StagedFile file = TRY(store_.NewStagedFile());
  return Upload(std::move(file), options_.max_file_bytes);
}

json MediaService::Describe(const MediaAsset& a) {
  return {{"id", a.id},
          {"record", a.record_pid},
          {"role", a.role},
          {"format", a.format},
          {"media_type", a.media_type},
          {"size", a.size},
          {"sha512", a.sha512},
          {"sha256", a.sha256},
          {"original_name", a.original_name},
          {"caption", {{"vi", a.caption_vi}, {"en", a.caption_en}}},
          {"creator", a.creator},
          {"date", a.date},
          {"licence", a.licence},
          {"rights_holder", a.rights_holder},
          {"visibility", a.visibility},
          {"technical", a.technical},
          {"created_at", a.created_at},
          {"author", a.author}};
}

Result<MediaAsset> MediaService::Add(const std::string& pid, Upload upload, const MediaInput& input,
                                     const Actor& actor) {
  return AddAs(pid, std::move(upload), input, actor, nullptr);
}

Result<MediaAsset> MediaService::AddHeld(const std::string& pid, Upload upload,
                                         const MediaInput& input, const Actor& actor,
                                         const WithAsset& in_same_transaction) {
  MediaInput public_input = input;
  public_input.visibility.clear();
  return AddAs(pid, std::move(upload), public_input, actor, &in_same_transaction);
}

Result<MediaAsset> MediaService::AddAs(const std::string& pid, Upload upload,
                                       const MediaInput& input, const Actor& actor,
                                       const WithAsset* held) {
  StoredRecord item = TRY(Item(pid, actor));
  MediaInput in = TRY(Validate(input, item));
  if (held) in.visibility = "held";
  preservation::Digests digests = TRY(upload.Finish());
  Inspected inspected = TRY(Inspect(upload.file_.path().string(), in.role));
  const MediaFormat* format = inspected.format;
  const bool queue_derive = inspected.queue_derive;
  const std::string id = TRY(ReserveMediaId(catalogue_.pid_namespace(), [&](const std::string& c) {
    return catalogue_.store().Write([&](StoreWriter& w) { return w.ReservePid(c); });
  }));
  MediaAsset a =
      NewAsset(id, item, in, *format, digests, std::move(inspected.technical), actor);

  preservation::VersionBuilder version = store_.BeginVersion(item.pid);
  TRY(version.AddFile(a.logical_path, std::move(upload.file_)));
  TRY(version.AddBytes("media/" + id + ".json",
                       Describe(a).dump(2, ' ', false, json::error_handler_t::replace) + "\n"));
  TRY(version.AddBytes("record.json", RecordJson(item)));
  std::string message = "Add " + std::string(format->label) + " " + id +
                        (a.original_name.empty() ? "" : " (" + a.original_name + ")");
  preservation::CommitResult commit = TRY(version.Commit({message, actor.name, ""}));
  a.ocfl_version = commit.version;
  TRY(catalogue_.store().Write([&](StoreWriter& w) -> Status {
    TRY(w.PutMedia(a));
    if (queue_derive) TRY(w.EnqueueJob(kDeriveJob, a.id));
    if (held) TRY((*held)(w, a));
    return Ok();
  }));
  if (queue_derive && job_listener_) job_listener_();
  return a;
}

Result<MediaAsset> MediaService::Get(const std::string& id, const Actor& actor) {
  Result<MediaAsset> a = catalogue_.store().GetMedia(id);
  if (!a) return a.error().code == ErrorCode::kNotFound ? NoMedia(id) : std::unexpected(a.error());
  Result<StoredRecord> item = Item(a->record_pid, actor);
  if (!item)
    return item.error().code == ErrorCode::kNotFound ? NoMedia(id) : std::unexpected(item.error());
  if (actor.audience == Audience::kPublic && a->visibility != "public") return NoMedia(id);
  return a;
}

Result<std::vector<MediaAsset>> MediaService::List(const std::string& pid, const Actor& actor) {
  TRY(Item(pid, actor));
  std::vector<MediaAsset> all = TRY(catalogue_.store().ListMedia(pid));
  if (actor.audience == Audience::kStaff) return all;
  std::vector<MediaAsset> visible;
  for (MediaAsset& a : all) {
    if (a.visibility == "public") visible.push_back(std::move(a));
  }
  return visible;
}

Result<std::filesystem::path> MediaService::ContentPath(const MediaAsset& asset) {
  return store_.FilePath(asset.record_pid, asset.logical_path);
}

Result<MediaService::Inspected> MediaService::Inspect(const std::string& path,
                                                      const std::string& role) const {
  Inspected out;
  out.format = TRY(DetectFormat(path));
  TRY(CheckRole(role, *out.format));
  const MediaClass c = out.format->media_class;
  const bool image = c == MediaClass::kImage;
  const bool timed = c == MediaClass::kAudio || c == MediaClass::kVideo;
  out.queue_derive = image || timed;
  if (!image && !timed) return out;
  // Images: size and colour (libvips); audio and video: duration, streams and picture size
  // (ffprobe), which manifests need. A header that cannot be read is noted, not refused.
  Result<json> probed = image ? ProbeImage(path, {options_.max_image_pixels}) : ProbeAv(path);
  if (probed) {
    out.technical = std::move(*probed);
  } else if (image && probed.error().code == ErrorCode::kTooLarge) {
    return std::unexpected(probed.error());
  } else {
    out.technical = {
        {"readable", false},
        {"problem", {{"en", probed.error().message_en}, {"vi", probed.error().message_vi}}}};
  }
  return out;
}

Result<MediaInput> MediaService::ValidateFor(const json& item_document, const MediaInput& input) {
  StoredRecord item;
  item.document = item_document;
  return Validate(input, item);
}

Result<std::vector<MediaAsset>> MediaService::AddAllIn(StoreWriter& w, const StoredRecord& item,
                                                       std::vector<StagedMedia> files,
                                                       const Actor& actor) {
  std::vector<MediaAsset> assets;
  if (files.empty()) return assets;
  preservation::VersionBuilder version = store_.BeginVersion(item.pid);
  std::vector<bool> derive;
  for (StagedMedia& f : files) {
    MediaInput in = TRY(Validate(f.input, item));
    preservation::Digests digests = TRY(f.upload.Finish());
    if (!f.expected_sha256.empty() && digests.sha256 != f.expected_sha256) {
      std::string name = f.input.filename.empty() ? "a file" : f.input.filename;
      return Fail(Error{ErrorCode::kCorrupt,
                        name + " does not have the SHA-256 its description gives",
                        name + " không có mã SHA-256 như mô tả của nó",
                        {{"file", "digest", "SHA-256 differs from the description",
                          "mã SHA-256 khác với mô tả"}}});
    }
    Inspected inspected = TRY(Inspect(f.upload.file_.path().string(), in.role));
    const std::string id = TRY(ReserveMediaId(
        catalogue_.pid_namespace(), [&](const std::string& c) { return w.ReservePid(c); }));
    MediaAsset a = NewAsset(id, item, in, *inspected.format, digests,
                            std::move(inspected.technical), actor);
    TRY(version.AddFile(a.logical_path, std::move(f.upload.file_)));
    TRY(version.AddBytes("media/" + id + ".json",
                         Describe(a).dump(2, ' ', false, json::error_handler_t::replace) + "\n"));
    derive.push_back(inspected.queue_derive);
    assets.push_back(std::move(a));
  }
  TRY(version.AddBytes("record.json", RecordJson(item)));
  std::string message =
      "Add " + std::to_string(assets.size()) + " media files (" + actor.name + ")";
  preservation::CommitResult commit = TRY(version.Commit({message, actor.name, ""}));
  for (size_t i = 0; i < assets.size(); ++i) {
    assets[i].ocfl_version = commit.version;
    TRY(w.PutMedia(assets[i]));
    if (derive[i]) TRY(w.EnqueueJob(kDeriveJob, assets[i].id));
  }
  return assets;
}

Status MediaService::DiscardObject(const std::string& pid) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path object = store_.path() / store_.ObjectPath(pid);
  fs::remove_all(object, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot remove " + object.string() + ": " + ec.message(),
                "không thể xóa " + object.string() + ": " + ec.message());
  }
  // The layout's directories above the object, when nothing else is in them.
  for (fs::path up = object.parent_path(); up != store_.path() && up.has_relative_path();
       up = up.parent_path()) {
    if (!fs::is_empty(up, ec) || ec || !fs::remove(up, ec)) break;
  }
  return Ok();
}

bool MediaService::HasObject(const std::string& pid) const {
  std::error_code ec;
  return std::filesystem::exists(store_.path() / store_.ObjectPath(pid), ec) || ec;
}

}  // namespace disan::media
