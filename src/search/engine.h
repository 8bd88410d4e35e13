// The search engine: an in-memory inverted index over the records' search documents, with
// bitmaps for filters and facets. Pure computation, no I/O: the store feeds it rows and asks it
// for the ids of the hits, then reads those records itself.
//
// Layout (docs/search.md, "The engine"):
//   - every indexed version of a record gets a dense internal number (a "slot"); an update
//     takes a new slot and kills the old one, so posting lists only ever grow at the end;
//   - each folded word has a posting list of slots with a one-byte impact (a BM25F weight
//     computed when the record is indexed), so ranking is a sum over the query's postings;
//   - each posting also holds the word's spelling (which exact-tone form the record uses) and
//     its token positions, so phrases and adjacency are checked exactly;
//   - filter terms (kind, level, commune, ...) are Roaring bitmaps of slots, so a facet count
//     is one bitmap intersection.
//
// Not thread-safe for writes: the owner serialises Upsert/Remove/Finish against Search
// (a shared mutex: many searches, one writer).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "search/query.h"

namespace disan::search {

// One record as the engine indexes it.
struct EngineRecord {
  int64_t id = 0;  // the store's record id
  int cls = 0;     // the store's record class, as a small integer
  bool is_public = true;
  std::string folded[4];  // space-separated tokens by field: names, ids, description, other
  std::string exact[4];   // the same tokens in exact form, one for one
  std::vector<std::pair<std::string, std::string>> terms;  // (field, value) filter terms
  std::string sort_key;          // collation key bytes of the preferred name
  std::string recognition_date;  // "YYYY-MM-DD", "YYYY" or ""
  std::string updated_at;        // RFC 3339
  std::optional<double> lat, lon;
  std::optional<int64_t> year_from, year_to;
};

enum class EngineSort { kRelevance, kName, kRecognised, kChanged };

struct EngineQuery {
  int cls = 0;
  ParsedQuery query;                     // empty: every record
  LastWord last = LastWord::kWhole;      // kPrefix for autocomplete
  bool names_only = false;               // match words in names only (autocomplete)
  std::vector<int64_t> pinned;           // store ids that rank first and always match the text
  std::map<std::string, std::vector<std::string>> filters;  // OR within a field, AND across
  bool public_only = true;
  std::optional<std::pair<double, double>> lat_range, lon_range;  // a bounding box
  std::optional<std::pair<std::pair<double, double>, double>> near;  // ((lat, lon), km)
  std::optional<int64_t> year_from, year_to;  // dating overlaps [year_from, year_to]
  EngineSort sort = EngineSort::kRelevance;
  std::string cursor;
  size_t limit = 20;
  std::vector<std::string> facet_fields;
  bool suggest_spelling = true;  // when nothing matches, propose a corrected query (not
                                 // for LastWord::kPrefix)
};

struct EngineFacetCount {
  std::string value;
  size_t count = 0;
};

struct EngineResult {
  std::vector<int64_t> ids;  // store ids of this page, in order
  size_t total = 0;
  std::map<std::string, std::vector<EngineFacetCount>> facets;
  std::string next_cursor;
  std::string spelling;  // "cồng chiêng" for "cong chien" when nothing matched; else ""
};

struct EngineStats {
  size_t live = 0, dead = 0;
  size_t words = 0, exact_words = 0;
  size_t postings = 0;
  // Estimates of what the engine holds: posting lists (with positions), the vocabulary, the
  // per-record arrays, and the filter bitmaps; memory_bytes is their sum.
  size_t postings_bytes = 0, vocabulary_bytes = 0, slot_bytes = 0, term_bytes = 0;
  size_t memory_bytes = 0;
  // How much of postings_bytes is in the file (Engine(dir)), not in the heap.
  size_t postings_file_bytes = 0;
};

class Engine {
 public:
  // With `postings_dir`, the posting lists' full blocks live in an unnamed file there
  // (postings.h: PostingArena::UseFile), so the page cache holds them, not the heap; "" or a
  // directory that cannot take the file: in the heap.
  explicit Engine(const std::string& postings_dir = "");
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Indexes `r`, replacing any earlier version of the same id.
  void Upsert(const EngineRecord& r);
  void Remove(int64_t id);
  // Call after a batch of Upsert/Remove, before searching again (rebuilds prefix tables).
  void Finish();

  Result<EngineResult> Search(const EngineQuery& q) const;
  EngineStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The display spelling of an exact-form token ("chiêng", "hoa2" -> "hòa"), with the tone mark
// placed as most Vietnamese texts place it (on the first vowel of an open "oa", "oe", "uy").
std::string DisplayForm(std::string_view exact_token);

// Edit distance (optimal string alignment: a swap of neighbours counts 1) between two byte strings, giving up (returning max + 1) once it exceeds
// `max`.
size_t EditDistance(std::string_view a, std::string_view b, size_t max);

}  // namespace disan::search
