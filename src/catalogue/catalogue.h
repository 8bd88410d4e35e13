// Catalogue: the service that creates, reads, edits and deletes records.
//
// It owns the rules the store knows nothing about: validation against the schema, minting of
// persistent identifiers, checking that references point at live records of the right class,
// which records an anonymous reader may see, and the filter terms each record is listed under.
// Thread-safe: it holds no mutable state of its own; the store serialises writes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/record_diff.h"
#include "core/schema.h"
#include "store/store.h"

namespace disan {

// Who is asking. Anonymous readers see only published, public records.
enum class Audience { kPublic, kStaff };

// A change the catalogue is about to make, as shown to Actor::authorise and to the write
// observer: `before` is null for a new record, `after` null for a deletion.
struct RecordChange {
  RevisionAction action = RevisionAction::kCreate;
  RecordClass cls = RecordClass::kItem;
  std::string pid;
  const StoredRecord* before = nullptr;
  const nlohmann::json* after = nullptr;
};

struct Actor {
  std::string name;  // recorded as the author of revisions
  Audience audience = Audience::kPublic;
  // Asked inside the write transaction before any change is written (the HTTP layer asks the
  // permission table, auth/permissions.h); a failure cancels the change. Empty = trusted
  // (the command line, tests of the catalogue alone).
  std::function<Status(const RecordChange&)> authorise;
  std::string address;  // where the request came from, for the audit log ("" = local)
};

// Filters for listing; every value is matched as the API documents (places and legacy ids
// ignore case and diacritics).
struct ListFilters {
  std::vector<std::string> kinds;
  std::vector<std::string> levels;
  std::vector<std::string> places;
  std::vector<std::string> custodians;
  std::vector<std::string> ethnic_groups;
  std::vector<std::string> areas;
  std::string cursor;
  size_t limit = 50;
};

// A search as the API receives it (see docs/search.md).
struct SearchParams {
  std::string q;
  std::map<std::string, std::vector<std::string>> filters;  // facet field -> values (OR)
  std::optional<BoundingBox> bbox;
  std::optional<Circle> near;
  std::optional<int64_t> year_from, year_to;
  SearchSort sort = SearchSort::kRelevance;
  std::string cursor;
  size_t limit = 20;
  bool facets = true;
};

struct SearchHitView {
  StoredRecord record;
  std::string snippet;  // HTML with <mark>, original diacritics
};

struct SearchPage {
  std::vector<SearchHitView> hits;
  size_t total = 0;
  std::map<std::string, std::vector<FacetCount>> facets;
  std::string next_cursor;
  std::string spelling;  // when nothing matched: a corrected query ("cồng chiêng"), else ""
};

class Catalogue {
 public:
  // Facet fields, in the order the API lists them.
  static const std::vector<std::string>& FacetFields();

  static constexpr size_t kMaxPageSize = 500;

  Catalogue(MetadataStore& store, std::shared_ptr<const Schema> schema, std::string pid_namespace);

  const Schema& schema() const { return *schema_; }
  const std::string& pid_namespace() const { return namespace_; }
  MetadataStore& store() { return store_; }

  // Returns the record, or kNotFound (also for records of another class, and for records the
  // actor may not see). A deleted record is returned with deleted = true.
  Result<StoredRecord> Get(RecordClass cls, const std::string& pid, const Actor& actor);
  // The record with its document as the stored text, unparsed and unredacted (kNotFound for
  // another class): for a reader that applies PublicMemberAsStored itself.
  Result<MetadataStore::StoredText> GetStoredText(RecordClass cls, const std::string& pid);
  // The record's current revision (0 when unknown), without reading it: a key for answers
  // rendered once per revision. Says nothing about who may see the record.
  Result<int64_t> CurrentRevision(const std::string& pid) { return store_.CurrentRevision(pid); }
  Result<RecordPage> List(RecordClass cls, const ListFilters& filters, const Actor& actor);

