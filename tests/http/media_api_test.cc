// The media API over real HTTP: uploads streamed into the preservation store, the digest a
// client sends, content-based types, and every way an upload can be refused without leaving
// anything behind.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/pid.h"
#include "core/text.h"
#include "http/content_digest.h"
#include "preservation/digest.h"
#include "preservation/validator.h"
#include "support/media_samples.h"
#include "support/test_support.h"

namespace disan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Reply = testing::HttpReply;

preservation::Digests DigestsOf(const std::string& bytes) {
  preservation::DigestPair d;
  d.Update(bytes.data(), bytes.size());
  return d.Finish();
}

class MediaApiTest : public ::testing::Test {
 protected:
  explicit MediaApiTest(uint64_t max_upload = uint64_t{1} << 40) : server_(1 << 20, max_upload) {}

  void SetUp() override {
    json doc = testing::RelicDocument();
    doc["licence"] = "cc_by_4_0";
    doc["rights_holder"] = "Sở Văn hóa, Thể thao và Du lịch";
    item_ = CreateItem(doc);
    ASSERT_FALSE(item_.empty());
  }

  std::string CreateItem(const json& doc) {
    Reply r = testing::SendHttp(
        server_.port, "POST", "/api/v1/items",
        {{"Authorization", "Bearer " + server_.token}, {"Content-Type", "application/json"}},
        doc.dump());
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("pid", "") : "";
  }

  // POSTs `bytes` as a file of item `pid` with the query `query` ("" for none).
  Reply Upload(const std::string& pid, const std::string& bytes, const std::string& query = "",
               std::multimap<std::string, std::string> headers = {}, bool with_token = true) {
    if (with_token) headers.emplace("Authorization", "Bearer " + server_.token);
    headers.emplace("Content-Type", "application/octet-stream");
    return testing::SendHttp(server_.port, "POST",
                             "/api/v1/items/" + pid + "/media" + (query.empty() ? "" : "?" + query),
                             std::move(headers), bytes);
  }

  Reply Get(const std::string& path, bool staff = false) {
    std::multimap<std::string, std::string> headers;
    if (staff) headers.emplace("Authorization", "Bearer " + server_.token);
    return testing::SendHttp(server_.port, "GET", path, std::move(headers), "");
  }

  // Nothing of a refused upload may remain: no version, no staged file, no catalogue entry.
  void ExpectNothingStored(const std::string& pid, const std::string& head = "") {
    auto inv = server_.ocfl->ReadInventory(pid);
    if (head.empty()) {
      EXPECT_FALSE(inv) << "an OCFL object was written for " << pid;
    } else {
      ASSERT_TRUE(inv);
      EXPECT_EQ(inv->head, head);
    }
    EXPECT_TRUE(server_.store->ListMedia(pid).value().empty() || !head.empty());
    EXPECT_TRUE(StagingIsEmpty());
  }

