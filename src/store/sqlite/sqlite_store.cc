#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include "core/clock.h"
#include "core/json_text.h"
#include "core/parallel.h"
#include "search/engine.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <map>
#include <atomic>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string_view>
#include <vector>

namespace disan {
namespace {

using nlohmann::json;

// Each entry moves the schema from version i to i+1. Never edit a released entry: append.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE pids (pid TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  pid TEXT NOT NULL UNIQUE REFERENCES pids(pid),
  class TEXT NOT NULL,
  kind TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  delete_reason TEXT NOT NULL DEFAULT '',
  document TEXT NOT NULL);
CREATE INDEX records_by_class ON records(class, deleted, id);
CREATE TABLE revisions (
  record_id INTEGER NOT NULL REFERENCES records(id),
  number INTEGER NOT NULL,
  action TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  PRIMARY KEY (record_id, number)) WITHOUT ROWID;
CREATE TABLE record_terms (
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  record_id INTEGER NOT NULL REFERENCES records(id),
  PRIMARY KEY (field, value, record_id)) WITHOUT ROWID;
CREATE INDEX record_terms_by_record ON record_terms(record_id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE api_tokens (
  hash TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
)sql",
    // 2: the search index, changed in the same transaction as the record.
    R"sql(
CREATE VIRTUAL TABLE search_folded USING fts5(names, ids, description, other,
  tokenize = 'unicode61 remove_diacritics 0', prefix = '2');
CREATE VIRTUAL TABLE search_exact USING fts5(names, ids, description, other,
  tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE search_docs (
  record_id INTEGER PRIMARY KEY REFERENCES records(id),
  class TEXT NOT NULL,
  public INTEGER NOT NULL,
  sort_key BLOB NOT NULL,
  recognition_date TEXT NOT NULL,
  lat REAL, lon REAL,
  year_from INTEGER, year_to INTEGER);
CREATE INDEX search_docs_by_class ON search_docs(class, public);
CREATE INDEX search_docs_by_lat ON search_docs(lat) WHERE lat IS NOT NULL;
)sql",
    // 3: the search index moves into the engine (search/engine.h). search_docs keeps what the
    // engine indexes for each record, numbered by `seq` in commit order, so that every process
    // can bring its engine up to date by reading the rows after the last one it applied. A
    // deleted record keeps its row with live = 0. The rows are rebuilt by a reindex.
    R"sql(
DROP TABLE search_folded;
DROP TABLE search_exact;
DROP TABLE search_docs;
CREATE TABLE search_docs (
  record_id INTEGER PRIMARY KEY REFERENCES records(id),
  seq INTEGER NOT NULL,
  live INTEGER NOT NULL,
  class TEXT NOT NULL,
  public INTEGER NOT NULL,
  sort_key BLOB NOT NULL,
  recognition_date TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  lat REAL, lon REAL,
  year_from INTEGER, year_to INTEGER,
  folded TEXT NOT NULL,
  exact TEXT NOT NULL,
  terms TEXT NOT NULL);
CREATE UNIQUE INDEX search_docs_by_seq ON search_docs(seq);
INSERT INTO settings(key, value) SELECT 'search_reindex_required', '1' WHERE EXISTS (SELECT 1 FROM records)
  ON CONFLICT(key) DO UPDATE SET value = excluded.value;
)sql",
    // 4: records in the order of their last change, for incremental harvesting.
    R"sql(
CREATE INDEX records_by_change ON records(class, updated_at, pid);
)sql",
    // 5: media assets; their bytes are in the preservation store.
    R"sql(
CREATE TABLE media (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE REFERENCES pids(pid),
  record_id INTEGER NOT NULL REFERENCES records(id),
  role TEXT NOT NULL,
  format TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha512 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  original_name TEXT NOT NULL,
  ocfl_version TEXT NOT NULL,
  logical_path TEXT NOT NULL,
  caption_vi TEXT NOT NULL,
  caption_en TEXT NOT NULL,
  creator TEXT NOT NULL,
  date TEXT NOT NULL,
  licence TEXT NOT NULL,
  rights_holder TEXT NOT NULL,
  visibility TEXT NOT NULL,
  technical TEXT NOT NULL,
  created_at TEXT NOT NULL,
  author TEXT NOT NULL);
CREATE INDEX media_by_record ON media(record_id, seq);
)sql",
    // 6: background jobs (derivatives), kept here so that they survive restarts.
    R"sql(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  media_id TEXT NOT NULL REFERENCES media(id),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  worker TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX jobs_runnable ON jobs(state, next_attempt_at, id);
CREATE INDEX jobs_by_media ON jobs(media_id, kind, state);
)sql",
    // 7: accounts, roles in units, sessions, personal API tokens, sign-in failures and the
    // tamper-evident audit log (auth/). Account 1, "admin", owns every token made before:
    // the token `disan init` printed stays an administrator's personal API token. Records
    // written before the lifecycle existed are published.
    R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE account_roles (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  role TEXT NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (account_id, role, unit)) WITHOUT ROWID;
INSERT INTO accounts(id, login, display_name, password_hash, created_at)
  VALUES (1, 'admin', 'Quản trị viên / Administrator', '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO account_roles(account_id, role, unit) VALUES (1, 'administrator', '');
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  address TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX sessions_by_account ON sessions(account_id);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  label TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX tokens_by_account ON tokens(account_id, id);
INSERT INTO tokens(hash, account_id, label, scope, created_at, expires_at, revoked)
  SELECT hash, 1, label, 'write', created_at, '', revoked FROM api_tokens;
DROP TABLE api_tokens;
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at TEXT NOT NULL);
CREATE INDEX login_failures_by_key ON login_failures(key, at);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  address TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_by_actor ON audit_log(actor, seq);
CREATE INDEX audit_by_target ON audit_log(target, seq);
UPDATE records SET document = json_set(document, '$.status', 'published')
  WHERE json_type(document, '$.status') IS NULL;
)sql",
    // 8: harvesting (interop/harvest/): the sources harvested, and what each harvested record
    // became here, so that a later run updates or deletes the same local record.
    R"sql(
CREATE TABLE harvest_sources (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  set_spec TEXT NOT NULL,
  format TEXT NOT NULL,
  last_response_date TEXT NOT NULL,
  run_from TEXT NOT NULL,
  run_response_date TEXT NOT NULL,
  resumption_token TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (url, set_spec, format));
CREATE TABLE harvest_records (
  source_id INTEGER NOT NULL REFERENCES harvest_sources(id),
  oai_identifier TEXT NOT NULL,
  pid TEXT NOT NULL REFERENCES pids(pid),
  datestamp TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  PRIMARY KEY (source_id, oai_identifier)) WITHOUT ROWID;
CREATE INDEX harvest_records_by_pid ON harvest_records(pid);
)sql",
    // 9: community contributions and their review, in-site notifications, commercial-use
    // requests and TOTP second factors (workflow/contributions.h, workflow/review.h,
    // auth/totp.h). A submission keeps its review history as JSON: it is read whole.
    R"sql(
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  record_pid TEXT NOT NULL REFERENCES pids(pid),
  kind TEXT NOT NULL,
  unit TEXT NOT NULL,
  contributor_id INTEGER NOT NULL REFERENCES accounts(id),
  state TEXT NOT NULL,
  awaiting_role TEXT NOT NULL,
  step INTEGER NOT NULL,
  base_revision INTEGER NOT NULL,
  proposal TEXT NOT NULL,
  rights TEXT NOT NULL,
  history TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX submissions_by_contributor ON submissions(contributor_id, id);
CREATE INDEX submissions_by_queue ON submissions(state, awaiting_role, unit, id);
CREATE INDEX submissions_by_record ON submissions(record_pid, id);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  submission_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  text_en TEXT NOT NULL,
  text_vi TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT NOT NULL);
CREATE INDEX notifications_by_account ON notifications(account_id, id);
CREATE TABLE usage_requests (
  id INTEGER PRIMARY KEY,
  record_pid TEXT NOT NULL REFERENCES pids(pid),
  account_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  organisation TEXT NOT NULL,
  email TEXT NOT NULL,
  purpose TEXT NOT NULL,
  state TEXT NOT NULL,
  answer TEXT NOT NULL,
  answered_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  answered_at TEXT NOT NULL);
CREATE INDEX usage_requests_by_state ON usage_requests(state, id);
CREATE INDEX usage_requests_by_account ON usage_requests(account_id);
ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE TABLE second_factors (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  secret TEXT NOT NULL,
  confirmed INTEGER NOT NULL,
  last_step INTEGER NOT NULL,
  created_at TEXT NOT NULL);
)sql",
    // 10: a job may name a record as well as a media asset (record versions written to the
    // preservation store, media/jobs.h), so the jobs table loses its reference to media: it
    // is rebuilt, keeping every job and its id. The search rows of a database with media are
    // rebuilt too, for the media facet.
    R"sql(
CREATE TABLE jobs_v10 (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  media_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  worker TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
INSERT INTO jobs_v10(id, kind, media_id, state, attempts, next_attempt_at, last_error, worker,
                     created_at, updated_at)
  SELECT id, kind, media_id, state, attempts, next_attempt_at, last_error, worker, created_at,
         updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v10 RENAME TO jobs;
CREATE INDEX jobs_runnable ON jobs(state, next_attempt_at, id);
CREATE INDEX jobs_by_media ON jobs(media_id, kind, state);
-- Search rows now carry the "media" facet: rebuild them where media exist.
INSERT INTO settings(key, value) SELECT 'search_reindex_required', '1'
  WHERE EXISTS (SELECT 1 FROM media)
  ON CONFLICT(key) DO UPDATE SET value = '1';
)sql",
    // 11: the change index also holds `deleted`, so that an OAI-PMH list is counted, and its
    // hidden records found, without reading each record's row.
    R"sql(
DROP INDEX records_by_change;
CREATE INDEX records_by_change ON records(class, updated_at, pid, deleted);
)sql",
    // 12: the filter terms gain `commune_code`, so that OAI-PMH lists and counts its commune
    // sets from the index: every record's terms are rebuilt at the next start.
    R"sql(
INSERT INTO settings(key, value) SELECT 'search_reindex_required', '1'
  WHERE EXISTS (SELECT 1 FROM records)
  ON CONFLICT(key) DO UPDATE SET value = '1';
)sql",
    // 13: a record's filter terms are found again through its list of them (one row per record,
    // packed as search_docs.terms) instead of an index by record, which cost every term of
    // every record written a second b-tree insert (an import writes about 18 a record).
    R"sql(
CREATE TABLE record_term_lists (
  record_id INTEGER PRIMARY KEY REFERENCES records(id),
  terms TEXT NOT NULL);
INSERT INTO record_term_lists(record_id, terms)
  SELECT record_id, group_concat(field || char(31) || value || char(30), '')
  FROM record_terms GROUP BY record_id;
DROP INDEX record_terms_by_record;
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// A revision whose snapshot is this (an empty string, never a JSON document) is the record's
// current document, read from records.document: a record's newest revision is stored once.
// Put() copies the document into those revisions before it changes the record. A migration that
// rewrites records.document in place must first copy it into the revisions that share it.
constexpr std::string_view kSharedSnapshot = "";


std::unexpected<Error> SqlError(sqlite3* db, const char* what) {
  int code = sqlite3_errcode(db);
  std::string detail = std::string(what) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY) {
    // Another process held the database for longer than the busy timeout (10 s): most likely
    // a large `disan import` alone on it, which locks it until it ends (WriteBulk).
    return Fail(ErrorCode::kUnavailable,
                "the catalogue is locked by another process, such as a large disan import, "
                "which holds it until it ends; try again then (" +
                    detail + ")",
                "cơ sở dữ liệu đang bị một tiến trình khác giữ, chẳng hạn một lần disan import "
                "lớn, cho đến khi tiến trình đó xong; hãy thử lại sau (" +
                    detail + ")");
  }
  if (code == SQLITE_LOCKED || code == SQLITE_FULL || code == SQLITE_IOERR ||
      code == SQLITE_CANTOPEN || code == SQLITE_READONLY) {
    return Fail(ErrorCode::kUnavailable, "database unavailable (" + detail + ")",
                "cơ sở dữ liệu tạm thời không dùng được (" + detail + ")");
  }
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    return Fail(ErrorCode::kCorrupt, "database is damaged (" + detail + ")",
                "cơ sở dữ liệu bị hỏng (" + detail + ")");
  }
  return Fail(ErrorCode::kInternal, "database error (" + detail + ")",
              "lỗi cơ sở dữ liệu (" + detail + ")");
}

