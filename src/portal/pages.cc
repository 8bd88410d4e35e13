// Page models of the public portal.
#include "portal/pages.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <set>

#include "catalogue/licences.h"
#include "core/pid.h"
#include "core/text.h"
#include "interop/xml.h"
#include "portal/renderer.h"
#include "portal/slug.h"

namespace disan::portal {

using nlohmann::json;

namespace {

const Actor kPublic{"portal", Audience::kPublic};

std::string Tr(Lang lang, const std::string& key) { return Translations::Builtin().Get(lang, key); }

std::string TermLabel(const Schema& schema, std::string_view vocabulary, const std::string& id,
                      Lang lang) {
  if (const Vocabulary* v = schema.FindVocabulary(vocabulary)) {
    if (const Term* t = v->FindId(id)) return lang == Lang::kVi ? t->label_vi : t->label_en;
  }
  return id;
}

std::string TypeLabel(const Schema& schema, const std::string& id, Lang lang) {
  for (std::string_view v :
       {"relic_types", "artifact_types", "intangible_types", "documentary_types"}) {
    if (const Vocabulary* voc = schema.FindVocabulary(v)) {
      if (const Term* t = voc->FindId(id)) return lang == Lang::kVi ? t->label_vi : t->label_en;
    }
  }
  return id;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return "";
}

// A query string (without '?') from parameters, leaving out `drop` and empty values.
std::string QueryString(const std::multimap<std::string, std::string>& query,
                        const std::set<std::string>& drop = {}) {
  std::string out;
  for (const auto& [k, v] : query) {
    if (drop.contains(k) || v.empty()) continue;
    out += (out.empty() ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
  }
  return out;
}

std::string WithQuery(std::string_view path, const std::string& query) {
  return query.empty() ? std::string(path) : std::string(path) + "?" + query;
}

// Descriptions in the page's language first.
std::string DescriptionIn(const json& doc, Lang lang) {
  std::string first, vi;
  for (const json& d : doc.value("description", json::array())) {
    std::string lang_of = Str(d, "lang"), value = Str(d, "value");
    if (lang_of == LangCode(lang)) return value;
    if (lang_of == "vi" && vi.empty()) vi = value;
    if (first.empty()) first = value;
  }
  return vi.empty() ? first : vi;
}

std::string Shorten(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  size_t space = text.rfind(' ', cut);
  if (space != std::string::npos && space > max_bytes / 2) cut = space;
  return text.substr(0, cut) + "…";
}

// "Xã Thuận An, Lâm Đồng (trước 2025: Đắk Lao, Đắk Mil, Đắk Nông)" in short form.
std::string PlaceLine(const json& doc, Lang lang) {
  for (const json& p : doc.value("places", json::array())) {
    std::vector<std::string> now, before;
    for (const char* k : {"commune_2025", "province_2025"}) {
      if (!Str(p, k).empty()) now.push_back(Str(p, k));
    }
    for (const char* k : {"commune_old", "district_old", "province_old"}) {
      if (!Str(p, k).empty()) before.push_back(Str(p, k));
    }
    auto join = [](const std::vector<std::string>& parts) {
      std::string s;
      for (const std::string& x : parts) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    std::string line = join(now);
    if (!before.empty()) {
      line += (line.empty() ? "" : " ") + std::string("(") + Tr(lang, "place_before_2025") + ": " +
              join(before) + ")";
    }
    if (!line.empty()) return line;
  }
  return "";
}

// The public media of a record, sorted into what each viewer shows.
struct MediaSet {
  json images = json::array(), panoramas = json::array(), models = json::array(),
       audio = json::array(), video = json::array(), documents = json::array();
  std::string thumbnail;  // IIIF thumbnail URL of the first image, or ""
  std::string thumbnail_alt;
};

std::string MediaFileUrl(const MediaAsset& a) { return "/api/v1/media/" + a.id + "/file"; }

MediaSet MediaOf(Catalogue& catalogue, const std::string& pid, const std::string& name, Lang lang) {
  MediaSet set;
  Result<std::vector<MediaAsset>> assets = catalogue.store().ListMedia(pid);
  if (!assets) return set;
  for (const MediaAsset& a : *assets) {
    if (a.visibility != "public") continue;
    std::string caption = lang == Lang::kEn && !a.caption_en.empty() ? a.caption_en : a.caption_vi;
    if (caption.empty()) caption = a.caption_en;
    std::string alt = caption.empty() ? name : caption;
    std::string iiif = "/iiif/3/" + a.id;
    json m = {{"id", a.id},
              {"caption", caption},
              {"alt", alt},
              {"creator", a.creator},
              {"licence",
               a.licence.empty() ? "" : TermLabel(catalogue.schema(), "licences", a.licence, lang)},
              {"media_type", a.media_type},
              {"file", MediaFileUrl(a)},
              {"record", "/api/v1/media/" + a.id}};
    bool image = a.media_type.starts_with("image/");
    if (image && a.role == "panorama") {
      m["full"] = iiif + "/full/max/0/default.jpg";
      set.panoramas.push_back(m);
    } else if (image) {
      m["info"] = iiif + "/info.json";
      m["thumb"] = iiif + "/full/!400,400/0/default.jpg";
      set.images.push_back(m);
      if (set.thumbnail.empty()) {
        set.thumbnail = m["thumb"];
        set.thumbnail_alt = alt;
      }
    } else if (a.media_type.starts_with("model/") || a.role == "model_3d") {
      set.models.push_back(m);
    } else if (a.media_type.starts_with("audio/")) {
      set.audio.push_back(m);
    } else if (a.media_type.starts_with("video/")) {
      m["poster"] = "/api/v1/media/" + a.id + "/thumbnail";  // the poster frame (docs/iiif.md)
      set.video.push_back(m);
    } else {
      set.documents.push_back(m);
    }
  }
  return set;
}

// Map points of a record: {lat, lon, name, url, generalised}.
void AddPoints(const StoredRecord& r, Lang lang, json& points) {
  bool generalised = r.document.value("location_precision", "exact") == "generalised";
  for (const json& p : r.document.value("places", json::array())) {
    auto pt = p.find("point");
    if (pt == p.end() || !pt->is_object() || !pt->contains("lat") || !pt->contains("lon")) continue;
    points.push_back({{"lat", (*pt)["lat"]},
                      {"lon", (*pt)["lon"]},
                      {"name", DisplayName(r.document, lang)},
                      {"url", RecordPath(r)},
                      {"generalised", generalised}});
  }
}

json MapModel(const json& points, const PageRequest& req) {
  json config = {{"points", points},
                 {"tiles", req.tile_url},
                 {"generalised_note", Tr(req.lang, "map_generalised")}};
  return {{"data", ScriptJson(config)}, {"count", points.size()}, {"has_points", !points.empty()}};
}

std::vector<std::string> LevelsOf(const json& doc) {
  std::vector<std::string> out;
  for (const json& r : doc.value("recognitions", json::array())) {
    if (!Str(r, "level").empty()) out.push_back(Str(r, "level"));
  }
  return out;
}

// A short card of an item, for lists and search results.
json Card(Catalogue& catalogue, const StoredRecord& r, Lang lang, bool with_media) {
  const Schema& schema = catalogue.schema();
  json levels = json::array();
  for (const std::string& l : LevelsOf(r.document))
    levels.push_back(TermLabel(schema, "recognition_levels", l, lang));
  std::string name = DisplayName(r.document, lang);
  json card = {{"name", name},
               {"url", RecordPath(r)},
               {"pid", r.pid},
               {"kind", TermLabel(schema, "kinds", Str(r.document, "kind"), lang)},
               {"levels", levels},
               {"place", PlaceLine(r.document, lang)},
               {"summary", Shorten(DescriptionIn(r.document, lang), 220)}};
  if (with_media) {
    MediaSet media = MediaOf(catalogue, r.pid, name, lang);
    if (!media.thumbnail.empty())
      card["thumb"] = {{"src", media.thumbnail}, {"alt", media.thumbnail_alt}};
  }
  return card;
}

constexpr size_t kFacetValuesShown = 12;
constexpr size_t kHoldersShown = 6;
// The home map is a foretaste (each point is a record read); the search page's map view shows all.
constexpr size_t kHomeMapPoints = 50;

struct FacetSpec {
  std::string field;  // as the search engine names it
  std::string param;  // as URLs name it
};

const std::vector<FacetSpec>& FacetSpecs() {
  static const std::vector<FacetSpec> specs = {
      {"kind", "kind"},           {"level", "level"},     {"type", "type"},
      {"district", "district"},   {"commune", "commune"}, {"ethnic", "ethnic_group"},
      {"custodian", "custodian"}, {"area", "area"},       {"period", "period"},
      {"licence", "licence"}};
  return specs;
}

std::string FacetValueLabel(Catalogue& catalogue, const std::string& field,
                            const std::string& value, Lang lang) {
  const Schema& schema = catalogue.schema();
  if (field == "kind") return TermLabel(schema, "kinds", value, lang);
  if (field == "level") return TermLabel(schema, "recognition_levels", value, lang);
  if (field == "type") return TypeLabel(schema, value, lang);
  if (field == "ethnic") return TermLabel(schema, "ethnic_groups", value, lang);
  if (field == "licence") return TermLabel(schema, "licences", value, lang);
  if (field == "period") {
    size_t dots = value.find("..");
    return dots == std::string::npos ? value : value.substr(0, dots) + "–" + value.substr(dots + 2);
  }
  if (field == "custodian" || field == "area") {
    RecordClass cls = field == "custodian" ? RecordClass::kOrganisation : RecordClass::kArea;
    if (Result<StoredRecord> r = catalogue.Get(cls, value, kPublic); r && !r->deleted) {
      return DisplayName(r->document, lang);
    }
  }
  return value;
}

json LinkCounts(Catalogue& catalogue, const std::vector<FacetCount>& counts,
                const std::string& field, const std::string& param, Lang lang, size_t limit) {
  json out = json::array();
  for (const FacetCount& f : counts) {
    if (out.size() >= limit) break;
    out.push_back(
        {{"label", FacetValueLabel(catalogue, field, f.value, lang)},
         {"count", f.count},
         {"href", WithQuery(kSearchPath, PercentEncode(param) + "=" + PercentEncode(f.value))}});
  }
  return out;
}

json JsonLd(Catalogue& catalogue, const StoredRecord& r, const PageRequest& req,
            const MediaSet& media) {
  const json& d = r.document;
  std::string kind = Str(d, "kind");
  std::string type = kind == "relic"        ? "LandmarksOrHistoricalBuildings"
                     : kind == "intangible" ? "Thing"
                                            : "CreativeWork";
  json names = json::array();
  for (const json& n : d.value("names", json::array()))
    names.push_back({{"@value", Str(n, "value")}, {"@language", Str(n, "lang")}});
  json ld = {{"@context", "https://schema.org"},
             {"@type", type},
             {"@id", req.site + "/id/" + r.pid},
             {"url", req.site + RecordPath(r)},
             {"identifier", r.pid},
             {"name", DisplayName(d, Lang::kVi)},
             {"alternateName", names}};
  std::string description = DescriptionIn(d, Lang::kVi);
  if (!description.empty()) ld["description"] = description;
  if (!Str(d, "licence").empty()) {
    if (const Vocabulary* v = catalogue.schema().FindVocabulary("licences")) {
      if (const Term* t = v->FindId(Str(d, "licence")); t && !t->uri.empty())
        ld["license"] = t->uri;
    }
  }
  for (const json& p : d.value("places", json::array())) {
    json place = {{"@type", "Place"}};
    std::string address;
    for (const char* k : {"commune_2025", "province_2025"}) {
      if (!Str(p, k).empty()) address += (address.empty() ? "" : ", ") + Str(p, k);
    }
    if (!address.empty()) place["address"] = address + ", Việt Nam";
    if (p.contains("point") && p["point"].is_object()) {
      place["geo"] = {{"@type", "GeoCoordinates"},
                      {"latitude", p["point"].value("lat", 0.0)},
                      {"longitude", p["point"].value("lon", 0.0)}};
    }
    ld[type == "LandmarksOrHistoricalBuildings" ? "containedInPlace" : "spatialCoverage"] = place;
    break;
  }
  if (!media.thumbnail.empty()) ld["image"] = req.site + media.thumbnail;
  return ld;
}

// A value of a kind-specific field, as a reader sees it.
std::string FormatValue(const Schema& schema, const json& def, const json& value, Lang lang) {
  std::string type = def.value("type", "");
  if (type == "term" && value.is_string())
    return TermLabel(schema, def.value("vocabulary", ""), value, lang);
  if (type == "language" && value.is_string()) return TermLabel(schema, "languages", value, lang);
  if (type == "list" && value.is_array()) {
    json of = def.value("of", json::object());
    std::string out;
    for (const json& v : value) {
      std::string s = FormatValue(schema, of, v, lang);
      if (!s.empty()) out += (out.empty() ? "" : ", ") + s;
    }
    return out;
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) {
    if (value.is_boolean()) return Tr(lang, value.get<bool>() ? "yes" : "no");
    return value.dump();
  }
  if (value.is_object()) {
    if (value.contains("text") && value["text"].is_string()) return value["text"];
    if (value.contains("name") && value["name"].is_string()) return value["name"];
    std::string out;
    for (const auto& [k, v] : value.items())
      out +=
          (out.empty() ? "" : "; ") + k + ": " + (v.is_string() ? v.get<std::string>() : v.dump());
    return out;
  }
  return "";
}

const json& FieldDefinition(const Schema& schema, const json& fields_owner, const json& def) {
  if (def.contains("use")) {
    const json& types = schema.record_schema()["types"];
    auto it = types.find(def["use"].get<std::string>());
    if (it != types.end()) return *it;
  }
  (void)fields_owner;
  return def;
}

std::string Label(const json& def, Lang lang) {
  if (def.contains("label") && def["label"].is_object())
    return def["label"].value(std::string(LangCode(lang)), "");
  return "";
}

json RecordLinks(const StoredRecord& r) {
  std::string collection = r.cls == RecordClass::kItem           ? "items"
                           : r.cls == RecordClass::kOrganisation ? "organisations"
                                                                 : "areas";
  json links = {{"json", "/api/v1/" + collection + "/" + r.pid}, {"id", "/id/" + r.pid}};
  if (r.cls == RecordClass::kItem) {
    links["jsonld"] = "/api/v1/items/" + r.pid + ".jsonld";
    links["manifest"] = "/iiif/3/manifests/" + r.pid;
  }
  return links;
}

json RefLink(Catalogue& catalogue, RecordClass cls, const std::string& pid, Lang lang) {
  Result<StoredRecord> r = catalogue.Get(cls, pid, kPublic);
  if (!r || r->deleted) return {{"name", pid}, {"url", ""}};
  return {{"name", DisplayName(r->document, lang)}, {"url", RecordPath(*r)}};
}

json NamesModel(const Schema& schema, const json& doc, Lang lang) {
  json names = json::array();
  for (const json& n : doc.value("names", json::array())) {
    names.push_back({{"value", Str(n, "value")},
                     {"lang", Str(n, "lang")},
                     {"language", TermLabel(schema, "languages", Str(n, "lang"), lang)},
                     {"preferred", n.value("preferred", false)},
                     {"note", Str(n, "note")}});
  }
  return names;
}

json DescriptionsModel(const Schema& schema, const json& doc, Lang lang) {
  json out = json::array();
  for (const json& d : doc.value("description", json::array())) {
    json entry = {{"lang", Str(d, "lang")},
                  {"language", TermLabel(schema, "languages", Str(d, "lang"), lang)},
                  {"paragraphs", json::array()}};
    for (const std::string& para : SplitTrimmed(Str(d, "value"), "\n"))
      entry["paragraphs"].push_back(para);
    if (Str(d, "lang") == LangCode(lang))
      out.insert(out.begin(), entry);
    else
      out.push_back(entry);
  }
  return out;
}

json RecognitionsModel(const Schema& schema, const json& doc, Lang lang) {
  json out = json::array();
  for (const json& r : doc.value("recognitions", json::array())) {
    out.push_back({{"level", TermLabel(schema, "recognition_levels", Str(r, "level"), lang)},
                   {"decision", Str(r, "decision")},
                   {"date", Str(r, "date")},
                   {"year", Str(r, "year")},
                   {"authority", Str(r, "authority")},
                   {"component", r.value("component", false)},
                   {"note", Str(r, "note")}});
  }
  return out;
}

json PlacesModel(const json& doc) {
  json out = json::array();
  for (const json& p : doc.value("places", json::array())) {
    json place = json::object();
    for (const char* k :
         {"province_2025", "province_2025_code", "commune_2025", "commune_2025_code",
          "province_old", "province_old_code", "district_old", "commune_old", "address", "note"}) {
      if (!Str(p, k).empty()) place[k] = Str(p, k);
    }
    place["has_2025"] = place.contains("province_2025") || place.contains("commune_2025");
    place["has_former"] = place.contains("province_old") || place.contains("district_old") ||
                          place.contains("commune_old");
    if (p.contains("point") && p["point"].is_object()) {
      place["point"] = {{"lat", p["point"].value("lat", 0.0)},
                        {"lon", p["point"].value("lon", 0.0)}};
    }
    out.push_back(place);
  }
  return out;
}

}  // namespace

std::string ClassPrefix(RecordClass cls) {
  switch (cls) {
    case RecordClass::kItem:
      return "/di-san/";
    case RecordClass::kOrganisation:
      return "/to-chuc/";
    case RecordClass::kArea:
      return "/khu-vuc/";
  }
  return "/di-san/";
}

std::string RecordPath(const StoredRecord& record) {
  return ClassPrefix(record.cls) + SlugSegment(DisplayName(record.document, Lang::kVi), record.pid);
}

std::string DisplayName(const json& document, Lang lang) {
  std::string preferred, first, english;
  for (const json& n : document.value("names", json::array())) {
    std::string v = Str(n, "value");
    if (first.empty()) first = v;
    if (n.value("preferred", false) && preferred.empty()) preferred = v;
    if (Str(n, "lang") == "en" && english.empty()) english = v;
  }
  if (lang == Lang::kEn && !english.empty()) return english;
  return preferred.empty() ? first : preferred;
}

json CommonModel(const PageRequest& req, const std::string& title, const std::string& description) {
  Lang other = OtherLang(req.lang);
  std::multimap<std::string, std::string> switched = req.query;
  switched.erase("lang");
  switched.erase("cursor");
  std::string rest = QueryString(switched);
  std::string canonical_query = QueryString(req.query, {"lang", "cursor"});
  json nav = json::array();
  for (const auto& [href, key] : {std::pair<std::string, std::string>{"/", "nav_home"},
                                  {std::string(kSearchPath), "nav_search"},
                                  {std::string(kCataloguePath), "nav_catalogue"},
                                  {std::string(kOpenDataPath), "nav_open_data"}}) {
    nav.push_back({{"href", href}, {"label", Tr(req.lang, key)}, {"current", req.path == href}});
  }
  return {{"site", req.site},
          {"title", title},
          {"description", description},
          {"path", req.path},
          {"canonical", req.site + WithQuery(req.path, canonical_query)},
          {"alternate_vi",
           req.site + WithQuery(req.path, rest + (rest.empty() ? "" : "&") + "lang=vi")},
          {"alternate_en",
           req.site + WithQuery(req.path, rest + (rest.empty() ? "" : "&") + "lang=en")},
          {"switch_href", WithQuery(req.path, rest + (rest.empty() ? "" : "&") +
                                                  "lang=" + std::string(LangCode(other)))},
          {"switch_lang", std::string(LangCode(other))},
          {"og_locale", req.lang == Lang::kVi ? "vi_VN" : "en_US"},
          {"nav", nav},
          {"search_q", ""}};
}

Result<SearchParams> SearchParamsFromQuery(const std::multimap<std::string, std::string>& query) {
  SearchParams p;
  p.limit = 20;
  for (const auto& [k, v] : query) {
    if (k == "q") {
      if (v.size() > 1000) {
        return Fail(Error{ErrorCode::kInvalid,
                          "q: the query is longer than 1000 bytes",
                          "q: câu tìm kiếm dài quá 1000 byte",
                          {{"q", "too_long", "longer than 1000 bytes", "dài quá 1000 byte"}}});
      }
      p.q = v;
    } else if (k == "sort") {
      static const std::map<std::string, SearchSort> kSorts = {
          {"relevance", SearchSort::kRelevance},
          {"name", SearchSort::kName},
          {"recognised", SearchSort::kRecognised},
          {"changed", SearchSort::kChanged}};
      auto it = kSorts.find(v);
      if (it == kSorts.end()) {
        return Fail(Error{ErrorCode::kInvalid,
                          "sort: must be relevance, name, recognised or changed",
                          "sort: phải là relevance, name, recognised hoặc changed",
                          {{"sort", "invalid", "must be relevance, name, recognised or changed",
                            "phải là relevance, name, recognised hoặc changed"}}});
      }
      p.sort = it->second;
    } else if (k == "cursor") {
      if (v.size() > 512) {
        return Fail(Error{ErrorCode::kInvalid,
                          "cursor: not a cursor this server made",
                          "cursor: không phải con trỏ do máy chủ này tạo",
                          {{"cursor", "invalid", "not a cursor this server made",
                            "không phải con trỏ do máy chủ này tạo"}}});
      }
      p.cursor = v;
    } else {
      for (const FacetSpec& f : FacetSpecs()) {
        if (f.param == k && !v.empty()) {
          if (v.size() > 300 || p.filters[f.field].size() >= 50) {
            return Fail(Error{ErrorCode::kInvalid,
                              k + ": too long or repeated too often",
                              k + ": quá dài hoặc lặp lại quá nhiều lần",
                              {{k, "too_long", "too long or repeated too often",
                                "quá dài hoặc lặp lại quá nhiều lần"}}});
          }
          p.filters[f.field].push_back(v);
        }
      }
    }
  }
  return p;
}

Result<json> HomeModel(Catalogue& catalogue, const PageRequest& req) {
  Lang lang = req.lang;
  SearchParams all;
  all.limit = 1;
  SearchPage counts = TRY(catalogue.Search(all, kPublic));
  SearchParams top;
  top.limit = 12;
  top.facets = false;
  top.sort = SearchSort::kName;
  top.filters["level"] = {"unesco_representative", "unesco_urgent_safeguarding",
                          "unesco_world_heritage", "unesco_memory_of_the_world",
                          "special_national",      "national_treasure"};
  SearchPage highlights = TRY(catalogue.Search(top, kPublic));
  json cards = json::array();
  for (const SearchHitView& h : highlights.hits)
    cards.push_back(Card(catalogue, h.record, lang, true));
  SearchParams located;
  located.limit = kHomeMapPoints;
  located.facets = false;
  located.bbox = BoundingBox{-90, -180, 90, 180};
  SearchPage on_map = TRY(catalogue.Search(located, kPublic));
  json points = json::array();
  for (const SearchHitView& h : on_map.hits) AddPoints(h.record, lang, points);
  // Museums and areas: those holding the most public items (from the counts' facets, a few
  // record reads); when no item names one yet, the first few records of the class.
  json holders = json::array();
  for (RecordClass cls : {RecordClass::kOrganisation, RecordClass::kArea}) {
    const char* vocabulary = cls == RecordClass::kArea ? "area_types" : "organisation_types";
    std::vector<StoredRecord> records;
    for (const FacetCount& f : counts.facets[cls == RecordClass::kArea ? "area" : "custodian"]) {
      if (records.size() >= kHoldersShown) break;
      if (Result<StoredRecord> r = catalogue.Get(cls, f.value, kPublic); r && !r->deleted) {
        records.push_back(std::move(*r));
      }
    }
    if (records.empty()) {
      ListFilters f;
      f.limit = kHoldersShown;
      records = TRY(catalogue.List(cls, f, kPublic)).records;
    }
    for (const StoredRecord& r : records) {
      holders.push_back(
          {{"name", DisplayName(r.document, lang)},
           {"url", RecordPath(r)},
           {"kind", TermLabel(catalogue.schema(), vocabulary, Str(r.document, "kind"), lang)}});
    }
  }
  json model = CommonModel(req, Tr(lang, "home_title"), Tr(lang, "home_intro"));
  model["total"] = counts.total;
  model["kinds"] = LinkCounts(catalogue, counts.facets["kind"], "kind", "kind", lang, 20);
  model["levels"] = LinkCounts(catalogue, counts.facets["level"], "level", "level", lang, 20);
  model["districts"] =
      LinkCounts(catalogue, counts.facets["district"], "district", "district", lang, 16);
  model["ethnic_groups"] =
      LinkCounts(catalogue, counts.facets["ethnic"], "ethnic", "ethnic_group", lang, 16);
  model["highlights"] = cards;
  model["holders"] = holders;
  model["map"] = MapModel(points, req);
  return model;
}

Result<json> SearchModel(Catalogue& catalogue, const SearchParams& params, const PageRequest& req) {
  Lang lang = req.lang;
  bool map_view = false;
  for (const auto& [k, v] : req.query) {
    if (k == "view" && v == "map") map_view = true;
  }
  SearchParams p = params;
  if (map_view) p.limit = 500;
  SearchPage page = TRY(catalogue.Search(p, kPublic));
  json results = json::array();
  json points = json::array();
  for (const SearchHitView& h : page.hits) {
    json card = Card(catalogue, h.record, lang, !map_view);
    if (!h.snippet.empty()) card["snippet"] = h.snippet;  // HTML made by search::Snippet (escaped)
    results.push_back(std::move(card));
    if (map_view) AddPoints(h.record, lang, points);
  }
  std::multimap<std::string, std::string> base = req.query;
  base.erase("lang");
  base.erase("cursor");
  json facets = json::array();
  json selected = json::array();
  for (const FacetSpec& spec : FacetSpecs()) {
    const std::vector<FacetCount>& counts = page.facets[spec.field];
    std::set<std::string> chosen;
    auto it = p.filters.find(spec.field);
    if (it != p.filters.end()) chosen.insert(it->second.begin(), it->second.end());
    json values = json::array();
    size_t n = 0;
    auto toggle = [&](const std::string& value) {
      std::multimap<std::string, std::string> q;
      bool removed = false;
      for (const auto& [k, v] : base) {
        if (k == spec.param && v == value)
          removed = true;
        else
          q.emplace(k, v);
      }
      if (!removed) q.emplace(spec.param, value);
      return WithQuery(kSearchPath, QueryString(q));
    };
    // The largest values and the chosen ones: a page of hundreds of communes or custodians
    // would bury the results (the API lists them all).
    size_t shown = 0;
    for (const FacetCount& f : counts) {
      bool on = chosen.contains(f.value);
      if (!on && shown >= kFacetValuesShown) continue;
      ++shown;
      std::string label = FacetValueLabel(catalogue, spec.field, f.value, lang);
      values.push_back({{"value", f.value},
                        {"label", label},
                        {"count", f.count},
                        {"selected", on},
                        {"href", toggle(f.value)},
                        {"id", "f-" + spec.param + "-" + std::to_string(n++)}});
    }
    for (const std::string& value : chosen) {
      selected.push_back({{"label", FacetValueLabel(catalogue, spec.field, value, lang)},
                          {"facet", Tr(lang, "facet_" + spec.param)},
                          {"href", toggle(value)}});
    }
    if (!values.empty()) {
      facets.push_back({{"param", spec.param},
                        {"label", Tr(lang, "facet_" + spec.param)},
                        {"values", values},
                        {"many", values.size() > 8}});
    }
  }
  std::string title =
      p.q.empty() ? Tr(lang, "search_title") : p.q + " – " + Tr(lang, "search_title");
  json model = CommonModel(req, title, Tr(lang, "search_intro"));
  model["search_q"] = p.q;
  model["q"] = p.q;
  model["total"] = page.total;
  model["results"] = results;
  model["has_results"] = !results.empty();
  model["facets"] = facets;
  model["selected"] = selected;
  model["has_selected"] = !selected.empty();
  model["is_map"] = map_view;
  if (map_view) {  // the list view loads no map (and no Leaflet)
    model["map"] = MapModel(points, req);
    size_t located_hits = 0;
    for (const SearchHitView& h : page.hits) {
      json mine = json::array();
      AddPoints(h.record, lang, mine);
      if (!mine.empty()) ++located_hits;
    }
    if (located_hits < page.hits.size()) model["unmapped"] = page.hits.size() - located_hits;
  }
  std::multimap<std::string, std::string> list_q = base, map_q = base;
  list_q.erase("view");
  map_q.erase("view");
  map_q.emplace("view", "map");
  model["list_href"] = WithQuery(kSearchPath, QueryString(list_q));
  model["map_href"] = WithQuery(kSearchPath, QueryString(map_q));
  std::string export_q = QueryString(base, {"view", "sort"});
  model["export_csv"] = WithQuery("/api/v1/export.csv", export_q);
  model["export_xlsx"] = WithQuery("/api/v1/export.xlsx", export_q);
  model["api_href"] = WithQuery("/api/v1/search", QueryString(base, {"view"}));
  if (!page.spelling.empty()) {
    std::multimap<std::string, std::string> q = base;
    q.erase("q");
    q.emplace("q", page.spelling);
    model["spelling"] = {{"text", page.spelling}, {"href", WithQuery(kSearchPath, QueryString(q))}};
  }
  if (!page.next_cursor.empty() && !map_view) {
    std::multimap<std::string, std::string> q = base;
    q.emplace("cursor", page.next_cursor);
    model["next_href"] = WithQuery(kSearchPath, QueryString(q));
  }
  if (!p.cursor.empty()) model["first_href"] = WithQuery(kSearchPath, QueryString(base));
  json sorts = json::array();
  for (const auto& [id, key] : {std::pair<std::string, std::string>{"relevance", "sort_relevance"},
                                {"name", "sort_name"},
                                {"recognised", "sort_recognised"},
                                {"changed", "sort_changed"}}) {
    bool current = (id == "relevance" && p.sort == SearchSort::kRelevance) ||
                   (id == "name" && p.sort == SearchSort::kName) ||
                   (id == "recognised" && p.sort == SearchSort::kRecognised) ||
                   (id == "changed" && p.sort == SearchSort::kChanged);
    sorts.push_back({{"value", id}, {"label", Tr(lang, key)}, {"selected", current}});
  }
  model["sorts"] = sorts;
  // The query's filters that the form carries as hidden fields when the box is resubmitted.
  json hidden = json::array();
  for (const auto& [k, v] : base) {
    if (k == "view") hidden.push_back({{"name", k}, {"value", v}});
  }
  model["hidden"] = hidden;
  return model;
}

Result<json> ItemModel(Catalogue& catalogue, const StoredRecord& r, const PageRequest& req) {
  Lang lang = req.lang;
  const Schema& schema = catalogue.schema();
  const json& d = r.document;
  std::string name = DisplayName(d, lang);
  std::string description = DescriptionIn(d, lang);
  MediaSet media = MediaOf(catalogue, r.pid, name, lang);
  json model = CommonModel(req, name, Shorten(description, 200));
  model["name"] = name;
  model["pid"] = r.pid;
  model["names"] = NamesModel(schema, d, lang);
  model["kind"] = TermLabel(schema, "kinds", Str(d, "kind"), lang);
  model["kind_id"] = Str(d, "kind");
  for (const char* f : {"relic_type", "artifact_type", "intangible_type", "documentary_type"}) {
    if (!Str(d, f).empty()) model["type"] = TypeLabel(schema, Str(d, f), lang);
  }
  model["recognitions"] = RecognitionsModel(schema, d, lang);
  model["places"] = PlacesModel(d);
  model["generalised"] = d.value("location_precision", "exact") == "generalised";
  if (d.contains("dating") && d["dating"].is_object()) {
    const json& dt = d["dating"];
    std::string range;
    if (dt.contains("from_year") || dt.contains("to_year")) {
      auto year = [&](const char* k) {
        if (!dt.contains(k) || !dt[k].is_number_integer()) return std::string("?");
        int64_t y = dt[k].get<int64_t>();
        return y < 0 ? std::to_string(-y) + " " + Tr(lang, "bce") : std::to_string(y);
      };
      range = year("from_year") + "–" + year("to_year");
    }
    model["dating"] = {{"text", Str(dt, "text")}, {"range", range}};
  }
  model["descriptions"] = DescriptionsModel(schema, d, lang);
  json ethnic = json::array();
  for (const json& e : d.value("ethnic_groups", json::array())) {
    if (e.is_string()) {
      ethnic.push_back({{"label", TermLabel(schema, "ethnic_groups", e, lang)},
                        {"href", WithQuery(kSearchPath, "ethnic_group=" +
                                                            PercentEncode(e.get<std::string>()))}});
    }
  }
  model["ethnic_groups"] = ethnic;
  if (!Str(d, "custodian").empty())
    model["custodian"] = RefLink(catalogue, RecordClass::kOrganisation, Str(d, "custodian"), lang);
  json areas = json::array();
  for (const json& a : d.value("areas", json::array())) {
    if (a.is_string()) areas.push_back(RefLink(catalogue, RecordClass::kArea, a, lang));
  }
  model["areas"] = areas;
  json sources = json::array();
  for (const json& s : d.value("sources", json::array())) {
    std::string url = Str(s, "url");
    bool safe = url.starts_with("https://") || url.starts_with("http://");
    sources.push_back({{"title", Str(s, "title").empty() ? url : Str(s, "title")},
                       {"url", safe ? url : ""},
                       {"note", Str(s, "note")}});
  }
  model["sources"] = sources;
  if (!Str(d, "licence").empty()) {
    std::string uri;
    if (const Vocabulary* v = schema.FindVocabulary("licences")) {
      if (const Term* t = v->FindId(Str(d, "licence"))) uri = t->uri;
    }
    model["licence"] = {{"label", TermLabel(schema, "licences", Str(d, "licence"), lang)},
                        {"uri", uri}};
  }
  model["rights_holder"] = Str(d, "rights_holder");
  // Items whose licence leaves commercial use to permission take requests (the form of
  // http/portal_use_routes.cc); the link depends on the record alone, so the page stays cached.
  if (CommercialUseNeedsPermission(Str(d, "licence")))
    model["use_request"] = "/xin-phep-su-dung/" + r.pid;
  json legacy = json::array();
  for (const json& l : d.value("legacy_ids", json::array())) {
    legacy.push_back({{"scheme", TermLabel(schema, "legacy_id_schemes", Str(l, "scheme"), lang)},
                      {"value", Str(l, "value")},
                      {"issuer", Str(l, "issuer")}});
  }
  model["legacy_ids"] = legacy;
  // The fields of this kind, in the order schema/record.json lists them.
  json extra = json::array();
  const json& kinds = schema.record_schema()["classes"]["item"]["kinds"];
  if (auto k = kinds.find(Str(d, "kind")); k != kinds.end()) {
    for (const auto& [field, def0] : k->items()) {
      if (!d.contains(field) || field.ends_with("_type") || field == "practitioners") continue;
      const json& def = FieldDefinition(schema, *k, def0);
      std::string value = FormatValue(schema, def0.contains("use") ? def : def0, d[field], lang);
      if (!value.empty())
        extra.push_back(
            {{"label", Label(def0.contains("label") ? def0 : def, lang)}, {"value", value}});
    }
  }
  model["extra"] = extra;
  json practitioners = json::array();
  for (const json& p : d.value("practitioners", json::array())) {
    practitioners.push_back(
        {{"name", Str(p, "name")}, {"title", Str(p, "title")}, {"role", Str(p, "role")}});
  }
  model["practitioners"] = practitioners;
  json points = json::array();
  AddPoints(r, lang, points);
  model["map"] = MapModel(points, req);
  model["media"] = {{"images", media.images}, {"panoramas", media.panoramas},
                    {"models", media.models}, {"audio", media.audio},
                    {"video", media.video},   {"documents", media.documents}};
  model["has_media"] = !media.images.empty() || !media.panoramas.empty() || !media.models.empty() ||
                       !media.audio.empty() || !media.video.empty() || !media.documents.empty();
  model["has_images"] = !media.images.empty();
  model["has_panoramas"] = !media.panoramas.empty();
  model["has_models"] = !media.models.empty();
  model["links"] = RecordLinks(r);
  // A manifest exists only for an item with public images, sound or video
  // (http/presentation_routes.cc answers 404 otherwise): no link to nothing.
  if (media.images.empty() && media.panoramas.empty() && media.audio.empty() && media.video.empty()) {
    model["links"].erase("manifest");
  }
  model["permalink"] = req.site + "/id/" + r.pid;
  model["cite"] = DisplayName(d, Lang::kVi) + ". " + Tr(lang, "cite_pid") + " " + r.pid + ". " +
                  req.site + "/id/" + r.pid;
  model["canonical"] = req.site + RecordPath(r);
  model["og_type"] = "article";
  if (!media.thumbnail.empty()) model["og_image"] = req.site + media.thumbnail;
  model["jsonld"] = ScriptJson(JsonLd(catalogue, r, req, media));
  model["updated_at"] = r.updated_at;
  model["revision"] = r.revision;
  return model;
}

Result<json> HolderModel(Catalogue& catalogue, const StoredRecord& r, const PageRequest& req) {
  Lang lang = req.lang;
  const Schema& schema = catalogue.schema();
  std::string name = DisplayName(r.document, lang);
  json model = CommonModel(req, name, Shorten(DescriptionIn(r.document, lang), 200));
  bool area = r.cls == RecordClass::kArea;
  model["name"] = name;
  model["pid"] = r.pid;
  model["is_area"] = area;
  model["names"] = NamesModel(schema, r.document, lang);
  model["kind"] =
      TermLabel(schema, area ? "area_types" : "organisation_types", Str(r.document, "kind"), lang);
  model["descriptions"] = DescriptionsModel(schema, r.document, lang);
  model["recognitions"] = RecognitionsModel(schema, r.document, lang);
  model["places"] = PlacesModel(r.document);
  std::string website = Str(r.document, "website");
  if (website.starts_with("https://") || website.starts_with("http://")) model["website"] = website;
  if (!Str(r.document, "manager").empty())
    model["manager"] =
        RefLink(catalogue, RecordClass::kOrganisation, Str(r.document, "manager"), lang);
  if (!Str(r.document, "parent").empty())
    model["parent"] =
        RefLink(catalogue, RecordClass::kOrganisation, Str(r.document, "parent"), lang);
  SearchParams p;
  p.filters[area ? "area" : "custodian"] = {r.pid};
  p.sort = SearchSort::kName;
  p.limit = 100;
  p.facets = false;
  SearchPage page = TRY(catalogue.Search(p, kPublic));
  json items = json::array();
  json points = json::array();
  for (const SearchHitView& h : page.hits) {
    items.push_back(Card(catalogue, h.record, lang, false));
    AddPoints(h.record, lang, points);
  }
  model["items"] = items;
  model["item_count"] = page.total;
  model["has_items"] = !items.empty();
  model["more_href"] =
      WithQuery(kSearchPath, std::string(area ? "area=" : "custodian=") + r.pid + "&sort=name");
  model["has_more"] = page.total > items.size();
  model["map"] = MapModel(points, req);
  model["links"] = RecordLinks(r);
  model["canonical"] = req.site + RecordPath(r);
  return model;
}

namespace {

// One kind's rows of the catalogue in name order, from `cursor`, at most `max_rows` items:
// level id ("" = not recognised) -> rows. An item recognised at several levels is in each.
struct KindRows {
  std::map<std::string, json> by_level;
  size_t items = 0;
  size_t total = 0;                                // the kind's public items
  std::map<std::string, size_t> level_counts;      // from the first page's facets
  std::string next_cursor;                          // "" = no more
};

Result<KindRows> ReadKindRows(Catalogue& catalogue, const std::string& kind,
                              const std::string& cursor, size_t max_rows, Lang lang) {
  KindRows out;
  SearchParams p;
  p.filters["kind"] = {kind};
  p.sort = SearchSort::kName;
  p.cursor = cursor;
  p.facets = true;  // the first page's level counts (the same for every page of the kind)
  while (p.facets || out.items < max_rows) {
    p.limit = std::clamp<size_t>(max_rows - out.items, 1, Catalogue::kMaxPageSize);
    SearchPage page = TRY(catalogue.Search(p, kPublic));
    if (p.facets) {
      out.total = page.total;
      for (const FacetCount& f : page.facets["level"]) out.level_counts[f.value] = f.count;
      p.facets = false;
      if (max_rows == 0) break;  // the counts only
    }
    for (const SearchHitView& h : page.hits) {
      const json& d = h.record.document;
      std::vector<std::string> levels_of = LevelsOf(d);
      if (levels_of.empty()) levels_of.push_back("");
      std::set<std::string> seen;
      for (const std::string& level : levels_of) {
        if (!seen.insert(level).second) continue;
        std::string decision;
        for (const json& rec : d.value("recognitions", json::array())) {
          if (Str(rec, "level") != level) continue;
          decision = Str(rec, "decision");
          std::string when = Str(rec, "date").empty() ? Str(rec, "year") : Str(rec, "date");
          if (!when.empty()) decision += (decision.empty() ? "" : ", ") + when;
        }
        out.by_level[level].push_back({{"name", DisplayName(d, lang)},
                                       {"url", RecordPath(h.record)},
                                       {"pid", h.record.pid},
                                       {"place", PlaceLine(d, lang)},
                                       {"decision", decision}});
      }
      ++out.items;
    }
    out.next_cursor = page.next_cursor;
    if (page.next_cursor.empty() || page.hits.empty()) {
      out.next_cursor.clear();
      break;
    }
    p.cursor = page.next_cursor;
  }
  return out;
}

}  // namespace

Result<json> CatalogueModel(Catalogue& catalogue, const std::string& kind,
                            const std::string& after, const PageRequest& req, size_t max_rows) {
  Lang lang = req.lang;
  const Schema& schema = catalogue.schema();
  const Vocabulary& kinds = schema.KindVocabulary(RecordClass::kItem);
  const Vocabulary* levels = schema.FindVocabulary("recognition_levels");
  max_rows = std::max<size_t>(max_rows, 1);
  auto kind_href = [](const std::string& id) {
    return std::string(kCataloguePath) + "?kind=" + PercentEncode(id);
  };
  // How many public items of each kind: the whole catalogue is one page when they fit.
  std::map<std::string, size_t> kind_counts;
  size_t total = 0;
  {
    SearchParams p;
    p.limit = 1;
    SearchPage page = TRY(catalogue.Search(p, kPublic));
    total = page.total;
    for (const FacetCount& f : page.facets["kind"]) kind_counts[f.value] = f.count;
  }
  const bool one_page = total <= max_rows;
  const bool summary = kind.empty() && !one_page;

  json groups = json::array();
  json kind_links = json::array();
  kind_links.push_back({{"label", Tr(lang, "catalogue_all_kinds")},
                        {"href", std::string(kCataloguePath)},
                        {"current", kind.empty()}});
  json model = CommonModel(req, Tr(lang, "catalogue_title"), Tr(lang, "catalogue_intro"));
  for (const Term& k : kinds.terms) {
    const std::string label = lang == Lang::kVi ? k.label_vi : k.label_en;
    kind_links.push_back({{"label", label}, {"href", kind_href(k.id)}, {"current", kind == k.id}});
    if (!kind.empty() && kind != k.id) continue;
    auto counted = kind_counts.find(k.id);
    if (counted == kind_counts.end() || counted->second == 0) continue;
    KindRows rows;
    if (summary) {
      // Counts only: the level facet of the kind, no rows.
      rows = TRY(ReadKindRows(catalogue, k.id, "", 0, lang));
    } else {
      rows = TRY(ReadKindRows(catalogue, k.id, one_page ? "" : after,
                              one_page ? counted->second : max_rows, lang));
    }
    json level_groups = json::array();
    auto add_level = [&](const std::string& id, const std::string& level_label) {
      auto it = rows.by_level.find(id);
      size_t count = id.empty() ? 0 : (rows.level_counts.count(id) ? rows.level_counts[id] : 0);
      if (summary) {
        if (count > 0) level_groups.push_back({{"label", level_label}, {"count", count}});
        return;
      }
      if (it == rows.by_level.end()) return;
      json list = std::move(it->second);
      for (size_t i = 0; i < list.size(); ++i) list[i]["n"] = i + 1;
      json group = {{"label", level_label}, {"count", list.size()}, {"rows", std::move(list)}};
      level_groups.push_back(std::move(group));
    };
    if (levels) {
      // The highest levels first: the vocabulary lists them from provincial upwards.
      for (auto t = levels->terms.rbegin(); t != levels->terms.rend(); ++t)
        add_level(t->id, lang == Lang::kVi ? t->label_vi : t->label_en);
    }
    add_level("", Tr(lang, "catalogue_not_recognised"));
    json group = {{"kind", label}, {"id", k.id}, {"count", counted->second},
                  {"levels", level_groups}, {"href", kind_href(k.id)}, {"summary", summary}};
    if (!summary && !one_page) {
      // A page of a long kind: how many items it shows, the first page and the next.
      group["paged"] = true;
      group["page_items"] = rows.items;
      group["first"] = after.empty() ? "" : kind_href(k.id);
      if (!rows.next_cursor.empty())
        group["next"] = kind_href(k.id) + "&after=" + PercentEncode(rows.next_cursor);
    }
    groups.push_back(std::move(group));
  }
  model["groups"] = groups;
  model["total"] = total;
  model["summary"] = summary;
  model["kind_links"] = kind_links;
  std::string q = kind.empty() ? "" : "kind=" + PercentEncode(kind);
  model["export_csv"] = WithQuery("/api/v1/export.csv", q);
  model["export_xlsx"] = WithQuery("/api/v1/export.xlsx", q);
  return model;
}

json OpenDataModel(const PageRequest& req) {
  json model = CommonModel(req, Tr(req.lang, "open_data_title"), Tr(req.lang, "open_data_intro"));
  model["oai"] = req.site + "/oai?verb=Identify";
  return model;
}

json ErrorModel(const PageRequest& req, int status, const std::string& detail_en,
                const std::string& detail_vi) {
  std::string key = status == 404   ? "error_404"
                    : status == 410 ? "error_410"
                    : status >= 500 ? "error_500"
                                    : "error_400";
  Lang lang = req.lang;
  Lang other = OtherLang(lang);
  json model = CommonModel(req, Tr(lang, key + "_title"), Tr(lang, key + "_text"));
  model["status"] = status;
  model["heading"] = Tr(lang, key + "_title");
  model["text"] = Tr(lang, key + "_text");
  model["other_lang"] = std::string(LangCode(other));
  model["other_heading"] = Tr(other, key + "_title");
  model["other_text"] = Tr(other, key + "_text");
  model["detail"] = lang == Lang::kVi ? detail_vi : detail_en;
  model["other_detail"] = lang == Lang::kVi ? detail_en : detail_vi;
  return model;
}

namespace {

// A sitemap value: the protocol wants quotes escaped too (our URLs never hold an apostrophe:
// slugs are ASCII words, the site is configured or a plain host).
std::string Escaped(const std::string& value) {
  return interop::XmlEscape(value, interop::XmlContext::kAttribute);
}

// The portal's own pages, first in the sitemap.
constexpr std::array<std::string_view, 4> kSitemapPages = {"/", kSearchPath, kCataloguePath,
                                                           kOpenDataPath};

// Calls `fn` for every public organisation, then every public area, until it returns false.
Status ForEachPublicHolder(Catalogue& catalogue, const std::function<bool(const StoredRecord&)>& fn) {
  for (RecordClass cls : {RecordClass::kOrganisation, RecordClass::kArea}) {
    ListFilters f;
    f.limit = Catalogue::kMaxPageSize;
    while (true) {
      RecordPage page = TRY(catalogue.List(cls, f, kPublic));
      for (const StoredRecord& r : page.records)
        if (!fn(r)) return Ok();
      if (page.next_cursor.empty()) break;
      f.cursor = page.next_cursor;
    }
  }
  return Ok();
}

// Calls `add(path, updated_at)` for every URL of the sitemap in its fixed order, from the
// `skip`-th on, until `add` returns false. Items are skipped a search page at a time.
Status ForEachSitemapUrl(Catalogue& catalogue, size_t skip,
                         const std::function<bool(const std::string&, const std::string&)>& add) {
  size_t n = 0;
  auto offer = [&](const std::string& path, const std::string& updated) {
    return n++ < skip || add(path, updated);
  };
  for (std::string_view p : kSitemapPages)
    if (!offer(std::string(p), "")) return Ok();
  SearchParams p;
  p.sort = SearchSort::kName;
  p.limit = Catalogue::kMaxPageSize;
  p.facets = false;
  while (true) {
    SearchPage page = TRY(catalogue.Search(p, kPublic));
    for (const SearchHitView& h : page.hits)
      if (!offer(RecordPath(h.record), h.record.updated_at)) return Ok();
    if (page.next_cursor.empty() || page.hits.empty()) break;
    p.cursor = page.next_cursor;
  }
  return ForEachPublicHolder(
      catalogue, [&](const StoredRecord& r) { return offer(RecordPath(r), r.updated_at); });
}

}  // namespace

Result<std::string> Sitemap(Catalogue& catalogue, const std::string& site, size_t file,
                            size_t per_file) {
  per_file = std::clamp<size_t>(per_file, 1, kSitemapUrls);
  // How many URLs: the pages, the public items (one count), organisations and areas (listed).
  size_t total = kSitemapPages.size();
  {
    SearchParams p;
    p.limit = 1;
    p.facets = false;
    total += TRY(catalogue.Search(p, kPublic)).total;
  }
  TRY(ForEachPublicHolder(catalogue, [&](const StoredRecord&) {
    ++total;
    return true;
  }));
  const size_t files = (total + per_file - 1) / per_file;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (file == 0 && files > 1) {
    xml += "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    for (size_t i = 1; i <= files; ++i) {
      xml += "  <sitemap><loc>" + Escaped(site + std::string(kSitemapFilesPath) +
                                            std::to_string(i) + ".xml") +
             "</loc></sitemap>\n";
    }
    xml += "</sitemapindex>\n";
    return xml;
  }
  if (file > files) {
    return Fail(ErrorCode::kNotFound,
                "no sitemap file " + std::to_string(file) + ": there are " +
                    std::to_string(files),
                "không có tệp sơ đồ trang " + std::to_string(file) + ": chỉ có " +
                    std::to_string(files) + " tệp");
  }
  const size_t first = file == 0 ? 0 : (file - 1) * per_file;
  size_t written = 0;
  xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  TRY(ForEachSitemapUrl(catalogue, first, [&](const std::string& path, const std::string& updated) {
    xml += "  <url><loc>" + Escaped(site + path) + "</loc>";
    if (updated.size() >= 10) xml += "<lastmod>" + Escaped(updated.substr(0, 10)) + "</lastmod>";
    xml += "</url>\n";
    return ++written < per_file;
  }));
  xml += "</urlset>\n";
  return xml;
}

}  // namespace disan::portal
