// The schema-driven record form (staff_form.h): walks the field definitions of
// schema/record.json once to read a posted form, once to draw the inputs.
#include "http/staff_form.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/text.h"

namespace disan::http::staff {
namespace {

using nlohmann::json;
using portal::Lang;

// The placeholder of a list index in the template entry the script copies.
constexpr std::string_view kIndexPlaceholder = "__i__";
// No list of the schema allows more entries; a bigger index is hostile input.
constexpr int kMaxListIndex = 100000;

// A field definition with its shared type ("use") filled in; the field's own keys (label,
// required, ...) win over those of the type.
json Resolve(const Schema& schema, const json& spec) {
  if (!spec.contains("use")) return spec;
  json out = schema.record_schema()["types"].value(spec["use"].get<std::string>(), json::object());
  for (const auto& [k, v] : spec.items())
    if (k != "use") out[k] = v;
  return out;
}

// The fields of an object in the order a person fills them in: required ones first.
std::vector<std::pair<std::string, json>> Ordered(const Schema& schema, const json& fields) {
  std::vector<std::pair<std::string, json>> out;
  for (const auto& [k, v] : fields.items()) out.emplace_back(k, Resolve(schema, v));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second.value("required", false) && !b.second.value("required", false);
  });
  return out;
}

// The top-level fields of a record of `cls` and `kind`: names and descriptions first, then the
// kind's own fields, the class's, and the rest of the common ones; the note last.
std::vector<std::pair<std::string, json>> TopFields(const Schema& schema, RecordClass cls,
                                                    const std::string& kind) {
  const json& root = schema.record_schema();
  const json& c = root["classes"][std::string(RecordClassName(cls))];
  std::vector<std::pair<std::string, json>> out;
  auto add = [&](const json& fields) {
    for (const auto& [k, v] : fields.items()) {
      if (FormSkipsField(k)) continue;
      if (std::any_of(out.begin(), out.end(), [&](const auto& f) { return f.first == k; }))
        continue;
      out.emplace_back(k, Resolve(schema, v));
    }
  };
  const json& common = root["common"];
  for (const char* first : {"names", "description"})
    if (common.contains(first)) add(json{{first, common[first]}});
  if (c.contains("kinds") && c["kinds"].contains(kind)) add(c["kinds"][kind]);
  if (c.contains("fields")) add(c["fields"]);
  json rest = common;
  rest.erase("note");
  add(rest);
  if (common.contains("note")) add(json{{"note", common["note"]}});
  return out;
}

bool IsScalarType(const std::string& type) { return type != "object" && type != "list"; }

// A number as a person typed it ("12,5" is 12.5); nullopt when it is not one.
std::optional<json> ReadNumber(std::string text, bool integer) {
  std::replace(text.begin(), text.end(), ',', '.');
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  if (integer && std::floor(d) == d && std::fabs(d) < 9e15) return json(static_cast<int64_t>(d));
  return json(d);
}

// The indices of the entries of list `path` the form has inputs for, in order.
std::set<int> ListIndices(const Form& form, const std::string& path) {
  std::set<int> out;
  const std::string prefix = path + "/";
  for (auto it = form.lower_bound(prefix); it != form.end() && it->first.starts_with(prefix);
       ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    rest = rest.substr(0, rest.find('/'));
    int i = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), i);
    if (ec == std::errc() && end == rest.data() + rest.size() && !rest.empty() && i >= 0 &&
        i < kMaxListIndex)
      out.insert(i);
  }
  return out;
}

json Read(const Schema& schema, const json& spec, const std::string& path, const Form& form) {
  const std::string type = spec.value("type", "");
  if (type == "object") {
    json out = json::object();
    for (const auto& [k, sub] : Ordered(schema, spec.value("fields", json::object()))) {
      json v = Read(schema, sub, path + "/" + k, form);
      if (!v.is_null()) out[k] = std::move(v);
    }
    return out.empty() ? json() : out;
  }
  if (type == "list") {
    json of = Resolve(schema, spec.value("of", json::object()));
    json out = json::array();
    for (int i : ListIndices(form, path)) {
      json v = Read(schema, of, path + "/" + std::to_string(i), form);
      if (!v.is_null()) out.push_back(std::move(v));
    }
    return out.empty() ? json() : out;
  }
  auto it = form.find(path);
  if (it == form.end()) return json();
  std::string text(Trim(it->second));
  if (text.empty()) return json();
  if (type == "boolean") return text == "true" ? json(true) : json();
  if (type == "integer" || type == "number") {
    if (std::optional<json> n = ReadNumber(text, type == "integer")) return *n;
    return text;  // the catalogue says "must be a number", naming this path
  }
  return it->second;  // as typed: the catalogue trims and normalises
}

