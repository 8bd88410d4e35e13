#include "catalogue/importer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "core/pid.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::TestCatalogue;

std::string DemoCsv() { return testing::SourceDir() + "/data/demo/daknong-heritage.csv"; }

std::vector<StoredRecord> All(TestCatalogue& t, RecordClass cls) {
  ListFilters f;
  f.limit = 500;
  return t.catalogue->List(cls, f, t.staff).value().records;
}

const StoredRecord* Named(const std::vector<StoredRecord>& records, const std::string& prefix) {
  for (const StoredRecord& r : records) {
    if (r.document["names"][0]["value"].get<std::string>().starts_with(prefix)) return &r;
  }
  return nullptr;
}

TEST(Importer, DemoDataBecomesItemsOrganisationsAndAreas) {
  TestCatalogue t;
  ImportReport report = ImportFile(*t.catalogue, DemoCsv(), {}, t.staff).value();
  for (const ImportProblem& p : report.errors) ADD_FAILURE() << p.Describe();
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.rows, 25u);
  EXPECT_EQ(report.imported, 25u);
  EXPECT_FALSE(report.warnings.empty());  // unmapped subtypes and unknown communes are reported

  auto items = All(t, RecordClass::kItem);
  auto orgs = All(t, RecordClass::kOrganisation);
  auto areas = All(t, RecordClass::kArea);
  EXPECT_EQ(items.size(), 23u);
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0].kind, "museum");
  ASSERT_EQ(areas.size(), 1u);
  EXPECT_EQ(areas[0].kind, "unesco_global_geopark");
  EXPECT_EQ(areas[0].document["recognitions"][0]["level"], "unesco_global_geopark");

  for (const StoredRecord& r : items) {
    EXPECT_FALSE(r.document.value("sources", json::array()).empty()) << r.pid;  // provenance kept
  }
  const StoredRecord* prison = Named(items, "Di tích lịch sử Nhà ngục Đắk Mil");
  ASSERT_NE(prison, nullptr);
  EXPECT_EQ(prison->kind, "relic");
  EXPECT_EQ(prison->document["relic_type"], "historical");
  const json& rec = prison->document["recognitions"][0];
  EXPECT_EQ(rec["level"], "national");
  EXPECT_EQ(rec["decision"], "10/2005/QĐ-BVHTT");
  EXPECT_EQ(rec["date"], "2005-03-17");
  EXPECT_EQ(rec["year"], 2005);
  const json& place = prison->document["places"][0];
  EXPECT_EQ(place["commune_old"], "Đắk Lao");
  EXPECT_EQ(place["address"], "thôn 9/9A");
  EXPECT_EQ(place["commune_2025"], "Xã Thuận An");  // through the 2025 crosswalk
  EXPECT_EQ(place["province_old_code"], "67");
  EXPECT_EQ(place["province_2025_code"], "68");

  const StoredRecord* lithophone = Named(items, "Đàn đá Đắk Sơn");
  ASSERT_NE(lithophone, nullptr);
  EXPECT_EQ(lithophone->kind, "artifact");
  EXPECT_EQ(lithophone->document["recognitions"][0]["level"], "national_treasure");

  const StoredRecord* trail = Named(items, "Di tích lịch sử Đường Trường Sơn");
  ASSERT_NE(trail, nullptr);
  EXPECT_EQ(trail->document["recognitions"][0]["level"], "special_national");
  EXPECT_EQ(trail->document["places"].size(), 4u);  // Cư Jút; Đắk Mil; Đắk Song; Tuy Đức

  const StoredRecord* component = Named(items, "Địa điểm Pu Prâng");
  ASSERT_NE(component, nullptr);
  EXPECT_EQ(component->document["recognitions"][0]["component"], true);

  const StoredRecord* epic = Named(items, "Ot N'drong");
  ASSERT_NE(epic, nullptr);
  EXPECT_EQ(epic->kind, "intangible");
  EXPECT_EQ(epic->document["ethnic_groups"], json::array({"mnong"}));
  EXPECT_TRUE(epic->document.contains("intangible_type"));

  const StoredRecord* gongs = Named(items, "Không gian văn hóa Cồng chiêng");
  ASSERT_NE(gongs, nullptr);
  EXPECT_EQ(gongs->document["recognitions"][0]["level"], "unesco_representative");
  EXPECT_EQ(gongs->document["ethnic_groups"].size(), 3u);
}

TEST(Importer, ABrokenRowRefusesTheWholeFileAndNamesRowAndColumn) {
  TestCatalogue t;
  std::string csv = testing::ReadFile(DemoCsv());
  size_t cut = csv.find('\n', csv.find('\n', csv.find('\n') + 1) + 1);  // header + 2 rows
  std::string broken = csv.substr(0, cut + 1) +
                       "Tên thử,Test,Di tích,Di tích lịch sử,Cấp vũ trụ,,,,,,,,,,,\n" + csv.substr(cut + 1);
  std::string path = t.dir.File("broken.csv");
  std::ofstream(path, std::ios::binary) << broken;
  ImportReport report = ImportFile(*t.catalogue, path, {}, t.staff).value();
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(report.imported, 0u);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].row, 3u);
  EXPECT_EQ(report.errors[0].column, "ranking");
  EXPECT_NE(report.errors[0].message_en.find("Cấp vũ trụ"), std::string::npos);
  EXPECT_FALSE(report.errors[0].message_vi.empty());
  EXPECT_TRUE(All(t, RecordClass::kItem).empty());

  ImportOptions partial;
  partial.mode = ImportMode::kValidRowsOnly;
  report = ImportFile(*t.catalogue, path, partial, t.staff).value();
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.imported, 25u);
}

