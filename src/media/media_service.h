// MediaService: the files of heritage items (photographs, scans, recordings, 3D models).
//
// A file is received straight into the preservation store's staging area (Upload), its type is
// decided from its content (media_type.h), and it becomes a new version of the item's OCFL
// object together with a description of it (media/<id>.json) and the item's current record
// (record.json), so that the catalogue can be rebuilt from the preservation store alone. Then
// the catalogue records the asset (MetadataStore::PutMedia). When the process dies between the
// two, the file is preserved but not yet listed; nothing listed is ever missing from the store.
//
// Thread-safe: it holds no mutable state; the stores serialise their writes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "media/media_type.h"
#include "preservation/storage_root.h"
#include "store/store.h"

namespace disan::media {

// The item's record as the preservation store keeps it (record.json): pid, class, kind,
// revision, timestamps, the document, and for a tombstone "deleted" and "delete_reason".
std::string RecordJson(const StoredRecord& record);

// Roles as the API and the database spell them.
const std::vector<std::string>&
MediaRoles();  // master, access_copy, page_scan, panorama, model_3d, recording

struct MediaOptions {
  uint64_t max_file_bytes = uint64_t{1} << 40;  // 1 TiB
  // Images declaring more pixels are refused at upload, before any pixel is decoded.
  int64_t max_image_pixels = int64_t{1} << 30;
};

// What the uploader says about a file. Empty fields take defaults: role "master", visibility
// "public", licence and rights holder those of the item.
struct MediaInput {
  std::string role;
  std::string caption_vi;
  std::string caption_en;
  std::string creator;
  std::string date;  // YYYY, YYYY-MM or YYYY-MM-DD
  std::string licence;
  std::string rights_holder;
  std::string visibility;
  std::string filename;  // the name the file had on the uploader's side (a name, not a path)
};

// A file being received into the staging area, hashed as it arrives. Destroying it before
// MediaService::Add leaves nothing behind. Not thread-safe; movable.
class Upload {
 public:
  // Appends bytes. kTooLarge past the size limit, kUnavailable when the disk fails (the disk
  // full included); after an error every later call fails the same way.
  Status Write(const char* data, size_t size);
  // Ends the file and returns its digests.
  Result<preservation::Digests> Finish();
  uint64_t size() const { return file_.bytes_written(); }

 private:
  friend class MediaService;
  Upload(preservation::StagedFile file, uint64_t limit) : file_(std::move(file)), limit_(limit) {}
  preservation::StagedFile file_;
  uint64_t limit_;
  std::optional<Error> failed_;
};

class MediaService {
 public:
  MediaService(Catalogue& catalogue, preservation::StorageRoot& store, MediaOptions options = {});

  uint64_t max_file_bytes() const { return options_.max_file_bytes; }

  // Everything that can be checked before the file arrives: the item exists, is a heritage item
  // and not deleted, and `input` is well formed. Returns `input` with its defaults filled in.
  // kNotFound, kGone, or kInvalid with one FieldError (named after the input field) per problem.
  Result<MediaInput> Prepare(const std::string& pid, const MediaInput& input, const Actor& actor);
  Result<Upload> BeginUpload();
  // Preserves a received file as a new media asset of item `pid` and records it, with the
  // technical metadata read from an image's header and a "derive" job queued in the same
  // transaction. kInvalid (field "file") when its type is not accepted, (field "role") when it
  // does not fit the role; kTooLarge (field "file") when an image declares more pixels than
  // MediaOptions::max_image_pixels. An image whose header cannot be read is kept (it is the
  // master) with technical {"readable": false, "problem": {...}}.
  Result<MediaAsset> Add(const std::string& pid, Upload upload, const MediaInput& input,
                         const Actor& actor);

  // A contributor's file for a published item (docs/review.md): as Add, but the asset is
  // recorded "held" (never served to the public, counted in no public facet) whatever `input`
  // says, and `in_same_transaction` runs in the transaction that records it (the submission
  // that will review it); when it fails nothing is recorded. The file stays in the item's
  // OCFL object as a version of its own, described as held.
  using WithAsset = std::function<Status(StoreWriter&, const MediaAsset&)>;
  Result<MediaAsset> AddHeld(const std::string& pid, Upload upload, const MediaInput& input,
                             const Actor& actor, const WithAsset& in_same_transaction);

  // A media asset as `actor` may see it: the public never sees restricted media, nor media of
  // records it may not see (kNotFound), nor of deleted records (kGone).
  Result<MediaAsset> Get(const std::string& id, const Actor& actor);
  Result<std::vector<MediaAsset>> List(const std::string& pid, const Actor& actor);

  // The description stored beside the file in the preservation store (media/<id>.json).
  static nlohmann::json Describe(const MediaAsset& asset);

  // Called after an upload queued a job (the server wakes its job runner). Set before use.
  void SetJobListener(std::function<void()> listener) { job_listener_ = std::move(listener); }

  // Where the bytes of `asset` are in the preservation store (its item's object, head
  // version): for reading only. kNotFound when the store lacks it (run `disan fsck`).
  Result<std::filesystem::path> ContentPath(const MediaAsset& asset);

  // For imports that must be all or nothing (`disan bag import`, docs/interop.md).
  //
  // What a file at `path` would become, writing nothing: its format (kInvalid, field "file",
  // when it is not one the server accepts), that it fits `role`, its technical metadata, and
  // whether a "derive" job is due. Add and AddAllIn decide through here.
  struct Inspected {
    const MediaFormat* format = nullptr;
    nlohmann::json technical = nlohmann::json::object();
    bool queue_derive = false;
  };
  Result<Inspected> Inspect(const std::string& path, const std::string& role) const;
  // Prepare for an item that is not written yet: `input` checked against its document.
  Result<MediaInput> ValidateFor(const nlohmann::json& item_document, const MediaInput& input);
  struct StagedMedia {
    Upload upload;
    MediaInput input;
    std::string expected_sha256;  // "" = not checked
  };
  // Adds `files` to `item` (as `writer`'s open transaction holds it) as ONE new version of its
  // OCFL object, committed here, and records them through `writer`. When the transaction then
  // fails, the version stays in the preservation store: call DiscardObject for an object that
  // did not exist before (HasObject), so that nothing is left behind.
  Result<std::vector<MediaAsset>> AddAllIn(StoreWriter& writer, const StoredRecord& item,
                                           std::vector<StagedMedia> files, const Actor& actor);
  // Removes the whole OCFL object of `pid`, with the layout's directories it leaves empty. Only
  // for an object made by AddAllIn in a transaction that failed: nothing else refers to it.
  Status DiscardObject(const std::string& pid);
  // Whether the preservation store has anything at the object path of `pid`, and that path
  // (relative to the storage root).
  bool HasObject(const std::string& pid) const;
  std::string ObjectPath(const std::string& pid) const { return store_.ObjectPath(pid); }
  // The metadata store under the catalogue, for readers that keep Get's verdict per record
  // revision (iiif/image_service.cc: one indexed lookup instead of reading the record).
  MetadataStore& metadata() { return catalogue_.store(); }

 private:
  Result<StoredRecord> Item(const std::string& pid, const Actor& actor);
  Result<MediaInput> Validate(const MediaInput& input, const StoredRecord& item);
  Result<MediaAsset> AddAs(const std::string& pid, Upload upload, const MediaInput& input,
                           const Actor& actor, const WithAsset* held);

  Catalogue& catalogue_;
  preservation::StorageRoot& store_;
  MediaOptions options_;
  std::function<void()> job_listener_;
};

}  // namespace disan::media
