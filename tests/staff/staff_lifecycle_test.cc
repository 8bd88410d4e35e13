// The lifecycle and delete forms of the staff record page over real HTTP: the page offers only
// the moves the permission table allows the signed-in person; each post goes through the same
// workflow and catalogue calls as the API, so a forged move gets the bilingual refusal, a
// missing reason or a stale revision changes nothing, and a delete keeps its reason; CSRF,
// cross-site, size, media-type and hostile-value refusals.
#include "staff_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class StaffLifecycle : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    unit_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    CreateAccount("curator", "curator");
    CreateAccount("editor", "unit_editor", unit_);
    draft_ = CreateItem(unit_, "draft", "Nhà ngục Đắk Mil");
  }
  static std::string EditPath(const std::string& pid) {
    return "/quan-tri/ban-ghi/" + pid + "/sua";
  }
  static std::string MovePath(const std::string& pid) {
    return "/quan-tri/ban-ghi/" + pid + "/trang-thai";
  }
  static std::string DeletePath(const std::string& pid) {
    return "/quan-tri/ban-ghi/" + pid + "/xoa";
  }
  std::string Status(const std::string& pid) const {
    HttpReply r = Admin("GET", "/api/v1/items/" + pid);
    return r.doc.is_object() ? r.doc.value("status", "?") : "?";
  }
  json Revisions(const std::string& pid) const {
    HttpReply r = Admin("GET", "/api/v1/items/" + pid + "/revisions");
    return r.doc.is_object() ? r.doc["revisions"] : json::array();
  }
  // The page's csrf token and the revision its forms carry.
  struct Opened {
    std::string token, revision, body;
  };
  Opened Open(const std::string& pid, const std::string& session) const {
    HttpReply page = Page(EditPath(pid), session);
    EXPECT_EQ(page.status, 200) << page;
    std::smatch m;
    static const std::regex re(R"re(name="revision" value="([0-9]+)")re");
    std::regex_search(page.body, m, re);
    return {FormToken(page.body), m.empty() ? "" : m[1].str(), page.body};
  }
  static bool Offers(const std::string& html, const std::string& to) {
    return html.find("name=\"to\" value=\"" + to + "\"") != std::string::npos;
  }
  std::string unit_, draft_;
};

TEST_F(StaffLifecycle, ThePageOffersOnlyTheMovesTheTableAllows) {
  std::string curator = SignIn("curator");
  Opened c = Open(draft_, curator);
  EXPECT_NE(c.body.find("action=\"" + MovePath(draft_) + "\""), std::string::npos) << c.body;
  EXPECT_TRUE(Offers(c.body, "in_review"));
  EXPECT_TRUE(Offers(c.body, "published"));
  EXPECT_FALSE(Offers(c.body, "withdrawn"));  // the lifecycle has no draft -> withdrawn
  EXPECT_FALSE(Offers(c.body, "draft"));
  EXPECT_NE(c.body.find("action=\"" + DeletePath(draft_) + "\""), std::string::npos);
  EXPECT_NE(c.body.find("data-record-state>bản nháp<"), std::string::npos);

  // A unit editor submits their unit's draft but does not publish it.
  std::string editor = SignIn("editor");
  Opened e = Open(draft_, editor);
  EXPECT_TRUE(Offers(e.body, "in_review"));
  EXPECT_FALSE(Offers(e.body, "published"));
  EXPECT_NE(e.body.find("action=\"" + DeletePath(draft_) + "\""), std::string::npos);

  // On a published record a unit editor may edit but neither move nor delete it.
  const std::string published = CreateItem(unit_, "published", "Thác Trinh Nữ");
  Opened ep = Open(published, editor);
  EXPECT_EQ(ep.body.find("name=\"to\""), std::string::npos);
  EXPECT_EQ(ep.body.find("action=\"" + DeletePath(published) + "\""), std::string::npos);
  Opened cp = Open(published, curator);
  EXPECT_TRUE(Offers(cp.body, "withdrawn"));
  EXPECT_TRUE(Offers(cp.body, "draft"));
  EXPECT_FALSE(Offers(cp.body, "published"));

  // Only items move through the lifecycle (as in the API); a forged move of a unit is refused.
  Opened unit = Open(unit_, curator);
  EXPECT_EQ(unit.body.find("name=\"to\""), std::string::npos);
  HttpReply forged = Post(MovePath(unit_),
                          Encode({{"csrf_token", unit.token},
                                  {"revision", unit.revision},
                                  {"to", "withdrawn"},
                                  {"reason", "thử"}}),
                          curator);
  EXPECT_EQ(forged.status, 409) << forged;
  EXPECT_NE(forged.body.find("chỉ hiện vật di sản"), std::string::npos);
}

