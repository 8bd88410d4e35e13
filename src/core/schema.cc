#include "core/schema.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <functional>
#include <cmath>
#include <deque>
#include <optional>
#include <tuple>
#include <regex>
#include <stdexcept>

#include "core/json_member.h"
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

// record.json compiled: each field definition once, as a struct, with its "use" resolved, its
// vocabulary, pattern and bounds looked up, and its messages' numbers printed.
struct Schema::Compiled {
  enum class Type { kObject, kList, kString, kText, kUrl, kDate, kTerm, kLanguage, kRef, kInteger, kNumber, kBoolean };
  struct Spec;
  struct Field {
    std::string key;
    const Spec* spec = nullptr;
    bool required = false;  // on the field or on the type it uses
  };
  using Fields = std::vector<Field>;  // sorted by key, as the JSON object was
  // The validator keeps a bit per field of each list, and an object is read against at most
  // the common fields, the class's and the kind's.
  static constexpr size_t kMaxFields = 128, kMaxLists = 3;
  struct Spec {
    Type type = Type::kString;
    const Fields* fields = nullptr;  // kObject
    const Spec* of = nullptr;        // kList
    std::optional<double> min, max;
    std::string min_text, max_text;  // as record.json writes them, for the messages
    size_t max_length = 1000;
    const std::regex* pattern = nullptr;
    std::string pattern_text;
    const Vocabulary* vocabulary = nullptr;  // kTerm, kLanguage
    RecordClass ref_class = RecordClass::kItem;
    bool required = false;
    std::optional<json> default_value;
  };
  struct Class {
    const Fields* fields = nullptr;
    std::map<std::string, const Fields*, std::less<>> kinds;
    Spec kind;  // the "kind" value: a term of the class's kind vocabulary
  };

  std::deque<Spec> specs;  // stable addresses
  std::deque<Fields> field_lists;
  std::map<const json*, const Spec*> by_node;
  const Fields* common = nullptr;
  std::map<RecordClass, Class> classes;

  static const Field* Find(const Fields& fields, std::string_view key) {
    auto it = std::lower_bound(fields.begin(), fields.end(), key,
                               [](const Field& f, std::string_view k) { return f.key < k; });
    return it != fields.end() && it->key == key ? &*it : nullptr;
  }
};

namespace {

using Compiled = Schema::Compiled;

// Builds Schema::Compiled from record.json; the first problem is kept in `error`.
class SchemaCompiler {
 public:
  SchemaCompiler(const json& record, const std::map<std::string, std::regex, std::less<>>& patterns,
                 const std::map<std::string, Vocabulary, std::less<>>& vocabularies, Compiled& out)
      : record_(record), patterns_(patterns), vocabularies_(vocabularies), out_(out) {}

  std::string error;

  const Compiled::Fields* FieldsOf(const json& node, const std::string& where) {
    Compiled::Fields& fields = out_.field_lists.emplace_back();
    if (!node.is_object()) return &fields;
    for (const auto& [key, raw] : node.items()) {
      std::string at = where + "/" + key;
      const json* resolved = Resolve(raw, at);  // `at` becomes types/NAME for a type used
      if (resolved == nullptr) continue;
      const Compiled::Spec* spec = SpecOf(*resolved, at);
      std::optional<bool> required = Flag(raw, "required", where + "/" + key);
      if (spec == nullptr || !required) continue;
      fields.push_back({key, spec, spec->required || *required});
    }
    if (fields.size() > Compiled::kMaxFields) {
      Bad(where + " has more than " + std::to_string(Compiled::kMaxFields) + " fields");
    }
    return &fields;
  }