// A prepared statement borrowed from a connection's cache; reset when the borrow ends.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Stmt& Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without a copy: for large texts (a record's document, its search texts) that are
  // named variables living until this statement is executed and reset, never temporaries.
  Stmt& BindStatic(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& BindBlob(int i, const std::string& s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    if (v) return Bind(i, *v);
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> error.
  Result<bool> Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqlError(db_, "step");
  }
  Status Exec() {
    TRY(Step());
    return Ok();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // Valid until the next Step or Reset.
  std::string_view TextView(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
  }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const std::string& path) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    auto conn = std::unique_ptr<Connection>(new Connection(db));
    if (rc != SQLITE_OK) {
      return Fail(ErrorCode::kUnavailable, "cannot open database " + path + ": " + sqlite3_errstr(rc),
                  "không mở được cơ sở dữ liệu " + path + ": " + sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(db, 10000);
    TRY(conn->Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                   "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;"));
    return conn;
  }

  Status Exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      sqlite3_free(message);
      return SqlError(db_, "exec");
    }
    return Ok();
  }

  // Statements are cached by the address of their SQL text, which is always a literal.
  Result<std::unique_ptr<Stmt>> Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        return SqlError(db_, "prepare");
      }
      it = cache_.emplace(sql, stmt).first;
    }
    return std::make_unique<Stmt>(db_, it->second);
  }

  // For SQL built at run time (list filters): prepared, used once, finalised by the caller.
  Result<sqlite3_stmt*> PrepareOnce(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return SqlError(db_, "prepare");
    }
    return stmt;
  }

  sqlite3* db() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, sqlite3_stmt*> cache_;
};

constexpr const char* kSelectRecord =
    "SELECT id, pid, class, kind, revision, created_at, updated_at, deleted, delete_reason, "
    "document FROM records WHERE pid = ?";

// A record's row but its document (columns 1 to 8 of kSelectRecord's order).
StoredRecord ReadRecordMeta(const Stmt& s) {
  StoredRecord r;
  r.pid = s.Text(1);
  r.cls = ParseRecordClass(s.Text(2)).value_or(RecordClass::kItem);
  r.kind = s.Text(3);
  r.revision = s.Int(4);
  r.created_at = s.Text(5);
  r.updated_at = s.Text(6);
  r.deleted = s.Int(7) != 0;
  r.delete_reason = s.Text(8);
  return r;
}

StoredRecord ReadRecord(const Stmt& s) {
  StoredRecord r = ReadRecordMeta(s);
  r.document = json::parse(s.Text(9));
  return r;
}

Result<StoredRecord> GetOn(Connection& c, const std::string& pid) {
  auto s = TRY(c.Prepare(kSelectRecord));
  s->Bind(1, pid);
  if (!TRY(s->Step())) {
    return Fail(ErrorCode::kNotFound, "no record with identifier " + pid,
                "không có bản ghi với mã định danh " + pid);
  }
  return ReadRecord(*s);
}

constexpr const char* kSelectMedia =
    "SELECT m.id, r.pid, m.role, m.format, m.media_type, m.size, m.sha512, m.sha256, "
    "m.original_name, m.ocfl_version, m.logical_path, m.caption_vi, m.caption_en, m.creator, "
    "m.date, m.licence, m.rights_holder, m.visibility, m.technical, m.created_at, m.author "
    "FROM media m JOIN records r ON r.id = m.record_id ";

MediaAsset ReadMedia(const Stmt& s) {
  MediaAsset m;
  m.id = s.Text(0);
  m.record_pid = s.Text(1);
  m.role = s.Text(2);
  m.format = s.Text(3);
  m.media_type = s.Text(4);
  m.size = s.Int(5);
  m.sha512 = s.Text(6);
  m.sha256 = s.Text(7);
  m.original_name = s.Text(8);
  m.ocfl_version = s.Text(9);
  m.logical_path = s.Text(10);
  m.caption_vi = s.Text(11);
  m.caption_en = s.Text(12);
  m.creator = s.Text(13);
  m.date = s.Text(14);
  m.licence = s.Text(15);
  m.rights_holder = s.Text(16);
  m.visibility = s.Text(17);
  m.technical = json::parse(s.Text(18), nullptr, false);
  if (m.technical.is_discarded()) m.technical = json::object();
  m.created_at = s.Text(19);
  m.author = s.Text(20);
  return m;
}

// kNew: a record being created has no index rows yet. kRebuild (disan reindex, an upgrade):
// its term rows are written again even where its list of them has not changed, in case rows
// were lost.
enum class IndexState { kNew, kExisting, kRebuild };

// Fields and terms inside one search_docs column.
constexpr char kFieldSeparator = '\n', kTermSeparator = '\x1e', kValueSeparator = '\x1f';

// Appends one term to a packed list ("field\x1fvalue\x1e...").
void AppendPackedTerm(std::string& packed, std::string_view field, std::string_view value) {
  packed += field;
  packed += kValueSeparator;
  packed += value;
  packed += kTermSeparator;
}

// Calls fn(field, value) for each term of a packed list ("field\x1fvalue\x1e..."), up to the
// first failure.
template <typename Fn>
Status ForEachPackedTerm(std::string_view packed, Fn&& fn) {
  while (!packed.empty()) {
    const size_t end = packed.find(kTermSeparator);
    const std::string_view term = packed.substr(0, end);
    packed.remove_prefix(end == std::string_view::npos ? packed.size() : end + 1);
    const size_t value = term.find(kValueSeparator);
    if (value == std::string_view::npos) continue;
    TRY(fn(term.substr(0, value), term.substr(value + 1)));
  }
  return Ok();
}

// The "media" facet of a record (docs/search.md): the kinds of public media it has (image,
// 360, 3d, audio, video), as packed terms. Restricted media are not counted: a facet must not
// reveal them. Read from the media table whenever the record's search row is written.
Result<std::string> PackedMediaTerms(Connection& c, int64_t record_id) {
  auto s = TRY(c.Prepare(
      "SELECT DISTINCT media_type, role FROM media WHERE record_id = ? AND visibility = 'public'"));
  s->Bind(1, record_id);
  std::set<std::string> kinds;
  while (TRY(s->Step())) {
    const std::string type = s->Text(0), role = s->Text(1);
    if (role == "panorama")
      kinds.insert("360");
    else if (role == "model_3d" || type.starts_with("model/") || type == "application/x-ply")
      kinds.insert("3d");
    else if (type.starts_with("image/"))
      kinds.insert("image");
    else if (type.starts_with("audio/"))
      kinds.insert("audio");
    else if (type.starts_with("video/"))
      kinds.insert("video");
  }
  std::string packed;
  for (const std::string& k : kinds) AppendPackedTerm(packed, "media", k);
  return packed;
}

// After a record's media change: its live search row again, with the same terms but the media
// ones read afresh, and the next seq (so every process's engine applies it).
Status RefreshMediaTerms(Connection& c, int64_t record_id) {
  auto s = TRY(c.Prepare("SELECT terms FROM search_docs WHERE record_id = ? AND live = 1"));
  s->Bind(1, record_id);
  if (!TRY(s->Step())) return Ok();
  const std::string terms = s->Text(0);
  s.reset();
  const std::string media_prefix = std::string("media") + kValueSeparator;
  std::string kept;
  for (size_t start = 0; start < terms.size();) {
    size_t end = terms.find(kTermSeparator, start);
    if (end == std::string::npos) end = terms.size();
    std::string_view term(terms.data() + start, end - start);
    if (!term.empty() && !term.starts_with(media_prefix)) {
      kept.append(term);
      kept += kTermSeparator;
    }
    start = end + 1;
  }
  kept += TRY(PackedMediaTerms(c, record_id));
  auto u = TRY(c.Prepare(
      "UPDATE search_docs SET terms = ?, seq = (SELECT coalesce(max(seq), 0) + 1 FROM search_docs) "
      "WHERE record_id = ?"));
  u->Bind(1, kept).Bind(2, record_id);
  return u->Exec();
}

// Replaces a record's filter terms and search row; with `search` == nullptr the row stays as
// a removal (live = 0). Either way the row gets the next seq.
Status WriteIndex(Connection& c, int64_t id, RecordClass cls, const std::vector<FilterTerm>* terms,
                  const search::SearchDocument* search, const std::string& updated_at,
                  IndexState state = IndexState::kExisting) {
  // Every term row the record will have (its term list), and those the engine reads.
  std::string listed, packed_terms;
  if (terms) {
    for (const FilterTerm& term : *terms) {
      AppendPackedTerm(listed, term.field, term.value);
      if (IsEngineTerm(term.field)) AppendPackedTerm(packed_terms, term.field, term.value);
    }
  }
  // The rows it has now are named by its list (migration 13: there is no index by record),
  // and deleted by key; when the list is the same, they stay as they are.
  bool unchanged = false;
  if (state != IndexState::kNew) {
    auto l = TRY(c.Prepare("SELECT terms FROM record_term_lists WHERE record_id = ?"));
    l->Bind(1, id);
    const std::string old = TRY(l->Step()) ? l->Text(0) : std::string();
    l.reset();
    unchanged = old == listed && state == IndexState::kExisting;
    if (!unchanged) {
      auto d = TRY(
          c.Prepare("DELETE FROM record_terms WHERE field = ? AND value = ? AND record_id = ?"));
      TRY(ForEachPackedTerm(old, [&](std::string_view field, std::string_view value) -> Status {
        d->Bind(1, std::string(field)).Bind(2, std::string(value)).Bind(3, id);
        TRY(d->Exec());
        d->Reset();
        return Ok();
      }));
    }
  }
  if (terms && !unchanged) {
    auto t = TRY(c.Prepare("INSERT OR IGNORE INTO record_terms(field, value, record_id) VALUES (?, ?, ?)"));
    for (const FilterTerm& term : *terms) {
      t->Bind(1, term.field).Bind(2, term.value).Bind(3, id);
      TRY(t->Exec());
      t->Reset();
    }
  }
  // A record being created has no media yet.
  if (terms && state != IndexState::kNew) packed_terms += TRY(PackedMediaTerms(c, id));
  if (!unchanged && (state != IndexState::kNew || !listed.empty())) {
    auto u =
        TRY(c.Prepare("INSERT INTO record_term_lists(record_id, terms) VALUES (?, ?) "
                      "ON CONFLICT(record_id) DO UPDATE SET terms = excluded.terms"));
    u->Bind(1, id).BindStatic(2, listed);
    TRY(u->Exec());
  }
  std::string folded, exact;  // bound without a copy: they outlive the statement's run
  auto d = TRY(c.Prepare(
      "INSERT INTO search_docs(record_id, seq, live, class, public, sort_key, recognition_date, "
      "updated_at, lat, lon, year_from, year_to, folded, exact, terms) "
      "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM search_docs), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10, ?11, ?12, ?13, ?14) "
      "ON CONFLICT(record_id) DO UPDATE SET seq = excluded.seq, live = excluded.live, "
      "class = excluded.class, public = excluded.public, sort_key = excluded.sort_key, "
      "recognition_date = excluded.recognition_date, updated_at = excluded.updated_at, "
      "lat = excluded.lat, lon = excluded.lon, year_from = excluded.year_from, "
      "year_to = excluded.year_to, folded = excluded.folded, exact = excluded.exact, "
      "terms = excluded.terms"));
  d->Bind(1, id).Bind(2, int64_t{search != nullptr}).Bind(3, std::string(RecordClassName(cls)));
  if (search) {
    for (int f = 0; f < 4; ++f) {
      if (f) {
        folded += kFieldSeparator;
        exact += kFieldSeparator;
      }
      folded += search->folded[f];
      exact += search->exact[f];
    }
    d->Bind(4, int64_t{search->is_public}).BindBlob(5, search->sort_key).Bind(6, search->recognition_date);
    d->Bind(7, updated_at).Bind(8, search->lat).Bind(9, search->lon);
    d->Bind(10, search->year_from).Bind(11, search->year_to);
    d->BindStatic(12, folded).BindStatic(13, exact).BindStatic(14, packed_terms);
  } else {
    std::optional<double> none;
    std::optional<int64_t> no_year;
    d->Bind(4, int64_t{0}).BindBlob(5, std::string()).Bind(6, std::string()).Bind(7, updated_at);
    d->Bind(8, none).Bind(9, none).Bind(10, no_year).Bind(11, no_year);
    d->Bind(12, std::string()).Bind(13, std::string()).Bind(14, std::string());
  }
  return d->Exec();
}

constexpr const char* kSelectAccount =
    "SELECT id, login, display_name, password_hash, created_at, disabled, email FROM accounts ";