  bool StagingIsEmpty() {
    // The server drops a refused upload when its handler returns, just after answering.
    for (int i = 0; i < 100; ++i) {
      bool empty = true;
      for (const auto& e :
           fs::directory_iterator(server_.ocfl->path() / "extensions/disan-staging")) {
        if (e.path().filename() != "lock") empty = false;
      }
      if (empty) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  testing::TestServer server_;
  std::string item_;
};

TEST_F(MediaApiTest, AnUploadIsPreservedAndRecordedWithDefaultsFromTheItem) {
  const std::string jpeg = testing::SampleJpeg();
  const preservation::Digests d = DigestsOf(jpeg);
  Reply r = Upload(item_, jpeg,
                   "caption_vi=C%E1%BB%95ng%20ch%C3%ADnh&caption_en=Main%20gate&creator=Nguy%E1%BB%"
                   "85n%20V%C4%83n%20A"
                   "&date=2024-05-01&filename=c%E1%BB%95ng.exe",
                   {{"Content-Digest",
                     http::FormatContentDigest({{"sha-256", d.sha256}, {"sha-512", d.sha512}})}});
  ASSERT_EQ(r.status, 201) << r;
  const json& m = r.doc;
  const std::string id = m.value("id", "");
  ASSERT_TRUE(ParsePid(id)) << id;
  EXPECT_EQ(r.Header("Location"), "/api/v1/media/" + id);
  EXPECT_EQ(m["record"], item_);
  EXPECT_EQ(m["role"], "master");
  EXPECT_EQ(m["format"], "jpeg");
  EXPECT_EQ(m["media_type"], "image/jpeg");
  EXPECT_EQ(m["size"], jpeg.size());
  EXPECT_EQ(m["sha256"], d.sha256);
  EXPECT_EQ(m["sha512"], d.sha512);
  EXPECT_EQ(m["caption"], json({{"vi", "Cổng chính"}, {"en", "Main gate"}}));
  EXPECT_EQ(m["creator"], "Nguyễn Văn A");
  EXPECT_EQ(m["date"], "2024-05-01");
  EXPECT_EQ(m["original_name"], "cổng.exe");  // a label only: the type came from the content
  EXPECT_EQ(m["licence"], "cc_by_4_0");
  EXPECT_EQ(m["rights_holder"], "Sở Văn hóa, Thể thao và Du lịch");
  EXPECT_EQ(m["visibility"], "public");
  EXPECT_EQ(m["preservation"],
            json({{"object", item_}, {"version", "v1"}, {"path", "media/" + id + ".jpg"}}));

  // The same through the read routes.
  Reply one = Get("/api/v1/media/" + id);
  ASSERT_EQ(one.status, 200) << one;
  EXPECT_EQ(one.doc, m);
  Reply list = Get("/api/v1/items/" + item_ + "/media");
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.doc["media"].size(), 1u);
  EXPECT_EQ(list.doc["media"][0]["id"], id);

  // In the preservation store: the bytes, their description and the item's record.
  EXPECT_EQ(testing::ReadFile(server_.ocfl->FilePath(item_, "media/" + id + ".jpg")->string()),
            jpeg);
  json described = json::parse(*server_.ocfl->ReadSmallFile(item_, "media/" + id + ".json"));
  EXPECT_EQ(described["sha256"], d.sha256);
  EXPECT_EQ(described["caption"]["vi"], "Cổng chính");
  json record = json::parse(*server_.ocfl->ReadSmallFile(item_, "record.json"));
  EXPECT_EQ(record["pid"], item_);
  EXPECT_EQ(record["document"]["names"][0]["value"], "Nhà ngục Đắk Mil");
  preservation::Inventory inv = *server_.ocfl->ReadInventory(item_);
  EXPECT_NE(inv.HeadVersion().message.find(id), std::string::npos);
  EXPECT_EQ(inv.HeadVersion().user_name, "token:test");
  EXPECT_TRUE(StagingIsEmpty());
  EXPECT_EQ(preservation::ValidateStorageRoot(server_.ocfl->path()).findings.size(), 0u);
}

TEST_F(MediaApiTest, EveryUploadIsANewVersionAndContentIsStoredOnce) {
  Reply first = Upload(item_, testing::SampleTiff(), "role=page_scan");
  ASSERT_EQ(first.status, 201) << first;
  Reply second = Upload(item_, testing::SampleTiff(), "role=access_copy&visibility=restricted");
  ASSERT_EQ(second.status, 201) << second;
  Reply third = Upload(item_, testing::SampleWav(), "role=recording&licence=CC%20BY-SA%204.0");
  ASSERT_EQ(third.status, 201) << third;
  EXPECT_EQ(third.doc["licence"], "cc_by_sa_4_0");  // matched from its label
  EXPECT_EQ(third.doc["links"].value("licence", ""),
            "https://creativecommons.org/licenses/by-sa/4.0/");  // and given as its URI
  EXPECT_NE(first.doc["id"], second.doc["id"]);
  EXPECT_EQ(second.doc["preservation"]["version"], "v2");
  EXPECT_EQ(third.doc["preservation"]["version"], "v3");
  preservation::Inventory inv = *server_.ocfl->ReadInventory(item_);
  // Two TIFF assets, one stored TIFF; plus two descriptions, one record, one WAV.
  EXPECT_EQ(inv.manifest.size(), 6u);
  EXPECT_EQ(server_.store->ListMedia(item_).value().size(), 3u);

  // Restricted media is shown to staff only.
  EXPECT_EQ(Get("/api/v1/items/" + item_ + "/media").doc["media"].size(), 2u);
  EXPECT_EQ(Get("/api/v1/items/" + item_ + "/media", true).doc["media"].size(), 3u);
  std::string restricted = second.doc["id"];
  EXPECT_EQ(Get("/api/v1/media/" + restricted).status, 404);
  EXPECT_EQ(Get("/api/v1/media/" + restricted, true).status, 200);
}

TEST_F(MediaApiTest, ADigestMismatchStoresNothingAndShowsBothDigests) {
  const std::string jpeg = testing::SampleJpeg();
  const preservation::Digests other = DigestsOf("something else");
  for (const char* field : {"Content-Digest", "Repr-Digest"}) {
    Reply r =
        Upload(item_, jpeg, "", {{field, http::FormatContentDigest({{"sha-256", other.sha256}})}});
    ASSERT_EQ(r.status, 422) << r;
    ASSERT_TRUE(r.IsProblem()) << r;
    EXPECT_TRUE(r.NamesParameter(field)) << r;
    EXPECT_EQ(r.doc["sent_digest"], http::FormatContentDigest({{"sha-256", other.sha256}}));
    const preservation::Digests actual = DigestsOf(jpeg);
    EXPECT_EQ(r.doc["computed_digest"],
              http::FormatContentDigest({{"sha-256", actual.sha256}, {"sha-512", actual.sha512}}));
    EXPECT_NE(r.doc["detail"].get<std::string>().find(other.sha256), std::string::npos) << r;
    EXPECT_NE(r.doc["detail"].get<std::string>().find(actual.sha256), std::string::npos) << r;
    ExpectNothingStored(item_);
  }
  // A wrong sha-512 beside a right sha-256 is still a mismatch.
  Reply half =
      Upload(item_, jpeg, "",
             {{"Content-Digest", http::FormatContentDigest({{"sha-256", DigestsOf(jpeg).sha256},
                                                            {"sha-512", other.sha512}})}});
  EXPECT_EQ(half.status, 422) << half;
  // Content-Digest and Repr-Digest that disagree with each other.
  Reply disagree =
      Upload(item_, jpeg, "",
             {{"Content-Digest", http::FormatContentDigest({{"sha-256", DigestsOf(jpeg).sha256}})},
              {"Repr-Digest", http::FormatContentDigest({{"sha-256", other.sha256}})}});
  EXPECT_EQ(disagree.status, 422) << disagree;
  // Malformed fields are refused before the body is read.
  for (std::string bad :
       {"sha-256=abc", "sha-256=:AAAA:", "md5=:AAAAAAAAAAAAAAAAAAAAAA==:", "Bearer x"}) {
    Reply r = Upload(item_, jpeg, "", {{"Content-Digest", bad}});
    EXPECT_EQ(r.status, 422) << bad << "\n" << r;
    EXPECT_TRUE(r.NamesParameter("Content-Digest")) << r;
  }
  ExpectNothingStored(item_);
}

TEST_F(MediaApiTest, FilesOfOtherTypesAreRefusedNamingTheDetectedType) {
  struct Case {
    std::string bytes;
    std::string query;
    std::string named;
  };
  for (const Case& c :
       std::vector<Case>{{testing::SampleElf(), "filename=photo.jpg", "application/x-executable"},
                         {testing::SamplePe(), "filename=scan.tif", "portable-executable"},
                         {testing::SampleHtml(), "", "text/html"},
                         {testing::SampleSvg(), "filename=x.png", "image/svg+xml"},
                         {testing::SampleZip(), "", "application/zip"}}) {
    Reply r = Upload(item_, c.bytes, c.query);
    ASSERT_EQ(r.status, 422) << r;
    EXPECT_TRUE(r.NamesParameter("file")) << r;
    EXPECT_NE(r.doc["detail"].get<std::string>().find(c.named), std::string::npos) << r;
    EXPECT_NE(r.doc["detail_vi"].get<std::string>().find(c.named), std::string::npos) << r;
    EXPECT_EQ(r.doc["errors"][0]["problem"], "unsupported_type");
  }
  Reply empty = Upload(item_, "");
  EXPECT_EQ(empty.status, 422) << empty;
  EXPECT_EQ(empty.doc["errors"][0]["problem"], "empty") << empty;
  // A JPEG is not a 3D model, nor an MP3 a panorama.
  Reply role = Upload(item_, testing::SampleJpeg(), "role=model_3d");
  EXPECT_EQ(role.status, 422) << role;
  EXPECT_TRUE(role.NamesParameter("role")) << role;
  EXPECT_EQ(Upload(item_, testing::SampleMp3(), "role=panorama").status, 422);
  // Identifiers minted for refused files are not reused, but nothing else remains.
  ExpectNothingStored(item_);
}

TEST_F(MediaApiTest, MalformedDescriptionsNameEveryFieldBeforeTheBodyIsRead) {
  Reply r = Upload(item_, testing::SampleJpeg(),
                   "role=poster&date=2024-13-01&licence=all-rights-mine&visibility=secret&filename="
                   "..%2Fetc%2Fpasswd"
                   "&caption_vi=" +
                       std::string(2001, 'a') + "&creator=%FF%FE&caption_en=bell%07");
  ASSERT_EQ(r.status, 422) << r;
  for (const char* field : {"role", "date", "licence", "visibility", "filename", "caption_vi",
                            "creator", "caption_en"}) {
    EXPECT_TRUE(r.NamesParameter(field)) << field << "\n" << r;
  }
  r = Upload(item_, testing::SampleJpeg(),
             "filename=" + std::string(300, 'n') + ".jpg&creator=" + std::string(501, 'c') +
                 "&rights_holder=" + std::string(501, 'r') +
                 "&caption_en=" + std::string(2001, 'e'));
  ASSERT_EQ(r.status, 422) << r;
  for (const char* field : {"filename", "creator", "rights_holder", "caption_en"}) {
    EXPECT_TRUE(r.NamesParameter(field)) << field << "\n" << r;
  }
  ExpectNothingStored(item_);
  Reply unknown =
      Upload(item_, testing::SampleJpeg(), "license=cc0_1_0&role=master&role=access_copy");
  ASSERT_EQ(unknown.status, 422) << unknown;
  EXPECT_TRUE(unknown.NamesParameter("license")) << unknown;
  EXPECT_TRUE(unknown.NamesParameter("role")) << unknown;
  for (const char* date : {"2024", "2024-02", "2024-02-29"}) {
    EXPECT_EQ(Upload(item_, testing::SamplePng(), std::string("date=") + date).status, 201) << date;
  }
  for (const char* date : {"2023-02-29", "24", "2024-1-1", "2024/01/01", "năm 2024"}) {
    EXPECT_EQ(
        Upload(item_, testing::SamplePng(), std::string("date=") + PercentEncode(date)).status, 422)
        << date;
  }
}

TEST_F(MediaApiTest, UnknownItemsAndMissingTokensStoreNothing) {
  const std::string unknown = PidFromBody("dn", "23456789");
  Reply missing = Upload(unknown, testing::SampleJpeg());
  EXPECT_EQ(missing.status, 404) << missing;
  EXPECT_TRUE(missing.IsProblem()) << missing;
  ExpectNothingStored(unknown);
  Reply malformed = Upload("not-a-pid", testing::SampleJpeg());
  EXPECT_EQ(malformed.status, 422) << malformed;
  EXPECT_TRUE(malformed.NamesParameter("pid")) << malformed;
  // An organisation has no media.
  Reply r = testing::SendHttp(
      server_.port, "POST", "/api/v1/organisations",
      {{"Authorization", "Bearer " + server_.token}, {"Content-Type", "application/json"}},
      json({{"kind", "museum"}, {"names", {{{"lang", "vi"}, {"value", "Bảo tàng"}}}}}).dump());
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(Upload(r.doc["pid"], testing::SampleJpeg()).status, 404);

  Reply anonymous = Upload(item_, testing::SampleJpeg(), "", {}, false);
  EXPECT_EQ(anonymous.status, 401) << anonymous;
  EXPECT_TRUE(anonymous.IsProblem());
  Reply forged =
      Upload(item_, testing::SampleJpeg(), "", {{"Authorization", "Bearer disan_forged"}}, false);
  EXPECT_EQ(forged.status, 401) << forged;
  ExpectNothingStored(item_);

  // A deleted item takes no more files.
  Reply del = testing::SendHttp(server_.port, "DELETE", "/api/v1/items/" + item_ + "?reason=test",
                                {{"Authorization", "Bearer " + server_.token}}, "");
  ASSERT_EQ(del.status, 200) << del;
  EXPECT_EQ(Upload(item_, testing::SampleJpeg()).status, 410);
  ExpectNothingStored(item_);
}

TEST_F(MediaApiTest, RefusedBodiesAreReadToTheEndSoTheConnectionStaysUsable) {
  // One keep-alive connection: a refused upload, then a normal request.
  httplib::Client c("127.0.0.1", server_.port);
  c.set_keep_alive(true);
  std::string body(3 << 20, 'x');
  auto refused =
      c.Post(("/api/v1/items/" + item_ + "/media").c_str(), body, "application/octet-stream");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  auto next = c.Get("/healthz");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  // The same for a refusal that comes after part of the body was read.
  httplib::Headers auth = {{"Authorization", "Bearer " + server_.token}};
  auto wrong = c.Post(("/api/v1/items/" + item_ + "/media?role=bogus").c_str(), auth, body,
                      "application/octet-stream");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 422);
  next = c.Get("/healthz");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(MediaApiTest, MultipartCompressedAndOversizedHeaderRequestsAreRefused) {
  Reply multipart =
      Upload(item_, "--XX\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nhello\r\n--XX--\r\n",
             "", {{"Content-Type", "multipart/form-data; boundary=XX"}});
  EXPECT_EQ(multipart.status, 415) << multipart;
  EXPECT_TRUE(multipart.IsProblem()) << multipart;
  Reply gzip =
      Upload(item_, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8) + std::string(100, '\0'), "",
             {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(gzip.status, 415) << gzip;
  // A header the server's parser takes but our limit does not.
  Reply long_digest = Upload(item_, testing::SampleJpeg(), "",
                             {{"Content-Digest", "sha-256=:" + std::string(5000, 'A') + ":"}});
  EXPECT_EQ(long_digest.status, 422) << long_digest;
  EXPECT_TRUE(long_digest.NamesParameter("Content-Digest")) << long_digest;
  // Headers beyond what the server parses at all: refused, and the server goes on.
  Reply huge = Upload(item_, testing::SampleJpeg(), "", {{"X-Filler", std::string(100000, 'h')}});
  EXPECT_TRUE(huge.status == -1 || (huge.status >= 400 && huge.status < 500)) << huge;
  std::multimap<std::string, std::string> many;
  for (int i = 0; i < 500; ++i) many.emplace("X-Many-" + std::to_string(i), std::string(200, 'm'));
  Reply lots = Upload(item_, testing::SampleJpeg(), "", many);
  EXPECT_TRUE(lots.status == -1 || (lots.status >= 400 && lots.status < 500) || lots.status == 201)
      << lots;
  EXPECT_EQ(Get("/healthz").status, 200);
  ExpectNothingStored(item_, lots.status == 201 ? "v1" : "");
}

// Speaks HTTP over a raw socket: sends `head`, and `body` only once the server says
// "100 Continue". Returns everything the server sent.
std::string ExpectContinue(int port, const std::string& head, const std::string& body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "";
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  auto read_some = [&] {
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  };
  std::string got;
  if (write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size())) {
    got = read_some();
    if (got.starts_with("HTTP/1.1 100")) {
      if (write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size())) {
        std::string rest;
        while (rest.find("\r\n\r\n") == std::string::npos || rest.find('}') == std::string::npos) {
          std::string more = read_some();
          if (more.empty()) break;
          rest += more;
        }
        got += rest;
      }
    }
  }
  close(fd);
  return got;
}

