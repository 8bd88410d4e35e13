// Community contributions and their multi-step review, over real HTTP against a real SQLite
// store: new items as hidden drafts, corrections held beside the official record, the steps of
// schema/review.json, the rules against reviewing one's own work or approving twice, queues,
// notifications, commercial-use requests, and hostile input (XSS, oversized, malformed, no
// partial write).
#include <gtest/gtest.h>

#include "auth_fixture.h"
#include "support/media_samples.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class ReviewTest : public testing::AuthTest {
 protected:
  void SetUp() override {
    unit_a_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    unit_b_ = CreateOrganisation("Ban quản lý di tích Đắk Mil");
    CreateAccount("curator", "curator");
    CreateAccount("reviewer", "reviewer");
    CreateAccount("reviewer2", "reviewer");
    CreateAccount("editor", "unit_editor", unit_a_);
    CreateAccount("contributor", "contributor");
    CreateAccount("other", "contributor");
    for (const char* who : {"curator", "reviewer", "reviewer2", "editor", "contributor", "other"})
      tokens_[who] = PersonalToken(who);
  }

  HttpReply As(const std::string& who, const std::string& method, const std::string& path,
               const json& body = nullptr) const {
    return Send(method, path, body, tokens_.at(who));
  }

  static json Rights(const std::string& licence = "cc_by_4_0") {
    return {{"licence", licence},
            {"rights_holder", "Nguyễn Văn A"},
            {"attribution", "Nguyễn Văn A (Đắk Mil)"}};
  }

  // A new relic (or `kind`) submitted by `who`; returns the submission.
  json SubmitItem(const std::string& who, const std::string& name, const std::string& unit,
                  const std::string& kind = "relic") {
    json record = testing::RelicDocument(name);
    if (kind == "intangible") {
      record = {{"kind", "intangible"},
                {"names", {{{"lang", "vi"}, {"value", name}, {"preferred", true}}}},
                {"intangible_type", "traditional_crafts"}};
    }
    if (!unit.empty()) record["custodian"] = unit;
    json body = Rights();
    body["record"] = record;
    if (kind == "intangible")
      body["consent"] = {{"who", "Cộng đồng M'Nông buôn Bu Nor"}, {"date", "2026-05-01"}};
    HttpReply r = As(who, "POST", "/api/v1/submissions", body);
    EXPECT_EQ(r.status, 201) << r;
    return r.doc;
  }

  std::string Path(const json& s) const {
    return "/api/v1/submissions/" + std::to_string(s.value("id", 0));
  }

  HttpReply Act(const std::string& who, const json& s, const json& body) const {
    return As(who, "POST", Path(s) + "/actions", body);
  }

  std::string unit_a_, unit_b_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ReviewTest, ANewItemIsAHiddenDraftUntilTheLastStepPublishesIt) {
  json s = SubmitItem("contributor", "Đình làng Đắk Nông", unit_a_);
  const std::string pid = s["record"];
  EXPECT_EQ(s["type"], "new_item");
  EXPECT_EQ(s["state"], "in_review");
  EXPECT_EQ(s["awaiting_role"], "reviewer");
  EXPECT_EQ(s["steps"], json::array({"reviewer", "curator"}));
  EXPECT_EQ(s["licence"]["uri"], "https://creativecommons.org/licenses/by/4.0/");
  EXPECT_EQ(s["attribution"], "Nguyễn Văn A (Đắk Mil)");
  EXPECT_FALSE(s["diff"].empty()) << s;

  // Nobody outside sees it: not the public, not another contributor.
  EXPECT_EQ(Send("GET", "/api/v1/items/" + pid).status, 404);
  EXPECT_EQ(As("other", "GET", Path(s)).status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/search?q=dinh%20lang").doc["total"], 0);

  HttpReply first = Act("reviewer", s, {{"action", "approve"}, {"reason", "đủ tư liệu"}});
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(first.doc["state"], "in_review");
  EXPECT_EQ(first.doc["awaiting_role"], "curator");
  EXPECT_EQ(Send("GET", "/api/v1/items/" + pid).status, 404);

  HttpReply last = Act("curator", s, {{"action", "approve"}, {"reason", "công bố"}});
  ASSERT_EQ(last.status, 200) << last;
  EXPECT_EQ(last.doc["state"], "accepted");
  HttpReply item = Send("GET", "/api/v1/items/" + pid);
  ASSERT_EQ(item.status, 200) << item;
  EXPECT_EQ(item.doc["licence"], "cc_by_4_0");
  EXPECT_EQ(item.doc["rights_holder"], "Nguyễn Văn A");

  // Who published it and why is in the record's history and in the audit log.
  HttpReply history = Admin("GET", "/api/v1/items/" + pid + "/revisions");
  ASSERT_EQ(history.status, 200) << history;
  std::string text = history.body;
  EXPECT_NE(text.find("accepted: công bố"), std::string::npos) << text;
  EXPECT_NE(text.find("curator"), std::string::npos) << text;
  EXPECT_EQ(AuditEntries("contribution.submit").size(), 1u);
  EXPECT_EQ(AuditEntries("review.approve").size(), 1u);
  EXPECT_EQ(AuditEntries("review.accept").size(), 1u);

  // The contributor sees every state change and is told of it.
  HttpReply mine = As("contributor", "GET", "/api/v1/submissions");
  ASSERT_EQ(mine.status, 200) << mine;
  ASSERT_EQ(mine.doc["submissions"].size(), 1u);
  EXPECT_EQ(mine.doc["submissions"][0]["state"], "accepted");
  HttpReply notes = As("contributor", "GET", "/api/v1/notifications?unread=true");
  ASSERT_EQ(notes.status, 200) << notes;
  ASSERT_EQ(notes.doc["notifications"].size(), 2u) << notes;
  EXPECT_EQ(notes.doc["notifications"][0]["event"], "review.accept");
  EXPECT_NE(notes.doc["notifications"][0]["text_vi"].get<std::string>().find("công bố"),
            std::string::npos);
  int64_t newest = notes.doc["notifications"][0]["id"];
  HttpReply read = As("contributor", "POST", "/api/v1/notifications/read", {{"up_to", newest}});
  ASSERT_EQ(read.status, 200) << read;
  EXPECT_EQ(read.doc["marked_read"], 2);
  EXPECT_TRUE(
      As("contributor", "GET", "/api/v1/notifications?unread=true").doc["notifications"].empty());
}

TEST_F(ReviewTest, NobodyReviewsOrPublishesTheirOwnSubmission) {
  json s = SubmitItem("contributor", "Nhà sàn cổ", unit_a_);
  const std::string pid = s["record"];
  // A contributor has no review right at all, and cannot publish the draft by the lifecycle.
  EXPECT_EQ(Act("contributor", s, {{"action", "approve"}}).status, 403);
  EXPECT_EQ(As("contributor", "POST", "/api/v1/items/" + pid + "/transitions",
               {{"to", "published"}, {"reason", "tự công bố"}})
                .status,
            403);
  // Staff who contribute are contributors too: a curator cannot approve their own submission.
  json own = SubmitItem("curator", "Bia đá cổ", unit_a_);
  ASSERT_EQ(Act("reviewer", own, {{"action", "approve"}}).status, 200);
  HttpReply self = Act("curator", own, {{"action", "approve"}});
  EXPECT_EQ(self.status, 403) << self;
  EXPECT_TRUE(self.IsProblem());
  EXPECT_NE(self.doc.value("detail_vi", "").find("của chính mình"), std::string::npos) << self;
  EXPECT_EQ(Send("GET", "/api/v1/items/" + own["record"].get<std::string>()).status, 404);
}

TEST_F(ReviewTest, AReviewerNeitherApprovesTwiceNorTakesAnotherStep) {
  // Intangible heritage: two reviewers, distinct people.
  json s = SubmitItem("contributor", "Nghề dệt thổ cẩm M'Nông", unit_a_, "intangible");
  ASSERT_EQ(s["steps"], json::array({"reviewer", "reviewer"}));
  ASSERT_EQ(Act("reviewer", s, {{"action", "approve"}}).status, 200);
  HttpReply twice = Act("reviewer", s, {{"action", "approve"}});
  EXPECT_EQ(twice.status, 403) << twice;
  EXPECT_EQ(As("reviewer", "GET", Path(s)).doc["step"], 1);
  // Nor may the same person reject at the next step.
  EXPECT_EQ(Act("reviewer", s, {{"action", "reject"}, {"reason", "x"}}).status, 403);
  HttpReply second = Act("reviewer2", s, {{"action", "approve"}});
  ASSERT_EQ(second.status, 200) << second;
  EXPECT_EQ(second.doc["state"], "accepted");
  EXPECT_EQ(second.doc["consent"]["who"], "Cộng đồng M'Nông buôn Bu Nor");

  // A relic's second step is a curator's: a reviewer cannot take it.
  json relic = SubmitItem("contributor", "Di tích B", unit_b_);
  ASSERT_EQ(Act("reviewer", relic, {{"action", "approve"}}).status, 200);
  EXPECT_EQ(Act("reviewer2", relic, {{"action", "approve"}}).status, 403);
  // A unit editor takes no step of the default review, and cannot even see another unit's
  // submission by its id.
  EXPECT_EQ(Act("editor", relic, {{"action", "approve"}}).status, 404);
  EXPECT_EQ(As("editor", "GET", Path(relic)).status, 404);
  // Acting on a finished submission is a conflict.
  ASSERT_EQ(Act("curator", relic, {{"action", "reject"}, {"reason", "trùng lặp"}}).status, 200);
  EXPECT_EQ(Act("curator", relic, {{"action", "approve"}}).status, 409);
}

TEST_F(ReviewTest, ACorrectionStaysBesideTheOfficialRecordUntilAccepted) {
  const std::string pid = CreateItem(unit_a_, "published", "Nhà ngục Đắk Mil");
  json body = Rights("cc0_1_0");
  body["patch"] = {{"names", {{{"lang", "vi"}, {"value", "Ngục Đắk Mil"}, {"preferred", true}}}},
                   {"area_m2", 1200}};
  body["reason"] = "tên đúng theo quyết định xếp hạng";
  HttpReply made = As("contributor", "POST", "/api/v1/items/" + pid + "/corrections", body);
  ASSERT_EQ(made.status, 201) << made;
  json s = made.doc;
  EXPECT_EQ(s["type"], "correction");

  // The public (and the API's public read) keeps seeing the official version.
  HttpReply official = Send("GET", "/api/v1/items/" + pid);
  ASSERT_EQ(official.status, 200);
  EXPECT_EQ(official.doc["names"][0]["value"], "Nhà ngục Đắk Mil");

  // Reviewers see it field by field.
  HttpReply seen = As("reviewer", "GET", Path(s));
  ASSERT_EQ(seen.status, 200) << seen;
  json diff = seen.doc["diff"];
  bool name_change = false, area_added = false;
  for (const json& c : diff) {
    if (c["path"] == "/names/0/value" && c["before"] == "Nhà ngục Đắk Mil" &&
        c["after"] == "Ngục Đắk Mil")
      name_change = true;
    if (c["path"] == "/area_m2" && c["before"].is_null() && c["after"] == 1200) area_added = true;
  }
  EXPECT_TRUE(name_change) << diff;
  EXPECT_TRUE(area_added) << diff;
  EXPECT_EQ(seen.doc["stale"], false);

  ASSERT_EQ(Act("reviewer", s, {{"action", "approve"}}).status, 200);
  HttpReply accepted = Act("curator", s, {{"action", "approve"}, {"reason", "đối chiếu hồ sơ"}});
  ASSERT_EQ(accepted.status, 200) << accepted;
  HttpReply now = Send("GET", "/api/v1/items/" + pid);
  EXPECT_EQ(now.doc["names"][0]["value"], "Ngục Đắk Mil");
  EXPECT_EQ(now.doc["revision"], 2);
  HttpReply history = Admin("GET", "/api/v1/items/" + pid + "/revisions");
  EXPECT_NE(history.body.find("Nguyễn Văn A (Đắk Mil) accepted: đối chiếu hồ sơ"),
            std::string::npos)
      << history;
  // Corrections may not touch what staff decide.
  json sneaky = Rights();
  sneaky["patch"] = {{"status", "withdrawn"}};
  sneaky["reason"] = "x";
  HttpReply refused = As("contributor", "POST", "/api/v1/items/" + pid + "/corrections", sneaky);
  EXPECT_EQ(refused.status, 422) << refused;
  EXPECT_TRUE(refused.NamesParameter("patch/status")) << refused;
  // Nor can anybody correct a record the public cannot see.
  const std::string draft = CreateItem(unit_a_, "draft");
  body["reason"] = "x";
  EXPECT_EQ(As("contributor", "POST", "/api/v1/items/" + draft + "/corrections", body).status, 404);
}

TEST_F(ReviewTest, RequestedChangesComeBackWithCommentsAndTheReviewStartsAgain) {
  const std::string pid = CreateItem(unit_a_, "published");
  json body = Rights();
  body["patch"] = {{"area_m2", 10}};
  body["reason"] = "đo lại";
  json s = As("contributor", "POST", "/api/v1/items/" + pid + "/corrections", body).doc;
  ASSERT_EQ(Act("reviewer", s, {{"action", "approve"}}).status, 200);
  HttpReply asked =
      Act("curator", s,
          {{"action", "request_changes"},
           {"reason", "cần nguồn"},
           {"comments", {{{"field", "/area_m2"}, {"text", "Diện tích theo bản đồ nào?"}}}}});
  ASSERT_EQ(asked.status, 200) << asked;
  EXPECT_EQ(asked.doc["state"], "changes_requested");

  HttpReply mine = As("contributor", "GET", Path(s));
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.doc["comments"].size(), 1u);
  EXPECT_EQ(mine.doc["comments"][0]["field"], "/area_m2");
  EXPECT_EQ(mine.doc["comments"][0]["text"], "Diện tích theo bản đồ nào?");
  EXPECT_EQ(As("contributor", "GET", "/api/v1/notifications").doc["notifications"][0]["event"],
            "review.request_changes");

  // Only its contributor revises it; then the first step acts again (the same reviewer may
  // approve step 1 of the new round).
  EXPECT_EQ(As("other", "POST", Path(s) + "/revise", {{"patch", {{"area_m2", 12}}}}).status, 404);
  HttpReply revised = As("contributor", "POST", Path(s) + "/revise",
                         {{"patch", {{"area_m2", 12}}}, {"note", "theo bản đồ 1/2000"}});
  ASSERT_EQ(revised.status, 200) << revised;
  EXPECT_EQ(revised.doc["state"], "in_review");
  EXPECT_EQ(revised.doc["step"], 0);
  EXPECT_EQ(Act("reviewer", s, {{"action", "approve"}}).status, 200);
  EXPECT_EQ(As("contributor", "POST", Path(s) + "/revise", {{"patch", {{"area_m2", 13}}}}).status,
            409);
}

