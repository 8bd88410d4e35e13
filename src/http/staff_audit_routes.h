// The audit log for administrators as a staff page (issue #6: "Administrators can browse and
// filter it"): the entries oldest first, a page at a time, filtered by who, what, about what
// and when, each with its hash and the previous one's. The same reading as GET /api/v1/audit.
#pragma once

#include <string_view>
#include <vector>

#include "http/routes.h"

namespace disan::http {

inline constexpr std::string_view kStaffAuditPath = "/quan-tri/nhat-ky";

void AddStaffAuditRoutes(std::vector<Route>& routes);

}  // namespace disan::http
