// BagIt (RFC 8493) through the real program: `disan bag export` of an item with media files
// from the preservation store, `disan bag verify`, and `disan bag import` into another data
// directory; hostile bags (a wrong digest, paths escaping the bag, a symbolic link, a missing
// or an unlisted file) are refused whole, naming the bad file, and nothing is imported.
// Import is all or nothing: a bag that verifies but holds an invalid record, a record whose pid
// is taken here, a file of a type the server refuses, or a failure while the files are being
// added leaves the target's records, media, audit log and preservation store as they were.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "preservation/digest.h"
#include "store/sqlite/sqlite_store.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

testing::CommandResult Disan(const std::string& args) {
  return testing::RunCommand(testing::DisanBin() + " " + args);
}

class BagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_.File("a");
    target_ = dir_.File("b");
    ASSERT_EQ(Disan("init " + source_).status, 0);
    ASSERT_EQ(Disan("init " + target_).status, 0);
    testing::WriteFile(
        dir_.File("items.jsonl"),
        testing::RelicDocument("Nhà ngục Đắk Mil").dump() + "\n" +
            json({{"kind", "intangible"},
                  {"names", {{{"lang", "vi"}, {"value", "Cồng chiêng"}, {"preferred", true}}}}})
                .dump() +
            "\n");
    ASSERT_EQ(Disan("import --data " + source_ + " " + dir_.File("items.jsonl")).status, 0);
    auto store = OpenSqliteStore(source_ + "/disan.db").value();
    store
        ->ForEach(RecordClass::kItem,
                  [&](const StoredRecord& r) -> Status {
                    (r.kind == "relic" ? relic_ : song_) = r.pid;
                    return Ok();
                  })
        .value();
    testing::WriteFile(dir_.File("photo.jpg"), testing::SampleJpeg());
    testing::WriteFile(dir_.File("scan.png"), testing::SamplePng());
    auto added = Disan("media add --data " + source_ + " " + relic_ + " " + dir_.File("photo.jpg") +
                       " " + dir_.File("scan.png") + " --caption-vi 'Ảnh chụp'");
    ASSERT_EQ(added.status, 0) << added.output;
  }

  std::string Bag(const std::string& selection) {
    std::string bag = dir_.File("bag-" + std::to_string(++bags_));
    auto r = Disan("bag export --data " + source_ + " " + selection + " --output " + bag +
                   " --source-organization 'Sở VHTTDL'");
    EXPECT_EQ(r.status, 0) << r.output;
    return bag;
  }
  size_t TargetItems() {
    auto store = OpenSqliteStore(target_ + "/disan.db").value();
    return store->Count(RecordClass::kItem).value();
  }

  testing::TempDir dir_;
  std::string source_, target_, relic_, song_;
  int bags_ = 0;
};

TEST_F(BagTest, AnItemWithItsMediaTravelsInABag) {
  std::string bag = Bag("--pid " + relic_);
  for (const char* f : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                        "tagmanifest-sha256.txt", "data/records.jsonl"}) {
    EXPECT_TRUE(fs::is_regular_file(bag + "/" + f)) << f;
  }
  EXPECT_FALSE(fs::exists(bag + ".part"));
  std::string info = testing::ReadFile(bag + "/bag-info.txt");
  EXPECT_NE(info.find("Source-Organization: Sở VHTTDL"), std::string::npos) << info;
  EXPECT_NE(info.find("Payload-Oxum: "), std::string::npos) << info;
  std::string manifest = testing::ReadFile(bag + "/manifest-sha256.txt");
  EXPECT_NE(manifest.find("  data/media/" + relic_ + "/"), std::string::npos) << manifest;
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 5)
      << manifest;  // records + 2 x (file, json)
  auto verified = Disan("bag verify " + bag);
  EXPECT_EQ(verified.status, 0) << verified.output;
  EXPECT_NE(verified.output.find("valid bag: 5 payload files"), std::string::npos)
      << verified.output;

  auto imported = Disan("bag import --data " + target_ + " " + bag);
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("imported 1 records and 2 media files"), std::string::npos)
      << imported.output;
  auto a = OpenSqliteStore(source_ + "/disan.db").value();
  auto b = OpenSqliteStore(target_ + "/disan.db").value();
  EXPECT_EQ(b->Get(relic_).value().document, a->Get(relic_).value().document);
  std::vector<MediaAsset> from = a->ListMedia(relic_).value(), to = b->ListMedia(relic_).value();
  ASSERT_EQ(to.size(), 2u);
  // Added within the same second, the two files may come back in either order.
  auto by_digest = [](const MediaAsset& x, const MediaAsset& y) { return x.sha512 < y.sha512; };
  std::sort(from.begin(), from.end(), by_digest);
  std::sort(to.begin(), to.end(), by_digest);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(to[i].sha512, from[i].sha512);
    EXPECT_EQ(to[i].caption_vi, "Ảnh chụp");
  }
  EXPECT_EQ(Disan("fsck --data " + target_).status, 0);
  // Importing the same bag again changes nothing and is no error.
  auto again = Disan("bag import --data " + target_ + " " + bag);
  EXPECT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(b->ListMedia(relic_).value().size(), 2u);
}

