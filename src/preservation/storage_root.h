// StorageRoot: an OCFL 1.1 storage root on a local (POSIX) file system, holding one OCFL object
// per heritage item. See docs/preservation.md for the layout on disk.
//
//   <root>/0=ocfl_1.1                   the root's conformance declaration
//   <root>/ocfl_layout.json             names the layout extension below
//   <root>/extensions/0004-hashed-n-tuple-storage-layout/config.json
//   <root>/extensions/disan-staging/    files being received and versions being built
//   <root>/9f8/6d0/81e/9f86d081.../     one object: 0=ocfl_object_1.1, inventory.json,
//                                       inventory.json.sha512, v1/, v2/, ...
//
// Writes are crash-safe. A new version is built completely in the staging area (same file
// system), every file and directory fsynced, and then renamed into the object in one step; that
// rename is the commit. The object's root inventory is replaced afterwards (temporary file,
// fsync, rename). An interrupted write therefore leaves either the previous version untouched
// (plus debris in the staging area, removed later) or the complete new version whose root
// inventory may still name the previous head: readers then use the newest version directory's
// own inventory, and the next commit or `disan fsck --repair` brings the root inventory up to
// date.
//
// A StorageRoot is safe for concurrent use by many threads and by several processes on one
// host: commits hold an exclusive lock (flock on extensions/disan-staging/lock) and readers of
// inventories a shared one.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "preservation/digest.h"
#include "preservation/inventory.h"
#include "preservation/layout.h"

namespace disan::preservation {

inline constexpr std::string_view kRootDeclaration = "0=ocfl_1.1";
inline constexpr std::string_view kStagingExtension = "disan-staging";

// For tests: called at each step of a commit ("staged", "object-renamed", "version-renamed",
// "inventory-replaced"). An error makes the commit stop right there without cleaning up, as if
// the process had died at that point.
using FaultHook = std::function<Status(std::string_view step)>;

class StorageRoot;

// A file being written into the staging area, hashed (SHA-512 and SHA-256) as it is written,
// through a 1 MiB buffer. Removed when destroyed unless it was added to a version. Not
// thread-safe; movable.
class StagedFile {
 public:
  StagedFile(StagedFile&&) noexcept;
  StagedFile& operator=(StagedFile&&) noexcept;
  ~StagedFile();

  // Appends bytes. After an error every later call fails with the same error.
  Status Write(const char* data, size_t size);
  // Flushes, fsyncs and closes the file; returns its digests. Call once, after the last Write.
  Result<Digests> Finish();

  uint64_t bytes_written() const { return written_; }
  bool finished() const { return digests_.has_value(); }
  const Digests& digests() const { return *digests_; }
  // Where the file is, for readers such as type detection (valid until the file is consumed).
  const std::filesystem::path& path() const { return path_; }

 private:
  friend class StorageRoot;
  friend class VersionBuilder;
  StagedFile(std::filesystem::path path, int fd);
  Status Flush();

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  DigestPair hash_;
  uint64_t written_ = 0;
  std::optional<Digests> digests_;
  std::optional<Error> failed_;
};

struct VersionInfo {
  std::string message;       // why the version was made
  std::string user_name;     // who made it (OCFL `user.name`)
  std::string user_address;  // a URI for the user, when one is known
};

struct CommitResult {
  std::string version;   // the head after the commit, e.g. "v3"
  bool changed = false;  // false when the new state equalled the head: nothing was written
  // For every file added: logical path -> content path (relative to the object root), which
  // may be an earlier version's file when the content was already stored (deduplication).
  std::map<std::string, std::string> content_paths;
};

// The changes that make up one new version of one object, applied at Commit() on top of the
// head as it is then (so concurrent versions of one object never lose each other's changes).
// Not thread-safe; movable.
class VersionBuilder {
 public:
  VersionBuilder(VersionBuilder&&) noexcept;
  VersionBuilder& operator=(VersionBuilder&&) noexcept;
  ~VersionBuilder();

