// User and unit management over real HTTP: only administrators reach it; creating a staff
// account shows its one-time password-reset link, which works once through the reset page;
// granting and revoking roles, disabling an account, resetting a second factor; each change
// is in the audit log; CSRF and hostile input.
#include "staff_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class StaffAdmin : public testing::StaffPagesTest {
 protected:
  void SetUp() override {
    unit_ = CreateOrganisation("Bảo tàng <b>tỉnh</b> Đắk Nông");
    CreateAccount("boss", "administrator");
    CreateAccount("curator", "curator");
    CreateAccount("editor", "unit_editor", unit_);
  }
  json Account(const std::string& login) const {
    HttpReply r = Admin("GET", "/api/v1/accounts");
    EXPECT_EQ(r.status, 200) << r;
    for (const json& a : r.doc["accounts"])
      if (a["login"] == login) return a;
    return nullptr;
  }
  // The path of the link shown on `html` (its token included).
  static std::string ResetLinkPath(const std::string& html) {
    std::smatch m;
    static const std::regex re(
        R"re(id="reset-link" readonly size="70" value="http://[^/]+([^"]+)")re");
    return std::regex_search(html, m, re) ? Unescape(m[1].str()) : "";
  }
  std::string unit_;
};

TEST_F(StaffAdmin, OnlyAdministratorsReachUserManagement) {
  for (const char* login : {"curator", "editor"}) {
    std::string session = SignIn(login);
    EXPECT_EQ(Page("/quan-tri/nguoi-dung", session).status, 403) << login;
    EXPECT_EQ(Page("/quan-tri/nguoi-dung/boss", session).status, 403) << login;
    HttpReply post = Post(
        "/quan-tri/nguoi-dung/boss",
        Encode({{"do", "disable"}, {"csrf_token", FormToken(Page("/dang-nhap", session).body)}}),
        session);
    EXPECT_EQ(post.status, 403) << login;
  }
  EXPECT_FALSE(Account("boss")["disabled"].get<bool>());
  EXPECT_EQ(Page("/quan-tri/nguoi-dung").status, 303);
}

TEST_F(StaffAdmin, TheListFiltersByRoleAndUnitAndEscapesNames) {
  std::string session = SignIn("boss");
  HttpReply all = Page("/quan-tri/nguoi-dung", session);
  ASSERT_EQ(all.status, 200) << all;
  EXPECT_EQ(all.Header("Cache-Control"), "no-store");
  EXPECT_NE(all.body.find(">curator</a>"), std::string::npos);
  EXPECT_NE(all.body.find(">editor</a>"), std::string::npos);
  EXPECT_EQ(all.body.find("<b>tỉnh</b>"), std::string::npos);
  EXPECT_NE(all.body.find("&lt;b&gt;tỉnh&lt;/b&gt;"), std::string::npos);
  HttpReply editors = Page("/quan-tri/nguoi-dung?role=unit_editor", session);
  EXPECT_NE(editors.body.find(">editor</a>"), std::string::npos);
  EXPECT_EQ(editors.body.find(">curator</a>"), std::string::npos);
  HttpReply of_unit = Page("/quan-tri/nguoi-dung?unit=" + unit_, session);
  EXPECT_NE(of_unit.body.find(">editor</a>"), std::string::npos);
  EXPECT_EQ(of_unit.body.find(">boss</a>"), std::string::npos);
  HttpReply bad = Page("/quan-tri/nguoi-dung?role=%3Cscript%3E", session);
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("không phải vai trò"), std::string::npos);
  EXPECT_EQ(Page("/quan-tri/nguoi-dung?unit=nope", session).status, 422);
}

