#include "search/engine.h"

#include <roaring/roaring.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <queue>
#include <unordered_map>

namespace disan::search {
namespace {

// Lets the vocabulary be searched with a string_view, without building a string.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

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

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    roaring_iterate(
        r_,
        [](uint32_t v, void* p) {
          (*static_cast<Fn*>(p))(v);
          return true;
        },
        &fn);
  }

 private:
  roaring_bitmap_t* r_;
};

// The slots of one word (or word pair), ascending, as varint gaps, each followed by a fixed
// number of payload bytes (the list's `width`: impact and spelling for words, flags for pairs,
// none for names). About 1.2 bytes a slot for frequent words instead of 4.
void PutVarint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

uint32_t GetVarint(const uint8_t*& p) {
  uint32_t v = 0;
  int shift = 0;
  while (*p & 0x80) {
    v |= static_cast<uint32_t>(*p++ & 0x7F) << shift;
    shift += 7;
  }
  return v | (static_cast<uint32_t>(*p++) << shift);
}

// Token positions: field f's token i is at f * kFieldStride + i, so that words of different
// fields are never adjacent, and a position below kFieldStride is in a name.
constexpr uint32_t kFieldStride = 1 << 16;

class Postings {
 public:
  void Append(uint32_t slot, const uint8_t* payload, size_t width) {
    Reserve(5 + width);
    PutVarint(bytes_, count_ == 0 ? slot : slot - last_);
    bytes_.insert(bytes_.end(), payload, payload + width);
    last_ = slot;
    ++count_;
  }
  // A word's posting: slot, impact, spelling, then its positions (ascending) as varint gaps
  // after their length in bytes.
  void AppendWord(uint32_t slot, uint8_t impact, uint8_t spelling, const std::vector<uint32_t>& positions) {
    scratch_.clear();
    uint32_t previous = 0;
    for (uint32_t p : positions) {
      PutVarint(scratch_, p - previous);
      previous = p;
    }
    Reserve(12 + scratch_.size());
    PutVarint(bytes_, count_ == 0 ? slot : slot - last_);
    bytes_.push_back(impact);
    bytes_.push_back(spelling);
    PutVarint(bytes_, static_cast<uint32_t>(scratch_.size()));
    bytes_.insert(bytes_.end(), scratch_.begin(), scratch_.end());
    last_ = slot;
    ++count_;
  }
  // fn(slot, impact, spelling, positions, positions_bytes) for every posting of a word list, up
  // to slot `last`.
  template <typename Fn>
  void ForEachWord(Fn&& fn, uint32_t last = UINT32_MAX) const {
    const uint8_t* p = bytes_.data();
    const uint8_t* end = p + bytes_.size();
    uint32_t slot = 0;
    for (bool first = true; p < end; first = false) {
      uint32_t gap = GetVarint(p);
      slot = first ? gap : slot + gap;
      if (slot > last) return;
      uint8_t impact = p[0], spelling = p[1];
      p += 2;
      uint32_t bytes = GetVarint(p);
      fn(slot, impact, spelling, p, bytes);
      p += bytes;
    }
  }
  static void DecodePositions(const uint8_t* p, size_t bytes, std::vector<uint32_t>& out) {
    out.clear();
    const uint8_t* end = p + bytes;
    uint32_t position = 0;
    while (p < end) {
      position += GetVarint(p);
      out.push_back(position);
    }
  }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t Bytes() const { return sizeof(*this) + bytes_.capacity(); }
  void Shrink() { bytes_.shrink_to_fit(); }

  // fn(slot, payload) for every slot of a list with fixed-width payloads.
  template <typename Fn>
  void ForEach(size_t width, Fn&& fn) const {
    const uint8_t* p = bytes_.data();
    const uint8_t* end = p + bytes_.size();
    uint32_t slot = 0;
    for (bool first = true; p < end; first = false) {
      uint32_t gap = GetVarint(p);
      slot = first ? gap : slot + gap;
      fn(slot, p);
      p += width;
    }
  }
  std::vector<uint32_t> Slots(bool words) const {
    std::vector<uint32_t> slots;
    slots.reserve(count_);
    if (words) {
      ForEachWord([&](uint32_t s, uint8_t, uint8_t, const uint8_t*, size_t) { slots.push_back(s); });
    } else {
      ForEach(0, [&](uint32_t s, const uint8_t*) { slots.push_back(s); });
    }
    return slots;
  }
  Bitmap ToBitmap(bool words) const {
    std::vector<uint32_t> slots = Slots(words);
    return Bitmap(slots.data(), slots.size());
  }