constexpr const char* kSelectToken =
    "SELECT id, hash, account_id, label, scope, created_at, expires_at, revoked FROM tokens ";
constexpr const char* kSelectAudit =
    "SELECT seq, at, actor, action, target, address, detail, prev_hash, hash FROM audit_log ";

Account ReadAccount(const Stmt& s) {
  Account a;
  a.id = s.Int(0);
  a.login = s.Text(1);
  a.display_name = s.Text(2);
  a.password_hash = s.Text(3);
  a.created_at = s.Text(4);
  a.disabled = s.Int(5) != 0;
  a.email = s.Text(6);
  return a;
}

ApiToken ReadToken(const Stmt& s) {
  return ApiToken{s.Int(0),  s.Text(1), s.Int(2),       s.Text(3),
                  s.Text(4), s.Text(5), s.Text(6), s.Int(7) != 0};
}

AuditEntry ReadAudit(const Stmt& s) {
  return AuditEntry{s.Int(0),  s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                    s.Text(5), s.Text(6), s.Text(7), s.Text(8)};
}

constexpr const char* kSelectJob =
    "SELECT id, kind, media_id, state, attempts, next_attempt_at, last_error, worker, created_at, "
    "updated_at FROM jobs ";

Job ReadJob(const Stmt& s) {
  Job j;
  j.id = s.Int(0);
  j.kind = s.Text(1);
  j.media_id = s.Text(2);
  j.state = s.Text(3);
  j.attempts = s.Int(4);
  j.next_attempt_at = s.Text(5);
  j.last_error = s.Text(6);
  j.worker = s.Text(7);
  j.created_at = s.Text(8);
  j.updated_at = s.Text(9);
  return j;
}

// " AND id IN (...)" for each term (value "" = any value of the field), numbering the
// parameters from `first`; their values are appended to `binds`.
std::string TermConditions(const std::vector<FilterTerm>& terms, size_t first,
                           std::vector<std::string>& binds) {
  std::string sql;
  for (const FilterTerm& t : terms) {
    binds.push_back(t.field);
    sql += " AND id IN (SELECT record_id FROM record_terms WHERE field = ?" +
           std::to_string(first + binds.size() - 1);
    if (!t.value.empty()) {
      binds.push_back(t.value);
      sql += " AND value = ?" + std::to_string(first + binds.size() - 1);
    }
    sql += ")";
  }
  return sql;
}

// The same conditions looked up for each row instead of as lists: for a scan that stops after
// a few rows, or that is resumed batch after batch, where building each list of every record
// holding a term would cost more than the rows it saves.
std::string TermLookups(const std::vector<FilterTerm>& terms, size_t first,
                        std::vector<std::string>& binds) {
  std::string sql;
  for (const FilterTerm& t : terms) {
    if (t.value.empty()) {
      // Any value of the field (an OAI-PMH set such as "kind"): the record's list of its terms
      // says, in one seek. The rows are keyed by field, value and record, so finding one for
      // this record would walk the field's rows of every record.
      static_assert(kTermSeparator == 30, "the SQL below writes it as char(30)");
      binds.push_back(std::string(1, kTermSeparator) + t.field + kValueSeparator);
      sql +=
          " AND EXISTS (SELECT 1 FROM record_term_lists WHERE record_id = records.id AND "
          "instr(char(30) || terms, ?" +
          std::to_string(first + binds.size() - 1) + ") > 0)";
      continue;
    }
    binds.push_back(t.field);
    sql += " AND EXISTS (SELECT 1 FROM record_terms WHERE field = ?" + std::to_string(first + binds.size() - 1);
    binds.push_back(t.value);
    sql += " AND value = ?" + std::to_string(first + binds.size() - 1);
    sql += " AND record_id = records.id)";
  }
  return sql;
}

constexpr const char* kSelectSubmission =
    "SELECT id, type, record_pid, kind, unit, contributor_id, state, awaiting_role, step, "
    "base_revision, proposal, rights, history, created_at, updated_at FROM submissions ";

json ParseOr(std::string_view text, json fallback) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

Submission ReadSubmission(const Stmt& s) {
  Submission x;
  x.id = s.Int(0);
  x.type = s.Text(1);
  x.record_pid = s.Text(2);
  x.kind = s.Text(3);
  x.unit = s.Text(4);
  x.contributor_id = s.Int(5);
  x.state = s.Text(6);
  x.awaiting_role = s.Text(7);
  x.step = s.Int(8);
  x.base_revision = s.Int(9);
  x.proposal = ParseOr(s.TextView(10), json::object());
  x.rights = ParseOr(s.TextView(11), json::object());
  x.history = ParseOr(s.TextView(12), json::array());
  x.created_at = s.Text(13);
  x.updated_at = s.Text(14);
  return x;
}

Result<Submission> GetSubmissionOn(Connection& c, int64_t id) {
  static const std::string sql = std::string(kSelectSubmission) + "WHERE id = ?";
  auto s = TRY(c.Prepare(sql.c_str()));
  s->Bind(1, id);
  if (!TRY(s->Step())) {
    return Fail(ErrorCode::kNotFound, "no submission " + std::to_string(id),
                "không có đóng góp số " + std::to_string(id));
  }
  return ReadSubmission(*s);
}

constexpr const char* kSelectUsageRequest =
    "SELECT id, record_pid, account_id, name, organisation, email, purpose, state, answer, "
    "answered_by, created_at, answered_at FROM usage_requests ";

UsageRequest ReadUsageRequest(const Stmt& s) {
  UsageRequest r;
  r.id = s.Int(0);
  r.record_pid = s.Text(1);
  r.account_id = s.Int(2);
  r.name = s.Text(3);
  r.organisation = s.Text(4);
  r.email = s.Text(5);
  r.purpose = s.Text(6);
  r.state = s.Text(7);
  r.answer = s.Text(8);
  r.answered_by = s.Text(9);
  r.created_at = s.Text(10);
  r.answered_at = s.Text(11);
  return r;
}

Result<UsageRequest> GetUsageRequestOn(Connection& c, int64_t id) {
  static const std::string sql = std::string(kSelectUsageRequest) + "WHERE id = ?";
  auto s = TRY(c.Prepare(sql.c_str()));
  s->Bind(1, id);
  if (!TRY(s->Step())) {
    return Fail(ErrorCode::kNotFound, "no commercial-use request " + std::to_string(id),
                "không có yêu cầu sử dụng thương mại số " + std::to_string(id));
  }
  return ReadUsageRequest(*s);
}

Result<std::optional<SecondFactor>> GetSecondFactorOn(Connection& c, int64_t account_id) {
  auto s = TRY(c.Prepare(
      "SELECT account_id, secret, confirmed, last_step, created_at FROM second_factors "
      "WHERE account_id = ?"));
  s->Bind(1, account_id);
  if (!TRY(s->Step())) return std::optional<SecondFactor>();
  return std::optional<SecondFactor>(
      SecondFactor{s->Int(0), s->Text(1), s->Int(2) != 0, s->Int(3), s->Text(4)});
}

class SqliteWriter final : public StoreWriter {
 public:
  explicit SqliteWriter(Connection& c) : c_(c) {}

  Status ReservePid(const std::string& pid) override {
    auto s = TRY(c_.Prepare("INSERT OR IGNORE INTO pids(pid) VALUES (?)"));
    s->Bind(1, pid);
    TRY(s->Exec());
    if (sqlite3_changes(c_.db()) == 0) {
      return Fail(ErrorCode::kConflict, "identifier " + pid + " was already issued",
                  "mã định danh " + pid + " đã được cấp trước đây");
    }
    return Ok();
  }

  Result<int64_t> Put(const RecordWrite& w) override {
    const std::string now = NowRfc3339();
    std::string dumped;
    const std::string& document =
        w.document_text.empty() ? (dumped = DumpJson(w.document)) : w.document_text;
    int64_t id = 0;
    int64_t revision = 1;
    if (w.action == RevisionAction::kCreate) {
      auto s = TRY(c_.Prepare(
          "INSERT INTO records(pid, class, kind, revision, created_at, updated_at, document) "
          "VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT(pid) DO NOTHING"));
      s->Bind(1, w.pid).Bind(2, std::string(RecordClassName(w.cls))).Bind(3, w.kind);
      s->Bind(4, now).Bind(5, now).BindStatic(6, document);
      TRY(s->Exec());
      if (sqlite3_changes(c_.db()) == 0) {
        return Fail(ErrorCode::kConflict, "a record with identifier " + w.pid + " already exists",
                    "đã có bản ghi với mã định danh " + w.pid);
      }
      id = sqlite3_last_insert_rowid(c_.db());
    } else {
      auto s = TRY(c_.Prepare("SELECT id, revision, deleted, document FROM records WHERE pid = ?"));
      s->Bind(1, w.pid);
      if (!TRY(s->Step())) {
        return Fail(ErrorCode::kNotFound, "no record with identifier " + w.pid,
                    "không có bản ghi với mã định danh " + w.pid);
      }
      id = s->Int(0);
      int64_t current = s->Int(1);
      bool deleted = s->Int(2) != 0;
      std::string last_document = s->Text(3);
      s.reset();
      if (deleted && w.action != RevisionAction::kRestore) {
        return Fail(ErrorCode::kGone, "record " + w.pid + " was deleted",
                    "bản ghi " + w.pid + " đã bị xóa");
      }
      if (w.expected_revision && *w.expected_revision != current) {
        return Fail(ErrorCode::kPreconditionFailed,
                    "record " + w.pid + " was changed by someone else: you have revision " +
                        std::to_string(*w.expected_revision) + ", the current one is " +
                        std::to_string(current),
                    "bản ghi " + w.pid + " đã được người khác sửa: bạn có phiên bản " +
                        std::to_string(*w.expected_revision) + ", phiên bản hiện tại là " +
                        std::to_string(current));
      }
      revision = current + 1;
      if (w.action == RevisionAction::kDelete) {
        auto u = TRY(c_.Prepare(
            "UPDATE records SET revision = ?, updated_at = ?, deleted = 1, delete_reason = ? "
            "WHERE id = ?"));
        u->Bind(1, revision).Bind(2, now).Bind(3, w.reason).Bind(4, id);
        TRY(u->Exec());
      } else {
        auto u = TRY(c_.Prepare(
            "UPDATE records SET kind = ?, revision = ?, updated_at = ?, deleted = 0, "
            "delete_reason = '', document = ? WHERE id = ?"));
        u->Bind(1, w.kind).Bind(2, revision).Bind(3, now).Bind(4, document).Bind(5, id);
        TRY(u->Exec());
      }
      // The revisions that shared the record's document (kSharedSnapshot) keep their own copy
      // of it from now on: it is about to change, or (a deletion) to stop being current.
      auto k = TRY(c_.Prepare(
          "UPDATE revisions SET snapshot = ? WHERE record_id = ? AND snapshot = ''"));
      k->Bind(1, last_document).Bind(2, id);
      TRY(k->Exec());
    }
    if (w.action == RevisionAction::kDelete) {
      TRY(WriteIndex(c_, id, w.cls, nullptr, nullptr, now));
    } else {
      TRY(WriteIndex(c_, id, w.cls, &w.terms, &w.search, now,
                     w.action == RevisionAction::kCreate ? IndexState::kNew : IndexState::kExisting));
    }
    auto r = TRY(c_.Prepare(
        "INSERT INTO revisions(record_id, number, action, author, reason, at, snapshot) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    r->Bind(1, id).Bind(2, revision).Bind(3, std::string(RevisionActionName(w.action)));
    // The newest revision's snapshot is the record's document itself (a deletion's is the last
    // document, which the record keeps): it is stored once, in records.document.
    r->Bind(4, w.author).Bind(5, w.reason).Bind(6, now).Bind(7, std::string(kSharedSnapshot));
    TRY(r->Exec());
    return revision;
  }

  Result<StoredRecord> Get(const std::string& pid) override { return GetOn(c_, pid); }

  Result<RefTarget> GetRefTarget(const std::string& pid) override {
    auto s = TRY(c_.Prepare("SELECT class, deleted FROM records WHERE pid = ?"));
    s->Bind(1, pid);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound, "no record with identifier " + pid,
                  "không có bản ghi với mã định danh " + pid);
    }
    RefTarget t;
    t.cls = ParseRecordClass(s->Text(0)).value_or(RecordClass::kItem);
    t.deleted = s->Int(1) != 0;
    return t;
  }

