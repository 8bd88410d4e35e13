// Server-rendered pages for staff (issue #6, last part): sign-in and sign-out over forms and
// the dashboard of what waits for the signed-in person, on top of the accounts and review
// services and the portal's layout, renderer and translations (docs/staff-pages.md).
#pragma once

#include <string_view>
#include <vector>

#include "http/routes.h"

namespace disan::http {

inline constexpr std::string_view kStaffLoginPath = "/dang-nhap";
inline constexpr std::string_view kStaffLogoutPath = "/dang-xuat";
inline constexpr std::string_view kStaffDashboardPath = "/quan-tri";
// One submission's review screen: this prefix and the submission's id.
inline constexpr std::string_view kStaffSubmissionPrefix = "/quan-tri/dong-gop/";

// Adds the staff pages' routes.
void AddStaffRoutes(std::vector<Route>& routes);

// Whether `route` is one of the staff pages (for the pipeline: a browser that is not signed in
// is sent to the sign-in page rather than shown a problem document).
bool IsStaffPage(const Route& route);
// 303 to the sign-in page, which comes back to `req`'s path after signing in.
Response StaffSignInRedirect(const Request& req);
// A refusal (403) of a staff page as an HTML page for browsers, same status and texts.
Response StaffRefusalPage(const Request& req, Services& services, const Response& problem);

}  // namespace disan::http
