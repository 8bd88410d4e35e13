// The metadata store: a persistent map from persistent identifiers to record documents, with
// the full revision history of every record and an index of filter terms.
//
// A MetadataStore is safe for concurrent use by many threads: reads run in parallel, writes
// are serialised. Every change happens inside Write(), which runs a function in one
// transaction: either everything it did is kept or, when it fails, nothing is.
// Implementations: sqlite/ (embedded default); a PostgreSQL one follows and must pass the same
// contract tests (tests/store/store_contract_test.cc).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/record.h"
#include "search/index_document.h"
#include "search/query.h"

namespace disan {

enum class RevisionAction { kCreate, kUpdate, kDelete, kRestore };
std::string_view RevisionActionName(RevisionAction action);

// The current state of a record.
struct StoredRecord {
  std::string pid;
  RecordClass cls = RecordClass::kItem;
  std::string kind;
  int64_t revision = 0;       // 1 for a new record, +1 for every change
  std::string created_at;     // RFC 3339 UTC with milliseconds
  std::string updated_at;
  bool deleted = false;       // a tombstone: the document is the last one before deletion
  std::string delete_reason;  // set when deleted
  nlohmann::json document;
};

struct Revision {
  std::string pid;
  int64_t number = 0;
  RevisionAction action = RevisionAction::kCreate;
  std::string author;
  std::string reason;
  std::string at;
  nlohmann::json snapshot;  // the whole document as it was after this revision
};

// A term under which a record can be filtered, e.g. {"level", "national"}. Values are
// compared exactly; callers fold free text before storing and before querying.
struct FilterTerm {
  std::string field;
  std::string value;
};

// Whether the search engine holds a filter term field (filters, facets). Legacy numbers (one per
// record, looked up through the store's ListQuery) and 2025 commune codes (OAI-PMH's sets)
// stay in the store's term index only.
inline bool IsEngineTerm(std::string_view field) { return field != "legacy" && field != "commune_code"; }

// One value of a term field, with one record that holds it (ListTermValues).
struct TermValue {
  std::string value;
  std::string pid;
};

// A change to one record, made inside Write().
struct RecordWrite {
  std::string pid;
  RecordClass cls = RecordClass::kItem;
  std::string kind;
  RevisionAction action = RevisionAction::kCreate;
  // For anything but kCreate: the revision the caller read. A different current revision
  // fails the write with kPreconditionFailed. nullopt skips the check.
  std::optional<int64_t> expected_revision;
  nlohmann::json document;  // for kDelete: ignored, the last document is kept
  std::string document_text;  // DumpJson(document) when the caller has it already; "" = dump here
  std::vector<FilterTerm> terms;
  search::SearchDocument search;  // what the search index holds for the new document
  std::string author;
  std::string reason;
};

struct ListQuery {
  RecordClass cls = RecordClass::kItem;
  std::vector<FilterTerm> filters;  // AND across fields, OR among values of one field
  std::string cursor;               // from RecordPage::next_cursor; "" = first page
  size_t limit = 50;
  bool include_deleted = false;
};

struct RecordPage {
  std::vector<StoredRecord> records;
  std::string next_cursor;  // opaque; "" when this is the last page
};

// Records in the order of their last change, oldest first: by updated_at, then pid. Tombstones
// are included. This is what incremental harvesting (OAI-PMH, the change feed) reads. Times are
// compared as the store writes them (RFC 3339 UTC with milliseconds, "2025-07-01T08:00:00.000Z"),
// so bounds must be written the same way.
struct ChangeQuery {
  RecordClass cls = RecordClass::kItem;
  std::string from;    // only updated_at >= from; "" = no lower bound
  std::string before;  // only updated_at < before; "" = no upper bound
  // Keyset: only records strictly after (after_updated_at, after_pid); both "" = from the first.
  std::string after_updated_at;
  std::string after_pid;
  size_t limit = 100;
  // Live records having every one of these terms are left out (a term with value "" = any
  // value of its field). The OAI-PMH provider counts those with CountLiveChanges instead of
  // reading each one, and reads only the rest (tombstones, hidden records).
  std::vector<FilterTerm> skip_live_with;
  // Live records at their first revision lacking a term of these are left out: created
  // hidden and never changed, they were never public, and a harvester is never told of them
  // (HarvestView::Classify would read their history to find that). Empty: none left out.
  std::vector<FilterTerm> skip_first_revisions_without;
  // A set's filter, so that a page of a set few records are in does not read every record of
  // the list: a live record having every term of `set_filter.live_with` (the terms that make
  // it public) is returned only if it also has every term of `set_filter.in_set`. Tombstones
  // and live records lacking a term of `live_with` are returned as without the filter: their
  // sets are those of their last public version, which only their history tells (OAI-PMH's
  // deleted headers). Empty `in_set`: no filter.
  struct SetFilter {
    std::vector<FilterTerm> live_with;
    std::vector<FilterTerm> in_set;
  } set_filter;
};

enum class SearchSort { kRelevance, kName, kRecognised, kChanged };

struct BoundingBox {
  double min_lat, min_lon, max_lat, max_lon;
};

struct Circle {
  double lat, lon, radius_km;
};

// A search, parsed (search/query.h) and with identifiers resolved.
struct SearchRequest {
  RecordClass cls = RecordClass::kItem;
  search::ParsedQuery query;                      // empty: every record
  search::LastWord last = search::LastWord::kWhole;  // kPrefix: autocomplete
  bool names_only = false;                        // words must be in the names (autocomplete)
  std::vector<std::string> pinned_pids;  // ranked before everything (identifier queries)
  std::vector<FilterTerm> filters;       // as in ListQuery
  bool public_only = true;
  std::optional<BoundingBox> bbox;
  std::optional<Circle> near;
  std::optional<int64_t> year_from, year_to;  // dating overlaps [year_from, year_to]
  SearchSort sort = SearchSort::kRelevance;
  std::string cursor;
  size_t limit = 20;
  std::vector<std::string> facet_fields;
};

struct FacetCount {
  std::string value;
  size_t count = 0;
};

struct SearchResult {
  std::vector<StoredRecord> hits;
  size_t total = 0;
  std::map<std::string, std::vector<FacetCount>> facets;  // by field, largest count first
  std::string next_cursor;
  std::string spelling;  // a corrected query when nothing matched ("cồng chiêng"), else ""
};

// A preserved file of a record (a photograph, scan, recording, 3D model...). The bytes live in
// the record's OCFL object (preservation/) at `logical_path`, added by `ocfl_version`; this is
// what the catalogue knows about them. Derivatives and technical metadata refer to `id`.
struct MediaAsset {
  std::string id;  // the media identifier: a PID of the instance's namespace (also the IIIF id)
  std::string record_pid;     // the record it belongs to
  std::string role;           // master, access_copy, page_scan, panorama, model_3d, recording
  std::string format;         // jpeg, tiff, png, ... (media/media_type.h)
  std::string media_type;     // the MIME type detected from the content
  int64_t size = 0;           // bytes
  std::string sha512;         // lowercase hex, as in the OCFL manifest
  std::string sha256;         // lowercase hex, as in the OCFL fixity block
  std::string original_name;  // the file name the uploader gave ("" when none)
  std::string ocfl_version;   // the version of the record's OCFL object that added the file, "v3"
  std::string logical_path;   // where the file is in that object, "media/dn-....jpg"
  std::string caption_vi;
  std::string caption_en;
  std::string creator;
  std::string date;     // when it was made: YYYY, YYYY-MM or YYYY-MM-DD ("" when unknown)
  std::string licence;  // a term of the licences vocabulary
  std::string rights_holder;
  std::string visibility = "public";  // public; restricted or held (never served to the public)
  // Technical metadata extracted from the file (dimensions, colour, capture date, GPS,
  // duration); {} until an extractor has run.
  nlohmann::json technical = nlohmann::json::object();
  std::string created_at;  // RFC 3339 UTC; set by the store when empty
  std::string author;      // who added it
};

// Accounts, sessions, API tokens, sign-in failures and the audit log (auth/ gives them meaning;
// the store only keeps them).

// One role held by an account, in one organisational unit ("" = province-wide).
struct RoleGrant {
  std::string role;  // administrator, curator, unit_editor, reviewer, contributor
  std::string unit;  // an organisation record's PID, or "" for the whole province
};

struct Account {
  int64_t id = 0;              // 0 when not stored yet
  std::string login;           // NFC, lower case (auth/ validates it); unique
  std::string display_name;    // NFC, as the person wrote it
  std::string password_hash;   // an Argon2id string; "" = no password sign-in
  std::string created_at;      // set by the store when empty
  bool disabled = false;
  std::vector<RoleGrant> grants;
  std::string email;  // "" when none (self-registered contributors give one; migration 9)
};

// A signed-in browser or API client. Only the SHA-256 of its token is kept.
struct Session {
  std::string token_hash;
  int64_t account_id = 0;
  std::string csrf_token;   // sent back by scripts in X-CSRF-Token (not a secret to the owner)
  std::string created_at;   // absolute timeout counts from here
  std::string last_seen_at; // idle timeout counts from here
  std::string address;      // where it signed in from
};

// A personal API token or a one-time password-reset token. Only the SHA-256 is kept.
struct ApiToken {
  int64_t id = 0;
  std::string token_hash;
  int64_t account_id = 0;
  std::string label;
  std::string scope;        // read, write, or reset (a one-time password-reset link)
  std::string created_at;   // set by the store when empty
  std::string expires_at;   // RFC 3339 UTC; "" = never
  bool revoked = false;
};

// One entry of the tamper-evident audit log: hash = SHA-256 over prev_hash and the fields.
struct AuditEntry {
  int64_t seq = 0;          // 1, 2, 3, ... with no gaps
  std::string at;
  std::string actor;        // login, "anonymous" or "cli:..."
  std::string action;       // auth.login, record.update, ... (docs/accounts.md)
  std::string target;       // a PID, a login, a token id, a path
  std::string address;
  std::string detail;       // a JSON object, as text (hashed byte for byte)
  std::string prev_hash;    // hex; 64 zeros for the first entry
  std::string hash;         // hex
};

struct AuditQuery {
  int64_t after_seq = 0;    // entries with seq > after_seq
  size_t limit = 100;
  std::string actor, action, target;  // "" = any; action matches as a prefix ("auth.")
  std::string from, until;            // at >= from, at < until; "" = no bound
};

// An OAI-PMH source this instance harvests (interop/harvest/): one per base URL, set and
// format. A run in progress keeps the resumption token of the next page, so an interrupted
// run resumes where it stopped.
struct HarvestSource {
  std::string url;     // the base URL, as given
  std::string set;     // "" = the whole repository
  std::string format;  // metadataPrefix: oai_dc or disan
  // The responseDate of the first response of the last complete run: the next run's `from`.
  // "" before the first complete run.
  std::string last_response_date;
  // A run in progress: the `from` it started with, the responseDate of its first response and
  // the token of the next page. All "" when no run is in progress.
  std::string run_from;
  std::string run_response_date;
  std::string resumption_token;
  std::string updated_at;  // set by the store
};

// What a harvest made of one record of a source: the local record and the source's datestamp.
struct HarvestedRecord {
  std::string oai_identifier;
  std::string pid;        // the local record
  std::string datestamp;  // as the source wrote it
  bool deleted = false;   // the source last reported it deleted
};

// A background job kept in the database (migration 6): made by uploads, run by the workers of
// `disan serve`, visible through the API and the CLI.
struct Job {
  int64_t id = 0;
  std::string kind;      // "derive"
  std::string media_id;  // the media asset it works on
  std::string state;     // queued, running, done, failed
  int64_t attempts = 0;  // how many times it was started
  std::string next_attempt_at;  // RFC 3339 UTC: a queued job does not start before then
  std::string last_error;       // "" when the last attempt did not fail
  std::string worker;           // who runs or last ran it: "host:pid"
  std::string created_at;
  std::string updated_at;
};

struct JobQuery {
  std::string state;      // "" = every state
  std::string media_id;   // "" = every media asset
  int64_t before_id = 0;  // newest first; 0 = from the newest
  size_t limit = 100;
};

// Community contributions, their review, notifications, commercial-use requests and second
// factors (migration 9; workflow/contributions.h and workflow/review.h give them meaning, the
// store only keeps them).

// A contribution: a new item (a draft record owned by its contributor) or a correction held
// beside an official record, with the licence chosen at submission and the review so far.
struct Submission {
  int64_t id = 0;              // 0 when not stored yet
  std::string type;            // new_item or correction
  std::string record_pid;      // the draft made for a new item, or the record corrected
  std::string kind;            // the record's kind (the review steps depend on it)
  std::string unit;            // the record's unit: its custodian ("" = none)
  int64_t contributor_id = 0;  // the account that submitted it (kept after erasure)
  std::string state;           // in_review, changes_requested, rejected, accepted
  std::string awaiting_role;   // the role that acts next; "" when nobody does
  int64_t step = 0;            // 0-based index of the review step that acts next
  int64_t base_revision = 0;   // the record's revision the contribution was made on
  nlohmann::json proposal = nlohmann::json::object();  // correction: a JSON merge patch
  nlohmann::json rights = nlohmann::json::object();    // licence, holder, attribution, consent
  nlohmann::json history = nlohmann::json::array();    // actions, oldest first
  std::string created_at;      // set by the store when empty
  std::string updated_at;      // set by the store on every write
};

// Who may act on a submission, for a queue: submissions awaiting `role`, of `unit` ("" = of
// any unit).
struct ActableBy {
  std::string role;
  std::string unit;
};

struct SubmissionQuery {
  int64_t contributor_id = 0;       // 0 = anyone's
  std::string state;                // "" = any state
  std::vector<ActableBy> actable;   // empty = no condition; else any of them
  std::string unit;                 // "" = any unit
  std::string kind;                 // "" = any kind
  std::string record_pid;           // "" = any record
  std::string created_before;       // "" = no bound; else created_at < this
  int64_t after_id = 0;             // keyset: oldest first, id > after_id
  size_t limit = 50;
};

// An in-site message to a person (a contributor hears what happened to a submission).
struct Notification {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t submission_id = 0;  // 0 = about no submission
  std::string event;          // review.approve, review.reject, ...
  std::string text_en;
  std::string text_vi;
  std::string created_at;     // set by the store when empty
  std::string read_at;        // "" while unread
};

enum class NotificationFilter { kAll, kUnread };

// A request to use an item commercially, and the curators' answer.
struct UsageRequest {
  int64_t id = 0;
  std::string record_pid;
  int64_t account_id = 0;  // the signed-in person who asked; 0 = the public
  std::string name, organisation, email, purpose;
  std::string state = "open";  // open, granted, refused
  std::string answer;
  std::string answered_by;
  std::string created_at;   // set by the store when empty
  std::string answered_at;  // "" while open
};

struct UsageRequestQuery {
  std::string state;       // "" = any
  std::string record_pid;  // "" = any
  int64_t account_id = 0;  // 0 = anyone's
  int64_t after_id = 0;
  size_t limit = 50;
};

// A TOTP second factor (auth/totp.h): the secret sealed with the instance's key.
struct SecondFactor {
  int64_t account_id = 0;
  std::string secret;  // never returned to anybody after enrolment
  bool confirmed = false;     // a code was shown before it is required at sign-in
  int64_t last_step = 0;      // the last time step a code was accepted for (no reuse)
  std::string created_at;     // set by the store when empty
};

// Operations valid inside one write transaction.
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;
  // Records a newly minted PID as issued. Fails with kConflict if it was ever issued before.
  virtual Status ReservePid(const std::string& pid) = 0;
  // Applies the change and appends a revision. Returns the new revision number.
  virtual Result<int64_t> Put(const RecordWrite& write) = 0;
  virtual Result<StoredRecord> Get(const std::string& pid) = 0;
  // What a reference to `pid` needs to know (class, deleted) without reading the document.
  struct RefTarget {
    RecordClass cls = RecordClass::kItem;
    bool deleted = false;
  };
  virtual Result<RefTarget> GetRefTarget(const std::string& pid) {
    StoredRecord r = TRY(Get(pid));
    return RefTarget{r.cls, r.deleted};
  }
  virtual Status PutSetting(const std::string& key, const std::string& value) = 0;
  // A setting as this transaction sees it (its own writes included), for a read-modify-write
  // that no other writer may interleave.
  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  virtual Status PutToken(const std::string& token_hash, const std::string& label) = 0;
  // Records a new media asset of a live record. Its id must have been reserved (ReservePid):
  // kInvalid when it was not, kConflict when an asset with that id exists, kNotFound / kGone
  // when the record does not exist / was deleted.
  virtual Status PutMedia(const MediaAsset& media) = 0;
  // Replaces the filter terms and search entry of a live record without a new revision
  // (used by reindexing when the derivation rules change).
  virtual Status Reindex(const std::string& pid, const std::vector<FilterTerm>& terms,
                         const search::SearchDocument& search) = 0;
  // Accounts and the rest of auth/ (added after the catalogue's operations).
  // Inserts (id 0) or updates an account with its grants (replaced whole). Returns the id;
  // kConflict when another account has the login.
  virtual Result<int64_t> PutAccount(const Account& account) = 0;
  virtual Status PutSession(const Session& session) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  virtual Status DeleteSessionsOf(int64_t account_id) = 0;
  // Inserts a token; returns its id.
  virtual Result<int64_t> PutApiToken(const ApiToken& token) = 0;
  // Revokes the account's token with this id; kNotFound when it has none.
  virtual Status RevokeApiToken(int64_t account_id, int64_t token_id) = 0;
  // A failed sign-in under `key` ("login:NAME", "address:IP"); cleared on success.
  virtual Status PutLoginFailure(const std::string& key, const std::string& at) = 0;
  virtual Status ClearLoginFailures(const std::string& key) = 0;
  // The last audit entry (nullopt when the log is empty), and appending the next one.
  virtual Result<std::optional<AuditEntry>> LastAuditEntry() = 0;
  virtual Status PutAuditEntry(const AuditEntry& entry) = 0;

