// Server-rendered record editing for staff (issue #6): the edit form of a record and the
// "new record" form of each kind, generated from schema/ (staff_form.h), with the upload of
// media files to an item (docs/staff-pages.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/routes.h"

namespace disan::http {

// /quan-tri/ban-ghi/{pid}/sua: a record's edit form; /quan-tri/ban-ghi/moi[/{kind}]: new.
inline constexpr std::string_view kStaffRecordPrefix = "/quan-tri/ban-ghi/";
inline constexpr std::string_view kStaffEditSuffix = "/sua";
inline constexpr std::string_view kStaffNewRecordPath = "/quan-tri/ban-ghi/moi";

// The path of the edit form of record `pid`.
std::string StaffEditPath(const std::string& pid);

// Adds the edit and new-record forms' routes.
void AddStaffEditRoutes(std::vector<Route>& routes);

}  // namespace disan::http
