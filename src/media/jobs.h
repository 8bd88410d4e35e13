// JobRunner: runs the background jobs kept in the database (store.h Job), today "derive":
// the pyramid and thumbnail of an image (derive/derivatives.h).
//
// Jobs survive restarts: a job left "running" by a process that died is queued again by
// Recover(). A failed attempt that may succeed later (disk, database busy) is retried with
// exponential backoff (10 s, 20 s, 40 s, ... at most 1 h) up to kMaxAttempts; one that cannot
// (the image is damaged or too large) fails at once with its error kept in last_error.
//
// Thread-safe: Start() runs one worker thread; RunOne and Derive may be called from others.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "media/derive/derivatives.h"
#include "preservation/storage_root.h"
#include "store/store.h"

namespace disan::media {

inline constexpr int64_t kMaxAttempts = 5;
inline constexpr const char* kDeriveJob = "derive";

// The time `seconds` from now in the store's RFC 3339 form (core/clock.h).
std::string Rfc3339After(int64_t seconds);
// "host:pid" of this process, as recorded in Job::worker.
std::string ThisWorker();

class JobRunner {
 public:
  JobRunner(MetadataStore& store, preservation::StorageRoot& ocfl, Derivatives& derivatives,
            ProbeOptions probe);
  ~JobRunner();

  // Makes the derivatives of one asset now (a no-op for media that are not images).
  Status Derive(const MediaAsset& asset);
  // Queues again the jobs left running by processes of this host that are gone. Returns how many.
  Result<size_t> Recover();
  // Takes one runnable job and runs it. Returns false when none was runnable.
  Result<bool> RunOne();

  // Starts / stops the worker thread. Stop waits for the job in hand.
  void Start();
  void Stop();
  // Wakes the worker (a job was queued).
  void Notify();

 private:
  void Loop();

  MetadataStore& store_;
  preservation::StorageRoot& ocfl_;
  Derivatives& derivatives_;
  ProbeOptions probe_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool notified_ = false;
  std::thread thread_;
};

}  // namespace disan::media
