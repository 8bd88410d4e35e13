// The background job runner (jobs.h).
#include "media/jobs.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "core/clock.h"
#include "media/media_type.h"

namespace disan::media {

std::string Rfc3339After(int64_t seconds) {
  auto t = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return out;
}

std::string ThisWorker() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

JobRunner::JobRunner(MetadataStore& store, preservation::StorageRoot& ocfl,
                     Derivatives& derivatives, ProbeOptions probe)
    : store_(store), ocfl_(ocfl), derivatives_(derivatives), probe_(probe) {}

JobRunner::~JobRunner() { Stop(); }

Status JobRunner::Derive(const MediaAsset& asset) {
  const MediaFormat* format = FindFormat(asset.format);
  if (!format || format->media_class != MediaClass::kImage) return Ok();
  std::filesystem::path master = TRY(ocfl_.FilePath(asset.record_pid, asset.logical_path));
  return derivatives_.MakeImage(asset.id, master.string(), probe_);
}

Result<size_t> JobRunner::Recover() {
  const std::string me = ThisWorker();
  const std::string host = me.substr(0, me.rfind(':'));
  JobQuery q;
  q.state = "running";
  q.limit = 10000;
  std::vector<Job> running = TRY(store_.ListJobs(q));
  size_t requeued = 0;
  for (Job& job : running) {
    size_t colon = job.worker.rfind(':');
    if (colon == std::string::npos || job.worker.substr(0, colon) != host) continue;
    pid_t pid = static_cast<pid_t>(std::atoll(job.worker.c_str() + colon + 1));
    bool alive = pid > 0 && job.worker != me && (kill(pid, 0) == 0 || errno == EPERM);
    if (alive) continue;
    job.state = "queued";
    job.next_attempt_at = Rfc3339After(0);
    job.last_error = "interrupted: the process running it stopped";
    TRY(store_.Write([&](StoreWriter& w) { return w.UpdateJob(job); }));
    ++requeued;
  }
  return requeued;
}

Result<bool> JobRunner::RunOne() {
  std::optional<Job> claimed;
  const std::string me = ThisWorker();
  TRY(store_.Write([&](StoreWriter& w) -> Status {
    claimed = TRY(w.ClaimJob(me, Rfc3339After(0)));
    return Ok();
  }));
  if (!claimed) return false;
  Job job = *claimed;
  Status outcome = Ok();
  if (job.kind == kDeriveJob) {
    Result<MediaAsset> asset = store_.GetMedia(job.media_id);
    outcome = asset ? Derive(*asset) : Status(std::unexpected(asset.error()));
  } else {
    outcome = Fail(ErrorCode::kInvalid, "unknown job kind '" + job.kind + "'",
                   "loại tác vụ không xác định '" + job.kind + "'");
  }
  if (outcome) {
    job.state = "done";
    job.last_error.clear();
  } else {
    const Error& e = outcome.error();
    bool may_recover = e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kInternal;
    job.last_error = e.Describe();
    if (may_recover && job.attempts < kMaxAttempts) {
      job.state = "queued";
      job.next_attempt_at =
          Rfc3339After(std::min<int64_t>(3600, int64_t{10} << (job.attempts - 1)));
    } else {
      job.state = "failed";
    }
  }
  TRY(store_.Write([&](StoreWriter& w) { return w.UpdateJob(job); }));
  return true;
}

void JobRunner::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobRunner::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_all();
}

void JobRunner::Loop() {
  if (Result<size_t> n = Recover(); !n) {
    std::cerr << "jobs: recovery failed: " << n.error().Describe() << std::endl;
  }
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    Result<bool> ran = RunOne();
    if (!ran) std::cerr << "jobs: " << ran.error().Describe() << std::endl;
    if (ran && *ran) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || notified_; });
    notified_ = false;
  }
}

}  // namespace disan::media