  const Compiled::Spec* SpecOf(const json& node, const std::string& where) {
    if (auto it = out_.by_node.find(&node); it != out_.by_node.end()) return it->second;
    Compiled::Spec& spec = out_.specs.emplace_back();
    out_.by_node[&node] = &spec;  // before the children: a type may contain itself
    if (!node.is_object()) return Bad(where + " is not an object");
    const std::optional<std::string> type = Text(node, "type", where);
    if (!type) return nullptr;
    static const std::map<std::string_view, Compiled::Type> kTypes = {
        {"object", Compiled::Type::kObject}, {"list", Compiled::Type::kList},
        {"string", Compiled::Type::kString}, {"text", Compiled::Type::kText},
        {"url", Compiled::Type::kUrl},       {"date", Compiled::Type::kDate},
        {"term", Compiled::Type::kTerm},     {"language", Compiled::Type::kLanguage},
        {"ref", Compiled::Type::kRef},       {"integer", Compiled::Type::kInteger},
        {"number", Compiled::Type::kNumber}, {"boolean", Compiled::Type::kBoolean}};
    auto t = kTypes.find(*type);
    if (t == kTypes.end()) return Bad(where + " has the unknown type '" + *type + "'");
    spec.type = t->second;
    const std::optional<bool> required = Flag(node, "required", where);
    if (!required) return nullptr;
    spec.required = *required;
    if (auto d = node.find("default"); d != node.end()) spec.default_value = *d;
    for (auto [name, bound, text] : {std::tuple{"min", &spec.min, &spec.min_text},
                                     std::tuple{"max", &spec.max, &spec.max_text}}) {
      auto it = node.find(name);
      if (it == node.end()) continue;
      if (!it->is_number()) return Bad(where + "/" + name + " is not a number");
      *bound = it->get<double>();
      *text = it->dump();
    }
    spec.max_length = spec.type == Compiled::Type::kText ? 100000 : 1000;
    if (auto it = node.find("max_length"); it != node.end()) {
      const double n = it->is_number() ? it->get<double>() : -1;
      if (n < 0 || n > 1e9 || std::floor(n) != n) return Bad(where + "/max_length is not a count");
      spec.max_length = static_cast<size_t>(n);
    }
    if (auto it = node.find("pattern"); it != node.end()) {
      if (!it->is_string()) return Bad(where + "/pattern is not a string");
      spec.pattern_text = it->get<std::string>();
      spec.pattern = &patterns_.at(spec.pattern_text);
    }
    switch (spec.type) {
      case Compiled::Type::kObject:
        if (!node.contains("fields") || !node["fields"].is_object()) {
          return Bad(where + " is an object without fields");
        }
        spec.fields = FieldsOf(node["fields"], where + "/fields");
        break;
      case Compiled::Type::kList: {
        std::string at = where + "/of";
        const json* of = node.contains("of") ? Resolve(node["of"], at) : nullptr;
        if (of == nullptr) return Bad(where + " is a list of nothing");
        spec.of = SpecOf(*of, at);
        break;
      }
      case Compiled::Type::kTerm:
      case Compiled::Type::kLanguage: {
        std::optional<std::string> id = spec.type == Compiled::Type::kLanguage
                                             ? std::optional<std::string>("languages")
                                             : Text(node, "vocabulary", where);
        if (!id) return nullptr;
        auto v = vocabularies_.find(*id);
        if (v == vocabularies_.end()) return Bad(where + " names the missing vocabulary '" + *id + "'");
        spec.vocabulary = &v->second;
        break;
      }
      case Compiled::Type::kRef: {
        std::optional<std::string> name = Text(node, "class", where);
        if (!name) return nullptr;
        std::optional<RecordClass> cls = ParseRecordClass(*name);
        if (!cls) return Bad(where + " refers to no record class");
        spec.ref_class = *cls;
        break;
      }
      default:
        break;
    }
    return &spec;
  }

 private:
  const json& record_;
  const std::map<std::string, std::regex, std::less<>>& patterns_;
  const std::map<std::string, Vocabulary, std::less<>>& vocabularies_;
  Compiled& out_;

  // The definition a field uses: its own, or the type it names with "use" (and then `where`
  // becomes the type's place, so that a broken type is reported where it is written).
  const json* Resolve(const json& raw, std::string& where) {
    if (!raw.is_object() || !raw.contains("use")) return &raw;
    const json& use = raw["use"];
    if (!use.is_string() || !record_.contains("types") || !record_["types"].contains(use.get<std::string>())) {
      Bad(where + " uses a type record.json does not define");
      return nullptr;
    }
    where = "types/" + use.get<std::string>();
    return &record_["types"][use.get<std::string>()];
  }

