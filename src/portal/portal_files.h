// The portal's templates (web/templates/*.mustache) and translations (web/i18n/*.json),
// compiled into the binary by cmake/embed_portal.cmake.
#pragma once

#include <vector>

#include "core/schema_files.h"

namespace disan::portal {

// Paths are relative to web/: "templates/item.mustache", "i18n/vi.json".
const std::vector<EmbeddedFile>& PortalFiles();

}  // namespace disan::portal
