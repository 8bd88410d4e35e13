#include "core/schema.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <cmath>
#include <regex>
#include <stdexcept>

#include "core/pid.h"
#include "core/text.h"

namespace disan {

using nlohmann::json;

std::string_view RecordClassName(RecordClass cls) {
  switch (cls) {
    case RecordClass::kItem: return "item";
    case RecordClass::kOrganisation: return "organisation";
    case RecordClass::kArea: return "area";
  }
  return "item";
}

std::optional<RecordClass> ParseRecordClass(std::string_view name) {
  if (name == "item") return RecordClass::kItem;
  if (name == "organisation") return RecordClass::kOrganisation;
  if (name == "area") return RecordClass::kArea;
  return std::nullopt;
}

const Term* Vocabulary::FindId(std::string_view term_id) const {
  auto it = by_id_.find(term_id);
  return it == by_id_.end() ? nullptr : &terms[it->second];
}

const Term* Vocabulary::Match(std::string_view text) const {
  if (const Term* t = FindId(text)) return t;
  auto it = by_folded_.find(Fold(text));
  return it == by_folded_.end() ? nullptr : &terms[it->second];
}

namespace {

std::string Str(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<Vocabulary> Vocabulary::Parse(std::string_view path, const json& j) {
  Vocabulary v;
  v.id = Str(j, "id");
  if (j.contains("label")) {
    v.label_vi = Str(j["label"], "vi");
    v.label_en = Str(j["label"], "en");
  }
  if (v.id.empty() || !j.contains("terms") || !j["terms"].is_array()) {
    return Fail(ErrorCode::kCorrupt, "schema file " + std::string(path) + " lacks id or terms",
                "tệp lược đồ " + std::string(path) + " thiếu id hoặc terms");
  }
  for (const json& t : j["terms"]) {
    Term term;
    term.id = Str(t, "id");
    term.code = Str(t, "code");
    if (t.contains("label")) {
      term.label_vi = Str(t["label"], "vi");
      term.label_en = Str(t["label"], "en");
    }
    if (t.contains("aliases")) {
      for (const json& a : t["aliases"]) term.aliases.push_back(a.get<std::string>());
    }
    term.uri = Str(t, "uri");
    term.maps_to = Str(t, "maps_to");
    if (t.contains("applies_to")) {
      for (const json& a : t["applies_to"]) term.applies_to.push_back(a.get<std::string>());
    }
    if (term.id.empty() || v.by_id_.contains(term.id)) {
      return Fail(ErrorCode::kCorrupt,
                  "schema file " + std::string(path) + ": empty or duplicate term id '" + term.id + "'",
                  "tệp lược đồ " + std::string(path) + ": mã thuật ngữ rỗng hoặc trùng '" + term.id + "'");
    }
    v.by_id_[term.id] = v.terms.size();
    v.terms.push_back(std::move(term));
  }
  // Folded forms: ids first, then labels, then aliases; the first claimant of a form wins so
  // that an alias never shadows another term's label.
  auto claim = [&](const std::string& text, size_t index) {
    std::string folded = Fold(text);
    if (!folded.empty()) v.by_folded_.emplace(folded, index);
  };
  for (size_t i = 0; i < v.terms.size(); ++i) claim(v.terms[i].id, i);
  for (size_t i = 0; i < v.terms.size(); ++i) {
    claim(v.terms[i].label_vi, i);
    claim(v.terms[i].label_en, i);
    claim(v.terms[i].code, i);
  }
  for (size_t i = 0; i < v.terms.size(); ++i) {
    for (const std::string& a : v.terms[i].aliases) claim(a, i);
  }
  return v;
}

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// YYYY, YYYY-MM or YYYY-MM-DD, with real months and days (leap years included).
bool ValidDate(std::string_view s) {
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  if (!AllDigits(s.substr(0, 4))) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-' || !AllDigits(s.substr(5, 2))) return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-' || !AllDigits(s.substr(8, 2))) return false;
  int year = std::stoi(std::string(s.substr(0, 4)));
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = (month == 2 && !leap) ? 28 : kDays[month - 1];
  return day >= 1 && day <= max_day;
}

// http(s)://host[...] without spaces or control characters.
bool ValidUrl(std::string_view s) {
  if (s.size() > 2000) return false;
  std::string lower;
  for (size_t i = 0; i < std::min<size_t>(s.size(), 8); ++i) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  size_t start = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
  if (start == 0 || start >= s.size() || s[start] == '/' || s[start] == '?' || s[start] == '#') {
    return false;
  }
  for (unsigned char c : s) {
    if (c <= ' ' || c == 0x7F) return false;
  }
  return true;
}

}  // namespace

// Walks one input document against the field definitions, collecting every problem.
class Schema::Validator {
 public:
  Validator(const Schema& schema, InputLeniency leniency) : schema_(schema), leniency_(leniency) {}

