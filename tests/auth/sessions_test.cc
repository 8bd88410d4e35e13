// Sessions, tokens and throttling against the clock: the Accounts service over a real SQLite
// store, with time moved by the test instead of waited for.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "auth/accounts.h"
#include "auth/credentials.h"
#include "support/test_support.h"

namespace disan {
namespace {

using namespace std::chrono_literals;

class Sessions : public ::testing::Test {
 protected:
  Sessions() {
    auth::AuthSettings settings;
    settings.now = [this] { return now_; };
    accounts_ = std::make_unique<auth::Accounts>(*db_.store, settings);
    EXPECT_TRUE(accounts_->Create("lan", "Nguyễn Thị Lan", "mật khẩu đủ dài 2026",
                                  {{"curator", ""}}, {"test", ""}));
  }

  auth::SignedIn SignIn() {
    Result<auth::SignInOutcome> r = accounts_->SignIn("lan", "mật khẩu đủ dài 2026", "10.0.0.9");
    EXPECT_TRUE(r && r->signed_in) << (r ? "throttled" : r.error().Describe());
    return r && r->signed_in ? *r->signed_in : auth::SignedIn{};
  }

  bool Valid(const std::string& token) { return accounts_->FromBearer(token).value().has_value(); }

  testing::TestCatalogue db_;
  auth::Clock::time_point now_ = auth::Clock::now();
  std::unique_ptr<auth::Accounts> accounts_;
};

TEST_F(Sessions, IdleAndAbsoluteTimeoutsEndSessions) {
  auth::SignedIn s = SignIn();
  now_ += 90min;
  EXPECT_TRUE(Valid(s.token)) << "used within the idle timeout";
  now_ += 90min;
  EXPECT_TRUE(Valid(s.token)) << "each use moves the idle timeout";
  now_ += 2h + 1s;
  EXPECT_FALSE(Valid(s.token)) << "unused for over two hours";
  EXPECT_FALSE(Valid(s.token)) << "and it stays ended";

  auth::SignedIn busy = SignIn();
  for (int hour = 1; hour <= 11; ++hour) {
    now_ += 1h;
    EXPECT_TRUE(Valid(busy.token)) << "used every hour, hour " << hour;
  }
  now_ += 59min;
  EXPECT_TRUE(Valid(busy.token)) << "11 h 59 min after signing in";
  now_ += 2min;
  EXPECT_FALSE(Valid(busy.token)) << "12 h 1 min after signing in, however busy";
}

TEST_F(Sessions, TokensExpireAndHashesAreStored) {
  auth::SignedIn s = SignIn();
  auth::Authenticated who = accounts_->FromBearer(s.token).value().value();
  auth::IssuedToken t =
      accounts_
          ->IssueToken(who, "script", auth::TokenScope::kWrite, auth::FormatTime(now_ + 48h), "")
          .value();
  EXPECT_EQ(db_.store->FindApiToken(t.token).value(), std::nullopt) << "never the secret itself";
  EXPECT_TRUE(db_.store->FindApiToken(auth::HashSecret(t.token)).value().has_value());
  now_ += 47h;
  EXPECT_TRUE(Valid(t.token));
  now_ += 1h;
  EXPECT_FALSE(Valid(t.token));
}

TEST_F(Sessions, ThrottlingEndsWhenFailuresLeaveTheWindow) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(accounts_->SignIn("lan", "sai", "10.0.0.9").error().code,
              ErrorCode::kUnauthenticated);
    now_ += 1min;
  }
  Result<auth::SignInOutcome> blocked =
      accounts_->SignIn("lan", "mật khẩu đủ dài 2026", "10.0.0.9");
  ASSERT_TRUE(blocked);
  EXPECT_FALSE(blocked->signed_in);
  // The first failure was 5 minutes ago; it leaves the 15-minute window in 10 minutes.
  EXPECT_NEAR(static_cast<double>(blocked->retry_after_seconds), 600, 2);
  now_ += 10min + 2s;
  EXPECT_TRUE(SignIn().token.size() > 0);
}

TEST_F(Sessions, PasswordsAreArgon2idWithOwaspParameters) {
  std::optional<Account> a = db_.store->FindAccount("lan").value();
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << a->password_hash;
  EXPECT_TRUE(auth::VerifyPassword(a->password_hash, "mật khẩu đủ dài 2026"));
  EXPECT_FALSE(auth::VerifyPassword(a->password_hash, "mật khẩu đủ dài 2027"));
  EXPECT_FALSE(auth::VerifyPassword("", ""));
  EXPECT_FALSE(auth::VerifyPassword("$argon2id$garbage", "x"));
  // The same password typed in decomposed form (NFD) signs in too.
  Result<auth::SignInOutcome> nfd = accounts_->SignIn(
      "lan", "ma\xCC\xA3\xCC\x82t kha\xCC\x82\xCC\x89u \xC4\x91u\xCC\x89 da\xCC\x80i 2026", "");
  ASSERT_TRUE(nfd) << nfd.error().Describe();
  EXPECT_TRUE(nfd->signed_in);
}

// A reset link is checked before the password is hashed (tens of milliseconds of Argon2id)
// and used up inside the write: requests racing with the same link all pass the check, and
// exactly one of them may set the password.
TEST_F(Sessions, AResetLinkRacedByManyRequestsWorksOnce) {
  Result<std::string> link = accounts_->IssueResetToken("lan", {"admin", ""});
  ASSERT_TRUE(link) << link.error().Describe();
  constexpr int kRacers = 4;
  std::vector<Status> results(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      results[static_cast<size_t>(i)] = accounts_->ResetPassword(
          *link, "mật khẩu mới số " + std::to_string(i) + " đủ dài", "10.0.0." + std::to_string(i));
    });
  }
  for (std::thread& t : racers) t.join();
  int ok = 0, winner = -1;
  for (int i = 0; i < kRacers; ++i) {
    const Status& r = results[static_cast<size_t>(i)];
    if (r) {
      ++ok;
      winner = i;
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kForbidden) << r.error().Describe();
      EXPECT_NE(r.error().message_vi.find("đã dùng"), std::string::npos) << r.error().message_vi;
    }
  }
  ASSERT_EQ(ok, 1);
  Result<auth::SignInOutcome> in = accounts_->SignIn(
      "lan", "mật khẩu mới số " + std::to_string(winner) + " đủ dài", "10.0.0.9");
  ASSERT_TRUE(in) << in.error().Describe();
  EXPECT_TRUE(in->signed_in) << "the password that won is the one set";
}

}  // namespace
}  // namespace disan
