// Accounts over real HTTP: sign-in, cookies and sessions, API tokens, passwords, throttling,
// CSRF, and hostile input; each refusal bilingual and in the audit log.
#include <gtest/gtest.h>

#include "auth_fixture.h"

namespace disan {
namespace {

using testing::HttpReply;
using json = nlohmann::json;

class AccountsApi : public testing::AuthTest {
 protected:
  void SetUp() override { CreateAccount("lan.nguyen", "curator"); }

  static std::string CookieOf(const HttpReply& r) {
    std::string c = r.Header("Set-Cookie");
    return c.substr(0, c.find(';'));
  }
};

TEST_F(AccountsApi, LoginGivesAFreshHttpOnlyLaxCookieAndABearerToken) {
  HttpReply r = Login("lan.nguyen");
  ASSERT_EQ(r.status, 200) << r;
  const std::string cookie = r.Header("Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("disan_session=disan_s_")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain http: " << cookie;
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  const std::string token = r.doc["token"];
  EXPECT_EQ(cookie.substr(14, token.size()), token);
  EXPECT_EQ(r.doc["token_type"], "Bearer");
  EXPECT_EQ(r.doc["account"]["roles"][0]["role"], "curator");

  // The bearer token and the cookie both say who this is.
  HttpReply me = Send("GET", "/api/v1/auth/session", nullptr, token);
  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(me.doc["login"], "lan.nguyen");
  HttpReply by_cookie = Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", CookieOf(r)}});
  ASSERT_EQ(by_cookie.status, 200) << by_cookie;
  EXPECT_FALSE(by_cookie.doc.value("csrf_token", "").empty());

  // Login names are case-insensitive; every sign-in has a new id.
  HttpReply again = Login("Lan.Nguyen");
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_NE(again.doc["token"], r.doc["token"]);

  // Sign-out ends the session for good.
  ASSERT_EQ(Send("POST", "/api/v1/auth/logout", nullptr, token).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, token).status, 401);
  json logins = AuditEntries("auth.login");
  ASSERT_GE(logins.size(), 2u);
  EXPECT_EQ(logins[0]["actor"], "lan.nguyen");
  EXPECT_EQ(AuditEntries("auth.logout").size(), 1u);
}

TEST_F(AccountsApi, SessionFixationIsImpossible) {
  // A session id planted by an attacker is never adopted: signing in with it issues a new one,
  // and the planted value stays unknown.
  const std::string planted = "disan_s_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  HttpReply r = Login("lan.nguyen", testing::kPassword, {{"Cookie", "disan_session=" + planted}});
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("Set-Cookie").find(planted), std::string::npos);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, planted).status, 401);

  // A real session the browser had before signing in again is ended, not kept.
  const std::string before = r.doc["token"];
  HttpReply second = Login("lan.nguyen", testing::kPassword,
                           {{"Cookie", CookieOf(r)}, {"Origin", "http://x.invalid"}});
  ASSERT_EQ(second.status, 403) << "a cross-origin sign-in over a live session: " << second;
  HttpReply third = Login("lan.nguyen", testing::kPassword,
                          {{"Cookie", CookieOf(r)}, {"Sec-Fetch-Site", "same-origin"}});
  ASSERT_EQ(third.status, 200) << third;
  EXPECT_NE(third.doc["token"], before);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, before).status, 401);
}

