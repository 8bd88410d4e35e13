#include "catalogue/importer.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "core/bounded_queue.h"
#include "core/csv.h"
#include "core/parallel.h"
#include "core/text.h"

namespace disan {

using nlohmann::json;

std::string ImportProblem::Describe() const {
  std::string where = "row " + std::to_string(row) + " (line " + std::to_string(line) + ")";
  if (!column.empty()) where += ", column " + column;
  std::string out = where + ": " + message_en;
  if (!message_vi.empty()) out += " / " + message_vi;
  return out;
}

const std::vector<std::string>& ImportColumns() {
  static const std::vector<std::string> columns = {
      "name_vi", "name_en", "name_other", "name_other_lang", "category", "subtype", "ranking",
      "ranking_decision", "ranking_year", "commune", "district_old", "province_old", "province_new",
      "latitude", "longitude", "ethnic_group", "description_vi", "description_en", "source_url",
      "dating", "legacy_id", "legacy_id_scheme", "licence", "rights_holder", "visibility"};
  return columns;
}

namespace {

constexpr size_t kMaxReported = 1000;

// One row of a spreadsheet turned into a record, remembering which column each part of the
// record came from so that validation errors can name the column.
struct MappedRow {
  RecordClass cls = RecordClass::kItem;
  json document = json::object();
  std::vector<std::pair<std::string, std::string>> path_to_column;  // JSON pointer prefix -> column
  std::vector<ImportProblem> errors;
  std::vector<ImportProblem> warnings;

  void Note(const std::string& path, const std::string& column) { path_to_column.emplace_back(path, column); }
  std::string ColumnFor(const std::string& path) const {
    std::string best;
    size_t best_len = 0;
    for (const auto& [prefix, column] : path_to_column) {
      if (path.starts_with(prefix) && prefix.size() >= best_len) {
        best = column;
        best_len = prefix.size();
      }
    }
    return best;
  }
};

// "Đắk Lao (thôn 9/9A)" -> {"Đắk Lao", "thôn 9/9A"}.
std::pair<std::string, std::string> SplitParenthetical(const std::string& s) {
  size_t open = s.find('(');
  if (open == std::string::npos || s.back() != ')') return {std::string(Trim(s)), ""};
  return {std::string(Trim(s.substr(0, open))), std::string(Trim(s.substr(open + 1, s.size() - open - 2)))};
}

bool LooksLikeVillage(const std::string& s) {
  std::string f = Fold(s);
  for (const char* p : {"thon ", "bon ", "buon ", "to dan pho", "khu pho", "ap "}) {
    if (f.starts_with(p)) return true;
  }
  return false;
}

class RowMapper {
 public:
  explicit RowMapper(const Schema& schema) : schema_(schema) {
    const json& cw = schema.communes_crosswalk();
    if (cw.is_object()) {
      for (const json& unit : cw.value("units", json::array())) {
        for (const json& from : unit["formed_from"]) {
          std::string key = Fold(from["name"].get<std::string>());
          std::string district = from.contains("district") ? Fold(from["district"].get<std::string>()) : "";
          crosswalk_.push_back({key, district, unit["commune_2025"].get<std::string>()});
        }
      }
      province_old_ = cw["province_old"];
      province_2025_ = cw["province_2025"];
    }
  }

