// Relevance as a specification: real queries people type, with and without diacritics, in both
// tone placements, against the real demo data. Each says which item must come first.
#include <gtest/gtest.h>

#include <set>

#include <sqlite3.h>

#include "catalogue/importer.h"
#include "search/index_document.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;

class DemoSearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    t_ = new testing::TestCatalogue();
    ImportReport r = ImportFile(*t_->catalogue, testing::SourceDir() + "/data/demo/daknong-heritage.csv",
                                {}, t_->staff)
                         .value();
    ASSERT_TRUE(r.committed);
  }
  static void TearDownTestSuite() {
    delete t_;
    t_ = nullptr;
  }

  static SearchPage Find(const std::string& q, SearchParams p = {}) {
    p.q = q;
    Result<SearchPage> page = t_->catalogue->Search(p, Actor{"anonymous", Audience::kPublic});
    EXPECT_TRUE(page) << q << ": " << page.error().Describe();
    return page ? *page : SearchPage{};
  }

  static std::string First(const std::string& q) {
    SearchPage page = Find(q);
    return page.hits.empty() ? "(nothing)" : search::PreferredName(page.hits[0].record.document);
  }

  static testing::TestCatalogue* t_;
};

testing::TestCatalogue* DemoSearch::t_ = nullptr;

struct Case {
  const char* query;
  const char* first_starts_with;
};

TEST_F(DemoSearch, RealQueriesFindTheExpectedItemFirst) {
  const Case cases[] = {
      {"dak mil", "Di tích lịch sử Nhà ngục Đắk Mil"},
      {"Đắk Mil", "Di tích lịch sử Nhà ngục Đắk Mil"},
      {"ĐẮK MIL", "Di tích lịch sử Nhà ngục Đắk Mil"},
      {"nha nguc", "Di tích lịch sử Nhà ngục Đắk Mil"},
      {"ngục đăk mil", "Di tích lịch sử Nhà ngục Đắk Mil"},
      {"cong chieng", "Không gian văn hóa Cồng chiêng Tây Nguyên"},
      {"cồng chiêng", "Không gian văn hóa Cồng chiêng Tây Nguyên"},
      {"khong gian van hoa", "Không gian văn hóa Cồng chiêng Tây Nguyên"},
      {"không gian văn hoá", "Không gian văn hóa Cồng chiêng Tây Nguyên"},  // old tone placement
      {"hang c6", "Di tích khảo cổ Hang C6-1"},
      {"c6-1", "Di tích khảo cổ Hang C6-1"},
      {"thac dray sap", "Danh thắng Thác Đ'ray Sáp"},
      {"đ'ray sáp", "Danh thắng Thác Đ'ray Sáp"},
      {"su thi", "Ot N'drong (Sử thi) của người M'Nông"},
      {"ot ndrong", "Ot N'drong (Sử thi) của người M'Nông"},
      {"nghe det", "Nghề dệt của người M'Nông tỉnh Đắk Nông"},
      {"dan da dak son", "Đàn đá Đắk Sơn"},
      {"đàn đá", "Đàn đá Đắk Sơn"},
      {"doi 722", "Di tích lịch sử Đồi 722 – Đắk Sắk"},
      // Both Bu Prăng places hold the words together in their names; the one whose short name
      // is mostly those words comes first, the other is found by its own name.
      {"bu prang", "Di tích lịch sử khu vực Đồn Biên phòng Bu P'răng"},
      {"pu prang", "Địa điểm Pu Prâng (Bu Prăng)"},
      {"tam blang", "Lễ hội Tăm Blang M'prang Bon"},
      {"nau mpring", "Nau M'pring (Dân ca) của người M'Nông"},
      {"n'trang guh", "Di tích lịch sử Địa điểm lưu niệm N'Trang Gưh"},
      {"so chi huy tay nguyen", "Di tích lịch sử Sở Chỉ huy cơ bản Chiến dịch Tây Nguyên"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(First(c.query).starts_with(c.first_starts_with))
        << "query '" << c.query << "' found first: " << First(c.query);
  }
}

TEST_F(DemoSearch, MisspelledQueriesGetACorrectionInTheirOwnSpelling) {
  const std::pair<const char*, const char*> cases[] = {
      {"cong chien", "cồng chiêng"},             // words that never stand together
      {"nha nguc dak mli", "nhà ngục đắk mil"},  // a swap of two letters; nothing matches
      {"dak nog", "đắk nông"},                   // a missing letter
  };
  for (const auto& [typed, corrected] : cases) {
    EXPECT_EQ(Find(typed).spelling, corrected) << typed;
    EXPECT_GT(Find(corrected).total, 0u) << corrected;
    EXPECT_EQ(Find(corrected).spelling, "") << corrected;
  }
  EXPECT_EQ(Find("dak mil").spelling, "");
  EXPECT_EQ(Find("qwxzvbn").spelling, "");  // nothing close: no wild guess
}

TEST_F(DemoSearch, IdentifierTypedAsTheQueryFindsItsItemFirst) {
  SearchPage all = Find("");
  ASSERT_GT(all.hits.size(), 3u);
  const StoredRecord& target = all.hits[3].record;
  EXPECT_EQ(Find(target.pid).hits.at(0).record.pid, target.pid);
  std::string upper = target.pid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Find(upper).hits.at(0).record.pid, target.pid);
}

