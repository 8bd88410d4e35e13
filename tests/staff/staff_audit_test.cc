// The audit log as a staff page over real HTTP: only administrators read it; filters by actor,
// action, target and dates narrow it; a full page links to the next; a bad filter is named in
// both languages; whatever an entry holds is escaped.
#include "staff_fixture.h"

namespace disan {
namespace {

using testing::HttpReply;

class StaffAudit : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    CreateAccount("boss", "administrator");
    CreateAccount("curator", "curator");
  }
};

TEST_F(StaffAudit, AdministratorsBrowseAndFilterTheLog) {
  const std::string pid = CreateItem(CreateOrganisation("Bảo tàng tỉnh"), "published",
                                     "Đình <script>alert(1)</script>");
  std::string session = SignIn("boss");
  HttpReply all = Page("/quan-tri/nhat-ky", session);
  ASSERT_EQ(all.status, 200) << all;
  EXPECT_EQ(all.Header("Cache-Control"), "no-store");
  EXPECT_NE(all.body.find("Nhật ký kiểm toán"), std::string::npos);
  EXPECT_NE(all.body.find("record.create"), std::string::npos);
  EXPECT_NE(all.body.find("auth.login"), std::string::npos);
  EXPECT_EQ(all.body.find("<script>alert(1)"), std::string::npos) << "an entry's text is escaped";
  // The dashboard's bar links to it for administrators only.
  EXPECT_NE(Page("/quan-tri", session).body.find("href=\"/quan-tri/nhat-ky\""), std::string::npos);
  EXPECT_EQ(Page("/quan-tri", SignIn("curator")).body.find("href=\"/quan-tri/nhat-ky\""),
            std::string::npos);

  HttpReply about = Page("/quan-tri/nhat-ky?action=record.&target=" + pid, session);
  ASSERT_EQ(about.status, 200) << about;
  EXPECT_NE(about.body.find(pid), std::string::npos);
  EXPECT_EQ(about.body.find("auth.login"), std::string::npos) << "the action filter is a prefix";
  HttpReply by_curator = Page("/quan-tri/nhat-ky?actor=curator&action=record.", session);
  EXPECT_NE(by_curator.body.find("Không có mục nào khớp bộ lọc"), std::string::npos) << by_curator;
  HttpReply future = Page("/quan-tri/nhat-ky?from=2200-01-01", session);
  EXPECT_EQ(future.status, 200);
  EXPECT_NE(future.body.find("Không có mục nào khớp bộ lọc"), std::string::npos);

  HttpReply bad = Page("/quan-tri/nhat-ky?from=h%C3%B4m-qua", session);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_NE(bad.body.find("from: phải là thời điểm UTC dạng 2026-01-01T00:00:00.000Z hoặc ngày dạng 2026-01-01"),
            std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("from: must be a UTC time like 2026-01-01T00:00:00.000Z or a date like 2026-01-01"),
            std::string::npos);
  HttpReply odd = Page("/quan-tri/nhat-ky?colour=red", session);
  EXPECT_EQ(odd.status, 422);
  EXPECT_NE(odd.body.find("colour: is not a parameter here (actor, action, target, from, until, after, limit)"),
            std::string::npos) << odd.body;
  HttpReply long_filter = Page("/quan-tri/nhat-ky?actor=" + std::string(300, 'a'), session);
  EXPECT_EQ(long_filter.status, 422);
  EXPECT_NE(long_filter.body.find("dài quá 256 byte"), std::string::npos);
}

TEST_F(StaffAudit, AFullPageLinksToTheNext) {
  const std::string unit = CreateOrganisation("Bảo tàng tỉnh");
  for (int i = 0; i < 105; ++i) CreateItem(unit, "draft", "Hiện vật " + std::to_string(i));
  std::string session = SignIn("boss");
  HttpReply first = Page("/quan-tri/nhat-ky?action=record.", session);
  ASSERT_EQ(first.status, 200);
  std::smatch m;
  std::string body = first.body;
  ASSERT_TRUE(std::regex_search(body, m, std::regex(R"re(href="(/quan-tri/nhat-ky\?after=[0-9]+&amp;action=record\.)")re")))
      << body.substr(0, 2000);
  HttpReply next = Page(Unescape(m[1].str()), session);
  EXPECT_EQ(next.status, 200);
  EXPECT_NE(next.body.find("record.create"), std::string::npos) << "the rest comes on the next page";
  EXPECT_EQ(next.body.find("Trang sau"), std::string::npos) << "the last page links nowhere";
}

TEST_F(StaffAudit, OnlyAdministratorsReadTheLog) {
  EXPECT_EQ(Page("/quan-tri/nhat-ky", SignIn("curator")).status, 403);
  HttpReply anonymous = Page("/quan-tri/nhat-ky");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.Header("Location"), "/dang-nhap?next=/quan-tri/nhat-ky");
}

}  // namespace
}  // namespace disan
