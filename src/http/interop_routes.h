// Routes of the interoperability work beyond OAI-PMH and the change feed (which stay in
// routes.cc): JSON-LD of items, CSV and XLSX exports. docs/interop.md describes them.
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

void AddInteropRoutes(std::vector<Route>& routes);

// True when the Accept header asks for JSON-LD (application/ld+json) before plain JSON.
bool WantsJsonLd(const Request& req);
// The JSON-LD answer for an item (its public view, whoever asks): 404 when it is not public.
Response ItemJsonLdResponse(const std::string& pid, const Request& req, Context& ctx);

}  // namespace disan::http
