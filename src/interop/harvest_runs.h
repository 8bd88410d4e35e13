// How each harvest into this instance last went, kept in the database for the people who run
// it: `disan harvest --status` prints it and GET /api/v1/harvests answers it. The harvester
// (interop/harvest/) does the work; this file only keeps and reads its outcome.
//
// Stored as settings: "harvest_run <url> <set> <format>" holds a source's last run, and
// "harvest_run_sources" lists those keys in the order the sources first ran. Each run writes its
// entry and the list in one transaction, reading the list inside it, so that harvests finishing
// at the same time all stay listed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace disan::interop {

struct HarvestRun {
  std::string url, set, format;  // the source
  std::string started, finished;  // RFC 3339
  bool ok = false;        // the run ended without error (records may still have been refused)
  bool complete = false;  // it reached the end of the list (else the next run resumes)
  std::string summary;    // "3 pages, 250 created, 0 updated, ..." when ok
  std::string error_en, error_vi;  // why it failed, when not ok
  // From the harvest source's state (not written by PutHarvestRun): the datestamp the next run
  // asks from ("" = from the start), and whether an interrupted list resumes at the next run.
  std::string next_from;
  bool resumes = false;
};

// Keeps `run` as its source's last run, adding the source to the list the first time.
Status PutHarvestRun(MetadataStore& store, const HarvestRun& run);

// Every source that has run here, in the order they first ran, with its last run and state.
Result<std::vector<HarvestRun>> HarvestRuns(MetadataStore& store);

// The API's form of a run: {"source": {url, set, format}, "last_run": {...}, "next_from", "resumes"}.
nlohmann::json HarvestRunJson(const HarvestRun& run);

}  // namespace disan::interop