  Result<StoredRecord> Create(RecordClass cls, const nlohmann::json& input, const Actor& actor,
                              const std::string& reason);
  // Replaces the whole document. `expected_revision` is the revision the caller last read.
  Result<StoredRecord> Replace(RecordClass cls, const std::string& pid, const nlohmann::json& input,
                               int64_t expected_revision, const Actor& actor,
                               const std::string& reason);
  // Applies a JSON Merge Patch (RFC 7396) to the current document.
  Result<StoredRecord> Patch(RecordClass cls, const std::string& pid, const nlohmann::json& patch,
                             int64_t expected_revision, const Actor& actor,
                             const std::string& reason);
  // Soft delete: leaves a tombstone with the reason (required).
  Result<StoredRecord> Delete(RecordClass cls, const std::string& pid,
                              std::optional<int64_t> expected_revision, const Actor& actor,
                              const std::string& reason);
  // Makes an old revision current again, as a new revision (also undeletes).
  Result<StoredRecord> Restore(RecordClass cls, const std::string& pid, int64_t revision,
                               std::optional<int64_t> expected_revision, const Actor& actor,
                               const std::string& reason);

  Result<std::vector<Revision>> History(RecordClass cls, const std::string& pid, const Actor& actor);
  Result<Revision> GetRevision(RecordClass cls, const std::string& pid, int64_t number,
                               const Actor& actor);
  Result<std::vector<FieldChange>> Diff(RecordClass cls, const std::string& pid, int64_t from,
                                        int64_t to, const Actor& actor);

  // Validates and writes one record inside an open transaction (used by the importer so that
  // a whole file is one transaction). A record with a "pid" keeps it (it must be well formed
  // and not yet issued); otherwise a new one is minted. Returns the pid.
  Result<std::string> CreateIn(StoreWriter& writer, RecordClass cls, const nlohmann::json& input,
                               InputLeniency leniency, const Actor& actor,
                               const std::string& reason);

  // CreateIn in two halves. PrepareCreate does what needs no store (validation, the pid,
  // filter terms, the search document, the document's JSON text); it is safe to call from
  // several threads at once, so an import prepares the next records while one is written.
  // CreatePrepared checks references, reserves the pid and writes, inside the transaction.
  // The prepared record keeps its parts (document, terms, search texts) afterwards, so that a
  // caller writing many can free them on the thread that made them, not the writer's.
  struct PreparedCreate {
    RecordClass cls = RecordClass::kItem;
    Validated validated;
    std::string pid;
    bool pid_given = false;  // the input named its pid; false: minted here
    std::vector<FilterTerm> terms;
    search::SearchDocument search;
    std::string document_text;  // DumpJson(validated.document)
  };
  Result<PreparedCreate> PrepareCreate(RecordClass cls, const nlohmann::json& input,
                                       InputLeniency leniency) const;
  // The same, validating `input` in place (an import's parsed row, not needed after).
  Result<PreparedCreate> PrepareCreate(RecordClass cls, nlohmann::json&& input,
                                       InputLeniency leniency) const;
  Result<std::string> CreatePrepared(StoreWriter& writer, PreparedCreate& prepared,
                                     const Actor& actor, const std::string& reason);

  // Writes `input` as the current version of record `pid` inside an open transaction (used by
  // the harvester, whose pages are one transaction each): creates the record with that pid
  // when it does not exist, replaces it when it does, restores it when it was deleted.
  // Returns the action taken, or nullopt when the validated document equals the current one
  // (nothing is written: harvesting the same record twice adds no revision).
  Result<std::optional<RevisionAction>> UpsertIn(StoreWriter& writer, RecordClass cls,
                                                 const std::string& pid,
                                                 const nlohmann::json& input, const Actor& actor,
                                                 const std::string& reason);
  // Deletes inside an open transaction; false when the record was already deleted.
  Result<bool> DeleteIn(StoreWriter& writer, const std::string& pid, const Actor& actor,
                        const std::string& reason);
  // Changes record `pid` inside an open transaction exactly as Patch and Replace do: `next`
  // makes the new document of the current one, which is validated, authorised, written as a
  // new revision (kUpdate) and passed to the write observer. Returns the new revision (used by
  // workflow/review.h, whose accepted corrections commit with the review's own records).
  Result<int64_t> UpdateIn(StoreWriter& writer, RecordClass cls, const std::string& pid,
                           const std::function<Result<nlohmann::json>(const StoredRecord&)>& next,
                           RevisionAction action, std::optional<int64_t> expected_revision,
                           const Actor& actor, const std::string& reason);

