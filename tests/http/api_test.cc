// Integration tests of the JSON API: a real HttpServer on a free loopback port over a real
// SQLite file, spoken to over real HTTP with cpp-httplib's client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/pid.h"
#include "http/routes.h"
#include "support/test_support.h"

namespace disan {
namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json";
constexpr const char* kMergePatch = "application/merge-patch+json";

// One HTTP answer, reduced to what the tests look at.
using Reply = testing::HttpReply;


// The stored part of a rendered record: what the client sent after validation, without the
// fields the server adds.
json Content(const json& record) {
  json out = record;
  for (const char* f : {"pid", "class", "revision", "created_at", "updated_at", "links"})
    out.erase(f);
  return out;
}

using testing::Name;

class ApiTest : public ::testing::Test {
 protected:
  explicit ApiTest(size_t max_body = 1 << 20) : server_(max_body) {}

  // Sends one request. `content_type` empty: no body headers. `token` empty: anonymous.
  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& content_type = "", httplib::Headers headers = {},
             const std::string& token = "") const {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    if (!token.empty()) req.headers.emplace("Authorization", "Bearer " + token);
    if (!content_type.empty()) req.headers.emplace("Content-Type", content_type);
    req.body = body;
    return testing::SendHttp(server_.port, req.method, req.path,
                             {req.headers.begin(), req.headers.end()}, req.body);
  }

  Reply Get(const std::string& path, httplib::Headers headers = {}) const {
    return Send("GET", path, "", "", std::move(headers));
  }
  Reply StaffGet(const std::string& path) const { return Send("GET", path, "", "", {}, token()); }
  Reply Post(const std::string& path, const json& body) const {
    return Send("POST", path, body.dump(), kJson, {}, token());
  }
  Reply Put(const std::string& path, const json& body, const std::string& etag) const {
    return Send("PUT", path, body.dump(), kJson, {{"If-Match", etag}}, token());
  }
  Reply Patch(const std::string& path, const json& body, const std::string& etag,
              const std::string& content_type = kMergePatch) const {
    return Send("PATCH", path, body.dump(), content_type, {{"If-Match", etag}}, token());
  }

  // Creates an item and returns its pid ("" after reporting a failure).
  std::string CreateItem(const json& document) const {
    Reply r = Post("/api/v1/items", document);
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("pid", "") : "";
  }

  const std::string& token() const { return server_.token; }

  testing::TestServer server_;
};

// ---------------------------------------------------------------------------------------------
// Create, read, conditional requests

// Licences are ids in the record and URIs in what the API answers (links.licence), and an
// answer sent back as it came replaces the record without complaint.
TEST_F(ApiTest, LicencesAreGivenAsUrisAndTheAnswerRoundTrips) {
  json doc = testing::RelicDocument("Nhà ngục Đắk Mil");
  doc["licence"] = "cc_by_sa_4_0";
  const std::string pid = CreateItem(doc);
  Reply r = Get("/api/v1/items/" + pid);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.doc["licence"], "cc_by_sa_4_0");
  EXPECT_EQ(r.doc["links"].value("licence", ""), "https://creativecommons.org/licenses/by-sa/4.0/");
  Reply listed = Get("/api/v1/items?kind=relic");
  ASSERT_EQ(listed.status, 200);
  ASSERT_FALSE(listed.doc["items"].empty());
  EXPECT_EQ(listed.doc["items"][0]["links"].value("licence", ""),
            "https://creativecommons.org/licenses/by-sa/4.0/");
  json back = r.doc;
  back["licence"] = "cc0_1_0";
  Reply put = Put("/api/v1/items/" + pid, back, r.Header("ETag"));
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.doc["links"].value("licence", ""),
            "https://creativecommons.org/publicdomain/zero/1.0/");
  // No licence, no link.
  const std::string bare = CreateItem(testing::RelicDocument("Đình làng"));
  EXPECT_FALSE(Get("/api/v1/items/" + bare).doc["links"].contains("licence"));
}

TEST_F(ApiTest, CreateReturnsLocationEtagPidAndNfcText) {
  // "Nhà ngục Đắk Mil" with every accent written as a combining mark (NFD).
  const std::string nfd =
      "Nha\xCC\x80 ngu\xCC\xA3"
      "c \xC4\x90"
      "a\xCC\x86\xCC\x81k Mil";
  const std::string nfc = "Nhà ngục Đắk Mil";
  ASSERT_NE(nfd, nfc);
  json doc = testing::RelicDocument(nfd);
  doc["description"] = {
      {{"lang", "vi"}, {"value", "Nha\xCC\x80 tu\xCC\x80 thơ\xCC\x80i Pha\xCC\x81p"}}};

  Reply r = Post("/api/v1/items", doc);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_TRUE(r.Header("Content-Type").starts_with(kJson)) << r.Header("Content-Type");
  EXPECT_EQ(r.Header("ETag"), "\"r1\"");
  const std::string pid = r.doc.value("pid", "");
  EXPECT_TRUE(std::regex_match(pid, std::regex("^dn-[0-9bcdfghjkmnpqrstvwxz]{9}$"))) << pid;
  EXPECT_TRUE(ParsePid(pid).has_value()) << "the minted pid fails its own check character";
  EXPECT_EQ(r.Header("Location"), "/api/v1/items/" + pid);
  EXPECT_EQ(r.doc["class"], "item");
  EXPECT_EQ(r.doc["revision"], 1);
  EXPECT_EQ(r.doc["names"][0]["value"], nfc);
  EXPECT_EQ(r.doc["description"][0]["value"], "Nhà tù thời Pháp");
  // Defaults are applied and visible.
  EXPECT_EQ(r.doc["visibility"], "public");
  EXPECT_EQ(r.doc["status"], "published");

  // What is stored (not just what was echoed) is NFC, and the Location resolves.
  Reply stored = Get(r.Header("Location"));
  ASSERT_EQ(stored.status, 200) << stored;
  EXPECT_EQ(stored.doc["names"][0]["value"], nfc);
  EXPECT_EQ(stored.doc["pid"], pid);
  EXPECT_EQ(stored.doc["links"]["self"], "/api/v1/items/" + pid);
  EXPECT_EQ(stored.Header("X-Content-Type-Options"), "nosniff");

  // The identifier is the server's to assign.
  json with_pid = testing::RelicDocument();
  with_pid["pid"] = PidFromBody("dn", "23456789");
  Reply refused = Post("/api/v1/items", with_pid);
  EXPECT_EQ(refused.status, 422) << refused;
  ASSERT_TRUE(refused.doc.contains("errors")) << refused;
  EXPECT_EQ(refused.doc["errors"][0]["pointer"], "/pid");

  // An item is not found under another class's collection.
  Reply as_org = Get("/api/v1/organisations/" + pid);
  EXPECT_EQ(as_org.status, 404) << as_org;
}