  // Harvesting (interop/harvest/). Creates or replaces the source with the same url, set and
  // format.
  virtual Status PutHarvestSource(const HarvestSource& source) = 0;
  // nullopt when the source was never stored or never gave this identifier.
  virtual Result<std::optional<HarvestedRecord>> GetHarvestedRecord(
      const HarvestSource& source, const std::string& oai_identifier) = 0;
  // Creates or replaces the entry. kNotFound when the source is not stored; kInvalid when the
  // pid was never issued.
  virtual Status PutHarvestedRecord(const HarvestSource& source, const HarvestedRecord& record) = 0;
  // Queues a job of `kind` on a media asset (or, for record versions, a record: `media_id` is
  // then its pid), runnable from now. A job of the same kind on the same asset that is still
  // queued is reused (made runnable now, attempts reset). Returns its id. kNotFound when
  // neither a media asset nor a record has that identifier.
  virtual Result<int64_t> EnqueueJob(const std::string& kind, const std::string& media_id) = 0;
  // EnqueueJob for a media asset or record created in this same transaction: it exists and
  // has no job yet, so nothing is looked up first (an import queues one per record).
  virtual Result<int64_t> EnqueueJobForNew(const std::string& kind,
                                           const std::string& media_id) = 0;
  // Takes the queued job that has waited longest among those runnable at `now` (RFC 3339) and
  // marks it running for `worker`, one attempt more; nullopt when none is runnable.
  virtual Result<std::optional<Job>> ClaimJob(const std::string& worker, const std::string& now) = 0;
  // Writes a job's state, attempts, next_attempt_at, last_error and worker. kNotFound when there
  // is no job with its id.
  virtual Status UpdateJob(const Job& job) = 0;
  // Contributions and review (migration 9). Inserts (id 0) or replaces a submission; returns
  // its id. kNotFound when the id is not stored.
  virtual Result<int64_t> PutSubmission(const Submission& submission) = 0;
  // kNotFound when there is no submission with this id.
  virtual Result<Submission> GetSubmission(int64_t id) = 0;
  virtual Result<int64_t> PutNotification(const Notification& notification) = 0;
  // Marks the account's notifications with id <= up_to_id read at `at`; returns how many.
  virtual Result<int64_t> MarkNotificationsRead(int64_t account_id, int64_t up_to_id,
                                                const std::string& at) = 0;
  // Inserts (id 0) or replaces a commercial-use request; returns its id.
  virtual Result<int64_t> PutUsageRequest(const UsageRequest& request) = 0;
  virtual Result<UsageRequest> GetUsageRequest(int64_t id) = 0;
  // Creates or replaces the account's second factor; removes it.
  virtual Status PutSecondFactor(const SecondFactor& factor) = 0;
  virtual Result<std::optional<SecondFactor>> GetSecondFactor(int64_t account_id) = 0;
  virtual Status DeleteSecondFactor(int64_t account_id) = 0;
  // Erases what belongs to the person behind an account (self-service deletion): every
  // session, token, notification and second factor, the sign-in failures under its login,
  // and the name, organisation and e-mail of its commercial-use requests. The account row and
  // its submissions stay (they are referred to); the caller blanks the account itself.
  virtual Status EraseAccountData(int64_t account_id, const std::string& login) = 0;
  // Contributed media (docs/review.md): changes the visibility of a media asset ("held" while
  // its review runs, "public" once published) and refreshes its record's "media" search
  // facet in the same transaction. kNotFound when there is no asset with this id.
  virtual Status SetMediaVisibility(const std::string& media_id, const std::string& visibility) = 0;
};


