// The public self-service pages (issue #6): the form that asks to use an item commercially
// (linked from the item page when its licence needs permission) and the registration of
// contributors. Both are server-rendered forms that work without JavaScript over the same
// calls as the JSON API (workflow::Review::RequestUse, auth::SelfService::Register), with the
// sign-in page's double-submit form token before signing in and Cache-Control: no-store.
#pragma once

#include <string_view>
#include <vector>

#include "http/routes.h"

namespace disan::http {

// /xin-phep-su-dung/{pid}: the commercial-use request form of an item.
inline constexpr std::string_view kUseRequestPrefix = "/xin-phep-su-dung/";
// /dang-ky: a contributor registers.
inline constexpr std::string_view kRegisterPath = "/dang-ky";

void AddPortalUseRoutes(std::vector<Route>& routes);

}  // namespace disan::http
