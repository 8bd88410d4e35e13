#include "core/csv.h"

namespace disan {

int CsvReader::Get() {
  int c = in_.get();
  if (c == '\n') ++line_;
  return c;
}

Result<bool> CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  int c = Get();
  // Skip blank lines between records.
  while (c == '\r' || c == '\n') c = Get();
  if (c == EOF) return false;
  record_line_ = line_;
  std::string field;
  bool quoted = false;
  bool after_quote = false;  // just closed a quoted section
  auto too_big = [&](const char* en, const char* vi) {
    return Fail(ErrorCode::kTooLarge, "line " + std::to_string(record_line_) + ": " + en,
                "dòng " + std::to_string(record_line_) + ": " + vi);
  };
  for (;; c = Get()) {
    if (quoted) {
      if (c == EOF) {
        return Fail(ErrorCode::kInvalid,
                    "line " + std::to_string(record_line_) + ": a quoted field is never closed",
                    "dòng " + std::to_string(record_line_) + ": ô có dấu ngoặc kép không được đóng");
      }
      if (c == '"') {
        if (in_.peek() == '"') {
          Get();
          field += '"';
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        field += static_cast<char>(c);
      }
    } else if (c == delimiter_ || c == '\n' || c == '\r' || c == EOF) {
      fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
      if (fields.size() > kMaxFields) {
        return too_big("more than 1000 columns", "quá 1000 cột");
      }
      if (c == '\r' && in_.peek() == '\n') Get();
      if (c != delimiter_) return true;
    } else if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else {
      field += static_cast<char>(c);  // a stray quote inside an unquoted field is kept as is
    }
    if (field.size() > kMaxFieldBytes) {
      return too_big("a field is larger than 1 MiB", "một ô lớn hơn 1 MiB");
    }
  }
}

char DetectCsvDelimiter(std::string_view header_line) {
  size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++comma;
    if (c == ';') ++semicolon;
    if (c == '\t') ++tab;
    if (c == '\n') break;
  }
  if (tab > comma && tab >= semicolon) return '\t';
  if (semicolon > comma) return ';';
  return ',';
}

void WriteCsvRow(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n;\t") == std::string::npos) {
      out << f;
    } else {
      out << '"';
      for (char c : f) {
        if (c == '"') out << '"';
        out << c;
      }
      out << '"';
    }
  }
  out << "\r\n";
}

}  // namespace disan
