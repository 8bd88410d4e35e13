// The posting arena: blocks, and the encoding of one posting (postings.h says the layout).
#include "search/postings.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace disan::search {

PostingArena::PostingArena(int segment_bits)
    : segment_bits_(std::max(segment_bits, kMinSegmentBits)), sealed_fill_(SegmentSize()) {}

PostingArena::~PostingArena() {
  for (std::vector<Page>* pages : {&open_pages_, &sealed_pages_}) {
    for (Page& page : *pages) std::free(page.data);
  }
  if (fd_ >= 0) close(fd_);
}

bool PostingArena::UseFile(const std::string& dir) {
  if (fd_ < 0 && sealed_pages_.empty()) {
    fd_ = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0 && errno != ENOENT && errno != EACCES) {
      // A file system without O_TMPFILE: a named file, unlinked at once.
      std::string name = dir + "/.disan-postings-XXXXXX";
      fd_ = mkostemp(name.data(), O_CLOEXEC);
      if (fd_ >= 0) unlink(name.c_str());
    }
    file_grows_ = fd_ >= 0;
  }
  return fd_ >= 0;
}

namespace {

uint8_t* HeapPage(size_t size) {
  auto* page = static_cast<uint8_t*>(std::calloc(size, 1));
  if (!page) std::abort();  // out of memory: as operator new would
  return page;
}

// Reads exactly `size` bytes at `at`: the file is this process's own, so a failure is a disk
// that lost what it was given, and the engine cannot answer without it.
void ReadFully(int fd, uint8_t* out, size_t size, off_t at) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, out + done, size - done, at + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::fprintf(stderr, "the search engine cannot read its posting file back: %s\n",
                   n < 0 ? std::strerror(errno) : "short file");
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
}

// Block offsets are 32-bit counts of 8 bytes: 32 GiB of lists, about 30 times what
// 1,000,000 records hold. Past that the engine cannot go on.
[[noreturn]] void TooLarge() {
  std::fprintf(stderr, "the search engine's posting lists outgrew their 32 GiB address space\n");
  std::abort();
}

}  // namespace

uint32_t PostingArena::NewOpenBlock(int size_class) {
  const size_t size = kClassSize[size_class];
  if (uint32_t b = free_[size_class]; b != 0) {
    uint8_t* block = Open(b);
    free_[size_class] = Link(block);
    std::memset(block, 0, size);  // a zero byte ends a block's postings
    block[4] = static_cast<uint8_t>(size_class);
    return b;
  }
  if (open_fill_ + size > kPageSize) {
    open_pages_.push_back({HeapPage(kPageSize)});
    open_fill_ = open_pages_.size() == 1 ? 8 : 0;  // offset 0 means "no block"
  }
  const size_t at = ((open_pages_.size() - 1) << kPageBits) + open_fill_;
  if (at >> 35 != 0) TooLarge();
  open_fill_ += size;
  uint8_t* block = open_pages_.back().data + (at & (kPageSize - 1));
  block[4] = static_cast<uint8_t>(size_class);
  return static_cast<uint32_t>(at >> 3);
}

void PostingArena::FreeOpenBlock(uint32_t offset) {
  uint8_t* block = Open(offset);
  SetLink(block, free_[block[4]]);
  free_[block[4]] = offset;
}

void PostingArena::NewSegment() {
  Flush();
  const size_t index = sealed_pages_.size();
  Page page;
  if (file_grows_) {
    const off_t at = static_cast<off_t>(file_segments_ * SegmentSize());
    // The segment's blocks are reserved now, so that its writes never meet a full disk.
    if (posix_fallocate(fd_, at, static_cast<off_t>(SegmentSize())) == 0) {
      page.file_at = at;
      ++file_segments_;
    } else {
      file_grows_ = false;  // this segment and the next ones from the heap
    }
  }
  if (!file_grows_) page.data = HeapPage(SegmentSize());
  sealed_pages_.push_back(page);
  sealed_fill_ = index == 0 ? 8 : 0;  // offset 0 means "no block"
  flushed_ = (index << segment_bits_) + sealed_fill_;
}

