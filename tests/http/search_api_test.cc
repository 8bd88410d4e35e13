// Integration tests of GET /api/v1/search and GET /api/v1/suggest: a real HttpServer on a free
// loopback port over a real SQLite file, a small catalogue of Vietnamese heritage records created
// through the API, and real HTTP requests. Expected results come from the documents the tests
// send, never from the index.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/text.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using namespace std::string_literals;
using Params = std::vector<std::pair<std::string, std::string>>;
using Set = std::set<std::string>;
using List = std::vector<std::string>;

enum class Who { kAnonymous, kStaff };

using Reply = testing::HttpReply;


std::string Encode(std::string_view s) { return PercentEncode(s); }

std::string WithQuery(const std::string& path, const Params& params) {
  std::string out = path;
  for (size_t i = 0; i < params.size(); ++i) {
    out += (i ? "&" : "?") + Encode(params[i].first) + "=" + Encode(params[i].second);
  }
  return out;
}

Params With(Params p, const Params& more) {
  p.insert(p.end(), more.begin(), more.end());
  return p;
}

json Text(const std::string& v) { return json::array({{{"lang", "vi"}, {"value", v}}}); }

// The corpus, in order of creation. "_key" names a record in the tests, "_name" and "_text" are
// its Vietnamese name and description, and "custodian": "ORG" becomes the organisation's pid.
constexpr const char* kCorpus = R"([
{"_key": "prison", "_name": "Di tích lịch sử Nhà ngục Đắk Mil", "kind": "relic",
 "relic_type": "historical", "custodian": "ORG",
 "recognitions": [{"level": "national", "decision": "10/2005/QĐ-BVHTT", "date": "2005-03-17"}],
 "places": [{"commune_2025": "Xã Đắk Mil", "district_old": "Đắk Mil", "province_old": "Đắk Nông",
             "point": {"lat": 12.4465, "lon": 107.6263}}],
 "dating": {"text": "1940–1941", "from_year": 1940, "to_year": 1941},
 "_text": "Nhà ngục Đắk Mil do thực dân Pháp xây dựng năm 1940 để giam giữ tù chính trị."},
{"_key": "scattered", "_name": "Đồi thông Đắk Săk bên suối Mil", "kind": "relic",
 "relic_type": "scenic_landscape", "recognitions": [{"level": "provincial"}],
 "places": [{"district_old": "Đắk Song", "point": {"lat": 12.30, "lon": 107.60}}]},
{"_key": "dray", "_name": "Thác Đ'ray Sáp", "kind": "relic", "relic_type": "scenic_landscape",
 "recognitions": [{"level": "national"}], "custodian": "ORG",
 "places": [{"commune_2025": "Xã Nam Đà", "district_old": "Krông Nô", "province_old": "Đắk Nông",
             "point": {"lat": 12.5530, "lon": 107.8800}}],
 "_text": "Thác nằm trên dòng Sêrêpốk, giữa hai tỉnh Đắk Lắk và Đắk Nông."},
{"_key": "cave", "_name": "Hang C6-1", "kind": "relic", "relic_type": "archaeological",
 "recognitions": [{"level": "provincial"}], "dating": {"from_year": -4000, "to_year": -3000},
 "places": [{"commune_2025": "Xã Nâm Nung", "district_old": "Krông Nô", "province_old": "Đắk Nông",
             "point": {"lat": 12.60, "lon": 107.90}}],
 "_text": "Hang động núi lửa có dấu tích cư trú của người tiền sử."},
{"_key": "gongs", "_name": "Không gian văn hóa Cồng chiêng Tây Nguyên", "kind": "intangible",
 "intangible_type": "folk_performing_arts", "ethnic_groups": ["mnong", "e_de", "ba_na"],
 "recognitions": [{"level": "unesco_representative", "year": 2005}],
 "places": [{"province_old": "Đắk Nông"}, {"province_old": "Đắk Lắk"}],
 "_text": "Cồng chiêng gắn bó với đời sống của các dân tộc Tây Nguyên."},
{"_key": "festival", "_name": "Lễ hội Tăm Blang", "kind": "intangible", "ethnic_groups": ["mnong"],
 "intangible_type": "traditional_festivals", "recognitions": [{"level": "intangible_national_list"}],
 "places": [{"commune_2025": "Xã Đắk Mil", "district_old": "Đắk Mil", "province_old": "Đắk Nông"}]},
{"_key": "rong", "_name": "Nhà rông", "kind": "relic", "relic_type": "architectural_artistic",
 "ethnic_groups": ["ba_na"], "dating": {"from_year": 1800, "to_year": 2000},
 "places": [{"province_old": "Kon Tum", "point": {"lat": 14.35, "lon": 108.00}}],
 "_text": "Nhà rông của người Ba Na <script>alert('x')</script> là nơi sinh hoạt chung."},
{"_key": "hoabinh", "_name": "Đình Hoà Bình", "kind": "relic", "relic_type": "architectural_artistic",
 "recognitions": [{"level": "provincial"}], "dating": {"from_year": 1890, "to_year": 1899},
 "_text": "Ngôi đình từng bị dùng làm ngục tạm, cạnh nhà văn hóa xã."},
{"_key": "hoathuan", "_name": "Bến đò Hòa Thuận", "kind": "relic", "relic_type": "historical",
 "recognitions": [{"level": "provincial"}]},
{"_key": "hoaban", "_name": "Lễ hội Hoa Ban", "kind": "intangible", "ethnic_groups": ["thai"],
 "intangible_type": "traditional_festivals", "recognitions": [{"level": "intangible_national_list"}]},
{"_key": "bochieng", "_name": "Bộ chiêng đồng của người M'Nông", "kind": "artifact",
 "artifact_type": "antiquity", "ethnic_groups": ["mnong"], "custodian": "ORG",
 "dating": {"from_year": 1900}, "legacy_ids": [{"scheme": "relic_artifact_code", "value": "PTH.TĐ.01"}]},
{"_key": "dossier", "_name": "Hồ sơ hiện vật PTH.TĐ.01", "kind": "documentary",
 "documentary_type": "textual"},
{"_key": "amtien", "_name": "Am Tiên", "kind": "relic", "relic_type": "historical",
 "recognitions": [{"level": "provincial"}]},
{"_key": "comoi", "_name": "Ăn cơm mới của người M'Nông", "kind": "intangible",
 "intangible_type": "social_customs_and_beliefs", "ethnic_groups": ["mnong"]},
{"_key": "apbac", "_name": "Ấp Bắc", "kind": "relic", "relic_type": "historical",
 "recognitions": [{"level": "special_national"}], "dating": {"from_year": 1963, "to_year": 1963},
 "places": [{"province_old": "Tiền Giang", "point": {"lat": 10.45, "lon": 106.25}}]},
{"_key": "eogio", "_name": "Eo Gió", "kind": "relic", "relic_type": "scenic_landscape",
 "places": [{"province_old": "Bình Định", "point": {"lat": 13.87, "lon": 109.30}}]},
{"_key": "hanggon", "_name": "Mộ cự thạch Hàng Gòn", "kind": "relic", "relic_type": "archaeological",
 "recognitions": [{"level": "special_national"}], "location_precision": "generalised",
 "places": [{"commune_2025": "Xã Xuân Lộc", "district_old": "Xuân Lộc", "province_old": "Đồng Nai",
             "address": "thôn Bí Ẩn", "point": {"lat": 10.8834, "lon": 107.2467}}]},
{"_key": "secret", "_name": "Hầm Bímật", "kind": "relic", "relic_type": "historical",
 "visibility": "restricted", "recognitions": [{"level": "national"}], "ethnic_groups": ["mnong"],
 "custodian": "ORG", "dating": {"from_year": 1945, "to_year": 1946},
 "places": [{"commune_2025": "Xã Đắk Mil", "district_old": "Đắk Mil", "province_old": "Đắk Nông",
             "point": {"lat": 12.45, "lon": 107.62}}]}
])";

