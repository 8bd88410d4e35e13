// IIIF Presentation API 3.0 manifests and collections (manifest.h).
#include "media/iiif/manifest.h"

#include <cstdlib>

namespace disan::media::iiif {

using nlohmann::json;

namespace {

std::string Str(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

// A language map of one value per language; an empty English value falls back to the
// Vietnamese one (proper names are shown as written).
json Map(const std::string& vi, const std::string& en) {
  return {{"vi", json::array({vi})}, {"en", json::array({en.empty() ? vi : en})}};
}

// A metadata entry whose label is bilingual; `value` is a language map.
json Entry(const char* label_vi, const char* label_en, json value) {
  return {{"label", Map(label_vi, label_en)}, {"value", std::move(value)}};
}

void Append(json& map, const std::string& lang, const std::string& text) {
  if (text.empty()) return;
  if (!map.contains(lang)) map[lang] = json::array();
  map[lang].push_back(text);
}

const Term* FindTerm(const Schema& schema, const std::string& vocabulary, const std::string& id) {
  const Vocabulary* v = schema.FindVocabulary(vocabulary);
  return v ? v->FindId(id) : nullptr;
}

// A term's labels as a language map; the id itself when the vocabulary lacks it.
json TermMap(const Schema& schema, const std::string& vocabulary, const std::string& id) {
  const Term* t = FindTerm(schema, vocabulary, id);
  if (!t) return {{"none", json::array({id})}};
  return Map(t->label_vi, t->label_en);
}

// The item's names: the preferred Vietnamese one (else the first) and an English one.
struct Names {
  std::string vi, en;
  json all = json::object();  // every name under its own language tag
};

Names NamesOf(const StoredRecord& item) {
  Names n;
  for (const json& name : item.document.value("names", json::array())) {
    std::string value = Str(name, "value"), lang = Str(name, "lang");
    if (value.empty()) continue;
    Append(n.all, lang.empty() ? "none" : lang, value);
    bool preferred = name.is_object() && name.value("preferred", false);
    if (lang == "vi" && (preferred || n.vi.empty())) n.vi = value;
    if (lang == "en" && n.en.empty()) n.en = value;
  }
  if (n.vi.empty() && n.all.is_object() && !n.all.empty())
    n.vi = n.all.begin()->at(0).get<std::string>();
  if (n.vi.empty()) n.vi = item.pid;
  return n;
}

std::string PlaceLabel(const json& p) {
  std::string label;
  for (const char* f : {"address", "commune_2025", "province_2025"}) {
    if (!Str(p, f).empty()) label += (label.empty() ? "" : ", ") + Str(p, f);
  }
  std::string before;
  for (const char* f : {"commune_old", "district_old", "province_old"}) {
    if (!Str(p, f).empty()) before += (before.empty() ? "" : ", ") + Str(p, f);
  }
  if (label.empty()) return before;
  return before.empty() ? label : label + " (" + before + ")";
}

// A year, negative ones as "<n> <before_era>" ("TCN" in Vietnamese, "BCE" in English).
std::string Year(int64_t year, const char* before_era) {
  return year < 0 ? std::to_string(-year) + " " + before_era : std::to_string(year);
}

json Metadata(const Schema& schema, const StoredRecord& item, const Names& names,
              const std::optional<PresentationAgent>& custodian) {
  const json& d = item.document;
  json out = json::array();
  out.push_back(Entry("Tên", "Name", names.all.empty() ? Map(names.vi, "") : names.all));
  out.push_back(Entry("Mã định danh", "Identifier", {{"none", json::array({item.pid})}}));
  out.push_back(Entry("Loại di sản", "Kind of heritage", TermMap(schema, "kinds", item.kind)));
  for (const char* f : {"relic_type", "artifact_type", "intangible_type", "documentary_type"}) {
    if (!Str(d, f).empty())
      out.push_back(Entry("Loại hình", "Type", TermMap(schema, std::string(f) + "s", Str(d, f))));
  }
  json recognitions = json::object();
  for (const json& rec : d.value("recognitions", json::array())) {
    const Term* level = FindTerm(schema, "recognition_levels", Str(rec, "level"));
    std::string detail;
    if (!Str(rec, "decision").empty()) detail += Str(rec, "decision");
    if (!Str(rec, "date").empty()) detail += (detail.empty() ? "" : ", ") + Str(rec, "date");
    if (!detail.empty()) detail = " (" + detail + ")";
    Append(recognitions, "vi", (level ? level->label_vi : Str(rec, "level")) + detail);
    Append(recognitions, "en", (level ? level->label_en : Str(rec, "level")) + detail);
  }
  if (!recognitions.empty())
    out.push_back(Entry("Xếp hạng, ghi danh", "Recognitions", recognitions));
  // Place names are Vietnamese proper names: given as written, under "vi".
  json places = json::object();
  for (const json& p : d.value("places", json::array())) Append(places, "vi", PlaceLabel(p));
  if (!places.empty()) out.push_back(Entry("Địa điểm", "Place", places));
  if (d.contains("dating") && d["dating"].is_object()) {
    const json& dating = d["dating"];
    json value = json::object();
    Append(value, "vi", Str(dating, "text"));
    bool has_from = dating.contains("from_year") && dating["from_year"].is_number_integer();
    bool has_to = dating.contains("to_year") && dating["to_year"].is_number_integer();
    if (has_from || has_to) {
      int64_t from = dating[has_from ? "from_year" : "to_year"].get<int64_t>();
      int64_t to = dating[has_to ? "to_year" : "from_year"].get<int64_t>();
      auto vi_year = [](int64_t y) { return Year(y, "TCN"); };
      auto en_year = [](int64_t y) { return Year(y, "BCE"); };
      std::string vi =
          from == to ? "năm " + vi_year(from) : "từ " + vi_year(from) + " đến " + vi_year(to);
      std::string en = from == to ? en_year(from) : en_year(from) + " to " + en_year(to);
      if (!value.contains("vi")) Append(value, "vi", vi);
      Append(value, "en", en);
    }
    if (!value.empty()) out.push_back(Entry("Niên đại", "Dating", value));
  }
  json ethnic = json::object();
  for (const json& e : d.value("ethnic_groups", json::array())) {
    if (!e.is_string()) continue;
    json m = TermMap(schema, "ethnic_groups", e.get<std::string>());
    for (auto& [lang, values] : m.items()) Append(ethnic, lang, values[0].get<std::string>());
  }
  if (!ethnic.empty()) out.push_back(Entry("Dân tộc", "Ethnic groups", ethnic));
  if (custodian) {
    out.push_back(
        Entry("Đơn vị quản lý", "Custodian", Map(custodian->label_vi, custodian->label_en)));
  }
  return out;
}

json Agent(const PresentationAgent& a) {
  json agent = {{"id", a.id}, {"type", "Agent"}, {"label", Map(a.label_vi, a.label_en)}};
  if (!a.homepage.empty()) {
    agent["homepage"] = json::array({{{"id", a.homepage},
                                      {"type", "Text"},
                                      {"label", Map(a.label_vi, a.label_en)},
                                      {"format", "text/html"}}});
  }
  return agent;
}

double Number(const json& technical, const char* key) {
  if (!technical.is_object() || !technical.contains(key) || !technical[key].is_number()) return 0;
  return technical[key].get<double>();
}

json Thumbnail(const std::string& site_url, const MediaAsset& a) {
  return json::array({{{"id", MediaThumbnailUrl(site_url, a.id)},
                       {"type", "Image"},
                       {"format", ThumbnailMediaType(a)}}});
}

json MediaLabel(const MediaAsset& a, const Names& names, size_t number) {
  std::string vi = a.caption_vi.empty() ? a.caption_en : a.caption_vi;
  std::string en = a.caption_en.empty() ? vi : a.caption_en;
  if (vi.empty()) {
    vi = names.vi + " — " + std::to_string(number);
    en = (names.en.empty() ? names.vi : names.en) + " — " + std::to_string(number);
  }
  return Map(vi, en);
}

json Canvas(const ManifestInput& in, const std::string& manifest, const MediaAsset& a,
            const Names& names, size_t number) {
  const std::string canvas_id = manifest + "/canvas/" + a.id;
  std::string klass = a.media_type.substr(0, a.media_type.find('/'));
  // An MP4 or WebM with sound only (no picture size) is a Sound.
  if (klass == "video" && Number(a.technical, "width") < 1) klass = "audio";
  json canvas = {{"id", canvas_id}, {"type", "Canvas"}, {"label", MediaLabel(a, names, number)}};
  json body;
  if (klass == "image") {
    int64_t w = static_cast<int64_t>(Number(a.technical, "width"));
    int64_t h = static_cast<int64_t>(Number(a.technical, "height"));
    canvas["width"] = w;
    canvas["height"] = h;
    const std::string service = in.site_url + "/iiif/3/" + a.id;
    body = {{"id", service + "/full/max/0/default.jpg"},
            {"type", "Image"},
            {"format", "image/jpeg"},
            {"width", w},
            {"height", h},
            {"service",
             json::array({{{"id", service}, {"type", "ImageService3"}, {"profile", "level2"}}})}};
  } else {
    double duration = Number(a.technical, "duration");
    canvas["duration"] = duration;
    body = {{"id", MediaFileUrl(in.site_url, a.id)},
            {"type", klass == "video" ? "Video" : "Sound"},
            {"format", a.media_type},
            {"duration", duration}};
    if (klass == "video") {
      int64_t w = static_cast<int64_t>(Number(a.technical, "width"));
      int64_t h = static_cast<int64_t>(Number(a.technical, "height"));
      if (w > 0 && h > 0) {
        canvas["width"] = w;
        canvas["height"] = h;
        body["width"] = w;
        body["height"] = h;
      }
    }
  }
  canvas["items"] = json::array({{{"id", canvas_id + "/page"},
                                  {"type", "AnnotationPage"},
                                  {"items", json::array({{{"id", canvas_id + "/page/painting"},
                                                          {"type", "Annotation"},
                                                          {"motivation", "painting"},
                                                          {"body", std::move(body)},
                                                          {"target", canvas_id}}})}}});
  if (std::string thumb = ThumbnailMediaType(a); !thumb.empty())
    canvas["thumbnail"] = Thumbnail(in.site_url, a);
  if (std::string rights = RightsUri(*in.schema, a.licence); !rights.empty())
    canvas["rights"] = rights;
  if (!a.rights_holder.empty() || !a.creator.empty()) {
    std::string who = a.rights_holder.empty() ? a.creator : a.rights_holder;
    canvas["requiredStatement"] = {{"label", Map("Ghi công", "Attribution")},
                                   {"value", Map(who, "")}};
  }
  return canvas;
}

json Rendering(const std::string& site_url, const MediaAsset& a, const Names& names,
               size_t number) {
  std::string type = a.media_type.starts_with("model/") || a.media_type == "application/x-ply"
                         ? "Model"
                     : a.media_type.starts_with("image/") ? "Image"
                     : a.media_type.starts_with("audio/") ? "Sound"
                     : a.media_type.starts_with("video/") ? "Video"
                                                          : "Text";
  return {{"id", MediaFileUrl(site_url, a.id)},
          {"type", type},
          {"label", MediaLabel(a, names, number)},
          {"format", a.media_type}};
}

}  // namespace

std::string ManifestUrl(const std::string& site_url, const std::string& pid) {
  return site_url + "/iiif/3/manifests/" + pid;
}
std::string CollectionUrl(const std::string& site_url, const std::string& kind) {
  return site_url + "/iiif/3/collections/" + kind;
}
std::string MediaFileUrl(const std::string& site_url, const std::string& media_id) {
  return site_url + "/api/v1/media/" + media_id + "/file";
}
std::string MediaThumbnailUrl(const std::string& site_url, const std::string& media_id) {
  return site_url + "/api/v1/media/" + media_id + "/thumbnail";
}

bool IsCanvasMedia(const MediaAsset& a) {
  if (a.media_type.starts_with("image/"))
    return Number(a.technical, "width") >= 1 && Number(a.technical, "height") >= 1;
  if (a.media_type.starts_with("audio/") || a.media_type.starts_with("video/"))
    return Number(a.technical, "duration") > 0;
  return false;
}

std::string ThumbnailMediaType(const MediaAsset& a) {
  if (a.media_type.starts_with("image/"))
    return Number(a.technical, "width") >= 1 ? "image/jpeg" : "";
  if (a.media_type.starts_with("video/"))
    return Number(a.technical, "width") >= 1 ? "image/jpeg" : "image/png";
  if (a.media_type.starts_with("audio/")) return "image/png";
  return "";
}

std::string RightsUri(const Schema& schema, const std::string& licence) {
  const Term* t = licence.empty() ? nullptr : FindTerm(schema, "licences", licence);
  if (!t || t->uri.empty()) return "";
  constexpr std::string_view kHttps = "https://creativecommons.org/";
  if (t->uri.starts_with(kHttps))
    return "http://creativecommons.org/" + t->uri.substr(kHttps.size());
  return t->uri;
}

Result<json> BuildManifest(const ManifestInput& in) {
  const StoredRecord& item = *in.item;
  const Schema& schema = *in.schema;
  const json& d = item.document;
  const Names names = NamesOf(item);
  const std::string id = ManifestUrl(in.site_url, item.pid);

  json canvases = json::array(), renderings = json::array();
  const MediaAsset* first_thumbnail = nullptr;
  size_t number = 0;
  for (const MediaAsset& a : in.media) {
    ++number;
    if (IsCanvasMedia(a)) {
      canvases.push_back(Canvas(in, id, a, names, number));
      if (!first_thumbnail && !ThumbnailMediaType(a).empty()) first_thumbnail = &a;
    } else {
      renderings.push_back(Rendering(in.site_url, a, names, number));
    }
  }
  if (canvases.empty()) {
    return Fail(
        Error{ErrorCode::kNotFound,
              "item " + item.pid + " has no public image, sound or video to show",
              "di sản " + item.pid + " không có ảnh, âm thanh hay video công khai để hiển thị",
              {{"pid", "no_media", "has no public image, sound or video",
                "không có ảnh, âm thanh hay video công khai"}}});
  }

  json manifest = {{"@context", kPresentationContext},
                   {"id", id},
                   {"type", "Manifest"},
                   {"label", Map(names.vi, names.en)}};
  json summary = json::object();
  for (const json& t : d.value("description", json::array()))
    Append(summary, Str(t, "lang").empty() ? "none" : Str(t, "lang"), Str(t, "value"));
  if (!summary.empty()) manifest["summary"] = summary;
  manifest["metadata"] = Metadata(schema, item, names, in.custodian);

  // Attribution: the rights holder (else the custodian, else the provider) and the licence.
  std::string holder = Str(d, "rights_holder");
  std::string holder_en = holder;
  if (holder.empty() && in.custodian) {
    holder = in.custodian->label_vi;
    holder_en = in.custodian->label_en.empty() ? holder : in.custodian->label_en;
  }
  if (holder.empty()) {
    holder = in.provider.label_vi;
    holder_en = in.provider.label_en.empty() ? holder : in.provider.label_en;
  }
  std::string attribution_vi = holder, attribution_en = holder_en;
  if (const Term* licence = FindTerm(schema, "licences", Str(d, "licence"))) {
    attribution_vi += " — " + licence->label_vi;
    attribution_en += " — " + licence->label_en;
  }
  manifest["requiredStatement"] = {{"label", Map("Ghi công", "Attribution")},
                                   {"value", Map(attribution_vi, attribution_en)}};
  if (std::string rights = RightsUri(schema, Str(d, "licence")); !rights.empty())
    manifest["rights"] = rights;
  if (first_thumbnail) manifest["thumbnail"] = Thumbnail(in.site_url, *first_thumbnail);
  manifest["homepage"] = json::array({{{"id", in.site_url + in.homepage_path},
                                       {"type", "Text"},
                                       {"label", Map(names.vi, names.en)},
                                       {"format", "text/html"},
                                       {"language", json::array({"vi", "en"})}}});
  manifest["seeAlso"] =
      json::array({{{"id", in.site_url + "/api/v1/items/" + item.pid},
                    {"type", "Dataset"},
                    {"label", Map("Bản ghi (JSON)", "Record (JSON)")},
                    {"format", "application/json"}},
                   {{"id", in.site_url + "/api/v1/items/" + item.pid + ".jsonld"},
                    {"type", "Dataset"},
                    {"label", Map("Dữ liệu liên kết (JSON-LD)", "Linked data (JSON-LD)")},
                    {"format", "application/ld+json"},
                    {"profile", "https://schema.org/"}}});
  json providers = json::array({Agent(in.provider)});
  if (in.custodian) providers.push_back(Agent(*in.custodian));
  manifest["provider"] = providers;
  if (!renderings.empty()) manifest["rendering"] = renderings;
  manifest["items"] = std::move(canvases);
  return manifest;
}

json BuildKindCollection(const Schema& schema, const std::string& site_url, const std::string& kind,
                         const std::vector<CollectionEntry>& entries) {
  json items = json::array();
  for (const CollectionEntry& e : entries) {
    items.push_back({{"id", ManifestUrl(site_url, e.pid)},
                     {"type", "Manifest"},
                     {"label", Map(e.label_vi, e.label_en)}});
  }
  json label = TermMap(schema, "kinds", kind);
  return {{"@context", kPresentationContext},
          {"id", CollectionUrl(site_url, kind)},
          {"type", "Collection"},
          {"label", label},
          {"items", std::move(items)}};
}

json BuildTopCollection(const Schema& schema, const std::string& site_url) {
  json items = json::array();
  if (const Vocabulary* kinds = schema.FindVocabulary("kinds")) {
    for (const Term& t : kinds->terms) {
      items.push_back({{"id", CollectionUrl(site_url, t.id)},
                       {"type", "Collection"},
                       {"label", Map(t.label_vi, t.label_en)}});
    }
  }
  return {{"@context", kPresentationContext},
          {"id", site_url + "/iiif/3/collections"},
          {"type", "Collection"},
          {"label", Map("Di sản văn hóa theo loại", "Cultural heritage by kind")},
          {"items", std::move(items)}};
}

}  // namespace disan::media::iiif