  MappedRow Map(const std::map<std::string, std::string>& cells, size_t row, size_t line) const {
    MappedRow m;
    auto cell = [&](const std::string& column) -> std::string {
      auto it = cells.find(column);
      return it == cells.end() ? "" : std::string(Trim(it->second));
    };
    auto error = [&](const std::string& column, const std::string& value, std::string en, std::string vi) {
      m.errors.push_back({row, line, column, value, std::move(en), std::move(vi)});
    };
    auto warn = [&](const std::string& column, const std::string& value, std::string en, std::string vi) {
      m.warnings.push_back({row, line, column, value, std::move(en), std::move(vi)});
    };
    json& d = m.document;

    // Class and kind from the category: a heritage kind, an organisation type or an area type.
    std::string category = cell("category");
    std::string subtype = cell("subtype");
    const Vocabulary& kinds = schema_.KindVocabulary(RecordClass::kItem);
    const Vocabulary& org_types = schema_.KindVocabulary(RecordClass::kOrganisation);
    const Vocabulary& area_types = schema_.KindVocabulary(RecordClass::kArea);
    if (category.empty()) {
      error("category", "", "is empty; it decides the kind of record",
            "bị trống; cột này xác định loại bản ghi");
    } else if (const Term* t = MatchLoose(kinds, category)) {
      d["kind"] = t->id;
    } else if (const Term* o = MatchLoose(org_types, category)) {
      m.cls = RecordClass::kOrganisation;
      const Term* specific = subtype.empty() ? nullptr : MatchLoose(org_types, subtype);
      d["kind"] = (specific ? specific : o)->id;
    } else if (const Term* a = MatchLoose(area_types, category)) {
      m.cls = RecordClass::kArea;
      d["kind"] = a->id;
    } else {
      error("category", category,
            "'" + category + "' is not a known kind of heritage, organisation or area",
            "'" + category + "' không phải loại di sản, tổ chức hay khu vực đã biết");
    }
    m.Note("/kind", "category");

    // Names.
    json names = json::array();
    if (!cell("name_vi").empty()) names.push_back({{"lang", "vi"}, {"value", cell("name_vi")}, {"preferred", true}});
    if (!cell("name_en").empty()) names.push_back({{"lang", "en"}, {"value", cell("name_en")}});
    if (!cell("name_other").empty()) {
      std::string lang = cell("name_other_lang").empty() ? "und" : cell("name_other_lang");
      names.push_back({{"lang", lang}, {"value", cell("name_other")}});
    }
    d["names"] = names;
    m.Note("/names", "name_vi");
    if (names.size() > 1) m.Note("/names/1", "name_en");

    // Kind-specific type from the subtype.
    std::string kind = d.value("kind", "");
    if (!subtype.empty() && m.cls == RecordClass::kItem && !kind.empty()) {
      MapSubtype(m, kind, subtype, row, line);
    }

    // Recognition.
    std::string ranking = cell("ranking");
    if (!ranking.empty()) {
      const Term* level = MatchLoose(*schema_.FindVocabulary("recognition_levels"), ranking);
      if (!level) {
        error("ranking", ranking, "'" + ranking + "' is not a known recognition level",
              "'" + ranking + "' không phải cấp xếp hạng đã biết");
      } else {
        json r = {{"level", level->id}};
        if (Fold(ranking).find("diem thanh phan") != std::string::npos) r["component"] = true;
        std::string decision = cell("ranking_decision");
        static const std::regex dated(R"(^(.*?)\s*ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})\s*$)");
        std::smatch sm;
        if (std::regex_match(decision, sm, dated)) {
          r["decision"] = std::string(Trim(sm[1].str()));
          char date[16];
          std::snprintf(date, sizeof date, "%s-%02d-%02d", sm[4].str().c_str(), std::stoi(sm[3].str()),
                        std::stoi(sm[2].str()));
          r["date"] = date;
        } else if (!decision.empty()) {
          bool has_digit = decision.find_first_of("0123456789") != std::string::npos;
          r[has_digit ? "decision" : "note"] = decision;
        }
        if (!cell("ranking_year").empty()) r["year"] = cell("ranking_year");
        d["recognitions"] = json::array({r});
      }
    } else if (!cell("ranking_decision").empty() || !cell("ranking_year").empty()) {
      warn("ranking", "", "a decision or year is given without a ranking; kept in the note",
           "có số quyết định hoặc năm nhưng không có cấp xếp hạng; đã ghi vào ghi chú");
      d["note"] = "Xếp hạng: " + cell("ranking_decision") + " " + cell("ranking_year");
    }
    m.Note("/recognitions/0/level", "ranking");
    m.Note("/recognitions/0/decision", "ranking_decision");
    m.Note("/recognitions/0/date", "ranking_decision");
    m.Note("/recognitions/0/year", "ranking_year");

    MapPlaces(m, cell("commune"), cell("district_old"), cell("province_old"), cell("province_new"),
              cell("latitude"), cell("longitude"), row, line);

    // Ethnic groups: "M'Nông; Mạ; Ê Đê (các dân tộc bản địa)".
    if (!cell("ethnic_group").empty() && m.cls == RecordClass::kItem) {
      json groups = json::array();
      const Vocabulary& ethnic = *schema_.FindVocabulary("ethnic_groups");
      for (const std::string& part : SplitTrimmed(cell("ethnic_group"), ";")) {
        auto [name, detail] = SplitParenthetical(part);
        const Term* t = ethnic.Match(name);
        if (!t) {
          error("ethnic_group", part, "'" + name + "' is not one of the 54 ethnic groups of Vietnam",
                "'" + name + "' không thuộc 54 dân tộc Việt Nam");
        } else {
          groups.push_back(t->id);
          if (!detail.empty() && Fold(detail) != Fold(t->label_vi)) {
            Append(d, "note", "Dân tộc: " + part);
          }
        }
      }
      d["ethnic_groups"] = groups;
      m.Note("/ethnic_groups", "ethnic_group");
    }

    if (!cell("description_vi").empty() || !cell("description_en").empty()) {
      json desc = json::array();
      if (!cell("description_vi").empty()) desc.push_back({{"lang", "vi"}, {"value", cell("description_vi")}});
      if (!cell("description_en").empty()) desc.push_back({{"lang", "en"}, {"value", cell("description_en")}});
      d["description"] = desc;
      m.Note("/description", "description_vi");
    }
    if (!cell("source_url").empty()) {
      json sources = json::array();
      for (const std::string& url : SplitTrimmed(cell("source_url"), " | ")) {
        sources.push_back({{"url", url}});
      }
      d["sources"] = sources;
      m.Note("/sources", "source_url");
    }
    if (!cell("dating").empty() && m.cls == RecordClass::kItem) {
      d["dating"] = {{"text", cell("dating")}};
      m.Note("/dating", "dating");
    }
    if (!cell("legacy_id").empty()) {
      std::string scheme = cell("legacy_id_scheme").empty() ? "other" : cell("legacy_id_scheme");
      d["legacy_ids"] = json::array({{{"scheme", scheme}, {"value", cell("legacy_id")}}});
      m.Note("/legacy_ids", "legacy_id");
    }
    for (const char* f : {"licence", "rights_holder", "visibility"}) {
      if (!cell(f).empty()) {
        d[f] = cell(f);
        m.Note(std::string("/") + f, f);
      }
    }
    return m;
  }