class SearchApi : public ::testing::Test {
 protected:
  void SetUp() override {
    Reply org = Send(
        "POST", "/api/v1/organisations", Who::kStaff,
        json{{"kind", "relic_management_board"},
             {"names", json::array({{{"lang", "vi"}, {"value", "Ban Quản lý Di tích Đắk Nông"}}})}}
            .dump());
    ASSERT_EQ(org.status, 201) << org;
    org_ = org.doc["pid"].get<std::string>();
    for (json d : json::parse(kCorpus)) {
      const std::string key = d["_key"].get<std::string>();
      d["names"] = json::array({{{"lang", "vi"}, {"value", d["_name"]}, {"preferred", true}}});
      if (d.contains("_text")) d["description"] = Text(d["_text"].get<std::string>());
      for (const char* f : {"_key", "_name", "_text"}) d.erase(f);
      if (d.contains("custodian")) d["custodian"] = org_;
      Reply r = Send("POST", "/api/v1/items", Who::kStaff, d.dump());
      ASSERT_EQ(r.status, 201) << key << ": " << r;
      pid_[key] = r.doc["pid"].get<std::string>();
      key_[pid_[key]] = key;
      doc_[key] = d;
    }
  }

  Reply Send(const std::string& method, const std::string& path, Who who,
             const std::string& body = "", httplib::Headers headers = {}) const {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    if (who == Who::kStaff) req.headers.emplace("Authorization", "Bearer " + server_.token);
    if (!body.empty()) {
      req.headers.emplace("Content-Type",
                          method == "PATCH" ? "application/merge-patch+json" : "application/json");
    }
    req.body = body;
    return testing::SendHttp(server_.port, req.method, req.path,
                             {req.headers.begin(), req.headers.end()}, req.body);
  }
  Reply Search(const Params& p, Who who = Who::kAnonymous) const {
    return Send("GET", WithQuery("/api/v1/search", p), who);
  }
  Reply Suggest(const Params& p, Who who = Who::kAnonymous) const {
    return Send("GET", WithQuery("/api/v1/suggest", p), who);
  }
  // A search that must succeed.
  json Found(const Params& p, Who who = Who::kAnonymous) const {
    Reply r = Search(p, who);
    EXPECT_EQ(r.status, 200) << WithQuery("/api/v1/search", p) << "\n" << r;
    if (r.status != 200 || !r.doc.contains("items"))
      return {{"total", -1}, {"items", json::array()}};
    return r.doc;
  }
  // The corpus keys of the items found, in order ("?pid" for a record not in the corpus).
  List Keys(const json& found) const {
    List out;
    for (const json& item : found.value("items", json::array())) {
      auto it = key_.find(item.value("pid", ""));
      out.push_back(it == key_.end() ? "?" + item.value("pid", "") : it->second);
    }
    return out;
  }
  List Order(const Params& p, Who who = Who::kAnonymous) const { return Keys(Found(p, who)); }
  Set Hits(const Params& p, Who who = Who::kAnonymous) const {
    List k = Order(With(p, {{"limit", "100"}}), who);
    return {k.begin(), k.end()};
  }
  static int Position(const List& keys, const std::string& key) {
    auto it = std::find(keys.begin(), keys.end(), key);
    return it == keys.end() ? -1 : static_cast<int>(it - keys.begin());
  }
  Set PublicWhere(const std::function<bool(const json&)>& keep) const {
    Set out;
    for (const auto& [key, doc] : doc_) {
      if (doc.value("visibility", "public") == "public" && keep(doc)) out.insert(key);
    }
    return out;
  }
  int FacetCount(const std::string& field, const std::string& value) const {
    json found = Found({});
    for (const json& v : found["facets"][field]) {
      if (v["value"] == value) return v["count"].get<int>();
    }
    return 0;
  }

