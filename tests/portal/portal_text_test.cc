// Unit tests of the portal's pure parts: translations complete in both languages and covering
// every key the templates and page models use, the language choice, slugs, and JSON made safe
// for <script> elements.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "portal/i18n.h"
#include "portal/portal_files.h"
#include "portal/renderer.h"
#include "portal/slug.h"
#include "support/test_support.h"

namespace disan::portal {
namespace {

using nlohmann::json;

TEST(PortalTranslations, BothLanguagesHaveTheSameKeys) {
  const Translations& t = Translations::Builtin();
  for (const auto& [key, value] : t.Strings(Lang::kVi).items()) {
    EXPECT_TRUE(t.Strings(Lang::kEn).contains(key)) << "en.json lacks " << key;
  }
  for (const auto& [key, value] : t.Strings(Lang::kEn).items()) {
    EXPECT_TRUE(t.Strings(Lang::kVi).contains(key)) << "vi.json lacks " << key;
  }
  EXPECT_GT(t.Strings(Lang::kVi).size(), 100u);
}

TEST(PortalTranslations, AMissingKeyOrAnEmptyStringIsRefused) {
  std::vector<EmbeddedFile> files = {{"i18n/vi.json", R"({"a": "một", "b": "hai"})"},
                                     {"i18n/en.json", R"({"a": "one"})"}};
  Result<Translations> t = Translations::Load(files);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message_en.find("'b'"), std::string::npos) << t.error().message_en;
  files[1].content = R"({"a": "one", "b": ""})";
  EXPECT_FALSE(Translations::Load(files));
  files[1].content = R"({"a": "one", "b": 2})";
  EXPECT_FALSE(Translations::Load(files));
  files[1].content = R"(not json)";
  EXPECT_FALSE(Translations::Load(files));
  files.pop_back();
  EXPECT_FALSE(Translations::Load(files));
  files.push_back({"i18n/en.json", R"({"a": "one", "b": "two"})"});
  EXPECT_TRUE(Translations::Load(files));
}

TEST(PortalTranslations, EveryKeyATemplateUsesIsTranslated) {
  const Renderer& r = Renderer::Builtin();
  const json& vi = r.translations().Strings(Lang::kVi);
  size_t used = 0;
  ASSERT_TRUE(r.templates().contains("layout"));
  for (const auto& [name, source] : r.templates()) {
    for (const std::string& key : TranslationKeysUsed(source)) {
      ++used;
      EXPECT_TRUE(vi.contains(key))
          << "templates/" << name << ".mustache uses t." << key << ", which web/i18n has not";
    }
  }
  EXPECT_GT(used, 50u);
}

TEST(PortalTranslations, TheKeyScannerFindsEveryForm) {
  std::set<std::string> keys =
      TranslationKeysUsed("{{t.a}} {{{t.b}}} {{#t.c}}x{{/t.c}} {{ t.d }} {{other}} {{t}}");
  EXPECT_EQ(keys, (std::set<std::string>{"a", "b", "c", "d"}));
}

// Keys the page models (src/portal/pages.cc) look up in code, including those built from a
// prefix and a facet or status.
TEST(PortalTranslations, EveryKeyThePageModelsUseIsTranslated) {
  std::ifstream in(testing::SourceDir() + "/src/portal/pages.cc");
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  ASSERT_FALSE(source.empty());
  const json& vi = Translations::Builtin().Strings(Lang::kVi);
  std::regex literal(R"re(Tr\([a-z.]+, "([a-z0-9_]+)"\))re");
  size_t n = 0;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), literal);
       it != std::sregex_iterator(); ++it) {
    ++n;
    EXPECT_TRUE(vi.contains((*it)[1].str())) << "pages.cc uses " << (*it)[1];
  }
  EXPECT_GT(n, 10u);
  for (const char* facet : {"kind", "level", "type", "district", "commune", "ethnic_group",
                            "custodian", "area", "period", "licence"}) {
    EXPECT_TRUE(vi.contains(std::string("facet_") + facet)) << facet;
  }
  for (const char* key : {"error_400", "error_404", "error_410", "error_500"}) {
    EXPECT_TRUE(vi.contains(std::string(key) + "_title")) << key;
    EXPECT_TRUE(vi.contains(std::string(key) + "_text")) << key;
  }
  for (const char* key :
       {"nav_home", "nav_search", "nav_catalogue", "nav_open_data", "sort_relevance", "sort_name",
        "sort_recognised", "sort_changed", "yes", "no"}) {
    EXPECT_TRUE(vi.contains(key)) << key;
  }
}

TEST(PortalTranslations, EveryTemplateParses) {
  std::vector<EmbeddedFile> files = PortalFiles();
  EXPECT_TRUE(Renderer::Load(files, Translations::Builtin()));
  files.push_back({"templates/broken.mustache", "{{#open}} never closed"});
  Result<Renderer> broken = Renderer::Load(files, Translations::Builtin());
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message_en.find("broken"), std::string::npos);
}