 private:
  struct CrosswalkEntry {
    std::string commune;
    std::string district;
    std::string commune_2025;
  };

  // Matches the whole text, then the text before a parenthesis, then each part around
  // '/', '–' or ':' ("Ngữ văn dân gian – sử thi (...)" finds "Ngữ văn dân gian").
  static const Term* MatchLoose(const Vocabulary& v, const std::string& text) {
    if (const Term* t = v.Match(text)) return t;
    auto [head, paren] = SplitParenthetical(text);
    if (const Term* t = v.Match(head)) return t;
    std::string normalised = head;
    for (const char* sep : {"–", "—", "/", ":"}) {
      size_t pos;
      while ((pos = normalised.find(sep)) != std::string::npos) normalised.replace(pos, std::strlen(sep), "|");
    }
    for (const std::string& part : SplitTrimmed(normalised, "|")) {
      if (const Term* t = v.Match(part)) return t;
    }
    return nullptr;
  }

  static void Append(json& d, const char* field, const std::string& text) {
    std::string current = d.value(field, "");
    d[field] = current.empty() ? text : current + "\n" + text;
  }

  void MapSubtype(MappedRow& m, const std::string& kind, const std::string& subtype, size_t row,
                  size_t line) const {
    static const std::map<std::string, std::pair<std::string, std::string>> kFieldByKind = {
        {"relic", {"relic_type", "relic_types"}},
        {"artifact", {"artifact_type", "artifact_types"}},
        {"intangible", {"intangible_type", "intangible_types"}},
        {"documentary", {"documentary_type", "documentary_types"}}};
    auto it = kFieldByKind.find(kind);
    if (it == kFieldByKind.end()) return;
    const auto& [field, vocabulary] = it->second;
    m.Note("/" + field, "subtype");
    if (const Term* t = MatchLoose(*schema_.FindVocabulary(vocabulary), subtype)) {
      m.document[field] = t->id;
      return;
    }
    if (kind == "intangible") {
      if (const Term* old = MatchLoose(*schema_.FindVocabulary("intangible_types_2010"), subtype)) {
        m.document["intangible_type_2010"] = old->id;
        if (!old->maps_to.empty()) m.document["intangible_type"] = old->maps_to;
        return;
      }
    }
    Append(m.document, "note", "Loại hình (theo nguồn): " + subtype);
    m.warnings.push_back({row, line, "subtype", subtype,
                          "'" + subtype + "' matches no value of " + vocabulary + "; kept in the note",
                          "'" + subtype + "' không khớp giá trị nào của danh mục " + vocabulary +
                              "; đã ghi vào ghi chú"});
  }