  // Adds or replaces `logical_path` with a finished staged file. kInvalid for an unsafe path
  // or an unfinished file.
  Status AddFile(const std::string& logical_path, StagedFile file);
  // Adds or replaces `logical_path` with bytes held in memory (small files: record.json).
  Status AddBytes(const std::string& logical_path, std::string bytes);
  // Removes `logical_path` from the new version's state (earlier versions keep it).
  Status Remove(const std::string& logical_path);

  // Writes the new version; see the class comment of StorageRoot for how it stays crash-safe.
  // kConflict when a path would be both a file and a directory; kCorrupt when the object on
  // disk cannot be read safely; kUnavailable on I/O errors (then nothing was committed).
  Result<CommitResult> Commit(const VersionInfo& info);

 private:
  friend class StorageRoot;
  VersionBuilder(StorageRoot* root, std::string id);

  struct Change {
    std::optional<StagedFile> file;
    std::optional<std::string> bytes;
    Digests digests;
    bool remove = false;
  };
  StorageRoot* root_;
  std::string id_;
  std::map<std::string, Change> changes_;
};

class StorageRoot {
 public:
  enum class OpenMode { kExisting, kCreateIfMissing };
  struct Options {
    FaultHook fault;  // tests only
  };

  // Opens the storage root at `path`. With kCreateIfMissing a missing (or empty) directory
  // becomes a new storage root. kNotFound when there is none, kCorrupt when the directory is
  // not an OCFL 1.1 storage root with a layout this program understands. Removes debris that
  // processes of this host which no longer run left in the staging area.
  static Result<std::unique_ptr<StorageRoot>> Open(const std::filesystem::path& path, OpenMode mode,
                                                   Options options = {});

  const std::filesystem::path& path() const { return path_; }
  const HashedNTupleLayout& layout() const { return layout_; }
  // The object root directory relative to the storage root.
  std::string ObjectPath(std::string_view id) const { return layout_.ObjectPath(id); }

  // A new, empty file in the staging area (on the storage root's file system, so that adding
  // it to a version is a rename, not a copy).
  Result<StagedFile> NewStagedFile();
  // Starts a new version of object `id`; the object is created by the commit if it is new.
  VersionBuilder BeginVersion(std::string id);

  // The object's current inventory. kNotFound when there is no such object; kCorrupt when it
  // cannot be read safely (run `disan fsck`).
  Result<Inventory> ReadInventory(std::string_view id);
  // The absolute path of the file at `logical_path` in the head version. kNotFound when the
  // object or the path does not exist.
  Result<std::filesystem::path> FilePath(std::string_view id, std::string_view logical_path);
  // Reads a small file (record.json, a media description) of the head version.
  Result<std::string> ReadSmallFile(std::string_view id, std::string_view logical_path,
                                    size_t max_bytes = 16 << 20);

  // Completes an interrupted commit of object `id`: when its newest version directory is
  // complete but the root inventory still names the previous head, the root inventory is
  // replaced with the newest version's. Returns whether anything was repaired.
  Result<bool> Repair(std::string_view id);

 private:
  friend class VersionBuilder;
  friend class StagedFile;
  StorageRoot(std::filesystem::path path, HashedNTupleLayout layout, Options options);

  std::filesystem::path StagingDir() const;
  // A fresh name in the staging area: <host>-<pid>-<random><suffix>.
  std::filesystem::path NewStagingName(std::string_view suffix) const;
  void RemoveDeadStaging();
  Status Fault(std::string_view step) const;

  std::filesystem::path path_;
  HashedNTupleLayout layout_;
  Options options_;
};

// Whether an entry of the staging area belongs to a write still in progress: made by a process
// of this host that still runs, or by another host (which cannot be checked from here).
// Anything else is debris of an interrupted write, safe to delete.
bool StagingEntryInProgress(std::string_view name);

// What an object's inventories say, read without changing anything: the inventory to use and
// whether the root inventory lags behind the newest version directory (an interrupted commit).
struct ObjectState {
  Inventory inventory;
  std::string inventory_bytes;  // the exact bytes of the inventory to use
  bool root_inventory_stale = false;
};
// Reads the object at `object_root` (an absolute directory). kNotFound when it has no
// inventory at all, kCorrupt when no inventory can be trusted.
Result<ObjectState> LoadObject(const std::filesystem::path& object_root);

}  // namespace disan::preservation
