// The metadata formats the OAI-PMH provider disseminates, and how a public item is written in
// each: oai_dc (unqualified Dublin Core, TCVN 7980 / ISO 15836) and disan (the whole record,
// losslessly, as the JSON API returns it to the public).
// Pure functions of the record and the schema; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "interop/xml.h"
#include "store/store.h"

namespace disan::interop {

inline constexpr std::string_view kOaiDcNamespace = "http://www.openarchives.org/OAI/2.0/oai_dc/";
inline constexpr std::string_view kOaiDcSchema = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd";
inline constexpr std::string_view kDcNamespace = "http://purl.org/dc/elements/1.1/";
inline constexpr std::string_view kDisanNamespace = "urn:disan:record:1";

struct MetadataFormat {
  std::string prefix;
  std::string schema;     // where the XML Schema is
  std::string name_space;  // the metadataNamespace
};

// Both formats; the disan schema is served at <oai_base_url>/schemas/disan.xsd.
std::vector<MetadataFormat> MetadataFormats(const std::string& oai_base_url);
bool IsMetadataFormat(std::string_view prefix);

// Appends the content of <metadata> for a public item (already redacted for the public).
// `site_url` is the instance's root URL, for resolver links (<site_url>/id/<pid>).
void WriteDublinCore(XmlBuilder& xml, const Schema& schema, const StoredRecord& record,
                     const std::string& site_url);
void WriteDisanRecord(XmlBuilder& xml, const StoredRecord& record, const std::string& site_url,
                      const std::string& oai_base_url);

// The record as the JSON API shows it: pid, class, the document, revision, times, links.
nlohmann::json RecordJson(const StoredRecord& record, const std::string& site_url);

// The XML Schema of the disan format.
const std::string& DisanXsd();

}  // namespace disan::interop
