// The OCFL storage root on a real file system: what a commit writes, deduplication, streaming,
// concurrency, and what an interrupted commit leaves behind.
#include "preservation/storage_root.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "preservation/validator.h"
#include "support/test_support.h"

namespace disan::preservation {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Read(const fs::path& p) { return testing::ReadFile(p.string()); }

// Fails the test (and returns "") when `r` is an error.
template <typename T>
T Value(Result<T> r) {
  EXPECT_TRUE(r.has_value()) << r.error().Describe();
  return r ? std::move(*r) : T{};
}

class StorageRootTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = Open(); }

  std::unique_ptr<StorageRoot> Open(StorageRoot::Options options = {}) {
    auto r = StorageRoot::Open(dir_.path() / "ocfl", StorageRoot::OpenMode::kCreateIfMissing,
                               std::move(options));
    EXPECT_TRUE(r) << r.error().Describe();
    return r ? std::move(*r) : nullptr;
  }

  StagedFile Stage(const std::string& content, size_t piece = 7) {
    StagedFile f = *root_->NewStagedFile();
    for (size_t i = 0; i < content.size(); i += piece) {
      EXPECT_TRUE(f.Write(content.data() + i, std::min(piece, content.size() - i)));
    }
    EXPECT_TRUE(f.Finish());
    return f;
  }

  // Commits one version with files given as logical path -> content.
  CommitResult Commit(StorageRoot& root, const std::string& id,
                      const std::map<std::string, std::string>& files,
                      const std::string& message = "change") {
    VersionBuilder b = root.BeginVersion(id);
    for (const auto& [path, content] : files) EXPECT_TRUE(b.AddBytes(path, content));
    return Value(b.Commit({message, "tester", "mailto:tester@example.org"}));
  }

  fs::path Object(const std::string& id) { return root_->path() / root_->ObjectPath(id); }

  std::vector<std::string> StagingEntries() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(root_->path() / "extensions" / "disan-staging")) {
      if (e.path().filename() != "lock") out.push_back(e.path().filename().string());
    }
    return out;
  }

  size_t Errors() {
    ValidationReport report = ValidateStorageRoot(root_->path());
    for (const Finding& f : report.findings) ADD_FAILURE() << f.path << ": " << f.message_en;
    return report.Errors();
  }

  testing::TempDir dir_;
  std::unique_ptr<StorageRoot> root_;
};

TEST_F(StorageRootTest, ANewRootDeclaresItselfAndItsLayout) {
  const fs::path root = root_->path();
  EXPECT_EQ(Read(root / "0=ocfl_1.1"), "ocfl_1.1\n");
  json layout = json::parse(Read(root / "ocfl_layout.json"));
  EXPECT_EQ(layout["extension"], "0004-hashed-n-tuple-storage-layout");
  EXPECT_TRUE(layout["description"].is_string());
  json config =
      json::parse(Read(root / "extensions/0004-hashed-n-tuple-storage-layout/config.json"));
  EXPECT_EQ(config["tupleSize"], 3);
  EXPECT_EQ(Errors(), 0u);

  // Opening again finds the same root; a missing one is not invented in kExisting mode.
  EXPECT_TRUE(StorageRoot::Open(root, StorageRoot::OpenMode::kExisting));
  auto missing = StorageRoot::Open(dir_.path() / "nowhere", StorageRoot::OpenMode::kExisting);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // A directory with other things in it is not taken over.
  fs::create_directories(dir_.path() / "other");
  testing::WriteFile((dir_.path() / "other/notes.txt").string(), "x");
  auto other = StorageRoot::Open(dir_.path() / "other", StorageRoot::OpenMode::kCreateIfMissing);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(fs::exists(dir_.path() / "other/0=ocfl_1.1"));
}