  Result<SearchPage> Search(const SearchParams& params, const Actor& actor);
  // Up to `limit` preferred names of public items (or records of `cls`: the staff forms'
  // record links) matching what has been typed so far.
  Result<std::vector<std::pair<std::string, std::string>>> Suggest(
      const std::string& typed, size_t limit, const Actor& actor,
      RecordClass cls = RecordClass::kItem);
  // Recomputes every record's filter terms and search entry in one transaction.
  Result<size_t> Reindex();

  // Issues a new API token, stores its hash and returns the token (shown once).
  Result<std::string> IssueToken(const std::string& label);
  // The token's label when it is valid, nullopt otherwise.
  Result<std::optional<std::string>> CheckToken(const std::string& token);

  // The terms a document is listed under (see ListFilters).
  static std::vector<FilterTerm> TermsOf(const nlohmann::json& document);
  // True when an anonymous reader may see the record.
  static bool IsPublic(const StoredRecord& record);
  static bool IsPublicDocument(const nlohmann::json& document);
  // What an anonymous reader is shown of a record: never its internal note; of a record with
  // a generalised location, points rounded to 0.1° (about 11 km) and no village address. Every
  // public output (API, search, OAI-PMH, change feed, JSON-LD, exports) goes through here.
  static void RedactForPublic(StoredRecord& record);
  // Drops the internal note; redacts the location when the document, or the caller
  // (`generalised`), says it is sensitive.
  static void RedactDocument(nlohmann::json& document, bool generalised = false);
  // The same rules, for a reader that passes a document's stored text through unparsed
  // (http/record_text.h), one top-level member at a time (`value` is its JSON text):
  // kHidden: the public sees the record without this member (RedactDocument drops it);
  // kNeedsParsing: the member makes the record not public or redacted otherwise (or is
  //   spelled in a way this cannot tell), so the parsed way must decide;
  // kShown: the public sees it as stored.
  enum class PublicMember { kShown, kHidden, kNeedsParsing };
  static PublicMember PublicMemberAsStored(std::string_view key, std::string_view value);

  // Called inside the write transaction after every record change has been written (creation,
  // edit, deletion, restore, import); a failure rolls the change back. The audit log hangs here.
  using WriteObserver =
      std::function<Status(StoreWriter& writer, const RecordChange& change, const Actor& actor,
                           const std::string& reason)>;
  void SetWriteObserver(WriteObserver observer) { observer_ = std::move(observer); }
  // The observer in place, for a caller that chains another one onto it.
  const WriteObserver& write_observer() const { return observer_; }

 private:
  // Validation (system fields such as pid passed over) and the references checked.
  Result<Validated> ValidateWithRefs(StoreWriter& writer, RecordClass cls,
                                     const nlohmann::json& input, InputLeniency leniency);
  Status CheckRefs(StoreWriter& writer, const std::vector<RecordRef>& refs);
  Result<StoredRecord> Update(RecordClass cls, const std::string& pid,
                              const std::function<Result<nlohmann::json>(const StoredRecord&)>& next,
                              RevisionAction action, std::optional<int64_t> expected_revision,
                              const Actor& actor, const std::string& reason);

  MetadataStore& store_;
  std::shared_ptr<const Schema> schema_;
  std::string namespace_;
  WriteObserver observer_;
};

}  // namespace disan