  // Member `key` when it is absent ("") or a string; nullopt (and the error) otherwise.
  std::optional<std::string> Text(const json& node, const char* key, const std::string& where) {
    auto it = node.find(key);
    if (it == node.end()) return std::string();
    if (!it->is_string()) {
      Bad(where + "/" + key + " is not a string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  // Member `key` when it is absent (false) or a boolean; nullopt (and the error) otherwise.
  std::optional<bool> Flag(const json& node, const char* key, const std::string& where) {
    if (!node.is_object()) return false;
    auto it = node.find(key);
    if (it == node.end()) return false;
    if (!it->is_boolean()) {
      Bad(where + "/" + key + " is not true or false");
      return std::nullopt;
    }
    return it->get<bool>();
  }

  const Compiled::Spec* Bad(std::string what) {
    if (error.empty()) error = std::move(what);
    return nullptr;
  }
};

}  // namespace

// Walks one document against the compiled field definitions, normalising it in place and
// collecting every problem.
// The path of the value being read is kept in one string that grows and shrinks, so that a
// valid document costs no path strings.
class Schema::Validator {
 public:
  explicit Validator(InputLeniency leniency) : leniency_(leniency) {}

  std::vector<FieldError> errors;
  std::vector<RecordRef> refs;
  std::string path;

  // Validates an object in place against lists of field definitions: values are normalised
  // where they are, and what is empty, invalid, unknown or `ignored` is taken out. `skip`
  // names a key read elsewhere (the record's kind): left as it is, as if absent.
  // The lists share no key (Load checks it). The object's keys and each list are in the same
  // (byte) order, so one pass over both finds every key's field without a lookup, and a bit
  // per field says whether it was sent with a value.
  void Object(json& io, std::initializer_list<const Compiled::Fields*> field_lists,
              std::string_view skip = {}, std::span<const std::string_view> ignored = {}) {
    if (!io.is_object()) {
      Add("type", "must be an object", "phải là một đối tượng (object)");
      io = json::object();
      return;
    }
    const Compiled::Fields* const* lists = field_lists.begin();
    const size_t list_count = field_lists.size();
    std::array<std::bitset<Compiled::kMaxFields>, Compiled::kMaxLists> sent;
    std::array<size_t, Compiled::kMaxLists> next{};
    json::object_t& object = io.get_ref<json::object_t&>();
    for (auto it = object.begin(); it != object.end();) {
      const std::string& key = it->first;
      if (!skip.empty() && key == skip) {
        ++it;
        continue;
      }
      const Compiled::Field* field = nullptr;
      size_t list = 0;
      for (size_t l = 0; l < list_count && field == nullptr; ++l) {
        const Compiled::Fields& fields = *lists[l];
        size_t& i = next[l];
        while (i < fields.size() && fields[i].key < key) ++i;
        if (i < fields.size() && fields[i].key == key) {
          field = &fields[i];
          list = l;
        }
      }
      if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) {
        // The caller reads it: not missing when it has a value.
        if (field != nullptr && !it->second.is_null() && !IsEmpty(it->second))
          sent[list].set(next[list]);
        it = object.erase(it);
        continue;
      }
      Segment at(path, key);
      if (field == nullptr) {
        Add("unknown_field", "unknown field '" + key + "'", "trường không tồn tại '" + key + "'");
        it = object.erase(it);
        continue;
      }
      const size_t errors_before = errors.size();
      const bool sent_empty = it->second.is_null() || IsEmpty(it->second);
      Value(it->second, *field->spec);
      if (!IsEmpty(it->second)) {
        sent[list].set(next[list]);
        ++it;
        continue;
      }
      // Sent with something, invalid and reported: "required" would be noise. Otherwise it was
      // empty (null, "", [], {}, blanks only), and a default, or "required", applies.
      if (!sent_empty && errors.size() != errors_before) sent[list].set(next[list]);
      it = object.erase(it);
    }
    for (size_t l = 0; l < list_count; ++l) {
      const Compiled::Fields& fields = *lists[l];
      for (size_t i = 0; i < fields.size(); ++i) {
        if (sent[l][i]) continue;
        const Compiled::Field& field = fields[i];
        if (field.spec->default_value) {
          object.insert_or_assign(field.key, *field.spec->default_value);
        } else if (field.required) {
          Segment at(path, field.key);
          Add("required", "is required", "là trường bắt buộc");
        }
      }
    }
  }

  // Validates a value in place: normalised, or emptied (null, or an empty list or object)
  // when it is empty or invalid, with its error.
  void Value(json& io, const Compiled::Spec& spec) {
    if (io.is_null()) return;
    switch (spec.type) {
      case Compiled::Type::kObject: {
        Object(io, {spec.fields});
        auto from = io.find("from_year"), to = io.find("to_year");
        if (from != io.end() && to != io.end() && from->get<int64_t>() > to->get<int64_t>()) {
          Segment at(path, "to_year");
          Add("range", "must not be before from_year", "không được nhỏ hơn from_year");
        }
        return;
      }
      case Compiled::Type::kList: {
        if (!io.is_array()) {
          if (leniency_ != InputLeniency::kFromText || io.is_object()) {
            Add("type", "must be a list", "phải là một danh sách");
            io = json();
            return;
          }
          json one = json::array();  // a spreadsheet cell holding one value
          one.push_back(std::move(io));
          io = std::move(one);
        }
        json::array_t& list = io.get_ref<json::array_t&>();
        size_t kept = 0;
        for (size_t i = 0; i < list.size(); ++i) {
          char digits[24];
          auto end = std::to_chars(digits, digits + sizeof digits, i).ptr;
          Segment at(path, std::string_view(digits, static_cast<size_t>(end - digits)));
          Value(list[i], *spec.of);
          if (IsEmpty(list[i])) continue;
          if (kept != i) list[kept] = std::move(list[i]);
          ++kept;
        }
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(kept), list.end());
        CheckBounds(static_cast<double>(kept), spec, "items", "phần tử");
        return;
      }
      case Compiled::Type::kInteger:
      case Compiled::Type::kNumber:
        io = Number(io, spec);
        return;
      case Compiled::Type::kBoolean:
        io = Boolean(io);
        return;
      default:
        break;
    }
    if (io.is_string()) return Scalar(io, spec);
    if (leniency_ == InputLeniency::kFromText && io.is_number()) {
      io = io.dump();
      return Scalar(io, spec);
    }
    Add("type", "must be a string", "phải là chuỗi ký tự");
    io = json();
  }