// A contributor's file still held for review (docs/review.md) is not part of the item yet: the
// bag leaves it out, so that the bag imports (a held file could not be imported as such).
TEST_F(BagTest, AFileHeldForReviewStaysOutOfTheBag) {
  std::string held;
  {
    auto store = OpenSqliteStore(source_ + "/disan.db").value();
    std::vector<MediaAsset> media = store->ListMedia(relic_).value();
    ASSERT_EQ(media.size(), 2u);
    held = media[0].id;
    ASSERT_TRUE(store->Write([&](StoreWriter& w) { return w.SetMediaVisibility(held, "held"); }));
  }
  std::string bag = Bag("--pid " + relic_);
  std::string manifest = testing::ReadFile(bag + "/manifest-sha256.txt");
  EXPECT_EQ(manifest.find(held), std::string::npos) << manifest;
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 3) << manifest;
  auto imported = Disan("bag import --data " + target_ + " " + bag);
  ASSERT_EQ(imported.status, 0) << imported.output;
  auto b = OpenSqliteStore(target_ + "/disan.db").value();
  std::vector<MediaAsset> to = b->ListMedia(relic_).value();
  ASSERT_EQ(to.size(), 1u);
  EXPECT_NE(to[0].id, held);
}

TEST_F(BagTest, SetsAndEverything) {
  std::string set = Bag("--set kind:intangible");
  std::string records = testing::ReadFile(set + "/data/records.jsonl");
  EXPECT_NE(records.find(song_), std::string::npos);
  EXPECT_EQ(records.find(relic_), std::string::npos);
  std::string all = Bag("--all");
  EXPECT_EQ(Disan("bag verify " + all).status, 0);
  {
    // Each bag written is in the source's audit log.
    auto store = OpenSqliteStore(source_ + "/disan.db").value();
    AuditQuery q;
    q.action = "export.bag";
    std::vector<AuditEntry> bags = store->ListAudit(q).value();
    ASSERT_EQ(bags.size(), 2u);
    EXPECT_EQ(bags[1].target, all);
    EXPECT_NE(bags[0].detail.find("kind:intangible"), std::string::npos) << bags[0].detail;
  }
  ASSERT_EQ(Disan("bag import --data " + target_ + " " + all).status, 0);
  EXPECT_EQ(TargetItems(), 2u);
  auto none = Disan("bag export --data " + source_ + " --set kind:documentary --output " +
                    dir_.File("none"));
  EXPECT_EQ(none.status, 1) << none.output;
  EXPECT_FALSE(fs::exists(dir_.File("none")));
  auto two = Disan("bag export --data " + source_ + " --all --pid " + relic_ + " --output " +
                   dir_.File("two"));
  EXPECT_EQ(two.status, 1) << two.output;
  auto exists = Disan("bag export --data " + source_ + " --all --output " + all);
  EXPECT_EQ(exists.status, 1) << exists.output;
}