TEST_F(ApiTest, GetSendsEtagAndIfNoneMatchGives304) {
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  Reply r = Get("/api/v1/items/" + pid);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("ETag"), "\"r1\"");
  EXPECT_EQ(r.doc["revision"], 1);

  Reply same = Get("/api/v1/items/" + pid, {{"If-None-Match", "\"r1\""}});
  EXPECT_EQ(same.status, 304) << same;
  EXPECT_EQ(same.Header("ETag"), "\"r1\"");
  EXPECT_TRUE(same.body.empty());

  Reply other = Get("/api/v1/items/" + pid, {{"If-None-Match", "\"r7\""}});
  EXPECT_EQ(other.status, 200) << other;
  EXPECT_EQ(other.doc["pid"], pid);
}

// RFC 9110 13.1.2: If-None-Match uses the weak comparison and may list several tags (a cache
// or a gzip-ing proxy sends W/"r1"; a client holding two versions sends both).
TEST_F(ApiTest, IfNoneMatchUsesWeakComparisonAndTagLists) {
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  const std::string path = "/api/v1/items/" + pid;
  EXPECT_EQ(Get(path, {{"If-None-Match", "W/\"r1\""}}).status, 304);
  EXPECT_EQ(Get(path, {{"If-None-Match", "\"r0\", \"r1\""}}).status, 304);
  EXPECT_EQ(Get(path, {{"If-None-Match", "*"}}).status, 304);
  EXPECT_EQ(Get(path, {{"If-None-Match", "W/\"r2\""}}).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Edits: If-Match, stale writes, merge patch

TEST_F(ApiTest, PutPatchAndPreconditions) {
  std::string pid = CreateItem(testing::RelicDocument("Nhà ngục Đắk Mil"));
  ASSERT_FALSE(pid.empty());
  const std::string path = "/api/v1/items/" + pid;

  json v2 = testing::RelicDocument("Di tích Nhà ngục Đắk Mil");
  Reply put = Put(path, v2, "\"r1\"");
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(put.Header("ETag"), "\"r2\"");
  EXPECT_EQ(put.doc["revision"], 2);
  EXPECT_EQ(put.doc["names"][0]["value"], "Di tích Nhà ngục Đắk Mil");

  // A second writer still holding r1 is refused, and nothing changes.
  Reply stale = Put(path, testing::RelicDocument("Tên ghi đè"), "\"r1\"");
  EXPECT_EQ(stale.status, 412) << stale;
  EXPECT_TRUE(stale.IsProblem()) << stale;
  Reply after = Get(path);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.doc["revision"], 2);
  EXPECT_EQ(after.Header("ETag"), "\"r2\"");
  EXPECT_EQ(after.doc["names"][0]["value"], "Di tích Nhà ngục Đắk Mil");

  // Blind edits are refused outright.
  Reply blind = Send("PUT", path, v2.dump(), kJson, {}, token());
  EXPECT_EQ(blind.status, 428) << blind;
  EXPECT_TRUE(blind.IsProblem()) << blind;
  Reply blind_patch = Send("PATCH", path, R"({"note":"x"})", kMergePatch, {}, token());
  EXPECT_EQ(blind_patch.status, 428) << blind_patch;

  // Merge patch: adds one field, removes another with null, keeps the rest.
  Reply patch = Patch(path, {{"note", "Đã kiểm tra thực địa"}, {"relic_type", nullptr}}, "\"r2\"");
  ASSERT_EQ(patch.status, 200) << patch;
  EXPECT_EQ(patch.Header("ETag"), "\"r3\"");
  EXPECT_EQ(patch.doc["note"], "Đã kiểm tra thực địa");
  EXPECT_FALSE(patch.doc.contains("relic_type"));
  EXPECT_EQ(patch.doc["names"][0]["value"], "Di tích Nhà ngục Đắk Mil");
  EXPECT_EQ(patch.doc["recognitions"][0]["level"], "national");

  // A stale patch is refused too.
  Reply stale_patch = Patch(path, {{"note", "cũ"}}, "\"r2\"");
  EXPECT_EQ(stale_patch.status, 412) << stale_patch;
  EXPECT_EQ(StaffGet(path).doc["note"], "Đã kiểm tra thực địa");
  // The internal note is for staff only.
  EXPECT_FALSE(Get(path).doc.contains("note"));
}

TEST_F(ApiTest, PutTakesBackTheRecordAsReadButNotAForeignPid) {
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  const std::string path = "/api/v1/items/" + pid;
  Reply read = Get(path);
  ASSERT_EQ(read.status, 200);

  json foreign = Content(read.doc);
  foreign["pid"] = PidFromBody("dn", "23456789");
  Reply foreign_put = Put(path, foreign, "\"r1\"");
  EXPECT_EQ(foreign_put.status, 422) << foreign_put;
  EXPECT_EQ(Get(path).doc["revision"], 1);

  // The record exactly as GET returned it (pid, class, revision, links...) is a valid PUT body.
  json echoed = read.doc;
  echoed["revision"] = 99;
  echoed["note"] = "đã sửa";
  Reply echo_put = Put(path, echoed, "\"r1\"");
  ASSERT_EQ(echo_put.status, 200) << echo_put;
  EXPECT_EQ(echo_put.doc["revision"], 2);
  EXPECT_EQ(echo_put.doc["note"], "đã sửa");
  EXPECT_EQ(echo_put.doc["created_at"], read.doc["created_at"]);
}

// ---------------------------------------------------------------------------------------------
// History: revisions, snapshots, diff, restore

TEST_F(ApiTest, HistoryDiffAndRestore) {
  // Reasons come from ?reason= or X-Change-Reason and are kept with the revision.
  Reply created = Send("POST", "/api/v1/items?reason=nh%E1%BA%ADp%20tay",
                       testing::RelicDocument("Tên ban đầu").dump(), kJson, {}, token());
  ASSERT_EQ(created.status, 201) << created;
  const std::string pid = created.doc["pid"].get<std::string>();
  const std::string path = "/api/v1/items/" + pid;
  Reply put = Send("PUT", path, testing::RelicDocument("Tên thứ hai").dump(), kJson,
                   {{"If-Match", "\"r1\""}, {"X-Change-Reason", "sửa tên"}}, token());
  ASSERT_EQ(put.status, 200) << put;
  ASSERT_EQ(Patch(path, {{"note", "ghi chú"}}, "\"r2\"").status, 200);

  Reply list = Get(path + "/revisions");
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_EQ(list.doc["pid"], pid);
  const json& revs = list.doc["revisions"];
  ASSERT_EQ(revs.size(), 3u) << list;
  std::vector<std::string> actions;
  for (size_t i = 0; i < revs.size(); ++i) {
    EXPECT_EQ(revs[i]["number"], static_cast<int>(i + 1));
    EXPECT_FALSE(revs[i]["at"].get<std::string>().empty());
    actions.push_back(revs[i]["action"].get<std::string>());
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "update", "update"}));
  EXPECT_EQ(revs[0]["author"], "token:test");
  EXPECT_EQ(revs[0]["reason"], "nhập tay");
  EXPECT_EQ(revs[1]["reason"], "sửa tên");

  Reply r1 = Get(path + "/revisions/1");
  ASSERT_EQ(r1.status, 200) << r1;
  EXPECT_EQ(r1.doc["number"], 1);
  EXPECT_EQ(r1.doc["action"], "create");
  ASSERT_TRUE(r1.doc.contains("snapshot")) << r1;
  EXPECT_EQ(r1.doc["snapshot"]["names"][0]["value"], "Tên ban đầu");
  EXPECT_FALSE(r1.doc["snapshot"].contains("note"));

  Reply missing = Get(path + "/revisions/99");
  EXPECT_EQ(missing.status, 404) << missing;
  EXPECT_TRUE(missing.IsProblem()) << missing;
  EXPECT_EQ(Send("POST", path + "/revisions/99/restore", "", "", {}, token()).status, 404);
  Reply stale_restore =
      Send("POST", path + "/revisions/1/restore", "", "", {{"If-Match", "\"r1\""}}, token());
  EXPECT_EQ(stale_restore.status, 412) << stale_restore;
  EXPECT_EQ(Get(path).doc["revision"], 3);

  Reply diff = Get(path + "/diff?from=1&to=2");
  ASSERT_EQ(diff.status, 200) << diff;
  ASSERT_EQ(diff.doc["changes"].size(), 1u) << diff;
  EXPECT_EQ(diff.doc["changes"][0]["path"], "/names/0/value");
  EXPECT_EQ(diff.doc["changes"][0]["before"], "Tên ban đầu");
  EXPECT_EQ(diff.doc["changes"][0]["after"], "Tên thứ hai");

  Reply no_to = Get(path + "/diff?from=1");
  EXPECT_EQ(no_to.status, 422) << no_to;

  Reply restored = Send("POST", path + "/revisions/1/restore", "", "", {}, token());
  ASSERT_EQ(restored.status, 200) << restored;
  EXPECT_EQ(restored.doc["revision"], 4);
  EXPECT_EQ(restored.Header("ETag"), "\"r4\"");
  EXPECT_EQ(Content(restored.doc), r1.doc["snapshot"]);
  Reply now = Get(path);
  EXPECT_EQ(Content(now.doc), r1.doc["snapshot"]);
  Reply history = Get(path + "/revisions");
  ASSERT_EQ(history.doc["revisions"].size(), 4u);
  EXPECT_EQ(history.doc["revisions"][3]["action"], "restore");

  // Restoring is a write: anonymous callers are refused.
  Reply anonymous = Send("POST", path + "/revisions/2/restore");
  EXPECT_EQ(anonymous.status, 401) << anonymous;
}

