// The staff sign-in and sign-out pages over real HTTP: form tokens, throttling, the TOTP
// field, hostile and oversized forms, no-store.
#include "auth/self_service.h"
#include "auth/totp.h"
#include "staff_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

class StaffLogin : public testing::StaffPagesTest {};

TEST_F(StaffLogin, PageIsVietnameseNeverStoredAndCarriesTheFormToken) {
  HttpReply r = Page("/dang-nhap");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(r.Header("Content-Type").starts_with("text/html"));
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  EXPECT_NE(r.body.find("<html lang=\"vi\">"), std::string::npos);
  EXPECT_NE(r.body.find("Mật khẩu"), std::string::npos);
  std::optional<std::string> cookie = SetCookie(r, "disan_form");
  ASSERT_TRUE(cookie.has_value());
  EXPECT_EQ(FormToken(r.body), *cookie);
  EXPECT_EQ(r.body.find("id=\"totp\""), std::string::npos);  // no second factor asked yet
  HttpReply en = Page("/dang-nhap?lang=en");
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.body.find("Password"), std::string::npos);
}

TEST_F(StaffLogin, SignInSetsTheSessionAndSignOutNeedsTheSessionsToken) {
  CreateAccount("reviewer", "reviewer");
  std::string session = SignIn("reviewer");
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", session}}).status, 200);
  HttpReply page = Page("/dang-nhap", session);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_NE(page.body.find("reviewer"), std::string::npos);
  std::string token = FormToken(page.body);
  ASSERT_FALSE(token.empty());

  // Without the token, with another one, or from another site: refused, still signed in.
  EXPECT_EQ(Post("/dang-xuat", "", session).status, 400);
  EXPECT_EQ(Post("/dang-xuat", Encode({{"csrf_token", token + "x"}}), session).status, 400);
  EXPECT_EQ(Post("/dang-xuat", Encode({{"csrf_token", token}}), session, false).status, 403);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", session}}).status, 200);

  HttpReply out = Post("/dang-xuat", Encode({{"csrf_token", token}}), session);
  EXPECT_EQ(out.status, 303) << out;
  EXPECT_EQ(SetCookie(out, "disan_session"), "");
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, "", {{"Cookie", session}}).status, 401);
}

