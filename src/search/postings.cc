// The posting arena: blocks, and the encoding of one posting (postings.h says the layout).
#include "search/postings.h"

#include <algorithm>
#include <cstring>

namespace disan::search {

uint32_t PostingArena::NewBlock(int size_class) {
  const size_t size = kClassSize[size_class];
  if (fill_ + size > kPageSize) {
    auto* page = static_cast<uint8_t*>(std::calloc(kPageSize, 1));
    if (!page) std::abort();  // out of memory: as operator new would
    pages_.emplace_back(page);
    fill_ = pages_.size() == 1 ? 8 : 0;  // offset 0 means "no block"
  }
  const size_t at = ((pages_.size() - 1) << kPageBits) + fill_;
  fill_ += size;
  uint8_t* block = pages_.back().get() + (at & (kPageSize - 1));
  block[4] = static_cast<uint8_t>(size_class);
  return static_cast<uint32_t>(at >> 3);
}

uint8_t* PostingArena::Room(Postings& list, size_t bytes) {
  if (list.tail != 0) {
    uint8_t* tail = Block(list.tail);
    if (kBlockHeader + list.used + bytes <= kClassSize[tail[4]])
      return tail + kBlockHeader + list.used;
  }
  // The next size class, or the smallest one that holds the posting.
  int size_class = 0;
  if (list.tail != 0) size_class = std::min<int>(Block(list.tail)[4] + 1, kGrowthClasses - 1);
  while (size_class + 1 < kClasses && kClassSize[size_class] < kBlockHeader + bytes) ++size_class;
  const uint32_t b = NewBlock(size_class);
  if (list.tail == 0) {
    list.head = b;
  } else {
    uint8_t* tail = Block(list.tail);
    tail[0] = static_cast<uint8_t>(b);
    tail[1] = static_cast<uint8_t>(b >> 8);
    tail[2] = static_cast<uint8_t>(b >> 16);
    tail[3] = static_cast<uint8_t>(b >> 24);
  }
  list.tail = b;
  list.used = 0;
  return Block(b) + kBlockHeader;
}

void PostingArena::Append(Postings& list, uint32_t slot, const std::vector<uint8_t>& body) {
  uint8_t gap[10];
  size_t n = 0;
  for (uint64_t v = list.count == 0 ? uint64_t{slot} + 1 : slot - list.last;; v >>= 7) {
    if (v < 0x80) {
      gap[n++] = static_cast<uint8_t>(v);
      break;
    }
    gap[n++] = static_cast<uint8_t>(v | 0x80);
  }
  uint8_t* at = Room(list, n + body.size());
  std::memcpy(at, gap, n);
  if (!body.empty()) std::memcpy(at + n, body.data(), body.size());
  list.used += static_cast<uint32_t>(n + body.size());
  list.last = slot;
  ++list.count;
}

void PostingArena::AppendSlot(Postings& list, uint32_t slot, uint8_t impact) {
  scratch_.assign(1, impact);
  Append(list, slot, scratch_);
}

void PostingArena::AppendWord(Postings& list, uint32_t slot, uint8_t impact, uint8_t spelling,
                              const std::vector<uint32_t>& positions) {
  // The largest block holds any real posting; positions past it are dropped (a record would
  // need millions of occurrences of one word to get there).
  constexpr size_t kMaxBody = kClassSize[kClasses - 1] - kBlockHeader - 16;
  auto code = [](uint32_t p) {
    return static_cast<uint64_t>(p % kFieldStride) << 2 | p / kFieldStride;
  };
  const bool more = positions.size() > 1;
  uint64_t spell_code = spelling == 0 ? 0 : spelling == 1 ? 1 : spelling == kMixedSpelling ? 2 : 3;
  scratch_.clear();
  PutVarint(scratch_, code(positions[0]) << 3 | (more ? 4 : 0) | spell_code);
  if (spell_code == 3) scratch_.push_back(spelling);
  if (more) {
    scratch_.push_back(impact);
    std::vector<uint8_t> rest;
    for (size_t i = 1; i < positions.size() && rest.size() + 20 < kMaxBody; ++i) {
      uint32_t p = positions[i], previous = positions[i - 1];
      if (p / kFieldStride == previous / kFieldStride) {
        PutVarint(rest, static_cast<uint64_t>(p - previous) << 1);
      } else {
        PutVarint(rest, code(p) << 1 | 1);
      }
    }
    PutVarint(scratch_, rest.size());
    scratch_.insert(scratch_.end(), rest.begin(), rest.end());
  }
  Append(list, slot, scratch_);
}

size_t PostingArena::Bytes() const {
  size_t pages = pages_.empty() ? 0 : (pages_.size() - 1) * kPageSize + fill_;
  return pages + single_impact_.capacity() + pages_.capacity() * sizeof(void*);
}

}  // namespace disan::search