// ---------------------------------------------------------------------------------------------
// Delete: reason required, tombstone, undelete by restore

TEST_F(ApiTest, DeleteNeedsReasonLeavesTombstoneAndRestoreUndeletes) {
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  const std::string path = "/api/v1/items/" + pid;

  Reply no_reason = Send("DELETE", path, "", "", {}, token());
  EXPECT_EQ(no_reason.status, 422) << no_reason;
  EXPECT_TRUE(no_reason.IsProblem()) << no_reason;
  EXPECT_EQ(Get(path).status, 200) << "a refused delete must not delete";
  Reply stale = Send("DELETE", path + "?reason=x", "", "", {{"If-Match", "\"r9\""}}, token());
  EXPECT_EQ(stale.status, 412) << stale;
  EXPECT_EQ(Get(path).status, 200) << "a refused delete must not delete";

  const std::string reason = "trùng với bản ghi khác";
  Reply deleted =
      Send("DELETE", path + "?reason=tr%C3%B9ng%20v%E1%BB%9Bi%20b%E1%BA%A3n%20ghi%20kh%C3%A1c", "",
           "", {}, token());
  ASSERT_EQ(deleted.status, 200) << deleted;
  EXPECT_EQ(deleted.doc["deleted"], true);
  EXPECT_EQ(deleted.doc["reason"], reason);
  EXPECT_EQ(deleted.doc["revision"], 2);

  Reply gone = Get(path);
  EXPECT_EQ(gone.status, 410) << gone;
  EXPECT_TRUE(gone.IsProblem()) << gone;
  ASSERT_TRUE(gone.doc.contains("tombstone")) << gone;
  EXPECT_EQ(gone.doc["tombstone"]["reason"], reason);
  EXPECT_EQ(gone.doc["tombstone"]["pid"], pid);
  EXPECT_EQ(gone.doc["tombstone"]["revision"], 2);

  // Deleted records leave lists, and cannot be edited or deleted again.
  Reply list = Get("/api/v1/items");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.doc["items"].empty()) << list;
  Reply edit = Patch(path, {{"note", "x"}}, "\"r2\"");
  EXPECT_EQ(edit.status, 410) << edit;
  Reply again = Send("DELETE", path + "?reason=again", "", "", {}, token());
  EXPECT_EQ(again.status, 410) << again;

  Reply restored = Send("POST", path + "/revisions/1/restore", "", "", {}, token());
  ASSERT_EQ(restored.status, 200) << restored;
  EXPECT_EQ(restored.doc["revision"], 3);
  Reply back = Get(path);
  ASSERT_EQ(back.status, 200) << back;
  EXPECT_EQ(back.doc["names"][0]["value"], "Nhà ngục Đắk Mil");
  EXPECT_EQ(back.Header("ETag"), "\"r3\"");
  EXPECT_EQ(Get("/api/v1/items").doc["items"].size(), 1u);

  // The reason may also come in a JSON body.
  Reply by_body =
      Send("DELETE", path, R"({"reason": "nhập nhầm"})", kJson, {{"If-Match", "\"r3\""}}, token());
  ASSERT_EQ(by_body.status, 200) << by_body;
  EXPECT_EQ(by_body.doc["reason"], "nhập nhầm");
  EXPECT_EQ(Get(path).doc["tombstone"]["reason"], "nhập nhầm");
}

