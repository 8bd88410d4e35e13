#include "search/engine.h"

#include <roaring/roaring.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "search/postings.h"
#include "search/vocabulary.h"

namespace disan::search {
namespace {

// A Roaring bitmap of slots, owned.
class Bitmap {
 public:
  Bitmap() : r_(roaring_bitmap_create()) {}
  explicit Bitmap(roaring_bitmap_t* r) : r_(r) {}
  Bitmap(const uint32_t* sorted, size_t n) : r_(roaring_bitmap_create()) {
    roaring_bitmap_add_many(r_, n, sorted);
  }
  Bitmap(Bitmap&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Bitmap& operator=(Bitmap&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  ~Bitmap() {
    if (r_) roaring_bitmap_free(r_);
  }
  Bitmap Copy() const { return Bitmap(roaring_bitmap_copy(r_)); }

  void Add(uint32_t x) { roaring_bitmap_add(r_, x); }
  void Remove(uint32_t x) { roaring_bitmap_remove(r_, x); }
  bool Contains(uint32_t x) const { return roaring_bitmap_contains(r_, x); }
  size_t Size() const { return roaring_bitmap_get_cardinality(r_); }
  void And(const Bitmap& o) { roaring_bitmap_and_inplace(r_, o.r_); }
  void Or(const Bitmap& o) { roaring_bitmap_or_inplace(r_, o.r_); }
  void AndNot(const Bitmap& o) { roaring_bitmap_andnot_inplace(r_, o.r_); }
  size_t AndSize(const Bitmap& o) const { return roaring_bitmap_and_cardinality(r_, o.r_); }
  size_t Bytes() const { return roaring_bitmap_size_in_bytes(r_); }
  uint32_t Max() const { return roaring_bitmap_maximum(r_); }

  // fn(slot) in ascending order, read a few hundred at a time so that fn is inlined.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    roaring_uint32_iterator_t it;
    roaring_init_iterator(r_, &it);
    uint32_t buffer[512];
    while (uint32_t n = roaring_read_uint32_iterator(&it, buffer, 512)) {
      for (uint32_t i = 0; i < n; ++i) fn(buffer[i]);
    }
  }

 private:
  roaring_bitmap_t* r_;
};


// Field weights and BM25 constants. Average field lengths are fixed, so an impact never
// changes after it is computed.
constexpr double kFieldWeight[4] = {10.0, 5.0, 2.0, 1.0};
constexpr double kAverageLength[4] = {6.0, 4.0, 150.0, 40.0};
constexpr double kK1 = 1.2, kB = 0.75;
constexpr double kImpactScale = 14.0;  // impact byte = weight * scale (max weight is 18)

constexpr uint32_t kPlain = UINT32_MAX;  // an exact id meaning "spelled without marks"

constexpr double kPinnedBoost = 1e6, kPhraseBoost = 1000, kExactBoost = 100;

constexpr size_t kMaxPrefixExpansion = 64;
constexpr size_t kFrequent = 8192;  // words in this many records get a bitmap as well
constexpr int32_t kNoYear = std::numeric_limits<int32_t>::min();

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int64_t Digits(std::string_view s, size_t from, size_t n) {
  int64_t v = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "2005-03-17" -> 20050317, "2005" -> 20050000, "" -> -1: orders like the strings.
int64_t DateNumber(std::string_view s) {
  int64_t y = Digits(s, 0, 4);
  if (y < 0) return -1;
  int64_t m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  return y * 10000 + std::max<int64_t>(m, 0) * 100 + std::max<int64_t>(d, 0);
}

// "2026-11-25T18:09:17.123Z" -> 20261125180917123.
int64_t TimeNumber(std::string_view s) {
  int64_t v = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  }
  return v;
}

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::optional<std::string> Unhex(std::string_view s) {
  if (s.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

struct Engine::Impl {
  // Slots.
  std::vector<int64_t> slot_id;
  std::unordered_map<int64_t, uint32_t> slot_of;
  Bitmap live, is_public;
  std::map<int, Bitmap> by_class;
  std::vector<float> lat, lon;
  std::vector<int32_t> year_from, year_to;  // kNoYear when unknown
  std::vector<int32_t> recognised;          // DateNumber
  std::vector<int64_t> changed;             // TimeNumber
  // Sort keys, in chunks that never move (a growing string would hold twice its size while it
  // copies itself): slot s's key is key_chunks[at >> 40].substr((at >> 16) & 0xFFFFFF, at & 0xFFFF)
  // with at = key_at[s].
  static constexpr size_t kKeyChunk = size_t{4} << 20;
  std::vector<std::string> key_chunks;
  std::vector<uint64_t> key_at;

  // Words (folded) and their exact spellings. Every posting list is in `arena`.
  PostingArena arena;
  Vocabulary words;
  std::vector<Postings> word_postings;   // AppendWord: impact, spelling, positions
  std::vector<Postings> name_postings;   // slots whose names hold the word, with its impact
  std::array<Bitmap, 256> name_initial;  // slots with a word of this first byte in a name
  std::vector<uint32_t> plain_count;     // slots where the word was spelled without marks
  Vocabulary exact_words;
  std::vector<uint32_t> exact_fold;      // exact id -> word id
  std::vector<uint32_t> exact_count;     // exact id -> slots spelled so
  // A word's exact ids in order of arrival: the first, then each one's next (kNone ends).
  std::vector<uint32_t> spelling_first, spelling_next;
  // Records that spell a word several ways ("Hoa Ban" and "văn hóa"): by exact id, and by word
  // for the spelling without marks, with the positions of that spelling (AppendWord).
  std::vector<Postings> mixed_exact;
  std::unordered_map<uint32_t, Postings> mixed_plain;  // few words: not one list per word
  const Postings* MixedPlain(uint32_t w) const {
    auto it = mixed_plain.find(w);
    return it == mixed_plain.end() ? nullptr : &it->second;
  }

  // The slots of frequent words as bitmaps too, so a broad query does not decode its list to
  // know what matches.
  std::unordered_map<uint32_t, Bitmap> frequent;
  std::vector<uint32_t> becoming_frequent;
  Bitmap ListBitmap(const Postings& list, bool word_list) const {
    std::vector<uint32_t> slots;
    slots.reserve(list.size());
    arena.ForEachSlot(list, word_list, [&](uint32_t s) { slots.push_back(s); });
    return Bitmap(slots.data(), slots.size());
  }
  Bitmap WordBitmap(uint32_t w) const {
    auto it = frequent.find(w);
    return it != frequent.end() ? it->second.Copy() : ListBitmap(word_postings[w], true);
  }

  std::vector<uint32_t> sorted_words;  // word ids in byte order of the word, for prefixes
  bool sorted_dirty = false;

  // Filter terms: the slots of each (field, value), and its number for facet counts.
  struct Term {
    Bitmap slots;
    uint32_t id = 0;
  };
  std::unordered_map<std::string, std::map<std::string, Term>> terms;
  uint32_t term_count = 0;
  // Each slot's term numbers, ascending, as varint gaps (the first one from -1).
  std::vector<uint8_t> slot_terms;
  std::vector<uint64_t> slot_terms_end;
  // How many live slots of each class hold each term: [0] all of them, [1] the public ones.
  // A facet count over most of a class is then this minus the count over the rest.
  std::map<int, std::array<std::vector<uint32_t>, 2>> live_counts;

  template <typename Fn>
  void ForEachTerm(uint32_t slot, Fn&& fn) const {
    const uint8_t* p = slot_terms.data() + (slot == 0 ? 0 : slot_terms_end[slot - 1]);
    const uint8_t* end = slot_terms.data() + slot_terms_end[slot];
    uint32_t t = UINT32_MAX;
    while (p < end) {
      t += static_cast<uint32_t>(GetVarint(p));
      fn(t);
    }
  }
  // Adds the terms of `slot` to its class's live counts (delta +1), or takes them away (-1).
  void CountLive(uint32_t slot, int delta) {
    for (auto& [cls, bitmap] : by_class) {
      if (!bitmap.Contains(slot)) continue;
      auto& counts = live_counts[cls];
      const bool pub = is_public.Contains(slot);
      for (auto& c : counts) c.resize(term_count, 0);
      ForEachTerm(slot, [&](uint32_t t) {
        counts[0][t] += static_cast<uint32_t>(delta);
        if (pub) counts[1][t] += static_cast<uint32_t>(delta);
      });
    }
  }
  // counts[t] += the slots of `slots` that hold term t.
  void CountTerms(const Bitmap& slots, std::vector<uint32_t>& counts) const {
    slots.ForEach([&](uint32_t s) { ForEachTerm(s, [&](uint32_t t) { ++counts[t]; }); });
  }

  size_t dead = 0;

  std::string_view SortKey(uint32_t s) const {
    const uint64_t at = key_at[s];
    return std::string_view(key_chunks[at >> 40]).substr((at >> 16) & 0xFFFFFF, at & 0xFFFF);
  }

  uint32_t WordId(std::string_view w) {
    uint32_t before = static_cast<uint32_t>(words.size());
    uint32_t id = words.Add(w);
    if (id < before) return id;
    word_postings.emplace_back();
    name_postings.emplace_back();
    plain_count.push_back(0);
    spelling_first.push_back(Vocabulary::kNone);
    sorted_dirty = true;
    return id;
  }

  uint32_t ExactId(std::string_view e, uint32_t word) {
    uint32_t before = static_cast<uint32_t>(exact_words.size());
    uint32_t id = exact_words.Add(e);
    if (id < before) return id;
    exact_fold.push_back(word);
    exact_count.push_back(0);
    mixed_exact.emplace_back();
    spelling_next.push_back(Vocabulary::kNone);
    uint32_t* link = &spelling_first[word];
    while (*link != Vocabulary::kNone) link = &spelling_next[*link];
    *link = id;
    return id;
  }

  // The spelling byte of exact id `e` for `word` (its rank among the word's spellings + 1).
  uint8_t SpellingByte(uint32_t word, uint32_t e) const {
    size_t k = 0;
    for (uint32_t x = spelling_first[word]; x != Vocabulary::kNone && x != e; x = spelling_next[x]) ++k;
    return k + 1 < kMixedSpelling ? static_cast<uint8_t>(k + 1) : kMixedSpelling;
  }
  // The exact id that spelling byte `b` (1 ...) stands for, or kNone.
  uint32_t SpellingOf(uint32_t word, uint8_t b) const {
    uint32_t x = spelling_first[word];
    for (size_t k = 1; x != Vocabulary::kNone && k < b; ++k) x = spelling_next[x];
    return x;
  }

  const Postings* FindWord(std::string_view w) const {
    uint32_t id = words.Find(w);
    return id == Vocabulary::kNone ? nullptr : &word_postings[id];
  }

  void Upsert(const EngineRecord& r);
  void Remove(int64_t id);
  void Finish();

  // Query evaluation.
  Bitmap TokenMatch(const Token& t, bool prefix, bool names_only) const;
  struct Scoring;
  // `scoring`, when given and the tokens must stand together, is passed to Adjacent: the
  // words are scored in the same pass (then `done` is set).
  Bitmap AlternativeMatch(const std::vector<Token>& tokens, bool phrase, bool prefix_last,
                          bool names_only, Scoring* scoring = nullptr) const;
  // The slots of `candidates` where the words stand in this order at consecutive positions
  // (within a name when in_names). Unknown words match nothing. `in_names_too`, when given,
  // receives the part of the answer where they stand so within a name (one pass for both).
  // `scoring`, when given, also adds idf[k] × impact of the k-th word to score[slot] for every
  // slot up to `last` (the same pass over the lists), and sets `done`.
  struct Scoring {
    std::vector<float>* score = nullptr;
    std::vector<float> idf;
    uint32_t last = 0;
    bool done = false;
  };
  Bitmap Adjacent(const std::vector<std::string>& words, const Bitmap& candidates, bool in_names,
                  Bitmap* in_names_too = nullptr, Scoring* scoring = nullptr) const;
  // The positions of `word` in `slot` (empty when it is not there).
  std::vector<uint32_t> PositionsIn(const Postings& list, uint32_t slot) const;
  // How `word` is spelled at `position` of `slot`: its display form.
  std::string SpelledAt(uint32_t word, uint32_t slot, uint32_t position) const;
  Bitmap ExactMatch(const ParsedQuery& q) const;
  Bitmap Restrict(const EngineQuery& q, Bitmap candidates) const;
  std::string Spelling(const ParsedQuery& q) const;
  std::string DisplayOf(uint32_t word) const;
};

void Engine::Impl::Upsert(const EngineRecord& r) {
  Remove(r.id);
  const uint32_t slot = static_cast<uint32_t>(slot_id.size());
  slot_id.push_back(r.id);
  slot_of[r.id] = slot;
  live.Add(slot);
  by_class[r.cls].Add(slot);
  if (r.is_public) is_public.Add(slot);
  constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
  lat.push_back(r.lat && r.lon ? static_cast<float>(*r.lat) : kNan);
  lon.push_back(r.lat && r.lon ? static_cast<float>(*r.lon) : kNan);
  auto year = [](std::optional<int64_t> y) {
    return y ? static_cast<int32_t>(std::clamp<int64_t>(*y, kNoYear + 1, std::numeric_limits<int32_t>::max())) : kNoYear;
  };
  year_from.push_back(year(r.year_from));
  year_to.push_back(year(r.year_to));
  recognised.push_back(static_cast<int32_t>(DateNumber(r.recognition_date)));
  changed.push_back(TimeNumber(r.updated_at));
  {
    // Keys past 64 KiB are cut: no two names differ only that far in.
    const std::string_view key = std::string_view(r.sort_key).substr(0, 0xFFFF);
    if (key_chunks.empty() || key_chunks.back().size() + key.size() > kKeyChunk) {
      key_chunks.emplace_back().reserve(kKeyChunk);
    }
    std::string& chunk = key_chunks.back();
    key_at.push_back(static_cast<uint64_t>(key_chunks.size() - 1) << 40 | static_cast<uint64_t>(chunk.size()) << 16 | key.size());
    chunk.append(key);
  }
  std::vector<uint32_t> ids;
  for (const auto& [field, value] : r.terms) {
    auto [it, added] = terms[field].try_emplace(value);
    if (added) it->second.id = term_count++;
    it->second.slots.Add(slot);
    ids.push_back(it->second.id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  uint32_t previous = UINT32_MAX;
  for (uint32_t t : ids) {
    PutVarint(slot_terms, t - previous);
    previous = t;
  }
  slot_terms_end.push_back(slot_terms.size());
  CountLive(slot, +1);

  // Words: term frequency per field, then one impact per word.
  struct Occurrence {
    uint32_t word;
    uint32_t position;  // field * kFieldStride + index
    uint32_t spelling;  // exact id, or kPlain
  };
  std::vector<Occurrence> occurrences;
  double length[4] = {0, 0, 0, 0};
  for (uint32_t f = 0; f < 4; ++f) {
    std::vector<std::string_view> folded = SplitSpaces(r.folded[f]);
    std::vector<std::string_view> exact = SplitSpaces(r.exact[f]);
    length[f] = static_cast<double>(folded.size());
    for (size_t i = 0; i < folded.size() && i < kFieldStride; ++i) {
      uint32_t w = WordId(folded[i]);
      uint32_t e = i < exact.size() && exact[i] != folded[i] ? ExactId(exact[i], w) : kPlain;
      occurrences.push_back({w, f * kFieldStride + static_cast<uint32_t>(i), e});
    }
  }
  auto norm = [&](uint32_t f) { return kK1 * (1 - kB + kB * length[f] / kAverageLength[f]); };
  auto impact = [](double weight) { return static_cast<uint8_t>(std::clamp(std::lround(weight * kImpactScale), 1L, 255L)); };
  uint8_t single[4];
  for (uint32_t f = 0; f < 4; ++f) single[f] = impact(kFieldWeight[f] / (1 + norm(f)));
  arena.AddSlot(single);
  std::sort(occurrences.begin(), occurrences.end(), [](const Occurrence& a, const Occurrence& b) {
    return a.word != b.word ? a.word < b.word : a.position < b.position;
  });
  std::vector<uint32_t> spelled, positions;
  for (size_t i = 0; i < occurrences.size();) {
    uint32_t w = occurrences[i].word;
    double weight = 0;
    bool in_names = false;
    uint32_t spelling = occurrences[i].spelling;
    bool mixed = false;
    spelled.clear();
    positions.clear();
    while (i < occurrences.size() && occurrences[i].word == w) {
      uint32_t f = occurrences[i].position / kFieldStride;
      double tf = 0;
      while (i < occurrences.size() && occurrences[i].word == w && occurrences[i].position / kFieldStride == f) {
        if (occurrences[i].spelling != spelling) mixed = true;
        spelled.push_back(occurrences[i].spelling);
        positions.push_back(occurrences[i].position);
        ++tf;
        ++i;
      }
      weight += kFieldWeight[f] * tf / (tf + norm(f));
      if (f == 0) in_names = true;
    }
    uint8_t payload[2];
    payload[0] = impact(weight);
    if (mixed) {
      payload[1] = kMixedSpelling;
      std::sort(spelled.begin(), spelled.end());
      spelled.erase(std::unique(spelled.begin(), spelled.end()), spelled.end());
      std::vector<uint32_t> at;
      for (uint32_t e : spelled) {
        at.clear();
        for (size_t j = i - positions.size(), k = 0; k < positions.size(); ++j, ++k) {
          if (occurrences[j].spelling == e) at.push_back(positions[k]);
        }
        if (e == kPlain) {
          arena.AppendWord(mixed_plain[w], slot, 0, 0, at);
          ++plain_count[w];
        } else {
          arena.AppendWord(mixed_exact[e], slot, 0, 0, at);
          ++exact_count[e];
        }
      }
    } else if (spelling == kPlain) {
      payload[1] = 0;
      ++plain_count[w];
    } else {
      payload[1] = SpellingByte(w, spelling);
      ++exact_count[spelling];
    }
    arena.AppendWord(word_postings[w], slot, payload[0], payload[1], positions);
    if (auto f = frequent.find(w); f != frequent.end()) {
      f->second.Add(slot);
    } else if (word_postings[w].size() == kFrequent) {
      becoming_frequent.push_back(w);
    }
    if (in_names) {
      arena.AppendSlot(name_postings[w], slot, payload[0]);
      if (!words[w].empty()) name_initial[static_cast<uint8_t>(words[w][0])].Add(slot);
    }
  }
}

void Engine::Impl::Remove(int64_t id) {
  auto it = slot_of.find(id);
  if (it == slot_of.end()) return;
  CountLive(it->second, -1);
  live.Remove(it->second);
  slot_of.erase(it);
  ++dead;
}

void Engine::Impl::Finish() {
  for (uint32_t w : becoming_frequent) frequent.emplace(w, ListBitmap(word_postings[w], true));
  becoming_frequent.clear();
  if (!sorted_dirty) return;
  sorted_words.resize(words.size());
  for (uint32_t i = 0; i < words.size(); ++i) sorted_words[i] = i;
  std::sort(sorted_words.begin(), sorted_words.end(),
            [&](uint32_t a, uint32_t b) { return words[a] < words[b]; });
  sorted_dirty = false;
}

Bitmap Engine::Impl::TokenMatch(const Token& t, bool prefix, bool names_only) const {
  const std::vector<Postings>& lists = names_only ? name_postings : word_postings;
  if (!prefix) {
    uint32_t w = words.Find(t.folded);
    if (w == Vocabulary::kNone) return Bitmap();
    return names_only ? ListBitmap(lists[w], false) : WordBitmap(w);
  }
  // One letter typed: every record with a word of that initial in a name.
  if (names_only && t.folded.size() == 1) return name_initial[static_cast<uint8_t>(t.folded[0])].Copy();
  // Every word that starts with the prefix; the most frequent ones when there are many.
  auto first = std::lower_bound(sorted_words.begin(), sorted_words.end(), t.folded,
                                [&](uint32_t w, const std::string& p) { return words[w] < std::string_view(p); });
  std::vector<uint32_t> found;
  for (auto it = first; it != sorted_words.end() && words[*it].starts_with(t.folded); ++it) {
    if (!lists[*it].empty()) found.push_back(*it);
  }
  if (found.size() > kMaxPrefixExpansion) {
    std::partial_sort(found.begin(), found.begin() + kMaxPrefixExpansion, found.end(), [&](uint32_t a, uint32_t b) {
      return lists[a].size() > lists[b].size();
    });
    found.resize(kMaxPrefixExpansion);
  }
  Bitmap out;
  for (uint32_t w : found) out.Or(ListBitmap(lists[w], !names_only));
  return out;
}

Bitmap Engine::Impl::Adjacent(const std::vector<std::string>& phrase, const Bitmap& candidates,
                              bool in_names, Bitmap* in_names_too, Scoring* scoring) const {
  if (in_names_too) *in_names_too = Bitmap();
  if (phrase.empty()) return Bitmap();
  std::vector<const Postings*> lists;
  for (const std::string& w : phrase) {
    const Postings* p = FindWord(w);
    if (!p) return Bitmap();
    lists.push_back(p);
  }
  // For each candidate still alive, the positions where the phrase may start.
  std::vector<uint32_t> alive;
  alive.reserve(candidates.Size());
  candidates.ForEach([&](uint32_t s) { alive.push_back(s); });
  std::vector<uint32_t> starts, start_end;  // start_end[i]: end of alive[i]'s starts
  if (scoring) scoring->done = true;
  for (size_t k = 0; k < lists.size(); ++k) {
    std::vector<uint32_t> next_alive, next_starts, next_end;
    size_t i = 0;
    const float idf = scoring ? scoring->idf[k] : 0.0f;
    std::vector<float>* score = idf > 0 ? scoring->score : nullptr;
    uint32_t last = alive.empty() ? 0 : alive.back();
    if (score) last = std::max(last, scoring->last);
    arena.ForEachWord(*lists[k], [&](uint32_t slot, uint8_t impact, uint8_t, const PositionRef& at) {
      if (score) (*score)[slot] += idf * impact;
      while (i < alive.size() && alive[i] < slot) ++i;
      if (i == alive.size() || alive[i] != slot) return;
      size_t before = next_starts.size();
      if (k == 0) {
        PostingArena::ForEachPosition(at, [&](uint32_t p) {
          if (!in_names || p + lists.size() <= kFieldStride) next_starts.push_back(p);
        });
      } else {
        // Both ascending: the starts whose k-th word is here.
        uint32_t j = i == 0 ? 0 : start_end[i - 1];
        const uint32_t end = start_end[i], offset = static_cast<uint32_t>(k);
        PostingArena::ForEachPosition(at, [&](uint32_t p) {
          while (j < end && starts[j] + offset < p) ++j;
          if (j < end && starts[j] + offset == p) next_starts.push_back(starts[j++]);
        });
      }
      if (next_starts.size() > before) {
        next_alive.push_back(slot);
        next_end.push_back(static_cast<uint32_t>(next_starts.size()));
      }
    }, last);
    alive.swap(next_alive);
    starts.swap(next_starts);
    start_end.swap(next_end);
    if (alive.empty() && !scoring) break;
  }
  if (in_names_too && !alive.empty()) {
    // A phrase that starts in a name ends there: positions of other fields are far apart.
    std::vector<uint32_t> named;
    for (size_t i = 0; i < alive.size(); ++i) {
      if (starts[i == 0 ? 0 : start_end[i - 1]] < kFieldStride) named.push_back(alive[i]);
    }
    *in_names_too = Bitmap(named.data(), named.size());
  }
  return Bitmap(alive.data(), alive.size());
}

std::vector<uint32_t> Engine::Impl::PositionsIn(const Postings& list, uint32_t slot) const {
  std::vector<uint32_t> out;
  arena.ForEachWord(list, [&](uint32_t s, uint8_t, uint8_t, const PositionRef& at) {
    if (s == slot) PostingArena::DecodePositions(at, out);
  }, slot);
  return out;
}

std::string Engine::Impl::SpelledAt(uint32_t word, uint32_t slot, uint32_t position) const {
  uint8_t spelling = kMixedSpelling;
  arena.ForEachWord(word_postings[word], [&](uint32_t s, uint8_t, uint8_t b, const PositionRef&) {
    if (s == slot) spelling = b;
  }, slot);
  if (spelling == 0) return std::string(words[word]);
  if (spelling != kMixedSpelling) {
    if (uint32_t e = SpellingOf(word, spelling); e != Vocabulary::kNone) return DisplayForm(exact_words[e]);
  }
  auto has = [&](const Postings& list) {
    std::vector<uint32_t> at = PositionsIn(list, slot);
    return std::binary_search(at.begin(), at.end(), position);
  };
  if (const Postings* plain = MixedPlain(word); plain && has(*plain)) return std::string(words[word]);
  for (uint32_t e = spelling_first[word]; e != Vocabulary::kNone; e = spelling_next[e]) {
    if (has(mixed_exact[e])) return DisplayForm(exact_words[e]);
  }
  return DisplayOf(word);
}

Bitmap Engine::Impl::AlternativeMatch(const std::vector<Token>& tokens, bool phrase, bool prefix_last,
                                      bool names_only, Scoring* scoring) const {
  if (tokens.size() == 1) return TokenMatch(tokens[0], prefix_last, names_only);
  // Several tokens (a quoted phrase, or one word such as "PTH.TĐ.01"): every token, at
  // consecutive positions (but for a last word being typed, which only has to be there).
  Bitmap out = TokenMatch(tokens[0], false, names_only);
  std::vector<std::string> together = {tokens[0].folded};
  for (size_t i = 1; i < tokens.size(); ++i) {
    bool prefix = prefix_last && i + 1 == tokens.size();
    out.And(TokenMatch(tokens[i], prefix, names_only));
    if (!prefix) together.push_back(tokens[i].folded);
  }
  (void)phrase;
  if (together.size() >= 2) {
    return Adjacent(together, out, names_only, nullptr,
                    scoring && scoring->idf.size() == together.size() ? scoring : nullptr);
  }
  return out;
}

// Documents that hold the query in the exact spelling typed: every clause, with the marked
// words in their exact form.
Bitmap Engine::Impl::ExactMatch(const ParsedQuery& q) const {
  std::optional<Bitmap> all;
  for (const Clause& c : q.clauses) {
    if (c.excluded) continue;
    Bitmap clause;
    for (const std::vector<Token>& alt : c.alternatives) {
      std::optional<Bitmap> a;
      for (const Token& t : alt) {
        // The spelling byte that means "spelled as typed", and the list of records that
        // spell the word that way among others.
        std::optional<uint8_t> wanted;
        const Postings* mixed = nullptr;
        const uint32_t w = words.Find(t.folded);
        if (w != Vocabulary::kNone) {
          if (t.exact == t.folded) {
            wanted = 0;
            mixed = MixedPlain(w);
          } else if (uint32_t e = exact_words.Find(t.exact); e != Vocabulary::kNone) {
            wanted = SpellingByte(w, e);
            mixed = &mixed_exact[e];
          }
        }
        std::vector<uint32_t> slots;
        if (wanted && *wanted != kMixedSpelling) {
          arena.ForEachWord(word_postings[w], [&](uint32_t s, uint8_t, uint8_t spelling, const PositionRef&) {
            if (spelling == *wanted) slots.push_back(s);
          });
        }
        Bitmap b(slots.data(), slots.size());
        if (mixed) b.Or(ListBitmap(*mixed, true));
        if (a) a->And(b); else a = std::move(b);
      }
      if (a) clause.Or(*a);
    }
    if (all) all->And(clause); else all = std::move(clause);
  }
  return all ? std::move(*all) : Bitmap();
}

// Applies the map and time filters by looking at each candidate.
Bitmap Engine::Impl::Restrict(const EngineQuery& q, Bitmap candidates) const {
  if (!q.lat_range && !q.near && !q.year_from && !q.year_to) return candidates;
  std::vector<uint32_t> kept;
  double kx = 0, ky = 111.195, r2 = 0;
  if (q.near) {
    kx = 111.195 * std::cos(q.near->first.first * 3.14159265358979 / 180.0);
    r2 = q.near->second * q.near->second;
  }
  candidates.ForEach([&](uint32_t s) {
    if (q.lat_range || q.near) {
      if (std::isnan(lat[s])) return;
      double la = lat[s], lo = lon[s];
      if (q.lat_range && (la < q.lat_range->first || la > q.lat_range->second || lo < q.lon_range->first ||
                          lo > q.lon_range->second)) {
        return;
      }
      if (q.near) {
        double dy = (la - q.near->first.first) * ky, dx = (lo - q.near->first.second) * kx;
        if (dx * dx + dy * dy > r2) return;
      }
    }
    if (q.year_from || q.year_to) {
      int64_t from = year_from[s], to = year_to[s];
      if (from == kNoYear && to == kNoYear) return;
      if (from == kNoYear) from = to;
      if (to == kNoYear) to = from;
      if (q.year_from && to < *q.year_from) return;
      if (q.year_to && from > *q.year_to) return;
    }
    kept.push_back(s);
  });
  return Bitmap(kept.data(), kept.size());
}

std::string Engine::Impl::DisplayOf(uint32_t word) const {
  // The most frequent spelling of the word.
  size_t best_count = plain_count[word];
  std::string best(words[word]);
  for (uint32_t e = 0; e < exact_words.size(); ++e) {
    if (exact_fold[e] != word) continue;
    size_t count = exact_count[e];
    if (count > best_count) {
      best_count = count;
      best = DisplayForm(exact_words[e]);
    }
  }
  return best;
}

// For a query that found nothing: the closest words of the index, preferring words that stand
// next to each other somewhere ("cong chien" -> "cồng chiêng").
std::string Engine::Impl::Spelling(const ParsedQuery& q) const {
  std::vector<std::string> typed;
  for (const Clause& c : q.clauses) {
    if (c.excluded || c.alternatives.size() != 1) continue;
    for (const Token& t : c.alternatives[0]) typed.push_back(t.folded);
  }
  if (typed.empty() || typed.size() > 8) return "";
  struct Candidate {
    uint32_t word;
    size_t distance;
    size_t df;
  };
  std::vector<std::vector<Candidate>> options;
  for (const std::string& w : typed) {
    size_t max = w.size() <= 2 ? 0 : w.size() <= 5 ? 1 : 2;
    std::vector<Candidate> c;
    for (uint32_t id = 0; id < words.size(); ++id) {
      size_t df = word_postings[id].size();
      if (df == 0 || words[id].size() + max < w.size() || words[id].size() > w.size() + max) continue;
      size_t d = EditDistance(w, words[id], max);
      if (d <= max) c.push_back({id, d, df});
    }
    std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
      return a.distance != b.distance ? a.distance < b.distance : a.df > b.df;
    });
    if (c.size() > 8) c.resize(8);
    if (c.empty()) return "";  // nothing close: no suggestion rather than a wild one
    options.push_back(std::move(c));
  }
  // Where two words stand together somewhere: one such record (looking at the first records
  // that hold both, which is enough to know), or nullopt.
  std::map<std::pair<uint32_t, uint32_t>, std::optional<uint32_t>> together;
  std::map<uint32_t, Bitmap> holding;
  auto holding_of = [&](uint32_t w) -> const Bitmap& {
    auto it = holding.find(w);
    if (it == holding.end()) it = holding.emplace(w, WordBitmap(w)).first;
    return it->second;
  };
  auto together_in = [&](uint32_t a, uint32_t b) -> std::optional<uint32_t> {
    auto [it, added] = together.try_emplace({a, b});
    if (!added) return it->second;
    Bitmap both = holding_of(a).Copy();
    both.And(holding_of(b));
    std::vector<uint32_t> sample;
    both.ForEach([&](uint32_t slot) {
      if (sample.size() < 2000) sample.push_back(slot);
    });
    Bitmap found = Adjacent({std::string(words[a]), std::string(words[b])}, Bitmap(sample.data(), sample.size()), false);
    std::optional<uint32_t> first;
    found.ForEach([&](uint32_t slot) {
      if (!first) first = slot;
    });
    return it->second = first;
  };
  // Best path: adjacent pairs that exist count most, then closeness, then frequency.
  const size_t n = options.size();
  std::vector<std::vector<double>> best(n);
  std::vector<std::vector<size_t>> from(n);
  auto own = [](const Candidate& c) { return -3.0 * static_cast<double>(c.distance) + std::log(1.0 + c.df) * 0.1; };
  for (size_t i = 0; i < n; ++i) {
    best[i].assign(options[i].size(), -1e18);
    from[i].assign(options[i].size(), 0);
    for (size_t j = 0; j < options[i].size(); ++j) {
      if (i == 0) {
        best[i][j] = own(options[i][j]);
        continue;
      }
      for (size_t k = 0; k < options[i - 1].size(); ++k) {
        double s = best[i - 1][k] + own(options[i][j]) +
                   (together_in(options[i - 1][k].word, options[i][j].word) ? 5.0 : 0.0);
        if (s > best[i][j]) {
          best[i][j] = s;
          from[i][j] = k;
        }
      }
    }
  }
  size_t j = static_cast<size_t>(std::max_element(best[n - 1].begin(), best[n - 1].end()) - best[n - 1].begin());
  std::vector<uint32_t> chosen(n);
  for (size_t i = n; i-- > 0;) {
    chosen[i] = options[i][j].word;
    j = from[i][j];
  }
  bool corrected = false;
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (words[chosen[i]] != typed[i]) corrected = true;
    // Spelled as where the word stands next to its neighbour ("cồng chiêng", not "công"), else
    // as it is spelled most often.
    std::string spelled;
    auto pair_spelled = [&](size_t a, bool second) -> bool {
      std::optional<uint32_t> slot = together_in(chosen[a], chosen[a + 1]);
      if (!slot) return false;
      std::vector<uint32_t> first = PositionsIn(word_postings[chosen[a]], *slot);
      std::vector<uint32_t> next = PositionsIn(word_postings[chosen[a + 1]], *slot);
      for (uint32_t p : first) {
        if (std::binary_search(next.begin(), next.end(), p + 1)) {
          spelled = second ? SpelledAt(chosen[a + 1], *slot, p + 1) : SpelledAt(chosen[a], *slot, p);
          return true;
        }
      }
      return false;
    };
    if (!(i > 0 && pair_spelled(i - 1, true)) && !(i + 1 < n && pair_spelled(i, false))) {
      spelled = DisplayOf(chosen[i]);
    }
    out += (i ? " " : "") + spelled;
  }
  return corrected ? out : "";
}

Engine::Engine(const std::string& postings_dir) : impl_(std::make_unique<Impl>()) {
  if (!postings_dir.empty()) impl_->arena.UseFile(postings_dir);
}
Engine::~Engine() = default;

void Engine::Upsert(const EngineRecord& r) { impl_->Upsert(r); }
void Engine::Remove(int64_t id) { impl_->Remove(id); }
void Engine::Finish() { impl_->Finish(); }

EngineStats Engine::Stats() const {
  const Impl& m = *impl_;
  EngineStats s;
  s.live = m.slot_of.size();
  s.dead = m.dead;
  s.words = m.words.size();
  s.exact_words = m.exact_words.size();
  for (const auto& [w, p] : m.mixed_plain) s.postings += p.size();
  s.postings_bytes += m.mixed_plain.size() * (sizeof(Postings) + 32) + m.mixed_plain.bucket_count() * sizeof(void*);
  for (const auto* lists : {&m.word_postings, &m.name_postings, &m.mixed_exact}) {
    for (const Postings& p : *lists) s.postings += p.size();
    s.postings_bytes += lists->capacity() * sizeof(Postings);
  }
  s.postings_bytes += m.arena.Bytes();
  s.postings_file_bytes = m.arena.FileBytes();
  for (const auto& [w, bitmap] : m.frequent) s.postings_bytes += bitmap.Bytes() + 32;
  for (const Bitmap& b : m.name_initial) s.postings_bytes += b.Bytes();
  s.vocabulary_bytes = m.words.Bytes() + m.exact_words.Bytes() +
                       (m.plain_count.capacity() + m.spelling_first.capacity() + m.spelling_next.capacity() +
                        m.exact_fold.capacity() + m.exact_count.capacity() + m.sorted_words.capacity()) * sizeof(uint32_t);
  s.slot_bytes = m.slot_id.capacity() * sizeof(int64_t) + (m.lat.capacity() + m.lon.capacity()) * sizeof(float) +
                 (m.year_from.capacity() + m.year_to.capacity() + m.recognised.capacity()) * sizeof(int32_t) +
                 m.changed.capacity() * sizeof(int64_t) + m.key_at.capacity() * sizeof(uint64_t) +
                 m.slot_of.size() * 32 + m.slot_of.bucket_count() * sizeof(void*) + m.key_chunks.size() * Impl::kKeyChunk +
                 m.live.Bytes() + m.is_public.Bytes();
  for (const auto& [cls, bitmap] : m.by_class) s.slot_bytes += bitmap.Bytes();
  for (const auto& [field, values] : m.terms) {
    for (const auto& [value, term] : values) s.term_bytes += term.slots.Bytes() + sizeof(std::string) + value.size() + 48;
  }
  s.term_bytes += m.slot_terms.capacity() + m.slot_terms_end.capacity() * sizeof(uint64_t);
  for (const auto& [cls, counts] : m.live_counts) s.term_bytes += (counts[0].capacity() + counts[1].capacity()) * sizeof(uint32_t);
  s.memory_bytes = s.postings_bytes + s.vocabulary_bytes + s.slot_bytes + s.term_bytes;
  return s;
}

Result<EngineResult> Engine::Search(const EngineQuery& q) const {
  const Impl& m = *impl_;
  EngineResult result;

  // The cursor: "<sort>.<key>.<id>", hex-encoded.
  struct Key {
    double score = 0;
    int64_t number = 0;
    std::string_view bytes;
    int64_t id = 0;
  };
  std::optional<Key> after;
  std::string cursor_bytes;
  if (!q.cursor.empty()) {
    auto invalid = [&] {
      return Fail(ErrorCode::kInvalid, "the cursor '" + q.cursor + "' is not valid for this search",
                  "con trỏ trang '" + q.cursor + "' không hợp lệ với tìm kiếm này");
    };
    std::optional<std::string> raw = Unhex(q.cursor);
    if (!raw) return invalid();
    size_t d1 = raw->find('.'), d2 = raw->rfind('.');
    if (d1 == std::string::npos || d1 == d2 || raw->substr(0, d1) != std::to_string(static_cast<int>(q.sort))) {
      return invalid();
    }
    Key k;
    std::string key = raw->substr(d1 + 1, d2 - d1 - 1), id = raw->substr(d2 + 1);
    char* end = nullptr;
    k.id = std::strtoll(id.c_str(), &end, 10);
    if (id.empty() || *end) return invalid();
    if (q.sort == EngineSort::kRelevance) {
      k.score = std::strtod(key.c_str(), &end);
      if (key.empty() || *end || !std::isfinite(k.score)) return invalid();
    } else if (q.sort == EngineSort::kName) {
      std::optional<std::string> bytes = Unhex(key);
      if (!bytes) return invalid();
      cursor_bytes = std::move(*bytes);
      k.bytes = cursor_bytes;
    } else {
      k.number = std::strtoll(key.c_str(), &end, 10);
      if (key.empty() || *end) return invalid();
    }
    after = k;
  }

  // The records that may be seen, by class, and the filters.
  auto cls = m.by_class.find(q.cls);
  Bitmap candidates = cls == m.by_class.end() ? Bitmap() : cls->second.Copy();
  candidates.And(m.live);
  if (q.public_only) candidates.And(m.is_public);
  const size_t visible = candidates.Size();
  for (const auto& [field, values] : q.filters) {
    Bitmap any;
    auto f = m.terms.find(field);
    if (f != m.terms.end()) {
      for (const std::string& v : values) {
        auto it = f->second.find(v);
        if (it != f->second.end()) any.Or(it->second.slots);
      }
    }
    candidates.And(any);
  }
  std::vector<uint32_t> pinned;
  for (int64_t id : q.pinned) {
    auto it = m.slot_of.find(id);
    if (it != m.slot_of.end() && candidates.Contains(it->second)) pinned.push_back(it->second);
  }
  std::sort(pinned.begin(), pinned.end());
  pinned.erase(std::unique(pinned.begin(), pinned.end()), pinned.end());

  // Scores, when ranking by relevance: idf × impact summed over the words (each word once).
  // A quoted phrase's words are scored in the pass that checks the phrase; the others below.
  std::vector<float> score;
  std::vector<std::string> scored;  // the words scored so far
  const bool relevance = q.sort == EngineSort::kRelevance;
  if (relevance) score.assign(m.slot_id.size(), 0.0f);
  const double live_records = static_cast<double>(std::max<size_t>(m.slot_of.size(), 1));
  auto idf_of = [&](const Postings& p) {
    double df = static_cast<double>(p.size());
    return static_cast<float>(std::log(1.0 + (live_records - df + 0.5) / (df + 0.5)) / kImpactScale);
  };
  // The idf of each word of `words` for a scoring pass: 0 for a word scored already or
  // earlier in the list, or unknown.
  auto idfs_of = [&](const std::vector<std::string>& words) {
    std::vector<float> idf;
    for (size_t i = 0; i < words.size(); ++i) {
      const Postings* p = m.FindWord(words[i]);
      bool again = std::find(scored.begin(), scored.end(), words[i]) != scored.end() ||
                   std::find(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i), words[i]) !=
                       words.begin() + static_cast<std::ptrdiff_t>(i);
      idf.push_back(p && !again ? idf_of(*p) : 0.0f);
    }
    return idf;
  };

  // The text.
  const ParsedQuery& pq = q.query;
  if (!pq.empty()) {
    std::optional<Bitmap> match;
    for (size_t ci = 0; ci < pq.clauses.size(); ++ci) {
      const Clause& c = pq.clauses[ci];
      Bitmap clause;
      for (size_t ai = 0; ai < c.alternatives.size(); ++ai) {
        bool prefix = q.last == LastWord::kPrefix && ci + 1 == pq.clauses.size() && !c.phrase && !c.excluded;
        Impl::Scoring phrase_scoring;
        std::vector<std::string> phrase_words;
        if (relevance && c.phrase && !c.excluded && c.alternatives.size() == 1) {
          for (const Token& t : c.alternatives[ai]) phrase_words.push_back(t.folded);
          phrase_scoring.score = &score;
          phrase_scoring.idf = idfs_of(phrase_words);
          phrase_scoring.last = UINT32_MAX;
        }
        clause.Or(m.AlternativeMatch(c.alternatives[ai], c.phrase, prefix, q.names_only,
                                     phrase_words.empty() ? nullptr : &phrase_scoring));
        if (phrase_scoring.done) scored.insert(scored.end(), phrase_words.begin(), phrase_words.end());
      }
      if (c.excluded) continue;
      if (match) match->And(clause); else match = std::move(clause);
    }
    if (!match) match = Bitmap();
    for (const Clause& c : pq.clauses) {
      if (!c.excluded) continue;
      for (const std::vector<Token>& alt : c.alternatives) match->AndNot(m.AlternativeMatch(alt, true, false, false));
    }
    match->Or(Bitmap(pinned.data(), pinned.size()));
    candidates.And(*match);
  }
  candidates = m.Restrict(q, std::move(candidates));
  result.total = candidates.Size();

  // Facet counts: each hit's terms counted, or, when the hits are most of what may be seen,
  // the live counts less the terms of the records that are not hits.
  std::vector<uint32_t> term_counts;
  if (!q.facet_fields.empty() && result.total > 0) {
    term_counts.assign(m.term_count, 0);
    auto live = m.live_counts.find(q.cls);
    if (live != m.live_counts.end() && result.total * 2 > visible) {
      Bitmap rest = cls->second.Copy();
      rest.And(m.live);
      if (q.public_only) rest.And(m.is_public);
      rest.AndNot(candidates);
      m.CountTerms(rest, term_counts);
      const std::vector<uint32_t>& all = live->second[q.public_only ? 1 : 0];
      for (uint32_t t = 0; t < term_counts.size(); ++t) term_counts[t] = (t < all.size() ? all[t] : 0) - term_counts[t];
    } else {
      m.CountTerms(candidates, term_counts);
    }
  }
  for (const std::string& field : q.facet_fields) {
    std::vector<EngineFacetCount>& counts = result.facets[field];
    auto f = m.terms.find(field);
    if (f == m.terms.end() || result.total == 0) continue;
    for (const auto& [value, term] : f->second) {
      if (size_t n = term_counts[term.id]) counts.push_back({value, n});
    }
    std::sort(counts.begin(), counts.end(), [](const EngineFacetCount& a, const EngineFacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
  }

  // Unquoted words typed next to each other ("cong chien").
  // A last word still being typed (autocomplete) is not a word yet.
  std::vector<const Token*> run;
  for (const Clause& c : pq.clauses) {
    if (c.excluded || c.phrase || c.alternatives.size() != 1) continue;
    for (const Token& t : c.alternatives[0]) run.push_back(&t);
  }
  if (q.last == LastWord::kPrefix && !run.empty() && !pq.clauses.back().excluded && !pq.clauses.back().phrase &&
      run.back() == &pq.clauses.back().alternatives.back().back()) {
    run.pop_back();
  }
  const bool by_relevance = relevance && result.total > 0;
  // The hits where those words stand together, and where they do in a name; the words' scores
  // come from the same pass over their lists.
  std::optional<Bitmap> together, together_in_name;
  if (run.size() >= 2 && result.total > 0) {
    std::vector<std::string> phrase;
    Impl::Scoring scoring;
    scoring.score = &score;
    for (const Token* t : run) phrase.push_back(t->folded);
    scoring.idf = idfs_of(phrase);
    scoring.last = candidates.Max();
    together_in_name.emplace();
    together = m.Adjacent(phrase, candidates, false, &*together_in_name, by_relevance ? &scoring : nullptr);
    if (scoring.done) scored.insert(scored.end(), phrase.begin(), phrase.end());
  }
  // A correction when nothing matched, or when words typed together never stand together.
  if (q.suggest_spelling && q.last == LastWord::kWhole && !pq.empty() &&
      (result.total == 0 || (together && together->Size() == 0))) {
    result.spelling = m.Spelling(pq);
  }

  if (by_relevance) {
    std::vector<std::string> seen = scored;
    for (const Clause& c : pq.clauses) {
      if (c.excluded) continue;
      for (const std::vector<Token>& alt : c.alternatives) {
        for (const Token& t : alt) {
          if (std::find(seen.begin(), seen.end(), t.folded) != seen.end()) continue;
          seen.push_back(t.folded);
          const Postings* p = m.FindWord(t.folded);
          if (!p) continue;
          const float idf = idf_of(*p);
          auto add = [&](uint32_t slot, uint8_t impact) { score[slot] += idf * impact; };
          if (q.names_only) {
            // Every hit has each whole word in a name (that list is far shorter), but for the
            // word being typed.
            m.arena.ForEachSlotImpact(m.name_postings[static_cast<size_t>(p - m.word_postings.data())], add);
          } else {
            m.arena.ForEachWord(*p, [&](uint32_t slot, uint8_t impact, uint8_t, const PositionRef&) { add(slot, impact); });
          }
        }
      }
    }
    // Documents with the words typed together adjacent come first, adjacent in a name before
    // adjacent anywhere.
    if (together) {
      together->ForEach([&](uint32_t s) { score[s] += kPhraseBoost; });
      together_in_name->ForEach([&](uint32_t s) { score[s] += kPhraseBoost; });
    }
    if (pq.has_diacritics) m.ExactMatch(pq).ForEach([&](uint32_t s) { score[s] += kExactBoost; });
    for (uint32_t s : pinned) score[s] += kPinnedBoost;
  }

  // The page: the first `limit` candidates after the cursor, in order.
  auto key_of = [&](uint32_t s) {
    Key k;
    k.id = m.slot_id[s];
    switch (q.sort) {
      case EngineSort::kRelevance: k.score = score[s]; break;
      case EngineSort::kName: k.bytes = m.SortKey(s); break;
      case EngineSort::kRecognised: k.number = m.recognised[s]; break;
      case EngineSort::kChanged: k.number = m.changed[s]; break;
    }
    return k;
  };
  // true when a comes before b.
  auto before = [&](const Key& a, const Key& b) {
    switch (q.sort) {
      case EngineSort::kRelevance:
        if (a.score != b.score) return a.score > b.score;
        break;
      case EngineSort::kName:
        if (int c = a.bytes.compare(b.bytes)) return c < 0;
        break;
      case EngineSort::kRecognised:
      case EngineSort::kChanged:
        if (a.number != b.number) return a.number > b.number;
        break;
    }
    return a.id < b.id;
  };
  const size_t want = std::max<size_t>(q.limit, 1) + 1;
  std::vector<Key> heap;  // a max-heap by `before`: the last of the best `want` on top
  auto heap_less = [&](const Key& a, const Key& b) { return before(a, b); };
  candidates.ForEach([&](uint32_t s) {
    // Most candidates cannot enter a full page: compare the score or number before building a key.
    if (heap.size() == want) {
      if (q.sort == EngineSort::kRelevance && score[s] < heap.front().score) return;
      if (q.sort == EngineSort::kRecognised && m.recognised[s] < heap.front().number) return;
      if (q.sort == EngineSort::kChanged && m.changed[s] < heap.front().number) return;
    }
    Key k = key_of(s);
    if (after && !before(*after, k)) return;
    if (heap.size() < want) {
      heap.push_back(k);
      std::push_heap(heap.begin(), heap.end(), heap_less);
    } else if (before(k, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), heap_less);
      heap.back() = k;
      std::push_heap(heap.begin(), heap.end(), heap_less);
    }
  });
  std::sort_heap(heap.begin(), heap.end(), heap_less);
  const size_t limit = std::max<size_t>(q.limit, 1);
  for (size_t i = 0; i < heap.size() && i < limit; ++i) result.ids.push_back(heap[i].id);
  if (heap.size() > limit) {
    const Key& last = heap[limit - 1];
    std::string key;
    char buf[64];
    switch (q.sort) {
      case EngineSort::kRelevance:
        std::snprintf(buf, sizeof buf, "%a", last.score);
        key = buf;
        break;
      case EngineSort::kName: key = Hex(last.bytes); break;
      default: key = std::to_string(last.number); break;
    }
    result.next_cursor = Hex(std::to_string(static_cast<int>(q.sort)) + "." + key + "." + std::to_string(last.id));
  }
  return result;
}

size_t EditDistance(std::string_view a, std::string_view b, size_t max) {
  // Optimal string alignment: insertions, deletions, substitutions and swaps of neighbours.
  if (a.size() > b.size() + max || b.size() > a.size() + max) return max + 1;
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    size_t lowest = row[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], before[j - 2] + 1);
      lowest = std::min(lowest, row[j]);
    }
    if (lowest > max) return max + 1;
    before.swap(previous);
    previous.swap(row);
  }
  return previous[b.size()];
}

std::string DisplayForm(std::string_view exact_token) {
  if (exact_token.empty()) return "";
  char tone = exact_token.back();
  UChar32 mark = 0;
  switch (tone) {
    case '1': mark = 0x0301; break;
    case '2': mark = 0x0300; break;
    case '3': mark = 0x0309; break;
    case '4': mark = 0x0303; break;
    case '5': mark = 0x0323; break;
  }
  std::string_view base = mark ? exact_token.substr(0, exact_token.size() - 1) : exact_token;
  icu::UnicodeString word = icu::UnicodeString::fromUTF8(icu::StringPiece(base.data(), static_cast<int32_t>(base.size())));
  if (mark) {
    // Code points, NFC: vowels with their quality marks are single characters.
    std::vector<UChar32> cps;
    for (int32_t i = 0; i < word.length();) {
      UChar32 c = word.char32At(i);
      cps.push_back(c);
      i += U16_LENGTH(c);
    }
    auto plain_vowel = [](UChar32 c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
    auto marked_vowel = [](UChar32 c) {
      return c == 0x0103 || c == 0x00E2 || c == 0x00EA || c == 0x00F4 || c == 0x01A1 || c == 0x01B0;
    };
    auto vowel = [&](UChar32 c) { return plain_vowel(c) || marked_vowel(c); };
    size_t start = 0;
    while (start < cps.size() && !vowel(cps[start])) ++start;
    // "qu" and "gi" + vowel: the u and i belong to the consonant.
    if (start < cps.size() && start > 0 &&
        ((cps[start - 1] == 'q' && cps[start] == 'u') || (cps[start - 1] == 'g' && cps[start] == 'i')) &&
        start + 1 < cps.size() && vowel(cps[start + 1])) {
      ++start;
    }
    size_t end = start;
    while (end < cps.size() && vowel(cps[end])) ++end;
    if (start < end) {
      size_t at = start;
      size_t marked = end;
      for (size_t i = start; i < end; ++i) {
        if (marked_vowel(cps[i])) marked = i;
      }
      const size_t size = end - start;
      if (marked != end) {
        at = marked;
      } else if (end < cps.size()) {
        at = end - 1;  // followed by a consonant: the last vowel
      } else if (size == 2) {
        at = start;  // "hòa", "thúy", "mía": the traditional placement most texts use
      } else if (size >= 3) {
        at = start + 1;
      }
      icu::UnicodeString out;
      for (size_t i = 0; i < cps.size(); ++i) {
        out.append(cps[i]);
        if (i == at) out.append(mark);
      }
      UErrorCode status = U_ZERO_ERROR;
      word = icu::Normalizer2::getNFCInstance(status)->normalize(out, status);
    }
  }
  std::string utf8;
  word.toUTF8String(utf8);
  return utf8;
}

}  // namespace disan::search
