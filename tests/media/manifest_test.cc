// The IIIF Presentation 3.0 builders, field by field, on items made in the test: labels,
// summary and metadata as language maps, attribution, rights URIs, links, one canvas per
// image, sound and video, renderings for models and PDFs; collections by kind. Every document
// also passes the structural checker written from the specification.
#include "media/iiif/manifest.h"

#include <gtest/gtest.h>

#include <set>

#include "support/presentation_check.h"

namespace disan::media::iiif {
namespace {

using nlohmann::json;

const std::string kSite = "https://disan.example/vn";

MediaAsset Asset(const std::string& id, const std::string& media_type, json technical,
                 const std::string& caption_vi = "", const std::string& licence = "cc_by_4_0") {
  MediaAsset a;
  a.id = id;
  a.record_pid = "dn-4kq8zx2bv";
  a.media_type = media_type;
  a.format = media_type.substr(media_type.find('/') + 1);
  a.technical = std::move(technical);
  a.caption_vi = caption_vi;
  a.licence = licence;
  a.visibility = "public";
  return a;
}

StoredRecord Relic() {
  StoredRecord r;
  r.pid = "dn-4kq8zx2bv";
  r.kind = "relic";
  r.revision = 3;
  r.document = {
      {"kind", "relic"},
      {"names",
       {{{"lang", "vi"}, {"value", "Nhà ngục Đắk Mil"}, {"preferred", true}},
        {{"lang", "en"}, {"value", "Dak Mil Prison"}}}},
      {"description",
       {{{"lang", "vi"}, {"value", "Nhà ngục do thực dân Pháp xây dựng năm 1940."}},
        {{"lang", "en"}, {"value", "A prison built by the French in 1940."}}}},
      {"relic_type", "historical"},
      {"recognitions",
       {{{"level", "national"}, {"decision", "10/2005/QĐ-BVHTT"}, {"date", "2005-03-17"}}}},
      {"places",
       {{{"commune_old", "Đắk Lao"}, {"district_old", "Đắk Mil"}, {"province_old", "Đắk Nông"}}}},
      {"dating", {{"text", "năm 1940"}, {"from_year", 1940}, {"to_year", 1941}}},
      {"ethnic_groups", {"e_de"}},
      {"licence", "cc_by_sa_4_0"},
      {"rights_holder", "Bảo tàng tỉnh Đắk Nông"}};
  return r;
}

class ManifestTest : public ::testing::Test {
 protected:
  ManifestInput Input() {
    ManifestInput in;
    in.schema = schema_.get();
    in.item = &item_;
    in.site_url = kSite;
    in.homepage_path = "/di-san/nha-nguc-dak-mil-dn-4kq8zx2bv";
    in.provider = {kSite + "/", kSite + "/", "Di sản văn hóa Đắk Nông",
                   "Dak Nong Cultural Heritage"};
    in.media = {
        Asset("dn-aaaaaaaa1", "image/jpeg", {{"width", 3000}, {"height", 2000}}, "Cổng chính"),
        Asset("dn-aaaaaaaa2", "audio/wav", {{"duration", 12.5}}),
        Asset("dn-aaaaaaaa3", "video/mp4", {{"duration", 3.0}, {"width", 320}, {"height", 240}}),
        Asset("dn-aaaaaaaa4", "application/pdf", json::object(), "Hồ sơ di tích"),
        Asset("dn-aaaaaaaa5", "model/gltf-binary", json::object())};
    return in;
  }
  std::shared_ptr<const Schema> schema_ = Schema::Builtin();
  StoredRecord item_ = Relic();
};

TEST_F(ManifestTest, TheManifestHasEveryRequiredAndDescriptiveProperty) {
  Result<json> built = BuildManifest(Input());
  ASSERT_TRUE(built) << built.error().Describe();
  const json& m = *built;
  EXPECT_TRUE(testing::PresentationChecker().Check(m).empty())
      << ::testing::PrintToString(testing::PresentationChecker().Check(m));
  EXPECT_EQ(m["@context"], "http://iiif.io/api/presentation/3/context.json");
  EXPECT_EQ(m["id"], kSite + "/iiif/3/manifests/dn-4kq8zx2bv");
  EXPECT_EQ(m["type"], "Manifest");
  EXPECT_EQ(m["label"], json({{"vi", {"Nhà ngục Đắk Mil"}}, {"en", {"Dak Mil Prison"}}}));
  EXPECT_EQ(m["summary"]["vi"][0], "Nhà ngục do thực dân Pháp xây dựng năm 1940.");
  EXPECT_EQ(m["summary"]["en"][0], "A prison built by the French in 1940.");

  // Metadata: every label in both languages; values from the record and the vocabularies.
  std::map<std::string, json> meta;
  for (const json& e : m["metadata"]) {
    ASSERT_TRUE(e["label"].contains("vi") && e["label"].contains("en")) << e;
    meta[e["label"]["en"][0].get<std::string>()] = e["value"];
  }
  EXPECT_EQ(meta["Identifier"], json({{"none", {"dn-4kq8zx2bv"}}}));
  EXPECT_EQ(meta["Kind of heritage"]["vi"][0], "Di tích");
  EXPECT_TRUE(meta["Kind of heritage"].contains("en"));
  EXPECT_NE(meta["Recognitions"]["vi"][0].get<std::string>().find("10/2005/QĐ-BVHTT"),
            std::string::npos);
  EXPECT_TRUE(meta["Recognitions"].contains("en"));
  EXPECT_NE(meta["Place"]["vi"][0].get<std::string>().find("Đắk Lao"), std::string::npos);
  EXPECT_EQ(meta["Dating"]["vi"][0], "năm 1940");
  EXPECT_EQ(meta["Dating"]["en"][0], "1940 to 1941");
  EXPECT_TRUE(meta["Ethnic groups"].contains("vi") && meta["Ethnic groups"].contains("en"));
  EXPECT_EQ(meta["Name"]["en"][0], "Dak Mil Prison");
  EXPECT_FALSE(meta.contains("Custodian"));

  EXPECT_EQ(m["rights"], "http://creativecommons.org/licenses/by-sa/4.0/");
  EXPECT_EQ(m["requiredStatement"]["label"]["en"][0], "Attribution");
  EXPECT_NE(
      m["requiredStatement"]["value"]["vi"][0].get<std::string>().find("Bảo tàng tỉnh Đắk Nông"),
      std::string::npos);
  EXPECT_NE(m["requiredStatement"]["value"]["en"][0].get<std::string>().find("ShareAlike"),
            std::string::npos);
  EXPECT_EQ(m["thumbnail"][0]["id"], kSite + "/api/v1/media/dn-aaaaaaaa1/thumbnail");
  EXPECT_EQ(m["thumbnail"][0]["format"], "image/jpeg");
  EXPECT_EQ(m["homepage"][0]["id"], kSite + "/di-san/nha-nguc-dak-mil-dn-4kq8zx2bv");
  EXPECT_EQ(m["homepage"][0]["format"], "text/html");
  ASSERT_EQ(m["seeAlso"].size(), 2u);
  EXPECT_EQ(m["seeAlso"][0]["id"], kSite + "/api/v1/items/dn-4kq8zx2bv");
  EXPECT_EQ(m["seeAlso"][1]["id"], kSite + "/api/v1/items/dn-4kq8zx2bv.jsonld");
  EXPECT_EQ(m["seeAlso"][1]["format"], "application/ld+json");
  EXPECT_EQ(m["provider"][0]["type"], "Agent");
  EXPECT_EQ(m["provider"][0]["label"]["vi"][0], "Di sản văn hóa Đắk Nông");
}

TEST_F(ManifestTest, ImagesSoundsAndVideosAreCanvasesModelsAndPdfsAreRenderings) {
  json m = *BuildManifest(Input());
  ASSERT_EQ(m["items"].size(), 3u);
  const json& image = m["items"][0];
  EXPECT_EQ(image["id"], kSite + "/iiif/3/manifests/dn-4kq8zx2bv/canvas/dn-aaaaaaaa1");
  EXPECT_EQ(image["label"]["vi"][0], "Cổng chính");
  EXPECT_EQ(image["width"], 3000);
  EXPECT_EQ(image["height"], 2000);
  EXPECT_FALSE(image.contains("duration"));
  const json& body = image["items"][0]["items"][0]["body"];
  EXPECT_EQ(body["type"], "Image");
  EXPECT_EQ(body["service"][0], json({{"id", kSite + "/iiif/3/dn-aaaaaaaa1"},
                                      {"type", "ImageService3"},
                                      {"profile", "level2"}}));
  EXPECT_EQ(image["rights"], "http://creativecommons.org/licenses/by/4.0/");

  const json& sound = m["items"][1];
  EXPECT_EQ(sound["duration"], 12.5);
  EXPECT_FALSE(sound.contains("width"));
  EXPECT_FALSE(sound.contains("height"));
  const json& sbody = sound["items"][0]["items"][0]["body"];
  EXPECT_EQ(sbody["type"], "Sound");
  EXPECT_EQ(sbody["id"], kSite + "/api/v1/media/dn-aaaaaaaa2/file");
  EXPECT_EQ(sbody["format"], "audio/wav");
  EXPECT_EQ(sound["thumbnail"][0]["format"], "image/png");  // the waveform

  const json& video = m["items"][2];
  EXPECT_EQ(video["duration"], 3.0);
  EXPECT_EQ(video["width"], 320);
  EXPECT_EQ(video["height"], 240);
  EXPECT_EQ(video["items"][0]["items"][0]["body"]["type"], "Video");
  EXPECT_EQ(video["thumbnail"][0]["format"], "image/jpeg");  // the poster frame

  ASSERT_EQ(m["rendering"].size(), 2u);
  EXPECT_EQ(m["rendering"][0]["type"], "Text");
  EXPECT_EQ(m["rendering"][0]["format"], "application/pdf");
  EXPECT_EQ(m["rendering"][0]["id"], kSite + "/api/v1/media/dn-aaaaaaaa4/file");
  EXPECT_EQ(m["rendering"][1]["type"], "Model");
}

TEST_F(ManifestTest, MediaThatCannotBeShownBecomeRenderingsAndNoCanvasIsNotFound) {
  ManifestInput in = Input();
  // An unreadable image, a sound not measured yet, an MP4 holding sound only.
  in.media = {Asset("dn-bbbbbbbb1", "image/tiff", {{"readable", false}}),
              Asset("dn-bbbbbbbb2", "audio/mpeg", json::object()),
              Asset("dn-bbbbbbbb3", "video/mp4", {{"duration", 4.0}})};
  json m = *BuildManifest(in);
  ASSERT_EQ(m["items"].size(), 1u);
  EXPECT_EQ(m["items"][0]["items"][0]["items"][0]["body"]["type"], "Sound");
  EXPECT_FALSE(m["items"][0].contains("width"));
  EXPECT_EQ(m["rendering"].size(), 2u);
  EXPECT_TRUE(testing::PresentationChecker().Check(m).empty());

  in.media = {Asset("dn-bbbbbbbb4", "application/pdf", json::object())};
  Result<json> none = BuildManifest(in);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(none.error().message_vi.empty());
}

TEST_F(ManifestTest, NamesFallBackAndTheCustodianIsNamedAndProvides) {
  item_.document["names"] = {{{"lang", "vi"}, {"value", "Lễ hội cồng chiêng"}}};
  item_.document.erase("rights_holder");
  item_.document.erase("description");
  ManifestInput in = Input();
  in.custodian =
      PresentationAgent{kSite + "/id/dn-orgorgorg", kSite + "/to-chuc/bao-tang-dn-orgorgorg",
                        "Bảo tàng tỉnh Đắk Nông", "Dak Nong Provincial Museum"};
  json m = *BuildManifest(in);
  EXPECT_EQ(m["label"], json({{"vi", {"Lễ hội cồng chiêng"}}, {"en", {"Lễ hội cồng chiêng"}}}));
  EXPECT_FALSE(m.contains("summary"));
  EXPECT_EQ(m["requiredStatement"]["value"]["en"][0].get<std::string>().substr(0, 26),
            "Dak Nong Provincial Museum");
  ASSERT_EQ(m["provider"].size(), 2u);
  EXPECT_EQ(m["provider"][1]["id"], kSite + "/id/dn-orgorgorg");
  EXPECT_EQ(m["provider"][1]["homepage"][0]["id"], kSite + "/to-chuc/bao-tang-dn-orgorgorg");
  bool named = false;
  for (const json& e : m["metadata"])
    named = named ||
            (e["label"]["en"][0] == "Custodian" && e["value"]["vi"][0] == "Bảo tàng tỉnh Đắk Nông");
  EXPECT_TRUE(named);
  EXPECT_TRUE(testing::PresentationChecker().Check(m).empty());
}

TEST_F(ManifestTest, RightsUrisAreThoseTheSpecificationAccepts) {
  EXPECT_EQ(RightsUri(*schema_, "cc0_1_0"), "http://creativecommons.org/publicdomain/zero/1.0/");
  EXPECT_EQ(RightsUri(*schema_, "cc_by_nc_4_0"), "http://creativecommons.org/licenses/by-nc/4.0/");
  std::string in_copyright;
  for (const Term& t : schema_->FindVocabulary("licences")->terms)
    if (t.uri.find("rightsstatements.org") != std::string::npos) in_copyright = t.id;
  ASSERT_FALSE(in_copyright.empty());
  EXPECT_TRUE(RightsUri(*schema_, in_copyright).starts_with("http://rightsstatements.org/vocab/"));
  EXPECT_EQ(RightsUri(*schema_, "no_such_licence"), "");
  EXPECT_EQ(RightsUri(*schema_, ""), "");
  // The item without a licence has no rights property at all.
  item_.document.erase("licence");
  EXPECT_FALSE(BuildManifest(Input())->contains("rights"));
}

TEST_F(ManifestTest, CollectionsListManifestsByKindAndTheFourKinds) {
  json c = BuildKindCollection(*schema_, kSite, "relic",
                               {{"dn-4kq8zx2bv", "Nhà ngục Đắk Mil", "Dak Mil Prison"},
                                {"dn-7hq2m4x9c", "Thác Dray Sáp", ""}});
  EXPECT_TRUE(testing::PresentationChecker().Check(c).empty());
  EXPECT_EQ(c["id"], kSite + "/iiif/3/collections/relic");
  EXPECT_EQ(c["label"]["vi"][0], "Di tích");
  ASSERT_EQ(c["items"].size(), 2u);
  EXPECT_EQ(c["items"][0],
            json({{"id", kSite + "/iiif/3/manifests/dn-4kq8zx2bv"},
                  {"type", "Manifest"},
                  {"label", {{"vi", {"Nhà ngục Đắk Mil"}}, {"en", {"Dak Mil Prison"}}}}}));
  EXPECT_EQ(c["items"][1]["label"]["en"][0], "Thác Dray Sáp");

  json top = BuildTopCollection(*schema_, kSite);
  EXPECT_TRUE(testing::PresentationChecker().Check(top).empty());
  std::set<std::string> kinds;
  for (const json& i : top["items"]) {
    EXPECT_EQ(i["type"], "Collection");
    kinds.insert(i["id"]);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{kSite + "/iiif/3/collections/relic",
                                          kSite + "/iiif/3/collections/artifact",
                                          kSite + "/iiif/3/collections/intangible",
                                          kSite + "/iiif/3/collections/documentary"}));
}

TEST_F(ManifestTest, TheCheckerCatchesBrokenDocuments) {
  // The checker itself must be able to fail.
  json m = *BuildManifest(Input());
  json broken = m;
  broken["label"] = "Nhà ngục";       // not a language map
  broken["items"][1]["width"] = 100;  // a sound with a size, width without height
  broken["items"][0]["items"][0]["items"][0]["target"] = "https://elsewhere.example/canvas";
  broken["rights"] = "https://creativecommons.org/licenses/by/4.0/";
  std::vector<std::string> problems = testing::PresentationChecker().Check(broken);
  EXPECT_GE(problems.size(), 4u) << ::testing::PrintToString(problems);
  json empty = m;
  empty["items"] = json::array();
  EXPECT_FALSE(testing::PresentationChecker().Check(empty).empty());
}

}  // namespace
}  // namespace disan::media::iiif
