// Server-rendered record editing for staff (issue #6): the edit form of a record and the
// "new record" form of each kind, generated from schema/ (staff_form.h), with the upload of
// media files to an item (docs/staff-pages.md).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
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

// The edit page of `record` with a message box (for the lifecycle forms' answers); without the
// form when the person may not edit the record in its state.
Response StaffRecordPage(const Request& req, Context& ctx, const StoredRecord& record, int status,
                         nlohmann::json message);
// A page with the message box alone; with the status of `error`.
Response StaffRecordMessagePage(const Request& req, Context& ctx, int status,
                                nlohmann::json message);
Response StaffRecordErrorPage(const Request& req, Context& ctx, const Error& error);

// The record a staff record route names ({pid}), as the signed-in person may read it; a deleted
// one is kGone, a malformed pid kInvalid naming "pid".
Result<StoredRecord> StaffRecordOf(const Request& req, Context& ctx);
// The revision a staff form was opened at (its hidden "revision" field): the post's If-Match.
Result<int64_t> StaffFormRevision(const std::multimap<std::string, std::string>& form);

// Adds the edit and new-record forms' routes.
void AddStaffEditRoutes(std::vector<Route>& routes);

}  // namespace disan::http