class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Runs `fn` in one transaction; commits if it returns success, rolls back otherwise.
  virtual Status Write(const std::function<Status(StoreWriter&)>& fn) = 0;

  // Write, for one large transaction from a process that uses the store for nothing else
  // meanwhile (`disan import`). A store may write it another way with the same outcome:
  // SQLite does when no other connection has the database open (sqlite_store.cc).
  virtual Status WriteBulk(const std::function<Status(StoreWriter&)>& fn) { return Write(fn); }

  // kNotFound when the pid was never stored. Deleted records are returned with deleted=true.
  virtual Result<StoredRecord> Get(const std::string& pid) = 0;
  // Get, with the document left as the JSON text the store keeps (record.document stays
  // null): for answers that pass the document through without parsing it. The text is what
  // nlohmann::json::dump() gave when the record was written.
  struct StoredText {
    StoredRecord record;
    std::string document;
  };
  virtual Result<StoredText> GetText(const std::string& pid) {
    StoredRecord r = TRY(Get(pid));
    StoredText out{std::move(r), ""};
    out.document = out.record.document.dump();
    out.record.document = nullptr;
    return out;
  }
  // Records in the order they were created. Fails with kInvalid on a malformed cursor.
  virtual Result<RecordPage> List(const ListQuery& query) = 0;
  virtual Result<std::vector<Revision>> History(const std::string& pid) = 0;
  virtual Result<Revision> GetRevision(const std::string& pid, int64_t number) = 0;
  // Calls `fn` for every record of the class in pid order, including tombstones.
  virtual Status ForEach(RecordClass cls, const std::function<Status(const StoredRecord&)>& fn) = 0;
  virtual Result<size_t> Count(RecordClass cls) = 0;
  // Up to `query.limit` records in change order (see ChangeQuery), tombstones included.
  virtual Result<std::vector<StoredRecord>> ListChanges(const ChangeQuery& query) = 0;
  // How many live records of query.cls changed in [from, before) have every term of `all_of`
  // (value "" = any value of the field); the keyset and skip_live_with are ignored.
  virtual Result<size_t> CountLiveChanges(const ChangeQuery& query,
                                          const std::vector<FilterTerm>& all_of) = 0;
  // The distinct values of term `field` among the live records of class `cls` having every
  // term of `all_of` (value "" = any value), in byte order, each with the pid of one such
  // record. A few index lookups per value, not a read of every record: OAI-PMH's ListSets at
  // a million records.
  virtual Result<std::vector<TermValue>> ListTermValues(RecordClass cls, const std::string& field,
                                                        const std::vector<FilterTerm>& all_of) = 0;
  // Runs a search. Fails with kInvalid on a malformed cursor or index expression.
  virtual Result<SearchResult> Search(const SearchRequest& request) = 0;
  // Builds what searching needs in memory now (the server calls it at start, so the first
  // search does not wait). Stops early, leaving the work to the first search, once `cancel`
  // becomes true.
  virtual Status PrepareSearch(const std::atomic<bool>& cancel) {
    (void)cancel;
    return Ok();
  }

  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  // The label of the stored, unrevoked token with this hash; nullopt when there is none.
  virtual Result<std::optional<std::string>> FindToken(const std::string& token_hash) = 0;

  // kNotFound when there is no media asset with this id.
  virtual Result<MediaAsset> GetMedia(const std::string& id) = 0;
  // The record's media assets in the order they were added (none for an unknown record).
  virtual Result<std::vector<MediaAsset>> ListMedia(const std::string& record_pid) = 0;

  // Accounts and the rest of auth/ (see StoreWriter). nullopt when there is none.
  virtual Result<std::optional<Account>> FindAccount(const std::string& login) = 0;
  virtual Result<std::optional<Account>> GetAccount(int64_t id) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  virtual Result<std::optional<Session>> FindSession(const std::string& token_hash) = 0;
  virtual Result<std::optional<ApiToken>> FindApiToken(const std::string& token_hash) = 0;
  // The account's tokens of scope read or write, newest first, revoked ones included.
  virtual Result<std::vector<ApiToken>> ListApiTokens(int64_t account_id) = 0;
  // The times of failed sign-ins under `key` at or after `since`, oldest first.
  virtual Result<std::vector<std::string>> LoginFailuresSince(const std::string& key,
                                                              const std::string& since) = 0;
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;
  // Every audit entry in the order of the table's row ids (not of seq: verification must see
  // entries that were moved).
  virtual Status ForEachAudit(const std::function<Status(const AuditEntry&)>& fn) = 0;

  // The record's current revision, read without its document; 0 when the pid was never
  // stored. Lets a reader keep answers rendered per revision (http/render_cache.h).
  virtual Result<int64_t> CurrentRevision(const std::string& pid) = 0;
  // A number that grows with every change of any record (in any process): lets a reader keep
  // answers computed over the whole catalogue, such as the portal's home page, until it moves.
  virtual Result<int64_t> LatestChange() = 0;
  // The stored state of a harvest source (matched by url, set and format); nullopt when none.
  virtual Result<std::optional<HarvestSource>> GetHarvestSource(const std::string& url,
                                                                const std::string& set,
                                                                const std::string& format) = 0;
  // kNotFound when there is no job with this id.
  virtual Result<Job> GetJob(int64_t id) = 0;
  // Jobs newest first (see JobQuery).
  virtual Result<std::vector<Job>> ListJobs(const JobQuery& query) = 0;
  // Every media asset in the order they were added (for `disan derive --all`).
  virtual Result<std::vector<MediaAsset>> ListAllMedia() = 0;

  // Contributions and review (see StoreWriter).
  virtual Result<Submission> GetSubmission(int64_t id) = 0;
  virtual Result<std::vector<Submission>> ListSubmissions(const SubmissionQuery& query) = 0;
  // The account's notifications, newest first.
  virtual Result<std::vector<Notification>> ListNotifications(int64_t account_id,
                                                              NotificationFilter filter,
                                                              size_t limit) = 0;
  virtual Result<UsageRequest> GetUsageRequest(int64_t id) = 0;
  // Oldest first (see UsageRequestQuery).
  virtual Result<std::vector<UsageRequest>> ListUsageRequests(const UsageRequestQuery& query) = 0;
  virtual Result<std::optional<SecondFactor>> GetSecondFactor(int64_t account_id) = 0;
  // The account's sessions, newest first (what a person downloads of their own data).
  virtual Result<std::vector<Session>> ListSessions(int64_t account_id) = 0;
  // Commercial-use requests newest first, for the curators' page: those with an id below
  // `before_id` (0 = from the newest) matching query.state, record_pid and account_id, at most
  // query.limit (query.after_id is not used).
  virtual Result<std::vector<UsageRequest>> ListUsageRequestsNewestFirst(
      const UsageRequestQuery& query, int64_t before_id) = 0;
  // How many commercial-use requests are in `state` ("" = every state).
  virtual Result<int64_t> CountUsageRequests(const std::string& state) = 0;
};

}  // namespace disan
