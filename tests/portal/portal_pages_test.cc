// Integration tests of the portal's pages: a real HttpServer on a free loopback port over a
// real SQLite file, records created through the catalogue, real HTTP requests as a browser
// makes them (Accept: text/html). What the pages must show comes from the documents the tests
// create, never from the pages themselves.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "core/text.h"
#include "portal/slug.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using Reply = testing::HttpReply;

constexpr const char* kHtml = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
constexpr const char* kHostile = "<script>alert(1)</script>";

json Names(const std::string& vi, const std::string& en = "") {
  json names = json::array({{{"lang", "vi"}, {"value", vi}, {"preferred", true}}});
  if (!en.empty()) names.push_back({{"lang", "en"}, {"value", en}});
  return names;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Actor& staff = server_.staff;
    Catalogue& c = *server_.catalogue;
    museum_ = Create(RecordClass::kOrganisation,
                     {{"kind", "museum"},
                      {"names", Names("Bảo tàng tỉnh Đắk Nông", "Dak Nong Provincial Museum")}});
    geopark_ = Create(RecordClass::kArea,
                      {{"kind", "unesco_global_geopark"},
                       {"names", Names("Công viên địa chất Đắk Nông", "Dak Nong Geopark")},
                       {"manager", museum_}});
    json prison = testing::RelicDocument("Di tích lịch sử Nhà ngục Đắk Mil (Ngục Đăk Mil)");
    prison["names"].push_back({{"lang", "en"}, {"value", "Dak Mil Prison"}});
    prison["names"].push_back({{"lang", "cmo"}, {"value", "Ngục Đăk Mil"}});
    prison["custodian"] = museum_;
    prison["areas"] = {geopark_};
    prison["places"][0]["commune_2025"] = "Xã Thuận An";
    prison["places"][0]["province_2025"] = "Lâm Đồng";
    prison["places"][0]["point"] = {{"lat", 12.4465}, {"lon", 107.6263}};
    prison["dating"] = {{"text", "thập niên 1940"}, {"from_year", 1940}, {"to_year", 1949}};
    prison["description"] = {
        {{"lang", "vi"}, {"value", "Nhà ngục do thực dân Pháp xây dựng để giam giữ tù chính trị."}},
        {{"lang", "en"}, {"value", "A prison built by the French colonial administration."}}};
    prison["ethnic_groups"] = {"e_de"};
    prison["sources"] = {{{"title", "Cổng thông tin"}, {"url", "https://example.org/nha-nguc"}}};
    prison["licence"] = "cc_by_4_0";
    prison_ = Create(RecordClass::kItem, prison);
    json cave = testing::RelicDocument("Hang C7 khảo cổ");
    cave["location_precision"] = "generalised";
    cave["places"][0]["point"] = {{"lat", 12.43219}, {"lon", 107.87654}};
    cave["places"][0]["address"] = "thôn bí mật";
    cave_ = Create(RecordClass::kItem, cave);
    json hostile = testing::RelicDocument(kHostile);
    hostile["description"] = {
        {{"lang", "vi"}, {"value", std::string(kHostile) + " \"quoted\" & 'apos'"}}};
    hostile["custodian"] = museum_;
    hostile_ = Create(RecordClass::kItem, hostile);
    json gong = {{"kind", "intangible"},
                 {"names", Names("Không gian văn hóa Cồng chiêng", "Gong culture space")},
                 {"recognitions", {{{"level", "unesco_representative"}, {"year", 2005}}}},
                 {"ethnic_groups", {"mnong"}}};
    gong_ = Create(RecordClass::kItem, gong);
    json hidden = testing::RelicDocument("Di tích chưa công bố Đắk Mil");
    hidden["visibility"] = "restricted";
    hidden_ = Create(RecordClass::kItem, hidden);
    (void)c;
    (void)staff;
  }

  std::string Create(RecordClass cls, const json& doc) {
    Result<StoredRecord> r = server_.catalogue->Create(cls, doc, server_.staff, "test");
    if (!r) ADD_FAILURE() << r.error().Describe();
    return r ? r->pid : "";
  }

  Reply Page(const std::string& path, std::multimap<std::string, std::string> headers = {}) {
    headers.emplace("Accept", kHtml);
    return testing::SendHttp(server_.port, "GET", path, headers, "");
  }

  // The canonical path of an item page, as the redirect from its bare pid says.
  std::string ItemPath(const std::string& pid) {
    Reply r = Page("/di-san/" + pid);
    EXPECT_EQ(r.status, 301) << r;
    return r.Header("Location");
  }

  testing::TestServer server_;
  std::string museum_, geopark_, prison_, cave_, hostile_, gong_, hidden_;
};

