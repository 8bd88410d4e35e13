// Reading the answers of an OAI-PMH repository: one response document (Identify, ListRecords,
// GetRecord or an error) parsed into plain values. No I/O; the XML parser (libxml2) is
// confined to oai_response.cc.
//
// A document that is not well-formed XML, carries a DTD, is not an OAI-PMH 2.0 response, or
// has a record without identifier or datestamp is refused whole (kInvalid, naming what is
// wrong), so that the harvester never applies half a page. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace disan::interop::harvest {

// One Dublin Core element: its local name ("title"), its text and its xml:lang ("" if none).
struct DcElement {
  std::string name;
  std::string value;
  std::string lang;
};

// One record of a list (or of GetRecord): its header and its metadata in the harvested format.
struct OaiRecord {
  std::string identifier;
  std::string datestamp;
  bool deleted = false;
  std::vector<std::string> sets;
  std::string disan_json;     // format disan: the text of disan:json
  std::vector<DcElement> dc;  // format oai_dc: the elements in document order
  bool has_metadata = false;
};

struct OaiResponse {
  std::string response_date;
  // The first <error>, when the repository answered with one ("" otherwise).
  std::string error_code;
  std::string error_message;
  std::vector<OaiRecord> records;
  // Present when the list has a resumptionToken element; "" marks the last part.
  std::optional<std::string> resumption_token;
  // Identify: "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ"; and the repository's name.
  std::string granularity;
  std::string repository_name;
};

// The metadata formats the harvester reads.
inline constexpr std::string_view kHarvestFormats[] = {"oai_dc", "disan"};

// Parses one response. `format` says which metadata element a record must carry.
Result<OaiResponse> ParseOaiResponse(std::string_view xml, std::string_view format);

}  // namespace disan::interop::harvest
