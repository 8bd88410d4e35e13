// The catalogue's media list checked against the preservation store, for `disan fsck`: every
// media asset the database lists must be in its item's OCFL object, at its logical path in the
// head version, with the SHA-512 (manifest), SHA-256 (fixity block) and size the database
// recorded. Reads inventories and file sizes only: the validator checks the bytes against the
// inventories. Also finds objects that nothing in the catalogue names. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "preservation/finding.h"
#include "preservation/storage_root.h"
#include "store/store.h"

namespace disan::media {

struct MediaCheckReport {
  size_t assets = 0;  // media rows checked
  preservation::Findings findings;
};

// kUnavailable when the database cannot be read; problems of the store are findings.
Result<MediaCheckReport> CheckMediaInStore(MetadataStore& store, preservation::StorageRoot& ocfl);

// Warnings for the objects among `object_ids` (the validator's list) that no record and no
// media row names: left by a process killed between writing the object and committing the
// catalogue (a bag import, an upload). Each names the object's path; kUnavailable when the
// database cannot be read.
Result<preservation::Findings> FindOrphanObjects(MetadataStore& store,
                                                 preservation::StorageRoot& ocfl,
                                                 const std::vector<std::string>& object_ids);

}  // namespace disan::media
