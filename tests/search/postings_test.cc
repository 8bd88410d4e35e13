// The posting arena (search/postings.h) read back: open blocks in the heap, sealed blocks in
// the heap or in an unnamed file, over several segments and many write-buffer flushes, with
// walks that nest and walks that stop early. The file and the heap must give the same lists.
#include "search/postings.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "support/test_support.h"

namespace disan::search {
namespace {

struct Posting {
  uint32_t slot;
  uint8_t impact, spelling;
  std::vector<uint32_t> positions;
  bool operator==(const Posting&) const = default;
};

std::vector<Posting> Read(const PostingArena& arena, const Postings& list,
                          uint32_t last = UINT32_MAX) {
  std::vector<Posting> out;
  arena.ForEachWord(
      list,
      [&](uint32_t slot, uint8_t impact, uint8_t spelling, const PositionRef& at) {
        Posting p{slot, impact, spelling, {}};
        PostingArena::DecodePositions(at, p.positions);
        out.push_back(std::move(p));
      },
      last);
  return out;
}

// Appends the same postings to lists in both arenas: `lists` lists, slots 0..slots-1, each
// slot holding a pseudo-random few of the lists, some postings long (many positions), so that
// blocks fill and are sealed at scattered times. Returns what each list must read back.
std::vector<std::vector<Posting>> Fill(std::vector<PostingArena*> arenas,
                                       std::vector<std::vector<Postings>*> lists_of, size_t lists,
                                       uint32_t slots) {
  uint64_t state = 2026;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  std::vector<std::vector<Posting>> expected(lists);
  for (auto* l : lists_of) l->assign(lists, Postings{});
  for (uint32_t slot = 0; slot < slots; ++slot) {
    const uint8_t single[4] = {1, 2, 3, 4};
    for (PostingArena* a : arenas) a->AddSlot(single);
    for (int k = 0; k < 6; ++k) {
      const size_t list = next() % lists;
      if (!expected[list].empty() && expected[list].back().slot == slot) continue;
      Posting p{
          slot, static_cast<uint8_t>(10 + next() % 200), static_cast<uint8_t>(next() % 3), {}};
      const size_t count = next() % 16 == 0 ? 50 + next() % 400 : 1 + next() % 3;
      uint32_t position = next() % 1000;
      for (size_t i = 0; i < count; ++i) {
        p.positions.push_back(position);
        position += 1 + next() % 30;
      }
      if (count == 1) p.impact = single[0];  // one position in field 0: the slot's impact
      for (size_t i = 0; i < arenas.size(); ++i) {
        arenas[i]->AppendWord((*lists_of[i])[list], slot, p.impact, p.spelling, p.positions);
      }
      expected[list].push_back(std::move(p));
    }
  }
  return expected;
}

constexpr int kSmallSegments = 22;  // 4 MiB segments instead of 32

TEST(PostingArena, AFileBackedArenaReadsBackWhatTheHeapDoes) {
  disan::testing::TempDir dir;
  PostingArena heap(kSmallSegments), file(kSmallSegments);
  ASSERT_TRUE(file.UseFile(dir.path().string()));
  std::vector<Postings> heap_lists, file_lists;
  // About 9 MiB of postings: three segments of the sealed store, a few flushes of its buffer.
  const auto expected = Fill({&heap, &file}, {&heap_lists, &file_lists}, 3000, 80000);

  EXPECT_EQ(heap.FileBytes(), 0u);
  EXPECT_GT(file.FileBytes(), size_t{8} << 20) << "the sealed blocks should be in the file";
  EXPECT_LT(file.Bytes() - file.FileBytes(), size_t{16} << 20)
      << "only the open blocks and the write buffer should stay in the heap";
  for (size_t list = 0; list < expected.size(); ++list) {
    ASSERT_EQ(Read(file, file_lists[list]), expected[list]) << "list " << list;
    ASSERT_EQ(Read(heap, heap_lists[list]), expected[list]) << "list " << list;
  }
  // The file has no name: nothing is left in the directory, during or after.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(PostingArena, WalksNestAndStopEarly) {
  disan::testing::TempDir dir;
  PostingArena file(kSmallSegments);
  ASSERT_TRUE(file.UseFile(dir.path().string()));
  std::vector<Postings> lists;
  const auto expected = Fill({&file}, {&lists}, 40, 60000);
  ASSERT_GT(file.FileBytes(), 0u);
  // A walk of each list inside a walk of another: each sees its own list whole.
  size_t outer_seen = 0;
  file.ForEachSlot(lists[0], true, [&](uint32_t) {
    if (outer_seen++ % 500 != 0) return;
    for (size_t inner : {1, 2}) EXPECT_EQ(Read(file, lists[inner]), expected[inner]);
  });
  EXPECT_EQ(outer_seen, expected[0].size());
  // A walk that stops at a slot, then a full one: the second is not disturbed by the first.
  const uint32_t stop = expected[3][expected[3].size() / 2].slot;
  std::vector<Posting> head = Read(file, lists[3], stop);
  EXPECT_EQ(head.size(), expected[3].size() / 2 + 1);
  EXPECT_EQ(head.back().slot, stop);
  EXPECT_EQ(Read(file, lists[3]), expected[3]);
}

// A posting of more than 1 MiB takes the largest block (4 MiB): with 4 MiB segments it cannot
// go in the first one, which starts 8 bytes in, so it is sealed into the next (the heap
// segment would be overrun by 8 bytes otherwise, which the sanitizer build sees).
TEST(PostingArena, TheLargestBlockIsSealedWhereItFits) {
  disan::testing::TempDir dir;
  for (bool in_file : {false, true}) {
    SCOPED_TRACE(in_file ? "file" : "heap");
    PostingArena arena(kSmallSegments);
    if (in_file) {
      ASSERT_TRUE(arena.UseFile(dir.path().string()));
    }
    std::vector<Postings> lists(2);
    std::vector<std::vector<Posting>> expected(2);
    const uint8_t single[4] = {1, 2, 3, 4};
    for (uint32_t slot = 0; slot < 3; ++slot) {
      arena.AddSlot(single);
      Posting p{slot, 7, 0, {}};
      const size_t count = slot == 0 ? 600000 : 3;
      for (size_t i = 0; i < count; ++i) p.positions.push_back(static_cast<uint32_t>(i * 200));
      for (size_t list : {size_t{0}, size_t{1}}) {
        arena.AppendWord(lists[list], slot, p.impact, p.spelling, p.positions);
        expected[list].push_back(p);
      }
    }
    for (size_t list : {size_t{0}, size_t{1}}) EXPECT_EQ(Read(arena, lists[list]), expected[list]);
  }
}

TEST(PostingArena, ADirectoryThatCannotTakeTheFileLeavesTheListsInTheHeap) {
  disan::testing::TempDir dir;
  PostingArena arena;
  EXPECT_FALSE(arena.UseFile((dir.path() / "missing").string()));
  std::vector<Postings> lists;
  const auto expected = Fill({&arena}, {&lists}, 200, 20000);
  EXPECT_EQ(arena.FileBytes(), 0u);
  for (size_t list = 0; list < expected.size(); ++list) {
    ASSERT_EQ(Read(arena, lists[list]), expected[list]) << "list " << list;
  }
}

}  // namespace
}  // namespace disan::search
