// What a harvester may know of a record: the one rule the OAI-PMH provider and the change feed
// share.
//
// Only heritage items are harvested. An item that is not deleted and that an anonymous reader
// may see (Catalogue::IsPublic) is disseminated, redacted as the public API redacts it
// (Catalogue::RedactForPublic: generalised locations stay generalised). An item that was
// public once and no longer is (deleted, withdrawn to draft, made restricted) is reported as
// deleted, so harvesters remove their copy; its sets are those of the last version the
// public saw, so that a harvester of one set learns of the removal too. An item that was
// never public is not mentioned at all: not even its identifier leaks.
// Thread-safe: holds only a reference to the store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/oai_request.h"
#include "store/store.h"

namespace disan::interop {

enum class Exposure { kPublic, kWithdrawn, kNeverPublic };

struct HarvestRecord {
  StoredRecord record;            // kPublic: redacted for the public; else not to be shown
  Exposure exposure = Exposure::kNeverPublic;
  std::vector<std::string> sets;  // leaf setSpecs ("kind:relic") of what the public last saw
  std::string datestamp;          // updated_at to the second, "2025-07-01T08:00:00Z"
};

class HarvestView {
 public:
  explicit HarvestView(MetadataStore& store) : store_(store) {}

  // Reads the record's history only when its current state is not public.
  Result<HarvestRecord> Classify(StoredRecord record);
  // True when a revision before the current one was public (the change feed's Create/Update).
  Result<bool> WasPublicBefore(const StoredRecord& record);
  // How many items changed in [from, before) ("" = unbounded) a harvester is told of (public
  // or withdrawn), of set `set` ("" = all): the OAI-PMH list's completeListSize and the change
  // feed's totalItems. The live public ones are counted from the term index; only the rest
  // (tombstones, hidden records) is read and classified, so a million public records are not.
  Result<int64_t> CountListed(const std::string& from, const std::string& before,
                              const std::string& set);

  // The leaf sets a document belongs to: kind:<kind>, level:<recognition level>,
  // commune:<2025 commune code>.
  static std::vector<std::string> SetsOf(const nlohmann::json& document);
  // Sets are hierarchical: a record in kind:relic is also in kind.
  static bool InSet(const std::vector<std::string>& sets, std::string_view set);
  // "2025-07-01T08:00:00.123Z" -> "2025-07-01T08:00:00Z"
  static std::string Datestamp(const std::string& updated_at);

  // The filter terms of a live record Classify calls public (Catalogue::IsPublicDocument).
  // Validation fills both fields of every stored record (schema defaults), so a public record
  // always has both terms; a record lacking one is read and classified.
  static const std::vector<FilterTerm>& PublicTerms();
  // The filter terms of the live public records in `set`: none for every record, the family's
  // field for a family ("kind"), its value too for one set ("kind:relic"). Set values are
  // vocabulary ids and commune codes, which hold no ':', so these terms select exactly what
  // InSet does. nullopt: no record is in the set (its family is none of SetsOf's).
  static std::optional<std::vector<FilterTerm>> SetTerms(const std::string& set);
  // The ChangeQuery::set_filter of a list of `set`: empty for every record (and for a set no
  // record is in, which callers answer from its count).
  static ChangeQuery::SetFilter SetFilter(const std::string& set);

 private:
  MetadataStore& store_;
};

}  // namespace disan::interop