TEST_F(DemoSearch, AQueryWithoutDiacriticsMatchesEverySpelling) {
  // "mnong" finds M'Nông, M'nông and Mnông alike.
  SearchPage page = Find("mnong");
  EXPECT_GE(page.total, 5u);
  for (const SearchHitView& h : page.hits) {
    std::string text = h.record.document.dump();
    EXPECT_TRUE(text.find("Nông") != std::string::npos || text.find("nông") != std::string::npos ||
                text.find("mnong") != std::string::npos)
        << search::PreferredName(h.record.document);
  }
}

TEST_F(DemoSearch, ExclusionsPhrasesAndOr) {
  for (const SearchHitView& h : Find("mnong -det").hits) {
    EXPECT_EQ(search::PreferredName(h.record.document).find("dệt"), std::string::npos);
  }
  SearchPage phrase = Find("\"nhà ngục\"");
  ASSERT_EQ(phrase.total, 1u);
  size_t thac = Find("thac").total, hang = Find("hang").total;
  size_t either = Find("thac OR hang").total;
  EXPECT_GE(either, std::max(thac, hang));
  EXPECT_LE(either, thac + hang);
}

TEST_F(DemoSearch, SnippetsKeepTheOriginalDiacritics) {
  SearchPage page = Find("dak mil");
  ASSERT_FALSE(page.hits.empty());
  EXPECT_NE(page.hits[0].snippet.find("<mark>Đắk</mark>"), std::string::npos) << page.hits[0].snippet;
}

TEST_F(DemoSearch, FacetCountsEqualTheFilteredResultCounts) {
  for (const std::string q : {"", "di tich", "mnong"}) {
    SearchPage page = Find(q);
    for (const auto& [field, values] : page.facets) {
      for (const FacetCount& f : values) {
        SearchParams p;
        p.filters[field] = {f.value};
        EXPECT_EQ(Find(q, p).total, f.count) << "q='" << q << "' " << field << "=" << f.value;
      }
    }
  }
}

TEST_F(DemoSearch, SortByNameUsesTheVietnameseCollation) {
  SearchParams p;
  p.sort = SearchSort::kName;
  p.limit = 100;
  SearchPage page = Find("", p);
  std::vector<std::string> names;
  for (const SearchHitView& h : page.hits) names.push_back(search::PreferredName(h.record.document));
  ASSERT_EQ(names.size(), 23u);
  // Vietnamese order: D < Đ, so "Di tích…" and "Danh…" come before "Đàn đá…" and "Địa điểm…".
  auto pos = [&](const std::string& prefix) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].starts_with(prefix)) return i;
    }
    return names.size();
  };
  EXPECT_LT(pos("Di tích phong trào"), pos("Đàn đá"));
  EXPECT_LT(pos("Đàn đá"), pos("Địa điểm Pu Prâng"));
  EXPECT_LT(pos("Địa điểm Pu Prâng"), pos("Không gian"));
  for (size_t i = 1; i < page.hits.size(); ++i) {
    EXPECT_LE(search::CollationKey(names[i - 1]), search::CollationKey(names[i]));
  }
}

