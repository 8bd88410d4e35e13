// BagIt (RFC 8493) packages of heritage items with their media masters: `disan bag export`,
// `disan bag verify` and `disan bag import` (docs/interop.md, "BagIt").
//
//   <bag>/bagit.txt                 BagIt-Version 1.0, UTF-8
//   <bag>/bag-info.txt              Source-Organization, Bagging-Date, Payload-Oxum, ...
//   <bag>/manifest-sha256.txt       every payload file
//   <bag>/tagmanifest-sha256.txt    bagit.txt, bag-info.txt, manifest-sha256.txt
//   <bag>/data/records.jsonl        the records, one JSON object a line (pid and class included;
//                                   organisations and areas first, so references resolve)
//   <bag>/data/media/<pid>/<media id>.<format>   each media file, byte for byte from OCFL
//   <bag>/data/media/<pid>/<media id>.json       its description (MediaService::Describe)
//
// A bag is written under <output>.part and renamed into place when complete. Verification
// refuses any path that is absolute, has "..", goes through a symbolic link or is not a plain
// file; every payload file must be listed and every listed file must have its digest. Import
// checks the whole bag before it writes anything, and leaves nothing behind when it fails.
// Not thread-safe for one bag directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "media/media_service.h"
#include "preservation/storage_root.h"

namespace disan::interop::bagit {

// Which records go into a bag: one item, the items of an OAI-PMH set (kind:relic,
// level:national, commune:24853), or every record.
struct BagSelection {
  std::string pid;
  std::string set;
  bool all = false;
};

struct BagSummary {
  size_t records = 0;
  size_t files = 0;    // media files
  uint64_t bytes = 0;  // of the payload
};

// Writes a new bag at `output` (which must not exist). Items are taken as staff see them (a bag
// is a transfer or a backup), with the organisations and areas they refer to. kNotFound for an
// unknown pid, kInvalid for a selection that names nothing, kCorrupt when a media file in the
// preservation store no longer has its recorded digest.
Result<BagSummary> ExportBag(Catalogue& catalogue, preservation::StorageRoot& ocfl,
                             const BagSelection& selection, const std::filesystem::path& output,
                             const std::string& source_organisation);

struct BagProblem {
  std::string path;  // relative to the bag ("" for the bag as a whole)
  std::string message_en;
  std::string message_vi;
};

// Checks a bag completely: structure, paths, manifests, digests, Payload-Oxum. Returns the
// problems (none: the bag is valid) and what it holds.
struct BagCheck {
  std::vector<BagProblem> problems;
  BagSummary summary;
};
BagCheck VerifyBag(const std::filesystem::path& bag);

// Verifies the bag, then checks everything before writing anything (the pre-flight): every
// record parsed and validated against this instance (pids, references, vocabularies), every
// media file described, of an accepted type and fitting its role. Then, in ONE transaction, it
// creates the records (a record that exists here already with the same content is skipped, with
// other content it is a conflict) and adds the media files of the records it created (new media
// identifiers; one OCFL version per item, committed inside the transaction and removed again
// when it fails). All or nothing: kInvalid (or the failure's own code) with one FieldError per
// problem, each naming the bag file or "data/records.jsonl:<line>", and nothing written.
Result<BagSummary> ImportBag(Catalogue& catalogue, media::MediaService& media,
                             const std::filesystem::path& bag);

}  // namespace disan::interop::bagit