 private:
  // Grows by a quarter rather than doubling: the lists are most of the engine's memory.
  void Reserve(size_t more) {
    if (bytes_.size() + more > bytes_.capacity()) bytes_.reserve(bytes_.size() + more + bytes_.size() / 4 + 8);
  }
  static thread_local std::vector<uint8_t> scratch_;
  std::vector<uint8_t> bytes_;
  uint32_t last_ = 0, count_ = 0;
};

thread_local std::vector<uint8_t> Postings::scratch_;

constexpr size_t kNameWidth = 0;
// The spelling byte of a word's posting: 0 = without marks, k = the word's spelling k - 1,
// kMixedSpelling = several spellings in the record (lists by spelling then say which).
constexpr uint8_t kMixedSpelling = 255;

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
constexpr int64_t kNoYear = std::numeric_limits<int64_t>::min();

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
  std::vector<int64_t> year_from, year_to;
  std::vector<int64_t> recognised, changed;
  std::string key_arena;
  std::vector<uint32_t> key_end;  // slot s's sort key is key_arena[key_end[s-1], key_end[s])

  // Words (folded), their exact spellings, and adjacent pairs.
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> word_ids;
  std::vector<std::string> words;
  std::vector<Postings> word_postings;   // AppendWord: impact, spelling, positions
  std::vector<Postings> name_postings;   // slots whose names hold the word; kNameWidth
  std::vector<uint32_t> plain_count;     // slots where the word was spelled without marks
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> exact_ids;
  std::vector<std::string> exact_words;
  std::vector<uint32_t> exact_fold;      // exact id -> word id
  std::vector<uint32_t> exact_count;     // exact id -> slots spelled so
  std::vector<std::vector<uint32_t>> spellings;  // word id -> its exact ids, in order of arrival
  // Records that spell a word several ways ("Hoa Ban" and "văn hóa"): by exact id, and by word
  // for the spelling without marks, with the positions of that spelling (AppendWord).
  std::vector<Postings> mixed_exact, mixed_plain;
  size_t since_shrink = 0;

  // The slots of frequent words as bitmaps too, so a broad query does not decode its list to
  // know what matches.
  std::unordered_map<uint32_t, Bitmap> frequent;
  std::vector<uint32_t> becoming_frequent;
  Bitmap WordBitmap(uint32_t w) const {
    auto it = frequent.find(w);
    return it != frequent.end() ? it->second.Copy() : word_postings[w].ToBitmap(true);
  }

  std::vector<uint32_t> sorted_words;  // word ids in byte order of the word, for prefixes
  bool sorted_dirty = false;

  std::unordered_map<std::string, std::map<std::string, Bitmap>> terms;

  size_t dead = 0;

  std::string_view SortKey(uint32_t s) const {
    uint32_t b = s == 0 ? 0 : key_end[s - 1];
    return std::string_view(key_arena).substr(b, key_end[s] - b);
  }

  uint32_t WordId(std::string_view w) {
    auto it = word_ids.find(w);
    if (it != word_ids.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(words.size());
    words.emplace_back(w);
    word_ids.emplace(words.back(), id);
    word_postings.emplace_back();
    name_postings.emplace_back();
    plain_count.push_back(0);
    spellings.emplace_back();
    mixed_plain.emplace_back();
    sorted_dirty = true;
    return id;
  }

  uint32_t ExactId(std::string_view e, uint32_t word) {
    auto it = exact_ids.find(e);
    if (it != exact_ids.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(exact_words.size());
    exact_words.emplace_back(e);
    exact_ids.emplace(exact_words.back(), id);
    exact_fold.push_back(word);
    exact_count.push_back(0);
    mixed_exact.emplace_back();
    spellings[word].push_back(id);
    return id;
  }

  const Postings* FindWord(std::string_view w) const {
    auto it = word_ids.find(w);
    return it == word_ids.end() ? nullptr : &word_postings[it->second];
  }

  void Upsert(const EngineRecord& r);
  void Remove(int64_t id);
  void Finish();

  // Query evaluation.
  Bitmap TokenMatch(const Token& t, bool prefix, bool names_only) const;
  Bitmap AlternativeMatch(const std::vector<Token>& tokens, bool phrase, bool prefix_last,
                          bool names_only) const;
  // The slots of `candidates` where the words stand in this order at consecutive positions
  // (within a name when in_names). Unknown words match nothing.
  Bitmap Adjacent(const std::vector<std::string>& words, const Bitmap& candidates, bool in_names) const;
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
  year_from.push_back(r.year_from.value_or(kNoYear));
  year_to.push_back(r.year_to.value_or(kNoYear));
  recognised.push_back(DateNumber(r.recognition_date));
  changed.push_back(TimeNumber(r.updated_at));
  key_arena += r.sort_key;
  key_end.push_back(static_cast<uint32_t>(key_arena.size()));
  for (const auto& [field, value] : r.terms) terms[field][value].Add(slot);

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
      double norm = kK1 * (1 - kB + kB * length[f] / kAverageLength[f]);
      weight += kFieldWeight[f] * tf / (tf + norm);
      if (f == 0) in_names = true;
    }
    uint8_t payload[2];
    payload[0] = static_cast<uint8_t>(std::clamp(std::lround(weight * kImpactScale), 1L, 255L));
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
          mixed_plain[w].AppendWord(slot, 0, 0, at);
          ++plain_count[w];
        } else {
          mixed_exact[e].AppendWord(slot, 0, 0, at);
          ++exact_count[e];
        }
      }
    } else if (spelling == kPlain) {
      payload[1] = 0;
      ++plain_count[w];
    } else {
      const std::vector<uint32_t>& known = spellings[w];
      size_t k = static_cast<size_t>(std::find(known.begin(), known.end(), spelling) - known.begin());
      payload[1] = k + 1 < kMixedSpelling ? static_cast<uint8_t>(k + 1) : kMixedSpelling;
      ++exact_count[spelling];
    }
    word_postings[w].AppendWord(slot, payload[0], payload[1], positions);
    if (auto f = frequent.find(w); f != frequent.end()) {
      f->second.Add(slot);
    } else if (word_postings[w].size() == kFrequent) {
      becoming_frequent.push_back(w);
    }
    if (in_names) name_postings[w].Append(slot, nullptr, kNameWidth);
  }
  ++since_shrink;
}

