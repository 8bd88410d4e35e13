// Self-service accounts over real HTTP: registration (contributors only, throttled per
// address), downloading and deleting one's own data (contributions stay, the audit chain still
// verifies), and the TOTP second factor against RFC 6238's test vectors and a real sign-in.
#include "auth/self_service.h"

#include <gtest/gtest.h>

#include <ctime>

#include "auth/audit_log.h"
#include "auth/totp.h"
#include "auth_fixture.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

TEST(Totp, Rfc6238AppendixBVectorsForSha1) {
  const std::string key = "12345678901234567890";
  const std::pair<int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [t, code] : vectors) {
    EXPECT_EQ(auth::TotpCode(key, auth::TotpStep(t), 8), code) << t;
  }
  // Six digits are the last six of the same value (RFC 4226 truncation modulo 10^6).
  EXPECT_EQ(auth::TotpCode(key, auth::TotpStep(59)), "287082");
}

TEST(Totp, AcceptsOneStepOfDriftAndEachCodeOnce) {
  const std::string key = "12345678901234567890";
  const int64_t now = auth::TotpStep(1111111111);
  for (int64_t drift : {-1, 0, 1}) {
    EXPECT_EQ(auth::MatchTotp(key, auth::TotpCode(key, now + drift), now, 0), now + drift);
  }
  EXPECT_FALSE(auth::MatchTotp(key, auth::TotpCode(key, now - 2), now, 0));
  EXPECT_FALSE(auth::MatchTotp(key, auth::TotpCode(key, now + 2), now, 0));
  EXPECT_FALSE(auth::MatchTotp(key, auth::TotpCode(key, now), now, now));  // used already
  EXPECT_EQ(auth::MatchTotp(key, auth::TotpCode(key, now + 1), now, now), now + 1);
  for (const char* bad : {"", "12345", "1234567", "12345a", "１２３４５６"})
    EXPECT_FALSE(auth::MatchTotp(key, bad, now, 0)) << bad;
}

