// A contributor's photograph for a published item, over real HTTP with a real JPEG made by
// libvips (docs/review.md, "Files for published items"): held out of every public output until
// the review's steps approve and a curator publishes it; the reviewer sees it on the review
// screen; nobody publishes their own; refused files leave nothing behind.
#include "media/derive/image_probe.h"
#include "media/jobs.h"
#include "staff_fixture.h"
#include "support/images.h"
#include "workflow/review.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

// What the public can see of an item and its files, as one string per output.
struct PublicViews {
  std::string item_media, manifest, search_images, oai, jsonld;
};

class MediaContribution : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    media::StartVips();
    unit_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    item_ = CreateItem(unit_, "published", "Đình làng Bu Nor");
    CreateAccount("contributor", "contributor");
    CreateAccount("reviewer", "reviewer");
    CreateAccount("curator", "curator");
    contributor_ = PersonalToken("contributor");
  }

  HttpReply Contribute(const std::string& pid, const std::string& bytes, const std::string& query,
                       const std::string& bearer) const {
    std::multimap<std::string, std::string> h = {{"Content-Type", "application/octet-stream"}};
    if (!bearer.empty()) h.emplace("Authorization", "Bearer " + bearer);
    return testing::SendHttp(server_.port, "POST",
                             "/api/v1/items/" + pid + "/media-contributions?" + query, std::move(h),
                             bytes);
  }
  static std::string Rights() {
    return "licence=cc_by_4_0&rights_holder=Nguy%E1%BB%85n%20V%C4%83n%20A"
           "&attribution=Nguy%E1%BB%85n%20V%C4%83n%20A";
  }

  PublicViews Public() const {
    PublicViews v;
    v.item_media = Send("GET", "/api/v1/items/" + item_ + "/media").body;
    v.manifest = Send("GET", "/iiif/3/manifests/" + item_).body;
    HttpReply found = Send("GET", "/api/v1/search?media=image");
    v.search_images = std::to_string(found.doc.value("total", -1));
    v.oai = Send("GET", "/oai?verb=ListRecords&metadataPrefix=disan").body;
    v.jsonld = Send("GET", "/id/" + item_, nullptr, "", {{"Accept", "application/ld+json"}}).body;
    return v;
  }

  json Act(int64_t id, const std::string& bearer, const std::string& action) const {
    HttpReply r = Send("POST", "/api/v1/submissions/" + std::to_string(id) + "/actions",
                       {{"action", action}, {"reason", "ảnh rõ, đúng hiện vật"}}, bearer);
    return json{{"status", r.status}, {"doc", r.doc}};
  }

  std::string unit_, item_, contributor_;
};

