// `disan harvest` and the harvest schedule of `disan serve`: running the OAI-PMH harvester
// (interop/harvest/) and telling a person what it did.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "catalogue/catalogue.h"
#include "interop/harvest/harvester.h"

namespace disan::cli {

// Runs one harvest and prints its report: a summary on standard output, refused records and
// unmapped elements on standard error. Fails when the harvest failed (what was committed
// stays; the next run resumes) or when records were refused. The run is recorded for
// `disan harvest --status` (RecordHarvestRun).
Status RunHarvest(Catalogue& catalogue, const interop::harvest::HarvestOptions& options);

// "90s", "30m", "1h", "2d" -> a duration; kInvalid otherwise (at least one minute).
Result<std::chrono::seconds> ParseInterval(const std::string& text);

// One source of the schedule of `disan serve`: what to harvest, and how often.
struct ScheduledHarvest {
  interop::harvest::HarvestOptions options;
  std::chrono::seconds every{3600};
};

// A source as `serve --harvest` and the sources file write it: the base URL, then any of
// `set=S`, `format=disan|oai_dc`, `every=1h`, separated by spaces; what is not given comes from
// `defaults`. kInvalid naming the problem (a word that is none of these, a bad URL, format,
// setSpec or interval, control characters, more than 4096 bytes).
Result<ScheduledHarvest> ParseHarvestSource(const std::string& spec,
                                            const ScheduledHarvest& defaults);

// The sources file of a data directory: DATA/harvest-sources.txt, one source a line as
// ParseHarvestSource reads it; blank lines and lines starting with '#' are skipped. None when
// the file does not exist; kInvalid naming the file and line of the first bad source (the file
// may hold at most 1 MiB and 100 sources).
inline constexpr const char* kHarvestSourcesFile = "harvest-sources.txt";
Result<std::vector<ScheduledHarvest>> ReadHarvestSources(const std::filesystem::path& file,
                                                         const ScheduledHarvest& defaults);

// Keeps the outcome of one run of `options` in the database (setting "harvest_run <url> <set>
// <format>", listed in "harvest_run_sources"): when it started and ended, its counts or its
// error. Each source's entry is written by its own runs only.
Status RecordHarvestRun(MetadataStore& store, const interop::harvest::HarvestOptions& options,
                        const std::string& started,
                        const Result<interop::harvest::HarvestReport>& outcome);

// `disan harvest --status`: every source harvested into this instance, its last run and
// result, how far it has harvested and whether an interrupted run will resume.
Status PrintHarvestStatus(MetadataStore& store, std::ostream& out);

// Runs each source now and then every `every` of its own, on one thread of its own: ONE
// harvest at a time, the sources due in the order given, until destroyed. Each run logs one
// line and is recorded (RecordHarvestRun); failures are retried at the source's next tick.
// Thread-safe to destroy from any thread (a run in progress ends first).
class HarvestSchedule {
 public:
  HarvestSchedule(Catalogue& catalogue, std::vector<ScheduledHarvest> sources);
  ~HarvestSchedule();
  HarvestSchedule(const HarvestSchedule&) = delete;
  HarvestSchedule& operator=(const HarvestSchedule&) = delete;

 private:
  void Loop();

  Catalogue& catalogue_;
  std::vector<ScheduledHarvest> sources_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace disan::cli
