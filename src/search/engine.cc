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

// The slots of one word (or word pair), ascending, with an impact byte each (empty when the
// list has no impacts).
struct Postings {
  std::vector<uint32_t> slots;
  std::vector<uint8_t> impacts;
  Bitmap ToBitmap() const { return Bitmap(slots.data(), slots.size()); }
};

// Field weights and BM25 constants. Average field lengths are fixed, so an impact never
// changes after it is computed.
constexpr double kFieldWeight[4] = {10.0, 5.0, 2.0, 1.0};
constexpr double kAverageLength[4] = {6.0, 4.0, 150.0, 40.0};
constexpr double kK1 = 1.2, kB = 0.75;
constexpr double kImpactScale = 14.0;  // impact byte = weight * scale (max weight is 18)

constexpr uint8_t kPairAnywhere = 1, kPairInNames = 2;
constexpr uint32_t kPlain = UINT32_MAX;  // an exact id meaning "spelled without marks"

constexpr double kPinnedBoost = 1e6, kPhraseBoost = 1000, kExactBoost = 100;

constexpr size_t kMaxPrefixExpansion = 64;
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
  std::unordered_map<std::string, uint32_t> word_ids;
  std::vector<std::string> words;
  std::vector<Postings> word_postings;   // with impacts
  std::vector<Postings> name_postings;   // slots whose names hold the word
  std::vector<uint32_t> plain_count;     // slots where the word was spelled without marks
  std::unordered_map<std::string, uint32_t> exact_ids;
  std::vector<std::string> exact_words;
  std::vector<uint32_t> exact_fold;      // exact id -> word id
  std::vector<Postings> exact_postings;  // no impacts
  std::unordered_map<uint64_t, uint32_t> pair_ids;
  std::vector<Postings> pair_postings;   // impacts hold kPairAnywhere | kPairInNames
  std::vector<uint64_t> pair_spelling;   // exact ids of the pair's first occurrence (kPlain: none)

  std::vector<uint32_t> sorted_words;  // word ids in byte order of the word, for prefixes
  bool sorted_dirty = false;

  std::unordered_map<std::string, std::map<std::string, Bitmap>> terms;

  size_t dead = 0;

  std::string_view SortKey(uint32_t s) const {
    uint32_t b = s == 0 ? 0 : key_end[s - 1];
    return std::string_view(key_arena).substr(b, key_end[s] - b);
  }

  uint32_t WordId(std::string_view w) {
    auto it = word_ids.find(std::string(w));
    if (it != word_ids.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(words.size());
    words.emplace_back(w);
    word_ids.emplace(words.back(), id);
    word_postings.emplace_back();
    name_postings.emplace_back();
    plain_count.push_back(0);
    sorted_dirty = true;
    return id;
  }

  uint32_t ExactId(std::string_view e, uint32_t word) {
    auto it = exact_ids.find(std::string(e));
    if (it != exact_ids.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(exact_words.size());
    exact_words.emplace_back(e);
    exact_ids.emplace(exact_words.back(), id);
    exact_fold.push_back(word);
    exact_postings.emplace_back();
    return id;
  }

  const Postings* FindWord(std::string_view w) const {
    auto it = word_ids.find(std::string(w));
    return it == word_ids.end() ? nullptr : &word_postings[it->second];
  }

  void Upsert(const EngineRecord& r);
  void Remove(int64_t id);
  void Finish();

  // Query evaluation.
  Bitmap TokenMatch(const Token& t, bool prefix, bool names_only) const;
  Bitmap AlternativeMatch(const std::vector<Token>& tokens, bool phrase, bool prefix_last,
                          bool names_only) const;
  Bitmap PairMatch(const std::string& a, const std::string& b, uint8_t flag) const;
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
    int field;
  };
  std::vector<Occurrence> occurrences;
  std::vector<uint32_t> exact_seen;
  struct PairOccurrence {
    uint64_t key;
    uint8_t flags;
    uint64_t spelling;
    bool operator<(const PairOccurrence& o) const { return key < o.key; }
  };
  std::vector<PairOccurrence> pairs;
  double length[4] = {0, 0, 0, 0};
  for (int f = 0; f < 4; ++f) {
    std::vector<std::string_view> folded = SplitSpaces(r.folded[f]);
    std::vector<std::string_view> exact = SplitSpaces(r.exact[f]);
    length[f] = static_cast<double>(folded.size());
    uint32_t previous = UINT32_MAX, previous_exact = kPlain;
    for (size_t i = 0; i < folded.size(); ++i) {
      uint32_t w = WordId(folded[i]);
      occurrences.push_back({w, f});
      uint32_t e = kPlain;
      if (i < exact.size() && exact[i] != folded[i]) {
        e = ExactId(exact[i], w);
        exact_seen.push_back(e);
      } else {
        exact_seen.push_back(UINT32_MAX - w);  // spelled plainly; decoded below
      }
      if (previous != UINT32_MAX) {
        pairs.push_back({(uint64_t{previous} << 32) | w,
                         static_cast<uint8_t>(f == 0 ? kPairInNames | kPairAnywhere : kPairAnywhere),
                         (uint64_t{previous_exact} << 32) | e});
      }
      previous = w;
      previous_exact = e;
    }
  }
  std::sort(occurrences.begin(), occurrences.end(),
            [](const Occurrence& a, const Occurrence& b) { return a.word != b.word ? a.word < b.word : a.field < b.field; });
  for (size_t i = 0; i < occurrences.size();) {
    uint32_t w = occurrences[i].word;
    double weight = 0;
    bool in_names = false;
    while (i < occurrences.size() && occurrences[i].word == w) {
      int f = occurrences[i].field;
      double tf = 0;
      while (i < occurrences.size() && occurrences[i].word == w && occurrences[i].field == f) {
        ++tf;
        ++i;
      }
      double norm = kK1 * (1 - kB + kB * length[f] / kAverageLength[f]);
      weight += kFieldWeight[f] * tf / (tf + norm);
      if (f == 0) in_names = true;
    }
    Postings& p = word_postings[w];
    p.slots.push_back(slot);
    p.impacts.push_back(static_cast<uint8_t>(std::clamp(std::lround(weight * kImpactScale), 1L, 255L)));
    if (in_names) name_postings[w].slots.push_back(slot);
  }
  std::sort(exact_seen.begin(), exact_seen.end());
  exact_seen.erase(std::unique(exact_seen.begin(), exact_seen.end()), exact_seen.end());
  for (uint32_t e : exact_seen) {
    if (e < exact_words.size()) {
      exact_postings[e].slots.push_back(slot);
    } else {
      ++plain_count[UINT32_MAX - e];
    }
  }
  std::stable_sort(pairs.begin(), pairs.end());
  for (size_t i = 0; i < pairs.size();) {
    uint64_t key = pairs[i].key, spelling = pairs[i].spelling;
    uint8_t flags = 0;
    for (; i < pairs.size() && pairs[i].key == key; ++i) flags |= pairs[i].flags;
    auto [it, added] = pair_ids.try_emplace(key, static_cast<uint32_t>(pair_postings.size()));
    if (added) {
      pair_postings.emplace_back();
      pair_spelling.push_back(spelling);
    }
    Postings& p = pair_postings[it->second];
    p.slots.push_back(slot);
    p.impacts.push_back(flags);
  }
}