// ---------------------------------------------------------------------------------------------
// Authentication

TEST_F(ApiTest, WritesNeedAValidToken) {
  const std::string body = testing::RelicDocument().dump();
  Reply none = Send("POST", "/api/v1/items", body, kJson);
  EXPECT_EQ(none.status, 401) << none;
  EXPECT_TRUE(none.IsProblem()) << none;
  EXPECT_EQ(none.Header("WWW-Authenticate"), "Bearer realm=\"disan\"");

  Reply wrong = Send("POST", "/api/v1/items", body, kJson, {}, "disan_notarealtokenatall");
  EXPECT_EQ(wrong.status, 401) << wrong;
  EXPECT_TRUE(wrong.IsProblem()) << wrong;
  EXPECT_TRUE(wrong.HasHeader("WWW-Authenticate"));

  Reply basic =
      Send("POST", "/api/v1/items", body, kJson, {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(basic.status, 401) << basic;

  // Nothing was created by the refused requests.
  EXPECT_TRUE(StaffGet("/api/v1/items").doc["items"].empty());

  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  const std::string path = "/api/v1/items/" + pid;
  EXPECT_EQ(Send("PUT", path, body, kJson, {{"If-Match", "\"r1\""}}).status, 401);
  EXPECT_EQ(Send("PATCH", path, "{}", kMergePatch, {{"If-Match", "\"r1\""}}).status, 401);
  EXPECT_EQ(Send("DELETE", path + "?reason=x").status, 401);
  EXPECT_EQ(Get(path).doc["revision"], 1);
}

// ---------------------------------------------------------------------------------------------
// Validation

TEST_F(ApiTest, UnknownFieldIsNamedWithPointerInBothLanguages) {
  json doc = testing::RelicDocument();
  doc["bogus"] = 1;
  Reply r = Post("/api/v1/items", doc);
  ASSERT_EQ(r.status, 422) << r;
  ASSERT_TRUE(r.IsProblem()) << r;
  EXPECT_FALSE(r.doc["detail"].get<std::string>().empty());
  EXPECT_FALSE(r.doc["detail_vi"].get<std::string>().empty());
  ASSERT_TRUE(r.doc["errors"].is_array()) << r;
  ASSERT_EQ(r.doc["errors"].size(), 1u) << r;
  const json& e = r.doc["errors"][0];
  EXPECT_EQ(e["pointer"], "/bogus");
  EXPECT_EQ(e["problem"], "unknown_field");
  EXPECT_FALSE(e["detail"].get<std::string>().empty());
  EXPECT_FALSE(e["detail_vi"].get<std::string>().empty());
  EXPECT_NE(e["detail"], e["detail_vi"]);
}

TEST_F(ApiTest, WrongTypeIsRefused) {
  json doc = testing::RelicDocument();
  doc["names"] = "x";
  doc["relic_type"] = 5;
  doc["recognitions"][0]["year"] = "2005";
  Reply r = Post("/api/v1/items", doc);
  ASSERT_EQ(r.status, 422) << r;
  ASSERT_TRUE(r.IsProblem()) << r;
  std::set<std::pair<std::string, std::string>> problems;
  for (const json& e : r.doc["errors"]) {
    problems.emplace(e["pointer"].get<std::string>(), e["problem"].get<std::string>());
  }
  EXPECT_TRUE(problems.contains({"/names", "type"})) << r;
  EXPECT_TRUE(problems.contains({"/relic_type", "type"})) << r;
  EXPECT_TRUE(problems.contains({"/recognitions/0/year", "type"})) << r;
  // A field that was sent with the wrong type was not left out: "is required" misleads.
  EXPECT_FALSE(problems.contains({"/names", "required"})) << r;
  EXPECT_EQ(problems.size(), 3u) << r;
}

TEST_F(ApiTest, UnknownVocabularyTermNamesThePointer) {
  json doc = testing::RelicDocument();
  doc["relic_type"] = "castle";
  Reply r = Post("/api/v1/items", doc);
  ASSERT_EQ(r.status, 422) << r;
  ASSERT_TRUE(r.IsProblem()) << r;
  ASSERT_EQ(r.doc["errors"].size(), 1u) << r;
  EXPECT_EQ(r.doc["errors"][0]["pointer"], "/relic_type");
  EXPECT_EQ(r.doc["errors"][0]["problem"], "unknown_term");
  EXPECT_NE(r.doc["errors"][0]["detail"].get<std::string>().find("castle"), std::string::npos);
}

TEST_F(ApiTest, MalformedAndHostileBodiesAreRefusedWithoutHarm) {
  Reply malformed =
      Send("POST", "/api/v1/items", R"({"kind": "relic", "names": [)", kJson, {}, token());
  EXPECT_EQ(malformed.status, 422) << malformed;
  EXPECT_TRUE(malformed.IsProblem()) << malformed;

  Reply deep = Send("POST", "/api/v1/items", std::string(10000, '['), kJson, {}, token());
  EXPECT_EQ(deep.status, 422) << deep;
  EXPECT_TRUE(deep.IsProblem()) << deep;
  std::string deep_objects;
  for (int i = 0; i < 5000; ++i) deep_objects += "{\"a\":";
  Reply deep2 = Send("POST", "/api/v1/items", deep_objects, kJson, {}, token());
  EXPECT_EQ(deep2.status, 422) << deep2;

  // Invalid UTF-8 (a lone continuation byte, then an overlong '/') inside a string value.
  json doc = testing::RelicDocument("PLACEHOLDER");
  std::string text = doc.dump();
  text.replace(text.find("PLACEHOLDER"), 11, "Nh\x80 ng\xC0\xAF");
  Reply bad_utf8 = Send("POST", "/api/v1/items", text, kJson, {}, token());
  EXPECT_EQ(bad_utf8.status, 422) << bad_utf8;
  EXPECT_TRUE(bad_utf8.IsProblem()) << bad_utf8;

  // A JSON array is not a record.
  Reply array = Send("POST", "/api/v1/items", "[]", kJson, {}, token());
  EXPECT_EQ(array.status, 422) << array;

  // The server is still alive and nothing was stored.
  Reply list = StaffGet("/api/v1/items");
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_TRUE(list.doc["items"].empty()) << list;
}

TEST_F(ApiTest, WrongContentTypeIsRefusedNamingTheMediaType) {
  Reply r =
      Send("POST", "/api/v1/items", testing::RelicDocument().dump(), "text/plain", {}, token());
  // docs/api.md and the OpenAPI document: 415 for a body not declared as JSON.
  EXPECT_EQ(r.status, 415) << r;
  ASSERT_TRUE(r.IsProblem()) << r;
  EXPECT_NE(r.doc["detail"].get<std::string>().find("application/json"), std::string::npos) << r;
  EXPECT_NE(r.doc["detail"].get<std::string>().find("text/plain"), std::string::npos) << r;

  // Parameters and case do not matter; a missing type is not JSON.
  Reply charset = Send("POST", "/api/v1/items", testing::RelicDocument().dump(),
                       "Application/JSON; charset=utf-8", {}, token());
  EXPECT_EQ(charset.status, 201) << charset;
  Reply untyped = Send("POST", "/api/v1/items", testing::RelicDocument().dump(), "", {}, token());
  EXPECT_EQ(untyped.status, 415) << untyped;

  // PATCH takes merge-patch+json (and plain JSON), nothing else.
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  Reply patch = Send("PATCH", "/api/v1/items/" + pid, R"({"note":"x"})", "text/plain",
                     {{"If-Match", "\"r1\""}}, token());
  EXPECT_EQ(patch.status, 415) << patch;
  EXPECT_NE(patch.body.find("application/merge-patch+json"), std::string::npos) << patch;
  EXPECT_EQ(Get("/api/v1/items/" + pid).doc["revision"], 1);
  EXPECT_EQ(StaffGet("/api/v1/items").doc["items"].size(), 2u);
}

TEST_F(ApiTest, ReferenceToMissingCustodianIsRefused) {
  json doc = testing::RelicDocument();
  const std::string ghost = PidFromBody("dn", "23456789");
  doc["custodian"] = ghost;
  Reply r = Post("/api/v1/items", doc);
  ASSERT_EQ(r.status, 422) << r;
  ASSERT_TRUE(r.IsProblem()) << r;
  ASSERT_EQ(r.doc["errors"].size(), 1u) << r;
  EXPECT_EQ(r.doc["errors"][0]["pointer"], "/custodian");
  EXPECT_EQ(r.doc["errors"][0]["problem"], "reference");
  EXPECT_NE(r.doc["errors"][0]["detail"].get<std::string>().find(ghost), std::string::npos) << r;

  // A reference to a record of the wrong class is refused just the same.
  std::string item = CreateItem(testing::RelicDocument("Một di tích khác"));
  doc["custodian"] = item;
  Reply wrong_class = Post("/api/v1/items", doc);
  EXPECT_EQ(wrong_class.status, 422) << wrong_class;

  // And a real organisation is accepted.
  Reply org = Post("/api/v1/organisations",
                   {{"kind", "museum"}, {"names", Name("Bảo tàng tỉnh Đắk Nông")}});
  ASSERT_EQ(org.status, 201) << org;
  EXPECT_EQ(org.Header("Location"), "/api/v1/organisations/" + org.doc["pid"].get<std::string>());
  doc["custodian"] = org.doc["pid"];
  Reply ok = Post("/api/v1/items", doc);
  EXPECT_EQ(ok.status, 201) << ok;
}

class SmallBodyApiTest : public ApiTest {
 protected:
  SmallBodyApiTest() : ApiTest(4096) {}
};

TEST_F(SmallBodyApiTest, BodyOverTheLimitGets413Problem) {
  json doc = testing::RelicDocument();
  doc["note"] = std::string(10 * 1024, 'a');
  Reply r = Post("/api/v1/items", doc);
  ASSERT_EQ(r.status, 413) << r;
  EXPECT_TRUE(r.IsProblem()) << r;
  EXPECT_EQ(r.doc["title"], "Content Too Large");
  // Under the limit still works.
  Reply small = Post("/api/v1/items", testing::RelicDocument());
  EXPECT_EQ(small.status, 201) << small;
}

// ---------------------------------------------------------------------------------------------
// Identifier resolver

TEST_F(ApiTest, IdResolverNegotiatesAndChecksTheCheckCharacter) {
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());

  Reply json_reply = Get("/id/" + pid, {{"Accept", "application/json"}});
  ASSERT_EQ(json_reply.status, 200) << json_reply;
  EXPECT_EQ(json_reply.doc["pid"], pid);
  EXPECT_EQ(json_reply.doc["names"][0]["value"], "Nhà ngục Đắk Mil");

  // Anyone else goes to the item's page (its readable slug ends with the pid).
  Reply redirect = Get("/id/" + pid);
  EXPECT_EQ(redirect.status, 303) << redirect;
  EXPECT_TRUE(redirect.Header("Location").starts_with("/di-san/nha-nguc-dak-mil-")) << redirect;
  EXPECT_TRUE(redirect.Header("Location").ends_with(pid)) << redirect;
  Reply browser = Get("/id/" + pid, {{"Accept", "text/html,application/xhtml+xml"}});
  EXPECT_EQ(browser.status, 303) << browser;
  EXPECT_EQ(browser.Header("Location"), redirect.Header("Location"));
  Reply page = Get(browser.Header("Location"), {{"Accept", "text/html"}});
  EXPECT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("Nhà ngục Đắk Mil"), std::string::npos);

  // Typed in upper case: still resolves (identifiers are case-insensitive).
  std::string shouted = pid;
  std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  Reply upper = Get("/id/" + shouted, {{"Accept", "application/json"}});
  EXPECT_EQ(upper.status, 200) << upper;

  // One body character changed, the shape kept: the check character catches it.
  std::string typo = pid;
  typo[3] = typo[3] == '2' ? '3' : '2';
  Reply bad = Get("/id/" + typo, {{"Accept", "application/json"}});
  EXPECT_EQ(bad.status, 400) << bad;
  ASSERT_TRUE(bad.IsProblem()) << bad;
  EXPECT_NE(bad.doc["detail"].get<std::string>().find("check character"), std::string::npos) << bad;

  Reply shape = Get("/id/not-a-pid");
  EXPECT_EQ(shape.status, 400) << shape;

  const std::string unknown = PidFromBody("dn", "23456789");
  ASSERT_TRUE(ParsePid(unknown).has_value());
  Reply missing = Get("/id/" + unknown, {{"Accept", "application/json"}});
  EXPECT_EQ(missing.status, 404) << missing;
  EXPECT_TRUE(missing.IsProblem()) << missing;
  EXPECT_EQ(Get("/id/" + unknown).status, 404);
}

