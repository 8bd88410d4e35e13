// `disan jobs` and `disan derive` (jobs_cli.h).
#include "cli/jobs_cli.h"

#include <chrono>
#include <iomanip>

#include "core/pid.h"

namespace disan::cli {

Status PrintJobs(MetadataStore& store, const std::string& state, std::ostream& out) {
  if (!state.empty() && state != "queued" && state != "running" && state != "done" &&
      state != "failed") {
    return Fail(ErrorCode::kInvalid, "--state must be queued, running, done or failed",
                "--state phải là queued, running, done hoặc failed");
  }
  JobQuery q;
  q.state = state;
  q.limit = 1000000;
  std::vector<Job> jobs = TRY(store.ListJobs(q));
  out << "id\tstate\tkind\tmedia\tattempts\tupdated_at\tlast_error\n";
  for (const Job& j : jobs) {
    out << j.id << "\t" << j.state << "\t" << j.kind << "\t" << j.media_id << "\t" << j.attempts
        << "\t" << j.updated_at << "\t" << j.last_error << "\n";
  }
  return Ok();
}

Status DeriveNow(MetadataStore& store, media::JobRunner& runner, bool all,
                 const std::vector<std::string>& ids, std::ostream& out, std::ostream& progress) {
  std::vector<MediaAsset> assets;
  if (all) {
    if (!ids.empty()) {
      return Fail(ErrorCode::kInvalid, "give either --all or media identifiers, not both",
                  "hãy dùng --all hoặc các mã tệp, không dùng cả hai");
    }
    assets = TRY(store.ListAllMedia());
  } else {
    if (ids.empty()) {
      return Fail(ErrorCode::kInvalid, "give --all or at least one media identifier",
                  "hãy dùng --all hoặc ít nhất một mã tệp");
    }
    for (const std::string& raw : ids) {
      Result<std::string> id = ParsePid(raw);
      if (!id) {
        return Fail(ErrorCode::kInvalid, "'" + raw + "': " + id.error().message_en,
                    "'" + raw + "': " + id.error().message_vi);
      }
      assets.push_back(TRY(store.GetMedia(*id)));
    }
  }
  size_t failed = 0;
  for (size_t i = 0; i < assets.size(); ++i) {
    const MediaAsset& a = assets[i];
    progress << "[" << (i + 1) << "/" << assets.size() << "] " << a.id << " (" << a.format
             << ") ..." << std::flush;
    auto start = std::chrono::steady_clock::now();
    Status s = runner.Derive(a);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress << (s ? " done" : " failed") << " in " << std::fixed << std::setprecision(1) << seconds
             << " s" << std::endl;
    if (s) {
      out << a.id << "\tok\n";
    } else {
      ++failed;
      out << a.id << "\tfailed: " << s.error().Describe() << "\n";
    }
  }
  out << std::flush;
  if (failed) {
    return Fail(ErrorCode::kInvalid,
                std::to_string(failed) + " of " + std::to_string(assets.size()) +
                    " media failed (see above)",
                std::to_string(failed) + " trên " + std::to_string(assets.size()) +
                    " tệp bị lỗi (xem ở trên)");
  }
  return Ok();
}

}  // namespace disan::cli
