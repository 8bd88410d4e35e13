// IIIF Presentation API 3.0 routes (/iiif/3/manifests/{pid}, /iiif/3/collections[/{kind}])
// and media file delivery (/api/v1/media/{id}/file, with single byte ranges). Handlers are
// thin: read the item and its media through the catalogue and MediaService, build with
// media::iiif (manifest.h), render. See docs/iiif.md.
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

// Must come before AddIiifRoutes: "/iiif/3/collections" would otherwise match "/iiif/3/{id}".
void AddPresentationRoutes(std::vector<Route>& routes);

}  // namespace disan::http