TEST(PortalLanguage, ExplicitChoiceThenCookieThenAcceptLanguage) {
  EXPECT_EQ(ChooseLang(std::nullopt, std::nullopt, std::nullopt), Lang::kVi);
  EXPECT_EQ(ChooseLang("en", std::nullopt, std::nullopt), Lang::kEn);
  EXPECT_EQ(ChooseLang("vi", "lang=en", "en"), Lang::kVi);
  EXPECT_EQ(ChooseLang(std::nullopt, "a=b; lang=en; c=d", "vi"), Lang::kEn);
  EXPECT_EQ(ChooseLang(std::nullopt, "lang=vi", "en"), Lang::kVi);
  EXPECT_EQ(ChooseLang(std::nullopt, std::nullopt, "en-GB,en;q=0.9"), Lang::kEn);
  EXPECT_EQ(ChooseLang(std::nullopt, std::nullopt, "fr-FR, en;q=0.5, vi;q=0.8"), Lang::kVi);
  EXPECT_EQ(ChooseLang(std::nullopt, std::nullopt, "fr, de"), Lang::kVi);
  // Hostile or malformed values are ignored.
  EXPECT_EQ(ChooseLang("<script>", "lang=<script>", "en;q=abc, ;;;, vi;q=2"), Lang::kVi);
  EXPECT_EQ(ChooseLang("xx", std::string(100000, ';'), std::string(100000, ',') + "en"), Lang::kVi);
  EXPECT_EQ(ChooseLang(std::nullopt, std::nullopt, "EN-us"), Lang::kEn);
}

TEST(PortalSlug, ReadableVietnameseSlugs) {
  EXPECT_EQ(NameSlug("Di tích lịch sử Nhà ngục Đắk Mil (Ngục Đăk Mil)"), "nha-nguc-dak-mil");
  EXPECT_EQ(NameSlug("Danh lam thắng cảnh Hang C7 (hệ thống hang động núi lửa Krông Nô)"),
            "hang-c7");
  EXPECT_EQ(NameSlug("Đàn đá Đắk Sơn"), "dan-da-dak-son");
  EXPECT_EQ(NameSlug("Ot N'drong (Sử thi) của người M'Nông"), "ot-ndrong-cua-nguoi-mnong");
  EXPECT_EQ(NameSlug("Di tích"), "di-tich");  // nothing else would remain
  EXPECT_EQ(NameSlug("<script>alert(1)</script>"), "script-alert-script");
  EXPECT_EQ(NameSlug(""), "");
  EXPECT_LE(NameSlug(std::string(5000, 'a')).size(), 60u);
  EXPECT_EQ(SlugSegment("Đàn đá Đắk Sơn", "dn-3w9kdd4fd"), "dan-da-dak-son-dn-3w9kdd4fd");
  EXPECT_EQ(SlugSegment("", "dn-3w9kdd4fd"), "dn-3w9kdd4fd");
}

TEST(PortalSlug, ThePidAtTheEndDecides) {
  EXPECT_EQ(PidOfSegment("nha-nguc-dak-mil-dn-vrqkzqw97"), "dn-vrqkzqw97");
  EXPECT_EQ(PidOfSegment("dn-vrqkzqw97"), "dn-vrqkzqw97");
  EXPECT_EQ(PidOfSegment("anything-dn-vrqkzqw97"), "dn-vrqkzqw97");
  EXPECT_EQ(PidOfSegment("nopid"), std::nullopt);
  EXPECT_EQ(PidOfSegment("-x"), std::nullopt);
  EXPECT_EQ(PidOfSegment("a-"), std::nullopt);
  EXPECT_EQ(PidOfSegment(std::string(1000, 'a') + "-dn-vrqkzqw97"), std::nullopt);
}

TEST(PortalScriptJson, NoStringCanCloseTheScriptElement) {
  json v = {{"name", "</script><script>alert(1)</script>"}, {"amp", "a & b"}, {"c", "<!--"}};
  std::string out = ScriptJson(v);
  EXPECT_EQ(out.find('<'), std::string::npos) << out;
  EXPECT_EQ(out.find('>'), std::string::npos) << out;
  EXPECT_EQ(out.find('&'), std::string::npos) << out;
  EXPECT_EQ(json::parse(out), v);  // still the same JSON
}

TEST(PortalRenderer, UserTextIsEscapedAndLayoutWraps) {
  const Renderer& r = Renderer::Builtin();
  json model = {{"title", "<b>x</b>"},
                {"description", "\"quoted\" 'single'"},
                {"heading", "<script>alert(1)</script>"},
                {"text", "t"},
                {"canonical", "/"},
                {"nav", json::array()}};
  Result<std::string> html = r.Page("error", model, Lang::kEn);
  ASSERT_TRUE(html) << html.error().message_en;
  EXPECT_EQ(html->find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html->find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html->find("<html lang=\"en\">"), std::string::npos);
  EXPECT_FALSE(r.Page("no_such_page", model, Lang::kVi));
}

}  // namespace
}  // namespace disan::portal