// Each hostile bag is refused by verify (naming the file) and by import, which writes nothing.
class HostileBag : public BagTest {
 protected:
  void ExpectRefused(const std::string& bag, const std::string& names) {
    auto verified = Disan("bag verify " + bag);
    EXPECT_EQ(verified.status, 1) << verified.output;
    EXPECT_NE(verified.output.find(names), std::string::npos) << verified.output;
    auto imported = Disan("bag import --data " + target_ + " " + bag);
    EXPECT_EQ(imported.status, 1) << imported.output;
    EXPECT_NE(imported.output.find("nothing was imported"), std::string::npos) << imported.output;
    EXPECT_EQ(TargetItems(), 0u);
  }
  std::string MediaFile(const std::string& bag) {
    for (const auto& e : fs::recursive_directory_iterator(bag + "/data/media")) {
      if (e.is_regular_file() && e.path().extension() != ".json") return e.path().string();
    }
    return "";
  }
};

TEST_F(HostileBag, AWrongDigest) {
  std::string bag = Bag("--pid " + relic_);
  std::string file = MediaFile(bag);
  ASSERT_FALSE(file.empty());
  testing::WriteFile(file, testing::SampleJpeg() + "x");
  ExpectRefused(bag, fs::path(file).filename().string() + ": has SHA-256");
}

TEST_F(HostileBag, PathsEscapingTheBag) {
  for (const std::string& path :
       {std::string("../outside.txt"), std::string("/etc/passwd"), std::string("data/../../x")}) {
    std::string bag = Bag("--pid " + relic_);
    testing::WriteFile(dir_.File("outside.txt"), "secret");
    std::string manifest = testing::ReadFile(bag + "/manifest-sha256.txt");
    testing::WriteFile(bag + "/manifest-sha256.txt",
                       manifest +
                           "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b  " +
                           path + "\n");
    ExpectRefused(bag, path);
  }
}

TEST_F(HostileBag, ASymbolicLink) {
  std::string bag = Bag("--pid " + relic_);
  std::string file = MediaFile(bag);
  testing::WriteFile(dir_.File("elsewhere.jpg"), testing::ReadFile(file));
  fs::remove(file);
  fs::create_symlink(dir_.File("elsewhere.jpg"), file);
  ExpectRefused(bag, "symbolic link");
}

TEST_F(HostileBag, AMissingAndAnUnlistedFile) {
  std::string bag = Bag("--pid " + relic_);
  fs::remove(MediaFile(bag));
  ExpectRefused(bag, "is missing");
  std::string other = Bag("--pid " + relic_);
  testing::WriteFile(other + "/data/extra.txt", "not listed");
  ExpectRefused(other, "data/extra.txt: is in the payload but not in the manifest");
  EXPECT_EQ(Disan("bag verify " + dir_.File("no-such-bag")).status, 1);
}