  // For every facet value of the search `base`, the search narrowed to that value finds exactly
  // that many records. A facet field already in `base` is replaced rather than added to (the
  // tests only do that with kind, which has one value per record).
  void ExpectFacetsMatchFilters(const Params& base, Who who) const {
    json found = Found(With(base, {{"limit", "1"}}), who);
    ASSERT_TRUE(found.contains("facets")) << found.dump();
    size_t checked = 0;
    for (const auto& [field, values] : found["facets"].items()) {
      for (const json& v : values) {
        Params p;
        for (const auto& kv : base) {
          if (kv.first != field) p.push_back(kv);
        }
        p.insert(p.end(),
                 {{field, v["value"].get<std::string>()}, {"limit", "1"}, {"facets", "false"}});
        EXPECT_EQ(Found(p, who)["total"], v["count"]) << WithQuery("/api/v1/search", p);
        ++checked;
      }
    }
    EXPECT_GT(checked, 0u) << "no facet values for " << WithQuery("/api/v1/search", base);
  }

  Reply Patch(const std::string& key, const json& patch) const {
    Reply current = Send("GET", "/api/v1/items/" + pid_.at(key), Who::kStaff);
    EXPECT_EQ(current.status, 200) << current;
    return Send("PATCH", "/api/v1/items/" + pid_.at(key) + "?reason=test", Who::kStaff,
                patch.dump(), {{"If-Match", current.Header("ETag")}});
  }

  testing::TestServer server_;
  std::string org_;
  std::map<std::string, std::string> pid_;  // corpus key -> pid
  std::map<std::string, std::string> key_;  // pid -> corpus key
  std::map<std::string, json> doc_;         // corpus key -> document as sent
};

class SearchApiText : public SearchApi {};
class SearchApiFacets : public SearchApi {};
class SearchApiFilters : public SearchApi {};
class SearchApiSort : public SearchApi {};
class SearchApiLeaks : public SearchApi {};
class SearchApiSuggest : public SearchApi {};
class SearchApiErrors : public SearchApi {};

// ---------------------------------------------------------------------------------------------
// Matching and ranking

TEST_F(SearchApiText, DakMilFindsTheDakMilItemFirstWhateverTheSpelling) {
  for (const char* q : {"dak mil", "ĐẮK MIL", "Đắk Mil", "đắk   mil"}) {
    json found = Found({{"q", q}});
    List keys = Keys(found);
    ASSERT_FALSE(keys.empty()) << q;
    EXPECT_EQ(keys[0], "prison") << q << ": " << found.dump();
    EXPECT_EQ(found["total"], keys.size()) << q;
  }
  List keys = Order({{"q", "cong chieng"}});
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys[0], "gongs");
  EXPECT_EQ(Position(keys, "bochieng"), -1) << "'Bộ chiêng đồng' has no word 'cồng'";
}

TEST_F(SearchApiText, AMisspelledQueryAnswersWithACorrection) {
  json found = Found({{"q", "nha nguc dak mli"}});
  EXPECT_EQ(found["total"], 0) << found.dump();
  EXPECT_EQ(found.value("spelling", ""), "nhà ngục đắk mil") << found.dump();
  EXPECT_FALSE(Found({{"q", "dak mil"}}).contains("spelling"));
}

TEST_F(SearchApiText, OldAndNewTonePlacementsMatchAndRankAboveOtherSpellings) {
  for (const char* q : {"hoà", "hòa", "HOÀ"}) {
    List keys = Order({{"q", q}});
    int binh = Position(keys, "hoabinh"), thuan = Position(keys, "hoathuan");
    int ban = Position(keys, "hoaban");
    ASSERT_NE(binh, -1) << q << " misses 'Đình Hoà Bình'";
    ASSERT_NE(thuan, -1) << q << " misses 'Bến đò Hòa Thuận'";
    ASSERT_NE(ban, -1) << q << " misses 'Lễ hội Hoa Ban' (a folded match)";
    EXPECT_LT(std::max(binh, thuan), 2) << q << ": the two exact spellings come first";
    EXPECT_GT(ban, std::max(binh, thuan)) << q;
  }
}

TEST_F(SearchApiText, AdjacentWordsRankAboveScatteredWords) {
  List keys = Order({{"q", "dak mil"}});
  int scattered = Position(keys, "scattered");
  ASSERT_NE(scattered, -1) << "'Đồi thông Đắk Săk bên suối Mil' has both words";
  EXPECT_LT(Position(keys, "prison"), scattered);
  EXPECT_LT(Position(keys, "festival"), scattered) << "'Đắk Mil' is adjacent in its place";
}