TEST_F(PortalTest, HomeIsHtmlForBrowsersAndJsonForClients) {
  Reply html = Page("/");
  ASSERT_EQ(html.status, 200) << html;
  EXPECT_TRUE(html.Header("Content-Type").starts_with("text/html")) << html.Header("Content-Type");
  EXPECT_EQ(html.Header("Content-Language"), "vi");
  EXPECT_NE(html.body.find("<html lang=\"vi\">"), std::string::npos);
  EXPECT_NE(html.body.find("Không gian văn hóa Cồng chiêng"), std::string::npos)
      << "UNESCO highlight";
  EXPECT_NE(html.body.find("/tim-kiem?kind=relic"), std::string::npos) << "entry point by kind";
  EXPECT_NE(html.body.find("Bảo tàng tỉnh Đắk Nông"), std::string::npos);
  EXPECT_NE(html.body.find("id=\"map-data\""), std::string::npos) << "the home map";
  Reply json_home =
      testing::SendHttp(server_.port, "GET", "/", {{"Accept", "application/json"}}, "");
  ASSERT_EQ(json_home.status, 200);
  EXPECT_EQ(json_home.doc["counts"]["items"], 5);
  Reply api = testing::SendHttp(server_.port, "GET", "/api/v1", {}, "");
  EXPECT_EQ(api.doc["counts"]["organisations"], 1) << api;
}

// The public's home page is kept between changes: a new record, an edit or a deletion shows
// at the next request, and each language and host has its own copy.
TEST_F(PortalTest, HomeShowsEveryChangeAtOnce) {
  auto items_shown = [&](const std::string& path) {
    Reply r = Page(path);
    EXPECT_EQ(r.status, 200) << r;
    return r.body;
  };
  const std::string before_vi = items_shown("/"), before_en = items_shown("/?lang=en");
  EXPECT_EQ(items_shown("/"), before_vi) << "unchanged catalogue, same page";
  EXPECT_NE(before_vi, before_en);
  EXPECT_NE(before_en.find("lang=\"en\""), std::string::npos);
  json unesco = testing::RelicDocument("Di sản mới Đắk Song");
  unesco["recognitions"][0]["level"] = "special_national";
  std::string added = Create(RecordClass::kItem, unesco);
  EXPECT_EQ(before_vi.find("Di sản mới Đắk Song"), std::string::npos);
  EXPECT_NE(items_shown("/").find("Di sản mới Đắk Song"), std::string::npos) << "a new highlight at once";
  EXPECT_NE(items_shown("/?lang=en").find("Di sản mới Đắk Song"), std::string::npos);
  ASSERT_TRUE(server_.catalogue->Delete(RecordClass::kItem, added, std::nullopt, server_.staff, "test"));
  EXPECT_EQ(items_shown("/").find("Di sản mới Đắk Song"), std::string::npos) << "gone at once";
  Reply other_host = Page("/", {{"Host", "portal.example.org"}});
  EXPECT_NE(other_host.body.find("href=\"http://portal.example.org/\""), std::string::npos)
      << "its own canonical link";
  EXPECT_EQ(other_host.body.find("http://127.0.0.1"), std::string::npos) << "no other host's links";
}

