#include "preservation/storage_root.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "core/clock.h"
#include "core/text.h"
#include "preservation/sync_io.h"

namespace disan::preservation {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kRootDeclarationText = "ocfl_1.1\n";


const std::string& HostName() {
  static const std::string name = [] {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return std::string("localhost");
    std::string s(buf);
    for (char& c : s) {
      if (c == '/' || c == '@') c = '_';
    }
    return s;
  }();
  return name;
}

// An flock(2) on the staging area's lock file, released when destroyed.
class RootLock {
 public:
  static Result<RootLock> Acquire(const fs::path& file, int how) {
    Fd fd(open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) return IoError(errno, "cannot open the lock file", "không mở được tệp khóa", file);
    while (flock(fd.get(), how) != 0) {
      if (errno != EINTR) return IoError(errno, "cannot lock", "không khóa được", file);
    }
    return RootLock(std::move(fd));
  }

 private:
  explicit RootLock(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};

Status SyncTree(const fs::path& dir) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path());
  }
  if (ec) return IoError(ec.value(), "cannot list", "không liệt kê được", dir);
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) TRY(SyncPath(*it));
  return SyncPath(dir);
}

// Reads inventory.json and its sidecar in `dir` and checks both.
Result<std::pair<Inventory, std::string>> LoadInventory(const fs::path& dir) {
  fs::path file = dir / "inventory.json";
  std::string bytes = TRY(ReadFileBounded(file, kMaxInventoryBytes));
  Findings findings;
  Result<Inventory> inv = ParseInventory(bytes, findings);
  if (!inv) {
    std::string en, vi;
    for (const Finding& f : findings) {
      if (f.severity != Severity::kError) continue;
      en = f.message_en;
      vi = f.message_vi;
      break;
    }
    return Fail(ErrorCode::kCorrupt, file.string() + " is not a valid inventory: " + en,
                file.string() + " không phải bản kiểm kê hợp lệ: " + vi);
  }
  fs::path sidecar_file = dir / ("inventory.json." + inv->digest_algorithm);
  Result<std::string> sidecar = ReadFileBounded(sidecar_file, 4096);
  if (!sidecar) {
    return Fail(ErrorCode::kCorrupt, sidecar_file.string() + " is missing or unreadable",
                sidecar_file.string() + " bị thiếu hoặc không đọc được");
  }
  auto [en, vi] = CheckSidecar(*sidecar, bytes, inv->digest_algorithm);
  if (!en.empty())
    return Fail(ErrorCode::kCorrupt, sidecar_file.string() + ": " + en,
                sidecar_file.string() + ": " + vi);
  return std::make_pair(std::move(*inv), std::move(bytes));
}

// Replaces the object's root inventory and sidecar with `bytes`, through files written in
// `scratch` (a directory in the staging area).
Status ReplaceRootInventory(const fs::path& scratch, const fs::path& object,
                            const std::string& bytes, const std::string& algorithm,
                            const std::function<Status(std::string_view)>& fault) {
  fs::path tmp = scratch / "root-inventory.json";
  TRY(WriteNewFileDurably(tmp, bytes));
  TRY(RenameDurably(tmp, object / "inventory.json"));
  TRY(fault("inventory-replaced"));
  fs::path tmp_sidecar = scratch / "root-inventory.json.sidecar";
  TRY(WriteNewFileDurably(tmp_sidecar, SidecarFor(bytes)));
  return RenameDurably(tmp_sidecar, object / ("inventory.json." + algorithm));
}

std::unexpected<Error> NoObject(std::string_view id) {
  return Fail(ErrorCode::kNotFound, "the preservation store holds no object " + std::string(id),
              "kho lưu trữ bảo quản không có đối tượng " + std::string(id));
}

}  // namespace

bool StagingEntryInProgress(std::string_view name) {
  // <pid>-<random><suffix>@<host>
  size_t at = name.rfind('@');
  size_t dash = name.find('-');
  if (at == std::string_view::npos || dash == std::string_view::npos || dash == 0 || dash > 10)
    return false;
  if (name.substr(at + 1) != HostName())
    return true;  // another host's: it cannot be checked from here
  int64_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return false;
    pid = pid * 10 + (c - '0');
  }
  if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

// ---------------------------------------------------------------------------------------------
// LoadObject