// Bags that verify (their manifests are made again after the change) but cannot be imported.
class AllOrNothing : public HostileBag {
 protected:
  static std::string Sha256(const std::string& bytes) {
    preservation::Hasher h = *preservation::Hasher::ForAlgorithm("sha256");
    h.Update(bytes.data(), bytes.size());
    return h.FinishHex();
  }
  // Writes the manifests, Payload-Oxum and tag manifest again for what data/ holds now.
  static void Reseal(const std::string& bag) {
    std::set<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(bag + "/data")) {
      if (e.is_regular_file()) files.insert(fs::relative(e.path(), bag).generic_string());
    }
    std::string manifest;
    uint64_t bytes = 0;
    for (const std::string& f : files) {
      std::string content = testing::ReadFile(bag + "/" + f);
      bytes += content.size();
      manifest += Sha256(content) + "  " + f + "\n";
    }
    testing::WriteFile(bag + "/manifest-sha256.txt", manifest);
    testing::WriteFile(bag + "/bag-info.txt", "Payload-Oxum: " + std::to_string(bytes) + "." +
                                                  std::to_string(files.size()) + "\n");
    std::string tags;
    for (const char* f : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"})
      tags += Sha256(testing::ReadFile(bag + "/" + f)) + "  " + f + "\n";
    testing::WriteFile(bag + "/tagmanifest-sha256.txt", tags);
    auto verified = Disan("bag verify " + bag);
    ASSERT_EQ(verified.status, 0) << verified.output;
  }
  // What the target holds: every record with its revision and document, every media row, the
  // audit log's length and every file of the preservation store (but its staging area).
  std::string Snapshot() {
    auto store = OpenSqliteStore(target_ + "/disan.db").value();
    std::string out;
    for (RecordClass cls : {RecordClass::kItem, RecordClass::kOrganisation, RecordClass::kArea}) {
      store
          ->ForEach(cls,
                    [&](const StoredRecord& r) -> Status {
                      out += r.pid + " r" + std::to_string(r.revision) + " " + r.document.dump();
                      std::vector<MediaAsset> media = store->ListMedia(r.pid).value();
                      for (const MediaAsset& a : media) out += " media " + a.id + " " + a.sha512;
                      out += "\n";
                      return Ok();
                    })
          .value();
    }
    size_t audit = 0;
    store
        ->ForEachAudit([&](const AuditEntry&) -> Status {
          ++audit;
          return Ok();
        })
        .value();
    out += "audit " + std::to_string(audit) + "\n";
    std::set<std::string> ocfl;
    for (const auto& e : fs::recursive_directory_iterator(target_ + "/ocfl")) {
      std::string rel = fs::relative(e.path(), target_ + "/ocfl").generic_string();
      if (!rel.starts_with("extensions/disan-staging")) ocfl.insert(rel);
    }
    for (const std::string& f : ocfl) out += "ocfl " + f + "\n";
    return out;
  }
  // Imports `bag`, expects it refused naming `names`, and the target unchanged.
  void ExpectNothingImported(const std::string& bag, const std::string& names) {
    std::string before = Snapshot();
    auto imported = Disan("bag import --data " + target_ + " " + bag);
    EXPECT_EQ(imported.status, 1) << imported.output;
    EXPECT_NE(imported.output.find(names), std::string::npos) << imported.output;
    EXPECT_NE(imported.output.find("nothing was imported"), std::string::npos) << imported.output;
    EXPECT_NE(imported.output.find("không nhập gì"), std::string::npos) << imported.output;
    EXPECT_EQ(Snapshot(), before);
  }
  std::vector<std::string> Lines(const std::string& file) {
    std::vector<std::string> lines;
    std::string text = testing::ReadFile(file), line;
    std::stringstream in(text);
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
  }
  void WriteLines(const std::string& file, const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& l : lines) text += l + "\n";
    testing::WriteFile(file, text);
  }
};

TEST_F(AllOrNothing, AnInvalidRecordInTheMiddle) {
  std::string bag = Bag("--all");
  std::vector<std::string> lines = Lines(bag + "/data/records.jsonl");
  ASSERT_GE(lines.size(), 2u);
  json bad = json::parse(lines[0]);
  bad["pid"] = "dn-22222222";
  bad["kind"] = "castle";
  lines.insert(lines.begin() + 1, bad.dump());
  lines.insert(lines.begin() + 2, "{not json");
  WriteLines(bag + "/data/records.jsonl", lines);
  Reseal(bag);
  ExpectNothingImported(bag, "data/records.jsonl:2: record dn-22222222: ");
  auto again = Disan("bag import --data " + target_ + " " + bag);
  EXPECT_NE(again.output.find("data/records.jsonl:3: is not a JSON record with a pid"),
            std::string::npos)
      << again.output;
  EXPECT_EQ(TargetItems(), 0u);
}

TEST_F(AllOrNothing, APidAlreadyPresentHereWithOtherContent) {
  // The target holds the song's pid with another name; the relic comes first in the bag.
  testing::WriteFile(dir_.File("mine.jsonl"),
                     json({{"pid", song_},
                           {"kind", "intangible"},
                           {"names", {{{"lang", "vi"}, {"value", "Khác"}, {"preferred", true}}}}})
                             .dump() +
                         "\n");
  ASSERT_EQ(Disan("import --data " + target_ + " " + dir_.File("mine.jsonl")).status, 0);
  std::string bag = Bag("--all");
  std::vector<std::string> lines = Lines(bag + "/data/records.jsonl");
  size_t song_line = 0;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find(song_) != std::string::npos) song_line = i + 1;
  ASSERT_GT(song_line, 0u);
  ExpectNothingImported(bag, "data/records.jsonl:" + std::to_string(song_line) + ": record " +
                                 song_ + " exists here with other content");
  EXPECT_EQ(TargetItems(), 1u);
}