TEST_F(AccountsApi, CsrfFromAnotherOriginIsRefusedAndLogged) {
  const std::string item = CreateItem(CreateOrganisation("Bảo tàng tỉnh"), "draft");
  HttpReply login = Login("lan.nguyen");
  const std::string cookie = CookieOf(login);
  const std::string csrf = login.doc["csrf_token"];
  const json move = {{"to", "in_review"}, {"reason", "đủ hồ sơ"}};
  const std::string path = "/api/v1/items/" + item + "/transitions";

  HttpReply evil =
      Send("POST", path, move, "", {{"Cookie", cookie}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(evil.status, 403) << evil;
  EXPECT_TRUE(evil.IsProblem()) << evil;
  EXPECT_NE(evil.doc.value("detail_vi", "").find("X-CSRF-Token"), std::string::npos) << evil;
  EXPECT_EQ(Send("POST", path, move, "", {{"Cookie", cookie}}).status, 403) << "no origin at all";
  EXPECT_EQ(
      Send("POST", path, move, "", {{"Cookie", cookie}, {"Sec-Fetch-Site", "cross-site"}}).status,
      403);
  EXPECT_EQ(Send("POST", path, move, "", {{"Cookie", cookie}, {"X-CSRF-Token", "wrong"}}).status,
            403);
  // Nothing moved.
  EXPECT_EQ(Admin("GET", "/api/v1/items/" + item).doc["status"], "draft");
  json denied = AuditEntries("access.denied");
  ASSERT_GE(denied.size(), 4u);
  EXPECT_EQ(denied[0]["actor"], "lan.nguyen");

  // The same request from our own pages, or with the token, or as a bearer: accepted.
  HttpReply own = Send("POST", path, move, "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(own.status, 200) << own;
  HttpReply origin =
      Send("POST", path, {{"to", "draft"}, {"reason", "sửa tiếp"}}, "",
           {{"Cookie", cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(server_.port)}});
  EXPECT_EQ(origin.status, 200) << origin;
  // Reads need no CSRF proof.
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", cookie}}).status, 200);
}

TEST_F(AccountsApi, BruteForceIsThrottledPerAccountWithRetryAfter) {
  for (int i = 0; i < 5; ++i) {
    HttpReply wrong = Login("lan.nguyen", "sai mật khẩu " + std::to_string(i));
    ASSERT_EQ(wrong.status, 401) << wrong;
    EXPECT_TRUE(wrong.IsProblem()) << wrong;
    EXPECT_EQ(wrong.doc["detail_vi"], "sai tên đăng nhập hoặc mật khẩu");
  }
  // Now even the right password waits.
  HttpReply throttled = Login("lan.nguyen");
  ASSERT_EQ(throttled.status, 429) << throttled;
  EXPECT_TRUE(throttled.IsProblem()) << throttled;
  int retry = std::stoi(throttled.Header("Retry-After"));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 15 * 60 + 1);
  EXPECT_NE(throttled.doc["detail_vi"].get<std::string>().find(std::to_string(retry) + " giây"),
            std::string::npos)
      << throttled;
  EXPECT_EQ(AuditEntries("auth.login_failed").size(), 5u);
  EXPECT_EQ(AuditEntries("auth.login_throttled").size(), 1u);
  // Another account is not locked by this one's failures.
  CreateAccount("hoa.tran", "reviewer");
  EXPECT_EQ(Login("hoa.tran").status, 200);
}

TEST_F(AccountsApi, MalformedOversizedAndHostileLoginBodies) {
  auto post = [&](const std::string& body, const std::string& type = "application/json") {
    return testing::SendHttp(server_.port, "POST", "/api/v1/auth/login", {{"Content-Type", type}},
                             body);
  };
  HttpReply not_json = post("{\"login\": ");
  EXPECT_EQ(not_json.status, 422) << not_json;
  EXPECT_TRUE(not_json.IsProblem());
  HttpReply array = post("[]");
  EXPECT_EQ(array.status, 422);
  EXPECT_TRUE(array.NamesParameter("body")) << array;
  HttpReply number = post(R"({"login": 5, "password": "x"})");
  EXPECT_EQ(number.status, 422);
  EXPECT_TRUE(number.NamesParameter("login")) << number;
  HttpReply missing = post(R"({"login": "lan.nguyen"})");
  EXPECT_TRUE(missing.NamesParameter("password")) << missing;
  HttpReply form = post("login=a&password=b", "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 422) << form;
  EXPECT_TRUE(form.NamesParameter("Content-Type")) << form;
  HttpReply huge =
      post(json{{"login", "lan.nguyen"}, {"password", std::string(20000, 'a')}}.dump());
  EXPECT_EQ(huge.status, 413) << huge;
  EXPECT_TRUE(huge.IsProblem());
  HttpReply deep = post(std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(deep.status, 422) << deep;
  HttpReply bad_utf8 = post("{\"login\": \"lan\xff\", \"password\": \"x\"}");
  EXPECT_EQ(bad_utf8.status, 422) << bad_utf8;
  EXPECT_EQ(AuditEntries("auth.login_refused").size(), 8u) << "each malformed body is logged";

  // A script in the login name: refused like any wrong login, stored only as JSON text.
  const std::string xss = "<script>alert(1)</script>";
  HttpReply script = Login(xss);
  EXPECT_EQ(script.status, 401) << script;
  EXPECT_EQ(script.body.find("<script>"), std::string::npos) << script;
  json failed = AuditEntries("auth.login_failed");
  ASSERT_FALSE(failed.empty());
  EXPECT_EQ(failed.back()["target"], xss);
  EXPECT_EQ(failed.back()["detail"]["reason"], "malformed_login");
  // And no account can be made with one.
  HttpReply create =
      Admin("POST", "/api/v1/accounts",
            {{"login", xss}, {"password", testing::kPassword}, {"roles", {{{"role", "curator"}}}}});
  EXPECT_EQ(create.status, 422) << create;
  EXPECT_TRUE(create.NamesParameter("login")) << create;
  // Nothing was left half made.
  HttpReply list = Admin("GET", "/api/v1/accounts");
  EXPECT_EQ(list.doc["accounts"].size(), 2u) << list;  // admin and lan.nguyen
}

TEST_F(AccountsApi, PersonalTokensAreShownOnceScopedExpiringAndRevocable) {
  const std::string session = SessionToken("lan.nguyen");
  HttpReply made = Send("POST", "/api/v1/auth/tokens",
                        {{"label", "kịch bản nhập liệu"}, {"scope", "read"}}, session);
  ASSERT_EQ(made.status, 201) << made;
  const std::string token = made.doc["token"];
  EXPECT_TRUE(token.starts_with("disan_"));
  EXPECT_FALSE(made.doc["expires_at"].get<std::string>().empty()) << "tokens expire by default";

  HttpReply list = Send("GET", "/api/v1/auth/tokens", nullptr, session);
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.doc["tokens"].size(), 1u);
  EXPECT_FALSE(list.doc["tokens"][0].contains("token")) << "never shown again";
  EXPECT_EQ(list.doc["tokens"][0]["label"], "kịch bản nhập liệu");

  // Read scope: reads work, writes are refused, and it cannot mint a write token.
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, token).doc["scope"], "read");
  HttpReply write = Send("POST", "/api/v1/items", testing::RelicDocument(), token);
  EXPECT_EQ(write.status, 403) << write;
  EXPECT_NE(write.doc.value("detail_vi", "").find("chỉ được đọc"), std::string::npos) << write;
  EXPECT_EQ(Send("POST", "/api/v1/auth/tokens", {{"label", "x"}, {"scope", "write"}}, token).status,
            403);

  // Expiry must be in the future and near enough.
  HttpReply past = Send("POST", "/api/v1/auth/tokens",
                        {{"label", "x"}, {"expires_at", "2001-01-01T00:00:00Z"}}, session);
  EXPECT_EQ(past.status, 422) << past;
  EXPECT_TRUE(past.NamesParameter("expires_at")) << past;
  HttpReply scope =
      Send("POST", "/api/v1/auth/tokens", {{"label", "x"}, {"scope", "admin"}}, session);
  EXPECT_TRUE(scope.NamesParameter("scope")) << scope;

  // Revoked: refused from then on; another person cannot revoke it.
  const std::string id = std::to_string(made.doc["id"].get<int64_t>());
  CreateAccount("hoa.tran", "reviewer");
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/tokens/" + id, nullptr, SessionToken("hoa.tran")).status,
            404);
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/tokens/" + id, nullptr, session).status, 200);
  HttpReply revoked = Send("GET", "/api/v1/auth/session", nullptr, token);
  EXPECT_EQ(revoked.status, 401) << revoked;
  EXPECT_EQ(AuditEntries("token.create").size(), 1u);
  EXPECT_EQ(AuditEntries("token.revoke").size(), 1u);
}