  std::vector<FieldError> errors;
  std::vector<RecordRef> refs;

  // Validates an object against a map of field definitions; returns the normalised object.
  json Object(const json& input, const std::vector<const json*>& field_maps, const std::string& path) {
    json out = json::object();
    if (!input.is_object()) {
      Add(path, "type", "must be an object", "phải là một đối tượng (object)");
      return out;
    }
    for (const auto& [key, value] : input.items()) {
      const json* spec = FindField(field_maps, key);
      if (spec == nullptr) {
        Add(path + "/" + key, "unknown_field", "unknown field '" + key + "'",
            "trường không tồn tại '" + key + "'");
        continue;
      }
      json v = Value(value, Resolve(*spec), path + "/" + key);
      if (!IsEmpty(v)) out[key] = std::move(v);
    }
    for (const json* fields : field_maps) {
      for (const auto& [key, raw_spec] : fields->items()) {
        const json& spec = Resolve(raw_spec);
        // A field that was sent but was invalid already has its error; "required" would be noise.
        if (out.contains(key) || (input.contains(key) && !input[key].is_null() && !IsEmpty(input[key]))) continue;
        if (spec.contains("default")) {
          out[key] = spec["default"];
        } else if (spec.value("required", false) || raw_spec.value("required", false)) {
          Add(path + "/" + key, "required", "is required", "là trường bắt buộc");
        }
      }
    }
    return out;
  }

  json Value(const json& input, const json& spec, const std::string& path) {
    if (input.is_null()) return json();
    const std::string type = spec.value("type", "");
    if (type == "object") {
      std::vector<const json*> maps = {&spec["fields"]};
      json out = Object(input, maps, path);
      if (out.contains("from_year") && out.contains("to_year") &&
          out["from_year"].get<int64_t>() > out["to_year"].get<int64_t>()) {
        Add(path + "/to_year", "range", "must not be before from_year",
            "không được nhỏ hơn from_year");
      }
      return out;
    }
    if (type == "list") {
      json in = input;
      if (!in.is_array()) {
        if (leniency_ == InputLeniency::kFromText && !in.is_object()) {
          in = json::array({in});
        } else {
          Add(path, "type", "must be a list", "phải là một danh sách");
          return json();
        }
      }
      json out = json::array();
      const json& of = Resolve(spec["of"]);
      for (size_t i = 0; i < in.size(); ++i) {
        json v = Value(in[i], of, path + "/" + std::to_string(i));
        if (!IsEmpty(v)) out.push_back(std::move(v));
      }
      CheckBounds(static_cast<double>(out.size()), spec, path, "items", "phần tử");
      return out;
    }
    if (type == "string" || type == "text" || type == "url" || type == "date" ||
        type == "term" || type == "language" || type == "ref") {
      std::string s;
      if (input.is_string()) {
        s = input.get<std::string>();
      } else if (leniency_ == InputLeniency::kFromText && input.is_number()) {
        s = input.dump();
      } else {
        Add(path, "type", "must be a string", "phải là chuỗi ký tự");
        return json();
      }
      return Scalar(s, type, spec, path);
    }
    if (type == "integer" || type == "number") return Number(input, type, spec, path);
    if (type == "boolean") return Boolean(input, path);
    throw std::logic_error("schema: unknown type '" + type + "' at " + path);
  }

 private:
  const Schema& schema_;
  InputLeniency leniency_;

  void Add(std::string path, std::string problem, std::string en, std::string vi) {
    errors.push_back({path.empty() ? "/" : std::move(path), std::move(problem), std::move(en),
                      std::move(vi)});
  }

  static bool IsEmpty(const json& v) {
    return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
           (v.is_array() && v.empty()) || (v.is_object() && v.empty());
  }

  static const json* FindField(const std::vector<const json*>& maps, const std::string& key) {
    for (const json* m : maps) {
      auto it = m->find(key);
      if (it != m->end()) return &*it;
    }
    return nullptr;
  }

