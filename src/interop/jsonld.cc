#include "interop/jsonld.h"

#include <cstdio>
#include <cstdlib>

#include "core/json_member.h"

namespace disan::interop {
namespace {

using nlohmann::json;

json Lang(const std::string& value, const std::string& lang) {
  if (lang.empty()) return value;
  return {{"@value", value}, {"@language", lang}};
}

// ISO 8601 years as xsd:gYear writes them: four digits at least, "-" before the common era.
std::string Year(int64_t year) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%04lld", year < 0 ? "-" : "",
                static_cast<long long>(std::llabs(year)));
  return buf;
}

const Term* FindTerm(const Schema& schema, const std::string& vocabulary, const std::string& id) {
  const Vocabulary* v = schema.FindVocabulary(vocabulary);
  return v ? v->FindId(id) : nullptr;
}

// A vocabulary term as a node: its URI when it has one, else our vocabulary's URL; with both
// labels.
json TermNode(const Schema& schema, const std::string& site_url, const std::string& vocabulary,
              const std::string& id, const char* type) {
  const Term* t = FindTerm(schema, vocabulary, id);
  json node = {
      {"@id",
       t && !t->uri.empty() ? t->uri : site_url + "/api/v1/vocabularies/" + vocabulary + "#" + id},
      {"@type", type}};
  if (t) node["rdfs:label"] = json::array({Lang(t->label_vi, "vi"), Lang(t->label_en, "en")});
  return node;
}

struct KindTypes {
  const char* schema_org;
  const char* crm;
};

KindTypes TypesOf(const std::string& kind) {
  if (kind == "relic") return {"schema:LandmarksOrHistoricalBuildings", "crm:E27_Site"};
  if (kind == "artifact") return {"schema:CreativeWork", "crm:E22_Human-Made_Object"};
  if (kind == "documentary") return {"schema:CreativeWork", "crm:E31_Document"};
  return {"schema:CreativeWork", "crm:E28_Conceptual_Object"};  // intangible heritage
}

json Context() {
  return {{"schema", "https://schema.org/"},
          {"crm", "http://www.cidoc-crm.org/cidoc-crm/"},
          {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
          {"xsd", "http://www.w3.org/2001/XMLSchema#"},
          {"geo", "http://www.opengis.net/ont/geosparql#"},
          {"dcterms", "http://purl.org/dc/terms/"}};
}

}  // namespace

