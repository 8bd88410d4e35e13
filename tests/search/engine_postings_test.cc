// The engine's compact posting lists (search/postings.h) at their edges: far positions, empty
// records, lists that span many blocks, updates and removals after Finish, postings with many
// positions and spellings, checked against a plain scan of the same texts.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "search/engine.h"
#include "search/engine_records.h"
#include "search/vietnamese.h"
#include "support/test_support.h"

namespace disan::search {
namespace {

using testing::Query;
using testing::Record;

size_t Total(const Engine& e, const std::string& text) {
  return e.Search(Query(text)).value().total;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(EnginePostings, WordsFarPastTheOldPositionLimitAreFoundAndAdjacent) {
  std::string description;
  for (int i = 0; i < 70000; ++i) description += "lua ";
  description += "nha ngục cuối";  // positions 70000, 70001, 70002
  Engine e;
  e.Upsert(Record(1, "Bản ghi dài", description));
  e.Upsert(Record(2, "Nhà", "ngục"));  // the two words, in different fields
  e.Finish();
  EXPECT_EQ(Total(e, "cuoi"), 1u);
  EXPECT_EQ(Total(e, "\"nha nguc cuoi\""), 1u);
  EXPECT_EQ(Total(e, "\"lua nha nguc\""), 1u);
  EXPECT_EQ(Total(e, "\"nguc nha\""), 0u);
  // A name's last word and a description's first one are not adjacent.
  EngineQuery q = Query("\"nha nguc\"");
  EXPECT_EQ(e.Search(q).value().ids, (std::vector<int64_t>{1}));
  EXPECT_EQ(Total(e, "lua"), 1u);
}

TEST(EnginePostings, ARecordWithoutWordsIsCountedButMatchesNoWord) {
  Engine e;
  e.Upsert(Record(1, "", "", {{"kind", "relic"}}));
  e.Upsert(Record(2, "Thác Dray Nur", "", {{"kind", "relic"}}));
  e.Finish();
  EngineQuery all;
  all.facet_fields = {"kind"};
  EngineResult r = e.Search(all).value();
  EXPECT_EQ(r.total, 2u);
  ASSERT_EQ(r.facets["kind"].size(), 1u);
  EXPECT_EQ(r.facets["kind"][0].count, 2u);
  EXPECT_EQ(Total(e, "thac"), 1u);
  e.Upsert(Record(1, "", ""));  // updated, still empty
  e.Finish();
  EXPECT_EQ(e.Search(all).value().total, 2u);
  EXPECT_EQ(e.Search(all).value().facets["kind"][0].count, 1u);
}

// With the lists in the heap, and in a file beside (as the server keeps them).
class EnginePostingsIn : public ::testing::TestWithParam<bool> {};

TEST_P(EnginePostingsIn, ManyBlocksUpdatesAndRemovalsAgreeWithAPlainScan) {
  disan::testing::TempDir dir;
  const std::vector<std::string> vocabulary = {"di",  "tich", "thac", "nuoc",   "bon", "buon",
                                               "dak", "mil",  "cong", "chieng", "nha", "dai",
                                               "le",  "hoi",  "ho",   "ta"};
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>(state >> 33);
  };
  auto text = [&](size_t words) {
    std::string s;
    for (size_t i = 0; i < words; ++i) s += vocabulary[next() % vocabulary.size()] + " ";
    return s;
  };
  std::map<int64_t, std::pair<std::string, std::string>> texts;  // id -> (name, description)
  Engine e(GetParam() ? dir.path().string() : "");
  auto put = [&](int64_t id) {
    texts[id] = {text(1 + next() % 4), text(next() % 40)};
    e.Upsert(Record(id, texts[id].first, texts[id].second));
  };
  for (int64_t id = 1; id <= 3000; ++id) put(id);
  e.Finish();
  for (int64_t id = 1; id <= 3000; id += 3) put(id);  // updates after Finish
  for (int64_t id = 2; id <= 3000; id += 7) {
    e.Remove(id);
    texts.erase(id);
  }
  for (int64_t id = 3001; id <= 3200; ++id) put(id);
  e.Finish();

  auto has_phrase = [](const std::vector<std::string>& words,
                       const std::vector<std::string>& phrase) {
    for (size_t i = 0; i + phrase.size() <= words.size(); ++i) {
      if (std::equal(phrase.begin(), phrase.end(), words.begin() + static_cast<std::ptrdiff_t>(i)))
        return true;
    }
    return false;
  };
  auto expected = [&](const std::vector<std::string>& phrase) {
    size_t n = 0;
    for (const auto& [id, t] : texts) {
      if (has_phrase(Split(t.first), phrase) || has_phrase(Split(t.second), phrase)) ++n;
    }
    return n;
  };
  for (const std::string& w : vocabulary) EXPECT_EQ(Total(e, w), expected({w})) << w;
  for (const char* p : {"di tich", "cong chieng", "dak mil", "le hoi ta", "ho ta ho"}) {
    EXPECT_EQ(Total(e, std::string("\"") + p + "\""), expected(Split(p))) << p;
  }
  EXPECT_EQ(e.Stats().live, texts.size());
  EXPECT_EQ(e.Stats().postings_file_bytes > 0, GetParam());
}

INSTANTIATE_TEST_SUITE_P(HeapOrFile, EnginePostingsIn, ::testing::Bool(),
                         [](const auto& param_info) { return param_info.param ? "File" : "Heap"; });

TEST(EnginePostings, AWordRepeatedThousandsOfTimesKeepsEveryPosition) {
  std::string description;
  for (int i = 0; i < 20000; ++i) description += i % 2 ? "chiêng " : "cồng ";
  description += "đồng bào";
  Engine e;
  e.Upsert(Record(1, "Cồng", description));
  e.Upsert(Record(2, "Đồng bào", "cồng"));
  e.Finish();
  EXPECT_EQ(Total(e, "\"chieng dong bao\""), 1u);
  EXPECT_EQ(Total(e, "\"cong chieng cong\""), 1u);
  EXPECT_EQ(Total(e, "\"cong cong\""), 0u);
  EXPECT_EQ(e.Search(Query("cong")).value().ids.front(), 1);  // many occurrences rank first
}

TEST(EnginePostings, EverySpellingOfAWordRanksItsOwnRecordsFirst) {
  // Six spellings of "hoa": each record spells it one way; an exact query puts that one first.
  const std::vector<std::string> spellings = {"hoa", "hòa", "hóa", "hỏa", "hõa", "họa"};
  Engine e;
  for (size_t i = 0; i < spellings.size(); ++i) {
    e.Upsert(Record(static_cast<int64_t>(i + 1), "Làng " + spellings[i]));
  }
  e.Upsert(Record(100, "Hoa hòa họa"));  // several spellings in one record
  e.Finish();
  EXPECT_EQ(Total(e, "hoa"), spellings.size() + 1);
  EXPECT_EQ(e.Search(Query("làng hỏa")).value().ids.front(), 4);
  EXPECT_EQ(e.Search(Query("làng họa")).value().ids.front(), 6);
  std::vector<int64_t> mixed = e.Search(Query("họa")).value().ids;
  ASSERT_GE(mixed.size(), 2u);
  EXPECT_TRUE((mixed[0] == 6 && mixed[1] == 100) || (mixed[0] == 100 && mixed[1] == 6));
}

TEST(EnginePostings, FacetCountsOfASingleValuedFieldAddUpToTheTotal) {
  Engine e;
  for (int i = 1; i <= 500; ++i) {
    EngineRecord r = Record(
        i, i % 4 ? "Di tích " + std::to_string(i) : "Thác " + std::to_string(i),
        i % 3 ? "" : "nước",
        {{"kind", i % 5 ? "relic" : "intangible"}, {"commune", "c" + std::to_string(i % 17)}});
    r.lat = 12.0 + (i % 10) * 0.1;
    r.lon = 107.5;
    r.year_from = 1800 + i;
    e.Upsert(r);
  }
  e.Finish();
  for (const char* text : {"", "di", "di tich", "nuoc", "thac -nuoc"}) {
    EngineQuery q = Query(text);
    q.facet_fields = {"kind", "commune"};
    for (bool restricted : {false, true}) {
      if (restricted) {
        q.lat_range = {{12.05, 12.55}};
        q.lon_range = {{107.0, 108.0}};
        q.year_from = 1900;
      }
      EngineResult r = e.Search(q).value();
      for (const char* field : {"kind", "commune"}) {
        size_t sum = 0;
        for (const EngineFacetCount& c : r.facets[field]) sum += c.count;
        EXPECT_EQ(sum, r.total) << text << " " << field << " " << restricted;
      }
    }
  }
}

}  // namespace
}  // namespace disan::search
