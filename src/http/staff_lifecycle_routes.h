// The lifecycle and delete forms of the staff record page (issues #4, #6): the record's state,
// the moves the signed-in person may make (submit for review, publish, withdraw, back to draft)
// and delete-with-reason, posted as forms that go through the same workflow and catalogue
// calls as the JSON API (docs/staff-pages.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/routes.h"
#include "portal/pages.h"

namespace disan::http {

// What the edit page shows of the lifecycle of `record`: the form's action, the moves the
// permission table allows the signed-in person from the record's state, and whether they may
// delete it. Null when they may do none of these.
nlohmann::json StaffLifecycleModel(const Context& ctx, const StoredRecord& record,
                                   portal::Lang lang);

// POST /quan-tri/ban-ghi/{pid}/trang-thai and /quan-tri/ban-ghi/{pid}/xoa.
void AddStaffLifecycleRoutes(std::vector<Route>& routes);

}  // namespace disan::http