void PostingArena::Flush() {
  if (pending_.empty()) return;
  Page& page = sealed_pages_.back();
  const size_t in_segment = flushed_ - ((sealed_pages_.size() - 1) << segment_bits_);
  if (!page.data) {
    size_t done = 0;
    while (done < pending_.size()) {
      ssize_t n = pwrite(fd_, pending_.data() + done, pending_.size() - done,
                         page.file_at + static_cast<off_t>(in_segment + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done < pending_.size()) {
      // The file failed us (an I/O error): this segment moves to the heap, what it already
      // held first, and so do the next ones.
      uint8_t* heap = HeapPage(SegmentSize());
      ReadFully(fd_, heap, in_segment + done, page.file_at);
      std::memcpy(heap + in_segment + done, pending_.data() + done, pending_.size() - done);
      page.data = heap;
      file_grows_ = false;
    }
  } else {
    std::memcpy(page.data + in_segment, pending_.data(), pending_.size());
  }
  flushed_ += pending_.size();
  pending_.clear();
}

uint32_t PostingArena::Seal(const uint8_t* block, uint32_t previous, uint8_t previous_class) {
  const size_t size = kClassSize[block[4]];
  // (The first segment starts 8 bytes in: the largest block may need the next one.)
  while (sealed_fill_ + size > SegmentSize()) NewSegment();
  if (pending_.size() + size > kWriteBuffer) Flush();
  const size_t at = ((sealed_pages_.size() - 1) << segment_bits_) + sealed_fill_;
  if ((at + size) >> 35 != 0) TooLarge();
  pending_.insert(pending_.end(), block, block + size);
  uint8_t* sealed = pending_.data() + pending_.size() - size;
  SetLink(sealed, previous);
  sealed[5] = previous_class;
  sealed_fill_ += size;
  return static_cast<uint32_t>(at >> 3);
}

PostingArena::Gathered& PostingArena::GatherSealed(const Postings& list) const {
  // Walks nest (a walk's callback may walk another list): one set of buffers per depth.
  thread_local std::vector<std::unique_ptr<Gathered>> pool;
  size_t depth = 0;
  while (depth < pool.size() && pool[depth]->busy) ++depth;
  if (depth == pool.size()) pool.push_back(std::make_unique<Gathered>());
  Gathered& g = *pool[depth];
  g.busy = true;  // until the walk's Release
  struct Unless {  // an exception before the walk has its Release frees the slot here
    Gathered& g;
    bool done = false;
    ~Unless() {
      if (!done) g.busy = false;
    }
  } unless{g};
  g.blocks.clear();
  uint8_t size_class = Open(list.tail)[5];  // a list with sealed blocks has an open one too
  for (uint32_t b = list.sealed; b != 0;) {
    const size_t at = static_cast<size_t>(b) << 3;
    const uint8_t* block = nullptr;
    off_t file_at = 0;
    uint8_t header[kBlockHeader];
    if (at >= flushed_) {
      block = pending_.data() + (at - flushed_);
    } else if (const Page& segment = sealed_pages_[at >> segment_bits_]; segment.data) {
      block = segment.data + (at & (SegmentSize() - 1));
    } else {
      // Only the header now, for the link: the block itself is read when its turn comes.
      file_at = segment.file_at + static_cast<off_t>(at & (SegmentSize() - 1));
      ReadFully(fd_, header, kBlockHeader, file_at);
    }
    g.blocks.push_back({block, file_at, size_class});
    const uint8_t* h = block ? block : header;
    b = Link(h);
    size_class = h[5];
  }
  unless.done = true;
  return g;
}

const uint8_t* PostingArena::Load(Gathered& g, const SealedRef& ref) const {
  const size_t size = kClassSize[ref.size_class];
  if (g.buffer.size() < size) g.buffer.resize(size);
  ReadFully(fd_, g.buffer.data(), size, ref.file_at);
  return g.buffer.data();
}

uint8_t* PostingArena::Room(Postings& list, size_t bytes) {
  if (list.tail != 0) {
    uint8_t* tail = Open(list.tail);
    if (kBlockHeader + list.used + bytes <= kClassSize[tail[4]])
      return tail + kBlockHeader + list.used;
  }
  // The next size class, or the smallest one that holds the posting.
  int size_class = 0;
  uint8_t sealed_class = 0;
  if (list.tail != 0) {
    const uint8_t* tail = Open(list.tail);
    // Long lists grow bigger blocks: a walk reads each sealed block with one pread, and the
    // words of most records would otherwise cost a thousand of them a query.
    const int largest = list.count >= kLongList ? kLongGrowthClasses - 1 : kGrowthClasses - 1;
    size_class = std::min<int>(tail[4] + 1, largest);
    list.sealed = Seal(tail, list.sealed, tail[5]);
    sealed_class = tail[4];
    FreeOpenBlock(list.tail);
  }
  while (size_class + 1 < kClasses && kClassSize[size_class] < kBlockHeader + bytes) ++size_class;
  list.tail = NewOpenBlock(size_class);
  list.used = 0;
  Open(list.tail)[5] = sealed_class;  // the class of the block list.sealed names
  return Open(list.tail) + kBlockHeader;
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
  const size_t open = open_pages_.empty() ? 0 : (open_pages_.size() - 1) * kPageSize + open_fill_;
  const size_t sealed =
      sealed_pages_.empty() ? 0 : (sealed_pages_.size() - 1) * SegmentSize() + sealed_fill_;
  return open + sealed + pending_.capacity() + single_impact_.capacity() +
         (open_pages_.capacity() + sealed_pages_.capacity()) * sizeof(Page);
}

size_t PostingArena::FileBytes() const {
  size_t bytes = 0;
  for (size_t i = 0; i < sealed_pages_.size(); ++i) {
    if (sealed_pages_[i].data) continue;
    bytes += i + 1 == sealed_pages_.size() ? sealed_fill_ : SegmentSize();
  }
  return bytes;
}

}  // namespace disan::search