TEST(Importer, DryRunValidatesEverythingAndWritesNothing) {
  TestCatalogue t;
  ImportOptions o;
  o.run = ImportRun::kDryRun;
  ImportReport report = ImportFile(*t.catalogue, DemoCsv(), o, t.staff).value();
  EXPECT_TRUE(report.errors.empty());
  EXPECT_FALSE(report.committed);
  EXPECT_TRUE(All(t, RecordClass::kItem).empty());
}

TEST(Importer, ValidationErrorsPointAtTheSourceColumn) {
  TestCatalogue t;
  std::string path = t.dir.File("bad.csv");
  std::ofstream(path) << "name_vi,category,ranking,ranking_year,latitude,longitude,source_url\n"
                      << "Nhà ngục Đắk Mil,Di tích,Quốc gia,năm 2005,12.4,107.6,https://example.org\n"
                      << ",Di tích,,,95,107.6,ftp://x\n";
  ImportReport report = ImportFile(*t.catalogue, path, {}, t.staff).value();
  std::set<std::pair<size_t, std::string>> where;
  for (const ImportProblem& p : report.errors) where.emplace(p.row, p.column.substr(0, p.column.find(' ')));
  EXPECT_TRUE(where.contains({1, "ranking_year"}));
  EXPECT_TRUE(where.contains({2, "name_vi"}));
  EXPECT_TRUE(where.contains({2, "latitude"}));
  EXPECT_TRUE(where.contains({2, "source_url"}));
  EXPECT_FALSE(report.committed);
}

TEST(Importer, ColumnMappingReadsAMuseumSpreadsheet) {
  TestCatalogue t;
  std::string path = t.dir.File("museum.csv");
  std::ofstream(path) << "STT;Tên hiện vật;Số đăng ký;Ghi chú khác\n"
                      << "1;Chiêng đồng;BTĐN-001;x\n2;Gùi mây;BTĐN-002;y\n";
  ImportOptions o;
  o.mapping = {{"columns", {{"Tên hiện vật", "name_vi"}, {"Số đăng ký", "legacy_id"}}},
               {"defaults", {{"category", "Hiện vật"}, {"legacy_id_scheme", "museum_registration_number"}}}};
  ImportReport report = ImportFile(*t.catalogue, path, o, t.staff).value();
  for (const ImportProblem& p : report.errors) ADD_FAILURE() << p.Describe();
  ASSERT_EQ(report.imported, 2u);
  auto items = All(t, RecordClass::kItem);
  EXPECT_EQ(items[0].kind, "artifact");
  EXPECT_EQ(items[0].document["legacy_ids"][0]["value"], "BTĐN-001");
  EXPECT_EQ(items[0].document["legacy_ids"][0]["scheme"], "museum_registration_number");
  size_t ignored = 0;
  for (const ImportProblem& w : report.warnings) ignored += w.column == "STT" || w.column == "Ghi chú khác";
  EXPECT_EQ(ignored, 2u);  // unmapped columns are reported, not silently dropped
}

TEST(Importer, JsonLinesKeepIdentifiersAndRejectBadLines) {
  TestCatalogue t;
  std::string path = t.dir.File("in.jsonl");
  json museum = {{"pid", "dn-bcdfghjk"}, {"class", "organisation"}, {"kind", "museum"},
                 {"names", {{{"lang", "vi"}, {"value", "Bảo tàng"}}}}};
  museum["pid"] = PidFromBody("dn", "bcdfghjk");
  json relic = testing::RelicDocument();
  relic["pid"] = PidFromBody("dn", "bcdfghjm");
  relic["custodian"] = museum["pid"];
  std::ofstream(path) << museum.dump() << "\n" << relic.dump() << "\n";
  ImportReport report = ImportFile(*t.catalogue, path, {}, t.staff).value();
  for (const ImportProblem& p : report.errors) ADD_FAILURE() << p.Describe();
  EXPECT_EQ(report.format, "jsonl");
  EXPECT_TRUE(t.catalogue->Get(RecordClass::kItem, relic["pid"], t.staff));

  std::ofstream(path) << relic.dump() << "\n{not json\n[1,2]\n";
  report = ImportFile(*t.catalogue, path, {}, t.staff).value();
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(report.errors.size(), 3u);  // the pid is taken, and two lines are not objects
}

TEST(Importer, MissingFileIsAnError) {
  TestCatalogue t;
  auto r = ImportFile(*t.catalogue, t.dir.File("nope.csv"), {}, t.staff);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace disan