 private:
  InputLeniency leniency_;

  // Appends "/segment" to the path for its lifetime.
  struct Segment {
    Segment(std::string& path, std::string_view segment) : path_(path), size_(path.size()) {
      path_ += '/';
      path_ += segment;
    }
    ~Segment() { path_.resize(size_); }
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;
    std::string& path_;
    size_t size_;
  };

  void Add(std::string problem, std::string en, std::string vi) {
    errors.push_back({path.empty() ? "/" : path, std::move(problem), std::move(en), std::move(vi)});
  }

  static bool IsEmpty(const json& v) {
    return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
           (v.is_array() && v.empty()) || (v.is_object() && v.empty());
  }

  void CheckBounds(double n, const Compiled::Spec& spec, const std::string& unit_en,
                   const std::string& unit_vi) {
    if (spec.min && n < *spec.min) {
      Add("min", "must have at least " + spec.min_text + " " + unit_en,
          "phải có ít nhất " + spec.min_text + " " + unit_vi);
    }
    if (spec.max && n > *spec.max) {
      Add("max", "must have at most " + spec.max_text + " " + unit_en,
          "chỉ được có tối đa " + spec.max_text + " " + unit_vi);
    }
  }

  // A string value in place: cleaned (NFC, blanks), checked, and for terms and references
  // replaced by the id they name; null when it is empty or invalid.
  void Scalar(json& io, const Compiled::Spec& spec) {
    std::string& s = io.get_ref<std::string&>();
    const bool text = spec.type == Compiled::Type::kText;
    if (!(text ? ToNfcInPlace(s) : CleanLineInPlace(s))) {
      Add("encoding", "is not valid UTF-8 text", "không phải văn bản UTF-8 hợp lệ");
      io = json();
      return;
    }
    if (text) NormaliseText(s);
    if (s.empty()) {
      io = json();
      return;
    }
    if (s.size() > spec.max_length * 4 || CodePoints(s) > spec.max_length) {
      Add("max_length", "is too long (at most " + std::to_string(spec.max_length) + " characters)",
          "quá dài (tối đa " + std::to_string(spec.max_length) + " ký tự)");
      io = json();
      return;
    }
    if (spec.pattern != nullptr && !std::regex_match(s, *spec.pattern)) {
      Add("pattern", "'" + s + "' does not have the expected form " + spec.pattern_text,
          "'" + s + "' không đúng dạng " + spec.pattern_text);
      io = json();
      return;
    }
    switch (spec.type) {
      case Compiled::Type::kDate:
        if (!ValidDate(s)) {
          Add("date", "'" + s + "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
              "'" + s + "' không phải ngày hợp lệ (YYYY, YYYY-MM hoặc YYYY-MM-DD)");
          io = json();
        }
        return;
      case Compiled::Type::kUrl:
        if (!ValidUrl(s)) {
          Add("url", "'" + s + "' is not an http(s) URL", "'" + s + "' không phải địa chỉ http(s)");
          io = json();
        }
        return;
      case Compiled::Type::kTerm:
      case Compiled::Type::kLanguage:
        io = TermValue(s, *spec.vocabulary);
        return;
      case Compiled::Type::kRef: {
        Result<std::string> pid = ParsePid(s);
        if (!pid) {
          Add("pid", pid.error().message_en, pid.error().message_vi);
          io = json();
          return;
        }
        refs.push_back({path, spec.ref_class, *pid});
        io = std::move(*pid);
        return;
      }
      default:
        return;
    }
  }