Result<ObjectState> LoadObject(const fs::path& object_root) {
  std::error_code ec;
  if (!fs::is_directory(object_root, ec)) {
    return Fail(ErrorCode::kNotFound, "no object at " + object_root.string(),
                "không có đối tượng tại " + object_root.string());
  }
  std::map<int, std::string> on_disk;
  for (const fs::directory_entry& e : fs::directory_iterator(object_root, ec)) {
    int n = VersionNumber(e.path().filename().string());
    if (n > 0 && e.is_directory(ec) && !e.is_symlink(ec)) on_disk[n] = e.path().filename().string();
  }
  if (ec) return IoError(ec.value(), "cannot list", "không liệt kê được", object_root);
  auto root = LoadInventory(object_root);
  if (on_disk.empty()) {
    if (!root) return std::unexpected(root.error());
    return Fail(ErrorCode::kCorrupt, object_root.string() + " has no version directory",
                object_root.string() + " không có thư mục phiên bản nào");
  }
  const int newest = on_disk.rbegin()->first;
  if (root && root->first.HeadNumber() == newest)
    return ObjectState{std::move(root->first), std::move(root->second), false};
  // An interrupted commit: the newest version directory was renamed in complete, with its own
  // inventory, but the root inventory was not (completely) replaced.
  auto latest = LoadInventory(object_root / on_disk.rbegin()->second);
  if (latest && latest->first.HeadNumber() == newest &&
      (!root || (root->first.HeadNumber() == newest - 1 && root->first.id == latest->first.id))) {
    return ObjectState{std::move(latest->first), std::move(latest->second), true};
  }
  if (root) {
    return Fail(ErrorCode::kCorrupt,
                object_root.string() + ": version directory " + on_disk.rbegin()->second +
                    " is not described by the inventory (head " + root->first.head + ")",
                object_root.string() + ": thư mục phiên bản " + on_disk.rbegin()->second +
                    " không có trong bản kiểm kê (head " + root->first.head + ")");
  }
  return std::unexpected(root.error());
}

// ---------------------------------------------------------------------------------------------
// StagedFile