  Status Reindex(const std::string& pid, const std::vector<FilterTerm>& terms,
                 const search::SearchDocument& search) override {
    auto s = TRY(c_.Prepare("SELECT id, class, deleted, updated_at FROM records WHERE pid = ?"));
    s->Bind(1, pid);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound, "no record with identifier " + pid,
                  "không có bản ghi với mã định danh " + pid);
    }
    int64_t id = s->Int(0);
    RecordClass cls = ParseRecordClass(s->Text(1)).value_or(RecordClass::kItem);
    bool deleted = s->Int(2) != 0;
    std::string updated_at = s->Text(3);
    s.reset();
    return deleted ? WriteIndex(c_, id, cls, nullptr, nullptr, updated_at, IndexState::kRebuild)
                   : WriteIndex(c_, id, cls, &terms, &search, updated_at, IndexState::kRebuild);
  }

  Status PutSetting(const std::string& key, const std::string& value) override {
    auto s = TRY(c_.Prepare("INSERT INTO settings(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    s->Bind(1, key).Bind(2, value);
    return s->Exec();
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    auto s = TRY(c_.Prepare("SELECT value FROM settings WHERE key = ?"));
    s->Bind(1, key);
    if (!TRY(s->Step())) return std::optional<std::string>();
    return std::optional<std::string>(s->Text(0));
  }

  Status PutToken(const std::string& token_hash, const std::string& label) override {
    // Tokens without an account are the built-in administrator's (account 1).
    auto s = TRY(c_.Prepare(
        "INSERT INTO tokens(hash, account_id, label, scope, created_at, expires_at) "
        "VALUES (?, 1, ?, 'write', ?, '')"));
    s->Bind(1, token_hash).Bind(2, label).Bind(3, NowRfc3339());
    return s->Exec();
  }

  Status PutMedia(const MediaAsset& m) override {
    {
      auto p = TRY(c_.Prepare("SELECT 1 FROM pids WHERE pid = ?"));
      p->Bind(1, m.id);
      if (!TRY(p->Step())) {
        return Fail(ErrorCode::kInvalid, "media identifier " + m.id + " was not reserved",
                    "mã định danh tệp " + m.id + " chưa được cấp");
      }
    }
    auto r = TRY(c_.Prepare("SELECT id, deleted FROM records WHERE pid = ?"));
    r->Bind(1, m.record_pid);
    if (!TRY(r->Step())) {
      return Fail(ErrorCode::kNotFound, "no record with identifier " + m.record_pid,
                  "không có bản ghi với mã định danh " + m.record_pid);
    }
    int64_t record_id = r->Int(0);
    bool deleted = r->Int(1) != 0;
    r.reset();
    if (deleted) {
      return Fail(ErrorCode::kGone, "record " + m.record_pid + " was deleted",
                  "bản ghi " + m.record_pid + " đã bị xóa");
    }
    auto s = TRY(c_.Prepare(
        "INSERT INTO media(id, record_id, role, format, media_type, size, sha512, sha256, "
        "original_name, ocfl_version, logical_path, caption_vi, caption_en, creator, date, "
        "licence, rights_holder, visibility, technical, created_at, author) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO NOTHING"));
    s->Bind(1, m.id)
        .Bind(2, record_id)
        .Bind(3, m.role)
        .Bind(4, m.format)
        .Bind(5, m.media_type)
        .Bind(6, m.size);
    s->Bind(7, m.sha512).Bind(8, m.sha256).Bind(9, m.original_name).Bind(10, m.ocfl_version);
    s->Bind(11, m.logical_path).Bind(12, m.caption_vi).Bind(13, m.caption_en).Bind(14, m.creator);
    s->Bind(15, m.date).Bind(16, m.licence).Bind(17, m.rights_holder).Bind(18, m.visibility);
    s->Bind(19, m.technical.dump())
        .Bind(20, m.created_at.empty() ? NowRfc3339() : m.created_at)
        .Bind(21, m.author);
    TRY(s->Exec());
    if (sqlite3_changes(c_.db()) == 0) {
      return Fail(ErrorCode::kConflict, "a media asset with identifier " + m.id + " already exists",
                  "đã có tệp đa phương tiện với mã định danh " + m.id);
    }
    return RefreshMediaTerms(c_, record_id);
  }


  Result<int64_t> PutAccount(const Account& a) override {
    int64_t id = a.id;
    if (id == 0) {
      auto s = TRY(c_.Prepare(
          "INSERT INTO accounts(login, display_name, password_hash, created_at, disabled, email) "
          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(login) DO NOTHING"));
      s->Bind(1, a.login).Bind(2, a.display_name).Bind(3, a.password_hash);
      s->Bind(4, a.created_at.empty() ? NowRfc3339() : a.created_at).Bind(5, int64_t{a.disabled});
      s->Bind(6, a.email);
      TRY(s->Exec());
      if (sqlite3_changes(c_.db()) == 0) return AccountExists(a.login);
      id = sqlite3_last_insert_rowid(c_.db());
    } else {
      auto s = TRY(c_.Prepare(
          "UPDATE accounts SET login = ?1, display_name = ?2, password_hash = ?3, disabled = ?4, "
          "email = ?6 WHERE id = ?5 AND NOT EXISTS (SELECT 1 FROM accounts WHERE login = ?1 AND "
          "id != ?5)"));
      s->Bind(1, a.login).Bind(2, a.display_name).Bind(3, a.password_hash);
      s->Bind(4, int64_t{a.disabled}).Bind(5, id).Bind(6, a.email);
      TRY(s->Exec());
      if (sqlite3_changes(c_.db()) == 0) {
        auto e = TRY(c_.Prepare("SELECT 1 FROM accounts WHERE id = ?"));
        e->Bind(1, id);
        if (TRY(e->Step())) return AccountExists(a.login);
        return Fail(ErrorCode::kNotFound, "no account with id " + std::to_string(id),
                    "không có tài khoản mã " + std::to_string(id));
      }
      auto d = TRY(c_.Prepare("DELETE FROM account_roles WHERE account_id = ?"));
      d->Bind(1, id);
      TRY(d->Exec());
    }
    for (const RoleGrant& g : a.grants) {
      auto s = TRY(c_.Prepare(
          "INSERT OR IGNORE INTO account_roles(account_id, role, unit) VALUES (?, ?, ?)"));
      s->Bind(1, id).Bind(2, g.role).Bind(3, g.unit);
      TRY(s->Exec());
    }
    return id;
  }

  Status PutSession(const Session& x) override {
    auto s = TRY(c_.Prepare(
        "INSERT INTO sessions(token_hash, account_id, csrf_token, created_at, last_seen_at, "
        "address) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(token_hash) DO UPDATE SET "
        "last_seen_at = excluded.last_seen_at"));
    s->Bind(1, x.token_hash).Bind(2, x.account_id).Bind(3, x.csrf_token);
    s->Bind(4, x.created_at).Bind(5, x.last_seen_at).Bind(6, x.address);
    return s->Exec();
  }

  Status DeleteSession(const std::string& token_hash) override {
    auto s = TRY(c_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    s->Bind(1, token_hash);
    return s->Exec();
  }

  Status DeleteSessionsOf(int64_t account_id) override {
    auto s = TRY(c_.Prepare("DELETE FROM sessions WHERE account_id = ?"));
    s->Bind(1, account_id);
    return s->Exec();
  }

  Result<int64_t> PutApiToken(const ApiToken& t) override {
    auto s = TRY(c_.Prepare(
        "INSERT INTO tokens(hash, account_id, label, scope, created_at, expires_at, revoked) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s->Bind(1, t.token_hash).Bind(2, t.account_id).Bind(3, t.label).Bind(4, t.scope);
    s->Bind(5, t.created_at.empty() ? NowRfc3339() : t.created_at).Bind(6, t.expires_at);
    s->Bind(7, int64_t{t.revoked});
    TRY(s->Exec());
    return sqlite3_last_insert_rowid(c_.db());
  }

  Status RevokeApiToken(int64_t account_id, int64_t token_id) override {
    // Only a live token: a one-time secret (reset link, recovery code) checked before the
    // transaction is used up here at most once, however many requests raced to use it.
    auto s = TRY(c_.Prepare(
        "UPDATE tokens SET revoked = 1 WHERE id = ? AND account_id = ? AND revoked = 0"));
    s->Bind(1, token_id).Bind(2, account_id);
    TRY(s->Exec());
    if (sqlite3_changes(c_.db()) == 0) {
      return Fail(ErrorCode::kNotFound,
                  "no live token " + std::to_string(token_id) + " of this account (unknown or "
                  "already revoked)",
                  "tài khoản này không có mã truy cập " + std::to_string(token_id) +
                      " còn hiệu lực (không có hoặc đã bị thu hồi)");
    }
    return Ok();
  }

  Result<int64_t> EnqueueJob(const std::string& kind, const std::string& media_id) override {
    const std::string now = NowRfc3339();
    {
      auto q = TRY(c_.Prepare(
          "SELECT id FROM jobs WHERE media_id = ? AND kind = ? AND state = 'queued' LIMIT 1"));
      q->Bind(1, media_id).Bind(2, kind);
      if (TRY(q->Step())) {
        int64_t id = q->Int(0);
        q.reset();
        auto u = TRY(c_.Prepare(
            "UPDATE jobs SET next_attempt_at = ?, attempts = 0, last_error = '', updated_at = ? "
            "WHERE id = ?"));
        u->Bind(1, now).Bind(2, now).Bind(3, id);
        TRY(u->Exec());
        return id;
      }
    }
    {
      // A job works on a media asset or (record versions) on a record.
      auto m = TRY(c_.Prepare(
          "SELECT 1 FROM media WHERE id = ?1 UNION ALL SELECT 1 FROM records WHERE pid = ?1"));
      m->Bind(1, media_id);
      if (!TRY(m->Step())) {
        return Fail(ErrorCode::kNotFound, "no media or record with identifier " + media_id,
                    "không có tệp đa phương tiện hay bản ghi với mã " + media_id);
      }
    }
    return InsertJob(kind, media_id, now);
  }

  Result<int64_t> EnqueueJobForNew(const std::string& kind, const std::string& media_id) override {
    return InsertJob(kind, media_id, NowRfc3339());
  }

  Result<int64_t> InsertJob(const std::string& kind, const std::string& media_id,
                            const std::string& now) {
    auto s = TRY(c_.Prepare(
        "INSERT INTO jobs(kind, media_id, state, next_attempt_at, created_at, updated_at) "
        "VALUES (?, ?, 'queued', ?, ?, ?)"));
    s->Bind(1, kind).Bind(2, media_id).Bind(3, now).Bind(4, now).Bind(5, now);
    TRY(s->Exec());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(c_.db()));
  }

  Result<std::optional<Job>> ClaimJob(const std::string& worker, const std::string& now) override {
    static const std::string pick = std::string(kSelectJob) +
                                    "WHERE state = 'queued' AND next_attempt_at <= ? "
                                    "ORDER BY next_attempt_at, id LIMIT 1";
    Job job;
    {
      auto s = TRY(c_.Prepare(pick.c_str()));
      s->Bind(1, now);
      if (!TRY(s->Step())) return std::optional<Job>();
      job = ReadJob(*s);
    }
    job.state = "running";
    job.attempts += 1;
    job.worker = worker;
    TRY(UpdateJob(job));
    return std::optional<Job>(job);
  }

  Status UpdateJob(const Job& job) override {
    auto s = TRY(c_.Prepare(
        "UPDATE jobs SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, worker = ?, "
        "updated_at = ? WHERE id = ?"));
    s->Bind(1, job.state).Bind(2, job.attempts).Bind(3, job.next_attempt_at);
    s->Bind(4, job.last_error).Bind(5, job.worker).Bind(6, NowRfc3339()).Bind(7, job.id);
    TRY(s->Exec());
    if (sqlite3_changes(c_.db()) == 0) {
      return Fail(ErrorCode::kNotFound, "no job " + std::to_string(job.id),
                  "không có tác vụ " + std::to_string(job.id));
    }
    return Ok();
  }

  Status PutLoginFailure(const std::string& key, const std::string& at) override {
    auto s = TRY(c_.Prepare("INSERT INTO login_failures(key, at) VALUES (?, ?)"));
    s->Bind(1, key).Bind(2, at);
    return s->Exec();
  }

  Status ClearLoginFailures(const std::string& key) override {
    auto s = TRY(c_.Prepare("DELETE FROM login_failures WHERE key = ?"));
    s->Bind(1, key);
    return s->Exec();
  }

  Result<std::optional<AuditEntry>> LastAuditEntry() override {
    // This transaction holds the write lock: the entry it appended last is the last one.
    if (last_audit_) return last_audit_;
    static const std::string sql = std::string(kSelectAudit) + "ORDER BY seq DESC LIMIT 1";
    auto s = TRY(c_.Prepare(sql.c_str()));
    if (!TRY(s->Step())) return std::optional<AuditEntry>();
    return std::optional<AuditEntry>(ReadAudit(*s));
  }

  Status PutAuditEntry(const AuditEntry& e) override {
    last_audit_.reset();
    auto s = TRY(c_.Prepare(
        "INSERT INTO audit_log(seq, at, actor, action, target, address, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s->Bind(1, e.seq).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.target);
    s->Bind(6, e.address).Bind(7, e.detail).Bind(8, e.prev_hash).Bind(9, e.hash);
    TRY(s->Exec());
    last_audit_ = e;
    return Ok();
  }

  Status PutHarvestSource(const HarvestSource& h) override {
    auto s = TRY(c_.Prepare(
        "INSERT INTO harvest_sources(url, set_spec, format, last_response_date, run_from, "
        "run_response_date, resumption_token, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(url, set_spec, format) DO UPDATE SET "
        "last_response_date = excluded.last_response_date, run_from = excluded.run_from, "
        "run_response_date = excluded.run_response_date, "
        "resumption_token = excluded.resumption_token, updated_at = excluded.updated_at"));
    s->Bind(1, h.url).Bind(2, h.set).Bind(3, h.format).Bind(4, h.last_response_date);
    s->Bind(5, h.run_from).Bind(6, h.run_response_date).Bind(7, h.resumption_token);
    s->Bind(8, NowRfc3339());
    return s->Exec();
  }

  Result<std::optional<HarvestedRecord>> GetHarvestedRecord(
      const HarvestSource& h, const std::string& oai_identifier) override {
    auto s = TRY(
        c_.Prepare("SELECT r.pid, r.datestamp, r.deleted FROM harvest_records r "
                   "JOIN harvest_sources h ON h.id = r.source_id "
                   "WHERE h.url = ? AND h.set_spec = ? AND h.format = ? AND r.oai_identifier = ?"));
    s->Bind(1, h.url).Bind(2, h.set).Bind(3, h.format).Bind(4, oai_identifier);
    if (!TRY(s->Step())) return std::optional<HarvestedRecord>();
    return std::optional<HarvestedRecord>(
        HarvestedRecord{oai_identifier, s->Text(0), s->Text(1), s->Int(2) != 0});
  }

  Status PutHarvestedRecord(const HarvestSource& h, const HarvestedRecord& r) override {
    int64_t source_id = 0;
    {
      auto s = TRY(c_.Prepare(
          "SELECT id FROM harvest_sources WHERE url = ? AND set_spec = ? AND format = ?"));
      s->Bind(1, h.url).Bind(2, h.set).Bind(3, h.format);
      if (!TRY(s->Step())) {
        return Fail(ErrorCode::kNotFound, "no harvest source " + h.url,
                    "không có nguồn thu thập " + h.url);
      }
      source_id = s->Int(0);
    }
    {
      auto p = TRY(c_.Prepare("SELECT 1 FROM pids WHERE pid = ?"));
      p->Bind(1, r.pid);
      if (!TRY(p->Step())) {
        return Fail(ErrorCode::kInvalid, "identifier " + r.pid + " was never issued",
                    "mã định danh " + r.pid + " chưa từng được cấp");
      }
    }
    auto s = TRY(c_.Prepare(
        "INSERT INTO harvest_records(source_id, oai_identifier, pid, datestamp, deleted) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, oai_identifier) DO UPDATE SET "
        "pid = excluded.pid, datestamp = excluded.datestamp, deleted = excluded.deleted"));
    s->Bind(1, source_id).Bind(2, r.oai_identifier).Bind(3, r.pid).Bind(4, r.datestamp);
    s->Bind(5, int64_t{r.deleted ? 1 : 0});
    return s->Exec();
  }

  Result<int64_t> PutSubmission(const Submission& x) override {
    const std::string now = NowRfc3339();
    if (x.id == 0) {
      auto s = TRY(c_.Prepare(
          "INSERT INTO submissions(type, record_pid, kind, unit, contributor_id, state, "
          "awaiting_role, step, base_revision, proposal, rights, history, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      s->Bind(1, x.type).Bind(2, x.record_pid).Bind(3, x.kind).Bind(4, x.unit);
      s->Bind(5, x.contributor_id).Bind(6, x.state).Bind(7, x.awaiting_role).Bind(8, x.step);
      s->Bind(9, x.base_revision).Bind(10, x.proposal.dump()).Bind(11, x.rights.dump());
      s->Bind(12, x.history.dump()).Bind(13, x.created_at.empty() ? now : x.created_at);
      s->Bind(14, now);
      TRY(s->Exec());
      return sqlite3_last_insert_rowid(c_.db());
    }
    auto s = TRY(c_.Prepare(
        "UPDATE submissions SET type = ?, record_pid = ?, kind = ?, unit = ?, contributor_id = ?, "
        "state = ?, awaiting_role = ?, step = ?, base_revision = ?, proposal = ?, rights = ?, "
        "history = ?, updated_at = ? WHERE id = ?"));
    s->Bind(1, x.type).Bind(2, x.record_pid).Bind(3, x.kind).Bind(4, x.unit);
    s->Bind(5, x.contributor_id).Bind(6, x.state).Bind(7, x.awaiting_role).Bind(8, x.step);
    s->Bind(9, x.base_revision).Bind(10, x.proposal.dump()).Bind(11, x.rights.dump());
    s->Bind(12, x.history.dump()).Bind(13, now).Bind(14, x.id);
    TRY(s->Exec());
    if (sqlite3_changes(c_.db()) == 0) {
      return Fail(ErrorCode::kNotFound, "no submission " + std::to_string(x.id),
                  "không có đóng góp số " + std::to_string(x.id));
    }
    return x.id;
  }

  Result<Submission> GetSubmission(int64_t id) override { return GetSubmissionOn(c_, id); }

  Result<int64_t> PutNotification(const Notification& n) override {
    auto s = TRY(c_.Prepare(
        "INSERT INTO notifications(account_id, submission_id, event, text_en, text_vi, "
        "created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s->Bind(1, n.account_id).Bind(2, n.submission_id).Bind(3, n.event).Bind(4, n.text_en);
    s->Bind(5, n.text_vi).Bind(6, n.created_at.empty() ? NowRfc3339() : n.created_at);
    s->Bind(7, n.read_at);
    TRY(s->Exec());
    return sqlite3_last_insert_rowid(c_.db());
  }

  Result<int64_t> MarkNotificationsRead(int64_t account_id, int64_t up_to_id,
                                        const std::string& at) override {
    auto s = TRY(c_.Prepare(
        "UPDATE notifications SET read_at = ? WHERE account_id = ? AND id <= ? AND read_at = ''"));
    s->Bind(1, at).Bind(2, account_id).Bind(3, up_to_id);
    TRY(s->Exec());
    return static_cast<int64_t>(sqlite3_changes(c_.db()));
  }

  Result<int64_t> PutUsageRequest(const UsageRequest& r) override {
    if (r.id == 0) {
      auto s = TRY(c_.Prepare(
          "INSERT INTO usage_requests(record_pid, account_id, name, organisation, email, purpose, "
          "state, answer, answered_by, created_at, answered_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      s->Bind(1, r.record_pid).Bind(2, r.account_id).Bind(3, r.name).Bind(4, r.organisation);
      s->Bind(5, r.email).Bind(6, r.purpose).Bind(7, r.state).Bind(8, r.answer);
      s->Bind(9, r.answered_by).Bind(10, r.created_at.empty() ? NowRfc3339() : r.created_at);
      s->Bind(11, r.answered_at);
      TRY(s->Exec());
      return sqlite3_last_insert_rowid(c_.db());
    }
    auto s = TRY(c_.Prepare(
        "UPDATE usage_requests SET record_pid = ?, account_id = ?, name = ?, organisation = ?, "
        "email = ?, purpose = ?, state = ?, answer = ?, answered_by = ?, answered_at = ? "
        "WHERE id = ?"));
    s->Bind(1, r.record_pid).Bind(2, r.account_id).Bind(3, r.name).Bind(4, r.organisation);
    s->Bind(5, r.email).Bind(6, r.purpose).Bind(7, r.state).Bind(8, r.answer);
    s->Bind(9, r.answered_by).Bind(10, r.answered_at).Bind(11, r.id);
    TRY(s->Exec());
    if (sqlite3_changes(c_.db()) == 0) {
      return Fail(ErrorCode::kNotFound, "no commercial-use request " + std::to_string(r.id),
                  "không có yêu cầu sử dụng thương mại số " + std::to_string(r.id));
    }
    return r.id;
  }

  Result<UsageRequest> GetUsageRequest(int64_t id) override { return GetUsageRequestOn(c_, id); }

  Status PutSecondFactor(const SecondFactor& f) override {
    auto s = TRY(c_.Prepare(
        "INSERT INTO second_factors(account_id, secret, confirmed, last_step, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET "
        "secret = excluded.secret, confirmed = excluded.confirmed, "
        "last_step = excluded.last_step, created_at = excluded.created_at"));
    s->Bind(1, f.account_id).Bind(2, f.secret).Bind(3, int64_t{f.confirmed});
    s->Bind(4, f.last_step).Bind(5, f.created_at.empty() ? NowRfc3339() : f.created_at);
    return s->Exec();
  }

  Result<std::optional<SecondFactor>> GetSecondFactor(int64_t account_id) override {
    return GetSecondFactorOn(c_, account_id);
  }

  Status DeleteSecondFactor(int64_t account_id) override {
    auto s = TRY(c_.Prepare("DELETE FROM second_factors WHERE account_id = ?"));
    s->Bind(1, account_id);
    return s->Exec();
  }

  Status EraseAccountData(int64_t account_id, const std::string& login) override {
    for (const char* sql : {"DELETE FROM sessions WHERE account_id = ?",
                            "DELETE FROM tokens WHERE account_id = ?",
                            "DELETE FROM notifications WHERE account_id = ?",
                            "DELETE FROM second_factors WHERE account_id = ?",
                            "UPDATE usage_requests SET name = '', organisation = '', email = '' "
                            "WHERE account_id = ?"}) {
      auto s = TRY(c_.Prepare(sql));
      s->Bind(1, account_id);
      TRY(s->Exec());
    }
    auto f = TRY(c_.Prepare("DELETE FROM login_failures WHERE key = ?"));
    f->Bind(1, "login:" + login);
    return f->Exec();
  }

  Status SetMediaVisibility(const std::string& media_id, const std::string& visibility) override {
    auto s = TRY(c_.Prepare("UPDATE media SET visibility = ? WHERE id = ? RETURNING record_id"));
    s->Bind(1, visibility).Bind(2, media_id);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound, "no media asset " + media_id,
                  "không có tệp đa phương tiện " + media_id);
    }
    int64_t record_id = s->Int(0);
    s.reset();
    return RefreshMediaTerms(c_, record_id);
  }

 private:
  static std::unexpected<Error> AccountExists(const std::string& login) {
    return Fail(Error{ErrorCode::kConflict, "an account with login '" + login + "' exists",
                      "đã có tài khoản với tên đăng nhập '" + login + "'",
                      {{"login", "taken", "is taken", "đã có người dùng"}}});
  }

  Connection& c_;
  std::optional<AuditEntry> last_audit_;  // appended by this transaction
};

class SqliteStore final : public MetadataStore {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  Status Init() {
    writer_ = TRY(Connection::Open(path_));
    // page_size only takes effect on a new database: 16 KiB pages hold several record
    // documents each instead of one per 4 KiB page. The writer's cache is larger so that a
    // big import transaction spills to the WAL less often.
    TRY(writer_->Exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA cache_size = -32768;"));
    return Migrate();
  }

  Status Write(const std::function<Status(StoreWriter&)>& fn) override {
    std::lock_guard lock(write_mutex_);
    return WriteLocked("BEGIN IMMEDIATE", fn);
  }

  // With nobody else on the database, its one transaction goes through a rollback journal
  // instead of the WAL. In WAL mode every page of a big import is written twice (into the WAL,
  // then copied into the database by the checkpoint after the commit, reading it back); with
  // a journal, pages added at the end of the file are written once and never journaled, and
  // only the pages the import changes in place are copied first. 100,000 records: 4 times
  // fewer write calls, no read-back, half the system time (BENCHMARKS.md (a)).
  //
  // SQLite leaves WAL mode only when no other connection, in any process, has the database
  // open; otherwise this is Write. The transaction is then EXCLUSIVE from its start: other
  // processes wait for it (up to their busy timeout, then SqlError says what holds the
  // catalogue), and none can hold a read lock that would make its commit wait or fail. So only
  // `disan import` uses it, and docs/import.md tells operators. synchronous is FULL for the
  // transaction (in rollback mode NORMAL may not survive a power cut), and WAL mode comes back
  // after it. A process killed meanwhile leaves a hot journal that SQLite rolls back at the
  // next open, which also turns WAL mode on again (Init).
  Status WriteBulk(const std::function<Status(StoreWriter&)>& fn) override {
    std::lock_guard lock(write_mutex_);
    {
      // This process's idle readers hold the WAL open; they are opened again when needed.
      std::lock_guard pool(pool_mutex_);
      idle_readers_.clear();
    }
    const bool alone = TRY(SetJournalMode(false));
    if (!alone) return WriteLocked("BEGIN IMMEDIATE", fn);
    // However the transaction ends, an exception included: WAL mode first (while synchronous
    // is still FULL), then the usual synchronous. The outcome is the transaction's: if WAL
    // mode cannot come back now (another process opened the database meanwhile and holds it),
    // the next Init turns it on.
    struct Restore {
      SqliteStore& store;
      ~Restore() {
        (void)store.SetJournalMode(true);
        (void)store.writer_->Exec("PRAGMA synchronous = NORMAL");
      }
    } restore{*this};
    TRY(writer_->Exec("PRAGMA synchronous = FULL"));
    return WriteLocked("BEGIN EXCLUSIVE", fn);
  }

  // True when the database is now in the rollback (`wal` false) or WAL journal mode. SQLite
  // answers with the mode it is in, or fails at once (busy) while another connection has the
  // database open in WAL mode.
  Result<bool> SetJournalMode(bool wal) {
    auto s =
        TRY(writer_->Prepare(wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE"));
    Result<bool> row = s->Step();
    if (!row || !*row) return false;
    return s->Text(0) == (wal ? "wal" : "delete");
  }

  Status WriteLocked(const char* begin, const std::function<Status(StoreWriter&)>& fn) {
    TRY(writer_->Exec(begin));
    SqliteWriter w(*writer_);
    Status result;
    try {
      result = fn(w);
    } catch (...) {
      (void)writer_->Exec("ROLLBACK");
      throw;
    }
    if (result) {
      Status commit = writer_->Exec("COMMIT");
      if (commit) return Ok();
      result = commit;
    }
    (void)writer_->Exec("ROLLBACK");
    return result;
  }

  Result<StoredRecord> Get(const std::string& pid) override {
    auto c = TRY(Acquire());
    return GetOn(*c, pid);
  }

  Result<StoredText> GetText(const std::string& pid) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(kSelectRecord));
    s->Bind(1, pid);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound, "no record with identifier " + pid,
                  "không có bản ghi với mã định danh " + pid);
    }
    return StoredText{ReadRecordMeta(*s), s->Text(9)};
  }

  Result<int64_t> CurrentRevision(const std::string& pid) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT revision FROM records WHERE pid = ?"));
    s->Bind(1, pid);
    if (!TRY(s->Step())) return int64_t{0};
    return s->Int(0);
  }

  Result<int64_t> LatestChange() override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT coalesce(max(seq), 0) FROM search_docs"));
    TRY(s->Step());
    return s->Int(0);
  }

  Result<RecordPage> List(const ListQuery& q) override {
    int64_t after = 0;
    if (!q.cursor.empty()) {
      char* end = nullptr;
      after = std::strtoll(q.cursor.c_str(), &end, 36);
      if (*end != '\0' || after <= 0 || q.cursor.size() > 13) {
        return Fail(ErrorCode::kInvalid, "the cursor '" + q.cursor + "' is not valid",
                    "con trỏ trang '" + q.cursor + "' không hợp lệ");
      }
    }
    std::string sql =
        "SELECT id, pid, class, kind, revision, created_at, updated_at, deleted, delete_reason, "
        "document FROM records r WHERE class = ?1 AND id > ?2";
    if (!q.include_deleted) sql += " AND deleted = 0";
    std::map<std::string, std::vector<std::string>> by_field;
    for (const FilterTerm& f : q.filters) by_field[f.field].push_back(f.value);
    std::vector<std::string> binds;
    for (const auto& [field, values] : by_field) {
      // The public's view (status published, visibility public) holds nearly every record: a
      // list of them, built again for every page, cost more than the page (a 100,000-record
      // catalogue paged at 828 records/s); each row of the page looks them up instead. The
      // other filters are usually narrow, where the list is the cheaper side.
      const bool broad = field == "status" || field == "visibility";
      binds.push_back(field);
      sql += broad ? " AND EXISTS (SELECT 1 FROM record_terms WHERE field = ?"
                   : " AND id IN (SELECT record_id FROM record_terms WHERE field = ?";
      sql += std::to_string(binds.size() + 2) + " AND value IN (";
      for (size_t i = 0; i < values.size(); ++i) {
        binds.push_back(values[i]);
        sql += (i ? ", ?" : "?") + std::to_string(binds.size() + 2);
      }
      sql += broad ? ") AND record_id = r.id)" : "))";
    }
    sql += " ORDER BY id LIMIT " + std::to_string(q.limit + 1);
    auto c = TRY(Acquire());
    sqlite3_stmt* raw = TRY(c->PrepareOnce(sql));
    RecordPage page;
    {
      Stmt s(c->db(), raw);
      s.Bind(1, std::string(RecordClassName(q.cls))).Bind(2, after);
      for (size_t i = 0; i < binds.size(); ++i) s.Bind(static_cast<int>(i + 3), binds[i]);
      int64_t last_id = 0;
      while (TRY(s.Step())) {
        if (page.records.size() == q.limit) {
          page.next_cursor = ToBase36(last_id);
          break;
        }
        page.records.push_back(ReadRecord(s));
        last_id = s.Int(0);
      }
    }
    sqlite3_finalize(raw);
    return page;
  }

  Result<std::vector<Revision>> History(const std::string& pid) override {
    auto c = TRY(Acquire());
    TRY(GetOn(*c, pid));
    auto s = TRY(c->Prepare(
        "SELECT v.number, v.action, v.author, v.reason, v.at FROM revisions v "
        "JOIN records r ON r.id = v.record_id WHERE r.pid = ? ORDER BY v.number"));
    s->Bind(1, pid);
    std::vector<Revision> out;
    while (TRY(s->Step())) {
      Revision v;
      v.pid = pid;
      v.number = s->Int(0);
      v.action = ParseAction(s->Text(1));
      v.author = s->Text(2);
      v.reason = s->Text(3);
      v.at = s->Text(4);
      out.push_back(std::move(v));
    }
    return out;
  }

  Result<Revision> GetRevision(const std::string& pid, int64_t number) override {
    auto c = TRY(Acquire());
    TRY(GetOn(*c, pid));
    auto s = TRY(c->Prepare(
        "SELECT v.number, v.action, v.author, v.reason, v.at, "
        "CASE v.snapshot WHEN '' THEN r.document ELSE v.snapshot END FROM revisions v "
        "JOIN records r ON r.id = v.record_id WHERE r.pid = ? AND v.number = ?"));
    s->Bind(1, pid).Bind(2, number);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound,
                  "record " + pid + " has no revision " + std::to_string(number),
                  "bản ghi " + pid + " không có phiên bản " + std::to_string(number));
    }
    Revision v;
    v.pid = pid;
    v.number = s->Int(0);
    v.action = ParseAction(s->Text(1));
    v.author = s->Text(2);
    v.reason = s->Text(3);
    v.at = s->Text(4);
    v.snapshot = json::parse(s->Text(5));
    return v;
  }

  Status ForEach(RecordClass cls, const std::function<Status(const StoredRecord&)>& fn) override {
    // Live and deleted records are two ranges of records_by_class(class, deleted, id), each in
    // id order: they are merged here. "ORDER BY id" over the class alone made SQLite sort every
    // record of it, documents included, in memory first (3.5 GB at a million records).
    auto c = TRY(Acquire());
    TRY(c->Exec("BEGIN"));  // one snapshot for both ranges
    struct End {
      Connection& c;
      ~End() { (void)c.Exec("COMMIT"); }
    } end{*c};
    constexpr const char* kRange =
        "SELECT id, pid, class, kind, revision, created_at, updated_at, deleted, delete_reason, "
        "document FROM records WHERE class = ?1 AND deleted = ?2 ORDER BY id";
    // Two cursors over one SQL text: the connection caches one statement per text, so the
    // second is prepared on its own.
    auto live = TRY(c->Prepare(kRange));
    sqlite3_stmt* raw = TRY(c->PrepareOnce(kRange));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> finalize(raw, sqlite3_finalize);
    Stmt gone(c->db(), raw);
    const std::string name(RecordClassName(cls));
    live->Bind(1, name).Bind(2, int64_t{0});
    gone.Bind(1, name).Bind(2, int64_t{1});
    bool has_live = TRY(live->Step()), has_gone = TRY(gone.Step());
    while (has_live || has_gone) {
      if (has_live && (!has_gone || live->Int(0) < gone.Int(0))) {
        TRY(fn(ReadRecord(*live)));
        has_live = TRY(live->Step());
      } else {
        TRY(fn(ReadRecord(gone)));
        has_gone = TRY(gone.Step());
      }
    }
    return Ok();
  }

  Result<size_t> Count(RecordClass cls) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT count(*) FROM records WHERE class = ? AND deleted = 0"));
    s->Bind(1, std::string(RecordClassName(cls)));
    TRY(s->Step());
    return static_cast<size_t>(s->Int(0));
  }

  Result<std::vector<StoredRecord>> ListChanges(const ChangeQuery& q) override {
    // Unbounded sides compare against values no timestamp reaches ("" sorts first, "~" last).
    std::string sql =
        "SELECT id, pid, class, kind, revision, created_at, updated_at, deleted, delete_reason, "
        "document FROM records WHERE class = ?1 AND updated_at >= ?2 AND updated_at < ?3 "
        "AND (updated_at, pid) > (?4, ?5)";
    std::vector<std::string> binds;
    if (!q.skip_live_with.empty()) {
      sql += " AND NOT (deleted = 0" + TermLookups(q.skip_live_with, 7, binds) + ")";
    }
    if (!q.set_filter.in_set.empty()) {
      // Looked up for each entry of the change index, which carries `deleted` and the row id:
      // a record left out is never read. The set's terms first: a record in the set passes
      // after one lookup.
      sql += " AND (deleted <> 0 OR (1" + TermLookups(q.set_filter.in_set, 7, binds) +
             ") OR NOT (1" + TermLookups(q.set_filter.live_with, 7, binds) + "))";
    }
    if (!q.skip_first_revisions_without.empty()) {
      // Last: SQLite tests the terms in the order written, and this one reads the row (its
      // revision) and two terms for every live record the filters above let through.
      sql += " AND NOT (deleted = 0 AND revision = 1 AND NOT (1" +
             TermLookups(q.skip_first_revisions_without, 7, binds) + "))";
    }
    sql += " ORDER BY updated_at, pid LIMIT ?6";
    auto c = TRY(Acquire());
    sqlite3_stmt* raw = TRY(c->PrepareOnce(sql));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> finalize(raw, sqlite3_finalize);
    Stmt s(c->db(), raw);
    s.Bind(1, std::string(RecordClassName(q.cls)));
    // SQLite seeks the index by updated_at's lower bound only, not by the row value: a keyset
    // left as a mere filter made every page scan from the start of the list (page n of a
    // harvest read n pages of index). The keyset's own time is a bound too, so give it.
    s.Bind(2, std::max(q.from, q.after_updated_at)).Bind(3, q.before.empty() ? std::string("~") : q.before);
    s.Bind(4, q.after_updated_at).Bind(5, q.after_pid);
    s.Bind(6, static_cast<int64_t>(std::min<size_t>(q.limit, 100000)));
    for (size_t i = 0; i < binds.size(); ++i) s.Bind(static_cast<int>(i + 7), binds[i]);
    // A harvest page is mostly JSON parsing: read the rows here, parse them on every core.
    std::vector<StoredRecord> out;
    std::vector<std::string> documents;
    while (TRY(s.Step())) {
      out.push_back(ReadRecordMeta(s));
      documents.push_back(s.Text(9));
    }
    ParallelFor(out.size(), 16, [&](size_t i) { out[i].document = json::parse(documents[i]); });
    return out;
  }

  Result<size_t> CountLiveChanges(const ChangeQuery& q, const std::vector<FilterTerm>& all_of) override {
    std::vector<std::string> binds;
    std::string sql =
        "SELECT count(*) FROM records WHERE class = ?1 AND updated_at >= ?2 AND updated_at < ?3 "
        "AND deleted = 0" + TermConditions(all_of, 4, binds);
    auto c = TRY(Acquire());
    sqlite3_stmt* raw = TRY(c->PrepareOnce(sql));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> finalize(raw, sqlite3_finalize);
    Stmt s(c->db(), raw);
    s.Bind(1, std::string(RecordClassName(q.cls)));
    s.Bind(2, q.from).Bind(3, q.before.empty() ? std::string("~") : q.before);
    for (size_t i = 0; i < binds.size(); ++i) s.Bind(static_cast<int>(i + 4), binds[i]);
    TRY(s.Step());
    return static_cast<size_t>(s.Int(0));
  }

  Result<std::vector<TermValue>> ListTermValues(RecordClass cls, const std::string& field,
                                                const std::vector<FilterTerm>& all_of) override {
    auto c = TRY(Acquire());
    // The next value after ?2 (a seek in the primary key, however many records hold each).
    auto next = TRY(c->Prepare(
        "SELECT value FROM record_terms WHERE field = ?1 AND value > ?2 ORDER BY value LIMIT 1"));
    // One live record of the class holding it and every term of `all_of`: the holders are
    // walked in the key's order (CROSS JOIN keeps SQLite from starting at `records`) and the
    // first that qualifies ends it, instead of listing every holder of a value first.
    std::vector<std::string> binds;
    const std::string sql =
        "SELECT records.pid FROM record_terms t CROSS JOIN records ON records.id = t.record_id "
        "WHERE t.field = ?1 AND t.value = ?2 AND records.class = ?3 AND records.deleted = 0" +
        TermLookups(all_of, 4, binds) + " LIMIT 1";
    sqlite3_stmt* raw = TRY(c->PrepareOnce(sql));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> finalize(raw, sqlite3_finalize);
    Stmt holder(c->db(), raw);
    std::vector<TermValue> out;
    std::string after;
    for (;;) {
      next->Bind(1, field).Bind(2, after);
      if (!TRY(next->Step())) break;
      after = next->Text(0);
      next->Reset();
      holder.Bind(1, field).Bind(2, after).Bind(3, std::string(RecordClassName(cls)));
      for (size_t i = 0; i < binds.size(); ++i) holder.Bind(static_cast<int>(i + 4), binds[i]);
      if (TRY(holder.Step())) out.push_back({after, holder.Text(0)});
      holder.Reset();
    }
    return out;
  }

  Status PrepareSearch(const std::atomic<bool>& cancel) override {
    auto c = TRY(Acquire());
    return SyncEngine(*c, &cancel);
  }

  Result<SearchResult> Search(const SearchRequest& q) override {
    auto c = TRY(Acquire());
    TRY(SyncEngine(*c));
    search::EngineQuery e;
    e.cls = static_cast<int>(q.cls);
    e.query = q.query;
    e.last = q.last;
    e.names_only = q.names_only;
    if (!q.pinned_pids.empty()) {
      auto s = TRY(c->Prepare("SELECT id FROM records WHERE pid = ?"));
      for (const std::string& pid : q.pinned_pids) {
        s->Bind(1, pid);
        if (TRY(s->Step())) e.pinned.push_back(s->Int(0));
        s->Reset();
      }
    }
    for (const FilterTerm& f : q.filters) e.filters[f.field].push_back(f.value);
    e.public_only = q.public_only;
    if (q.bbox) {
      e.lat_range = {q.bbox->min_lat, q.bbox->max_lat};
      e.lon_range = {q.bbox->min_lon, q.bbox->max_lon};
    }
    if (q.near) e.near = {{q.near->lat, q.near->lon}, q.near->radius_km};
    e.year_from = q.year_from;
    e.year_to = q.year_to;
    switch (q.sort) {
      case SearchSort::kRelevance: e.sort = search::EngineSort::kRelevance; break;
      case SearchSort::kName: e.sort = search::EngineSort::kName; break;
      case SearchSort::kRecognised: e.sort = search::EngineSort::kRecognised; break;
      case SearchSort::kChanged: e.sort = search::EngineSort::kChanged; break;
    }
    e.cursor = q.cursor;
    e.limit = q.limit;
    e.facet_fields = q.facet_fields;
    search::EngineResult found;
    {
      std::shared_lock lock(engine_mutex_);
      found = TRY(engine_->Search(e));
    }
    SearchResult result;
    result.total = found.total;
    result.next_cursor = std::move(found.next_cursor);
    result.spelling = std::move(found.spelling);
    for (auto& [field, counts] : found.facets) {
      std::vector<FacetCount>& out = result.facets[field];
      for (auto& f : counts) out.push_back({std::move(f.value), f.count});
    }
    auto get = TRY(c->Prepare(
        "SELECT id, pid, class, kind, revision, created_at, updated_at, deleted, delete_reason, "
        "document FROM records WHERE id = ?"));
    for (int64_t id : found.ids) {
      get->Bind(1, id);
      if (TRY(get->Step())) result.hits.push_back(ReadRecord(*get));
      get->Reset();
    }
    return result;
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT value FROM settings WHERE key = ?"));
    s->Bind(1, key);
    if (!TRY(s->Step())) return std::optional<std::string>();
    return std::optional<std::string>(s->Text(0));
  }

  Result<std::optional<std::string>> FindToken(const std::string& token_hash) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT label FROM tokens WHERE hash = ? AND revoked = 0 AND scope IN ('read', 'write')"));
    s->Bind(1, token_hash);
    if (!TRY(s->Step())) return std::optional<std::string>();
    return std::optional<std::string>(s->Text(0));
  }

  Result<MediaAsset> GetMedia(const std::string& id) override {
    static const std::string sql = std::string(kSelectMedia) + "WHERE m.id = ?";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, id);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound, "no media with identifier " + id,
                  "không có tệp đa phương tiện với mã " + id);
    }
    return ReadMedia(*s);
  }

  Result<std::vector<MediaAsset>> ListMedia(const std::string& record_pid) override {
    static const std::string sql = std::string(kSelectMedia) + "WHERE r.pid = ? ORDER BY m.seq";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, record_pid);
    std::vector<MediaAsset> out;
    while (TRY(s->Step())) out.push_back(ReadMedia(*s));
    return out;
  }

  Result<std::optional<Account>> FindAccount(const std::string& login) override {
    auto c = TRY(Acquire());
    static const std::string sql = std::string(kSelectAccount) + "WHERE login = ?";
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, login);
    if (!TRY(s->Step())) return std::optional<Account>();
    Account a = ReadAccount(*s);
    s.reset();
    TRY(ReadGrants(*c, a));
    return std::optional<Account>(std::move(a));
  }

  Result<std::optional<Account>> GetAccount(int64_t id) override {
    auto c = TRY(Acquire());
    static const std::string sql = std::string(kSelectAccount) + "WHERE id = ?";
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, id);
    if (!TRY(s->Step())) return std::optional<Account>();
    Account a = ReadAccount(*s);
    s.reset();
    TRY(ReadGrants(*c, a));
    return std::optional<Account>(std::move(a));
  }

  Result<std::vector<Account>> ListAccounts() override {
    auto c = TRY(Acquire());
    std::vector<Account> out;
    {
      static const std::string sql = std::string(kSelectAccount) + "ORDER BY login";
      auto s = TRY(c->Prepare(sql.c_str()));
      while (TRY(s->Step())) out.push_back(ReadAccount(*s));
    }
    for (Account& a : out) TRY(ReadGrants(*c, a));
    return out;
  }

  Result<std::optional<Session>> FindSession(const std::string& token_hash) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(
        "SELECT token_hash, account_id, csrf_token, created_at, last_seen_at, address "
        "FROM sessions WHERE token_hash = ?"));
    s->Bind(1, token_hash);
    if (!TRY(s->Step())) return std::optional<Session>();
    return std::optional<Session>(
        Session{s->Text(0), s->Int(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5)});
  }

  Result<std::optional<ApiToken>> FindApiToken(const std::string& token_hash) override {
    auto c = TRY(Acquire());
    static const std::string sql = std::string(kSelectToken) + "WHERE hash = ?";
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, token_hash);
    if (!TRY(s->Step())) return std::optional<ApiToken>();
    return std::optional<ApiToken>(ReadToken(*s));
  }

  Result<std::vector<ApiToken>> ListApiTokens(int64_t account_id) override {
    auto c = TRY(Acquire());
    static const std::string sql = std::string(kSelectToken) +
                            "WHERE account_id = ? AND scope IN ('read', 'write') ORDER BY id DESC";
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, account_id);
    std::vector<ApiToken> out;
    while (TRY(s->Step())) out.push_back(ReadToken(*s));
    return out;
  }

  Result<std::vector<std::string>> LoginFailuresSince(const std::string& key,
                                                      const std::string& since) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT at FROM login_failures WHERE key = ? AND at >= ? ORDER BY at"));
    s->Bind(1, key).Bind(2, since);
    std::vector<std::string> out;
    while (TRY(s->Step())) out.push_back(s->Text(0));
    return out;
  }

  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& q) override {
    auto c = TRY(Acquire());
    static const std::string sql = std::string(kSelectAudit) +
                            "WHERE seq > ? AND (?2 = '' OR actor = ?2) AND (?3 = '' OR "
                            "substr(action, 1, length(?3)) = ?3) AND (?4 = '' OR target = ?4) "
                            "AND (?5 = '' OR at >= ?5) AND (?6 = '' OR at < ?6) "
                            "ORDER BY seq LIMIT ?";
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, q.after_seq).Bind(2, q.actor).Bind(3, q.action).Bind(4, q.target);
    s->Bind(5, q.from).Bind(6, q.until).Bind(7, static_cast<int64_t>(q.limit));
    std::vector<AuditEntry> out;
    while (TRY(s->Step())) out.push_back(ReadAudit(*s));
    return out;
  }

  Status ForEachAudit(const std::function<Status(const AuditEntry&)>& fn) override {
    auto c = TRY(Acquire());
    static const std::string sql = std::string(kSelectAudit) + "ORDER BY rowid";
    auto s = TRY(c->Prepare(sql.c_str()));
    while (TRY(s->Step())) TRY(fn(ReadAudit(*s)));
    return Ok();
  }

  Result<std::optional<HarvestSource>> GetHarvestSource(const std::string& url,
                                                        const std::string& set,
                                                        const std::string& format) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(
        "SELECT last_response_date, run_from, run_response_date, resumption_token, updated_at "
        "FROM harvest_sources WHERE url = ? AND set_spec = ? AND format = ?"));
    s->Bind(1, url).Bind(2, set).Bind(3, format);
    if (!TRY(s->Step())) return std::optional<HarvestSource>();
    return std::optional<HarvestSource>(HarvestSource{url, set, format, s->Text(0), s->Text(1),
                                                      s->Text(2), s->Text(3), s->Text(4)});
  }

  Result<std::vector<MediaAsset>> ListAllMedia() override {
    static const std::string sql = std::string(kSelectMedia) + "ORDER BY m.seq";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    std::vector<MediaAsset> out;
    while (TRY(s->Step())) out.push_back(ReadMedia(*s));
    return out;
  }

  Result<Job> GetJob(int64_t id) override {
    static const std::string sql = std::string(kSelectJob) + "WHERE id = ?";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, id);
    if (!TRY(s->Step())) {
      return Fail(ErrorCode::kNotFound, "no job " + std::to_string(id),
                  "không có tác vụ " + std::to_string(id));
    }
    return ReadJob(*s);
  }

  Result<std::vector<Job>> ListJobs(const JobQuery& q) override {
    static const std::string sql = std::string(kSelectJob) +
                                   "WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR media_id = ?2) "
                                   "AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, q.state).Bind(2, q.media_id).Bind(3, q.before_id).Bind(4, static_cast<int64_t>(q.limit));
    std::vector<Job> out;
    while (TRY(s->Step())) out.push_back(ReadJob(*s));
    return out;
  }

  Result<Submission> GetSubmission(int64_t id) override {
    auto c = TRY(Acquire());
    return GetSubmissionOn(*c, id);
  }

  Result<std::vector<Submission>> ListSubmissions(const SubmissionQuery& q) override {
    std::string sql = std::string(kSelectSubmission) +
                      "WHERE id > ?1 AND (?2 = 0 OR contributor_id = ?2) AND (?3 = '' OR state = ?3) "
                      "AND (?4 = '' OR unit = ?4) AND (?5 = '' OR kind = ?5) "
                      "AND (?6 = '' OR record_pid = ?6) AND (?7 = '' OR created_at < ?7)";
    if (!q.actable.empty()) {
      sql += " AND (";
      for (size_t i = 0; i < q.actable.size(); ++i) {
        std::string role = "?" + std::to_string(9 + 2 * i), unit = "?" + std::to_string(10 + 2 * i);
        sql += (i ? " OR " : "") + std::string("(awaiting_role = ") + role + " AND (" + unit +
               " = '' OR unit = " + unit + "))";
      }
      sql += ")";
    }
    sql += " ORDER BY id LIMIT ?8";
    auto c = TRY(Acquire());
    sqlite3_stmt* raw = TRY(c->PrepareOnce(sql));
    struct Finalize {
      sqlite3_stmt* s;
      ~Finalize() { sqlite3_finalize(s); }
    } finalize{raw};
    Stmt s(c->db(), raw);
    s.Bind(1, q.after_id).Bind(2, q.contributor_id).Bind(3, q.state).Bind(4, q.unit);
    s.Bind(5, q.kind).Bind(6, q.record_pid).Bind(7, q.created_before);
    s.Bind(8, static_cast<int64_t>(q.limit));
    for (size_t i = 0; i < q.actable.size(); ++i) {
      s.Bind(static_cast<int>(9 + 2 * i), q.actable[i].role);
      s.Bind(static_cast<int>(10 + 2 * i), q.actable[i].unit);
    }
    std::vector<Submission> out;
    while (TRY(s.Step())) out.push_back(ReadSubmission(s));
    return out;
  }

  Result<std::vector<Notification>> ListNotifications(int64_t account_id, NotificationFilter filter,
                                                      size_t limit) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(
        "SELECT id, account_id, submission_id, event, text_en, text_vi, created_at, read_at "
        "FROM notifications WHERE account_id = ? AND (? = 0 OR read_at = '') "
        "ORDER BY id DESC LIMIT ?"));
    s->Bind(1, account_id).Bind(2, int64_t{filter == NotificationFilter::kUnread});
    s->Bind(3, static_cast<int64_t>(limit));
    std::vector<Notification> out;
    while (TRY(s->Step())) {
      out.push_back(Notification{s->Int(0), s->Int(1), s->Int(2), s->Text(3), s->Text(4),
                                 s->Text(5), s->Text(6), s->Text(7)});
    }
    return out;
  }

  Result<UsageRequest> GetUsageRequest(int64_t id) override {
    auto c = TRY(Acquire());
    return GetUsageRequestOn(*c, id);
  }

  Result<std::vector<UsageRequest>> ListUsageRequests(const UsageRequestQuery& q) override {
    static const std::string sql = std::string(kSelectUsageRequest) +
                                   "WHERE id > ?1 AND (?2 = '' OR state = ?2) AND "
                                   "(?3 = '' OR record_pid = ?3) AND (?4 = 0 OR account_id = ?4) "
                                   "ORDER BY id LIMIT ?5";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, q.after_id).Bind(2, q.state).Bind(3, q.record_pid).Bind(4, q.account_id);
    s->Bind(5, static_cast<int64_t>(q.limit));
    std::vector<UsageRequest> out;
    while (TRY(s->Step())) out.push_back(ReadUsageRequest(*s));
    return out;
  }

  Result<std::optional<SecondFactor>> GetSecondFactor(int64_t account_id) override {
    auto c = TRY(Acquire());
    return GetSecondFactorOn(*c, account_id);
  }

  Result<std::vector<Session>> ListSessions(int64_t account_id) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(
        "SELECT token_hash, account_id, csrf_token, created_at, last_seen_at, address "
        "FROM sessions WHERE account_id = ? ORDER BY created_at DESC"));
    s->Bind(1, account_id);
    std::vector<Session> out;
    while (TRY(s->Step()))
      out.push_back(Session{s->Text(0), s->Int(1), s->Text(2), s->Text(3), s->Text(4), s->Text(5)});
    return out;
  }

  Result<std::vector<UsageRequest>> ListUsageRequestsNewestFirst(const UsageRequestQuery& q,
                                                                 int64_t before_id) override {
    static const std::string sql = std::string(kSelectUsageRequest) +
                                   "WHERE (?1 = 0 OR id < ?1) AND (?2 = '' OR state = ?2) AND "
                                   "(?3 = '' OR record_pid = ?3) AND (?4 = 0 OR account_id = ?4) "
                                   "ORDER BY id DESC LIMIT ?5";
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare(sql.c_str()));
    s->Bind(1, before_id).Bind(2, q.state).Bind(3, q.record_pid).Bind(4, q.account_id);
    s->Bind(5, static_cast<int64_t>(q.limit));
    std::vector<UsageRequest> out;
    while (TRY(s->Step())) out.push_back(ReadUsageRequest(*s));
    return out;
  }

  Result<int64_t> CountUsageRequests(const std::string& state) override {
    auto c = TRY(Acquire());
    auto s = TRY(c->Prepare("SELECT count(*) FROM usage_requests WHERE ?1 = '' OR state = ?1"));
    s->Bind(1, state);
    TRY(s->Step());
    return s->Int(0);
  }

 private:
  static Status ReadGrants(Connection& c, Account& a) {
    auto s = TRY(c.Prepare(
        "SELECT role, unit FROM account_roles WHERE account_id = ? ORDER BY role, unit"));
    s->Bind(1, a.id);
    while (TRY(s->Step())) a.grants.push_back({s->Text(0), s->Text(1)});
    return Ok();
  }
  // A reader connection borrowed from the pool and returned when the handle is destroyed.
  struct ReaderDeleter {
    SqliteStore* store;
    void operator()(Connection* c) const {
      std::lock_guard lock(store->pool_mutex_);
      store->idle_readers_.emplace_back(c);
    }
  };
  using Reader = std::unique_ptr<Connection, ReaderDeleter>;

  Result<Reader> Acquire() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_readers_.empty()) {
        Connection* c = idle_readers_.back().release();
        idle_readers_.pop_back();
        return Reader(c, ReaderDeleter{this});
      }
    }
    auto c = TRY(Connection::Open(path_));
    return Reader(c.release(), ReaderDeleter{this});
  }

  static std::string ToBase36(int64_t v) {
    const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    do {
      s.insert(s.begin(), digits[v % 36]);
      v /= 36;
    } while (v > 0);
    return s;
  }

  static RevisionAction ParseAction(const std::string& s) {
    if (s == "create") return RevisionAction::kCreate;
    if (s == "delete") return RevisionAction::kDelete;
    if (s == "restore") return RevisionAction::kRestore;
    return RevisionAction::kUpdate;
  }

  // Where the engine keeps its posting lists: an unnamed file beside the database, so that the
  // page cache holds them rather than this process's heap (search/postings.h); "" (the heap)
  // for a database that is not a file.
  std::string PostingsDir() const {
    if (path_.empty() || path_ == ":memory:" || path_.starts_with("file:")) return "";
    std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    return dir.empty() ? "." : dir.string();
  }

  // Brings the engine up to the last committed search row (in any process): applies the rows
  // whose seq is above the last one applied, or rebuilds it from every row when it is new or
  // holds more replaced versions than live ones.
  Status SyncEngine(Connection& c, const std::atomic<bool>* cancel = nullptr) {
    int64_t latest = 0;
    {
      auto s = TRY(c.Prepare("SELECT coalesce(max(seq), 0) FROM search_docs"));
      TRY(s->Step());
      latest = s->Int(0);
    }
    if (latest == applied_seq_.load() && engine_) return Ok();
    std::unique_lock lock(engine_mutex_);
    int64_t from = applied_seq_.load();
    if (engine_ && latest == from) return Ok();
    if (!engine_ || latest < from) {
      auto fresh = std::make_unique<search::Engine>(PostingsDir());
      TRY(Apply(c, *fresh, 0, latest, cancel));
      engine_ = std::move(fresh);
    } else {
      TRY(Apply(c, *engine_, from, latest, cancel));
      search::EngineStats stats = engine_->Stats();
      if (stats.dead > stats.live + 10000) {
        // Mostly replaced versions: start again from the rows.
        auto fresh = std::make_unique<search::Engine>(PostingsDir());
        TRY(Apply(c, *fresh, 0, latest, cancel));
        engine_ = std::move(fresh);
      }
    }
    applied_seq_ = latest;
    return Ok();
  }

  // Feeds the engine the search rows with from < seq <= to. A cancelled load fails with
  // kUnavailable (the engine is then not replaced, or is rebuilt by the next search).
  static Status Apply(Connection& c, search::Engine& target, int64_t from, int64_t to,
                      const std::atomic<bool>* cancel) {
    auto s = TRY(c.Prepare(
        "SELECT record_id, live, class, public, sort_key, recognition_date, updated_at, lat, lon, "
        "year_from, year_to, folded, exact, terms FROM search_docs WHERE seq > ? AND seq <= ? "
        "ORDER BY seq"));
    s->Bind(1, from).Bind(2, to);
    search::EngineRecord r;
    for (size_t n = 0; TRY(s->Step()); ++n) {
      if (cancel && n % 1024 == 0 && cancel->load()) {
        return Fail(ErrorCode::kUnavailable, "loading the search index was cancelled",
                    "việc nạp chỉ mục tìm kiếm đã bị hủy");
      }
      r.id = s->Int(0);
      if (s->Int(1) == 0) {
        target.Remove(r.id);
        continue;
      }
      r.cls = static_cast<int>(ParseRecordClass(s->Text(2)).value_or(RecordClass::kItem));
      r.is_public = s->Int(3) != 0;
      r.sort_key = s->Blob(4);
      r.recognition_date = s->Text(5);
      r.updated_at = s->Text(6);
      r.lat = s->Double(7);
      r.lon = s->Double(8);
      if (s->IsNull(7) || s->IsNull(8)) r.lat = r.lon = std::nullopt;
      r.year_from = s->IsNull(9) ? std::nullopt : std::optional<int64_t>(s->Int(9));
      r.year_to = s->IsNull(10) ? std::nullopt : std::optional<int64_t>(s->Int(10));
      SplitFields(s->TextView(11), r.folded);
      SplitFields(s->TextView(12), r.exact);
      r.terms.clear();
      TRY(ForEachPackedTerm(s->TextView(13), [&](std::string_view field, std::string_view value) {
        r.terms.emplace_back(field, value);
        return Ok();
      }));
      target.Upsert(r);
    }
    target.Finish();
    return Ok();
  }

  static void SplitFields(std::string_view packed, std::string (&fields)[4]) {
    for (int f = 0; f < 4; ++f) {
      size_t end = f == 3 ? packed.size() : packed.find(kFieldSeparator);
      if (end == std::string_view::npos) end = packed.size();
      fields[f].assign(packed.substr(0, end));
      packed.remove_prefix(std::min(packed.size(), end + 1));
    }
  }

  Status Migrate() {
    TRY(writer_->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TEXT NOT NULL)"));
    int64_t version = 0;
    {
      auto s = TRY(writer_->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
      TRY(s->Step());
      version = s->Int(0);
    }
    if (version > kSchemaVersion) {
      return Fail(ErrorCode::kCorrupt,
                  "database " + path_ + " has schema version " + std::to_string(version) +
                      ", newer than this program understands (" + std::to_string(kSchemaVersion) + ")",
                  "cơ sở dữ liệu " + path_ + " có phiên bản lược đồ " + std::to_string(version) +
                      ", mới hơn phiên bản chương trình này hiểu (" +
                      std::to_string(kSchemaVersion) + ")");
    }
    for (int64_t v = version; v < kSchemaVersion; ++v) {
      TRY(writer_->Exec("BEGIN IMMEDIATE"));
      Status st = writer_->Exec(kMigrations[v]);
      if (st) {
        auto s = TRY(writer_->Prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)"));
        s->Bind(1, v + 1).Bind(2, NowRfc3339());
        st = s->Exec();
      }
      if (st) st = writer_->Exec("COMMIT");
      if (!st) {
        (void)writer_->Exec("ROLLBACK");
        return st;
      }
    }
    return Ok();
  }

  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  // The search engine, a cache of search_docs up to applied_seq_.
  std::shared_mutex engine_mutex_;
  std::unique_ptr<search::Engine> engine_;
  std::atomic<int64_t> applied_seq_{0};
};

}  // namespace

void ConfigureSqliteForThisProcess() { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(const std::string& path) {
  auto store = std::make_unique<SqliteStore>(path);
  TRY(store->Init());
  return std::unique_ptr<MetadataStore>(std::move(store));
}

}  // namespace disan