  json TermValue(const std::string& s, const Vocabulary& vocabulary) {
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
    Add("unknown_term",
        "'" + s + "' is not a value of the vocabulary '" + vocabulary.id + "' (expected one of: " +
            expected + ")",
        "'" + s + "' không có trong danh mục '" + vocabulary.label_vi + "' (các giá trị hợp lệ: " +
            expected + ")");
    return json();
  }

  json Number(const json& input, const Compiled::Spec& spec) {
    const bool integer = spec.type == Compiled::Type::kInteger;
    json value = input;
    if (input.is_string() && leniency_ == InputLeniency::kFromText) {
      std::string s(Trim(input.get_ref<const std::string&>()));
      if (s.empty()) return json();
      for (char& c : s) {
        if (c == ',') c = '.';  // Vietnamese decimal comma
      }
      double d = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec == std::errc() && end == s.data() + s.size()) value = d;
    }
    if (!value.is_number()) {
      Add("type", integer ? "must be an integer" : "must be a number",
          integer ? "phải là số nguyên" : "phải là số");
      return json();
    }
    double d = value.get<double>();
    if (!std::isfinite(d)) {
      Add("type", "must be a finite number", "phải là số hữu hạn");
      return json();
    }
    if (integer) {
      if (std::floor(d) != d || std::fabs(d) > 9e15) {
        Add("type", "must be an integer", "phải là số nguyên");
        return json();
      }
      value = static_cast<int64_t>(d);
    }
    size_t before = errors.size();
    if (spec.min && d < *spec.min) {
      Add("min", "must be at least " + spec.min_text, "phải lớn hơn hoặc bằng " + spec.min_text);
    }
    if (spec.max && d > *spec.max) {
      Add("max", "must be at most " + spec.max_text, "phải nhỏ hơn hoặc bằng " + spec.max_text);
    }
    return errors.size() == before ? value : json();
  }

  json Boolean(const json& input) {
    if (input.is_boolean()) return input;
    if (input.is_string() && leniency_ == InputLeniency::kFromText) {
      std::string f = Fold(input.get_ref<const std::string&>());
      if (f.empty()) return json();
      if (f == "true" || f == "1" || f == "x" || f == "co" || f == "yes") return true;
      if (f == "false" || f == "0" || f == "khong" || f == "no") return false;
    }
    Add("type", "must be true or false", "phải là true hoặc false");
    return json();
  }

