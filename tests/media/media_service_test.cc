// The media service over a real catalogue and a real preservation store: validation before the
// file arrives, what an added file becomes, visibility, and concurrent additions to one item.
#include "media/media_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/pid.h"
#include "preservation/validator.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan::media {
namespace {

using nlohmann::json;

class MediaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::move(*preservation::StorageRoot::Open(
        db_.dir.path() / "ocfl", preservation::StorageRoot::OpenMode::kCreateIfMissing));
    service_ = std::make_unique<MediaService>(*db_.catalogue, *root_, MediaOptions{1 << 20});
    json doc = testing::RelicDocument();
    doc["rights_holder"] = "Ban quản lý di tích";
    item_ = db_.catalogue->Create(RecordClass::kItem, doc, db_.staff, "test")->pid;
  }

  Result<MediaAsset> AddBytes(const std::string& bytes, MediaInput input = {},
                              const std::string& pid = "") {
    Upload upload = TRY(service_->BeginUpload());
    TRY(upload.Write(bytes.data(), bytes.size()));
    return service_->Add(pid.empty() ? item_ : pid, std::move(upload), input, db_.staff);
  }

  testing::TestCatalogue db_;
  std::unique_ptr<preservation::StorageRoot> root_;
  std::unique_ptr<MediaService> service_;
  std::string item_;
  Actor public_{"anonymous", Audience::kPublic};
};

TEST_F(MediaServiceTest, PrepareFillsDefaultsAndNamesEveryBadField) {
  MediaInput defaults = *service_->Prepare(item_, {}, db_.staff);
  EXPECT_EQ(defaults.role, "master");
  EXPECT_EQ(defaults.visibility, "public");
  EXPECT_EQ(defaults.rights_holder, "Ban quản lý di tích");
  EXPECT_EQ(defaults.licence, "");  // the item has none

  MediaInput bad;
  bad.role = "thumbnail";
  bad.caption_vi = std::string(2001, 'x');
  bad.caption_en = "tab\tand newline\nare fine in a caption";
  bad.creator = "line\nbreak";
  bad.date = "2024-02-30";
  bad.licence = "unknown";
  bad.visibility = "secret";
  bad.filename = "a/b.jpg";
  Result<MediaInput> r = service_->Prepare(item_, bad, db_.staff);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  std::set<std::string> named;
  for (const FieldError& f : r.error().fields) {
    named.insert(f.path);
    EXPECT_FALSE(f.message_en.empty());
    EXPECT_FALSE(f.message_vi.empty());
  }
  EXPECT_EQ(named, (std::set<std::string>{"role", "caption_vi", "date", "licence", "visibility",
                                          "filename"}));

  MediaInput nfc;
  nfc.creator = "  Nguye\xcc\x82\xcc\x83n   Va\xcc\x86n A  ";  // decomposed, padded
  EXPECT_EQ(service_->Prepare(item_, nfc, db_.staff)->creator, "Nguyễn Văn A");
  MediaInput broken;
  broken.caption_en = "\xff\xfe";
  EXPECT_EQ(service_->Prepare(item_, broken, db_.staff).error().fields[0].problem, "encoding");

  EXPECT_EQ(service_->Prepare(PidFromBody("dn", "23456789"), {}, db_.staff).error().code,
            ErrorCode::kNotFound);
}

TEST_F(MediaServiceTest, AnAddedFileIsPreservedDescribedAndRecorded) {
  MediaInput input;
  input.role = "panorama";
  input.caption_vi = "Toàn cảnh";
  input.filename = "toan-canh.jpg";
  MediaAsset a = *AddBytes(testing::SampleJpeg(), input);
  EXPECT_TRUE(ParsePid(a.id));
  EXPECT_EQ(a.role, "panorama");
  EXPECT_EQ(a.format, "jpeg");
  EXPECT_EQ(a.ocfl_version, "v1");
  EXPECT_EQ(a.logical_path, "media/" + a.id + ".jpg");
  EXPECT_EQ(a.author, "test");
  EXPECT_EQ(a.created_at.size(), 24u);

  MediaAsset stored = *db_.store->GetMedia(a.id);
  EXPECT_EQ(stored.sha512, a.sha512);
  EXPECT_EQ(stored.created_at, a.created_at);
  json described = json::parse(*root_->ReadSmallFile(item_, "media/" + a.id + ".json"));
  EXPECT_EQ(described, MediaService::Describe(a));
  // The identifier is issued for good, like a record's.
  Status again = db_.store->Write([&](StoreWriter& w) { return w.ReservePid(a.id); });
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(preservation::ValidateStorageRoot(root_->path()).findings.size(), 0u);
}

TEST_F(MediaServiceTest, UploadsPastTheLimitAreRefusedAndLeaveNothing) {
  Upload upload = *service_->BeginUpload();
  std::string chunk(300 << 10, 'x');
  Status s;
  for (int i = 0; i < 5 && s; ++i) s = upload.Write(chunk.data(), chunk.size());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(upload.Write("x", 1).error().code, ErrorCode::kTooLarge);  // sticky
  EXPECT_LE(upload.size(), uint64_t{1} << 20);
  Result<MediaAsset> r = service_->Add(item_, std::move(upload), {}, db_.staff);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_FALSE(root_->ReadInventory(item_));
  EXPECT_TRUE(db_.store->ListMedia(item_)->empty());
}

TEST_F(MediaServiceTest, ThePublicSeesPublicMediaOfPublicItemsOnly) {
  MediaInput restricted;
  restricted.visibility = "restricted";
  MediaAsset open = *AddBytes(testing::SamplePng());
  MediaAsset closed = *AddBytes(testing::SampleTiff(), restricted);
  EXPECT_EQ(service_->List(item_, public_)->size(), 1u);
  EXPECT_EQ(service_->List(item_, db_.staff)->size(), 2u);
  EXPECT_TRUE(service_->Get(open.id, public_));
  EXPECT_EQ(service_->Get(closed.id, public_).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(service_->Get(closed.id, db_.staff));

  ASSERT_TRUE(
      db_.catalogue->Delete(RecordClass::kItem, item_, std::nullopt, db_.staff, "trùng lặp"));
  EXPECT_EQ(service_->List(item_, public_).error().code, ErrorCode::kGone);
  EXPECT_EQ(service_->Get(open.id, db_.staff).error().code, ErrorCode::kGone);
  EXPECT_EQ(AddBytes(testing::SamplePng()).error().code, ErrorCode::kGone);
}

TEST_F(MediaServiceTest, ConcurrentAddsToOneItemAreAllKept) {
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string bytes = testing::SamplePdf() + "% copy " + std::to_string(t) + "\n";
      if (!AddBytes(bytes)) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(db_.store->ListMedia(item_)->size(), static_cast<size_t>(kThreads));
  preservation::Inventory inv = *root_->ReadInventory(item_);
  EXPECT_EQ(inv.head, "v" + std::to_string(kThreads));
  std::vector<MediaAsset> assets = *db_.store->ListMedia(item_);
  for (const MediaAsset& a : assets) {
    EXPECT_EQ(inv.HeadVersion().state.count(a.logical_path), 1u) << a.logical_path;
  }
  EXPECT_EQ(preservation::ValidateStorageRoot(root_->path()).Errors(), 0u);
}

}  // namespace
}  // namespace disan::media
