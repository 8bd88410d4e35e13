#include "catalogue/exporter.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/csv.h"

namespace disan {

using nlohmann::json;

namespace {

constexpr RecordClass kOrder[] = {RecordClass::kOrganisation, RecordClass::kArea, RecordClass::kItem};

void Flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) Flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Flatten(j[i], prefix + "." + std::to_string(i), out);
  } else if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    // Keep spreadsheets from evaluating a cell as a formula; import strips the quote again.
    // A leading ' is protected too, so that import can always remove exactly one.
    bool risky = !s.empty() && std::string("=+-@'").find(s[0]) != std::string::npos &&
                 !(s.size() > 1 && s[0] == '-' && std::isdigit(static_cast<unsigned char>(s[1])));
    out[prefix] = risky ? "'" + s : s;
  } else if (j.is_boolean()) {
    out[prefix] = j.get<bool>() ? "true" : "false";
  } else if (!j.is_null()) {
    out[prefix] = j.dump();
  }
}

// "names.10.value" sorts after "names.2.value".
bool PathLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      long x = std::stol(a.substr(i, ie - i)), y = std::stol(b.substr(j, je - j));
      if (x != y) return x < y;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

void FlattenDocument(const json& document, std::map<std::string, std::string>& out) {
  Flatten(document, "", out);
}

bool FieldPathLess(const std::string& a, const std::string& b) { return PathLess(a, b); }

Status ExportCatalogue(Catalogue& catalogue, ExportFormat format, std::ostream& out) {
  MetadataStore& store = catalogue.store();
  if (format == ExportFormat::kJsonLines) {
    for (RecordClass cls : kOrder) {
      TRY(store.ForEach(cls, [&](const StoredRecord& r) -> Status {
        if (r.deleted) return Ok();
        json line = json::object();
        line["pid"] = r.pid;
        line["class"] = RecordClassName(r.cls);
        for (const auto& [k, v] : r.document.items()) line[k] = v;
        out << line.dump() << '\n';
        return Ok();
      }));
    }
    return Ok();
  }
  // CSV: the first pass collects the union of columns, the second writes the rows.
  std::set<std::string> paths;
  for (RecordClass cls : kOrder) {
    TRY(store.ForEach(cls, [&](const StoredRecord& r) -> Status {
      if (r.deleted) return Ok();
      std::map<std::string, std::string> flat;
      Flatten(r.document, "", flat);
      for (const auto& [p, v] : flat) paths.insert(p);
      return Ok();
    }));
  }
  paths.erase("kind");
  std::vector<std::string> columns(paths.begin(), paths.end());
  std::sort(columns.begin(), columns.end(), PathLess);
  columns.insert(columns.begin(), {"pid", "class", "kind"});
  out << "\xEF\xBB\xBF";
  WriteCsvRow(out, columns);
  std::vector<std::string> row(columns.size());
  for (RecordClass cls : kOrder) {
    TRY(store.ForEach(cls, [&](const StoredRecord& r) -> Status {
      if (r.deleted) return Ok();
      std::map<std::string, std::string> flat;
      Flatten(r.document, "", flat);
      flat["pid"] = r.pid;
      flat["class"] = RecordClassName(r.cls);
      for (size_t i = 0; i < columns.size(); ++i) {
        auto it = flat.find(columns[i]);
        row[i] = it == flat.end() ? "" : it->second;
      }
      WriteCsvRow(out, row);
      return Ok();
    }));
  }
  return out ? Ok() : Fail(ErrorCode::kUnavailable, "cannot write the export", "không ghi được tệp xuất");
}

}  // namespace disan
