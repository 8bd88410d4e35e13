// The staff dashboard over real HTTP: the review queue of the signed-in person (the same rules
// as /api/v1/review/queue) with its filters, their own submissions with comments, unread
// notifications, escaping, and the way in for a browser that is not signed in.
#include "staff_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class StaffDashboard : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    unit_ = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
    CreateAccount("reviewer", "reviewer");
    CreateAccount("contributor", "contributor");
    contributor_ = PersonalToken("contributor");
    reviewer_ = PersonalToken("reviewer");
  }
  std::string unit_, contributor_, reviewer_;
};

TEST_F(StaffDashboard, ReviewersSeeTheirQueueAndContributorsTheirOwnWork) {
  json waiting = SubmitItem(contributor_, "<script>alert('ten')</script> Đình Đắk Mil", unit_);
  json returned = SubmitItem(contributor_, "Nhà ngục Đắk Mil", unit_);
  const std::string waiting_id = std::to_string(waiting.value("id", 0));
  const std::string returned_id = std::to_string(returned.value("id", 0));
  HttpReply act = Send("POST", "/api/v1/submissions/" + returned_id + "/actions",
                       {{"action", "request_changes"},
                        {"reason", "Thiếu nguồn <img src=x onerror=alert(1)>"},
                        {"comments", {{{"field", "/names/0/value"}, {"text", "Sai <b>tên</b>"}}}}},
                       reviewer_);
  ASSERT_EQ(act.status, 200) << act;

  ASSERT_FALSE(CreateOrganisation("<img src=x onerror=alert(2)> Ban quản lý").empty());
  std::string session = SignIn("reviewer");
  HttpReply page = Page("/quan-tri", session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_NE(page.body.find("Chờ tôi thẩm định"), std::string::npos);
  EXPECT_NE(page.body.find("/quan-tri/dong-gop/" + waiting_id + "\""), std::string::npos);
  EXPECT_EQ(page.body.find("/quan-tri/dong-gop/" + returned_id + "\""), std::string::npos)
      << "a submission returned to its contributor waits for nobody's review";
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert("), std::string::npos);
  EXPECT_NE(page.body.find("Bảo tàng tỉnh Đắk Nông"), std::string::npos);
  // Unit names (the filter's choices) are escaped too.
  EXPECT_EQ(page.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;img src=x onerror=alert(2)&gt; Ban quản lý"), std::string::npos);

  // Filters: a kind with nothing waiting, an age nothing has, the unit, and bad values.
  EXPECT_EQ(Page("/quan-tri?kind=intangible", session)
                .body.find("/quan-tri/dong-gop/" + waiting_id + "\""),
            std::string::npos);
  EXPECT_EQ(Page("/quan-tri?older_than_days=30", session)
                .body.find("/quan-tri/dong-gop/" + waiting_id + "\""),
            std::string::npos);
  EXPECT_NE(Page("/quan-tri?unit=" + unit_ + "&kind=relic", session)
                .body.find("/quan-tri/dong-gop/" + waiting_id + "\""),
            std::string::npos);
  for (std::string bad : {"kind=%3Cscript%3E", "older_than_days=0", "unit=xyz", "colour=red"}) {
    HttpReply r = Page("/quan-tri?" + bad, session);
    EXPECT_EQ(r.status, 422) << bad << r;
    EXPECT_EQ(r.body.find("<script>"), std::string::npos);
    EXPECT_NE(r.body.find("role=\"alert\""), std::string::npos) << bad;
  }

  std::string mine = SignIn("contributor");
  HttpReply own = Page("/quan-tri?lang=en", mine);
  ASSERT_EQ(own.status, 200) << own;
  EXPECT_EQ(own.body.find("Waiting for my review"), std::string::npos);  // not a reviewer
  EXPECT_NE(own.body.find("My submissions"), std::string::npos);
  EXPECT_NE(own.body.find("changes requested"), std::string::npos);
  EXPECT_NE(own.body.find("Sai &lt;b&gt;tên&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(own.body.find("Thiếu nguồn &lt;img"), std::string::npos);
  EXPECT_EQ(own.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(own.body.find("Unread notifications"), std::string::npos);
  EXPECT_NE(own.body.find("Nhà ngục Đắk Mil"), std::string::npos);
  // Contributors do not review: no way to the review screen, which refuses them anyway.
  EXPECT_EQ(own.body.find("/quan-tri/dong-gop/"), std::string::npos);
}

TEST_F(StaffDashboard, BrowsersNotSignedInAreSentToSignInAndBack) {
  HttpReply r = Page("/quan-tri?kind=relic");
  EXPECT_EQ(r.status, 303) << r;
  // (The client library decodes Location: the server sends next=%2Fquan-tri%3Fkind%3Drelic.)
  EXPECT_EQ(r.Header("Location"), "/dang-nhap?next=/quan-tri?kind=relic");
  HttpReply api = Send("GET", "/quan-tri");
  EXPECT_EQ(api.status, 401);
  EXPECT_TRUE(api.IsProblem()) << api;

  HttpReply login = Page("/dang-nhap?next=/quan-tri%3Fkind%3Drelic");
  EXPECT_NE(login.body.find("name=\"next\" value=\"/quan-tri?kind=relic\""), std::string::npos);
  const std::string cookie = "disan_form=" + SetCookie(login, "disan_form").value_or("");
  for (const auto& [next, expected] : std::vector<std::pair<std::string, std::string>>{
           {"/quan-tri?kind=relic", "/quan-tri?kind=relic"},
           {"https://evil.example/", "/quan-tri"},
           {"//evil.example/quan-tri", "/quan-tri"},
           {"/quan-tri\r\nSet-Cookie: x=y", "/quan-tri"}}) {
    HttpReply in = Post("/dang-nhap",
                        Encode({{"csrf_token", FormToken(login.body)},
                                {"login", "reviewer"},
                                {"password", testing::kPassword},
                                {"next", next}}),
                        cookie);
    EXPECT_EQ(in.status, 303) << in;
    EXPECT_EQ(in.Header("Location"), expected) << next;
  }
}

}  // namespace
}  // namespace disan