TEST_F(SearchApiText, QuotedPhraseExclusionAndOr) {
  EXPECT_EQ(Hits({{"q", "nha nguc"}}), (Set{"prison", "hoabinh"}));
  EXPECT_EQ(Hits({{"q", "\"nha nguc\""}}), (Set{"prison"}));
  EXPECT_EQ(Hits({{"q", "\"nguc dak\""}}), (Set{"prison"}));
  EXPECT_EQ(Hits({{"q", "hang"}}), (Set{"cave", "hanggon"}));
  EXPECT_EQ(Hits({{"q", "hang -c6"}}), (Set{"hanggon"}));
  EXPECT_EQ(Hits({{"q", "hang -\"c6 1\""}}), (Set{"hanggon"}));
  EXPECT_EQ(Hits({{"q", "thac"}}), (Set{"dray"}));
  EXPECT_EQ(Hits({{"q", "thac OR hang"}}), (Set{"dray", "cave", "hanggon"}));
}

TEST_F(SearchApiText, PidOrLegacyIdTypedAsQueryComesFirst) {
  // The dossier names the artefact's legacy number, and (after this edit) the waterfall's pid,
  // in its name; the records those identifiers belong to still come first.
  json names =
      json::array({{{"lang", "vi"}, {"value", "Hồ sơ hiện vật PTH.TĐ.01"}, {"preferred", true}},
                   {{"lang", "vi"}, {"value", "Hồ sơ " + pid_["dray"]}}});
  ASSERT_EQ(Patch("dossier", {{"names", names}}).status, 200);
  for (const char* q : {"PTH.TĐ.01", "pth.td.01", "PTH TĐ 01"}) {
    List keys = Order({{"q", q}});
    ASSERT_EQ(Set(keys.begin(), keys.end()), (Set{"bochieng", "dossier"})) << q;
    EXPECT_EQ(keys[0], "bochieng") << q;
  }
  for (const std::string& q : {pid_["dray"], pid_["eogio"]}) {
    List keys = Order({{"q", q}});
    ASSERT_FALSE(keys.empty()) << q;
    EXPECT_EQ(keys[0], key_[q]) << q;
  }
  EXPECT_EQ(Position(Order({{"q", pid_["dray"]}}), "dossier"), 1);
}