// ---- Drawing ----

struct Drawer {
  const Schema& schema;
  Lang lang;
  std::map<std::string, std::vector<const FieldError*>> errors;  // by path
  json rows = json::array();

  std::string Label(const json& spec, const std::string& fallback) const {
    const json& l = spec.value("label", json::object());
    std::string s = l.value(lang == Lang::kVi ? "vi" : "en", "");
    return s.empty() ? fallback : s;
  }

  json ErrorsAt(const std::string& path) const {
    json out = json::array();
    auto it = errors.find(path);
    if (it == errors.end()) return out;
    for (const FieldError* e : it->second) {
      out.push_back({{"text", lang == Lang::kVi ? e->message_vi : e->message_en},
                     {"other", lang == Lang::kVi ? e->message_en : e->message_vi},
                     {"other_lang", std::string(portal::LangCode(portal::OtherLang(lang)))}});
    }
    return out;
  }

  json Options(const json& spec, const std::string& type, const std::string& chosen) const {
    const Vocabulary* v =
        schema.FindVocabulary(type == "language" ? "languages" : spec.value("vocabulary", ""));
    json out = json::array();
    out.push_back({{"value", ""}, {"label", "—"}, {"selected", chosen.empty()}});
    bool found = chosen.empty();
    if (v) {
      for (const Term& t : v->terms) {
        found = found || t.id == chosen;
        out.push_back({{"value", t.id},
                       {"label", lang == Lang::kVi ? t.label_vi : t.label_en},
                       {"selected", t.id == chosen}});
      }
    }
    // A value the vocabulary lacks (a mistyped post) stays in the form, to be corrected.
    if (!found) out.push_back({{"value", chosen}, {"label", chosen}, {"selected", true}});
    return out;
  }

  void Input(const json& spec, const std::string& path, const std::string& label,
             const json& value) {
    const std::string type = spec.value("type", "string");
    json row = {{"r_input", true},
                {"id", InputId(path)},
                {"name", path},
                {"label", label},
                {"required", spec.value("required", false)},
                {"field_errors", ErrorsAt(path)}};
    row["invalid"] = !row["field_errors"].empty();
    std::string text;
    if (value.is_string())
      text = value.get<std::string>();
    else if (value.is_number())
      text = value.dump();
    if (type == "term" || type == "language") {
      row["r_select"] = true;
      row["options"] = Options(spec, type, text);
    } else if (type == "boolean") {
      row["r_checkbox"] = true;
      row["checked"] = value.is_boolean() && value.get<bool>();
    } else if (type == "text") {
      row["r_textarea"] = true;
      row["value"] = text;
    } else {
      row["r_line"] = true;
      row["value"] = text;
      row["input_type"] = type == "url" ? "url" : "text";
      if (type == "integer" || type == "number") {
        row["inputmode"] = type == "integer" ? "numeric" : "decimal";
      }
      if (type == "date") row["hint"] = "YYYY, YYYY-MM, YYYY-MM-DD";
      if (type == "ref") {
        // A record link: a PID or a record's exact name (the server resolves it); the script
        // offers suggestions of that class as the person types.
        row["hint"] = lang == Lang::kVi ? "mã PID hoặc đúng tên" : "PID or exact name";
        row["ref_class"] = spec.value("class", "item");
      }
      if (spec.contains("max_length")) row["maxlength"] = spec["max_length"].dump();
    }
    rows.push_back(std::move(row));
  }

