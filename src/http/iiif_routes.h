// The IIIF Image API routes (/iiif/3/...), the media thumbnail, and the background jobs API
// (/api/v1/jobs). Handlers are thin: parse, call media::iiif::ImageService or the store, render.
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

void AddIiifRoutes(std::vector<Route>& routes);

}  // namespace disan::http