void Engine::Impl::Remove(int64_t id) {
  auto it = slot_of.find(id);
  if (it == slot_of.end()) return;
  live.Remove(it->second);
  slot_of.erase(it);
  ++dead;
}

void Engine::Impl::Finish() {
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
    return it == word_ids.end() ? Bitmap() : lists[it->second].ToBitmap();
  }
  // Every word that starts with the prefix; the most frequent ones when there are many.
  auto first = std::lower_bound(sorted_words.begin(), sorted_words.end(), t.folded,
                                [&](uint32_t w, const std::string& p) { return words[w] < p; });
  std::vector<uint32_t> found;
  for (auto it = first; it != sorted_words.end() && words[*it].starts_with(t.folded); ++it) {
    if (!lists[*it].slots.empty()) found.push_back(*it);
  }
  if (found.size() > kMaxPrefixExpansion) {
    std::partial_sort(found.begin(), found.begin() + kMaxPrefixExpansion, found.end(), [&](uint32_t a, uint32_t b) {
      return lists[a].slots.size() > lists[b].slots.size();
    });
    found.resize(kMaxPrefixExpansion);
  }
  Bitmap out;
  for (uint32_t w : found) out.Or(lists[w].ToBitmap());
  return out;
}

Bitmap Engine::Impl::PairMatch(const std::string& a, const std::string& b, uint8_t flag) const {
  auto ia = word_ids.find(a), ib = word_ids.find(b);
  if (ia == word_ids.end() || ib == word_ids.end()) return Bitmap();
  auto it = pair_ids.find((uint64_t{ia->second} << 32) | ib->second);
  if (it == pair_ids.end()) return Bitmap();
  const Postings& p = pair_postings[it->second];
  if (flag == kPairAnywhere) return p.ToBitmap();
  std::vector<uint32_t> slots;
  for (size_t i = 0; i < p.slots.size(); ++i) {
    if (p.impacts[i] & flag) slots.push_back(p.slots[i]);
  }
  return Bitmap(slots.data(), slots.size());
}

