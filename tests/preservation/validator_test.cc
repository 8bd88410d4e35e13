// fsck's checker against damage done by hand to a real storage root: each problem is reported
// with the path of the file or directory at fault.
#include "preservation/validator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "preservation/storage_root.h"
#include "support/test_support.h"

namespace disan::preservation {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::move(
        *StorageRoot::Open(dir_.path() / "ocfl", StorageRoot::OpenMode::kCreateIfMissing));
    for (int v = 1; v <= 2; ++v) {
      VersionBuilder b = root_->BeginVersion(kId);
      ASSERT_TRUE(b.AddBytes("record.json", "{\"revision\":" + std::to_string(v) + "}"));
      ASSERT_TRUE(b.AddBytes("media/" + std::to_string(v) + ".jpg", std::string(1000 * v, 'x')));
      ASSERT_TRUE(b.Commit({"v", "tester", ""}));
    }
    object_ = root_->ObjectPath(kId);
    ValidationReport clean = Check();
    ASSERT_EQ(clean.findings.size(), 0u);
    EXPECT_EQ(clean.objects, 1u);
    EXPECT_EQ(clean.files, 4u);
    EXPECT_EQ(clean.bytes, 3000u + 2 * 14);
  }

  ValidationReport Check() { return ValidateStorageRoot(root_->path()); }
  fs::path At(const std::string& rel) { return root_->path() / rel; }

  // Asserts that an error with `code` is reported at `path`.
  void ExpectError(const std::string& path, const std::string& code) {
    ValidationReport r = Check();
    bool found = false;
    for (const Finding& f : r.findings) {
      if (f.severity == Severity::kError && f.path == path && (code.empty() || f.code == code)) {
        found = true;
        EXPECT_FALSE(f.message_en.empty());
        EXPECT_FALSE(f.message_vi.empty());
      }
    }
    std::string all;
    for (const Finding& f : r.findings) all += f.code + " " + f.path + ": " + f.message_en + "\n";
    EXPECT_TRUE(found) << "expected " << code << " at " << path << "; got:\n" << all;
  }

  // Rewrites the root inventory with `edit` applied and a matching sidecar.
  void EditInventory(const std::function<void(json&)>& edit) {
    json inv = json::parse(testing::ReadFile(At(object_ + "/inventory.json").string()));
    edit(inv);
    std::string bytes = inv.dump(2);
    testing::WriteFile(At(object_ + "/inventory.json").string(), bytes);
    testing::WriteFile(At(object_ + "/inventory.json.sha512").string(), SidecarFor(bytes));
  }

  static constexpr const char* kId = "dn-4kq8zx2bv";
  testing::TempDir dir_;
  std::unique_ptr<StorageRoot> root_;
  std::string object_;
};

TEST_F(ValidatorTest, ACorruptByteIsFoundByItsDigest) {
  fs::path file = At(object_ + "/v2/content/media/2.jpg");
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(1234);
  f.put('y');
  f.close();
  ExpectError(object_ + "/v2/content/media/2.jpg", "E092");
  // The same file is also named in the sha256 fixity block.
  ExpectError(object_ + "/v2/content/media/2.jpg", "E093");
  EXPECT_EQ(Check().Errors(), 2u);
}

TEST_F(ValidatorTest, AMissingFileIsNamed) {
  fs::remove(At(object_ + "/v1/content/media/1.jpg"));
  ExpectError(object_ + "/v1/content/media/1.jpg", "E092");
}

TEST_F(ValidatorTest, StrayFilesAndDirectoriesAreNamed) {
  testing::WriteFile(At(object_ + "/v2/content/media/stray.jpg").string(), "stray");
  ExpectError(object_ + "/v2/content/media/stray.jpg", "E023");
  testing::WriteFile(At(object_ + "/notes.txt").string(), "stray");
  ExpectError(object_ + "/notes.txt", "E001");
  testing::WriteFile(At(object_ + "/v1/notes.txt").string(), "stray");
  ExpectError(object_ + "/v1/notes.txt", "E015");
  std::string tuple = object_.substr(0, object_.find('/'));
  testing::WriteFile(At(tuple + "/stray.bin").string(), "stray");
  ExpectError(tuple + "/stray.bin", "E084");
  fs::create_directories(At("abc/def"));
  ExpectError("abc/def", "E073");
  fs::create_directories(At(object_ + "/v1/content/empty"));
  ExpectError(object_ + "/v1/content/empty", "E024");
  fs::create_directories(At(object_ + "/v7"));
  ExpectError(object_ + "/v7", "E001");
  testing::WriteFile(At("extensions/stray.txt").string(), "stray");
  ExpectError("extensions/stray.txt", "E112");
  fs::create_symlink("/etc/passwd", At(object_ + "/v2/content/link"));
  ExpectError(object_ + "/v2/content/link", "");
}

