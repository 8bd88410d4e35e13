// The IIIF Image API 3.0 over real HTTP: uploads of real images derived by the job runner,
// info.json, every kind of image request decoded back with libvips, stored tiles passed
// through, the protocol headers, 304s, the response cache, hostile identifiers and sizes, and
// restricted media that the public never sees, through any route.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "media/iiif/image_service.h"
#include "media/jobs.h"
#include "support/images.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Reply = testing::HttpReply;

using testing::Decode;

class IiifApiTest : public ::testing::Test {
 protected:
  IiifApiTest() {
    media::iiif::IiifOptions options;
    options.limits = {4000, 4000, 8'000'000};
    options.cache_dir = db_.dir.path() / "cache";
    options.cache_bytes = 2 << 20;
    images_ = std::make_unique<media::iiif::ImageService>(*db_.media, derivatives_, options);
    db_.media->SetJobListener([this] { runner_.Notify(); });
    runner_.Start();
    http::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.threads = 8;
    so.iiif = images_.get();
    token_ = *db_.catalogue->IssueToken("test");
    server_ = std::make_unique<http::HttpServer>(*db_.catalogue, so, db_.media.get());
    port_ = *server_->Bind();
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  ~IiifApiTest() override {
    server_->Stop();
    thread_.join();
    runner_.Stop();
  }

  std::string CreateItem(const json& doc) {
    Reply r =
        Send("POST", "/api/v1/items", doc.dump(), true, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.value("pid", "");
  }

  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             bool staff = false, std::multimap<std::string, std::string> headers = {}) {
    if (staff) headers.emplace("Authorization", "Bearer " + token_);
    return testing::SendHttp(port_, method, path, std::move(headers), body);
  }
  Reply Get(const std::string& path, bool staff = false,
            std::multimap<std::string, std::string> headers = {}) {
    return Send("GET", path, "", staff, std::move(headers));
  }

  // Uploads an image and waits for its derivation job to end; returns the media id.
  std::string UploadAndDerive(const std::string& pid, const std::string& bytes,
                              const std::string& query = "", const std::string& want = "done") {
    Reply up = Send("POST", "/api/v1/items/" + pid + "/media" + (query.empty() ? "" : "?" + query),
                    bytes, true, {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(up.status, 201) << up;
    std::string id = up.doc.value("id", "");
    std::string state;
    for (int i = 0; i < 1200 && state != want; ++i) {
      Reply jobs = Get("/api/v1/jobs?media=" + id, true);
      if (jobs.status == 200 && !jobs.doc["jobs"].empty()) state = jobs.doc["jobs"][0]["state"];
      if (state != want) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    EXPECT_EQ(state, want) << id;
    return id;
  }

  testing::TestCatalogue db_;
  media::Derivatives derivatives_{db_.dir.path() / "derivatives"};
  media::JobRunner runner_{*db_.store, *db_.ocfl, derivatives_, {50'000'000}};
  std::unique_ptr<media::iiif::ImageService> images_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string token_;
};

TEST_F(IiifApiTest, InfoJsonDescribesTheImageItsTilesAndLimits) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(3000, 2000));
  Reply r = Get("/iiif/3/" + id + "/info.json");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("Content-Type").substr(0, 16), "application/json");
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(r.Header("Link").find("level2.json>;rel=\"profile\""), std::string::npos);
  EXPECT_FALSE(r.Header("ETag").empty());
  EXPECT_NE(r.Header("Cache-Control").find("public"), std::string::npos);
  const json& info = r.doc;
  EXPECT_EQ(info["@context"], "http://iiif.io/api/image/3/context.json");
  EXPECT_EQ(info["id"], "http://127.0.0.1:" + std::to_string(port_) + "/iiif/3/" + id);
  EXPECT_EQ(info["type"], "ImageService3");
  EXPECT_EQ(info["protocol"], "http://iiif.io/api/image");
  EXPECT_EQ(info["profile"], "level2");
  EXPECT_EQ(info["width"], 3000);
  EXPECT_EQ(info["height"], 2000);
  EXPECT_EQ(info["maxWidth"], 4000);
  EXPECT_EQ(info["maxHeight"], 4000);
  EXPECT_EQ(info["maxArea"], 8000000);
  EXPECT_EQ(info["tiles"][0]["width"], 256);
  EXPECT_EQ(info["tiles"][0]["scaleFactors"], json({1, 2, 4, 8, 16}));
  ASSERT_GE(info["sizes"].size(), 4u);
  EXPECT_EQ(info["sizes"].back(), json({{"width", 3000}, {"height", 2000}}));
  EXPECT_EQ(info["extraQualities"], json({"bitonal"}));
  EXPECT_EQ(info["extraFormats"], json({"webp"}));
  for (const char* feature :
       {"mirroring", "rotationArbitrary", "sizeUpscaling", "canonicalLinkHeader"}) {
    EXPECT_NE(std::find(info["extraFeatures"].begin(), info["extraFeatures"].end(), feature),
              info["extraFeatures"].end())
        << feature;
  }
  // JSON-LD when asked for; 304 with the ETag; the base URI redirects.
  Reply ld = Get("/iiif/3/" + id + "/info.json", false, {{"Accept", "application/ld+json"}});
  EXPECT_NE(ld.Header("Content-Type").find("application/ld+json"), std::string::npos);
  Reply again = Get("/iiif/3/" + id + "/info.json", false, {{"If-None-Match", r.Header("ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  Reply base = Get("/iiif/3/" + id);
  EXPECT_EQ(base.status, 303);
  EXPECT_EQ(base.Header("Location"), info["id"].get<std::string>() + "/info.json");
}

TEST_F(IiifApiTest, ImageRequestsDecodeToWhatWasAskedFor) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(3000, 2000));
  struct Case {
    std::string request;
    int width, height, bands;
    std::string type;
  };
  for (const Case& c : std::vector<Case>{
           // decoded with libvips: each must be what it says
           {"full/max/0/default.jpg", 3000, 2000, 3, "image/jpeg"},
           {"full/600,/0/default.jpg", 600, 400, 3, "image/jpeg"},
           {"square/200,200/0/default.png", 200, 200, 3, "image/png"},
           {"100,100,1000,500/,250/0/color.webp", 500, 250, 3, "image/webp"},
           {"pct:10,10,50,50/pct:20/0/gray.png", 300, 200, 1, "image/png"},
           {"full/!500,500/90/default.jpg", 333, 500, 3, "image/jpeg"},
           {"full/300,200/!180/bitonal.png", 300, 200, 1, "image/png"},
           {"0,0,100,100/^400,/0/default.jpg", 400, 400, 3, "image/jpeg"},
           {"2900,1900,500,500/max/0/default.jpg", 100, 100, 3, "image/jpeg"},
       }) {
    Reply r = Get("/iiif/3/" + id + "/" + c.request);
    ASSERT_EQ(r.status, 200) << c.request << " " << r;
    ASSERT_EQ(r.Header("Content-Type"), c.type) << c.request;
    vips::VImage img;
    try {
      img = Decode(r.body);
    } catch (const vips::VError& e) {
      FAIL() << c.request << ": " << e.what() << " " << r.body.substr(0, 16);
    }
    EXPECT_EQ(img.width(), c.width) << c.request;
    EXPECT_EQ(img.height(), c.height) << c.request;
    EXPECT_EQ(img.bands(), c.bands) << c.request;
    EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  }
  // Bitonal is black and white only; gray has no colour.
  vips::VImage bitonal = Decode(Get("/iiif/3/" + id + "/full/300,/0/bitonal.png").body);
  EXPECT_EQ(bitonal.hist_find().hist_entropy() <= 1.0, true);
  // Arbitrary rotation: the bounding box grows; PNG has transparency, JPEG a white background.
  vips::VImage turned = Decode(Get("/iiif/3/" + id + "/full/300,/22.5/default.png").body);
  EXPECT_GT(turned.width(), 300);
  EXPECT_EQ(turned.bands(), 4);
  // Mirroring: the mirrored image is the image flipped.
  vips::VImage plain = Decode(Get("/iiif/3/" + id + "/full/300,/0/default.png").body);
  vips::VImage mirrored = Decode(Get("/iiif/3/" + id + "/full/300,/!0/default.png").body);
  EXPECT_LE(
      (plain.flip(VIPS_DIRECTION_HORIZONTAL).cast(VIPS_FORMAT_INT) - mirrored.cast(VIPS_FORMAT_INT))
          .abs()
          .max(),
      0);
}

TEST_F(IiifApiTest, TileAlignedRequestsAreTheStoredTilesAndMatchTheDecodedPath) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(3000, 2000));
  // A tile as OpenSeadragon asks for it, at full resolution and at scale factor 4.
  for (const std::string& tile : {std::string("512,256,256,256/256,/0/default.jpg"),
                                  std::string("1024,0,1024,1024/256,/0/default.jpg")}) {
    Reply stored = Get("/iiif/3/" + id + "/" + tile);
    ASSERT_EQ(stored.status, 200) << stored;
    EXPECT_EQ(stored.Header("Content-Type"), "image/jpeg");
    bool canonical = false;
    for (auto [it, end] = stored.headers.equal_range("Link"); it != end; ++it) {
      canonical = canonical || it->second.find("rel=\"canonical\"") != std::string::npos;
    }
    EXPECT_TRUE(canonical) << stored;
    // The same pixels through the decoded path (PNG forces a decode).
    std::string png = tile.substr(0, tile.size() - 3) + "png";
    Reply decoded = Get("/iiif/3/" + id + "/" + png);
    ASSERT_EQ(decoded.status, 200);
    vips::VImage a = Decode(stored.body), b = Decode(decoded.body);
    ASSERT_EQ(a.width(), 256);
    ASSERT_EQ(a.height(), 256);
    EXPECT_LE((a.cast(VIPS_FORMAT_INT) - b.cast(VIPS_FORMAT_INT)).abs().avg(), 1.0) << tile;
  }
  // The stored bytes are exactly the TIFF's tile behind a JFIF header: byte-identical twice.
  Reply one = Get("/iiif/3/" + id + "/0,0,256,256/256,/0/default.jpg");
  Reply two = Get("/iiif/3/" + id + "/0,0,256,256/256,256/0/color.jpg");
  EXPECT_EQ(one.body, two.body);
  EXPECT_EQ(one.body.substr(6, 4), "JFIF");
}

TEST_F(IiifApiTest, ETagsCacheControlAndTheBoundedCache) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(1500, 1000));
  std::string path = "/iiif/3/" + id + "/full/500,/0/default.jpg";
  Reply first = Get(path);
  ASSERT_EQ(first.status, 200);
  std::string etag = first.Header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(first.Header("Cache-Control"), "public, max-age=86400");
  Reply cached = Get(path);
  EXPECT_EQ(cached.body, first.body);
  EXPECT_EQ(cached.Header("ETag"), etag);
  EXPECT_EQ(Get(path, false, {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(Get(path, false, {{"If-None-Match", "\"other\""}}).status, 200);
  // Equivalent requests share the canonical form and so the ETag.
  Reply same = Get("/iiif/3/" + id + "/0,0,1500,1000/500,333/0/default.jpg");
  EXPECT_EQ(same.Header("ETag"), etag);
  // Many distinct renderings: the cache stays within its bound (2 MiB).
  for (int w = 100; w < 1400; w += 37) {
    ASSERT_EQ(Get("/iiif/3/" + id + "/full/" + std::to_string(w) + ",/0/default.png").status, 200);
  }
  EXPECT_LE(images_->cache().bytes(), uint64_t{2} << 20);
  uint64_t on_disk = 0;
  for (const auto& e : fs::directory_iterator(db_.dir.path() / "cache")) on_disk += e.file_size();
  EXPECT_LE(on_disk, uint64_t{2} << 20);
  EXPECT_GT(images_->cache().entries(), 0u);
}

TEST_F(IiifApiTest, InvalidUnsupportedAndAbsurdRequests) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(1000, 800));
  const std::string base = "/iiif/3/" + id + "/";
  for (const char* bad :
       {"full/99999999,/0/default.jpg", "full/^99999999,/0/default.jpg",
        "full/^99999999,99999999/0/default.jpg", "full/0,/0/default.jpg", "full/,0/0/default.jpg",
        "full/pct:0/0/default.jpg", "full/1001,/0/default.jpg", "full/^5000,/0/default.jpg",
        "1000,0,10,10/max/0/default.jpg", "0,800,10,10/max/0/default.jpg",
        "0,0,0,10/max/0/default.jpg", "full/max/400/default.jpg", "full/max/-90/default.jpg",
        "full/max/0/best.jpg", "full/max/0/default.exe", "nonsense/max/0/default.jpg",
        "full/max/0/default"}) {
    Reply r = Get(base + bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r;
    EXPECT_TRUE(r.IsProblem()) << bad;
    EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  }
  Reply tif = Get(base + "full/max/0/default.tif");
  EXPECT_EQ(tif.status, 501) << tif;
  EXPECT_TRUE(tif.IsProblem());
  EXPECT_EQ(Get(base + "full/max/0/default.gif").status, 501);
}

TEST_F(IiifApiTest, UnknownAndHostileIdentifiersAreNotFound) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(600, 400));
  for (const std::string& hostile :
       {std::string("dn-bcdfghjk2"), std::string(".."), std::string("..%2F..%2Fdisan.db"),
        std::string("%2e%2e%2fdisan.db"), std::string("..%2f..%2focfl"), id + "%2F..",
        std::string("a%00b"), std::string(300, 'x'), std::string("%252e%252e"),
        item /* an item, not a media */}) {
    for (const std::string& suffix :
         {std::string("/info.json"), std::string("/full/max/0/default.jpg"), std::string("")}) {
      // "<id>%2F.." alone reaches the server as the id itself (the client or the server resolves
      // the dot segment): the id's own redirect, nothing else.
      if (suffix.empty() && hostile.starts_with(id)) continue;
      Reply r = Get("/iiif/3/" + hostile + suffix);
      EXPECT_TRUE(r.status == 404 || r.status == 400) << hostile << suffix << " " << r;
      EXPECT_NE(r.status, 200);
      EXPECT_EQ(r.body.find("\xff\xd8"), std::string::npos);
    }
  }
  Reply thumb = Get("/api/v1/media/../thumbnail");
  EXPECT_TRUE(thumb.status == 404 || thumb.status == 400) << thumb;
}