Bitmap Engine::Impl::AlternativeMatch(const std::vector<Token>& tokens, bool phrase, bool prefix_last,
                                      bool names_only) const {
  if (tokens.size() == 1) return TokenMatch(tokens[0], prefix_last, names_only);
  // Several tokens (a quoted phrase, or one word such as "PTH.TĐ.01"): every token, and
  // every adjacent pair adjacent.
  Bitmap out = TokenMatch(tokens[0], false, names_only);
  for (size_t i = 1; i < tokens.size(); ++i) {
    bool prefix = prefix_last && i + 1 == tokens.size();
    out.And(TokenMatch(tokens[i], prefix, names_only));
    if (!prefix && (phrase || !names_only)) {
      out.And(PairMatch(tokens[i - 1].folded, tokens[i].folded, names_only ? kPairInNames : kPairAnywhere));
    }
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
        Bitmap b;
        if (t.exact != t.folded) {
          auto it = exact_ids.find(t.exact);
          if (it != exact_ids.end()) b = exact_postings[it->second].ToBitmap();
        } else if (const Postings* p = FindWord(t.folded)) {
          b = p->ToBitmap();
        }
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
    size_t count = exact_postings[e].slots.size();
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
      size_t df = word_postings[id].slots.size();
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
        uint64_t key = (uint64_t{options[i - 1][k].word} << 32) | options[i][j].word;
        double s = best[i - 1][k] + own(options[i][j]) + (pair_ids.count(key) ? 5.0 : 0.0);
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
      auto it = pair_ids.find((uint64_t{chosen[a]} << 32) | chosen[a + 1]);
      if (it == pair_ids.end()) return false;
      uint64_t both = pair_spelling[it->second];
      uint32_t e = second ? static_cast<uint32_t>(both) : static_cast<uint32_t>(both >> 32);
      spelled = e == kPlain ? words[chosen[second ? a + 1 : a]] : DisplayForm(exact_words[e]);
      return true;
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
  s.pairs = m.pair_postings.size();
  size_t bytes = 0;
  auto add = [&](const std::vector<Postings>& lists) {
    for (const Postings& p : lists) {
      s.postings += p.slots.size();
      bytes += sizeof(Postings) + p.slots.capacity() * 4 + p.impacts.capacity();
    }
  };
  add(m.word_postings);
  add(m.name_postings);
  add(m.exact_postings);
  add(m.pair_postings);
  for (const std::string& w : m.words) bytes += w.capacity() + 64;  // + the hash node
  for (const std::string& w : m.exact_words) bytes += w.capacity() + 64;
  bytes += m.pair_ids.size() * 32;
  bytes += m.slot_id.size() * (8 + 32 + 4 * 2 + 8 * 4 + 4);  // per-slot arrays and the id map
  bytes += m.key_arena.capacity();
  for (const auto& [field, values] : m.terms) {
    for (const auto& [value, bitmap] : values) bytes += bitmap.Bytes() + value.capacity() + 64;
  }
  bytes += m.live.Bytes() + m.is_public.Bytes();
  s.memory_bytes = bytes;
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
  std::vector<const Token*> run;
  for (const Clause& c : pq.clauses) {
    if (c.excluded || c.phrase || c.alternatives.size() != 1) continue;
    for (const Token& t : c.alternatives[0]) run.push_back(&t);
  }
  // A correction when nothing matched, or when words typed together never stand together.
  if (q.suggest_spelling && !pq.empty()) {
    bool apart = run.size() >= 2;
    for (size_t i = 1; apart && i < run.size(); ++i) {
      if (m.PairMatch(run[i - 1]->folded, run[i]->folded, kPairAnywhere).Size() > 0) apart = false;
    }
    if (result.total == 0 || apart) result.spelling = m.Spelling(pq);
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
          double df = static_cast<double>(p->slots.size());
          float idf = static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)) / kImpactScale);
          for (size_t i = 0; i < p->slots.size(); ++i) score[p->slots[i]] += idf * p->impacts[i];
        }
      }
    }
    // Documents with the words typed together adjacent come first, adjacent in a name before
    // adjacent anywhere.
    if (run.size() >= 2) {
      for (uint8_t flag : {kPairAnywhere, kPairInNames}) {
        Bitmap adjacent = m.PairMatch(run[0]->folded, run[1]->folded, flag);
        for (size_t i = 2; i < run.size(); ++i) adjacent.And(m.PairMatch(run[i - 1]->folded, run[i]->folded, flag));
        adjacent.ForEach([&](uint32_t s) { score[s] += kPhraseBoost; });
      }
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
