// The routes of community contributions and their review, notifications, commercial-use
// requests (docs/review.md) and of self-service accounts: registration, downloading and
// deleting my account data, and the TOTP second factor (docs/accounts.md).
#pragma once

#include <vector>

#include "http/routes.h"

namespace disan::http {

void AddReviewRoutes(std::vector<Route>& routes);

}  // namespace disan::http
