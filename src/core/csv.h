// CSV reading and writing (RFC 4180 plus the dialects spreadsheets produce).
//
// The reader is incremental: it holds one record at a time, so a file of any length is read
// in constant memory. Quoted fields may contain delimiters, quotes ("") and newlines.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace disan {

class CsvReader {
 public:
  static constexpr size_t kMaxFieldBytes = 1 << 20;
  static constexpr size_t kMaxFields = 1000;

  // `in` must outlive the reader. `delimiter` is ',' ';' or '\t'.
  CsvReader(std::istream& in, char delimiter) : in_(in), delimiter_(delimiter) {}

  // Reads the next record into `fields`. Returns false at the end of input. Fails with
  // kInvalid (naming the line) on an unterminated quote or a field or record over the limits.
  Result<bool> Next(std::vector<std::string>& fields);

  // The 1-based line on which the last record returned by Next() began.
  size_t record_line() const { return record_line_; }

 private:
  int Get();
  std::istream& in_;
  char delimiter_;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

// Picks the delimiter of a header line: the most frequent of ',', ';' and tab outside quotes.
char DetectCsvDelimiter(std::string_view header_line);

// Writes one record, quoting fields that need it, terminated by CRLF (what Excel expects).
void WriteCsvRow(std::ostream& out, const std::vector<std::string>& fields);

}  // namespace disan