TEST_F(PortalTest, LanguageBySwitchCookieAndAcceptLanguage) {
  Reply en = Page("/?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_EQ(en.Header("Content-Language"), "en");
  EXPECT_NE(en.Header("Set-Cookie").find("lang=en"), std::string::npos) << en.Header("Set-Cookie");
  EXPECT_NE(en.body.find("Gong culture space"), std::string::npos) << "English names in English";
  EXPECT_NE(en.body.find(">Tiếng Việt</a>"), std::string::npos) << "the switch back";
  EXPECT_EQ(Page("/", {{"Cookie", "lang=en"}}).Header("Content-Language"), "en");
  EXPECT_EQ(Page("/", {{"Accept-Language", "en-US,en;q=0.9"}}).Header("Content-Language"), "en");
  EXPECT_EQ(Page("/", {{"Accept-Language", "en;q=0.4,vi;q=0.9"}}).Header("Content-Language"), "vi");
  EXPECT_EQ(Page("/?lang=vi", {{"Cookie", "lang=en"}}).Header("Content-Language"), "vi");
  EXPECT_TRUE(Page("/?lang=xx").Header("Set-Cookie").empty());
}

TEST_F(PortalTest, ItemPageShowsTheWholeRecord) {
  std::string path = ItemPath(prison_);
  EXPECT_EQ(path, "/di-san/nha-nguc-dak-mil-" + prison_);
  Reply r = Page(path);
  ASSERT_EQ(r.status, 200) << r;
  const std::string& b = r.body;
  for (const std::string& expected : std::vector<std::string>{
           "Di tích lịch sử Nhà ngục Đắk Mil (Ngục Đăk Mil)",
           "Dak Mil Prison",
           "lang=\"cmo\"",
           "10/2005/QĐ-BVHTT",
           "2005-03-17",
           "Xã Thuận An",
           "Lâm Đồng",
           "Đắk Lao",
           "thập niên 1940",
           "1940–1949",
           "Nhà ngục do thực dân Pháp",
           "Ê Đê",
           "Bảo tàng tỉnh Đắk Nông",
           "/to-chuc/bao-tang-tinh-dak-nong-" + museum_,
           "/khu-vuc/cong-vien-dia-chat-dak-nong-" + geopark_,
           "https://example.org/nha-nguc",
           "CC BY 4.0",
           "/api/v1/items/" + prison_,
           "/api/v1/items/" + prison_ + ".jsonld",
           "/id/" + prison_,
           "application/ld+json",
           "og:title",
           "rel=\"canonical\" href=\"http://127.0.0.1:" + std::to_string(server_.port) + path +
               "\""}) {
    EXPECT_NE(b.find(expected), std::string::npos) << "missing " << expected;
  }
  // The embedded JSON-LD parses and names the record.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      b, m, std::regex(R"(<script type="application/ld\+json">([^<]*)</script>)")));
  json ld = json::parse(m[1].str(), nullptr, false);
  ASSERT_FALSE(ld.is_discarded()) << m[1];
  EXPECT_EQ(ld["identifier"], prison_);
  EXPECT_EQ(ld["@context"], "https://schema.org");
  EXPECT_EQ(ld["containedInPlace"]["geo"]["latitude"], 12.4465);
}

TEST_F(PortalTest, SensitiveSitesShowOnlyAGeneralisedLocation) {
  Reply r = Page(ItemPath(cave_));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body.find("12.43219"), std::string::npos) << "the exact point leaked";
  EXPECT_EQ(r.body.find("bí mật"), std::string::npos) << "the village address leaked";
  EXPECT_NE(r.body.find("\"generalised\":true"), std::string::npos);
}

TEST_F(PortalTest, AWrongSlugRedirectsToTheCanonicalOne) {
  std::string canonical = ItemPath(prison_);
  Reply wrong = Page("/di-san/old-name-" + prison_ + "?lang=en");
  EXPECT_EQ(wrong.status, 301);
  EXPECT_EQ(wrong.Header("Location"), canonical + "?lang=en");
  // A typed pid with a wrong check character or unknown is a friendly 404 page.
  std::string typo = prison_;
  typo.back() = typo.back() == 'b' ? 'c' : 'b';
  for (const std::string& path :
       std::vector<std::string>{"/di-san/nha-nguc-" + typo, "/di-san/nothing", "/di-san/x-dn-"}) {
    Reply missing = Page(path);
    EXPECT_EQ(missing.status, 404) << path;
    EXPECT_TRUE(missing.Header("Content-Type").starts_with("text/html")) << path;
  }
  // Records of another class, and records the public may not see, are not items here.
  EXPECT_EQ(Page("/di-san/" + museum_).status, 404);
  EXPECT_EQ(Page("/di-san/" + hidden_).status, 404);
  EXPECT_EQ(Page("/to-chuc/" + museum_).status, 301);
  // A withdrawn item says so (410).
  ASSERT_TRUE(server_.catalogue->Delete(RecordClass::kItem, gong_, std::nullopt, server_.staff,
                                        "trùng lặp"));
  Reply gone = Page("/di-san/" + gong_);
  EXPECT_EQ(gone.status, 410) << gone;
  EXPECT_NE(gone.body.find("Bản ghi đã được rút khỏi danh mục"), std::string::npos);
  EXPECT_NE(gone.body.find("This record was withdrawn"), std::string::npos);
}

