// The review screen of one submission over real HTTP: the field-by-field diff, escaped; the
// approve / reject / request-changes forms with and without their CSRF token; a second
// approval by the same person; who may open the screen at all.
#include "staff_fixture.h"
#include "workflow/review.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class StaffReview : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    unit_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    CreateAccount("reviewer", "reviewer");
    CreateAccount("contributor", "contributor");
    json s = SubmitItem(PersonalToken("contributor"),
                        "<script>alert('ten')</script> Đình làng \"Bu Nor\"", unit_);
    id_ = std::to_string(s.value("id", 0));
    path_ = "/quan-tri/dong-gop/" + id_;
  }
  json Submission() const {
    HttpReply r = Admin("GET", "/api/v1/submissions/" + id_);
    EXPECT_EQ(r.status, 200) << r;
    return r.doc;
  }
  std::string unit_, id_, path_;
};

TEST_F(StaffReview, TheScreenShowsTheDiffEscapedAndNeverCached) {
  std::string session = SignIn("reviewer");
  HttpReply page = Page(path_, session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_NE(page.body.find("<code>/names</code>"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert("), std::string::npos);
  EXPECT_NE(page.body.find("value=\"approve\""), std::string::npos);
  EXPECT_NE(page.body.find("value=\"request_changes\""), std::string::npos);
  EXPECT_EQ(FormToken(page.body), FormToken(Page("/dang-nhap", session).body));
  HttpReply en = Page(path_ + "?lang=en", session);
  EXPECT_NE(en.body.find("Changes field by field"), std::string::npos);
  EXPECT_EQ(Page("/quan-tri/dong-gop/999999", session).status, 404);
  EXPECT_EQ(Page("/quan-tri/dong-gop/abc", session).status, 404);
}

TEST_F(StaffReview, AContributorCannotReachTheReviewScreen) {
  std::string session = SignIn("contributor");
  EXPECT_EQ(Page(path_, session).status, 403);
  EXPECT_EQ(Post(path_, Encode({{"decision", "approve"}}), session).status, 403);
  HttpReply anonymous = Page(path_);
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.Header("Location"), "/dang-nhap?next=/quan-tri/dong-gop/" + id_);
  EXPECT_EQ(Submission()["awaiting_role"], "reviewer");
}

TEST_F(StaffReview, ApprovingNeedsTheTokenAndASecondApprovalGetsTheMessage) {
  std::string session = SignIn("reviewer");
  const std::string token = FormToken(Page(path_, session).body);
  HttpReply without = Post(path_, Encode({{"decision", "approve"}}), session);
  EXPECT_EQ(without.status, 400) << without;
  EXPECT_NE(without.body.find("biểu mẫu đã hết hạn"), std::string::npos);
  EXPECT_EQ(
      Post(path_, Encode({{"decision", "approve"}, {"csrf_token", token}}), session, false).status,
      403);
  EXPECT_EQ(Submission()["step"], 0);

  HttpReply ok = Post(path_, Encode({{"decision", "approve"}, {"csrf_token", token}}), session);
  EXPECT_EQ(ok.status, 200) << ok;
  EXPECT_NE(ok.body.find("Đã duyệt bước thẩm định này."), std::string::npos);
  EXPECT_NE(ok.body.find("This review step is approved."), std::string::npos);
  EXPECT_EQ(Submission()["awaiting_role"], "curator");

  HttpReply again = Post(path_, Encode({{"decision", "approve"}, {"csrf_token", token}}), session);
  EXPECT_TRUE(again.status == 403 || again.status == 409) << again;
  EXPECT_NE(again.body.find("role=\"alert\""), std::string::npos);
  EXPECT_EQ(again.body.find("Đã duyệt bước thẩm định này."), std::string::npos);
  EXPECT_EQ(Submission()["awaiting_role"], "curator");
}

TEST_F(StaffReview, RejectNeedsAReasonAndRequestChangesCarriesFieldComments) {
  std::string session = SignIn("reviewer");
  const std::string token = FormToken(Page(path_, session).body);
  HttpReply bare = Post(path_, Encode({{"decision", "reject"}, {"csrf_token", token}}), session);
  EXPECT_EQ(bare.status, 422) << bare;
  EXPECT_NE(bare.body.find("reason"), std::string::npos);
  HttpReply odd =
      Post(path_, Encode({{"decision", "<b>maybe</b>"}, {"csrf_token", token}}), session);
  EXPECT_EQ(odd.status, 422) << odd;
  EXPECT_EQ(odd.body.find("<b>maybe"), std::string::npos);
  HttpReply big = Post(
      path_,
      Encode(
          {{"decision", "reject"}, {"csrf_token", token}, {"reason", std::string(70 * 1024, 'x')}}),
      session);
  EXPECT_EQ(big.status, 413) << big;
  EXPECT_EQ(Submission()["state"], "in_review");

  HttpReply changes = Post(path_,
                           Encode({{"decision", "request_changes"},
                                   {"csrf_token", token},
                                   {"reason", "Thiếu nguồn <i>tư liệu</i>"},
                                   {"comment_field", "/names/0/value"},
                                   {"comment_text", "Tên không có <script>"},
                                   {"comment_field", "/names/0/value"},
                                   {"comment_text", ""}}),
                           session);
  EXPECT_EQ(changes.status, 200) << changes;
  EXPECT_NE(changes.body.find("Tên không có &lt;script&gt;"), std::string::npos);
  json s = Submission();
  EXPECT_EQ(s["state"], "changes_requested");
  ASSERT_EQ(s["comments"].size(), 1u) << s;
  EXPECT_EQ(s["comments"][0]["field"], "/names/0/value");
  EXPECT_EQ(s["comments"][0]["text"], "Tên không có <script>");
}

TEST_F(StaffReview, SomeoneWhoAlreadyActedSeesWhyInsteadOfTheForms) {
  // A person holding both roles takes step 1; step 2 needs a different person.
  HttpReply made = Admin("POST", "/api/v1/accounts",
                         {{"login", "both"},
                          {"password", testing::kPassword},
                          {"roles", {{{"role", "reviewer"}}, {{"role", "curator"}}}}});
  ASSERT_EQ(made.status, 201) << made;
  std::string session = SignIn("both");
  HttpReply before = Page(path_, session);
  EXPECT_NE(before.body.find("value=\"approve\""), std::string::npos);
  HttpReply ok =
      Post(path_, Encode({{"decision", "approve"}, {"csrf_token", FormToken(before.body)}}), session);
  ASSERT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(Submission()["awaiting_role"], "curator");
  HttpReply after = Page(path_, session);
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body.find("value=\"approve\""), std::string::npos);
  EXPECT_EQ(after.body.find("value=\"reject\""), std::string::npos);
  EXPECT_NE(after.body.find("bạn đã duyệt bước 1"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find("you approved step 1"), std::string::npos);
  // Another curator still gets the forms.
  CreateAccount("curator", "curator");
  EXPECT_NE(Page(path_, SignIn("curator")).body.find("value=\"approve\""), std::string::npos);
}

TEST_F(StaffReview, CommercialUseRequestsAreLimitedPerAccountAndPerAddress) {
  json reserved = testing::RelicDocument("Tượng nhà mồ");
  reserved["licence"] = "rs_inc";
  reserved["rights_holder"] = "Bảo tàng tỉnh";
  reserved["custodian"] = unit_;
  const std::string pid = Admin("POST", "/api/v1/items", reserved).doc.value("pid", "");
  const std::string path = "/api/v1/items/" + pid + "/usage-requests";
  json ask = {{"name", "Trần Thị B"}, {"email", "b@example.vn"}, {"purpose", "In ảnh"}};
  const std::string contributor = PersonalToken("contributor");
  for (int i = 0; i < workflow::kMaxUseRequestsPerAccountPerHour; ++i)
    ASSERT_EQ(Send("POST", path, ask, contributor).status, 201) << i;
  HttpReply limited = Send("POST", path, ask, contributor);
  EXPECT_EQ(limited.status, 429) << limited;
  EXPECT_TRUE(limited.IsProblem());
  EXPECT_NE(limited.doc.value("detail_vi", "").find("hãy thử lại sau"), std::string::npos);
  EXPECT_FALSE(limited.Header("Retry-After").empty());
  HttpReply list = Admin("GET", "/api/v1/usage-requests?limit=100");
  EXPECT_EQ(list.doc["requests"].size(),
            static_cast<size_t>(workflow::kMaxUseRequestsPerAccountPerHour))
      << list;
  EXPECT_FALSE(AuditEntries("usage.request_throttled").empty());
  // The address is limited too: the public (no account) from the same address.
  int made = workflow::kMaxUseRequestsPerAccountPerHour;
  HttpReply r;
  while ((r = Send("POST", path, ask)).status == 201) ++made;
  EXPECT_EQ(r.status, 429) << r;
  EXPECT_EQ(made, workflow::kMaxUseRequestsPerAddressPerHour);
}

}  // namespace
}  // namespace disan
