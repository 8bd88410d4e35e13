// The lifecycle over real HTTP: who may create, edit and move records of which unit in which
// state; what the public sees of each state (GET, lists, search, OAI-PMH, the change feed);
// who and why recorded for each move.
#include <gtest/gtest.h>

#include "auth_fixture.h"

namespace disan {
namespace {

using testing::HttpReply;
using json = nlohmann::json;

class Lifecycle : public testing::AuthTest {
 protected:
  void SetUp() override {
    unit_a_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    unit_b_ = CreateOrganisation("Ban quản lý di tích Đắk Mil");
    CreateAccount("editor", "unit_editor", unit_a_);
    CreateAccount("curator", "curator");
    CreateAccount("reviewer", "reviewer");
    CreateAccount("contributor", "contributor");
    editor_ = PersonalToken("editor");
  }

  json Doc(const std::string& unit, const std::string& status, const std::string& name) const {
    json d = testing::RelicDocument(name);
    d["custodian"] = unit;
    if (!status.empty()) d["status"] = status;
    return d;
  }

  HttpReply Move(const std::string& pid, const std::string& to, const std::string& bearer,
                 const std::string& reason = "hồ sơ đã đủ") const {
    return Send("POST", "/api/v1/items/" + pid + "/transitions", {{"to", to}, {"reason", reason}},
                bearer);
  }

  HttpReply PatchAs(const std::string& pid, const json& patch, const std::string& bearer) const {
    return Send("PATCH", "/api/v1/items/" + pid + "?reason=sửa", patch, bearer,
                {{"If-Match", "*"}});
  }

  std::string unit_a_, unit_b_, editor_;
};

TEST_F(Lifecycle, UnitEditorsWorkOnlyOnTheirOwnUnitsDrafts) {
  HttpReply mine =
      Send("POST", "/api/v1/items", Doc(unit_a_, "draft", "Đình làng Đắk Sắk"), editor_);
  ASSERT_EQ(mine.status, 201) << mine;
  const std::string pid = mine.doc["pid"];
  HttpReply published =
      Send("POST", "/api/v1/items", Doc(unit_a_, "published", "Thác Dray Sáp"), editor_);
  EXPECT_EQ(published.status, 403) << published;
  EXPECT_TRUE(published.IsProblem());
  EXPECT_NE(published.doc.value("detail_vi", "").find("biên tập đơn vị"), std::string::npos)
      << published;
  HttpReply other_unit = Send("POST", "/api/v1/items", Doc(unit_b_, "draft", "Nhà ngục"), editor_);
  EXPECT_EQ(other_unit.status, 403) << other_unit;

  EXPECT_EQ(PatchAs(pid, {{"note", "bổ sung"}}, editor_).status, 200);
  // Moving the record to another unit, or publishing it by an edit, is refused.
  EXPECT_EQ(PatchAs(pid, {{"custodian", unit_b_}}, editor_).status, 403);
  EXPECT_EQ(PatchAs(pid, {{"status", "published"}}, editor_).status, 403);

  // Another unit's record, addressed by its id: refused before anything is read or written.
  const std::string theirs = CreateItem(unit_b_, "draft", "Di tích của đơn vị khác");
  HttpReply attack = PatchAs(theirs, {{"note", "chiếm quyền"}}, editor_);
  EXPECT_EQ(attack.status, 403) << attack;
  EXPECT_NE(attack.doc.value("detail", "").find(unit_b_), std::string::npos) << attack;
  EXPECT_EQ(Send("DELETE", "/api/v1/items/" + theirs + "?reason=x", nullptr, editor_).status, 403);
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + theirs).doc["revision"], 1) << "nothing written";
  json denied = AuditEntries("access.denied");
  ASSERT_FALSE(denied.empty());
  EXPECT_EQ(denied.back()["actor"], "editor/token:test write");
}

