// The OAI-PMH 2.0 provider: answers the six verbs over the catalogue's public heritage items.
//
// Protocol rules live in oai_request.h (arguments), resumption_token.h (flow control),
// harvest_view.h (what may be disseminated; deleted records) and metadata_formats.h (oai_dc
// and disan). This class ties them to the store and writes the responses. See docs/interop.md.
// Thread-safe: the only mutable state, the token key, is loaded once under a mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "interop/harvest_view.h"
#include "interop/oai_request.h"
#include "interop/resumption_token.h"

namespace disan::interop {

struct OaiSettings {
  // The repositoryIdentifier of OAI identifiers (oai:<repository_id>:<pid>): a domain name
  // the publishing institution controls. It is part of every identifier harvesters keep, so
  // choose it once.
  std::string repository_id = "disan.localhost";
  std::string repository_name = "Disan";
  std::vector<std::string> admin_emails = {"admin@disan.localhost"};
  size_t page_size = 100;                       // records or headers per list response
  int64_t token_lifetime_seconds = 24 * 3600;  // how long a resumptionToken stays valid
};

// kInvalid when the repository id is not a domain name or an e-mail address is malformed.
Status ValidateOaiSettings(const OaiSettings& settings);

// The setting under which the key that signs resumption tokens is kept in the store.
inline constexpr const char* kTokenKeySetting = "oai_token_key";

class OaiProvider {
 public:
  OaiProvider(Catalogue& catalogue, OaiSettings settings);

  // Answers one request. `arguments` is what the form decoding gave (its error becomes a
  // badArgument response); `site_url` is the instance's root URL ("https://host"), from which
  // the baseURL (<site_url>/oai) and resolver links are made. Protocol errors are part of the
  // XML; a failure of the store is returned as an Error.
  Result<std::string> Handle(const OaiResult<Arguments>& arguments, const std::string& site_url);

  const OaiSettings& settings() const { return settings_; }

  // The OAI identifier of a pid, and the pid of an OAI identifier (nullopt when it is not
  // one of this repository's).
  std::string OaiIdentifier(const std::string& pid) const;
  std::optional<std::string> PidOf(const std::string& identifier) const;

 private:
  struct Context;
  struct Scan {
    std::vector<HarvestRecord> records;
    int64_t total = 0;
  };

  Result<std::string> TokenKey();
  Result<OaiResult<HarvestRecord>> FindRecord(const std::string& identifier);
  Result<Scan> ScanList(const ResumptionState& state, size_t want, bool count_all);

  Result<std::string> Identify(Context& c);
  Result<std::string> ListMetadataFormats(Context& c);
  Result<std::string> ListSets(Context& c);
  Result<std::string> GetRecord(Context& c);
  Result<std::string> ListRecords(Context& c);

  Catalogue& catalogue_;
  HarvestView view_;
  OaiSettings settings_;
  std::mutex key_mutex_;
  std::string token_key_;
};

}  // namespace disan::interop
