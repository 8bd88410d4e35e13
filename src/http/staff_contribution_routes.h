// The contribution page of a published item (docs/review.md, docs/staff-pages.md): where a
// signed-in contributor sends a photograph or a recording for the item, with the licence,
// rights holder and attribution the review needs. The file goes to
// POST /api/v1/items/{pid}/media-contributions (staff.js), held until its review publishes it.
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

// GET /quan-tri/ban-ghi/{pid}/gui-tep.
void AddStaffContributionRoutes(std::vector<Route>& routes);

}  // namespace disan::http
