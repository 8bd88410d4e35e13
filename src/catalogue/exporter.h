// Export of the catalogue as JSON Lines (one record a line, lossless) or as flat CSV (one
// column per field path, "names.0.value"; UTF-8 with BOM for Excel). Both read back with
// `disan import` into the same records, identifiers included. Organisations and areas come
// first so that items' references resolve on import.
#pragma once

#include <ostream>

#include "catalogue/catalogue.h"

namespace disan {

enum class ExportFormat { kJsonLines, kCsv };

// Writes every live record (tombstones are left out). Staff audience: restricted and
// unpublished records are included, since an export is a backup too.
Status ExportCatalogue(Catalogue& catalogue, ExportFormat format, std::ostream& out);

}  // namespace disan