  // CR LF and lone CR become LF; surrounding whitespace goes. Most text has neither.
  static void NormaliseText(std::string& s) {
    if (s.find('\r') != std::string::npos) {
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
      s = std::move(out);
    }
    std::string_view trimmed = Trim(s);
    if (trimmed.size() == s.size()) return;
    s = std::string(trimmed);
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
  auto compiled = std::make_shared<Compiled>();
  SchemaCompiler compiler(schema->record_, schema->patterns_, schema->vocabularies_, *compiled);
  const json& record = schema->record_;
  compiled->common = compiler.FieldsOf(MemberOf(record, "common"), "common");
  // Every class: the store, the API and the pages take records of all three.
  for (RecordClass cls : {RecordClass::kItem, RecordClass::kOrganisation, RecordClass::kArea}) {
    const std::string name(RecordClassName(cls));
    const std::string where = "classes/" + name;
    const json& spec = MemberOf(MemberOf(record, "classes"), name);
    if (!spec.is_object()) {
      if (compiler.error.empty()) compiler.error = where + " is missing";
      continue;
    }
    Compiled::Class& c = compiled->classes[cls];
    c.fields = compiler.FieldsOf(MemberOf(spec, "fields"), where + "/fields");
    if (const json& kinds = MemberOf(spec, "kinds"); kinds.is_object()) {
      for (const auto& [kind, fields] : kinds.items()) {
        c.kinds.emplace(kind, compiler.FieldsOf(fields, where + "/kinds/" + kind));
      }
    }
    // A record is read against the common fields, its class's and its kind's at once: a key
    // in two of them would be read by the first only.
    for (const auto& [kind, fields] : c.kinds) {
      for (const Compiled::Fields* other : {compiled->common, c.fields}) {
        for (const Compiled::Field& f : *fields) {
          if (Compiled::Find(*other, f.key) != nullptr && compiler.error.empty()) {
            compiler.error = where + "/kinds/" + kind + "/" + f.key + " is defined twice";
          }
        }
      }
    }
    for (const Compiled::Field& f : *c.fields) {
      if (Compiled::Find(*compiled->common, f.key) != nullptr && compiler.error.empty()) {
        compiler.error = where + "/fields/" + f.key + " is also a common field";
      }
    }
    c.kind.type = Compiled::Type::kTerm;
    const json& vocabulary = MemberOf(spec, "kind_vocabulary");
    c.kind.vocabulary = vocabulary.is_string() ? schema->FindVocabulary(vocabulary.get<std::string>()) : nullptr;
    if (c.kind.vocabulary == nullptr && compiler.error.empty()) {
      compiler.error = where + " names no kind_vocabulary";
    }
  }
  if (!compiler.error.empty()) {
    return Fail(ErrorCode::kCorrupt, "record.json has a definition validation cannot follow: " + compiler.error,
                "record.json có định nghĩa không dùng được để kiểm tra dữ liệu: " + compiler.error);
  }
  schema->compiled_ = std::move(compiled);
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
  return *compiled_->classes.at(cls).kind.vocabulary;  // Load requires it
}

Result<Validated> Schema::Validate(RecordClass cls, const json& input, InputLeniency leniency,
                                   std::span<const std::string_view> ignored) const {
  return Validate(cls, json(input), leniency, ignored);
}

Result<Validated> Schema::Validate(RecordClass cls, json&& input, InputLeniency leniency,
                                   std::span<const std::string_view> ignored) const {
  Validator v(leniency);
  if (!input.is_object()) {
    return Fail(ErrorCode::kInvalid, "the record must be a JSON object",
                "bản ghi phải là một đối tượng JSON");
  }
  const Compiled::Class& class_spec = compiled_->classes.at(cls);  // Load requires every class
  std::string kind;
  auto kind_it = input.find("kind");
  if (kind_it == input.end() || kind_it->is_null()) {
    v.errors.push_back({"/kind", "required", "is required", "là trường bắt buộc"});
  } else if (!kind_it->is_string()) {
    v.errors.push_back({"/kind", "type", "must be a string", "phải là chuỗi ký tự"});
  } else {
    v.path = "/kind";
    json k = *kind_it;
    const size_t errors_before = v.errors.size();
    v.Value(k, class_spec.kind);
    v.path.clear();
    if (k.is_string()) {
      kind = k.get<std::string>();
    } else if (v.errors.size() == errors_before) {  // blanks only
      v.errors.push_back({"/kind", "required", "is required", "là trường bắt buộc"});
    }
  }
  static const Compiled::Fields kNoFields;
  auto kind_fields = kind.empty() ? class_spec.kinds.end() : class_spec.kinds.find(kind);
  v.Object(input,
           {compiled_->common, class_spec.fields,
            kind_fields == class_spec.kinds.end() ? &kNoFields : kind_fields->second},
           "kind", ignored);
  const json& out = input;  // normalised now
  // A recognition level is only valid for the kinds its term applies to (a relic is not a
  // national treasure; an intangible element is not ranked "quốc gia đặc biệt").
  const std::string applies_key = cls == RecordClass::kItem ? kind : std::string(RecordClassName(cls));
  const Vocabulary* levels = FindVocabulary("recognition_levels");
  if (auto recognitions = out.find("recognitions");
      levels != nullptr && !applies_key.empty() && recognitions != out.end()) {
    for (size_t i = 0; i < recognitions->size(); ++i) {
      const json& level = MemberOf((*recognitions)[i], "level");
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
  input["kind"] = std::move(kind);
  return Validated{std::move(input), std::move(v.refs)};
}

}  // namespace disan
