// Record versions in the preservation store: every change to a published item (edit, publish,
// withdraw, delete, restore) queues a durable job in the transaction of the change, and the job
// runner writes one OCFL version with record.json per such revision — after a restart too, and
// only once however often it runs. Drafts never reach the store.
#include <gtest/gtest.h>

#include "catalogue/catalogue.h"
#include "media/jobs.h"
#include "media/media_service.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_support.h"
#include "workflow/record_audit.h"

namespace disan::media {
namespace {

using nlohmann::json;

class RecordVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    workflow::AuditRecordChanges(*db_.catalogue);
    PreserveRecordChanges(*db_.catalogue);
  }

  std::vector<Job> JobsOf(const std::string& pid) {
    JobQuery q;
    q.media_id = pid;
    return db_.store->ListJobs(q).value();
  }
  // Runs every runnable job; returns how many ran.
  int RunAll() {
    int n = 0;
    while (runner_.RunOne().value()) ++n;
    return n;
  }
  // The record.json of each version of the item's object, oldest first.
  std::vector<json> Versions(const std::string& pid) {
    std::vector<json> out;
    Result<preservation::Inventory> inv = db_.ocfl->ReadInventory(pid);
    if (!inv) return out;
    for (const auto& [n, version] : inv->versions) {
      const std::string digest = version.second.state.at("record.json");
      std::string path =
          (db_.ocfl->path() / db_.ocfl->ObjectPath(pid) / inv->ContentPathOf(digest)).string();
      out.push_back(json::parse(testing::ReadFile(path)));
    }
    return out;
  }
  StoredRecord Patch(const std::string& pid, const json& patch, const std::string& reason) {
    int64_t rev = db_.catalogue->CurrentRevision(pid).value();
    Result<StoredRecord> r =
        db_.catalogue->Patch(RecordClass::kItem, pid, patch, rev, db_.staff, reason);
    EXPECT_TRUE(r) << r.error().Describe();
    return *r;
  }

  testing::TestCatalogue db_;
  Derivatives derivatives_{db_.dir.path() / "derivatives"};
  JobRunner runner_{*db_.store, *db_.ocfl, derivatives_, {50'000'000}};
};

TEST_F(RecordVersionsTest, EveryChangeOfAPublishedItemBecomesAVersion) {
  std::string pid =
      db_.catalogue->Create(RecordClass::kItem, testing::RelicDocument(), db_.staff, "new")->pid;
  // Queued with the change (the same transaction), not yet written.
  ASSERT_EQ(JobsOf(pid).size(), 1u);
  EXPECT_EQ(JobsOf(pid)[0].kind, kRecordVersionJob);
  EXPECT_TRUE(Versions(pid).empty());
  EXPECT_EQ(RunAll(), 1);
  std::vector<json> v = Versions(pid);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]["revision"], 1);
  EXPECT_EQ(v[0]["pid"], pid);
  EXPECT_EQ(v[0]["document"]["names"][0]["value"], "Nhà ngục Đắk Mil");

  // Two edits before the runner comes: one queued job, two versions.
  Patch(pid, {{"dating", {{"text", "năm 1940"}}}}, "niên đại");
  Patch(pid, {{"dating", {{"text", "năm 1941"}}}}, "sửa niên đại");
  EXPECT_EQ(RunAll(), 1);
  v = Versions(pid);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1]["revision"], 2);
  EXPECT_EQ(v[1]["document"]["dating"]["text"], "năm 1940");
  EXPECT_EQ(v[2]["revision"], 3);
  EXPECT_EQ(v[2]["document"]["dating"]["text"], "năm 1941");
  Result<preservation::Inventory> inv = db_.ocfl->ReadInventory(pid);
  EXPECT_EQ(inv->HeadVersion().message, "Record revision 3 (update): sửa niên đại");
  EXPECT_EQ(inv->HeadVersion().user_name, "test");

  // Withdrawn: a version (leaving the published state); edits while withdrawn: none.
  Patch(pid, {{"status", "withdrawn"}}, "rút");
  Patch(pid, {{"dating", {{"text", "khoảng 1940"}}}}, "sửa khi đã rút");
  RunAll();
  v = Versions(pid);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[3]["document"]["status"], "withdrawn");
  // Published again: a version; deleted: a tombstone version.
  Patch(pid, {{"status", "published"}}, "công bố lại");
  int64_t rev = db_.catalogue->CurrentRevision(pid).value();
  ASSERT_TRUE(db_.catalogue->Delete(RecordClass::kItem, pid, rev, db_.staff, "trùng lặp"));
  RunAll();
  v = Versions(pid);
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[4]["document"]["status"], "published");
  EXPECT_EQ(v[4]["revision"], 6);
  EXPECT_EQ(v[5]["deleted"], true);
  EXPECT_EQ(v[5]["delete_reason"], "trùng lặp");
  // Running again writes nothing more (idempotent), and the store is valid.
  ASSERT_TRUE(runner_.PreserveRecord(pid));
  EXPECT_EQ(Versions(pid).size(), 6u);
}