  const json& Resolve(const json& spec) const {
    if (spec.contains("use")) return schema_.record_["types"][spec["use"].get<std::string>()];
    return spec;
  }

  void CheckBounds(double n, const json& spec, const std::string& path, const std::string& unit_en,
                   const std::string& unit_vi) {
    if (spec.contains("min") && n < spec["min"].get<double>()) {
      Add(path, "min", "must have at least " + spec["min"].dump() + " " + unit_en,
          "phải có ít nhất " + spec["min"].dump() + " " + unit_vi);
    }
    if (spec.contains("max") && n > spec["max"].get<double>()) {
      Add(path, "max", "must have at most " + spec["max"].dump() + " " + unit_en,
          "chỉ được có tối đa " + spec["max"].dump() + " " + unit_vi);
    }
  }

  json Scalar(const std::string& raw, const std::string& type, const json& spec,
              const std::string& path) {
    Result<std::string> cleaned = type == "text" ? ToNfc(raw) : CleanLine(raw);
    if (!cleaned) {
      Add(path, "encoding", "is not valid UTF-8 text", "không phải văn bản UTF-8 hợp lệ");
      return json();
    }
    std::string s = type == "text" ? NormaliseText(*cleaned) : *cleaned;
    if (s.empty()) return json();
    size_t max_length = spec.value("max_length", type == "text" ? size_t{100000} : size_t{1000});
    if (s.size() > max_length * 4 || CodePoints(s) > max_length) {
      Add(path, "max_length",
          "is too long (at most " + std::to_string(max_length) + " characters)",
          "quá dài (tối đa " + std::to_string(max_length) + " ký tự)");
      return json();
    }
    if (spec.contains("pattern")) {
      const std::regex& re = schema_.patterns_.at(spec["pattern"].get<std::string>());
      if (!std::regex_match(s, re)) {
        Add(path, "pattern", "'" + s + "' does not have the expected form " + spec["pattern"].get<std::string>(),
            "'" + s + "' không đúng dạng " + spec["pattern"].get<std::string>());
        return json();
      }
    }
    if (type == "date" && !ValidDate(s)) {
      Add(path, "date", "'" + s + "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
          "'" + s + "' không phải ngày hợp lệ (YYYY, YYYY-MM hoặc YYYY-MM-DD)");
      return json();
    }
    if (type == "url" && !ValidUrl(s)) {
      Add(path, "url", "'" + s + "' is not an http(s) URL", "'" + s + "' không phải địa chỉ http(s)");
      return json();
    }
    if (type == "term" || type == "language") {
      std::string vocabulary_id = type == "language" ? "languages" : spec["vocabulary"].get<std::string>();
      return TermValue(s, *schema_.FindVocabulary(vocabulary_id), path);
    }
    if (type == "ref") {
      Result<std::string> pid = ParsePid(s);
      if (!pid) {
        Add(path, "pid", pid.error().message_en, pid.error().message_vi);
        return json();
      }
      refs.push_back({path, *ParseRecordClass(spec["class"].get<std::string>()), *pid});
      return *pid;
    }
    return s;
  }

  json TermValue(const std::string& s, const Vocabulary& vocabulary, const std::string& path) {
    const Term* term = vocabulary.FindId(s);
    if (term == nullptr && vocabulary.id == "languages") {
      for (const Term& t : vocabulary.terms) {
        if (Fold(t.id) == Fold(s)) term = &t;
      }
    }
    if (term == nullptr && leniency_ == InputLeniency::kFromText) term = vocabulary.Match(s);
    if (term != nullptr) return term->id;
    std::string expected;
    for (size_t i = 0; i < vocabulary.terms.size() && i < 12; ++i) {
      expected += (i ? ", " : "") + vocabulary.terms[i].id;
    }
    if (vocabulary.terms.size() > 12) expected += ", …";
    Add(path, "unknown_term",
        "'" + s + "' is not a value of the vocabulary '" + vocabulary.id + "' (expected one of: " +
            expected + ")",
        "'" + s + "' không có trong danh mục '" + vocabulary.label_vi + "' (các giá trị hợp lệ: " +
            expected + ")");
    return json();
  }