TEST_F(PortalTest, FriendlyNotFoundInBothLanguages) {
  Reply vi = Page("/khong-co-trang-nay");
  EXPECT_EQ(vi.status, 404);
  EXPECT_NE(vi.body.find("Không tìm thấy trang"), std::string::npos);
  EXPECT_NE(vi.body.find("Page not found"), std::string::npos);
  EXPECT_NE(vi.body.find("action=\"/tim-kiem\""), std::string::npos) << "a way on";
  Reply en = Page("/nope", {{"Cookie", "lang=en"}});
  EXPECT_EQ(en.status, 404);
  EXPECT_LT(en.body.find("Page not found"), en.body.find("Không tìm thấy trang"));
  // API clients still get problem documents.
  Reply api = testing::SendHttp(server_.port, "GET", "/nope", {{"Accept", "application/json"}}, "");
  EXPECT_EQ(api.status, 404);
  EXPECT_TRUE(api.IsProblem()) << api;
  Reply hostile_path = Page("/%3Cscript%3Ealert(1)%3C/script%3E");
  EXPECT_EQ(hostile_path.status, 404);
  EXPECT_EQ(hostile_path.body.find(kHostile), std::string::npos);
}

TEST_F(PortalTest, RecordsNamedWithMarkupRenderAsTextOnEveryPage) {
  std::string item = ItemPath(hostile_);
  ASSERT_FALSE(item.empty());
  for (const std::string& path :
       std::vector<std::string>{"/", "/tim-kiem?q=script", "/tim-kiem?q=alert&view=map", item,
                                "/tong-danh-muc", "/to-chuc/" + museum_, "/du-lieu-mo"}) {
    Reply r = Page(path);
    if (r.status == 301) r = Page(r.Header("Location"));
    ASSERT_EQ(r.status, 200) << path << r;
    EXPECT_EQ(r.body.find(kHostile), std::string::npos) << path << " renders the name as markup";
    EXPECT_EQ(r.body.find("<script>alert"), std::string::npos) << path;
    if (path != "/du-lieu-mo" && path != "/" && path.find("view=map") == std::string::npos) {
      EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos)
          << path << " should show the name as text";
    }
  }
  Reply sitemap = testing::SendHttp(server_.port, "GET", "/sitemap.xml", {}, "");
  EXPECT_EQ(sitemap.body.find(kHostile), std::string::npos);
}

TEST_F(PortalTest, SearchWithoutDiacriticsFacetsAndShareableUrls) {
  Reply r = Page("/tim-kiem?q=nha%20nguc%20dak%20mil");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_NE(r.body.find(ItemPath(prison_)), std::string::npos)
      << "\"nha nguc dak mil\" finds the prison";
  EXPECT_NE(r.body.find("<mark>"), std::string::npos) << "a snippet with the match";
  EXPECT_NE(r.body.find("value=\"nha nguc dak mil\""), std::string::npos)
      << "the box keeps the query";
  // Facets are links with counts that add the filter to the current search.
  Reply all = Page("/tim-kiem");
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("<span data-total>4</span>"), std::string::npos) << "public items only";
  EXPECT_NE(all.body.find("href=\"/tim-kiem?kind=intangible\""), std::string::npos);
  Reply relics = Page("/tim-kiem?kind=relic");
  EXPECT_NE(relics.body.find("<span data-total>3</span>"), std::string::npos);
  EXPECT_EQ(Count(relics.body, "class=\"card\""), 3u);
  EXPECT_NE(relics.body.find("checked"), std::string::npos) << "the chosen facet is checked";
  EXPECT_NE(relics.body.find("/api/v1/export.csv?kind=relic"), std::string::npos);
  EXPECT_NE(relics.body.find("/api/v1/export.xlsx?kind=relic"), std::string::npos);
  // Map view of the same search.
  Reply map = Page("/tim-kiem?kind=relic&view=map");
  EXPECT_NE(map.body.find("id=\"map-data\""), std::string::npos);
  EXPECT_NE(map.body.find("/static/leaflet.js"), std::string::npos);
  // Spelling.
  Reply typo = Page("/tim-kiem?q=nha%20nguk");
  EXPECT_EQ(typo.status, 200);
}

