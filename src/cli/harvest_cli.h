// `disan harvest` and the harvest schedule of `disan serve`: running the OAI-PMH harvester
// (interop/harvest/) and telling a person what it did.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "catalogue/catalogue.h"
#include "interop/harvest/harvester.h"

namespace disan::cli {

// Runs one harvest and prints its report: a summary on standard output, refused records and
// unmapped elements on standard error. Fails when the harvest failed (what was committed
// stays; the next run resumes) or when records were refused.
Status RunHarvest(Catalogue& catalogue, const interop::harvest::HarvestOptions& options);

// "90s", "30m", "1h", "2d" -> a duration; kInvalid otherwise (at least one minute).
Result<std::chrono::seconds> ParseInterval(const std::string& text);

// Runs a harvest now and then every `every` on its own thread until destroyed. Failures are
// logged and retried at the next tick. Thread-safe to destroy from any thread.
class HarvestSchedule {
 public:
  HarvestSchedule(Catalogue& catalogue, interop::harvest::HarvestOptions options,
                  std::chrono::seconds every);
  ~HarvestSchedule();
  HarvestSchedule(const HarvestSchedule&) = delete;
  HarvestSchedule& operator=(const HarvestSchedule&) = delete;

 private:
  void Loop();

  Catalogue& catalogue_;
  interop::harvest::HarvestOptions options_;
  std::chrono::seconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace disan::cli