void Engine::Impl::Remove(int64_t id) {
  auto it = slot_of.find(id);
  if (it == slot_of.end()) return;
  live.Remove(it->second);
  slot_of.erase(it);
  ++dead;
}

void Engine::Impl::Finish() {
  for (uint32_t w : becoming_frequent) frequent.emplace(w, word_postings[w].ToBitmap(true));
  becoming_frequent.clear();
  if (since_shrink > 10000) {
    for (auto* lists : {&word_postings, &name_postings, &mixed_exact, &mixed_plain}) {
      for (Postings& p : *lists) p.Shrink();
    }
  }
  since_shrink = 0;
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
    auto it = word_ids.find(t.folded);
    if (it == word_ids.end()) return Bitmap();
    return names_only ? lists[it->second].ToBitmap(false) : WordBitmap(it->second);
  }
  // Every word that starts with the prefix; the most frequent ones when there are many.
  auto first = std::lower_bound(sorted_words.begin(), sorted_words.end(), t.folded,
                                [&](uint32_t w, const std::string& p) { return words[w] < p; });
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
  for (uint32_t w : found) out.Or(lists[w].ToBitmap(!names_only));
  return out;
}

Bitmap Engine::Impl::Adjacent(const std::vector<std::string>& phrase, const Bitmap& candidates,
                              bool in_names) const {
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
  std::vector<uint32_t> positions;
  for (size_t k = 0; k < lists.size(); ++k) {
    std::vector<uint32_t> next_alive, next_starts, next_end;
    size_t i = 0;
    const uint32_t last = alive.empty() ? 0 : alive.back();
    lists[k]->ForEachWord([&](uint32_t slot, uint8_t, uint8_t, const uint8_t* pos, size_t bytes) {
      while (i < alive.size() && alive[i] < slot) ++i;
      if (i == alive.size() || alive[i] != slot) return;
      Postings::DecodePositions(pos, bytes, positions);
      size_t before = next_starts.size();
      if (k == 0) {
        for (uint32_t p : positions) {
          if (!in_names || p + lists.size() <= kFieldStride) next_starts.push_back(p);
        }
      } else {
        uint32_t b = i == 0 ? 0 : start_end[i - 1];
        for (uint32_t j = b; j < start_end[i]; ++j) {
          if (std::binary_search(positions.begin(), positions.end(), starts[j] + static_cast<uint32_t>(k))) {
            next_starts.push_back(starts[j]);
          }
        }
      }
      if (next_starts.size() > before) {
        next_alive.push_back(slot);
        next_end.push_back(static_cast<uint32_t>(next_starts.size()));
      }
    }, last);
    alive.swap(next_alive);
    starts.swap(next_starts);
    start_end.swap(next_end);
    if (alive.empty()) break;
  }
  return Bitmap(alive.data(), alive.size());
}