TEST(Totp, Base32RoundTripsAndTheUriIsWhatAppsRead) {
  EXPECT_EQ(auth::Base32Encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(auth::Base32Decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq"), "12345678901234567890");
  EXPECT_FALSE(auth::Base32Decode("GEZ1"));
  std::string secret = auth::NewTotpSecret();
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_NE(secret, auth::NewTotpSecret());
  EXPECT_EQ(auth::Base32Decode(auth::Base32Encode(secret)), secret);
  std::string uri = auth::OtpAuthUri("Disan", "ngoc.lan", "12345678901234567890");
  EXPECT_EQ(uri,
            "otpauth://totp/Disan:ngoc.lan?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Disan"
            "&algorithm=SHA1&digits=6&period=30");
}

class SelfServiceTest : public testing::AuthTest {
 protected:
  HttpReply Register(const std::string& login, const json& extra = json::object()) {
    json body = {{"login", login},
                 {"display_name", "Y Bhiăm Niê"},
                 {"email", login + "@example.vn"},
                 {"password", testing::kPassword}};
    body.update(extra);
    return Send("POST", "/api/v1/auth/register", body);
  }

  static int64_t StepNow() { return auth::TotpStep(std::time(nullptr)); }
  static std::string CodeAt(const std::string& secret_base32, int64_t step) {
    return auth::TotpCode(auth::Base32Decode(secret_base32).value_or(""), step);
  }
};

TEST_F(SelfServiceTest, AnyoneRegistersAsAContributorAndNeverAsStaff) {
  HttpReply r = Register("y.bhiam");
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(r.doc["roles"], json::array({{{"role", "contributor"}}}));
  std::string token = SessionToken("y.bhiam");
  ASSERT_FALSE(token.empty());
  HttpReply me = Send("GET", "/api/v1/auth/session", nullptr, token);
  EXPECT_EQ(me.doc["roles"], json::array({{{"role", "contributor"}}})) << me;
  EXPECT_EQ(me.doc["display_name"], "Y Bhiăm Niê");

  HttpReply staff = Register("sneaky", {{"roles", {{{"role", "administrator"}}}}});
  EXPECT_EQ(staff.status, 422) << staff;
  EXPECT_TRUE(staff.NamesParameter("roles")) << staff;
  EXPECT_EQ(Register("y.bhiam").status, 409);
  HttpReply weak = Register("weak", {{"password", "ngắn"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_TRUE(weak.NamesParameter("password")) << weak;
  HttpReply mail = Register("mail", {{"email", "không phải thư"}});
  EXPECT_TRUE(mail.NamesParameter("email")) << mail;
  HttpReply login = Register("<script>");
  EXPECT_TRUE(login.NamesParameter("login")) << login;
  HttpReply long_name = Register("longname", {{"display_name", std::string(300, 'a')}});
  EXPECT_TRUE(long_name.NamesParameter("display_name")) << long_name;
  HttpReply control = Register("ctl", {{"display_name", std::string("a\x01b")}});
  EXPECT_TRUE(control.NamesParameter("display_name")) << control;
  EXPECT_EQ(Send("POST", "/api/v1/auth/register", json::array()).status, 422);
  HttpReply huge = Register("huge", {{"display_name", std::string(20000, 'a')}});
  EXPECT_EQ(huge.status, 413) << huge;

  // Four more from this address are allowed in the hour; the sixth waits.
  for (int i = 2; i <= 5; ++i) ASSERT_EQ(Register("person" + std::to_string(i)).status, 201);
  HttpReply throttled = Register("person6");
  EXPECT_EQ(throttled.status, 429) << throttled;
  EXPECT_FALSE(throttled.Header("Retry-After").empty());
  EXPECT_EQ(AuditEntries("account.register").size(), 6u);  // 5 made + 1 throttled
}

TEST_F(SelfServiceTest, APersonDownloadsAndDeletesTheirDataAndTheirContributionsStay) {
  ASSERT_EQ(Register("h.nie").status, 201);
  std::string session = SessionToken("h.nie");
  std::string token = PersonalToken("h.nie");
  json body = {{"licence", "cc_by_sa_4_0"},
               {"rights_holder", "H'Nie"},
               {"attribution", "Nhóm sinh viên Gia Nghĩa"},
               {"record", testing::RelicDocument("Thác Dray Sáp")}};
  HttpReply made = Send("POST", "/api/v1/submissions", body, token);
  ASSERT_EQ(made.status, 201) << made;
  const std::string submission = made.Header("Location");

  HttpReply data = Send("GET", "/api/v1/auth/export", nullptr, session);
  ASSERT_EQ(data.status, 200) << data;
  EXPECT_NE(data.Header("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(data.doc["profile"]["email"], "h.nie@example.vn");
  EXPECT_EQ(data.doc["roles"][0]["role"], "contributor");
  EXPECT_EQ(data.doc["submissions"].size(), 1u);
  EXPECT_GE(data.doc["sessions"].size(), 2u);
  EXPECT_EQ(data.doc["tokens"].size(), 1u);
  EXPECT_EQ(data.body.find("token_hash"), std::string::npos);
  EXPECT_EQ(data.body.find("password"), std::string::npos);

  HttpReply wrong =
      Send("DELETE", "/api/v1/auth/account", {{"password", "không đúng mật khẩu"}}, session);
  EXPECT_EQ(wrong.status, 403) << wrong;
  EXPECT_TRUE(wrong.NamesParameter("password"));
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/account", json::object(), session).status, 422);
  HttpReply gone =
      Send("DELETE", "/api/v1/auth/account", {{"password", testing::kPassword}}, session);
  ASSERT_EQ(gone.status, 200) << gone;

  // Every session and token is revoked; nobody can sign in as them.
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, session).status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/auth/session", nullptr, token).status, 401);
  EXPECT_EQ(Login("h.nie").status, 401);
  // Their personal data is gone from the accounts list...
  HttpReply accounts = Admin("GET", "/api/v1/accounts");
  EXPECT_EQ(accounts.body.find("h.nie@example.vn"), std::string::npos);
  EXPECT_EQ(accounts.body.find("\"h.nie\""), std::string::npos);
  // ...the contribution they licensed stays, credited as they chose...
  HttpReply kept = Admin("GET", submission);
  ASSERT_EQ(kept.status, 200) << kept;
  EXPECT_EQ(kept.doc["attribution"], "Nhóm sinh viên Gia Nghĩa");
  EXPECT_EQ(kept.doc["licence"]["uri"], "https://creativecommons.org/licenses/by-sa/4.0/");
  // ...the login is free again, and the audit log still verifies.
  EXPECT_EQ(Register("h.nie").status, 201);
  Result<auth::AuditReport> report = auth::VerifyAudit(*server_.store);
  ASSERT_TRUE(report) << report.error().Describe();
  EXPECT_TRUE(report->problems.empty());
  EXPECT_EQ(AuditEntries("account.delete").size(), 1u);

  // An administrator cannot delete themselves (another one removes the role first).
  CreateAccount("admin2", "administrator");
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/account", {{"password", testing::kPassword}},
                 SessionToken("admin2"))
                .status,
            409);
}

TEST_F(SelfServiceTest, StaffTurnOnTotpAndThenEverySignInNeedsAFreshCode) {
  CreateAccount("curator", "curator");
  std::string session = SessionToken("curator");
  EXPECT_EQ(Send("POST", "/api/v1/auth/totp", {{"password", "sai"}}, session).status, 403);
  HttpReply enrol = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, session);
  ASSERT_EQ(enrol.status, 201) << enrol;
  const std::string secret = enrol.doc["secret"];
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_TRUE(enrol.doc["otpauth_uri"].get<std::string>().starts_with(
      "otpauth://totp/Disan:curator?secret=" + secret));
  // Not confirmed yet: the password alone still signs in.
  EXPECT_EQ(Login("curator").status, 200);
  const int64_t step = StepNow();
  // A code of three steps ago is outside the window (one step either way).
  HttpReply bad =
      Send("POST", "/api/v1/auth/totp/confirm", {{"code", CodeAt(secret, step - 3)}}, session);
  EXPECT_EQ(bad.status, 422) << bad;
  EXPECT_TRUE(bad.NamesParameter("code"));
  ASSERT_EQ(
      Send("POST", "/api/v1/auth/totp/confirm", {{"code", CodeAt(secret, step)}}, session).status,
      200);
  // The secret is never shown again, not even in the person's own data.
  HttpReply data = Send("GET", "/api/v1/auth/export", nullptr, session);
  EXPECT_EQ(data.body.find(secret), std::string::npos);
  EXPECT_EQ(data.doc["second_factor"]["confirmed"], true);
  EXPECT_EQ(Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, session).status,
            409);

  HttpReply without = Login("curator");
  EXPECT_EQ(without.status, 401) << without;
  EXPECT_TRUE(without.NamesParameter("totp")) << without;
  auto with_code = [&](const std::string& code) {
    return Send("POST", "/api/v1/auth/login",
                {{"login", "curator"}, {"password", testing::kPassword}, {"totp", code}});
  };
  // The code used to confirm cannot be used again; the next step's code can, once.
  HttpReply reused = with_code(CodeAt(secret, step));
  EXPECT_EQ(reused.status, 401) << reused;
  HttpReply next = with_code(CodeAt(secret, step + 1));
  ASSERT_EQ(next.status, 200) << next;
  EXPECT_EQ(with_code(CodeAt(secret, step + 1)).status, 401);
  EXPECT_EQ(with_code("12ab56").status, 401);
  EXPECT_EQ(Send("POST", "/api/v1/auth/login",
                 {{"login", "curator"}, {"password", testing::kPassword}, {"totp", 123456}})
                .status,
            422);

  // Contributors have no second factor to turn on.
  CreateAccount("contributor", "contributor");
  EXPECT_EQ(Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}},
                 SessionToken("contributor"))
                .status,
            403);
  EXPECT_EQ(AuditEntries("auth.totp_confirm").size(), 1u);
}

