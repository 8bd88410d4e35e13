// The engine's posting lists: every list lives in one arena of fixed-size blocks instead of a
// heap vector each, and a word's posting says in two or three bytes what used to take seven.
//
// Layout (docs/search.md, "Memory"):
//   - the arena is a chain of 32 MiB pages, never moved, so building never copies a list and
//     the peak is what the lists hold plus at most one partly filled page;
//   - a list is a chain of blocks (16 bytes for its first, growing by half up to 4 KiB, more
//     only for one posting that needs it); a block starts with the offset of the next block
//     and its size class, and postings never straddle blocks: a zero byte ends a block early;
//   - a posting starts with its slot as a varint gap (the first one is slot + 1, so no gap is
//     zero). Word lists then hold a "head" varint: the first position (field and index), a bit
//     for "more positions follow", and the spelling in two bits (plain, the word's first
//     spelling, mixed, or a byte that follows). A posting with one position has no impact
//     byte: it is the record's impact for a single occurrence in that field, kept once per
//     record. Otherwise the impact byte, the length of the other positions in bytes, and the
//     positions: a gap within the same field, or a new field and index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace disan::search {

// Token positions: field f's token i is at f * kFieldStride + i, so that words of different
// fields are never adjacent, and a position below kFieldStride is in a name.
constexpr uint32_t kFieldStride = 1u << 28;

// The spelling byte of a word's posting: 0 = without marks, k = the word's spelling k - 1,
// kMixedSpelling = several spellings in the record (lists by spelling then say which).
constexpr uint8_t kMixedSpelling = 255;

inline void PutVarint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

inline uint64_t GetVarint(const uint8_t*& p) {
  uint64_t v = *p++;
  if (v < 0x80) return v;
  v &= 0x7F;
  int shift = 7;
  while (*p & 0x80) {
    v |= static_cast<uint64_t>(*p++ & 0x7F) << shift;
    shift += 7;
  }
  return v | (static_cast<uint64_t>(*p++) << shift);
}

// One list: where its blocks are, and what the next append needs to know.
struct Postings {
  uint32_t head = 0, tail = 0;  // block offsets (8-byte units); 0 = no block yet
  uint32_t used = 0;            // bytes used in the tail block's data
  uint32_t last = 0, count = 0;
  size_t size() const { return count; }
  bool empty() const { return count == 0; }
};

// The positions of one posting, decoded on demand.
struct PositionRef {
  uint32_t first = 0;
  const uint8_t* rest = nullptr;
  const uint8_t* rest_end = nullptr;
  bool single() const { return rest == rest_end; }
};

class PostingArena {
 public:
  PostingArena() = default;
  PostingArena(const PostingArena&) = delete;
  PostingArena& operator=(const PostingArena&) = delete;

  // A new record slot: its impact for a word found once in field f is single_impact[f].
  void AddSlot(const uint8_t single_impact[4]) {
    single_impact_.insert(single_impact_.end(), single_impact, single_impact + 4);
  }

  // Appends `slot` to a list of slots with an impact byte each (names).
  void AppendSlot(Postings& list, uint32_t slot, uint8_t impact);
  // Appends a word's posting: positions ascending, non-empty.
  void AppendWord(Postings& list, uint32_t slot, uint8_t impact, uint8_t spelling,
                  const std::vector<uint32_t>& positions);

  // fn(slot, impact, spelling, positions) for every posting of a word list up to slot `last`.
  template <typename Fn>
  void ForEachWord(const Postings& list, Fn&& fn, uint32_t last = UINT32_MAX) const {
    ForEachEntry(list, [&](uint32_t slot, const uint8_t*& p) {
      if (slot > last) return false;
      uint64_t head = GetVarint(p);
      uint8_t spelling = 0;
      switch (head & 3) {
        case 0:
          spelling = 0;
          break;
        case 1:
          spelling = 1;
          break;
        case 2:
          spelling = kMixedSpelling;
          break;
        default:
          spelling = *p++;
          break;
      }
      uint64_t code = head >> 3;
      uint32_t field = static_cast<uint32_t>(code & 3);
      PositionRef at{field * kFieldStride + static_cast<uint32_t>(code >> 2), p, p};
      uint8_t impact;
      if (head & 4) {
        impact = *p++;
        uint64_t bytes = GetVarint(p);
        at.rest = p;
        p += bytes;
        at.rest_end = p;
      } else {
        impact = single_impact_[static_cast<size_t>(slot) * 4 + field];
      }
      fn(slot, impact, spelling, at);
      return true;
    });
  }