json ItemJsonLd(const Schema& schema, const StoredRecord& r, const std::string& site_url) {
  const json& d = r.document;
  const std::string id = site_url + "/id/" + r.pid;
  KindTypes types = TypesOf(r.kind);
  json out = {
      {"@context", Context()}, {"@id", id}, {"@type", json::array({types.schema_org, types.crm})}};

  // Names: schema:name is the preferred one in each language, the others alternateName; in
  // CRM every name is an appellation of the object.
  json names = json::array(), alternates = json::array(), appellations = json::array();
  bool have_preferred = false;
  for (const json& n : d.value("names", json::array())) {
    if (n.is_object() && n.value("preferred", false)) have_preferred = true;
  }
  for (const json& n : d.value("names", json::array())) {
    json value = Lang(StringOf(n, "value"), StringOf(n, "lang"));
    bool preferred = n.is_object() && n.value("preferred", false);
    (preferred || (!have_preferred && names.empty()) ? names : alternates).push_back(value);
    json appellation = {{"@type", "crm:E33_E41_Linguistic_Appellation"},
                        {"crm:P190_has_symbolic_content", value}};
    if (preferred) {
      appellation["crm:P2_has_type"] = {{"@id", "http://vocab.getty.edu/aat/300404670"},
                                        {"rdfs:label", "preferred name"}};
    }
    appellations.push_back(appellation);
  }
  out["schema:name"] = names;
  if (!alternates.empty()) out["schema:alternateName"] = alternates;
  out["rdfs:label"] = names.empty() ? json(r.pid) : names[0];
  appellations.push_back(
      {{"@type", "crm:E42_Identifier"}, {"crm:P190_has_symbolic_content", r.pid}});
  for (const json& l : d.value("legacy_ids", json::array())) {
    if (StringOf(l, "value").empty()) continue;
    json identifier = {{"@type", "crm:E42_Identifier"},
                       {"crm:P190_has_symbolic_content", StringOf(l, "value")}};
    if (!StringOf(l, "scheme").empty()) {
      identifier["crm:P2_has_type"] =
          TermNode(schema, site_url, "legacy_id_schemes", StringOf(l, "scheme"), "crm:E55_Type");
    }
    appellations.push_back(identifier);
  }
  out["crm:P1_is_identified_by"] = appellations;
  out["schema:identifier"] = r.pid;
  out["schema:url"] = {{"@id", id}};
  out["schema:mainEntityOfPage"] = {{"@id", site_url + "/api/v1/items/" + r.pid}};
  out["schema:dateModified"] = {{"@value", r.updated_at}, {"@type", "xsd:dateTime"}};

  json descriptions = json::array(), statements = json::array();
  for (const json& t : d.value("description", json::array())) {
    json value = Lang(StringOf(t, "value"), StringOf(t, "lang"));
    descriptions.push_back(value);
    statements.push_back(
        {{"@type", "crm:E33_Linguistic_Object"}, {"crm:P190_has_symbolic_content", value}});
  }
  if (!descriptions.empty()) {
    out["schema:description"] = descriptions;
    out["crm:P67i_is_referred_to_by"] = statements;
  }

  // Classification: the kind and its type as CRM types, their labels as schema:genre.
  json classified = json::array({TermNode(schema, site_url, "kinds", r.kind, "crm:E55_Type")});
  for (const char* f : {"relic_type", "artifact_type", "intangible_type", "documentary_type"}) {
    if (!StringOf(d, f).empty())
      classified.push_back(
          TermNode(schema, site_url, std::string(f) + "s", StringOf(d, f), "crm:E55_Type"));
  }
  out["crm:P2_has_type"] = classified;
  json genres = json::array();
  for (const json& c : classified) {
    if (c.contains("rdfs:label")) genres.push_back(c["rdfs:label"][0]);
  }
  if (!genres.empty()) out["schema:genre"] = genres;

  // Places: names as written, points (schema:geo and a WKT point in CRM).
  json places = json::array(), crm_places = json::array();
  for (const json& p : d.value("places", json::array())) {
    std::string label;
    for (const char* f : {"address", "commune_2025", "province_2025"}) {
      if (!StringOf(p, f).empty()) label += (label.empty() ? "" : ", ") + StringOf(p, f);
    }
    if (label.empty()) {
      for (const char* f : {"commune_old", "district_old", "province_old"}) {
        if (!StringOf(p, f).empty()) label += (label.empty() ? "" : ", ") + StringOf(p, f);
      }
    }
    json place = {{"@type", "schema:Place"}};
    json crm_place = {{"@type", "crm:E53_Place"}};
    if (!label.empty()) {
      place["schema:name"] = Lang(label, "vi");
      crm_place["rdfs:label"] = Lang(label, "vi");
    }
    if (p.contains("point") && p["point"].is_object() && p["point"].contains("lat") &&
        p["point"]["lat"].is_number() && p["point"].contains("lon") &&
        p["point"]["lon"].is_number()) {
      double lat = p["point"]["lat"].get<double>(), lon = p["point"]["lon"].get<double>();
      place["schema:geo"] = {{"@type", "schema:GeoCoordinates"},
                             {"schema:latitude", {{"@value", lat}, {"@type", "xsd:double"}}},
                             {"schema:longitude", {{"@value", lon}, {"@type", "xsd:double"}}}};
      char wkt[96];
      std::snprintf(wkt, sizeof wkt, "POINT(%.6f %.6f)", lon, lat);
      crm_place["crm:P168_place_is_defined_by"] = {{"@value", wkt}, {"@type", "geo:wktLiteral"}};
    }
    if (place.size() > 1) places.push_back(place);
    if (crm_place.size() > 1) crm_places.push_back(crm_place);
  }
  if (!places.empty()) {
    out[r.kind == "relic" ? "schema:containedInPlace" : "schema:spatialCoverage"] = places;
    out["crm:P53_has_former_or_current_location"] = crm_places;
  }

  // Dating: as written, and as a CRM time-span of the production (or formation, for sites).
  if (d.contains("dating") && d["dating"].is_object()) {
    const json& dating = d["dating"];
    bool has_from = dating.contains("from_year") && dating["from_year"].is_number_integer();
    bool has_to = dating.contains("to_year") && dating["to_year"].is_number_integer();
    json span = {{"@type", "crm:E52_Time-Span"}};
    if (!StringOf(dating, "text").empty()) span["rdfs:label"] = Lang(StringOf(dating, "text"), "vi");
    if (has_from || has_to) {
      int64_t from =
          has_from ? dating["from_year"].get<int64_t>() : dating["to_year"].get<int64_t>();
      int64_t to = has_to ? dating["to_year"].get<int64_t>() : from;
      out["schema:temporalCoverage"] = from == to ? Year(from) : Year(from) + "/" + Year(to);
      span["crm:P82a_begin_of_the_begin"] = {{"@value", Year(from)}, {"@type", "xsd:gYear"}};
      span["crm:P82b_end_of_the_end"] = {{"@value", Year(to)}, {"@type", "xsd:gYear"}};
    } else if (!StringOf(dating, "text").empty()) {
      out["schema:temporalCoverage"] = StringOf(dating, "text");
    }
    if (span.size() > 1) {
      out["crm:P108i_was_produced_by"] = {{"@type", "crm:E12_Production"},
                                          {"crm:P4_has_time-span", span}};
    }
  }

  // Recognitions (rankings, inscriptions) as schema:award text in both languages.
  json awards = json::array();
  for (const json& rec : d.value("recognitions", json::array())) {
    const Term* level = FindTerm(schema, "recognition_levels", StringOf(rec, "level"));
    std::string decision = StringOf(rec, "decision").empty() ? "" : " (" + StringOf(rec, "decision") + ")";
    awards.push_back(Lang((level ? level->label_vi : StringOf(rec, "level")) + decision, "vi"));
    if (level) awards.push_back(Lang(level->label_en + decision, "en"));
  }
  if (!awards.empty()) out["schema:award"] = awards;

  json ethnic = json::array();
  for (const json& e : d.value("ethnic_groups", json::array())) {
    if (e.is_string())
      ethnic.push_back(
          TermNode(schema, site_url, "ethnic_groups", e.get<std::string>(), "crm:E74_Group"));
  }
  if (!ethnic.empty()) out["schema:about"] = ethnic;

  // Rights: the licence URI (Creative Commons, RightsStatements.org) and the holder.
  if (const Term* licence = FindTerm(schema, "licences", StringOf(d, "licence"));
      licence && !licence->uri.empty()) {
    out["schema:license"] = {{"@id", licence->uri}};
    out["crm:P104_is_subject_to"] = {{"@id", licence->uri},
                                     {"@type", "crm:E30_Right"},
                                     {"rdfs:label", json::array({Lang(licence->label_vi, "vi"),
                                                                 Lang(licence->label_en, "en")})}};
  }
  if (!StringOf(d, "rights_holder").empty()) {
    out["schema:copyrightHolder"] = {{"@type", "schema:Organization"},
                                     {"schema:name", StringOf(d, "rights_holder")}};
  }
  if (!StringOf(d, "custodian").empty()) {
    json keeper = {{"@id", site_url + "/id/" + StringOf(d, "custodian")}};
    out[r.kind == "relic" ? "schema:maintainer" : "schema:holdingArchive"] = keeper;
    out["crm:P50_has_current_keeper"] = keeper;
  }
  json within = json::array();
  for (const json& a : d.value("areas", json::array())) {
    if (a.is_string()) within.push_back({{"@id", site_url + "/id/" + a.get<std::string>()}});
  }
  if (!within.empty()) out["schema:isPartOf"] = within;
  json sources = json::array();
  for (const json& s : d.value("sources", json::array())) {
    if (!StringOf(s, "url").empty())
      sources.push_back({{"@id", StringOf(s, "url")}});
    else if (!StringOf(s, "title").empty())
      sources.push_back(StringOf(s, "title"));
  }
  if (!sources.empty()) out["schema:citation"] = sources;
  if (!StringOf(d, "creator").empty()) out["schema:creator"] = StringOf(d, "creator");
  json languages = json::array();
  for (const json& l : d.value("languages", json::array())) {
    if (l.is_string()) languages.push_back(l);
  }
  if (!languages.empty()) out["schema:inLanguage"] = languages;
  return out;
}

}  // namespace disan::interop
