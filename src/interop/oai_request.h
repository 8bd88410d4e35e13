// The OAI-PMH 2.0 request grammar: form-encoded arguments, verbs, which arguments each verb
// takes, UTC datetimes and their granularity. Pure functions without I/O, so that every rule
// of the protocol (sections 3.1, 3.3, 3.6 and 4 of the specification) is tested on its own.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace disan::interop {

// The protocol's error codes (section 3.6), as they appear in <error code="...">.
enum class OaiErrorCode {
  kBadArgument,
  kBadResumptionToken,
  kBadVerb,
  kCannotDisseminateFormat,
  kIdDoesNotExist,
  kNoRecordsMatch,
  kNoMetadataFormats,
  kNoSetHierarchy,
};
std::string_view OaiErrorCodeName(OaiErrorCode code);

struct OaiError {
  OaiErrorCode code = OaiErrorCode::kBadArgument;
  std::string message;  // English, then Vietnamese
};

template <typename T>
using OaiResult = std::expected<T, OaiError>;

std::unexpected<OaiError> OaiFail(OaiErrorCode code, std::string_view en, std::string_view vi);

enum class OaiVerb { kIdentify, kListMetadataFormats, kListSets, kGetRecord, kListIdentifiers, kListRecords };
std::string_view OaiVerbName(OaiVerb verb);
std::optional<OaiVerb> ParseOaiVerb(std::string_view name);

// A from/until argument: the instant it names and the granularity it was written in.
enum class Granularity { kDay, kSeconds };
struct UtcDatetime {
  int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  Granularity granularity = Granularity::kSeconds;
};

// "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ" (section 3.3.1), years 0001-9999, real calendar
// dates only. nullopt for anything else (fractions of seconds, offsets, a missing Z).
std::optional<UtcDatetime> ParseUtcDatetime(std::string_view text);
// "YYYY-MM-DDThh:mm:ssZ"
std::string FormatUtcDatetime(int64_t seconds);
// The store's form, "YYYY-MM-DDThh:mm:ss.000Z", for comparing with updated_at.
std::string FormatStoreTime(int64_t seconds);

using Arguments = std::vector<std::pair<std::string, std::string>>;

// Decodes application/x-www-form-urlencoded text (a query string or a POST body): pairs split
// on '&', '+' is a space, %XX a byte. Keys are kept exactly (they are case-sensitive). Fails
// with badArgument on a malformed escape, text that is not UTF-8 or holds control characters,
// more than 32 pairs, or more than 4096 bytes.
OaiResult<Arguments> ParseFormEncoded(std::string_view text);

// A request whose arguments fit its verb's grammar. Values are still unchecked against the
// repository (known formats, identifiers, tokens): the provider does that.
struct OaiRequest {
  OaiVerb verb = OaiVerb::kIdentify;
  std::optional<std::string> identifier;
  std::optional<std::string> metadata_prefix;
  std::optional<std::string> set;
  std::optional<std::string> resumption_token;
  std::optional<UtcDatetime> from, until;
  Arguments arguments;  // as received, for the <request> element
};

// Checks the arguments against the verb (section 4): badVerb when the verb is missing,
// repeated or unknown; badArgument for an argument the verb does not take, a repeated or
// missing one, a resumptionToken with other arguments, a date that is not a UTCdatetime,
// from and until of different granularity or from after until, and a metadataPrefix, set or
// identifier whose syntax the protocol's schema does not allow.
OaiResult<OaiRequest> ParseOaiRequest(const Arguments& arguments);

// setSpec syntax (OAI-PMH.xsd setSpecType): unreserved URI characters, ':'-separated.
bool IsSetSpec(std::string_view text);

}  // namespace disan::interop