TEST_F(SearchApiText, SnippetMarksOriginalSpellingAndEscapesHtml) {
  json found = Found({{"q", "dak mil"}});
  ASSERT_FALSE(found["items"].empty());
  ASSERT_EQ(found["items"][0]["pid"], pid_["prison"]);
  std::string snippet = found["items"][0].value("snippet", "");
  EXPECT_NE(snippet.find("Nhà ngục <mark>Đắk</mark> <mark>Mil</mark> do"), std::string::npos)
      << snippet;

  found = Found({{"q", "nha rong"}});
  ASSERT_FALSE(found["items"].empty());
  ASSERT_EQ(found["items"][0]["pid"], pid_["rong"]);
  snippet = found["items"][0].value("snippet", "");
  EXPECT_NE(snippet.find("&lt;script&gt;"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.find("<script"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("<mark>Nhà</mark> <mark>rông</mark>"), std::string::npos) << snippet;
}

TEST_F(SearchApiText, EmptyQueryBrowsesEverythingWithFacets) {
  Set everything = PublicWhere([](const json&) { return true; });
  for (const char* q : {"", "   "}) {
    json found = Found({{"q", q}, {"limit", "100"}});
    List keys = Keys(found);
    EXPECT_EQ(Set(keys.begin(), keys.end()), everything) << "q='" << q << "'";
    EXPECT_EQ(found["total"], everything.size());
    ASSERT_TRUE(found.contains("facets"));
    for (const char* f : {"kind", "type", "level", "commune", "district", "ethnic_group", "period",
                          "custodian", "area", "licence"}) {
      EXPECT_TRUE(found["facets"].contains(f)) << f;
    }
    size_t kinds = 0;
    for (const json& v : found["facets"]["kind"]) kinds += v["count"].get<size_t>();
    EXPECT_EQ(kinds, everything.size()) << "every item has exactly one kind";
  }
  EXPECT_EQ(Found({})["total"], everything.size());
  EXPECT_FALSE(Found({{"facets", "false"}}).contains("facets"));
}

// ---------------------------------------------------------------------------------------------
// Facets

TEST_F(SearchApiFacets, CountsEqualTheTotalsOfTheNarrowedSearch) {
  json found = Found({});
  EXPECT_EQ(found["facets"]["ethnic_group"][0]["value"], "mnong");
  EXPECT_EQ(found["facets"]["ethnic_group"][0]["count"], 4);
  EXPECT_NO_FATAL_FAILURE(ExpectFacetsMatchFilters({}, Who::kAnonymous));
  EXPECT_NO_FATAL_FAILURE(ExpectFacetsMatchFilters({}, Who::kStaff));
  EXPECT_NO_FATAL_FAILURE(
      ExpectFacetsMatchFilters({{"q", "dak"}, {"kind", "relic"}}, Who::kAnonymous));
  EXPECT_NO_FATAL_FAILURE(ExpectFacetsMatchFilters(
      {{"kind", "relic"}, {"kind", "intangible"}, {"district", "Đắk Mil"}}, Who::kStaff));
  EXPECT_NO_FATAL_FAILURE(
      ExpectFacetsMatchFilters({{"q", "đắk OR lễ"}, {"year_from", "1800"}}, Who::kAnonymous));
}

TEST_F(SearchApiFacets, CountsFollowPatchAndDeleteImmediately) {
  int national = FacetCount("level", "national"), provincial = FacetCount("level", "provincial");
  ASSERT_EQ(national, 2);  // the prison and the waterfall; the restricted cellar is not counted
  Reply patched = Patch("prison", {{"recognitions", json::array({{{"level", "provincial"}}})}});
  ASSERT_EQ(patched.status, 200) << patched;
  EXPECT_EQ(FacetCount("level", "national"), national - 1);
  EXPECT_EQ(FacetCount("level", "provincial"), provincial + 1);
  EXPECT_EQ(Found({{"level", "national"}})["total"], national - 1);
  EXPECT_NO_FATAL_FAILURE(ExpectFacetsMatchFilters({}, Who::kAnonymous));

  int total = Found({})["total"].get<int>(), krong_no = FacetCount("district", "Krông Nô");
  Reply deleted = Send(
      "DELETE", "/api/v1/items/" + pid_["dray"] + "?reason=" + Encode("nhập trùng"), Who::kStaff);
  ASSERT_EQ(deleted.status, 200) << deleted;
  EXPECT_EQ(Found({})["total"], total - 1);
  EXPECT_EQ(FacetCount("district", "Krông Nô"), krong_no - 1);
  EXPECT_EQ(FacetCount("level", "national"), national - 2);
  EXPECT_EQ(Hits({{"q", "thac dray sap"}}), Set{});
  EXPECT_NO_FATAL_FAILURE(ExpectFacetsMatchFilters({}, Who::kAnonymous));
  EXPECT_NO_FATAL_FAILURE(ExpectFacetsMatchFilters({}, Who::kStaff));
}

// ---------------------------------------------------------------------------------------------
// Filters

TEST_F(SearchApiFilters, RepeatedKindIsOrAndDifferentFiltersAreAnd) {
  EXPECT_EQ(Hits({{"kind", "relic"}, {"kind", "intangible"}}), PublicWhere([](const json& d) {
              return d["kind"] == "relic" || d["kind"] == "intangible";
            }));
  EXPECT_EQ(Found({{"kind", "relic"}, {"kind", "intangible"}})["total"],
            Found({{"kind", "relic"}})["total"].get<int>() +
                Found({{"kind", "intangible"}})["total"].get<int>());
  EXPECT_EQ(Hits({{"kind", "artifact"}, {"kind", "documentary"}}), (Set{"bochieng", "dossier"}));
  EXPECT_EQ(Hits({{"kind", "relic"}, {"level", "national"}}), (Set{"prison", "dray"}));
  EXPECT_EQ(Hits({{"kind", "intangible"}, {"level", "national"}}), Set{});
  EXPECT_EQ(Hits({{"kind", "intangible"}, {"ethnic_group", "mnong"}}),
            (Set{"gongs", "festival", "comoi"}));
  EXPECT_EQ(Hits({{"q", "dak"}, {"custodian", org_}}), (Set{"prison", "dray"}));
  EXPECT_EQ(Hits({{"district", "Đắk Mil"}}, Who::kStaff), (Set{"prison", "festival", "secret"}));
}

TEST_F(SearchApiFilters, BoundingBoxCircleAndYears) {
  EXPECT_EQ(Hits({{"bbox", "107.5,12.2,108.0,12.7"}}),
            (Set{"prison", "scattered", "dray", "cave"}));
  EXPECT_EQ(Hits({{"bbox", "107.5,12.2,108.0,12.7"}}, Who::kStaff),
            (Set{"prison", "scattered", "dray", "cave", "secret"}));
  // From the prison: the pine hill is 16.5 km away, the waterfall 30 km, the cave 34 km.
  EXPECT_EQ(Hits({{"near", "12.4465,107.6263,10"}}), (Set{"prison"}));
  EXPECT_EQ(Hits({{"near", "12.4465,107.6263,20"}}), (Set{"prison", "scattered"}));
  EXPECT_EQ(Hits({{"near", "12.4465,107.6263,32"}}), (Set{"prison", "scattered", "dray"}));
  EXPECT_EQ(Hits({{"near", "12.4465,107.6263,20"}, {"q", "doi"}}), (Set{"scattered"}));

  EXPECT_EQ(Hits({{"year_from", "1900"}, {"year_to", "1950"}}),
            (Set{"prison", "rong", "bochieng"}));
  EXPECT_EQ(Hits({{"year_from", "1960"}}), (Set{"rong", "apbac"}));
  EXPECT_EQ(Hits({{"year_to", "-3500"}}), (Set{"cave"}));
  EXPECT_EQ(Hits({{"year_from", "1942"}, {"year_to", "1950"}}, Who::kStaff),
            (Set{"rong", "secret"}));
}

// ---------------------------------------------------------------------------------------------
// Sorting and pages

TEST_F(SearchApiSort, NameFollowsTheVietnameseAlphabet) {
  List names;
  json found = Found({{"sort", "name"}, {"limit", "100"}});
  for (const json& item : found["items"]) names.push_back(item["names"][0].value("value", ""));
  // clang-format off
  const List expected = {
      "Am Tiên", "Ăn cơm mới của người M'Nông", "Ấp Bắc", "Bến đò Hòa Thuận",
      "Bộ chiêng đồng của người M'Nông", "Di tích lịch sử Nhà ngục Đắk Mil", "Đình Hoà Bình",
      "Đồi thông Đắk Săk bên suối Mil", "Eo Gió", "Hang C6-1", "Hồ sơ hiện vật PTH.TĐ.01",
      "Không gian văn hóa Cồng chiêng Tây Nguyên", "Lễ hội Hoa Ban", "Lễ hội Tăm Blang",
      "Mộ cự thạch Hàng Gòn", "Nhà rông", "Thác Đ'ray Sáp"};
  // clang-format on
  EXPECT_EQ(names, expected);
}

TEST_F(SearchApiSort, ChangedPutsTheLatestEditFirst) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Reply patched = Patch("amtien", {{"description", Text("Am Tiên nằm trên núi Ba Sao.")}});
  ASSERT_EQ(patched.status, 200) << patched;
  json found = Found({{"sort", "changed"}, {"limit", "100"}});
  List keys = Keys(found);
  ASSERT_EQ(keys.size(), 17u);
  EXPECT_EQ(keys[0], "amtien");
  for (size_t i = 1; i < keys.size(); ++i) {
    EXPECT_GE(found["items"][i - 1]["updated_at"].get<std::string>(),
              found["items"][i]["updated_at"].get<std::string>());
  }
}

TEST_F(SearchApiSort, CursorPagesHaveNoGapsAndNoDuplicates) {
  const std::vector<Params> searches = {
      {{"sort", "relevance"}},
      {{"sort", "relevance"}, {"q", "dak OR le OR hang OR nha OR hoa"}},
      {{"sort", "relevance"}, {"q", "đắk OR hòa OR lễ"}},
      {{"sort", "name"}},
      {{"sort", "name"}, {"kind", "relic"}, {"q", "đắk"}},
      {{"sort", "changed"}},
      {{"sort", "recognised"}}};
  for (const Params& search : searches) {
    for (Who who : {Who::kAnonymous, Who::kStaff}) {
      SCOPED_TRACE(WithQuery("/api/v1/search", search) + (who == Who::kStaff ? " (staff)" : ""));
      json all = Found(With(search, {{"limit", "100"}}), who);
      List expected = Keys(all), paged;
      ASSERT_EQ(all["total"], expected.size());
      ASSERT_GE(expected.size(), 3u);
      // Anonymous readers follow the "next" link; staff add next_cursor to their own query.
      std::string path = WithQuery("/api/v1/search", With(search, {{"limit", "2"}}));
      for (int page = 0; !path.empty(); ++page) {
        ASSERT_LT(page, 20) << "the cursor never ends";
        Reply r = Send("GET", path, who);
        ASSERT_EQ(r.status, 200) << path << "\n" << r;
        EXPECT_EQ(r.doc["total"], all["total"]);
        EXPECT_LE(r.doc["items"].size(), 2u);
        for (const std::string& k : Keys(r.doc)) paged.push_back(k);
        if (!r.doc.contains("next_cursor")) break;
        std::string cursor = r.doc["next_cursor"].get<std::string>();
        path =
            who == Who::kAnonymous
                ? r.doc.value("next", "")
                : WithQuery("/api/v1/search", With(search, {{"limit", "2"}, {"cursor", cursor}}));
      }
      EXPECT_EQ(paged, expected);
      EXPECT_EQ(Set(paged.begin(), paged.end()).size(), paged.size()) << "duplicates";
    }
  }
}

TEST_F(SearchApiSort, BadCursorIs422) {
  json first = Found({{"limit", "2"}});
  ASSERT_TRUE(first.contains("next_cursor"));
  const std::string relevance_cursor = first["next_cursor"].get<std::string>();
  // clang-format off
  const std::vector<Params> bad = {
      {{"cursor", "garbage"}}, {{"cursor", "zz"}}, {{"cursor", "abc"}}, {{"cursor", "\xFF"}},
      {{"cursor", "[1,2]"}}, {{"cursor", "5b22782"}}, {{"cursor", relevance_cursor}, {"sort", "name"}}};
  // clang-format on
  for (const Params& p : bad) {
    Reply r = Search(p);
    EXPECT_EQ(r.status, 422) << WithQuery("/api/v1/search", p) << "\n" << r;
    EXPECT_TRUE(r.IsProblem()) << r;
  }
}

// ---------------------------------------------------------------------------------------------
// What anonymous readers must not learn

TEST_F(SearchApiLeaks, RestrictedItemIsAbsentFromResultsAndFacets) {
  EXPECT_EQ(Found({{"q", "Bímật"}})["total"], 0);
  EXPECT_EQ(Found({{"q", "bimat"}})["total"], 0);
  json own = Found({{"q", "Bímật"}}, Who::kStaff);
  ASSERT_EQ(Keys(own), List{"secret"});
  EXPECT_EQ(Position(Order({{"q", "dak mil"}, {"limit", "100"}}), "secret"), -1);

  // Anonymous counts are the staff counts less the restricted item's own facet values.
  std::map<std::string, int> expected, actual;
  auto tally = [](std::map<std::string, int>& into, const json& facets, int sign) {
    for (const auto& [field, values] : facets.items()) {
      for (const json& v : values)
        into[field + "=" + v["value"].get<std::string>()] += sign * v["count"].get<int>();
    }
  };
  tally(expected, Found({}, Who::kStaff)["facets"], 1);
  tally(expected, own["facets"], -1);
  std::erase_if(expected, [](const auto& e) { return e.second == 0; });
  tally(actual, Found({})["facets"], 1);
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(Found({})["total"].get<int>() + 1, Found({}, Who::kStaff)["total"].get<int>());
}

TEST_F(SearchApiLeaks, RestrictingOrUnpublishingHidesAtOnce) {
  int mnong = FacetCount("ethnic_group", "mnong");
  ASSERT_EQ(Patch("festival", {{"visibility", "restricted"}}).status, 200);
  ASSERT_EQ(Patch("comoi", {{"status", "draft"}}).status, 200);
  EXPECT_EQ(Hits({{"q", "tam blang"}}), Set{});
  EXPECT_EQ(Hits({{"q", "com moi"}}), Set{});
  EXPECT_EQ(FacetCount("ethnic_group", "mnong"), mnong - 2);
  Reply suggest = Suggest({{"q", "tam bl"}});
  EXPECT_EQ(suggest.body.find("Tăm Blang"), std::string::npos) << suggest;
  EXPECT_EQ(Hits({{"q", "tam blang"}}, Who::kStaff), (Set{"festival"}));
}

TEST_F(SearchApiLeaks, GeneralisedItemShowsARoundedPointAndNoAddress) {
  auto expect_redacted = [](const json& record, const std::string& where) {
    const json& place = record["places"][0];
    EXPECT_FALSE(place.contains("address")) << where << ": " << place.dump();
    EXPECT_DOUBLE_EQ(place["point"]["lat"].get<double>(), 10.9) << where;
    EXPECT_DOUBLE_EQ(place["point"]["lon"].get<double>(), 107.2) << where;
    EXPECT_EQ(record.dump().find("Bí Ẩn"), std::string::npos) << where;
  };
  json found = Found({{"q", "hang gon"}});
  ASSERT_EQ(Keys(found), List{"hanggon"});
  expect_redacted(found["items"][0], "search");
  Reply anonymous = Send("GET", "/api/v1/items/" + pid_["hanggon"], Who::kAnonymous);
  ASSERT_EQ(anonymous.status, 200) << anonymous;
  expect_redacted(anonymous.doc, "GET");

  Reply staff = Send("GET", "/api/v1/items/" + pid_["hanggon"], Who::kStaff);
  ASSERT_EQ(staff.status, 200) << staff;
  EXPECT_EQ(staff.doc["places"][0]["address"], "thôn Bí Ẩn");
  EXPECT_DOUBLE_EQ(staff.doc["places"][0]["point"]["lat"].get<double>(), 10.8834);
  EXPECT_DOUBLE_EQ(staff.doc["places"][0]["point"]["lon"].get<double>(), 107.2467);

  EXPECT_EQ(Found({{"q", "thôn Bí Ẩn"}})["total"], 0);
  EXPECT_EQ(Found({{"q", "bi an"}})["total"], 0);
  // The precise point must not be findable with a box drawn tightly around it.
  EXPECT_EQ(Found({{"bbox", "107.24,10.88,107.25,10.89"}})["total"], 0);
  EXPECT_EQ(Hits({{"bbox", "107.1,10.8,107.3,11.0"}}), (Set{"hanggon"}));
}

TEST_F(SearchApiLeaks, GeneralisedItemRevisionSnapshotHasNoAddress) {
  Reply r = Send("GET", "/api/v1/items/" + pid_["hanggon"] + "/revisions/1", Who::kAnonymous);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body.find("Bí Ẩn"), std::string::npos) << r;
  EXPECT_EQ(r.body.find("10.8834"), std::string::npos) << r;
}

