// `disan fsck` run as a program against data directories damaged by hand: every problem is
// printed with its path, and the exit status says whether the store is clean.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "preservation/storage_root.h"
#include "support/test_support.h"

namespace disan {
namespace {

using testing::Lines;
using testing::RunDisan;
using testing::ShellQuote;

namespace fs = std::filesystem;
using preservation::StorageRoot;

// A data directory whose preservation store holds two objects of two versions each.
class FsckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.File("data");
    testing::CommandResult init = RunDisan("init " + ShellQuote(data_));
    ASSERT_EQ(init.status, 0) << init.output;
    auto root = StorageRoot::Open(fs::path(data_) / "ocfl", StorageRoot::OpenMode::kExisting);
    ASSERT_TRUE(root) << root.error().Describe();
    root_ = std::move(*root);
    for (const std::string id : {"dn-4kq8zx2bv", "dn-23456789x"}) {
      for (int v = 1; v <= 2; ++v) {
        preservation::VersionBuilder b = root_->BeginVersion(id);
        ASSERT_TRUE(b.AddBytes("record.json",
                               "{\"pid\":\"" + id + "\",\"revision\":" + std::to_string(v) + "}"));
        ASSERT_TRUE(b.AddBytes("media/" + std::to_string(v) + ".jpg", std::string(5000 * v, 'j')));
        ASSERT_TRUE(b.Commit({"test", "tester", ""}));
      }
    }
    object_ = (fs::path(data_) / "ocfl" / root_->ObjectPath("dn-4kq8zx2bv")).string();
  }

  testing::CommandResult Fsck(const std::string& flags = "") {
    return RunDisan("fsck --data " + ShellQuote(data_) + (flags.empty() ? "" : " " + flags));
  }

  // fsck fails and names `path` on a line that starts with "error: ".
  void ExpectReported(const std::string& path, const std::string& code) {
    testing::CommandResult r = Fsck();
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("error: " + path + ": "), std::string::npos)
        << "no error for " << path << " in\n"
        << r.output;
    EXPECT_NE(r.output.find("[" + code + "]"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("disan fsck: the preservation store has"), std::string::npos)
        << r.output;
  }

  testing::TempDir tmp_;
  std::string data_;
  std::unique_ptr<StorageRoot> root_;
  std::string object_;
};

TEST_F(FsckTest, ACleanStoreExitsZero) {
  testing::CommandResult r = Fsck();
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("checked 2 objects, 8 files"), std::string::npos) << r.output;
  // The two objects were made by hand, so no record names them: warnings, not errors.
  EXPECT_NE(r.output.find(": 0 errors, 2 warnings"), std::string::npos) << r.output;

  // A freshly initialised data directory has an empty, valid store.
  testing::CommandResult init = RunDisan("init " + ShellQuote(tmp_.File("fresh")));
  ASSERT_EQ(init.status, 0) << init.output;
  testing::CommandResult fresh = RunDisan("fsck --data " + ShellQuote(tmp_.File("fresh")));
  EXPECT_EQ(fresh.status, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("checked 0 objects"), std::string::npos) << fresh.output;
}

TEST_F(FsckTest, ACorruptByteIsReportedWithItsPath) {
  const std::string file = object_ + "/v2/content/media/2.jpg";
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(4321);
  f.put('k');
  f.close();
  ExpectReported(file, "E092");
}

TEST_F(FsckTest, ADeletedFileIsReportedWithItsPath) {
  const std::string file = object_ + "/v1/content/record.json";
  fs::remove(file);
  ExpectReported(file, "E092");
}

TEST_F(FsckTest, AStrayFileIsReportedWithItsPath) {
  const std::string file = object_ + "/v1/content/media/extra.jpg";
  testing::WriteFile(file, "not in the manifest");
  ExpectReported(file, "E023");
}

TEST_F(FsckTest, ABrokenInventoryIsReportedWithItsPath) {
  const std::string file = object_ + "/inventory.json";
  std::string bytes = testing::ReadFile(file);
  testing::WriteFile(file, bytes.substr(0, 100));
  ExpectReported(file, "E033");
  // Only the damaged object is affected; the other one is still checked.
  EXPECT_NE(Fsck().output.find("checked 2 objects"), std::string::npos);
}

TEST_F(FsckTest, RepairCompletesAnInterruptedWrite) {
  // A commit that died after renaming its version directory into place.
  StorageRoot::Options options;
  options.fault = [](std::string_view step) -> Status {
    return step == "version-renamed" ? Status(Fail(ErrorCode::kUnavailable, "crash", "sự cố"))
                                     : Ok();
  };
  auto crashing =
      StorageRoot::Open(fs::path(data_) / "ocfl", StorageRoot::OpenMode::kExisting, options);
  ASSERT_TRUE(crashing);
  preservation::VersionBuilder b = (*crashing)->BeginVersion("dn-4kq8zx2bv");
  ASSERT_TRUE(b.AddBytes("media/3.jpg", "third"));
  ASSERT_FALSE(b.Commit({"test", "tester", ""}));

  testing::CommandResult before = Fsck();
  EXPECT_EQ(before.status, 1) << before.output;
  EXPECT_NE(before.output.find("error: " + object_ + "/v3: "), std::string::npos) << before.output;
  EXPECT_NE(before.output.find("--repair"), std::string::npos) << before.output;

  testing::CommandResult repair = Fsck("--repair");
  EXPECT_EQ(repair.status, 0) << repair.output;
  EXPECT_NE(repair.output.find("repaired: " + object_), std::string::npos) << repair.output;
  EXPECT_EQ(Fsck().status, 0);
}