TEST_F(Lifecycle, ContributorsCannotPublishReviewersCannotPublishCuratorsDo) {
  const std::string contributor = PersonalToken("contributor");
  HttpReply draft =
      Send("POST", "/api/v1/items", Doc(unit_a_, "draft", "Cồng chiêng M'Nông"), contributor);
  ASSERT_EQ(draft.status, 201) << draft;
  const std::string pid = draft.doc["pid"];
  HttpReply self_publish = Move(pid, "published", contributor);
  EXPECT_EQ(self_publish.status, 403) << self_publish;
  EXPECT_TRUE(self_publish.IsProblem());
  HttpReply by_edit = PatchAs(pid, {{"status", "published"}}, contributor);
  EXPECT_EQ(by_edit.status, 403) << by_edit;

  HttpReply submit = Move(pid, "in_review", editor_, "đã kiểm tra nguồn");
  ASSERT_EQ(submit.status, 200) << submit;
  EXPECT_EQ(submit.doc["status"], "in_review");
  const std::string reviewer = PersonalToken("reviewer");
  EXPECT_EQ(Move(pid, "published", reviewer).status, 403);
  EXPECT_EQ(Move(pid, "published", editor_).status, 403);
  HttpReply publish = Move(pid, "published", PersonalToken("curator"), "thẩm định đạt");
  ASSERT_EQ(publish.status, 200) << publish;

  // Who and why, in the revisions and in the audit log.
  HttpReply revisions = Admin("GET", "/api/v1/items/" + pid + "/revisions");
  json last = revisions.doc["revisions"].back();
  EXPECT_EQ(last["reason"], "in_review → published: thẩm định đạt");
  EXPECT_EQ(last["author"], "curator/token:test write");
  json moves = AuditEntries("record.transition");
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[1]["target"], pid);
  EXPECT_EQ(moves[1]["detail"]["from"], "in_review");
  EXPECT_EQ(moves[1]["detail"]["to"], "published");
  EXPECT_EQ(moves[1]["actor"], "curator/token:test write");
}

TEST_F(Lifecycle, BadMovesAreRefusedByName) {
  const std::string pid = CreateItem(unit_a_, "draft");
  HttpReply bogus = Move(pid, "approved", server_.token);
  EXPECT_EQ(bogus.status, 422);
  EXPECT_TRUE(bogus.NamesParameter("to")) << bogus;
  HttpReply no_reason = Move(pid, "in_review", server_.token, "  ");
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_TRUE(no_reason.NamesParameter("reason")) << no_reason;
  HttpReply long_reason = Move(pid, "in_review", server_.token, std::string(3000, 'x'));
  EXPECT_EQ(long_reason.status, 422) << long_reason;
  HttpReply skip = Move(pid, "withdrawn", server_.token);
  EXPECT_EQ(skip.status, 409) << skip;
  EXPECT_TRUE(skip.IsProblem());
  HttpReply stale =
      Send("POST", "/api/v1/items/" + pid + "/transitions", {{"to", "in_review"}, {"reason", "x"}},
           server_.token, {{"If-Match", "\"r7\""}});
  EXPECT_EQ(stale.status, 412) << stale;
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + pid).doc["revision"], 1);
}

TEST_F(Lifecycle, OnlyPublishedPublicRecordsReachThePublic) {
  const std::string pid = CreateItem(unit_a_, "draft", "Bon Bu Prăng độc nhất");
  auto public_sees = [&](bool expected) {
    EXPECT_EQ(Send("GET", "/api/v1/items/" + pid).status, expected ? 200 : 404);
    HttpReply list = Send("GET", "/api/v1/items?custodian=" + unit_a_);
    EXPECT_EQ(list.body.find(pid) != std::string::npos, expected) << list;
    HttpReply search = Send("GET", "/api/v1/search?q=prang");
    EXPECT_EQ(search.body.find(pid) != std::string::npos, expected) << search;
    HttpReply feed = Send("GET", "/api/v1/changes?cursor=start");
    EXPECT_EQ(feed.body.find(pid) != std::string::npos, expected) << feed;
  };
  public_sees(false);
  // Staff see drafts.
  EXPECT_EQ(Send("GET", "/api/v1/items/" + pid, nullptr, editor_).status, 200);
  HttpReply oai = Send("GET", "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc");
  EXPECT_EQ(oai.body.find(pid), std::string::npos) << "a draft was never public";

  ASSERT_EQ(Move(pid, "published", server_.token).status, 200);
  public_sees(true);
  ASSERT_EQ(Move(pid, "withdrawn", server_.token, "trùng lặp").status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/items/" + pid).status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/search?q=prang").body.find(pid), std::string::npos);
  HttpReply gone = Send("GET", "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc");
  size_t at = gone.body.find(pid);
  ASSERT_NE(at, std::string::npos) << "harvesters must learn of the withdrawal: " << gone.body;
  EXPECT_NE(gone.body.rfind("status=\"deleted\"", at), std::string::npos) << gone.body;
}

}  // namespace
}  // namespace disan
