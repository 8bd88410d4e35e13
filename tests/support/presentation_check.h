// A structural checker for IIIF Presentation API 3.0 documents, written from the
// specification (https://iiif.io/api/presentation/3.0/) for the tests: it walks a Manifest or
// Collection and lists every rule it breaks. Not a full validator: it checks what Disan writes
// (required properties per type, language maps, ids, dimensions, durations, painting
// annotations that target their canvas, rights URIs). Empty result = no problem found.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace disan::testing {

class PresentationChecker {
 public:
  std::vector<std::string> Check(const nlohmann::json& doc) {
    problems_.clear();
    ids_.clear();
    if (!doc.is_object()) return {"not an object"};
    if (doc.value("@context", "") != "http://iiif.io/api/presentation/3/context.json")
      Bad("/", "@context must be the Presentation 3 context");
    std::string type = doc.value("type", "");
    if (type == "Manifest")
      Manifest(doc, "/");
    else if (type == "Collection")
      Collection(doc, "/", true);
    else
      Bad("/", "type must be Manifest or Collection");
    return problems_;
  }

 private:
  using json = nlohmann::json;
  std::vector<std::string> problems_;
  std::set<std::string> ids_;

  void Bad(const std::string& where, const std::string& what) {
    problems_.push_back(where + ": " + what);
  }

  static bool IsHttpUri(const json& v) {
    if (!v.is_string()) return false;
    const std::string& s = v.get_ref<const std::string&>();
    return (s.starts_with("http://") || s.starts_with("https://")) &&
           s.find_first_of(" \t\n\"<>") == std::string::npos;
  }

  // A language map: an object of BCP 47 tags (or "none") to non-empty arrays of strings.
  void LanguageMap(const json& v, const std::string& where) {
    if (!v.is_object() || v.empty()) return Bad(where, "must be a non-empty language map");
    for (auto& [lang, values] : v.items()) {
      if (lang.empty() || lang.find(' ') != std::string::npos)
        Bad(where, "bad language tag '" + lang + "'");
      if (!values.is_array() || values.empty())
        Bad(where + "/" + lang, "must be a non-empty array");
      for (const json& s : values)
        if (!s.is_string() || s.get<std::string>().empty())
          Bad(where + "/" + lang, "values must be non-empty strings");
    }
  }

  void Resource(const json& r, const std::string& where, const std::string& want_type = "") {
    if (!r.is_object()) return Bad(where, "must be an object");
    if (!IsHttpUri(r.value("id", json()))) Bad(where, "id must be an http(s) URI");
    if (!r.contains("type") || !r["type"].is_string()) Bad(where, "type is required");
    if (!want_type.empty() && r.value("type", "") != want_type)
      Bad(where, "type must be " + want_type);
    if (r.contains("label")) LanguageMap(r["label"], where + "/label");
  }

  void References(const json& doc, const char* key, const std::string& where) {
    if (!doc.contains(key)) return;
    if (!doc[key].is_array() || doc[key].empty())
      return Bad(where + key, "must be a non-empty array");
    for (size_t i = 0; i < doc[key].size(); ++i)
      Resource(doc[key][i], where + key + "/" + std::to_string(i));
  }

  void Descriptive(const json& doc, const std::string& where, bool label_required) {
    if (doc.contains("label") || label_required)
      LanguageMap(doc.value("label", json()), where + "label");
    if (doc.contains("summary")) LanguageMap(doc["summary"], where + "summary");
    if (doc.contains("metadata")) {
      if (!doc["metadata"].is_array()) Bad(where + "metadata", "must be an array");
      for (size_t i = 0; i < doc["metadata"].size(); ++i) {
        const json& m = doc["metadata"][i];
        LanguageMap(m.value("label", json()), where + "metadata/" + std::to_string(i) + "/label");
        LanguageMap(m.value("value", json()), where + "metadata/" + std::to_string(i) + "/value");
      }
    }
    if (doc.contains("requiredStatement")) {
      LanguageMap(doc["requiredStatement"].value("label", json()),
                  where + "requiredStatement/label");
      LanguageMap(doc["requiredStatement"].value("value", json()),
                  where + "requiredStatement/value");
    }
    if (doc.contains("rights")) {
      std::string r = doc["rights"].is_string() ? doc["rights"].get<std::string>() : "";
      if (!r.starts_with("http://creativecommons.org/") &&
          !r.starts_with("http://rightsstatements.org/"))
        Bad(where + "rights", "must be a Creative Commons (http) or RightsStatements.org URI");
    }
    for (const char* key : {"thumbnail", "homepage", "seeAlso", "rendering", "provider"})
      References(doc, key, where);
    if (doc.contains("homepage"))
      for (const json& h : doc["homepage"])
        if (h.value("type", "") != "Text" || !h.contains("label") || !h.contains("format"))
          Bad(where + "homepage", "needs type Text, a label and a format");
  }