  void MapPlaces(MappedRow& m, const std::string& communes, const std::string& districts,
                 const std::string& province_old, const std::string& province_new,
                 const std::string& lat, const std::string& lon, size_t row, size_t line) const {
    std::vector<std::string> cs = SplitTrimmed(communes, ";");
    std::vector<std::string> ds = SplitTrimmed(districts, ";");
    size_t n = std::max(cs.size(), ds.size());
    json places = json::array();
    for (size_t i = 0; i < n; ++i) {
      json p = json::object();
      std::string district = i < ds.size() ? ds[i] : (ds.size() == 1 ? ds[0] : "");
      if (!district.empty()) p["district_old"] = district;
      if (i < cs.size()) {
        auto [name, detail] = SplitParenthetical(cs[i]);
        p["commune_old"] = name;
        if (!detail.empty()) p[LooksLikeVillage(detail) ? "address" : "note"] = detail;
        std::string found = Commune2025(name, district);
        if (!found.empty()) {
          p["commune_2025"] = found;
        } else {
          m.warnings.push_back({row, line, "commune", cs[i],
                                "commune '" + name + "' is not in the 2025 crosswalk; its 2025 commune is left empty",
                                "xã '" + name + "' không có trong bảng chuyển đổi 2025; để trống xã mới"});
        }
      }
      SetProvinces(p, province_old, province_new);
      places.push_back(std::move(p));
    }
    if (places.empty() && (!province_old.empty() || !province_new.empty() || !lat.empty())) {
      json p = json::object();
      SetProvinces(p, province_old, province_new);
      places.push_back(std::move(p));
    }
    if (!lat.empty() || !lon.empty()) {
      places[0]["point"] = {{"lat", lat}, {"lon", lon}};
      m.Note("/places/0/point/lat", "latitude");
      m.Note("/places/0/point/lon", "longitude");
    }
    if (!places.empty()) m.document["places"] = std::move(places);
    m.Note("/places", "commune");
  }

  void SetProvinces(json& p, const std::string& province_old, const std::string& province_new) const {
    if (!province_old.empty()) {
      p["province_old"] = province_old;
      if (province_old_.is_object() && Fold(province_old) == Fold(province_old_["name"].get<std::string>())) {
        p["province_old_code"] = province_old_["code"];
      }
    }
    if (!province_new.empty()) {
      p["province_2025"] = province_new;
      if (province_2025_.is_object() && Fold(province_new) == Fold(province_2025_["name"].get<std::string>())) {
        p["province_2025_code"] = province_2025_["code"];
      }
    }
  }

  std::string Commune2025(const std::string& commune, const std::string& district) const {
    std::string key = Fold(commune);
    std::string d = Fold(district);
    const CrosswalkEntry* only = nullptr;
    int matches = 0;
    for (const CrosswalkEntry& e : crosswalk_) {
      if (e.commune != key) continue;
      if (!e.district.empty() && !d.empty() && d.find(e.district) == std::string::npos &&
          e.district.find(d) == std::string::npos) {
        continue;
      }
      only = &e;
      ++matches;
    }
    return matches == 1 ? only->commune_2025 : "";
  }