TEST_F(PortalTest, FacetsShowTheirLargestValuesAndTheChosenOnes) {
  for (int i = 0; i < 15; ++i) {
    json doc = testing::RelicDocument("Di tích số " + std::to_string(i));
    doc["places"][0]["district_old"] = "Huyện " + std::to_string(100 + i);
    Create(RecordClass::kItem, doc);
  }
  Reply all = Page("/tim-kiem");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(Count(all.body, "name=\"district\""), 12u);
  // The chosen value is shown (and checked) even when it is not among the largest.
  bool shown_any = false;
  for (int i = 0; i < 15; ++i) {
    std::string value = "Huyện " + std::to_string(100 + i);
    if (all.body.find("value=\"" + value + "\"") != std::string::npos) continue;
    Reply chosen = Page("/tim-kiem?district=" + PercentEncode(value));
    EXPECT_NE(chosen.body.find("value=\"" + value + "\" checked"), std::string::npos) << value;
    shown_any = true;
    break;
  }
  EXPECT_TRUE(shown_any);
}

TEST_F(PortalTest, BadSearchParametersAreRefusedClearly) {
  Reply sort = Page("/tim-kiem?sort=%3Cscript%3E");
  EXPECT_EQ(sort.status, 422) << sort;
  EXPECT_TRUE(sort.Header("Content-Type").starts_with("text/html"));
  EXPECT_NE(sort.body.find("sort: phải là relevance"), std::string::npos);
  EXPECT_NE(sort.body.find("sort: must be relevance"), std::string::npos);
  EXPECT_EQ(sort.body.find("<script>"), std::string::npos);
  Reply problem = testing::SendHttp(server_.port, "GET", "/tim-kiem?sort=bad",
                                    {{"Accept", "application/json"}}, "");
  EXPECT_EQ(problem.status, 422);
  EXPECT_TRUE(problem.NamesParameter("sort")) << problem;
  Reply long_q = Page("/tim-kiem?q=" + std::string(2000, 'a'));
  EXPECT_EQ(long_q.status, 422);
  std::string many = "/tim-kiem?";
  for (int i = 0; i < 60; ++i) many += "district=d" + std::to_string(i) + "&";
  EXPECT_EQ(Page(many).status, 422);
  EXPECT_EQ(Page("/tim-kiem?cursor=garbage").status / 100, 4);
  EXPECT_EQ(Page("/tim-kiem?q=%22unclosed").status, 200);
  Reply kind = Page("/tong-danh-muc?kind=nope");
  EXPECT_EQ(kind.status, 422);
}

TEST_F(PortalTest, CatalogueGroupsByKindAndLevelInVietnameseOrder) {
  Create(RecordClass::kItem, testing::RelicDocument("Đồi 722"));
  Create(RecordClass::kItem, testing::RelicDocument("Bia tưởng niệm"));
  Create(RecordClass::kItem, testing::RelicDocument("Đình làng"));
  Reply r = Page("/tong-danh-muc");
  ASSERT_EQ(r.status, 200) << r;
  const std::string& b = r.body;
  size_t relic = b.find(">Di tích ("), intangible = b.find(">Di sản văn hóa phi vật thể (");
  ASSERT_NE(relic, std::string::npos);
  ASSERT_NE(intangible, std::string::npos);
  // Vietnamese collation: B < D < Đ (Đ sorts after D, unlike a byte order that puts it last).
  size_t bia = b.find("Bia tưởng niệm"), dinh = b.find("Đình làng"), doi = b.find("Đồi 722"),
         hang = b.find("Hang C7");
  ASSERT_NE(bia, std::string::npos);
  EXPECT_LT(bia, dinh);
  EXPECT_LT(dinh, doi);
  EXPECT_LT(doi, hang);
  EXPECT_NE(b.find("UNESCO"), std::string::npos);
  EXPECT_NE(b.find("/static/print.css"), std::string::npos);
  EXPECT_NE(b.find("/api/v1/export.csv"), std::string::npos);
  EXPECT_NE(b.find("/api/v1/export.xlsx"), std::string::npos);
  EXPECT_EQ(b.find("Di tích chưa công bố"), std::string::npos)
      << "restricted records are not public";
  Reply only = Page("/tong-danh-muc?kind=intangible");
  EXPECT_EQ(only.body.find("Bia tưởng niệm"), std::string::npos);
  EXPECT_NE(only.body.find("Cồng chiêng"), std::string::npos);
  EXPECT_NE(only.body.find("/api/v1/export.csv?kind=intangible"), std::string::npos);
}

