// CSV and XLSX exports of public heritage items: the whole public catalogue or the result of
// any search (GET /api/v1/export.csv, /api/v1/export.xlsx; docs/interop.md, "Exports").
//
// One column per field path, as `disan export --format csv` writes them, under a Vietnamese
// header that ends with the path in brackets ("Tên gọi › 1 › Tên [names.0.value]"), so that
// the CSV reads back with `disan import`. Only what an anonymous reader may see is written
// (records redacted for the public, internal notes left out). Records are read page by page
// in two passes (columns, then rows), so memory stays bounded whatever the number of records;
// the XLSX is built in a temporary file (libxlsxwriter's constant-memory mode).
// Thread-safe: no shared state.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "catalogue/catalogue.h"

namespace disan::interop {

enum class TableFormat { kCsv, kXlsx };

// XLSX sheets hold at most 1,048,576 rows (one is the header).
inline constexpr size_t kMaxXlsxRows = 1048575;

// Receives the file's bytes in order; returns false to stop (the client went away).
using ByteSink = std::function<bool(std::string_view bytes)>;

// Writes every public item the search matches (its cursor and limit are ignored: all pages),
// in the search's order. Fails with kInvalid for a malformed search and kUnavailable when the
// sink stops.
Status WriteTableExport(Catalogue& catalogue, SearchParams params, TableFormat format,
                        const ByteSink& sink);

// The header of a column: the Vietnamese labels of the path's fields from the schema, then
// the path in brackets. "pid" and "kind" have their own labels.
std::string ColumnHeader(const Schema& schema, const std::string& path);

}  // namespace disan::interop