StagedFile::StagedFile(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {
  buffer_.reserve(kCopyBufferSize);
}

StagedFile::StagedFile(StagedFile&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(o.fd_),
      buffer_(std::move(o.buffer_)),
      hash_(std::move(o.hash_)),
      written_(o.written_),
      digests_(std::move(o.digests_)),
      failed_(std::move(o.failed_)) {
  o.fd_ = -1;
  o.path_.clear();
}

StagedFile& StagedFile::operator=(StagedFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
    path_ = std::move(o.path_);
    o.path_.clear();
    fd_ = o.fd_;
    o.fd_ = -1;
    buffer_ = std::move(o.buffer_);
    hash_ = std::move(o.hash_);
    written_ = o.written_;
    digests_ = std::move(o.digests_);
    failed_ = std::move(o.failed_);
  }
  return *this;
}

StagedFile::~StagedFile() {
  if (fd_ >= 0) close(fd_);
  if (!path_.empty()) unlink(path_.c_str());
}

Status StagedFile::Flush() {
  if (buffer_.empty()) return Ok();
  Status s = WriteAll(fd_, buffer_.data(), buffer_.size(), path_);
  buffer_.clear();
  if (!s) failed_ = s.error();
  return s;
}

Status StagedFile::Write(const char* data, size_t size) {
  if (failed_) return Fail(*failed_);
  if (digests_ || fd_ < 0) {
    return Fail(ErrorCode::kInternal, "write to a finished staged file",
                "ghi vào tệp tạm đã hoàn tất");
  }
  hash_.Update(data, size);
  written_ += size;
  while (size > 0) {
    size_t take = std::min(size, kCopyBufferSize - buffer_.size());
    buffer_.insert(buffer_.end(), data, data + take);
    data += take;
    size -= take;
    if (buffer_.size() == kCopyBufferSize) TRY(Flush());
  }
  return Ok();
}

Result<Digests> StagedFile::Finish() {
  if (failed_) return Fail(*failed_);
  if (digests_) return *digests_;
  TRY(Flush());
  if (fsync(fd_) != 0) {
    failed_ = IoError(errno, "cannot flush to disk", "không ghi xuống đĩa được", path_).error();
    return Fail(*failed_);
  }
  Fd fd(fd_);
  fd_ = -1;
  if (Status s = fd.Close(path_); !s) {
    failed_ = s.error();
    return Fail(*failed_);
  }
  digests_ = hash_.Finish();
  buffer_.clear();
  buffer_.shrink_to_fit();
  return *digests_;
}

// ---------------------------------------------------------------------------------------------
// VersionBuilder

VersionBuilder::VersionBuilder(StorageRoot* root, std::string id)
    : root_(root), id_(std::move(id)) {}
VersionBuilder::VersionBuilder(VersionBuilder&&) noexcept = default;
VersionBuilder& VersionBuilder::operator=(VersionBuilder&&) noexcept = default;
VersionBuilder::~VersionBuilder() = default;

namespace {

std::unexpected<Error> BadLogicalPath(const std::string& path) {
  return Fail(Error{ErrorCode::kInvalid,
                    "'" + path + "' is not a safe file path inside an object",
                    "'" + path + "' không phải đường dẫn tệp an toàn trong đối tượng",
                    {{"path", "unsafe_path", "not a safe path", "đường dẫn không an toàn"}}});
}

}  // namespace

Status VersionBuilder::AddFile(const std::string& logical_path, StagedFile file) {
  if (!IsSafePath(logical_path)) return BadLogicalPath(logical_path);
  if (!file.finished()) {
    return Fail(ErrorCode::kInternal, "the staged file was not finished",
                "tệp tạm chưa được hoàn tất");
  }
  Change c;
  c.digests = file.digests();
  c.file.emplace(std::move(file));
  changes_[logical_path] = std::move(c);
  return Ok();
}

Status VersionBuilder::AddBytes(const std::string& logical_path, std::string bytes) {
  if (!IsSafePath(logical_path)) return BadLogicalPath(logical_path);
  DigestPair d;
  d.Update(bytes.data(), bytes.size());
  Change c;
  c.digests = d.Finish();
  c.bytes = std::move(bytes);
  changes_[logical_path] = std::move(c);
  return Ok();
}

Status VersionBuilder::Remove(const std::string& logical_path) {
  if (!IsSafePath(logical_path)) return BadLogicalPath(logical_path);
  Change c;
  c.remove = true;
  changes_[logical_path] = std::move(c);
  return Ok();
}

Result<CommitResult> VersionBuilder::Commit(const VersionInfo& info) {
  StorageRoot& root = *root_;
  RootLock lock = TRY(RootLock::Acquire(root.StagingDir() / "lock", LOCK_EX));
  const fs::path object = root.path() / root.ObjectPath(id_);

  std::optional<ObjectState> current;
  if (Result<ObjectState> loaded = LoadObject(object); loaded) {
    current = std::move(*loaded);
    if (current->inventory.id != id_) {
      return Fail(
          ErrorCode::kCorrupt,
          object.string() + " holds object '" + current->inventory.id + "', not '" + id_ + "'",
          object.string() + " chứa đối tượng '" + current->inventory.id + "', không phải '" + id_ +
              "'");
    }
  } else if (loaded.error().code != ErrorCode::kNotFound || fs::exists(object)) {
    return std::unexpected(loaded.error());
  }

  Inventory inv;
  if (current) {
    inv = current->inventory;
  } else {
    inv.id = id_;
  }
  const int number = inv.HeadNumber() + 1;
  std::string vname = "v" + std::to_string(number);
  if (current && inv.head.size() > 2 &&
      inv.head[1] == '0') {  // a zero-padded object from another tool
    size_t width = inv.head.size() - 1;
    std::string digits = std::to_string(number);
    if (digits.size() >= width) {
      return Fail(ErrorCode::kConflict,
                  "object " + id_ + " has run out of zero-padded version numbers",
                  "đối tượng " + id_ + " đã hết số phiên bản có số 0 đệm");
    }
    vname = "v" + std::string(width - digits.size(), '0') + digits;
  }

  // Everything is built in a fresh directory of the staging area; removed on failure.
  const fs::path scratch = root.NewStagingName(".version");
  bool keep_scratch = false;
  struct Cleanup {
    const fs::path& dir;
    bool& keep;
    ~Cleanup() {
      std::error_code ec;
      if (!keep) fs::remove_all(dir, ec);
    }
  } cleanup{scratch, keep_scratch};
  auto fault = [&](std::string_view step) -> Status {
    Status s = root.Fault(step);
    if (!s) keep_scratch = true;
    return s;
  };
  if (mkdir(scratch.c_str(), 0755) != 0) {
    return IoError(errno, "cannot create the directory", "không tạo được thư mục", scratch);
  }
  // A new object is built in staging together with the layout directories it needs that do
  // not exist yet, and the topmost of those is renamed into the root in one step: a crash
  // leaves no empty directory behind.
  fs::path build = scratch;
  fs::path tree_top, tree_target;  // for a new object: staged and final path of what is renamed in
  if (!current) {
    fs::path existing = root.path();
    build = scratch / "tree";
    for (const fs::path& part : fs::path(root.ObjectPath(id_))) {
      if (tree_top.empty() && fs::exists(existing / part)) {
        existing /= part;
        continue;
      }
      if (tree_top.empty()) {
        tree_top = build / part;
        tree_target = existing / part;
      }
      build /= part;
    }
    if (tree_top.empty()) {
      return Fail(ErrorCode::kCorrupt, object.string() + " exists but is not an object",
                  object.string() + " đã tồn tại nhưng không phải đối tượng");
    }
  }
  const fs::path vdir = build / vname;

  std::map<std::string, std::string> state;
  if (current) state = inv.HeadVersion().state;
  std::map<std::string, std::string> known;  // lowercase digest -> manifest key
  for (const auto& [digest, paths] : inv.manifest) known[AsciiLower(digest)] = digest;

  // The new state first: a digest the object already holds is pointed at, not stored again.
  std::map<std::string, Change*> to_store;  // new digest -> the change that brings it
  for (auto& [logical, change] : changes_) {
    if (change.remove) {
      state.erase(logical);
      continue;
    }
    const std::string& digest = change.digests.sha512;
    if (auto k = known.find(digest); k != known.end()) {
      state[logical] = k->second;
      continue;
    }
    state[logical] = digest;
    to_store.try_emplace(digest, &change);
  }
  CommitResult result;
  if ((current && state == inv.HeadVersion().state) || (!current && state.empty())) {
    result.version = inv.head;
    return result;
  }
  for (const auto& [path, digest] : state) {
    for (size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      if (state.count(path.substr(0, slash))) {
        return Fail(
            ErrorCode::kConflict,
            "'" + path.substr(0, slash) + "' would be both a file and the directory of '" + path +
                "'",
            "'" + path.substr(0, slash) + "' sẽ vừa là tệp vừa là thư mục chứa '" + path + "'");
      }
    }
  }
  // Then the new content, under the first logical path that names it.
  for (auto& [logical, change] : changes_) {
    if (change.remove) continue;
    auto it = to_store.find(change.digests.sha512);
    if (it == to_store.end() || it->second != &change) continue;
    std::string content_path = vname + "/" + inv.ContentDirectory() + "/" + logical;
    fs::path dest = build / content_path;
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (ec)
      return IoError(ec.value(), "cannot create the directory", "không tạo được thư mục",
                     dest.parent_path());
    if (change.file) {
      if (std::rename(change.file->path_.c_str(), dest.c_str()) != 0) {
        return IoError(errno, "cannot move into place", "không chuyển được vào vị trí", dest);
      }
      change.file->path_.clear();
    } else {
      TRY(WriteNewFileDurably(dest, *change.bytes));
    }
    inv.manifest[change.digests.sha512] = {content_path};
    inv.fixity["sha256"][change.digests.sha256].push_back(content_path);
  }
  for (const auto& [logical, change] : changes_) {
    if (!change.remove) result.content_paths[logical] = inv.manifest[state[logical]].front();
  }

  Version version;
  version.created = NowRfc3339();
  version.message = info.message;
  version.user_name = info.user_name.empty() ? "disan" : info.user_name;
  version.user_address = info.user_address;
  version.state = std::move(state);
  inv.versions[number] = {vname, std::move(version)};
  inv.head = vname;
  const std::string bytes = inv.Serialize();
  const std::string sidecar_name = "inventory.json." + inv.digest_algorithm;

  TRY(CreateDirectoriesDurably(vdir));
  TRY(WriteNewFileDurably(vdir / "inventory.json", bytes));
  TRY(WriteNewFileDurably(vdir / sidecar_name, SidecarFor(bytes)));
  TRY(SyncTree(vdir));
  if (!current) {
    TRY(WriteNewFileDurably(build / std::string(kObjectDeclaration),
                            std::string(kObjectDeclarationText)));
    TRY(WriteNewFileDurably(build / "inventory.json", bytes));
    TRY(WriteNewFileDurably(build / sidecar_name, SidecarFor(bytes)));
    TRY(SyncTree(tree_top));
    TRY(fault("staged"));
    TRY(RenameDurably(tree_top, tree_target));  // the commit of a new object
    TRY(fault("object-renamed"));
  } else {
    TRY(SyncPath(scratch));
    TRY(fault("staged"));
    if (fs::exists(object / vname)) {
      return Fail(ErrorCode::kCorrupt, (object / vname).string() + " already exists",
                  (object / vname).string() + " đã tồn tại");
    }
    TRY(RenameDurably(vdir, object / vname));  // the commit
    TRY(fault("version-renamed"));
    TRY(ReplaceRootInventory(scratch, object, bytes, inv.digest_algorithm, fault));
  }
  result.version = vname;
  result.changed = true;
  return result;
}

// ---------------------------------------------------------------------------------------------
// StorageRoot

StorageRoot::StorageRoot(fs::path path, HashedNTupleLayout layout, Options options)
    : path_(std::move(path)), layout_(std::move(layout)), options_(std::move(options)) {}

fs::path StorageRoot::StagingDir() const {
  return path_ / "extensions" / std::string(kStagingExtension);
}

fs::path StorageRoot::NewStagingName(std::string_view suffix) const {
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("OpenSSL has no randomness");
  return StagingDir() / (std::to_string(getpid()) + "-" + HexEncode(random, sizeof random) +
                         std::string(suffix) + "@" + HostName());
}

Status StorageRoot::Fault(std::string_view step) const {
  return options_.fault ? options_.fault(step) : Ok();
}

void StorageRoot::RemoveDeadStaging() {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(StagingDir(), ec)) {
    std::string name = e.path().filename().string();
    if (name == "lock" || StagingEntryInProgress(name)) continue;
    std::error_code rm;
    fs::remove_all(e.path(), rm);
  }
}

