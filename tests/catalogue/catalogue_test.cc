#include "catalogue/catalogue.h"

#include <gtest/gtest.h>

#include "core/pid.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::RelicDocument;
using testing::TestCatalogue;

TEST(Catalogue, CreateMintsAnIdentifierInTheNamespace) {
  TestCatalogue t;
  auto r = t.catalogue->Create(RecordClass::kItem, RelicDocument(), t.staff, "first entry");
  ASSERT_TRUE(r) << r.error().Describe();
  EXPECT_TRUE(r->pid.starts_with("dn-"));
  EXPECT_TRUE(ParsePid(r->pid));
  auto history = t.catalogue->History(RecordClass::kItem, r->pid, t.staff).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].author, "test");
  EXPECT_EQ(history[0].reason, "first entry");
}

TEST(Catalogue, ClientsCannotChooseIdentifiersThroughTheApi) {
  TestCatalogue t;
  json doc = RelicDocument();
  doc["pid"] = PidFromBody("dn", "bcdfghjk");
  auto r = t.catalogue->Create(RecordClass::kItem, doc, t.staff, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields.at(0).path, "/pid");
}

TEST(Catalogue, ReferencesMustPointAtLiveRecordsOfTheRightClass) {
  TestCatalogue t;
  json museum = {{"kind", "museum"}, {"names", {{{"lang", "vi"}, {"value", "Bảo tàng tỉnh Đắk Nông"}}}}};
  std::string museum_pid = t.catalogue->Create(RecordClass::kOrganisation, museum, t.staff, "").value().pid;
  std::string relic_pid = t.catalogue->Create(RecordClass::kItem, RelicDocument(), t.staff, "").value().pid;

  json doc = RelicDocument("Đàn đá Đắk Sơn");
  doc["custodian"] = relic_pid;  // an item, not an organisation
  auto wrong_class = t.catalogue->Create(RecordClass::kItem, doc, t.staff, "");
  ASSERT_FALSE(wrong_class);
  EXPECT_EQ(wrong_class.error().fields.at(0).path, "/custodian");

  doc["custodian"] = museum_pid;
  auto ok = t.catalogue->Create(RecordClass::kItem, doc, t.staff, "");
  ASSERT_TRUE(ok) << ok.error().Describe();

  ASSERT_TRUE(t.catalogue->Delete(RecordClass::kOrganisation, museum_pid, std::nullopt, t.staff, "closed"));
  auto to_deleted = t.catalogue->Create(RecordClass::kItem, doc, t.staff, "");
  ASSERT_FALSE(to_deleted);
  EXPECT_NE(to_deleted.error().fields.at(0).message_en.find("deleted"), std::string::npos);

  ListFilters f;
  f.custodians = {museum_pid};
  EXPECT_EQ(t.catalogue->List(RecordClass::kItem, f, t.staff).value().records.size(), 1u);
}

TEST(Catalogue, PatchMergesAndValidatesTheResult) {
  TestCatalogue t;
  StoredRecord r = t.catalogue->Create(RecordClass::kItem, RelicDocument(), t.staff, "").value();
  auto patched = t.catalogue->Patch(RecordClass::kItem, r.pid, json{{"relic_type", nullptr}, {"area_m2", 1200}},
                                    r.revision, t.staff, "diện tích");
  ASSERT_TRUE(patched) << patched.error().Describe();
  EXPECT_FALSE(patched->document.contains("relic_type"));
  EXPECT_EQ(patched->document["area_m2"], 1200);
  EXPECT_EQ(patched->revision, 2);
  auto bad = t.catalogue->Patch(RecordClass::kItem, r.pid, json{{"kind", "castle"}}, 2, t.staff, "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(t.catalogue->Get(RecordClass::kItem, r.pid, t.staff).value().revision, 2);
  auto stale = t.catalogue->Patch(RecordClass::kItem, r.pid, json{{"area_m2", 1}}, 1, t.staff, "");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kPreconditionFailed);
}

