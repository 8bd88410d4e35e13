// JobRunner: runs the background jobs kept in the database (store.h Job): "derive", the
// pyramid and thumbnail of an image (derive/derivatives.h), the poster frame of a video or the
// waveform of a sound (derive/av.h); "record_version", the record versions of an item's OCFL
// object (PreserveRecord).
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

#include "catalogue/catalogue.h"
#include "media/derive/derivatives.h"
#include "preservation/storage_root.h"
#include "store/store.h"

namespace disan::media {

inline constexpr int64_t kMaxAttempts = 5;
inline constexpr const char* kDeriveJob = "derive";
// A new version of an item's OCFL object with its record.json, for every revision of the item
// the store does not hold yet that was published or left the published state. The job names
// the item's pid (Job::media_id).
inline constexpr const char* kRecordVersionJob = "record_version";

// Makes every change to a published heritage item (edit, publish, withdraw, delete, restore)
// queue a kRecordVersionJob in the transaction that writes the change, so that no crash can
// lose it. Chains onto the catalogue's current write observer (the audit log): call it after
// workflow::AuditRecordChanges, which replaces the observer.
void PreserveRecordChanges(Catalogue& catalogue);

// The time `seconds` from now in the store's RFC 3339 form (core/clock.h).
std::string Rfc3339After(int64_t seconds);
// "host:pid" of this process, as recorded in Job::worker.
std::string ThisWorker();

class JobRunner {
 public:
  JobRunner(MetadataStore& store, preservation::StorageRoot& ocfl, Derivatives& derivatives,
            ProbeOptions probe);
  ~JobRunner();

  // Makes the derivatives of one asset now (a no-op for models and documents).
  Status Derive(const MediaAsset& asset);
  // Writes the versions of item `pid`'s OCFL object that its record history lacks: one per
  // revision after the revision in the object's record.json (only the current one when the
  // object holds none), skipping revisions neither published nor leaving the published state.
  // Idempotent: a run after a crash writes only what is still missing.
  Status PreserveRecord(const std::string& pid);
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
