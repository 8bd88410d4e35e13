// TOTP secrets at rest (auth/secret_box.h, docs/review.md): sealed with the data directory's
// key file (made 0600), never in the database file in the clear; secrets stored in the clear
// before are sealed when the directory is opened; sign-in with a code keeps working; a wrong
// key file is a clear error from the real program, not a crash.
#include <sys/stat.h>

#include <ctime>
#include <fstream>

#include "auth/auth_fixture.h"
#include "auth/secret_box.h"
#include "auth/totp.h"
#include "store/sqlite/sqlite_store.h"

namespace disan {
namespace {

using nlohmann::json;
using testing::HttpReply;

std::string FileBytes(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return "";
  return testing::ReadFile(p.string());
}

TEST(SecretBox, SealsOpensAndRefusesAnotherKeyOrAnAlteredValue) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / auth::SecretBox::kKeyFileName;
  auto box = auth::SecretBox::OpenKeyFile(file);
  ASSERT_TRUE(box) << box.error().Describe();
  struct stat st{};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  const std::string sealed = (*box)->Seal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_TRUE(auth::SecretBox::IsSealed(sealed));
  EXPECT_EQ(sealed.find("GEZDGNBV"), std::string::npos);
  EXPECT_NE((*box)->Seal("x"), (*box)->Seal("x")) << "a fresh nonce each time";
  // The same file opens it again; another key does not, and says why in both languages.
  auto again = auth::SecretBox::OpenKeyFile(file);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->Open(sealed).value(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  auto other = auth::SecretBox::FromKey(std::string(32, 'k'));
  Result<std::string> refused = other->Open(sealed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message_en.find("key file"), std::string::npos);
  EXPECT_NE(refused.error().message_vi.find("tệp khóa"), std::string::npos);
  std::string altered = sealed;
  altered.back() = altered.back() == '0' ? '1' : '0';
  EXPECT_FALSE((*box)->Open(altered));
  EXPECT_FALSE((*box)->Open("sealed:v1:zz"));
  EXPECT_FALSE((*box)->Open("sealed:v1:"));

  // A key file that is not one key is refused, not used.
  {
    std::ofstream(dir.File("short.key"), std::ios::binary) << "too short";
  }
  Result<std::shared_ptr<const auth::SecretBox>> bad =
      auth::SecretBox::OpenKeyFile(dir.path() / "short.key");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(bad.error().message_vi.find("không phải khóa"), std::string::npos);
}

class TotpAtRest : public testing::AuthTest {
 protected:
  static std::string CodeAt(const std::string& secret_base32, int64_t step) {
    return auth::TotpCode(auth::Base32Decode(secret_base32).value_or(""), step);
  }
  // The database as it is on disk (the WAL too, which holds pages not yet checkpointed).
  std::string DatabaseBytes() const {
    return FileBytes(server_.dir.path() / "disan.db") +
           FileBytes(server_.dir.path() / "disan.db-wal");
  }
  HttpReply LoginWith(const std::string& login, const std::string& code) const {
    return Send("POST", "/api/v1/auth/login",
                {{"login", login}, {"password", testing::kPassword}, {"totp", code}});
  }
  int64_t AccountId(const std::string& login) const {
    // Held in a variable: a range over .value() of the temporary would dangle.
    const std::vector<Account> accounts = server_.store->ListAccounts().value();
    for (const Account& a : accounts)
      if (a.login == login) return a.id;
    return 0;
  }
};

TEST_F(TotpAtRest, AnEnrolledSecretIsNeverInTheDatabaseFile) {
  CreateAccount("curator", "curator");
  std::string session = SessionToken("curator");
  HttpReply enrol = Send("POST", "/api/v1/auth/totp", {{"password", testing::kPassword}}, session);
  ASSERT_EQ(enrol.status, 201) << enrol;
  const std::string secret = enrol.doc["secret"];
  const int64_t step = auth::TotpStep(std::time(nullptr));
  ASSERT_EQ(
      Send("POST", "/api/v1/auth/totp/confirm", {{"code", CodeAt(secret, step)}}, session).status,
      200);
  std::optional<SecondFactor> stored = server_.store->GetSecondFactor(AccountId("curator")).value();
  ASSERT_TRUE(stored);
  EXPECT_TRUE(auth::SecretBox::IsSealed(stored->secret)) << stored->secret;
  EXPECT_EQ(DatabaseBytes().find(secret), std::string::npos);
  EXPECT_EQ(LoginWith("curator", CodeAt(secret, step + 1)).status, 200);
  EXPECT_EQ(LoginWith("curator", CodeAt(secret, step + 1)).status, 401) << "used once";
}

TEST_F(TotpAtRest, SecretsStoredInTheClearAreSealedOnOpenAndStillSignIn) {
  CreateAccount("curator", "curator");
  const std::string secret = auth::Base32Encode(auth::NewTotpSecret());
  const int64_t id = AccountId("curator");
  ASSERT_TRUE(server_.store->Write([&](StoreWriter& w) {
    return w.PutSecondFactor({id, secret, true, 0, ""});
  }));
  const std::string created = server_.store->GetSecondFactor(id).value()->created_at;
  auto box = auth::SecretBox::OpenKeyFile(server_.dir.path() / auth::SecretBox::kKeyFileName);
  ASSERT_TRUE(box);
  ASSERT_TRUE(auth::SealSecondFactors(*server_.store, **box));
  std::optional<SecondFactor> sealed = server_.store->GetSecondFactor(id).value();
  ASSERT_TRUE(sealed);
  EXPECT_TRUE(auth::SecretBox::IsSealed(sealed->secret));
  EXPECT_EQ(sealed->created_at, created) << "recovery codes stay bound to the factor";
  EXPECT_EQ((*box)->Open(sealed->secret).value(), secret);
  // Sealing twice changes nothing.
  ASSERT_TRUE(auth::SealSecondFactors(*server_.store, **box));
  EXPECT_EQ(server_.store->GetSecondFactor(id).value()->secret, sealed->secret);
  const int64_t step = auth::TotpStep(std::time(nullptr));
  EXPECT_EQ(LoginWith("curator", "000000").status, 401);
  EXPECT_EQ(LoginWith("curator", CodeAt(secret, step)).status, 200);

  // Another key opens none of them: a clear error naming the account, and nothing changed.
  auto other = auth::SecretBox::FromKey(std::string(32, 'z'));
  Status wrong = auth::SealSecondFactors(*server_.store, *other);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(wrong.error().message_en.find("'curator'"), std::string::npos);
  EXPECT_EQ(server_.store->GetSecondFactor(id).value()->secret, sealed->secret);
}

// The real program: `disan init` makes the key file 0600; a data directory whose secrets were
// stored in the clear has them sealed when a command opens it, so the database file no longer
// holds them; after the key file is replaced, commands stop with the reason, in both languages.
TEST(TotpAtRestCli, OpeningSealsAndAWrongKeyFileIsAClearError) {
  testing::TempDir dir;
  const std::string data = dir.File("data");
  testing::CommandResult init = testing::RunCommand(testing::DisanBin() + " init " + data);
  ASSERT_EQ(init.status, 0) << init.output;
  const std::filesystem::path key = std::filesystem::path(data) / auth::SecretBox::kKeyFileName;
  struct stat st{};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const std::string secret = auth::Base32Encode(auth::NewTotpSecret());
  {
    auto store = OpenSqliteStore(data + "/disan.db");
    ASSERT_TRUE(store);
    std::vector<Account> accounts = (*store)->ListAccounts().value();
    ASSERT_FALSE(accounts.empty());
    ASSERT_TRUE((*store)->Write([&](StoreWriter& w) {
      return w.PutSecondFactor({accounts[0].id, secret, true, 0, ""});
    }));
  }
  testing::CommandResult verify =
      testing::RunCommand(testing::DisanBin() + " audit verify --data " + data);
  ASSERT_EQ(verify.status, 0) << verify.output;
  EXPECT_EQ(FileBytes(data + "/disan.db").find(secret), std::string::npos);
  EXPECT_EQ(FileBytes(data + "/disan.db-wal").find(secret), std::string::npos);
  EXPECT_EQ(verify.output.find(secret), std::string::npos);

  {
    std::ofstream out(key, std::ios::binary | std::ios::trunc);
    out << std::string(32, 'w');
  }
  testing::CommandResult refused =
      testing::RunCommand(testing::DisanBin() + " audit verify --data " + data);
  EXPECT_NE(refused.status, 0);
  EXPECT_GT(refused.status, 0) << "an error exit, not a signal: " << refused.output;
  EXPECT_NE(refused.output.find("does not open"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("không mở được"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find(secret), std::string::npos);
}

}  // namespace
}  // namespace disan
