#include "cli/user_command.h"

#include <istream>
#include <ostream>

#include "auth/accounts.h"
#include "auth/audit_log.h"
#include "core/pid.h"

namespace disan::cli {

Status AddUser(MetadataStore& store, const std::string& login, const std::string& role,
               const std::string& unit, std::istream& password_in, std::ostream& out) {
  std::string password;
  std::getline(password_in, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n'))
    password.pop_back();
  if (password.empty()) {
    return Fail(
        ErrorCode::kInvalid,
        "no password on standard input (e.g. printf '%s\\n' \"$PASSWORD\" | disan user add ...)",
        "không có mật khẩu ở đầu vào chuẩn (ví dụ printf '%s\\n' \"$PASSWORD\" | disan user add "
        "...)");
  }
  std::string unit_pid = unit.empty() ? "" : ParsePid(unit).value_or(unit);
  auth::Accounts accounts(store);
  Account a = TRY(accounts.Create(login, "", password, {{role, unit_pid}}, {"cli:user", ""}));
  out << "created account " << a.login << " (" << role
      << (unit_pid.empty() ? "" : " of " + unit_pid) << ") / đã tạo tài khoản " << a.login << "\n";
  return Ok();
}

Status IssueResetLink(MetadataStore& store, const std::string& login, std::ostream& out) {
  auth::Accounts accounts(store);
  std::string token = TRY(accounts.IssueResetToken(login, {"cli:user", ""}));
  out << token << "\n";
  return Ok();
}

Status VerifyAuditLog(MetadataStore& store, std::ostream& out) {
  auth::AuditReport report = TRY(auth::VerifyAudit(store));
  for (const auth::AuditProblem& p : report.problems)
    out << "broken: " << p.en << " / " << p.vi << "\n";
  if (!report.problems.empty()) {
    const auth::AuditProblem& first = report.problems.front();
    return Fail(ErrorCode::kCorrupt,
                "the audit log is broken at entry " + std::to_string(first.position) + " (seq " +
                    std::to_string(first.seq) + "); " + std::to_string(report.problems.size()) +
                    " problem(s) listed above",
                "nhật ký kiểm toán bị hỏng tại mục " + std::to_string(first.position) + " (số " +
                    std::to_string(first.seq) + "); " + std::to_string(report.problems.size()) +
                    " lỗi liệt kê ở trên");
  }
  out << "audit log intact: " << report.entries
      << " entries / nhật ký kiểm toán nguyên vẹn: " << report.entries << " mục\n";
  return Ok();
}

}  // namespace disan::cli