Result<std::unique_ptr<StorageRoot>> StorageRoot::Open(const fs::path& path, OpenMode mode,
                                                       Options options) {
  std::error_code ec;
  const fs::path declaration = path / std::string(kRootDeclaration);
  const fs::path layout_file = path / "ocfl_layout.json";
  const fs::path config_file = path / "extensions" / std::string(kLayoutExtension) / "config.json";
  if (!fs::exists(declaration, ec)) {
    bool fresh = !fs::exists(path, ec);
    if (!fresh) {
      // Empty, or what an interrupted creation leaves (the declaration is written last).
      fresh = fs::is_directory(path, ec);
      for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
        std::string name = e.path().filename().string();
        if (name != "ocfl_layout.json" && name != "extensions") fresh = false;
      }
    }
    if (!fresh) {
      return Fail(ErrorCode::kCorrupt,
                  path.string() + " is not an OCFL 1.1 storage root (no 0=ocfl_1.1)",
                  path.string() + " không phải thư mục gốc lưu trữ OCFL 1.1 (không có 0=ocfl_1.1)");
    }
    if (mode == OpenMode::kExisting) {
      return Fail(ErrorCode::kNotFound, "there is no preservation store at " + path.string(),
                  "không có kho lưu trữ bảo quản tại " + path.string());
    }
    HashedNTupleLayout layout;
    fs::remove_all(path / "extensions", ec);
    fs::remove(layout_file, ec);
    TRY(CreateDirectoriesDurably(config_file.parent_path()));
    TRY(WriteNewFileDurably(config_file, layout.ToConfig().dump(2) + "\n"));
    json description = {{"extension", std::string(kLayoutExtension)},
                        {"description",
                         "Objects are stored under the sha256 digest of their identifier (the "
                         "heritage item's persistent identifier), split into three "
                         "directories of three hex characters, e.g. 9f8/6d0/81e/9f86d081..."}};
    TRY(WriteNewFileDurably(layout_file, description.dump(2) + "\n"));
    TRY(CreateDirectoriesDurably(path / "extensions" / std::string(kStagingExtension)));
    TRY(WriteNewFileDurably(declaration, kRootDeclarationText));
  }
  std::string text = TRY(ReadFileBounded(declaration, 1024));
  if (text != kRootDeclarationText) {
    return Fail(ErrorCode::kCorrupt,
                declaration.string() + " must contain 'ocfl_1.1' and a newline",
                declaration.string() + " phải chứa 'ocfl_1.1' và một dấu xuống dòng");
  }
  std::string layout_text = TRY(ReadFileBounded(layout_file, 1 << 20));
  json layout_json = json::parse(layout_text, nullptr, false);
  if (layout_json.is_discarded() || !layout_json.is_object() ||
      layout_json.value("extension", "") != kLayoutExtension) {
    return Fail(ErrorCode::kCorrupt,
                layout_file.string() + " does not name the layout " +
                    std::string(kLayoutExtension) + ", the only one this program can write",
                layout_file.string() + " không dùng bố cục " + std::string(kLayoutExtension) +
                    ", bố cục duy nhất chương trình này ghi được");
  }
  HashedNTupleLayout layout;
  if (fs::exists(config_file, ec)) {
    std::string config_text = TRY(ReadFileBounded(config_file, 1 << 20));
    json config = json::parse(config_text, nullptr, false);
    layout = TRY(HashedNTupleLayout::FromConfig(config));
  }
  auto root =
      std::unique_ptr<StorageRoot>(new StorageRoot(path, std::move(layout), std::move(options)));
  TRY(CreateDirectoriesDurably(root->StagingDir()));
  root->RemoveDeadStaging();
  return root;
}