TEST_F(AccountsApi, PasswordChangeAndOneTimeResetLinks) {
  const std::string session = SessionToken("lan.nguyen");
  HttpReply wrong =
      Send("POST", "/api/v1/auth/password",
           {{"current_password", "không phải"}, {"new_password", "mật khẩu mới rất dài"}}, session);
  EXPECT_EQ(wrong.status, 403) << wrong;
  EXPECT_TRUE(wrong.NamesParameter("current_password")) << wrong;
  HttpReply short_one =
      Send("POST", "/api/v1/auth/password",
           {{"current_password", testing::kPassword}, {"new_password", "ngắn"}}, session);
  EXPECT_EQ(short_one.status, 422) << short_one;
  EXPECT_TRUE(short_one.NamesParameter("new_password")) << short_one;
  HttpReply changed =
      Send("POST", "/api/v1/auth/password",
           {{"current_password", testing::kPassword}, {"new_password", "mật khẩu mới rất dài"}},
           session);
  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, session).status, 401)
      << "signed out everywhere";
  EXPECT_EQ(Login("lan.nguyen").status, 401);
  EXPECT_EQ(Login("lan.nguyen", "mật khẩu mới rất dài").status, 200);

  // Only an administrator issues reset links; each works once.
  const std::string curator = Login("lan.nguyen", "mật khẩu mới rất dài").doc.value("token", "");
  EXPECT_EQ(Send("POST", "/api/v1/accounts/lan.nguyen/reset-link", nullptr, curator).status, 403);
  HttpReply link = Admin("POST", "/api/v1/accounts/lan.nguyen/reset-link");
  ASSERT_EQ(link.status, 201) << link;
  const std::string reset = link.doc["token"];
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, reset).status, 401)
      << "not a sign-in token";
  HttpReply used =
      Send("POST", "/api/v1/auth/reset", {{"token", reset}, {"new_password", "đặt lại lần một"}});
  ASSERT_EQ(used.status, 200) << used;
  HttpReply twice =
      Send("POST", "/api/v1/auth/reset", {{"token", reset}, {"new_password", "đặt lại lần hai"}});
  EXPECT_EQ(twice.status, 403) << twice;
  EXPECT_TRUE(twice.NamesParameter("token")) << twice;
  EXPECT_EQ(Login("lan.nguyen", "đặt lại lần một").status, 200);
  EXPECT_EQ(AuditEntries("auth.password_reset").size(), 1u);
}