TEST_F(StaffLifecycle, APublishGoesThroughTheWorkflowWithItsReason) {
  std::string session = SignIn("curator");
  Opened o = Open(draft_, session);
  HttpReply r = Post(MovePath(draft_),
                     Encode({{"csrf_token", o.token},
                             {"revision", o.revision},
                             {"to", "published"},
                             {"reason", "hồ sơ đã đủ"}}),
                     session);
  ASSERT_EQ(r.status, 303) << r;
  EXPECT_EQ(r.Header("Location"), EditPath(draft_) + "?moved=1");
  EXPECT_EQ(Status(draft_), "published");
  json revisions = Revisions(draft_);
  ASSERT_FALSE(revisions.empty());
  EXPECT_EQ(revisions.back()["reason"], "draft → published: hồ sơ đã đủ") << revisions;
  EXPECT_EQ(revisions.back()["author"], "curator");
  HttpReply after = Page(EditPath(draft_) + "?moved=1", session);
  EXPECT_NE(after.body.find("Bản ghi đã chuyển sang trạng thái đã công bố."), std::string::npos)
      << after.body;
  EXPECT_TRUE(Offers(after.body, "withdrawn"));
}

TEST_F(StaffLifecycle, AUnitEditorSubmitsAndIsSentToTheDeskWhenTheRecordLeavesTheirHands) {
  std::string session = SignIn("editor");
  Opened o = Open(draft_, session);
  HttpReply r = Post(MovePath(draft_),
                     Encode({{"csrf_token", o.token},
                             {"revision", o.revision},
                             {"to", "in_review"},
                             {"reason", "xin thẩm định"}}),
                     session);
  ASSERT_EQ(r.status, 303) << r;
  EXPECT_EQ(r.Header("Location"), "/quan-tri");
  EXPECT_EQ(Status(draft_), "in_review");
}