Result<StagedFile> StorageRoot::NewStagedFile() {
  fs::path p = NewStagingName(".upload");
  int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(errno, "cannot create", "không tạo được", p);
  return StagedFile(p, fd);
}

VersionBuilder StorageRoot::BeginVersion(std::string id) {
  return VersionBuilder(this, std::move(id));
}

Result<Inventory> StorageRoot::ReadInventory(std::string_view id) {
  RootLock lock = TRY(RootLock::Acquire(StagingDir() / "lock", LOCK_SH));
  Result<ObjectState> state = LoadObject(path_ / ObjectPath(id));
  if (!state) {
    if (state.error().code == ErrorCode::kNotFound) return NoObject(id);
    return std::unexpected(state.error());
  }
  return std::move(state->inventory);
}

Result<fs::path> StorageRoot::FilePath(std::string_view id, std::string_view logical_path) {
  Inventory inv = TRY(ReadInventory(id));
  const auto& state = inv.HeadVersion().state;
  auto it = state.find(std::string(logical_path));
  if (it == state.end()) {
    return Fail(ErrorCode::kNotFound,
                "object " + std::string(id) + " has no file " + std::string(logical_path),
                "đối tượng " + std::string(id) + " không có tệp " + std::string(logical_path));
  }
  std::string content_path = inv.ContentPathOf(it->second);
  return path_ / ObjectPath(id) / content_path;
}

Result<std::string> StorageRoot::ReadSmallFile(std::string_view id, std::string_view logical_path,
                                               size_t max_bytes) {
  fs::path p = TRY(FilePath(id, logical_path));
  return ReadFileBounded(p, max_bytes);
}

Result<bool> StorageRoot::Repair(std::string_view id) {
  RootLock lock = TRY(RootLock::Acquire(StagingDir() / "lock", LOCK_EX));
  const fs::path object = path_ / ObjectPath(id);
  Result<ObjectState> state = LoadObject(object);
  if (!state) {
    if (state.error().code == ErrorCode::kNotFound) return NoObject(id);
    return std::unexpected(state.error());
  }
  if (!state->root_inventory_stale) return false;
  const fs::path scratch = NewStagingName(".repair");
  if (mkdir(scratch.c_str(), 0755) != 0) {
    return IoError(errno, "cannot create the directory", "không tạo được thư mục", scratch);
  }
  Status s = ReplaceRootInventory(scratch, object, state->inventory_bytes,
                                  state->inventory.digest_algorithm,
                                  [](std::string_view) { return Ok(); });
  std::error_code ec;
  fs::remove_all(scratch, ec);
  if (!s) return std::unexpected(s.error());
  return true;
}

}  // namespace disan::preservation