TEST_F(MediaContribution, HeldFromThePublicUntilACuratorPublishes) {
  const std::string jpeg = testing::PictureJpeg(320, 240);
  HttpReply sent = Contribute(item_, jpeg,
                              Rights() + "&caption_vi=C%E1%BB%95ng%20%C4%91%C3%ACnh"
                                         "&filename=%3Cscript%3Ealert(1)%20%C4%91%C3%ACnh.jpg",
                              contributor_);
  ASSERT_EQ(sent.status, 201) << sent;
  EXPECT_EQ(sent.doc["type"], "media");
  EXPECT_EQ(sent.doc["state"], "in_review");
  EXPECT_EQ(sent.doc["steps"], json({"reviewer", "curator"}));
  const int64_t id = sent.doc["id"].get<int64_t>();
  const std::string media = sent.doc["media"]["id"].get<std::string>();
  ASSERT_FALSE(media.empty());
  EXPECT_EQ(sent.doc["media"]["visibility"], "held");
  EXPECT_EQ(server_.store->GetMedia(media).value().licence, "cc_by_4_0");

  auto hidden = [&](const char* when) {
    PublicViews v = Public();
    EXPECT_EQ(v.item_media.find(media), std::string::npos) << when << ": item API";
    EXPECT_EQ(v.manifest.find(media), std::string::npos) << when << ": IIIF manifest";
    EXPECT_EQ(v.search_images, "0") << when << ": media facet";
    EXPECT_EQ(v.oai.find(media), std::string::npos) << when << ": OAI-PMH";
    EXPECT_EQ(v.jsonld.find(media), std::string::npos) << when << ": JSON-LD";
    EXPECT_NE(v.oai.find(item_), std::string::npos) << "the item itself stays public";
    EXPECT_EQ(Send("GET", "/api/v1/media/" + media).status, 404) << when;
    EXPECT_EQ(Send("GET", "/api/v1/media/" + media + "/file").status, 404) << when;
  };
  hidden("submitted");

  // The contributor cannot approve, let alone publish, their own file.
  EXPECT_EQ(Act(id, contributor_, "approve")["status"], 403);
  // The reviewer sees the file (the API and the review screen) and approves step 1.
  const std::string reviewer = PersonalToken("reviewer");
  HttpReply file = Send("GET", "/api/v1/media/" + media + "/file", nullptr, reviewer);
  ASSERT_EQ(file.status, 200) << file;
  EXPECT_EQ(file.body, jpeg);
  std::string session = SignIn("reviewer");
  HttpReply screen = Page("/quan-tri/dong-gop/" + std::to_string(id), session);
  ASSERT_EQ(screen.status, 200) << screen;
  EXPECT_EQ(screen.Header("Cache-Control"), "no-store");
  EXPECT_NE(screen.body.find("<img src=\"/api/v1/media/" + media + "/file\""), std::string::npos)
      << screen.body;
  EXPECT_EQ(screen.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(screen.body.find("&lt;script&gt;alert(1)"), std::string::npos);
  EXPECT_NE(screen.body.find("Tệp được đóng góp"), std::string::npos);
  EXPECT_EQ(Act(id, reviewer, "approve")["status"], 200);
  hidden("approved by the reviewer");

  // A curator who is the contributor would be refused too; this curator publishes.
  json published = Act(id, PersonalToken("curator"), "approve");
  ASSERT_EQ(published["status"], 200) << published;
  EXPECT_EQ(published["doc"]["state"], "accepted");
  PublicViews v = Public();
  EXPECT_NE(v.item_media.find(media), std::string::npos) << v.item_media;
  EXPECT_NE(v.manifest.find(media), std::string::npos) << v.manifest;
  EXPECT_EQ(v.search_images, "1");
  EXPECT_EQ(Send("GET", "/api/v1/media/" + media + "/file").body, jpeg);

  // Every transition is in the audit log, the publication naming the file.
  EXPECT_EQ(AuditEntries("contribution.submit").size(), 1u);
  EXPECT_EQ(AuditEntries("review.approve").size(), 1u);
  json accepted = AuditEntries("review.accept");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0]["detail"]["media"], media);
  // The record got a revision saying so (caches and harvesters see the change).
  HttpReply history = Admin("GET", "/api/v1/items/" + item_ + "/revisions");
  EXPECT_NE(history.body.find("media " + media + " published"), std::string::npos) << history;

  // The preservation store follows once the record's version is written: the file's
  // description there says public too, so a rebuild from OCFL alone shows what the public saw.
  auto described = [&] {
    return json::parse(server_.ocfl->ReadSmallFile(item_, "media/" + media + ".json").value());
  };
  EXPECT_EQ(described()["visibility"], "held");
  testing::TempDir scratch;
  media::Derivatives derivatives{scratch.path() / "derivatives"};
  media::JobRunner runner(*server_.store, *server_.ocfl, derivatives, {50'000'000});
  for (int jobs = 0; runner.RunOne().value() && jobs < 100; ++jobs) {
  }
  EXPECT_EQ(described()["visibility"], "public");
}

TEST_F(MediaContribution, RejectedFilesStayHeldForTheRecord) {
  HttpReply sent = Contribute(item_, testing::PictureJpeg(64, 48), Rights(), contributor_);
  ASSERT_EQ(sent.status, 201) << sent;
  const int64_t id = sent.doc["id"].get<int64_t>();
  const std::string media = sent.doc["media"]["id"].get<std::string>();
  json rejected = Act(id, PersonalToken("reviewer"), "reject");
  ASSERT_EQ(rejected["status"], 200) << rejected;
  EXPECT_EQ(rejected["doc"]["state"], "rejected");
  EXPECT_EQ(server_.store->GetMedia(media).value().visibility, "held");
  EXPECT_EQ(Send("GET", "/api/v1/media/" + media).status, 404);
  EXPECT_EQ(Public().search_images, "0");
  EXPECT_EQ(Act(id, PersonalToken("curator"), "approve")["status"], 409);
}

