// `disan bag export | verify | import`: BagIt packages (interop/bagit/) from the command line.
#pragma once

#include <string>

#include "catalogue/catalogue.h"
#include "interop/bagit/bag.h"

namespace disan::cli {

struct BagCliOptions {
  interop::bagit::BagSelection selection;
  std::string output;
  std::string source_organisation;
  std::string bag;
};

Status BagExport(Catalogue& catalogue, preservation::StorageRoot& ocfl,
                 const BagCliOptions& options);
// Prints every problem ("error: <path>: <message>") and fails when there is one.
Status BagVerify(const BagCliOptions& options);
Status BagImport(Catalogue& catalogue, media::MediaService& media, const BagCliOptions& options);

}  // namespace disan::cli