TEST_F(DemoSearch, CursorsPageThroughWithoutGapsOrDuplicates) {
  for (SearchSort sort : {SearchSort::kRelevance, SearchSort::kName, SearchSort::kChanged}) {
    SearchParams p;
    p.sort = sort;
    p.limit = 4;
    std::vector<std::string> seen;
    for (int i = 0; i < 20; ++i) {
      SearchPage page = Find("di tich", p);
      for (const SearchHitView& h : page.hits) seen.push_back(h.record.pid);
      if (page.next_cursor.empty()) break;
      p.cursor = page.next_cursor;
    }
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size());
    EXPECT_EQ(seen.size(), Find("di tich").total);
  }
}

TEST(Search, ExactDiacriticsRankFirstInEitherTonePlacement) {
  testing::TestCatalogue t;
  Actor anyone{"anonymous", Audience::kPublic};
  for (const char* name : {"Lễ hội Hoa Bình", "Lễ hội Hoà Bình", "Đền Hộ Quốc", "Đền Hồ Quốc"}) {
    ASSERT_TRUE(t.catalogue->Create(RecordClass::kItem, testing::RelicDocument(name), t.staff, ""));
  }
  auto first = [&](const std::string& q) {
    SearchParams p;
    p.q = q;
    SearchPage page = t.catalogue->Search(p, anyone).value();
    return std::make_pair(page.hits.empty() ? "" : search::PreferredName(page.hits[0].record.document),
                          page.total);
  };
  EXPECT_EQ(first("hòa bình"), std::make_pair(std::string("Lễ hội Hoà Bình"), size_t{2}));
  EXPECT_EQ(first("hoà bình"), std::make_pair(std::string("Lễ hội Hoà Bình"), size_t{2}));
  EXPECT_EQ(first("hoa bình").second, 2u);
  EXPECT_EQ(first("hồ quốc"), std::make_pair(std::string("Đền Hồ Quốc"), size_t{2}));
  EXPECT_EQ(first("hộ quốc"), std::make_pair(std::string("Đền Hộ Quốc"), size_t{2}));
  EXPECT_EQ(first("ho quoc").second, 2u);
}

TEST(Search, EditsAndDeletesShowImmediatelyAndRestrictedNeverLeaks) {
  testing::TestCatalogue t;
  Actor anyone{"anonymous", Audience::kPublic};
  StoredRecord r = t.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Bến Đò Xưa"), t.staff, "").value();
  json secret = testing::RelicDocument("Hang Bímật");
  secret["visibility"] = "restricted";
  ASSERT_TRUE(t.catalogue->Create(RecordClass::kItem, secret, t.staff, ""));
  auto total = [&](const std::string& q, const Actor& who) {
    SearchParams p;
    p.q = q;
    return t.catalogue->Search(p, who).value().total;
  };
  EXPECT_EQ(total("ben do", anyone), 1u);
  EXPECT_EQ(total("bimat", anyone), 0u);
  EXPECT_EQ(total("bimat", t.staff), 1u);
  SearchParams browse;
  SearchPage all = t.catalogue->Search(browse, anyone).value();
  EXPECT_EQ(all.total, 1u);
  for (const FacetCount& f : all.facets["kind"]) EXPECT_EQ(f.count, 1u);

  ASSERT_TRUE(t.catalogue->Replace(RecordClass::kItem, r.pid, testing::RelicDocument("Bến Phà Mới"), 1, t.staff, ""));
  EXPECT_EQ(total("ben do", anyone), 0u);
  EXPECT_EQ(total("ben pha", anyone), 1u);
  ASSERT_TRUE(t.catalogue->Delete(RecordClass::kItem, r.pid, std::nullopt, t.staff, "trùng"));
  EXPECT_EQ(total("ben pha", anyone), 0u);
  ASSERT_TRUE(t.catalogue->Restore(RecordClass::kItem, r.pid, 1, std::nullopt, t.staff, ""));
  EXPECT_EQ(total("ben do", anyone), 1u);
  ASSERT_EQ(t.catalogue->Reindex().value(), 2u);
  EXPECT_EQ(total("ben do", anyone), 1u);
  EXPECT_EQ(total("bimat", anyone), 0u);
}