std::vector<uint32_t> Engine::Impl::PositionsIn(const Postings& list, uint32_t slot) const {
  std::vector<uint32_t> out;
  list.ForEachWord([&](uint32_t s, uint8_t, uint8_t, const uint8_t* pos, size_t bytes) {
    if (s == slot) Postings::DecodePositions(pos, bytes, out);
  }, slot);
  return out;
}

std::string Engine::Impl::SpelledAt(uint32_t word, uint32_t slot, uint32_t position) const {
  uint8_t spelling = kMixedSpelling;
  word_postings[word].ForEachWord([&](uint32_t s, uint8_t, uint8_t b, const uint8_t*, size_t) {
    if (s == slot) spelling = b;
  }, slot);
  if (spelling == 0) return words[word];
  if (spelling != kMixedSpelling && spelling <= spellings[word].size()) {
    return DisplayForm(exact_words[spellings[word][spelling - 1u]]);
  }
  auto has = [&](const Postings& list) {
    std::vector<uint32_t> at = PositionsIn(list, slot);
    return std::binary_search(at.begin(), at.end(), position);
  };
  if (has(mixed_plain[word])) return words[word];
  for (uint32_t e : spellings[word]) {
    if (has(mixed_exact[e])) return DisplayForm(exact_words[e]);
  }
  return DisplayOf(word);
}