TEST_F(StaffLifecycle, AForgedMoveGetsTheBilingualRefusalAndChangesNothing) {
  std::string session = SignIn("editor");
  Opened o = Open(draft_, session);
  HttpReply r = Post(MovePath(draft_),
                     Encode({{"csrf_token", o.token},
                             {"revision", o.revision},
                             {"to", "published"},
                             {"reason", "tự công bố"}}),
                     session);
  EXPECT_EQ(r.status, 403) << r;
  EXPECT_NE(r.body.find("publish a record"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("công bố bản ghi"), std::string::npos) << r.body;
  EXPECT_EQ(Status(draft_), "draft");
  // A delete of a record the table does not let them delete is refused before the handler.
  const std::string published = CreateItem(unit_, "published", "Thác Trinh Nữ");
  Opened p = Open(published, session);
  HttpReply del =
      Post(DeletePath(published),
           Encode({{"csrf_token", p.token}, {"revision", p.revision}, {"reason", "x"}}), session);
  EXPECT_EQ(del.status, 403) << del;
  EXPECT_EQ(Status(published), "published");
}

TEST_F(StaffLifecycle, AMissingReasonAStaleRevisionOrAMoveTheLifecycleLacksChangeNothing) {
  std::string session = SignIn("curator");
  Opened o = Open(draft_, session);
  const size_t before = Revisions(draft_).size();
  HttpReply no_reason = Post(MovePath(draft_),
                             Encode({{"csrf_token", o.token},
                                     {"revision", o.revision},
                                     {"to", "published"},
                                     {"reason", " "}}),
                             session);
  EXPECT_EQ(no_reason.status, 422) << no_reason;
  EXPECT_NE(no_reason.body.find("cần nêu lý do"), std::string::npos) << no_reason.body;
  EXPECT_NE(no_reason.body.find("a reason of 1 to 2000 bytes is required"), std::string::npos);
  HttpReply long_reason = Post(MovePath(draft_),
                               Encode({{"csrf_token", o.token},
                                       {"revision", o.revision},
                                       {"to", "published"},
                                       {"reason", std::string(2001, 'x')}}),
                               session);
  EXPECT_EQ(long_reason.status, 422) << long_reason;
  HttpReply no_move = Post(MovePath(draft_),
                           Encode({{"csrf_token", o.token},
                                   {"revision", o.revision},
                                   {"to", "withdrawn"},
                                   {"reason", "rút"}}),
                           session);
  EXPECT_EQ(no_move.status, 409) << no_move;
  HttpReply hostile = Post(MovePath(draft_),
                           Encode({{"csrf_token", o.token},
                                   {"revision", o.revision},
                                   {"to", "<script>x</script>"},
                                   {"reason", "rút"}}),
                           session);
  EXPECT_EQ(hostile.status, 422) << hostile;
  EXPECT_EQ(hostile.body.find("<script>x"), std::string::npos);
  HttpReply no_revision = Post(
      MovePath(draft_),
      Encode({{"csrf_token", o.token}, {"revision", "abc"}, {"to", "published"}, {"reason", "đủ"}}),
      session);
  EXPECT_EQ(no_revision.status, 422) << no_revision;

  // Someone saves the record after the page was opened: the move is refused.
  HttpReply patch = Send("PATCH", "/api/v1/items/" + draft_ + "?reason=sửa",
                         {{"note", "ghi chú mới"}}, server_.token, {{"If-Match", "*"}});
  ASSERT_EQ(patch.status, 200) << patch;
  HttpReply stale = Post(MovePath(draft_),
                         Encode({{"csrf_token", o.token},
                                 {"revision", o.revision},
                                 {"to", "published"},
                                 {"reason", "đủ"}}),
                         session);
  EXPECT_EQ(stale.status, 409) << stale;
  EXPECT_NE(stale.body.find("Chưa có gì thay đổi"), std::string::npos) << stale.body;
  HttpReply stale_delete = Post(
      DeletePath(draft_),
      Encode({{"csrf_token", o.token}, {"revision", o.revision}, {"reason", "trùng"}}), session);
  EXPECT_EQ(stale_delete.status, 409) << stale_delete;
  EXPECT_EQ(Status(draft_), "draft");
  EXPECT_EQ(Revisions(draft_).size(), before + 1);  // only the PATCH
}

TEST_F(StaffLifecycle, FormsWithoutTheTokenFromElsewhereOversizedOrNotUrlEncodedAreRefused) {
  std::string session = SignIn("curator");
  Opened o = Open(draft_, session);
  const std::string body =
      Encode({{"revision", o.revision}, {"to", "published"}, {"reason", "đủ"}});
  EXPECT_EQ(Post(MovePath(draft_), body, session).status, 400);
  EXPECT_EQ(Post(MovePath(draft_), body + "&csrf_token=" + o.token, session, false).status, 403);
  EXPECT_EQ(Post(MovePath(draft_),
                 body + "&csrf_token=" + o.token + "&pad=" + std::string(20000, 'a'), session)
                .status,
            413);
  EXPECT_EQ(
      Post(MovePath(draft_), "{\"to\":\"published\"}", session, true, "application/json").status,
      415);
  EXPECT_EQ(
      Post(DeletePath(draft_), Encode({{"revision", o.revision}, {"reason", "x"}}), session).status,
      400);
  EXPECT_EQ(Post("/quan-tri/ban-ghi/not-a-pid/trang-thai", body + "&csrf_token=" + o.token, session)
                .status,
            404);
  EXPECT_EQ(Status(draft_), "draft");
}

TEST_F(StaffLifecycle, ADeleteNeedsAReasonAndKeepsIt) {
  std::string session = SignIn("curator");
  Opened o = Open(draft_, session);
  HttpReply no_reason = Post(DeletePath(draft_),
                             Encode({{"csrf_token", o.token}, {"revision", o.revision}}), session);
  EXPECT_EQ(no_reason.status, 422) << no_reason;
  EXPECT_NE(no_reason.body.find("cần nêu lý do khi xóa bản ghi"), std::string::npos);
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + draft_).status, 200);

  HttpReply gone = Post(DeletePath(draft_),
                        Encode({{"csrf_token", o.token},
                                {"revision", o.revision},
                                {"reason", "trùng với bản ghi khác"}}),
                        session);
  EXPECT_EQ(gone.status, 200) << gone;
  EXPECT_NE(gone.body.find("Đã xóa bản ghi " + draft_), std::string::npos) << gone.body;
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + draft_).status, 410);
  json revisions = Revisions(draft_);
  ASSERT_FALSE(revisions.empty());
  EXPECT_EQ(revisions.back()["action"], "delete") << revisions;
  EXPECT_EQ(revisions.back()["reason"], "trùng với bản ghi khác");
  // Deleted is gone: neither a second delete nor a move.
  EXPECT_EQ(
      Post(DeletePath(draft_),
           Encode({{"csrf_token", o.token}, {"revision", o.revision}, {"reason", "lại"}}), session)
          .status,
      410);
}

}  // namespace
}  // namespace disan