TEST_F(ValidatorTest, BrokenInventoriesAreNamed) {
  std::string inventory = object_ + "/inventory.json";
  std::string bytes = testing::ReadFile(At(inventory).string());
  testing::WriteFile(At(inventory).string(), bytes.substr(0, bytes.size() / 2));  // truncated
  ExpectError(inventory, "E033");
  testing::WriteFile(At(inventory).string(), bytes + "\n");  // edited without its sidecar
  ExpectError(inventory + ".sha512", "E060");
  ExpectError(object_ + "/v2/inventory.json", "E064");
  testing::WriteFile(At(inventory).string(), bytes);
  fs::remove(At(inventory + ".sha512"));
  ExpectError(inventory + ".sha512", "E058");
  testing::WriteFile(At(inventory + ".sha512").string(), "garbage");
  ExpectError(inventory + ".sha512", "E061");
  fs::remove(At(inventory));
  ExpectError(inventory, "E063");
}

TEST_F(ValidatorTest, HostileAndOversizedInventoriesAreReportedNotFollowed) {
  // A manifest that points outside the object is refused before anything is opened.
  EditInventory([](json& inv) {
    for (auto& [digest, paths] : inv["manifest"].items()) {
      if (paths[0] == "v1/content/media/1.jpg")
        paths[0] = "v1/content/../../../../../../etc/passwd";
    }
  });
  ExpectError(object_ + "/inventory.json", "E099");
  // An inventory too big to be one is not read into memory.
  fs::resize_file(At(object_ + "/inventory.json"), (uint64_t{64} << 20) + 1);
  ExpectError(object_ + "/inventory.json", "E063");
}

TEST_F(ValidatorTest, InventoriesThatLieAreCaught) {
  EditInventory([](json& inv) { inv["head"] = "v1"; });
  ExpectError(object_ + "/inventory.json", "E040");
  EditInventory([](json& inv) {
    inv["head"] = "v2";
    for (auto& [digest, paths] : inv["fixity"]["sha256"].items()) {
      if (paths[0] == "v2/content/media/2.jpg") {
        inv["fixity"]["sha256"].erase(digest);
        inv["fixity"]["sha256"][std::string(64, 'a')] = json::array({"v2/content/media/2.jpg"});
        break;
      }
    }
  });
  ExpectError(object_ + "/v2/content/media/2.jpg", "E093");
  EditInventory([](json& inv) {
    for (auto& [digest, paths] : inv["versions"]["v1"]["state"].items()) {
      if (paths[0] == "record.json") paths[0] = "renamed.json";
    }
  });
  ExpectError(object_ + "/v2/inventory.json", "E064");
  ExpectError(object_ + "/v2/inventory.json", "E066");
  ExpectError(object_ + "/v1/inventory.json", "E066");
  EditInventory([](json& inv) { inv["versions"]["v1"]["state"] = json::object(); });
  ExpectError(object_ + "/inventory.json", "E107");
}

TEST_F(ValidatorTest, TheRootDeclarationAndLayoutAreChecked) {
  fs::remove(At("0=ocfl_1.1"));
  ExpectError("0=ocfl_1.1", "E076");
  testing::WriteFile(At("0=ocfl_1.1").string(), "ocfl_1.0\n");
  ExpectError("0=ocfl_1.1", "E080");
  testing::WriteFile(At("0=ocfl_1.1").string(), "ocfl_1.1\n");
  testing::WriteFile(At("ocfl_layout.json").string(), "{\"extension\": 4}");
  ExpectError("ocfl_layout.json", "E070");
  testing::WriteFile(
      At("ocfl_layout.json").string(),
      "{\"extension\": \"0004-hashed-n-tuple-storage-layout\", \"description\": \"x\"}");
  // An object moved to where the layout does not put it.
  fs::create_directories(At("fff/fff/fff"));
  fs::rename(At(object_), At("fff/fff/fff/moved"));
  ExpectError("fff/fff/fff/moved", "E083");
  fs::remove(At("fff/fff/fff/moved/0=ocfl_object_1.1"));
  ExpectError("fff/fff/fff/moved", "E006");
}

TEST(Validator, AMissingRootIsAnError) {
  testing::TempDir dir;
  ValidationReport r = ValidateStorageRoot(dir.path() / "none");
  ASSERT_EQ(r.Errors(), 1u);
  EXPECT_EQ(r.findings[0].code, "E069");
}

}  // namespace
}  // namespace disan::preservation