TEST_F(StorageRootTest, FirstVersionWritesAnObjectWithInventorySidecarAndFixity) {
  const std::string id = "dn-4kq8zx2bv";
  CommitResult r =
      Commit(*root_, id, {{"record.json", "{\"pid\":\"dn-4kq8zx2bv\"}"}, {"media/a.jpg", "JPEG"}},
             "Thêm ảnh");
  EXPECT_EQ(r.version, "v1");
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.content_paths["media/a.jpg"], "v1/content/media/a.jpg");

  const fs::path object = Object(id);
  EXPECT_EQ(root_->ObjectPath(id).substr(0, 12), HashedNTupleLayout().ObjectPath(id).substr(0, 12));
  EXPECT_EQ(Read(object / "0=ocfl_object_1.1"), "ocfl_object_1.1\n");
  EXPECT_EQ(Read(object / "v1/content/media/a.jpg"), "JPEG");
  std::string bytes = Read(object / "inventory.json");
  EXPECT_EQ(Read(object / "inventory.json.sha512"), Sha512Hex(bytes) + "  inventory.json\n");
  EXPECT_EQ(Read(object / "v1/inventory.json"), bytes);
  EXPECT_EQ(Read(object / "v1/inventory.json.sha512"), Read(object / "inventory.json.sha512"));

  json inv = json::parse(bytes);
  EXPECT_EQ(inv["id"], id);
  EXPECT_EQ(inv["type"], "https://ocfl.io/1.1/spec/#inventory");
  EXPECT_EQ(inv["digestAlgorithm"], "sha512");
  EXPECT_EQ(inv["head"], "v1");
  const std::string jpeg512 = Sha512Hex("JPEG");
  EXPECT_EQ(inv["manifest"][jpeg512], json({"v1/content/media/a.jpg"}));
  EXPECT_EQ(inv["versions"]["v1"]["state"][jpeg512], json({"media/a.jpg"}));
  EXPECT_EQ(inv["versions"]["v1"]["message"], "Thêm ảnh");
  EXPECT_EQ(inv["versions"]["v1"]["user"],
            json({{"name", "tester"}, {"address", "mailto:tester@example.org"}}));
  EXPECT_TRUE(IsRfc3339(inv["versions"]["v1"]["created"].get<std::string>()));
  Digests d = Value(DigestFile((object / "v1/content/media/a.jpg").string()));
  EXPECT_EQ(inv["fixity"]["sha256"][d.sha256], json({"v1/content/media/a.jpg"}));

  EXPECT_EQ(Value(root_->ReadSmallFile(id, "record.json")), "{\"pid\":\"dn-4kq8zx2bv\"}");
  EXPECT_EQ(Value(root_->FilePath(id, "media/a.jpg")), object / "v1/content/media/a.jpg");
  EXPECT_EQ(root_->FilePath(id, "media/none.jpg").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(root_->ReadInventory("dn-0000000000").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(StagingEntries().empty());
  EXPECT_EQ(Errors(), 0u);
}

TEST_F(StorageRootTest, LaterVersionsAddFilesAndStoreEachContentOnce) {
  const std::string id = "dn-4kq8zx2bv";
  Commit(*root_, id, {{"record.json", "r1"}, {"media/a.jpg", "A"}});
  // Same record, one new file, and a second name for content already stored.
  CommitResult v2 =
      Commit(*root_, id, {{"record.json", "r1"}, {"media/b.jpg", "B"}, {"media/a-copy.jpg", "A"}});
  EXPECT_EQ(v2.version, "v2");
  EXPECT_EQ(v2.content_paths["media/a-copy.jpg"], "v1/content/media/a.jpg");
  EXPECT_EQ(v2.content_paths["record.json"], "v1/content/record.json");
  const fs::path object = Object(id);
  EXPECT_TRUE(fs::exists(object / "v2/content/media/b.jpg"));
  EXPECT_FALSE(fs::exists(object / "v2/content/media/a-copy.jpg"));
  EXPECT_FALSE(fs::exists(object / "v2/content/record.json"));

  Inventory inv = Value(root_->ReadInventory(id));
  EXPECT_EQ(inv.head, "v2");
  EXPECT_EQ(inv.manifest.size(), 3u);
  EXPECT_EQ(inv.HeadVersion().state.size(), 4u);
  EXPECT_EQ(inv.versions.at(1).second.state.size(), 2u);  // v1 is unchanged

  // A version that changes nothing is not written.
  CommitResult same = Commit(*root_, id, {{"record.json", "r1"}});
  EXPECT_FALSE(same.changed);
  EXPECT_EQ(same.version, "v2");
  EXPECT_FALSE(fs::exists(object / "v3"));

  // Nor is an object with nothing in it.
  VersionBuilder nothing = root_->BeginVersion("dn-empty");
  CommitResult none = Value(nothing.Commit({"nothing", "tester", ""}));
  EXPECT_FALSE(none.changed);
  EXPECT_FALSE(fs::exists(Object("dn-empty")));

  // Removing a path makes a version without a content directory.
  VersionBuilder b = root_->BeginVersion(id);
  ASSERT_TRUE(b.Remove("media/a-copy.jpg"));
  CommitResult v3 = Value(b.Commit({"remove", "tester", ""}));
  EXPECT_EQ(v3.version, "v3");
  EXPECT_FALSE(fs::exists(object / "v3/content"));
  EXPECT_EQ(Value(root_->ReadInventory(id)).HeadVersion().state.count("media/a-copy.jpg"), 0u);
  EXPECT_TRUE(fs::exists(object / "v1/content/media/a.jpg"));
  EXPECT_EQ(Errors(), 0u);
}

TEST_F(StorageRootTest, StagedFilesAreStreamedAndHashedAcrossBufferBoundaries) {
  std::string content;
  for (int i = 0; content.size() < 3 * (1 << 20) + 12345; ++i)
    content += "khối " + std::to_string(i) + "\n";
  StagedFile f = Stage(content, 65537);
  EXPECT_EQ(f.bytes_written(), content.size());
  Digests expected = Value(DigestFile(f.path().string()));
  EXPECT_EQ(f.digests().sha512, expected.sha512);
  EXPECT_EQ(f.digests().sha256, expected.sha256);
  EXPECT_EQ(f.digests().size, content.size());
  EXPECT_EQ(expected.sha512, Sha512Hex(content));

  VersionBuilder b = root_->BeginVersion("dn-big");
  fs::path staged = f.path();
  ASSERT_TRUE(b.AddFile("media/big.tif", std::move(f)));
  Value(b.Commit({"big", "tester", ""}));
  EXPECT_FALSE(fs::exists(staged));  // moved, not copied
  EXPECT_EQ(Read(Value(root_->FilePath("dn-big", "media/big.tif"))), content);

  // An abandoned staged file leaves nothing behind.
  {
    StagedFile dropped = Stage("half an upload");
    EXPECT_EQ(StagingEntries().size(), 1u);
  }
  EXPECT_TRUE(StagingEntries().empty());
  EXPECT_EQ(Errors(), 0u);
}

TEST_F(StorageRootTest, RefusesUnsafeLogicalPathsAndUnfinishedFiles) {
  VersionBuilder b = root_->BeginVersion("dn-x");
  for (std::string bad : {"../escape", "/abs", "a//b", "a/../../b", "", "a/"}) {
    Status s = b.AddBytes(bad, "x");
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  }
  StagedFile unfinished = *root_->NewStagedFile();
  EXPECT_FALSE(b.AddFile("a", std::move(unfinished)));
  // A file and a directory of the same name.
  ASSERT_TRUE(b.AddBytes("media", "x"));
  ASSERT_TRUE(b.AddBytes("media/a.jpg", "y"));
  auto r = b.Commit({"conflict", "tester", ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(fs::exists(Object("dn-x")));
  EXPECT_TRUE(StagingEntries().empty());
}

TEST_F(StorageRootTest, ConcurrentVersionsOfOneObjectLoseNothing) {
  const std::string id = "dn-concurrent";
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      VersionBuilder b = root_->BeginVersion(id);
      if (!b.AddBytes("media/" + std::to_string(t) + ".txt", "file " + std::to_string(t)))
        ++failures;
      if (!b.Commit({"thread " + std::to_string(t), "tester", ""})) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  Inventory inv = Value(root_->ReadInventory(id));
  EXPECT_EQ(inv.head, "v" + std::to_string(kThreads));
  EXPECT_EQ(inv.HeadVersion().state.size(), static_cast<size_t>(kThreads));
  EXPECT_EQ(Errors(), 0u);
}

// Each step at which a commit can be interrupted, and what a reader then sees.
class InterruptedCommitTest : public StorageRootTest,
                              public ::testing::WithParamInterface<const char*> {};

TEST_P(InterruptedCommitTest, LeavesThePreviousVersionIntactAndReadable) {
  const std::string id = "dn-4kq8zx2bv";
  Commit(*root_, id, {{"record.json", "r1"}, {"media/a.jpg", "A"}});
  const std::string step = GetParam();
  StorageRoot::Options options;
  options.fault = [&](std::string_view at) -> Status {
    if (at == step)
      return Fail(ErrorCode::kUnavailable, "simulated crash at " + step, "mô phỏng sự cố");
    return Ok();
  };
  std::unique_ptr<StorageRoot> crashing = Open(options);
  VersionBuilder b = crashing->BeginVersion(id);
  ASSERT_TRUE(b.AddBytes("record.json", "r2"));
  ASSERT_TRUE(b.AddBytes("media/b.jpg", "B"));
  auto r = b.Commit({"interrupted", "tester", ""});
  ASSERT_FALSE(r);

  // Version 1 is untouched whatever happened.
  const fs::path object = Object(id);
  EXPECT_EQ(Read(object / "v1/content/media/a.jpg"), "A");
  EXPECT_EQ(Read(object / "v1/content/record.json"), "r1");
  Inventory inv = Value(root_->ReadInventory(id));
  bool committed = step != std::string("staged");
  // Once the version directory is in place the commit has happened: readers see it.
  EXPECT_EQ(inv.head, committed ? "v2" : "v1");
  EXPECT_EQ(Read(Value(root_->FilePath(id, "record.json"))), committed ? "r2" : "r1");
  ValidationReport before = ValidateStorageRoot(root_->path());
  if (committed) {
    // The root inventory lags behind: fsck says so, and Repair completes the commit.
    ASSERT_GT(before.Errors(), 0u);
    EXPECT_TRUE(Value(root_->Repair(id)));
    EXPECT_FALSE(Value(root_->Repair(id)));
  } else {
    EXPECT_EQ(before.Errors(), 0u);
  }
  // The crashed process's debris is removed the next time the store is opened by a new process;
  // this process is alive, so simulate that by reopening after renaming the debris to a dead pid.
  for (const std::string& e : StagingEntries()) {
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    std::string renamed = std::to_string(dead) + e.substr(e.find('-'));
    fs::rename(root_->path() / "extensions/disan-staging" / e,
               root_->path() / "extensions/disan-staging" / renamed);
  }
  EXPECT_EQ(ValidateStorageRoot(root_->path()).Warnings(), StagingEntries().size());
  root_ = Open();
  EXPECT_TRUE(StagingEntries().empty());
  EXPECT_EQ(Errors(), 0u);

  // And the object takes new versions as usual.
  CommitResult next = Commit(*root_, id, {{"media/c.jpg", "C"}});
  EXPECT_EQ(next.version, committed ? "v3" : "v2");
  EXPECT_EQ(Errors(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Steps, InterruptedCommitTest,
                         ::testing::Values("staged", "version-renamed", "inventory-replaced"));

TEST_F(StorageRootTest, AnInterruptedFirstVersionLeavesNoObject) {
  StorageRoot::Options options;
  options.fault = [](std::string_view at) -> Status {
    return at == "staged" ? Status(Fail(ErrorCode::kUnavailable, "crash", "sự cố")) : Ok();
  };
  std::unique_ptr<StorageRoot> crashing = Open(options);
  VersionBuilder b = crashing->BeginVersion("dn-new");
  ASSERT_TRUE(b.AddBytes("record.json", "r1"));
  ASSERT_FALSE(b.Commit({"first", "tester", ""}));
  EXPECT_EQ(root_->ReadInventory("dn-new").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ValidateStorageRoot(root_->path()).Errors(), 0u);  // no empty layout directories either
  EXPECT_FALSE(fs::exists(root_->path() / root_->ObjectPath("dn-new").substr(0, 3)));
  EXPECT_EQ(Commit(*root_, "dn-new", {{"record.json", "r1"}}).version, "v1");
}

TEST_F(StorageRootTest, NewObjectsShareExistingLayoutDirectories) {
  // Identifiers whose digests share their first tuple: found by trying.
  const std::string first = "dn-0";
  std::string second;
  for (int i = 1; second.empty(); ++i) {
    std::string candidate = "dn-" + std::to_string(i);
    if (root_->ObjectPath(candidate).substr(0, 3) == root_->ObjectPath(first).substr(0, 3))
      second = candidate;
  }
  Commit(*root_, first, {{"record.json", "1"}});
  Commit(*root_, second, {{"record.json", "2"}});
  EXPECT_EQ(Value(root_->ReadSmallFile(first, "record.json")), "1");
  EXPECT_EQ(Value(root_->ReadSmallFile(second, "record.json")), "2");
  EXPECT_EQ(Errors(), 0u);
}

TEST_F(StorageRootTest, ADamagedRootInventoryFallsBackToTheNewestVersionsCopy) {
  const std::string id = "dn-4kq8zx2bv";
  Commit(*root_, id, {{"record.json", "r1"}});
  const fs::path object = Object(id);
  std::string bytes = Read(object / "inventory.json");
  testing::WriteFile((object / "inventory.json").string(),
                     bytes + " ");  // no longer matches its sidecar
  EXPECT_EQ(Value(root_->ReadInventory(id)).head, "v1");
  ValidationReport report = ValidateStorageRoot(root_->path());
  ASSERT_GT(report.Errors(), 0u);
  EXPECT_EQ(report.findings[0].code, "E060");
  EXPECT_EQ(report.findings[0].path, root_->ObjectPath(id) + "/inventory.json.sha512");
  EXPECT_TRUE(Value(root_->Repair(id)));
  EXPECT_EQ(Read(object / "inventory.json"), bytes);
  EXPECT_EQ(Errors(), 0u);
}

TEST_F(StorageRootTest, AnObjectWithoutATrustworthyInventoryIsNotWrittenTo) {
  const std::string id = "dn-4kq8zx2bv";
  Commit(*root_, id, {{"record.json", "r1"}});
  const fs::path object = Object(id);
  for (const char* file : {"inventory.json", "v1/inventory.json"}) {
    testing::WriteFile((object / file).string(), Read(object / file) + " ");
  }
  VersionBuilder b = root_->BeginVersion(id);
  ASSERT_TRUE(b.AddBytes("record.json", "r2"));
  auto r = b.Commit({"after tampering", "tester", ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(root_->ReadInventory(id).error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(root_->Repair(id));
  EXPECT_FALSE(fs::exists(object / "v2"));
  EXPECT_TRUE(StagingEntries().empty());
}

}  // namespace
}  // namespace disan::preservation
