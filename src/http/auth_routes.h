// The routes of accounts, sessions, API tokens, lifecycle moves and the audit log
// (docs/accounts.md): /api/v1/auth/*, /api/v1/accounts*, /api/v1/items/{pid}/transitions,
// /api/v1/audit.
#pragma once

#include <string>
#include <vector>

#include "http/routes.h"

namespace disan::http {

void AddAuthRoutes(std::vector<Route>& routes);

// The audit log's filters from a request's query (actor, action as a prefix, target, from and
// until as UTC times or dates, after, limit), for GET /api/v1/audit and the staff page: kInvalid
// naming the parameter for an unknown one (other than `also_allowed`), one over 256 bytes, a bad
// time or number.
Result<AuditQuery> AuditQueryOf(const Request& req, const std::vector<std::string>& also_allowed = {});

}  // namespace disan::http