// ---------------------------------------------------------------------------------------------
// Suggest

TEST_F(SearchApiSuggest, CompletesTheLastWordAsAPrefix) {
  auto names = [&](const std::string& q, Who who = Who::kAnonymous) {
    Reply r = Suggest({{"q", q}}, who);
    EXPECT_EQ(r.status, 200) << q << "\n" << r;
    List out;
    for (const json& s : r.doc.value("suggestions", json::array()))
      out.push_back(s.value("name", ""));
    return out;
  };
  auto first = [&](const std::string& q) {
    List all = names(q);
    return all.empty() ? "(nothing)"s : all[0];
  };
  EXPECT_EQ(first("cong ch"), "Không gian văn hóa Cồng chiêng Tây Nguyên");
  EXPECT_EQ(first("Cồng chi"), "Không gian văn hóa Cồng chiêng Tây Nguyên");
  EXPECT_EQ(first("đắk m"), "Di tích lịch sử Nhà ngục Đắk Mil");
  EXPECT_EQ(first("dak m"), "Di tích lịch sử Nhà ngục Đắk Mil");
  EXPECT_EQ(names("tam bl"), List{"Lễ hội Tăm Blang"});
  EXPECT_TRUE(names("").empty());
  // Names only: "Đắk Mil" is also the place of the Tăm Blang festival, which is not suggested.
  EXPECT_EQ(names("dak mil"),
            (List{"Di tích lịch sử Nhà ngục Đắk Mil", "Đồi thông Đắk Săk bên suối Mil"}));
  List hoa = names("hoà");  // the exact tone first, then "Hoa Ban" and "văn hóa"
  ASSERT_EQ(hoa.size(), 4u);
  EXPECT_EQ(Set(hoa.begin(), hoa.begin() + 2), (Set{"Đình Hoà Bình", "Bến đò Hòa Thuận"}));

  Reply limited = Suggest({{"q", "l"}, {"limit", "1"}});
  ASSERT_EQ(limited.status, 200) << limited;
  ASSERT_EQ(limited.doc["suggestions"].size(), 1u);
  EXPECT_TRUE(key_.contains(limited.doc["suggestions"][0].value("pid", ""))) << limited;
}