Bitmap Engine::Impl::AlternativeMatch(const std::vector<Token>& tokens, bool phrase, bool prefix_last,
                                      bool names_only) const {
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
  if (together.size() >= 2) return Adjacent(together, out, names_only);
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
        auto w = word_ids.find(t.folded);
        if (w != word_ids.end()) {
          if (t.exact == t.folded) {
            wanted = 0;
            mixed = &mixed_plain[w->second];
          } else if (auto e = exact_ids.find(t.exact); e != exact_ids.end()) {
            const std::vector<uint32_t>& known = spellings[w->second];
            size_t k = static_cast<size_t>(std::find(known.begin(), known.end(), e->second) - known.begin());
            wanted = k + 1 < kMixedSpelling ? static_cast<uint8_t>(k + 1) : kMixedSpelling;
            mixed = &mixed_exact[e->second];
          }
        }
        std::vector<uint32_t> slots;
        if (wanted && *wanted != kMixedSpelling) {
          word_postings[w->second].ForEachWord([&](uint32_t s, uint8_t, uint8_t spelling, const uint8_t*, size_t) {
            if (spelling == *wanted) slots.push_back(s);
          });
        }
        Bitmap b(slots.data(), slots.size());
        if (mixed) b.Or(mixed->ToBitmap(true));
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
  std::string best = words[word];
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
    Bitmap found = Adjacent({words[a], words[b]}, Bitmap(sample.data(), sample.size()), false);
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

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
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
  auto add = [&](const std::vector<Postings>& lists) {
    for (const Postings& p : lists) {
      s.postings += p.size();
      s.postings_bytes += p.Bytes();
    }
  };
  add(m.word_postings);
  add(m.name_postings);
  add(m.mixed_exact);
  add(m.mixed_plain);
  for (const auto& [w, bitmap] : m.frequent) s.postings_bytes += bitmap.Bytes() + 32;
  // Strings twice (the list and the hash key) with the hash node, the spelling lists.
  for (const std::string& w : m.words) s.vocabulary_bytes += 2 * (sizeof(std::string) + (w.size() > 15 ? w.size() : 0)) + 24;
  s.vocabulary_bytes += m.words.size() * (sizeof(std::vector<uint32_t>) + 2 * sizeof(uint32_t));
  for (const std::string& w : m.exact_words) s.vocabulary_bytes += 2 * sizeof(std::string) + 24 + w.size() + 12;
  s.slot_bytes = m.slot_id.size() * (sizeof(int64_t) + 2 * sizeof(float) + 4 * sizeof(int64_t) + sizeof(uint32_t)) +
                 m.slot_of.size() * 32 + m.key_arena.capacity() + m.live.Bytes() + m.is_public.Bytes();
  for (const auto& [cls, bitmap] : m.by_class) s.slot_bytes += bitmap.Bytes();
  for (const auto& [field, values] : m.terms) {
    for (const auto& [value, bitmap] : values) s.term_bytes += bitmap.Bytes() + sizeof(std::string) + value.size() + 48;
  }
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
  for (const auto& [field, values] : q.filters) {
    Bitmap any;
    auto f = m.terms.find(field);
    if (f != m.terms.end()) {
      for (const std::string& v : values) {
        auto it = f->second.find(v);
        if (it != f->second.end()) any.Or(it->second);
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

  // The text.
  const ParsedQuery& pq = q.query;
  if (!pq.empty()) {
    std::optional<Bitmap> match;
    for (size_t ci = 0; ci < pq.clauses.size(); ++ci) {
      const Clause& c = pq.clauses[ci];
      Bitmap clause;
      for (size_t ai = 0; ai < c.alternatives.size(); ++ai) {
        bool prefix = q.last == LastWord::kPrefix && ci + 1 == pq.clauses.size() && !c.phrase && !c.excluded;
        clause.Or(m.AlternativeMatch(c.alternatives[ai], c.phrase, prefix, q.names_only));
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

  for (const std::string& field : q.facet_fields) {
    std::vector<EngineFacetCount>& counts = result.facets[field];
    auto f = m.terms.find(field);
    if (f == m.terms.end() || result.total == 0) continue;
    for (const auto& [value, bitmap] : f->second) {
      if (size_t n = candidates.AndSize(bitmap)) counts.push_back({value, n});
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
  // The hits where those words stand together, and where they do in a name.
  std::optional<Bitmap> together, together_in_name;
  if (run.size() >= 2 && result.total > 0) {
    std::vector<std::string> phrase;
    for (const Token* t : run) phrase.push_back(t->folded);
    together = m.Adjacent(phrase, candidates, false);
    together_in_name = m.Adjacent(phrase, *together, true);
  }
  // A correction when nothing matched, or when words typed together never stand together.
  if (q.suggest_spelling && q.last == LastWord::kWhole && !pq.empty() &&
      (result.total == 0 || (together && together->Size() == 0))) {
    result.spelling = m.Spelling(pq);
  }

  // Scores, when ranking by relevance.
  std::vector<float> score;
  if (q.sort == EngineSort::kRelevance && result.total > 0) {
    score.assign(m.slot_id.size(), 0.0f);
    const double n = static_cast<double>(std::max<size_t>(m.slot_of.size(), 1));
    std::vector<std::string> seen;
    for (const Clause& c : pq.clauses) {
      if (c.excluded) continue;
      for (const std::vector<Token>& alt : c.alternatives) {
        for (const Token& t : alt) {
          if (std::find(seen.begin(), seen.end(), t.folded) != seen.end()) continue;
          seen.push_back(t.folded);
          const Postings* p = m.FindWord(t.folded);
          if (!p) continue;
          double df = static_cast<double>(p->size());
          float idf = static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)) / kImpactScale);
          p->ForEachWord([&](uint32_t slot, uint8_t impact, uint8_t, const uint8_t*, size_t) { score[slot] += idf * impact; });
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
