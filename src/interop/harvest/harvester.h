// The OAI-PMH harvester: brings the records of another repository (another Disan in the
// lossless `disan` format, or any repository in `oai_dc`) into this catalogue as items
// attributed to that source. See docs/interop.md, "Harvesting".
//
// - Pages (responses) are applied in store transactions of the pages ready to write, each
//   page together with the source's state after it (the next resumption token), so a failed
//   page leaves nothing and a later run resumes after the last committed page.
// - A complete run stores the responseDate of its first response; the next run asks for
//   changes from then on (incremental), deletions included.
// - Harvested records keep the source's pid when it is free here (disan format), otherwise
//   get one of ours; the harvest table (store: HarvestedRecord) maps the source's OAI
//   identifier to the local pid, and the record carries that identifier as a legacy
//   identifier of scheme `oai_identifier` issued by the source's base URL.
// - Unchanged records are not rewritten, so running twice changes nothing (idempotent).
// Not thread-safe for the same source: run one harvest of a source at a time.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "interop/harvest/oai_fetch.h"

namespace disan::interop::harvest {

struct HarvestOptions {
  std::string url;               // the base URL of the OAI-PMH repository
  std::string set;               // "" = everything
  std::string format = "disan";  // oai_dc or disan
  FetchOptions fetch;
  size_t max_pages = 0;  // stop (resumably) after this many pages; 0 = no limit
  bool restart = false;  // forget an interrupted run's token and start that run again
  std::function<void(const std::string&)> progress;  // one line after each page
};

struct HarvestReport {
  std::string from;       // the `from` the run asked for ("" = full harvest)
  bool resumed = false;   // continued an interrupted run
  bool complete = false;  // the list was read to its end
  size_t pages = 0;
  size_t created = 0, updated = 0, restored = 0, deleted = 0, unchanged = 0;
  size_t refused = 0;                      // records that failed validation (see problems)
  std::vector<std::string> problems;       // the first 100 refused records, one line each
  std::map<std::string, size_t> unmapped;  // source elements with no field here, and counts
};

// The legacy identifier scheme of harvested records (schema/vocabularies/legacy_id_schemes.json).
inline constexpr const char* kOaiIdentifierScheme = "oai_identifier";

Result<HarvestReport> Harvest(Catalogue& catalogue, const HarvestOptions& options);

// What Harvest checks before any request: the base URL, the format and the setSpec's syntax.
// kInvalid naming the option.
Status CheckHarvestOptions(const HarvestOptions& options);

}  // namespace disan::interop::harvest