  // fn(slot, impact) for every slot of a list of slots with impacts.
  template <typename Fn>
  void ForEachSlotImpact(const Postings& list, Fn&& fn) const {
    ForEachEntry(list, [&](uint32_t slot, const uint8_t*& p) {
      fn(slot, *p++);
      return true;
    });
  }

  // fn(slot) for every slot of a list (`words`: a word list, else a list of slots with impacts).
  template <typename Fn>
  void ForEachSlot(const Postings& list, bool words, Fn&& fn) const {
    if (words) {
      ForEachWord(list, [&](uint32_t s, uint8_t, uint8_t, const PositionRef&) { fn(s); });
      return;
    }
    ForEachSlotImpact(list, [&](uint32_t s, uint8_t) { fn(s); });
  }

  // fn(position) for each position of a posting, ascending.
  template <typename Fn>
  static void ForEachPosition(const PositionRef& at, Fn&& fn) {
    uint32_t position = at.first;
    fn(position);
    for (const uint8_t* p = at.rest; p < at.rest_end;) {
      uint64_t v = GetVarint(p);
      if (v & 1) {
        uint64_t code = v >> 1;
        position =
            static_cast<uint32_t>(code & 3) * kFieldStride + static_cast<uint32_t>(code >> 2);
      } else {
        position += static_cast<uint32_t>(v >> 1);
      }
      fn(position);
    }
  }
  static void DecodePositions(const PositionRef& at, std::vector<uint32_t>& out) {
    out.clear();
    ForEachPosition(at, [&](uint32_t p) { out.push_back(p); });
  }

  // Bytes the arena holds (pages in use, up to the last block), and the per-record impacts.
  size_t Bytes() const;

 private:
  // Walks a list's blocks: entry(slot, p) for each posting, with p just past the slot's gap;
  // entry moves p past the posting, and returns false to stop the walk.
  template <typename Entry>
  void ForEachEntry(const Postings& list, Entry&& entry) const {
    uint32_t slot = UINT32_MAX;  // the first gap is slot + 1
    for (uint32_t b = list.head; b != 0;) {
      const uint8_t* p = Block(b);
      const uint8_t* end = p + kClassSize[p[4]];
      b = Next(p);
      for (p += kBlockHeader; p < end && *p;) {
        slot += static_cast<uint32_t>(GetVarint(p));
        if (!entry(slot, p)) return;
      }
    }
  }

  static constexpr size_t kPageBits = 25;  // 32 MiB pages
  static constexpr size_t kPageSize = size_t{1} << kPageBits;
  static constexpr size_t kBlockHeader = 5;  // next block (u32), size class (u8)
  static constexpr int kClasses = 24;
  static constexpr int kGrowthClasses = 17;  // up to 4 KiB by growth; larger only to fit
  static constexpr uint32_t kClassSize[kClasses] = {
      16,   24,   32,   48,   64,   96,   128,   192,   256,   384,    512,     768,
      1024, 1536, 2048, 3072, 4096, 8192, 16384, 32768, 65536, 262144, 1048576, 4194304};

  struct FreePage {
    void operator()(uint8_t* p) const { std::free(p); }
  };

  const uint8_t* Block(uint32_t offset) const {
    size_t at = static_cast<size_t>(offset) << 3;
    return pages_[at >> kPageBits].get() + (at & (kPageSize - 1));
  }
  uint8_t* Block(uint32_t offset) {
    size_t at = static_cast<size_t>(offset) << 3;
    return pages_[at >> kPageBits].get() + (at & (kPageSize - 1));
  }
  static uint32_t Next(const uint8_t* block) {
    return static_cast<uint32_t>(block[0]) | static_cast<uint32_t>(block[1]) << 8 |
           static_cast<uint32_t>(block[2]) << 16 | static_cast<uint32_t>(block[3]) << 24;
  }
  // Room for `bytes` more at the end of `list`: a new block when the tail lacks it.
  uint8_t* Room(Postings& list, size_t bytes);
  uint32_t NewBlock(int size_class);
  void Append(Postings& list, uint32_t slot, const std::vector<uint8_t>& body);

  std::vector<std::unique_ptr<uint8_t, FreePage>> pages_;
  size_t fill_ = kPageSize;  // bytes used in the last page
  std::vector<uint8_t> single_impact_;
  std::vector<uint8_t> scratch_;
};

}  // namespace disan::search
