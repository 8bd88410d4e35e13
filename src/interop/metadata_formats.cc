#include "interop/metadata_formats.h"

#include <cstdio>
#include <cstdlib>

#include "core/json_member.h"

namespace disan::interop {
namespace {

using nlohmann::json;
using Attributes = XmlBuilder::Attributes;

const Term* FindTerm(const Schema& schema, std::string_view vocabulary, const std::string& id) {
  const Vocabulary* v = schema.FindVocabulary(vocabulary);
  return v ? v->FindId(id) : nullptr;
}

// One DC element per language for a vocabulary term; the id itself when it is unknown.
void TermElements(XmlBuilder& xml, const char* element, const Schema& schema,
                  std::string_view vocabulary, const std::string& id) {
  if (id.empty()) return;
  if (const Term* t = FindTerm(schema, vocabulary, id)) {
    xml.Element(element, t->label_vi, {{"xml:lang", "vi"}});
    xml.Element(element, t->label_en, {{"xml:lang", "en"}});
  } else {
    xml.Element(element, id);
  }
}

// Years as ISO 8601 writes them: four digits at least, a minus sign before the common era.
std::string Year(int64_t year) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%04lld", year < 0 ? "-" : "", static_cast<long long>(std::llabs(year)));
  return buf;
}

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// JSON text with nothing XML 1.0 forbids: control characters are already \u escapes, and the
// two noncharacters U+FFFE and U+FFFF, which XML cannot carry, become escapes too.
std::string JsonForXml(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) == 0xEF && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) == 0xBE || static_cast<unsigned char>(text[i + 2]) == 0xBF)) {
      out += static_cast<unsigned char>(text[i + 2]) == 0xBE ? "\\ufffe" : "\\uffff";
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::vector<MetadataFormat> MetadataFormats(const std::string& oai_base_url) {
  return {{"oai_dc", std::string(kOaiDcSchema), std::string(kOaiDcNamespace)},
          {"disan", oai_base_url + "/schemas/disan.xsd", std::string(kDisanNamespace)}};
}

bool IsMetadataFormat(std::string_view prefix) { return prefix == "oai_dc" || prefix == "disan"; }

json RecordJson(const StoredRecord& r, const std::string& site_url) {
  json out = json::object();
  out["pid"] = r.pid;
  out["class"] = RecordClassName(r.cls);
  for (const auto& [k, v] : r.document.items()) out[k] = v;
  out["revision"] = r.revision;
  out["created_at"] = r.created_at;
  out["updated_at"] = r.updated_at;
  out["links"] = {{"id", site_url + "/id/" + r.pid}, {"self", site_url + "/api/v1/items/" + r.pid}};
  return out;
}

void WriteDublinCore(XmlBuilder& xml, const Schema& schema, const StoredRecord& r,
                     const std::string& site_url) {
  const json& d = r.document;
  xml.Start("oai_dc:dc", {{"xmlns:oai_dc", std::string(kOaiDcNamespace)},
                          {"xmlns:dc", std::string(kDcNamespace)},
                          {"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"},
                          {"xsi:schemaLocation", std::string(kOaiDcNamespace) + " " + std::string(kOaiDcSchema)}});
  // Titles: the preferred name first, each in its language.
  const json& names = ListOf(d, "names");
  for (int pass = 0; pass < 2; ++pass) {
    for (const json& n : names) {
      bool preferred = n.is_object() && n.value("preferred", false);
      if (preferred != (pass == 0)) continue;
      Attributes lang;
      if (!StringOf(n, "lang").empty()) lang.push_back({"xml:lang", StringOf(n, "lang")});
      xml.Element("dc:title", StringOf(n, "value"), lang);
    }
  }
  for (const json& t : ListOf(d, "description")) {
    Attributes lang;
    if (!StringOf(t, "lang").empty()) lang.push_back({"xml:lang", StringOf(t, "lang")});
    xml.Element("dc:description", StringOf(t, "value"), lang);
  }
  for (const json& rec : ListOf(d, "recognitions")) {
    const Term* level = FindTerm(schema, "recognition_levels", StringOf(rec, "level"));
    std::string when = StringOf(rec, "date");
    if (when.empty() && rec.contains("year") && rec["year"].is_number_integer()) {
      when = std::to_string(rec["year"].get<int64_t>());
    }
    std::string decision = StringOf(rec, "decision");
    xml.Element("dc:description",
                "Xếp hạng, ghi danh: " + Join({level ? level->label_vi : StringOf(rec, "level"), decision, when}, ", "),
                {{"xml:lang", "vi"}});
    xml.Element("dc:description",
                "Recognition: " + Join({level ? level->label_en : StringOf(rec, "level"), decision, when}, ", "),
                {{"xml:lang", "en"}});
  }
  for (const char* type : {"relic_type", "artifact_type", "intangible_type", "documentary_type"}) {
    TermElements(xml, "dc:subject", schema, std::string(type) + "s", StringOf(d, type));
  }
  for (const json& e : ListOf(d, "ethnic_groups")) {
    if (e.is_string()) TermElements(xml, "dc:subject", schema, "ethnic_groups", e.get<std::string>());
  }
  // Coverage: where (each place as written, then its coordinates) and when.
  for (const json& p : ListOf(d, "places")) {
    std::string now = Join({StringOf(p, "address"), StringOf(p, "commune_2025"), StringOf(p, "province_2025")}, ", ");
    std::string before = Join({StringOf(p, "commune_old"), StringOf(p, "district_old"), StringOf(p, "province_old")}, ", ");
    if (!now.empty()) xml.Element("dc:coverage", now, {{"xml:lang", "vi"}});
    if (!before.empty()) xml.Element("dc:coverage", before + " (trước 2025)", {{"xml:lang", "vi"}});
    if (p.contains("point") && p["point"].is_object() && p["point"].contains("lat") &&
        p["point"].contains("lon") && p["point"]["lat"].is_number() && p["point"]["lon"].is_number()) {
      // DCMI Point encoding scheme.
      xml.Element("dc:coverage", "east=" + Number(p["point"]["lon"].get<double>()) +
                                     "; north=" + Number(p["point"]["lat"].get<double>()) + "; projection=WGS84");
    }
  }
  if (d.contains("dating") && d["dating"].is_object()) {
    const json& dating = d["dating"];
    if (!StringOf(dating, "text").empty()) xml.Element("dc:coverage", StringOf(dating, "text"));
    bool has_from = dating.contains("from_year") && dating["from_year"].is_number_integer();
    bool has_to = dating.contains("to_year") && dating["to_year"].is_number_integer();
    if (has_from || has_to) {
      int64_t from = has_from ? dating["from_year"].get<int64_t>() : dating["to_year"].get<int64_t>();
      int64_t to = has_to ? dating["to_year"].get<int64_t>() : from;
      xml.Element("dc:date", from == to ? Year(from) : Year(from) + "/" + Year(to));
    }
  }
  TermElements(xml, "dc:type", schema, "kinds", StringOf(d, "kind"));
  if (StringOf(d, "kind") == "relic" || StringOf(d, "kind") == "artifact") xml.Element("dc:type", "PhysicalObject");
  if (!StringOf(d, "creator").empty()) xml.Element("dc:creator", StringOf(d, "creator"));
  for (const json& m : ListOf(d, "materials")) {
    if (m.is_string()) xml.Element("dc:format", m.get<std::string>());
  }
  if (d.contains("dimensions") && !StringOf(d["dimensions"], "text").empty()) {
    xml.Element("dc:format", StringOf(d["dimensions"], "text"));
  }
  if (!StringOf(d, "extent").empty()) xml.Element("dc:format", StringOf(d, "extent"));
  // Identifiers: the persistent identifier, its resolver URL, then legacy numbers.
  xml.Element("dc:identifier", r.pid);
  xml.Element("dc:identifier", site_url + "/id/" + r.pid);
  for (const json& l : ListOf(d, "legacy_ids")) {
    if (!StringOf(l, "value").empty()) xml.Element("dc:identifier", StringOf(l, "value"));
  }
  for (const json& l : ListOf(d, "languages")) {
    if (l.is_string()) xml.Element("dc:language", l.get<std::string>());
  }
  for (const json& s : ListOf(d, "sources")) {
    std::string text = Join({StringOf(s, "title"), StringOf(s, "url")}, " — ");
    if (!text.empty()) xml.Element("dc:source", text);
  }
  if (!StringOf(d, "custodian").empty()) xml.Element("dc:relation", site_url + "/id/" + StringOf(d, "custodian"));
  for (const json& a : ListOf(d, "areas")) {
    if (a.is_string()) xml.Element("dc:relation", site_url + "/id/" + a.get<std::string>());
  }
  if (!StringOf(d, "licence").empty()) {
    if (const Term* t = FindTerm(schema, "licences", StringOf(d, "licence"))) {
      if (!t->uri.empty()) xml.Element("dc:rights", t->uri);
      xml.Element("dc:rights", t->label_vi, {{"xml:lang", "vi"}});
      xml.Element("dc:rights", t->label_en, {{"xml:lang", "en"}});
    } else {
      xml.Element("dc:rights", StringOf(d, "licence"));
    }
  }
  if (!StringOf(d, "rights_holder").empty()) xml.Element("dc:rights", StringOf(d, "rights_holder"));
  xml.End("oai_dc:dc");
}

void WriteDisanRecord(XmlBuilder& xml, const StoredRecord& r, const std::string& site_url,
                      const std::string& oai_base_url) {
  xml.Start("disan:record", {{"xmlns:disan", std::string(kDisanNamespace)},
                             {"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"},
                             {"xsi:schemaLocation", std::string(kDisanNamespace) + " " + oai_base_url + "/schemas/disan.xsd"},
                             {"pid", r.pid},
                             {"class", std::string(RecordClassName(r.cls))},
                             {"kind", r.kind},
                             {"revision", std::to_string(r.revision)},
                             {"created", r.created_at},
                             {"updated", r.updated_at}});
  xml.Element("disan:json", JsonForXml(RecordJson(r, site_url)), {{"mediaType", "application/json"}});
  xml.End("disan:record");
}

const std::string& DisanXsd() {
  static const std::string xsd = std::string(R"xsd(<?xml version="1.0" encoding="UTF-8"?>
<!-- The "disan" OAI-PMH metadata format: a whole Disan heritage record, losslessly.
     disan:json holds the record exactly as the JSON API shows it to the public
     (GET /api/v1/items/{pid}, with absolute links): the attributes repeat its identity so that
     a harvester can route records without parsing the JSON. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:disan=")xsd") + std::string(kDisanNamespace) + R"xsd("
           targetNamespace=")xsd" + std::string(kDisanNamespace) + R"xsd("
           elementFormDefault="qualified" attributeFormDefault="unqualified">
  <xs:element name="record">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="json" type="disan:jsonObject"/>
      </xs:sequence>
      <xs:attribute name="pid" type="disan:pid" use="required"/>
      <xs:attribute name="class" type="disan:recordClass" use="required"/>
      <xs:attribute name="kind" type="xs:NCName" use="required"/>
      <xs:attribute name="revision" type="xs:positiveInteger" use="required"/>
      <xs:attribute name="created" type="disan:timestamp" use="required"/>
      <xs:attribute name="updated" type="disan:timestamp" use="required"/>
    </xs:complexType>
  </xs:element>
  <!-- A persistent identifier: namespace, hyphen, eight characters and a check character. -->
  <xs:simpleType name="pid">
    <xs:restriction base="xs:string">
      <xs:pattern value="[a-z][a-z0-9]{1,15}-[0-9bcdfghjkmnpqrstvwxz]{9}"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="recordClass">
    <xs:restriction base="xs:string">
      <xs:enumeration value="item"/>
    </xs:restriction>
  </xs:simpleType>
  <!-- RFC 3339 UTC with milliseconds, as the store writes it. -->
  <xs:simpleType name="timestamp">
    <xs:restriction base="xs:dateTime">
      <xs:pattern value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"/>
    </xs:restriction>
  </xs:simpleType>
  <!-- One JSON object on one line (RFC 8259), UTF-8, NFC. -->
  <xs:complexType name="jsonObject">
    <xs:simpleContent>
      <xs:extension base="disan:jsonObjectText">
        <xs:attribute name="mediaType" type="xs:string" fixed="application/json"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:simpleType name="jsonObjectText">
    <xs:restriction base="xs:string">
      <xs:pattern value="\{.*\}"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>
)xsd";
  return xsd;
}

}  // namespace disan::interop
