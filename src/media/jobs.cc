// The background job runner (jobs.h).
#include "media/jobs.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

#include "core/clock.h"
#include "media/derive/av.h"
#include "media/media_service.h"
#include "media/media_type.h"

namespace disan::media {

namespace {
// How much lower than the request threads the job thread runs: an increment of the process's
// nice value, up to 19.
constexpr int kJobNice = 10;
}  // namespace

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
  if (!format) return Ok();
  const bool timed =
      format->media_class == MediaClass::kAudio || format->media_class == MediaClass::kVideo;
  if (format->media_class != MediaClass::kImage && !timed) return Ok();
  std::filesystem::path master = TRY(ocfl_.FilePath(asset.record_pid, asset.logical_path));
  if (timed) return MakeTimeBased(derivatives_, asset.id, master.string(), asset.technical);
  return derivatives_.MakeImage(asset.id, master.string(), probe_);
}

namespace {

bool Published(const nlohmann::json& document) {
  return document.is_object() && document.value("status", "published") == "published";
}

}  // namespace

void PreserveRecordChanges(Catalogue& catalogue) {
  Catalogue::WriteObserver previous = catalogue.write_observer();
  catalogue.SetWriteObserver([previous](StoreWriter& w, const RecordChange& c, const Actor& actor,
                                        const std::string& reason) -> Status {
    if (previous) TRY(previous(w, c, actor, reason));
    if (c.cls != RecordClass::kItem) return Ok();
    bool was = c.before && !c.before->deleted && Published(c.before->document);
    bool is = c.after && Published(*c.after);
    if (!was && !is) return Ok();
    TRY(c.action == RevisionAction::kCreate ? w.EnqueueJobForNew(kRecordVersionJob, c.pid)
                                            : w.EnqueueJob(kRecordVersionJob, c.pid));
    return Ok();
  });
}

// The item's file descriptions follow their rows: a file held for review and then published
// is described again as public, so that the preservation store alone rebuilds what the public
// saw (DESIGN.md, "Rebuildable"). Only descriptions that differ are written.
static Status RedescribeMedia(MetadataStore& store, preservation::StorageRoot& ocfl,
                              const std::string& pid, preservation::VersionBuilder& version) {
  for (const MediaAsset& a : TRY(store.ListMedia(pid))) {
    const std::string path = "media/" + a.id + ".json";
    const nlohmann::json now = MediaService::Describe(a);
    if (Result<std::string> kept = ocfl.ReadSmallFile(pid, path); kept) {
      if (nlohmann::json::parse(*kept, nullptr, false) == now) continue;
    } else if (kept.error().code != ErrorCode::kNotFound) {
      return std::unexpected(kept.error());
    }
    TRY(version.AddBytes(path, now.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
  }
  return Ok();
}

Status JobRunner::PreserveRecord(const std::string& pid) {
  StoredRecord current = TRY(store_.Get(pid));
  if (current.cls != RecordClass::kItem) return Ok();
  int64_t held = 0;
  if (Result<std::string> bytes = ocfl_.ReadSmallFile(pid, "record.json"); bytes) {
    nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, false);
    if (j.is_object() && j.contains("revision") && j["revision"].is_number_integer())
      held = j["revision"].get<int64_t>();
  } else if (bytes.error().code != ErrorCode::kNotFound) {
    return std::unexpected(bytes.error());
  }
  if (held >= current.revision) return Ok();
  const int64_t from = held > 0 ? held + 1 : current.revision;
  bool was_published = false;
  if (from > 1) {
    Revision before = TRY(store_.GetRevision(pid, from - 1));
    was_published = before.action != RevisionAction::kDelete && Published(before.snapshot);
  }
  for (int64_t n = from; n <= current.revision; ++n) {
    Revision rev = TRY(store_.GetRevision(pid, n));
    const bool deleted = rev.action == RevisionAction::kDelete;
    const bool published = !deleted && Published(rev.snapshot);
    const bool relevant = was_published || published;
    was_published = published;
    if (!relevant) continue;
    StoredRecord at = current;
    at.revision = n;
    at.document = rev.snapshot;
    at.updated_at = rev.at;
    at.deleted = deleted;
    at.delete_reason = deleted ? rev.reason : "";
    preservation::VersionBuilder version = ocfl_.BeginVersion(pid);
    TRY(version.AddBytes("record.json", RecordJson(at)));
    if (n == current.revision) TRY(RedescribeMedia(store_, ocfl_, pid, version));
    std::string message = "Record revision " + std::to_string(n) + " (" +
                          std::string(RevisionActionName(rev.action)) + ")" +
                          (rev.reason.empty() ? "" : ": " + rev.reason.substr(0, 200));
    TRY(version.Commit({message, rev.author, ""}));
  }
  return Ok();
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
  } else if (job.kind == kRecordVersionJob) {
    outcome = PreserveRecord(job.media_id);
  } else {
    outcome = Fail(ErrorCode::kInvalid, "unknown job kind '" + job.kind + "'",
                   "loại tác vụ không xác định '" + job.kind + "'");
  }
  bool stopped = false;
  {
    std::lock_guard lock(mutex_);
    stopped = stopping_;
  }
  if (outcome) {
    job.state = "done";
    job.last_error.clear();
  } else if (stopped) {
    // Cut short by the server's stop: not the job's fault, so not an attempt.
    job.state = "queued";
    job.attempts = std::max<int64_t>(0, job.attempts - 1);
    job.next_attempt_at = Rfc3339After(0);
    job.last_error = "interrupted: the server stopped / bị gián đoạn: máy chủ đã dừng";
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
  // Background work (derivatives, record versions: minutes of it after a large import) yields
  // the CPU to the threads answering requests: this thread, and the ffmpeg and vips work it
  // starts, run at a lower priority (nice is per thread on Linux, and inherited).
  const id_t self = static_cast<id_t>(gettid());
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, self);  // -1 is a valid answer: check errno
  if (errno != 0 || setpriority(PRIO_PROCESS, self, std::min(19, base + kJobNice)) != 0) {
    std::cerr << "jobs: could not lower the job thread's priority: " << std::strerror(errno)
              << std::endl;
  }
  // A stop request kills the tool a job is waiting for (ffmpeg on a long recording) instead of
  // waiting for it; the job goes back to the queue for the next start (RunOne).
  StopToolsWhen([this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  });
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