  json Number(const json& input, const std::string& type, const json& spec, const std::string& path) {
    json value = input;
    if (input.is_string() && leniency_ == InputLeniency::kFromText) {
      std::string s(Trim(input.get<std::string>()));
      if (s.empty()) return json();
      for (char& c : s) {
        if (c == ',') c = '.';  // Vietnamese decimal comma
      }
      double d = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc() && end == s.data() + s.size()) value = d;
    }
    if (!value.is_number()) {
      Add(path, "type", type == "integer" ? "must be an integer" : "must be a number",
          type == "integer" ? "phải là số nguyên" : "phải là số");
      return json();
    }
    double d = value.get<double>();
    if (!std::isfinite(d)) {
      Add(path, "type", "must be a finite number", "phải là số hữu hạn");
      return json();
    }
    if (type == "integer") {
      if (std::floor(d) != d || std::fabs(d) > 9e15) {
        Add(path, "type", "must be an integer", "phải là số nguyên");
        return json();
      }
      value = static_cast<int64_t>(d);
    }
    size_t before = errors.size();
    if (spec.contains("min") && d < spec["min"].get<double>()) {
      Add(path, "min", "must be at least " + spec["min"].dump(), "phải lớn hơn hoặc bằng " + spec["min"].dump());
    }
    if (spec.contains("max") && d > spec["max"].get<double>()) {
      Add(path, "max", "must be at most " + spec["max"].dump(), "phải nhỏ hơn hoặc bằng " + spec["max"].dump());
    }
    return errors.size() == before ? value : json();
  }

  json Boolean(const json& input, const std::string& path) {
    if (input.is_boolean()) return input;
    if (input.is_string() && leniency_ == InputLeniency::kFromText) {
      std::string f = Fold(input.get<std::string>());
      if (f.empty()) return json();
      if (f == "true" || f == "1" || f == "x" || f == "co" || f == "yes") return true;
      if (f == "false" || f == "0" || f == "khong" || f == "no") return false;
    }
    Add(path, "type", "must be true or false", "phải là true hoặc false");
    return json();
  }

  static std::string NormaliseText(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\r') {
        if (i + 1 < s.size() && s[i + 1] == '\n') continue;
        out += '\n';
      } else {
        out += s[i];
      }
    }
    return std::string(Trim(out));
  }

  static size_t CodePoints(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }
};

Result<std::shared_ptr<const Schema>> Schema::Load(const std::vector<EmbeddedFile>& files) {
  auto schema = std::make_shared<Schema>();
  for (const EmbeddedFile& f : files) {
    json j = json::parse(f.content, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return Fail(ErrorCode::kCorrupt, "schema file " + std::string(f.path) + " is not valid JSON",
                  "tệp lược đồ " + std::string(f.path) + " không phải JSON hợp lệ");
    }
    if (f.path == "record.json") {
      schema->record_ = std::move(j);
    } else if (f.path == "places/communes-2025.json") {
      schema->crosswalk_ = std::move(j);
    } else if (f.path.starts_with("vocabularies/")) {
      Vocabulary v = TRY(Vocabulary::Parse(f.path, j));
      std::string id = v.id;
      schema->vocabularies_.emplace(id, std::move(v));
    }
  }
  // Every vocabulary named by a field must exist, so validation never meets a dangling name.
  std::vector<std::string> missing;
  std::function<void(const json&)> walk = [&](const json& node) {
    if (node.is_object()) {
      for (const char* key : {"vocabulary", "kind_vocabulary"}) {
        if (node.contains(key) && node[key].is_string() &&
            !schema->vocabularies_.contains(node[key].get<std::string>())) {
          missing.push_back(node[key].get<std::string>());
        }
      }
      for (const auto& [k, v] : node.items()) walk(v);
    } else if (node.is_array()) {
      for (const json& v : node) walk(v);
    }
  };
  if (!schema->record_.is_object()) missing.push_back("record.json");
  walk(schema->record_);
  // Patterns are compiled once here; validation only matches.
  std::function<void(const json&)> compile = [&](const json& node) {
    if (node.is_object()) {
      if (node.contains("pattern") && node["pattern"].is_string()) {
        std::string p = node["pattern"].get<std::string>();
        if (!schema->patterns_.contains(p)) schema->patterns_.emplace(p, std::regex(p));
      }
      for (const auto& [k, v] : node.items()) compile(v);
    }
  };
  try {
    compile(schema->record_);
  } catch (const std::regex_error&) {
    return Fail(ErrorCode::kCorrupt, "record.json has a malformed pattern",
                "record.json có mẫu (pattern) không hợp lệ");
  }
  if (!schema->vocabularies_.contains("languages")) missing.push_back("languages");
  if (!missing.empty()) {
    return Fail(ErrorCode::kCorrupt, "schema refers to missing vocabulary or file: " + missing[0],
                "lược đồ tham chiếu danh mục hoặc tệp không tồn tại: " + missing[0]);
  }
  return std::shared_ptr<const Schema>(std::move(schema));
}