TEST_F(ReviewTest, QueuesShowWhatTheCallerMayActOnFilteredAndPaged) {
  json a = SubmitItem("contributor", "Di tích A", unit_a_);
  json b = SubmitItem("contributor", "Di tích B", unit_b_);
  json c = SubmitItem("other", "Nghề dệt", unit_a_, "intangible");
  HttpReply all = As("reviewer", "GET", "/api/v1/review/queue");
  ASSERT_EQ(all.status, 200) << all;
  EXPECT_EQ(all.doc["submissions"].size(), 3u);
  // Curators act on no first step.
  EXPECT_TRUE(As("curator", "GET", "/api/v1/review/queue").doc["submissions"].empty());
  HttpReply intangible = As("reviewer", "GET", "/api/v1/review/queue?kind=intangible");
  ASSERT_EQ(intangible.doc["submissions"].size(), 1u);
  EXPECT_EQ(intangible.doc["submissions"][0]["id"], c["id"]);
  HttpReply of_b = As("reviewer", "GET", "/api/v1/review/queue?unit=" + unit_b_);
  ASSERT_EQ(of_b.doc["submissions"].size(), 1u);
  EXPECT_EQ(of_b.doc["submissions"][0]["id"], b["id"]);
  EXPECT_TRUE(
      As("reviewer", "GET", "/api/v1/review/queue?older_than_days=1").doc["submissions"].empty());
  HttpReply page = As("reviewer", "GET", "/api/v1/review/queue?limit=2");
  ASSERT_EQ(page.doc["submissions"].size(), 2u);
  ASSERT_TRUE(page.doc.contains("next_after")) << page;
  HttpReply rest = As("reviewer", "GET",
                      "/api/v1/review/queue?limit=2&after=" +
                          std::to_string(page.doc["next_after"].get<int64_t>()));
  ASSERT_EQ(rest.doc["submissions"].size(), 1u);
  EXPECT_FALSE(rest.doc.contains("next_after"));

  ASSERT_EQ(Act("reviewer", a, {{"action", "approve"}}).status, 200);
  // Step 2 of A waits for a curator; the reviewer who took step 1 no longer sees it.
  EXPECT_EQ(As("curator", "GET", "/api/v1/review/queue").doc["submissions"].size(), 1u);
  EXPECT_EQ(As("reviewer", "GET", "/api/v1/review/queue").doc["submissions"].size(), 2u);

  // A read-only token reads the queue and the submissions, and acts on none.
  std::string read_only = PersonalToken("reviewer", "read");
  EXPECT_EQ(Send("GET", "/api/v1/review/queue", nullptr, read_only).doc["submissions"].size(), 2u);
  EXPECT_EQ(Send("GET", Path(b), nullptr, read_only).status, 200);
  EXPECT_EQ(Send("POST", Path(b) + "/actions", {{"action", "approve"}}, read_only).status, 403);
  EXPECT_EQ(As("contributor", "GET", "/api/v1/review/queue").status, 403);
  EXPECT_EQ(Send("GET", "/api/v1/review/queue").status, 401);
  for (const char* bad : {"?kind=castle", "?unit=nope", "?older_than_days=-1", "?limit=0",
                          "?limit=100000", "?sort=age"}) {
    HttpReply r = As("reviewer", "GET", std::string("/api/v1/review/queue") + bad);
    EXPECT_EQ(r.status, 422) << bad << r;
    EXPECT_TRUE(r.IsProblem()) << r;
  }
}