TEST_F(AccountsApi, RolesAreValidatedAndChangesAudited) {
  const std::string museum = CreateOrganisation("Bảo tàng tỉnh Đắk Nông");
  HttpReply no_unit = Admin("POST", "/api/v1/accounts",
                            {{"login", "editor"}, {"roles", {{{"role", "unit_editor"}}}}});
  EXPECT_EQ(no_unit.status, 422) << no_unit;
  EXPECT_TRUE(no_unit.NamesParameter("roles")) << no_unit;
  HttpReply bad_unit = Admin(
      "POST", "/api/v1/accounts",
      {{"login", "editor"}, {"roles", {{{"role", "unit_editor"}, {"unit", "dn-4kq8zx2bv"}}}}});
  EXPECT_EQ(bad_unit.status, 422) << bad_unit;
  HttpReply god =
      Admin("POST", "/api/v1/accounts", {{"login", "editor"}, {"roles", {{{"role", "god"}}}}});
  EXPECT_EQ(god.status, 422) << god;
  HttpReply taken = Admin("POST", "/api/v1/accounts",
                          {{"login", "LAN.NGUYEN"}, {"roles", {{{"role", "reviewer"}}}}});
  EXPECT_EQ(taken.status, 409) << taken;

  CreateAccount("editor", "unit_editor", museum);
  HttpReply two =
      Admin("PUT", "/api/v1/accounts/editor/roles",
            {{"roles", {{{"role", "unit_editor"}, {"unit", museum}}, {{"role", "reviewer"}}}}});
  ASSERT_EQ(two.status, 200) << two;
  EXPECT_EQ(two.doc["roles"].size(), 2u);
  // Only administrators change roles, and not through a curator's session.
  EXPECT_EQ(Send("PUT", "/api/v1/accounts/editor/roles", {{"roles", {{{"role", "administrator"}}}}},
                 SessionToken("lan.nguyen"))
                .status,
            403);
  json changes = AuditEntries("account.roles");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["target"], "editor");
  EXPECT_EQ(changes[0]["detail"]["after"].size(), 2u);
}

TEST_F(AccountsApi, AnAdministratorCannotRemoveTheirOwnAdministratorRole) {
  CreateAccount("chief", "administrator");
  CreateAccount("deputy", "administrator");
  const std::string chief = SessionToken("chief");
  HttpReply own =
      Send("PUT", "/api/v1/accounts/chief/roles", {{"roles", {{{"role", "curator"}}}}}, chief);
  EXPECT_EQ(own.status, 409) << own;
  EXPECT_TRUE(own.NamesParameter("roles")) << own;
  EXPECT_NE(own.body.find("your own administrator role"), std::string::npos) << own;
  EXPECT_NE(own.body.find("vai trò quản trị viên của chính mình"), std::string::npos) << own;
  HttpReply none = Send("PUT", "/api/v1/accounts/chief/roles", {{"roles", json::array()}}, chief);
  EXPECT_EQ(none.status, 409) << none;
  // Nothing changed and nothing was audited.
  HttpReply list = Admin("GET", "/api/v1/accounts");
  for (const json& a : list.doc["accounts"]) {
    if (a["login"] == "chief") {
      ASSERT_EQ(a["roles"].size(), 1u) << a;
      EXPECT_EQ(a["roles"][0]["role"], "administrator");
    }
  }
  EXPECT_TRUE(AuditEntries("account.roles").empty());
  // Adding a role beside it is fine, and so is another administrator revoking it.
  HttpReply more = Send("PUT", "/api/v1/accounts/chief/roles",
                        {{"roles", {{{"role", "administrator"}}, {{"role", "curator"}}}}}, chief);
  EXPECT_EQ(more.status, 200) << more;
  HttpReply other =
      Send("PUT", "/api/v1/accounts/deputy/roles", {{"roles", {{{"role", "curator"}}}}}, chief);
  EXPECT_EQ(other.status, 200) << other;
  EXPECT_EQ(other.doc["roles"][0]["role"], "curator");
}

}  // namespace
}  // namespace disan
