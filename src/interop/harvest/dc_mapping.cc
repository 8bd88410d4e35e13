#include "interop/harvest/dc_mapping.h"

#include <regex>

namespace disan::interop::harvest {
namespace {

using nlohmann::json;

const Term* Match(const Schema& schema, std::string_view vocabulary, const std::string& text) {
  const Vocabulary* v = schema.FindVocabulary(vocabulary);
  return v ? v->Match(text) : nullptr;
}

// A BCP 47 tag of the languages vocabulary: the tag itself, or its primary subtag ("en-GB" ->
// "en"); Vietnamese when the element has none. "" when the language is not one we describe.
std::string Language(const Schema& schema, const std::string& lang) {
  if (lang.empty()) return "vi";
  std::string lower;
  for (char c : lang) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const Vocabulary* v = schema.FindVocabulary("languages");
  if (!v) return "";
  if (v->FindId(lower)) return lower;
  std::string primary = lower.substr(0, lower.find('-'));
  return v->FindId(primary) ? primary : "";
}

bool IsUrl(const std::string& s) { return s.starts_with("http://") || s.starts_with("https://"); }

// A licence term whose URI is `text` (ignoring the scheme and a trailing slash).
const Term* LicenceByUri(const Schema& schema, const std::string& text) {
  auto key = [](std::string s) {
    if (s.starts_with("https://"))
      s = s.substr(8);
    else if (s.starts_with("http://"))
      s = s.substr(7);
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
  };
  const Vocabulary* v = schema.FindVocabulary("licences");
  if (!v) return nullptr;
  for (const Term& t : v->terms) {
    if (!t.uri.empty() && key(t.uri) == key(text)) return &t;
  }
  return nullptr;
}

}  // namespace

DcMapping MapDublinCore(const Schema& schema, const std::vector<DcElement>& elements) {
  DcMapping out;
  json& d = out.document;
  d = json::object();
  auto unmapped = [&](const DcElement& e, const std::string& why = "") {
    out.unmapped.push_back("dc:" + e.name + why);
  };
  // The kind comes first: it decides where subjects, creators and formats go.
  std::string kind;
  for (const DcElement& e : elements) {
    if (e.name != "type" || !kind.empty()) continue;
    if (const Term* t = Match(schema, "kinds", e.value)) kind = t->id;
  }
  if (kind.empty()) {
    for (const DcElement& e : elements) {
      if (e.name == "type" && e.value == "PhysicalObject") kind = "artifact";
    }
  }
  if (kind.empty()) kind = "documentary";
  d["kind"] = kind;
  static const std::regex point(R"(^\s*east=\s*(-?[0-9.]+)\s*;\s*north=\s*(-?[0-9.]+)\s*(;.*)?$)");
  static const std::regex years(
      R"(^(-?[0-9]{1,7})(?:-[0-9]{2}(?:-[0-9]{2})?)?(?:\s*/\s*(-?[0-9]{1,7})(?:-[0-9]{2}(?:-[0-9]{2})?)?)?$)");
  json names = json::array(), description = json::array(), places = json::array(),
       sources = json::array(), ethnic = json::array(), languages = json::array(),
       materials = json::array();
  for (const DcElement& e : elements) {
    const std::string& v = e.value;
    if (e.name == "title" || e.name == "description") {
      std::string lang = Language(schema, e.lang);
      if (lang.empty()) {
        unmapped(e, " (xml:lang " + e.lang + ")");
        continue;
      }
      if (e.name == "title") {
        json n = {{"lang", lang}, {"value", v}};
        if (names.empty()) n["preferred"] = true;
        names.push_back(n);
      } else {
        description.push_back({{"lang", lang}, {"value", v}});
      }
    } else if (e.name == "type") {
      if (!Match(schema, "kinds", v) && v != "PhysicalObject") unmapped(e);
    } else if (e.name == "subject") {
      const Term* type = Match(schema, kind + "_types", v);
      if (type && !d.contains(kind + "_type")) {
        d[kind + "_type"] = type->id;
      } else if (const Term* group = Match(schema, "ethnic_groups", v)) {
        if (std::find(ethnic.begin(), ethnic.end(), group->id) == ethnic.end())
          ethnic.push_back(group->id);
      } else if (!type) {
        unmapped(e);
      }
    } else if (e.name == "coverage") {
      std::smatch m;
      if (std::regex_match(v, m, point)) {
        double lon = std::strtod(m[1].str().c_str(), nullptr);
        double lat = std::strtod(m[2].str().c_str(), nullptr);
        places.push_back({{"point", {{"lat", lat}, {"lon", lon}}}});
      } else {
        places.push_back({{"note", v}});
      }
    } else if (e.name == "date") {
      std::smatch m;
      if (!d.contains("dating") && std::regex_match(v, m, years)) {
        json dating = {{"text", v}, {"from_year", std::stoll(m[1].str())}};
        dating["to_year"] = m[2].matched ? std::stoll(m[2].str()) : std::stoll(m[1].str());
        d["dating"] = dating;
      } else if (!d.contains("dating")) {
        d["dating"] = {{"text", v}};
      } else {
        unmapped(e);
      }
    } else if (e.name == "identifier") {
      if (IsUrl(v))
        sources.push_back({{"url", v}});
      else
        unmapped(e);
    } else if (e.name == "source") {
      sources.push_back(IsUrl(v) ? json{{"url", v}} : json{{"title", v}});
    } else if (e.name == "creator" && kind == "documentary" && !d.contains("creator")) {
      d["creator"] = v;
    } else if (e.name == "format" && kind == "documentary" && !d.contains("extent")) {
      d["extent"] = v;
    } else if (e.name == "format" && kind == "artifact") {
      materials.push_back(v);
    } else if (e.name == "language" && kind == "documentary" && !Language(schema, v).empty()) {
      languages.push_back(Language(schema, v));
    } else if (e.name == "rights") {
      const Term* licence = LicenceByUri(schema, v);
      if (!licence && !IsUrl(v)) licence = Match(schema, "licences", v);
      if (licence && !d.contains("licence")) {
        d["licence"] = licence->id;
      } else if (licence && d["licence"] == licence->id) {
        // the same licence again, by label
      } else if (!IsUrl(v) && !d.contains("rights_holder")) {
        d["rights_holder"] = v;
      } else {
        unmapped(e);
      }
    } else {
      unmapped(e);
    }
  }
  if (!names.empty()) d["names"] = names;
  if (!description.empty()) d["description"] = description;
  if (!places.empty()) d["places"] = places;
  if (!sources.empty()) d["sources"] = sources;
  if (!ethnic.empty()) d["ethnic_groups"] = ethnic;
  if (!languages.empty()) d["languages"] = languages;
  if (!materials.empty()) d["materials"] = materials;
  return out;
}

}  // namespace disan::interop::harvest
