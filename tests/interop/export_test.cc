// CSV and XLSX exports of the public catalogue over real HTTP: Vietnamese headers, only what
// the public may see, every page of a search, and a CSV that `disan import` reads back into the
// same records.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class ExportTest : public ::testing::Test {
 protected:
  std::string Create(const json& doc) {
    return server_.catalogue->Create(RecordClass::kItem, doc, server_.staff, "t").value().pid;
  }
  HttpReply Get(const std::string& path) {
    return testing::SendHttp(server_.port, "GET", path, {}, "");
  }

  // Every public item of the server: pid -> document as the public API shows it.
  std::map<std::string, json> PublicItems() {
    std::map<std::string, json> out;
    ListFilters f;
    f.limit = 500;
    RecordPage page =
        server_.catalogue->List(RecordClass::kItem, f, Actor{"", Audience::kPublic}).value();
    for (const StoredRecord& r : page.records) out[r.pid] = r.document;
    return out;
  }

  testing::TestServer server_;
  testing::TempDir dir_;
};

json Rich() {
  json d = testing::RelicDocument("Nhà ngục Đắk Mil");
  d["names"].push_back({{"lang", "en"}, {"value", "Dak Mil \"Prison\", old"}});
  d["description"] = {{{"lang", "vi"}, {"value", "Dòng một\nDòng hai; dấu phẩy, \"ngoặc\""}}};
  d["places"][0]["point"] = {{"lat", 12.45}, {"lon", 107.62}};
  d["licence"] = "cc_by_4_0";
  d["dating"] = {{"text", "1940"}, {"from_year", 1940}, {"to_year", 1940}};
  d["legacy_ids"] = {{{"scheme", "relic_artifact_code"}, {"value", "=HYPERLINK(\"http://x\")"}}};
  d["note"] = "Ghi chú nội bộ";
  return d;
}

TEST_F(ExportTest, CsvHasVietnameseHeadersOnlyPublicRecordsAndReadsBackWithImport) {
  Create(Rich());
  json site = testing::RelicDocument("Di chỉ khảo cổ");
  site["location_precision"] = "generalised";
  site["places"][0]["point"] = {{"lat", 12.4567}, {"lon", 107.6789}};
  site["places"][0]["address"] = "Bon Ja Ráh";
  Create(site);
  Create({{"kind", "intangible"},
          {"names", {{{"lang", "vi"}, {"value", "Cồng chiêng"}, {"preferred", true}}}}});
  json draft = testing::RelicDocument("Bản nháp bí mật");
  draft["status"] = "draft";
  Create(draft);

  HttpReply csv = Get("/api/v1/export.csv");
  ASSERT_EQ(csv.status, 200) << csv;
  EXPECT_TRUE(csv.Header("Content-Type").starts_with("text/csv")) << csv.Header("Content-Type");
  EXPECT_NE(csv.Header("Content-Disposition").find("attachment"), std::string::npos);
  ASSERT_TRUE(csv.body.starts_with("\xEF\xBB\xBF")) << "UTF-8 with BOM";
  std::string header = csv.body.substr(3, csv.body.find('\n') - 3);
  EXPECT_TRUE(header.starts_with("Mã định danh [pid],Loại di sản [kind],")) << header;
  EXPECT_NE(header.find("Tên gọi › 1 › Tên [names.0.value]"), std::string::npos) << header;
  EXPECT_NE(header.find("Địa điểm › 1 › Tọa độ WGS84 › Vĩ độ [places.0.point.lat]"),
            std::string::npos)
      << header;
  EXPECT_EQ(csv.body.find("Bản nháp bí mật"), std::string::npos);
  EXPECT_EQ(csv.body.find("Ghi chú nội bộ"), std::string::npos)
      << "the internal note is not public";
  EXPECT_EQ(csv.body.find("Bon Ja Ráh"), std::string::npos) << "a generalised site has no address";
  EXPECT_EQ(csv.body.find("12.4567"), std::string::npos);
  EXPECT_NE(csv.body.find("'=HYPERLINK"), std::string::npos) << "formulas are defused";

  // disan import reads it back into the same records, identifiers included.
  std::string file = dir_.File("export.csv");
  testing::WriteFile(file, csv.body);
  std::string data = dir_.File("copy");
  ASSERT_EQ(testing::RunCommand(testing::DisanBin() + " init " + data).status, 0);
  testing::CommandResult imported =
      testing::RunCommand(testing::DisanBin() + " import --data " + data + " " + file);
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("imported 3 records"), std::string::npos) << imported.output;
  auto copy = OpenSqliteStore(data + "/disan.db").value();
  std::map<std::string, json> original = PublicItems();
  ASSERT_EQ(original.size(), 3u);
  for (const auto& [pid, doc] : original) {
    Result<StoredRecord> r = copy->Get(pid);
    ASSERT_TRUE(r) << pid;
    EXPECT_EQ(r->document, doc) << pid;
  }
}