TEST(Catalogue, DeleteNeedsAReasonAndRestoreBringsBackAnyRevision) {
  TestCatalogue t;
  StoredRecord r = t.catalogue->Create(RecordClass::kItem, RelicDocument("Tên cũ"), t.staff, "").value();
  ASSERT_TRUE(t.catalogue->Replace(RecordClass::kItem, r.pid, RelicDocument("Tên mới"), 1, t.staff, "đổi tên"));
  auto no_reason = t.catalogue->Delete(RecordClass::kItem, r.pid, std::nullopt, t.staff, "  ");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalid);
  auto deleted = t.catalogue->Delete(RecordClass::kItem, r.pid, 2, t.staff, "nhập trùng");
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(deleted->deleted);
  auto again = t.catalogue->Delete(RecordClass::kItem, r.pid, std::nullopt, t.staff, "x");
  EXPECT_EQ(again.error().code, ErrorCode::kGone);

  auto restored = t.catalogue->Restore(RecordClass::kItem, r.pid, 1, std::nullopt, t.staff, "");
  ASSERT_TRUE(restored) << restored.error().Describe();
  EXPECT_FALSE(restored->deleted);
  EXPECT_EQ(restored->revision, 4);
  EXPECT_EQ(restored->document["names"][0]["value"], "Tên cũ");
  auto diff = t.catalogue->Diff(RecordClass::kItem, r.pid, 1, 2, t.staff).value();
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0].path, "/names/0/value");
  EXPECT_EQ(diff[0].after, "Tên mới");
}

TEST(Catalogue, TheWrongClassIsNotFound) {
  TestCatalogue t;
  StoredRecord r = t.catalogue->Create(RecordClass::kItem, RelicDocument(), t.staff, "").value();
  auto as_org = t.catalogue->Get(RecordClass::kOrganisation, r.pid, t.staff);
  ASSERT_FALSE(as_org);
  EXPECT_EQ(as_org.error().code, ErrorCode::kNotFound);
}

TEST(Catalogue, ThePublicSeesOnlyPublishedPublicRecords) {
  TestCatalogue t;
  Actor anonymous{"anonymous", Audience::kPublic};
  json restricted = RelicDocument("Hang C6-1 (vị trí nhạy cảm)");
  restricted["visibility"] = "restricted";
  json draft = RelicDocument("Bản nháp");
  draft["status"] = "draft";
  std::string open = t.catalogue->Create(RecordClass::kItem, RelicDocument(), t.staff, "").value().pid;
  std::string hidden = t.catalogue->Create(RecordClass::kItem, restricted, t.staff, "").value().pid;
  std::string unpublished = t.catalogue->Create(RecordClass::kItem, draft, t.staff, "").value().pid;
  EXPECT_TRUE(t.catalogue->Get(RecordClass::kItem, open, anonymous));
  EXPECT_EQ(t.catalogue->Get(RecordClass::kItem, hidden, anonymous).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(t.catalogue->Get(RecordClass::kItem, unpublished, anonymous).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(t.catalogue->History(RecordClass::kItem, hidden, anonymous));
  EXPECT_EQ(t.catalogue->List(RecordClass::kItem, {}, anonymous).value().records.size(), 1u);
  EXPECT_EQ(t.catalogue->List(RecordClass::kItem, {}, t.staff).value().records.size(), 3u);
}

TEST(Catalogue, PlaceFiltersIgnoreCaseAndDiacritics) {
  TestCatalogue t;
  ASSERT_TRUE(t.catalogue->Create(RecordClass::kItem, RelicDocument(), t.staff, ""));
  for (const char* typed : {"dak mil", "ĐẮK MIL", "Đắk Mil", "dak lao"}) {
    ListFilters f;
    f.places = {typed};
    EXPECT_EQ(t.catalogue->List(RecordClass::kItem, f, t.staff).value().records.size(), 1u) << typed;
  }
}

TEST(Catalogue, LegacyNumbersMatchWhateverTheSeparators) {
  TestCatalogue t;
  json doc = RelicDocument("Bình gốm");
  doc["legacy_ids"] = {{{"scheme", "relic_artifact_code"}, {"value", "PTH.TĐ.01"}}};
  std::string pid = t.catalogue->Create(RecordClass::kItem, doc, t.staff, "").value().pid;
  ASSERT_TRUE(t.catalogue->Create(RecordClass::kItem, RelicDocument("PTH TD khác"), t.staff, ""));
  for (const char* typed : {"PTH.TĐ.01", "PTH-TĐ-01", "pth td 01", "PTHTD01"}) {
    SearchParams p;
    p.q = typed;
    SearchPage page = t.catalogue->Search(p, t.staff).value();
    ASSERT_FALSE(page.hits.empty()) << typed;
    EXPECT_EQ(page.hits[0].record.pid, pid) << typed;
  }
}

TEST(Catalogue, TokensAreStoredHashedAndChecked) {
  TestCatalogue t;
  std::string token = t.catalogue->IssueToken("script").value();
  EXPECT_TRUE(token.starts_with("disan_"));
  EXPECT_EQ(t.catalogue->CheckToken(token).value().value(), "script");
  EXPECT_FALSE(t.catalogue->CheckToken(token + "x").value().has_value());
  EXPECT_FALSE(t.catalogue->CheckToken("").value().has_value());
  EXPECT_FALSE(t.store->FindToken(token).value().has_value());  // only the hash is stored
}

}  // namespace
}  // namespace disan