TEST_F(PortalTest, OrganisationAndAreaPagesListWhatTheyHold) {
  Reply museum = Page("/to-chuc/bao-tang-tinh-dak-nong-" + museum_);
  ASSERT_EQ(museum.status, 200) << museum;
  EXPECT_NE(museum.body.find("Nhà ngục Đắk Mil"), std::string::npos);
  EXPECT_NE(museum.body.find("(2)"), std::string::npos) << "two items in its care";
  Reply area = Page("/khu-vuc/cong-vien-dia-chat-dak-nong-" + geopark_);
  ASSERT_EQ(area.status, 200) << area;
  EXPECT_NE(area.body.find("Nhà ngục Đắk Mil"), std::string::npos);
  EXPECT_NE(area.body.find("/to-chuc/bao-tang-tinh-dak-nong-" + museum_), std::string::npos)
      << "its manager";
  Reply open = Page("/du-lieu-mo");
  ASSERT_EQ(open.status, 200);
  for (const char* link :
       {"/oai?verb=Identify", "/api/v1/openapi.json", "/api/v1/changes", "/api/v1/export.csv"}) {
    EXPECT_NE(open.body.find(link), std::string::npos) << link;
  }
}

TEST_F(PortalTest, RobotsAndSitemap) {
  Reply robots = testing::SendHttp(server_.port, "GET", "/robots.txt", {}, "");
  ASSERT_EQ(robots.status, 200);
  EXPECT_NE(robots.body.find("Sitemap: http://127.0.0.1:" + std::to_string(server_.port) +
                             "/sitemap.xml"),
            std::string::npos)
      << robots.body;
  Reply sitemap = testing::SendHttp(server_.port, "GET", "/sitemap.xml", {}, "");
  ASSERT_EQ(sitemap.status, 200);
  EXPECT_TRUE(sitemap.Header("Content-Type").starts_with("application/xml"));
  EXPECT_NE(sitemap.body.find("/di-san/nha-nguc-dak-mil-" + prison_ + "</loc>"), std::string::npos);
  EXPECT_NE(sitemap.body.find("/to-chuc/bao-tang-tinh-dak-nong-" + museum_), std::string::npos);
  EXPECT_EQ(sitemap.body.find(hidden_), std::string::npos) << "restricted records are not listed";
  EXPECT_EQ(Count(sitemap.body, "<url>"), 4u + 4u + 2u);
}

TEST_F(PortalTest, MediaAppearWithTheirViewers) {
  Reply bare = Page(ItemPath(prison_));
  EXPECT_EQ(bare.body.find("data-deepzoom"), std::string::npos) << "no viewer without media";
  EXPECT_EQ(bare.body.find("openseadragon"), std::string::npos);
  EXPECT_EQ(bare.body.find("/iiif/3/manifests/"), std::string::npos)
      << "no link to a manifest that answers 404 (an item without media has none)";
  std::string auth = "Bearer " + server_.token;
  Reply image = testing::SendHttp(
      server_.port, "POST",
      "/api/v1/items/" + prison_ + "/media?caption_vi=Cổng%20nhà%20ngục&caption_en=The%20gate",
      {{"Authorization", auth}, {"Content-Type", "application/octet-stream"}},
      testing::SampleJpeg());
  ASSERT_EQ(image.status, 201) << image;
  std::string id = image.doc["id"];
  Reply model =
      testing::SendHttp(server_.port, "POST", "/api/v1/items/" + prison_ + "/media?role=model_3d",
                        {{"Authorization", auth}, {"Content-Type", "application/octet-stream"}},
                        testing::SampleGlb());
  ASSERT_EQ(model.status, 201) << model;
  Reply r = Page(ItemPath(prison_));
  EXPECT_NE(r.body.find("data-deepzoom=\"/iiif/3/" + id + "/info.json\""), std::string::npos);
  EXPECT_NE(r.body.find("/iiif/3/" + id + "/full/!400,400/0/default.jpg"), std::string::npos);
  EXPECT_NE(r.body.find("alt=\"Cổng nhà ngục\""), std::string::npos) << "alt text from the caption";
  EXPECT_NE(r.body.find("/static/openseadragon.min.js"), std::string::npos);
  EXPECT_NE(r.body.find("<model-viewer"), std::string::npos);
  EXPECT_NE(r.body.find("/static/model-viewer.min.js"), std::string::npos);
  EXPECT_NE(r.body.find("og:image"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/iiif/3/manifests/" + prison_ + "\""), std::string::npos);
  Reply en = Page(ItemPath(prison_) + "?lang=en");
  EXPECT_NE(en.body.find("alt=\"The gate\""), std::string::npos);
  Reply search = Page("/tim-kiem?q=nha%20nguc");
  EXPECT_NE(
      search.body.find("class=\"thumb\" src=\"/iiif/3/" + id + "/full/!400,400/0/default.jpg\""),
      std::string::npos)
      << "a thumbnail in the results";
}