TEST_F(IiifApiTest, RestrictedMediaAndMediaOfRestrictedOrDeletedItemsAreNeverPublic) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string open = UploadAndDerive(item, testing::PictureJpeg(600, 400));
  std::string hidden =
      UploadAndDerive(item, testing::PictureJpeg(600, 400), "visibility=restricted");
  json secret_doc = testing::RelicDocument("Di chỉ khảo cổ (bảo mật)");
  secret_doc["visibility"] = "restricted";
  std::string secret_item = CreateItem(secret_doc);
  std::string in_secret = UploadAndDerive(secret_item, testing::PictureJpeg(600, 400));
  std::string doomed_item = CreateItem(testing::RelicDocument("Sẽ bị xóa"));
  std::string in_deleted = UploadAndDerive(doomed_item, testing::PictureJpeg(600, 400));
  Reply del = Send("DELETE", "/api/v1/items/" + doomed_item + "?reason=test", "", true);
  ASSERT_EQ(del.status, 200) << del;

  auto routes = [](const std::string& id) {
    return std::vector<std::string>{
        "/iiif/3/" + id + "/info.json", "/iiif/3/" + id + "/full/max/0/default.jpg",
        "/iiif/3/" + id + "/0,0,256,256/256,/0/default.jpg", "/api/v1/media/" + id + "/thumbnail"};
  };
  for (const std::string& path : routes(open)) EXPECT_EQ(Get(path).status, 200) << path;
  for (const std::string& id : {hidden, in_secret, in_deleted}) {
    for (const std::string& path : routes(id)) {
      Reply r = Get(path);
      EXPECT_TRUE(r.status == 404 || r.status == 410) << path << " " << r;
      EXPECT_EQ(r.body.find("\xff\xd8"), std::string::npos) << path;
    }
  }
  // Staff see the restricted ones, and caches are told to keep them private.
  for (const std::string& id : {hidden, in_secret}) {
    for (const std::string& path : routes(id)) {
      Reply r = Get(path, true);
      EXPECT_EQ(r.status, 200) << path << " " << r;
      EXPECT_EQ(r.Header("Cache-Control"), "private, no-cache") << path;
    }
  }
  Reply thumb = Get("/api/v1/media/" + open + "/thumbnail");
  vips::VImage t = Decode(thumb.body);
  EXPECT_EQ(t.width(), 400);
}