  void Draw(const json& spec, const std::string& path, const std::string& label,
            const json& value) {
    const std::string type = spec.value("type", "string");
    if (IsScalarType(type)) return Input(spec, path, label, value);
    if (type == "object") {
      rows.push_back({{"r_open", true},
                      {"legend", label},
                      {"group_id", InputId(path)},
                      {"group_errors", ErrorsAt(path)}});
      for (const auto& [k, sub] : Ordered(schema, spec.value("fields", json::object()))) {
        json v = value.is_object() && value.contains(k) ? value[k] : json();
        Draw(sub, path + "/" + k, Label(sub, k), v);
      }
      rows.push_back({{"r_close", true}});
      return;
    }
    // A list: its entries, one empty entry, and the template entry the script copies.
    json of = Resolve(schema, spec.value("of", json::object()));
    const size_t n = value.is_array() ? value.size() : 0;
    rows.push_back({{"r_list_open", true},
                    {"legend", label},
                    {"group_id", InputId(path)},
                    {"list_path", path},
                    {"next", std::to_string(n + 1)},
                    {"group_errors", ErrorsAt(path)}});
    const std::string entry_label = Label(of, label);
    auto entry = [&](const std::string& index, const json& v, std::string_view number) {
      rows.push_back({{"r_entry_open", true}});
      const std::string p = path + "/" + index;
      std::string l = entry_label + " " + std::string(number);
      if (IsScalarType(of.value("type", ""))) {
        Input(of, p, l, v);
      } else {
        Draw(of, p, l, v);
      }
      rows.push_back({{"r_entry_close", true}, {"entry_label", l}});
    };
    for (size_t i = 0; i < n; ++i) entry(std::to_string(i), value[i], std::to_string(i + 1));
    entry(std::to_string(n), json(), std::to_string(n + 1));
    rows.push_back({{"r_template_open", true}});
    entry(std::string(kIndexPlaceholder), json(), "");
    rows.push_back({{"r_template_close", true}, {"add_label", entry_label}});
    rows.push_back({{"r_list_close", true}});
  }
};

}  // namespace

bool FormSkipsField(const std::string& name) { return name == "status" || name == "kind"; }

std::string InputId(const std::string& path) {
  std::string id = "f";
  for (char c : path) id += c == '/' ? '-' : c;
  return id;
}

std::vector<std::string> FormFieldNames(const Schema& schema, RecordClass cls,
                                        const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& [k, spec] : TopFields(schema, cls, kind)) out.push_back(k);
  return out;
}

json DocumentFromForm(const Schema& schema, RecordClass cls, const std::string& kind,
                      const Form& form) {
  json doc = json::object();
  for (const auto& [k, spec] : TopFields(schema, cls, kind)) {
    json v = Read(schema, spec, "/" + k, form);
    if (!v.is_null()) doc[k] = std::move(v);
  }
  return doc;
}

namespace {

void CollectRefs(const Schema& schema, const json& spec, const std::string& path, const json& value,
                 std::vector<RefInput>& out) {
  const std::string type = spec.value("type", "");
  if (type == "ref") {
    if (value.is_string()) {
      out.push_back({path, ParseRecordClass(spec.value("class", "item")).value_or(RecordClass::kItem),
                     value.get<std::string>()});
    }
  } else if (type == "object" && value.is_object()) {
    for (const auto& [k, sub] : Ordered(schema, spec.value("fields", json::object()))) {
      if (value.contains(k)) CollectRefs(schema, sub, path + "/" + k, value[k], out);
    }
  } else if (type == "list" && value.is_array()) {
    json of = Resolve(schema, spec.value("of", json::object()));
    for (size_t i = 0; i < value.size(); ++i)
      CollectRefs(schema, of, path + "/" + std::to_string(i), value[i], out);
  }
}

}  // namespace

std::vector<RefInput> RefInputs(const Schema& schema, RecordClass cls, const std::string& kind,
                                const json& document) {
  std::vector<RefInput> out;
  if (!document.is_object()) return out;
  for (const auto& [k, spec] : TopFields(schema, cls, kind)) {
    if (document.contains(k)) CollectRefs(schema, spec, "/" + k, document[k], out);
  }
  return out;
}

json FormRows(const Schema& schema, RecordClass cls, const std::string& kind, const json& document,
              const std::vector<FieldError>& errors, Lang lang) {
  Drawer d{schema, lang, {}, json::array()};
  for (const FieldError& e : errors) d.errors[e.path].push_back(&e);
  for (const auto& [k, spec] : TopFields(schema, cls, kind)) {
    json v = document.is_object() && document.contains(k) ? document[k] : json();
    d.Draw(spec, "/" + k, d.Label(spec, k), v);
  }
  return std::move(d.rows);
}

}  // namespace disan::http::staff