std::shared_ptr<const Schema> Schema::Builtin() {
  static const std::shared_ptr<const Schema> builtin = [] {
    Result<std::shared_ptr<const Schema>> s = Load(SchemaFiles());
    if (!s) throw std::runtime_error("built-in schema is broken: " + s.error().Describe());
    return *s;
  }();
  return builtin;
}

const Vocabulary* Schema::FindVocabulary(std::string_view id) const {
  auto it = vocabularies_.find(id);
  return it == vocabularies_.end() ? nullptr : &it->second;
}

const Vocabulary& Schema::KindVocabulary(RecordClass cls) const {
  const json& c = record_["classes"][std::string(RecordClassName(cls))];
  return *FindVocabulary(c["kind_vocabulary"].get<std::string>());
}

Result<Validated> Schema::Validate(RecordClass cls, const json& input, InputLeniency leniency) const {
  Validator v(*this, leniency);
  if (!input.is_object()) {
    return Fail(ErrorCode::kInvalid, "the record must be a JSON object",
                "bản ghi phải là một đối tượng JSON");
  }
  const json& class_spec = record_["classes"][std::string(RecordClassName(cls))];
  const Vocabulary& kinds = KindVocabulary(cls);
  std::string kind;
  auto kind_it = input.find("kind");
  if (kind_it == input.end() || kind_it->is_null()) {
    v.errors.push_back({"/kind", "required", "is required", "là trường bắt buộc"});
  } else if (!kind_it->is_string()) {
    v.errors.push_back({"/kind", "type", "must be a string", "phải là chuỗi ký tự"});
  } else {
    json k = v.Value(*kind_it, json{{"type", "term"}, {"vocabulary", kinds.id}}, "/kind");
    if (k.is_string()) kind = k.get<std::string>();
  }
  json rest = input;
  rest.erase("kind");
  static const json kNoFields = json::object();
  const json& kind_fields =
      !kind.empty() && class_spec["kinds"].contains(kind) ? class_spec["kinds"][kind] : kNoFields;
  json out = v.Object(rest, {&record_["common"], &class_spec["fields"], &kind_fields}, "");
  // A recognition level is only valid for the kinds its term applies to (a relic is not a
  // national treasure; an intangible element is not ranked "quốc gia đặc biệt").
  const std::string applies_key = cls == RecordClass::kItem ? kind : std::string(RecordClassName(cls));
  const Vocabulary* levels = FindVocabulary("recognition_levels");
  if (levels != nullptr && !applies_key.empty() && out.contains("recognitions")) {
    for (size_t i = 0; i < out["recognitions"].size(); ++i) {
      const json& level = out["recognitions"][i]["level"];
      const Term* term = level.is_string() ? levels->FindId(level.get<std::string>()) : nullptr;
      if (term == nullptr || term->applies_to.empty()) continue;
      if (std::find(term->applies_to.begin(), term->applies_to.end(), applies_key) == term->applies_to.end()) {
        v.errors.push_back({"/recognitions/" + std::to_string(i) + "/level", "not_applicable",
                            "the level '" + term->id + "' does not apply to a " + applies_key,
                            "cấp '" + term->label_vi + "' không áp dụng cho loại '" + applies_key + "'"});
      }
    }
  }
  if (!v.errors.empty()) {
    Error e{ErrorCode::kInvalid,
            "the record has " + std::to_string(v.errors.size()) + " invalid field(s)",
            "bản ghi có " + std::to_string(v.errors.size()) + " trường không hợp lệ",
            std::move(v.errors)};
    return Fail(std::move(e));
  }
  json document = json::object();
  document["kind"] = kind;
  for (auto& [key, value] : out.items()) document[key] = std::move(value);
  return Validated{std::move(document), std::move(v.refs)};
}

}  // namespace disan
