// disan-bench-search: builds the search engine from generated records and times the queries
// of issue #3 in-process, next to a bare SQLite FTS5 table of the same folded text queried
// with MATCH (the reference: same data, same run, same machine).
//
//   disan-bench-search --records records.jsonl [--runs 200] [--fts5-runs N] [--no-fts5]
//                      [--fts5-db FILE] [--only LABEL] [--threads 2] [--postings-dir DIR]
//
// --threads 2 derives the documents on a second thread while the engine indexes the ones
// already derived (the engine itself is single-writer). --postings-dir DIR keeps the
// engine's full posting blocks in an unnamed file in DIR, as the server does beside its
// database; without it they stay in the heap.
//
// Prints Markdown tables: build time and memory, then p50/p99 per query for the engine and
// for FTS5, and their ratio. BENCHMARKS.md has the figures and the commands.

#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue/catalogue.h"
#include "core/schema.h"
#include "search/engine.h"
#include "search/index_document.h"
#include "search/query.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using namespace disan;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

size_t RssKiB(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::strtoul(line.c_str() + std::strlen(field), nullptr, 10);
  }
  return 0;
}

struct Timing {
  double p50 = 0, p99 = 0, max = 0;
};

Timing Measure(int runs, const std::function<void()>& fn) {
  fn();  // warm
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    fn();
    t.push_back(Ms(Clock::now() - start));
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[std::min(t.size() - 1, t.size() * 99 / 100)], t.back()};
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::cerr << what << ": " << sqlite3_errmsg(db) << "\n";
    std::exit(1);
  }
}

struct Fts5 {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  double build_ms = 0;

  explicit Fts5(const std::string& path) {
    std::remove(path.c_str());
    Check(sqlite3_open(path.c_str(), &db), db, "open");
    Check(sqlite3_exec(db,
                       "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                       "CREATE VIRTUAL TABLE fts USING fts5(names, ids, description, other, "
                       "tokenize = 'unicode61 remove_diacritics 0'); BEGIN;",
                       nullptr, nullptr, nullptr),
          db, "create");
    Check(sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, names, ids, description, other) VALUES (?, ?, ?, ?, ?)",
                             -1, &insert, nullptr),
          db, "prepare");
  }
  void Add(int64_t id, const search::SearchDocument& d) {
    auto start = Clock::now();
    sqlite3_bind_int64(insert, 1, id);
    for (int f = 0; f < 4; ++f) sqlite3_bind_text(insert, f + 2, d.folded[f].data(), static_cast<int>(d.folded[f].size()), SQLITE_STATIC);
    Check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
    build_ms += Ms(Clock::now() - start);
  }
  void Commit() {
    auto start = Clock::now();
    sqlite3_finalize(insert);
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    build_ms += Ms(Clock::now() - start);
  }
  // The reference: count the matches and rank the top 20 with bm25, as plain FTS5 would.
  size_t Query(const std::string& match) {
    size_t n = 0;
    for (const char* sql : {"SELECT count(*) FROM fts WHERE fts MATCH ?",
                            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 10.0, 5.0, 2.0, 1.0) LIMIT 20"}) {
      sqlite3_stmt* s = nullptr;
      Check(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), db, "prepare query");
      sqlite3_bind_text(s, 1, match.data(), static_cast<int>(match.size()), SQLITE_STATIC);
      while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == 0) n = static_cast<size_t>(sqlite3_column_int64(s, 0));
      }
      sqlite3_finalize(s);
    }
    return n;
  }
  ~Fts5() { sqlite3_close(db); }
};

// One record as the catalogue derives it: the engine's input and the FTS5 reference's text.
struct Derived {
  search::EngineRecord r;
  search::SearchDocument doc;
};

Derived Derive(const Schema& schema, const std::string& line, size_t n) {
  Derived out;
  json d = json::parse(line);
  const std::string cls = d.value("class", "item");
  const std::string pid = "dn-bench" + std::to_string(n);
  out.doc = search::BuildSearchDocument(schema, pid, d);
  search::EngineRecord& r = out.r;
  r.id = static_cast<int64_t>(n + 1);
  r.cls = cls == "item" ? 0 : cls == "organisation" ? 1 : 2;
  r.is_public = out.doc.is_public;
  for (int f = 0; f < 4; ++f) {
    r.folded[f] = out.doc.folded[f];
    r.exact[f] = out.doc.exact[f];
  }
  for (const FilterTerm& t : Catalogue::TermsOf(d)) {
    if (IsEngineTerm(t.field)) r.terms.emplace_back(t.field, t.value);  // as the store does
  }
  r.sort_key = out.doc.sort_key;
  r.recognition_date = out.doc.recognition_date;
  r.updated_at = "2026-11-25T00:00:00.000Z";
  r.lat = out.doc.lat;
  r.lon = out.doc.lon;
  r.year_from = out.doc.year_from;
  r.year_to = out.doc.year_to;
  return out;
}

