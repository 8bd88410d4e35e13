// The staff and account pages of issue #6's self service: the curators' list of commercial-use
// requests with their grant / refuse forms, and "my account" for every signed-in person
// (password, download and deletion of my data, personal API tokens, TOTP for staff). Thin
// handlers over the API's own calls (workflow::Review::AnswerUse, auth::Accounts,
// auth::SelfService); every page answers Cache-Control: no-store.
#pragma once

#include <string_view>
#include <vector>

#include "http/routes.h"

namespace disan::http {

inline constexpr std::string_view kStaffUsagePath = "/quan-tri/de-nghi-su-dung";
inline constexpr std::string_view kStaffAccountPath = "/quan-tri/tai-khoan";
inline constexpr std::string_view kStaffAccountDataPath = "/quan-tri/tai-khoan/du-lieu";

void AddStaffAccountRoutes(std::vector<Route>& routes);

}  // namespace disan::http
