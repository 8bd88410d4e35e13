// The engine's posting lists: every list lives in one arena of fixed-size blocks instead of a
// heap vector each, and a word's posting says in two or three bytes what used to take seven.
//
// Layout (docs/search.md, "Memory"):
//   - a list is a chain of blocks (16 bytes for its first, growing by half up to 4 KiB, or
//     32 KiB once it holds 8,192 postings, more only for one posting that needs it); a block
//     starts with a link (u32), its size class and the size class of the block its link
//     names, and postings never straddle blocks: a zero byte ends a block early;
//   - only a list's last block, the open one, can still change: open blocks live in the heap
//     (pages of 32 MiB, never moved, with a free list per size class). A full block is sealed:
//     copied once to the sealed store, where it never changes again, and its link names the
//     list's previous sealed block (a walk goes back along the links reading only the
//     headers, then reads the blocks forward, one at a time);
//   - the sealed store is segments of 32 MiB, written at its end only. With UseFile they are an
//     unnamed file's, written and read with pwrite and pread: the lists then sit in the kernel's
//     page cache, which writes them back and drops them under memory pressure like any file's
//     pages, not in the process's heap (the server's engine at 1,000,000 records would otherwise
//     hold over 1 GB there). They are not mapped: a mapping would count every page a read maps
//     around it as the process's own. Without UseFile, or where the file cannot grow, segments come
//     from the heap;
//   - a posting starts with its slot as a varint gap (the first one is slot + 1, so no gap is
//     zero). Word lists then hold a "head" varint: the first position (field and index), a bit
//     for "more positions follow", and the spelling in two bits (plain, the word's first
//     spelling, mixed, or a byte that follows). A posting with one position has no impact
//     byte: it is the record's impact for a single occurrence in that field, kept once per
//     record. Otherwise the impact byte, the length of the other positions in bytes, and the
//     positions: a gap within the same field, or a new field and index.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
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

