// The search engine on its own: records in, page of ids out.
#include "search/engine.h"

#include <gtest/gtest.h>

#include <set>

#include "search/engine_records.h"
#include "search/vietnamese.h"

namespace disan::search {
namespace {

using testing::Query;
using testing::Record;

std::vector<int64_t> Ids(const Engine& e, const EngineQuery& q) { return e.Search(q).value().ids; }

TEST(Engine, FoldedWordsMatchEverySpellingAndExactOnesRankFirst) {
  Engine e;
  e.Upsert(Record(1, "Hộ gia đình"));
  e.Upsert(Record(2, "Hồ Tây"));
  e.Upsert(Record(3, "Họ Lê"));
  e.Finish();
  EXPECT_EQ(e.Search(Query("ho")).value().total, 3u);
  EXPECT_EQ(Ids(e, Query("hồ")).front(), 2);
  EXPECT_EQ(Ids(e, Query("họ")).front(), 3);
}

TEST(Engine, ARecordSpellingAWordSeveralWaysIsExactOnlyForThoseSpellings) {
  Engine e;
  e.Upsert(Record(1, "Lễ hội Hoa Ban", "một nét văn hóa"));  // hoa and hóa, no hòa
  e.Upsert(Record(2, "Đình Hoà Bình"));
  e.Upsert(Record(3, "Bến đò Hòa Thuận", "văn hóa hoa"));   // hòa, hóa and hoa
  e.Finish();
  for (const char* q : {"hoà", "hòa"}) {
    std::vector<int64_t> ids = Ids(e, Query(q));
    ASSERT_EQ(ids.size(), 3u) << q;
    EXPECT_EQ(ids.back(), 1) << q;
  }
  EXPECT_EQ(Ids(e, Query("hóa")).back(), 2);
}

TEST(Engine, AdjacentWordsRankAboveScatteredOnes) {
  Engine e;
  e.Upsert(Record(1, "Chiêng đồng", "bộ cồng của làng và chiêng"));
  e.Upsert(Record(2, "Không gian văn hóa Cồng chiêng"));
  e.Finish();
  EXPECT_EQ(Ids(e, Query("cong chieng")), (std::vector<int64_t>{2, 1}));
  // A quoted phrase requires adjacency.
  EXPECT_EQ(Ids(e, Query("\"cong chieng\"")), (std::vector<int64_t>{2}));
}

TEST(Engine, UpdatesReplaceAndRemovalsDisappear) {
  Engine e;
  e.Upsert(Record(1, "Thác Dray Sáp"));
  e.Finish();
  e.Upsert(Record(1, "Thác Gia Long"));
  e.Finish();
  EXPECT_TRUE(Ids(e, Query("dray")).empty());
  EXPECT_EQ(Ids(e, Query("gia long")), (std::vector<int64_t>{1}));
  e.Remove(1);
  e.Finish();
  EXPECT_TRUE(Ids(e, Query("gia long")).empty());
  EXPECT_EQ(e.Stats().live, 0u);
  EXPECT_EQ(e.Stats().dead, 2u);
}

TEST(Engine, FrequentWordsMatchTheSameAfterTheyGetABitmap) {
  Engine e;
  for (int i = 1; i <= 9000; ++i) e.Upsert(Record(i, "Bon số " + std::to_string(i % 50)));
  e.Finish();  // "bon" and "so" now have bitmaps of their own
  EXPECT_EQ(e.Search(Query("bon")).value().total, 9000u);
  for (int i = 1; i <= 100; ++i) e.Upsert(Record(i, "Buôn " + std::to_string(i)));  // leaves "bon"
  for (int i = 9001; i <= 9010; ++i) e.Upsert(Record(i, "Bon mới"));
  e.Remove(200);
  e.Finish();
  EXPECT_EQ(e.Search(Query("bon")).value().total, 9000u - 100 + 10 - 1);
  EXPECT_EQ(e.Search(Query("\"bon moi\"")).value().total, 10u);
  EXPECT_EQ(e.Search(Query("buon")).value().total, 100u);
}

TEST(Engine, FacetCountsEqualFilteredTotals) {
  Engine e;
  for (int i = 1; i <= 30; ++i) {
    e.Upsert(Record(i, "Bon " + std::to_string(i), i % 2 ? "lễ hội" : "nhà dài",
                    {{"kind", i % 3 ? "relic" : "intangible"}, {"level", i % 5 ? "provincial" : "national"}}));
  }
  e.Finish();
  EngineQuery q = Query("bon");
  q.facet_fields = {"kind", "level"};
  EngineResult all = e.Search(q).value();
  EXPECT_EQ(all.total, 30u);
  for (const auto& [field, counts] : all.facets) {
    for (const EngineFacetCount& c : counts) {
      EngineQuery f = q;
      f.filters[field] = {c.value};
      EXPECT_EQ(e.Search(f).value().total, c.count) << field << "=" << c.value;
    }
  }
  q.filters["kind"] = {"relic", "intangible"};  // OR within a field
  q.filters["level"] = {"national"};             // AND across fields
  EXPECT_EQ(e.Search(q).value().total, 6u);
}

TEST(Engine, CursorsVisitEveryHitOnceInEverySort) {
  Engine e;
  for (int i = 1; i <= 57; ++i) {
    EngineRecord r = Record(i, "Di tích " + std::to_string(i % 7), std::string(static_cast<size_t>(i % 4), 'x'));
    r.recognition_date = i % 3 ? "2005-03-17" : "";
    e.Upsert(r);
  }
  e.Finish();
  for (EngineSort sort : {EngineSort::kRelevance, EngineSort::kName, EngineSort::kRecognised, EngineSort::kChanged}) {
    EngineQuery q = Query("di tich");
    q.sort = sort;
    q.limit = 10;
    std::set<int64_t> seen;
    size_t pages = 0;
    do {
      EngineResult r = e.Search(q).value();
      for (int64_t id : r.ids) EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
      q.cursor = r.next_cursor;
      ++pages;
    } while (!q.cursor.empty() && pages < 20);
    EXPECT_EQ(seen.size(), 57u);
    EXPECT_EQ(pages, 6u);
  }
}

TEST(Engine, HostileCursorsAreRefused) {
  Engine e;
  e.Upsert(Record(1, "Bon Bu Prăng"));
  e.Finish();
  for (const char* c : {"zz", "abc", "2e", "302e2e31", "312e2e31", "302e6e616e2e31", "302e312e"}) {
    EngineQuery q = Query("bon");
    q.cursor = c;
    Result<EngineResult> r = e.Search(q);
    EXPECT_FALSE(r) << c;
  }
}

TEST(Engine, MapAndTimeFilters) {
  Engine e;
  EngineRecord a = Record(1, "Hang C6", "", {});
  a.lat = 12.5;
  a.lon = 107.9;
  a.year_from = -500;
  a.year_to = 200;
  EngineRecord b = Record(2, "Hang C7");
  b.lat = 11.9;
  b.lon = 107.6;
  b.year_from = 1945;
  e.Upsert(a);
  e.Upsert(b);
  e.Upsert(Record(3, "Hang C8"));
  e.Finish();
  EngineQuery q = Query("hang");
  q.lat_range = {{12.0, 13.0}};
  q.lon_range = {{107.0, 108.0}};
  EXPECT_EQ(Ids(e, q), (std::vector<int64_t>{1}));
  q = Query("hang");
  q.near = {{{11.9, 107.6}, 5.0}};
  EXPECT_EQ(Ids(e, q), (std::vector<int64_t>{2}));
  q = Query("hang");
  q.year_from = -100;
  q.year_to = 0;
  EXPECT_EQ(Ids(e, q), (std::vector<int64_t>{1}));
  q.year_from = 1900;
  q.year_to = std::nullopt;
  EXPECT_EQ(Ids(e, q), (std::vector<int64_t>{2}));
}

TEST(Engine, PrefixesCompleteTheLastWordInNames) {
  Engine e;
  e.Upsert(Record(1, "Không gian văn hóa Cồng chiêng", "chim"));
  e.Upsert(Record(2, "Cồng đồng", "chiêng"));
  e.Finish();
  EngineQuery q = Query("cong ch");
  q.last = LastWord::kPrefix;
  q.names_only = true;
  EXPECT_EQ(Ids(e, q), (std::vector<int64_t>{1}));
}

TEST(Engine, SpellingIsSuggestedWhenNothingMatchesOrWordsNeverMeet) {
  Engine e;
  e.Upsert(Record(1, "Không gian văn hóa Cồng chiêng Tây Nguyên", "được công nhận năm 2005"));
  e.Upsert(Record(2, "Nhà ngục Đắk Mil", "kháng chiến"));
  e.Finish();
  EXPECT_EQ(e.Search(Query("cong chien")).value().spelling, "cồng chiêng");
  EXPECT_EQ(e.Search(Query("nha nguc dak mli")).value().spelling, "nhà ngục đắk mil");
  EXPECT_EQ(e.Search(Query("cong chieng")).value().spelling, "");
  EXPECT_EQ(e.Search(Query("xyzzy")).value().spelling, "");
}

TEST(Engine, DisplayFormPlacesTheToneAsMostTextsDo) {
  EXPECT_EQ(DisplayForm(ExactText("hoà")), "hòa");
  EXPECT_EQ(DisplayForm(ExactText("thuý")), "thúy");
  EXPECT_EQ(DisplayForm(ExactText("chiêng")), "chiêng");
  EXPECT_EQ(DisplayForm(ExactText("Đắk")), "đắk");
  EXPECT_EQ(DisplayForm(ExactText("người")), "người");
  EXPECT_EQ(DisplayForm(ExactText("quốc")), "quốc");
  EXPECT_EQ(DisplayForm(ExactText("giữ")), "giữ");
  EXPECT_EQ(DisplayForm(ExactText("ngoài")), "ngoài");
  EXPECT_EQ(DisplayForm(ExactText("mái")), "mái");
  EXPECT_EQ(DisplayForm(ExactText("hoàng")), "hoàng");
}

TEST(Engine, EditDistanceCountsSwapsOnce) {
  EXPECT_EQ(EditDistance("mli", "mil", 2), 1u);
  EXPECT_EQ(EditDistance("chien", "chieng", 2), 1u);
  EXPECT_EQ(EditDistance("abc", "xyz", 1), 2u);  // gave up past 1
  EXPECT_EQ(EditDistance("", "ab", 2), 2u);
}

}  // namespace
}  // namespace disan::search