TEST_F(StaffAdmin, ANewStaffAccountGetsAOneTimeLinkThatSetsItsPassword) {
  std::string session = SignIn("boss");
  std::string token = FormToken(Page("/quan-tri/nguoi-dung", session).body);
  HttpReply created = Post("/quan-tri/nguoi-dung",
                           Encode({{"csrf_token", token},
                                   {"login", "bien.tap"},
                                   {"display_name", "Biên tập <i>viên</i>"},
                                   {"role", "unit_editor"},
                                   {"unit", unit_}}),
                           session);
  ASSERT_EQ(created.status, 201) << created;
  EXPECT_EQ(created.body.find("<i>viên</i>"), std::string::npos);
  json a = Account("bien.tap");
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a["roles"][0]["role"], "unit_editor");
  EXPECT_EQ(a["roles"][0]["unit"], unit_);
  EXPECT_FALSE(a["password_set"].get<bool>());
  std::string link = ResetLinkPath(created.body);
  ASSERT_TRUE(link.starts_with("/dat-lai-mat-khau?token=")) << created.body;

  // The person opens the link and chooses a password; the link works once.
  HttpReply reset_page = Page(link);
  ASSERT_EQ(reset_page.status, 200);
  EXPECT_EQ(reset_page.Header("Referrer-Policy"), "no-referrer");
  std::string form_cookie = "disan_form=" + SetCookie(reset_page, "disan_form").value_or("");
  Form form = FormFields(reset_page.body, "/dat-lai-mat-khau");
  form = With(form, "new_password", "một mật khẩu mới đủ dài");
  HttpReply mismatch =
      Post("/dat-lai-mat-khau", Encode(With(form, "confirm_password", "khác")), form_cookie);
  EXPECT_EQ(mismatch.status, 422);
  HttpReply no_cookie =
      Post("/dat-lai-mat-khau", Encode(With(form, "confirm_password", "một mật khẩu mới đủ dài")));
  EXPECT_EQ(no_cookie.status, 400);
  form = With(form, "confirm_password", "một mật khẩu mới đủ dài");
  HttpReply done = Post("/dat-lai-mat-khau", Encode(form), form_cookie);
  EXPECT_EQ(done.status, 200) << done;
  EXPECT_NE(done.body.find("Đã đặt mật khẩu mới"), std::string::npos);
  EXPECT_EQ(Login("bien.tap", "một mật khẩu mới đủ dài").status, 200);
  EXPECT_EQ(Post("/dat-lai-mat-khau", Encode(form), form_cookie).status, 403);
  EXPECT_FALSE(AuditEntries("account.create").empty());
  EXPECT_FALSE(AuditEntries("auth.reset_link_issued").empty());

  // Refused: a taken login, a bad login, a unit editor without a unit; the input stays.
  HttpReply taken =
      Post("/quan-tri/nguoi-dung",
           Encode({{"csrf_token", token}, {"login", "bien.tap"}, {"role", "reviewer"}}), session);
  EXPECT_EQ(taken.status, 409) << taken;
  HttpReply bad =
      Post("/quan-tri/nguoi-dung",
           Encode({{"csrf_token", token}, {"login", "<script>"}, {"role", "reviewer"}}), session);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_EQ(bad.body.find("value=\"<script>"), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"&lt;script&gt;\""), std::string::npos);
  HttpReply no_unit =
      Post("/quan-tri/nguoi-dung",
           Encode({{"csrf_token", token}, {"login", "x.y"}, {"role", "unit_editor"}}), session);
  EXPECT_EQ(no_unit.status, 422) << no_unit;
  EXPECT_TRUE(Account("x.y").is_null());
  // Without the token nothing is created.
  EXPECT_EQ(Post("/quan-tri/nguoi-dung", Encode({{"login", "z.z"}, {"role", "reviewer"}}), session)
                .status,
            400);
  EXPECT_TRUE(Account("z.z").is_null());
}

