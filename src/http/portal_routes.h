// The public portal's routes: server-rendered pages (src/portal/), robots.txt, sitemap.xml
// and the bundled browser assets under /static/ (docs/portal.md).
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

// Adds the portal's routes. Call after "/" is in `routes`: the JSON answer of "/" stays for
// clients that do not ask for HTML, and is also served at /api/v1.
void AddPortalRoutes(std::vector<Route>& routes);

// True when the client asks for HTML (a browser) rather than JSON.
bool PrefersHtml(const Request& req);

// The friendly "not found" page, for a browser asking for a path no route matches.
Response PortalNotFound(const Request& req, Services& services);

}  // namespace disan::http