// The public verdict is kept per item revision (ImageService::Visible): a change of the item
// must take effect on the very next request, whatever was served before.
TEST_F(IiifApiTest, AnItemMadeRestrictedStopsBeingServedToThePublicAtOnce) {
  std::string item = CreateItem(testing::RelicDocument());
  std::string id = UploadAndDerive(item, testing::PictureJpeg(600, 400));
  const std::vector<std::string> paths = {
      "/iiif/3/" + id + "/info.json", "/iiif/3/" + id + "/0,0,256,256/256,/0/default.jpg",
      "/iiif/3/" + id + "/full/100,/0/default.jpg", "/api/v1/media/" + id + "/thumbnail"};
  auto patch = [&](const json& change) {
    Reply now = Get("/api/v1/items/" + item, true);
    Reply r =
        Send("PATCH", "/api/v1/items/" + item, change.dump(), true,
             {{"Content-Type", "application/merge-patch+json"}, {"If-Match", now.Header("ETag")}});
    ASSERT_EQ(r.status, 200) << r;
  };
  for (int round = 0; round < 3; ++round) {
    for (const std::string& path : paths) ASSERT_EQ(Get(path).status, 200) << path;
  }
  patch({{"visibility", "restricted"}});
  for (const std::string& path : paths) {
    Reply r = Get(path);
    EXPECT_EQ(r.status, 404) << path << " " << r;
    EXPECT_EQ(r.body.find("\xff\xd8"), std::string::npos) << path;
    EXPECT_EQ(Get(path, true).status, 200) << path;  // staff still see it
  }
  // Public again: served again; then deleted: gone at once.
  patch({{"visibility", "public"}});
  for (const std::string& path : paths) EXPECT_EQ(Get(path).status, 200) << path;
  ASSERT_EQ(Send("DELETE", "/api/v1/items/" + item + "?reason=test", "", true).status, 200);
  for (const std::string& path : paths) {
    Reply r = Get(path);
    EXPECT_TRUE(r.status == 404 || r.status == 410) << path << " " << r;
  }
}

