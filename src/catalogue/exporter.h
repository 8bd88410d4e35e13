// Export of the catalogue as JSON Lines (one record a line, lossless) or as flat CSV (one
// column per field path, "names.0.value"; UTF-8 with BOM for Excel). Both read back with
// `disan import` into the same records, identifiers included. Organisations and areas come
// first so that items' references resolve on import.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "catalogue/catalogue.h"

namespace disan {

enum class ExportFormat { kJsonLines, kCsv };

// Writes every live record (tombstones are left out). Staff audience: restricted and
// unpublished records are included, since an export is a backup too.
Status ExportCatalogue(Catalogue& catalogue, ExportFormat format, std::ostream& out);

// One CSV cell per leaf of a document, keyed by its path ("names.0.value"); strings that a
// spreadsheet would read as a formula get a leading ' (import removes it again).
void FlattenDocument(const nlohmann::json& document, std::map<std::string, std::string>& out);
// Orders paths for columns: "names.10.value" after "names.2.value".
bool FieldPathLess(const std::string& a, const std::string& b);

}  // namespace disan
