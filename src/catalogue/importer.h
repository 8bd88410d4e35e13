// Import of records from files: CSV (a province spreadsheet through a column mapping, or the
// flat form `disan export --format csv` writes) and JSON Lines.
//
// By default an import is all-or-nothing: every row is validated, and if any row fails,
// nothing is written and every failing row is reported with its line and column.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue/catalogue.h"
#include "core/legacy_encoding.h"

namespace disan {

enum class ImportMode { kAllOrNothing, kValidRowsOnly };
enum class ImportRun { kWrite, kDryRun };

struct ImportOptions {
  std::optional<TextEncoding> encoding;  // nullopt: detect
  ImportMode mode = ImportMode::kAllOrNothing;
  ImportRun run = ImportRun::kWrite;
  // Column mapping for spreadsheets: {"columns": {"Their header": "our_column", ...},
  // "defaults": {"our_column": "value"}}. null: headers are taken as our column names.
  nlohmann::json mapping;
  std::function<void(size_t rows)> progress;  // called every 1000 rows
};

struct ImportProblem {
  size_t row = 0;   // 1-based data row (the header is row 0)
  size_t line = 0;  // 1-based line in the file
  std::string column;
  std::string value;
  std::string message_en;
  std::string message_vi;

  std::string Describe() const;
};

struct ImportReport {
  std::string format;  // "csv", "csv-flat" or "jsonl"
  TextEncoding encoding = TextEncoding::kUtf8;
  size_t rows = 0;
  size_t imported = 0;
  bool committed = false;
  std::vector<ImportProblem> errors;    // the first 1000
  std::vector<ImportProblem> warnings;  // the first 1000: values kept but not mapped, places not found
  size_t error_count = 0;               // all of them
  size_t warning_count = 0;
  std::vector<std::string> pids;        // of the imported records, in file order
};

// The columns a spreadsheet can be mapped to (docs/import.md explains each).
const std::vector<std::string>& ImportColumns();

// Imports `path`. Fails only when the file cannot be read at all; row problems are in the
// report (and, in all-or-nothing mode, mean nothing was written).
Result<ImportReport> ImportFile(Catalogue& catalogue, const std::string& path,
                                const ImportOptions& options, const Actor& actor);

}  // namespace disan