TEST_F(ReviewTest, ContributorsAttachFilesToTheirOwnDraftOnly) {
  json s = SubmitItem("contributor", "Lễ hội đâm trâu", unit_a_, "intangible");
  auto upload = [&](const std::string& who, const json& sub) {
    std::multimap<std::string, std::string> headers = {
        {"Authorization", "Bearer " + tokens_.at(who)},
        {"Content-Type", "application/octet-stream"}};
    return testing::SendHttp(server_.port, "POST",
                             Path(sub) + "/media?caption_vi=V%C4%83n%20b%E1%BA%A3n",
                             std::move(headers), testing::SampleJpeg());
  };
  HttpReply made = upload("contributor", s);
  ASSERT_EQ(made.status, 201) << made;
  const std::string media = made.doc["id"];
  EXPECT_EQ(made.doc["record"], s["record"]);
  // Hidden like the draft it belongs to.
  EXPECT_EQ(Send("GET", "/api/v1/media/" + media).status, 404);
  // Nobody else adds files to it, and a finished submission takes none.
  EXPECT_EQ(upload("other", s).status, 404);
  EXPECT_EQ(upload("reviewer", s).status, 404);
  EXPECT_EQ(AuditEntries("contribution.media").size(), 1u);

  // The signed consent document is one of its files.
  ASSERT_EQ(Act("reviewer", s,
                {{"action", "request_changes"},
                 {"reason", "thiếu văn bản"},
                 {"comments", {{{"field", "/consent"}, {"text", "Cần văn bản đồng ý"}}}}})
                .status,
            200);
  json rights = Rights();
  rights["consent"] = {
      {"who", "Buôn Bu Nor"}, {"date", "2026-05-01"}, {"document_media", "dn-4kq8zx2bv"}};
  HttpReply foreign = As("contributor", "POST", Path(s) + "/revise", rights);
  EXPECT_EQ(foreign.status, 422) << foreign;
  EXPECT_TRUE(foreign.NamesParameter("consent/document_media")) << foreign;
  rights["consent"]["document_media"] = media;
  HttpReply revised = As("contributor", "POST", Path(s) + "/revise", rights);
  ASSERT_EQ(revised.status, 200) << revised;
  EXPECT_EQ(revised.doc["consent"]["document_media"], media);
  ASSERT_EQ(Act("reviewer", s, {{"action", "approve"}}).status, 200);
  ASSERT_EQ(Act("reviewer2", s, {{"action", "approve"}}).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/media/" + media).status, 200);
  EXPECT_EQ(upload("contributor", s).status, 409);
}

TEST_F(ReviewTest, TextIsStoredAsGivenAndNeverServedAsHtml) {
  const std::string xss = "<script>alert('x')</script><img src=x onerror=alert(1)>";
  json body = Rights();
  body["attribution"] = xss;
  body["rights_holder"] = xss;
  body["note"] = xss;
  body["record"] = testing::RelicDocument(xss);
  HttpReply r = As("contributor", "POST", "/api/v1/submissions", body);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8");
  HttpReply acted = Act("reviewer", r.doc,
                        {{"action", "request_changes"},
                         {"reason", xss},
                         {"comments", {{{"field", "/names/0/value"}, {"text", xss}}}}});
  ASSERT_EQ(acted.status, 200) << acted;
  HttpReply shown = As("contributor", "GET", Path(r.doc));
  EXPECT_EQ(shown.doc["attribution"], xss);
  EXPECT_EQ(shown.doc["rights_holder"], xss);
  EXPECT_EQ(shown.doc["comments"][0]["text"], xss);
  EXPECT_EQ(shown.doc["history"][0]["reason"], xss);
  EXPECT_EQ(shown.doc["document"]["names"][0]["value"], xss);
  // Escaped on output: JSON escapes nothing here, but it is never text/html.
  EXPECT_EQ(shown.Header("Content-Type"), "application/json; charset=utf-8");
  HttpReply notes = As("contributor", "GET", "/api/v1/notifications");
  EXPECT_NE(notes.doc["notifications"][0]["text_en"].get<std::string>().find(xss),
            std::string::npos);
}

TEST_F(ReviewTest, MalformedOversizedAndHostileBodiesAreRefusedNamingTheFieldAndWriteNothing) {
  auto refused = [&](const HttpReply& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r;
    EXPECT_TRUE(r.IsProblem()) << r;
    EXPECT_TRUE(r.NamesParameter(field)) << field << ": " << r;
  };
  json good = Rights();
  good["record"] = testing::RelicDocument("Hợp lệ");
  auto without = [&](const std::string& key) {
    json b = good;
    b.erase(key);
    return b;
  };
  refused(As("contributor", "POST", "/api/v1/submissions", without("licence")), 422, "licence");
  refused(As("contributor", "POST", "/api/v1/submissions", without("record")), 422, "record");
  refused(As("contributor", "POST", "/api/v1/submissions", without("attribution")), 422,
          "attribution");
  json b = good;
  b["licence"] = "cc_by_nd_4_0";
  refused(As("contributor", "POST", "/api/v1/submissions", b), 422, "licence");
  b = good;
  b["licence"] = 7;
  refused(As("contributor", "POST", "/api/v1/submissions", b), 422, "licence");
  b = good;
  b["rights_holder"] = std::string(600, 'a');
  refused(As("contributor", "POST", "/api/v1/submissions", b), 422, "rights_holder");
  b = good;
  b["record"]["status"] = "published";
  refused(As("contributor", "POST", "/api/v1/submissions", b), 422, "record/status");
  b = good;
  b["record"]["kind"] = "intangible";
  b["record"].erase("relic_type");
  refused(As("contributor", "POST", "/api/v1/submissions", b), 422, "consent");
  b["consent"] = {{"who", "Buôn Bu Nor"}, {"date", "2026-13-45"}};
  refused(As("contributor", "POST", "/api/v1/submissions", b), 422, "consent/date");
  // Bytes that are not UTF-8 never reach a field.
  std::string raw = good.dump();
  raw.replace(raw.find("Nguyễn Văn A (Đắk Mil)"), 3, "\xff\xfe\xfd");
  HttpReply latin = testing::SendHttp(
      server_.port, "POST", "/api/v1/submissions",
      {{"Authorization", "Bearer " + tokens_["contributor"]}, {"Content-Type", "application/json"}},
      raw);
  EXPECT_EQ(latin.status, 422) << latin;
  EXPECT_TRUE(latin.IsProblem());
  b = good;
  b["note"] = std::string(700 * 1024, 'n');
  HttpReply big = As("contributor", "POST", "/api/v1/submissions", b);
  EXPECT_TRUE(big.status == 413 || big.status == 422) << big.status;
  EXPECT_TRUE(big.IsProblem());
  HttpReply not_json = testing::SendHttp(
      server_.port, "POST", "/api/v1/submissions",
      {{"Authorization", "Bearer " + tokens_["contributor"]}, {"Content-Type", "application/json"}},
      "{\"record\": ");
  EXPECT_EQ(not_json.status, 422) << not_json;
  EXPECT_TRUE(not_json.IsProblem());
  HttpReply list = As("contributor", "POST", "/api/v1/submissions", json::array({1, 2}));
  refused(list, 422, "body");
  // A record that fails the schema leaves neither a draft nor a submission.
  b = good;
  b["record"]["kind"] = "castle";
  EXPECT_EQ(As("contributor", "POST", "/api/v1/submissions", b).status, 422);
  EXPECT_TRUE(As("contributor", "GET", "/api/v1/submissions").doc["submissions"].empty());
  HttpReply drafts = Admin("GET", "/api/v1/items?limit=500");
  for (const json& item : drafts.doc["items"]) {
    EXPECT_NE(item["names"][0]["value"], "Hợp lệ") << item;
  }

  // Review actions.
  json s = SubmitItem("contributor", "Di tích C", unit_a_);
  refused(Act("reviewer", s, {{"action", "publish"}}), 422, "action");
  refused(Act("reviewer", s, {{"action", "reject"}}), 422, "reason");
  refused(Act("reviewer", s, {{"action", "request_changes"}, {"reason", "x"}}), 422, "comments");
  refused(Act("reviewer", s,
              {{"action", "request_changes"},
               {"reason", "x"},
               {"comments", {{{"field", "names"}, {"text", "x"}}}}}),
          422, "comments/0/field");
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back({{"field", "/a"}, {"text", "x"}});
  refused(Act("reviewer", s, {{"action", "request_changes"}, {"reason", "x"}, {"comments", many}}),
          422, "comments");
  HttpReply huge =
      Act("reviewer", s, {{"action", "reject"}, {"reason", std::string(600 * 1024, 'r')}});
  refused(huge, 413, "body");
  refused(As("reviewer", "POST", "/api/v1/submissions/abc/actions", {{"action", "approve"}}), 422,
          "id");
  EXPECT_EQ(
      As("reviewer", "POST", "/api/v1/submissions/99999/actions", {{"action", "approve"}}).status,
      404);
  EXPECT_EQ(As("reviewer", "GET", Path(s)).doc["history"].size(), 1u);  // nothing was written

  // Accepting a correction whose record was deleted meanwhile fails whole: the submission
  // stays at its step and the contributor is told nothing.
  const std::string pid = CreateItem(unit_a_, "published");
  json fix = Rights();
  fix["patch"] = {{"area_m2", 5}};
  fix["reason"] = "x";
  json corr = As("contributor", "POST", "/api/v1/items/" + pid + "/corrections", fix).doc;
  ASSERT_EQ(Act("reviewer", corr, {{"action", "approve"}}).status, 200);
  size_t notes = As("contributor", "GET", "/api/v1/notifications").doc["notifications"].size();
  ASSERT_EQ(Admin("DELETE", "/api/v1/items/" + pid + "?reason=duplicate").status, 200);
  EXPECT_EQ(Act("curator", corr, {{"action", "approve"}}).status, 410);
  HttpReply after = As("reviewer", "GET", Path(corr));
  EXPECT_EQ(after.doc["state"], "in_review");
  EXPECT_EQ(after.doc["step"], 1);
  EXPECT_EQ(As("contributor", "GET", "/api/v1/notifications").doc["notifications"].size(), notes);
  EXPECT_TRUE(AuditEntries("review.accept").empty());
}

TEST_F(ReviewTest, CommercialUseRequestsAreKeptAndAnsweredOnce) {
  json reserved = testing::RelicDocument("Tượng nhà mồ");
  reserved["licence"] = "rs_inc";
  reserved["rights_holder"] = "Bảo tàng tỉnh";
  reserved["custodian"] = unit_a_;
  const std::string pid = Admin("POST", "/api/v1/items", reserved).doc.value("pid", "");
  json free = testing::RelicDocument("Ảnh đình làng");
  free["licence"] = "cc_by_4_0";
  const std::string open = Admin("POST", "/api/v1/items", free).doc.value("pid", "");

  json ask = {{"name", "Trần Thị B"},
              {"organisation", "Công ty Du lịch Tây Nguyên"},
              {"email", "b@example.vn"},
              {"purpose", "In ảnh lên tập gấp quảng bá"}};
  HttpReply made = Send("POST", "/api/v1/items/" + pid + "/usage-requests", ask);
  ASSERT_EQ(made.status, 201) << made;
  EXPECT_EQ(made.doc["state"], "open");
  EXPECT_EQ(Send("POST", "/api/v1/items/" + open + "/usage-requests", ask).status, 409);
  EXPECT_EQ(Send("POST", "/api/v1/items/dn-4kq8zx2bv/usage-requests", ask).status, 404);
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, json>>{{"email", "not an address"},
                                                 {"email", "a@b.vn<script>"},
                                                 {"purpose", std::string(5000, 'p')},
                                                 {"name", ""},
                                                 {"name", 12}}) {
    json bad = ask;
    bad[field] = value;
    HttpReply r = Send("POST", "/api/v1/items/" + pid + "/usage-requests", bad);
    EXPECT_EQ(r.status, 422) << field << r;
    EXPECT_TRUE(r.NamesParameter(field)) << field << r;
  }
  json huge = ask;
  huge["purpose"] = std::string(20 * 1024, 'p');
  EXPECT_EQ(Send("POST", "/api/v1/items/" + pid + "/usage-requests", huge).status, 413);

  EXPECT_EQ(As("contributor", "GET", "/api/v1/usage-requests").status, 403);
  HttpReply list = As("curator", "GET", "/api/v1/usage-requests?state=open");
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.doc["requests"].size(), 1u);
  EXPECT_EQ(list.doc["requests"][0]["email"], "b@example.vn");
  const std::string answer =
      "/api/v1/usage-requests/" + std::to_string(made.doc["id"].get<int64_t>()) + "/answer";
  EXPECT_EQ(As("reviewer", "POST", answer, {{"decision", "grant"}, {"answer", "x"}}).status, 403);
  EXPECT_EQ(As("curator", "POST", answer, {{"decision", "maybe"}, {"answer", "x"}}).status, 422);
  HttpReply granted = As("curator", "POST", answer,
                         {{"decision", "grant"}, {"answer", "Đồng ý, ghi nguồn Bảo tàng tỉnh"}});
  ASSERT_EQ(granted.status, 200) << granted;
  EXPECT_EQ(granted.doc["state"], "granted");
  EXPECT_TRUE(granted.doc["answered_by"].get<std::string>().starts_with("curator")) << granted;
  EXPECT_EQ(As("curator", "POST", answer, {{"decision", "refuse"}, {"answer", "x"}}).status, 409);
  EXPECT_EQ(As("curator", "GET", "/api/v1/usage-requests?state=granted").doc["requests"].size(),
            1u);
  EXPECT_EQ(AuditEntries("usage.").size(), 2u);
}

}  // namespace
}  // namespace disan