TEST_F(StaffLogin, FormsWithoutTheirTokenSignNobodyIn) {
  CreateAccount("curator", "curator");
  HttpReply page = Page("/dang-nhap");
  const std::string cookie = "disan_form=" + SetCookie(page, "disan_form").value_or("");
  const std::string token = FormToken(page.body);
  const testing::StaffPagesTest::Form creds = {{"login", "curator"},
                                               {"password", testing::kPassword}};
  testing::StaffPagesTest::Form with_token = creds;
  with_token.push_back({"csrf_token", token});
  testing::StaffPagesTest::Form other_token = creds;
  other_token.push_back({"csrf_token", "f_" + std::string(32, 'a')});
  for (const auto& [body, cookies] :
       {std::pair{Encode(creds), cookie}, std::pair{Encode(with_token), std::string()},
        std::pair{Encode(other_token), cookie}}) {
    HttpReply r = Post("/dang-nhap", body, cookies);
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_FALSE(SetCookie(r, "disan_session").has_value());
    EXPECT_NE(r.body.find("biểu mẫu đã hết hạn"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("the form has expired"), std::string::npos);
  }
  EXPECT_EQ(Post("/dang-nhap", Encode(with_token), cookie).status, 303);
}

TEST_F(StaffLogin, WrongPasswordAndThrottlingAreShownInBothLanguagesAndEscaped) {
  CreateAccount("contributor", "contributor");
  HttpReply page = Page("/dang-nhap");
  const std::string cookie = "disan_form=" + SetCookie(page, "disan_form").value_or("");
  const std::string token = FormToken(page.body);
  auto attempt = [&](const std::string& login, const std::string& password) {
    return Post("/dang-nhap",
                Encode({{"csrf_token", token}, {"login", login}, {"password", password}}), cookie);
  };
  HttpReply hostile = attempt("<script>alert(1)</script>", "x");
  EXPECT_EQ(hostile.status, 401) << hostile;
  EXPECT_EQ(hostile.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(hostile.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  HttpReply last;
  for (int i = 0; i < 8 && last.status != 429; ++i) last = attempt("contributor", "sai mật khẩu");
  ASSERT_EQ(last.status, 429) << last;
  EXPECT_FALSE(last.Header("Retry-After").empty());
  EXPECT_NE(last.body.find("đăng nhập sai quá nhiều lần"), std::string::npos);
  EXPECT_NE(last.body.find("too many failed sign-ins"), std::string::npos);
  // Throttled: even the right password waits.
  EXPECT_EQ(attempt("contributor", testing::kPassword).status, 429);
}

TEST_F(StaffLogin, AccountsWithASecondFactorGetTheCodeField) {
  CreateAccount("curator", "curator");
  std::string bearer = SessionToken("curator");
  HttpReply enrol = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, bearer);
  ASSERT_EQ(enrol.status, 201) << enrol;
  std::string key = auth::Base32Decode(enrol.doc["secret"].get<std::string>()).value_or("");
  const int64_t step = auth::TotpStep(std::time(nullptr));
  ASSERT_EQ(Send("POST", "/api/v1/auth/totp/confirm", {{"code", auth::TotpCode(key, step)}}, bearer)
                .status,
            200);

  HttpReply page = Page("/dang-nhap");
  const std::string cookie = "disan_form=" + SetCookie(page, "disan_form").value_or("");
  const std::string token = FormToken(page.body);
  HttpReply ask =
      Post("/dang-nhap",
           Encode({{"csrf_token", token}, {"login", "curator"}, {"password", testing::kPassword}}),
           cookie);
  EXPECT_EQ(ask.status, 401) << ask;
  EXPECT_NE(ask.body.find("id=\"totp\""), std::string::npos);
  EXPECT_NE(ask.body.find("value=\"curator\""), std::string::npos);
  EXPECT_FALSE(SetCookie(ask, "disan_session").has_value());
  HttpReply ok = Post("/dang-nhap",
                      Encode({{"csrf_token", token},
                              {"login", "curator"},
                              {"password", testing::kPassword},
                              {"totp", auth::TotpCode(key, step + 1)}}),
                      cookie);
  EXPECT_EQ(ok.status, 303) << ok;
  EXPECT_TRUE(SetCookie(ok, "disan_session").has_value());
}

TEST_F(StaffLogin, ARecoveryCodeStandsInForTheAppOnceAndOnlyForItsFactor) {
  CreateAccount("curator", "curator");
  std::string bearer = SessionToken("curator");
  HttpReply enrol = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, bearer);
  ASSERT_EQ(enrol.status, 201) << enrol;
  std::string key = auth::Base32Decode(enrol.doc["secret"].get<std::string>()).value_or("");
  const int64_t step = auth::TotpStep(std::time(nullptr));
  HttpReply confirmed =
      Send("POST", "/api/v1/auth/totp/confirm", {{"code", auth::TotpCode(key, step)}}, bearer);
  ASSERT_EQ(confirmed.status, 200) << confirmed;
  EXPECT_EQ(confirmed.Header("Cache-Control"), "no-store");
  json codes = confirmed.doc["recovery_codes"];
  ASSERT_EQ(codes.size(), static_cast<size_t>(auth::kRecoveryCodes));
  const std::string code = codes[0].get<std::string>();
  EXPECT_EQ(code.size(), 19u);
  // Codes are no API tokens and are not listed among the person's tokens.
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, code).status, 401);
  HttpReply tokens = Send("GET", "/api/v1/auth/tokens", nullptr, bearer);
  ASSERT_EQ(tokens.status, 200) << tokens;
  EXPECT_TRUE(tokens.doc["tokens"].empty()) << tokens;

  auto sign_in = [&](const std::string& totp) {
    HttpReply page = Page("/dang-nhap");
    const std::string cookie = "disan_form=" + SetCookie(page, "disan_form").value_or("");
    return Post("/dang-nhap",
                Encode({{"csrf_token", FormToken(page.body)},
                        {"login", "curator"},
                        {"password", testing::kPassword},
                        {"totp", totp}}),
                cookie);
  };
  std::string upper = code;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  HttpReply ok = sign_in(upper);  // as typed from paper: case and dashes do not matter
  EXPECT_EQ(ok.status, 303) << ok;
  EXPECT_EQ(sign_in(code).status, 401);  // used up
  EXPECT_EQ(sign_in("aaaa-bbbb-cccc-dddd").status, 401);
  EXPECT_EQ(sign_in(codes[1].get<std::string>()).status, 303);
  json logins = AuditEntries("auth.login");
  EXPECT_NE(logins.dump().find("recovery_code"), std::string::npos);

  // An administrator resets the factor and the person enrols again: the old codes no longer
  // count.
  HttpReply reset = testing::SendHttp(server_.port, "POST", "/quan-tri/nguoi-dung/curator",
                                      {{"Authorization", "Bearer " + server_.token},
                                       {"Content-Type", "application/x-www-form-urlencoded"}},
                                      "do=reset_totp");
  ASSERT_EQ(reset.status, 200) << reset;
  std::string again = SessionToken("curator");
  HttpReply enrol2 = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, again);
  ASSERT_EQ(enrol2.status, 201) << enrol2;
  std::string key2 = auth::Base32Decode(enrol2.doc["secret"].get<std::string>()).value_or("");
  ASSERT_EQ(Send("POST", "/api/v1/auth/totp/confirm", {{"code", auth::TotpCode(key2, step)}}, again)
                .status,
            200);
  EXPECT_EQ(sign_in(codes[2].get<std::string>()).status, 401);
}

TEST_F(StaffLogin, OversizedMalformedAndForeignFormsAreRefusedAndAudited) {
  HttpReply page = Page("/dang-nhap");
  const std::string cookie = "disan_form=" + SetCookie(page, "disan_form").value_or("");
  const std::string token = FormToken(page.body);
  HttpReply big = Post("/dang-nhap",
                       Encode({{"csrf_token", token}, {"login", std::string(9000, 'a')}}), cookie);
  EXPECT_EQ(big.status, 413) << big;
  EXPECT_NE(big.body.find("biểu mẫu lớn hơn 8192 byte"), std::string::npos);
  HttpReply as_json =
      Post("/dang-nhap", R"({"login":"a","password":"b"})", cookie, true, "application/json");
  EXPECT_EQ(as_json.status, 415) << as_json;
  EXPECT_NE(as_json.body.find("application/x-www-form-urlencoded"), std::string::npos);
  // Broken percent-encoding, NUL and invalid UTF-8: a clean refusal, never a crash.
  HttpReply odd = Post("/dang-nhap", "csrf_token=" + token + "&login=%ff%00%&password=%zz", cookie);
  EXPECT_EQ(odd.status, 401) << odd;
  EXPECT_FALSE(SetCookie(odd, "disan_session").has_value());
  EXPECT_GE(AuditEntries("auth.login_refused").size(), 2u);
}

}  // namespace
}  // namespace disan
