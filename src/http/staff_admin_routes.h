// Server-rendered user and unit management for administrators (issue #6): the accounts, with
// their roles in units; create a staff account, grant and revoke roles, disable an account,
// issue a one-time password-reset link, reset a second factor. Every change goes through
// auth::Accounts, which writes it to the audit log (docs/staff-pages.md).
#pragma once

#include <string_view>
#include <vector>

#include "http/routes.h"

namespace disan::http {

inline constexpr std::string_view kStaffUsersPath = "/quan-tri/nguoi-dung";
// The page where a password-reset link leads (staff_routes.cc answers it).
inline constexpr std::string_view kStaffResetPath = "/dat-lai-mat-khau";

// Adds the user management pages' routes.
void AddStaffAdminRoutes(std::vector<Route>& routes);

}  // namespace disan::http