TEST_F(PortalTest, StaticAssetsAreServedWithLongCacheAndNothingElse) {
  Reply css = testing::SendHttp(server_.port, "GET", "/static/portal.css", {}, "");
  ASSERT_EQ(css.status, 200) << "run the build: web/build-assets.mjs fills build/static";
  EXPECT_TRUE(css.Header("Content-Type").starts_with("text/css"));
  EXPECT_NE(css.Header("Cache-Control").find("max-age=31536000"), std::string::npos);
  for (const char* file : {"leaflet.js", "openseadragon.min.js", "model-viewer.min.js",
                           "photo-sphere-viewer.module.js", "three.module.min.js", "portal.js",
                           "panorama.js", "print.css"}) {
    EXPECT_EQ(testing::SendHttp(server_.port, "GET", std::string("/static/") + file, {}, "").status,
              200)
        << file;
  }
  for (const char* bad : {"/static/..%2F..%2FCMakeCache.txt", "/static/.stamp", "/static/nope.js",
                          "/static/%2Fetc%2Fpasswd", "/static/a%00b"}) {
    Reply r = testing::SendHttp(server_.port, "GET", bad, {}, "");
    // An encoded NUL is refused by the request grammar itself (400); the rest find no file.
    EXPECT_EQ(r.status, std::string_view(bad).ends_with("%00b") ? 400 : 404) << bad;
  }
  Reply home = Page("/");
  EXPECT_EQ(home.body.find("http://cdn"), std::string::npos);
  EXPECT_EQ(home.body.find("https://unpkg"), std::string::npos);
  EXPECT_EQ(home.body.find("fonts.googleapis"), std::string::npos);
  EXPECT_FALSE(home.Header("Content-Security-Policy").empty());
}

// Past the limits (lowered here from 50,000 URLs and 2,000 items), /sitemap.xml becomes an
// index of files that together list every URL once, and the catalogue goes by kind and page.
class PortalScaleTest : public ::testing::Test {
 protected:
  static http::ServerOptions Small() {
    http::ServerOptions o;
    o.sitemap_urls = 5;
    o.catalogue_rows = 3;
    return o;
  }
  std::string Create(RecordClass cls, const json& doc) {
    Result<StoredRecord> r = server_.catalogue->Create(cls, doc, server_.staff, "test");
    if (!r) ADD_FAILURE() << r.error().Describe();
    return r ? r->pid : "";
  }
  Reply Get(const std::string& path) {
    return testing::SendHttp(server_.port, "GET", path, {{"Accept", kHtml}}, "");
  }
  static std::vector<std::string> All(const std::string& body, const std::regex& re) {
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator();
         ++it)
      out.push_back((*it)[1]);
    return out;
  }
  testing::TestServer server_{Small()};
};