  const Schema& schema_;
  std::vector<CrosswalkEntry> crosswalk_;
  json province_old_;
  json province_2025_;
};

// "names.0.value" = "x" -> {"names": [{"value": "x"}]}.
void SetPath(json& root, const std::string& path, const std::string& value) {
  json* node = &root;
  std::vector<std::string> parts = SplitTrimmed(path, ".");
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    json* next;
    if (index) {
      if (!node->is_array()) *node = json::array();
      size_t k = std::stoul(part);
      if (k > 10000) return;
      while (node->size() <= k) node->push_back(json());
      next = &(*node)[k];
    } else {
      if (!node->is_object()) *node = json::object();
      next = &(*node)[part];
    }
    node = next;
  }
  // Cells starting with ' were protected from spreadsheet formula evaluation on export.
  if (value.size() > 1 && value[0] == '\'' && std::string("=+-@'").find(value[1]) != std::string::npos) {
    *node = value.substr(1);
  } else {
    *node = value;
  }
}

void CompactNulls(json& j) {
  if (j.is_array()) {
    json out = json::array();
    for (json& e : j) {
      CompactNulls(e);
      if (!e.is_null()) out.push_back(std::move(e));
    }
    j = std::move(out);
  } else if (j.is_object()) {
    for (auto& [k, v] : j.items()) CompactNulls(v);
  }
}

struct Source {
  std::unique_ptr<std::istream> stream;
  TextEncoding encoding;
};

Result<Source> OpenSource(const std::string& path, const ImportOptions& options) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) {
    return Fail(ErrorCode::kNotFound, "cannot read " + path, "không đọc được tệp " + path);
  }
  std::string head(64 * 1024, '\0');
  probe.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(probe.gcount()));
  // A UTF-8 sequence cut at the end of the sample must not make it look invalid.
  if (probe.gcount() == 64 * 1024) {
    size_t cut = head.size();
    while (cut > 0 && cut > head.size() - 4 && (static_cast<unsigned char>(head[cut - 1]) & 0xC0) == 0x80) --cut;
    if (cut > 0 && (static_cast<unsigned char>(head[cut - 1]) & 0x80)) --cut;
    head.resize(cut);
  }
  TextEncoding encoding = options.encoding.value_or(DetectEncoding(head));
  if (encoding == TextEncoding::kUtf8) {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    char bom[3] = {};
    in->read(bom, 3);
    if (!(in->gcount() == 3 && bom[0] == '\xEF' && bom[1] == '\xBB' && bom[2] == '\xBF')) {
      in->clear();
      in->seekg(0);
    }
    return Source{std::move(in), encoding};
  }
  std::ifstream whole(path, std::ios::binary);
  std::stringstream buffer;
  buffer << whole.rdbuf();
  std::string decoded = TRY(DecodeToUtf8(buffer.str(), encoding));
  return Source{std::make_unique<std::istringstream>(std::move(decoded)), encoding};
}

ImportProblem FromFieldError(const FieldError& f, size_t row, size_t line, const std::string& column) {
  return {row, line, column.empty() ? f.path : column + " (" + f.path + ")", "", f.message_en, f.message_vi};
}

}  // namespace

namespace {

// What a worker still has to do with a row the reader took from the file.
enum class Pending { kNone, kJsonLine, kFlatRow, kMappedRow };

// One row on its way from the reader to the writer: what was found wrong with it, or the
// record prepared for writing (validated, indexed, its JSON printed), in file order.
struct ImportStep {
  size_t row = 0;
  size_t line = 0;
  std::vector<ImportProblem> errors;
  std::vector<ImportProblem> warnings;
  std::optional<Result<Catalogue::PreparedCreate>> prepared;
  std::optional<MappedRow> mapped;  // for naming the spreadsheet column of a field's error
  std::optional<Error> fatal;       // the file cannot be read further: nothing is kept
  bool end = false;
  Pending pending = Pending::kNone;
  std::string text;                // kJsonLine: the line
  std::vector<std::string> cells;  // kFlatRow, kMappedRow: the row's cells
};

// Rows travel between the threads in batches, so that handing them over costs little.
struct ImportBatch {
  std::vector<ImportStep> steps;
  std::optional<Error> fatal;  // a worker failed: nothing is kept
};
constexpr size_t kBatchRows = 64;

// A worker and the batches on their way through it. Batch i goes through lane i % lanes, so
// the writer, taking them lane after lane, gets them in file order. The writer is the stage
// that limits an import, so a batch it has written goes back (`spent`) to be freed by the
// worker that allocated it.
struct ImportLane {
  BoundedQueue<ImportBatch> in{2}, out{2}, spent{4};
  std::thread worker;
};

}  // namespace

