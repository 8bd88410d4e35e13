#include "cli/bag_cli.h"

#include <cstdlib>
#include <iostream>

#include "auth/audit_log.h"

namespace disan::cli {

using interop::bagit::BagSummary;

Status BagExport(Catalogue& catalogue, preservation::StorageRoot& ocfl, const BagCliOptions& o) {
  int chosen = (o.selection.pid.empty() ? 0 : 1) + (o.selection.set.empty() ? 0 : 1) +
               (o.selection.all ? 1 : 0);
  if (chosen != 1) {
    return Fail(ErrorCode::kInvalid, "give exactly one of --pid, --set or --all",
                "hãy chọn đúng một trong --pid, --set hoặc --all");
  }
  BagSummary s =
      TRY(interop::bagit::ExportBag(catalogue, ocfl, o.selection, o.output, o.source_organisation));
  // Like every export, a bag leaves a trace in the audit log (docs/accounts.md).
  const char* user = std::getenv("USER");
  TRY(auth::AppendAudit(catalogue.store(),
                        {std::string("cli:") + (user ? user : "?"), "export.bag", o.output, "",
                         {{"pid", o.selection.pid}, {"set", o.selection.set}, {"all", o.selection.all},
                          {"records", s.records}, {"files", s.files}}}));
  std::cout << "wrote " << o.output << ": " << s.records << " records, " << s.files
            << " media files, " << s.bytes << " bytes\n";
  return Ok();
}

Status BagVerify(const BagCliOptions& o) {
  interop::bagit::BagCheck check = interop::bagit::VerifyBag(o.bag);
  for (const interop::bagit::BagProblem& p : check.problems) {
    std::cout << "error: " << (std::filesystem::path(o.bag) / p.path).string() << ": "
              << p.message_en << " / " << p.message_vi << "\n";
  }
  if (!check.problems.empty()) {
    std::string n = std::to_string(check.problems.size());
    return Fail(ErrorCode::kCorrupt,
                o.bag + " is not a valid bag: " + n + " problems (listed above)",
                o.bag + " không phải túi hợp lệ: " + n + " lỗi (liệt kê ở trên)");
  }
  std::cout << "valid bag: " << check.summary.files << " payload files, " << check.summary.bytes
            << " bytes\n";
  return Ok();
}

Status BagImport(Catalogue& catalogue, media::MediaService& media, const BagCliOptions& o) {
  Result<BagSummary> s = interop::bagit::ImportBag(catalogue, media, o.bag);
  if (!s) {
    for (const FieldError& f : s.error().fields) {
      std::cerr << "error: " << (std::filesystem::path(o.bag) / f.path).string() << ": "
                << f.message_en << " / " << f.message_vi << "\n";
    }
    return std::unexpected(s.error());
  }
  std::cout << "imported " << s->records << " records and " << s->files << " media files from "
            << o.bag << "\n";
  return Ok();
}

}  // namespace disan::cli