// ---------------------------------------------------------------------------------------------
// Listing: filters and cursor pagination

class ListApiTest : public ApiTest {
 protected:
  void SetUp() override {
    auto relic = [](const std::string& name, const std::string& level,
                    const std::string& district) {
      return json{{"kind", "relic"},
                  {"names", Name(name)},
                  {"relic_type", "historical"},
                  {"recognitions", {{{"level", level}}}},
                  {"places", {{{"district_old", district}, {"province_old", "Đắk Nông"}}}}};
    };
    relics_.push_back(CreateItem(relic("Nhà ngục Đắk Mil", "national", "Đắk Mil")));
    relics_.push_back(CreateItem(relic("Đồi Đạo Trung", "provincial", "Đắk Song")));
    relics_.push_back(CreateItem(relic("Đường Trường Sơn", "special_national", "Cư Jút")));
    relics_.push_back(CreateItem(relic("Đồi 722 – Đắk Sắk", "national", "Đắk R'lấp")));
    relics_.push_back(
        CreateItem(relic("Sở Chỉ huy Chiến dịch Tây Nguyên", "provincial", "Krông Nô")));
    others_.push_back(CreateItem({{"kind", "artifact"},
                                  {"names", Name("Đàn đá Đắk Sơn")},
                                  {"artifact_type", "national_treasure"},
                                  {"recognitions", {{{"level", "national_treasure"}}}}}));
    others_.push_back(CreateItem({{"kind", "intangible"},
                                  {"names", Name("Nghề dệt của người M'Nông")},
                                  {"intangible_type", "traditional_crafts"},
                                  {"ethnic_groups", {"mnong"}},
                                  {"recognitions", {{{"level", "intangible_national_list"}}}}}));
    for (const std::string& p : relics_) ASSERT_FALSE(p.empty());
    for (const std::string& p : others_) ASSERT_FALSE(p.empty());
  }