// The file is read on one thread; its rows are parsed, mapped and validated on worker
// threads; the records prepared are written on this one, inside a single transaction.
Result<ImportReport> ImportFile(Catalogue& catalogue, const std::string& path,
                                const ImportOptions& options, const Actor& actor) {
  Source source = TRY(OpenSource(path, options));
  std::istream& in = *source.stream;
  ImportReport report;
  report.encoding = source.encoding;
  int first = in.peek();
  while (first == ' ' || first == '\n' || first == '\r' || first == '\t') {
    in.get();
    first = in.peek();
  }
  const bool jsonl = first == '{';
  const std::string reason = "import " + path;
  const RowMapper mapper(catalogue.schema());
  // Spreadsheets: set by the reader before it hands over the first row, read-only after.
  std::vector<std::string> header;
  json defaults = json::object();

  // --- The workers' part: everything that needs no store and no order.
  auto prepare = [&](ImportStep& step, RecordClass cls, json&& doc, InputLeniency leniency) {
    step.prepared = catalogue.PrepareCreate(cls, std::move(doc), leniency);  // in place
  };
  auto work = [&](ImportStep& step) {
    const size_t row = step.row, line = step.line;
    switch (step.pending) {
      case Pending::kNone:
        return;
      case Pending::kJsonLine: {
        json doc = json::parse(step.text, nullptr, false);
        std::optional<RecordClass> cls = RecordClass::kItem;
        if (doc.is_discarded() || !doc.is_object()) {
          step.errors.push_back({row, line, "", "", "not a JSON object", "không phải đối tượng JSON"});
        } else if (doc.contains("class") &&
                   !(cls = doc["class"].is_string() ? ParseRecordClass(doc["class"].get<std::string>())
                                                    : std::nullopt)) {
          step.errors.push_back({row, line, "class", doc["class"].dump(),
                                 "class must be item, organisation or area",
                                 "class phải là item, organisation hoặc area"});
        } else {
          prepare(step, *cls, std::move(doc), InputLeniency::kStrict);
        }
        break;
      }
      case Pending::kFlatRow: {
        json doc = json::object();
        std::string class_name = "item";
        for (size_t i = 0; i < step.cells.size(); ++i) {
          if (step.cells[i].empty()) continue;
          if (header[i] == "class") class_name = step.cells[i];
          else SetPath(doc, header[i], step.cells[i]);
        }
        CompactNulls(doc);
        std::optional<RecordClass> cls = ParseRecordClass(class_name);
        if (!cls) {
          step.errors.push_back({row, line, "class", class_name, "class must be item, organisation or area",
                                 "class phải là item, organisation hoặc area"});
        } else {
          prepare(step, *cls, std::move(doc), InputLeniency::kFromText);
        }
        break;
      }
      case Pending::kMappedRow: {
        std::map<std::string, std::string> cells;
        for (const auto& [k, v] : std::as_const(defaults).items()) {
          if (v.is_string()) cells[k] = v.get<std::string>();
        }
        for (size_t i = 0; i < step.cells.size(); ++i) {
          if (!step.cells[i].empty() || !cells.contains(header[i])) cells[header[i]] = step.cells[i];
        }
        MappedRow mapped = mapper.Map(cells, row, line);
        step.warnings = std::move(mapped.warnings);
        if (!mapped.errors.empty()) {
          step.errors = std::move(mapped.errors);
        } else {
          prepare(step, mapped.cls, std::move(mapped.document), InputLeniency::kFromText);
          mapped.document = json();
          step.mapped = std::move(mapped);
        }
        break;
      }
    }
    step.pending = Pending::kNone;
    step.text = std::string();
    step.cells = std::vector<std::string>();
  };

  // One worker per core: with two cores, the writer and the two workers share them.
  std::vector<std::unique_ptr<ImportLane>> lanes;
  for (size_t i = 0, n = PipelineWorkers(); i < n; ++i) lanes.push_back(std::make_unique<ImportLane>());

  // --- The reader: splits the file into rows, in order. Sets report.format and rows.
  ImportBatch batch;
  size_t batches = 0;
  auto hand_over = [&]() -> Status {
    if (batch.steps.empty()) return Ok();
    if (!lanes[batches++ % lanes.size()]->in.Push(std::move(batch))) {
      return Fail(ErrorCode::kInternal, "import stopped", "đã dừng nhập");
    }
    batch = ImportBatch{};
    return Ok();
  };
  auto emit = [&](ImportStep step) -> Status {
    batch.steps.push_back(std::move(step));
    return batch.steps.size() >= kBatchRows ? hand_over() : Ok();
  };
  auto read_all = [&]() -> Status {
    if (jsonl) {
      report.format = "jsonl";
      std::string line_text;
      size_t line = 0;
      while (std::getline(in, line_text)) {
        ++line;
        if (Trim(line_text).empty()) continue;
        ImportStep step;
        step.row = ++report.rows;
        step.line = line;
        step.pending = Pending::kJsonLine;
        step.text = std::move(line_text);
        TRY(emit(std::move(step)));
      }
      return Ok();
    }
    std::string header_line;
    std::streampos start = in.tellg();
    std::getline(in, header_line);
    in.clear();
    in.seekg(start);
    CsvReader reader(in, DetectCsvDelimiter(header_line));
    std::vector<std::string> fields;
    if (!TRY(reader.Next(header))) {
      return Fail(ErrorCode::kInvalid, "the file is empty", "tệp rỗng");
    }
    // Headers: through the mapping, else as written (NFC, trimmed).
    const json columns = options.mapping.is_object() ? options.mapping.value("columns", json::object()) : json::object();
    std::set<std::string> known(ImportColumns().begin(), ImportColumns().end());
    bool flat = false;
    static const std::regex bracketed(R"(^.* \[([a-z0-9_.]+)\]$)");
    for (std::string& h : header) {
      h = CleanLine(h).value_or(h);
      // "Tên gọi › 1 › Tên [names.0.value]": the Vietnamese headers of the public CSV export
      // (GET /api/v1/export.csv) name the field path in brackets.
      std::smatch m;
      if (std::regex_match(h, m, bracketed)) h = m[1].str();
      for (const auto& [theirs, ours] : columns.items()) {
        if (Fold(theirs) == Fold(h)) h = ours.get<std::string>();
      }
      if (h == "kind" || h == "pid") flat = true;
    }
    report.format = flat ? "csv-flat" : "csv";
    if (options.mapping.is_object()) defaults = options.mapping.value("defaults", json::object());
    if (!flat) {
      ImportStep header_step;
      for (const std::string& h : header) {
        if (!known.contains(h)) {
          header_step.warnings.push_back({0, reader.record_line(), h, "",
                                          "column '" + h + "' is not mapped to any field and is ignored",
                                          "cột '" + h + "' không ứng với trường nào nên bị bỏ qua"});
        }
      }
      if (!header_step.warnings.empty()) TRY(emit(std::move(header_step)));
    }
    while (TRY(reader.Next(fields))) {
      ImportStep step;
      step.row = ++report.rows;
      step.line = reader.record_line();
      if (fields.size() > header.size()) {
        step.errors.push_back({step.row, step.line, "", "",
                               "the row has " + std::to_string(fields.size()) + " cells but the header has " +
                                   std::to_string(header.size()),
                               "dòng có " + std::to_string(fields.size()) + " ô nhưng tiêu đề có " +
                                   std::to_string(header.size())});
      } else {
        step.pending = flat ? Pending::kFlatRow : Pending::kMappedRow;
        step.cells = std::move(fields);
        fields = std::vector<std::string>();
      }
      TRY(emit(std::move(step)));
    }
    return Ok();
  };

  // However this ends (an error, an exception, even in starting a thread), the reader and the
  // workers are released and joined.
  std::thread reader;
  struct JoinThreads {
    std::vector<std::unique_ptr<ImportLane>>& lanes;
    std::thread& reader;
    void operator()() {
      for (const std::unique_ptr<ImportLane>& lane : lanes) {
        lane->in.Close();
        lane->out.Close();
      }
      if (reader.joinable()) reader.join();
      for (const std::unique_ptr<ImportLane>& lane : lanes) {
        if (lane->worker.joinable()) lane->worker.join();
      }
    }
    ~JoinThreads() { (*this)(); }
  } join_threads{lanes, reader};
  for (const std::unique_ptr<ImportLane>& lane : lanes) {
    lane->worker = std::thread([&work, &lane = *lane] {
      while (std::optional<ImportBatch> b = lane.in.Pop()) {
        try {
          for (ImportStep& step : b->steps) work(step);
        } catch (const std::exception& e) {
          b->fatal = Error{ErrorCode::kInternal, std::string("import failed: ") + e.what(),
                           std::string("nhập dữ liệu thất bại: ") + e.what()};
        }
        if (!lane.out.Push(std::move(*b))) break;
        while (lane.spent.TryPop()) {
        }
      }
      lane.out.Close();
    });
  }
  reader = std::thread([&] {
    Status read;
    try {
      read = read_all();
    } catch (const std::exception& e) {
      read = Fail(ErrorCode::kInternal, std::string("import failed: ") + e.what(),
                  std::string("nhập dữ liệu thất bại: ") + e.what());
    }
    ImportStep last;
    last.end = true;
    if (!read) last.fatal = read.error();
    batch.steps.push_back(std::move(last));
    (void)hand_over();  // fails only when the writer stopped first; it reads no more
    for (const std::unique_ptr<ImportLane>& lane : lanes) lane->in.Close();
  });

  // --- The writing half: the store's transaction, in file order. Problems go to the report;
  // both lists are capped so that a hostile or hopeless file cannot exhaust memory, and the
  // counts stay exact.
  auto add_error = [&](ImportProblem p) {
    ++report.error_count;
    if (report.errors.size() < kMaxReported) report.errors.push_back(std::move(p));
  };
  auto add_warning = [&](ImportProblem p) {
    ++report.warning_count;
    if (report.warnings.size() < kMaxReported) report.warnings.push_back(std::move(p));
  };
  size_t written_rows = 0;
  // Writes one step; true after the last one.
  auto write_step = [&](StoreWriter& w, ImportStep& step) -> Result<bool> {
    if (step.end) {
      if (step.fatal) return std::unexpected(*step.fatal);
      return true;
    }
    for (ImportProblem& p : step.warnings) add_warning(std::move(p));
    for (ImportProblem& p : step.errors) add_error(std::move(p));
    if (step.row != 0 && ++written_rows % 1000 == 0 && options.progress) options.progress(written_rows);
    if (!step.prepared) return false;
    Result<std::string> pid = *step.prepared
                                  ? catalogue.CreatePrepared(w, **step.prepared, actor, reason)
                                  : std::unexpected((*step.prepared).error());
    if (pid) {
      ++report.imported;
      report.pids.push_back(*pid);
      return false;
    }
    if (pid.error().fields.empty()) {
      add_error({step.row, step.line, "", "", pid.error().message_en, pid.error().message_vi});
    }
    for (const FieldError& f : pid.error().fields) {
      add_error(FromFieldError(f, step.row, step.line, step.mapped ? step.mapped->ColumnFor(f.path) : ""));
    }
    return false;
  };
  // A real import is one large transaction written alone where it can (store.h, WriteBulk);
  // a dry run is rolled back anyway and must not lock the catalogue meanwhile.
  auto write = [&](const std::function<Status(StoreWriter&)>& fn) {
    return options.run == ImportRun::kWrite ? catalogue.store().WriteBulk(fn)
                                            : catalogue.store().Write(fn);
  };
  Status written = write([&](StoreWriter& w) -> Status {
    for (size_t next = 0;; ++next) {
      ImportLane& lane = *lanes[next % lanes.size()];
      std::optional<ImportBatch> popped = lane.out.Pop();
      if (!popped) return Fail(ErrorCode::kInternal, "import stopped", "đã dừng nhập");
      if (popped->fatal) return std::unexpected(*popped->fatal);
      bool done = false;
      for (ImportStep& step : popped->steps) {
        if ((done = TRY(write_step(w, step)))) break;
      }
      if (done) break;
      (void)lane.spent.TryPush(*popped);  // else freed here
    }
    bool keep = options.run == ImportRun::kWrite &&
                (report.error_count == 0 || options.mode == ImportMode::kValidRowsOnly);
    if (!keep) return Fail(ErrorCode::kConflict, "import not committed", "không ghi dữ liệu nhập");
    return Ok();
  });
  join_threads();  // before the report is read: the reader sets its rows and format
  if (written) {
    report.committed = true;
  } else if (report.errors.empty() && options.run == ImportRun::kWrite) {
    // The file itself could not be read (unterminated quote, database error): nothing kept.
    return std::unexpected(written.error());
  }
  if (!report.committed) {
    report.imported = 0;
    report.pids.clear();
  }
  return report;
}

}  // namespace disan