TEST_F(PortalScaleTest, SitemapIndexListsEveryUrlOnceAndCataloguePagesCoverEveryItem) {
  // Names in Vietnamese collation order: A < Ă < B < Đ < E < Ơ < Ư < Y.
  const std::vector<std::string> names = {"Am Ba", "Ăn Đá", "Bon Ja", "Đình Cũ",
                                          "Ea Snô", "Ơ Lâm", "Ưng Hòa", "Yang Tao"};
  std::vector<std::string> relics;
  for (size_t i = names.size(); i-- > 0;)  // created in reverse: the order is the collation's
    relics.push_back(Create(RecordClass::kItem, testing::RelicDocument(names[i])));
  json gong = {{"kind", "intangible"},
               {"names", json::array({{{"lang", "vi"}, {"value", "Cồng chiêng"}, {"preferred", true}}})}};
  Create(RecordClass::kItem, gong);
  Create(RecordClass::kOrganisation,
         {{"kind", "museum"},
          {"names", json::array({{{"lang", "vi"}, {"value", "Bảo tàng"}, {"preferred", true}}})}});
  // 4 pages + 9 items + 1 organisation = 14 URLs: 3 files of at most 5.
  Reply index = Get("/sitemap.xml");
  ASSERT_EQ(index.status, 200) << index;
  ASSERT_NE(index.body.find("<sitemapindex"), std::string::npos) << index.body;
  std::vector<std::string> files = All(index.body, std::regex("<loc>[^<]*(/sitemaps/[0-9]+\\.xml)</loc>"));
  ASSERT_EQ(files, (std::vector<std::string>{"/sitemaps/1.xml", "/sitemaps/2.xml", "/sitemaps/3.xml"}));
  std::vector<std::string> urls;
  for (const std::string& f : files) {
    Reply part = Get(f);
    ASSERT_EQ(part.status, 200) << f << part;
    ASSERT_NE(part.body.find("<urlset"), std::string::npos);
    std::vector<std::string> locs = All(part.body, std::regex("<loc>([^<]*)</loc>"));
    EXPECT_LE(locs.size(), 5u) << f;
    urls.insert(urls.end(), locs.begin(), locs.end());
  }
  EXPECT_EQ(urls.size(), 14u);
  EXPECT_EQ(std::set<std::string>(urls.begin(), urls.end()).size(), urls.size()) << "each once";
  for (const std::string& pid : relics) {
    EXPECT_EQ(std::count_if(urls.begin(), urls.end(),
                            [&](const std::string& u) { return u.ends_with("-" + pid); }),
              1)
        << pid;
  }
  for (const char* bad : {"/sitemaps/4.xml", "/sitemaps/0.xml", "/sitemaps/01.xml",
                          "/sitemaps/x.xml", "/sitemaps/1.json", "/sitemaps/99999999999.xml"}) {
    Reply r = testing::SendHttp(server_.port, "GET", bad, {}, "");
    EXPECT_EQ(r.status, 404) << bad << r;
    EXPECT_TRUE(r.IsProblem()) << bad << r;
  }

  // The catalogue: 9 items > 3, so counts by kind with links, and no rows.
  Reply summary = Get("/tong-danh-muc");
  ASSERT_EQ(summary.status, 200) << summary;
  EXPECT_NE(summary.body.find("/tong-danh-muc?kind=relic"), std::string::npos);
  EXPECT_EQ(summary.body.find("class=\"pid\""), std::string::npos) << "no rows in the summary";
  EXPECT_NE(summary.body.find("(8)"), std::string::npos) << "8 relics";
  // One kind, three at a time, following the pages' own links: every relic once, in order.
  std::vector<std::string> seen;
  std::string next = "/tong-danh-muc?kind=relic";
  for (int page = 0; page < 10 && !next.empty(); ++page) {
    Reply r = Get(next);
    ASSERT_EQ(r.status, 200) << next << r;
    std::vector<std::string> pids = All(r.body, std::regex("<td class=\"pid\">([^<]*)</td>"));
    EXPECT_LE(pids.size(), 3u);
    seen.insert(seen.end(), pids.begin(), pids.end());
    std::vector<std::string> links = All(r.body, std::regex("<a href=\"([^\"]*)\" rel=\"next\""));
    next = links.empty() ? "" : std::regex_replace(links[0], std::regex("&amp;"), "&");
  }
  std::vector<std::string> expected(relics.rbegin(), relics.rend());
  EXPECT_EQ(seen, expected);
  Reply forged = Get("/tong-danh-muc?kind=relic&after=not-a-cursor");
  EXPECT_EQ(forged.status, 422) << forged;
}

}  // namespace
}  // namespace disan
