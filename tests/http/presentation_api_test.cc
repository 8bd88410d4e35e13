// IIIF Presentation 3.0 and media files over real HTTP, with real images (libvips) and real
// sound and video made by ffmpeg in the test (a missing ffmpeg fails the test): manifests
// checked field by field and by the structural checker, their service ids and file URLs
// fetched, poster frames and waveforms decoded, collections, byte ranges as HTML5 players ask
// for them, Vietnamese file names, restricted media absent everywhere, hostile identifiers and
// ranges, and the audit of staff downloads of restricted media.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "auth/audit_log.h"
#include "media/derive/av.h"
#include "media/iiif/image_service.h"
#include "media/jobs.h"
#include "support/images.h"
#include "support/media_samples.h"
#include "support/presentation_check.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using Reply = testing::HttpReply;

using testing::Decode;

class PresentationApiTest : public ::testing::Test {
 protected:
  PresentationApiTest() {
    media::iiif::IiifOptions options;
    options.cache_dir = db_.dir.path() / "cache";
    images_ = std::make_unique<media::iiif::ImageService>(*db_.media, derivatives_, options);
    db_.media->SetJobListener([this] { runner_.Notify(); });
    runner_.Start();
    http::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.threads = 4;
    so.iiif = images_.get();
    token_ = *db_.catalogue->IssueToken("test");
    server_ = std::make_unique<http::HttpServer>(*db_.catalogue, so, db_.media.get());
    port_ = *server_->Bind();
    site_ = "http://127.0.0.1:" + std::to_string(port_);
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  ~PresentationApiTest() override {
    server_->Stop();
    thread_.join();
    runner_.Stop();
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
  // An absolute URL of this server as a path.
  std::string PathOf(const std::string& url) {
    EXPECT_TRUE(url.starts_with(site_)) << url;
    return url.substr(site_.size());
  }

  std::string CreateItem(json doc) {
    Reply r =
        Send("POST", "/api/v1/items", doc.dump(), true, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.value("pid", "");
  }

  // Uploads a file and, unless it has no job, waits for its derivation to end.
  std::string Upload(const std::string& pid, const std::string& bytes,
                     const std::string& query = "", bool wait = true) {
    Reply up = Send("POST", "/api/v1/items/" + pid + "/media" + (query.empty() ? "" : "?" + query),
                    bytes, true, {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(up.status, 201) << up;
    std::string id = up.doc.value("id", "");
    if (!wait) return id;
    std::string state;
    for (int i = 0; i < 2400 && state != "done" && state != "failed"; ++i) {
      Reply jobs = Get("/api/v1/jobs?media=" + id, true);
      if (jobs.status == 200 && !jobs.doc["jobs"].empty()) state = jobs.doc["jobs"][0]["state"];
      if (state != "done") std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    EXPECT_EQ(state, "done") << id;
    return id;
  }

  // A file made by ffmpeg from its lavfi sources (no shell quoting inside `args`' filters).
  std::string Ffmpeg(const std::string& args, const std::string& name) {
    std::string out = db_.dir.File(name);
    testing::CommandResult r =
        testing::RunCommand("ffmpeg -nostdin -hide_banner -v error " + args + " -y " + out);
    EXPECT_EQ(r.status, 0) << "ffmpeg is required (Debian package ffmpeg): " << r.output;
    return testing::ReadFile(out);
  }
  std::string Sound() {  // 1 s of 440 Hz, then 1 s of silence
    return Ffmpeg(
        "-f lavfi -i 'aevalsrc=if(lt(t\\,1)\\,0.8*sin(2*PI*440*t)\\,0):s=22050:d=2' "
        "-c:a pcm_s16le -f wav",
        "sound.wav");
  }
  std::string Video() {  // 3 s of the test pattern, 320 x 240, with a tone
    return Ffmpeg(
        "-f lavfi -i testsrc=size=320x240:rate=10:duration=3 -f lavfi -i "
        "sine=frequency=300:duration=3 -c:v mpeg4 -pix_fmt yuv420p -c:a aac -shortest "
        "-f mp4",
        "video.mp4");
  }

  testing::TestCatalogue db_;
  media::Derivatives derivatives_{db_.dir.path() / "derivatives"};
  media::JobRunner runner_{*db_.store, *db_.ocfl, derivatives_, {50'000'000}};
  std::unique_ptr<media::iiif::ImageService> images_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string site_;
  std::string token_;
};

TEST_F(PresentationApiTest, AManifestDescribesTheItemAndEveryLinkInItWorks) {
  json doc = testing::RelicDocument();
  doc["licence"] = "cc_by_4_0";
  doc["description"] = {{{"lang", "vi"}, {"value", "Nhà ngục do thực dân Pháp xây dựng."}}};
  std::string item = CreateItem(doc);
  std::string image = Upload(item, testing::PictureJpeg(600, 400), "caption_vi=C%E1%BB%95ng");
  std::string sound =
      Upload(item, Sound(), "filename=b%C3%A0i%20h%C3%A1t%20c%E1%BB%93ng%20chi%C3%AAng.wav");
  std::string video = Upload(item, Video());
  std::string hidden = Upload(item, testing::PictureJpeg(300, 200), "visibility=restricted");
  std::string pdf = Upload(item, testing::SamplePdf(), "", false);

  Reply r = Get("/iiif/3/manifests/" + item);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_NE(r.Header("Content-Type").find("application/ld+json"), std::string::npos);
  EXPECT_NE(r.Header("Content-Type").find("presentation/3/context.json"), std::string::npos);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(r.Header("Cache-Control").find("public"), std::string::npos);
  ASSERT_FALSE(r.doc.is_discarded()) << r.body;
  const json& m = r.doc;
  std::vector<std::string> problems = testing::PresentationChecker().Check(m);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  EXPECT_EQ(m["id"], site_ + "/iiif/3/manifests/" + item);
  EXPECT_EQ(m["label"]["vi"][0], "Nhà ngục Đắk Mil");
  EXPECT_EQ(m["summary"]["vi"][0], "Nhà ngục do thực dân Pháp xây dựng.");
  EXPECT_EQ(m["rights"], "http://creativecommons.org/licenses/by/4.0/");
  EXPECT_EQ(r.body.find(hidden), std::string::npos) << "the restricted image is in the manifest";

  // Canvases: the image, the sound, the video (in upload order); the PDF is a rendering.
  ASSERT_EQ(m["items"].size(), 3u) << m.dump(1);
  const json& ic = m["items"][0];
  EXPECT_EQ(ic["width"], 600);
  EXPECT_EQ(ic["height"], 400);
  EXPECT_EQ(ic["label"]["vi"][0], "Cổng");
  std::string service = ic["items"][0]["items"][0]["body"]["service"][0]["id"];
  Reply info = Get(PathOf(service) + "/info.json");
  ASSERT_EQ(info.status, 200) << info;
  EXPECT_EQ(info.doc["id"], service);
  EXPECT_EQ(info.doc["width"], 600);
  Reply full = Get(PathOf(ic["items"][0]["items"][0]["body"]["id"]));
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(Decode(full.body).width(), 600);

  const json& sc = m["items"][1];
  EXPECT_NEAR(sc["duration"].get<double>(), 2.0, 0.05);
  EXPECT_FALSE(sc.contains("width"));
  const json& sbody = sc["items"][0]["items"][0]["body"];
  EXPECT_EQ(sbody["type"], "Sound");
  EXPECT_EQ(sbody["format"], "audio/wav");
  Reply wav = Get(PathOf(sbody["id"]));
  ASSERT_EQ(wav.status, 200) << wav;
  EXPECT_EQ(wav.body.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.Header("Content-Type"), "audio/wav");
  // The waveform: loud first half, a flat line in the silent second half.
  Reply wave = Get(PathOf(sc["thumbnail"][0]["id"]));
  ASSERT_EQ(wave.status, 200) << wave;
  EXPECT_EQ(wave.Header("Content-Type"), "image/png");
  vips::VImage w = Decode(wave.body);
  EXPECT_EQ(w.width(), media::kWaveformWidth);
  EXPECT_EQ(w.height(), media::kWaveformHeight);
  EXPECT_LT(w.getpoint(media::kWaveformWidth / 4, 20)[0], 128) << "the tone is drawn tall";
  EXPECT_GT(w.getpoint(media::kWaveformWidth * 3 / 4, 20)[0], 200) << "silence is drawn flat";

  const json& vc = m["items"][2];
  EXPECT_NEAR(vc["duration"].get<double>(), 3.0, 0.2);
  EXPECT_EQ(vc["width"], 320);
  EXPECT_EQ(vc["height"], 240);
  EXPECT_EQ(vc["items"][0]["items"][0]["body"]["type"], "Video");
  Reply poster = Get(PathOf(vc["thumbnail"][0]["id"]));
  ASSERT_EQ(poster.status, 200) << poster;
  EXPECT_EQ(poster.Header("Content-Type"), "image/jpeg");
  vips::VImage p = Decode(poster.body);
  EXPECT_EQ(p.width(), 320);
  EXPECT_EQ(p.height(), 240);

  ASSERT_EQ(m["rendering"].size(), 1u);
  EXPECT_EQ(m["rendering"][0]["id"], site_ + "/api/v1/media/" + pdf + "/file");
  Reply pdf_file = Get(PathOf(m["rendering"][0]["id"]));
  EXPECT_EQ(pdf_file.status, 200);
  EXPECT_EQ(pdf_file.body, testing::SamplePdf());

  // Links: thumbnail, homepage (the portal page), seeAlso (the item's JSON and JSON-LD).
  EXPECT_EQ(Get(PathOf(m["thumbnail"][0]["id"])).status, 200);
  Reply page = Get(PathOf(m["homepage"][0]["id"]));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Nhà ngục Đắk Mil"), std::string::npos);
  // The portal's players and links use the file route; the video shows its poster frame.
  EXPECT_NE(
      page.body.find("<audio controls preload=\"none\" src=\"/api/v1/media/" + sound + "/file\""),
      std::string::npos);
  EXPECT_NE(page.body.find("src=\"/api/v1/media/" + video + "/file\" poster=\"/api/v1/media/" +
                           video + "/thumbnail\""),
            std::string::npos);
  EXPECT_NE(page.body.find("<a href=\"/api/v1/media/" + pdf + "/file\">"), std::string::npos);
  EXPECT_EQ(page.body.find(hidden), std::string::npos);
  for (const json& see : m["seeAlso"]) EXPECT_EQ(Get(PathOf(see["id"])).status, 200) << see;

  // ETag and 304; the same document for staff (a public document).
  Reply again = Get("/iiif/3/manifests/" + item, false, {{"If-None-Match", r.Header("ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get("/iiif/3/manifests/" + item, true).body, r.body);
  Reply plain = Get("/iiif/3/manifests/" + item, false, {{"Accept", "application/json"}});
  EXPECT_EQ(plain.Header("Content-Type"), "application/json");
}

TEST_F(PresentationApiTest, UnknownHiddenDeletedAndEmptyItemsAndHostilePidsAre404) {
  std::string open = CreateItem(testing::RelicDocument());
  json secret = testing::RelicDocument("Di chỉ khảo cổ (bảo mật)");
  secret["visibility"] = "restricted";
  std::string hidden = CreateItem(secret);
  std::string in_hidden = Upload(hidden, testing::SamplePdf(), "", false);
  std::string doomed = CreateItem(testing::RelicDocument("Sẽ bị xóa"));
  Upload(doomed, testing::PictureJpeg(300, 200));
  std::string in_doomed = Upload(doomed, testing::SamplePdf(), "", false);
  ASSERT_EQ(Send("DELETE", "/api/v1/items/" + doomed + "?reason=test", "", true).status, 200);
  std::string only_restricted = CreateItem(testing::RelicDocument("Chỉ có ảnh hạn chế"));
  Upload(only_restricted, testing::PictureJpeg(300, 200), "visibility=restricted");

  for (const std::string& pid :
       {open, hidden, doomed, only_restricted, std::string("dn-zzzzzzzzz"),
        std::string("..%2F..%2Fetc"), std::string("dn-4kq8zx2bv%00"), std::string(5000, 'a'),
        std::string("%E1%BB%95"), std::string("dn-4kq8zx2bv';--")}) {
    Reply r = Get("/iiif/3/manifests/" + pid);
    EXPECT_TRUE(r.IsProblem()) << r;
    if (pid.find("%00") != std::string::npos) {  // refused by the request parser
      EXPECT_EQ(r.status, 400) << r;
      continue;
    }
    EXPECT_EQ(r.status, 404) << pid.substr(0, 40) << " " << r;
    // Answered by the manifest route (encoded slashes may be turned away by the router first).
    if (pid.size() < 20 && pid.find('%') == std::string::npos) {
      EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*") << pid;
    }
  }
  // Nor are their files served to the public (staff still read them).
  EXPECT_EQ(Get("/api/v1/media/" + in_hidden + "/file").status, 404);
  EXPECT_EQ(Get("/api/v1/media/" + in_hidden + "/file", true).status, 200);
  Reply gone = Get("/api/v1/media/" + in_doomed + "/file");
  EXPECT_TRUE(gone.status == 404 || gone.status == 410) << gone;
  EXPECT_EQ(gone.body.find("%PDF"), std::string::npos);
  // Nothing of the hidden item leaks through the collection either.
  Reply relics = Get("/iiif/3/collections/relic");
  ASSERT_EQ(relics.status, 200) << relics;
  EXPECT_EQ(relics.body.find(hidden), std::string::npos);
  EXPECT_EQ(relics.body.find(doomed), std::string::npos);
  EXPECT_EQ(relics.body.find(only_restricted), std::string::npos);
  EXPECT_EQ(relics.body.find(open), std::string::npos) << "an item without media has no manifest";
}

// Manifests are kept between requests (http/render_cache.h): every change that shows in one
// (the item, a new file, the custodian's name, a withdrawal) must show at the next request.
TEST_F(PresentationApiTest, KeptManifestsFollowEveryChange) {
  Reply org = Send("POST", "/api/v1/organisations",
                   json{{"kind", "museum"},
                        {"names", {{{"lang", "vi"}, {"value", "Bảo tàng Cũ"}, {"preferred", true}}}}}
                       .dump(),
                   true, {{"Content-Type", "application/json"}});
  ASSERT_EQ(org.status, 201) << org;
  const std::string museum = org.doc.value("pid", "");
  json doc = testing::RelicDocument("Tên ban đầu");
  doc["custodian"] = museum;
  const std::string pid = CreateItem(doc);
  Upload(pid, testing::PictureJpeg(300, 200));
  const std::string path = "/iiif/3/manifests/" + pid;
  Reply first = Get(path), again = Get(path);
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("ETag"), first.Header("ETag"));
  EXPECT_EQ(Get(path, false, {{"If-None-Match", first.Header("ETag")}}).status, 304);
  EXPECT_NE(first.body.find("Tên ban đầu"), std::string::npos);
  EXPECT_NE(first.body.find("Bảo tàng Cũ"), std::string::npos);
  auto patch = [&](const std::string& target, const json& body) {
    Reply now = Get(target, true);
    Reply r = Send("PATCH", target, body.dump(), true,
                   {{"Content-Type", "application/merge-patch+json"},
                    {"If-Match", now.Header("ETag")}});
    EXPECT_EQ(r.status, 200) << r;
  };
  // The item renamed.
  patch("/api/v1/items/" + pid,
        {{"names", {{{"lang", "vi"}, {"value", "Tên đã sửa"}, {"preferred", true}}}}});
  Reply renamed = Get(path);
  EXPECT_NE(renamed.body.find("Tên đã sửa"), std::string::npos);
  EXPECT_EQ(renamed.body.find("Tên ban đầu"), std::string::npos);
  EXPECT_NE(renamed.Header("ETag"), first.Header("ETag"));
  // The custodian renamed (the item itself unchanged).
  patch("/api/v1/organisations/" + museum,
        {{"names", {{{"lang", "vi"}, {"value", "Bảo tàng Mới"}, {"preferred", true}}}}});
  Reply moved = Get(path);
  EXPECT_NE(moved.body.find("Bảo tàng Mới"), std::string::npos) << moved.body.substr(0, 400);
  EXPECT_EQ(moved.body.find("Bảo tàng Cũ"), std::string::npos);
  // A new file.
  std::string pdf = Upload(pid, testing::SamplePdf(), "", false);
  Reply more = Get(path);
  EXPECT_NE(more.body.find(pdf), std::string::npos) << "the new file is in the manifest";
  // Withdrawn from the public: no manifest at once.
  patch("/api/v1/items/" + pid, {{"visibility", "restricted"}});
  EXPECT_EQ(Get(path).status, 404);
}

TEST_F(PresentationApiTest, CollectionsListTheManifestsOfEachKind) {
  std::string a = CreateItem(testing::RelicDocument("Nhà ngục Đắk Mil"));
  std::string b = CreateItem(testing::RelicDocument("Thác Dray Sáp"));
  Upload(a, testing::PictureJpeg(300, 200));
  Upload(b, testing::PictureJpeg(300, 200));
  Reply top = Get("/iiif/3/collections");
  ASSERT_EQ(top.status, 200) << top;
  EXPECT_TRUE(testing::PresentationChecker().Check(top.doc).empty());
  ASSERT_EQ(top.doc["items"].size(), 4u);
  for (const json& kind : top.doc["items"]) {
    Reply c = Get(PathOf(kind["id"]));
    ASSERT_EQ(c.status, 200) << c;
    EXPECT_TRUE(testing::PresentationChecker().Check(c.doc).empty()) << c.body;
    EXPECT_EQ(c.doc["id"], kind["id"]);
  }
  Reply relics = Get("/iiif/3/collections/relic");
  ASSERT_EQ(relics.doc["items"].size(), 2u);
  std::set<std::string> labels;
  for (const json& m : relics.doc["items"]) {
    labels.insert(m["label"]["vi"][0].get<std::string>());
    EXPECT_EQ(Get(PathOf(m["id"])).status, 200) << m;
  }
  EXPECT_EQ(labels, (std::set<std::string>{"Nhà ngục Đắk Mil", "Thác Dray Sáp"}));
  EXPECT_EQ(Get("/iiif/3/collections/artifact").doc["items"].size(), 0u);
  for (const char* bad : {"/iiif/3/collections/relics", "/iiif/3/collections/..",
                          "/iiif/3/collections/%2E%2E", "/iiif/3/collections/kind%00"}) {
    Reply r = Get(bad);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << bad << " " << r;
  }
  Reply etag = Get("/iiif/3/collections/relic", false, {{"If-None-Match", relics.Header("ETag")}});
  EXPECT_EQ(etag.status, 304);
}

TEST_F(PresentationApiTest, FilesAreServedWithRangesAsPlayersAskForThem) {
  std::string item = CreateItem(testing::RelicDocument());
  const std::string bytes = Video();
  std::string id =
      Upload(item, bytes, "filename=L%E1%BB%85%20h%E1%BB%99i%20%22c%E1%BB%93ng%22.mp4");
  const std::string path = "/api/v1/media/" + id + "/file";
  Reply whole = Get(path);
  ASSERT_EQ(whole.status, 200) << whole;
  EXPECT_EQ(whole.body, bytes);
  EXPECT_EQ(whole.Header("Content-Type"), "video/mp4");
  EXPECT_EQ(whole.Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.Header("Content-Length"), std::to_string(bytes.size()));
  EXPECT_EQ(whole.Header("Access-Control-Allow-Origin"), "*");
  Reply asset = Get("/api/v1/media/" + id);
  EXPECT_EQ(whole.Header("ETag"), "\"" + asset.doc["sha256"].get<std::string>() + "\"");
  // RFC 5987: an ASCII fallback and the UTF-8 name; the quote cannot break out. (Read with
  // curl: the test client decodes percent-escapes in header values.)
  testing::CommandResult head_lines = testing::RunCommand(
      "curl -s -D - -o /dev/null http://127.0.0.1:" + std::to_string(port_) + path, false);
  EXPECT_NE(head_lines.output.find(
                "Content-Disposition: inline; filename=\"L___ h___i _c___ng_.mp4\"; "
                "filename*=UTF-8''L%E1%BB%85%20h%E1%BB%99i%20%22c%E1%BB%93ng%22.mp4\r\n"),
            std::string::npos)
      << head_lines.output;

  const uint64_t n = bytes.size();
  struct Case {
    std::string range;
    int status;
    std::string body;
    std::string content_range;
  } cases[] = {
      {"bytes=0-", 206, bytes, "bytes 0-" + std::to_string(n - 1) + "/" + std::to_string(n)},
      {"bytes=0-1", 206, bytes.substr(0, 2), "bytes 0-1/" + std::to_string(n)},
      {"bytes=100-199", 206, bytes.substr(100, 100), "bytes 100-199/" + std::to_string(n)},
      {"bytes=-10", 206, bytes.substr(n - 10),
       "bytes " + std::to_string(n - 10) + "-" + std::to_string(n - 1) + "/" + std::to_string(n)},
      {"bytes=" + std::to_string(n - 5) + "-999999999999", 206, bytes.substr(n - 5),
       "bytes " + std::to_string(n - 5) + "-" + std::to_string(n - 1) + "/" + std::to_string(n)},
      {"bytes=" + std::to_string(n) + "-", 416, "", "bytes */" + std::to_string(n)},
      {"bytes=99999999999999999999999-", 416, "", "bytes */" + std::to_string(n)},
      {"bytes=10-5", 416, "", "bytes */" + std::to_string(n)},
      {"bytes=0-1,5-9", 200, bytes, ""},  // several ranges: the whole file
      {"bytes=abc", 200, bytes, ""},
      {"lines=1-2", 200, bytes, ""},
  };
  for (const Case& c : cases) {
    Reply r = Get(path, false, {{"Range", c.range}});
    EXPECT_EQ(r.status, c.status) << c.range << " " << r.Header("Content-Range");
    EXPECT_EQ(r.Header("Content-Range"), c.content_range) << c.range;
    if (c.status != 416) {
      EXPECT_EQ(r.body == c.body, true) << c.range << ": " << r.body.size() << " bytes";
    } else {
      EXPECT_TRUE(r.IsProblem()) << r;
      EXPECT_TRUE(r.NamesParameter("Range")) << r;
    }
  }
  // If-Range: the range only while the file is the one the client has.
  EXPECT_EQ(Get(path, false, {{"Range", "bytes=0-1"}, {"If-Range", whole.Header("ETag")}}).status,
            206);
  EXPECT_EQ(Get(path, false, {{"Range", "bytes=0-1"}, {"If-Range", "\"other\""}}).status, 200);
  EXPECT_EQ(Get(path, false, {{"If-None-Match", whole.Header("ETag")}}).status, 304);
  Reply head = Send("HEAD", path);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(n));
  EXPECT_TRUE(head.body.empty());
  // The connection stays usable after a file body: two requests on one keep-alive socket work
  // as the test client opens one per request; a HTTP/1.0 client gets the bytes too.
  testing::CommandResult curl = testing::RunCommand(
      "curl -s -0 -o /dev/null -w '%{http_code} %{size_download}' http://127.0.0.1:" +
          std::to_string(port_) + path,
      false);
  EXPECT_EQ(curl.output, "200 " + std::to_string(n));
}

TEST_F(PresentationApiTest, HostileIdsRestrictedMediaAndClosedImageOriginalsAreRefused) {
  json doc = testing::RelicDocument();
  doc["licence"] = "cc_by_4_0";
  std::string item = CreateItem(doc);
  std::string open_image = Upload(item, testing::PictureJpeg(300, 200));
  std::string closed_image = Upload(item, testing::PictureJpeg(300, 200), "licence=rs_inc");
  std::string hidden = Upload(item, Sound(), "visibility=restricted");

  EXPECT_EQ(Get("/api/v1/media/" + open_image + "/file").status, 200);
  Reply closed = Get("/api/v1/media/" + closed_image + "/file");
  EXPECT_EQ(closed.status, 403) << closed;
  EXPECT_TRUE(closed.IsProblem());
  EXPECT_NE(closed.doc.value("detail", "").find("/iiif/3/" + closed_image), std::string::npos)
      << closed;
  EXPECT_EQ(Get("/api/v1/media/" + closed_image + "/file", true).status, 200);

  for (const std::string& id :
       {hidden, std::string("dn-zzzzzzzzz"), std::string("..%2F..%2F..%2Fetc%2Fpasswd"),
        std::string("%2E%2E"), std::string(4000, 'x'), std::string("dn-4kq8zx2bv%00.wav")}) {
    Reply r = Get("/api/v1/media/" + id + "/file", false, {{"Range", "bytes=0-"}});
    // An encoded NUL is refused by the server's request parser (400) before any route.
    EXPECT_EQ(r.status, id.find("%00") == std::string::npos ? 404 : 400)
        << id.substr(0, 40) << " " << r;
    EXPECT_TRUE(r.IsProblem()) << r;
    EXPECT_EQ(r.body.find("RIFF"), std::string::npos);
  }
  Reply traversal = Get("/api/v1/media/../../etc/passwd/file");
  EXPECT_NE(traversal.status, 200);
  EXPECT_EQ(traversal.body.find("root:"), std::string::npos);

  // Staff may read the restricted recording; the audit log says who, what and which range.
  auto downloads = [&] {
    AuditQuery q;
    q.action = "media.download";
    q.limit = 100;
    return *db_.store->ListAudit(q);
  };
  EXPECT_TRUE(downloads().empty());
  Reply staff = Get("/api/v1/media/" + hidden + "/file", true, {{"Range", "bytes=0-3"}});
  EXPECT_EQ(staff.status, 206);
  EXPECT_EQ(staff.body, "RIFF");
  EXPECT_EQ(staff.Header("Cache-Control"), "private, no-cache");
  Get("/api/v1/media/" + open_image + "/file", true);  // public media: not audited
  std::vector<AuditEntry> entries = downloads();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target, hidden);
  EXPECT_FALSE(entries[0].actor.empty());
  EXPECT_NE(entries[0].detail.find("bytes=0-3"), std::string::npos);
  EXPECT_NE(entries[0].detail.find(item), std::string::npos);
  EXPECT_TRUE(auth::VerifyAudit(*db_.store)->problems.empty());
}

// The search facet "media" (docs/search.md) counts the kinds of public media of each item, and
// filters by them; restricted media are not counted.
TEST_F(PresentationApiTest, TheMediaFacetCountsPublicMediaKinds) {
  std::string a = CreateItem(testing::RelicDocument("Nhà ngục Đắk Mil"));
  std::string b = CreateItem(testing::RelicDocument("Thác Dray Sáp"));
  Upload(a, testing::PictureJpeg(300, 200));
  Upload(a, testing::PictureJpeg(300, 200));
  Upload(a, Video(), "visibility=restricted");
  Upload(b, Sound());
  Upload(b, testing::SampleGlb(), "role=model_3d", false);
  Reply found = Get("/api/v1/search");
  ASSERT_EQ(found.status, 200) << found;
  std::map<std::string, int> counts;
  for (const json& v : found.doc["facets"]["media"]) counts[v["value"]] = v["count"].get<int>();
  EXPECT_EQ(counts, (std::map<std::string, int>{{"image", 1}, {"audio", 1}, {"3d", 1}}));
  Reply images = Get("/api/v1/search?media=image");
  ASSERT_EQ(images.status, 200) << images;
  EXPECT_EQ(images.doc["total"], 1);
  EXPECT_EQ(images.doc["items"][0]["pid"], a);
  EXPECT_EQ(Get("/api/v1/search?media=video").doc["total"], 0);
  EXPECT_EQ(Get("/api/v1/search?media=audio&media=image").doc["total"], 2);
}

}  // namespace
}  // namespace disan
