// Resumption tokens: where a list request sequence stands, carried by the harvester.
//
// The token holds the original request (verb, metadataPrefix, set, the from/until bounds),
// the keyset of the last record sent (its updated_at and pid), the cursor, the list size
// and an expiry time, as base64url JSON followed by an HMAC-SHA256 over it with the
// repository's secret key. Nothing is kept on the server, so any number of servers can
// answer the next request, and a token cannot be forged or altered: a changed byte, another
// repository's token or an expired one fails to decode (badResumptionToken).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "interop/oai_request.h"

namespace disan::interop {

struct ResumptionState {
  OaiVerb verb = OaiVerb::kListRecords;  // ListIdentifiers or ListRecords
  std::string metadata_prefix;
  std::string set;               // "" = no set
  std::string from;              // store bounds (FormatStoreTime), "" = none
  std::string before;
  std::string after_updated_at;  // the last record sent
  std::string after_pid;
  int64_t cursor = 0;            // records sent before the page this token asks for
  int64_t complete_list_size = 0;
  int64_t expires = 0;           // seconds since the epoch
};

std::string EncodeResumptionToken(const ResumptionState& state, std::string_view key);

// badResumptionToken when the token is malformed, was signed with another key, or expired
// before `now` (seconds since the epoch).
OaiResult<ResumptionState> DecodeResumptionToken(std::string_view token, std::string_view key,
                                                 int64_t now);

// base64url without padding (RFC 4648 section 5); DecodeBase64Url returns nullopt on any
// character outside the alphabet or an impossible length.
std::string EncodeBase64Url(std::string_view bytes);
std::optional<std::string> DecodeBase64Url(std::string_view text);

}  // namespace disan::interop