  void Unique(const json& doc, const std::string& where) {
    std::string id = doc.value("id", "");
    if (!ids_.insert(id).second) Bad(where, "id '" + id + "' is used twice");
  }

  void Manifest(const json& doc, const std::string& where) {
    Resource(doc, where, "Manifest");
    Unique(doc, where);
    Descriptive(doc, where, true);
    if (!doc.contains("items") || !doc["items"].is_array() || doc["items"].empty())
      return Bad(where + "items", "a Manifest must have at least one Canvas");
    for (size_t i = 0; i < doc["items"].size(); ++i)
      Canvas(doc["items"][i], where + "items/" + std::to_string(i) + "/");
  }

  void Canvas(const json& c, const std::string& where) {
    Resource(c, where, "Canvas");
    Unique(c, where);
    Descriptive(c, where, false);
    bool has_w = c.contains("width"), has_h = c.contains("height");
    if (has_w != has_h) Bad(where, "width and height go together");
    auto positive = [&](const char* key) {
      return c.contains(key) && c[key].is_number_integer() && c[key].get<int64_t>() >= 1;
    };
    if ((has_w || has_h) && !(positive("width") && positive("height")))
      Bad(where, "width and height must be positive integers");
    if (c.contains("duration") && (!c["duration"].is_number() || c["duration"].get<double>() <= 0))
      Bad(where, "duration must be a positive number");
    if (!has_w && !c.contains("duration")) Bad(where, "a Canvas needs dimensions or a duration");
    if (!c.contains("items") || !c["items"].is_array() || c["items"].empty())
      return Bad(where + "items", "must hold an AnnotationPage");
    for (size_t p = 0; p < c["items"].size(); ++p) {
      const json& page = c["items"][p];
      std::string pw = where + "items/" + std::to_string(p) + "/";
      Resource(page, pw, "AnnotationPage");
      Unique(page, pw);
      if (!page.contains("items") || !page["items"].is_array() || page["items"].empty()) {
        Bad(pw + "items", "must hold Annotations");
        continue;
      }
      for (size_t a = 0; a < page["items"].size(); ++a) {
        const json& anno = page["items"][a];
        std::string aw = pw + "items/" + std::to_string(a) + "/";
        Resource(anno, aw, "Annotation");
        Unique(anno, aw);
        if (anno.value("motivation", "") != "painting") Bad(aw, "motivation must be painting");
        if (anno.value("target", "") != c.value("id", "")) Bad(aw, "target must be its Canvas");
        const json body = anno.value("body", json());
        Resource(body, aw + "body");
        std::string type = body.value("type", "");
        if (type != "Image" && type != "Sound" && type != "Video") Bad(aw + "body", "type " + type);
        if (!body.contains("format")) Bad(aw + "body", "format is expected");
        if ((type == "Sound" || type == "Video") && !c.contains("duration"))
          Bad(where, "a time-based body needs a Canvas with a duration");
        if (type == "Sound" && has_w) Bad(where, "a Sound canvas has no width/height");
        if (body.contains("service"))
          for (const json& s : body["service"])
            if (!IsHttpUri(s.value("id", json())) || s.value("type", "") != "ImageService3" ||
                !s.contains("profile"))
              Bad(aw + "body/service", "needs id, type ImageService3 and profile");
      }
    }
  }

  void Collection(const json& doc, const std::string& where, bool top) {
    Resource(doc, where, "Collection");
    if (top) Descriptive(doc, where, true);
    if (!doc.contains("items") || !doc["items"].is_array())
      return Bad(where + "items", "a Collection must have items");
    for (size_t i = 0; i < doc["items"].size(); ++i) {
      const json& item = doc["items"][i];
      std::string iw = where + "items/" + std::to_string(i) + "/";
      Resource(item, iw);
      std::string type = item.value("type", "");
      if (type != "Manifest" && type != "Collection") Bad(iw, "must be a Manifest or Collection");
      if (!item.contains("label")) Bad(iw, "label is required on references");
    }
  }
};

}  // namespace disan::testing