TEST_F(AllOrNothing, AFileOfATypeTheServerRefuses) {
  std::string bag = Bag("--pid " + relic_);
  std::string file = MediaFile(bag);
  testing::WriteFile(file, "#!/bin/sh\necho 'not a photograph'\n");
  Reseal(bag);
  ExpectNothingImported(bag, fs::relative(file, bag).generic_string() + ": ");
}

TEST_F(AllOrNothing, HostileMediaDescriptions) {
  std::string bag = Bag("--pid " + relic_);
  std::string file = MediaFile(bag);
  std::string description = file.substr(0, file.rfind('.')) + ".json";
  json d = json::parse(testing::ReadFile(description));
  d["format"] = "../../../../etc/passwd";
  testing::WriteFile(description, d.dump());
  Reseal(bag);
  ExpectNothingImported(bag, "without its file beside it");
  // Oversized: a description over 1 MiB, and a records line over 16 MiB.
  std::string big = Bag("--pid " + relic_);
  std::string big_file = MediaFile(big);
  testing::WriteFile(big_file.substr(0, big_file.rfind('.')) + ".json",
                     "{\"x\": \"" + std::string(size_t{1} << 20, 'a') + "\"}");
  testing::WriteFile(big + "/data/records.jsonl", testing::ReadFile(big + "/data/records.jsonl") +
                                                      "{\"pid\": \"" +
                                                      std::string(size_t{17} << 20, 'b') + "\"}\n");
  Reseal(big);
  ExpectNothingImported(big, "is larger than 1048576 bytes");
  auto again = Disan("bag import --data " + target_ + " " + big);
  EXPECT_NE(again.output.find("data/records.jsonl:2: the line is longer than"), std::string::npos)
      << again.output;
  // A file without its description.
  std::string bare = Bag("--pid " + relic_);
  std::string bare_file = MediaFile(bare);
  fs::remove(bare_file.substr(0, bare_file.rfind('.')) + ".json");
  Reseal(bare);
  ExpectNothingImported(bare, "has no description");
}

// The second item's files fail while they are being added, after the records were written and
// the first item's files committed to the preservation store: everything is undone.
TEST_F(AllOrNothing, AFailureWhileTheFilesAreAdded) {
  auto added = Disan("media add --data " + source_ + " " + song_ + " " + dir_.File("scan.png"));
  ASSERT_EQ(added.status, 0) << added.output;
  std::string bag = Bag("--all");
  std::vector<std::string> lines = Lines(bag + "/data/records.jsonl");
  std::string last = lines.back().find(song_) != std::string::npos ? song_ : relic_;
  std::string description;
  for (const auto& e : fs::directory_iterator(bag + "/data/media/" + last))
    if (e.path().extension() == ".json") description = e.path().string();
  ASSERT_FALSE(description.empty());
  json d = json::parse(testing::ReadFile(description));
  d["sha256"] = std::string(64, '0');
  testing::WriteFile(description, d.dump());
  Reseal(bag);
  ExpectNothingImported(bag, "data/media/" + last + ": ");
  EXPECT_EQ(TargetItems(), 0u);
  // Nothing half-done blocks the next try: the same bag, repaired, imports whole.
  d["sha256"] = Sha256(testing::ReadFile(description.substr(0, description.rfind('.')) + "." +
                                         d["format"].get<std::string>()));
  testing::WriteFile(description, d.dump());
  Reseal(bag);
  auto imported = Disan("bag import --data " + target_ + " " + bag);
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("imported 2 records and 3 media files"), std::string::npos)
      << imported.output;
  EXPECT_EQ(Disan("fsck --data " + target_).status, 0);
}

}  // namespace
}  // namespace disan