TEST_F(SearchApiSuggest, NeverSuggestsRestrictedNamesAnonymously) {
  for (const char* q : {"ham b", "bím", "Hầm", "h"}) {
    Reply r = Suggest({{"q", q}, {"limit", "20"}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body.find("Bímật"), std::string::npos) << q << ": " << r;
    EXPECT_EQ(r.body.find(pid_["secret"]), std::string::npos) << q;
  }
  Reply staff = Suggest({{"q", "ham b"}}, Who::kStaff);
  ASSERT_EQ(staff.status, 200) << staff;
  EXPECT_NE(staff.body.find("Hầm Bímật"), std::string::npos) << staff;
}

TEST_F(SearchApiSuggest, BadLimitOrQueryIs422) {
  for (const char* limit : {"0", "21", "-1", "abc"}) {
    Reply r = Suggest({{"q", "dak"}, {"limit", limit}});
    EXPECT_EQ(r.status, 422) << limit << "\n" << r;
    EXPECT_TRUE(r.IsProblem() && r.NamesParameter("limit")) << r;
  }
  for (const char* q : {"-hang", "\xFF", "a\xC3"}) {
    Reply r = Suggest({{"q", q}});
    EXPECT_EQ(r.status, 422) << Encode(q) << "\n" << r;
    EXPECT_TRUE(r.IsProblem()) << r;
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input: a 422 problem naming the parameter, never a 500

TEST_F(SearchApiErrors, BadParametersAre422NamingTheParameter) {
  // clang-format off
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bbox", "1,2,3"}, {"bbox", "1,2,3,4,5"}, {"bbox", "108,12,107,13"}, {"bbox", "107,13,108,12"},
      {"bbox", "107,a,108,13"}, {"bbox", "0,-91,1,1"}, {"near", "a,b,c"}, {"near", "12,107"},
      {"near", "12,107,0"}, {"near", "95,107,5"}, {"year_from", "abc"}, {"year_to", "19x"},
      {"year_from", "99999"}, {"sort", "bogus"}, {"limit", "1000"}, {"limit", "0"}, {"limit", "abc"}};
  // clang-format on
  for (const auto& [name, value] : cases) {
    Reply r = Search({{name, value}});
    EXPECT_EQ(r.status, 422) << name << "=" << value << "\n" << r;
    EXPECT_TRUE(r.IsProblem()) << r;
    EXPECT_TRUE(r.NamesParameter(name)) << name << "=" << value << "\n" << r;
  }
}

TEST_F(SearchApiErrors, BadQueriesAre422NamingQ) {
  std::string many_words;
  for (int i = 0; i < 40; ++i) many_words += "w" + std::to_string(i) + " ";
  // clang-format off
  const List queries = {std::string(600, 'a'), std::string(300, 'a') + " " + std::string(299, 'b'),
                        "-hang", "-hang -thac", "\xFF", "dak \xC3", "dak\x00mil"s, many_words};
  // clang-format on
  for (const std::string& q : queries) {
    Reply r = Search({{"q", q}});
    EXPECT_EQ(r.status, 422) << Encode(q).substr(0, 80) << "\n" << r;
    EXPECT_TRUE(r.IsProblem()) << r;
    EXPECT_TRUE(r.NamesParameter("q")) << Encode(q).substr(0, 80) << "\n" << r;
  }
  EXPECT_EQ(Search({{"q", std::string(500, 'a')}}).status, 200) << "500 bytes is allowed";
}

TEST_F(SearchApiErrors, QuerySyntaxNeverCausesA500) {
  // clang-format off
  const List queries = {
      "\"nha nguc", "nha nguc\"", "\"", "\"\"", "NEAR(", "NEAR(dak mil)", "dak NEAR/2 mil", "col:",
      "names:dak", "{names}:dak", "*", "dak*", "^", "^dak", "(((", ")))", "dak)", "AND", "OR",
      "NOT", "dak AND", "OR dak", "dak OR", "NOT dak", "dak NOT mil", "-", "--hang", "- hang",
      "'", "\\", "a\"b", "dak + mil", "c6-1", "\"-hang\"", "\u0301", "đắk \u200b mil", "🙂",
      "%", "hang -c6 OR thac"};
  // clang-format on
  for (const std::string& q : queries) {
    for (const char* path : {"/api/v1/search", "/api/v1/suggest"}) {
      Reply r = Send("GET", WithQuery(path, {{"q", q}}), Who::kAnonymous);
      EXPECT_TRUE(r.status == 200 || (r.status == 422 && r.IsProblem()))
          << path << " q=" << q << "\n"
          << r;
    }
  }
  EXPECT_EQ(Search({{"q", "\"nha nguc"}}).status, 200) << "an unclosed quote runs to the end";
  for (const char* name : {"kind", "district", "custodian", "period", "cursor"}) {
    Reply r = Search({{name, "\xFF\x00'\""s}});
    EXPECT_TRUE(r.status == 200 || (r.status == 422 && r.IsProblem())) << name << "\n" << r;
  }
}

}  // namespace
}  // namespace disan