TEST_F(MediaContribution, ARevisionKeepsTheFileAndItsRights) {
  HttpReply sent = Contribute(item_, testing::PictureJpeg(64, 48), Rights(), contributor_);
  ASSERT_EQ(sent.status, 201) << sent;
  const std::string id = std::to_string(sent.doc["id"].get<int64_t>());
  const std::string media = sent.doc["media"]["id"].get<std::string>();
  HttpReply asked = Send("POST", "/api/v1/submissions/" + id + "/actions",
                         {{"action", "request_changes"},
                          {"reason", "thiếu chú thích"},
                          {"comments", {{{"field", "/names/0/value"}, {"text", "ghi rõ nơi chụp"}}}}},
                         PersonalToken("reviewer"));
  ASSERT_EQ(asked.status, 200) << asked;
  for (const json& body : {json{{"licence", "cc0_1_0"}, {"rights_holder", "B"}, {"attribution", "B"}},
                           json{{"patch", {{"description", "x"}}}}}) {
    HttpReply r = Send("POST", "/api/v1/submissions/" + id + "/revise", body, contributor_);
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_TRUE(r.IsProblem()) << r;
  }
  HttpReply revised = Send("POST", "/api/v1/submissions/" + id + "/revise",
                           {{"note", "chụp ở cổng chính"}}, contributor_);
  ASSERT_EQ(revised.status, 200) << revised;
  EXPECT_EQ(revised.doc["state"], "in_review");
  EXPECT_EQ(revised.doc["media"]["id"], media);
  EXPECT_EQ(revised.doc["licence"]["id"], "cc_by_4_0");
  EXPECT_EQ(server_.store->GetMedia(media).value().visibility, "held");
}

TEST_F(MediaContribution, RefusedFilesLeaveNothingBehind) {
  const auto head = [&]() {
    auto inv = server_.ocfl->ReadInventory(item_);
    return inv ? inv->head : std::string("none");
  };
  const std::string before = head();
  auto refused = [&](const HttpReply& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r;
    EXPECT_TRUE(r.IsProblem()) << r;
    if (!field.empty()) {
      EXPECT_TRUE(r.NamesParameter(field)) << field << "\n" << r;
    }
  };
  const std::string jpeg = testing::PictureJpeg(64, 48);
  refused(Contribute(item_, "just some text, not a picture", Rights(), contributor_), 422, "file");
  refused(Contribute(item_, jpeg, Rights() + "&filename=..%2F..%2Fetc%2Fpasswd", contributor_),
          422, "filename");
  refused(Contribute(item_, jpeg, Rights() + "&visibility=public", contributor_), 422,
          "visibility");
  refused(Contribute(item_, jpeg, "licence=cc_by_4_0&rights_holder=A", contributor_), 422,
          "attribution");
  refused(Contribute(item_, jpeg, Rights() + "&licence=cc_by_4_0", contributor_), 422, "licence");
  refused(Contribute(item_, jpeg, Rights() + "&caption_vi=" + std::string(2001, 'a'), contributor_),
          422, "caption_vi");
  refused(Contribute(item_, jpeg, Rights() + "&caption_en=bell%07", contributor_), 422,
          "caption_en");
  refused(Contribute(item_, jpeg, Rights(), ""), 401, "");
  // Only published items take files this way.
  const std::string draft = CreateItem(unit_, "draft", "Bản nháp");
  refused(Contribute(draft, jpeg, Rights(), contributor_), 404, "");
  EXPECT_TRUE(server_.store->ListMedia(draft).value().empty());

  EXPECT_EQ(head(), before) << "no OCFL version was written";
  EXPECT_TRUE(server_.store->ListMedia(item_).value().empty());
  HttpReply mine = Send("GET", "/api/v1/submissions", nullptr, contributor_);
  EXPECT_EQ(mine.doc["submissions"].size(), 0u) << mine;
}