  static std::vector<std::string> Pids(const Reply& r) {
    std::vector<std::string> out;
    for (const json& item : r.doc["items"]) out.push_back(item["pid"].get<std::string>());
    return out;
  }

  std::vector<std::string> relics_;
  std::vector<std::string> others_;
};

TEST_F(ListApiTest, PagesThroughOneKindWithCursors) {
  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  std::string path = "/api/v1/items?kind=relic&limit=2";
  for (int guard = 0; guard < 10; ++guard) {
    Reply page = Get(path);
    ASSERT_EQ(page.status, 200) << page;
    page_sizes.push_back(page.doc["items"].size());
    for (const json& item : page.doc["items"]) {
      EXPECT_EQ(item["kind"], "relic");
      EXPECT_EQ(item["class"], "item");
      seen.push_back(item["pid"].get<std::string>());
    }
    if (!page.doc.contains("next_cursor")) {
      EXPECT_FALSE(page.doc.contains("next"));
      break;
    }
    std::string cursor = page.doc["next_cursor"].get<std::string>();
    ASSERT_FALSE(cursor.empty());
    path = "/api/v1/items?kind=relic&limit=2&cursor=" + cursor;
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(seen, relics_) << "every relic once, in creation order";
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "duplicates";

  // The `next` link, followed as given, continues the same listing.
  Reply first = Get("/api/v1/items?kind=relic&limit=2");
  ASSERT_TRUE(first.doc.contains("next")) << first;
  Reply second = Get(first.doc["next"].get<std::string>());
  ASSERT_EQ(second.status, 200) << second;
  EXPECT_EQ(Pids(second), (std::vector<std::string>{relics_[2], relics_[3]}));

  // Without a filter: all seven; two kinds at once: OR.
  EXPECT_EQ(Pids(Get("/api/v1/items?limit=500")).size(), 7u);
  Reply two_kinds = Get("/api/v1/items?kind=artifact,intangible");
  EXPECT_EQ(Pids(two_kinds), others_);
}

TEST_F(ListApiTest, FiltersByLevelAndFoldedPlace) {
  Reply national = Get("/api/v1/items?level=national");
  ASSERT_EQ(national.status, 200) << national;
  EXPECT_EQ(Pids(national), (std::vector<std::string>{relics_[0], relics_[3]}));

  Reply treasure = Get("/api/v1/items?level=national_treasure");
  EXPECT_EQ(Pids(treasure), (std::vector<std::string>{others_[0]}));

  // "dak mil" finds the place stored as "Đắk Mil", and only it.
  Reply place = Get("/api/v1/items?place=dak%20mil");
  ASSERT_EQ(place.status, 200) << place;
  EXPECT_EQ(Pids(place), (std::vector<std::string>{relics_[0]}));
  EXPECT_EQ(Pids(Get("/api/v1/items?place=%C4%90%E1%BA%AEK%20MIL")),
            (std::vector<std::string>{relics_[0]}));

  // Filters of different fields combine with AND.
  EXPECT_EQ(Pids(Get("/api/v1/items?level=provincial&place=dak%20song")),
            (std::vector<std::string>{relics_[1]}));
  EXPECT_TRUE(Pids(Get("/api/v1/items?level=national_treasure&place=dak%20mil")).empty());
  EXPECT_EQ(Pids(Get("/api/v1/items?ethnic_group=mnong")), (std::vector<std::string>{others_[1]}));
}

TEST_F(ListApiTest, NextLinkIsAWellFormedUrl) {
  // Two items in Đắk Mil, so that a one-item page has a next link carrying the place filter.
  CreateItem({{"kind", "relic"},
              {"names", Name("Di tích thứ hai ở Đắk Mil")},
              {"places", {{{"district_old", "Đắk Mil"}}}}});
  Reply page = Get("/api/v1/items?place=%C4%91%E1%BA%AFk%20mil&limit=1");
  ASSERT_EQ(page.status, 200) << page;
  ASSERT_TRUE(page.doc.contains("next")) << page;
  const std::string next = page.doc["next"].get<std::string>();
  // A URL carries no raw spaces and no raw non-ASCII bytes: filter values must be re-encoded.
  EXPECT_EQ(next.find(' '), std::string::npos) << next;
  EXPECT_TRUE(std::all_of(next.begin(), next.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  })) << next;
}

