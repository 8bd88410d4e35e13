// `disan user add` and `disan audit verify`, run as the real program on a real data directory;
// the database is edited behind Disan's back (python3's sqlite3) to break the chain.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace disan {
namespace {

using testing::RunCommand;

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.File("data");
    ASSERT_EQ(Disan("init " + data_).status, 0);
    for (const char* login : {"lan", "hoa", "minh"}) {
      testing::CommandResult r =
          RunCommand("printf 'mật khẩu đủ dài 2026\\n' | " + testing::DisanBin() +
                     " user add --data " + data_ + " " + login + " --role reviewer");
      ASSERT_EQ(r.status, 0) << r.output;
    }
    ASSERT_EQ(Disan("audit verify --data " + data_).status, 0);
    std::filesystem::copy_file(data_ + "/disan.db", dir_.File("pristine.db"));
  }

  testing::CommandResult Disan(const std::string& args) const {
    return RunCommand(testing::DisanBin() + " " + args);
  }

  // Runs SQL on the database with python3's sqlite3, as someone with the file would.
  void Tamper(const std::string& sql) const {
    std::filesystem::copy_file(dir_.File("pristine.db"), data_ + "/disan.db",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(data_ + "/disan.db-wal");
    std::filesystem::remove(data_ + "/disan.db-shm");
    testing::CommandResult r =
        RunCommand("python3 -c \"import sqlite3; c = sqlite3.connect('" + data_ +
                   "/disan.db'); c.executescript('''" + sql + "'''); c.commit()\"");
    ASSERT_EQ(r.status, 0) << r.output;
  }

  testing::TempDir dir_;
  std::string data_;
};

TEST_F(AuditCli, IntactLogVerifies) {
  testing::CommandResult r = Disan("audit verify --data " + data_);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("intact: 4 entries"), std::string::npos) << r.output;
}

TEST_F(AuditCli, EditedEntryIsNamed) {
  Tamper("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2;");  // a user add
  testing::CommandResult r = Disan("audit verify --data " + data_);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("entry 2 (seq 2)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("edited"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bị sửa"), std::string::npos) << r.output;
}

TEST_F(AuditCli, RemovedEntryIsNamed) {
  Tamper("DELETE FROM audit_log WHERE seq = 2;");
  testing::CommandResult r = Disan("audit verify --data " + data_);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("entry 2 (seq 3): expected seq 2"), std::string::npos) << r.output;
}

TEST_F(AuditCli, ReorderedEntriesAreNamed) {
  Tamper(
      "UPDATE audit_log SET seq = -1 WHERE seq = 1; UPDATE audit_log SET seq = 1 WHERE seq = 2; "
      "UPDATE audit_log SET seq = 2 WHERE seq = -1;");
  testing::CommandResult r = Disan("audit verify --data " + data_);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("entry 1"), std::string::npos) << r.output;
}

TEST_F(AuditCli, RemovedLastEntryIsNamed) {
  Tamper("DELETE FROM audit_log WHERE seq = 4;");
  testing::CommandResult r = Disan("audit verify --data " + data_);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("entries after seq 3 were removed"), std::string::npos) << r.output;
}

TEST_F(AuditCli, UserAddRefusesWhatItCannotStore) {
  testing::CommandResult taken =
      RunCommand("printf 'mật khẩu đủ dài 2026\\n' | " + testing::DisanBin() + " user add --data " +
                 data_ + " LAN --role curator");
  EXPECT_NE(taken.status, 0);
  EXPECT_NE(taken.output.find("đã có tài khoản"), std::string::npos) << taken.output;
  testing::CommandResult no_password = RunCommand(testing::DisanBin() + " user add --data " +
                                                  data_ + " tuan --role curator < /dev/null");
  EXPECT_NE(no_password.status, 0);
  EXPECT_NE(no_password.output.find("standard input"), std::string::npos) << no_password.output;
  testing::CommandResult role =
      RunCommand("printf 'mật khẩu đủ dài 2026\\n' | " + testing::DisanBin() + " user add --data " +
                 data_ + " tuan --role unit_editor");
  EXPECT_NE(role.status, 0);
  EXPECT_NE(role.output.find("unit"), std::string::npos) << role.output;
  testing::CommandResult short_password =
      RunCommand("printf 'ngắn\\n' | " + testing::DisanBin() + " user add --data " + data_ +
                 " tuan --role curator");
  EXPECT_NE(short_password.status, 0);
  // None of these left an account or an audit entry behind.
  testing::CommandResult r = Disan("audit verify --data " + data_);
  EXPECT_NE(r.output.find("intact: 4 entries"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace disan
