// The Activity Streams change feed over real HTTP: order, activity types, the cursor a client
// follows, and the same privacy rule as OAI-PMH.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

constexpr const char* kFeedSite = "https://disan.example.org";

http::ServerOptions FeedServerOptions() {
  http::ServerOptions o;
  o.public_url = std::string(kFeedSite) + "/";  // a trailing slash is tolerated
  return o;
}

using testing::Name;

class ChangeFeedTest : public ::testing::Test {
 protected:
  ChangeFeedTest() : server_(FeedServerOptions()) {}

  HttpReply Get(const std::string& path) const {
    HttpReply r = testing::SendHttp(server_.port, "GET", path, {}, "");
    if (r.status == 200) {
      EXPECT_TRUE(r.Header("Content-Type").starts_with("application/activity+json")) << r.Header("Content-Type");
      EXPECT_EQ(r.doc["@context"], "https://www.w3.org/ns/activitystreams");
    }
    return r;
  }
  // A page by its absolute URL, as a client follows `next`.
  HttpReply Follow(const std::string& url) const {
    EXPECT_TRUE(url.starts_with(kFeedSite)) << url;
    return Get(url.substr(std::string(kFeedSite).size()));
  }

  HttpReply Api(const std::string& method, const std::string& path, const json& body = json()) const {
    std::multimap<std::string, std::string> headers = {{"Authorization", "Bearer " + server_.token},
                                                       {"If-Match", "*"}};
    if (!body.is_null()) {
      headers.emplace("Content-Type", method == "PATCH" ? "application/merge-patch+json" : "application/json");
    }
    return testing::SendHttp(server_.port, method, path, headers, body.is_null() ? "" : body.dump());
  }
  std::string Create(const json& doc) const {
    HttpReply r = Api("POST", "/api/v1/items", doc);
    EXPECT_EQ(r.status, 201) << r;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return r.doc.value("pid", "");
  }
  void Patch(const std::string& pid, const json& patch) const {
    HttpReply r = Api("PATCH", "/api/v1/items/" + pid + "?reason=t", patch);
    ASSERT_EQ(r.status, 200) << r;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  void Delete(const std::string& pid) const {
    HttpReply r = Api("DELETE", "/api/v1/items/" + pid + "?reason=t");
    ASSERT_EQ(r.status, 200) << r;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  // "Type pid" for every activity of every page from `url` on; sets `tail` to the URL to poll.
  std::vector<std::string> ReadAll(std::string url, std::string* tail = nullptr) const {
    std::vector<std::string> out;
    for (int guard = 0; guard < 50; ++guard) {
      HttpReply page = Follow(url);
      EXPECT_EQ(page.status, 200) << page;
      EXPECT_EQ(page.doc["type"], "OrderedCollectionPage");
      EXPECT_EQ(page.doc["partOf"], std::string(kFeedSite) + "/api/v1/changes");
      for (const json& a : page.doc["orderedItems"]) {
        std::string id = a["object"]["id"];
        out.push_back(a["type"].get<std::string>() + " " + id.substr(id.rfind('/') + 1));
      }
      if (!page.doc.contains("next")) break;
      url = page.doc["next"];
    }
    if (tail) *tail = url;
    return out;
  }

  testing::TestServer server_;
};

TEST_F(ChangeFeedTest, CollectionAndPagesInChangeOrderWithCreateUpdateDelete) {
  std::string a = Create(testing::RelicDocument("A"));
  std::string b = Create(testing::RelicDocument("B"));
  std::string c = Create(testing::RelicDocument("C"));
  json hidden = testing::RelicDocument("Nháp");
  hidden["status"] = "draft";
  std::string draft = Create(hidden);
  Patch(a, {{"names", Name("A sửa")}});
  Delete(b);

  HttpReply collection = Get("/api/v1/changes");
  ASSERT_EQ(collection.status, 200) << collection;
  EXPECT_EQ(collection.doc["type"], "OrderedCollection");
  EXPECT_EQ(collection.doc["id"], std::string(kFeedSite) + "/api/v1/changes");
  EXPECT_EQ(collection.doc["totalItems"], 3) << "the draft was never public";
  std::string first = collection.doc["first"];
  EXPECT_EQ(first, std::string(kFeedSite) + "/api/v1/changes?cursor=start&limit=100");

  std::vector<std::string> all = ReadAll(std::string(kFeedSite) + "/api/v1/changes?cursor=start&limit=2");
  EXPECT_EQ(all, (std::vector<std::string>{"Create " + c, "Update " + a, "Delete " + b}));

  HttpReply page = Get("/api/v1/changes?cursor=start&limit=3");
  ASSERT_EQ(page.doc["orderedItems"].size(), 3u);
  const json& update = page.doc["orderedItems"][1];
  EXPECT_EQ(update["id"], std::string(kFeedSite) + "/api/v1/items/" + a + "/revisions/2");
  EXPECT_EQ(update["object"]["id"], std::string(kFeedSite) + "/id/" + a);
  EXPECT_EQ(update["object"]["url"], std::string(kFeedSite) + "/api/v1/items/" + a);
  EXPECT_EQ(update["object"]["name"], "A sửa");
  HttpReply item = Api("GET", "/api/v1/items/" + a);
  EXPECT_EQ(update["endTime"], item.doc["updated_at"]);
  const json& del = page.doc["orderedItems"][2];
  EXPECT_EQ(del["object"]["type"], "Tombstone");
  EXPECT_FALSE(del["object"].contains("name")) << "nothing of a removed item but its identifier";
  EXPECT_LE(page.doc["orderedItems"][0]["endTime"].get<std::string>(), update["endTime"].get<std::string>());
  EXPECT_EQ(page.body.find(draft), std::string::npos);
  EXPECT_EQ(page.body.find("Nháp"), std::string::npos);
}

// totalItems is counted from the index for the public items and by reading the others
// (HarvestView::CountListed, as OAI-PMH's completeListSize): it is the number of activities the
// pages list, whatever mix of public, deleted, withdrawn and never public items there is.
TEST_F(ChangeFeedTest, TotalItemsIsWhatThePagesList) {
  auto total = [&] {
    HttpReply collection = Get("/api/v1/changes");
    EXPECT_EQ(collection.status, 200) << collection;
    return collection.doc["totalItems"].get<size_t>();
  };
  auto listed = [&] {
    return ReadAll(std::string(kFeedSite) + "/api/v1/changes?cursor=start&limit=2").size();
  };
  EXPECT_EQ(total(), 0u);
  json draft = testing::RelicDocument("Nháp");
  draft["status"] = "draft";
  json restricted = testing::RelicDocument("Hạn chế");
  restricted["visibility"] = "restricted";
  json artifact = {{"kind", "artifact"}, {"names", Name("Hiện vật")}};
  for (int i = 0; i < 3; ++i) Create(testing::RelicDocument("Công khai " + std::to_string(i)));
  Create(artifact);
  Delete(Create(testing::RelicDocument("Sẽ xóa")));                        // a tombstone
  Patch(Create(testing::RelicDocument("Sẽ rút")), {{"status", "draft"}});  // withdrawn
  std::string restricted_later = Create(testing::RelicDocument("Sẽ hạn chế"));
  Patch(restricted_later, {{"visibility", "restricted"}});  // withdrawn
  Delete(restricted_later);                                 // ... then deleted
  Create(draft);                                            // never public
  Create(restricted);                                       // never public
  Delete(Create(draft));                                    // never public, deleted
  std::string published_later = Create(draft);
  Patch(published_later, {{"status", "published"}});  // public after a draft
  EXPECT_EQ(listed(), 8u);
  EXPECT_EQ(total(), 8u);
  // Withdrawn and public again, still one activity each.
  Patch(published_later, {{"visibility", "restricted"}});
  Patch(published_later, {{"visibility", "public"}});
  EXPECT_EQ(total(), listed());
  EXPECT_EQ(total(), 8u);
}

TEST_F(ChangeFeedTest, AClientPollingItsLastNextGetsExactlyWhatChanged) {
  std::string a = Create(testing::RelicDocument("A"));
  std::string b = Create(testing::RelicDocument("B"));
  std::string tail;
  EXPECT_EQ(ReadAll(std::string(kFeedSite) + "/api/v1/changes?cursor=start&limit=1", &tail),
            (std::vector<std::string>{"Create " + a, "Create " + b}));
  // Nothing new yet: an empty page without next.
  HttpReply empty = Follow(tail);
  EXPECT_TRUE(empty.doc["orderedItems"].empty()) << empty;
  EXPECT_FALSE(empty.doc.contains("next"));
  // Withdrawn, edited, published, created: exactly these come, in that order.
  Patch(a, {{"visibility", "restricted"}});
  json draft_doc = testing::RelicDocument("D");
  draft_doc["status"] = "draft";
  std::string d = Create(draft_doc);
  Patch(b, {{"names", Name("B sửa")}});
  Patch(d, {{"status", "published"}});
  std::string e = Create(testing::RelicDocument("E"));
  EXPECT_EQ(ReadAll(tail), (std::vector<std::string>{"Delete " + a, "Update " + b, "Create " + d, "Create " + e}))
      << "a draft published for the first time is a Create";
  // A record public again after a withdrawal is an Update (it was public before).
  Patch(a, {{"visibility", "public"}});
  EXPECT_EQ(ReadAll(std::string(kFeedSite) + "/api/v1/changes?cursor=start").back(), "Update " + a);
}

TEST_F(ChangeFeedTest, GeneralisedLocationsAndStaffTokensChangeNothing) {
  json site = testing::RelicDocument("Di chỉ khảo cổ");
  site["location_precision"] = "generalised";
  site["places"] = {{{"address", "bon Đắk Huýt"}, {"point", {{"lat", 12.3456789}, {"lon", 107.9876543}}}}};
  Create(site);
  json restricted = testing::RelicDocument("Hạn chế");
  restricted["visibility"] = "restricted";
  Create(restricted);
  HttpReply anonymous = Get("/api/v1/changes?cursor=start");
  HttpReply staff = testing::SendHttp(server_.port, "GET", "/api/v1/changes?cursor=start",
                                      {{"Authorization", "Bearer " + server_.token}}, "");
  EXPECT_EQ(anonymous.doc["orderedItems"], staff.doc["orderedItems"]);
  ASSERT_EQ(anonymous.doc["orderedItems"].size(), 1u);
  for (const char* secret : {"12.345", "107.987", "Đắk Huýt", "Hạn chế"}) {
    EXPECT_EQ(anonymous.body.find(secret), std::string::npos) << secret;
  }
}

TEST_F(ChangeFeedTest, MalformedCursorsAndLimitsAre422) {
  Create(testing::RelicDocument("A"));
  for (const char* query : {"cursor=", "cursor=abc", "cursor=%3Cscript%3E", "cursor=MjAyNQ",
                            "cursor=start&limit=0", "cursor=start&limit=501", "cursor=start&limit=x",
                            "cursor=start&limit=-1"}) {
    HttpReply r = testing::SendHttp(server_.port, "GET", std::string("/api/v1/changes?") + query, {}, "");
    EXPECT_EQ(r.status, 422) << query << ": " << r;
    EXPECT_TRUE(r.IsProblem()) << r;
    EXPECT_TRUE(r.NamesParameter(std::string(query).find("limit") != std::string::npos ? "limit" : "cursor")) << r;
  }
  // A cursor built from a real position but with a pid that fails its check character.
  std::string forged = "MjAyNS0wMS0wMVQwMDowMDowMC4wMDBaIGRuLTIzNDU2Nzg5Yg";  // "...Z dn-23456789b"
  EXPECT_EQ(testing::SendHttp(server_.port, "GET", "/api/v1/changes?cursor=" + forged, {}, "").status, 422);
}

}  // namespace
}  // namespace disan