TEST_F(FsckTest, OnlyMediaCommandsTouchTheStore) {
  root_.reset();
  fs::remove_all(fs::path(data_) / "ocfl");
  EXPECT_EQ(RunDisan("export --data " + ShellQuote(data_)).status, 0);
  EXPECT_EQ(RunDisan("reindex --data " + ShellQuote(data_)).status, 0);
  EXPECT_FALSE(fs::exists(fs::path(data_) / "ocfl"));
  // fsck reports a missing store; it never creates one.
  testing::CommandResult r = Fsck();
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("[E069]"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(fs::path(data_) / "ocfl"));
}

TEST_F(FsckTest, RefusesADirectoryThatIsNotADataDirectory) {
  testing::CommandResult r = RunDisan("fsck --data " + ShellQuote(tmp_.File("nothing")));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("not a Disan data directory"), std::string::npos) << r.output;
  testing::CommandResult missing = RunDisan("fsck");
  EXPECT_NE(missing.status, 0) << missing.output;
}

// The catalogue's media rows are checked against the store: a file replaced or removed by a
// later version (a valid OCFL object, so only the cross-check can see it) is an error naming
// the media id.
TEST_F(FsckTest, EveryCatalogueMediaRowMustHaveItsFileWithTheSameDigest) {
  testing::WriteFile(tmp_.File("item.jsonl"), testing::RelicDocument().dump() + "\n");
  ASSERT_EQ(RunDisan("import --data " + ShellQuote(data_) + " " + ShellQuote(tmp_.File("item.jsonl"))).status, 0);
  testing::CommandResult exported = testing::RunCommand(
      "timeout 120 " + ShellQuote(testing::DisanBin()) + " export --data " + ShellQuote(data_), false);
  std::string item = testing::ParseJsonLines(exported.output).at(0).at("pid");
  testing::WriteFile(tmp_.File("a.pdf"), "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
  testing::CommandResult added = testing::RunCommand(
      "timeout 120 " + ShellQuote(testing::DisanBin()) + " media add --data " + ShellQuote(data_) + " " +
          item + " " + ShellQuote(tmp_.File("a.pdf")),
      false);
  ASSERT_EQ(added.status, 0) << added.output;
  std::string id = added.output.substr(0, added.output.find('\t'));
  testing::CommandResult clean = Fsck();
  EXPECT_EQ(clean.status, 0) << clean.output;
  EXPECT_NE(clean.output.find("checked 1 catalogue media row against the store"), std::string::npos)
      << clean.output;

  // Another version replaces the file's bytes: the store is valid OCFL, the catalogue is not.
  {
    preservation::VersionBuilder b = root_->BeginVersion(item);
    ASSERT_TRUE(b.AddBytes("media/" + id + ".pdf", "%PDF-1.7\nsomething else\n%%EOF\n"));
    ASSERT_TRUE(b.Commit({"tamper", "tester", ""}));
  }
  testing::CommandResult changed = Fsck();
  EXPECT_EQ(changed.status, 1) << changed.output;
  EXPECT_NE(changed.output.find("media " + id + " of " + item + ": the catalogue's sha512"),
            std::string::npos)
      << changed.output;
  EXPECT_EQ(changed.output.find("[E"), std::string::npos) << "the OCFL object itself is valid";

  // And one removes it.
  {
    preservation::VersionBuilder b = root_->BeginVersion(item);
    ASSERT_TRUE(b.Remove("media/" + id + ".pdf"));
    ASSERT_TRUE(b.Commit({"tamper", "tester", ""}));
  }
  testing::CommandResult removed = Fsck();
  EXPECT_EQ(removed.status, 1) << removed.output;
  EXPECT_NE(removed.output.find("media " + id + " of " + item + ": its file is not in the head version"),
            std::string::npos)
      << removed.output;
}

TEST_F(FsckTest, AnObjectNoRecordNamesIsAWarningWithItsPath) {
  // As a bag import killed between writing the object and committing the catalogue leaves it.
  preservation::VersionBuilder b = root_->BeginVersion("dn-7zzzzzzzz");
  ASSERT_TRUE(b.AddBytes("record.json", "{\"pid\":\"dn-7zzzzzzzz\"}"));
  ASSERT_TRUE(b.Commit({"import", "tester", ""}));
  const std::string stray = (fs::path(data_) / "ocfl" / root_->ObjectPath("dn-7zzzzzzzz")).string();
  testing::CommandResult r = Fsck();
  EXPECT_EQ(r.status, 0) << r.output;  // warnings do not change the exit status
  EXPECT_NE(r.output.find("warning: " + stray + ": object dn-7zzzzzzzz is named by no record"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("không được bản ghi hay tệp nào nhắc đến"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("warning: " + object_ + ": object dn-4kq8zx2bv"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("checked 3 objects"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(": 0 errors, 3 warnings"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("error: "), std::string::npos) << r.output;
  // fsck only reports: the object is still there afterwards.
  EXPECT_TRUE(fs::exists(stray + "/inventory.json"));
}

}  // namespace
}  // namespace disan
