// The public portal's routes: server-rendered pages (src/portal/), robots.txt, sitemap.xml
// and the bundled browser assets under /static/ (docs/portal.md).
#pragma once

#include <vector>

#include "http/routes.h"
#include "portal/pages.h"

namespace disan::http {

// Adds the portal's routes. Call after "/" is in `routes`: the JSON answer of "/" stays for
// clients that do not ask for HTML, and is also served at /api/v1.
void AddPortalRoutes(std::vector<Route>& routes);

// True when the client asks for HTML (a browser) rather than JSON.
bool PrefersHtml(const Request& req);

// The friendly "not found" page, for a browser asking for a path no route matches.
Response PortalNotFound(const Request& req, Services& services);

// For the staff pages (staff_routes.cc), which use the portal's layout: the page request of
// `req`, and page `name` rendered with `model` as a whole HTML answer with `status`.
portal::PageRequest PortalPageRequest(const Request& req, const Services& services);
Response PortalPage(int status, std::string_view name, nlohmann::json model, const Request& req,
                    const Services& services, const portal::PageRequest& page);

}  // namespace disan::http