// The contribution page: what a signed-in contributor's browser gets, and the upload its
// script makes with the session (the CSRF token in X-CSRF-Token, as for the API).
TEST_F(MediaContribution, TheContributionPageSendsTheFileWithTheSession) {
  const std::string session = SignIn("contributor");
  const std::string path = "/quan-tri/ban-ghi/" + item_ + "/gui-tep";
  HttpReply page = Page(path, session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_NE(page.body.find("data-upload=\"/api/v1/items/" + item_ + "/media-contributions\""),
            std::string::npos);
  EXPECT_NE(page.body.find("<option value=\"rs_inc\">"), std::string::npos);
  EXPECT_NE(page.body.find("name=\"attribution\""), std::string::npos);
  EXPECT_NE(page.body.find("Gửi ảnh hoặc ghi âm"), std::string::npos);
  EXPECT_NE(page.body.find("/static/staff.js"), std::string::npos);
  EXPECT_NE(Page(path + "?lang=en", session).body.find("Send a photograph"), std::string::npos);
  EXPECT_EQ(Page("/quan-tri/ban-ghi/" + CreateItem(unit_, "draft", "Nháp") + "/gui-tep", session)
                .status,
            404);
  EXPECT_EQ(Page(path).status, 303) << "anonymous: to the sign-in page";

  const std::string csrf = FormToken(Page("/dang-nhap", session).body);
  ASSERT_FALSE(csrf.empty());
  auto upload = [&](bool with_token) {
    std::multimap<std::string, std::string> h = {{"Content-Type", "image/jpeg"},
                                                 {"Cookie", session}};
    if (with_token) h.emplace("X-CSRF-Token", csrf);
    return testing::SendHttp(server_.port, "POST",
                             "/api/v1/items/" + item_ + "/media-contributions?" + Rights() +
                                 "&filename=c%E1%BB%95ng.jpg",
                             std::move(h), testing::PictureJpeg(48, 32));
  };
  HttpReply forged = upload(false);
  EXPECT_EQ(forged.status, 403) << forged;
  EXPECT_TRUE(server_.store->ListMedia(item_).value().empty());
  HttpReply sent = upload(true);
  ASSERT_EQ(sent.status, 201) << sent;
  EXPECT_EQ(sent.doc["media"]["original_name"], "cổng.jpg");
}

// An oversized file, on a server whose upload limit is small: 413 in both languages, nothing
// stored, the staging area empty.
TEST(MediaContributionLimits, OversizedFilesAreRefusedAndLeaveNothing) {
  media::StartVips();
  testing::TestServer server(1 << 20, 20000);
  auto send = [&](const std::string& method, const std::string& path, const json& body,
                  const std::string& bearer) {
    std::multimap<std::string, std::string> h = {{"Content-Type", "application/json"}};
    if (!bearer.empty()) h.emplace("Authorization", "Bearer " + bearer);
    return testing::SendHttp(server.port, method, path, std::move(h), body.dump());
  };
  json doc = testing::RelicDocument("Nhà ngục Đắk Mil");
  doc["status"] = "published";
  HttpReply item = send("POST", "/api/v1/items", doc, server.token);
  ASSERT_EQ(item.status, 201) << item;
  const std::string pid = item.doc["pid"].get<std::string>();
  ASSERT_EQ(send("POST", "/api/v1/auth/register",
                 {{"login", "lan"}, {"email", "lan@example.vn"}, {"password", testing::kPassword}},
                 "")
                .status,
            201);
  HttpReply login =
      send("POST", "/api/v1/auth/login", {{"login", "lan"}, {"password", testing::kPassword}}, "");
  const std::string token = login.doc.value("token", "");
  ASSERT_FALSE(token.empty()) << login;
  const std::string big = testing::PictureJpeg(600, 600, 100);
  ASSERT_GT(big.size(), 20000u);
  HttpReply r = testing::SendHttp(
      server.port, "POST",
      "/api/v1/items/" + pid +
          "/media-contributions?licence=rs_inc&rights_holder=Lan&attribution=Lan",
      {{"Content-Type", "application/octet-stream"}, {"Authorization", "Bearer " + token}}, big);
  EXPECT_EQ(r.status, 413) << r;
  EXPECT_TRUE(r.IsProblem()) << r;
  EXPECT_TRUE(r.NamesParameter("file")) << r;
  EXPECT_TRUE(server.store->ListMedia(pid).value().empty());
  EXPECT_FALSE(server.ocfl->ReadInventory(pid)) << "an OCFL object was written";
  HttpReply mine = send("GET", "/api/v1/submissions", nullptr, token);
  EXPECT_EQ(mine.doc["submissions"].size(), 0u) << mine;
}

// Intangible heritage is reviewed by two reviewers; a file for it still waits for a curator.
TEST(MediaContributionSteps, ACuratorPublishesAfterTheKindsSteps) {
  testing::TestCatalogue c;
  workflow::Review review(*c.catalogue, workflow::ReviewConfig::Builtin());
  Submission s;
  s.type = "media";
  s.kind = "intangible";
  EXPECT_EQ(review.StepsOf(s).roles, (std::vector<std::string>{"reviewer", "reviewer", "curator"}));
  s.kind = "relic";
  EXPECT_EQ(review.StepsOf(s).roles, (std::vector<std::string>{"reviewer", "curator"}));
  s.type = "correction";
  s.kind = "intangible";
  EXPECT_EQ(review.StepsOf(s).roles, (std::vector<std::string>{"reviewer", "reviewer"}));
}

}  // namespace
}  // namespace disan