TEST_F(SelfServiceTest, TurningTheSecondFactorOffNeedsThePasswordAndAFreshCode) {
  CreateAccount("reviewer", "reviewer");
  std::string session = SessionToken("reviewer");
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/totp",
                 {{"password", testing::kPassword}, {"code", "123456"}}, session)
                .status,
            409);
  HttpReply enrol = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, session);
  ASSERT_EQ(enrol.status, 201) << enrol;
  const std::string secret = enrol.doc["secret"];
  const int64_t step = StepNow();
  ASSERT_EQ(
      Send("POST", "/api/v1/auth/totp/confirm", {{"code", CodeAt(secret, step)}}, session).status,
      200);
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/totp", {{"password", testing::kPassword}}, session).status,
            422);
  EXPECT_EQ(Send("DELETE", "/api/v1/auth/totp",
                 {{"password", testing::kPassword}, {"code", CodeAt(secret, step)}}, session)
                .status,
            422)
      << "the confirming code is used up";
  EXPECT_EQ(
      Send("DELETE", "/api/v1/auth/totp",
           {{"password", "sai mật khẩu rồi"}, {"code", CodeAt(secret, StepNow() + 1)}}, session)
          .status,
      403);
  HttpReply off =
      Send("DELETE", "/api/v1/auth/totp",
           {{"password", testing::kPassword}, {"code", CodeAt(secret, StepNow() + 1)}}, session);
  EXPECT_EQ(off.status, 200) << off;
  EXPECT_EQ(Login("reviewer").status, 200);
  EXPECT_EQ(AuditEntries("auth.totp_disable").size(), 1u);
}

}  // namespace
}  // namespace disan
