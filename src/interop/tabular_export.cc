#include "interop/tabular_export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "catalogue/exporter.h"
#include "core/csv.h"

namespace disan::interop {
namespace {

using nlohmann::json;

const Actor kAnonymous{"", Audience::kPublic};

// The definition of a field, with "use" resolved to the shared type it names.
const json* Resolve(const json& record_schema, const json* def) {
  if (def && def->is_object() && def->contains("use")) {
    const json& types = record_schema["types"];
    std::string use = (*def)["use"].get<std::string>();
    return types.contains(use) ? &types[use] : def;
  }
  return def;
}

const json* TopField(const json& s, const std::string& name) {
  if (s.contains("common") && s["common"].contains(name)) return &s["common"][name];
  const json& item = s["classes"]["item"];
  if (item.contains("fields") && item["fields"].contains(name)) return &item["fields"][name];
  if (item.contains("kinds")) {
    for (const auto& [kind, fields] : item["kinds"].items()) {
      if (fields.contains(name)) return &fields[name];
    }
  }
  return nullptr;
}

// Calls `page` for every public hit of the search, all pages.
Status ForEachHit(Catalogue& catalogue, SearchParams params,
                  const std::function<Status(const StoredRecord&)>& fn) {
  params.limit = Catalogue::kMaxPageSize;
  params.facets = false;
  params.cursor.clear();
  for (;;) {
    SearchPage page = TRY(catalogue.Search(params, kAnonymous));
    for (const SearchHitView& h : page.hits) TRY(fn(h.record));
    if (page.next_cursor.empty() || page.hits.empty()) return Ok();
    params.cursor = page.next_cursor;
  }
}

std::map<std::string, std::string> Cells(const StoredRecord& r) {
  std::map<std::string, std::string> flat;
  FlattenDocument(r.document, flat);
  flat["pid"] = r.pid;
  return flat;
}

std::unexpected<Error> Stopped() {
  return Fail(ErrorCode::kUnavailable, "the client stopped reading the export",
              "máy khách đã ngừng nhận tệp xuất");
}

// At most `max` code points of UTF-8 text, "…" added when cut.
std::string Clip(const std::string& s, size_t max) {
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++points > max)
      return s.substr(0, i) + "…";
  }
  return s;
}

class XlsxFile {
 public:
  XlsxFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "disan-export-XXXXXX").string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd >= 0) {
      close(fd);
      path_ = name.data();
    }
  }
  ~XlsxFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::string ColumnHeader(const Schema& schema, const std::string& path) {
  if (path == "pid") return "Mã định danh [pid]";
  if (path == "kind") return "Loại di sản [kind]";
  const json& s = schema.record_schema();
  std::vector<std::string> parts;
  const json* def = nullptr;
  size_t start = 0;
  bool first = true;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string seg =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool index = !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos;
    if (first) {
      def = Resolve(s, TopField(s, seg));
    } else if (index && def && def->contains("of")) {
      def = Resolve(s, &(*def)["of"]);
      parts.push_back(std::to_string(std::stoul(seg) + 1));
    } else if (def && def->contains("fields") && (*def)["fields"].contains(seg)) {
      def = Resolve(s, &(*def)["fields"][seg]);
    } else {
      def = nullptr;
    }
    if (!index) {
      std::string label = def && def->contains("label") ? (*def)["label"].value("vi", seg) : seg;
      parts.push_back(label);
    }
    first = false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " › ") + p;
  return out + " [" + path + "]";
}

Status WriteTableExport(Catalogue& catalogue, SearchParams params, TableFormat format,
                        const ByteSink& sink) {
  // First pass: the union of the columns.
  std::set<std::string> paths;
  size_t rows = 0;
  TRY(ForEachHit(catalogue, params, [&](const StoredRecord& r) -> Status {
    for (const auto& [p, v] : Cells(r)) paths.insert(p);
    ++rows;
    return Ok();
  }));
  paths.erase("pid");
  paths.erase("kind");
  std::vector<std::string> columns(paths.begin(), paths.end());
  std::sort(columns.begin(), columns.end(), FieldPathLess);
  columns.insert(columns.begin(), {"pid", "kind"});
  std::vector<std::string> header;
  for (const std::string& c : columns) header.push_back(ColumnHeader(catalogue.schema(), c));

  auto row_of = [&](const StoredRecord& r) {
    std::map<std::string, std::string> flat = Cells(r);
    std::vector<std::string> row(columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = flat.find(columns[i]);
      if (it != flat.end()) row[i] = it->second;
    }
    return row;
  };

  if (format == TableFormat::kCsv) {
    std::ostringstream buffer;
    buffer << "\xEF\xBB\xBF";  // UTF-8 with BOM, so that Excel reads Vietnamese right
    WriteCsvRow(buffer, header);
    auto flush = [&](bool force) -> Status {
      if (!force && buffer.tellp() < (1 << 16)) return Ok();
      if (!sink(buffer.str())) return Stopped();
      buffer.str("");
      return Ok();
    };
    TRY(ForEachHit(catalogue, params, [&](const StoredRecord& r) -> Status {
      WriteCsvRow(buffer, row_of(r));
      return flush(false);
    }));
    return flush(true);
  }

  if (rows > kMaxXlsxRows) {
    return Fail(
        Error{ErrorCode::kInvalid,
              std::to_string(rows) +
                  " records are more than an XLSX sheet holds; use export.csv or narrow the search",
              std::to_string(rows) + " bản ghi vượt quá sức chứa của một trang tính XLSX; hãy dùng "
                                     "export.csv hoặc thu hẹp tìm kiếm",
              {{"q", "too_many", "the search matches more than 1,048,575 records",
                "tìm kiếm khớp hơn 1.048.575 bản ghi"}}});
  }
  XlsxFile file;
  if (file.path().empty()) {
    return Fail(ErrorCode::kUnavailable, "no temporary file for the XLSX export",
                "không tạo được tệp tạm cho tệp XLSX");
  }
  std::string tmpdir = std::filesystem::temp_directory_path().string();
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(file.path().c_str(), &options);
  if (!workbook) {
    return Fail(ErrorCode::kUnavailable, "cannot start the XLSX export", "không tạo được tệp XLSX");
  }
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Di sản");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  // XLSX never evaluates a string cell, so the CSV's protective quote is taken off again.
  auto write = [&](lxw_row_t row, const std::vector<std::string>& cells, lxw_format* f) {
    for (size_t c = 0; c < cells.size() && c < LXW_COL_MAX; ++c) {
      if (cells[c].empty()) continue;
      std::string text = cells[c].starts_with("'") && row > 0 ? cells[c].substr(1) : cells[c];
      worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), Clip(text, 32000).c_str(), f);
    }
  };
  write(0, header, bold);
  lxw_row_t row = 1;
  Status filled = ForEachHit(catalogue, params, [&](const StoredRecord& r) -> Status {
    if (row > kMaxXlsxRows) return Ok();  // records added since the count
    write(row++, row_of(r), nullptr);
    return Ok();
  });
  lxw_error closed = workbook_close(workbook);
  TRY(filled);
  if (closed != LXW_NO_ERROR) {
    std::string why = lxw_strerror(closed);
    return Fail(ErrorCode::kUnavailable, "cannot write the XLSX export: " + why,
                "không ghi được tệp XLSX: " + why);
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::vector<char> chunk(1 << 16);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::streamsize n = in.gcount();
    if (n > 0 && !sink(std::string_view(chunk.data(), static_cast<size_t>(n)))) return Stopped();
  }
  return Ok();
}

}  // namespace disan::interop