TEST_F(StaffAdmin, RolesAreGrantedAndRevokedAndAccountsDisabledWithAnAudit) {
  std::string session = SignIn("boss");
  const std::string path = "/quan-tri/nguoi-dung/curator";
  HttpReply page = Page(path, session);
  ASSERT_EQ(page.status, 200) << page;
  std::string token = FormToken(page.body);
  HttpReply grant = Post(
      path,
      Encode({{"csrf_token", token}, {"do", "grant"}, {"role", "unit_editor"}, {"unit", unit_}}),
      session);
  EXPECT_EQ(grant.status, 200) << grant;
  EXPECT_NE(grant.body.find("Đã cấp vai trò."), std::string::npos);
  EXPECT_EQ(Account("curator")["roles"].size(), 2u);
  HttpReply revoke = Post(
      path, Encode({{"csrf_token", token}, {"do", "revoke"}, {"role", "curator"}, {"unit", ""}}),
      session);
  EXPECT_EQ(revoke.status, 200) << revoke;
  json roles = Account("curator")["roles"];
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_EQ(roles[0]["role"], "unit_editor");
  EXPECT_FALSE(AuditEntries("account.roles").empty());

  std::string victim = SessionToken("curator");
  HttpReply off = Post(path, Encode({{"csrf_token", token}, {"do", "disable"}}), session);
  EXPECT_EQ(off.status, 200) << off;
  EXPECT_TRUE(Account("curator")["disabled"].get<bool>());
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, victim).status, 401);  // sessions ended
  EXPECT_EQ(Login("curator").status, 403);
  EXPECT_FALSE(AuditEntries("account.disabled").empty());
  HttpReply on = Post(path, Encode({{"csrf_token", token}, {"do", "enable"}}), session);
  EXPECT_EQ(on.status, 200);
  EXPECT_EQ(Login("curator").status, 200);
  // Nobody disables themselves; unknown actions and accounts are refused.
  EXPECT_EQ(
      Post("/quan-tri/nguoi-dung/boss", Encode({{"csrf_token", token}, {"do", "disable"}}), session)
          .status,
      409);
  EXPECT_EQ(Post(path, Encode({{"csrf_token", token}, {"do", "<x>"}}), session).status, 422);
  EXPECT_EQ(Page("/quan-tri/nguoi-dung/nobody", session).status, 404);
  // Without the token, or from another site, nothing changes.
  EXPECT_EQ(Post(path, Encode({{"do", "disable"}}), session).status, 400);
  EXPECT_EQ(Post(path, Encode({{"csrf_token", token}, {"do", "disable"}}), session, false).status,
            403);
  EXPECT_FALSE(Account("curator")["disabled"].get<bool>());
  // The account page lists the audit entries about it.
  HttpReply after = Page(path, session);
  EXPECT_NE(after.body.find("<code>account.disabled</code>"), std::string::npos);
  EXPECT_NE(after.body.find("<code>account.roles</code>"), std::string::npos);
}

TEST_F(StaffAdmin, AResetLinkAndASecondFactorResetFromTheAccountPage) {
  // The curator turns a second factor on.
  std::string curator = SessionToken("curator");
  HttpReply enrol = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, curator);
  ASSERT_EQ(enrol.status, 201) << enrol;
  std::string session = SignIn("boss");
  const std::string path = "/quan-tri/nguoi-dung/curator";
  HttpReply page = Page(path, session);
  EXPECT_NE(page.body.find("value=\"reset_totp\""), std::string::npos);
  std::string token = FormToken(page.body);
  HttpReply link = Post(path, Encode({{"csrf_token", token}, {"do", "reset_link"}}), session);
  EXPECT_EQ(link.status, 200);
  EXPECT_TRUE(ResetLinkPath(link.body).starts_with("/dat-lai-mat-khau?token=disan_r_"));
  HttpReply reset = Post(path, Encode({{"csrf_token", token}, {"do", "reset_totp"}}), session);
  EXPECT_EQ(reset.status, 200) << reset;
  EXPECT_EQ(Page(path, session).body.find("value=\"reset_totp\""), std::string::npos);
  EXPECT_EQ(Post(path, Encode({{"csrf_token", token}, {"do", "reset_totp"}}), session).status, 409);
  EXPECT_FALSE(AuditEntries("auth.totp_reset").empty());
}

TEST_F(StaffAdmin, AnAdministratorCannotRevokeTheirOwnAdministratorRoleOnThePage) {
  std::string session = SignIn("boss");
  const std::string path = "/quan-tri/nguoi-dung/boss";
  HttpReply page = Page(path, session);
  ASSERT_EQ(page.status, 200) << page;
  const std::string token = FormToken(page.body);
  HttpReply refused = Post(
      path,
      Encode({{"csrf_token", token}, {"do", "revoke"}, {"role", "administrator"}, {"unit", ""}}),
      session);
  EXPECT_EQ(refused.status, 409) << refused;
  EXPECT_NE(refused.body.find("vai trò quản trị viên của chính mình"), std::string::npos)
      << refused.body;
  json roles = Account("boss")["roles"];
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_EQ(roles[0]["role"], "administrator");
  EXPECT_TRUE(AuditEntries("account.roles").empty());
  // The page still works for the administrator afterwards.
  EXPECT_EQ(Page("/quan-tri/nguoi-dung/curator", session).status, 200);
}

}  // namespace
}  // namespace disan