TEST_F(ExportTest, ASearchExportsEveryPageOfItsResult) {
  for (int i = 0; i < 7; ++i) Create(testing::RelicDocument("Thác Đray Sáp " + std::to_string(i)));
  Create({{"kind", "intangible"},
          {"names", {{{"lang", "vi"}, {"value", "Cồng chiêng"}, {"preferred", true}}}}});
  // limit and cursor do not cut the export: every page comes.
  HttpReply csv = Get("/api/v1/export.csv?q=thac%20dray&limit=2&cursor=whatever");
  ASSERT_EQ(csv.status, 200) << csv;
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 8) << csv.body;  // header + 7
  EXPECT_EQ(csv.body.find("Cồng chiêng"), std::string::npos);
  HttpReply kind = Get("/api/v1/export.csv?kind=intangible");
  ASSERT_EQ(kind.status, 200);
  EXPECT_EQ(std::count(kind.body.begin(), kind.body.end(), '\n'), 2) << kind.body;
  HttpReply none = Get("/api/v1/export.csv?q=khongcogi");
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(std::count(none.body.begin(), none.body.end(), '\n'), 1) << "a header only";
  // Each export is in the audit log, with its search and its size; refused ones are not.
  EXPECT_EQ(Get("/api/v1/export.xlsx?sort=random").status, 422);
  AuditQuery q;
  q.action = "export.";
  std::vector<AuditEntry> exports = server_.store->ListAudit(q).value();
  ASSERT_EQ(exports.size(), 3u);
  EXPECT_EQ(exports[0].action, "export.csv");
  EXPECT_EQ(exports[0].actor, "anonymous");
  EXPECT_EQ(exports[0].target, "/api/v1/export.csv");
  json first = json::parse(exports[0].detail);
  EXPECT_EQ(first["records"], 7);
  EXPECT_NE(first["query"].get<std::string>().find("q=thac%20dray"), std::string::npos) << first;
  EXPECT_EQ(json::parse(exports[2].detail)["records"], 0);
}

TEST_F(ExportTest, BadParametersAreProblemsNamingThem) {
  for (const char* query : {"bbox=1,2", "sort=random", "year_from=abc", "near=91,0,10"}) {
    for (const char* format : {"csv", "xlsx"}) {
      HttpReply r = Get(std::string("/api/v1/export.") + format + "?" + query);
      EXPECT_EQ(r.status, 422) << query << " " << r;
      EXPECT_TRUE(r.IsProblem()) << r;
      std::string name = std::string(query).substr(0, std::string(query).find('='));
      EXPECT_TRUE(r.NamesParameter(name)) << r;
    }
  }
  HttpReply unbalanced = Get("/api/v1/export.csv?q=%22unclosed");
  EXPECT_TRUE(unbalanced.status == 200 || unbalanced.status == 422) << unbalanced;
  HttpReply oversized = Get("/api/v1/export.csv?q=" + std::string(20000, 'a'));
  EXPECT_GE(oversized.status, 400) << "a URL longer than the server reads";
  EXPECT_LT(oversized.status, 500) << oversized;
}

TEST_F(ExportTest, XlsxIsAWorkbookWithTheSameTable) {
  std::string pid = Create(Rich());
  json draft = testing::RelicDocument("Bản nháp bí mật");
  draft["status"] = "draft";
  Create(draft);
  HttpReply xlsx = Get("/api/v1/export.xlsx");
  ASSERT_EQ(xlsx.status, 200) << xlsx;
  EXPECT_EQ(xlsx.Header("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  ASSERT_TRUE(xlsx.body.starts_with("PK")) << "a ZIP container";
  std::string file = dir_.File("export.xlsx");
  testing::WriteFile(file, xlsx.body);
  std::string out = dir_.File("unzipped");
  ASSERT_EQ(testing::RunCommand("python3 -m zipfile -e " + file + " " + out).status, 0);
  std::string sheet = testing::ReadFile(out + "/xl/worksheets/sheet1.xml");
  std::string workbook = testing::ReadFile(out + "/xl/workbook.xml");
  EXPECT_NE(workbook.find("Di sản"), std::string::npos) << workbook;
  EXPECT_NE(sheet.find("Tên gọi › 1 › Tên [names.0.value]"), std::string::npos)
      << sheet.substr(0, 2000);
  EXPECT_NE(sheet.find(pid), std::string::npos);
  EXPECT_NE(sheet.find("Nhà ngục Đắk Mil"), std::string::npos);
  // A string cell is never a formula, so the CSV's protective quote is not needed here.
  EXPECT_NE(sheet.find("<t>=HYPERLINK(\"http://x\")</t>"), std::string::npos)
      << sheet.substr(0, 4000);
  EXPECT_EQ(sheet.find("Bản nháp bí mật"), std::string::npos);
  EXPECT_EQ(sheet.find("Ghi chú nội bộ"), std::string::npos);
}

}  // namespace
}  // namespace disan