[[gnu::always_inline]] inline uint64_t GetVarint(const uint8_t*& p) {
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
  uint32_t sealed = 0;  // the newest sealed block (8-byte units in the sealed store); 0 = none
  uint32_t tail = 0;    // the open block (8-byte units among the open blocks); 0 = none yet
  uint32_t used = 0;    // bytes used in the open block's data
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
  // `segment_bits`: the sealed store's segments are 2^segment_bits bytes (at least 4 MiB, the
  // largest block); smaller than the default only to test segment ends with less data.
  explicit PostingArena(int segment_bits = 25);
  ~PostingArena();
  PostingArena(const PostingArena&) = delete;
  PostingArena& operator=(const PostingArena&) = delete;

  // From now on, sealed blocks go to an unnamed file in `dir` (O_TMPFILE: gone with the arena,
  // even after a crash; where the file system lacks it, a file unlinked as soon as it is
  // made). Call before the first append. Returns false, and keeps the heap, when
  // the directory cannot take such a file.
  bool UseFile(const std::string& dir);

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

  // Bytes the arena holds (open blocks' pages, the sealed store up to its end, the per-record
  // impacts); FileBytes: how many of them are the file's, not the heap's.
  size_t Bytes() const;
  size_t FileBytes() const;

 private:
  // Walks a list's blocks: entry(slot, p) for each posting, with p just past the slot's gap;
  // entry moves p past the posting, and returns false to stop the walk.
  template <typename Entry>
  void ForEachEntry(const Postings& list, Entry&& entry) const {
    uint32_t slot = UINT32_MAX;  // the first gap is slot + 1
    auto walk = [&](const uint8_t* p) {
      const uint8_t* end = p + kClassSize[p[4]];
      for (p += kBlockHeader; p < end && *p;) {
        slot += static_cast<uint32_t>(GetVarint(p));
        if (!entry(slot, p)) return false;
      }
      return true;
    };
    if (list.sealed != 0) {
      // The sealed blocks link back to older ones: gather where they are, then read them
      // oldest first (one at a time into a buffer that stays in the cache).
      Gathered& g = GatherSealed(list);
      struct Release {
        Gathered& g;
        ~Release() { g.busy = false; }
      } release{g};
      for (size_t i = g.blocks.size(); i-- > 0;) {
        if (!walk(g.blocks[i].block ? g.blocks[i].block : Load(g, g.blocks[i]))) return;
      }
    }
    if (list.tail != 0) walk(Open(list.tail));
  }

  static constexpr size_t kPageBits = 25;  // 32 MiB pages
  static constexpr size_t kPageSize = size_t{1} << kPageBits;
  static constexpr size_t kBlockHeader = 6;  // link (u32), size class, the linked one's class
  static constexpr int kClasses = 24;
  static constexpr int kGrowthClasses = 17;  // up to 4 KiB by growth; larger only to fit
  // Lists of kLongList postings or more grow up to 32 KiB (a few thousand such lists at
  // 1,000,000 records, so their open blocks stay a few tens of MiB).
  static constexpr int kLongGrowthClasses = 20;
  static constexpr uint32_t kLongList = 8192;
  static constexpr uint32_t kClassSize[kClasses] = {
      16,   24,   32,   48,   64,   96,   128,   192,   256,   384,    512,     768,
      1024, 1536, 2048, 3072, 4096, 8192, 16384, 32768, 65536, 262144, 1048576, 4194304};

  static constexpr int kMinSegmentBits = 22;  // 4 MiB: the largest size class
  size_t SegmentSize() const { return size_t{1} << segment_bits_; }
  static constexpr size_t kWriteBuffer = size_t{1} << 20;

  // A page of open blocks or a segment of the sealed store: from calloc, or (sealed only) a
  // stretch of the file.
  struct Page {
    uint8_t* data = nullptr;  // nullptr: in the file
    off_t file_at = 0;
  };

  static const uint8_t* At(const std::vector<Page>& pages, uint32_t offset) {
    size_t at = static_cast<size_t>(offset) << 3;
    return pages[at >> kPageBits].data + (at & (kPageSize - 1));
  }
  const uint8_t* Open(uint32_t offset) const { return At(open_pages_, offset); }
  uint8_t* Open(uint32_t offset) { return const_cast<uint8_t*>(At(open_pages_, offset)); }

  // A walk's sealed blocks, newest first. One per nesting depth of walks on each thread,
  // kept between walks.
  struct SealedRef {
    const uint8_t* block;  // in the heap; nullptr: in the file, at file_at
    off_t file_at;
    uint8_t size_class;
  };
  struct Gathered {
    std::vector<SealedRef> blocks;
    std::vector<uint8_t> buffer;  // the file block being walked
    bool busy = false;
  };
  Gathered& GatherSealed(const Postings& list) const;
  // Reads a block in the file into g's buffer.
  const uint8_t* Load(Gathered& g, const SealedRef& ref) const;
  static uint32_t Link(const uint8_t* block) {
    return static_cast<uint32_t>(block[0]) | static_cast<uint32_t>(block[1]) << 8 |
           static_cast<uint32_t>(block[2]) << 16 | static_cast<uint32_t>(block[3]) << 24;
  }
  static void SetLink(uint8_t* block, uint32_t link) {
    block[0] = static_cast<uint8_t>(link);
    block[1] = static_cast<uint8_t>(link >> 8);
    block[2] = static_cast<uint8_t>(link >> 16);
    block[3] = static_cast<uint8_t>(link >> 24);
  }
  // Room for `bytes` more at the end of `list`: a new open block when the open one lacks it
  // (the full one is sealed first).
  uint8_t* Room(Postings& list, size_t bytes);
  uint32_t NewOpenBlock(int size_class);
  void FreeOpenBlock(uint32_t offset);
  // Copies a full open block to the end of the sealed store, linked to `previous` (of size
  // class previous_class); returns where it now is.
  uint32_t Seal(const uint8_t* block, uint32_t previous, uint8_t previous_class);
  void NewSegment();
  void Flush();
  void Append(Postings& list, uint32_t slot, const std::vector<uint8_t>& body);

  std::vector<Page> open_pages_;
  size_t open_fill_ = kPageSize;  // bytes used in the last page of open blocks
  uint32_t free_[kClasses] = {};  // freed open blocks by size class, linked through their link

  const int segment_bits_;
  std::vector<Page> sealed_pages_;
  size_t sealed_fill_;  // bytes used in the last segment
  size_t flushed_ = 0;  // offsets (in bytes) below this are in their segment; the rest in pending_
  std::vector<uint8_t> pending_;
  int fd_ = -1;
  bool file_grows_ = false;  // new segments go to the file
  size_t file_segments_ = 0;

  std::vector<uint8_t> single_impact_;
  std::vector<uint8_t> scratch_;
};

}  // namespace disan::search