TEST_F(IiifApiTest, DamagedUploadsGetClearErrorsAndTheirJobsSayWhy) {
  std::string item = CreateItem(testing::RelicDocument());
  // The bomb: refused at upload, naming the size, nothing stored.
  Reply bomb = Send("POST", "/api/v1/items/" + item + "/media", testing::BombPng(100000, 100000),
                    true, {{"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(bomb.status, 413) << bomb;
  EXPECT_TRUE(bomb.NamesParameter("file")) << bomb;
  EXPECT_NE(bomb.doc["detail"].get<std::string>().find("100000 × 100000"), std::string::npos);
  EXPECT_TRUE(db_.store->ListMedia(item).value().empty());
  // An executable named .jpg: refused by its content.
  std::string elf = std::string(
                        "\x7f"
                        "ELF\x02\x01\x01",
                        7) +
                    std::string(200, '\0');
  Reply exe = Send("POST", "/api/v1/items/" + item + "/media?filename=photo.jpg", elf, true,
                   {{"Content-Type", "image/jpeg"}});
  EXPECT_EQ(exe.status, 422) << exe;
  EXPECT_TRUE(exe.NamesParameter("file"));
  // A truncated JPEG is preserved, its job fails with the reason, and IIIF says it is unavailable.
  std::string jpeg = testing::PictureJpeg(900, 700);
  std::string id = UploadAndDerive(item, jpeg.substr(0, jpeg.size() / 3), "", "failed");
  Reply jobs = Get("/api/v1/jobs?media=" + id, true);
  ASSERT_EQ(jobs.status, 200);
  EXPECT_FALSE(jobs.doc["jobs"][0]["last_error"].get<std::string>().empty());
  Reply job = Get("/api/v1/jobs/" + std::to_string(jobs.doc["jobs"][0]["id"].get<int64_t>()), true);
  EXPECT_EQ(job.status, 200);
  EXPECT_EQ(job.doc["state"], "failed");
  Reply info = Get("/iiif/3/" + id + "/info.json");
  EXPECT_EQ(info.status, 503);
  EXPECT_TRUE(info.IsProblem());
  EXPECT_FALSE(info.Header("Retry-After").empty());
}

TEST_F(IiifApiTest, TheJobsApiNeedsATokenAndChecksItsParameters) {
  EXPECT_EQ(Get("/api/v1/jobs").status, 401);
  EXPECT_EQ(Get("/api/v1/jobs/1").status, 401);
  EXPECT_EQ(Get("/api/v1/jobs/1", true).status, 404);
  EXPECT_EQ(Get("/api/v1/jobs/abc", true).status, 404);
  for (const char* q :
       {"state=sleeping", "limit=0", "limit=501", "limit=x", "before=-1", "media=../x"}) {
    Reply r = Get(std::string("/api/v1/jobs?") + q, true);
    EXPECT_EQ(r.status, 422) << q << " " << r;
    EXPECT_TRUE(r.IsProblem());
  }
  std::string item = CreateItem(testing::RelicDocument());
  std::string a = UploadAndDerive(item, testing::PictureJpeg(300, 200));
  std::string b = UploadAndDerive(item, testing::PictureJpeg(300, 200));
  Reply page = Get("/api/v1/jobs?limit=1", true);
  ASSERT_EQ(page.status, 200);
  ASSERT_EQ(page.doc["jobs"].size(), 1u);
  EXPECT_EQ(page.doc["jobs"][0]["media"], b);
  Reply next = Get(page.doc["next"].get<std::string>(), true);
  EXPECT_EQ(next.doc["jobs"][0]["media"], a);
  // Two derivations done (the item's record version is a job too: docs/preservation.md).
  size_t derived = 0;
  Reply done = Get("/api/v1/jobs?state=done", true);
  for (const json& j : done.doc["jobs"]) derived += j["kind"] == "derive" ? 1 : 0;
  EXPECT_EQ(derived, 2u);
}

}  // namespace
}  // namespace disan