// Batches of derived records from a second thread, at most a few ahead.
class DeriveThread {
 public:
  DeriveThread(const Schema& schema, std::istream& in) : thread_([this, &schema, &in] { Run(schema, in); }) {}
  ~DeriveThread() { thread_.join(); }
  // The next batch; empty at the end.
  std::vector<Derived> Next() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return {};
    std::vector<Derived> batch = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return batch;
  }
  double busy_ms() const { return busy_ms_; }

 private:
  void Run(const Schema& schema, std::istream& in) {
    std::string line;
    size_t n = 0;
    std::vector<Derived> batch;
    auto push = [&] {
      std::unique_lock lock(mutex_);
      room_.wait(lock, [&] { return queue_.size() < 8; });
      queue_.push_back(std::move(batch));
      batch.clear();
      ready_.notify_one();
    };
    while (std::getline(in, line)) {
      auto start = Clock::now();
      batch.push_back(Derive(schema, line, n++));
      busy_ms_ += Ms(Clock::now() - start);
      if (batch.size() == 512) push();
    }
    if (!batch.empty()) push();
    std::lock_guard lock(mutex_);
    done_ = true;
    ready_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<Derived>> queue_;
  bool done_ = false;
  double busy_ms_ = 0;
  std::thread thread_;
};

struct Case {
  std::string name;
  std::string q;
  std::string fts5;  // the same words as an FTS5 MATCH expression ("" = no reference)
  bool facets = true;
  bool bbox_and_years = false;
  bool relic_only = false;
  bool suggest = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::string records, fts5_path = "/tmp/disan-bench-fts5.db";
  int runs = 200, fts5_runs = -1, threads = 1;
  bool fts5 = true;
  std::string only;  // run only the queries whose label contains this
  std::string postings_dir;  // the engine's full posting blocks in a file there (as the server)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--records") records = next();
    else if (a == "--runs") runs = std::atoi(next().c_str());
    else if (a == "--no-fts5") fts5 = false;
    else if (a == "--fts5-runs") fts5_runs = std::atoi(next().c_str());
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--fts5-db") fts5_path = next();
    else if (a == "--only") only = next();
    else if (a == "--postings-dir") postings_dir = next();
    else {
      std::cerr << "usage: disan-bench-search --records FILE.jsonl [--runs N] [--fts5-runs N] [--no-fts5] "
                   "[--fts5-db FILE] [--only LABEL] [--threads 1|2] [--postings-dir DIR]\n";
      return 2;
    }
  }
  std::ifstream in(records);
  if (!in) {
    std::cerr << "cannot read " << records << "\n";
    return 1;
  }
  auto schema = Schema::Builtin();
  search::Engine engine(postings_dir);
  std::unique_ptr<Fts5> reference;
  if (fts5) reference = std::make_unique<Fts5>(fts5_path);

  // Build: documents as the catalogue derives them, into the engine (and FTS5).
  const size_t rss_before = RssKiB("VmRSS:");
  double derive_ms = 0, engine_ms = 0;
  size_t n = 0;
  const auto build_start = Clock::now();
  auto index = [&](const Derived& d) {
    auto start = Clock::now();
    engine.Upsert(d.r);
    engine_ms += Ms(Clock::now() - start);
    if (reference) reference->Add(d.r.id, d.doc);
    ++n;
  };
  if (threads >= 2) {
    DeriveThread deriving(*schema, in);
    for (std::vector<Derived> batch = deriving.Next(); !batch.empty(); batch = deriving.Next()) {
      for (const Derived& d : batch) index(d);
    }
    derive_ms = deriving.busy_ms();
  } else {
    std::string line;
    while (std::getline(in, line)) {
      auto start = Clock::now();
      Derived d = Derive(*schema, line, n);
      derive_ms += Ms(Clock::now() - start);
      index(d);
    }
  }
  auto finish = Clock::now();
  engine.Finish();
  engine_ms += Ms(Clock::now() - finish);
  const double engine_wall_ms = Ms(Clock::now() - build_start);
  if (reference) reference->Commit();
  const size_t rss_after = RssKiB("VmRSS:");
  search::EngineStats stats = engine.Stats();

  std::printf("## Build (%zu records)\n\n", n);
  std::printf("| step | seconds |\n| --- | --- |\n");
  std::printf("| derive search documents and terms (JSON parse, tokenise, collation key) | %.1f |\n", derive_ms / 1000);
  std::printf("| engine: index them | %.1f |\n", engine_ms / 1000);
  std::printf("| wall clock of both (%d thread%s; FTS5 inserts included when on) | %.1f |\n", threads, threads >= 2 ? "s" : "",
              engine_wall_ms / 1000);
  if (reference) std::printf("| reference: bare FTS5 insert of the folded text, and commit | %.1f |\n", reference->build_ms / 1000);
  std::printf("\nengine: %zu live records, %zu words, %zu exact spellings, %zu postings; "
              "its own estimate %.0f MiB; process RSS grew by %.0f MiB (peak RSS %.0f MiB, with SQLite's cache)\n\n",
              stats.live, stats.words, stats.exact_words, stats.postings,
              static_cast<double>(stats.memory_bytes) / 1048576.0, static_cast<double>(rss_after - rss_before) / 1024.0,
              static_cast<double>(RssKiB("VmHWM:")) / 1024.0);
  std::printf("engine estimate by part: postings with positions %.0f MiB, vocabulary %.0f MiB, "
              "per-record arrays %.0f MiB, filter bitmaps %.0f MiB\n\n",
              static_cast<double>(stats.postings_bytes) / 1048576.0, static_cast<double>(stats.vocabulary_bytes) / 1048576.0,
              static_cast<double>(stats.slot_bytes) / 1048576.0, static_cast<double>(stats.term_bytes) / 1048576.0);
  std::printf("of the postings, %.0f MiB are in the file (--postings-dir), not in the heap\n\n",
              static_cast<double>(stats.postings_file_bytes) / 1048576.0);

  const std::vector<Case> cases = {
      {"one word, broad, with facets", "di", "di", true},
      {"one word, common, with facets", "nam", "nam", true},
      {"one word, selective, with facets", "thac", "thac", true},
      {"two syllables (adjacent ranks first), with facets", "dak mil", "dak mil", true},
      {"quoted phrase, with facets", "\"cong chieng\"", "\"cong chieng\"", true},
      {"facets + bounding box + year range (relics)", "di tich", "di tich", true, true, true},
      {"everything (no words), with facets", "", "", true},
      {"autocomplete 'cong ch'", "cong ch", "", false, false, false, true},
      {"autocomplete 'thac d'", "thac d", "", false, false, false, true},
      {"autocomplete 'b'", "b", "", false, false, false, true},
  };
  std::printf("## Queries (%d runs each, one thread; ms)\n\n", runs);
  std::printf("| query | matches | engine p50 | engine p99 | FTS5 MATCH p50 | FTS5 MATCH p99 | p99 ratio engine ÷ FTS5 |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- |\n");
  for (const Case& c : cases) {
    if (!only.empty() && c.name.find(only) == std::string::npos) continue;
    search::EngineQuery q;
    q.cls = 0;
    q.query = search::ParseQuery(c.q).value();
    if (c.facets) q.facet_fields = Catalogue::FacetFields();
    if (c.bbox_and_years) {
      q.lat_range = {{11.8, 12.6}};
      q.lon_range = {{107.2, 108.0}};
      q.year_from = 1900;
      q.year_to = 2000;
    }
    if (c.relic_only) q.filters["kind"] = {"relic"};
    if (c.suggest) {
      q.last = search::LastWord::kPrefix;
      q.names_only = true;
      q.limit = 10;
    }
    size_t total = 0;
    Timing e = Measure(runs, [&] { total = engine.Search(q).value().total; });
    std::printf("| %s: `%s` | %zu | %.2f | %.2f |", c.name.c_str(), c.q.c_str(), total, e.p50, e.p99);
    if (reference && !c.fts5.empty()) {
      size_t fts_total = 0;
      Timing f = Measure(fts5_runs > 0 ? fts5_runs : std::max(runs / 4, 10), [&] { fts_total = reference->Query(c.fts5); });
      std::printf(" %.2f | %.2f | %.2f (FTS5 found %zu) |\n", f.p50, f.p99, e.p99 / f.p99, fts_total);
    } else {
      std::printf(" – | – | – |\n");
    }
    std::fflush(stdout);
  }
  return 0;
}