TEST_F(ListApiTest, BadListParametersAre422) {
  for (const char* query : {"cursor=not-a-cursor", "cursor=0", "limit=0", "limit=abc", "limit=501",
                            "limit=-1", "kind=castle", "kind=relic,castle"}) {
    Reply r = Get(std::string("/api/v1/items?") + query);
    EXPECT_EQ(r.status, 422) << query << "\n" << r;
    EXPECT_TRUE(r.IsProblem()) << query << "\n" << r;
  }
  Reply limit = Get("/api/v1/items?limit=abc");
  ASSERT_TRUE(limit.doc.contains("errors")) << limit;
  EXPECT_EQ(limit.doc["errors"][0]["pointer"], "limit");
  Reply kind = Get("/api/v1/items?kind=castle");
  ASSERT_TRUE(kind.doc.contains("errors")) << kind;
  EXPECT_EQ(kind.doc["errors"][0]["pointer"], "kind");
  // An item kind is not an organisation kind.
  EXPECT_EQ(Get("/api/v1/organisations?kind=relic").status, 422);
}

// ---------------------------------------------------------------------------------------------
// Visibility

TEST_F(ApiTest, RestrictedItemsAreHiddenFromAnonymousReaders) {
  std::string open = CreateItem(testing::RelicDocument("Di tích công khai"));
  json secret_doc = testing::RelicDocument("Di tích hạn chế");
  secret_doc["visibility"] = "restricted";
  std::string secret = CreateItem(secret_doc);
  ASSERT_FALSE(open.empty());
  ASSERT_FALSE(secret.empty());

  Reply staff = StaffGet("/api/v1/items/" + secret);
  ASSERT_EQ(staff.status, 200) << staff;
  EXPECT_EQ(staff.doc["visibility"], "restricted");

  Reply anonymous = Get("/api/v1/items/" + secret);
  EXPECT_EQ(anonymous.status, 404) << anonymous;
  EXPECT_TRUE(anonymous.IsProblem()) << anonymous;
  EXPECT_EQ(anonymous.body.find("Di tích hạn chế"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/items/" + secret + "/revisions").status, 404);
  EXPECT_EQ(Get("/api/v1/items/" + secret + "/revisions/1").status, 404);
  EXPECT_EQ(Get("/id/" + secret, {{"Accept", "application/json"}}).status, 404);

  Reply public_list = Get("/api/v1/items");
  ASSERT_EQ(public_list.status, 200);
  ASSERT_EQ(public_list.doc["items"].size(), 1u) << public_list;
  EXPECT_EQ(public_list.doc["items"][0]["pid"], open);
  Reply staff_list = StaffGet("/api/v1/items");
  EXPECT_EQ(staff_list.doc["items"].size(), 2u) << staff_list;

  // A draft is hidden in the same way.
  json draft = testing::RelicDocument("Bản nháp");
  draft["status"] = "draft";
  std::string draft_pid = CreateItem(draft);
  EXPECT_EQ(Get("/api/v1/items/" + draft_pid).status, 404);
  EXPECT_EQ(Get("/api/v1/items").doc["items"].size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Routing

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  Reply nothing = Get("/api/v1/nothing-here");
  EXPECT_EQ(nothing.status, 404) << nothing;
  EXPECT_TRUE(nothing.IsProblem()) << nothing;
  EXPECT_EQ(nothing.doc["instance"], "/api/v1/nothing-here");

  Reply wrong = Send("DELETE", "/api/v1/items", "", "", {}, token());
  EXPECT_EQ(wrong.status, 405) << wrong;
  EXPECT_TRUE(wrong.IsProblem()) << wrong;
  std::string allow = wrong.Header("Allow");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("DELETE"), std::string::npos) << allow;

  EXPECT_EQ(Get("/healthz").doc["status"], "ok");
  Reply home = Get("/");
  ASSERT_EQ(home.status, 200) << home;
  EXPECT_EQ(home.doc["counts"]["items"], 0);
}

// ---------------------------------------------------------------------------------------------
// Concurrency: optimistic locking loses no update

TEST_F(ApiTest, ConcurrentReadModifyWritePatchesLoseNothing) {
  std::string pid = CreateItem(testing::RelicDocument());
  ASSERT_FALSE(pid.empty());
  const std::string path = "/api/v1/items/" + pid;
  constexpr int kThreads = 8;
  constexpr int kPatchesEach = 20;
  std::atomic<int> successes{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPatchesEach; ++i) {
        const std::string url =
            "https://example.org/t" + std::to_string(t) + "/" + std::to_string(i);
        for (int attempt = 0; attempt < 1000; ++attempt) {
          Reply current = Get(path);
          if (current.status != 200) {
            ++unexpected;
            return;
          }
          json sources = current.doc.value("sources", json::array());
          sources.push_back({{"url", url}});
          // Plain JSON, which PATCH also takes, so that this test is about concurrency only
          // (merge-patch+json has its own test above).
          Reply r = Patch(path, {{"sources", sources}}, current.Header("ETag"), kJson);
          if (r.status == 200) {
            ++successes;
            break;
          }
          if (r.status != 412) {
            ++unexpected;
            return;
          }
          ++conflicts;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  ASSERT_EQ(unexpected.load(), 0);
  EXPECT_EQ(successes.load(), kThreads * kPatchesEach);

  Reply final_state = Get(path);
  ASSERT_EQ(final_state.status, 200);
  EXPECT_EQ(final_state.doc["revision"], 1 + successes.load());
  std::set<std::string> urls;
  for (const json& s : final_state.doc["sources"]) urls.insert(s["url"].get<std::string>());
  EXPECT_EQ(final_state.doc["sources"].size(), static_cast<size_t>(kThreads * kPatchesEach));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPatchesEach; ++i) {
      std::string url = "https://example.org/t" + std::to_string(t) + "/" + std::to_string(i);
      EXPECT_TRUE(urls.contains(url)) << "lost update: " << url;
    }
  }
  Reply history = Get(path + "/revisions");
  EXPECT_EQ(history.doc["revisions"].size(), static_cast<size_t>(1 + successes.load()));
}

// ---------------------------------------------------------------------------------------------
// Self-description: OpenAPI, vocabularies, schema

TEST_F(ApiTest, OpenApiDocumentsEveryRoute) {
  Reply r = Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(r.Header("Content-Type").starts_with("application/vnd.oai.openapi+json"))
      << r.Header("Content-Type");
  ASSERT_FALSE(r.doc.is_discarded()) << "not JSON";
  EXPECT_EQ(r.doc["openapi"], "3.1.0");
  ASSERT_TRUE(r.doc["paths"].is_object());
  ASSERT_FALSE(http::Routes().empty());
  for (const http::Route& route : http::Routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ASSERT_TRUE(r.doc["paths"].contains(route.pattern)) << "undocumented path " << route.pattern;
    EXPECT_TRUE(r.doc["paths"][route.pattern].contains(method))
        << "undocumented " << route.method << " " << route.pattern;
    // Routes the public may not use say how to sign in.
    if (!auth::Allows(auth::Principal{}, route.access.action, {}) &&
        r.doc["paths"][route.pattern].contains(method)) {
      EXPECT_TRUE(r.doc["paths"][route.pattern][method].contains("security"))
          << route.method << " " << route.pattern << " needs a token but documents no security";
    }
  }
}

// The route table, matched directly: captures, a capture with a suffix, HEAD as GET, the
// methods a path allows, and paths no pattern can take.
TEST(RouteTable, MatchesCapturesSuffixesAndMethods) {
  auto match = [](std::string method, std::string path,
                  std::vector<std::string>* allowed = nullptr) {
    http::Request req;
    req.method = std::move(method);
    req.path = std::move(path);
    std::vector<std::string> methods;
    const http::Route* route = http::MatchRoute(req, methods);
    if (allowed) *allowed = methods;
    return std::make_pair(route ? route->pattern : std::string("-"), req.params);
  };
  auto [item, params] = match("GET", "/api/v1/items/dn-abc");
  EXPECT_EQ(item, "/api/v1/items/{pid}");
  EXPECT_EQ(params, (std::map<std::string, std::string>{{"pid", "dn-abc"}}));
  auto [jsonld, ld_params] = match("GET", "/api/v1/items/dn-abc.jsonld");
  EXPECT_EQ(jsonld, "/api/v1/items/{pid}.jsonld");
  EXPECT_EQ(ld_params.at("pid"), "dn-abc");
  EXPECT_EQ(match("GET", "/api/v1/items/.jsonld").first, "/api/v1/items/{pid}")
      << "a suffix alone captures nothing, so the plain capture takes it";
  EXPECT_EQ(match("HEAD", "/api/v1/items/dn-abc").first, "/api/v1/items/{pid}");
  EXPECT_EQ(match("GET", "/api/v1/items/").first, "-") << "an empty segment captures nothing";
  EXPECT_EQ(match("GET", "/api/v1/items/dn-abc/").first, "-");
  EXPECT_EQ(match("GET", "/healthz").first, "/healthz");
  EXPECT_EQ(match("GET", "/healthz/x").first, "-");
  EXPECT_EQ(match("GET", "/" + std::string(40, 'a') + std::string(40, '/')).first, "-");
  std::vector<std::string> allowed;
  EXPECT_EQ(match("DELETE", "/api/v1/search", &allowed).first, "-");
  EXPECT_EQ(allowed, std::vector<std::string>{"GET"});
  EXPECT_EQ(match("PUT", "/api/v1/items/dn-abc", &allowed).first, "/api/v1/items/{pid}");
  EXPECT_GE(allowed.size(), 3u) << "GET, PUT, PATCH and DELETE share the item's path";
  EXPECT_EQ(http::BodyOf(http::Request{.method = "POST", .path = "/api/v1/items/dn-abc/media"}),
            http::Body::kStreamed);
  EXPECT_EQ(http::BodyOf(http::Request{.method = "POST", .path = "/api/v1/items"}),
            http::Body::kBuffered);
}

TEST_F(ApiTest, VocabulariesAndSchema) {
  Reply list = Get("/api/v1/vocabularies");
  ASSERT_EQ(list.status, 200) << list;
  bool found = false;
  for (const json& v : list.doc["vocabularies"]) {
    if (v["id"] == "ethnic_groups") {
      found = true;
      EXPECT_EQ(v["terms"], 54);
      EXPECT_EQ(v["href"], "/api/v1/vocabularies/ethnic_groups");
    }
  }
  EXPECT_TRUE(found) << list;

  Reply ethnic = Get("/api/v1/vocabularies/ethnic_groups");
  ASSERT_EQ(ethnic.status, 200) << ethnic;
  EXPECT_EQ(ethnic.doc["id"], "ethnic_groups");
  ASSERT_EQ(ethnic.doc["terms"].size(), 54u);
  std::set<std::string> ids;
  for (const json& t : ethnic.doc["terms"]) {
    ids.insert(t["id"].get<std::string>());
    EXPECT_FALSE(t["label"]["vi"].get<std::string>().empty()) << t;
  }
  EXPECT_EQ(ids.size(), 54u) << "duplicate ids";
  EXPECT_TRUE(ids.contains("kinh"));
  EXPECT_TRUE(ids.contains("mnong"));

  Reply nope = Get("/api/v1/vocabularies/nope");
  EXPECT_EQ(nope.status, 404) << nope;
  EXPECT_TRUE(nope.IsProblem()) << nope;

  Reply schema = Get("/api/v1/schema");
  ASSERT_EQ(schema.status, 200) << schema;
  ASSERT_TRUE(schema.doc.contains("classes")) << schema.body.substr(0, 200);
  EXPECT_TRUE(schema.doc["classes"].contains("item"));
  EXPECT_TRUE(schema.doc["classes"].contains("organisation"));
  EXPECT_TRUE(schema.doc["classes"].contains("area"));
}

}  // namespace
}  // namespace disan
