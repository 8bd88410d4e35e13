// The routes of accounts, sessions, API tokens, lifecycle moves and the audit log
// (docs/accounts.md): /api/v1/auth/*, /api/v1/accounts*, /api/v1/items/{pid}/transitions,
// /api/v1/audit.
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

void AddAuthRoutes(std::vector<Route>& routes);

}  // namespace disan::http