TEST(Search, ReindexRebuildsEveryRowFromTheRecordsOnWorkerThreads) {
  testing::TestCatalogue t;
  // More records than the workers' batches, some deleted, and an organisation.
  std::vector<std::string> pids;
  for (int i = 0; i < 300; ++i) {
    pids.push_back(t.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Đình làng số " + std::to_string(i)), t.staff, "")
                       .value()
                       .pid);
  }
  size_t deleted = 0;
  for (size_t i = 0; i < pids.size(); i += 7, ++deleted) {
    ASSERT_TRUE(t.catalogue->Delete(RecordClass::kItem, pids[i], std::nullopt, t.staff, "trùng"));
  }
  ASSERT_TRUE(t.catalogue->Create(RecordClass::kOrganisation,
                                  {{"kind", "museum"}, {"names", {{{"lang", "vi"}, {"value", "Bảo tàng Đình"}}}}},
                                  t.staff, ""));
  // The index rows lost, as after an upgrade that changed what they hold.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(t.dir.File("disan.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM record_terms; UPDATE search_docs SET folded = '', exact = '', terms = ''",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ASSERT_EQ(t.catalogue->Reindex().value(), 301u);

  // A second catalogue builds its engine from the rows alone.
  std::unique_ptr<MetadataStore> store = OpenSqliteStore(t.dir.File("disan.db")).value();
  Catalogue fresh(*store, Schema::Builtin(), "dn");
  SearchParams p;
  p.q = "dinh lang";
  SearchPage found = fresh.Search(p, t.staff).value();
  EXPECT_EQ(found.total, 300 - deleted);
  p.q = "so 7";  // deleted
  EXPECT_EQ(fresh.Search(p, t.staff).value().total, 0u);
  p.q = "so 8";
  EXPECT_EQ(fresh.Search(p, t.staff).value().total, 1u);
  // The filter terms are back: the store's list by kind finds every live relic.
  ListQuery q;
  q.cls = RecordClass::kItem;
  q.filters = {{"kind", "relic"}};
  q.limit = 1000;
  EXPECT_EQ(store->List(q).value().records.size(), 300 - deleted);
}

TEST(Search, AQuotedPhraseRanksByWhereItsWordsStand) {
  testing::TestCatalogue t;
  // Created first, so it would come first on a tie: the phrase only in its description.
  json described = testing::RelicDocument("Nhà rông bon Bu Prăng");
  described["description"] = json::array({{{"lang", "vi"}, {"value", "Nơi đồng bào M'Nông đánh cồng chiêng trong lễ hội."}}});
  std::string in_description = t.catalogue->Create(RecordClass::kItem, described, t.staff, "").value().pid;
  std::string in_name = t.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Cồng chiêng bon Bu Prăng"), t.staff, "")
                            .value()
                            .pid;
  SearchParams p;
  p.q = "\"cong chieng\"";
  SearchPage page = t.catalogue->Search(p, t.staff).value();
  ASSERT_EQ(page.total, 2u);
  EXPECT_EQ(page.hits[0].record.pid, in_name) << "the words of the phrase weigh more in a name";
  EXPECT_EQ(page.hits[1].record.pid, in_description);
  // The same words unquoted rank the same way; a phrase plus one of its words again, too.
  for (const char* q : {"cong chieng", "\"cong chieng\" cong"}) {
    p.q = q;
    page = t.catalogue->Search(p, t.staff).value();
    ASSERT_EQ(page.total, 2u) << q;
    EXPECT_EQ(page.hits[0].record.pid, in_name) << q;
  }
}

TEST(Search, SuggestCompletesTheLastWord) {
  testing::TestCatalogue t;
  ASSERT_TRUE(t.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Không gian văn hóa Cồng chiêng"), t.staff, ""));
  ASSERT_TRUE(t.catalogue->Create(RecordClass::kItem, testing::RelicDocument("Chợ cổ"), t.staff, ""));
  auto names = t.catalogue->Suggest("cong ch", 5, Actor{"anonymous", Audience::kPublic}).value();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].second, "Không gian văn hóa Cồng chiêng");
  EXPECT_TRUE(t.catalogue->Suggest("", 5, t.staff).value().empty());
}

}  // namespace
}  // namespace disan