TEST_F(RecordVersionsTest, DraftsStayOutUntilPublishedAndOtherRecordsNeverGoIn) {
  json draft = testing::RelicDocument("Bản nháp");
  draft["status"] = "draft";
  std::string pid = db_.catalogue->Create(RecordClass::kItem, draft, db_.staff, "nháp")->pid;
  Patch(pid, {{"dating", {{"text", "năm 1940"}}}}, "nháp 2");
  EXPECT_TRUE(JobsOf(pid).empty());
  RunAll();
  EXPECT_TRUE(Versions(pid).empty());
  Patch(pid, {{"status", "published"}}, "công bố");
  ASSERT_EQ(JobsOf(pid).size(), 1u);
  RunAll();
  std::vector<json> v = Versions(pid);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]["revision"], 3);
  EXPECT_EQ(v[0]["document"]["status"], "published");

  json org = {{"kind", "museum"},
              {"names", {{{"lang", "vi"}, {"value", "Bảo tàng tỉnh Đắk Nông"}}}}};
  Result<StoredRecord> o = db_.catalogue->Create(RecordClass::kOrganisation, org, db_.staff, "org");
  ASSERT_TRUE(o) << o.error().Describe();
  EXPECT_TRUE(JobsOf(o->pid).empty());
}

TEST_F(RecordVersionsTest, AQueuedVersionSurvivesAProcessThatStopsBeforeWritingIt) {
  const std::string file = db_.dir.File("restart.db");
  std::string pid;
  {
    // "Process 1": the change commits with its job, then the process is gone.
    std::unique_ptr<MetadataStore> store = OpenSqliteStore(file).value();
    Catalogue catalogue(*store, Schema::Builtin(), "dn");
    PreserveRecordChanges(catalogue);
    pid = catalogue.Create(RecordClass::kItem, testing::RelicDocument(), db_.staff, "new")->pid;
  }
  // "Process 2" finds the job and writes the version.
  std::unique_ptr<MetadataStore> store = OpenSqliteStore(file).value();
  JobQuery q;
  q.state = "queued";
  ASSERT_EQ(store->ListJobs(q).value().size(), 1u);
  JobRunner runner(*store, *db_.ocfl, derivatives_, {50'000'000});
  EXPECT_TRUE(runner.RunOne().value());
  EXPECT_EQ(store->ListJobs({}).value().at(0).state, "done");
  EXPECT_EQ(Versions(pid).size(), 1u);
}

TEST_F(RecordVersionsTest, TheAuditLogStillRecordsEveryChange) {
  // The observer is chained: the audit entry and the job are both written.
  std::string pid =
      db_.catalogue->Create(RecordClass::kItem, testing::RelicDocument(), db_.staff, "new")->pid;
  AuditQuery q;
  q.target = pid;
  EXPECT_EQ(db_.store->ListAudit(q).value().size(), 1u);
  EXPECT_EQ(JobsOf(pid).size(), 1u);
}

}  // namespace
}  // namespace disan::media