TEST_F(MediaApiTest, ClientsThatWaitForContinueAreRefusedBeforeSendingTheirFile) {
  auto head = [&](const std::string& extra, uint64_t length) {
    return "POST /api/v1/items/" + item_ +
           "/media HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" + extra +
           "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  };
  // No token: refused on the headers; the body is never asked for.
  std::string anonymous = ExpectContinue(server_.port, head("", 5ull << 30), "");
  EXPECT_TRUE(anonymous.starts_with("HTTP/1.1 401")) << anonymous;
  EXPECT_NE(anonymous.find("application/problem+json"), std::string::npos) << anonymous;
  const std::string auth = "Authorization: Bearer " + server_.token + "\r\n";
  std::string bad_route = ExpectContinue(server_.port,
                                         "POST /api/v1/nowhere HTTP/1.1\r\nHost: x\r\n"
                                         "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n",
                                         "");
  EXPECT_TRUE(bad_route.starts_with("HTTP/1.1 404")) << bad_route;
  std::string gzip =
      ExpectContinue(server_.port, head(auth + "Content-Encoding: gzip\r\n", 10), "");
  EXPECT_TRUE(gzip.starts_with("HTTP/1.1 415")) << gzip;
  // With a token the server asks for the file, and takes it.
  const std::string jpeg = testing::SampleJpeg();
  std::string ok = ExpectContinue(server_.port, head(auth, jpeg.size()), jpeg);
  EXPECT_TRUE(ok.starts_with("HTTP/1.1 100 Continue")) << ok;
  EXPECT_NE(ok.find("HTTP/1.1 201"), std::string::npos) << ok;
  EXPECT_EQ(server_.store->ListMedia(item_).value().size(), 1u);
}

TEST_F(MediaApiTest, AnUploadCutShortStoresNothing) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string head = "POST /api/v1/items/" + item_ +
                     "/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server_.token +
                     "\r\nContent-Length: 1000000\r\n\r\n";
  std::string part = testing::SampleJpeg() + std::string(50000, 'j');
  ASSERT_EQ(write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
  ASSERT_EQ(write(fd, part.data(), part.size()), static_cast<ssize_t>(part.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  close(fd);  // half the promised body never comes
  ExpectNothingStored(item_);
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(MediaApiTest, UnroutedMethodsWithBodiesAreNotBuffered) {
  Reply pri =
      testing::SendHttp(server_.port, "PRI", "/api/v1/items", {}, std::string(1 << 20, 'p'));
  EXPECT_TRUE(pri.status == 501 || pri.status == -1 || pri.status == 400) << pri;
  EXPECT_EQ(Get("/healthz").status, 200);
}

class SmallUploadLimitTest : public MediaApiTest {
 protected:
  SmallUploadLimitTest() : MediaApiTest(4096) {}
};

TEST_F(SmallUploadLimitTest, FilesOverTheLimitGet413) {
  // Declared too big while waiting for "100 Continue": refused before any byte is sent.
  std::string waiting = ExpectContinue(server_.port,
                                       "POST /api/v1/items/" + item_ +
                                           "/media HTTP/1.1\r\nHost: x\r\n"
                                           "Expect: 100-continue\r\nAuthorization: Bearer " +
                                           server_.token + "\r\nContent-Length: 5000\r\n\r\n",
                                       "");
  EXPECT_TRUE(waiting.starts_with("HTTP/1.1 413")) << waiting;
  const std::string big = testing::SampleJpeg() + std::string(10000, 'j');
  Reply declared = Upload(item_, big);  // Content-Length says it all
  EXPECT_EQ(declared.status, 413) << declared;
  EXPECT_TRUE(declared.IsProblem()) << declared;
  ExpectNothingStored(item_);

  // Sent in chunks, without a length: refused once the limit is passed.
  httplib::Client c("127.0.0.1", server_.port);
  httplib::Headers auth = {{"Authorization", "Bearer " + server_.token}};
  auto chunked = c.Post(("/api/v1/items/" + item_ + "/media").c_str(), auth,
                        [&](size_t offset, httplib::DataSink& sink) {
                          if (offset >= big.size()) {
                            sink.done();
                            return true;
                          }
                          size_t n = std::min<size_t>(1000, big.size() - offset);
                          return sink.write(big.data() + offset, n);
                        },
                        "application/octet-stream");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
  ExpectNothingStored(item_);
  EXPECT_EQ(Upload(item_, testing::SampleJpeg()).status, 201);
}

TEST_F(MediaApiTest, MediaOfHiddenItemsIsHidden) {
  json doc = testing::RelicDocument("Di chỉ khảo cổ");
  doc["visibility"] = "restricted";
  std::string hidden = CreateItem(doc);
  Reply up = Upload(hidden, testing::SampleJpeg());
  ASSERT_EQ(up.status, 201) << up;
  EXPECT_EQ(Get("/api/v1/items/" + hidden + "/media").status, 404);
  EXPECT_EQ(Get("/api/v1/media/" + up.doc["id"].get<std::string>()).status, 404);
  EXPECT_EQ(Get("/api/v1/media/" + up.doc["id"].get<std::string>(), true).status, 200);
  EXPECT_EQ(Get("/api/v1/media/not-an-id").status, 422);
  // Encoded slashes are decoded before routing: no route has that many segments.
  EXPECT_EQ(Get("/api/v1/media/..%2F..%2Fetc%2Fpasswd").status, 404);
  EXPECT_EQ(Get("/api/v1/media/..%2E").status, 422);
  EXPECT_EQ(Get("/api/v1/media/" + std::string(5000, 'd')).status, 422);
  EXPECT_EQ(Get("/api/v1/media/" + PidFromBody("dn", "23456789")).status, 404);
}

}  // namespace
}  // namespace disan
